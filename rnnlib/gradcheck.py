r"""Checking gradients by computation: finite differences, with ReLU kinks found and set aside.

Three tools, for the tests and for students:

- :func:`compare` — one line per gradient: the verdict ``close: True/False``, then the max abs
  diff and the relative error (``Comparison.exact`` says whether the two are bit-for-bit equal).
- :func:`numerical_gradients` — central differences of any scalar function of the forward trace,
  with respect to W_hh, W_hx, b_h, W_yh, h_0 and every input x_k, in float64, named as in
  :class:`rnnlib.Grads` (dW_hh, dW_hx, db_h, dW_yh, dh0, dx).
- :func:`check_gradients` (any upstream gradient ``dy``, random by default) and
  :func:`check_loss_gradients` (a real loss), which put the two together.

Why a random upstream gradient: checking E = Σ_t Σ_i y_t[i] (a sum of outputs) sends the same
∂y to every output, and a backward pass that, say, drops a factor of ∂y can still pass. With
E = Σ_t ⟨dy_t, y_t⟩ for a random dy, ∂E/∂y_t = dy_t exactly and every factor matters.

Kinks: ReLU is not differentiable at 0. If nudging a parameter by ±eps switches any unit on or
off (any entry of the mask 1[ĥ_t > 0] flips), the finite difference straddles a kink and
measures a mix of two slopes. Such entries are reported as kinks and left out of the
comparison instead of being compared. A gradient whose every entry is a kink has not been
checked at all: the report is then "inconclusive", never a pass (see :class:`GradCheckReport`).
"""
from dataclasses import dataclass, replace

import numpy as np

from .bptt import backward, check_backward_args
from .losses import check_targets, convert_targets, loss_and_grads, loss_from_trace
from .model import Params, check_inputs, check_trace, forward
from .validate import (as_float_array, as_generator, as_real_array, check_function,
                       check_positive, shape_str)

# What numerical_gradients differentiates (arguments of forward), and the name of each gradient
WRT = {"W_hh": "dW_hh", "W_hx": "dW_hx", "b_h": "db_h", "W_yh": "dW_yh", "h0": "dh0", "xs": "dx"}


@dataclass(frozen=True)
class Comparison:
    """The result of :func:`compare`; ``str()`` gives the one-line summary."""
    name: str
    shapes_match: bool
    exact: bool
    close: bool
    max_abs_diff: float
    rel_error: float
    n_compared: int
    n_kinks: int = 0
    note: str = ""

    def __str__(self):
        if not self.shapes_match:
            return f"{self.name:<7} | shape mismatch: {self.note}"
        if self.n_compared == 0:
            return f"{self.name:<7} | {self.n_kinks} kink(s) skipped | {self.note}"
        kinks = f" | {self.n_kinks} kink(s) skipped" if self.n_kinks else ""
        note = f" | {self.note}" if self.note else ""
        # the verdict first; "exact" (bit-for-bit equal) is left out of the line: it depends
        # on the BLAS build and the CPU, and "close" is what a check decides on
        return (f"{self.name:<7} | close: {str(self.close):<5} | "
                f"max abs diff: {self.max_abs_diff:.2e} | rel error: {self.rel_error:.2e}"
                f"{kinks}{note}")


