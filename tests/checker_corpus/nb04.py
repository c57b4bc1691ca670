"""Notebook 04 · the hidden-state gradient: hidden_grad, hidden_grads_through_time,
step_backward, and the by-hand backward pass (check_by_hand_backward)."""
import numpy as np

from rnnlib import worked_example

from ._util import writes_into

_nb = np.random.default_rng(4321)
W_yh_global = _nb.standard_normal((2, 4))
W_hh_global = _nb.standard_normal((4, 4))


# --- hidden_grad(W_yh, W_hh, dy_t, dh_hat_next) -----------------------------------------------

def hidden_grad_matmul(W_yh, W_hh, dy_t, dh_hat_next):
    return W_yh.T @ dy_t + W_hh.T @ dh_hat_next


def hidden_grad_row_vectors(W_yh, W_hh, dy_t, dh_hat_next):
    return dy_t @ W_yh + dh_hat_next @ W_hh


def hidden_grad_loops(W_yh, W_hh, dy_t, dh_hat_next):
    O, H = W_yh.shape
    dh = []
    for j in range(H):
        total = sum(W_yh[o, j] * dy_t[o] for o in range(O))
        total += sum(W_hh[i, j] * dh_hat_next[i] for i in range(H))
        dh.append(total)
    return dh


def hidden_grad_einsum(W_yh, W_hh, dy_t, dh_hat_next):
    return np.einsum("oj,o->j", W_yh, dy_t) + np.einsum("ij,i->j", W_hh, dh_hat_next)


def _hidden_grad_hard_coded(W_yh, W_hh, dy_t, dh_hat_next):
    dh = np.zeros(4)
    for j in range(4):
        dh[j] = W_yh[:, j] @ dy_t + W_hh[:, j] @ dh_hat_next
    return dh


@writes_into("dh_hat_next")
def _hidden_grad_into_dh_hat_next(W_yh, W_hh, dy_t, dh_hat_next):
    dh_hat_next[:] = W_yh.T @ dy_t + W_hh.T @ dh_hat_next
    return dh_hat_next


@writes_into("W_hh")
def _hidden_grad_transposes_W_hh_in_place(W_yh, W_hh, dy_t, dh_hat_next):
    W_hh[:] = W_hh.T.copy()
    return W_yh.T @ dy_t + W_hh @ dh_hat_next


# --- hidden_grads_through_time(W_yh, W_hh, dy, mask) ------------------------------------------

def through_time_loop(W_yh, W_hh, dy, mask):
    T, H = dy.shape[0] - 1, W_hh.shape[0]
    dh = np.zeros((T + 1, H))
    dh_hat_next = np.zeros(H)                    # ∂ĥ_{T+1} = 0
    for t in range(T, 0, -1):
        dh[t] = W_yh.T @ dy[t] + W_hh.T @ dh_hat_next
        dh_hat_next = mask[t] * dh[t]
    dh[0] = W_hh.T @ dh_hat_next
    return dh


def through_time_dh_hat_history(W_yh, W_hh, dy, mask):
    T = len(dy) - 1
    H = len(W_hh)
    dh, dh_hat = np.zeros((T + 1, H)), np.zeros((T + 2, H))
    for t in reversed(range(1, T + 1)):
        dh[t] = dy[t] @ W_yh + dh_hat[t + 1] @ W_hh
        dh_hat[t] = np.where(mask[t] > 0, dh[t], 0.0)
    dh[0] = dh_hat[1] @ W_hh
    return dh


def through_time_down_to_zero(W_yh, W_hh, dy, mask):
    """Runs t = T ... 0 in one loop: dy[0] = 0, and ∂ĥ_0 is never used."""
    T, H = dy.shape[0] - 1, W_hh.shape[1]
    dh = np.zeros((T + 1, H))
    for t in range(T, -1, -1):
        recurrent = W_hh.T @ (mask[t + 1] * dh[t + 1]) if t < T else 0.0
        dh[t] = W_yh.T @ dy[t] + recurrent
    return dh


def through_time_list_bool_mask(W_yh, W_hh, dy, mask):
    T = dy.shape[0] - 1
    gate = mask.astype(bool)
    rows = [None] * (T + 1)
    g = np.zeros(W_hh.shape[0])
    for t in range(T, 0, -1):
        rows[t] = np.einsum("oj,o->j", W_yh, dy[t]) + np.einsum("ij,i->j", W_hh, g)
        g = rows[t] * gate[t]
    rows[0] = np.einsum("ij,i->j", W_hh, g)
    return [list(r) for r in rows]               # a list of lists


