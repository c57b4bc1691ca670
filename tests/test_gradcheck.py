"""rnnlib.gradcheck, the checking tools themselves: compare() and the one rule of a report's
status, finite differences that find ReLU kinks and leave them out, check_gradients and
check_loss_gradients (float32 models checked in float64), and which planted bugs a random
upstream gradient catches and a weak one misses."""
import numpy as np
import pytest

import rnnlib
from conftest import make_problem
from rnnlib.gradcheck import fd_floor


def test_compare_reports_exact_close_and_errors():
    a = np.array([1.0, 2.0, 3.0])
    row = rnnlib.compare("dW", a, a.copy())
    assert row.exact and row.close and row.max_abs_diff == 0 and row.rel_error == 0
    row = rnnlib.compare("dW", a, a + 1e-9)
    assert not row.exact and row.close and row.max_abs_diff == pytest.approx(1e-9)
    row = rnnlib.compare("dW", a, a * 1.01)
    assert not row.close and row.rel_error == pytest.approx(0.01 / 1.01, rel=1e-12)  # ÷ max norm
    # the verdict leads the line; bit-for-bit equality is a field, not printed
    assert str(row).startswith("dW      | close: False | max abs diff: 3.00e-02 | rel error: ")
    assert "exact" not in str(row)


def test_compare_never_passes_nan_and_floors_zero_over_zero():
    assert not rnnlib.compare("d", np.array([np.nan, 1.0]), np.array([0.0, 1.0])).close
    assert not rnnlib.compare("d", np.array([np.nan]), np.array([np.nan])).close
    zeros = rnnlib.compare("d", np.zeros(3), np.zeros(3))
    assert zeros.close and zeros.rel_error == 0.0
    tiny = rnnlib.compare("d", np.zeros(3), np.full(3, 1e-3))
    assert not tiny.close and tiny.rel_error == pytest.approx(1.0)


def test_compare_checks_shapes_before_values():
    row = rnnlib.compare("dW_hx", np.zeros((3, 4)), np.zeros((4, 3)))
    assert not row.shapes_match and not row.close
    assert "shape mismatch: ours (3, 4) vs reference (4, 3)" in str(row)


def test_compare_skip_and_all_skipped():
    a, b = np.array([1.0, 5.0]), np.array([1.0, 2.5])
    row = rnnlib.compare("d", a, b, skip=np.array([False, True]))
    assert row.close and row.n_kinks == 1 and row.n_compared == 1
    none_left = rnnlib.compare("d", a, b, skip=np.array([True, True]))
    assert none_left.n_compared == 0 and "nothing compared: every entry is a kink" in str(none_left)
    report = rnnlib.GradCheckReport((row, none_left))
    # a gradient with nothing compared is not verified: inconclusive, never a pass
    assert report.unverified == ["d"] and report.status == "inconclusive" and not report.ok
    assert str(report).endswith("INCONCLUSIVE: nothing verified for d (every entry at a ReLU "
                                "kink); the gradients compared are close")
    assert rnnlib.GradCheckReport((row,)).status == "pass"
    assert rnnlib.GradCheckReport((row,)).ok


def test_a_mismatch_is_a_failure_even_beside_an_unverified_gradient():
    a, b = np.array([1.0, 5.0]), np.array([1.0, 2.5])
    wrong = rnnlib.compare("dW", a, b)
    none_left = rnnlib.compare("db", a, b, skip=np.array([True, True]))
    report = rnnlib.GradCheckReport((wrong, none_left))
    assert report.status == "fail" and not report.ok and report.mismatched == ["dW"]
    assert str(report).endswith("MISMATCH in dW; not verified (every entry a kink): db")


def test_an_empty_gradient_is_not_unverified():
    # nothing to compare because there is nothing there (no kink): not inconclusive
    empty = rnnlib.compare("dx", np.zeros((0, 3)), np.zeros((0, 3)))
    assert rnnlib.GradCheckReport((empty,)).status == "pass"


def comparison(name, *, shapes_match=True, close=True, n_compared=4, n_kinks=0):
    return rnnlib.Comparison(name, shapes_match, False, close, 0.0, 0.0, n_compared, n_kinks)


