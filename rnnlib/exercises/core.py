"""The machinery of the self-checking exercises: what an exercise is, and how a student's
function is checked against it. The exercises themselves live one module per notebook
(``nb01_forward_pass.py``, ...); to add one, append an :class:`Exercise` to the ``EXERCISES``
list of its notebook's module, with its catalogue of typical mistakes, and its model solution
to the same-named module of ``rnnlib.solutions``.

The catalogue (``Exercise.mistakes``) is read twice: by the checker, which names a mistake
when the student's output is what that mistake computes, and by the tests
(tests/test_exercises.py, tests/test_checker_corpus.py), which make sure every listed mistake
is rejected and named.

How a diagnosis is made, in order:
1. An unattempted exercise (``raise NotImplementedError``) says so instead of failing, so a
   notebook still runs top to bottom; an exception or a missing ``return`` is reported.
2. The function runs on copies of its inputs, and the copies are compared afterwards: a
   function that writes into an argument is wrong even if it returns the right values.
3. Shapes before values: a wrong shape is named, with the shape it should have.
4. Typical mistakes are recognised by their output (a dropped term, a missing transpose, a
   sign error, ReLU'(0) = 1, ...): if the result equals what that mistake computes on every
   test case, the checker names it.
5. Otherwise it says what differs, never the expected values: which entries (time step, unit),
   by how much relative to the right size, and what kind of error it looks like (a sign, a
   constant factor, a transpose, a shift by one step); then, where the exercise has them, it
   sets all terms but one to zero and says which terms are right.

Longer than our ~300-line modules because these five steps are one procedure that every
exercise shares: running on copies and naming writes, the shape checks, the catalogue, and the
description of a difference read best beside each other. Predictions and symbols, which are not
functions to run, are checked in ``predictions.py``.
"""
import ast
import warnings
from dataclasses import dataclass, field, fields, is_dataclass, replace

import numpy as np

RTOL, ATOL = 1e-9, 1e-12

NOT_ATTEMPTED = "not attempted yet: replace `raise NotImplementedError` with your code, then " \
                "run this cell."


@dataclass(frozen=True)
class Exercise:
    """One exercise: what to compute, the reference, how to draw inputs, how to diagnose.

    reference(*inputs) computes the right answer from rnnlib's public functions; inputs(rng)
    draws one test case (sizes vary from case to case, so hard-coded sizes fail);
    mistakes: the catalogue, (hint, function computing that mistake); axes: what each axis of
    the answer means, for messages ("time step t = ", "unit "); tolerance(args) -> (rtol,
    atol): how near is right (default: RTOL, ATOL).
    """
    name: str
    equation: str            # the answer, in the notes' notation: shown only once it is right
    signature: str           # the function the student writes
    reference: object        # the library's answer: reference(*inputs)
    inputs: object           # rng -> tuple of inputs (one example)
    mistakes: tuple = ()     # (hint, function): a typical mistake, recognised by its output
    isolations: tuple = ()   # (description, transform of the inputs): all terms but one zeroed
    edge_cases: tuple = field(default=())   # extra fixed inputs (exact zeros, huge logits)
    error_hints: tuple = ()  # (exception class name, hint) for errors typical of this exercise
    task: str = ""           # what to compute, without giving the answer away (shown always)
    axes: tuple = ()         # the answer's axes as message prefixes: ("time step t = ", "unit ")
    tolerance: object = None  # args -> (rtol, atol) for answers that are approximations
    nan_hint: str = ""       # the likely cause of NaN or inf in this exercise's answers
    shape_hint: str = ""     # the likely cause of a wrong size (same number of axes) here
    # (ex, fn, n_cases) -> CheckResult, for answers that are not one array (several outputs,
    # a whole backward pass); None: check_exercise
    checker: object = None

    @property
    def argument_names(self):
        """The parameter names of the function the student writes, parsed from ``signature``."""
        return argument_names(self.signature)


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


def argument_names(signature):
    """The parameter names of a signature string such as ``"f(a, b=1) -> c  # a: (n,)"``.

    Parsed as Python (a comment after the signature is dropped first), so parentheses in
    comments or return annotations cannot cut a name.
    """
    code = signature.split("#", 1)[0].strip()
    tree = ast.parse(f"def {code}:\n    pass")
    return [a.arg for a in tree.body[0].args.args]


# --- running the student's function on copies ---------------------------------------------------

