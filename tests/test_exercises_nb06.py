"""The checkers of notebook 06.

``rnn_backward``, the whole backward pass written by the student: the checker passes the model
solution, names every bug of rnnlib.bugs and the step where the histories go wrong, runs finite
differences itself, and never raises.

``numerical_db_h``, ∂b_h of the cross-entropy loss by central differences: the model solution
passes, a forward difference is rejected and named, no message prints an expected value, and
the claim the notebook makes of the two differences holds: the forward difference's error
shrinks like ε, the central one's like ε²."""
import json
from pathlib import Path

import numpy as np
import pytest

import rnnlib
from rnnlib import exercises

RNN_BACKWARD = exercises.EXERCISES["rnn_backward"]
NUMERICAL_DB_H = exercises.EXERCISES["numerical_db_h"]
EPSILONS = (1e-2, 1e-3, 1e-4)


# --- rnn_backward -------------------------------------------------------------------------------

def check_rnn_backward(fn):
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
        result = check_rnn_backward(fn)
        assert result.status == "correct", result.message
        assert "finite differences (rnnlib.check_gradients)" in result.message


EXPECTED = {   # bug -> (what the comparison with the library finds, what check_gradients flags)
    "missing upstream factor": ("right at every step", "dW_hh, dW_hx, db_h."),
    "mask at the wrong step": ("first wrong value is ∂ĥ_6 (dh_hat[6]), while ∂h_6 is right: "
                               "The gate is taken from the wrong step",
                               "dW_hh, dW_hx, db_h, dh0, dx."),
    "= instead of +=": ("right at every step", "dW_hh."),
    "dropped through-time term": ("first wrong value is ∂h_5 (dh[5]): Only the output path",
                                  "dW_hh, dW_hx, db_h, dh0, dx."),
    "output factor dropped": ("right at every step", "dW_yh."),
    "upstream gradient modified in place": ("wrote into `dy`", None),
}


@pytest.mark.parametrize("bug", rnnlib.BUGS)
def test_every_bug_of_the_zoo_is_named_with_its_step_and_the_finite_difference_verdict(bug):
    result = check_rnn_backward(rnnlib.backward_with_bug(bug))
    assert result.status == "wrong" and not result
    assert f"the bug '{bug}' of rnnlib.BUGS" in result.message, result.message
    where, flagged = EXPECTED[bug]
    assert where in result.message, result.message
    if flagged:                      # in place: the values are right, so no comparison is run
        assert f"rnnlib.check_gradients (finite differences) flags: {flagged}" in result.message
    assert RNN_BACKWARD.equation not in result.message


def test_wrong_gradients_are_named_and_right_ones_too():
    result = check_rnn_backward(rnnlib.backward_with_bug("output factor dropped"))
    assert ("wrong ∂W_yh; right ∂W_hh, ∂W_hx, ∂b_h, ∂h_0 (dh0), ∂x (dx), ∂h_t (dh), ∂ĥ_t "
            "(dh_hat).") in result.message


def test_not_attempted_exception_and_missing_return_are_reported_without_raising():
    def todo(params, trace, dy):
        raise NotImplementedError
    assert check_rnn_backward(todo).status == "not attempted"
    assert "not attempted yet" in check_rnn_backward(todo).message
    crash = check_rnn_backward(lambda params, trace, dy: params.W_hh @ trace.xs)
    assert crash.status == "error" and "ValueError" in crash.message
    past_the_end = check_rnn_backward(lambda params, trace, dy: trace.h[trace.T + 1])
    assert "IndexError" in past_the_end.message
    assert "forget `return`" in check_rnn_backward(lambda params, trace, dy: None).message
    def without_dx(params, trace, dy):
        return {k: v for k, v in vars(rnnlib.backward(params, trace, dy)).items() if k != "dx"}
    no_dx = check_rnn_backward(without_dx)
    assert no_dx.status == "wrong" and "no usable dx" in no_dx.message


