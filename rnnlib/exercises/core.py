"""The machinery of the self-checking exercises: what an exercise is, and how a student's
function is checked against it. The exercises themselves live one module per notebook
(``nb01_forward_pass.py``, ...); to add one, append an :class:`Exercise` to the ``EXERCISES``
list of its notebook's module, and its model solution to the same-named module of
``rnnlib.solutions`` (tests/test_exercises.py then checks that the solution passes and that
each listed mistake is recognised).

How a diagnosis is made, in order:
1. An unattempted exercise (``raise NotImplementedError``) says so instead of failing, so a
   notebook still runs top to bottom; an exception or a missing ``return`` is reported.
2. Shapes before values: a wrong shape is named, with the expected one.
3. Typical mistakes are recognised by their output (a dropped term, a missing transpose, a
   sign error, a forgotten ReLU, ...): if your result equals what that mistake computes, the
   checker names it.
4. Otherwise, one term at a time: the inputs that feed all but one term are set to zero (as
   good autograders do) and the checker reports which terms are right and which are wrong.
"""
import re
from dataclasses import dataclass, field

import numpy as np

RTOL, ATOL = 1e-9, 1e-12


@dataclass(frozen=True)
class Exercise:
    """One exercise: what to compute, the reference, how to draw inputs, how to diagnose."""
    name: str
    equation: str            # the answer, in the notes' notation: shown only once it is right
    signature: str           # the function the student writes
    reference: object        # the library's answer: reference(*inputs)
    inputs: object           # rng -> tuple of inputs (one example)
    mistakes: tuple = ()     # (hint, function): a typical mistake, recognised by its output
    isolations: tuple = ()   # (description, transform of the inputs): all terms but one zeroed
    edge_cases: tuple = field(default=())   # extra fixed inputs (e.g. huge logits)
    error_hints: tuple = ()  # (exception class name, hint) for errors typical of this exercise
    task: str = ""           # what to compute, without giving the answer away (shown always)
    # (ex, fn, n_cases) -> CheckResult, for answers that are not one array (several outputs,
    # a whole backward pass); None: check_exercise
    checker: object = None


@dataclass(frozen=True)
class CheckResult:
    """What ``check`` found; it displays as its message. ``bool(result)`` is True if correct."""
    exercise: str
    status: str              # "correct", "not attempted", "wrong" or "error"
    message: str

    def __repr__(self):
        return self.message

    def __bool__(self):
        return self.status == "correct"


# --- building blocks for the catalogues -------------------------------------------------------

def zeroed(*indices):
    """An isolation transform: the inputs at these positions set to zero."""
    def transform(args):
        return tuple(np.zeros_like(a) if i in indices else a for i, a in enumerate(args))
    return transform


# --- checking --------------------------------------------------------------------------------

def _call(fn, args):
    """Run fn on copies of args: ("ok", result), ("not attempted", None) or ("error", exc)."""
    try:
        with np.errstate(all="ignore"):   # overflow is diagnosed from the result instead
            return "ok", fn(*(a.copy() if isinstance(a, np.ndarray) else a for a in args))
    except NotImplementedError:
        return "not attempted", None
    except Exception as exc:  # a student's bug is reported, not raised
        return "error", exc


def _same(got, expected):
    return got.shape == expected.shape and np.allclose(got, expected, rtol=RTOL, atol=ATOL)


def _as_array(value):
    try:
        return np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        return None


def _recognise(ex, results):
    """The hint of the first typical mistake that reproduces the student's output on every case."""
    for hint, mistake in ex.mistakes:
        matches = True
        for args, got in results:
            status, value = _call(mistake, args)
            if status != "ok" or got is None or not _same(got, np.asarray(value, float)):
                matches = False
                break
        if matches:
            return hint
    return None


def _shape_hint(got, expected):
    """A hint for common causes of a wrong shape."""
    if got.shape == () and expected.shape != ():
        return "You returned a single number (a loss, or a sum?); the result has shape " \
               f"{expected.shape}."
    if got.ndim == expected.ndim + 1 and got.shape[-1] == expected.shape[-1]:
        return "You got one dimension too many: `*` between a matrix and a vector multiplies " \
               "element-wise (and broadcasts); the matrix-vector product is `@`."
    if got.ndim < expected.ndim:
        return "You got too few dimensions: np.max reduces an array (np.maximum compares " \
               "element-wise), and a dot product of two vectors is a number, not a matrix."
    if got.shape == expected.shape[::-1]:
        return "Transposed: swap the order of the factors."
    if got.shape[1:] == expected.shape[1:] and got.shape[0] == expected.shape[0] - 1:
        return "One row short: histories have T+1 rows, t = 0..T (row 0 is time 0)."
    return None


def _error_hint(ex, exc, args):
    for name, hint in ex.error_hints:
        if type(exc).__name__ == name:
            return hint
    text = str(exc)
    if isinstance(exc, ValueError) and ("matmul" in text or "shape" in text or "broadcast" in text):
        hint = ("A shape error in a product usually means a missing or extra transpose: write "
                "down the shape of each factor.")
        if any(isinstance(a, np.ndarray) and a.ndim == 1 for a in args):
            hint += (" Note that `.T` does nothing to a 1-D array: for the outer product u vᵀ "
                     "use np.outer(u, v) or u[:, None] * v.")
        return hint
    if isinstance(exc, IndexError):
        return "An index is out of range: check where your loop starts and ends."
    return None


def _argument_names(signature):
    """The parameter names of a signature string such as ``"f(a, b=1)"``: ``["a", "b"]``."""
    inside = signature.split("(", 1)[1].rsplit(")", 1)[0] if "(" in signature else ""
    return [p.strip().split("=")[0].strip() for p in inside.split(",") if p.strip()]