def _through_time(W_yh, W_hh, dy, mask, *, gate=lambda t, mask, d: mask[t] * d, start=None,
                  start_shift=0, stop=1, forwards=False, dy_row=lambda t: t, transpose=True, h0=True,
                  store_gated=False, output=True, recurrent=True, sign=1.0):
    """A loop-based recursion with switchable mistakes (the corpus's own, not the checker's)."""
    T, H = dy.shape[0] - 1, W_hh.shape[0]
    W_back = W_hh.T if transpose else W_hh
    start = (T if start is None else start) + start_shift
    dh = np.zeros((T + 1, H))
    dh_hat = np.zeros((T + 2, H))
    steps = range(stop, start + 1) if forwards else range(start, stop - 1, -1)
    for t in steps:
        out = W_yh.T @ dy[dy_row(t)] if output else 0.0
        rec = W_back @ dh_hat[t + 1] if recurrent else 0.0
        dh[t] = out + sign * rec
        dh_hat[t] = gate(t, mask, dh[t])
        if store_gated:
            dh[t] = dh_hat[t]
    if h0:
        dh[0] = W_back @ dh_hat[1]
    return dh


def _tt(**mistake):
    return lambda W_yh, W_hh, dy, mask: _through_time(W_yh, W_hh, dy, mask, **mistake)


def _through_time_gate_after(W_yh, W_hh, dy, mask):
    """The gate applied to W_hhᵀ ∂h_{t+1} instead of to ∂h_{t+1}."""
    T, H = dy.shape[0] - 1, W_hh.shape[0]
    dh = np.zeros((T + 1, H))
    for t in range(T, 0, -1):
        dh[t] = W_yh.T @ dy[t]
        if t < T:
            dh[t] += mask[t + 1] * (W_hh.T @ dh[t + 1])
    dh[0] = mask[1] * (W_hh.T @ dh[1])
    return dh


def _through_time_gate_after_own_step(W_yh, W_hh, dy, mask):
    T, H = dy.shape[0] - 1, W_hh.shape[0]
    dh = np.zeros((T + 1, H))
    for t in range(T, 0, -1):
        dh[t] = W_yh.T @ dy[t]
        if t < T:
            dh[t] += mask[t] * (W_hh.T @ dh[t + 1])
    dh[0] = W_hh.T @ (mask[1] * dh[1])
    return dh


def _through_time_equals_not_plus_equals(W_yh, W_hh, dy, mask):
    T, H = dy.shape[0] - 1, W_hh.shape[0]
    dh = np.zeros((T + 1, H))
    dh_hat_next = np.zeros(H)
    for t in range(T, 0, -1):
        dh[t] = W_yh.T @ dy[t]
        dh[t] = W_hh.T @ dh_hat_next              # overwrites the output path
        dh_hat_next = mask[t] * dh[t]
    dh[0] = W_hh.T @ dh_hat_next
    return dh


def _through_time_star(W_yh, W_hh, dy, mask):
    T, H = dy.shape[0] - 1, W_hh.shape[0]
    dh = np.zeros((T + 1, H))
    dh_hat_next = np.zeros(H)
    for t in range(T, 0, -1):
        dh[t] = W_yh.T @ dy[t] + W_hh.T * dh_hat_next
        dh_hat_next = mask[t] * dh[t]
    dh[0] = W_hh.T @ dh_hat_next
    return dh


def _through_time_hard_coded(W_yh, W_hh, dy, mask):
    dh = np.zeros((6, 4))
    dh_hat_next = np.zeros(4)
    for t in range(5, 0, -1):
        dh[t] = W_yh.T @ dy[t] + W_hh.T @ dh_hat_next
        dh_hat_next = mask[t] * dh[t]
    dh[0] = W_hh.T @ dh_hat_next
    return dh


def _through_time_global_W_yh(W_yh, W_hh, dy, mask):
    return through_time_loop(W_yh_global, W_hh, dy, mask)


@writes_into("mask")
def _through_time_into_mask(W_yh, W_hh, dy, mask):
    """∂ĥ_t kept in the caller's mask array (a buffer reused)."""
    T, H = dy.shape[0] - 1, W_hh.shape[0]
    dh = np.zeros((T + 1, H))
    for t in range(T, 0, -1):
        dh[t] = W_yh.T @ dy[t] + (W_hh.T @ mask[t + 1] if t < T else 0)
        mask[t] *= dh[t]
    dh[0] = W_hh.T @ mask[1]
    return dh


