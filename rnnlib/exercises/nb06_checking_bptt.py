"""The exercises of notebook 06 · Putting BPTT together and checking it.

Besides ``central_difference`` (one array, checked by ``core.check_exercise`` against the exact
gradient of a test function, within the error a central difference makes), the whole backward
pass ``rnn_backward(params, trace, dy) -> rnnlib.Grads``, with a checker of its own: it
compares every gradient with :func:`rnnlib.backward` and with finite differences
(:func:`rnnlib.check_gradients`), names a bug of the zoo (:mod:`rnnlib.bugs`) when the student's
output is that bug's, says from which time step the histories ∂h_t, ∂ĥ_t go wrong and which
mistake that step shows, and names any write into the arguments (params, trace, dy). Then
``numerical_db_h``, a central difference on a loss that curves.

Longer than our ~300-line modules because each notebook keeps its exercises in one module, and
the ``rnn_backward`` checker alone is half of it: its catalogue of wrong passes, the per-step
and per-gradient diagnoses, and the finite-difference check belong together.
"""
from dataclasses import replace
from types import SimpleNamespace

import numpy as np

from ..bptt import backward
from ..bugs import BUGS, backward_with_bug
from ..gradcheck import check_gradients, random_upstream
from ..model import forward, init_params, relu_grad
from .core import (ATOL, NOT_ATTEMPTED, RTOL, CheckResult, Exercise, as_numbers,
                   describe_difference, in_place_message, run_on_copies, AGAIN)
from .nb04_hidden_state_gradient import DY_SHIFT, FORWARDS, forwards_in_time, row_candidates


# --- central_difference ------------------------------------------------------------------------

def _smooth_f(x):
    """A smooth test function with non-zero third derivative: Σ sin(x_i) x_i² + ½ (Σ x_i)²."""
    return float(np.sum(np.sin(x) * x ** 2) + 0.5 * np.sum(x) ** 2)


def _cubic_f(x):
    """A test function whose central difference is known exactly: Σ x_i³ + ½ (Σ x_i)², whose
    central difference with step ε is 3 x_i² + ε² + Σ x_j (so a large ε shows in the result)."""
    return float(np.sum(x ** 3) + 0.5 * np.sum(x) ** 2)


def _exact_gradient(f, x, eps):
    """The reference: for _smooth_f its exact gradient (a right central difference is within
    O(ε²) of it, a forward difference is O(ε) away); for _cubic_f its central difference with
    this ε, in closed form."""
    if f is _cubic_f:
        return 3 * x ** 2 + eps ** 2 + np.sum(x)
    return np.cos(x) * x ** 2 + 2 * x * np.sin(x) + np.sum(x)


def _central_tolerance(args):
    """(rtol, atol): right within the error of a central difference: for _smooth_f
    |f‴|/6 ε² ≤ 2 ε² where |x| ≤ 2; for _cubic_f round-off only."""
    f, eps = args[0], args[2]
    return 1e-9, 1e-8 + (0 if f is _cubic_f else 20 * eps ** 2)


def _forward_difference(f, x, eps):
    """The mistake (f(x + ε e_i) − f(x)) / ε: O(ε) off, by ½ ε f''_ii (+ ε²/6 f‴ exactly for
    _cubic_f, whose reference already holds ε²)."""
    if f is _cubic_f:
        return 3 * x ** 2 + 3 * x * eps + eps ** 2 + np.sum(x) + 0.5 * eps
    second = -np.sin(x) * x ** 2 + 4 * x * np.cos(x) + 2 * np.sin(x) + 1
    return _exact_gradient(f, x, eps) + 0.5 * eps * second


def _unrestored_difference(f, x, eps):
    """The mistake: x[i] left at x_i − ε, so entry i is taken at x − ε (e_0 + … + e_{i-1})."""
    return np.array([_exact_gradient(f, x - eps * (np.arange(x.size) < i), eps)[i]
                     for i in range(x.size)])


def _rng_smooth(rng):
    return _smooth_f, np.clip(rng.standard_normal(int(rng.choice([4, 5, 6]))), -2, 2), 1e-4


