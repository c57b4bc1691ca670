"""The exercises of notebook 09 · A ReLU RNN learns to write."""
import re

import numpy as np

from ..losses import softmax as _softmax
from ..text import temperature_probs
from .core import Exercise


def _rng_logits(rng):
    V = int(rng.choice([4, 5, 6, 7]))
    return 3 * rng.standard_normal(V), float(rng.choice([0.5, 0.8, 1.5, 2.0]))


def _shifted_exp(z):
    return np.exp(z - z.max())


def _log_softmax(z):
    return z - z.max() - np.log(_shifted_exp(z).sum())


# NaN is 0/0 or inf/inf, and the two need opposite fixes; each mistake below that gives NaN
# says which of the two it meets, and nan_hint covers the ones the catalogue does not know.
_OVERFLOW = ("exp(y / τ) overflows to inf at a small τ (10 / 0.01 = 1000, and exp(1000) is "
             "inf), and inf / inf is NaN: subtract the largest entry of y / τ (not of y) "
             "before exp; the softmax does not change when every logit moves by the same "
             "amount.")
_UNDERFLOW = ("every exp(…) underflowed to 0 (exp(−990) is 0 in floating point), and 0 / 0 "
              "is NaN: y − y.max() / τ divides only the maximum by τ. Shift y / τ by its own "
              "largest entry, y / τ − max(y / τ), or write (y − y.max()) / τ, so that the "
              "largest exponent is exactly 0.")
_POWER = ("softmax(y) ** (1/τ) is softmax(y / τ) only up to a factor: it does not sum to 1. "
          "Dividing by its sum is right in exact arithmetic but fails at a tiny τ, where every "
          "power underflows to 0 (0.47 ** 1000 is 0) and 0 / 0 is NaN: compute softmax(y / τ) "
          "directly, shifted by the largest entry of y / τ.")
_NO_EXP = ("0 / 0 is NaN where the logits are equal: z − max(z) is then 0 everywhere, and so is "
           "its sum. The exp is missing: the softmax exponentiates the shifted logits before it "
           "divides by their sum.")
_AFTER = "τ divides the logits before the softmax, not the probabilities after it."
_FIXED_V = ("The number of characters V changes from one test case to the next: take it from y "
            "(y.size or y.shape[-1]), never a fixed number.")

