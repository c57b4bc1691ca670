"""The exercises of notebook 03 · The ReLU gate."""
import numpy as np

from ..bptt import relu_gate
from ..model import relu, relu_grad
from .core import Exercise

# Just above the kink: a test `z > tol` or a rounding would close these, ReLU'(z) = 1 opens them.
TINY = np.array([1e-3, 1e-6, 1e-12, 5e-324])


def _rng_with_exact_zeros(rng):
    """Pre-activations with some entries exactly 0 (where ReLU' must be 0), one just above 0
    and one just below, and a size that changes from case to case."""
    z = rng.standard_normal(int(rng.choice([6, 7, 8])))
    z[:: 3] = 0.0
    z[1], z[2] = TINY[rng.integers(len(TINY))], -TINY[rng.integers(len(TINY))]
    return z


_TOLERANCE = ("Small positive z get 0: ReLU'(z) = 1 for every z > 0, however small (no "
              "tolerance, no rounding).")


def _above(tol):
    """The mistake "z > tol": one function per range of tolerances that the inputs tell apart."""
    return lambda z: (z > tol).astype(float)


_BELOW = ("z = 0, or z just below 0, gets 1: ReLU'(z) = 0 for every z ≤ 0, however close to 0 "
          "(test z > 0, with no tolerance).")

_KINK = "At ĥ = 0 you let the gradient through: we use ReLU'(0) = 0 (test > 0, not >= 0)."

EXERCISES = [
    Exercise(
        "relu_grad", "ReLU'(z) = 1 if z > 0, else 0 (so ReLU'(0) = 0), element-wise",
        "relu_grad(z)", relu_grad, lambda rng: (_rng_with_exact_zeros(rng),),
        task="ReLU'(z) element-wise, with the convention this course uses at z = 0",
        axes=("entry ",),
        edge_cases=((np.concatenate([TINY, -TINY, [0.0, 2.0]]),),),
        mistakes=(
            ("At z = 0 you return 1: we use ReLU'(0) = 0 (z > 0, not z >= 0).",
             lambda z: (z >= 0).astype(float)),
            ("That is ReLU(z) itself; its derivative is 1 or 0.", relu),
            *((_TOLERANCE, _above(tol)) for tol in (1e-3, 1e-4, 1e-7, 1e-13)),
            *((_BELOW, _above(-tol)) for tol in (1e-2, 1e-4, 1e-9, 1e-13)),
            ("At z = 0 you return ½, the average of the two slopes; this course uses "
             "ReLU'(0) = 0.", lambda z: (z > 0) + 0.5 * (z == 0)),
            ("That is the sign of z; negative z have slope 0, not −1.", np.sign),
        )),
    Exercise(
        "relu_gate", "∂ĥ_t = ReLU'(ĥ_t) ⊙ ∂h_t",
        "relu_gate(h_hat_t, dh_t)", relu_gate,
        lambda rng: (lambda z: (z, rng.standard_normal(z.size)))(_rng_with_exact_zeros(rng)),
        task="∂ĥ_t from ĥ_t and ∂h_t: what the ReLU lets through",
        axes=("unit ",),
        edge_cases=((np.concatenate([TINY, -TINY, [0.0, 2.0]]), np.linspace(-2, 2, 10)),),
        mistakes=(
            (_KINK, lambda z, dh: relu_gate(np.where(z == 0, 1.0, z), dh)),
            ("That is the mask alone: what passes is ∂h_t itself, where the mask is 1.",
             lambda z, dh: relu_grad(z)),
            ("You returned ∂h_t unchanged: nothing is gated. Which units may pass gradient?",
             lambda z, dh: dh),
            ("You multiplied by ReLU(ĥ_t), the value; the gate is its derivative ReLU'(ĥ_t).",
             lambda z, dh: relu(z) * dh),
            ("You applied the ReLU to ∂h_t: the gate depends on the sign of ĥ_t, not of ∂h_t.",
             lambda z, dh: relu(dh)),
            ("Small positive ĥ_t are closed: ReLU'(ĥ) = 1 for every ĥ > 0, however small (no "
             "tolerance).", lambda z, dh: relu_gate(np.where(np.abs(z) < 1e-8, 0.0, z), dh)),
            ("The gate is reversed: units with ĥ_t ≤ 0 are the ones that stop the gradient.",
             lambda z, dh: dh - relu_gate(z, dh)),
            ("np.sign(ĥ_t) is −1 for negative ĥ_t: there the gate is 0, not −1.",
             lambda z, dh: np.sign(z) * dh),
            *((_BELOW.replace("z", "ĥ").replace("ReLU'(ĥ)", "ReLU'(ĥ)"),
               (lambda tol: lambda z, dh: (z > -tol) * dh)(tol))
              for tol in (1e-2, 1e-4, 1e-9, 1e-13)),
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


# The explanations shown after a wrong prediction (the truth is then on screen), by the
# prediction's name: kept here, out of the cell the student predicts in.
PREDICTIONS = {
    'closed gates': 'A gate is closed where ĥ_t ≤ 0: read the sign of each entry of ĥ_t.',
    '∂ĥ_1, ∂ĥ_2, ∂ĥ_3': '∂ĥ_t keeps ∂h_t where the gate is open and is 0 where it is closed.',
    "ReLU'(0) = 1": "Opening unit 0's gate at t = 1 is what nudging b_h[0] up does; the other units' gates at t = 1 do not feed ∂b_h[0].",
}
