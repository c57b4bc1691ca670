"""The checking machinery of rnnlib.exercises.core: the first-case display and check_symbol."""
import numpy as np
import pytest

from rnnlib.exercises import check_symbol
from rnnlib.exercises.core import Exercise, check_exercise


def _sum_exercise():
    """An exercise whose inputs are all too large to print (16 entries) and whose result is
    small (4 entries), and which has no isolations: the case display is what the student gets."""
    return Exercise("row_sums", "W.sum(axis=1)", "row_sums(W, V)",
                    lambda W, V: W.sum(axis=1) + V.sum(axis=1),
                    lambda rng: (rng.standard_normal((4, 4)), rng.standard_normal((4, 4))),
                    task="the row sums")


def test_first_case_never_prints_an_empty_input_list():
    result = check_exercise(_sum_exercise(), lambda W, V: W.sum(axis=0) + V.sum(axis=0))
    message = repr(result)
    assert result.status == "wrong"
    assert "too large to print here: W (shape (4, 4)), V (shape (4, 4))" in message
    # the header is followed by an input line, never directly by "expected"
    assert "For this case:\n  expected" not in message
    assert "expected [" in message and "got      [" in message


def test_first_case_prints_small_inputs_by_name():
    ex = Exercise("double", "2 v", "double(v)", lambda v: 2 * v,
                  lambda rng: (np.array([1.0, 2.0]),), task="twice v")
    message = repr(check_exercise(ex, lambda v: 3 * v))
    assert "For this case:\n  v = [1. 2.]\n  expected [2. 4.]\n  got      [3. 6.]" in message


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
