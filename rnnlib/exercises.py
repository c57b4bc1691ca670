"""Exercises that check themselves: the student writes one equation as a function, and
``check(name, function)`` compares it with the library on random inputs and says what is
wrong, not just that something is.

    def my_hidden_grad(W_yh, W_hh, dy_t, dh_hat_next):
        raise NotImplementedError      # replace with your code
    check("hidden_grad", my_hidden_grad)   # -> "not attempted yet ..."

How a diagnosis is made, in order:
1. An unattempted exercise (``raise NotImplementedError``) says so instead of failing, so a
   notebook still runs top to bottom; an exception or a missing ``return`` is reported.
2. Shapes before values: a wrong shape is named, with the expected one.
3. Typical mistakes are recognised by their output (a dropped term, a missing transpose, a
   sign error, a forgotten ReLU, ...): if your result equals what that mistake computes, the
   checker names it.
4. Otherwise, one term at a time: the inputs that feed all but one term are set to zero (as
   good autograders do) and the checker reports which terms are right and which are wrong.

Exercises are one example at a time (column vectors, ``W @ v``), as in the notes.
``show_solution(name)`` prints a model solution, unless this is a hand-out copy.
"""
import inspect
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .bptt import dW_yh_term, hidden_grad
from .losses import softmax
from .model import pre_activation, relu

RTOL, ATOL = 1e-9, 1e-12


@dataclass(frozen=True)
class Exercise:
    """One exercise: what to compute, the reference, how to draw inputs, how to diagnose."""
    name: str
    equation: str            # in the notes' notation
    signature: str           # the function the student writes
    reference: object        # the library's answer: reference(*inputs)
    inputs: object           # rng -> tuple of inputs (one example)
    mistakes: tuple = ()     # (hint, function): a typical mistake, recognised by its output
    isolations: tuple = ()   # (description, transform of the inputs): all terms but one zeroed
    edge_cases: tuple = field(default=())   # extra fixed inputs (e.g. huge logits)


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


# --- the catalogue --------------------------------------------------------------------------

def _zero(*indices):
    """An isolation transform: the inputs at these positions set to zero."""
    def transform(args):
        return tuple(np.zeros_like(a) if i in indices else a for i, a in enumerate(args))
    return transform


def _only_last_output(args):
    """An isolation transform for the recursion: ∂y_t = 0 except at t = T."""
    W_yh, W_hh, dy, mask = args
    dy_T = np.zeros_like(dy)
    dy_T[-1] = dy[-1]
    return W_yh, W_hh, dy_T, mask


def _rng_inputs_step(rng, H=4, D=3):
    return (rng.standard_normal((H, H)), rng.standard_normal((H, D)), rng.standard_normal(H),
            np.abs(rng.standard_normal(H)), rng.standard_normal(D))


def _rng_inputs_output(rng, O=2, H=4):
    return rng.standard_normal(O), rng.standard_normal(O)


def _reference_hidden_grads(W_yh, W_hh, dy, mask):
    """∂h_t for t = T ... 0 by the two equations, with ∂ĥ_{T+1} = 0 and no output at t = 0."""
    T, H = dy.shape[0] - 1, W_hh.shape[0]
    dh, dh_hat_next = np.zeros((T + 1, H)), np.zeros(H)
    for t in range(T, 0, -1):
        dh[t] = hidden_grad(W_yh, W_hh, dy[t], dh_hat_next)
        dh_hat_next = mask[t] * dh[t]
    dh[0] = hidden_grad(W_yh, W_hh, np.zeros_like(dy[0]), dh_hat_next)
    return dh


def _rng_inputs_through_time(rng, T=5, O=2, H=4):
    dy = rng.standard_normal((T + 1, O))
    dy[0] = 0
    mask = (rng.random((T + 1, H)) < 0.6).astype(float)
    mask[0] = 0
    return rng.standard_normal((O, H)), rng.standard_normal((H, H)) * 0.8, dy, mask


def _through_time_variant(gate_shift=0, gate=True, transpose=True, h0=True):
    """A version of the ∂h recursion with one mistake, for recognising it."""
    def variant(W_yh, W_hh, dy, mask):
        T, H = dy.shape[0] - 1, W_hh.shape[0]
        W = W_hh.T if transpose else W_hh
        dh, dh_hat_next = np.zeros((T + 1, H)), np.zeros(H)
        for t in range(T, 0, -1):
            dh[t] = W_yh.T @ dy[t] + W @ dh_hat_next
            dh_hat_next = mask[min(t + gate_shift, T)] * dh[t] if gate else dh[t]
        dh[0] = W @ dh_hat_next if h0 else 0
        return dh
    return variant


