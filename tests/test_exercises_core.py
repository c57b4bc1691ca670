"""The checking machinery of rnnlib.exercises.core, on exercises of its own and on the
catalogue's: what a student's function gets back when it raises, returns nothing, returns the
wrong type or shape, writes into an argument, or is wrong in a way no mistake of the catalogue
explains (described without the expected values, then isolated term by term); argument names;
check_symbol and check_prediction."""
import numpy as np
import pytest

from rnnlib import exercises
from rnnlib.exercises import check_symbol
from rnnlib.exercises.core import argument_names, Exercise, check_exercise


def test_an_unrecognised_mistake_is_described_without_the_expected_values():
    ex = Exercise("double", "2 v", "double(v)  # v: (n,) -> (n,)", lambda v: 2 * v,
                  lambda rng: (np.array([1.0, 2.0, 5.0]),), task="twice v", axes=("entry ",))
    message = repr(check_exercise(ex, lambda v: 2 * v + np.array([0.0, 0.0, 1.0])))
    assert "1 of 3 entries is wrong; the first is at entry 2" in message
    assert "10" not in message and "4." not in message and "expected" not in message
    scaled = repr(check_exercise(ex, lambda v: 3 * v))
    assert "Your result is 1.5 times the right one" in scaled


def test_argument_names_are_parsed_not_cut_at_a_parenthesis():
    assert argument_names("dW_hx_sum(dh_hat, xs)  # dh_hat: (T+1, H), xs: (T, D)") == \
        ["dh_hat", "xs"]
    assert argument_names("step(a, b) -> (c, d)") == ["a", "b"]


@pytest.mark.parametrize("spelling", ["h_{t+1}", "h_(t+1)", "h_t+1", "h[t + 1]", " H_{t+1} ",
                                      "h_{ t + 1 }", "ht+1"])
def test_check_symbol_accepts_every_spelling_of_the_answer(spelling):
    assert check_symbol("q", spelling, "h_{t+1}")


@pytest.mark.parametrize("wrong", ["h_t", "h_{t-1}", "h_{t+2}", "x_{t+1}", "h_1", "h_{T+1}"])
def test_check_symbol_rejects_other_symbols_without_telling_the_answer(wrong):
    result = check_symbol("q", wrong, "h_{t+1}", hint="a hint ...")
    assert result.status == "wrong" and "a hint ..." in repr(result)
    assert "h_{t+1}" not in repr(result)


def test_check_symbol_not_attempted_and_not_a_string():
    assert check_symbol("q", None, "h_0").status == "not attempted"
    result = check_symbol("q", 0, "h_0")
    assert result.status == "wrong" and "as a string" in repr(result)


def test_errors_missing_return_and_wrong_types_are_reported():
    result = exercises.check("hidden_grad", lambda W_yh, W_hh, dy, dn: W_yh @ dy)
    assert result.status == "error" and "ValueError" in result.message
    assert "missing or extra transpose" in result.message
    assert "forget `return`" in exercises.check("rnn_step", lambda *a: None).message
    assert "expected an array of shape (6,); got str" in \
        exercises.check("rnn_step", lambda *a: "h").message
    shape = exercises.check("pre_activation", lambda W_hh, W_hx, b, h, x: np.zeros(3))
    assert "wrong shape: your result has shape (3,); it should have shape (6,)" in shape.message
    assert "take every size from the arguments" in shape.message


def test_unrecognised_mistake_is_isolated_term_by_term():
    result = exercises.check("hidden_grad",
                             lambda W_yh, W_hh, dy, dn: W_yh.T @ dy + 2 * W_hh.T @ dn)
    assert "right: only the output path" in result.message
    assert "WRONG: only the recurrent path" in result.message


def test_a_function_that_writes_into_an_argument_is_wrong_and_the_argument_named():
    def sneaky(W_yh, W_hh, dy, dn):
        result = W_yh.T @ dy + W_hh.T @ dn
        W_hh[:] = 0
        return result
    result = exercises.check("hidden_grad", sneaky)
    assert result.status == "wrong" and "wrote into `W_hh`" in result.message


def test_check_prediction_compares_and_explains():
    assert exercises.check_prediction("p", None, {1}).status == "not attempted"
    assert exercises.check_prediction("p", {1, 2}, {2, 1}).status == "correct"
    wrong = exercises.check_prediction("p", {1}, {2}, why="because")
    assert wrong.status == "wrong" and "because" in wrong.message and "{2}" in wrong.message
    assert exercises.check_prediction("p", np.array([1, 0]), np.array([1, 0])).status == "correct"
