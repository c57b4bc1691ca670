"""The exercises of notebook 04 · The hidden-state gradient.

Besides the one-array exercises checked by ``core.check_exercise``, two checkers of their own:
``step_backward`` returns five arrays and is diagnosed output by output, and
``check_by_hand_backward`` compares numbers worked out by hand on notebook 01's example, entry
by entry, in the order the backward pass computes them.
"""
import numpy as np

from ..bptt import backward, db_h_term, dW_hh_term, dW_hx_term, hidden_grad, input_grad, relu_gate
from ..losses import loss_from_trace
from ..model import Params, forward
from .core import RTOL, ATOL, CheckResult, Exercise, check_exercise, zeroed


# --- hidden_grad ------------------------------------------------------------------------------

_SIGN = "A sign error: the chain rule only multiplies and adds, so no term of ∂h_t gets a minus sign."


# --- hidden_grads_through_time ----------------------------------------------------------------

def _only_last_output(args):
    """An isolation transform for the recursion: ∂y_t = 0 except at t = T."""
    W_yh, W_hh, dy, mask = args
    dy_T = np.zeros_like(dy)
    dy_T[-1] = dy[-1]
    return W_yh, W_hh, dy_T, mask


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


def _through_time_variant(gate_shift=0, gate=True, transpose=True, h0=True, dy_shift=0,
                          store_gated=False, gate_after=False):
    """A version of the ∂h recursion with one mistake, for recognising it."""
    def variant(W_yh, W_hh, dy, mask):
        T, H = dy.shape[0] - 1, W_hh.shape[0]
        W = W_hh.T if transpose else W_hh
        dh, dh_hat_next, gate_next = np.zeros((T + 1, H)), np.zeros(H), np.ones(H)
        for t in range(T, 0, -1):
            recurrent = gate_next * (W @ dh_hat_next) if gate_after else W @ dh_hat_next
            dh[t] = W_yh.T @ dy[t + dy_shift] + recurrent
            if gate_after:   # the gate of step t applied to W_hhᵀ ∂h_t, one step later
                dh_hat_next, gate_next = dh[t], mask[t]
            else:
                dh_hat_next = mask[t + gate_shift] * dh[t] if gate else dh[t]
            if store_gated:
                dh[t] = dh_hat_next
        recurrent = gate_next * (W @ dh_hat_next) if gate_after else W @ dh_hat_next
        dh[0] = recurrent if h0 else 0
        return dh
    return variant


_GATE_STEP = ("The gate is taken from the wrong step: whatever your loop index is called, the ∂h "
              "of step s is gated by the mask of ĥ_s, the same step s (mask[s] with dh[s]).")
_GATE_AFTER = ("The gate is applied to the wrong quantity: it acts on ∂h of its own step before "
               "that goes back through W_hhᵀ, not on the product W_hhᵀ(…), which lives on the "
               "units of the earlier state.")


