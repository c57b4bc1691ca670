"""The checker of notebook 09's ``temperature_probs`` exercise: its reference is the library's
rnnlib.text.temperature_probs, the softmax of y / τ, and its cases include one where a softmax
without the shift overflows, so that only a stable answer passes."""
import numpy as np

from rnnlib import exercises


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
    assert naive.status == "wrong" and "overflows at a small τ" in naive.message
    assert exercises.check("temperature_probs", _softmax_in_extended_precision)
