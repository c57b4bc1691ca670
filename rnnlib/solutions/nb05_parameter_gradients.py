"""Model solutions of notebook 05's exercises, and the answers to its thinking questions."""
import numpy as np


def dW_hh_sum(dh_hat, h):
    T = dh_hat.shape[0] - 1
    dW_hh = np.zeros((h.shape[1], h.shape[1]))
    for t in range(1, T + 1):
        dW_hh += np.outer(dh_hat[t], h[t - 1])          # ĥ_t = W_hh h_{t-1} + ...
    return dW_hh                                         # or: dh_hat[1:].T @ h[:-1]


def dW_hx_sum(dh_hat, xs):
    return dh_hat[1:].T @ xs                            # Σ_t ∂ĥ_t x_{t-1}ᵀ as one product


# Answers to the notebook's "(Thinking.)" questions, by name (see rnnlib.exercises QUESTIONS).
ANSWERS = {}