@writes_into("W_hh")
def _through_time_transposes_W_hh_in_place(W_yh, W_hh, dy, mask):
    W_hh[:] = W_hh.T.copy()
    T, H = dy.shape[0] - 1, W_hh.shape[0]
    dh, g = np.zeros((T + 1, H)), np.zeros(H)
    for t in range(T, 0, -1):
        dh[t] = W_yh.T @ dy[t] + W_hh @ g
        g = mask[t] * dh[t]
    dh[0] = W_hh @ g
    return dh


@writes_into("dy")
def _through_time_into_dy(W_yh, W_hh, dy, mask):
    """Each dy[t] zeroed once used (to 'free' it)."""
    T, H = dy.shape[0] - 1, W_hh.shape[0]
    dh, g = np.zeros((T + 1, H)), np.zeros(H)
    for t in range(T, 0, -1):
        dh[t] = W_yh.T @ dy[t] + W_hh.T @ g
        dy[t] = 0
        g = mask[t] * dh[t]
    dh[0] = W_hh.T @ g
    return dh


# --- step_backward(dh_t, h_hat_t, h_prev, x_prev, W_hh, W_hx) ---------------------------------

def step_backward_outer(dh_t, h_hat_t, h_prev, x_prev, W_hh, W_hx):
    dh_hat_t = (h_hat_t > 0) * dh_t
    return (W_hh.T @ dh_hat_t, W_hx.T @ dh_hat_t, np.outer(dh_hat_t, h_prev),
            np.outer(dh_hat_t, x_prev), dh_hat_t)


def step_backward_broadcast_list(dh_t, h_hat_t, h_prev, x_prev, W_hh, W_hx):
    dh_hat_t = np.where(h_hat_t > 0, dh_t, 0.0)
    return [dh_hat_t @ W_hh, dh_hat_t @ W_hx, dh_hat_t[:, None] * h_prev[None, :],
            dh_hat_t[:, None] * x_prev, dh_hat_t.copy()]


def step_backward_own_copy(dh_t, h_hat_t, h_prev, x_prev, W_hh, W_hx):
    dh_hat_t = dh_t.copy()
    dh_hat_t[h_hat_t <= 0] = 0.0
    dh_prev = np.einsum("ij,i->j", W_hh, dh_hat_t)
    dx_prev = np.einsum("ik,i->k", W_hx, dh_hat_t)
    dW_hh_term = np.einsum("i,j->ij", dh_hat_t, h_prev)
    dW_hx_term = np.einsum("i,k->ik", dh_hat_t, x_prev)
    return dh_prev, dx_prev, dW_hh_term, dW_hx_term, dh_hat_t


def _step(dh_t, h_hat_t, h_prev, x_prev, W_hh, W_hx, *, dh_hat=None, **override):
    """step_backward with one or more outputs replaced (each a function of the inputs and the
    right ∂ĥ_t, or of a wrongly computed one)."""
    right = (h_hat_t > 0) * dh_t
    d = right if dh_hat is None else dh_hat(dh_t, h_hat_t, h_prev)
    out = {"dh_prev": W_hh.T @ d, "dx_prev": W_hx.T @ d, "dW_hh_term": np.outer(d, h_prev),
           "dW_hx_term": np.outer(d, x_prev), "db_h_term": d}
    env = dict(dh_t=dh_t, h_hat_t=h_hat_t, h_prev=h_prev, x_prev=x_prev, W_hh=W_hh, W_hx=W_hx,
               dh_hat_t=right)
    for name, f in override.items():
        out[name] = f(env)
    return out["dh_prev"], out["dx_prev"], out["dW_hh_term"], out["dW_hx_term"], out["db_h_term"]


def _sb(dh_hat=None, **override):
    return lambda *args: _step(*args, dh_hat=dh_hat, **override)


def _step_backward_hard_coded(dh_t, h_hat_t, h_prev, x_prev, W_hh, W_hx):
    dh_hat_t = np.zeros(4)
    for i in range(4):
        if h_hat_t[i] > 0:
            dh_hat_t[i] = dh_t[i]
    return (W_hh.T @ dh_hat_t, W_hx.T @ dh_hat_t, np.outer(dh_hat_t, h_prev),
            np.outer(dh_hat_t, x_prev), dh_hat_t)