def test_a_dict_is_accepted_but_the_histories_are_required():
    def as_dict(params, trace, dy):
        g = rnnlib.backward(params, trace, dy)
        return {name: getattr(g, name) for name in
                ("dW_hh", "dW_hx", "db_h", "dW_yh", "dh0", "dx", "dh", "dh_hat", "dy")}
    assert check_rnn_backward(as_dict).status == "correct"
    no_dy = check_rnn_backward(lambda p, tr, d: {**as_dict(p, tr, d), "dy": None})
    assert no_dy.status == "wrong" and "your result's dy is not the upstream gradient" in \
        no_dy.message
    never_stored = check_rnn_backward(lambda p, tr, d: {**as_dict(p, tr, d),
                                                        "dh_hat": np.zeros_like(tr.h)})
    assert never_stored.status == "wrong"
    assert "∂ĥ_6 is left at 0: store it in dh_hat[t]" not in never_stored.message  # T = 6 row:
    assert "is left at 0: store it in dh_hat[t] inside your loop" in never_stored.message
    missing = check_rnn_backward(lambda p, tr, d: {k: v for k, v in as_dict(p, tr, d).items()
                                                   if k != "dh"})
    assert "has no usable dh" in missing.message


def test_mistakes_outside_the_zoo_are_named_gradient_by_gradient():
    def overwrite(params, trace, dy, g, name):
        term = {"dW_hh": lambda: np.outer(g.dh_hat[1], trace.h[0]),
                "dW_hx": lambda: np.outer(g.dh_hat[1], trace.xs[0]),
                "db_h": lambda: g.dh_hat[1]}
        return term[name]()
    every_sum_overwritten = with_changes(**{n: (lambda p, tr, d, g, n=n: overwrite(p, tr, d, g, n))
                                            for n in ("dW_hh", "dW_hx", "db_h")})
    result = check_rnn_backward(every_sum_overwritten)
    assert "the bug" not in result.message             # not the zoo's (that one overwrites ∂W_hh only)
    assert "∂W_hh, ∂W_hx, ∂b_h: = where += is needed: only the term of step t = 1" in \
        result.message
    off_by_one = with_changes(dW_hx=lambda p, tr, d, g: g.dh_hat[:-1].T @ tr.xs)
    assert "∂W_hx: Off by one: ∂ĥ_t pairs with x_{t-1}" in check_rnn_backward(off_by_one).message
    no_dh0 = with_changes(dh0=lambda p, tr, d, g: np.zeros_like(g.dh0))
    assert "∂h_0 is left at zero" in check_rnn_backward(no_dh0).message
    shifted_dx = with_changes(dx=lambda p, tr, d, g: g.dh_hat[:-1] @ p.W_hx)
    assert "dx[k] comes from ∂ĥ_{k+1}" in check_rnn_backward(shifted_dx).message
    sign = with_changes(dW_yh=lambda p, tr, d, g: -g.dW_yh)
    assert "∂W_yh: A sign error" in check_rnn_backward(sign).message


def test_a_wrong_first_step_and_a_wrong_dh0_are_located():
    no_output_at_T = with_changes(dh=lambda p, tr, d, g: np.vstack([g.dh[:-1], 0 * g.dh[-1:]]))
    assert "first wrong value is ∂h_6 (dh[6]): ∂h_6 is 0: at t = T its whole value is the output path" in \
        check_rnn_backward(no_output_at_T).message
    bad_dh0 = with_changes(dh=lambda p, tr, d, g: np.vstack([1 + g.dh[:1], g.dh[1:]]))
    assert "first wrong value is ∂h_0 (dh[0])" in check_rnn_backward(bad_dh0).message


def test_finite_differences_are_run_on_the_students_function():
    # off by 1e-4 in one entry: the library comparison and check_gradients both see it
    nudged = with_changes(dW_yh=lambda p, tr, d, g: g.dW_yh + np.eye(*g.dW_yh.shape) * 1e-4)
    result = check_rnn_backward(nudged)
    assert "rnnlib.check_gradients (finite differences) flags: dW_yh." in result.message


def test_wrong_shape_is_named():
    result = check_rnn_backward(with_changes(dW_hx=lambda p, tr, d, g: g.dW_hx.T))
    assert "∂W_hx has shape (3, 5); it should have the shape of W_hx, (5, 3)" in result.message


def test_a_write_into_the_trace_is_named_even_with_right_values():
    def vandal(params, trace, dy):
        g = rnnlib.backward(params, trace, dy)
        trace.h[:] = 0
        return g
    result = check_rnn_backward(vandal)
    assert result.status == "wrong" and "wrote into `trace.h`" in result.message


