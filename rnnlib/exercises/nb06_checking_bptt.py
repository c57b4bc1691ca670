"""The exercises of notebook 06 · Putting BPTT together and checking it."""
import numpy as np

from .core import Exercise


def _smooth_f(x):
    """A smooth test function with non-zero third derivative."""
    return float(np.sum(np.sin(x) * x ** 2) + 0.5 * np.sum(x) ** 2)

def _central_difference(f, x, eps):
    grad = np.zeros_like(x)
    for i in range(x.size):
        step = np.zeros_like(x)
        step[i] = eps
        grad[i] = (f(x + step) - f(x - step)) / (2 * eps)
    return grad

def _forward_difference(f, x, eps):
    grad = np.zeros_like(x)
    for i in range(x.size):
        step = np.zeros_like(x)
        step[i] = eps
        grad[i] = (f(x + step) - f(x)) / eps
    return grad

def _unrestored_difference(f, x, eps):
    x, grad = x.copy(), np.zeros_like(x)
    for i in range(x.size):
        x[i] += eps
        up = f(x)
        x[i] -= 2 * eps
        grad[i] = (up - f(x)) / (2 * eps)      # x[i] left at x_i - eps
    return grad


EXERCISES = [
    Exercise(
        "central_difference", "∂f/∂x_i ≈ (f(x + ε e_i) − f(x − ε e_i)) / 2ε, for every entry i",
        "central_difference(f, x, eps)  # f: a function of an array, x: (n,) -> (n,)",
        _central_difference, lambda rng: (_smooth_f, rng.standard_normal(5), 1e-4),
        task="a numerical gradient of f at x by central differences, one entry at a time",
        mistakes=(
            ("That is a forward difference, (f(x + ε e_i) − f(x)) / ε: its error is of order ε, "
             "the central one's of order ε².", _forward_difference),
            ("Twice too large: the two points are 2ε apart, so divide by 2ε.",
             lambda f, x, eps: 2 * _central_difference(f, x, eps)),
            ("x is not restored after each nudge, so later entries are taken at the wrong point.",
             _unrestored_difference),
        )),
]