def compare(name, ours, reference, *, tol=1e-6, floor=1e-12, skip=None):
    """Compare a computed gradient with a reference, shapes first, then values.

    ours, reference: arrays of one shape; skip: optional bool array of that shape marking
    entries to leave out (kinks). The relative error is normwise,
    ‖ours − reference‖ / max(‖ours‖, ‖reference‖, floor): the floor keeps two zero arrays
    from giving 0/0, and NaN anywhere makes the comparison fail (never pass).
    ``close`` means rel_error <= tol; if ``skip`` leaves nothing to compare, ``close`` is
    (vacuously) True with ``n_compared == 0`` and a note saying so. Returns a :class:`Comparison`.
    """
    if not isinstance(name, str):
        raise TypeError(f"name must be a str, the gradient's name in the report, e.g. 'dW_hh'; "
                        f"got {type(name).__name__}")
    tol, floor = check_positive("tol", tol), check_positive("floor", floor)
    ours, reference = as_real_array("ours", ours), as_real_array("reference", reference)
    if ours.shape != reference.shape:   # a result, not an error: the pass under test is wrong
        return Comparison(name, False, False, False, np.inf, np.inf, 0,
                          note=f"ours {shape_str(ours.shape)} vs reference "
                               f"{shape_str(reference.shape)}")
    if skip is not None and np.shape(skip) != ours.shape:
        raise ValueError(f"skip must have the shape of ours, {shape_str(ours.shape)}; "
                         f"got {shape_str(np.shape(skip))}")
    keep = np.ones(ours.shape, bool) if skip is None else ~np.asarray(skip, bool)
    a, b = ours[keep].astype(np.float64), reference[keep].astype(np.float64)
    n_kinks = int(keep.size - keep.sum())
    if a.size == 0:
        return Comparison(name, True, exact=False, close=True, max_abs_diff=np.nan,
                          rel_error=np.nan, n_compared=0, n_kinks=n_kinks,
                          note="nothing compared: every entry is a kink")
    diff = a - b
    max_abs = float(np.max(np.abs(diff)))
    rel = float(np.linalg.norm(diff) / max(np.linalg.norm(a), np.linalg.norm(b), floor))
    return Comparison(name, True, exact=bool(np.array_equal(a, b)), close=bool(rel <= tol),
                      max_abs_diff=max_abs, rel_error=rel, n_compared=int(a.size),
                      n_kinks=n_kinks)


@dataclass(frozen=True)
class GradCheckReport:
    """Comparisons, one per gradient; ``str()`` is the table and a verdict.

    ``status`` is one of three verdicts, the one rule every check in rnnlib judges by:

    - ``"fail"``: some gradient differs from finite differences on the entries compared, or
      has the wrong shape (``mismatched`` names them);
    - ``"inconclusive"``: none differs, but some gradient had *nothing* compared, because every
      one of its entries sits at a ReLU kink (``unverified`` names them). A check that verified
      nothing about a gradient cannot vouch for it, so this is not a pass;
    - ``"pass"``: every gradient is close on its compared entries, and each had some compared
      or is empty (a gradient with no entries, e.g. of a size-0 input, has nothing to verify).

    ``ok`` is True only for ``"pass"``.
    """
    rows: tuple

    @property
    def unverified(self):
        """Names of the gradients of which no entry was compared: every entry a kink."""
        return [row.name for row in self.rows
                if row.shapes_match and row.n_compared == 0 and row.n_kinks > 0]

    @property
    def mismatched(self):
        """Names of the gradients that have the wrong shape or differ on the entries compared.

        A row with nothing compared never differs, whatever its ``close`` says."""
        return [row.name for row in self.rows
                if not row.shapes_match or (row.n_compared > 0 and not row.close)]

    @property
    def status(self):
        """"fail", "inconclusive" or "pass": see the class's description."""
        if self.mismatched:
            return "fail"
        return "inconclusive" if self.unverified else "pass"

    @property
    def ok(self):
        return self.status == "pass"

    def __getitem__(self, name):
        for row in self.rows:
            if row.name == name:
                return row
        raise KeyError(f"no comparison named {name!r}; have {[r.name for r in self.rows]}")

    def __str__(self):
        unverified = ", ".join(self.unverified)
        if self.status == "pass":
            verdict = "all gradients close"
        elif self.status == "inconclusive":
            verdict = (f"INCONCLUSIVE: nothing verified for {unverified} (every entry at a "
                       "ReLU kink); the gradients compared are close")
        else:
            verdict = "MISMATCH in " + ", ".join(self.mismatched)
            if unverified:
                verdict += f"; not verified (every entry a kink): {unverified}"
        return "\n".join([str(r) for r in self.rows] + [verdict])


