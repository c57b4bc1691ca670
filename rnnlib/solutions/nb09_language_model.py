"""Model solutions of notebook 09's exercises, and the answers to its thinking questions."""
import numpy as np


def temperature_probs(y, temperature):
    """softmax(y / τ) for logits y of shape (V,); returns shape (V,).

    τ → 0: all the mass goes to the largest logit (shared equally among tied largest logits),
    since every other exp(z_i − max z) tends to exp(−∞) = 0.
    τ → ∞: y / τ → 0 for every character, so p tends to the uniform distribution, 1/V each.
    """
    z = y / temperature                  # τ divides the logits, before the softmax
    e = np.exp(z - z.max())              # softmax(z) = softmax(z − c): the largest exp is 1
    return e / e.sum()


# Answers to the notebook's "(Thinking.)" questions, by name (see rnnlib.exercises QUESTIONS).
ANSWERS = {
    "cut_at_k": (
        "What training in chunks of T stops: learning to keep anything in the state for more "
        "than T characters. The gradient of a character's loss ends at the start of its chunk, "
        "so no update ever rewards a state that holds something for longer than T steps. Even "
        "a dependency of d < T characters is taught only where both ends fall in one chunk, at "
        "T − d of its T positions. For the stored model (T = 100) that rules out learning, "
        "through the gradient, what the speaker's name or a bracket opened lines earlier says "
        "about the character to come.\n"
        "What it cannot stop: the forward pass is exact. Each chunk starts from the state that "
        "the whole stream before it left, so the network reads every character through a state "
        "that may hold something from far back, and the gradient inside the chunk does teach "
        "it to use what that state holds (the chunk's h_0 is a constant, but W_hh, W_hx, b_h "
        "and W_yh are trained on what it leads to). Whatever survives T steps for a "
        "short-range reason, such as a unit that stays open through a long name, is used for "
        "free.\n"
        "The measurement in the notebook puts numbers on it: in the trained network a "
        "character's loss sends back 15 % of its gradient 10 characters back, 3 % 20 back and "
        "0.1 % 50 back (medians). The cut is not the same for every character: one at position "
        "j of its chunk keeps only the j steps back to the chunk's start. For the last "
        "characters of a chunk the terms lost are tiny; for the first ten or so of every chunk "
        "they are not: a character 5 positions in loses terms whose median is still 15 % of "
        "its gradient or more. Which is cause and which effect, the experiment cannot say: a "
        "network trained in chunks of 100 was never asked to make the far terms larger."),
}
