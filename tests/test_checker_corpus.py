"""The corpus of right and wrong answers (tests/checker_corpus) against the exercise checkers.

Every wrong answer must be rejected, every right answer accepted; a message for a wrong answer
must not print the expected values, must name the argument an in-place writer wrote into, and
must be short and free of cut signature text. Run as a script, this file prints the table of
rejected/accepted counts per exercise and lists the corpus entries the checker gets wrong.

    python -m pytest -q tests/test_checker_corpus.py -p no:cacheprovider
    python tests/test_checker_corpus.py
"""
import re
import sys
from dataclasses import fields, is_dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import pytest

if __name__ == "__main__":                       # the repository's rnnlib, not an installed one
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    sys.path.insert(0, str(Path(__file__).resolve().parent))

import rnnlib                                    # noqa: E402
from rnnlib.exercises import EXERCISES, check    # noqa: E402
from rnnlib.exercises import nb04_hidden_state_gradient as nb04_checker   # noqa: E402

import checker_corpus as corpus                  # noqa: E402

MAX_LINES = 25


# --- running the corpus (each check once) -----------------------------------------------------

@lru_cache(maxsize=None)
def verdict(name, kind, index):
    """The CheckResult of corpus entry RIGHT[name][index] or WRONG[name][index]."""
    answer = corpus.RIGHT[name][index] if kind == "right" else corpus.WRONG[name][index][1]
    if name == corpus.BY_HAND:
        return nb04_checker.check_by_hand_backward(answer)
    return check(name, answer)


def right_label(name, index):
    answer = corpus.RIGHT[name][index]
    if name == corpus.BY_HAND:
        return f"answers as {type(answer['dh_0']).__name__}s"
    return corpus.label(answer)


def summary():
    """{name: (wrong rejected, wrong total, right accepted, right total, accepted wrong labels,
    rejected right labels)}."""
    rows = {}
    for name in corpus.WRONG:
        wrong = [verdict(name, "wrong", i) for i in range(len(corpus.WRONG[name]))]
        right = [verdict(name, "right", i) for i in range(len(corpus.RIGHT[name]))]
        rows[name] = (sum(r.status != "correct" for r in wrong), len(wrong),
                      sum(r.status == "correct" for r in right), len(right),
                      [corpus.WRONG[name][i][0] for i, r in enumerate(wrong) if r.status == "correct"],
                      [right_label(name, i) for i, r in enumerate(right) if r.status != "correct"])
    return rows


def summary_lines(details=False):
    rows = summary()
    width = max(map(len, rows))
    lines = [f"{name:<{width}}: {rej}/{n_wrong} wrong rejected, {acc}/{n_right} right accepted"
             for name, (rej, n_wrong, acc, n_right, _, _) in rows.items()]
    if details:
        for name, (*_, accepted, rejected) in rows.items():
            lines += [f"  ACCEPTED wrong  {name}: {label}" for label in accepted]
            lines += [f"  REJECTED right  {name}: {label}" for label in rejected]
    return lines


# --- what the checker computes on, and the values it must not print ---------------------------

def _numbers(value):
    """Every float in value (arrays, lists, tuples, dicts, Params, Trace, Grads), flattened."""
    if value is None or callable(value) and not is_dataclass(value):
        return []
    if isinstance(value, dict):
        return [v for item in value.values() for v in _numbers(item)]
    if is_dataclass(value):
        return [v for f in fields(value) for v in _numbers(getattr(value, f.name))]
    if isinstance(value, (list, tuple)):
        try:
            return list(np.asarray(value, dtype=float).ravel())
        except (TypeError, ValueError):
            return [v for item in value for v in _numbers(item)]
    try:
        return list(np.asarray(value, dtype=float).ravel())
    except (TypeError, ValueError):
        return []


def _copy(a):
    if isinstance(a, np.ndarray):
        return a.copy()
    if isinstance(a, rnnlib.Trace):
        return rnnlib.Trace(**{f.name: getattr(a, f.name).copy() for f in fields(a)})
    return a


def _run(fn, args):
    try:
        with np.errstate(all="ignore"):
            return fn(*(_copy(a) for a in args))
    except Exception:                            # a wrong answer may raise: nothing to exclude
        return None


def checker_cases(name):
    """The inputs the checker itself uses: seeds 0..2 and the exercise's edge cases."""
    ex = EXERCISES[name]
    return [ex.inputs(np.random.default_rng(seed)) for seed in range(3)] + list(ex.edge_cases)


def _tokens(v):
    """How a number may appear in a message: 3 significant digits, or as numpy prints it."""
    a = abs(float(v))
    out = {f"{a:.3g}", np.format_float_positional(a, precision=3, trim="-"),
           np.format_float_positional(a, precision=3, unique=False, trim="k"),
           np.format_float_scientific(a, precision=3, trim="-"),
           np.format_float_scientific(a, precision=2, trim="-"),
           np.format_float_scientific(a, precision=3, unique=False, trim="k")}
    return {t for t in out if t not in ("0", "0.", "0.0", "1", "1.", "1.0", "1.000", "0.000")}


# Indices, time steps, unit numbers and shapes are numbers too; they are not values.
_NOT_VALUES = [r"\b[tTkis]\s*=\s*(T\s*=\s*)?\d+", r"\b[tTk]\s*[+\-]\s*\d+",
               r"\b(unit|units|step|steps|row|rows|entry|entries|case|cases|argument)\s+\d+",
               r"\d+\s+(test cases|sequences|entries|values|results|rows|numbers)",
               r"\[\d+\]", r"_\{[^}]*\}", r"_\d+", r"\(\d+(,\s*\d*)*\)", r"\b\d+\s*[×x]\s*\d+",
               r"ε²", r"\b(float|int)\d+", r"\bsize\s+\d+"]  # numpy's shape errors: sizes


