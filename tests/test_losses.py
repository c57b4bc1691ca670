"""Losses, their output gradients, and loss_and_grads end to end."""
import numpy as np
import pytest

import rnnlib
from rnnlib import fast, train
from rnnlib.losses import Loss
from conftest import make_problem


def numeric_dy(loss_fn, y, target, eps=1e-6):
    """Central differences of loss_fn(y, target)[0] with respect to every entry of y."""
    grad = np.zeros_like(y)
    for idx in np.ndindex(y.shape):
        yp, ym = y.copy(), y.copy()
        yp[idx] += eps
        ym[idx] -= eps
        grad[idx] = (loss_fn(yp, target)[0] - loss_fn(ym, target)[0]) / (2 * eps)
    return grad


def test_squared_error_value_and_gradient():
    rng = np.random.default_rng(0)
    y, target = rng.standard_normal((4, 3, 2)), rng.standard_normal((4, 3, 2))
    E, dy = rnnlib.squared_error(y, target)
    assert E == pytest.approx(0.5 * sum((a - b) ** 2 for a, b in zip(y.ravel(), target.ravel())))
    assert rnnlib.compare("dy", dy, numeric_dy(rnnlib.squared_error, y, target)).close


def test_cross_entropy_value_gradient_and_stability():
    rng = np.random.default_rng(1)
    y, c = rng.standard_normal((4, 3, 5)), rng.integers(0, 5, (4, 3))
    E, dy = rnnlib.cross_entropy(y, c)
    direct = -sum(np.log(np.exp(y[i, j, c[i, j]]) / np.exp(y[i, j]).sum())
                  for i in range(4) for j in range(3))
    assert E == pytest.approx(direct, rel=1e-12)
    assert rnnlib.compare("dy", dy, numeric_dy(rnnlib.cross_entropy, y, c)).close
    np.testing.assert_allclose(dy.sum(axis=-1), 0, atol=1e-14)   # softmax − onehot sums to 0
    E_big, dy_big = rnnlib.cross_entropy(np.array([1000.0, 0.0, -1000.0]), np.array(2))
    assert E_big == pytest.approx(2000.0) and np.isfinite(dy_big).all()
    np.testing.assert_allclose(rnnlib.softmax(np.array([1000.0, 1000.0])), [0.5, 0.5])


CASES = [  # (B, loss, loss_at)
    (None, "squared_error", "all"), (3, "squared_error", "all"),
    (None, "squared_error", "last"), (3, "squared_error", "last"),
    (None, "cross_entropy", "all"), (3, "cross_entropy", "all"),
    (None, "cross_entropy", "last"), (3, "cross_entropy", "last"),
]


def make_targets(B, loss, loss_at, T=5, O=3, seed=2):
    rng = np.random.default_rng(seed)
    lead = ((T,) if loss_at == "all" else ()) + (() if B is None else (B,))
    if loss == "squared_error":
        return rng.standard_normal((*lead, O))
    return rng.integers(0, O, lead)


@pytest.mark.parametrize("B, loss, loss_at", CASES)
def test_loss_and_grads_matches_finite_differences(B, loss, loss_at):
    p, xs, h0, _ = make_problem(T=5, B=B, D=2, H=4, O=3, bias=0.3)
    targets = make_targets(B, loss, loss_at)
    report = rnnlib.check_loss_gradients(p, xs, targets, h0=h0, loss=loss, loss_at=loss_at)
    assert report.ok, str(report)


