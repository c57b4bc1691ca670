"""BPTT: each gradient equation, the literal and the fast backward pass, against finite
differences and against each other."""
import numpy as np
import pytest

import rnnlib
from rnnlib import optim
from rnnlib.train import batch_gradients
from conftest import make_problem, rel_err

SHAPES = [  # (T, B, D, H, O)
    (1, None, 1, 1, 1), (1, 3, 2, 3, 2), (6, None, 3, 4, 2), (5, 4, 2, 5, 3), (12, 2, 1, 6, 1),
]
GRAD_NAMES = ("dW_hh", "dW_hx", "db_h", "dW_yh", "dh0", "dx", "dh", "dh_hat", "dy")


@pytest.mark.parametrize("backward", [rnnlib.backward, rnnlib.backward_literal],
                         ids=["fast", "literal"])
@pytest.mark.parametrize("T, B, D, H, O", SHAPES)
def test_backward_matches_finite_differences(backward, T, B, D, H, O):
    p, xs, h0, dy = make_problem(T, B, D, H, O, seed=T + H)
    report = rnnlib.gradcheck(p, xs, h0=h0, dy=dy, backward=backward)
    assert report.ok, str(report)
    assert all(row.n_compared > 0 for row in report.rows)


@pytest.mark.parametrize("dtype, tol", [(np.float64, 1e-12), (np.float32, 1e-5)])
@pytest.mark.parametrize("T, B, D, H, O", SHAPES)
def test_literal_and_fast_agree(dtype, tol, T, B, D, H, O):
    p, xs, h0, dy = make_problem(T, B, D, H, O, seed=1, dtype=dtype)
    tr = rnnlib.forward(p, xs, h0)
    fast, lit = rnnlib.backward(p, tr, dy), rnnlib.backward_literal(p, tr, dy)
    for name in GRAD_NAMES[:-1]:                     # all but dy, which is the input
        a, b = getattr(fast, name), getattr(lit, name)
        assert a.shape == b.shape and a.dtype == b.dtype == dtype, name
        assert rel_err(a, b) <= tol, name


@pytest.mark.parametrize("loss", ["squared_error", "cross_entropy"])
@pytest.mark.parametrize("loss_at", ["all", "last"])
@pytest.mark.parametrize("B", [None, 3])
def test_loss_and_grads_equals_the_literal_passes(loss, loss_at, B):
    # The public fast path (with its output-path shortcut for loss_at="last") against
    # forward_literal + backward_literal, which share no code with it, to 1e-12 in float64.
    p, xs, h0, _ = make_problem(T=7, B=B, D=3, H=5, O=2, seed=4)
    lead = ((7,) if loss_at == "all" else ()) + (() if B is None else (B,))
    rng = np.random.default_rng(5)
    targets = rng.standard_normal(lead + (2,)) if loss == "squared_error" else \
        rng.integers(0, 2, lead)
    E, g = rnnlib.loss_and_grads(p, xs, targets, h0=h0, loss=loss, loss_at=loss_at)
    trace = rnnlib.forward_literal(p, xs, h0)
    E_lit, dy = rnnlib.loss_from_trace(trace, targets, loss=loss, loss_at=loss_at)
    lit = rnnlib.backward_literal(p, trace, dy)
    assert E == pytest.approx(E_lit, rel=1e-12)
    for name in GRAD_NAMES:
        assert rel_err(getattr(g, name), getattr(lit, name)) <= 1e-12, name
    _, lean = rnnlib.loss_and_grads(p, xs, targets, h0=h0, loss=loss, loss_at=loss_at,
                                    histories=False)
    for name in ("dW_hh", "dW_hx", "db_h", "dW_yh", "dh0"):
        np.testing.assert_array_equal(getattr(lean, name), getattr(g, name), err_msg=name)
    assert lean.dx is lean.dh is lean.dh_hat is lean.dy is None


