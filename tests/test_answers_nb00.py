"""Notebook 00's symbol exercise with its answers in clear: every spelling of the right answers
is accepted, and the checker's own file does not hold them. Left out of the hand-out
(tools/handout.py), since it holds the answers; tests/test_exercises_nb00.py is handed out."""
from pathlib import Path

import pytest

from rnnlib.exercises import nb00_start_here as nb00

HS_T, HS_MINUS_1 = "h_{t+1}", "h_0"


def test_the_digests_are_those_of_the_answers():
    assert nb00.HS_T_DIGEST == nb00.answer_digest(HS_T)
    assert nb00.HS_MINUS_1_DIGEST == nb00.answer_digest(HS_MINUS_1)


@pytest.mark.parametrize("hs_t, hs_minus_1", [("h_{t+1}", "h_0"), ("h_(t + 1)", "H0"),
                                              ("h_t+1", "h[0]"), (" H_{ t+1 } ", "h_{0}"),
                                              ("ht+1", "h_(0)")])
def test_every_spelling_of_the_right_answers_is_accepted(hs_t, hs_minus_1):
    first, second = nb00.check_min_char_rnn_states(hs_t, hs_minus_1)
    assert first.status == second.status == "correct" and first and second
    assert repr(first) == f"hs[t]: ✓ {hs_t!r} is right."
    assert repr(second) == f"hs[-1]: ✓ {hs_minus_1!r} is right."


def test_a_wrong_answer_is_not_told_the_right_one():
    first, second = nb00.check_min_char_rnn_states("h_t", "h_1")
    assert first.status == second.status == "wrong"
    assert HS_T not in repr(first) and HS_MINUS_1 not in repr(second)


def test_the_checkers_file_holds_no_answer_in_clear():
    text = Path(nb00.__file__).read_text()
    for clear in (HS_T, "h_(t+1)", "h_t+1", "ht+1", HS_MINUS_1, "h0", "h[0]"):
        assert clear not in text, clear
