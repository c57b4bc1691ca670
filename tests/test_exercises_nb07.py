"""The checker of notebook 07's ``jacobian_product`` exercise: its reference is the library's
backward Jacobian product, rnnlib.analysis.jacobian_products, from every start step."""
import numpy as np

from rnnlib import analysis, exercises


def test_jacobian_reference_matches_the_library():
    rng = np.random.default_rng(0)
    W_hh, mask = rng.standard_normal((4, 4)), (rng.random((6, 4)) < 0.6).astype(float)
    mask[0] = 0
    P = analysis.jacobian_products(W_hh, mask)
    for t in range(6):
        ref = exercises.EXERCISES["jacobian_product"].reference(W_hh, mask[t + 1:])
        np.testing.assert_allclose(ref, P[t], rtol=1e-12, atol=1e-14)