@writes_into("dh_t")
def _step_backward_gate_in_dh_t(dh_t, h_hat_t, h_prev, x_prev, W_hh, W_hx):
    dh_t *= h_hat_t > 0
    return (W_hh.T @ dh_t, W_hx.T @ dh_t, np.outer(dh_t, h_prev), np.outer(dh_t, x_prev),
            dh_t.copy())


@writes_into("h_hat_t")
def _step_backward_relu_in_h_hat(dh_t, h_hat_t, h_prev, x_prev, W_hh, W_hx):
    h_hat_t[h_hat_t < 0] = 0
    dh_hat_t = (h_hat_t > 0) * dh_t
    return (W_hh.T @ dh_hat_t, W_hx.T @ dh_hat_t, np.outer(dh_hat_t, h_prev),
            np.outer(dh_hat_t, x_prev), dh_hat_t)


@writes_into("W_hh")
def _step_backward_transposes_W_hh_in_place(dh_t, h_hat_t, h_prev, x_prev, W_hh, W_hx):
    W_hh[:] = W_hh.T.copy()
    dh_hat_t = (h_hat_t > 0) * dh_t
    return (W_hh @ dh_hat_t, W_hx.T @ dh_hat_t, np.outer(dh_hat_t, h_prev),
            np.outer(dh_hat_t, x_prev), dh_hat_t)


_no_gate = lambda dh, z, hp: dh                                    # noqa: E731
_gate_ge = lambda dh, z, hp: (z >= 0) * dh                         # noqa: E731
_gate_value = lambda dh, z, hp: np.maximum(z, 0) * dh              # noqa: E731
_gate_prev = lambda dh, z, hp: (hp > 0) * dh                       # noqa: E731
_gate_kink = lambda dh, z, hp: (z > 1e-8) * dh                     # noqa: E731


def _erratum(e):
    """The notes' erratum: the weight terms built from ReLU'(ĥ_t), without the factor ∂h_t."""
    return (e["h_hat_t"] > 0).astype(float)


# --- the by-hand backward pass of notebook 01's worked example --------------------------------
# The example is rnnlib.worked_example (its docstring states the numbers). Forward, by hand:
#   ĥ_1 = [1, -0.5]  h_1 = [1, 0]  y_1 = 1   ∂y_1 = 1
#   ĥ_2 = [3, -1]    h_2 = [3, 0]  y_2 = 3   ∂y_2 = -1
#   ĥ_3 = [2, 3]     h_3 = [2, 3]  y_3 = 8   ∂y_3 = 1
# Backward (W_hhᵀ = [[1, 0.5], [-1, 0]], W_yhᵀ = [1, 2]):
#   ∂h_3 = [1, 2]                          ∂ĥ_3 = [1, 2]   (both units on)
#   ∂h_2 = -[1, 2] + W_hhᵀ[1, 2] = [1, -3] ∂ĥ_2 = [1, 0]   (unit 1 off: ĥ_2[1] = -1)
#   ∂h_1 = [1, 2] + W_hhᵀ[1, 0] = [2, 1]   ∂ĥ_1 = [2, 0]   (unit 1 off: ĥ_1[1] = -0.5)
#   ∂h_0 = W_hhᵀ[2, 0] = [2, -2]

_EXAMPLE = worked_example.params()
# every number the student is given: no checker message gives away a secret by quoting one
BY_HAND_INPUT_VALUES = tuple(np.concatenate(
    [getattr(_EXAMPLE, name).ravel() for name in _EXAMPLE.names]
    + [worked_example.xs().ravel(), worked_example.h0(), worked_example.targets().ravel()]))

BY_HAND_RIGHT = [
    {"dh_3": [1, 2], "dh_hat_3": [1, 2], "dh_2": [1, -3], "dh_hat_2": [1, 0],
     "dh_1": [2, 1], "dh_hat_1": [2, 0], "dh_0": [2, -2]},
    {"dh_3": (1.0, 2.0), "dh_hat_3": (1.0, 2.0), "dh_2": (1.0, -3.0), "dh_hat_2": (1.0, 0.0),
     "dh_1": (2.0, 1.0), "dh_hat_1": (2.0, -0.0), "dh_0": (2.0, -2.0)},
    {"dh_3": np.array([1.0, 2.0]), "dh_hat_3": np.array([1.0, 2.0]),
     "dh_2": np.array([1.0, -3.0]), "dh_hat_2": np.array([1.0, 0.0]),
     "dh_1": np.array([2.0, 1.0]), "dh_hat_1": np.array([2.0, 0.0]),
     "dh_0": np.array([2.0, -2.0])},
]