def test_backward_without_histories_and_fresh_arrays_per_call():
    p, xs, h0, dy = make_problem(T=6, B=2, seed=3)
    tr = rnnlib.forward(p, xs, h0)
    full, lean = rnnlib.backward(p, tr, dy), rnnlib.backward(p, tr, dy, histories=False)
    np.testing.assert_array_equal(lean.dW_hh, full.dW_hh)
    assert lean.dh is None and lean.dx is None
    again = rnnlib.backward(p, tr, 2 * dy)                 # must not overwrite `full`
    assert not np.shares_memory(again.dh, full.dh) and not np.shares_memory(again.dh_hat, full.dh_hat)
    np.testing.assert_allclose(again.dh, 2 * full.dh, rtol=1e-14)


def test_gradient_shapes_follow_the_table():
    T, B, D, H, O = 5, 3, 2, 4, 6
    p, xs, h0, dy = make_problem(T, B, D, H, O)
    g = rnnlib.backward(p, rnnlib.forward(p, xs, h0), dy)
    assert g.dW_hh.shape == (H, H) and g.dW_hx.shape == (H, D)
    assert g.db_h.shape == (H,) and g.dW_yh.shape == (O, H)
    assert g.dh0.shape == (B, H) and g.dx.shape == (T, B, D)
    assert g.dh.shape == g.dh_hat.shape == (T + 1, B, H) and g.dy.shape == (T + 1, B, O)
    assert not g.dh_hat[0].any()
    np.testing.assert_array_equal(g.dh[0], g.dh0)


def test_last_input_reaches_the_loss():
    # y_t for t = 1..T: x_{T-1} feeds h_T, which has the output y_T.
    p, xs, h0, dy = make_problem(T=4, H=6, bias=1.0)
    g = rnnlib.backward(p, rnnlib.forward(p, xs, h0), dy)
    assert np.abs(g.dx[-1]).max() > 1e-3


def test_batched_equals_sum_of_unbatched():
    p, xs, h0, dy = make_problem(T=6, B=3)
    g = rnnlib.backward(p, rnnlib.forward(p, xs, h0), dy)
    singles = [rnnlib.backward(p, rnnlib.forward(p, xs[:, b], h0[b]), dy[:, b]) for b in range(3)]
    for name in ("dW_hh", "dW_hx", "db_h", "dW_yh"):
        assert rel_err(getattr(g, name), sum(getattr(s, name) for s in singles)) < 1e-13, name
    for name in ("dh0", "dx", "dh", "dh_hat"):
        axis = 0 if name == "dh0" else 1
        stacked = np.stack([getattr(s, name) for s in singles], axis=axis)
        assert rel_err(getattr(g, name), stacked) < 1e-13, name


def kinked_problem():
    """h_0 = 0, b_h = 0, x_0 = 0 make every ĥ_1 exactly 0: ReLU'(0) = 0 closes every gate.
    Returns (params, xs (4, 2, D), dy)."""
    p, xs, _, dy = make_problem(T=4, B=2, H=3, bias=0.0)
    xs[0] = 0.0
    return p, xs, dy


@pytest.mark.parametrize("forward, backward",
                         [(rnnlib.forward, rnnlib.backward),
                          (rnnlib.forward_literal, rnnlib.backward_literal)],
                         ids=["fast", "literal"])
def test_relu_prime_zero_at_exact_zero_pre_activation(forward, backward):
    p, xs, dy = kinked_problem()
    tr = forward(p, xs)
    assert not tr.h_hat[1].any() and not tr.mask[1].any()
    g = backward(p, tr, dy)
    assert np.abs(g.dh[1]).min() > 0                     # gradient arrives at h_1 ...
    assert not g.dh_hat[1].any() and not g.dh0.any()     # ... and stops at the closed gate


