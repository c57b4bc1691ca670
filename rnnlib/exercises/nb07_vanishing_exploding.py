"""The exercises of notebook 07 · Vanishing and exploding gradients."""
import numpy as np

from ..analysis import jacobian_products
from .core import Exercise


def _jacobian_product(W_hh, masks):
    """(∂h_T/∂h_t)ᵀ for the gates mask_{t+1} ... mask_T, by rnnlib.analysis.jacobian_products."""
    H = W_hh.shape[0]
    return jacobian_products(W_hh, np.vstack([np.zeros((1, H)), masks]))[0]


def _rng_jacobian(rng):
    H, k = int(rng.choice([4, 5])), int(rng.choice([3, 4]))
    return rng.standard_normal((H, H)), (rng.random((k, H)) < 0.6).astype(float)


EXERCISES = [
    Exercise(
        "jacobian_product",
        "(∂h_T/∂h_t)ᵀ = W_hhᵀ D_{t+1} W_hhᵀ D_{t+2} ⋯ W_hhᵀ D_T,  D_k = diag(mask_k)",
        "jacobian_product(W_hh, masks)  # masks: (k, H), rows mask_{t+1} ... mask_T",
        _jacobian_product, _rng_jacobian,
        task="(∂h_T/∂h_t)ᵀ as a matrix: the backward Jacobians of steps t+1 … T, in order "
             "(for t = T, masks has no rows)",
        axes=("row ", "column "),
        edge_cases=((np.array([[0.5, -1.0, 0.0], [2.0, 0.25, 1.0], [-0.5, 1.5, -1.0]]),
                     np.array([[1.0, 0.0, 1.0]])),
                    # t = T: no step after t, an empty product, which is the identity
                    (np.array([[0.5, -1.0], [2.0, 0.25]]), np.zeros((0, 2)))),
        error_hints=(("ValueError", "With k = 0 masks (t = T) the product has no factor at all: "
                      "an empty product is the identity, np.eye(H). With one mask it has one "
                      "factor; np.linalg.multi_dot needs at least two."),
                     ("IndexError", "masks may have no rows at all (t = T, no step after t): "
                      "the product of no factors is the identity, np.eye(H).")),
        mistakes=(
            ("The factors are multiplied element-wise: W_hhᵀ * mask is not the map g ↦ W_hhᵀ D g "
             "composed step after step; use matrix products (@).",
             lambda W, masks: np.prod([W.T * m for m in masks], axis=0)),
            ("The order is reversed: the factor of step t+1 comes first (leftmost), D_T last.",
             lambda W, masks: _jacobian_product(W, masks[::-1])),
            ("W_hh lacks its transpose.", lambda W, masks: _jacobian_product(W.T, masks)),
            ("The product is transposed: that is ∂h_T/∂h_t itself; the backward pass "
             "multiplies by its transpose.", lambda W, masks: _jacobian_product(W, masks).T),
            ("The mask is on the wrong side: W_hhᵀ D_k masks the columns; D_k W_hhᵀ masks rows.",
             lambda W, masks: np.linalg.multi_dot([np.eye(W.shape[0])] * 2
                                                  + [m[:, None] * W.T for m in masks])),
            ("The gates are missing: every step's D_k must be in the product.",
             lambda W, masks: _jacobian_product(W, np.ones_like(masks))),
            ("One factor too few: there is one W_hhᵀ D_k per step, k = t+1 … T (as many as "
             "masks has rows).", lambda W, masks: _jacobian_product(W, masks[1:])),
            ("One factor too few: there is one W_hhᵀ D_k per step, k = t+1 … T (as many as "
             "masks has rows).", lambda W, masks: _jacobian_product(W, masks[:-1])),
        )),
]

QUESTIONS = {
    "gain_not_exactly_one": "The median gain per step at g = √2 is close to 1 but not exactly. "
                            "Which assumptions behind g/√2 hold only approximately?",
    "orthogonal_scale": "Orthogonal W_hh has every singular value equal to its scale. Why does "
                        "the gradient still vanish at scale 1 with gates, and what scale would "
                        "you try?",
}


# The explanations shown after a wrong prediction (the truth is then on screen), by the
# prediction's name: kept here, out of the cell the student predicts in.
PREDICTIONS = {
    'critical gain': 'the gate halves the squared norm at every step, so W_hh must make up a factor 2 in squared norm: g² = 2.',
    'share of the nearest terms': 'each step back multiplies the gradient by about g/√2 ≈ 0.7 here, so the terms shrink geometrically and the first few carry almost everything.',
}
