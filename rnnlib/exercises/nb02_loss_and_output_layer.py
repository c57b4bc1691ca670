"""The exercises of notebook 02 · Loss and output layer."""
import numpy as np

from ..bptt import dW_yh_term
from ..losses import cross_entropy, softmax, squared_error
from .core import Exercise


def _rng_inputs_output(rng):
    O = int(rng.choice([3, 4, 5]))
    return rng.standard_normal(O), rng.standard_normal(O)


def _squared_error_grad(y_t, target_t):
    return squared_error(y_t, target_t)[1]


def _cross_entropy_grad(y_t, class_t):
    return cross_entropy(y_t, np.asarray(class_t))[1]


def _onehot(y, c):
    return np.eye(y.size)[c]


_SIGN = "The sign is flipped: the gradient points towards larger loss, away from the target."

EXERCISES = [
    Exercise(
        "squared_error_grad", "E_t = ½‖y_t − target_t‖²  ⇒  ∂y_t = y_t − target_t",
        "squared_error_grad(y_t, target_t)",
        _squared_error_grad, _rng_inputs_output,
        task="∂y_t for the squared error E_t = ½‖y_t − target_t‖²",
        axes=("output ",),
        mistakes=(
            (_SIGN, lambda y, target: -_squared_error_grad(y, target)),
            ("Twice too large: the ½ in E_t = ½‖…‖² cancels the 2 of the square.",
             lambda y, target: 2 * _squared_error_grad(y, target)),
            ("That is the loss per entry, ½(y − target)²; the gradient is its derivative.",
             lambda y, target: 0.5 * _squared_error_grad(y, target) ** 2),
            ("That is the square of the difference; differentiate ½(y − target)² instead.",
             lambda y, target: _squared_error_grad(y, target) ** 2),
            ("Divided by O: E_t = ½‖y_t − target_t‖² is a sum over the outputs, not a mean.",
             lambda y, target: _squared_error_grad(y, target) / y.size),
            ("That is the gradient of the mean squared error, with a 2 and a division by O; "
             "here E_t = ½‖y_t − target_t‖², a sum with a ½.",
             lambda y, target: 2 * _squared_error_grad(y, target) / y.size),
            ("You returned the loss as a number; ∂y_t is a vector, one entry per output.",
             lambda y, target: squared_error(y, target)[0]),
        )),
    Exercise(
        "cross_entropy_grad",
        "E_t = −log softmax(y_t)[c_t]  ⇒  ∂y_t = softmax(y_t) − onehot(c_t)",
        "cross_entropy_grad(y_t, class_t)",
        _cross_entropy_grad,
        lambda rng: (lambda O: (rng.standard_normal(O) * 2, int(rng.integers(0, O))))(
            int(rng.choice([3, 4, 5]))),
        task="∂y_t for the cross entropy E_t = −log softmax(y_t)[c_t]",
        axes=("output ",),
        mistakes=(
            ("That is softmax(y_t) alone: the class c_t needs its own term too.",
             lambda y, c: softmax(y)),
            ("The softmax is missing: y_t itself is not a probability.",
             lambda y, c: _cross_entropy_grad(y, c) - softmax(y) + y),
            (_SIGN, lambda y, c: -_cross_entropy_grad(y, c)),
            ("The softmax of the class is missing from its own entry: every output, the class "
             "included, gets softmax(y_t).", lambda y, c: softmax(y) * (1 - _onehot(y, c))
             - _onehot(y, c)),
            ("That is the gradient with respect to the probabilities, not the logits y_t.",
             lambda y, c: -_onehot(y, c) / softmax(y)[c]),
            ("exp(y_t) is not normalised: divide by the sum to get the softmax.",
             lambda y, c: _cross_entropy_grad(y, c) - softmax(y) + np.exp(y - y.max())),
        ),
        nan_hint="with large logits, exp overflows: subtract the maximum first.",
        edge_cases=((np.array([800.0, 0.0, -5.0, 790.0]), 3),
                    (np.array([-800.0, -790.0, -805.0]), 0))),
    Exercise(
        "dW_yh_term", "∂W_yh += ∂y_t h_tᵀ  (the step-t term)",
        "dW_yh_term(dy_t, h_t)",
        dW_yh_term,
        lambda rng: (rng.standard_normal(int(rng.choice([2, 3]))),
                     np.abs(rng.standard_normal(int(rng.choice([4, 5]))))),
        task="the contribution of step t to ∂W_yh (same shape as W_yh)",
        axes=("output ", "unit "),
        mistakes=(
            ("Transposed: that has shape (H, O); ∂W_yh must have W_yh's shape (O, H).",
             lambda dy, h: dW_yh_term(dy, h).T),
            ("A sign error: the chain rule only multiplies, no minus sign appears.",
             lambda dy, h: -dW_yh_term(dy, h)),
        )),
]

# The notebook's "(Thinking.)" questions, by name; their answers are in rnnlib.solutions.
QUESTIONS = {
    "mean_or_sum": "If you divide E by the batch size B, what happens to every gradient? Why "
                   "might a training loop prefer the mean, and why does rnnlib keep the sum?",
}


# The explanations shown after a wrong prediction (the truth is then on screen), by the
# prediction's name: kept here, out of the cell the student predicts in.
PREDICTIONS = {
    'non-zero ∂y_t': '∂y_t = ∂E/∂y_t, and y_t is in E only if it has a loss term.',
}
