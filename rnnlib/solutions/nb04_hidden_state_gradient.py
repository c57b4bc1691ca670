"""Model solutions of notebook 04's exercises, and the answers to its thinking questions."""
import numpy as np


def hidden_grad(W_yh, W_hh, dy_t, dh_hat_next):
    return W_yh.T @ dy_t + W_hh.T @ dh_hat_next


def hidden_grads_through_time(W_yh, W_hh, dy, mask):
    T = dy.shape[0] - 1
    dh = np.zeros((T + 1, W_hh.shape[0]))
    dh_hat_next = np.zeros(W_hh.shape[0])            # ∂ĥ_{T+1} = 0
    for t in range(T, 0, -1):
        dh[t] = W_yh.T @ dy[t] + W_hh.T @ dh_hat_next
        dh_hat_next = mask[t] * dh[t]                  # ∂ĥ_t, the ∂ĥ_{t+1} of step t-1
    dh[0] = W_hh.T @ dh_hat_next                       # h_0 has no output
    return dh


# Answers to the notebook's "(Thinking.)" questions, by name (see rnnlib.exercises QUESTIONS).
ANSWERS = {}
