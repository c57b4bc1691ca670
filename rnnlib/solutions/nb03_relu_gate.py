"""Model solutions of notebook 03's exercises, and the answers to its thinking questions."""


def relu_grad(z):
    return (z > 0).astype(float)                        # ReLU'(0) = 0


def relu_gate(h_hat_t, dh_t):
    return (h_hat_t > 0) * dh_t


# Answers to the notebook's "(Thinking.)" questions, by name (see rnnlib.exercises QUESTIONS).
ANSWERS = {}
