"""The exercises of notebook 06 · Putting BPTT together and checking it.

Besides ``central_difference`` (one array, checked by ``core.check_exercise``), the whole
backward pass ``rnn_backward(params, trace, dy) -> rnnlib.Grads``, with a checker of its own:
it compares every gradient with :func:`rnnlib.backward` and with finite differences
(:func:`rnnlib.gradcheck`), names a bug of the zoo (:mod:`rnnlib.bugs`) when the student's
output is that bug's, and says from which time step the histories ∂h_t, ∂ĥ_t go wrong.
"""
from dataclasses import fields, replace
from types import SimpleNamespace

import numpy as np

from ..bptt import backward
from ..bugs import BUGS, backward_with_bug
from ..gradcheck import gradcheck, random_upstream
from ..model import forward, init_params, relu_grad
from .core import ATOL, RTOL, CheckResult, Exercise


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


# --- rnn_backward: the whole backward pass, written by the student -----------------------------

GRADIENTS = ("dW_hh", "dW_hx", "db_h", "dW_yh", "dh0", "dx")   # what rnnlib.gradcheck checks
HISTORIES = ("dh", "dh_hat")                                   # compared step by step
_LABELS = {"dW_hh": "∂W_hh", "dW_hx": "∂W_hx", "db_h": "∂b_h", "dW_yh": "∂W_yh",
           "dh0": "∂h_0 (dh0)", "dx": "∂x (dx)", "dh": "∂h_t (dh)", "dh_hat": "∂ĥ_t (dh_hat)"}
_IN_PLACE = "upstream gradient modified in place"


def _rnn_backward_inputs(rng, T=5, D=3, H=4, O=2):
    """One generic sequence: (params, trace, dy) with dy (T+1, O) random, row 0 zero."""
    params = init_params(D, H, O, seed=rng)
    params = params.replace(b_h=0.3 * rng.standard_normal(H))
    trace = forward(params, rng.standard_normal((T, D)), np.abs(rng.standard_normal(H)))
    return params, trace, random_upstream(trace, seed=rng.integers(2 ** 31))


def _copy_trace(trace):
    return replace(trace, **{f.name: getattr(trace, f.name).copy() for f in fields(trace)})


def _get(result, name):
    """A field of the student's result: a Grads (or any object with attributes) or a dict."""
    return result.get(name) if isinstance(result, dict) else getattr(result, name, None)


def _close(a, b):
    return a.shape == b.shape and np.allclose(a, b, rtol=RTOL, atol=ATOL)


def _run(fn, params, trace, dy):
    """("ok", {name: array or None}, dy_was_changed), ("not attempted", ...) or ("error", exc)."""
    dy_given = dy.copy()
    try:
        with np.errstate(all="ignore"):
            result = fn(params, _copy_trace(trace), dy_given)
    except NotImplementedError:
        return "not attempted", None, False
    except Exception as exc:  # a student's bug is reported, not raised
        return "error", exc, False
    if result is None:
        return "ok", None, False
    out = {}
    for name in GRADIENTS + HISTORIES:
        value = _get(result, name)
        try:
            out[name] = None if value is None else np.asarray(value, dtype=float)
        except (TypeError, ValueError):
            out[name] = "not numbers"
    return "ok", out, not np.array_equal(dy_given, dy)


def _filled(name, got, expected):
    """Whether to compare a history: the skeleton's zeros mean "not filled in"."""
    return name in GRADIENTS or (isinstance(got, np.ndarray) and got.shape == expected.shape
                                 and (got.any() or not expected.any()))


def _first_wrong_step(got, ref, T):
    """Going back from t = T, the first step whose ∂h_t or ∂ĥ_t differs, and what that means."""
    has_hat = got.get("dh_hat") is not None and _filled("dh_hat", got["dh_hat"], ref.dh_hat)
    has_dh = got.get("dh") is not None and _filled("dh", got["dh"], ref.dh)
    if not (has_dh or has_hat):
        return "Fill in dh and dh_hat too, and the checker says from which time step on."
    for t in range(T, -1, -1):
        if has_dh and not _close(got["dh"][t], ref.dh[t]):
            where = ("at t = T, where ∂ĥ_{T+1} = 0: only the output path" if t == T else
                     "h_0 has no output: only the path through ĥ_1" if t == 0 else
                     f"∂ĥ_{t + 1} is right, so look at how ∂h_{t} combines ∂y_{t} and ∂ĥ_{t + 1}")
            return (f"Step by step from t = T = {T} down, the first wrong value is ∂h_{t} "
                    f"(dh[{t}]); {where}.")
        if has_hat and t > 0 and not _close(got["dh_hat"][t], ref.dh_hat[t]):
            return (f"Step by step from t = T = {T} down, the first wrong value is ∂ĥ_{t} "
                    f"(dh_hat[{t}]), while ∂h_{t} is right: look at the gate of step {t}.")
    return (f"Your ∂h_t and ∂ĥ_t are right at every step, t = {T} ... 0: the mistake is in how "
            "the gradients below are summed from them.")