# --- rnn_backward: the whole backward pass, written by the student -----------------------------

GRADIENTS = ("dW_hh", "dW_hx", "db_h", "dW_yh", "dh0", "dx")   # what rnnlib.check_gradients checks
HISTORIES = ("dh", "dh_hat")                                   # compared step by step
_LABELS = {"dW_hh": "∂W_hh", "dW_hx": "∂W_hx", "db_h": "∂b_h", "dW_yh": "∂W_yh",
           "dh0": "∂h_0 (dh0)", "dx": "∂x (dx)", "dh": "∂h_t (dh)", "dh_hat": "∂ĥ_t (dh_hat)"}
_AXES = {"dW_hh": ("row ", "column "), "dW_hx": ("row ", "column "), "db_h": ("unit ",),
         "dW_yh": ("row ", "column "), "dh0": ("unit ",), "dx": ("time step k = ", "input "),
         "dh": ("time step t = ", "unit "), "dh_hat": ("time step t = ", "unit ")}
_IN_PLACE = "upstream gradient modified in place"
_NAMES = ("params", "trace", "dy")


def _rnn_backward_inputs(rng):
    """One generic sequence: (params, trace, dy) with dy (T+1, O) random, row 0 zero; T and H
    change from case to case."""
    T, D, H, O = int(rng.choice([4, 5, 6])), 3, int(rng.choice([4, 5])), 2
    params = init_params(D, H, O, seed=rng)
    params = params.replace(b_h=0.3 * rng.standard_normal(H))
    trace = forward(params, rng.standard_normal((T, D)), np.abs(rng.standard_normal(H)))
    return params, trace, random_upstream(trace, seed=rng.integers(2 ** 31))


def _padded_inputs(T=3, D=3, H=4, O=2, seed=7):
    """A sequence with exact zeros in ĥ, as padding makes them: h_0 = 0, x_0 = 0 and b_h = 0
    but for unit 0, so every unit of ĥ_1 but unit 0 is exactly 0 (ReLU'(0) = 0 closes them),
    and unit 0 is just above it, at 1e-10 (open: a test ĥ > tol would close it)."""
    rng = np.random.default_rng(seed)
    params = init_params(D, H, O, seed=rng)
    params = params.replace(b_h=np.eye(H)[0] * 1e-10)
    xs = rng.standard_normal((T, D))
    xs[0] = 0.0
    trace = forward(params, xs, np.zeros(H))
    return params, trace, random_upstream(trace, seed=seed)


def _one_step_inputs(seed=11):
    """T = 1: a loop bound off by one shows here."""
    rng = np.random.default_rng(seed)
    params = init_params(3, 5, 2, seed=rng).replace(b_h=0.3 * rng.standard_normal(5))
    trace = forward(params, rng.standard_normal((1, 3)), np.abs(rng.standard_normal(5)))
    return params, trace, random_upstream(trace, seed=seed)


def _get(result, name):
    """A field of the student's result: a Grads (or any object with attributes) or a dict."""
    return result.get(name) if isinstance(result, dict) else getattr(result, name, None)


def _close(a, b):
    return a.shape == b.shape and np.allclose(a, b, rtol=RTOL, atol=ATOL)


def _run(fn, params, trace, dy):
    """("ok", {name: array, None or "not numbers"}, written names), ("not attempted", ...) or
    ("error", exc, [])."""
    status, result, wrote = run_on_copies(fn, (params, trace, dy), _NAMES)
    if status != "ok" or result is None:
        return status, result, wrote
    out = {"dy": _get(result, "dy")}
    for name in GRADIENTS + HISTORIES:
        value = _get(result, name)
        out[name] = None if value is None else as_numbers(value)
        if value is not None and out[name] is None:
            out[name] = "not numbers"
    return "ok", out, wrote


_KINK = ("ReLU'(0) = 1 here: units with ĥ_t exactly 0 let gradient through; this course uses "
         "ReLU'(0) = 0 (test ĥ_t > 0, not >= 0).")