def _values_part(message):
    for pattern in _NOT_VALUES:
        message = re.sub(pattern, " ", message)
    return message


def leaked_values(name, fn):
    """Expected values (by our own right answer) that the message for fn prints."""
    message = _values_part(repr(verdict_of(name, fn)))
    if name == corpus.BY_HAND:
        expected = [(corpus.nb04.BY_HAND_INPUT_VALUES, _numbers(corpus.RIGHT[name][0]),
                     _numbers(fn))]
    else:
        ours = corpus.RIGHT[name][0]
        expected = [(_numbers(list(args)), _numbers(_run(ours, args)), _numbers(_run(fn, args)))
                    for args in checker_cases(name)]
    leaks = set()
    for inputs, values, own in expected:
        # a value the student's own function returned, or an input, is no secret
        known = {t for v in [*inputs, *own] if np.isfinite(v) for t in _tokens(v)}
        for v in values:
            if not np.isfinite(v) or abs(v) in (0.0, 1.0):
                continue
            for token in _tokens(v) - known:
                if re.search(r"(?<![\d.])" + re.escape(token) + r"(?!\d)", message):
                    leaks.add(token)
    return sorted(leaks)


def verdict_of(name, fn):
    for i, (_, wrong) in enumerate(corpus.WRONG[name]):
        if wrong is fn:
            return verdict(name, "wrong", i)
    raise LookupError(fn)


# --- the tests --------------------------------------------------------------------------------

WRONG_CASES = [pytest.param(name, i, id=f"{name}-{i}-{label}")
               for name, entries in corpus.WRONG.items() for i, (label, _) in enumerate(entries)]
RIGHT_CASES = [pytest.param(name, i, id=f"{name}-{right_label(name, i)}")
               for name, answers in corpus.RIGHT.items() for i in range(len(answers))]
WRITERS = [pytest.param(name, i, id=f"{name}-{i}-{label}")
           for name, entries in corpus.WRONG.items() for i, (label, fn) in enumerate(entries)
           if getattr(fn, "writes_into", None)]


@pytest.fixture(autouse=True)
def _note_corpus_ran(request):
    """Tells the summary hook of conftest.py that the corpus ran."""
    request.config._checker_corpus_lines = summary_lines


def test_every_exercise_has_a_corpus():
    assert set(EXERCISES) | {corpus.BY_HAND} == set(corpus.WRONG) == set(corpus.RIGHT)
    for name in corpus.WRONG:
        assert len(corpus.RIGHT[name]) >= 2 and len(corpus.WRONG[name]) >= 8, name


@pytest.mark.parametrize("name, index", WRONG_CASES)
def test_wrong_answer_is_rejected(name, index):
    result = verdict(name, "wrong", index)
    assert result.status != "correct", f"{corpus.WRONG[name][index][0]!r} accepted:\n{result!r}"


@pytest.mark.parametrize("name, index", RIGHT_CASES)
def test_right_answer_is_accepted(name, index):
    result = verdict(name, "right", index)
    assert result.status == "correct", repr(result)


@pytest.mark.parametrize("name, index", WRONG_CASES)
def test_message_does_not_print_expected_values(name, index):
    label, fn = corpus.WRONG[name][index]
    leaks = leaked_values(name, fn)
    assert not leaks, f"the message for {label!r} prints expected values {leaks}:\n" \
                      f"{verdict(name, 'wrong', index)!r}"


@pytest.mark.parametrize("name, index", WRITERS)
def test_message_names_the_argument_written_into(name, index):
    label, fn = corpus.WRONG[name][index]
    message = repr(verdict(name, "wrong", index))
    assert f"wrote into `{fn.writes_into}`" in message, message


@pytest.mark.parametrize("name, index, kind",
                         [pytest.param(*c.values, "wrong", id=c.id) for c in WRONG_CASES]
                         + [pytest.param(*c.values, "right", id=c.id) for c in RIGHT_CASES])
def test_message_is_short_and_has_no_cut_signature(name, index, kind):
    message = repr(verdict(name, kind, index))
    assert len(message.splitlines()) <= MAX_LINES, message
    assert "# " not in message and ")  " not in message, message
    for line in message.splitlines():        # a signature cut at a comma leaves "(T+1" behind
        assert line.count("(") == line.count(")"), line


def problem_lines():
    """What the tests find besides the verdicts: leaked values, unnamed writes, long or cut
    messages (one line per corpus entry)."""
    lines = []
    for name, entries in corpus.WRONG.items():
        for index, (label, fn) in enumerate(entries):
            message = repr(verdict(name, "wrong", index))
            leaks = leaked_values(name, fn)
            if leaks:
                lines.append(f"  LEAKS expected  {name}: {label}: {', '.join(leaks)}")
            written = getattr(fn, "writes_into", None)
            if written and f"wrote into `{written}`" not in message:
                lines.append(f"  NOT NAMED       {name}: {label}: `{written}`")
            if len(message.splitlines()) > MAX_LINES or "# " in message:
                lines.append(f"  LONG OR CUT     {name}: {label}")
    return lines


if __name__ == "__main__":
    print("\n".join(summary_lines(details=True) + problem_lines()))