def _show_first_case(ex, args, got):
    """Inputs, expected and received values of one case, when the result is small enough to read.

    Inputs too large to print are named with their shape, so the list is never empty.
    """
    expected = np.asarray(ex.reference(*args), float)
    if expected.size > 12:
        return ""
    fmt = lambda a: np.array2string(np.asarray(a, float), precision=3, suppress_small=True)  # noqa: E731
    names = _argument_names(ex.signature)
    names += [f"argument {i + 1}" for i in range(len(names), len(args))]
    shown, too_large = [], []
    for n, a in zip(names, args):
        if callable(a):
            continue
        if isinstance(a, np.ndarray) and a.size > 12:
            too_large.append(f"{n} (shape {a.shape})")
        else:
            shown.append(f"  {n} = {fmt(a) if isinstance(a, np.ndarray) else a}")
    if too_large:
        shown.append("  too large to print here: " + ", ".join(too_large))
    head = "\n  For this case:\n" + "\n".join(shown) if shown else "\n  On one test case:"
    return head + f"\n  expected {fmt(expected)}\n  got      {fmt(got)}"


def _isolate(ex, fn, args):
    """For each isolation, whether fn is right with all other terms zeroed."""
    lines = []
    for description, transform in ex.isolations:
        iso = transform(args)
        status, value = _call(fn, iso)
        got = _as_array(value) if status == "ok" else None
        right = got is not None and _same(got, np.asarray(ex.reference(*iso), float))
        lines.append(f"  {'right' if right else 'WRONG'}: {description}")
    return lines


def check_exercise(ex, fn, *, n_cases=3):
    """Check the student's function ``fn`` against the :class:`Exercise` ``ex``.

    fn is called with the exercise's inputs (see ``ex.signature``) on ``n_cases`` seeded
    random cases plus any edge cases. Nothing is raised: the returned :class:`CheckResult`'s
    message says what was found. A typical mistake is named only if it reproduces the
    student's output on every case.
    """
    name = ex.name
    cases = [ex.inputs(np.random.default_rng(seed)) for seed in range(n_cases)]
    cases += list(ex.edge_cases)
    # The equation is the answer: before the student has it right, say only what to compute.
    head = f"{name}: {ex.task or 'see the exercise text'}\n"

    def result(status, message):
        return CheckResult(name, status, head + message)

    outputs = []
    for args in cases:
        status, value = _call(fn, args)
        if status == "not attempted":
            return result(status, "not attempted yet: replace `raise NotImplementedError` with "
                                  "your code, then run this cell.")
        if status == "error":
            hint = _error_hint(ex, value, args)
            return result("error", f"✗ your function raised {type(value).__name__}: {value}"
                          + (f"\n  {hint}" if hint else ""))
        if value is None:
            return result("wrong", "✗ your function returned None: did you forget `return`?")
        got = _as_array(value)
        if got is None:
            expected = np.asarray(ex.reference(*args), float)
            return result("wrong", f"✗ expected an array of shape {expected.shape}; got "
                                   f"{type(value).__name__}")
        outputs.append((args, got))

    for args, got in outputs:
        expected = np.asarray(ex.reference(*args), float)
        if got.shape != expected.shape:
            hint = _recognise(ex, outputs) or _shape_hint(got, expected)
            return result("wrong", f"✗ wrong shape: expected {expected.shape}, got {got.shape}."
                          + (f"\n  {hint}" if hint else ""))
        if not np.all(np.isfinite(got)):
            return result("wrong", "✗ your result contains NaN or inf. With large values, exp "
                                   "overflows: subtract the maximum first.")
        if not _same(got, expected):
            hint = _recognise(ex, outputs)
            if hint:
                return result("wrong", f"✗ not yet right. {hint}")
            msg = f"✗ not yet right: largest difference {np.max(np.abs(got - expected)):.3g}."
            detail = _isolate(ex, fn, args)
            if detail:
                msg += "\n  Simpler cases, each isolating one part (other inputs set to zero):\n"
                msg += "\n".join(detail)
            else:
                msg += _show_first_case(ex, args, got)
            return result("wrong", msg)
    return result("correct", f"✓ correct on {len(cases)} test cases: {ex.equation}")


def check_prediction(name, prediction, truth, *, why=""):
    """Compare a student's prediction, made before running the cell, with the computed truth.

    For predict-then-reveal cells: the student writes a guess into a variable (``None`` until
    they do), the cell computes ``truth``, and this says whether the guess was right. Sets,
    tuples, strings and numbers compare by equality; arrays with ``np.array_equal``. ``why``
    is shown after a wrong prediction: an explanation, since the truth is now on screen.
    """
    head = f"{name}: "
    if prediction is None:
        return CheckResult(name, "not attempted", head + "not attempted yet: write your "
                           "prediction in the variable first, then run this cell.")
    if isinstance(truth, np.ndarray) or isinstance(prediction, np.ndarray):
        right = np.array_equal(np.asarray(prediction), np.asarray(truth))
    else:
        right = prediction == truth
    if right:
        return CheckResult(name, "correct", head + f"✓ your prediction {prediction!r} is right.")
    return CheckResult(name, "wrong", head + f"✗ you predicted {prediction!r}; the computed "
                       f"answer is {truth!r}." + (f"\n  {why}" if why else ""))


def _symbol_key(text):
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
    if _symbol_key(answer) == _symbol_key(truth):
        return CheckResult(name, "correct", head + f"✓ {answer!r} is right.")
    return CheckResult(name, "wrong", head + f"✗ not {answer!r}." + (f" {hint}" if hint else ""))
