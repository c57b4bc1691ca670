"""Model solutions of notebook 02's exercises, and the answers to its thinking questions."""
import numpy as np


def squared_error_grad(y_t, target_t):
    # E_t = ½‖y_t − target_t‖²  =>  ∂y_t = y_t − target_t (the ½ cancels the 2)
    return y_t - target_t


def cross_entropy_grad(y_t, class_t):
    p = np.exp(y_t - y_t.max())          # shift by the max: same softmax, no overflow
    p /= p.sum()
    p[class_t] -= 1                      # softmax(y_t) − onehot(class_t)
    return p


def dW_yh_term(dy_t, h_t):
    return np.outer(dy_t, h_t)          # ∂y_t h_tᵀ: shape (O, H), like W_yh


# Answers to the notebook's "(Thinking.)" questions, by name (see rnnlib.exercises QUESTIONS).
ANSWERS = {
    "mean_or_sum": (
        "Every gradient is divided by B as well: differentiation is linear, so "
        "∂(E/B)/∂v = (∂E/∂v)/B for every quantity v, from ∂y_t to ∂W_hh.\n"
        "A training loop often prefers the mean because the size of the gradient, and so a "
        "good learning rate, then does not depend on the batch size.\n"
        "rnnlib keeps the sum because it is the definition E = Σ E_t written once, with no "
        "hidden factor: the gradient of a batch is then exactly the sum of the per-example "
        "gradients (this notebook checks it), and a caller who wants the mean divides by B "
        "once, at the end."),
}
