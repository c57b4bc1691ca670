"""The exercises of notebook 08 · Training a ReLU RNN that remembers."""
import numpy as np

from ..optim import clip_global_norm
from .core import Exercise


def _clip_norm(g, max_norm):
    """g clipped by rnnlib.optim.clip_global_norm, as a one-array gradient."""
    return clip_global_norm({"g": g}, max_norm)[0]["g"]


def _rng_clip(rng):
    return 3 * rng.standard_normal(int(rng.choice([5, 6, 7]))), float(rng.choice([1.0, 2.5]))


EXERCISES = [
    Exercise(
        "clip_global_norm", "g ← g · min(1, max_norm / ‖g‖): shorten g to max_norm if longer",
        "clip_global_norm(g, max_norm)  # g: (n,)",
        _clip_norm, _rng_clip,
        task="g clipped by its global norm: at most max_norm long, direction unchanged",
        axes=("entry ",),
        mistakes=(
            ("That clips each entry (by value), which changes the direction; scale the whole "
             "vector instead.", lambda g, m: np.clip(g, -m, m)),
            ("A vector shorter than max_norm must stay as it is; you stretched it to max_norm.",
             lambda g, m: g * m / np.linalg.norm(g) if np.linalg.norm(g) > 0 else g),
            ("That normalises g to length 1; the target length is max_norm.",
             lambda g, m: g / np.linalg.norm(g) if np.linalg.norm(g) > m else g),
            ("The norm is the 2-norm, √(Σ g_i²); you used the sum of |g_i| (the 1-norm).",
             lambda g, m: g * min(1.0, m / np.abs(g).sum())),
            ("The norm is √(Σ g_i²), not Σ g_i²: take the square root.",
             lambda g, m: g * min(1.0, m / np.sum(g ** 2))),
            ("The factor is inverted: a long vector is scaled by max_norm / ‖g‖, which is < 1.",
             lambda g, m: g * max(1.0, np.linalg.norm(g) / m)),
        ),
        edge_cases=((np.array([0.1, -0.2, 0.05, 0.0, 0.1, 0.3]), 5.0),
                    (3 * np.ones(6), 2.0), (np.zeros(4), 1.0))),
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