def _by_hand_pass(*, gate_step=0, gate=True, transpose=True, sign=1.0, dy_shift=0,
                  output=True, recurrent=True, h0_gate=False):
    """The by-hand pass with one mistake, from the example's weights and the forward pass
    worked out above (not by rnnlib)."""
    W_hh = _EXAMPLE.W_hh
    W_yh_T = _EXAMPLE.W_yh[0]
    dy = {0: 0.0, 1: 1.0, 2: -1.0, 3: 1.0}
    mask = {0: np.array([0.0, 0.0]), 1: np.array([1.0, 0.0]), 2: np.array([1.0, 0.0]),
            3: np.array([1.0, 1.0]), 4: np.array([1.0, 1.0])}
    W_back = W_hh.T if transpose else W_hh
    answers, dh_hat_next = {}, np.zeros(2)
    for t in (3, 2, 1):
        dh = (W_yh_T * dy[t + dy_shift] if output else 0) + (W_back @ dh_hat_next if recurrent else 0)
        dh = sign * dh
        dh_hat = mask[t + gate_step] * dh if gate else dh
        answers[f"dh_{t}"], answers[f"dh_hat_{t}"] = list(dh), list(dh_hat)
        dh_hat_next = dh_hat
    dh0 = W_back @ dh_hat_next
    answers["dh_0"] = list(mask[1] * dh0 if h0_gate else dh0)
    return answers


def _swap_units(answers, key):
    return {**answers, key: list(reversed(answers[key]))}


BY_HAND_WRONG = [
    ("gate missing (∂ĥ_t = ∂h_t)", _by_hand_pass(gate=False)),
    ("gate of step t+1", _by_hand_pass(gate_step=+1)),
    ("gate of step t-1", _by_hand_pass(gate_step=-1)),
    ("sign flipped everywhere", _by_hand_pass(sign=-1.0)),
    ("W_hh without transpose", _by_hand_pass(transpose=False)),
    ("∂y_{t-1} instead of ∂y_t", _by_hand_pass(dy_shift=-1)),
    ("only the output path", _by_hand_pass(recurrent=False)),
    ("∂h_0 gated by mask_1", _by_hand_pass(h0_gate=True)),
    ("units swapped in ∂h_3", _swap_units(BY_HAND_RIGHT[0], "dh_3")),
    ("units swapped in ∂h_2", _swap_units(BY_HAND_RIGHT[0], "dh_2")),
    ("units swapped in ∂h_0", _swap_units(BY_HAND_RIGHT[0], "dh_0")),
    ("∂h_0 left at zero", {**BY_HAND_RIGHT[0], "dh_0": [0, 0]}),
    ("∂h_0 = ∂h_1 (copied)", {**BY_HAND_RIGHT[0], "dh_0": [2, 1]}),
    ("∂ĥ_2 = ∂h_2 (gate forgotten once)", {**BY_HAND_RIGHT[0], "dh_hat_2": [1, -3]}),
    ("∂ĥ_1 with unit 0 stopped instead of unit 1", {**BY_HAND_RIGHT[0], "dh_hat_1": [0, 1]}),
    ("∂h_1 from ∂h_2 instead of ∂ĥ_2", {**BY_HAND_RIGHT[0], "dh_1": [0.5, 1], "dh_hat_1": [0.5, 0],
                                         "dh_0": [0.5, -0.5]}),
    ("three numbers for ∂h_3", {**BY_HAND_RIGHT[0], "dh_3": [1, 2, 0]}),
]


RIGHT = {
    "hidden_grad": [hidden_grad_matmul, hidden_grad_row_vectors, hidden_grad_loops,
                    hidden_grad_einsum],
    "hidden_grads_through_time": [through_time_loop, through_time_dh_hat_history,
                                  through_time_down_to_zero, through_time_list_bool_mask],
    "step_backward": [step_backward_outer, step_backward_broadcast_list, step_backward_own_copy],
}