EXERCISES = {ex.name: ex for ex in [
    Exercise(
        "pre_activation", "ĥ_{t+1} = W_hh h_t + W_hx x_t + b_h",
        "pre_activation(W_hh, W_hx, b_h, h_t, x_t)",
        pre_activation, _rng_inputs_step,
        mistakes=(
            ("b_h is missing.", lambda W_hh, W_hx, b_h, h, x: W_hh @ h + W_hx @ x),
            ("You applied the ReLU: that gives h_{t+1}. ĥ_{t+1} is the value *before* it.",
             lambda *a: relu(pre_activation(*a))),
            ("You used W_hhᵀ h_t; the forward pass multiplies by W_hh itself (W_hh @ h_t).",
             lambda W_hh, W_hx, b_h, h, x: W_hh.T @ h + W_hx @ x + b_h),
        ),
        isolations=(("only W_hh h_t (x_t = 0, b_h = 0)", _zero(2, 4)),
                    ("only W_hx x_t (h_t = 0, b_h = 0)", _zero(2, 3)),
                    ("only b_h (h_t = 0, x_t = 0)", _zero(3, 4)))),
    Exercise(
        "rnn_step", "h_{t+1} = ReLU(W_hh h_t + W_hx x_t + b_h)",
        "rnn_step(W_hh, W_hx, b_h, h_t, x_t)",
        lambda *a: relu(pre_activation(*a)), _rng_inputs_step,
        mistakes=(
            ("You returned ĥ_{t+1}: the ReLU is missing (np.maximum(ĥ, 0)).", pre_activation),
            ("You used tanh, as many other courses do; this RNN uses ReLU.",
             lambda *a: np.tanh(pre_activation(*a))),
            ("The ReLU was applied before adding b_h; b_h belongs inside it.",
             lambda W_hh, W_hx, b_h, h, x: relu(W_hh @ h + W_hx @ x) + b_h),
        ),
        isolations=(("only W_hh h_t (x_t = 0, b_h = 0)", _zero(2, 4)),
                    ("only W_hx x_t (h_t = 0, b_h = 0)", _zero(2, 3)))),
    Exercise(
        "squared_error_grad", "E_t = ½‖y_t − target_t‖²  ⇒  ∂y_t = ?",
        "squared_error_grad(y_t, target_t)",
        lambda y, target: y - target, _rng_inputs_output,
        mistakes=(
            ("The sign is flipped: ∂y_t = y_t − target_t, not target_t − y_t.",
             lambda y, target: target - y),
            ("Twice too large: the ½ in E_t = ½‖…‖² cancels the 2 of the square.",
             lambda y, target: 2 * (y - target)),
            ("That is the loss per entry, ½(y − target)²; the gradient is its derivative.",
             lambda y, target: 0.5 * (y - target) ** 2),
        )),
    Exercise(
        "cross_entropy_grad", "E_t = −log softmax(y_t)[c_t]  ⇒  ∂y_t = ?",
        "cross_entropy_grad(y_t, class_t)",
        lambda y, c: softmax(y) - np.eye(y.size)[c],
        lambda rng: (rng.standard_normal(4) * 2, int(rng.integers(0, 4))),
        mistakes=(
            ("That is softmax(y_t) alone: subtract the one-hot vector of the class.",
             lambda y, c: softmax(y)),
            ("That is y_t − onehot: apply the softmax to y_t first.",
             lambda y, c: y - np.eye(y.size)[c]),
            ("The sign is flipped: ∂y_t = softmax(y_t) − onehot(c_t).",
             lambda y, c: np.eye(y.size)[c] - softmax(y)),
        ),
        edge_cases=((np.array([800.0, 0.0, -5.0, 790.0]), 3),)),
    Exercise(
        "dW_yh_term", "∂W_yh += ∂y_t h_tᵀ  (the step-t term)",
        "dW_yh_term(dy_t, h_t)",
        dW_yh_term, lambda rng: (rng.standard_normal(2), np.abs(rng.standard_normal(4))),
        mistakes=(
            ("Transposed: h_t ∂y_tᵀ has shape (H, O); ∂W_yh must have W_yh's shape (O, H).",
             lambda dy, h: np.outer(h, dy)),
        )),
    Exercise(
        "hidden_grad", "∂h_t = W_yhᵀ ∂y_t + W_hhᵀ ∂ĥ_{t+1}",
        "hidden_grad(W_yh, W_hh, dy_t, dh_hat_next)",
        hidden_grad,
        lambda rng: (rng.standard_normal((2, 4)), rng.standard_normal((4, 4)),
                     rng.standard_normal(2), rng.standard_normal(4)),
        mistakes=(
            ("Only W_yhᵀ ∂y_t: h_t also feeds ĥ_{t+1}, so add the path W_hhᵀ ∂ĥ_{t+1}.",
             lambda W_yh, W_hh, dy, dn: W_yh.T @ dy),
            ("Only W_hhᵀ ∂ĥ_{t+1}: h_t also produces y_t, so add the path W_yhᵀ ∂y_t.",
             lambda W_yh, W_hh, dy, dn: W_hh.T @ dn),
            ("W_hh ∂ĥ_{t+1} lacks its transpose: going backwards multiplies by W_hhᵀ.",
             lambda W_yh, W_hh, dy, dn: W_yh.T @ dy + W_hh @ dn),
        ),
        isolations=(("only the output path (∂ĥ_{t+1} = 0)", _zero(3)),
                    ("only the recurrent path (∂y_t = 0)", _zero(2)))),
    Exercise(
        "hidden_grads_through_time",
        "∂h_t = W_yhᵀ ∂y_t + W_hhᵀ ∂ĥ_{t+1},  ∂ĥ_t = mask_t ⊙ ∂h_t,  for t = T … 1;  ∂h_0 = W_hhᵀ ∂ĥ_1",
        "hidden_grads_through_time(W_yh, W_hh, dy, mask)  # dy: (T+1, O), mask: (T+1, H)",
        _reference_hidden_grads, _rng_inputs_through_time,
        mistakes=(
            ("The ReLU gate is missing: ∂ĥ_t = mask_t ⊙ ∂h_t before it goes back through W_hhᵀ.",
             _through_time_variant(gate=False)),
            ("The gate is taken at the wrong step: ∂ĥ_t uses mask[t] (ĥ_t > 0), not mask[t+1].",
             _through_time_variant(gate_shift=1)),
            ("∂h_0 is missing: h_0 has no output, but it feeds ĥ_1, so ∂h_0 = W_hhᵀ ∂ĥ_1.",
             _through_time_variant(h0=False)),
            ("W_hh lacks its transpose: going backwards multiplies by W_hhᵀ.",
             _through_time_variant(transpose=False)),
        ),
        isolations=(("only the last output has a loss (∂y_t = 0 for t < T)", _only_last_output),
                    ("all gates open (mask = 1 for t ≥ 1)",
                     lambda a: (*a[:3], np.vstack([a[3][:1], np.ones_like(a[3][1:])]))))),
]}


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