@pytest.mark.parametrize("loss", ["squared_error", "cross_entropy"])
@pytest.mark.parametrize("loss_at", ["all", "last"])
def test_loss_and_grads_and_the_trainer_close_the_gate_at_exact_zero(loss, loss_at):
    """loss_and_grads and the trainer compute their own gate, in loss_and_grads_into: on the
    kinked trace they must give what the literal passes give, so ∂b_h gets nothing from the
    units at exactly 0 at step 1, and ∂h_0 is 0."""
    p, xs, _ = kinked_problem()
    T, B, O = xs.shape[0], xs.shape[1], p.n_output
    rng = np.random.default_rng(5)
    lead = (T, B) if loss_at == "all" else (B,)
    targets = rng.standard_normal((*lead, O)) if loss == "squared_error" \
        else rng.integers(0, O, lead)
    trace = rnnlib.forward_literal(p, xs)
    assert not trace.h_hat[1].any()
    E_literal, dy = rnnlib.loss_from_trace(trace, targets, loss=loss, loss_at=loss_at)
    literal = rnnlib.backward_literal(p, trace, dy)
    assert np.abs(literal.dh[1]).min() > 0 and not literal.dh0.any()   # the gate matters

    E, g = rnnlib.loss_and_grads(p, xs, targets, loss=loss, loss_at=loss_at)
    assert E == pytest.approx(E_literal, rel=1e-13)
    assert not g.dh_hat[1].any() and not g.dh0.any()
    for name in GRAD_NAMES:
        assert rel_err(getattr(g, name), getattr(literal, name)) < 1e-13, name

    if loss == "squared_error":                    # the trainer: the batch mean, squared error
        weights = {n: np.array(getattr(p, n)) for n in optim.NAMES}
        mean_E, grads, _, _ = batch_gradients(weights, xs, targets, loss_at)
        assert mean_E == pytest.approx(E_literal / B, rel=1e-13)
        for name in optim.NAMES:
            assert rel_err(grads[name], getattr(literal, "d" + name) / B) < 1e-13, name


def test_closed_gate_stops_the_gradient():
    p, xs, h0, dy = make_problem(T=8, B=2, H=6)
    tr = rnnlib.forward(p, xs, h0)
    g = rnnlib.backward(p, tr, dy)
    closed = tr.h_hat[1:] <= 0                     # from ĥ itself, not from the stored mask
    assert closed.any() and (~closed).any()        # both kinds of gate occur
    assert not g.dh_hat[1:][closed].any()
    np.testing.assert_array_equal(g.dh_hat[1:][~closed], g.dh[1:][~closed])


# --- each equation on its own ---------------------------------------------------------------

def test_hidden_grad_two_paths():
    rng = np.random.default_rng(0)
    W_yh, W_hh = rng.standard_normal((2, 4)), rng.standard_normal((4, 4))
    dy_t, dh_hat_next = rng.standard_normal(2), rng.standard_normal(4)
    zeros_O, zeros_H = np.zeros(2), np.zeros(4)
    # isolate each path: the other input zero
    np.testing.assert_allclose(rnnlib.hidden_grad(W_yh, W_hh, dy_t, zeros_H),
                               [sum(W_yh[o, i] * dy_t[o] for o in range(2)) for i in range(4)])
    np.testing.assert_allclose(rnnlib.hidden_grad(W_yh, W_hh, zeros_O, dh_hat_next),
                               [sum(W_hh[j, i] * dh_hat_next[j] for j in range(4))
                                for i in range(4)])
    batched = rnnlib.hidden_grad(W_yh, W_hh, np.stack([dy_t, dy_t]),
                                 np.stack([dh_hat_next, zeros_H]))
    np.testing.assert_allclose(batched[0], rnnlib.hidden_grad(W_yh, W_hh, dy_t, dh_hat_next))
    np.testing.assert_allclose(batched[1], rnnlib.hidden_grad(W_yh, W_hh, dy_t, zeros_H))


def test_relu_gate_uses_relu_prime_zero_at_zero():
    h_hat = np.array([-2.0, 0.0, 3.0])
    np.testing.assert_array_equal(rnnlib.relu_gate(h_hat, np.array([5.0, 6.0, 7.0])),
                                  [0.0, 0.0, 7.0])


def test_parameter_terms_are_outer_products_summed_over_the_batch():
    rng = np.random.default_rng(1)
    u, v, w = rng.standard_normal((3, 4)), rng.standard_normal((3, 5)), rng.standard_normal((3, 2))
    expect_uv = sum(np.outer(u[b], v[b]) for b in range(3))
    np.testing.assert_allclose(rnnlib.dW_hh_term(u, v), expect_uv)
    np.testing.assert_allclose(rnnlib.dW_hx_term(u, v), expect_uv)
    np.testing.assert_allclose(rnnlib.dW_yh_term(w, u), sum(np.outer(w[b], u[b]) for b in range(3)))
    np.testing.assert_allclose(rnnlib.dW_hh_term(u[0], v[0]), np.outer(u[0], v[0]))
    np.testing.assert_allclose(rnnlib.db_h_term(u), u[0] + u[1] + u[2])
    np.testing.assert_array_equal(rnnlib.db_h_term(u[1]), u[1])
    W_hx = rng.standard_normal((4, 2))
    np.testing.assert_allclose(rnnlib.input_grad(W_hx, u), u @ W_hx)
    np.testing.assert_allclose(rnnlib.input_grad(W_hx, u[0]), W_hx.T @ u[0])


