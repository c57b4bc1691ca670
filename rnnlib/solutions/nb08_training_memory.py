"""Model solutions of notebook 08's exercises, and the answers to its thinking questions."""
import numpy as np


def clip_global_norm(g, max_norm):
    norm = np.sqrt(np.sum(g ** 2))
    if norm > max_norm:
        return g * (max_norm / norm)    # same direction, length max_norm
    return g


# Answers to the notebook's "(Thinking.)" questions, by name (see rnnlib.exercises QUESTIONS).
ANSWERS = {
    "adam_noise_and_eps": (
        "Because Adam is invariant to the gradient's scale, a parameter whose gradient is pure "
        "noise, however tiny (1e-12, say: rounding noise), gets steps of the same order as a "
        "parameter with a large, meaningful gradient. The first step is exactly η·sign(g), and "
        "later steps are about η·m̂/√v̂: m̂ averages the noise over about 1/(1−β1) = 10 steps, "
        "so the step is smaller than η (about η/√10) but never proportional to the tiny "
        "gradient. The parameter then random-walks by about that much per step, where SGD would "
        "leave it almost still. ε sets the scale below which a gradient counts as zero: for a "
        "gradient exactly 0, m = v = 0 and the step is 0/(0 + ε) = 0 instead of 0/0 = NaN, and "
        "for |g| much smaller than ε the step is about η·m̂/ε, which is tiny. So ε is what "
        "keeps dead units (whose gradients are exactly 0) from turning the weights into NaN."),
}
