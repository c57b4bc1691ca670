"""The speed layer, rnnlib.fast, through the functions it serves: the same numbers as the literal
passes (float32 and float64, one sequence and a batch), results that no later call overwrites,
and threads that do not share arrays."""
import threading

import numpy as np
import pytest

import rnnlib
from rnnlib import fast
from rnnlib.train import batch_gradients
from conftest import make_problem, rel_err

SHAPES = [  # (T, B, D, H, O)
    (1, None, 1, 1, 1), (1, 3, 2, 3, 2), (6, None, 3, 4, 2), (5, 4, 2, 5, 3), (12, 2, 1, 6, 1),
]
GRAD_NAMES = ("dW_hh", "dW_hx", "db_h", "dW_yh", "dh0", "dx", "dh", "dh_hat", "dy")
PARAM_GRADS = ("dW_hh", "dW_hx", "db_h", "dW_yh", "dh0")


def some_targets(loss, loss_at, T, B, O, seed=5):
    """Targets in the layout of rnnlib.losses: floats (…, O) or integer class ids (…)."""
    lead = ((T,) if loss_at == "all" else ()) + (() if B is None else (B,))
    rng = np.random.default_rng(seed)
    return rng.standard_normal(lead + (O,)) if loss == "squared_error" else \
        rng.integers(0, O, lead)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("B", [None, 2])
def test_forward_equals_the_literal_equations(dtype, B):
    p, xs, h0, _ = make_problem(T=9, B=B, D=3, H=5, O=2, dtype=dtype)
    fast_trace, lit = rnnlib.forward(p, xs, h0), rnnlib.forward_literal(p, xs, h0)
    tol = 1e-12 if dtype == np.float64 else 1e-5
    for name in ("h_hat", "h", "y"):
        assert getattr(fast_trace, name).dtype == dtype
        assert rel_err(getattr(fast_trace, name), getattr(lit, name)) < tol, name
    # masks agree except where ĥ is within rounding of 0
    near_zero = np.abs(lit.h_hat) < 1e-6
    assert np.array_equal(fast_trace.mask[~near_zero], lit.mask[~near_zero])


@pytest.mark.parametrize("dtype, tol", [(np.float64, 1e-12), (np.float32, 1e-5)])
@pytest.mark.parametrize("T, B, D, H, O", SHAPES)
def test_backward_equals_the_literal_pass(dtype, tol, T, B, D, H, O):
    p, xs, h0, dy = make_problem(T, B, D, H, O, seed=1, dtype=dtype)
    tr = rnnlib.forward(p, xs, h0)
    got, lit = rnnlib.backward(p, tr, dy), rnnlib.backward_literal(p, tr, dy)
    for name in GRAD_NAMES[:-1]:                     # all but dy, which is the input
        a, b = getattr(got, name), getattr(lit, name)
        assert a.shape == b.shape and a.dtype == b.dtype == dtype, name
        assert rel_err(a, b) <= tol, name


@pytest.mark.parametrize("dtype, tol", [(np.float64, 1e-12), (np.float32, 1e-5)])
@pytest.mark.parametrize("loss", ["squared_error", "cross_entropy"])
@pytest.mark.parametrize("loss_at", ["all", "last"])
@pytest.mark.parametrize("B", [None, 3])
def test_loss_and_grads_equals_the_literal_passes(loss, loss_at, B, dtype, tol):
    # The public fast path (with its output-path shortcut for loss_at="last") against
    # forward_literal + backward_literal, which share no code with it.
    p, xs, h0, _ = make_problem(T=7, B=B, D=3, H=5, O=2, seed=4, dtype=dtype)
    targets = some_targets(loss, loss_at, 7, B, 2)
    if loss == "squared_error":
        targets = targets.astype(dtype)
    E, g = rnnlib.loss_and_grads(p, xs, targets, h0=h0, loss=loss, loss_at=loss_at)
    trace = rnnlib.forward_literal(p, xs, h0)
    E_lit, dy = rnnlib.loss_from_trace(trace, targets, loss=loss, loss_at=loss_at)
    lit = rnnlib.backward_literal(p, trace, dy)
    assert E == pytest.approx(E_lit, rel=tol)
    for name in GRAD_NAMES:
        assert getattr(g, name).dtype == dtype, name
        assert rel_err(getattr(g, name), getattr(lit, name)) <= tol, name