WRONG = {
    "hidden_grad": [
        ("returns None (no return)", lambda W_yh, W_hh, dy_t, dh_hat_next: None),
        ("raises: W_yh without transpose",
         lambda W_yh, W_hh, dy_t, dh_hat_next: W_yh @ dy_t + W_hh.T @ dh_hat_next),
        ("raises: * instead of @",
         lambda W_yh, W_hh, dy_t, dh_hat_next: W_yh.T * dy_t + W_hh.T * dh_hat_next),
        ("returns zeros", lambda W_yh, W_hh, dy_t, dh_hat_next: np.zeros(W_hh.shape[0])),
        ("only the output path", lambda W_yh, W_hh, dy_t, dh_hat_next: W_yh.T @ dy_t),
        ("only the recurrent path", lambda W_yh, W_hh, dy_t, dh_hat_next: W_hh.T @ dh_hat_next),
        ("W_hh without transpose", lambda W_yh, W_hh, dy_t, dh_hat_next: W_yh.T @ dy_t + W_hh @ dh_hat_next),
        ("sign error on the recurrent path",
         lambda W_yh, W_hh, dy_t, dh_hat_next: W_yh.T @ dy_t - W_hh.T @ dh_hat_next),
        ("sign error on the output path",
         lambda W_yh, W_hh, dy_t, dh_hat_next: -W_yh.T @ dy_t + W_hh.T @ dh_hat_next),
        ("both signs flipped", lambda W_yh, W_hh, dy_t, dh_hat_next: -(W_yh.T @ dy_t + W_hh.T @ dh_hat_next)),
        ("gated again (ReLU of ∂ĥ_{t+1})",
         lambda W_yh, W_hh, dy_t, dh_hat_next: W_yh.T @ dy_t + W_hh.T @ np.maximum(dh_hat_next, 0)),
        ("gated by ∂h_t > 0 afterwards",
         lambda W_yh, W_hh, dy_t, dh_hat_next: np.maximum(W_yh.T @ dy_t + W_hh.T @ dh_hat_next, 0)),
        ("both W transposed the other way (W_yh.T used, W_hh times the row)",
         lambda W_yh, W_hh, dy_t, dh_hat_next: W_yh.T @ dy_t + dh_hat_next @ W_hh.T),
        ("global W_hh instead of the argument",
         lambda W_yh, W_hh, dy_t, dh_hat_next: W_yh.T @ dy_t + W_hh_global.T @ dh_hat_next),
        ("global W_yh instead of the argument",
         lambda W_yh, W_hh, dy_t, dh_hat_next: W_yh_global.T @ dy_t + W_hh.T @ dh_hat_next),
        ("hard-coded H = 4 (np.zeros(4))", _hidden_grad_hard_coded),
        ("writes into dh_hat_next (dh_hat_next[:] = ...), right values", _hidden_grad_into_dh_hat_next),
        ("transposes W_hh in place (W_hh[:] = W_hh.T), right values", _hidden_grad_transposes_W_hh_in_place),
    ],
    "hidden_grads_through_time": [
        ("returns None (no return)", lambda W_yh, W_hh, dy, mask: None),
        ("raises: gate mask[t+1] runs past the end", _tt(gate=lambda t, mask, d: mask[t + 1] * d)),
        ("raises: * instead of @ (W_hh.T * ∂ĥ)", _through_time_star),
        ("returns zeros", lambda W_yh, W_hh, dy, mask: np.zeros((dy.shape[0], W_hh.shape[0]))),
        ("gate forgotten", _tt(gate=lambda t, mask, d: d)),
        ("gate of step t-1 (mask[t-1])", _tt(gate=lambda t, mask, d: mask[t - 1] * d)),
        ("gate from the gradient's sign (dh > 0)", _tt(gate=lambda t, mask, d: (d > 0) * d)),
        ("gate inverted (1 - mask)", _tt(gate=lambda t, mask, d: (1 - mask[t]) * d)),
        ("gate applied after W_hhᵀ (mask[t+1] on W_hhᵀ ∂h_{t+1})", _through_time_gate_after),
        ("gate applied after W_hhᵀ, own step's mask", _through_time_gate_after_own_step),
        ("W_hh without transpose", _tt(transpose=False)),
        ("sign error on the recurrent path", _tt(sign=-1.0)),
        ("loop run forwards in time (t = 1 ... T)", _tt(forwards=True)),
        ("off by one: loop starts at T-1 (∂h_T never set)", _tt(start_shift=-1)),
        ("off by one: loop stops at t = 2 (∂h_1 never set)", _tt(stop=2)),
        ("dy[t-1] instead of dy[t]", _tt(dy_row=lambda t: t - 1)),
        ("∂h_0 left at zero", _tt(h0=False)),
        ("rows hold ∂ĥ_t (the gated values)", _tt(store_gated=True)),
        ("only the output path (no recurrence)", _tt(recurrent=False)),
        ("= where += is needed (output path overwritten)", _through_time_equals_not_plus_equals),
        ("global W_yh instead of the argument", _through_time_global_W_yh),
        ("hard-coded T = 5, H = 4 (range(5, 0, -1), np.zeros((6, 4)))", _through_time_hard_coded),
        ("writes ∂ĥ_t into mask (buffer reuse), right values", _through_time_into_mask),
        ("transposes W_hh in place, right values", _through_time_transposes_W_hh_in_place),
        ("zeroes dy[t] after use, right values", _through_time_into_dy),
    ],
    "step_backward": [
        ("returns None (no return)", lambda *a: None),
        ("raises: dx_prev with W_hx, no transpose", _sb(dx_prev=lambda e: e["W_hx"] @ e["dh_hat_t"])),
        ("returns four values (db_h_term forgotten)", lambda *a: step_backward_outer(*a)[:4]),
        ("all zeros", lambda dh_t, h_hat_t, h_prev, x_prev, W_hh, W_hx: (
            np.zeros(4), np.zeros(3), np.zeros((4, 4)), np.zeros((4, 3)), np.zeros(4))),
        ("gate forgotten", _sb(dh_hat=_no_gate)),
        ("ReLU'(0) = 1 (ĥ >= 0)", _sb(dh_hat=_gate_ge)),
        ("tolerance kink ĥ > 1e-8", _sb(dh_hat=_gate_kink)),
        ("ReLU(ĥ) instead of ReLU'(ĥ)", _sb(dh_hat=_gate_value)),
        ("gate from the wrong step (h_prev > 0)", _sb(dh_hat=_gate_prev)),
        ("gate applied after W_hhᵀ in dh_prev",
         _sb(dh_prev=lambda e: (e["h_hat_t"] > 0) * (e["W_hh"].T @ e["dh_t"]))),
        ("dh_prev gated again by h_prev > 0",
         _sb(dh_prev=lambda e: (e["h_prev"] > 0) * (e["W_hh"].T @ e["dh_hat_t"]))),
        ("W_hh without transpose", _sb(dh_prev=lambda e: e["W_hh"] @ e["dh_hat_t"])),
        ("* instead of @ in dh_prev", _sb(dh_prev=lambda e: e["W_hh"].T * e["dh_hat_t"])),
        ("dW_hh_term transposed", _sb(dW_hh_term=lambda e: np.outer(e["h_prev"], e["dh_hat_t"]))),
        ("dW_hx_term transposed", _sb(dW_hx_term=lambda e: np.outer(e["x_prev"], e["dh_hat_t"]))),
        ("dW_hh_term paired with h_t = ReLU(ĥ_t)",
         _sb(dW_hh_term=lambda e: np.outer(e["dh_hat_t"], np.maximum(e["h_hat_t"], 0)))),
        ("erratum: weight terms from ReLU'(ĥ_t) without ∂h_t",
         _sb(dW_hh_term=lambda e: np.outer(_erratum(e), e["h_prev"]),
             dW_hx_term=lambda e: np.outer(_erratum(e), e["x_prev"]), db_h_term=_erratum)),
        ("erratum in db_h_term only", _sb(db_h_term=_erratum)),
        ("sign error in db_h_term", _sb(db_h_term=lambda e: -e["dh_hat_t"])),
        ("weight terms from ∂h_t (ungated)",
         _sb(dW_hh_term=lambda e: np.outer(e["dh_t"], e["h_prev"]),
             dW_hx_term=lambda e: np.outer(e["dh_t"], e["x_prev"]), db_h_term=lambda e: e["dh_t"])),
        ("hard-coded H = 4 (np.zeros(4))", _step_backward_hard_coded),
        ("writes the gate into dh_t (dh_t *= ĥ > 0), right values", _step_backward_gate_in_dh_t),
        ("writes into h_hat_t (h_hat_t[h_hat_t < 0] = 0), right values", _step_backward_relu_in_h_hat),
        ("transposes W_hh in place, right values", _step_backward_transposes_W_hh_in_place),
    ],
}