def snapshot(value):
    """A deep copy of an argument: arrays, and the arrays of a dataclass (Params, Trace)."""
    if isinstance(value, np.ndarray):
        return value.copy()
    if is_dataclass(value) and not isinstance(value, type):
        return replace(value, **{f.name: snapshot(getattr(value, f.name))
                                 for f in fields(value) if f.init})
    if isinstance(value, (list, tuple)):
        return type(value)(snapshot(v) for v in value)
    return value


def written(names, originals, given):
    """The names of the arguments (or ``arg.field``) whose arrays differ after the call."""
    found = []
    for name, before, after in zip(names, originals, given):
        if isinstance(before, np.ndarray):
            if not _identical(before, after):
                found.append(name)
        elif is_dataclass(before) and not isinstance(before, type):
            found += [f"{name}.{f.name}" for f in fields(before)
                      if isinstance(getattr(before, f.name), np.ndarray)
                      and not _identical(getattr(before, f.name), getattr(after, f.name))]
    return found


def _identical(a, b):
    """Unchanged, up to round-off: x[i] += eps, then x[i] -= eps may leave the last bit."""
    if not (isinstance(b, np.ndarray) and a.shape == b.shape and a.dtype == b.dtype):
        return False
    if a.dtype.kind != "f":
        return np.array_equal(a, b)
    return np.allclose(a, b, rtol=1e-12, atol=0, equal_nan=True)


def run_on_copies(fn, args, names):
    """Run fn on copies of args: (status, value, written names).

    status is "ok", "not attempted" or "error" (then value is the exception).
    """
    given = [snapshot(a) for a in args]
    try:
        # overflow is diagnosed from the result instead; a warnings filter the function sets
        # is undone when it returns
        with np.errstate(all="ignore"), warnings.catch_warnings():
            value = fn(*given)
    except NotImplementedError:
        return "not attempted", None, []
    except Exception as exc:  # a student's bug is reported, not raised
        target = read_only_target(exc, names, given)
        return "error", exc, [target] if target else []
    names = list(names) + [f"argument {i + 1}" for i in range(len(names), len(args))]
    return "ok", value, written(names, args, given)


def in_place_message(names):
    """The message for a function that wrote into its arguments."""
    where = ", ".join(f"`{n}`" for n in names)
    return (f"✗ your function wrote into {where} (an argument): the caller's array is changed, "
            "and its next use (the next time step, the next check) reads wrong values. Leave "
            "the arguments as they are: compute into a new array (or a copy) instead of "
            "assigning into an argument or using an in-place operator (`*=`, `+=`, `x[...] =`) "
            "on it.")


# --- comparing --------------------------------------------------------------------------------

def same(got, expected, rtol=RTOL, atol=ATOL):
    """Same shape and the same values, within rtol, atol."""
    return got.shape == expected.shape and np.allclose(got, expected, rtol=rtol, atol=atol)


def as_numbers(value):
    """The student's result as a float array, or None if it is not an array of numbers
    (bool and int arrays count: a mask of 0s and 1s is a right form of a mask)."""
    if isinstance(value, (tuple, list)) and value and all(
            isinstance(v, np.ndarray) and v.ndim >= 1 for v in value):
        return None            # several arrays: reported as "returned several values"
    try:
        if np.iscomplexobj(value):
            return None                          # reported as complex, not silently cut
        array = np.array(value, dtype=float)     # a copy: never an alias of rnnlib's buffers
    except Exception:                            # not numbers, or an object that fails
        return None
    return array


def _not_numbers(value, expected_shape):
    """The message for a result that is not an array of real numbers."""
    if isinstance(value, (tuple, list)) and value and all(
            isinstance(v, np.ndarray) and v.ndim >= 1 for v in value):
        return (f"✗ your function returned {len(value)} values (a {type(value).__name__}); "
                f"return one array of shape {expected_shape}.")
    try:
        if np.iscomplexobj(value):
            return ("✗ your result has complex entries: every quantity here is real (a "
                    "complex number crept in, e.g. from a power of a negative number or 1j).")
    except Exception:
        pass
    return f"✗ expected an array of shape {expected_shape}; got {type(value).__name__}."


def _index_text(index, axes):
    if not axes or len(axes) != len(index):
        return "entry " + str(tuple(int(i) for i in index)) if len(index) > 1 \
            else f"entry {int(index[0])}"
    return ", ".join(f"{axis}{int(i)}" for axis, i in zip(axes, index))


