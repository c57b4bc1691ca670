"""Model solutions of notebook 01's exercises, and the answers to its thinking questions."""
import numpy as np


def pre_activation(W_hh, W_hx, b_h, h_t, x_t):
    return W_hh @ h_t + W_hx @ x_t + b_h


def rnn_step(W_hh, W_hx, b_h, h_t, x_t):
    h_hat_next = W_hh @ h_t + W_hx @ x_t + b_h
    return np.maximum(h_hat_next, 0)


# Answers to the notebook's "(Thinking.)" questions, by name (see rnnlib.exercises QUESTIONS).
ANSWERS = {
    "trace_keeps_both": (
        "h can be recomputed from ĥ, since h_t = ReLU(ĥ_t); ĥ cannot be recomputed from h, "
        "because where a unit is off, h_t = 0 has forgotten how negative ĥ_t was.\n"
        "The backward pass can still work from h alone: it needs only the gate, and "
        "1[ĥ_t > 0] = 1[h_t > 0], since ReLU(ĥ) is positive exactly where ĥ is. The test "
        "h_t >= 0 would be wrong: it is true everywhere after a ReLU and opens every gate "
        "(notebook 03 measures the damage).\n"
        "Keeping ĥ as well costs one more (T+1, H) array and lets the code read like the "
        "equations; implementations short of memory keep only h."),
}
