"""The exercises of notebook 05 · The parameter gradients."""
import numpy as np

from . import references
from .core import Exercise


def _rng_inputs_sums(rng):
    T, H, D = int(rng.choice([3, 5, 6])), int(rng.choice([4, 5])), int(rng.choice([2, 3]))
    dh_hat = rng.standard_normal((T + 1, H))
    dh_hat[0] = 0
    h = np.maximum(rng.standard_normal((T + 1, H)), 0)     # states: exact zeros included
    h[0] = rng.standard_normal(H)                           # h_0 is given: any sign
    return dh_hat, h, rng.standard_normal((T, D))


def _dW_hh_sum(dh_hat, h):
    return references.weight_sums(dh_hat, h=h)[0]


def _dW_hx_sum(dh_hat, xs):
    return references.weight_sums(dh_hat, xs=xs)[1]


def _one_term(which, t_of):
    """The mistake "= where += is needed": one step's term left, step t_of(T)."""
    def variant(dh_hat, other):
        only = np.zeros_like(dh_hat)
        t = t_of(dh_hat.shape[0] - 1)
        only[t] = dh_hat[t]
        return which(only, other)
    return variant


def _later(a):
    """Row t holds a[t + 1] (the last row 0): pairs each ∂ĥ_t with the row one step later."""
    out = np.zeros_like(a)
    out[:-1] = a[1:]
    return out


def _earlier(a):
    """Row t holds a[t - 1] (row 0 zero)."""
    out = np.zeros_like(a)
    out[1:] = a[:-1]
    return out


def _hh_paired_with_h_t(dh_hat, h):
    """∂ĥ_t h_tᵀ: the state after the step instead of the one before."""
    return _dW_hh_sum(dh_hat, _later(h))


def _hh_paired_with_dh_hat_before(dh_hat, h):
    """dh_hat[:-1].T @ h[:-1]: ∂ĥ_{t-1} with h_{t-1}."""
    return _dW_hh_sum(_earlier(dh_hat), h)


def _hx_paired_with_x_t(dh_hat, xs):
    """∂ĥ_t x_tᵀ for t = 1 .. T-1 (as dh_hat[1:-1] with xs[1:], or a loop with xs[t])."""
    cut = dh_hat.copy()
    cut[-1] = 0
    return _dW_hx_sum(cut, _later(xs))


def _hx_paired_with_dh_hat_before(dh_hat, xs):
    """dh_hat[:-1].T @ xs: ∂ĥ_{k} with x_k, row 0 of dh_hat (no step) included, ∂ĥ_T left out."""
    return _dW_hx_sum(_earlier(dh_hat), xs)


def _drop_step(which, t_of):
    def variant(dh_hat, other):
        cut = dh_hat.copy()
        cut[t_of(dh_hat.shape[0] - 1)] = 0
        return which(cut, other)
    return variant


def _erratum(which):
    """The notes' erratum: ReLU'(ĥ_t) in place of ∂ĥ_t; with ∂ĥ_t given, its sign pattern."""
    return lambda dh_hat, other: which((dh_hat != 0).astype(float), other)


_EQ = "Only one step survives: = where += is needed ({} is shared by every step, so its " \
      "gradient sums the terms of all of them)."
_SIGN = "A sign error: the chain rule only multiplies and adds."

