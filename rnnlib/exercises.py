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

from .bptt import dW_yh_term, hidden_grad, relu_gate
from .losses import softmax
from .model import pre_activation, relu, relu_grad

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
    error_hints: tuple = ()  # (exception class name, hint) for errors typical of this exercise


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


def _rng_inputs_output(rng, O=3, H=4):
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


def _rng_with_exact_zeros(rng, shape=(6,)):
    """Pre-activations with some entries exactly 0, where ReLU' must be 0."""
    z = rng.standard_normal(shape)
    z[:: 3] = 0.0
    return z


def _rng_inputs_sums(rng, T=5, H=4, D=3):
    dh_hat = rng.standard_normal((T + 1, H))
    dh_hat[0] = 0
    return dh_hat, np.abs(rng.standard_normal((T + 1, H))), rng.standard_normal((T, D))


def _dW_hh_sum(dh_hat, h):
    return sum(np.outer(dh_hat[t], h[t - 1]) for t in range(1, dh_hat.shape[0]))


def _dW_hx_sum(dh_hat, xs):
    return sum(np.outer(dh_hat[t], xs[t - 1]) for t in range(1, dh_hat.shape[0]))


def _smooth_f(x):
    """A smooth test function with non-zero third derivative."""
    return float(np.sum(np.sin(x) * x ** 2) + 0.5 * np.sum(x) ** 2)


def _central_difference(f, x, eps):
    grad = np.zeros_like(x)
    for i in range(x.size):
        step = np.zeros_like(x)
        step[i] = eps
        grad[i] = (f(x + step) - f(x - step)) / (2 * eps)
    return grad


def _forward_difference(f, x, eps):
    grad = np.zeros_like(x)
    for i in range(x.size):
        step = np.zeros_like(x)
        step[i] = eps
        grad[i] = (f(x + step) - f(x)) / eps
    return grad


def _unrestored_difference(f, x, eps):
    x, grad = x.copy(), np.zeros_like(x)
    for i in range(x.size):
        x[i] += eps
        up = f(x)
        x[i] -= 2 * eps
        grad[i] = (up - f(x)) / (2 * eps)      # x[i] left at x_i - eps
    return grad


def _jacobian_product(W_hh, masks):
    product = np.eye(W_hh.shape[0])
    for mask in masks:                           # mask_{t+1}, ..., mask_T, left to right
        product = product @ W_hh.T @ np.diag(mask)
    return product


def _clip_norm(g, max_norm):
    norm = np.linalg.norm(g)
    return g * min(1.0, max_norm / norm) if norm > 0 else g