@pytest.mark.parametrize("loss", rnnlib.LOSSES)
def test_loss_is_summed_over_time_and_batch(loss):
    p, xs, h0, _ = make_problem(T=5, B=3, D=2, H=4, O=3)
    targets = make_targets(3, loss, "all")
    E, g = rnnlib.loss_and_grads(p, xs, targets, h0=h0, loss=loss)
    per_example = [rnnlib.loss_and_grads(p, xs[:, b], targets[:, b], h0=h0[b], loss=loss)
                   for b in range(3)]
    assert E == pytest.approx(sum(e for e, _ in per_example), rel=1e-13)
    per_step = [rnnlib.loss_and_grads(p, xs[:t + 1], targets[t], h0=h0, loss=loss,
                                      loss_at="last")[0] for t in range(5)]
    assert E == pytest.approx(sum(per_step), rel=1e-13)
    np.testing.assert_allclose(g.dW_hh, sum(gb.dW_hh for _, gb in per_example), rtol=1e-12)


def test_targets_are_aligned_with_xs():
    # targets[k] is the target of y_{k+1}: setting it to y_{k+1} makes E_{k+1} zero.
    p, xs, h0, _ = make_problem(T=4, O=2)
    tr = rnnlib.forward(p, xs, h0)
    E, dy = rnnlib.loss_from_trace(tr, tr.y[1:].copy())
    assert E == 0.0 and not dy.any()
    E, dy = rnnlib.loss_from_trace(tr, tr.y[:-1].copy())   # off by one: not zero
    assert E > 0


def test_float32_model_gives_float32_gradients():
    p, xs, h0, _ = make_problem(T=4, B=2, O=3, dtype=np.float32)
    E, g = rnnlib.loss_and_grads(p, xs, make_targets(2, "cross_entropy", "all", T=4), h0=h0,
                                 loss="cross_entropy")
    assert isinstance(E, float) and g.dW_hh.dtype == g.dx.dtype == np.float32
    E64, g64 = rnnlib.loss_and_grads(p.astype(np.float64), xs.astype(np.float64),
                                     make_targets(2, "cross_entropy", "all", T=4),
                                     h0=h0.astype(np.float64), loss="cross_entropy")
    assert E == pytest.approx(E64, rel=1e-5)
    np.testing.assert_allclose(g.dW_hh, g64.dW_hh, rtol=1e-4, atol=1e-5)


def test_a_third_loss_is_one_entry_of_the_table(monkeypatch):
    """Every function that takes ``loss=`` reads rnnlib.LOSSES: a loss added there alone (E = 3
    times squared error) works in loss_from_trace, loss_and_grads, the gradient check and the
    trainer, which records the measure the entry names."""
    def triple(y, target):
        E, dy = rnnlib.squared_error(y, target)
        return 3 * E, 3 * dy

    monkeypatch.setitem(rnnlib.LOSSES, "triple",
                        Loss(triple, "values", "mse", 2 / 3, fast.into(triple)))
    p, xs, h0, _ = make_problem(T=5, B=2, D=2, H=4, O=3, bias=0.3)
    targets = make_targets(2, "squared_error", "all")
    E, g = rnnlib.loss_and_grads(p, xs, targets, h0=h0, loss="triple")
    E_literal, dy = rnnlib.loss_from_trace(rnnlib.forward(p, xs, h0), targets, loss="triple")
    assert E == pytest.approx(E_literal, rel=1e-13)
    np.testing.assert_allclose(g.dy, dy, rtol=1e-13)
    assert rnnlib.check_loss_gradients(p, xs, targets, h0=h0, loss="triple").ok
    with pytest.raises(ValueError, match=r"loss='triple' takes targets of shape \(T, B, O\)"):
        rnnlib.loss_and_grads(p, xs, targets[0], loss="triple")

    def batch(rng):                              # (T, B, D) inputs, (T, B, O) targets
        return rng.standard_normal((5, 2, 2)), rng.standard_normal((5, 2, 3))

    _, history = train.train(p, batch, steps=1, loss="triple", loss_at="all")
    _, plain = train.train(p, batch, steps=1, loss_at="all")    # the same first batch
    assert history.loss[0] == pytest.approx(3 * plain.loss[0], rel=1e-12)
    assert history.mse[0] == pytest.approx(plain.mse[0], rel=1e-12) and not history.nats