def _hat_candidates(trace, t, dh_t):
    """(hint, ∂ĥ_t) for mistakes in the gate of step t, given the student's own ∂h_t."""
    h_hat, T = trace.h_hat, trace.T
    rows = [(_KINK, (h_hat[t] >= 0) * dh_t),
            ("The ReLU gate is missing: ∂ĥ_t is ∂h_t passed through the gate of step t, not "
             "∂h_t itself.", dh_t),
            ("You multiplied by ReLU(ĥ_t) = h_t, the value; the gate is its derivative.",
             np.maximum(h_hat[t], 0) * dh_t),
            ("A sign error in the gate: the chain rule only multiplies.",
             -relu_grad(h_hat[t]) * dh_t),
            ("∂ĥ_t is left at 0: store it in dh_hat[t] inside your loop (the step before reads "
             "it from there).", np.zeros_like(dh_t))]
    rows += [(f"The gate is taken from the wrong step: ∂h_t is gated by ReLU'(ĥ_t) of the same "
              f"step t, not of step t{s - t:+d}.", relu_grad(h_hat[s]) * dh_t)
             for s in (t - 1, t + 1) if 0 <= s <= T]
    return rows


def _first_wrong_step(got, ref, params, trace, dy):
    """Going back from t = T, the first step whose ∂h_t or ∂ĥ_t differs (given the student's
    own later rows), and the mistake that row shows, if one is recognised; None if every row
    is right."""
    T = trace.T
    mask = trace.mask.astype(float)
    dh, dh_hat = got["dh"], got["dh_hat"]
    if T > 1 and _close(dh[1:], forwards_in_time()(params.W_yh, params.W_hh, dy, mask)[1:]):
        return f"Your ∂h_t are those of a loop run forwards in time. {FORWARDS}"
    for t in range(T, -1, -1):
        if not _close(dh[t], ref.dh[t]):
            dh_next = dh[t + 1] if t < T else np.zeros_like(dh[t])
            hints = [hint for hint, row in row_candidates(params.W_yh, params.W_hh, dy, mask,
                                                           t, dh_next) if _close(dh[t], row)]
            if not dh[t].any() and ref.dh[t].any():
                hints = [f"∂h_{t} is 0: at t = T its whole value is the output path (h_T "
                         f"produces y_T): is that term missing, or ∂h_{t} not stored in dh[{t}]?"
                         if t == T else
                         f"∂h_{t} is left at 0: store it in dh[{t}] inside your loop." if t else
                         "∂h_0 is 0, but h_0 feeds ĥ_1, so it has a gradient: compute it after "
                         "your loop from what step 1 sends back, with no gate (h_0 is given: "
                         "there is no ĥ_0, and mask[0] is all False)."]
            return (f"Step by step from t = T = {T} down, the first wrong value is ∂h_{t} "
                    f"(dh[{t}]): " + (hints[0] if hints else describe_difference(
                        dh[t], ref.dh[t], ("unit ",))))
        if t > 0 and not _close(dh_hat[t], ref.dh_hat[t]):
            hints = [h for h, row in _hat_candidates(trace, t, dh[t]) if _close(dh_hat[t], row)]
            return (f"Step by step from t = T = {T} down, the first wrong value is ∂ĥ_{t} "
                    f"(dh_hat[{t}]), while ∂h_{t} is right: "
                    + (hints[0] if hints else f"look at the gate of step {t}."))
    return None


