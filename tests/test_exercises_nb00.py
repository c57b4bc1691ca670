"""Notebook 00's symbol exercise, as far as it can be tested without its answers (this file is
handed out; the right answers are tested in tests/test_answers_nb00.py, which is not): wrong
symbols are rejected with their hints, the unanswered and non-strings get check_symbol's own
messages, and no word of the checker's source is an answer in any spelling."""
import ast
import inspect
import re

import pytest

from rnnlib.exercises import nb00_start_here as nb00


def is_an_answer(text):
    """True if the checker accepts ``text`` as the answer to either question."""
    return any(result.status == "correct" for result in nb00.check_min_char_rnn_states(text, text))


@pytest.mark.parametrize("hs_t, hs_minus_1", [("h_t", "h_1"), ("h_{t-1}", "h_T"),
                                              ("x_{t+1}", "h_{-1}"), ("H_{t+2}", "h"), ("", " ")])
def test_wrong_symbols_are_rejected_with_their_hints(hs_t, hs_minus_1):
    first, second = nb00.check_min_char_rnn_states(hs_t, hs_minus_1)
    assert first.status == second.status == "wrong" and not first and not second
    assert repr(first) == f"hs[t]: ✗ not {hs_t!r}. xs[t] is our x_t: which of our states does " \
                          "x_t feed?"
    assert repr(second) == f"hs[-1]: ✗ not {hs_minus_1!r}. hs[-1] is the state before any " \
                           "input has been read."


def test_unanswered_and_non_strings_get_check_symbols_messages():
    first, second = nb00.check_min_char_rnn_states(None, 0)
    assert first.status == "not attempted" and "not attempted yet" in repr(first)
    assert second.status == "wrong" and "as a string" in repr(second)


def test_the_hashed_check_is_check_symbol_for_a_known_digest():
    digest = nb00.answer_digest("y_{t+1}")
    for spelling in ("y_{t+1}", "Y_(t + 1)", "y[t+1]", "yt+1"):
        result = nb00.check_hashed_symbol("q", spelling, digest)
        assert result.status == "correct" and repr(result) == f"q: ✓ {spelling!r} is right."
    for wrong in ("y_t", "y_{T+1}", "y_{t+1}?", "y_{t+1}??"):
        assert nb00.check_hashed_symbol("q", wrong, digest, hint="h").status == "wrong"


def test_every_spelling_of_a_symbol_has_one_digest_and_other_symbols_another():
    digest = nb00.answer_digest("y_{t+1}")
    assert {nb00.answer_digest(s) for s in ("y_{t+1}", "Y_(t + 1)", "y[t+1]", "yt+1")} == {digest}
    assert digest not in {nb00.answer_digest(s) for s in ("y_t", "y_{T+1}", "y_{t+1}?", "x_{t+1}")}
    with pytest.raises(TypeError, match="answer must be a str.*; got int"):
        nb00.answer_digest(1)


def test_no_word_or_string_of_the_checker_is_an_answer():
    source = inspect.getsource(nb00)
    strings = [node.value for node in ast.walk(ast.parse(source))
               if isinstance(node, ast.Constant) and isinstance(node.value, str)]
    words = [w.strip("`'\",.;:!?") for w in re.split(r"[\s\"']+", source)]
    assert not [text for text in strings + words if text and is_an_answer(text)]