def describe_difference(got, expected, axes=(), *, rtol=RTOL, atol=ATOL, backwards=False):
    """What differs between the student's array and the right one, without the right values.

    Names the kind of error when one fits every entry (all zeros, the sign, a constant factor,
    a transpose, a shift by one along the first axis), then where (the first wrong entry,
    counted from the end if ``backwards``, as a backward pass computes them), how many entries
    are wrong and the size of the error relative to the right answer's size.
    """
    norm = np.linalg.norm(expected)
    relative = np.linalg.norm(got - expected) / norm if norm > 0 else np.inf
    kind = None
    if not got.any():
        kind = "every entry of your result is 0"
    elif norm > 0 and np.allclose(got, -expected, rtol=rtol, atol=atol):
        kind = "every entry has the right size but the wrong sign"
    elif norm > 0 and relative < 1e-4:
        kind = ("your result is close to the right one but not equal (float32 arithmetic, a "
                "rounding, an approximation, or a small ε of your own where the exercise gives "
                "one or needs none?)")
    elif norm > 0:
        factor = float(np.vdot(got, expected) / norm ** 2)
        if np.allclose(got, factor * expected, rtol=1e-7, atol=atol) and abs(factor) > 1e-9:
            kind = (f"your result is {factor:.3g} times the right one: a constant factor "
                    "(a ½, a 2, a division by a size?) is wrong")
    if kind is None and np.all(got == np.round(got)) and not np.all(expected == np.round(expected)):
        kind = ("your result holds only whole numbers: an integer array (dtype=int, or "
                "np.zeros_like of an int array) cuts off what is added to it")
    if kind is None and got.ndim == 2 and got.shape[0] == got.shape[1] \
            and np.allclose(got, expected.T, rtol=rtol, atol=atol):
        kind = "your result is the transpose of the right one: row i must belong to unit i"
    if kind is None and got.ndim >= 1 and got.shape[0] > 2:
        axis = axes[0].split("=")[0].strip() if axes else "row"
        if np.allclose(got[1:], expected[:-1], rtol=rtol, atol=atol):
            kind = (f"shifted by one along the first axis ({axis}): your row k holds what "
                    "belongs in row k − 1")
        elif np.allclose(got[:-1], expected[1:], rtol=rtol, atol=atol):
            kind = (f"shifted by one along the first axis ({axis}): your row k holds what "
                    "belongs in row k + 1")
    where = locate(got, expected, axes, rtol=rtol, atol=atol, backwards=backwards)
    where += (f"; the error is {_percent(relative)} of the right answer's size (2-norm)"
              if norm > 0 else "; here the right answer is all zeros")
    return (f"{kind[0].upper()}{kind[1:]}; " if kind else "") + where + "."


def locate(got, expected, axes=(), *, rtol=RTOL, atol=ATOL, backwards=False):
    """Where got differs from expected: "3 of 12 entries are wrong; the first is at time step
    t = 4, unit 1" (counted from the end if ``backwards``, as a backward pass computes them)."""
    wrong = ~np.isclose(got, expected, rtol=rtol, atol=atol)
    indices = np.argwhere(wrong)
    if not len(indices):
        return "every entry is right"
    first = indices[-1] if backwards else indices[0]
    n = int(wrong.sum())
    return (f"{n} of {wrong.size} entries {'is' if n == 1 else 'are'} wrong; the first"
            f"{' (going backwards)' if backwards else ''} is at {_index_text(first, axes)}")


def _percent(relative):
    """A relative error for a message: 48%, or 0.0012% when small."""
    if not np.isfinite(relative):
        return "∞"
    return f"{relative:.0%}" if relative >= 0.01 else f"{100 * relative:.2g}%"


def _shape_hint(got, expected, axes=()):
    """A hint for common causes of a wrong shape; ``axes`` of the answer, as in Exercise."""
    over_time = bool(axes) and axes[0].startswith("time step")
    if got.shape == () and expected.shape != ():
        return (f"You returned a single number (a loss, or a sum over everything?); the result "
                f"has shape {expected.shape}.")
    if got.shape == expected.shape[::-1]:
        return ("Your result is transposed: its axes are in the wrong order (check the order "
                "of the factors of a product, or a `.T` too many).")
    if got.ndim == expected.ndim + 1:
        if got.ndim == 2 and got.shape[0] == got.shape[1]:
            return ("You returned a matrix where a vector is asked: an outer product, or a "
                    "vector broadcast against another? An element-wise operation keeps the "
                    "vector's shape.")
        return ("One dimension too many: `*` between a matrix and a vector multiplies "
                "element-wise and broadcasts; a matrix-vector product is `@`.")
    if got.ndim < expected.ndim:
        return ("Too few dimensions: `*` or np.dot of two vectors gives a vector or a number, "
                "not a matrix; and np.sum or np.max without an axis reduces everything.")
    if over_time and got.ndim == expected.ndim and got.shape[0] == expected.shape[0] - 1:
        return "One row short: histories have T+1 rows, t = 0..T (row 0 is time 0)."
    if over_time and got.ndim == expected.ndim and got.shape[0] == expected.shape[0] + 1:
        return "One row too many: count the rows your loop writes (rows t = 0..T)."
    if got.ndim == expected.ndim == 2 and sorted(got.shape) != sorted(expected.shape):
        return ("The sizes of your result are not those of the answer: check the order and "
                "the transposes of the factors of each product (write down each shape), and "
                "take every size from the arguments (e.g. W_hh.shape[0]), never a fixed number.")
    if got.ndim == expected.ndim:
        return ("The sizes change from one test case to the next: take every size from the "
                "arguments (e.g. W_hh.shape[0]), never a fixed number.")
    return None