def _through_time_variant(gate_shift=0, gate=True, transpose=True, h0=True, dy_shift=0,
                          store_gated=False):
    """A version of the ∂h recursion with one mistake, for recognising it."""
    def variant(W_yh, W_hh, dy, mask):
        T, H = dy.shape[0] - 1, W_hh.shape[0]
        W = W_hh.T if transpose else W_hh
        dh, dh_hat_next = np.zeros((T + 1, H)), np.zeros(H)
        for t in range(T, 0, -1):
            dh[t] = W_yh.T @ dy[t + dy_shift] + W @ dh_hat_next
            dh_hat_next = mask[t + gate_shift] * dh[t] if gate else dh[t]
            if store_gated:
                dh[t] = dh_hat_next
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
            ("b_h is missing.", lambda W_hh, W_hx, b_h, h, x: relu(W_hh @ h + W_hx @ x)),
        ),
        isolations=(("only W_hh h_t (x_t = 0, b_h = 0)", _zero(2, 4)),
                    ("only W_hx x_t (h_t = 0, b_h = 0)", _zero(2, 3)),
                    ("only b_h (h_t = 0, x_t = 0)", _zero(3, 4)))),
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
            ("Divided by O: E_t = ½‖y_t − target_t‖² is a sum over the outputs, not a mean.",
             lambda y, target: (y - target) / y.size),
            ("That is the gradient of the mean squared error, 2(y − target)/O; here "
             "E_t = ½‖y_t − target_t‖², a sum with a ½.", lambda y, target: 2 * (y - target) / y.size),
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
            ("The gate is taken at the wrong step: ∂ĥ_t uses mask[t] (ĥ_t > 0), not mask[t-1].",
             _through_time_variant(gate_shift=-1)),
            ("∂h_0 is zero or missing: h_0 has no output and no gate, but it feeds ĥ_1, so "
             "∂h_0 = W_hhᵀ ∂ĥ_1.", _through_time_variant(h0=False)),
            ("W_hh lacks its transpose: going backwards multiplies by W_hhᵀ.",
             _through_time_variant(transpose=False)),
            ("Rows 1..T hold ∂ĥ_t (after the gate); they should hold ∂h_t, before it.",
             _through_time_variant(store_gated=True)),
            ("The output gradient is off by one: ∂h_t uses ∂y_t = dy[t] (row t is time t).",
             _through_time_variant(dy_shift=-1)),
        ),
        isolations=(("one time step (T = 1)", lambda a: (a[0], a[1], a[2][:2], a[3][:2])),
                    ("no recurrence (W_hh = 0): only ∂h_t = W_yhᵀ ∂y_t is left", _zero(1)),
                    ("only the last output has a loss (∂y_t = 0 for t < T)", _only_last_output),
                    ("all gates open (mask = 1): right here but wrong elsewhere? look at the gate",
                     lambda a: (*a[:3], np.vstack([a[3][:1], np.ones_like(a[3][1:])])))),
        error_hints=(("IndexError", "Histories have T+1 rows, t = 0..T: ∂ĥ_t uses mask[t] and "
                      "∂y_t is dy[t]; there is no mask[T+1]."),)),
    Exercise(
        "relu_grad", "ReLU'(z) = 1 if z > 0, else 0 (so ReLU'(0) = 0), element-wise",
        "relu_grad(z)", relu_grad, lambda rng: (_rng_with_exact_zeros(rng),),
        mistakes=(
            ("At z = 0 you return 1: we use ReLU'(0) = 0 (z > 0, not z >= 0).",
             lambda z: (z >= 0).astype(float)),
            ("That is ReLU(z) itself; its derivative is 1 or 0.", relu),
        )),
    Exercise(
        "relu_gate", "∂ĥ_t = ReLU'(ĥ_t) ⊙ ∂h_t",
        "relu_gate(h_hat_t, dh_t)", relu_gate,
        lambda rng: (_rng_with_exact_zeros(rng), rng.standard_normal(6)),
        mistakes=(
            ("Units with ĥ_t = 0 let the gradient through: ReLU'(0) = 0, so test ĥ_t > 0.",
             lambda z, dh: (z >= 0) * dh),
            ("That is the mask alone: multiply it by ∂h_t.", lambda z, dh: (z > 0) * 1.0),
            ("You multiplied by ReLU(ĥ_t), the value; the gate is its derivative ReLU'(ĥ_t).",
             lambda z, dh: relu(z) * dh),
        )),
    Exercise(
        "dW_hh_sum", "∂W_hh = Σ_{t=1..T} ∂ĥ_t h_{t-1}ᵀ",
        "dW_hh_sum(dh_hat, h)  # dh_hat, h: (T+1, H), row t = time t",
        _dW_hh_sum, lambda rng: _rng_inputs_sums(rng)[:2],
        mistakes=(
            ("Off by one: ∂ĥ_t pairs with h_{t-1}, the state that fed ĥ_t, not with h_t.",
             lambda dh_hat, h: sum(np.outer(dh_hat[t], h[t]) for t in range(1, len(h)))),
            ("Only the last step survives: = where += is needed (W_hh is shared by every step).",
             lambda dh_hat, h: np.outer(dh_hat[-1], h[-2])),
            ("Only the first step survives: = where += is needed (W_hh is shared by every step).",
             lambda dh_hat, h: np.outer(dh_hat[1], h[0])),
            ("Transposed: h_{t-1} ∂ĥ_tᵀ; the term is ∂ĥ_t h_{t-1}ᵀ, row i = unit i's ∂ĥ.",
             lambda dh_hat, h: _dW_hh_sum(dh_hat, h).T),
        )),
    Exercise(
        "dW_hx_sum", "∂W_hx = Σ_{t=1..T} ∂ĥ_t x_{t-1}ᵀ",
        "dW_hx_sum(dh_hat, xs)  # dh_hat: (T+1, H), xs: (T, D) with xs[k] = x_k",
        _dW_hx_sum, lambda rng: _rng_inputs_sums(rng)[::2],
        mistakes=(
            ("Transposed: the result must have W_hx's shape (H, D), i.e. ∂ĥ_t x_{t-1}ᵀ.",
             lambda dh_hat, xs: _dW_hx_sum(dh_hat, xs).T),
            ("Only one step survives: = where += is needed (W_hx is shared by every step).",
             lambda dh_hat, xs: np.outer(dh_hat[-1], xs[-1])),
        )),
    Exercise(
        "central_difference", "∂f/∂x_i ≈ (f(x + ε e_i) − f(x − ε e_i)) / 2ε, for every entry i",
        "central_difference(f, x, eps)  # f: a function of an array, x: (n,) -> (n,)",
        _central_difference, lambda rng: (_smooth_f, rng.standard_normal(5), 1e-4),
        mistakes=(
            ("That is a forward difference, (f(x + ε e_i) − f(x)) / ε: its error is of order ε, "
             "the central one's of order ε².", _forward_difference),
            ("Twice too large: the two points are 2ε apart, so divide by 2ε.",
             lambda f, x, eps: 2 * _central_difference(f, x, eps)),
            ("x is not restored after each nudge, so later entries are taken at the wrong point.",
             _unrestored_difference),
        )),
    Exercise(
        "jacobian_product", "(∂h_T/∂h_t)ᵀ = W_hhᵀ D_{t+1} W_hhᵀ D_{t+2} ⋯ W_hhᵀ D_T,  D_k = diag(mask_k)",
        "jacobian_product(W_hh, masks)  # masks: (k, H), rows mask_{t+1} ... mask_T",
        _jacobian_product, lambda rng: (rng.standard_normal((4, 4)),
                                        (rng.random((3, 4)) < 0.6).astype(float)),
        mistakes=(
            ("The factors are multiplied element-wise: W_hhᵀ * mask is not the map g ↦ W_hhᵀ D g "
             "composed step after step; use matrix products (@).",
             lambda W, masks: np.prod([W.T * m for m in masks], axis=0)),
            ("The order is reversed: the factor of step t+1 comes first (leftmost), D_T last.",
             lambda W, masks: _jacobian_product(W, masks[::-1])),
            ("W_hh lacks its transpose.", lambda W, masks: _jacobian_product(W.T, masks)),
            ("The mask is on the wrong side: W_hhᵀ D_k masks the columns; D_k W_hhᵀ masks rows.",
             lambda W, masks: np.linalg.multi_dot([np.eye(4)] + [m[:, None] * W.T for m in masks])),
        )),
    Exercise(
        "clip_global_norm", "g ← g · min(1, max_norm / ‖g‖): shorten g to max_norm if longer",
        "clip_global_norm(g, max_norm)  # g: (n,)",
        _clip_norm, lambda rng: (3 * rng.standard_normal(6), 1.0),
        mistakes=(
            ("That clips each entry (by value), which changes the direction; scale the whole "
             "vector instead.", lambda g, m: np.clip(g, -m, m)),
            ("A vector shorter than max_norm must stay as it is; you stretched it to max_norm.",
             lambda g, m: g * m / np.linalg.norm(g)),
            ("That normalises g to length 1; the target length is max_norm.",
             lambda g, m: g / np.linalg.norm(g) if np.linalg.norm(g) > m else g),
        ),
        edge_cases=((np.array([0.1, -0.2, 0.05, 0.0, 0.1, 0.3]), 5.0),
                    (3 * np.ones(6), 2.0))),
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


