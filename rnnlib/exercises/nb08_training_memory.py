"""The exercises of notebook 08 · Training a ReLU RNN that remembers."""
import numpy as np

from .core import Exercise


def _clip_norm(g, max_norm):
    norm = np.linalg.norm(g)
    return g * min(1.0, max_norm / norm) if norm > 0 else g


EXERCISES = [
    Exercise(
        "clip_global_norm", "g ← g · min(1, max_norm / ‖g‖): shorten g to max_norm if longer",
        "clip_global_norm(g, max_norm)  # g: (n,)",
        _clip_norm, lambda rng: (3 * rng.standard_normal(6), 1.0),
        task="g clipped by its global norm: at most max_norm long, direction unchanged",
        mistakes=(
            ("That clips each entry (by value), which changes the direction; scale the whole "
             "vector instead.", lambda g, m: np.clip(g, -m, m)),
            ("A vector shorter than max_norm must stay as it is; you stretched it to max_norm.",
             lambda g, m: g * m / np.linalg.norm(g)),
            ("That normalises g to length 1; the target length is max_norm.",
             lambda g, m: g / np.linalg.norm(g) if np.linalg.norm(g) > m else g),
        ),
        edge_cases=((np.array([0.1, -0.2, 0.05, 0.0, 0.1, 0.3]), 5.0),
                    (3 * np.ones(6), 2.0))),
]

QUESTIONS = {
    "adam_noise_and_eps": "Adam's step is usually at most about η for every parameter, "
                          "whatever the scale of its gradient. Why can that be harmful for a "
                          "parameter whose "
                          "gradient is pure noise? What does ε do for a parameter whose gradient "
                          "is exactly 0?",
    "sgd_recipe": "Make SGD solve the adding problem at T = 100 (MSE below 1/60) by changing its "
                  "learning rate, the initialisation, the clipping or the step budget.",
}
