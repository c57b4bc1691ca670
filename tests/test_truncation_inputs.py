"""truncation.backward_truncated's input gradient "dx": what a cut after k steps destroys."""
import numpy as np

import rnnlib
from rnnlib import truncation
from conftest import make_problem


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
