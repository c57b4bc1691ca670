"""The exercises of notebook 01 · The forward pass."""
import numpy as np

from ..model import pre_activation, relu
from .core import Exercise, zeroed


def _rng_inputs_step(rng, H=None, D=None):
    """One step's inputs; H and D differ from case to case (and from each other, but for the
    edge case D = H), so a hard-coded size or a swapped transpose fails."""
    H = int(rng.choice([4, 5, 6])) if H is None else H
    D = int(rng.choice([2, 3])) if D is None else D
    return (rng.standard_normal((H, H)), rng.standard_normal((H, D)), rng.standard_normal(H),
            np.abs(rng.standard_normal(H)), rng.standard_normal(D))


def _rnn_step(*args):
    return relu(pre_activation(*args))


# D = H: a transpose or a swapped matrix that only a shape error would reveal shows in the values
_SQUARE = _rng_inputs_step(np.random.default_rng(99), H=3, D=3)

_SIGN = "A sign error: the pre-activation only adds its three terms."


def _one_step(name, equation, reference, *, task, mistakes):
    """An exercise on one step of the forward pass, ``name(W_hh, W_hx, b_h, h_t, x_t)``: sizes
    that change from case to case (D = H among them), a message per unit, and the three terms
    of ĥ_{t+1} isolated in turn when no mistake of the catalogue matches."""
    return Exercise(name, equation, f"{name}(W_hh, W_hx, b_h, h_t, x_t)", reference,
                    _rng_inputs_step, task=task, axes=("unit ",), edge_cases=(_SQUARE,),
                    mistakes=mistakes,
                    isolations=(("only W_hh h_t (x_t = 0, b_h = 0)", zeroed(2, 4)),
                                ("only W_hx x_t (h_t = 0, b_h = 0)", zeroed(2, 3)),
                                ("only b_h (h_t = 0, x_t = 0)", zeroed(3, 4))))

EXERCISES = [
    _one_step(
        "pre_activation", "ĥ_{t+1} = W_hh h_t + W_hx x_t + b_h", pre_activation,
        task="the pre-activation ĥ_{t+1} of one step, from h_t and x_t (before the ReLU)",
        mistakes=(
            ("b_h is missing.", lambda W_hh, W_hx, b_h, h, x: W_hh @ h + W_hx @ x),
            ("You applied the ReLU: that gives h_{t+1}. ĥ_{t+1} is the value *before* it.",
             _rnn_step),
            ("You used W_hhᵀ h_t; the forward pass multiplies by W_hh itself (W_hh @ h_t).",
             lambda W_hh, W_hx, b_h, h, x: W_hh.T @ h + W_hx @ x + b_h),
            ("The recurrent term W_hh h_t is missing: ĥ_{t+1} depends on the previous state.",
             lambda W_hh, W_hx, b_h, h, x: W_hx @ x + b_h),
            ("The input term W_hx x_t is missing.", lambda W_hh, W_hx, b_h, h, x: W_hh @ h + b_h),
            (_SIGN, lambda W_hh, W_hx, b_h, h, x: W_hh @ h + W_hx @ x - b_h),
            (_SIGN, lambda W_hh, W_hx, b_h, h, x: W_hh @ h - W_hx @ x + b_h),
        ),
        ),
    _one_step(
        "rnn_step", "h_{t+1} = ReLU(W_hh h_t + W_hx x_t + b_h)", _rnn_step,
        task="one step of the forward pass: the next hidden state h_{t+1} from h_t and x_t",
        mistakes=(
            ("You returned ĥ_{t+1}: the ReLU is missing (np.maximum(ĥ, 0)).", pre_activation),
            ("You used tanh, as many other courses do; this RNN uses ReLU.",
             lambda *a: np.tanh(pre_activation(*a))),
            ("The ReLU was applied before adding b_h; b_h belongs inside it.",
             lambda W_hh, W_hx, b_h, h, x: relu(W_hh @ h + W_hx @ x) + b_h),
            ("b_h is missing.", lambda W_hh, W_hx, b_h, h, x: relu(W_hh @ h + W_hx @ x)),
            ("You used W_hhᵀ h_t; the forward pass multiplies by W_hh itself (W_hh @ h_t).",
             lambda W_hh, W_hx, b_h, h, x: relu(W_hh.T @ h + W_hx @ x + b_h)),
            ("The ReLU is applied to each term separately; it acts on their sum, ĥ_{t+1}.",
             lambda W_hh, W_hx, b_h, h, x: relu(W_hh @ h) + relu(W_hx @ x) + relu(b_h)),
            ("|ĥ| is not the ReLU: negative pre-activations give 0, not their size.",
             lambda *a: np.abs(pre_activation(*a))),
            ("You returned the mask 1[ĥ_{t+1} > 0]; the state is the value ReLU(ĥ_{t+1}).",
             lambda *a: (pre_activation(*a) > 0).astype(float)),
        ),
        ),
]

# The notebook's "(Thinking.)" questions, by name; their answers are in rnnlib.solutions.
QUESTIONS = {
    "trace_keeps_both": "The trace keeps both ĥ and h. Which of the two can be recomputed from "
                        "the other? The backward pass needs the gate 1[ĥ_t > 0] and the states "
                        "h_t: could it work from h alone?",
}