EXERCISES = [
    Exercise(
        "temperature_probs",
        "p = softmax(y / τ):  p_i = exp(y_i / τ) / Σ_j exp(y_j / τ)",
        "temperature_probs(y, temperature)",
        temperature_probs, _rng_logits,
        task="the probabilities of the next character at temperature τ: shape (V,), "
             "non-negative, summing to 1",
        axes=("character ",),
        mistakes=(
            ("You multiplied the logits by τ; the temperature divides them, y / τ (so τ < 1 "
             "sharpens the distribution).", lambda y, t: _softmax(y * t)),
            ("The temperature is missing: that is softmax(y), the distribution at τ = 1.",
             lambda y, t: _softmax(y)),
            ("The probabilities do not sum to 1: divide exp(y / τ) by its sum.",
             lambda y, t: _shifted_exp(y / t)),
            (_POWER, lambda y, t: _softmax(y) ** (1 / t)),
            (_POWER, lambda y, t: _softmax(y) ** (1 / t) / (_softmax(y) ** (1 / t)).sum()),
            (_AFTER, lambda y, t: _softmax(y) / t),
            (_AFTER, lambda y, t: _softmax(_softmax(y) / t)),
            ("Those are log-probabilities, log softmax(y / τ); return the probabilities.",
             lambda y, t: _log_softmax(y / t)),
            ("That is the limit τ → 0, all the mass on the largest logit; at τ > 0 every "
             "character keeps some probability.", lambda y, t: np.eye(y.size)[np.argmax(y)]),
            ("That is the limit τ → ∞, the uniform distribution; at a finite τ a likelier "
             "character keeps more probability.", lambda y, t: np.full(y.size, 1 / y.size)),
            (_OVERFLOW, lambda y, t: np.exp(y / t) / np.exp(y / t).sum()),
            (_OVERFLOW, lambda y, t: np.exp(y / t - y.max()) / np.exp(y / t - y.max()).sum()),
            (_UNDERFLOW, lambda y, t: np.exp(y - y.max() / t) / np.exp(y - y.max() / t).sum()),
            (_NO_EXP, lambda y, t: (y / t - (y / t).max()) / (y / t - (y / t).max()).sum()),
            ("A floor on τ (such as max(τ, 0.01)) changes the answer wherever τ is below it: "
             "close logits at a tiny τ are no longer almost one-hot. Use τ as given, and "
             "shift by the largest entry of y / τ to keep exp finite.",
             lambda y, t: _softmax(y / max(t, 0.01))),
            ("`//` is floor division: y // τ rounds each logit down to a whole number of τ. "
             "Divide with `/`.", lambda y, t: _softmax(y // t)),
            ("You divided by τ², not τ: softmax(y / τ) divides each logit once.",
             lambda y, t: _softmax(y / t ** 2)),
            ("exp(y / τ) alone is neither normalised nor safe: it does not sum to 1, and at a "
             "small τ it overflows to inf (exp(1000) is inf). Shift y / τ by its largest "
             "entry, then divide the exps by their sum.", lambda y, t: np.exp(y / t)),
            ("log Σ exp(y / τ) overflows to inf at a small τ, so every exp(y / τ − inf) is 0: "
             "the log-sum-exp needs the same shift, max(y / τ) + log Σ exp(y / τ − max(y / τ)).",
             lambda y, t: np.exp(y / t - np.log(np.exp(y / t).sum()))),
        ),
        nan_hint=("NaN is inf / inf or 0 / 0. inf: exp(y / τ) overflows at a small τ "
                  "(exp(1000) is inf): subtract the largest entry of y / τ before exp. 0 / 0: "
                  "every exp underflowed to 0, or the sum you divide by is 0: the shift must "
                  "leave the largest exponent at exactly 0. A −inf is the log of a probability "
                  "that is 0: return the probabilities, not their logs."),
        error_hints=(("ValueError", _FIXED_V, "broadcast"), ("IndexError", _FIXED_V)),
        shape_hint=_FIXED_V,
        edge_cases=(
            (np.array([10.0, -3.0, 7.5, 9.9, 0.0]), 0.01),     # y / τ up to 1000
            (np.full(4, 2.5), 0.5),                             # equal logits: uniform
            (np.array([3.0, 3.0, 1.0]), 1e-3),                  # a tie at a tiny τ: ½, ½, 0
            (np.array([1.0, -2.0, 0.5, 4.0, -1.0, 2.0]), 100.0),  # a large τ: near uniform
            (np.array([1.0, 1.004, -1.0]), 0.002),              # close logits, tiny τ: no floor
        )),
]

QUESTIONS = {
    "cut_at_k": "The stored model was trained on chunks of T = 100 characters, the state "
                "carried and the gradient stopped at every chunk boundary (truncation in "
                "notebook 08's second sense). What can training in chunks of T stop it from "
                "learning, and what can it not stop?",
}


# The explanations shown after a wrong prediction (the truth is then on screen), by the
# prediction's name: kept here, out of the cell the student predicts in.
PREDICTIONS = {
    "best baseline passed": "at step 750 the validation loss was 1.895 nats/char: below the "
                            "3-gram's 2.055, above the 4-gram's 1.788. After 4.8 million "
                            "characters it predicted better than counts of every two-character "
                            "context, not yet than counts of three; it passed the 4-gram by "
                            "step 1,500 (1.691) and the 5-gram by step 2,250 (1.615).",
}

_NGRAM_WORDS = {"uni": 1, "one": 1, "bi": 2, "two": 2, "tri": 3, "three": 3, "four": 4,
                "five": 5}


def baseline_n(prediction):
    """A prediction of the best baseline passed as the n of its n-gram: 3, "3", "3-gram",
    "3gram", "3-grams", "three-gram", "trigram" and "the trigram model" all give 3; "uniform"
    gives 0 and "none" −1.

    A string it cannot read raises a ValueError that asks for an int, rather than letting
    check_prediction mark it wrong and show the answer; anything else (None before the student
    predicts, a bool, a float) is returned as it is, for check_prediction to judge."""
    if isinstance(prediction, (int, np.integer)) and not isinstance(prediction, bool):
        return int(prediction)
    if not isinstance(prediction, str):
        return prediction
    word = re.sub(r"[\u2010\u2011\u2012\u2013\u2212]", "-", prediction.strip().lower())
    word = re.sub(r"^the\s+|\s+model$", "", word)
    if word in ("uniform", "none", "-1"):
        return {"uniform": 0, "none": -1, "-1": -1}[word]
    match = re.fullmatch(r"(\d|%s)[\s-]*(?:grams?)?" % "|".join(_NGRAM_WORDS), word)
    if match is None:
        raise ValueError(f"my_prediction must be the n of the n-gram as an int (1 to 5, 0 for "
                         f"the uniform model only, -1 for none); could not read {prediction!r}")
    n = match[1]
    return int(n) if n.isdigit() else _NGRAM_WORDS[n]

