"""The checker of notebook 09's ``temperature_probs`` exercise: its reference is the library's
rnnlib.text.temperature_probs, the softmax of y / τ, and its cases include one where a softmax
without the shift overflows, so that only a stable answer passes; and the spellings of the
baseline predicted in exercise 2."""
import numpy as np
import pytest

from rnnlib import exercises
from rnnlib.exercises.nb09_language_model import baseline_n


def _softmax_in_extended_precision(y, temperature):
    z = np.asarray(y, np.longdouble) / temperature
    e = np.exp(z - z.max())
    return (e / e.sum()).astype(np.float64)


def test_the_reference_is_the_softmax_of_y_over_tau_on_every_case():
    ex = exercises.EXERCISES["temperature_probs"]
    cases = [ex.inputs(np.random.default_rng(seed)) for seed in range(5)] + list(ex.edge_cases)
    for y, temperature in cases:
        np.testing.assert_allclose(ex.reference(y, temperature),
                                   _softmax_in_extended_precision(y, temperature),
                                   rtol=1e-12, atol=1e-300)


def test_an_unshifted_softmax_is_told_that_exp_overflows():
    with np.errstate(over="ignore", invalid="ignore"):
        naive = exercises.check("temperature_probs",
                                lambda y, t: np.exp(y / t) / np.exp(y / t).sum())
    assert naive.status == "wrong" and "overflows to inf" in naive.message
    assert exercises.check("temperature_probs", _softmax_in_extended_precision)


def _message(fn):
    with np.errstate(all="ignore"):
        return exercises.check("temperature_probs", fn).message


def _plain_softmax(z):
    e = np.exp(z - z.max())
    return e / e.sum()


def test_a_floor_on_tau_is_rejected_by_close_logits_at_a_tiny_tau():
    message = _message(lambda y, t: _plain_softmax(y / max(t, 0.01)))
    assert "✗" in message and "floor on τ" in message


def test_nan_from_underflow_is_not_called_an_overflow():
    precedence = _message(lambda y, t: np.exp(y - y.max() / t) / np.exp(y - y.max() / t).sum())
    no_exp = _message(lambda y, t: (y / t - (y / t).max()) / (y / t - (y / t).max()).sum())
    for message in (precedence, no_exp):
        assert "0 / 0" in message and "overflows" not in message
    assert "exp is missing" in no_exp


def test_a_renormalised_power_is_not_told_to_renormalise():
    message = _message(lambda y, t: _plain_softmax(y) ** (1 / t)
                       / (_plain_softmax(y) ** (1 / t)).sum())
    assert "0 / 0" in message and "normalise it" not in message


def test_a_fixed_number_of_characters_is_told_to_take_it_from_y():
    message = _message(lambda y, t: _plain_softmax(np.resize(y, 5) / t))
    assert "y.size" in message and "W_hh" not in message


@pytest.mark.parametrize("written", [3, np.int64(3), "3", "3-gram", "3gram", "3 grams", "3-grams",
                                     "trigram", "Tri-gram", " TRIGRAM ", "three", "three-gram",
                                     "the 3-gram", "3-gram model", "3\u2011gram"])
def test_every_spelling_of_the_3_gram_is_its_n(written):
    assert baseline_n(written) == 3


def test_uniform_none_and_unknown_answers():
    assert (baseline_n("uniform"), baseline_n("none"), baseline_n(0)) == (0, -1, 0)
    assert baseline_n(None) is None
    with pytest.raises(ValueError, match=r"as an int .* could not read '7-grams\?'") as error:
        baseline_n("7-grams?")                            # asked again, the answer not shown
    assert "3" not in str(error.value).replace("'7-grams?'", "")
    assert baseline_n(True) is True                       # a bool is not an n
