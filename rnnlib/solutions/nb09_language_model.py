"""Model solutions of notebook 09's exercises, and the answers to its thinking questions."""
import numpy as np


def temperature_probs(y, temperature):
    z = y / temperature                  # τ divides the logits, before the softmax
    e = np.exp(z - z.max())              # shift by the largest: same softmax, no overflow
    return e / e.sum()


# Answers to the notebook's "(Thinking.)" questions, by name (see rnnlib.exercises QUESTIONS).
ANSWERS = {
    "cut_at_k": (
        "What a cut at k characters stops: learning to keep anything in the state for more "
        "than k characters. The gradient of a character's loss ends at the start of its chunk, "
        "so no update ever rewards a state that holds something for longer than k steps. Even "
        "a dependency of d < k characters is taught only where both ends fall in one chunk, at "
        "k − d of its k positions. For the stored model (k = T = 100) that rules out learning, "
        "through the gradient, what the speaker's name or a bracket opened lines earlier says "
        "about the character to come.\n"
        "What it cannot stop: the forward pass is exact. Each chunk starts from the state that "
        "the whole stream before it left, so the network reads every character through a state "
        "that may hold something from far back, and the gradient inside the chunk does teach "
        "it to use what that state holds (the chunk's h_0 is a constant, but W_hh, W_hx, b_h "
        "and W_yh are trained on what it leads to). Whatever survives k steps for a "
        "short-range reason, such as a unit that stays open through a long name, is used for "
        "free.\n"
        "The measurement in the notebook puts numbers on it: in the trained network a "
        "character's loss sends back 3 % of its gradient 20 characters and 0.1 % 50 "
        "characters back (medians), so the cut at 100 removes terms that are already tiny, "
        "while a cut at k = 10 would remove terms still 15 % of its size. Which is cause and "
        "which effect, the experiment cannot say: a network trained with a cut at 100 was "
        "never asked to make those terms larger."),
}