def _field_mistakes(params, trace, dy, ref):
    """{gradient: [(hint, what that mistake computes)]}, each mistake in one gradient alone,
    with the histories right."""
    h, xs, h_hat, T = trace.h, trace.xs, trace.h_hat, trace.T
    d = ref.dh_hat
    ts = range(1, T + 1)
    over = "= where += is needed: only the term of step {} is left (the last one your loop " \
           "computed), but the weights are shared by every step."
    found = {name: [] for name in GRADIENTS}
    for name, term in (("dW_hh", lambda t: np.outer(d[t], h[t - 1])),
                       ("dW_hx", lambda t: np.outer(d[t], xs[t - 1])), ("db_h", lambda t: d[t])):
        found[name] += [(over.format("t = 1"), term(1)),
                        (over.format("t = T"), term(T)),
                        ("A sign error: the chain rule only multiplies and adds.",
                         -getattr(ref, name))]
    upstream = ("The upstream factor ∂h_t is missing: ReLU'(ĥ_t) alone is not ∂ĥ_t. This is the "
                "notes' erratum (their ∂W_hh, ∂W_hx and ∂b_h lines).")
    found["dW_hh"] += [(upstream, sum(np.outer(relu_grad(h_hat[t]), h[t - 1]) for t in ts)),
                       ("Off by one: ∂ĥ_t pairs with h_{t-1}, the state that fed ĥ_t, not h_t.",
                        sum(np.outer(d[t], h[t]) for t in ts)),
                       ("Transposed: row i of ∂W_hh belongs to unit i of ĥ_t.", ref.dW_hh.T)]
    found["dW_hx"] += [(upstream, sum(np.outer(relu_grad(h_hat[t]), xs[t - 1]) for t in ts)),
                       ("Off by one: ∂ĥ_t pairs with x_{t-1} = xs[t-1], the input that fed ĥ_t.",
                        sum((np.outer(d[t], xs[t]) for t in range(1, T)),
                            np.zeros_like(ref.dW_hx)))]
    found["db_h"] += [(upstream, sum(relu_grad(h_hat[t]) for t in ts))]
    ungated = ("Built from ∂h_t, before the gate: the weights and the bias enter through ĥ_t, "
               "so their terms take ∂ĥ_t, after the gate of step t.")
    dh = ref.dh
    found["dW_hh"].append((ungated, sum(np.outer(dh[t], h[t - 1]) for t in ts)))
    found["dW_hx"].append((ungated, sum(np.outer(dh[t], xs[t - 1]) for t in ts)))
    found["db_h"].append((ungated, sum(dh[t] for t in ts)))
    found["dW_yh"] += [(over.format("t = 1"), np.outer(dy[1], h[1])),
                       (over.format("t = T"), np.outer(dy[T], h[T])),
                       ("The factor ∂y_t is missing from ∂W_yh's terms.",
                        sum(np.outer(np.ones_like(dy[t]), h[t]) for t in ts)),
                       ("Off by one: y_t = W_yh h_t, so ∂y_t pairs with h_t.",
                        sum(np.outer(dy[t], h[t - 1]) for t in ts)),
                       ("A sign error: the chain rule only multiplies and adds.", -ref.dW_yh)]
    found["dh0"] += [("∂h_0 is left at zero: h_0 has no output, but it feeds ĥ_1.",
                      np.zeros_like(ref.dh0))]
    found["dx"] += [("Off by one: x_k feeds ĥ_{k+1}, so dx[k] comes from ∂ĥ_{k+1}.",
                     np.array([params.W_hx.T @ d[k] for k in range(T)])),
                    ("dx is left at zero: every x_k feeds ĥ_{k+1}, so ∂x_k comes from ∂ĥ_{k+1}.",
                     np.zeros_like(ref.dx))]
    return found


def _catalogue_match(ex, cases, outputs):
    """The hint of the first whole wrong pass of the catalogue that the student's reproduces,
    every gradient and history on every case, if any."""
    for hint, wrong_pass in ex.mistakes:       # on copies: a wrong pass may write into dy
        if all(all(_close(got[n], getattr(wrong, n)) for n in GRADIENTS + HISTORIES)
               for got, wrong in zip(outputs, (run_on_copies(wrong_pass, args, _NAMES)[1]
                                               for args in cases))):
            return hint
    return None


def _finite_differences(fn, params, trace, dy):
    """rnnlib.check_gradients on the student's function: the names of its report's
    ``mismatched`` gradients (None if the check raises)."""
    def as_grads(p, tr, d):
        result = fn(p, tr, np.array(d))
        return SimpleNamespace(**{n: np.asarray(_get(result, n), float) for n in GRADIENTS})
    try:
        with np.errstate(all="ignore"):
            report = check_gradients(params, trace.xs, h0=trace.h0, dy=dy, backward=as_grads)
    except Exception:                 # already reported from the comparison with the library
        return None
    return report.mismatched