# (hint, one row t of ∂h from the student's own row t+1): recognises a mistake at the first row
# that is wrong, without letting an earlier mistake propagate.
def _row_candidates(W_yh, W_hh, dy, mask, t, dh_next):
    T = dy.shape[0] - 1
    out = W_yh.T @ dy[t] if t > 0 else np.zeros(W_hh.shape[0])
    if t == T:
        return [("The output gradient is off by one: ∂h_t uses ∂y_t = dy[t] (row t is time t).",
                 W_yh.T @ dy[t - 1]), (_SIGN, -out),
                ("Row t holds ∂ĥ_t (after the gate); it should hold ∂h_t, before it.",
                 mask[t] * out)]
    gated = mask[t + 1] * dh_next
    rows = [("The ReLU gate is missing: ∂h of step t+1 passes the gate of step t+1 before it "
             "goes back through W_hhᵀ.", out + W_hh.T @ dh_next),
            (_GATE_AFTER, out + mask[t + 1] * (W_hh.T @ dh_next)),
            (_GATE_AFTER, out + mask[t] * (W_hh.T @ dh_next)),
            (_GATE_STEP, out + W_hh.T @ (mask[t] * dh_next)),
            ("W_hh lacks its transpose: going backwards multiplies by W_hhᵀ.", out + W_hh @ gated),
            (_SIGN, out - W_hh.T @ gated), (_SIGN, -out + W_hh.T @ gated), (_SIGN, -out - W_hh.T @ gated)]
    if t + 2 <= T:
        rows.append((_GATE_STEP, out + W_hh.T @ (mask[t + 2] * dh_next)))
    if t == 0:
        rows += [("∂h_0 is zero or missing: h_0 has no output and no gate, but it feeds ĥ_1.",
                  np.zeros_like(out)),
                 ("∂h_0 has no gate of its own: h_0 is given, not computed by a ReLU.",
                  mask[1] * (W_hh.T @ gated))]
    else:
        rows += [("Only the output path: h_t also feeds ĥ_{t+1}; add the recurrent path.", out),
                 ("The output gradient is off by one: ∂h_t uses ∂y_t = dy[t] (row t is time t).",
                  W_yh.T @ dy[t - 1] + W_hh.T @ gated),
                 ("Row t holds ∂ĥ_t (after the gate); it should hold ∂h_t, before it.",
                  mask[t] * (out + W_hh.T @ gated))]
    return rows


def _first_wrong_row(W_yh, W_hh, dy, mask, got):
    """Going backwards from T: the first row t of got that is not right given got[t+1], and
    the hint of the mistake that row reproduces (or None)."""
    T = dy.shape[0] - 1
    for t in range(T, -1, -1):
        dh_next = got[t + 1] if t < T else np.zeros(W_hh.shape[0])
        dh_hat_next = mask[t + 1] * dh_next if t < T else dh_next
        out = W_yh.T @ dy[t] if t > 0 else 0
        if np.allclose(got[t], out + W_hh.T @ dh_hat_next, rtol=RTOL, atol=ATOL):
            continue
        for hint, row in _row_candidates(W_yh, W_hh, dy, mask, t, dh_next):
            if np.allclose(got[t], row, rtol=RTOL, atol=ATOL):
                return t, hint
        return t, None
    return None, None


def _check_through_time(ex, fn, n_cases=3):
    """The core checker; if it names no typical mistake, locate the first wrong row (from
    t = T down) and recognise the mistake made in that row."""
    result = check_exercise(ex, fn, n_cases=n_cases)
    if result.status != "wrong" or any(hint in result.message for hint, _ in ex.mistakes):
        return result
    args = _rng_inputs_through_time(np.random.default_rng(0))
    try:
        got = np.asarray(fn(*(a.copy() for a in args)), float)
    except Exception:  # the core message already says what went wrong
        return result
    if got.shape != args[2].shape[:1] + args[1].shape[:1]:
        return result
    t, hint = _first_wrong_row(*args, got)
    if t is None:
        return result
    where = (f"✗ not yet right. Going backwards from t = T, the first wrong row is t = {t} "
             f"(rows after it are right, given your own later rows).")
    head = result.message.split("\n", 1)[0]
    return CheckResult(ex.name, "wrong", f"{head}\n{where}" + (f"\n  {hint}" if hint else ""))


# --- step_backward ----------------------------------------------------------------------------

STEP_OUTPUTS = ("dh_prev", "dx_prev", "dW_hh_term", "dW_hx_term", "db_h_term")
_LABELS = {"dh_prev": "∂h_{t-1} from this step (dh_prev)", "dx_prev": "∂x_{t-1} (dx_prev)",
           "dW_hh_term": "the ∂W_hh term", "dW_hx_term": "the ∂W_hx term",
           "db_h_term": "the ∂b_h term"}


