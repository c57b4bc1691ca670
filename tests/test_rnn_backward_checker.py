"""The checker of notebook 06's `rnn_backward` exercise: the whole backward pass, written by the
student. It must pass the model solution, name every bug of rnnlib.bugs and the step where the
histories go wrong, run finite differences itself, and never raise."""
import numpy as np
import pytest

import rnnlib
from rnnlib import exercises

EX = exercises.EXERCISES["rnn_backward"]


@pytest.fixture
def solutions():
    """The model solutions; a test that needs them skips, with this reason, in a hand-out copy
    (which has none): the other tests of this file still run there."""
    return pytest.importorskip("rnnlib.solutions", reason="a hand-out copy has no solutions")


def check(fn):
    return exercises.check("rnn_backward", fn)


def with_changes(**change):
    """rnnlib.backward_literal with some outputs replaced: change[name](params, trace, dy, grads)."""
    def fn(params, trace, dy):
        g = rnnlib.backward_literal(params, trace, dy)
        for name, f in change.items():
            setattr(g, name, f(params, trace, dy, g))
        return g
    return fn


def test_model_solution_and_the_library_pass(solutions):
    for fn in (solutions.solution("rnn_backward"), rnnlib.backward_literal, rnnlib.backward):
        result = check(fn)
        assert result.status == "correct", result.message
        assert "finite differences (rnnlib.gradcheck)" in result.message


EXPECTED = {   # bug -> (what the comparison with the library finds, what gradcheck flags)
    "missing upstream factor": ("right at every step", "dW_hh, dW_hx, db_h."),
    "mask at the wrong step": ("first wrong value is ∂ĥ_2 (dh_hat[2]), while ∂h_2 is right",
                               "dW_hh, dW_hx, db_h, dh0, dx."),
    "= instead of +=": ("right at every step", "dW_hh."),
    "dropped through-time term": ("first wrong value is ∂h_4 (dh[4]); ∂ĥ_5 is right",
                                  "dW_hh, dW_hx, db_h, dh0, dx."),
    "output factor dropped": ("right at every step", "dW_yh."),
    "upstream gradient modified in place": ("wrote into its dy argument", "dy."),
}


@pytest.mark.parametrize("bug", rnnlib.BUGS)
def test_every_bug_of_the_zoo_is_named_with_its_step_and_the_finite_difference_verdict(bug):
    result = check(rnnlib.backward_with_bug(bug))
    assert result.status == "wrong" and not result
    assert f"the bug '{bug}' of rnnlib.BUGS" in result.message, result.message
    where, flagged = EXPECTED[bug]
    assert where in result.message, result.message
    assert f"rnnlib.gradcheck (finite differences) flags: {flagged}" in result.message
    assert EX.equation not in result.message


def test_wrong_gradients_are_named_and_right_ones_too():
    result = check(rnnlib.backward_with_bug("output factor dropped"))
    assert "wrong ∂W_yh; right ∂W_hh, ∂W_hx, ∂b_h, ∂h_0 (dh0), ∂x (dx)." in result.message


def test_not_attempted_exception_and_missing_return_are_reported_without_raising():
    def todo(params, trace, dy):
        raise NotImplementedError
    assert check(todo).status == "not attempted"
    assert "not attempted yet" in check(todo).message
    crash = check(lambda params, trace, dy: params.W_hh @ trace.xs)
    assert crash.status == "error" and "ValueError" in crash.message
    assert "IndexError" in check(lambda params, trace, dy: trace.h[trace.T + 1]).message
    assert "forget `return`" in check(lambda params, trace, dy: None).message
    no_dx = check(lambda p, tr, d: {k: v for k, v in vars(rnnlib.backward(p, tr, d)).items()
                                    if k != "dx"})
    assert no_dx.status == "wrong" and "no usable dx" in no_dx.message


def test_a_dict_without_histories_is_accepted_and_the_histories_are_said_to_be_skipped():
    def grads_only(params, trace, dy):
        g = rnnlib.backward(params, trace, dy)
        return {"dW_hh": g.dW_hh, "dW_hx": g.dW_hx, "db_h": g.db_h, "dW_yh": g.dW_yh,
                "dh0": g.dh0, "dx": g.dx, "dh_hat": np.zeros_like(g.dh_hat)}
    result = check(grads_only)
    assert result.status == "correct" and "left at zero: dh, dh_hat" in result.message
    wrong = check(lambda p, tr, d: {**grads_only(p, tr, d), "dW_yh": np.zeros((2, 4))})
    assert "Fill in dh and dh_hat too" in wrong.message


def test_mistakes_outside_the_zoo_are_named_gradient_by_gradient():
    def overwrite(params, trace, dy, g, name):
        term = {"dW_hh": lambda: np.outer(g.dh_hat[1], trace.h[0]),
                "dW_hx": lambda: np.outer(g.dh_hat[1], trace.xs[0]),
                "db_h": lambda: g.dh_hat[1]}
        return term[name]()
    every_sum_overwritten = with_changes(**{n: (lambda p, tr, d, g, n=n: overwrite(p, tr, d, g, n))
                                            for n in ("dW_hh", "dW_hx", "db_h")})
    result = check(every_sum_overwritten)
    assert "the bug" not in result.message             # not the zoo's (that one overwrites ∂W_hh only)
    for label in ("∂W_hh", "∂W_hx", "∂b_h"):
        assert f"{label}: = where += is needed: only the term of step t = 1" in result.message
    off_by_one = with_changes(dW_hx=lambda p, tr, d, g: g.dh_hat[:-1].T @ tr.xs)
    assert "∂W_hx: Off by one: ∂ĥ_t pairs with x_{t-1}" in check(off_by_one).message
    no_dh0 = with_changes(dh0=lambda p, tr, d, g: np.zeros_like(g.dh0))
    assert "∂h_0 is left at zero" in check(no_dh0).message
    shifted_dx = with_changes(dx=lambda p, tr, d, g: g.dh_hat[:-1] @ p.W_hx)
    assert "dx[k] comes from ∂ĥ_{k+1}" in check(shifted_dx).message
    sign = with_changes(dW_yh=lambda p, tr, d, g: -g.dW_yh)
    assert "∂W_yh: A sign error" in check(sign).message


def test_a_wrong_first_step_and_a_wrong_dh0_are_located():
    no_output_at_T = with_changes(dh=lambda p, tr, d, g: np.vstack([g.dh[:-1], 0 * g.dh[-1:]]))
    assert "first wrong value is ∂h_5 (dh[5]); at t = T" in check(no_output_at_T).message
    bad_dh0 = with_changes(dh=lambda p, tr, d, g: np.vstack([1 + g.dh[:1], g.dh[1:]]))
    assert "first wrong value is ∂h_0 (dh[0]); h_0 has no output" in check(bad_dh0).message


def test_finite_differences_are_run_on_the_students_function():
    # off by 1e-4 in one entry: the library comparison and gradcheck both see it
    nudged = with_changes(dW_yh=lambda p, tr, d, g: g.dW_yh + np.eye(*g.dW_yh.shape) * 1e-4)
    result = check(nudged)
    assert "rnnlib.gradcheck (finite differences) flags: dW_yh." in result.message


def test_wrong_shape_is_named():
    result = check(with_changes(dW_hx=lambda p, tr, d, g: g.dW_hx.T))
    assert "∂W_hx has shape (3, 4); expected (4, 3)" in result.message


def test_the_checker_gives_the_student_copies():
    def vandal(params, trace, dy):
        g = rnnlib.backward(params, trace, dy)
        trace.h[:] = 0
        return g
    assert check(vandal).status == "correct"
