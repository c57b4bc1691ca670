"""Jacobian products, their bound, and ∂W_hh by distance, against independent computations."""
import numpy as np
import pytest

import rnnlib
from rnnlib import analysis
from conftest import make_problem


def test_spectral_radius_and_singular_value_of_known_matrices():
    nilpotent = np.array([[1.0, 1.0], [-1.0, -1.0]])       # N² = 0: every eigenvalue is 0
    assert analysis.spectral_radius(nilpotent) == pytest.approx(0.0, abs=1e-7)
    assert analysis.largest_singular_value(nilpotent) == pytest.approx(2.0)
    assert analysis.spectral_radius(np.diag([0.5, -3.0])) == pytest.approx(3.0)


def test_jacobian_products_are_the_true_jacobians():
    # (∂h_T/∂h_t)ᵀ from finite differences of h_T with respect to h_t (run the RNN from h_t),
    # for every t, on a problem whose masks change from step to step.
    p, xs, h0, _ = make_problem(T=6, H=5, bias=0.0, seed=4)
    tr = rnnlib.forward(p, xs, h0)
    assert len({tuple(m) for m in tr.mask[1:]}) == 6      # every step has its own mask
    P = analysis.jacobian_products(p.W_hh, tr.mask)
    eps = 1e-6
    for t in range(6):
        J = np.zeros((5, 5))                               # J[i, j] = ∂h_T,i / ∂h_t,j
        for j in range(5):
            up, down = tr.h[t].copy(), tr.h[t].copy()
            up[j] += eps
            down[j] -= eps
            J[:, j] = (rnnlib.forward(p, xs[t:], up).h[-1]
                       - rnnlib.forward(p, xs[t:], down).h[-1]) / (2 * eps)
        np.testing.assert_allclose(P[t], J.T, atol=1e-8, err_msg=f"t = {t}")
    np.testing.assert_array_equal(P[-1], np.eye(5))


def test_spectral_norms_and_the_sigma_max_bound():
    p, xs, h0, _ = make_problem(T=20, H=6, scale=1.5, bias=0.2)
    tr = rnnlib.forward(p, xs, h0)
    P = analysis.jacobian_products(p.W_hh, tr.mask)
    norms = analysis.spectral_norms(P)
    np.testing.assert_allclose(norms, [np.linalg.svd(m, compute_uv=False)[0] for m in P], rtol=1e-9)
    sigma = analysis.largest_singular_value(p.W_hh)
    assert np.all(norms <= sigma ** (20 - np.arange(21)) * (1 + 1e-9))


def test_spectral_norms_of_extreme_sizes_neither_overflow_nor_underflow():
    rng = np.random.default_rng(0)
    A = rng.standard_normal((4, 4))
    expected = np.linalg.svd(A, compute_uv=False)[0]
    norms = analysis.spectral_norms(np.stack([A * 1e200, A * 1e-250, A, np.zeros((4, 4))]))
    np.testing.assert_allclose(norms[:3], [expected * 1e200, expected * 1e-250, expected], rtol=1e-9)
    assert norms[3] == 0
    assert analysis.spectral_norms(np.full((1, 2, 2), np.inf))[0] == np.inf


def test_spectral_norms_with_zero_rows_and_columns_match_the_svd():
    """Matrices with different zero rows and columns (wide, tall, all zero, the same pattern
    twice) against numpy's SVD: the Gram matrices are formed on the nonzero part only."""
    rng = np.random.default_rng(1)
    P = rng.standard_normal((8, 5, 7))
    P[0, :, [1, 4, 5]] = 0                 # columns zero: 5 x 4
    P[1, [0, 2, 3], :] = 0                 # rows zero: 2 x 7, Gram on the row side
    P[2, [0, 2, 3], :] = 0                 # the same pattern as P[1]
    P[3] = 0
    P[4, 1:, :], P[4, :, 3:] = 0, 0        # 1 x 3
    expected = [np.linalg.svd(m, compute_uv=False)[0] for m in P]
    np.testing.assert_allclose(analysis.spectral_norms(P), expected, rtol=1e-12)
    with pytest.raises(ValueError, match=r"P must have shape \(S, M, N\); got \(5, 7\)"):
        analysis.spectral_norms(P[0])