def _field_mistakes(params, trace, dy, ref):
    """{gradient: [(hint, what that mistake computes)]}, each mistake in one gradient alone."""
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
                        ("A sign error: the chain rule only multiplies and adds.", -getattr(ref, name))]
    upstream = "The upstream factor ∂h_t is missing: ReLU'(ĥ_t) alone is not ∂ĥ_t (the notes' erratum)."
    found["dW_hh"] += [(upstream, sum(np.outer(relu_grad(h_hat[t]), h[t - 1]) for t in ts)),
                       ("Off by one: ∂ĥ_t pairs with h_{t-1}, the state that fed ĥ_t, not h_t.",
                        sum(np.outer(d[t], h[t]) for t in ts)),
                       ("Transposed: row i of ∂W_hh belongs to unit i of ĥ_t.", ref.dW_hh.T)]
    found["dW_hx"] += [(upstream, sum(np.outer(relu_grad(h_hat[t]), xs[t - 1]) for t in ts)),
                       ("Off by one: ∂ĥ_t pairs with x_{t-1} = xs[t-1], the input that fed ĥ_t.",
                        sum(np.outer(d[t], xs[t]) for t in range(1, T)))]
    found["db_h"] += [(upstream, sum(relu_grad(h_hat[t]) for t in ts))]
    found["dW_yh"] += [("The factor ∂y_t is missing from ∂W_yh's terms.",
                        sum(np.outer(np.ones_like(dy[t]), h[t]) for t in ts)),
                       ("Off by one: y_t = W_yh h_t, so ∂y_t pairs with h_t.",
                        sum(np.outer(dy[t], h[t - 1]) for t in ts)),
                       ("A sign error: the chain rule only multiplies and adds.", -ref.dW_yh)]
    found["dh0"] += [("∂h_0 is left at zero: h_0 has no output, but it feeds ĥ_1.",
                      np.zeros_like(ref.dh0))]
    found["dx"] += [("Off by one: x_k feeds ĥ_{k+1}, so dx[k] comes from ∂ĥ_{k+1}.",
                     np.array([params.W_hx.T @ d[k] for k in range(T)]))]
    return found


def _zoo_bug(cases, outputs, refs):
    """The bug of rnnlib.BUGS whose output the student's reproduces on every case, if any."""
    for bug in BUGS:
        if bug == _IN_PLACE:          # its gradients are right: recognised by the dy it changes
            continue
        fn = backward_with_bug(bug)
        if all(all(got[n] is None or not _filled(n, got[n], getattr(ref, n))
                   or _close(got[n], getattr(fn(*args), n)) for n in GRADIENTS + HISTORIES)
               for args, got, ref in zip(cases, outputs, refs)):
            return bug
    return None


def _finite_differences(fn, params, trace, dy):
    """rnnlib.gradcheck on the student's function: (names that disagree, names unverified)."""
    def as_grads(p, tr, d):
        result = fn(p, tr, d)
        return SimpleNamespace(**{n: np.asarray(_get(result, n), float) for n in GRADIENTS})
    try:
        with np.errstate(all="ignore"):
            report = gradcheck(params, trace.xs, h0=trace.h0, dy=dy, backward=as_grads)
    except Exception:                 # already reported from the comparison with the library
        return None, []
    wrong = [r.name for r in report.rows if r.name == "dy" or (r.n_compared and not r.close)]
    return wrong, [r.name for r in report.rows if r.shapes_match and r.n_compared == 0]