def _rnn_backward_cases(n_cases):
    """The seeded random sequences, then one with exact zeros in ĥ and one with T = 1."""
    return [_rnn_backward_inputs(np.random.default_rng(seed)) for seed in range(n_cases)] + \
        [_padded_inputs(), _one_step_inputs()]


def _check_rnn_backward(ex, fn, n_cases=3):
    """Compare with rnnlib.backward and with finite differences; name a bug and the step."""
    head = f"{ex.name}: {ex.task}\n"

    def result(status, message):
        return CheckResult(ex.name, status, head + message)

    cases = _rnn_backward_cases(n_cases)
    outputs, wrote = [], []
    for args in cases:
        status, got, changed = _run(fn, *args)
        if status == "not attempted":
            return result(status, NOT_ATTEMPTED)
        if status == "error":
            hint = ("\n  An index is out of range: histories have T+1 rows (t = 0 ... T), xs has "
                    "T (x_0 ... x_{T-1})." if isinstance(got, IndexError) else
                    "\n  A shape error in a product: write down the shape of each factor (a "
                    "transpose?); np.outer(u, v) is u vᵀ." if isinstance(got, ValueError) else "")
            if changed:
                return result("error", in_place_message(changed) + f"\n  (It raised "
                              f"{type(got).__name__}: {got}: rnnlib.Params are read-only.)")
            return result("error", f"✗ your function raised {type(got).__name__}: {got}{hint}")
        if got is None:
            return result("wrong", "✗ your function returned None: did you forget `return`?")
        missing = [n for n in GRADIENTS + HISTORIES if got[n] is None or isinstance(got[n], str)]
        if missing:
            return result("wrong", "✗ your result has no usable " + ", ".join(missing) +
                          ": return rnnlib.Grads(dW_hh=..., ...) as in the cell's skeleton, "
                          "with every field an array.")
        outputs.append(got)
        wrote += [n for n in changed if n not in wrote]

    refs = [backward(*args) for args in cases]
    for got, ref in zip(outputs, refs):
        for name in GRADIENTS + HISTORIES:
            expected = getattr(ref, name)
            if got[name].shape != expected.shape:
                return result("wrong", f"✗ {_LABELS[name]} has shape {got[name].shape}; it "
                              f"should have the shape of {name[1:]}, {expected.shape}"
                              + (" (rows t = 0 ... T)." if name in HISTORIES else "."))
    bad = [k for k, (g, r) in enumerate(zip(outputs, refs))
           if any(not _close(g[n], getattr(r, n)) for n in GRADIENTS + HISTORIES)]
    if not bad and not wrote:
        dy_back = [g["dy"] for g in outputs]
        if any(d is None or as_numbers(d) is None or not _close(as_numbers(d), args[2])
               for d, args in zip(dy_back, cases)):
            return result("wrong", "✗ every gradient is right, but your result's dy is not the "
                          "upstream gradient the pass started from: return it as given "
                          "(dy=dy in rnnlib.Grads, or a copy).")
        status, again, _ = _run(fn, *cases[0])
        if status != "ok" or again is None or any(
                not isinstance(again[n], np.ndarray) or not _close(again[n], outputs[0][n])
                for n in GRADIENTS + HISTORIES):
            return result("wrong", AGAIN)
        return result("correct", f"✓ correct on {len(cases)} sequences (one whose ĥ_1 is exactly "
                      "0 in every unit but unit 0, which sits just above 0 at 1e-10, and one with "
                      "T = 1): every gradient and history agrees with "
                      "rnnlib.backward, and with finite differences (rnnlib.check_gradients)."
                      f"\n  {ex.equation}")
    lines = [in_place_message(wrote)] if wrote else []
    if "dy" in wrote:
        lines.append(f"  This is the bug '{_IN_PLACE}' of rnnlib.BUGS: "
                     f"{BUGS[_IN_PLACE].description}.")
    if bad:
        k = bad[0]
        params, trace, dy = cases[k]
        got, ref = outputs[k], refs[k]
        which = "" if k < n_cases else (" on the sequence whose ĥ_1 is exactly 0 in every unit "
                                         "but unit 0 (just above 0, at 1e-10)"
                                         if k == n_cases else " on the sequence with T = 1")
        wrong = [n for n in GRADIENTS + HISTORIES if not _close(got[n], getattr(ref, n))]
        named = _catalogue_match(ex, cases, outputs)
        lines.append("✗ not yet right" + which + "." + (f" {named}" if named else ""))
        lines.append("  Against rnnlib.backward: wrong " + ", ".join(_LABELS[n] for n in wrong)
                     + "; right " + (", ".join(_LABELS[n] for n in GRADIENTS + HISTORIES
                                               if n not in wrong) or "none") + ".")
        step = _first_wrong_step(got, ref, params, trace, dy)
        if step:
            lines.append("  " + (step.replace(named, "(see above).") if named else step))
        else:
            lines.append(f"  Your ∂h_t and ∂ĥ_t are right at every step, t = {trace.T} ... 0: "
                         "the mistake is in how the gradients below are summed from them.")
            hints = _field_mistakes(params, trace, dy, ref)
            said = {}                        # one line per diagnosis, naming every gradient
            for name in (n for n in GRADIENTS if n in wrong):
                match = [hint for hint, value in hints[name] if _close(got[name], value)]
                said.setdefault(match[0] if match else describe_difference(
                    got[name], getattr(ref, name), _AXES[name]), []).append(_LABELS[name])
            lines += [f"  {', '.join(names)}: {diagnosis}" for diagnosis, names in said.items()]
        fd_wrong = _finite_differences(fn, params, trace, dy)
        if fd_wrong is not None:
            lines.append("  rnnlib.check_gradients (finite differences) flags: "
                         + (", ".join(fd_wrong) or "nothing") + "."
                         + (" Finite differences step over the kink at ĥ = 0 and cannot judge "
                            "ReLU'(0): the comparison with rnnlib.backward does."
                            if k == n_cases and not fd_wrong else ""))
    return result("wrong", "\n".join(lines))


