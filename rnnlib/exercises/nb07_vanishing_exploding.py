"""The exercises of notebook 07 · Vanishing and exploding gradients."""
import numpy as np

from .core import Exercise


def _jacobian_product(W_hh, masks):
    product = np.eye(W_hh.shape[0])
    for mask in masks:                           # mask_{t+1}, ..., mask_T, left to right
        product = product @ W_hh.T @ np.diag(mask)
    return product


EXERCISES = [
    Exercise(
        "jacobian_product", "(∂h_T/∂h_t)ᵀ = W_hhᵀ D_{t+1} W_hhᵀ D_{t+2} ⋯ W_hhᵀ D_T,  D_k = diag(mask_k)",
        "jacobian_product(W_hh, masks)  # masks: (k, H), rows mask_{t+1} ... mask_T",
        _jacobian_product, lambda rng: (rng.standard_normal((4, 4)),
                                        (rng.random((3, 4)) < 0.6).astype(float)),
        task="(∂h_T/∂h_t)ᵀ as a matrix: the backward Jacobians of steps t+1 … T, in order",
        mistakes=(
            ("The factors are multiplied element-wise: W_hhᵀ * mask is not the map g ↦ W_hhᵀ D g "
             "composed step after step; use matrix products (@).",
             lambda W, masks: np.prod([W.T * m for m in masks], axis=0)),
            ("The order is reversed: the factor of step t+1 comes first (leftmost), D_T last.",
             lambda W, masks: _jacobian_product(W, masks[::-1])),
            ("W_hh lacks its transpose.", lambda W, masks: _jacobian_product(W.T, masks)),
            ("The mask is on the wrong side: W_hhᵀ D_k masks the columns; D_k W_hhᵀ masks rows.",
             lambda W, masks: np.linalg.multi_dot([np.eye(4)] + [m[:, None] * W.T for m in masks])),
        )),
]

QUESTIONS = {
    "gain_not_exactly_one": "The median gain per step at g = √2 is close to 1 but not exactly. "
                            "Which assumptions behind g/√2 hold only approximately?",
    "orthogonal_scale": "Orthogonal W_hh has every singular value equal to its scale. Why does "
                        "the gradient still vanish at scale 1 with gates, and what scale would "
                        "you try?",
}
