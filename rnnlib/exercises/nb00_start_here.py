"""The exercises of notebook 00 · Start here.

Its exercises are answers written as symbols ("h_{t+1}"), checked whatever their spelling; it
has no function to write, so it has no ``EXERCISES`` list and is not in ``NOTEBOOKS``.
"""
from .core import check_symbol


def check_min_char_rnn_states(hs_t, hs_minus_1):
    """Exercise 2: which of our states are min-char-rnn's ``hs[t]`` and ``hs[-1]``?

    hs_t, hs_minus_1: the student's answers, strings such as "h_t" (None until answered).
    Returns the two :class:`CheckResult`; a wrong answer gets a hint, not the answer.
    """
    return (check_symbol("hs[t]", hs_t, "h_{t+1}",
                         hint="xs[t] is our x_t: which of our states does x_t feed?"),
            check_symbol("hs[-1]", hs_minus_1, "h_0",
                         hint="hs[-1] is the state before any input has been read."))