@pytest.mark.parametrize("loss", ["squared_error", "cross_entropy"])
@pytest.mark.parametrize("loss_at", ["all", "last"])
@pytest.mark.parametrize("B", [None, 3])
def test_the_pass_without_histories_gives_the_same_parameter_gradients(loss, loss_at, B):
    # What the trainer and the benchmark run: bit for bit the parameter gradients and ∂h_0 of
    # the pass with histories, and the last state h_T of the forward pass.
    p, xs, h0, _ = make_problem(T=6, B=B, D=3, H=5, O=2, seed=6)
    targets = some_targets(loss, loss_at, 6, B, 2)
    arrays = (p.W_hh, p.W_hx, p.b_h, p.W_yh, xs, h0, targets)
    passed = dict(loss_into=rnnlib.LOSSES[loss].into, relu_grad=rnnlib.relu_grad, loss_at=loss_at)
    E, lean, h_T = fast.loss_and_grads(*arrays, **passed, histories=False)
    E_full, full, _ = fast.loss_and_grads(*arrays, **passed)
    assert E == E_full and sorted(lean) == sorted(PARAM_GRADS)
    for name in PARAM_GRADS:
        np.testing.assert_array_equal(lean[name], full[name], err_msg=name)
    _, g = rnnlib.loss_and_grads(p, xs, targets, h0=h0, loss=loss, loss_at=loss_at)
    for name in GRAD_NAMES:
        np.testing.assert_array_equal(full[name], getattr(g, name), err_msg=name)
    np.testing.assert_array_equal(h_T, rnnlib.forward(p, xs, h0).h[-1])


def results_of_every_kind(p, xs, h0, targets, dy):
    """A copy-free list of (label, array) of everything forward, backward, loss_and_grads and
    batch_gradients return for one problem."""
    trace = rnnlib.forward(p, xs, h0)
    out = [(f"trace.{n}", getattr(trace, n)) for n in ("h_hat", "mask", "h", "y")]
    out += [(f"backward {n}", getattr(rnnlib.backward(p, trace, dy), n)) for n in GRAD_NAMES]
    g = rnnlib.loss_and_grads(p, xs, targets, h0=h0)[1]
    out += [(f"loss_and_grads {n}", getattr(g, n)) for n in GRAD_NAMES]
    if xs.ndim == 3:
        weights = {n: np.array(getattr(p, n)) for n in p.names}
        _, grads, _, h_T = batch_gradients(weights, xs, targets, "all", h0=h0)
        out += [(f"batch_gradients {n}", a) for n, a in grads.items()] + [("h_T", h_T)]
    return out


@pytest.mark.parametrize("B, H", [(2, 4), (None, 6), (4, 40)])   # small rows and large ones
def test_a_returned_array_is_never_overwritten_by_a_later_call_of_any_size(B, H):
    p, xs, h0, dy = make_problem(T=6, B=B, H=H, seed=7)
    targets = np.random.default_rng(8).standard_normal(dy[1:].shape)
    first = results_of_every_kind(p, xs, h0, targets, dy)
    kept = [(label, a.copy()) for label, a in first]
    for T, B_other, dtype in [(6, B, np.float64), (6, B, np.float64), (9, B, np.float64),
                              (6, 3, np.float64), (6, None, np.float64), (6, B, np.float32)]:
        q, xs2, h02, dy2 = make_problem(T=T, B=B_other, H=H, seed=T, dtype=dtype)
        results_of_every_kind(q, xs2, h02, np.random.default_rng(T).standard_normal(
            dy2[1:].shape).astype(dtype), dy2)
    for (label, a), (_, before) in zip(first, kept):
        np.testing.assert_array_equal(a, before, err_msg=label)


def test_two_threads_at_once_get_the_literal_numbers():
    # numpy releases the GIL inside its products: two threads running the same size at once
    # must each get the literal pass's numbers, never arrays the other is writing.
    p, xs, h0, _ = make_problem(T=40, B=8, D=3, H=16, O=2, seed=9)
    rng = np.random.default_rng(10)
    jobs = [(s * xs, rng.standard_normal((40, 8, 2))) for s in (1.0, -0.5)]
    expected = []
    for x, t in jobs:
        trace = rnnlib.forward_literal(p, x, h0)
        expected.append(rnnlib.backward_literal(p, trace, rnnlib.loss_from_trace(trace, t)[1]))
    failures = []

    def work(x, t, want):
        for _ in range(200):
            got = rnnlib.loss_and_grads(p, x, t, h0=h0)[1]
            if rel_err(got.dW_hh, want.dW_hh) > 1e-12 or rel_err(got.dh, want.dh) > 1e-12:
                failures.append(rel_err(got.dW_hh, want.dW_hh))
                return

    threads = [threading.Thread(target=work, args=(*job, want))
               for job, want in zip(jobs, expected)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert not failures, f"a thread got another thread's numbers: relative error {failures}"
