"""rnnlib.analysis: spectral radius and largest singular value, backward Jacobian products and
their σ_max bound, and ∂W_hh split by time distance, each against an independent computation
(known matrices, numpy's SVD, finite differences)."""
import numpy as np
import pytest

import rnnlib
from rnnlib import analysis, truncation
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


# --- ∂W_hh by time distance: finite differences on an RNN whose every step has its own W_hh ---

def untied_outputs(p, xs, h0, W_steps):
    """y_1 ... y_T of the RNN with W_steps[k-1] used in step k (h_{k-1} -> h_k), (T, [B,] O)."""
    h, ys = h0, []
    for k in range(xs.shape[0]):
        h = np.maximum(h @ W_steps[k].T + xs[k] @ p.W_hx.T + p.b_h, 0.0)
        ys.append(h @ p.W_yh.T)
    return np.array(ys)


def distances_by_finite_differences(p, xs, h0, dy, eps=1e-6):
    """C[d] = Σ_t ∂(dy_t · y_t)/∂W^{(t−d)}: the change of output t's (linearised) loss when only
    the copy of W_hh used d steps before it moves. Central differences, entry by entry."""
    T, H = xs.shape[0], p.n_hidden
    C = np.zeros((T, H, H))
    for k in range(1, T + 1):                           # the step whose copy of W_hh moves
        for i in range(H):
            for j in range(H):
                W_up, W_down = [np.array([p.W_hh] * T) for _ in range(2)]
                W_up[k - 1, i, j] += eps
                W_down[k - 1, i, j] -= eps
                dys = (untied_outputs(p, xs, h0, W_up) - untied_outputs(p, xs, h0, W_down)) / (2 * eps)
                for t in range(k, T + 1):               # output t sees step k at distance t − k
                    C[t - k, i, j] += np.sum(dy[t] * dys[t - 1])
    return C


@pytest.mark.parametrize("B", [None, 3])
def test_dW_hh_by_distance_matches_finite_differences_on_untied_weights(B):
    p, xs, h0, dy = make_problem(T=4, B=B, H=3, O=2, seed=1, bias=0.5)
    tr = rnnlib.forward(p, xs, h0)
    assert 0 < tr.mask[1:].mean() < 1                    # some gates closed, some open
    C = analysis.dW_hh_by_distance(p, tr, dy)
    assert C.shape == (4, 3, 3)
    expected = distances_by_finite_differences(p, xs, h0, dy)
    for d in range(4):
        np.testing.assert_allclose(C[d], expected[d], atol=1e-7, err_msg=f"distance d = {d}")
    assert all(np.abs(C[d]).max() > 1e-3 for d in range(4))   # every distance was really tested


@pytest.mark.parametrize("loss_at", ["last", "all"])
def test_dW_hh_by_distance_sums_to_the_library_gradient(loss_at):
    p, xs, h0, dy = make_problem(T=7, B=2, H=5, seed=2)
    if loss_at == "last":
        dy[1:-1] = 0.0
    tr = rnnlib.forward(p, xs, h0)
    C = analysis.dW_hh_by_distance(p, tr, dy)
    np.testing.assert_allclose(C.sum(axis=0), rnnlib.backward(p, tr, dy).dW_hh, atol=1e-12)


def test_dW_hh_at_the_nearest_distances_is_the_truncated_gradient():
    # Cutting every output's backward sum after k steps keeps exactly the distances d < k.
    p, xs, h0, dy = make_problem(T=8, H=4, seed=7)
    tr = rnnlib.forward(p, xs, h0)
    C = analysis.dW_hh_by_distance(p, tr, dy)
    for k in (1, 3, 8):
        np.testing.assert_allclose(C[:k].sum(axis=0),
                                   truncation.backward_truncated(p, tr, dy, k)["dW_hh"], atol=1e-12)


def test_dW_hh_by_distance_with_the_loss_at_the_last_step_is_one_term_per_distance():
    # With only E_T, C_d is the single term ∂ĥ_{T−d} h_{T−d−1}ᵀ of the library's backward pass.
    p, xs, h0, dy = make_problem(T=6, H=4, seed=3)
    dy[1:-1] = 0.0
    tr = rnnlib.forward(p, xs, h0)
    g = rnnlib.backward(p, tr, dy)
    C = analysis.dW_hh_by_distance(p, tr, dy)
    for d in range(6):
        np.testing.assert_allclose(C[d], np.outer(g.dh_hat[6 - d], tr.h[5 - d]), atol=1e-12)


def test_dW_hh_by_distance_names_a_bad_dy():
    p, xs, h0, dy = make_problem(T=3, H=4)
    tr = rnnlib.forward(p, xs, h0)
    with pytest.raises(ValueError, match="dy must have the shape"):
        analysis.dW_hh_by_distance(p, tr, dy[1:])