def _recognise(ex, args, got):
    for hint, mistake in ex.mistakes:
        status, value = _call(mistake, args)
        if status == "ok" and _same(got, np.asarray(value, float)):
            return hint
    return None


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


def check(name, fn, *, n_cases=3):
    """Check the student's function for exercise ``name``; returns a :class:`CheckResult`.

    fn is called with the exercise's inputs (see ``EXERCISES[name].signature``) on
    ``n_cases`` seeded random cases plus any edge cases. Nothing is raised: the result's
    message says what was found.
    """
    if name not in EXERCISES:
        raise ValueError(f"name must be one of {', '.join(map(repr, EXERCISES))}; got {name!r}")
    ex = EXERCISES[name]
    cases = [ex.inputs(np.random.default_rng(seed)) for seed in range(n_cases)]
    cases += list(ex.edge_cases)
    head = f"{name}: {ex.equation}\n"
    for args in cases:
        status, value = _call(fn, args)
        if status == "not attempted":
            return CheckResult(name, status, head + "not attempted yet: replace "
                               "`raise NotImplementedError` with your code, then run this cell.")
        if status == "error":
            hint = ""
            if isinstance(value, ValueError) and ("matmul" in str(value) or "shape" in str(value)):
                hint = ("\n  A shape error in a product usually means a missing or extra "
                        "transpose: write down the shape of each factor.")
            return CheckResult(name, "error", head + f"✗ your function raised "
                               f"{type(value).__name__}: {value}{hint}")
        if value is None:
            return CheckResult(name, "wrong", head + "✗ your function returned None: "
                               "did you forget `return`?")
        got, expected = _as_array(value), np.asarray(ex.reference(*args), float)
        if got is None:
            return CheckResult(name, "wrong", head + f"✗ expected an array of shape "
                               f"{expected.shape}; got {type(value).__name__}")
        if got.shape != expected.shape:
            hint = _recognise(ex, args, got)
            return CheckResult(name, "wrong", head + f"✗ wrong shape: expected "
                               f"{expected.shape}, got {got.shape}." + (f"\n  {hint}" if hint else ""))
        if not np.all(np.isfinite(got)):
            return CheckResult(name, "wrong", head + "✗ your result contains NaN or inf. With "
                               "large values, exp overflows: subtract the maximum first.")
        if not _same(got, expected):
            hint = _recognise(ex, args, got)
            if hint:
                return CheckResult(name, "wrong", head + f"✗ not yet right. {hint}")
            detail = _isolate(ex, fn, args)
            msg = f"✗ not yet right: largest difference {np.max(np.abs(got - expected)):.3g}."
            if detail:
                msg += "\n  Simpler cases, each isolating one part (other inputs set to zero):\n"
                msg += "\n".join(detail)
            return CheckResult(name, "wrong", head + msg)
    return CheckResult(name, "correct", head + f"✓ correct on {len(cases)} test cases.")


def show_solution(name):
    """Print the model solution of exercise ``name`` (not available in a hand-out copy)."""
    if name not in EXERCISES:
        raise ValueError(f"name must be one of {', '.join(map(repr, EXERCISES))}; got {name!r}")
    # Look beside this file: an import could find another copy's solutions.py through an
    # editable install of the full repository.
    if not Path(__file__).with_name("solutions.py").is_file():
        print("Solutions are not included in this copy of the notebooks. Ask your teacher.")
        return
    from . import solutions
    print(inspect.getsource(getattr(solutions, name)))
