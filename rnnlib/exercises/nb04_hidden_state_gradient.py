"""The exercises of notebook 04 · The hidden-state gradient.

Besides the one-array exercises checked by ``core.check_exercise``, two checkers of their own:
``step_backward`` returns five arrays and is diagnosed output by output, and
``check_by_hand_backward`` compares numbers worked out by hand on notebook 01's example, entry
by entry, in the order the backward pass computes them.

Longer than our ~300-line modules because each notebook keeps its exercises in one module, and
04 has the most: five exercises, two with checkers of their own, and the catalogue of wrong
steps that both of those checkers read.
"""
import numpy as np

from .. import worked_example
from ..bptt import backward, hidden_grad, relu_gate
from ..losses import loss_from_trace
from ..model import forward
from . import references
from .core import (AGAIN, ATOL, NOT_ATTEMPTED, RTOL, CheckResult, Exercise, as_numbers, cases_of,
                   check_exercise, describe_difference, error_hint, in_place_message,
                   run_on_copies, same, snapshot, zeroed)


# --- hidden_grad ------------------------------------------------------------------------------

_SIGN = "A sign error: the chain rule only multiplies and adds, so no term of ∂h_t gets a minus sign."


# --- hidden_grads_through_time ----------------------------------------------------------------

def _only_last_output(args):
    """An isolation transform for the recursion: ∂y_t = 0 except at t = T."""
    W_yh, W_hh, dy, mask = args
    dy_T = np.zeros_like(dy)
    dy_T[-1] = dy[-1]
    return W_yh, W_hh, dy_T, mask


def _rng_inputs_through_time(rng):
    T, H, O = int(rng.choice([3, 5, 6])), int(rng.choice([4, 5])), 2
    dy = rng.standard_normal((T + 1, O))
    dy[0] = 0
    mask = (rng.random((T + 1, H)) < 0.6).astype(float)
    mask[0] = 0
    return rng.standard_normal((O, H)), rng.standard_normal((H, H)) * 0.8, dy, mask


def locating_inputs():
    """The case on which a wrong row is located: T = 5, and every gate row t ≥ 1 has open and
    closed units, so a missing gate never looks like a right one."""
    W_yh, W_hh, dy, mask = _rng_inputs_through_time(np.random.default_rng(0))
    rng = np.random.default_rng(1)
    T, H = 5, W_hh.shape[0]
    dy = rng.standard_normal((T + 1, W_yh.shape[0]))
    dy[0] = 0
    mask = (rng.random((T + 1, H)) < 0.5).astype(float)
    for t in range(1, T + 1):
        mask[t, t % H], mask[t, (t + 1) % H] = 1.0, 0.0
    mask[0] = 0
    return W_yh, W_hh, dy, mask


def _shifted(a, by):
    """Rows moved down by ``by`` (up if negative), zeros shifted in: row t holds a[t - by]."""
    out = np.zeros_like(a)
    if by > 0:
        out[by:] = a[:-by]
    else:
        out[:by] = a[-by:]
    return out


def _gate_after(W_yh, W_hh, dy, mask):
    """The mistake: the gate of step t+1 applied to W_hhᵀ ∂h_{t+1}, after the product."""
    T = dy.shape[0] - 1
    dh = np.zeros((T + 1, W_hh.shape[0]))
    dh[T] = W_yh.T @ dy[T]
    for t in range(T - 1, -1, -1):
        dh[t] = (W_yh.T @ dy[t] if t > 0 else 0) + mask[t + 1] * (W_hh.T @ dh[t + 1])
    return dh


def forwards_in_time(h0_last=True):
    """The mistake: the loop runs t = 1 ... T, so each step reads a ∂ĥ_{t+1} not computed yet
    (the one of the previous step instead); ∂h_0 then from the last one, or left at 0."""
    def variant(W_yh, W_hh, dy, mask):
        T = dy.shape[0] - 1
        dh, dh_hat_next = np.zeros((T + 1, W_hh.shape[0])), np.zeros(W_hh.shape[0])
        for t in range(1, T + 1):
            dh[t] = W_yh.T @ dy[t] + W_hh.T @ dh_hat_next
            dh_hat_next = mask[t] * dh[t]
        if h0_last:
            dh[0] = W_hh.T @ dh_hat_next
        return dh
    return variant