def numerical_gradients(objective, params, xs, h0=None, *, eps=1e-6):
    """Central-difference gradients of ``objective(trace)`` in float64, with kinks marked.

    objective: a function of a :class:`rnnlib.Trace` returning a float (the loss E).
    params, xs, h0: as for :func:`rnnlib.forward` (checked under its dtype rules, then
    converted to float64).
    Returns ``{name: (grad, kinks)}`` for the names of :class:`rnnlib.Grads`, dW_hh (H, H),
    dW_hx (H, D), db_h (H,), dW_yh (O, H), dh0 ([B,] H) and dx (T, [B,] D): ``grad`` has the
    shape of that argument and ``kinks`` is a bool array of the same shape, True where the
    ±eps forward passes changed any ReLU mask.
    Costs two forward passes per entry: for small models only.
    """
    check_function("objective", objective, "a function of a Trace")
    eps = check_positive("eps", eps)
    p, xs, h0 = _to_float64(params, xs, h0)
    base_mask = forward(p, xs, h0).mask
    args = {**{n: getattr(p, n).copy() for n in Params.names}, "h0": h0, "xs": xs}

    def run():
        trace = forward(Params(*(args[n] for n in Params.names)), args["xs"], args["h0"])
        return objective_value(objective, trace), not np.array_equal(trace.mask, base_mask)

    result = {}
    for name, grad_name in WRT.items():
        arr = args[name]
        grad, kinks = np.zeros_like(arr), np.zeros(arr.shape, bool)
        for idx in np.ndindex(arr.shape):
            original = arr[idx]
            arr[idx] = original + eps
            E_plus, flip_plus = run()
            arr[idx] = original - eps
            E_minus, flip_minus = run()
            arr[idx] = original
            grad[idx] = (E_plus - E_minus) / (2 * eps)
            kinks[idx] = flip_plus or flip_minus
        result[grad_name] = (grad, kinks)
    return result


def objective_value(objective, trace):
    """``objective(trace)``, or a TypeError unless it is a real number (a Python or numpy
    scalar, or a 0-d array). Not checked for finiteness: an overflowed loss makes the
    comparison fail, as it should."""
    E = objective(trace)
    if isinstance(E, bool) or np.ndim(E) != 0 or np.asarray(E).dtype.kind not in "iuf":
        got = type(E).__name__ + (f" of shape {shape_str(np.shape(E))}" if np.ndim(E) else "")
        raise TypeError(f"objective must return a real number, the loss E of the trace; "
                        f"got {got}")
    return E


def check_backward_result(backward, grads):
    """Raise TypeError unless ``grads``, what ``backward`` returned, has the gradients a check
    compares (dW_hh, dW_hx, db_h, dW_yh, dh0, dx), as an rnnlib.Grads does; return it."""
    missing = [name for name in WRT.values() if not hasattr(grads, name)]
    if missing:
        name = getattr(backward, "__name__", type(backward).__name__)
        raise TypeError(f"backward must return an rnnlib.Grads, like rnnlib.backward; "
                        f"{name} returned {type(grads).__name__}, without "
                        f"{', '.join(missing)}")
    return grads


def fd_floor(scale, size, eps, tol):
    """The smallest gradient norm that central differences can resolve, divided by ``tol``.

    Each difference quotient (E(θ+eps) − E(θ−eps)) / 2eps carries a round-off error of about
    ε_mach · scale / eps, where ``scale`` is the size of the terms summed into E; over ``size``
    entries the norm of that error is about √size times more. Used as the ``floor`` of
    :func:`compare`, it judges a gradient smaller than the FD resolution by the absolute
    error the FD can see, instead of failing it on noise.
    """
    return max(1e-12, np.sqrt(size) * np.finfo(np.float64).eps * scale / eps / tol)