EXERCISES = [
    Exercise(
        "dW_hh_sum", "∂W_hh = Σ_{t=1..T} ∂ĥ_t h_{t-1}ᵀ",
        "dW_hh_sum(dh_hat, h)  # dh_hat, h: (T+1, H), row t = time t; dh_hat[0] = 0 (no ĥ_0)",
        _dW_hh_sum, lambda rng: _rng_inputs_sums(rng)[:2],
        task="∂W_hh, summed over every step that uses W_hh (shape (H, H))",
        axes=("row ", "column "),
        mistakes=(
            ("Off by one: ∂ĥ_t pairs with h_{t-1}, the state that fed ĥ_t, not with h_t.",
             _hh_paired_with_h_t),
            ("Off by one: ∂ĥ_t pairs with h_{t-1}, the state that fed ĥ_t; you paired each "
             "state with the ∂ĥ of its own step.", _hh_paired_with_dh_hat_before),
            (_EQ.format("W_hh"), _one_term(_dW_hh_sum, lambda T: T)),
            (_EQ.format("W_hh"), _one_term(_dW_hh_sum, lambda T: 1)),
            ("Transposed: that is h_{t-1} ∂ĥ_tᵀ; row i of ∂W_hh belongs to unit i of ĥ_t.",
             lambda dh_hat, h: _dW_hh_sum(dh_hat, h).T),
            ("The first step is missing: ĥ_1 = W_hh h_0 + … uses W_hh too (check where your "
             "loop or slice starts).", _drop_step(_dW_hh_sum, lambda T: 1)),
            ("The last step is missing: ĥ_T uses W_hh too (check where your loop or slice "
             "ends).", _drop_step(_dW_hh_sum, lambda T: T)),
            (_SIGN, lambda dh_hat, h: -_dW_hh_sum(dh_hat, h)),
            ("Your terms use ReLU'-like 0/1 factors instead of ∂ĥ_t: the notes' erratum drops "
             "the upstream factor; ∂ĥ_t itself enters each term.", _erratum(_dW_hh_sum)),
        )),
    Exercise(
        "dW_hx_sum", "∂W_hx = Σ_{t=1..T} ∂ĥ_t x_{t-1}ᵀ",
        "dW_hx_sum(dh_hat, xs)  # dh_hat: (T+1, H), dh_hat[0] = 0; xs: (T, D), xs[k] = x_k",
        _dW_hx_sum, lambda rng: _rng_inputs_sums(rng)[::2],
        task="∂W_hx, summed over every step that uses W_hx (shape (H, D)); mind the index of x",
        axes=("row ", "column "),
        mistakes=(
            (_EQ.format("W_hx"), _one_term(_dW_hx_sum, lambda T: T)),
            (_EQ.format("W_hx"), _one_term(_dW_hx_sum, lambda T: 1)),
            ("Off by one: you paired ∂ĥ_t with x_t, but ĥ_t is fed by x_{t-1} (xs[k] is x_k, "
             "which feeds ĥ_{k+1}): which rows of dh_hat and xs line up?",
             _hx_paired_with_dh_hat_before),
            ("Off by one: you paired ∂ĥ_t with x_t, but ĥ_t is fed by x_{t-1} (xs[k] is x_k, "
             "which feeds ĥ_{k+1}): which rows of dh_hat and xs line up?", _hx_paired_with_x_t),
            ("The first step is missing: ĥ_1 = W_hh h_0 + W_hx x_0 + b_h uses W_hx too, so "
             "x_0 = xs[0] contributes (check where your loop or slice starts).",
             _drop_step(_dW_hx_sum, lambda T: 1)),
            ("The last step is missing: ĥ_T, fed by x_{T-1} = xs[-1], uses W_hx too (check "
             "where your loop or slice ends).", _drop_step(_dW_hx_sum, lambda T: T)),
            (_SIGN, lambda dh_hat, xs: -_dW_hx_sum(dh_hat, xs)),
            ("Your terms use ReLU'-like 0/1 factors instead of ∂ĥ_t: the notes' erratum drops "
             "the upstream factor; ∂ĥ_t itself enters each term.", _erratum(_dW_hx_sum)),
        ),
        error_hints=(("IndexError", "An index is out of range: xs has T rows, x_0 … x_{T-1}, "
                      "while dh_hat has T+1; ĥ_t is fed by x_{t-1} = xs[t-1]."),
                     ("ValueError", "A shape error in a product: dh_hat has T+1 rows (t = 0 … T) "
                      "and xs has T (x_0 … x_{T-1}), so they do not line up as they are: which "
                      "rows of dh_hat go with which rows of xs? (If the sizes in the error are H "
                      "and D, a transpose is missing or extra.)", "mismatch"))),
]

QUESTIONS = {
    "speedup_source": "The loop and the single product for ∂W_hh do the same multiplications. "
                      "Where does the speed-up come from, and why does it differ between one "
                      "sequence and a batch of 32?",
    "what_forward_stores": "What must the forward pass store for the backward pass, what can be left out, and how does that memory grow with T?",
}