def _show_first_case(ex, args, got):
    """Inputs, expected and received values of one case, when they are small enough to read."""
    expected = np.asarray(ex.reference(*args), float)
    if expected.size > 12:
        return ""
    fmt = lambda a: np.array2string(np.asarray(a, float), precision=3, suppress_small=True)  # noqa: E731
    names = [p.strip().split("=")[0] for p in ex.signature.split("(", 1)[1].split(")")[0].split(",")]
    lines = [f"  {n} = {fmt(a) if isinstance(a, np.ndarray) else a}" for n, a in zip(names, args)
             if not callable(a) and (not isinstance(a, np.ndarray) or a.size <= 12)]
    return ("\n  For this case:\n" + "\n".join(lines) + f"\n  expected {fmt(expected)}"
            f"\n  got      {fmt(got)}")


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
    message says what was found. A typical mistake is named only if it reproduces the
    student's output on every case.
    """
    if name not in EXERCISES:
        raise ValueError(f"name must be one of {', '.join(map(repr, EXERCISES))}; got {name!r}")
    ex = EXERCISES[name]
    cases = [ex.inputs(np.random.default_rng(seed)) for seed in range(n_cases)]
    cases += list(ex.edge_cases)
    head = f"{name}: {ex.equation}\n"

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
    return result("correct", f"✓ correct on {len(cases)} test cases.")


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
