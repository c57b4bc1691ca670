"""rnnlib.truncation: truncated BPTT against runs started from a constant state (the weight
gradients and the input gradient dx), chunks that carry the state and stop the gradient, and
random chunk lengths."""
import numpy as np
import pytest

import rnnlib
from rnnlib import truncation
from conftest import make_problem, rel_err

NAMES = rnnlib.Params.names                    # W_hh, W_hx, b_h, W_yh


def test_truncated_backward_equals_runs_started_from_a_constant_state():
    p, xs, h0, dy = make_problem(T=8, B=2, D=3, H=4, O=2, bias=0.3)
    tr = rnnlib.forward(p, xs, h0)
    for k in (1, 3):
        got = truncation.backward_truncated(p, tr, dy, k)
        expect = {n: np.zeros_like(getattr(p, n)) for n in NAMES}
        for t in range(1, 9):                  # E_t's gradient, h_{t-k} held constant
            start = max(0, t - k)
            sub = rnnlib.forward(p, xs[start:t], tr.h[start])
            sub_dy = np.zeros_like(sub.y)
            sub_dy[-1] = dy[t]
            g = rnnlib.backward(p, sub, sub_dy)
            for n in NAMES:
                expect[n] += getattr(g, "d" + n)
        for n in NAMES:
            assert rel_err(got["d" + n], expect[n]) < 1e-12, (k, n)
    full = rnnlib.backward(p, tr, dy)
    untruncated = truncation.backward_truncated(p, tr, dy, 8)
    for n in NAMES:
        assert rel_err(untruncated["d" + n], getattr(full, "d" + n)) < 1e-12


def test_input_gradient_equals_runs_started_from_a_constant_state():
    # Independent computation: E_t's gradient with h_{t-k} held constant is the full backward
    # pass of a run started at step t-k from that state; its dx covers inputs t-k ... t-1.
    p, xs, h0, dy = make_problem(T=8, B=2, D=3, H=4, O=2, bias=0.3)
    tr = rnnlib.forward(p, xs, h0)
    for k in (1, 3, 8):
        expect = np.zeros_like(xs)
        for t in range(1, 9):
            start = max(0, t - k)
            sub = rnnlib.forward(p, xs[start:t], tr.h[start])
            sub_dy = np.zeros_like(sub.y)
            sub_dy[-1] = dy[t]
            expect[start:t] += rnnlib.backward(p, sub, sub_dy).dx
        got = truncation.backward_truncated(p, tr, dy, k)["dx"]
        np.testing.assert_allclose(got, expect, atol=1e-12, err_msg=f"k = {k}")
    np.testing.assert_allclose(got, rnnlib.backward(p, tr, dy).dx, atol=1e-12)


def test_inputs_beyond_k_steps_of_the_last_output_get_exactly_zero():
    p, xs, h0, dy = make_problem(T=10, D=3, H=4, O=2, bias=0.3)
    dy[1:-1] = 0.0                                      # loss at the last step only
    tr = rnnlib.forward(p, xs, h0)
    full = rnnlib.backward(p, tr, dy).dx
    for k in (1, 4):
        cut = truncation.backward_truncated(p, tr, dy, k)["dx"]
        assert not cut[:10 - k].any()                   # x_0 … x_{T-k-1}: cut away, exactly 0
        np.testing.assert_allclose(cut[10 - k:], full[10 - k:], atol=1e-12)
        assert np.abs(full[:10 - k]).max() > 1e-6       # ... where the full gradient is not 0


def test_chunks_carry_the_state_and_stop_the_gradient():
    p, xs, h0, _ = make_problem(T=9, B=2, D=3, H=4, O=2, bias=0.3)
    targets = np.random.default_rng(5).standard_normal((9, 2, 2))
    results, h_end = truncation.chunked_gradients(p, xs, targets, 4, h0)
    assert len(results) == 3                                # 4 + 4 + 1
    np.testing.assert_allclose(h_end, rnnlib.forward(p, xs, h0).h[-1], rtol=1e-12)
    whole, _ = truncation.chunked_gradients(p, xs, targets, [9], h0)
    E, g = rnnlib.loss_and_grads(p, xs, targets, h0=h0)
    assert whole[0][0] == pytest.approx(E) and rel_err(whole[0][1].dW_hh, g.dW_hh) < 1e-12
    assert sum(e for e, _ in results) == pytest.approx(E)  # the losses add up; the gradients not
    assert rel_err(sum(gr.dW_hh for _, gr in results), g.dW_hh) > 1e-3
    with pytest.raises(ValueError, match="lengths must be positive and sum to T = 9"):
        truncation.chunked_gradients(p, xs, targets, [4, 4], h0)


def test_random_chunk_lengths():
    a = truncation.random_chunk_lengths(100, 10, np.random.default_rng(0))
    b = truncation.random_chunk_lengths(100, 10, np.random.default_rng(0))
    assert a == b and sum(a) == 100 and min(a) >= 1 and max(a) <= 19
    assert a != truncation.random_chunk_lengths(100, 10, np.random.default_rng(1))
