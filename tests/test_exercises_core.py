"""The checking machinery of rnnlib.exercises.core: the first-case display and check_symbol."""
import numpy as np
import pytest

from rnnlib.exercises import check_symbol
from rnnlib.exercises.core import argument_names, Exercise, check_exercise


def _sum_exercise():
    """An exercise whose inputs are all too large to print (16 entries) and whose result is
    small (4 entries), and which has no isolations: the case display is what the student gets."""
    return Exercise("row_sums", "W.sum(axis=1)", "row_sums(W, V)",
                    lambda W, V: W.sum(axis=1) + V.sum(axis=1),
                    lambda rng: (rng.standard_normal((4, 4)), rng.standard_normal((4, 4))),
                    task="the row sums")


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