def read_only_target(exc, names, given):
    """For numpy's "assignment destination is read-only" (rnnlib.Params' arrays are): which
    argument, or ``arg.field``, the student's code was writing into (found among the arrays
    the failing frame holds), else None."""
    if not isinstance(exc, ValueError) or "read-only" not in str(exc):
        return None
    tb = exc.__traceback__
    while tb.tb_next is not None:
        tb = tb.tb_next
    held = [v for v in tb.tb_frame.f_locals.values() if isinstance(v, np.ndarray)]
    for name, value in zip(names, given):
        arrays = [(name, value)] if isinstance(value, np.ndarray) else \
            [(f"{name}.{f.name}", getattr(value, f.name)) for f in fields(value)] \
            if is_dataclass(value) and not isinstance(value, type) else []
        for label, array in arrays:
            if any(v is array or v.base is array for v in held):
                return label
    return "an argument"


def error_hint(ex, exc, args):
    """A hint for an exception typical of this exercise, or of products in general."""
    text = str(exc)
    for name, hint, *needle in ex.error_hints:       # (class name, hint[, text it contains])
        if type(exc).__name__ == name and all(n in text for n in needle):
            return hint
    if isinstance(exc, ValueError) and "truth value of an array" in text:
        return ("`if` or `and`/`or` on an array: a comparison such as z > 0 gives one bool per "
                "entry, so decide entry by entry (np.where, or multiply by the comparison) "
                "instead of with if/else.")
    if isinstance(exc, ValueError) and ("matmul" in text or "shape" in text or "broadcast" in text):
        hint = ("A shape error in a product usually means a missing or extra transpose: write "
                "down the shape of each factor.")
        if any(isinstance(a, np.ndarray) and a.ndim == 1 for a in args):
            hint += (" Note that `.T` does nothing to a 1-D array: for the outer product u vᵀ "
                     "use np.outer(u, v) or u[:, None] * v.")
        return hint
    if isinstance(exc, IndexError):
        return "An index is out of range: check where your loop starts and ends."
    if isinstance(exc, NameError):
        return "A name is not defined: use only the function's arguments (and np)."
    return None


def _tolerance(ex, args):
    return ex.tolerance(args) if ex.tolerance else (RTOL, ATOL)


def _is_close(ex, got, expected, args):
    return same(got, expected, *_tolerance(ex, args))


def _reproduces(ex, got, value, args):
    """Whether a mistake's value is the student's result: NaN at the same places (a mistake
    that divides 0 by 0 is recognised by its NaN), close everywhere else."""
    nan = np.isnan(got)
    return np.array_equal(nan, np.isnan(value)) and _is_close(ex, got[~nan], value[~nan], args)


def recognise(ex, results):
    """The hint of the first typical mistake that reproduces the student's output on every case."""
    for hint, mistake in ex.mistakes:
        matches = True
        for args, got in results:
            status, value, _ = run_on_copies(mistake, args, ex.argument_names)
            value = as_numbers(value) if status == "ok" else None
            if value is None or value.shape != got.shape or not _reproduces(ex, got, value, args):
                matches = False
                break
        if matches:
            return hint
    return None


def _isolate(ex, fn, args):
    """For each isolation, whether fn is right with all other terms zeroed."""
    lines = []
    for description, transform in ex.isolations:
        iso = transform(args)
        status, value, _ = run_on_copies(fn, iso, ex.argument_names)
        got = as_numbers(value) if status == "ok" else None
        right = got is not None and _is_close(ex, got, np.asarray(ex.reference(*iso), float), iso)
        lines.append(f"  {'right' if right else 'WRONG'}: {description}")
    return lines


def cases_of(ex, n_cases):
    """The seeded random cases, then the fixed edge cases."""
    return [ex.inputs(np.random.default_rng(seed)) for seed in range(n_cases)] + \
        list(ex.edge_cases)