def _reference_step_backward(dh_t, h_hat_t, h_prev, x_prev, W_hh, W_hx):
    """One step back through ĥ_t = W_hh h_{t-1} + W_hx x_{t-1} + b_h, h_t = ReLU(ĥ_t)."""
    dh_hat_t = relu_gate(h_hat_t, dh_t)
    return (W_hh.T @ dh_hat_t, input_grad(W_hx, dh_hat_t), dW_hh_term(dh_hat_t, h_prev), dW_hx_term(dh_hat_t, x_prev),
            db_h_term(dh_hat_t))


def _rng_step_inputs(rng, H=4, D=3):
    h_hat_t = rng.standard_normal(H)
    h_hat_t[rng.integers(H)] = 0.0       # a unit exactly at the kink: ReLU'(0) = 0
    h_prev = np.maximum(rng.standard_normal(H), 0.0)
    return (rng.standard_normal(H), h_hat_t, h_prev, rng.standard_normal(D),
            rng.standard_normal((H, H)), rng.standard_normal((H, D)))


def _step_with(dh_hat_t, h_prev, x_prev, W_hh, W_hx):
    """The five outputs computed from a given (possibly wrongly gated) ∂ĥ_t."""
    return {"dh_prev": W_hh.T @ dh_hat_t, "dx_prev": W_hx.T @ dh_hat_t,
            "dW_hh_term": np.outer(dh_hat_t, h_prev), "dW_hx_term": np.outer(dh_hat_t, x_prev),
            "db_h_term": dh_hat_t}


def _step_mistakes(dh_t, h_hat_t, h_prev, x_prev, W_hh, W_hx):
    """{output: [(hint, what that mistake computes)]}, for recognising each output alone."""
    right = (h_hat_t > 0) * dh_t
    found = {name: [] for name in STEP_OUTPUTS}
    gates = [("The ReLU gate is missing: ∂h_t passes the gate of step t before anything else.",
              dh_t),
             ("A unit with ĥ_t = 0 let gradient through: ReLU'(0) = 0, so the gate is ĥ_t > 0.",
              (h_hat_t >= 0) * dh_t),
             ("You multiplied by ReLU(ĥ_t), the value; the gate is its derivative ReLU'(ĥ_t).",
              np.maximum(h_hat_t, 0) * dh_t),
             ("The gate is taken from the wrong step: ∂h_t is gated by the mask of ĥ_t (the "
              "same step), not by h_{t-1} > 0.", (h_prev > 0) * dh_t)]
    for hint, dh_hat in gates:
        for name, value in _step_with(dh_hat, h_prev, x_prev, W_hh, W_hx).items():
            found[name].append((hint, value))
    mask = (h_hat_t > 0).astype(float)
    found["dh_prev"] += [
        (_GATE_AFTER, mask * (W_hh.T @ dh_t)),
        ("W_hh lacks its transpose: going backwards through W_hh v multiplies by W_hhᵀ.",
         W_hh @ right)]
    found["dW_hh_term"] += [
        ("The outer product is in the wrong order (transposed): row i of the term belongs to "
         "unit i of ĥ_t, so ∂ĥ_t comes first.", np.outer(h_prev, right)),
        ("Paired with the wrong state: ĥ_t is computed from h_{t-1}, not from h_t = ReLU(ĥ_t).",
         np.outer(right, np.maximum(h_hat_t, 0)))]
    found["db_h_term"] += [
        ("That is the mask alone: the bias term is the gated gradient itself.", mask)]
    for name, value in _step_with(right, h_prev, x_prev, W_hh, W_hx).items():
        found[name].append(("A sign error: the chain rule only multiplies, no minus sign appears.",
                            -value))
    return found


_SHAPE_HINTS = {
    "dh_prev": "it has h_{t-1}'s shape (H,).",
    "dx_prev": "it has x_{t-1}'s shape (D,): going back through W_hx v multiplies by W_hxᵀ.",
    "dW_hh_term": "it has W_hh's shape (H, H).",
    "dW_hx_term": "it has W_hx's shape (H, D): row i belongs to unit i of ĥ_t, so the outer "
                  "product is in the wrong order if you got (D, H).",
    "db_h_term": "it has b_h's shape (H,).",
}


