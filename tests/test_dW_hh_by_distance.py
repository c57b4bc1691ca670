"""analysis.dW_hh_by_distance: ∂W_hh split by time distance, against an independent
computation (finite differences on an RNN whose every step has its own copy of W_hh)."""
import numpy as np
import pytest

import rnnlib
from rnnlib import analysis, truncation
from conftest import make_problem


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
def test_distances_match_finite_differences_on_untied_weights(B):
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
def test_distances_sum_to_the_library_gradient(loss_at):
    p, xs, h0, dy = make_problem(T=7, B=2, H=5, seed=2)
    if loss_at == "last":
        dy[1:-1] = 0.0
    tr = rnnlib.forward(p, xs, h0)
    C = analysis.dW_hh_by_distance(p, tr, dy)
    np.testing.assert_allclose(C.sum(axis=0), rnnlib.backward(p, tr, dy).dW_hh, atol=1e-12)


def test_nearest_distances_are_the_truncated_gradient():
    # Cutting every output's backward sum after k steps keeps exactly the distances d < k.
    p, xs, h0, dy = make_problem(T=8, H=4, seed=7)
    tr = rnnlib.forward(p, xs, h0)
    C = analysis.dW_hh_by_distance(p, tr, dy)
    for k in (1, 3, 8):
        np.testing.assert_allclose(C[:k].sum(axis=0),
                                   truncation.backward_truncated(p, tr, dy, k)["dW_hh"], atol=1e-12)


def test_loss_at_last_step_gives_one_step_term_per_distance():
    # With only E_T, C_d is the single term ∂ĥ_{T−d} h_{T−d−1}ᵀ of the library's backward pass.
    p, xs, h0, dy = make_problem(T=6, H=4, seed=3)
    dy[1:-1] = 0.0
    tr = rnnlib.forward(p, xs, h0)
    g = rnnlib.backward(p, tr, dy)
    C = analysis.dW_hh_by_distance(p, tr, dy)
    for d in range(6):
        np.testing.assert_allclose(C[d], np.outer(g.dh_hat[6 - d], tr.h[5 - d]), atol=1e-12)


def test_bad_dy_is_named():
    p, xs, h0, dy = make_problem(T=3, H=4)
    tr = rnnlib.forward(p, xs, h0)
    with pytest.raises(ValueError, match="dy must have the shape"):
        analysis.dW_hh_by_distance(p, tr, dy[1:])
