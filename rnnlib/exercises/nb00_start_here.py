"""The exercises of notebook 00 · Start here.

Its exercises are answers written as symbols, checked whatever their spelling; it has no function
to write, so it has no ``EXERCISES`` list and is not in ``NOTEBOOKS``.

This file is handed out to students, so it does not hold the answers in clear: only the sha256
of each answer's spelling-free key (``predictions.symbol_key``). That keeps the answer out of sight of
a student who opens the file, not out of reach of one who tries every short symbol; the checker
is for learning, not for grading. To change an answer, replace its digest by
``answer_digest("the new answer")``.
"""
import hashlib

from .predictions import check_symbol, symbol_key

# sha256 of the spelling-free key of the right answer, per question
HS_T_DIGEST = "354b3c1ec02722eb0b7f29b8400e758e2b2cfbfa7c19baf7cd9d65e3ac9e372b"
HS_MINUS_1_DIGEST = "db87cee52504ca5732bad49ddb1d5b8551c011c1891996d58aacae47f66585ed"


def answer_digest(answer):
    """The sha256 (hex) of the spelling-free key of ``answer``, a symbol such as "y_{t-1}":
    every spelling of one symbol has the same digest."""
    if not isinstance(answer, str):
        raise TypeError(f"answer must be a str, such as \"y_{{t-1}}\"; "
                        f"got {type(answer).__name__}")
    return hashlib.sha256(symbol_key(answer).encode("utf-8")).hexdigest()


def check_hashed_symbol(name, answer, digest, *, hint=""):
    """:func:`predictions.check_symbol` for an answer known only by ``digest``, the sha256 of its
    spelling-free key: the same spellings count as the same answer, and the messages are
    check_symbol's own.

    check_symbol is given, as the truth, the student's answer itself when its key's digest is
    ``digest`` (so it is right), and otherwise a symbol whose key differs from the answer's (so
    it is wrong, with ``hint``); None and non-strings reach check_symbol's own messages.
    """
    if isinstance(answer, str):
        right = answer_digest(answer) == digest
        truth = answer if right else answer + "?"      # "?" is kept by symbol_key: keys differ
    else:
        truth = "?"                                     # unused: not attempted, or not a string
    return check_symbol(name, answer, truth, hint=hint)


def check_min_char_rnn_states(hs_t, hs_minus_1):
    """Exercise 2: which of our states are min-char-rnn's ``hs[t]`` and ``hs[-1]``?

    hs_t, hs_minus_1: the student's answers, strings such as "h_t" (None until answered).
    Returns the two :class:`CheckResult`; a wrong answer gets a hint, not the answer.
    """
    return (check_hashed_symbol("hs[t]", hs_t, HS_T_DIGEST,
                                hint="xs[t] is our x_t: which of our states does x_t feed?"),
            check_hashed_symbol("hs[-1]", hs_minus_1, HS_MINUS_1_DIGEST,
                                hint="hs[-1] is the state before any input has been read."))
