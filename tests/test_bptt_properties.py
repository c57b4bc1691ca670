"""Properties of the backward pass, by hypothesis, over shapes, batching, dtypes, initialisations
and seeds: the fast and the literal pass agree, finite differences agree away from kinks, a batch
is the sum of its sequences, loss_at="last" is a backward pass with ∂y only at T, and the pass is
linear in ∂y."""
import numpy as np
import pytest
from hypothesis import example, given, settings, strategies as st

import rnnlib
from conftest import make_problem, rel_err

problems = st.fixed_dictionaries({
    "T": st.integers(1, 8), "B": st.one_of(st.none(), st.integers(1, 4)),
    "D": st.integers(1, 4), "H": st.integers(1, 6), "O": st.integers(1, 3),
    "seed": st.integers(0, 2**32 - 1), "init": st.sampled_from(rnnlib.INITS),
    "scale": st.floats(0.0, 2.0), "bias": st.floats(0.0, 1.0),
    "with_h0": st.booleans(),
})
GRADS = ("dW_hh", "dW_hx", "db_h", "dW_yh", "dh0", "dx", "dh", "dh_hat")


@settings(deadline=None, max_examples=150)
@given(problems, st.sampled_from([np.float32, np.float64]))
@example(dict(T=8, B=None, D=1, H=1, O=3, seed=1, init="gaussian", scale=0.0, bias=0.0,
              with_h0=True), np.float32)          # float32 terms that cancel: see below
def test_literal_equals_fast(kw, dtype):
    p, xs, h0, dy = make_problem(**kw, dtype=dtype)
    tr = rnnlib.forward(p, xs, h0)
    fast, lit = rnnlib.backward(p, tr, dy), rnnlib.backward_literal(p, tr, dy)
    for name in GRADS:
        a, b = getattr(fast, name), getattr(lit, name)
        if dtype == np.float64:
            assert rel_err(a, b) <= 1e-12, name
        else:
            # The two passes add the same terms in different orders. When the terms cancel
            # (db_h = Σ_t ∂ĥ_t came out 0.0033 from terms of order 1), float32 rounding is
            # relative to the terms, not to the result: measure it against their size, which
            # ‖∂h‖ bounds, as well as against the result.
            scale = max(np.linalg.norm(a), np.linalg.norm(b), np.linalg.norm(lit.dh), 1e-30)
            assert np.linalg.norm(a.astype(float) - b) / scale <= 1e-5, name


@settings(deadline=None, max_examples=40)
@given(problems, st.sampled_from([np.float32, np.float64]))
def test_finite_differences_agree_away_from_kinks(kw, dtype):
    p, xs, h0, dy = make_problem(**kw, dtype=dtype)
    report = rnnlib.check_gradients(p, xs, h0=h0, dy=dy)
    assert report.ok, str(report)
    assert report["dW_yh"].n_compared == p.W_yh.size      # y = W_yh h has no kink in W_yh


@settings(deadline=None, max_examples=80)
@given(problems.filter(lambda kw: kw["B"] is not None))
def test_batched_equals_stacked_unbatched(kw):
    p, xs, h0, dy = make_problem(**{**kw, "with_h0": True})
    g = rnnlib.backward(p, rnnlib.forward(p, xs, h0), dy)
    singles = [rnnlib.backward(p, rnnlib.forward(p, xs[:, b], h0[b]), dy[:, b])
               for b in range(kw["B"])]
    for name in ("dW_hh", "dW_hx", "db_h", "dW_yh"):
        assert rel_err(getattr(g, name), sum(getattr(s, name) for s in singles)) < 1e-12
    assert rel_err(g.dx, np.stack([s.dx for s in singles], axis=1)) < 1e-12
    assert rel_err(g.dh0, np.stack([s.dh0 for s in singles])) < 1e-12


@settings(deadline=None, max_examples=80)
@given(problems)
def test_loss_at_last_is_backward_with_dy_only_at_T(kw):
    p, xs, h0, _ = make_problem(**kw)
    target = np.random.default_rng(kw["seed"]).standard_normal(xs.shape[1:-1] + (kw["O"],))
    E, g = rnnlib.loss_and_grads(p, xs, target, h0=h0, loss_at="last")
    tr = rnnlib.forward(p, xs, h0)
    dy = np.zeros_like(tr.y)
    dy[-1] = tr.y[-1] - target
    ref = rnnlib.backward_literal(p, tr, dy)
    for name in GRADS:
        assert rel_err(getattr(g, name), getattr(ref, name)) <= 1e-12, name
    assert E == pytest.approx(0.5 * np.sum((tr.y[-1] - target) ** 2), rel=1e-13)


@settings(deadline=None, max_examples=60)
@given(problems, st.floats(-3, 3), st.floats(-3, 3))
def test_backward_is_linear_in_dy(kw, a, b):
    p, xs, h0, dy1 = make_problem(**kw)
    dy2 = np.roll(dy1, 1, axis=-1) - 0.5 * dy1
    dy2[0] = 0
    tr = rnnlib.forward(p, xs, h0)
    g1, g2 = rnnlib.backward(p, tr, dy1), rnnlib.backward(p, tr, dy2)
    g = rnnlib.backward(p, tr, a * dy1 + b * dy2)
    for name in GRADS:
        expect = a * getattr(g1, name) + b * getattr(g2, name)
        assert np.allclose(getattr(g, name), expect, rtol=1e-10, atol=1e-10 * (1 + np.abs(expect).max()))
