"""What a student's session or answer may do that a checker must survive and judge: numpy set to
raise, warnings turned into errors, state kept between calls, complex or integer results,
malformed by-hand answers, the empty Jacobian product, predictions written in any form.

The right answers here are rnnlib's own public functions (so this file holds no model answer and
ships with the hand-out); the wrong ones are small changes to them.
"""
import warnings

import numpy as np
import pytest

import rnnlib
from rnnlib import analysis, exercises
from rnnlib.exercises import check, check_prediction
from rnnlib.exercises import nb04_hidden_state_gradient as nb04


def _relu_grad(z):
    return rnnlib.relu_grad(z)


def _cross_entropy_grad(y, c):
    return rnnlib.cross_entropy(y, np.asarray(c))[1]


def _jacobian_product(W_hh, masks):
    return analysis.jacobian_products(W_hh, np.vstack([np.zeros((1, len(W_hh))), masks]))[0]


@pytest.mark.parametrize("name, right", [("relu_grad", _relu_grad),
                                         ("cross_entropy_grad", _cross_entropy_grad),
                                         ("relu_gate", rnnlib.relu_gate),
                                         ("rnn_backward", rnnlib.backward)])
def test_numpy_set_to_raise_in_the_session_changes_nothing(name, right):
    old = np.seterr(all="raise")
    try:
        assert check(name, right).status == "correct"
    finally:
        np.seterr(**old)


def test_a_warnings_filter_set_by_the_students_function_is_undone():
    def strict(y, c):
        warnings.simplefilter("error")          # set while debugging, inside the function
        return _cross_entropy_grad(y, c)
    with warnings.catch_warnings():
        assert check("cross_entropy_grad", strict).status == "correct"


def test_state_kept_between_calls_is_wrong():
    seen = {}

    def cached(W_yh, W_hh, dy_t, dh_hat_next):
        key = dy_t.tobytes()
        seen[key] = seen.get(key, 0) + 1          # a second call with the same inputs ...
        return rnnlib.hidden_grad(W_yh, W_hh, dy_t, dh_hat_next) * seen[key]   # ... differs
    result = check("hidden_grad", cached)
    assert result.status == "wrong" and "keeps state between calls" in result.message

    def accumulating_backward(params, trace, dy, _total={}):
        g = rnnlib.backward(params, trace, dy)
        key = trace.h.tobytes()
        _total[key] = _total.get(key, 0) + g.dW_hh
        g.dW_hh = _total[key]
        return g
    assert "keeps state between calls" in check("rnn_backward", accumulating_backward).message


def test_complex_and_integer_results_are_named():
    complex_result = check("relu_grad", lambda z: _relu_grad(z) + 1e-3j)
    assert complex_result.status == "wrong" and "complex entries" in complex_result.message

    def int_accumulator(W_hh, W_hx, b_h, h_t, x_t):
        out = np.zeros(len(b_h), dtype=int)
        out += rnnlib.pre_activation(W_hh, W_hx, b_h, h_t, x_t).astype(int)
        return out
    assert "only whole numbers" in check("pre_activation", int_accumulator).message


def test_a_float32_answer_is_called_close_not_a_constant_factor():
    message = check("hidden_grad", lambda *a: rnnlib.hidden_grad(*a).astype(np.float32)).message
    assert "close to the right one but not equal" in message and "times the right" not in message


def test_nan_hint_fits_the_exercise():
    relu = check("relu_grad", lambda z: (z / np.abs(z) + 1) / 2).message
    assert "NaN or inf" in relu and "division by zero" in relu and "exp" not in relu
    naive = check("cross_entropy_grad",
                  lambda y, c: np.exp(y) / np.exp(y).sum() - np.eye(y.size)[c]).message
    assert "subtract the maximum" in naive


def test_the_empty_jacobian_product_is_the_identity():
    assert check("jacobian_product", _jacobian_product).status == "correct"

    def from_first_factor(W_hh, masks):
        P = W_hh.T * masks[0]
        for m in masks[1:]:
            P = P @ (W_hh.T * m)
        return P
    result = check("jacobian_product", from_first_factor)
    assert result.status == "error" and "no rows at all (t = T" in result.message


def test_malformed_by_hand_answers_get_a_message_not_an_exception():
    for answers in ([1, 2], None, {"dh_9": [0, 0]}, {"dh_3": "1, 2"}, {"dh_3": [1, 2, 3]}):
        assert nb04.check_by_hand_backward(answers).status == "wrong"


@pytest.mark.parametrize("prediction, truth", [
    ([10, 100], (10, 100)), ((10.0, 100.0), (10, 100)), (np.sqrt(2), 1.41),
    (" Output", "output"), ([[1, 1], [2, 1]], {(1, 1), (2, 1)}),
    (np.array([[2, 1], [1, 1]]), {(1, 1), (2, 1)}), (["b", "a"], {"a", "b"}),
])
def test_a_prediction_is_right_in_any_form_a_student_writes(prediction, truth):
    assert check_prediction("p", prediction, truth).status == "correct"


@pytest.mark.parametrize("prediction, truth", [
    ([10, 10], (10, 100)), (2.0, 1.41), ("recurrent", "output"), ([(1, 1)], {(1, 1), (2, 1)}),
    ([[1, 1], [2, 1], [3, 0]], {(1, 1), (2, 1)}), ({"a": 1}, {"a"}),
])
def test_a_wrong_prediction_stays_wrong(prediction, truth):
    assert check_prediction("p", prediction, truth).status == "wrong"


def test_every_exercise_runs_the_first_case_again():
    """A checker calls the answer once more on its first case (state between calls): the
    catalogue's mistakes and rnnlib's functions are pure, so this never flags them."""
    calls = []

    def counting(z):
        calls.append(z.shape)
        return _relu_grad(z)
    assert check("relu_grad", counting).status == "correct"
    assert calls[0] == calls[-1] and len(calls) == len(exercises.EXERCISES["relu_grad"].edge_cases) + 4