def _check_step_backward(ex, fn, n_cases=3):
    """Each of the five outputs checked and diagnosed on its own."""
    head = f"{ex.name}: {ex.task}\n"
    cases = [_rng_step_inputs(np.random.default_rng(seed)) for seed in range(n_cases)]
    outputs = []
    for args in cases:
        try:
            with np.errstate(all="ignore"):
                value = fn(*(a.copy() for a in args))
        except NotImplementedError:
            return CheckResult(ex.name, "not attempted", head + "not attempted yet: replace "
                               "`raise NotImplementedError` with your code, then run this cell.")
        except Exception as exc:  # a student's bug is reported, not raised
            hint = ("\n  A shape error in a product usually means a missing or extra transpose, "
                    "or `.T` on a 1-D array (it does nothing): use np.outer(u, v) for u vᵀ."
                    if isinstance(exc, ValueError) else "")
            return CheckResult(ex.name, "error",
                               head + f"✗ your function raised {type(exc).__name__}: {exc}{hint}")
        if not isinstance(value, (tuple, list)) or len(value) != len(STEP_OUTPUTS):
            got = f"{len(value)} values" if isinstance(value, (tuple, list)) else type(value).__name__
            return CheckResult(ex.name, "wrong", head + f"✗ return five results as a tuple "
                               f"({', '.join(STEP_OUTPUTS)}); got {got}.")
        outputs.append((args, value))

    lines, all_right = [], True
    for k, name in enumerate(STEP_OUTPUTS):
        line = f"  right: {_LABELS[name]}"
        for args, value in outputs:
            expected = _reference_step_backward(*args)[k]
            try:
                got = np.asarray(value[k], dtype=float)
            except (TypeError, ValueError):
                line = f"  WRONG: {_LABELS[name]}: not an array of numbers"
                break
            if got.shape != expected.shape:
                line = (f"  WRONG: {_LABELS[name]}: shape {got.shape}, expected {expected.shape}; "
                        + _SHAPE_HINTS[name])
                break
            if not np.allclose(got, expected, rtol=RTOL, atol=ATOL):
                hints = [h for h, v in _step_mistakes(*args)[name]
                         if np.allclose(got, v, rtol=RTOL, atol=ATOL)]
                line = f"  WRONG: {_LABELS[name]}: " + (hints[0] if hints else
                        f"largest difference {np.max(np.abs(got - expected)):.3g}.")
                break
        all_right &= line.startswith("  right")
        lines.append(line)
    if all_right:
        return CheckResult(ex.name, "correct", head + f"✓ correct on {len(cases)} test cases "
                           f"(one with ĥ_t exactly 0): {ex.equation}")
    return CheckResult(ex.name, "wrong", head + "✗ not yet right, output by output:\n"
                       + "\n".join(lines))


def _step_variant(dh_hat_of=lambda dh, z, hp: (z > 0) * dh, **replace):
    """A whole step_backward with one mistake (for the catalogue's list of mistakes)."""
    def variant(dh_t, h_hat_t, h_prev, x_prev, W_hh, W_hx):
        out = _step_with(dh_hat_of(dh_t, h_hat_t, h_prev), h_prev, x_prev, W_hh, W_hx)
        for name, f in replace.items():
            out[name] = f(dh_t, h_hat_t, h_prev, x_prev, W_hh, W_hx)
        return tuple(out[name] for name in STEP_OUTPUTS)
    return variant


# --- the by-hand backward pass on notebook 01's worked example --------------------------------

BY_HAND_KEYS = ("dh_3", "dh_hat_3", "dh_2", "dh_hat_2", "dh_1", "dh_hat_1", "dh_0")
_TINY = Params(W_hh=[[1, -1], [0.5, 0]], W_hx=[[1], [-1]], b_h=[0, 0.5], W_yh=[[1, 2]])
_TINY_XS, _TINY_TARGETS = np.array([[1.0], [2.0], [-1.0]]), np.array([[0.0], [4.0], [7.0]])