def _without_h0(*args):
    dh = references.hidden_grads(*args)
    dh[0] = 0
    return dh


def _rows_gated(W_yh, W_hh, dy, mask):
    dh = references.hidden_grads(W_yh, W_hh, dy, mask)
    dh[1:] *= mask[1:]
    return dh


_GATE_STEP = ("The gate is taken from the wrong step: whatever your loop index is called, the ∂h "
              "of step s is gated by the mask of ĥ_s, the same step s (mask[s] with dh[s]).")
_GATE_AFTER = ("The gate is applied to the wrong quantity: it acts on ∂h of its own step before "
               "that goes back through W_hhᵀ, not on the product W_hhᵀ(…), which lives on the "
               "units of the earlier state.")
FORWARDS = ("Your loop runs forwards in time: ∂h_t needs ∂ĥ_{t+1}, so the loop must start at "
             "t = T and go down to t = 1 (range(T, 0, -1)).")
_ONLY_OUTPUT = ("Only the output path reaches ∂h_t: h_t also feeds ĥ_{t+1}, so the path through "
                "∂ĥ_{t+1} belongs in it too. If your loop has that term, does it run forwards in "
                "time? Then ∂ĥ_{t+1} is still 0 when step t reads it: go from t = T down to 1.")
DY_SHIFT = "The output gradient is off by one: ∂h_t uses ∂y_t = dy[t] (row t is time t)."


