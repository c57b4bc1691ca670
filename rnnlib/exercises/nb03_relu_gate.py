"""The exercises of notebook 03 · The ReLU gate."""

from ..bptt import relu_gate
from ..model import relu, relu_grad
from .core import Exercise


def _rng_with_exact_zeros(rng, shape=(6,)):
    """Pre-activations with some entries exactly 0, where ReLU' must be 0."""
    z = rng.standard_normal(shape)
    z[:: 3] = 0.0
    return z


EXERCISES = [
    Exercise(
        "relu_grad", "ReLU'(z) = 1 if z > 0, else 0 (so ReLU'(0) = 0), element-wise",
        "relu_grad(z)", relu_grad, lambda rng: (_rng_with_exact_zeros(rng),),
        task="ReLU'(z) element-wise, with the convention this course uses at z = 0",
        mistakes=(
            ("At z = 0 you return 1: we use ReLU'(0) = 0 (z > 0, not z >= 0).",
             lambda z: (z >= 0).astype(float)),
            ("That is ReLU(z) itself; its derivative is 1 or 0.", relu),
        )),
    Exercise(
        "relu_gate", "∂ĥ_t = ReLU'(ĥ_t) ⊙ ∂h_t",
        "relu_gate(h_hat_t, dh_t)", relu_gate,
        lambda rng: (_rng_with_exact_zeros(rng), rng.standard_normal(6)),
        task="∂ĥ_t from ĥ_t and ∂h_t: what the ReLU lets through",
        mistakes=(
            ("Units with ĥ_t = 0 let the gradient through: ReLU'(0) = 0, so test ĥ_t > 0.",
             lambda z, dh: (z >= 0) * dh),
            ("That is the mask alone: multiply it by ∂h_t.", lambda z, dh: (z > 0) * 1.0),
            ("You returned ∂h_t unchanged: nothing is gated. Which units may pass gradient?",
             lambda z, dh: dh),
            ("You multiplied by ReLU(ĥ_t), the value; the gate is its derivative ReLU'(ĥ_t).",
             lambda z, dh: relu(z) * dh),
        )),
]

# The notebook's "(Thinking.)" questions, by name; their answers are in rnnlib.solutions.
QUESTIONS = {
    "leaky_relu_gate": "Replace ReLU by leaky ReLU, max(z, 0.01 z). What is the gate now, and "
                       "can a gradient ever stop completely? What would a central difference "
                       "at 0 give?",
    "why_relu_grad_at_zero_matters": "With the library's defaults (h_0 = 0, b_h = 0), which "
                                     "inputs put every unit exactly on its kink, and at which "
                                     "steps? Why does a real gradient check then have to set "
                                     "kinks aside?",
}