def test_relu_grad_at_zero_one_is_caught_by_the_padded_sequence():
    def kink_open(params, trace, dy):
        from dataclasses import replace
        return rnnlib.backward(params, replace(trace, mask=trace.h_hat >= 0), dy)
    result = check_rnn_backward(kink_open)
    assert result.status == "wrong"
    assert "on the sequence whose ĥ_1 is exactly 0 in every unit but unit 0" in result.message
    assert "ReLU'(0) = 1 here" in result.message


# --- numerical_db_h -----------------------------------------------------------------------------

def forward_difference(params, xs, labels, eps):
    def E_of_bias(b):
        return rnnlib.loss_from_trace(rnnlib.forward(params.replace(b_h=b), xs), labels,
                                      loss="cross_entropy")[0]
    grad, b = np.zeros_like(params.b_h), params.b_h
    for i in range(b.size):
        nudge = np.zeros_like(b)
        nudge[i] = eps
        grad[i] = (E_of_bias(b + nudge) - E_of_bias(b)) / eps
    return grad


def test_the_model_solution_of_numerical_db_h_passes(solutions):
    assert exercises.check("numerical_db_h", solutions.solution("numerical_db_h"))


def test_a_forward_difference_is_rejected_and_named():
    result = exercises.check("numerical_db_h", forward_difference)
    assert result.status == "wrong"
    assert "forward difference" in result.message


def test_wrong_numerical_db_h_answers_never_see_an_expected_value():
    params, xs, labels, eps = NUMERICAL_DB_H.inputs(np.random.default_rng(0))
    expected = NUMERICAL_DB_H.reference(params, xs, labels, eps)
    for wrong in (forward_difference,
                  lambda p, x, l, e: NUMERICAL_DB_H.reference(p, x, l, e) + 0.01):
        message = exercises.check("numerical_db_h", wrong).message
        assert "expected" not in message
        for value in expected:
            assert f"{value:.3f}" not in message and f"{value:.2f}" not in message


def test_the_reference_is_the_librarys_central_difference_and_close_to_backward():
    params, xs, labels, eps = NUMERICAL_DB_H.inputs(np.random.default_rng(1))
    _, grads = rnnlib.loss_and_grads(params, xs, labels, loss="cross_entropy")
    assert np.allclose(NUMERICAL_DB_H.reference(params, xs, labels, eps), grads.db_h,
                       rtol=1e-5, atol=1e-8)


@pytest.mark.parametrize("seed", [0, 1, 2, 3, 4, 5])
def test_forward_error_shrinks_like_eps_and_central_like_eps_squared(seed, solutions):
    """Per decade of ε: the forward difference's error falls about 10×, the central's 100×,
    on the entries of ∂b_h whose nudges cross no kink at any ε (as the notebook compares)."""
    params, xs, labels, _ = NUMERICAL_DB_H.inputs(np.random.default_rng(seed))
    _, grads = rnnlib.loss_and_grads(params, xs, labels, loss="cross_entropy")
    kinks = np.any([rnnlib.numerical_gradients(
        lambda tr: rnnlib.loss_from_trace(tr, labels, loss="cross_entropy")[0],
        params, xs, eps=eps)["db_h"][1] for eps in EPSILONS], axis=0)
    assert (~kinks).sum() >= 3
    central_difference = solutions.solution("numerical_db_h")
    central = [np.abs(central_difference(params, xs, labels, e) - grads.db_h)[~kinks].max()
               for e in EPSILONS]
    forward = [np.abs(forward_difference(params, xs, labels, e) - grads.db_h)[~kinks].max()
               for e in EPSILONS]
    for k in range(len(EPSILONS) - 1):
        assert 7 < forward[k] / forward[k + 1] < 14
        assert 70 < central[k] / central[k + 1] < 140
        assert forward[k] > 100 * central[k]


def test_the_notebook_shows_the_errors_only_after_a_prediction():
    """The cell's errors per ε are the answer to its prediction: the stored notebook (nobody
    has predicted) shows none of them; the ratios it prints then are those tested above."""
    nb = Path(__file__).resolve().parents[1] / "notebooks" / "06_checking_bptt.ipynb"
    cells = json.loads(nb.read_text())["cells"]
    [cell] = [c for c in cells if c["cell_type"] == "code"
              and "forward_difference" in "".join(c["source"])]
    out = "".join("".join(o.get("text", "")) for o in cell["outputs"])
    assert "Write your prediction into my_factors first" in out
    assert "per decade" not in out and "largest error" not in out