def _wrong_pass(W_hh=None, W_yh=None, kink_open=False, dy_shift=False):
    """A whole backward pass with one mistake, made by changing what rnnlib.backward is given:
    W_hh or W_yh (a function of params), the gates at ĥ = 0 opened, or ∂y moved one step."""
    def variant(params, trace, dy):
        p = params.replace(**{name: f(params) for name, f in (("W_hh", W_hh), ("W_yh", W_yh))
                              if f is not None})
        tr = replace(trace, mask=trace.h_hat >= 0) if kink_open else trace
        if kink_open:
            tr.mask[0] = False
        g = backward(p, tr, _shift_dy(dy) if dy_shift else dy)
        g.dW_yh = backward(params, trace, dy).dW_yh if W_yh is not None else g.dW_yh
        return g
    return variant


# What else computes exactly what a bug of the zoo computes.
_ALSO = {"dropped through-time term": " (A loop run forwards in time computes the same: "
                                      "dh_hat[t+1] is still 0 when step t reads it. Go from "
                                      "t = T down to 1.)"}


def _shift_dy(dy):
    out = np.zeros_like(dy)
    out[1:] = dy[:-1]
    return out


EXERCISES = [
    Exercise(
        "central_difference", "∂f/∂x_i ≈ (f(x + ε e_i) − f(x − ε e_i)) / 2ε, for every entry i",
        "central_difference(f, x, eps)  # f: a function of an array, x: (n,) -> (n,)",
        _exact_gradient, _rng_smooth,
        task="a numerical gradient of f at x by central differences, one entry at a time",
        axes=("entry ",), tolerance=_central_tolerance,
        edge_cases=((_smooth_f, np.array([1.5, -0.5, 2.0, 0.25, -1.75]), 1e-3),
                    (_cubic_f, np.array([0.5, -1.0, 2.0, 0.0]), 0.5)),
        mistakes=(
            ("That is a forward difference, (f(x + ε e_i) − f(x)) / ε: its error is of order ε, "
             "the central one's of order ε².", _forward_difference),
            ("Twice too large: the two points are 2ε apart, so divide by 2ε.",
             lambda f, x, eps: 2 * _exact_gradient(f, x, eps)),
            ("Half the right size: the two points are 2ε apart; divide by 2ε, not 4ε.",
             lambda f, x, eps: 0.5 * _exact_gradient(f, x, eps)),
            ("Operator precedence: `/ 2 * eps` divides by 2 and then multiplies by ε; divide by "
             "(2 * eps), in parentheses.",
             lambda f, x, eps: eps ** 2 * _exact_gradient(f, x, eps)),
            ("x is not restored after each nudge, so later entries are taken at the wrong point.",
             _unrestored_difference),
            ("A sign error: f(x + ε e_i) comes first in the difference.",
             lambda f, x, eps: -_exact_gradient(f, x, eps)),
        )),
    Exercise(
        "rnn_backward",
        "for t = T ... 1: ∂h_t = W_yhᵀ ∂y_t + W_hhᵀ ∂ĥ_{t+1};  ∂ĥ_t = ReLU'(ĥ_t) ⊙ ∂h_t;  "
        "∂W_yh += ∂y_t h_tᵀ;  ∂W_hh += ∂ĥ_t h_{t-1}ᵀ;  ∂W_hx += ∂ĥ_t x_{t-1}ᵀ;  ∂b_h += ∂ĥ_t;  "
        "∂x_{t-1} = W_hxᵀ ∂ĥ_t;  then ∂h_0 = W_hhᵀ ∂ĥ_1",
        "rnn_backward(params, trace, dy) -> rnnlib.Grads  # one sequence: trace from "
        "rnnlib.forward(params, xs (T, D), h0 (H,)), dy (T+1, O) with row 0 zero",
        backward, _rnn_backward_inputs,
        task="the whole backward pass of one sequence, looping over t = T, ..., 1: the histories "
             "∂h_t, ∂ĥ_t, the input gradients ∂x_k, ∂h_0 and the four weight gradients, from "
             "the upstream gradient dy[t] = ∂y_t",
        # The catalogue of whole wrong passes: the checker names the one the student's
        # reproduces, and the tests make sure each is rejected and named.
        mistakes=(*((f"This is the bug '{bug}' of rnnlib.BUGS: {BUGS[bug].description}."
                     + _ALSO.get(bug, ""), backward_with_bug(bug)) for bug in BUGS),
                  (_KINK, _wrong_pass(kink_open=True)),
                  ("W_hh lacks its transpose: going backwards multiplies by W_hhᵀ.",
                   _wrong_pass(W_hh=lambda p: p.W_hh.T)),
                  ("A sign error on the path through ĥ_{t+1}: the chain rule only multiplies "
                   "and adds.", _wrong_pass(W_hh=lambda p: -p.W_hh)),
                  ("A sign error on the output path W_yhᵀ ∂y_t: the chain rule only multiplies "
                   "and adds.", _wrong_pass(W_yh=lambda p: -p.W_yh)),
                  (DY_SHIFT, _wrong_pass(dy_shift=True))),
        checker=_check_rnn_backward),
]

