"""The exercises of notebook 01 · The forward pass."""
import numpy as np

from ..model import pre_activation, relu
from .core import Exercise, zeroed


def _rng_inputs_step(rng, H=4, D=3):
    return (rng.standard_normal((H, H)), rng.standard_normal((H, D)), rng.standard_normal(H),
            np.abs(rng.standard_normal(H)), rng.standard_normal(D))


EXERCISES = [
    Exercise(
        "pre_activation", "ĥ_{t+1} = W_hh h_t + W_hx x_t + b_h",
        "pre_activation(W_hh, W_hx, b_h, h_t, x_t)",
        pre_activation, _rng_inputs_step,
        task="the pre-activation ĥ_{t+1} of one step, from h_t and x_t (before the ReLU)",
        mistakes=(
            ("b_h is missing.", lambda W_hh, W_hx, b_h, h, x: W_hh @ h + W_hx @ x),
            ("You applied the ReLU: that gives h_{t+1}. ĥ_{t+1} is the value *before* it.",
             lambda *a: relu(pre_activation(*a))),
            ("You used W_hhᵀ h_t; the forward pass multiplies by W_hh itself (W_hh @ h_t).",
             lambda W_hh, W_hx, b_h, h, x: W_hh.T @ h + W_hx @ x + b_h),
        ),
        isolations=(("only W_hh h_t (x_t = 0, b_h = 0)", zeroed(2, 4)),
                    ("only W_hx x_t (h_t = 0, b_h = 0)", zeroed(2, 3)),
                    ("only b_h (h_t = 0, x_t = 0)", zeroed(3, 4)))),
    Exercise(
        "rnn_step", "h_{t+1} = ReLU(W_hh h_t + W_hx x_t + b_h)",
        "rnn_step(W_hh, W_hx, b_h, h_t, x_t)",
        lambda *a: relu(pre_activation(*a)), _rng_inputs_step,
        task="one step of the forward pass: the next hidden state h_{t+1} from h_t and x_t",
        mistakes=(
            ("You returned ĥ_{t+1}: the ReLU is missing (np.maximum(ĥ, 0)).", pre_activation),
            ("You used tanh, as many other courses do; this RNN uses ReLU.",
             lambda *a: np.tanh(pre_activation(*a))),
            ("The ReLU was applied before adding b_h; b_h belongs inside it.",
             lambda W_hh, W_hx, b_h, h, x: relu(W_hh @ h + W_hx @ x) + b_h),
            ("b_h is missing.", lambda W_hh, W_hx, b_h, h, x: relu(W_hh @ h + W_hx @ x)),
        ),
        isolations=(("only W_hh h_t (x_t = 0, b_h = 0)", zeroed(2, 4)),
                    ("only W_hx x_t (h_t = 0, b_h = 0)", zeroed(2, 3)),
                    ("only b_h (h_t = 0, x_t = 0)", zeroed(3, 4)))),
]

# The notebook's "(Thinking.)" questions, by name; their answers are in rnnlib.solutions.
QUESTIONS = {
    "trace_keeps_both": "The trace keeps both ĥ and h. Which of the two can be recomputed from "
                        "the other? The backward pass needs the gate 1[ĥ_t > 0] and the states "
                        "h_t: could it work from h alone?",
}