def by_hand_truth():
    """The backward pass of notebook 01's worked example with targets 0, 4, 7 (so ∂y = 1, -1,
    1), by rnnlib: {key: value} for the keys of BY_HAND_KEYS, and the trace."""
    trace = forward(_TINY, _TINY_XS)
    _, dy = loss_from_trace(trace, _TINY_TARGETS)
    grads = backward(_TINY, trace, dy)
    truth = {f"dh_{t}": grads.dh[t] for t in range(4)}
    truth.update({f"dh_hat_{t}": grads.dh_hat[t] for t in range(1, 4)})
    return truth, trace, dy


def _by_hand_hints(key, got, truth, trace, dy):
    """The hint of the mistake that reproduces `got` for this entry, given right entries before."""
    W_yh, W_hh = _TINY.W_yh, _TINY.W_hh
    t = int(key.rsplit("_", 1)[1])
    if key.startswith("dh_hat"):
        cands = [("The gate is missing: where ĥ_t ≤ 0 the unit was off, and ∂ĥ_t is 0 there.",
                  truth[f"dh_{t}"])]
        cands += [(f"That is the gate of step {s}: ∂h_t is gated by the mask of ĥ_t, the same step.",
                   trace.mask[s] * truth[f"dh_{t}"]) for s in (t - 1, t + 1) if 1 <= s <= 3]
        return cands
    out = W_yh.T @ dy[t] if t > 0 else np.zeros(2)
    nxt_hat, nxt = truth.get(f"dh_hat_{t + 1}", np.zeros(2)), truth.get(f"dh_{t + 1}", np.zeros(2))
    cands = [("The recurrent path used ∂h_{t+1}: it must pass the gate of step t+1 first "
              "(∂ĥ_{t+1}).", out + W_hh.T @ nxt),
             ("W_hh lacks its transpose: going backwards multiplies by W_hhᵀ.", out + W_hh @ nxt_hat),
             ("Only the output path: h_t also feeds ĥ_{t+1}.", out),
             ("Only the recurrent path: h_t also produces y_t.", W_hh.T @ nxt_hat),
             ("A sign error somewhere: the chain rule only multiplies and adds.",
              -(out + W_hh.T @ nxt_hat))]
    if t == 0:
        cands.append(("h_0 has no gate: it is given, not computed by a ReLU.",
                      trace.mask[1] * (W_hh.T @ nxt_hat)))
    return cands


def check_by_hand_backward(answers):
    """Compare ∂h_t and ∂ĥ_t worked out by hand on notebook 01's example with the truth, in the
    order the backward pass computes them (t = 3 first); name the first wrong entry (step and
    unit) and, if it is a typical mistake, which one. The truth is never printed.

    answers: {"dh_3": [unit 1, unit 2], "dh_hat_3": [...], ..., "dh_0": [...]}, None for an
    entry not filled in yet. Returns a CheckResult.
    """
    name = "by_hand_backward"
    truth, trace, dy = by_hand_truth()
    if not isinstance(answers, dict):
        raise ValueError(f"answers must be a dict with keys {', '.join(BY_HAND_KEYS)}; got "
                         f"{type(answers).__name__}")
    unknown = set(answers) - set(BY_HAND_KEYS)
    if unknown:
        raise ValueError(f"answers has unknown keys {sorted(unknown)}; expected {BY_HAND_KEYS}")
    done = []
    for key in BY_HAND_KEYS:
        symbol = ("∂ĥ_" if key.startswith("dh_hat") else "∂h_") + key.rsplit("_", 1)[1]
        value = answers.get(key)
        if value is None:
            if not done:
                return CheckResult(name, "not attempted", f"{name}: not attempted yet: fill in "
                                   f"{symbol} first (the backward pass starts at t = 3).")
            return CheckResult(name, "wrong", f"{name}: ✓ {', '.join(done)} right so far; "
                               f"next, fill in {symbol}.")
        got = np.asarray(value, dtype=float)
        if got.shape != (2,):
            return CheckResult(name, "wrong", f"{name}: ✗ {symbol} must be two numbers "
                               f"[unit 1, unit 2]; got shape {got.shape}.")
        wrong = ~np.isclose(got, truth[key], rtol=0, atol=1e-6)
        if wrong.any():
            hints = [h for h, v in _by_hand_hints(key, got, truth, trace, dy)
                     if np.allclose(got, v, rtol=0, atol=1e-6)]
            units = " and ".join(f"unit {i + 1}" for i in np.flatnonzero(wrong))
            return CheckResult(name, "wrong", f"{name}: "
                               + (f"✓ {', '.join(done)} right; " if done else "")
                               + f"✗ {symbol}, {units}: not right."
                               + (f"\n  {hints[0]}" if hints else
                                  "\n  Recompute it from the entries before it (and the masks "
                                  "of notebook 01)."))
        done.append(symbol)
    return CheckResult(name, "correct", f"{name}: ✓ all {len(done)} entries right: "
                       f"{', '.join(done)}.")


