"""Model solutions of notebook 07's exercises, and the answers to its thinking questions."""
import numpy as np


def jacobian_product(W_hh, masks):
    P = np.eye(W_hh.shape[0])
    for mask in masks:                    # D_{t+1} first, D_T last
        P = P @ W_hh.T @ np.diag(mask)    # ... W_hhᵀ D_k: matrix products, in order
    return P


# Answers to the notebook's "(Thinking.)" questions, by name (see rnnlib.exercises QUESTIONS).
ANSWERS = {}