def row_candidates(W_yh, W_hh, dy, mask, t, dh_next):
    """The typical mistakes at one row t of ∂h, as (hint, the row that mistake gives), each
    computed from the student's own row t+1 (dh_next, (H,)), so that an earlier mistake does not
    propagate: the first wrong row is named for what went wrong there. W_yh (O, H), W_hh (H, H),
    dy (T+1, O), mask (T+1, H). Notebook 06's rnn_backward checker reads it too."""
    T = dy.shape[0] - 1
    out = W_yh.T @ dy[t] if t > 0 else np.zeros(W_hh.shape[0])
    if t == T:
        return [(DY_SHIFT, W_yh.T @ dy[t - 1]), (_SIGN, -out),
                ("Row t holds ∂ĥ_t (after the gate); it should hold ∂h_t, before it.",
                 mask[t] * out)]
    gated = mask[t + 1] * dh_next          # mask[t+1] is ReLU'(ĥ_{t+1}), the gate itself
    rows = [("The ReLU gate is missing: ∂h of step t+1 passes the gate of step t+1 before it "
             "goes back through W_hhᵀ.", out + W_hh.T @ dh_next),
            (_GATE_AFTER, out + mask[t + 1] * (W_hh.T @ dh_next)),
            (_GATE_AFTER, out + mask[t] * (W_hh.T @ dh_next)),
            (_GATE_STEP, out + W_hh.T @ (mask[t] * dh_next)),
            ("W_hh lacks its transpose: going backwards multiplies by W_hhᵀ.", out + W_hh @ gated),
            (_SIGN, out - W_hh.T @ gated), (_SIGN, -out + W_hh.T @ gated),
            (_SIGN, -out - W_hh.T @ gated)]
    if t + 2 <= T:
        rows.append((_GATE_STEP, out + W_hh.T @ (mask[t + 2] * dh_next)))
    if t == 0:
        rows += [("∂h_0 is zero or missing: h_0 has no output and no gate, but it feeds ĥ_1.",
                  np.zeros_like(out)),
                 ("∂h_0 has no gate of its own: h_0 is given, not computed by a ReLU.",
                  mask[1] * (W_hh.T @ gated))]
    else:
        rows += [(_ONLY_OUTPUT, out),
                 (DY_SHIFT, W_yh.T @ dy[t - 1] + W_hh.T @ gated),
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
        right = hidden_grad(W_yh, W_hh, dy[t] if t > 0 else np.zeros_like(dy[t]), dh_hat_next)
        if np.allclose(got[t], right, rtol=RTOL, atol=ATOL):
            continue
        for hint, row in row_candidates(W_yh, W_hh, dy, mask, t, dh_next):
            if np.allclose(got[t], row, rtol=RTOL, atol=ATOL):
                return t, hint
        return t, None
    return None, None


def _check_through_time(ex, fn, n_cases=3):
    """The core checker; if it names no typical mistake, locate the first wrong row (from
    t = T down) and recognise the mistake made in that row."""
    result = check_exercise(ex, fn, n_cases=n_cases)
    if result.status != "wrong" or "✗ not yet right." not in result.message \
            or any(hint in result.message for hint, _ in ex.mistakes):
        return result
    args = locating_inputs()
    status, value, _ = run_on_copies(fn, args, ex.argument_names)
    got = as_numbers(value) if status == "ok" else None
    if got is None or got.shape != args[2].shape[:1] + args[1].shape[:1]:
        return result
    t, hint = _first_wrong_row(*args, got)
    if t is None:
        return result
    T = args[2].shape[0] - 1
    where = (f"✗ not yet right. On a case with T = {T}, going backwards from t = T, the first "
             f"wrong row is t = {t}" + (" (the rows after it are right, given your own later "
                                       "rows)." if t < T else "."))
    lines = result.message.split("\n")
    kept = [line for line in lines[1:] if line.startswith("✗ your function wrote")]
    return CheckResult(ex.name, "wrong", "\n".join([lines[0], *kept, where]
                                                   + ([f"  {hint}"] if hint else [])))


# --- step_backward ----------------------------------------------------------------------------

STEP_OUTPUTS = ("dh_prev", "dx_prev", "dW_hh_term", "dW_hx_term", "db_h_term")
_LABELS = {"dh_prev": "∂h_{t-1} from this step (dh_prev)", "dx_prev": "∂x_{t-1} (dx_prev)",
           "dW_hh_term": "the ∂W_hh term", "dW_hx_term": "the ∂W_hx term",
           "db_h_term": "the ∂b_h term"}


def _rng_step_inputs(rng, H=None, D=None):
    """One step's inputs, H and D varying (D = H in the edge case); ĥ_t has a unit exactly at
    0 and two just above it."""
    H = int(rng.choice([4, 5, 6])) if H is None else H
    D = int(rng.choice([2, 3])) if D is None else D
    h_hat_t = rng.standard_normal(H)
    kink, tiny, tinier = rng.choice(H, size=3, replace=False)
    h_hat_t[kink] = 0.0                  # a unit exactly at the kink: ReLU'(0) = 0
    h_hat_t[tiny], h_hat_t[tinier] = 1e-6, 1e-300      # just above it: open, whatever a tolerance
    h_prev = np.maximum(rng.standard_normal(H), 0.0)
    return (rng.standard_normal(H), h_hat_t, h_prev, rng.standard_normal(D),
            rng.standard_normal((H, H)), rng.standard_normal((H, D)))


def _step_with(dh_hat_t, h_prev, x_prev, W_hh, W_hx):
    """The five outputs of a step whose ∂ĥ_t is given (possibly wrongly gated): the
    reference with every gate open, fed ∂ĥ_t as its ∂h_t."""
    return references.step_backward(dh_hat_t, np.ones_like(dh_hat_t), h_prev, x_prev, W_hh, W_hx)


def _step_variant(dh_hat_of=None, **replace):
    """A whole step_backward with one mistake: ∂ĥ_t computed by ``dh_hat_of(dh, h_hat, h_prev)``
    (right if None) and the outputs named in ``replace`` computed by their own function."""
    def variant(dh_t, h_hat_t, h_prev, x_prev, W_hh, W_hx):
        args = (dh_t, h_hat_t, h_prev, x_prev, W_hh, W_hx)
        out = dict(zip(STEP_OUTPUTS, references.step_backward(*args) if dh_hat_of is None else
                       _step_with(dh_hat_of(dh_t, h_hat_t, h_prev), h_prev, x_prev, W_hh, W_hx)))
        for name, f in replace.items():
            out[name] = f(*args)
        return tuple(out[name] for name in STEP_OUTPUTS)
    return variant


def _right(k):
    """Output k of the right step, as a function of the step's arguments."""
    return lambda *args: references.step_backward(*args)[k]


_ERRATUM = ("The upstream factor ∂h_t is missing: ReLU'(ĥ_t) alone is not ∂ĥ_t. This is the "
            "notes' erratum (their ∂W_hh, ∂W_hx and ∂b_h lines).")
_STEP_SIGN = "A sign error: the chain rule only multiplies, no minus sign appears."

# The catalogue of step_backward: each mistake as a whole function; the checker names, output by
# output, the first mistake whose output it reproduces.
_STEP_MISTAKES = (
    ("The ReLU gate is missing: ∂h_t passes the gate of step t before anything else.",
     _step_variant(lambda dh, z, hp: dh)),
    ("A unit with ĥ_t = 0 let gradient through: ReLU'(0) = 0, so the gate is ĥ_t > 0.",
     _step_variant(lambda dh, z, hp: relu_gate(np.where(z == 0, 1.0, z), dh))),
    ("You multiplied by ReLU(ĥ_t), the value; the gate is its derivative ReLU'(ĥ_t).",
     _step_variant(lambda dh, z, hp: np.maximum(z, 0) * dh)),
    *(("A unit with a small positive ĥ_t was closed: ReLU'(ĥ) = 1 for every ĥ > 0, however "
       "small (no tolerance, no rounding).",
       _step_variant((lambda tol: lambda dh, z, hp: (z > tol) * dh)(tol)))
      for tol in (1e-5, 1e-9)),
    ("The gate is taken from the wrong step: ∂h_t is gated by the mask of ĥ_t (the same "
     "step), not by h_{t-1} > 0.", _step_variant(lambda dh, z, hp: relu_gate(hp, dh))),
    (_ERRATUM, _step_variant(
        dW_hh_term=lambda dh, z, hp, x, W_hh, W_hx: np.outer(z > 0, hp),
        dW_hx_term=lambda dh, z, hp, x, W_hh, W_hx: np.outer(z > 0, x),
        db_h_term=lambda dh, z, hp, x, W_hh, W_hx: (z > 0).astype(float))),
    (_GATE_AFTER, _step_variant(
        dh_prev=lambda dh, z, hp, x, W_hh, W_hx: (z > 0) * (W_hh.T @ dh))),
    ("W_hh lacks its transpose: going backwards through W_hh v multiplies by W_hhᵀ.",
     _step_variant(dh_prev=lambda dh, z, hp, x, W_hh, W_hx: _right(0)(dh, z, hp, x, W_hh.T, W_hx))),
    ("The outer product is in the wrong order (transposed): row i of the term belongs to "
     "unit i of ĥ_t, so ∂ĥ_t comes first.",
     _step_variant(dW_hh_term=lambda *a: _right(2)(*a).T)),
    ("Paired with the wrong state: ĥ_t is computed from h_{t-1}, not from h_t = ReLU(ĥ_t).",
     _step_variant(dW_hh_term=lambda dh, z, hp, x, W_hh, W_hx:
                   _right(2)(dh, z, np.maximum(z, 0), x, W_hh, W_hx))),
    *((_STEP_SIGN, _step_variant(**{name: (lambda k: lambda *a: -_right(k)(*a))(k)}))
      for k, name in enumerate(STEP_OUTPUTS)),
)

_SHAPE_HINTS = {
    "dh_prev": "it has h_{t-1}'s shape (H,).",
    "dx_prev": "it has x_{t-1}'s shape (D,).",
    "dW_hh_term": "it has W_hh's shape (H, H).",
    "dW_hx_term": "it has W_hx's shape (H, D): row i belongs to unit i of ĥ_t, so the outer "
                  "product is in the wrong order if you got (D, H).",
    "db_h_term": "it has b_h's shape (H,).",
}
_STEP_AXES = {"dh_prev": ("unit ",), "dx_prev": ("input ",), "dW_hh_term": ("row ", "column "),
              "dW_hx_term": ("row ", "column "), "db_h_term": ("unit ",)}


def _check_step_backward(ex, fn, n_cases=3):
    """Each of the five outputs checked and diagnosed on its own; writes into an argument are
    named."""
    head = f"{ex.name}: {ex.task}\n"
    cases = cases_of(ex, n_cases)
    outputs, wrote = [], []
    for args in cases:
        status, value, changed = run_on_copies(fn, args, ex.argument_names)
        if status == "not attempted":
            return CheckResult(ex.name, "not attempted", head + NOT_ATTEMPTED)
        if status == "error":
            if changed:
                return CheckResult(ex.name, "error", head + in_place_message(changed))
            hint = error_hint(ex, value, args)
            return CheckResult(ex.name, "error", head + f"✗ your function raised "
                               f"{type(value).__name__}: {value}" + (f"\n  {hint}" if hint else ""))
        if not isinstance(value, (tuple, list)) or len(value) != len(STEP_OUTPUTS):
            got = f"{len(value)} values" if isinstance(value, (tuple, list)) else type(value).__name__
            return CheckResult(ex.name, "wrong", head + f"✗ return five results as a tuple "
                               f"({', '.join(STEP_OUTPUTS)}); got {got}.")
        outputs.append((args, value))
        wrote += [n for n in changed if n not in wrote]

    lines, all_right = [], True
    for k, name in enumerate(STEP_OUTPUTS):
        line = f"  right: {_LABELS[name]}"
        for args, value in outputs:
            expected = references.step_backward(*args)[k]
            got = as_numbers(value[k])
            if got is None:
                line = f"  WRONG: {_LABELS[name]}: not an array of numbers"
                break
            if got.shape != expected.shape:
                line = (f"  WRONG: {_LABELS[name]}: shape {got.shape}; "
                        + _SHAPE_HINTS[name])
                break
            if not same(got, expected):
                hints = [hint for hint, mistake in _STEP_MISTAKES
                         if all(same(as_numbers(v[k]), mistake(*snapshot(a))[k])
                                for a, v in outputs if as_numbers(v[k]) is not None)]
                line = f"  WRONG: {_LABELS[name]}: " + (hints[0] if hints else
                        describe_difference(got, expected, _STEP_AXES[name]))
                break
        all_right &= line.startswith("  right")
        lines.append(line)
    if all_right and not wrote:
        status, again, _ = run_on_copies(fn, outputs[0][0], ex.argument_names)
        if status != "ok" or not isinstance(again, (tuple, list)) or len(again) != 5 or any(
                as_numbers(a) is None or not same(as_numbers(a), as_numbers(v))
                for a, v in zip(again, outputs[0][1])):
            return CheckResult(ex.name, "wrong", head + AGAIN)
        return CheckResult(ex.name, "correct", head + f"✓ correct on {len(cases)} test cases "
                           f"(each with a unit whose ĥ_t is exactly 0): {ex.equation}")
    message = [in_place_message(wrote)] if wrote else []
    if not all_right:
        message += ["✗ not yet right, output by output:", *lines]
    return CheckResult(ex.name, "wrong", head + "\n".join(message))


# --- the by-hand backward pass on notebook 01's worked example --------------------------------

BY_HAND_KEYS = ("dh_3", "dh_hat_3", "dh_2", "dh_hat_2", "dh_1", "dh_hat_1", "dh_0")


def by_hand_truth():
    """The backward pass of notebook 01's worked example (rnnlib.worked_example) with its
    targets 0, 4, 7 (so ∂y = 1, -1, 1), by rnnlib: {key: value} for the keys of BY_HAND_KEYS,
    the trace and ∂y (rows t = 0..3)."""
    params = worked_example.params()
    trace = forward(params, worked_example.xs(), worked_example.h0())
    _, dy = loss_from_trace(trace, worked_example.targets())
    grads = backward(params, trace, dy)
    truth = {f"dh_{t}": grads.dh[t] for t in range(4)}
    truth.update({f"dh_hat_{t}": grads.dh_hat[t] for t in range(1, 4)})
    return truth, trace, dy


def _by_hand_hints(key, got, truth, trace, dy):
    """The hint of the mistake that reproduces `got` for this entry, given right entries before."""
    params = worked_example.params()
    W_yh, W_hh = params.W_yh, params.W_hh
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

    answers: {"dh_3": [unit 0, unit 1], "dh_hat_3": [...], ..., "dh_0": [...]}, None for an
    entry not filled in yet. Returns a CheckResult.
    """
    name = "by_hand_backward"
    truth, trace, dy = by_hand_truth()
    if not isinstance(answers, dict):
        return CheckResult(name, "wrong", f"{name}: ✗ write your answers as a dict with the keys "
                           f"{', '.join(BY_HAND_KEYS)} (as in the cell); got "
                           f"{type(answers).__name__}.")
    unknown = set(answers) - set(BY_HAND_KEYS)
    if unknown:
        return CheckResult(name, "wrong", f"{name}: ✗ unknown keys {sorted(map(str, unknown))}: "
                           f"the keys are {', '.join(BY_HAND_KEYS)}.")
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
        got = as_numbers(value)
        if got is None or got.shape != (2,):
            return CheckResult(name, "wrong", f"{name}: ✗ {symbol} must be two numbers "
                               f"[unit 0, unit 1]; got {value!r}.")
        wrong = ~np.isclose(got, truth[key], rtol=0, atol=1e-6)
        if wrong.any():
            hints = [h for h, v in _by_hand_hints(key, got, truth, trace, dy)
                     if np.allclose(got, v, rtol=0, atol=1e-6)]
            units = " and ".join(f"unit {i}" for i in np.flatnonzero(wrong))
            return CheckResult(name, "wrong", f"{name}: "
                               + (f"✓ {', '.join(done)} right; " if done else "")
                               + f"✗ {symbol}, {units}: not right."
                               + (f"\n  {hints[0]}" if hints else
                                  "\n  Recompute it from the entries before it (and the masks "
                                  "of notebook 01)."))
        done.append(symbol)
    return CheckResult(name, "correct", f"{name}: ✓ all {len(done)} entries right: "
                       f"{', '.join(done)}.")


def _rng_inputs_hidden_grad(rng):
    O, H = int(rng.choice([2, 3])), int(rng.choice([4, 5]))
    return (rng.standard_normal((O, H)), rng.standard_normal((H, H)), rng.standard_normal(O),
            rng.standard_normal(H))


EXERCISES = [
    Exercise(
        "hidden_grad", "∂h_t = W_yhᵀ ∂y_t + W_hhᵀ ∂ĥ_{t+1}",
        "hidden_grad(W_yh, W_hh, dy_t, dh_hat_next)",
        hidden_grad, _rng_inputs_hidden_grad,
        task="∂h_t, given ∂y_t and ∂ĥ_{t+1}: every path by which h_t reaches the loss",
        axes=("unit ",),
        mistakes=(
            ("Only W_yhᵀ ∂y_t: h_t also feeds ĥ_{t+1}, so add the path through ĥ_{t+1}.",
             lambda W_yh, W_hh, dy, dn: hidden_grad(W_yh, 0 * W_hh, dy, dn)),
            ("Only the path through ĥ_{t+1}: h_t also produces y_t, so add the path through y_t.",
             lambda W_yh, W_hh, dy, dn: hidden_grad(0 * W_yh, W_hh, dy, dn)),
            ("W_hh lacks its transpose: going backwards multiplies by W_hhᵀ.",
             lambda W_yh, W_hh, dy, dn: hidden_grad(W_yh, W_hh.T, dy, dn)),
            (_SIGN, lambda W_yh, W_hh, dy, dn: hidden_grad(W_yh, -W_hh, dy, dn)),
            (_SIGN, lambda W_yh, W_hh, dy, dn: hidden_grad(-W_yh, W_hh, dy, dn)),
            (_SIGN, lambda W_yh, W_hh, dy, dn: -hidden_grad(W_yh, W_hh, dy, dn)),
            ("The ReLU gate does not belong here: ∂ĥ_{t+1} is already gated, and h_t's own "
             "gate comes after ∂h_t, in ∂ĥ_t.",
             lambda W_yh, W_hh, dy, dn: relu_gate(dn, hidden_grad(W_yh, W_hh, dy, dn))),
        ),
        isolations=(("only the output path (∂ĥ_{t+1} = 0)", zeroed(3)),
                    ("only the recurrent path (∂y_t = 0)", zeroed(2)))),
    Exercise(
        "hidden_grads_through_time",
        "∂h_t = W_yhᵀ ∂y_t + W_hhᵀ ∂ĥ_{t+1},  ∂ĥ_t = mask_t ⊙ ∂h_t,  for t = T … 1;  ∂h_0 = W_hhᵀ ∂ĥ_1",
        "hidden_grads_through_time(W_yh, W_hh, dy, mask)  # dy: (T+1, O), mask: (T+1, H)",
        references.hidden_grads, _rng_inputs_through_time,
        task="∂h_t for every t = T … 0, backwards in time through the gates (rows t = 0..T)",
        axes=("time step t = ", "unit "),
        mistakes=(
            ("The ReLU gate is missing: ∂ĥ_t = mask_t ⊙ ∂h_t before it goes back through W_hhᵀ.",
             lambda W_yh, W_hh, dy, mask: references.hidden_grads(W_yh, W_hh, dy,
                                                                  np.ones_like(mask))),
            (_GATE_STEP, lambda W_yh, W_hh, dy, mask: references.hidden_grads(
                W_yh, W_hh, dy, _shifted(mask, 1))),
            ("∂h_0 is zero or missing: h_0 has no output and no gate, but it feeds ĥ_1.",
             _without_h0),
            ("W_hh lacks its transpose: going backwards multiplies by W_hhᵀ.",
             lambda W_yh, W_hh, dy, mask: references.hidden_grads(W_yh, W_hh.T, dy, mask)),
            ("Rows 1..T hold ∂ĥ_t (after the gate); they should hold ∂h_t, before it.",
             _rows_gated),
            (DY_SHIFT, lambda W_yh, W_hh, dy, mask: references.hidden_grads(
                W_yh, W_hh, _shifted(dy, 1), mask)),
            (_GATE_AFTER, _gate_after),
            (FORWARDS, forwards_in_time()),
            (FORWARDS, forwards_in_time(h0_last=False)),
            (_ONLY_OUTPUT,
             lambda W_yh, W_hh, dy, mask: references.hidden_grads(W_yh, 0 * W_hh, dy, mask)),
            (_SIGN, lambda W_yh, W_hh, dy, mask: references.hidden_grads(W_yh, -W_hh, dy, mask)),
            (_SIGN, lambda W_yh, W_hh, dy, mask: references.hidden_grads(-W_yh, W_hh, dy, mask)),
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
        references.step_backward, _rng_step_inputs,
        edge_cases=(_rng_step_inputs(np.random.default_rng(99), H=4, D=4),),
        task="one step back through h_t = ReLU(W_hh h_{t-1} + W_hx x_{t-1} + b_h): the gradient "
             "reaching each input of the step (h_{t-1}, x_{t-1}) and this step's term of each "
             "weight gradient, from ∂h_t",
        mistakes=_STEP_MISTAKES,
        error_hints=(("ValueError", "A shape error in a product usually means a missing or extra "
                      "transpose, or `.T` on a 1-D array (it does nothing): use np.outer(u, v) "
                      "for u vᵀ."),),
        checker=_check_step_backward),
]

QUESTIONS = {
    "by_hand_backward": "The backward pass of notebook 01's worked example by hand (targets 0, 4, "
                        "7): ∂h_t and ∂ĥ_t for t = 3, 2, 1, then ∂h_0.",
    "early_state_gradient": "With loss_at='last', the output path is zero at every t < T. What "
                            "does that say about where the gradient of an early state comes from?",
}


# The explanations shown after a wrong prediction (the truth is then on screen), by the
# prediction's name: kept here, out of the cell the student predicts in.
PREDICTIONS = {
    'zero_path': 'With the loss at the last step only, ∂y_t = 0 for t < T.',
}