EXERCISES = [
    Exercise(
        "hidden_grad", "∂h_t = W_yhᵀ ∂y_t + W_hhᵀ ∂ĥ_{t+1}",
        "hidden_grad(W_yh, W_hh, dy_t, dh_hat_next)",
        hidden_grad,
        lambda rng: (rng.standard_normal((2, 4)), rng.standard_normal((4, 4)),
                     rng.standard_normal(2), rng.standard_normal(4)),
        task="∂h_t, given ∂y_t and ∂ĥ_{t+1}: every path by which h_t reaches the loss",
        mistakes=(
            ("Only W_yhᵀ ∂y_t: h_t also feeds ĥ_{t+1}, so add the path W_hhᵀ ∂ĥ_{t+1}.",
             lambda W_yh, W_hh, dy, dn: W_yh.T @ dy),
            ("Only W_hhᵀ ∂ĥ_{t+1}: h_t also produces y_t, so add the path W_yhᵀ ∂y_t.",
             lambda W_yh, W_hh, dy, dn: W_hh.T @ dn),
            ("W_hh ∂ĥ_{t+1} lacks its transpose: going backwards multiplies by W_hhᵀ.",
             lambda W_yh, W_hh, dy, dn: W_yh.T @ dy + W_hh @ dn),
            (_SIGN, lambda W_yh, W_hh, dy, dn: W_yh.T @ dy - W_hh.T @ dn),
            (_SIGN, lambda W_yh, W_hh, dy, dn: -W_yh.T @ dy + W_hh.T @ dn),
            (_SIGN, lambda W_yh, W_hh, dy, dn: -(W_yh.T @ dy + W_hh.T @ dn)),
        ),
        isolations=(("only the output path (∂ĥ_{t+1} = 0)", zeroed(3)),
                    ("only the recurrent path (∂y_t = 0)", zeroed(2)))),
    Exercise(
        "hidden_grads_through_time",
        "∂h_t = W_yhᵀ ∂y_t + W_hhᵀ ∂ĥ_{t+1},  ∂ĥ_t = mask_t ⊙ ∂h_t,  for t = T … 1;  ∂h_0 = W_hhᵀ ∂ĥ_1",
        "hidden_grads_through_time(W_yh, W_hh, dy, mask)  # dy: (T+1, O), mask: (T+1, H)",
        _reference_hidden_grads, _rng_inputs_through_time,
        task="∂h_t for every t = T … 0, backwards in time through the gates (rows t = 0..T)",
        mistakes=(
            ("The ReLU gate is missing: ∂ĥ_t = mask_t ⊙ ∂h_t before it goes back through W_hhᵀ.",
             _through_time_variant(gate=False)),
            (_GATE_STEP, _through_time_variant(gate_shift=-1)),
            ("∂h_0 is zero or missing: h_0 has no output and no gate, but it feeds ĥ_1, so "
             "∂h_0 = W_hhᵀ ∂ĥ_1.", _through_time_variant(h0=False)),
            ("W_hh lacks its transpose: going backwards multiplies by W_hhᵀ.",
             _through_time_variant(transpose=False)),
            ("Rows 1..T hold ∂ĥ_t (after the gate); they should hold ∂h_t, before it.",
             _through_time_variant(store_gated=True)),
            ("The output gradient is off by one: ∂h_t uses ∂y_t = dy[t] (row t is time t).",
             _through_time_variant(dy_shift=-1)),
            (_GATE_AFTER, _through_time_variant(gate_after=True)),
        ),
        isolations=(("one time step (T = 1)", lambda a: (a[0], a[1], a[2][:2], a[3][:2])),
                    ("no recurrence (W_hh = 0): only ∂h_t = W_yhᵀ ∂y_t is left", zeroed(1)),
                    ("only the last output has a loss (∂y_t = 0 for t < T)", _only_last_output),
                    ("all gates open (mask = 1): right here but wrong elsewhere? look at the gate",
                     lambda a: (*a[:3], np.vstack([a[3][:1], np.ones_like(a[3][1:])])))),
        error_hints=(("IndexError", "Histories have T+1 rows, t = 0..T: ∂ĥ_t uses mask[t] and "
                      "∂y_t is dy[t]; there is no mask[T+1]."),),
        checker=_check_through_time),
    Exercise(
        "step_backward",
        "∂ĥ_t = ReLU'(ĥ_t) ⊙ ∂h_t;  ∂h_{t-1} += W_hhᵀ ∂ĥ_t,  ∂x_{t-1} = W_hxᵀ ∂ĥ_t,  "
        "∂W_hh += ∂ĥ_t h_{t-1}ᵀ,  ∂W_hx += ∂ĥ_t x_{t-1}ᵀ,  ∂b_h += ∂ĥ_t",
        "step_backward(dh_t, h_hat_t, h_prev, x_prev, W_hh, W_hx) -> "
        "(dh_prev, dx_prev, dW_hh_term, dW_hx_term, db_h_term)",
        _reference_step_backward, _rng_step_inputs,
        task="one step back through h_t = ReLU(W_hh h_{t-1} + W_hx x_{t-1} + b_h): the gradient "
             "reaching each input of the step (h_{t-1}, x_{t-1}) and this step's term of each "
             "weight gradient, from ∂h_t",
        mistakes=(
            ("The ReLU gate is missing: ∂h_t passes the gate of step t before anything else.",
             _step_variant(dh_hat_of=lambda dh, z, hp: dh)),
            (_GATE_AFTER, _step_variant(
                dh_prev=lambda dh, z, hp, x, W_hh, W_hx: (z > 0) * (W_hh.T @ dh))),
            ("W_hh lacks its transpose", _step_variant(
                dh_prev=lambda dh, z, hp, x, W_hh, W_hx: W_hh @ ((z > 0) * dh))),
            ("The outer product is in the wrong order", _step_variant(
                dW_hh_term=lambda dh, z, hp, x, W_hh, W_hx: np.outer(hp, (z > 0) * dh))),
            ("Paired with the wrong state", _step_variant(
                dW_hh_term=lambda dh, z, hp, x, W_hh, W_hx: np.outer((z > 0) * dh, np.maximum(z, 0)))),
            ("A sign error", _step_variant(
                db_h_term=lambda dh, z, hp, x, W_hh, W_hx: -((z > 0) * dh))),
            ("ReLU'(0) = 0", _step_variant(dh_hat_of=lambda dh, z, hp: (z >= 0) * dh)),
        ),
        checker=_check_step_backward),
]

QUESTIONS = {
    "by_hand_backward": "The backward pass of notebook 01's worked example by hand (targets 0, 4, "
                        "7): ∂h_t and ∂ĥ_t for t = 3, 2, 1, then ∂h_0.",
    "early_state_gradient": "With loss_at='last', the output path is zero at every t < T. What "
                            "does that say about where the gradient of an early state comes from?",
}
