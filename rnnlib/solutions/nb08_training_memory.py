"""Model solutions of notebook 08's exercises, and the answers to its thinking questions."""
import numpy as np


def clip_global_norm(g, max_norm):
    norm = np.sqrt(np.sum(g ** 2))
    if norm > max_norm:
        return g * (max_norm / norm)    # same direction, length max_norm
    return g


# Answers to the notebook's "(Thinking.)" questions, by name (see rnnlib.exercises QUESTIONS).
ANSWERS = {}
