"""The exercises of notebook 05 · The parameter gradients."""
import numpy as np

from .core import Exercise


def _rng_inputs_sums(rng, T=5, H=4, D=3):
    dh_hat = rng.standard_normal((T + 1, H))
    dh_hat[0] = 0
    return dh_hat, np.abs(rng.standard_normal((T + 1, H))), rng.standard_normal((T, D))

def _dW_hh_sum(dh_hat, h):
    return sum(np.outer(dh_hat[t], h[t - 1]) for t in range(1, dh_hat.shape[0]))

def _dW_hx_sum(dh_hat, xs):
    return sum(np.outer(dh_hat[t], xs[t - 1]) for t in range(1, dh_hat.shape[0]))


EXERCISES = [
    Exercise(
        "dW_hh_sum", "∂W_hh = Σ_{t=1..T} ∂ĥ_t h_{t-1}ᵀ",
        "dW_hh_sum(dh_hat, h)  # dh_hat, h: (T+1, H), row t = time t",
        _dW_hh_sum, lambda rng: _rng_inputs_sums(rng)[:2],
        task="∂W_hh, summed over every step that uses W_hh (shape (H, H))",
        mistakes=(
            ("Off by one: ∂ĥ_t pairs with h_{t-1}, the state that fed ĥ_t, not with h_t.",
             lambda dh_hat, h: sum(np.outer(dh_hat[t], h[t]) for t in range(1, len(h)))),
            ("Only the last step survives: = where += is needed (W_hh is shared by every step).",
             lambda dh_hat, h: np.outer(dh_hat[-1], h[-2])),
            ("Only the first step survives: = where += is needed (W_hh is shared by every step).",
             lambda dh_hat, h: np.outer(dh_hat[1], h[0])),
            ("Transposed: h_{t-1} ∂ĥ_tᵀ; the term is ∂ĥ_t h_{t-1}ᵀ, row i = unit i's ∂ĥ.",
             lambda dh_hat, h: _dW_hh_sum(dh_hat, h).T),
        )),
    Exercise(
        "dW_hx_sum", "∂W_hx = Σ_{t=1..T} ∂ĥ_t x_{t-1}ᵀ",
        "dW_hx_sum(dh_hat, xs)  # dh_hat: (T+1, H), xs: (T, D) with xs[k] = x_k",
        _dW_hx_sum, lambda rng: _rng_inputs_sums(rng)[::2],
        task="∂W_hx, summed over every step that uses W_hx (shape (H, D)); mind the index of x",
        mistakes=(
            ("Transposed: the result must have W_hx's shape (H, D), i.e. ∂ĥ_t x_{t-1}ᵀ.",
             lambda dh_hat, xs: _dW_hx_sum(dh_hat, xs).T),
            ("Only one step survives: = where += is needed (W_hx is shared by every step).",
             lambda dh_hat, xs: np.outer(dh_hat[-1], xs[-1])),
        )),
]
