"""Answers that are not functions: a prediction written before a cell reveals the truth, and a
symbol (such as ``h_{t+1}``) named in answer to a question. Each is compared with the truth in
every form a student may write it; neither is a test of code, so neither uses the machinery of
:mod:`rnnlib.exercises.core` beyond its :class:`~rnnlib.exercises.core.CheckResult`.
"""
import re

import numpy as np

from .core import CheckResult


def check_prediction(name, prediction, truth, *, why=""):
    """Compare a student's prediction, made before running the cell, with the computed truth.

    For predict-then-reveal cells: the student writes a guess into a variable (``None`` until
    they do), the cell computes ``truth``, and this says whether the guess was right. Numbers,
    strings and tuples compare by equality; arrays with ``np.array_equal``. Where the truth is
    a set (the question asks "which"), a list, tuple, set or array of the same members is
    right, in any order. ``why`` is shown after a wrong prediction: an explanation, since the
    truth is now on screen.
    """
    head = f"{name}: "
    if prediction is None:
        return CheckResult(name, "not attempted", head + "not attempted yet: write your "
                           "prediction in the variable first, then run this cell.")
    if isinstance(truth, np.ndarray):
        table = _as_array_or_none(prediction)
        if table is None or table.shape != truth.shape:
            got = "is not a table of numbers" if table is None else f"has shape {table.shape}"
            return CheckResult(name, "wrong", head + f"✗ your prediction {got}; the answer has "
                               f"shape {truth.shape} (see the cell's comment for the layout). "
                               "Rewrite it and run the cell again: the answer is not shown yet.")
    right = _same_prediction(prediction, truth)
    if right:
        return CheckResult(name, "correct", head + f"✓ your prediction {prediction!r} is right.")
    return CheckResult(name, "wrong", head + f"✗ you predicted {prediction!r}; the computed "
                       f"answer is {truth!r}." + (f"\n  {why}" if why else ""))


def _as_array_or_none(value):
    try:
        return np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        return None


def _same_prediction(prediction, truth):
    """Whether a prediction says what the truth says, in any of the forms a student writes."""
    try:
        if isinstance(truth, (set, frozenset)):
            return _as_set(prediction) == set(truth)
        if isinstance(truth, str):
            return isinstance(prediction, str) and \
                prediction.strip().lower() == truth.strip().lower()
        if isinstance(truth, (float, np.floating)) and isinstance(
                prediction, (int, float, np.integer, np.floating)) and not isinstance(prediction, bool):
            # a number read off a printed, rounded truth (1.41 for √2): within 1 %
            return abs(prediction - truth) <= 0.01 * abs(truth)
        if isinstance(truth, (tuple, np.ndarray)) or isinstance(prediction, np.ndarray):
            p, t = np.asarray(prediction, dtype=object), np.asarray(truth, dtype=object)
            return p.shape == t.shape and all(_same_prediction(a, b) for a, b in zip(
                p.ravel().tolist(), t.ravel().tolist()))
        return bool(prediction == truth)
    except Exception:                    # a prediction that cannot even be compared is wrong
        return False


def _as_set(prediction):
    """A prediction of "which" as a set: a set, a list, a tuple, an array, or one member.
    Members that are lists or arrays (a pair written [3, 0]) become tuples; numpy integers
    become ints."""
    if isinstance(prediction, np.ndarray):
        prediction = prediction.tolist()
    if isinstance(prediction, (set, frozenset, list, tuple, range)):
        return {_member(p) for p in prediction}
    return {_member(prediction)}


def _member(p):
    if isinstance(p, np.ndarray):
        p = p.tolist()
    if isinstance(p, (list, tuple)):
        return tuple(_member(q) for q in p)
    if isinstance(p, np.integer):
        return int(p)
    return p


def symbol_key(text):
    """A spelling-free form of a symbol with a subscript: ``h_{t+1}``, ``h_(t+1)``,
    ``h_t+1``, ``h[t + 1]`` and ``H_{t+1}`` all become ``ht+1``. The case of the letter
    before the subscript is ignored, not that of the subscript: ``h_T`` (the last state) is
    not ``h_t``."""
    key = re.sub(r"[\s_{}()\[\]]", "", text)
    return key[:1].lower() + key[1:]


def check_symbol(name, answer, truth, *, hint=""):
    """Check an answer written as a symbol, such as ``"h_{t+1}"``, whatever its spelling.

    ``h_{t+1}``, ``h_(t+1)``, ``h_t+1``, ``h[t+1]``, spaces and the case of the letter (``H_t``)
    all count as the same answer; the subscript's case counts (``h_T`` is not ``h_t``). Unlike
    :func:`check_prediction`, a wrong answer is not told the right one: it gets ``hint`` (which
    must not give the answer away), so the student can try again.
    """
    head = f"{name}: "
    if answer is None:
        return CheckResult(name, "not attempted", head + "not attempted yet: write your answer "
                           "in the variable first, then run this cell.")
    if not isinstance(answer, str):
        return CheckResult(name, "wrong", head + f"✗ write the answer as a string, such as "
                           f"\"h_t\"; got {type(answer).__name__} {answer!r}.")
    if symbol_key(answer) == symbol_key(truth):
        return CheckResult(name, "correct", head + f"✓ {answer!r} is right.")
    return CheckResult(name, "wrong", head + f"✗ not {answer!r}." + (f" {hint}" if hint else ""))