QUESTIONS = {
    "float32_check": "Why does the check use float64 even when the model runs in float32? "
                     "Estimate the best relative error a float32 central difference can reach.",
}


# --- numerical_db_h: a check where the curvature shows (notebook 06, exercise 2) ----------------
# The objective of the error curve, Σ_t ⟨∂y_t, y_t⟩, is piecewise linear in b_h: between kinks a
# forward difference is as exact as a central one there. The cross-entropy loss of the outputs
# curves (its softmax has derivatives of every order), so a forward difference's O(ε) error
# shows against the central difference's O(ε²). The reference is the library's central
# difference, rnnlib.numerical_gradients, never a hand-written answer.

from ..gradcheck import numerical_gradients  # noqa: E402  (kept with the exercise it serves)
from ..losses import loss_from_trace  # noqa: E402


def _cross_entropy_objective(labels):
    return lambda trace: loss_from_trace(trace, labels, loss="cross_entropy")[0]


def _numerical_db_h(params, xs, labels, eps):
    """∂E/∂b_h of the cross-entropy loss by central differences (rnnlib.numerical_gradients)."""
    return numerical_gradients(_cross_entropy_objective(labels), params, xs, eps=eps)["db_h"][0]


def _bias_loss(params, xs, labels):
    """E as a function of the bias alone: what the student's f must be."""
    return lambda b: _cross_entropy_objective(labels)(forward(params.replace(b_h=b), xs))


