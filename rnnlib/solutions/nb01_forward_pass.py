"""Model solutions of notebook 01's exercises, and the answers to its thinking questions."""
import numpy as np


def pre_activation(W_hh, W_hx, b_h, h_t, x_t):
    return W_hh @ h_t + W_hx @ x_t + b_h


def rnn_step(W_hh, W_hx, b_h, h_t, x_t):
    h_hat_next = W_hh @ h_t + W_hx @ x_t + b_h
    return np.maximum(h_hat_next, 0)


# Answers to the notebook's "(Thinking.)" questions, by name (see rnnlib.exercises QUESTIONS).
ANSWERS = {}
