"""Notebook 09 · a ReLU RNN learns to write: temperature_probs."""
import numpy as np

from ._util import writes_into

temperature_global = 1.0                         # the temperature of an earlier cell


# --- temperature_probs(y, temperature) --------------------------------------------------------

def temperature_probs_shift_then_exp(y, temperature):
    z = y / temperature
    e = np.exp(z - np.max(z))
    return e / np.sum(e)


def temperature_probs_shift_before_dividing(y, temperature):
    e = np.exp((y - y.max()) / temperature)      # the same shift, taken before the division
    return e / e.sum()


def temperature_probs_logsumexp(y, temperature):
    z = y / temperature
    m = z.max()
    return np.exp(z - (m + np.log(np.sum(np.exp(z - m)))))


def temperature_probs_power_normalised(y, temperature):
    p = np.exp(y - y.max())
    p = p / p.sum()                              # softmax(y), then sharpened by the power 1/τ
    q = (p / p.max()) ** (1 / temperature)       # divided by its largest entry: no underflow
    return q / q.sum()                           # of every entry at a tiny τ


def temperature_probs_loop(y, temperature):
    top = max(y) / temperature
    weights = [np.exp(v / temperature - top) for v in y]
    total = sum(weights)
    return [w / total for w in weights]


def _softmax(z):
    e = np.exp(z - z.max())
    return e / e.sum()


def _log_probabilities(y, temperature):
    z = y / temperature - (y / temperature).max()
    return z - np.log(np.exp(z).sum())


def _power_renormalised(y, temperature):
    q = _softmax(y) ** (1 / temperature)
    return q / q.sum()


@writes_into("y")
def _temperature_probs_into_y(y, temperature):
    y /= temperature                             # "scaled" in the caller's array
    return _softmax(y)


@writes_into("y")
def _temperature_probs_shift_in_y(y, temperature):
    y -= y.max()                                 # the shift, then exp, in the caller's array
    np.exp(y / temperature, out=y)
    y /= y.sum()
    return y


def _temperature_probs_hard_coded_V(y, temperature):
    p = np.zeros(5)
    p[:] = _softmax(y[:5] / temperature)
    return p


def _temperature_probs_loop_to_65(y, temperature):
    p = np.zeros(65)                             # the vocabulary of Tiny Shakespeare
    for i in range(65):
        p[i] = np.exp(y[i] / temperature - np.max(y / temperature))
    return p / p.sum()


RIGHT = {
    "temperature_probs": [temperature_probs_shift_then_exp,
                          temperature_probs_shift_before_dividing, temperature_probs_logsumexp,
                          temperature_probs_power_normalised, temperature_probs_loop],
}

WRONG = {
    "temperature_probs": [
        ("returns None (no return)", lambda y, temperature: None),
        ("raises: a typo'd name", lambda y, temperature: _softmax(y / temprature)),  # noqa: F821
        ("returns zeros", lambda y, temperature: np.zeros_like(y)),
        ("multiplies by τ", lambda y, temperature: _softmax(y * temperature)),
        ("ignores τ: softmax(y)", lambda y, temperature: _softmax(y)),
        ("not normalised: exp(y/τ - max)", lambda y, temperature: np.exp(
            y / temperature - (y / temperature).max())),
        ("no shift: exp(y/τ) overflows", lambda y, temperature: np.exp(y / temperature)
         / np.exp(y / temperature).sum()),
        ("shifted by max(y), not max(y/τ)", lambda y, temperature: np.exp(y / temperature - y.max())
         / np.exp(y / temperature - y.max()).sum()),
        ("shifted by the min: overflows", lambda y, temperature: np.exp((y - y.min()) / temperature)
         / np.exp((y - y.min()) / temperature).sum()),
        ("softmax(y) ** (1/τ), not normalised", lambda y, temperature: _softmax(y)
         ** (1 / temperature)),
        ("τ after the softmax: softmax(y) / τ", lambda y, temperature: _softmax(y) / temperature),
        ("τ after the softmax, normalised again: softmax(softmax(y) / τ)",
         lambda y, temperature: _softmax(_softmax(y) / temperature)),
        ("log-probabilities: log of the softmax (−inf at a tiny τ)",
         lambda y, temperature: np.log(_softmax(y / temperature))),
        ("log-probabilities, computed stably", _log_probabilities),
        ("divides by τ²", lambda y, temperature: _softmax(y / temperature ** 2)),
        ("τ clamped from below: max(τ, 0.01)",
         lambda y, temperature: _softmax(y / max(temperature, 0.01))),
        ("floor division: y // τ", lambda y, temperature: _softmax(y // temperature)),
        ("precedence: exp(y - y.max() / τ) underflows to 0 / 0",
         lambda y, temperature: np.exp(y - y.max() / temperature)
         / np.exp(y - y.max() / temperature).sum()),
        ("the exp forgotten: 0 / 0 on equal logits",
         lambda y, temperature: (y / temperature - (y / temperature).max())
         / (y / temperature - (y / temperature).max()).sum()),
        ("softmax(y) ** (1/τ), renormalised: underflows to 0 / 0 at a tiny τ",
         _power_renormalised),
        ("the argmax one-hot (τ → 0)", lambda y, temperature: np.eye(len(y))[np.argmax(y)]),
        ("uniform (τ → ∞)", lambda y, temperature: np.full(len(y), 1 / len(y))),
        ("a sampled id instead of the probabilities",
         lambda y, temperature: int(np.argmax(_softmax(y / temperature)))),
        ("global temperature instead of the argument",
         lambda y, temperature: _softmax(y / temperature_global)),
        ("hard-coded V = 5", _temperature_probs_hard_coded_V),
        ("hard-coded V = 65 in a loop: an index out of range", _temperature_probs_loop_to_65),
        ("exp(y / τ) alone: neither shifted nor normalised",
         lambda y, temperature: np.exp(y / temperature)),
        ("log-sum-exp without the shift: overflows, every probability 0 at a tiny τ",
         lambda y, temperature: np.exp(y / temperature
                                       - np.log(np.sum(np.exp(y / temperature))))),
        ("writes into y (y /= τ), right values", _temperature_probs_into_y),
        ("exp computed in y (out=y), right values", _temperature_probs_shift_in_y),
    ],
}
