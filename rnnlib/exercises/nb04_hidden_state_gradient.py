"""The exercises of notebook 04 · The hidden-state gradient."""
import numpy as np

from ..bptt import hidden_grad
from .core import Exercise, zeroed


def _only_last_output(args):
    """An isolation transform for the recursion: ∂y_t = 0 except at t = T."""
    W_yh, W_hh, dy, mask = args
    dy_T = np.zeros_like(dy)
    dy_T[-1] = dy[-1]
    return W_yh, W_hh, dy_T, mask

def _reference_hidden_grads(W_yh, W_hh, dy, mask):
    """∂h_t for t = T ... 0 by the two equations, with ∂ĥ_{T+1} = 0 and no output at t = 0."""
    T, H = dy.shape[0] - 1, W_hh.shape[0]
    dh, dh_hat_next = np.zeros((T + 1, H)), np.zeros(H)
    for t in range(T, 0, -1):
        dh[t] = hidden_grad(W_yh, W_hh, dy[t], dh_hat_next)
        dh_hat_next = mask[t] * dh[t]
    dh[0] = hidden_grad(W_yh, W_hh, np.zeros_like(dy[0]), dh_hat_next)
    return dh

def _rng_inputs_through_time(rng, T=5, O=2, H=4):
    dy = rng.standard_normal((T + 1, O))
    dy[0] = 0
    mask = (rng.random((T + 1, H)) < 0.6).astype(float)
    mask[0] = 0
    return rng.standard_normal((O, H)), rng.standard_normal((H, H)) * 0.8, dy, mask

def _through_time_variant(gate_shift=0, gate=True, transpose=True, h0=True, dy_shift=0,
                          store_gated=False):
    """A version of the ∂h recursion with one mistake, for recognising it."""
    def variant(W_yh, W_hh, dy, mask):
        T, H = dy.shape[0] - 1, W_hh.shape[0]
        W = W_hh.T if transpose else W_hh
        dh, dh_hat_next = np.zeros((T + 1, H)), np.zeros(H)
        for t in range(T, 0, -1):
            dh[t] = W_yh.T @ dy[t + dy_shift] + W @ dh_hat_next
            dh_hat_next = mask[t + gate_shift] * dh[t] if gate else dh[t]
            if store_gated:
                dh[t] = dh_hat_next
        dh[0] = W @ dh_hat_next if h0 else 0
        return dh
    return variant


EXERCISES = [
    Exercise(
        "hidden_grad", "∂h_t = W_yhᵀ ∂y_t + W_hhᵀ ∂ĥ_{t+1}",
        "hidden_grad(W_yh, W_hh, dy_t, dh_hat_next)",
        hidden_grad,
        lambda rng: (rng.standard_normal((2, 4)), rng.standard_normal((4, 4)),
                     rng.standard_normal(2), rng.standard_normal(4)),
        task="∂h_t, given ∂y_t and ∂ĥ_{t+1}: every path by which h_t reaches the loss",
        mistakes=(
            ("Only W_yhᵀ ∂y_t: h_t also feeds ĥ_{t+1}, so add the path W_hhᵀ ∂ĥ_{t+1}.",
             lambda W_yh, W_hh, dy, dn: W_yh.T @ dy),
            ("Only W_hhᵀ ∂ĥ_{t+1}: h_t also produces y_t, so add the path W_yhᵀ ∂y_t.",
             lambda W_yh, W_hh, dy, dn: W_hh.T @ dn),
            ("W_hh ∂ĥ_{t+1} lacks its transpose: going backwards multiplies by W_hhᵀ.",
             lambda W_yh, W_hh, dy, dn: W_yh.T @ dy + W_hh @ dn),
        ),
        isolations=(("only the output path (∂ĥ_{t+1} = 0)", zeroed(3)),
                    ("only the recurrent path (∂y_t = 0)", zeroed(2)))),
    Exercise(
        "hidden_grads_through_time",
        "∂h_t = W_yhᵀ ∂y_t + W_hhᵀ ∂ĥ_{t+1},  ∂ĥ_t = mask_t ⊙ ∂h_t,  for t = T … 1;  ∂h_0 = W_hhᵀ ∂ĥ_1",
        "hidden_grads_through_time(W_yh, W_hh, dy, mask)  # dy: (T+1, O), mask: (T+1, H)",
        _reference_hidden_grads, _rng_inputs_through_time,
        task="∂h_t for every t = T … 0, backwards in time through the gates (rows t = 0..T)",
        mistakes=(
            ("The ReLU gate is missing: ∂ĥ_t = mask_t ⊙ ∂h_t before it goes back through W_hhᵀ.",
             _through_time_variant(gate=False)),
            ("The gate is taken at the wrong step: ∂ĥ_t uses mask[t] (ĥ_t > 0), not mask[t-1].",
             _through_time_variant(gate_shift=-1)),
            ("∂h_0 is zero or missing: h_0 has no output and no gate, but it feeds ĥ_1, so "
             "∂h_0 = W_hhᵀ ∂ĥ_1.", _through_time_variant(h0=False)),
            ("W_hh lacks its transpose: going backwards multiplies by W_hhᵀ.",
             _through_time_variant(transpose=False)),
            ("Rows 1..T hold ∂ĥ_t (after the gate); they should hold ∂h_t, before it.",
             _through_time_variant(store_gated=True)),
            ("The output gradient is off by one: ∂h_t uses ∂y_t = dy[t] (row t is time t).",
             _through_time_variant(dy_shift=-1)),
        ),
        isolations=(("one time step (T = 1)", lambda a: (a[0], a[1], a[2][:2], a[3][:2])),
                    ("no recurrence (W_hh = 0): only ∂h_t = W_yhᵀ ∂y_t is left", zeroed(1)),
                    ("only the last output has a loss (∂y_t = 0 for t < T)", _only_last_output),
                    ("all gates open (mask = 1): right here but wrong elsewhere? look at the gate",
                     lambda a: (*a[:3], np.vstack([a[3][:1], np.ones_like(a[3][1:])])))),
        error_hints=(("IndexError", "Histories have T+1 rows, t = 0..T: ∂ĥ_t uses mask[t] and "
                      "∂y_t is dy[t]; there is no mask[T+1]."),)),
]
