"""Model solutions of notebook 06's exercises, and the answers to its thinking questions."""
import numpy as np


def central_difference(f, x, eps):
    grad = np.zeros_like(x)
    for i in range(x.size):
        nudge = np.zeros_like(x)
        nudge[i] = eps
        grad[i] = (f(x + nudge) - f(x - nudge)) / (2 * eps)
    return grad


# Answers to the notebook's "(Thinking.)" questions, by name (see rnnlib.exercises QUESTIONS).
ANSWERS = {}