def _check_rnn_backward(ex, fn, n_cases=3):
    """Compare with rnnlib.backward and with finite differences; name a zoo bug and the step."""
    head = f"{ex.name}: {ex.task}\n"

    def result(status, message):
        return CheckResult(ex.name, status, head + message)

    cases = [ex.inputs(np.random.default_rng(seed)) for seed in range(n_cases)]
    outputs, wrote_dy = [], False
    for args in cases:
        status, got, changed = _run(fn, *args)
        if status == "not attempted":
            return result(status, "not attempted yet: replace `raise NotImplementedError` with "
                                  "your code, then run this cell.")
        if status == "error":
            hint = ("\n  An index is out of range: histories have T+1 rows (t = 0 ... T), xs has "
                    "T (x_0 ... x_{T-1})." if isinstance(got, IndexError) else
                    "\n  A shape error in a product: write down the shape of each factor (a "
                    "transpose?); np.outer(u, v) is u vᵀ." if isinstance(got, ValueError) else "")
            return result("error", f"✗ your function raised {type(got).__name__}: {got}{hint}")
        if got is None:
            return result("wrong", "✗ your function returned None: did you forget `return`?")
        missing = [n for n in GRADIENTS if got[n] is None or isinstance(got[n], str)]
        if missing:
            return result("wrong", "✗ your result has no usable " + ", ".join(missing) +
                          ": return rnnlib.Grads(dW_hh=..., ...) as in the cell's skeleton.")
        outputs.append(got)
        wrote_dy |= changed

    refs = [backward(*args) for args in cases]
    params, trace, dy = cases[0]
    for got, ref in zip(outputs, refs):
        for name in GRADIENTS + HISTORIES:
            expected = getattr(ref, name)
            if isinstance(got[name], np.ndarray) and got[name].shape != expected.shape \
                    and (name in GRADIENTS or got[name].size):
                return result("wrong", f"✗ {_LABELS[name]} has shape {got[name].shape}; expected "
                              f"{expected.shape}, the shape of {name.lstrip('d') or name}.")
    wrong = [n for n in GRADIENTS + HISTORIES
             if any(isinstance(g[n], np.ndarray) and _filled(n, g[n], getattr(r, n))
                    and not _close(g[n], getattr(r, n)) for g, r in zip(outputs, refs))]
    fd_wrong, unverified = _finite_differences(fn, params, trace, dy)

    if not wrong and not wrote_dy:
        skipped = [n for n in HISTORIES if not _filled(n, outputs[0][n], getattr(refs[0], n))]
        return result("correct", f"✓ correct on {len(cases)} sequences: every gradient agrees "
                      "with rnnlib.backward, and with finite differences (rnnlib.gradcheck)."
                      + (f" (Not compared, left at zero: {', '.join(skipped)}.)" if skipped else "")
                      + f"\n  {ex.equation}")
    lines = []
    if not wrong:
        lines.append(f"✗ your gradients are right, but your function wrote into its dy argument: "
                     f"this is the bug '{_IN_PLACE}' of rnnlib.BUGS ({BUGS[_IN_PLACE]}). The "
                     "caller's ∂y is now wrong for its next use: never write into an argument.")
    else:
        bug = _zoo_bug(cases, outputs, refs)
        lines.append("✗ not yet right." + (f" This is the bug '{bug}' of rnnlib.BUGS: {BUGS[bug]}."
                                           if bug else ""))
        lines.append("  Against rnnlib.backward: wrong " + ", ".join(_LABELS[n] for n in wrong)
                     + "; right " + (", ".join(_LABELS[n] for n in GRADIENTS if n not in wrong)
                                     or "none") + ".")
        lines.append("  " + _first_wrong_step(outputs[0], refs[0], trace.T))
        if not any(n in wrong for n in HISTORIES):
            hints = _field_mistakes(params, trace, dy, refs[0])
            for name in (n for n in GRADIENTS if n in wrong):
                match = [hint for hint, value in hints[name] if _close(outputs[0][name], value)]
                if match:
                    lines.append(f"  {_LABELS[name]}: {match[0]}")
    if fd_wrong is not None:
        lines.append("  rnnlib.gradcheck (finite differences) flags: "
                     + (", ".join(fd_wrong) or "nothing") + ".")
    return result("wrong", "\n".join(lines))


EXERCISES = [
    Exercise(
        "central_difference", "∂f/∂x_i ≈ (f(x + ε e_i) − f(x − ε e_i)) / 2ε, for every entry i",
        "central_difference(f, x, eps)  # f: a function of an array, x: (n,) -> (n,)",
        _central_difference, lambda rng: (_smooth_f, rng.standard_normal(5), 1e-4),
        task="a numerical gradient of f at x by central differences, one entry at a time",
        mistakes=(
            ("That is a forward difference, (f(x + ε e_i) − f(x)) / ε: its error is of order ε, "
             "the central one's of order ε².", _forward_difference),
            ("Twice too large: the two points are 2ε apart, so divide by 2ε.",
             lambda f, x, eps: 2 * _central_difference(f, x, eps)),
            ("x is not restored after each nudge, so later entries are taken at the wrong point.",
             _unrestored_difference),
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
        mistakes=tuple((f"'{bug}'", backward_with_bug(bug)) for bug in BUGS),
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
    return numerical_gradients(_cross_entropy_objective(labels), params, xs, eps=eps)["b_h"][0]


def _bias_loss(params, xs, labels):
    """E as a function of the bias alone: what the student's f must be."""
    return lambda b: _cross_entropy_objective(labels)(forward(params.replace(b_h=b), xs))


def _numerical_db_h_inputs(rng, T=6, D=3, H=4, O=3):
    """A generic network, inputs, one class label per step, and a step ε = 1e-3."""
    params = init_params(D, H, O, seed=rng)
    params = params.replace(b_h=0.5 + 0.1 * rng.standard_normal(H))
    return params, rng.standard_normal((T, D)), rng.integers(0, O, size=T), 1e-3


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
    mistakes=(
        ("That is a forward difference, (E(b + ε e_i) − E(b)) / ε: its error is of order ε, the "
         "central one's of order ε².",
         lambda params, xs, labels, eps: _forward_difference(_bias_loss(params, xs, labels),
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
             params, xs, eps=eps)["b_h"][0]),
    ),
    isolations=(
        ("with W_hh = 0 (no step feeds the next)", _without("W_hh")),
        ("with W_hx = 0 (the bias alone drives the states)", _without("W_hx")),
    )))
# --- end of numerical_db_h --------------------------------------------------------------------