def _numerical_db_h_inputs(rng, T=6, D=3, H=4, O=3):
    """A generic network, inputs, one class label per step, and a step ε = 1e-3."""
    params = init_params(D, H, O, seed=rng)
    params = params.replace(b_h=0.5 + 0.1 * rng.standard_normal(H))
    return params, rng.standard_normal((T, D)), rng.integers(0, O, size=T), 1e-3


def _one_sided(f, x, eps):
    """The mistake (f(x + ε e_i) − f(x)) / ε, for any f."""
    return np.array([(f(x + eps * e) - f(x)) / eps for e in np.eye(x.size)])


def _without(name):
    """An isolation: the network with one weight matrix set to zero."""
    def transform(args):
        params, *rest = args
        return (params.replace(**{name: np.zeros_like(getattr(params, name))}), *rest)
    return transform


EXERCISES.append(Exercise(
    "numerical_db_h",
    "∂E/∂b_h,i ≈ (E(b_h + ε e_i) − E(b_h − ε e_i)) / 2ε, with E(b) the cross-entropy loss of the "
    "outputs of rnnlib.forward(params.replace(b_h=b), xs)",
    "numerical_db_h(params, xs, labels, eps) -> (H,)  # xs (T, D), labels (T,) class ids",
    _numerical_db_h, _numerical_db_h_inputs,
    task="∂E/∂b_h by central differences, E the cross-entropy loss of the RNN's outputs as a "
         "function of the bias alone",
    error_hints=(("ValueError", "labels are class ids, one per step: the loss is the cross "
                  "entropy, so pass loss=\"cross_entropy\" (the default is the squared error).",
                  "squared_error"),),
    mistakes=(
        ("That is a forward difference, (E(b + ε e_i) − E(b)) / ε: its error is of order ε, the "
         "central one's of order ε².",
         lambda params, xs, labels, eps: _one_sided(_bias_loss(params, xs, labels),
                                                    params.b_h, eps)),
        ("Twice too large: the two points are 2ε apart, so divide by 2ε.",
         lambda params, xs, labels, eps: 2 * _numerical_db_h(params, xs, labels, eps)),
        ("All zeros: your E does not change with b. Run the forward pass with "
         "params.replace(b_h=b), the nudged bias, not with params.",
         lambda params, xs, labels, eps: np.zeros_like(params.b_h)),
        ("That is the squared-error loss's gradient; the exercise asks for the cross-entropy "
         "loss (loss=\"cross_entropy\").",
         lambda params, xs, labels, eps: numerical_gradients(
             lambda tr: loss_from_trace(tr, np.eye(params.n_output)[labels])[0],
             params, xs, eps=eps)["db_h"][0]),
    ),
    isolations=(
        ("with W_hh = 0 (no step feeds the next)", _without("W_hh")),
        ("with W_hx = 0 (the bias alone drives the states)", _without("W_hx")),
    )))
# --- end of numerical_db_h --------------------------------------------------------------------


# The explanations shown after a wrong prediction (the truth is then on screen), by the
# prediction's name: kept here, out of the cell the student predicts in.
PREDICTIONS = {
    'one_step_check': 'With T = 1 there is no later step: ∂ĥ_2 = 0, so the through-time term is 0 anyway, and a sum of one term is the same with = or +=. The mask bug is still caught: at t = 1 it reads the gate of ĥ_0, and mask[0] = False.',
    'error_factors': "Taylor: the forward difference keeps the term ε E''/2, of order ε; in the central one it cancels, and ε² E'''/6 is left.",
}
