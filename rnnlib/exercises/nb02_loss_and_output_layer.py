"""The exercises of notebook 02 · Loss and output layer."""
import numpy as np

from ..bptt import dW_yh_term
from ..losses import softmax
from .core import Exercise


def _rng_inputs_output(rng, O=3):
    return rng.standard_normal(O), rng.standard_normal(O)


EXERCISES = [
    Exercise(
        "squared_error_grad", "E_t = ½‖y_t − target_t‖²  ⇒  ∂y_t = y_t − target_t",
        "squared_error_grad(y_t, target_t)",
        lambda y, target: y - target, _rng_inputs_output,
        task="∂y_t for the squared error E_t = ½‖y_t − target_t‖²",
        mistakes=(
            ("The sign is flipped: ∂y_t = y_t − target_t, not target_t − y_t.",
             lambda y, target: target - y),
            ("Twice too large: the ½ in E_t = ½‖…‖² cancels the 2 of the square.",
             lambda y, target: 2 * (y - target)),
            ("That is the loss per entry, ½(y − target)²; the gradient is its derivative.",
             lambda y, target: 0.5 * (y - target) ** 2),
            ("Divided by O: E_t = ½‖y_t − target_t‖² is a sum over the outputs, not a mean.",
             lambda y, target: (y - target) / y.size),
            ("That is the gradient of the mean squared error, 2(y − target)/O; here "
             "E_t = ½‖y_t − target_t‖², a sum with a ½.", lambda y, target: 2 * (y - target) / y.size),
        )),
    Exercise(
        "cross_entropy_grad", "E_t = −log softmax(y_t)[c_t]  ⇒  ∂y_t = softmax(y_t) − onehot(c_t)",
        "cross_entropy_grad(y_t, class_t)",
        lambda y, c: softmax(y) - np.eye(y.size)[c],
        lambda rng: (rng.standard_normal(4) * 2, int(rng.integers(0, 4))),
        task="∂y_t for the cross entropy E_t = −log softmax(y_t)[c_t]",
        mistakes=(
            ("That is softmax(y_t) alone: subtract the one-hot vector of the class.",
             lambda y, c: softmax(y)),
            ("That is y_t − onehot: apply the softmax to y_t first.",
             lambda y, c: y - np.eye(y.size)[c]),
            ("The sign is flipped: ∂y_t = softmax(y_t) − onehot(c_t).",
             lambda y, c: np.eye(y.size)[c] - softmax(y)),
        ),
        edge_cases=((np.array([800.0, 0.0, -5.0, 790.0]), 3),)),
    Exercise(
        "dW_yh_term", "∂W_yh += ∂y_t h_tᵀ  (the step-t term)",
        "dW_yh_term(dy_t, h_t)",
        dW_yh_term, lambda rng: (rng.standard_normal(2), np.abs(rng.standard_normal(4))),
        task="the contribution of step t to ∂W_yh (same shape as W_yh)",
        mistakes=(
            ("Transposed: h_t ∂y_tᵀ has shape (H, O); ∂W_yh must have W_yh's shape (O, H).",
             lambda dy, h: np.outer(h, dy)),
        )),
]

# The notebook's "(Thinking.)" questions, by name; their answers are in rnnlib.solutions.
QUESTIONS = {
    "mean_or_sum": "If you divide E by the batch size B, what happens to every gradient? Why "
                   "might a training loop prefer the mean, and why does rnnlib keep the sum?",
}