def _to_float64(params, xs, h0):
    """Check the arguments under the caller's dtype rules, then convert them to float64."""
    xs, h0 = check_inputs(params, xs, h0)
    return params.astype(np.float64), xs.astype(np.float64), h0.astype(np.float64)


def _report(grads, numeric, scale, eps, tol):
    rows = []
    for name, (num, kinks) in numeric.items():
        rows.append(compare(name, getattr(grads, name), num, tol=tol, skip=kinks,
                            floor=fd_floor(scale, num.size, eps, tol)))
    return GradCheckReport(tuple(rows))


def random_upstream(trace, seed=0):
    """A random ∂y of trace.y's shape, standard normal, with row 0 zero (y_0 does not exist).

    seed: an int >= 0 or a ``np.random.Generator``."""
    check_trace(trace)
    rng = as_generator("seed", seed)
    dy = np.zeros_like(trace.y)
    dy[1:] = rng.standard_normal(dy[1:].shape)
    return dy


def check_gradients(params, xs, *, h0=None, dy=None, seed=0, backward=backward, eps=1e-6,
                    tol=1e-6):
    """Check a backward pass against finite differences, in float64.

    The scalar checked is E = Σ_t ⟨dy_t, y_t⟩, whose ∂E/∂y_t is exactly dy_t; ``dy``
    ((T+1, [B,] O), row 0 zero) defaults to :func:`random_upstream` with ``seed``.
    ``backward`` is the function under test (default :func:`rnnlib.backward`; pass
    :func:`rnnlib.backward_literal` or your own). Returns a :class:`GradCheckReport`
    comparing dW_hh, dW_hx, db_h, dW_yh, dh0 and dx, each with the floor :func:`fd_floor`,
    plus a failing row ``dy`` if ``backward`` wrote into the ``dy`` it was given.
    """
    check_function("backward", backward, "a backward pass (params, trace, dy) -> rnnlib.Grads")
    eps, tol = check_positive("eps", eps), check_positive("tol", tol)
    p, xs, h0 = _to_float64(params, xs, h0)
    trace = forward(p, xs, h0)
    if dy is None:
        dy = random_upstream(trace, seed)
    else:  # the caller's dtype rule, then the shape and row-0 checks of backward
        dy = check_backward_args(p, trace, as_float_array("dy", dy, params.dtype)
                                 .astype(np.float64))
    dy_given = dy.copy()                  # backward gets a copy: did it write into it?
    grads = check_backward_result(backward, backward(p, trace, dy_given))
    numeric = numerical_gradients(lambda tr: float(np.sum(dy * tr.y)), p, trace.xs, trace.h0,
                                  eps=eps)
    report = _report(grads, numeric, float(np.sum(np.abs(dy * trace.y))), eps, tol)
    if not np.array_equal(dy_given, dy):
        changed = compare("dy", dy_given, dy, tol=tol)
        report = GradCheckReport(report.rows + (replace(
            changed, close=False, note="backward wrote into its dy argument"),))
    return report


def check_loss_gradients(params, xs, targets, *, h0=None, loss="squared_error", loss_at="all",
                         eps=1e-6, tol=1e-6):
    """Check :func:`rnnlib.loss_and_grads` against finite differences of the loss, in float64.

    Arguments as for loss_and_grads. Returns a :class:`GradCheckReport`.
    """
    eps, tol = check_positive("eps", eps), check_positive("tol", tol)
    p, xs, h0 = _to_float64(params, xs, h0)
    # targets follow the caller's dtype
    targets = convert_targets(check_targets(targets, xs.shape, params.n_output, params.dtype,
                                            loss, loss_at), loss, np.float64)
    E, grads = loss_and_grads(p, xs, targets, h0=h0, loss=loss, loss_at=loss_at)

    def objective(trace):
        return loss_from_trace(trace, targets, loss=loss, loss_at=loss_at)[0]

    numeric = numerical_gradients(objective, p, xs, h0, eps=eps)
    return _report(grads, numeric, abs(E), eps, tol)