@pytest.mark.parametrize("rows, status", [
    ((comparison("dW_hh"),), "pass"),
    ((comparison("dW_hh"), comparison("dW_yh", close=False)), "fail"),
    ((comparison("dx", shapes_match=False, close=False, n_compared=0),), "fail"),
    ((comparison("db_h", n_compared=0, n_kinks=4),), "inconclusive"),
    # nothing compared cannot disagree, whatever the row's `close` says
    ((comparison("db_h", close=False, n_compared=0, n_kinks=4),), "inconclusive"),
    ((comparison("dx", n_compared=0),), "pass"),
    ((comparison("dW_hh", close=False), comparison("db_h", n_compared=0, n_kinks=4)), "fail"),
], ids=["all close", "one differs", "wrong shape", "all kinks", "all kinks, marked not close",
        "empty", "differs beside unverified"])
def test_status_is_one_rule_for_every_edge_case(rows, status):
    report = rnnlib.GradCheckReport(rows)
    assert report.status == status and report.ok == (status == "pass")


def test_a_wrong_shape_is_a_failure_of_the_check():
    p, xs, h0, dy = make_problem(T=3, H=4)

    def transposed(params, trace, dy):
        g = rnnlib.backward(params, trace, dy)
        g.dW_hx = g.dW_hx.T
        return g
    report = rnnlib.check_gradients(p, xs, h0=h0, dy=dy, backward=transposed)
    assert report.status == "fail" and report.mismatched == ["dW_hx"]


def test_kinks_are_found_and_left_out():
    # h_0 = 0, b_h = 0, x_0 = 0: every ĥ_1 is exactly 0, a kink of ReLU.
    p, xs, _, dy = make_problem(T=4, H=3, bias=0.0)
    xs[0] = 0.0
    tr = rnnlib.forward(p, xs)
    assert not tr.h_hat[1].any()
    report = rnnlib.check_gradients(p, xs, dy=dy)
    # nothing differs, but db_h and dh0 were never compared: inconclusive, not a pass
    assert report.status == "inconclusive" and not report.ok, str(report)
    assert "INCONCLUSIVE: nothing verified for db_h, dh0" in str(report)
    assert report["db_h"].n_kinks == 3 and report["db_h"].n_compared == 0
    assert report["dx"].n_kinks == 3 and report["dx"].n_compared == 9   # x_0 sits on the kink
    assert report.unverified == ["db_h", "dh0"]
    # At the kink, the central difference is the mean of the one-sided slopes, not ReLU'(0)·…:
    numeric, kinks = rnnlib.numerical_gradients(lambda t: float(np.sum(dy * t.y)), p, xs)["db_h"]
    analytic = rnnlib.backward(p, tr, dy).db_h
    assert kinks.all()
    assert not rnnlib.compare("db_h", analytic, numeric).close


# --- planted bugs (rnnlib.bugs), each caught by a random upstream gradient ---------------------

@pytest.mark.parametrize("bug", rnnlib.BUGS)
def test_check_gradients_catches_each_planted_bug(bug):
    p, xs, h0, _ = make_problem(T=6, H=4, O=1, bias=0.5)
    report = rnnlib.check_gradients(p, xs, h0=h0, seed=3, backward=rnnlib.backward_with_bug(bug))
    assert not report.ok, f"{bug} not caught:\n{report}"


def test_in_place_bug_is_named_and_really_writes_into_dy():
    p, xs, h0, dy = make_problem(T=4, H=3, bias=0.5)
    bug = rnnlib.backward_with_bug("upstream gradient modified in place")
    report = rnnlib.check_gradients(p, xs, h0=h0, dy=dy, backward=bug)
    assert not report.ok and "backward wrote into its dy argument" in str(report["dy"])
    mine = dy.copy()
    bug(p, rnnlib.forward(p, xs, h0), mine)
    assert not mine[1:].any() and dy[1:].any()
    assert "dy" not in [r.name for r in rnnlib.check_gradients(p, xs, h0=h0, dy=dy).rows]


def test_sum_of_outputs_loss_hides_a_dropped_output_factor():
    # E = Σ y (dy = 1 everywhere, O = 1) cannot see a dropped ∂y factor; a random dy can.
    p, xs, h0, _ = make_problem(T=6, H=4, O=1, bias=0.5)
    ones = np.ones((7, 1))
    ones[0] = 0
    bug = rnnlib.backward_with_bug("output factor dropped")
    assert rnnlib.check_gradients(p, xs, h0=h0, dy=ones, backward=bug).ok
    assert not rnnlib.check_gradients(p, xs, h0=h0, backward=bug).ok