AGAIN = ("✗ called a second time with the same inputs, your function returned something "
         "else: it keeps state between calls (a mutable default argument, a global or a "
         "cache that it adds to). Start every call from fresh arrays.")


def _same_again(ex, fn, first):
    """AGAIN if fn, run once more on the first case, disagrees with its first result."""
    args, got = first
    status, value, _ = run_on_copies(fn, args, ex.argument_names)
    again = as_numbers(value) if status == "ok" else None
    return None if again is not None and same(again, got) else AGAIN


def check_exercise(ex, fn, *, n_cases=3):
    """Check the student's function ``fn`` against the :class:`Exercise` ``ex``.

    fn is called with the exercise's inputs (see ``ex.signature``) on ``n_cases`` seeded
    random cases plus any edge cases. Nothing is raised: the returned :class:`CheckResult`'s
    message says what was found. A typical mistake is named only if it reproduces the
    student's output on every case. No message shows the expected values.
    """
    name = ex.name
    cases = cases_of(ex, n_cases)
    # The equation is the answer: before the student has it right, say only what to compute.
    head = f"{name}: {ex.task or 'see the exercise text'}\n"

    def result(status, message):
        return CheckResult(name, status, head + message)

    outputs, wrote = [], []
    for args in cases:
        status, value, changed = run_on_copies(fn, args, ex.argument_names)
        if status == "not attempted":
            return result(status, NOT_ATTEMPTED)
        if status == "error":
            if changed:
                return result("error", in_place_message(changed) + f"\n  (It raised "
                              f"{type(value).__name__}: {value}: rnnlib.Params are read-only.)")
            hint = error_hint(ex, value, args)
            return result("error", f"✗ your function raised {type(value).__name__}: {value}"
                          + (f"\n  {hint}" if hint else ""))
        if value is None:
            return result("wrong", "✗ your function returned None: did you forget `return`?")
        expected = np.asarray(ex.reference(*args), float)
        got = as_numbers(value)
        if got is None:
            return result("wrong", _not_numbers(value, expected.shape))
        outputs.append((args, got))
        wrote += [n for n in changed if n not in wrote]

    for args, got in outputs:
        expected = np.asarray(ex.reference(*args), float)
        if got.shape != expected.shape:
            own = ex.shape_hint if got.ndim == expected.ndim else ""
            hint = recognise(ex, outputs) or own or _shape_hint(got, expected, ex.axes)
            return result("wrong", f"✗ wrong shape: your result has shape {got.shape}; it "
                          f"should have shape {expected.shape}." + (f"\n  {hint}" if hint else ""))
        if not np.all(np.isfinite(got)):
            where = (" (first at " + _index_text(np.argwhere(~np.isfinite(got))[0], ex.axes)
                     + ")") if got.ndim else ""
            # a catalogued mistake that gives the same NaN says which arithmetic made it
            hint = recognise(ex, outputs) or ex.nan_hint or (
                "a division by zero (a norm or a sum that can be 0 on some input?) or an overflow.")
            return result("wrong", f"✗ your result contains NaN or inf{where}: " + hint)
    wrong_case = next(((args, got) for args, got in outputs
                       if not _is_close(ex, got, np.asarray(ex.reference(*args), float), args)),
                      None)
    if wrong_case is None and not wrote:
        again = _same_again(ex, fn, outputs[0])
        if again:
            return result("wrong", again)
        return result("correct", f"✓ correct on {len(cases)} test cases: {ex.equation}")
    lines = [in_place_message(wrote)] if wrote else []
    if wrong_case is not None:
        args, got = wrong_case
        hint = recognise(ex, outputs)
        expected = np.asarray(ex.reference(*args), float)
        backwards = bool(ex.axes) and ex.axes[0].startswith("time step")
        rtol, atol = _tolerance(ex, args)
        if hint:
            lines.append(f"✗ not yet right. {hint}")
            where = locate(got, expected, ex.axes, rtol=rtol, atol=atol, backwards=backwards)
            lines.append(f"  ({where}.)")
        else:
            lines.append("✗ not yet right. " + describe_difference(
                got, expected, ex.axes, rtol=rtol, atol=atol, backwards=backwards))
            near = np.linalg.norm(got - expected) < 1e-4 * np.linalg.norm(expected)
            detail = [] if near else _isolate(ex, fn, args)
            if detail:
                lines.append("  Simpler cases, each isolating one part (other inputs set to "
                             "zero):")
                lines += detail
    return result("wrong", "\n".join(lines))