def test_notes_erratum_is_wrong_and_correction_right():
    # The notes: ∂W_hh += ReLU'(ĥ_{t+1}) h_tᵀ (no ∂h_{t+1}). Finite differences disagree;
    # ∂W_hh += ∂ĥ_{t+1} h_tᵀ (= (ReLU'(ĥ_{t+1}) ⊙ ∂h_{t+1}) h_tᵀ) agrees.
    p, xs, h0, dy = make_problem(T=5, H=4, bias=0.5)
    tr = rnnlib.forward(p, xs, h0)
    g = rnnlib.backward(p, tr, dy)
    erratum = sum(np.outer(rnnlib.relu_grad(tr.h_hat[t + 1]), tr.h[t]) for t in range(5))
    corrected = sum(rnnlib.dW_hh_term(g.dh_hat[t + 1], tr.h[t]) for t in range(5))
    numeric, kinks = rnnlib.numerical_gradients(lambda trc: float(np.sum(dy * trc.y)),
                                                p, xs, h0)["W_hh"]
    assert rnnlib.compare("dW_hh", corrected, numeric, skip=kinks).close
    assert rnnlib.compare("dW_hh", erratum, numeric, skip=kinks).rel_error > 0.1



@pytest.mark.parametrize("B, H", [(2, 4), (4, 40)])      # rows of 64 B (copied), 1280 B (not)
def test_results_never_alias_the_reused_workspace(B, H):
    # loss_and_grads and backward reuse the calling thread's last Workspace: a second call of
    # the same size must leave every array of the first result as it was.
    p, xs, h0, dy = make_problem(T=6, B=B, H=H, seed=7)
    targets = np.random.default_rng(8).standard_normal((6, B, p.n_output))
    _, first = rnnlib.loss_and_grads(p, xs, targets, h0=h0)
    kept = {name: getattr(first, name).copy() for name in GRAD_NAMES}
    rnnlib.loss_and_grads(p, -xs, -targets, h0=h0)
    rnnlib.backward(p, rnnlib.forward(p, 2 * xs, h0), dy)
    for name in GRAD_NAMES:
        np.testing.assert_array_equal(getattr(first, name), kept[name], err_msg=name)


def test_threads_get_their_own_workspace():
    # Each thread keeps its own Workspace: two threads running the same size at once must both
    # get the literal pass's numbers (numpy releases the GIL inside its products).
    import threading
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

    threads = [threading.Thread(target=work, args=(*job, want)) for job, want in zip(jobs, expected)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert not failures, f"a thread got another thread's numbers: relative error {failures}"


def test_a_problem_too_big_to_keep_gets_a_new_workspace_each_call(monkeypatch):
    # Workspace.recent keeps the thread's last workspace only up to KEEP_BYTES, so that one big
    # run does not leave gigabytes behind; below that, the same workspace comes back.
    from rnnlib.model import Workspace
    small = Workspace.recent(4, (2,), 3, 5, 2, np.float64)
    assert Workspace.recent(4, (2,), 3, 5, 2, np.float64) is small
    monkeypatch.setattr(Workspace, "KEEP_BYTES", 5 * 2 * (5 * 5 + 2) * 8 - 1)   # one byte short
    assert Workspace.recent(4, (2,), 3, 5, 2, np.float64) is small            # kept: no check
    big = Workspace.recent(4, (2,), 3, 6, 2, np.float64)                       # another size
    assert Workspace.recent(4, (2,), 3, 6, 2, np.float64) is not big
    assert Workspace.recent(4, (2,), 3, 5, 2, np.float64) is small             # still kept