def test_zero_recurrent_weights_hide_a_dropped_through_time_term():
    p, xs, h0, dy = make_problem(T=6, H=4, bias=0.5)
    bug = rnnlib.backward_with_bug("dropped through-time term")
    zero_W_hh = rnnlib.Params(np.zeros_like(p.W_hh), p.W_hx, p.b_h, p.W_yh)
    assert rnnlib.check_gradients(zero_W_hh, xs, h0=h0, dy=dy, backward=bug).ok
    assert not rnnlib.check_gradients(p, xs, h0=h0, dy=dy, backward=bug).ok


def test_report_lookup_and_text():
    p, xs, h0, dy = make_problem(T=3)
    report = rnnlib.check_gradients(p, xs, h0=h0, dy=dy)
    assert [r.name for r in report.rows] == ["dW_hh", "dW_hx", "db_h", "dW_yh", "dh0", "dx"]
    assert str(report).endswith("all gradients close")
    with pytest.raises(KeyError, match="no comparison named 'dW'"):
        report["dW"]
    bad = rnnlib.check_gradients(p, xs, h0=h0, dy=dy,
                                 backward=rnnlib.backward_with_bug("= instead of +="))
    assert "MISMATCH in dW_hh" in str(bad)


def test_gradients_below_fd_resolution_are_judged_by_absolute_error():
    # With W_hh ~ 1e-12, the true ∂h_0 = W_hhᵀ ∂ĥ_1 is ~1e-12, below the ~1e-10 round-off of a
    # central difference: a relative test against a fixed tiny floor would call it a mismatch.
    p, xs, _, dy = make_problem(T=1, D=1, H=1, O=1, scale=1e-12, bias=1.0, with_h0=False)
    g = rnnlib.backward(p, rnnlib.forward(p, xs), dy)
    assert 0 < np.abs(g.dh0).max() < 1e-9
    assert rnnlib.check_gradients(p, xs, dy=dy).ok
    # ... while an error 100 times the FD resolution (ε_mach·|E|/eps ≈ 2.2e-10 here) fails:
    resolution = np.finfo(float).eps * 1.0 / 1e-6
    floor = fd_floor(1.0, 1, 1e-6, 1e-6)
    assert not rnnlib.compare("dh0", [100 * resolution], [0.0], floor=floor).close
    assert rnnlib.compare("dh0", [resolution / 10], [0.0], floor=floor).close


def test_kinks_later_in_time_are_found():
    # W_hh = 0 and x_2 = 0, b_h[0] = 0: ĥ_3[0] = 0 exactly, while ĥ_1, ĥ_2 are far from 0.
    p, xs, _, dy = make_problem(T=4, H=3, bias=0.5)
    p = p.replace(W_hh=np.zeros((3, 3)), b_h=np.array([0.0, 0.5, 0.5]))
    xs[2] = 0.0
    tr = rnnlib.forward(p, xs)
    assert tr.h_hat[3, 0] == 0 and np.abs(tr.h_hat[[1, 2, 4], 0]).min() > 1e-3
    _, kinks = rnnlib.numerical_gradients(lambda t: float(np.sum(dy * t.y)), p, xs)["db_h"]
    assert kinks.tolist() == [True, False, False]


def test_random_upstream_is_seeded():
    p, xs, h0, _ = make_problem(T=3, B=2)
    tr = rnnlib.forward(p, xs, h0)
    a, b = rnnlib.random_upstream(tr, 0), rnnlib.random_upstream(tr, 0)
    np.testing.assert_array_equal(a, b)
    assert not a[0].any() and a.shape == tr.y.shape
    assert not np.array_equal(a, rnnlib.random_upstream(tr, 1))


def test_float32_models_are_checked_in_float64():
    p, xs, h0, dy = make_problem(T=4, B=2, dtype=np.float32)
    assert rnnlib.check_gradients(p, xs, h0=h0, dy=dy).ok
    targets = np.random.default_rng(0).standard_normal((4, 2, 2)).astype(np.float32)
    assert rnnlib.check_loss_gradients(p, xs, targets, h0=h0).ok
