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
            ("Off by one: you paired ∂ĥ_t with x_t (as dh_hat[:-1].T @ xs does: row 0 of "
             "dh_hat is no step, and ∂ĥ_T is left out), but ĥ_t is fed by x_{t-1} "
             "(xs[k] is x_k, which feeds ĥ_{k+1}): which rows of dh_hat and xs line up?",
             lambda dh_hat, xs: dh_hat[:-1].T @ xs),
            ("The first step is missing: ĥ_1 = W_hh h_0 + W_hx x_0 + b_h uses W_hx too, so "
             "x_0 = xs[0] contributes (check where your loop or slice starts).",
             lambda dh_hat, xs: dh_hat[2:].T @ xs[1:]),
            ("The last step is missing: ĥ_T, fed by x_{T-1} = xs[-1], uses W_hx too (check "
             "where your loop or slice ends).",
             lambda dh_hat, xs: dh_hat[1:-1].T @ xs[:-1]),
        ),
        error_hints=(("IndexError", "An index is out of range: xs has T rows, x_0 … x_{T-1}, "
                      "while dh_hat has T+1; ĥ_t is fed by x_{t-1} = xs[t-1]."),)),
]

QUESTIONS = {
    "speedup_source": "The loop and the single product for ∂W_hh do the same multiplications. "
                      "Where does the speed-up come from, and why does it differ between one "
                      "sequence and a batch of 32?",
    "what_forward_stores": "What must the forward pass store for the backward pass, what can be left out, and how does that memory grow with T?",
}
