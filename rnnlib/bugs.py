"""Classic BPTT bugs, planted on purpose, and how checks catch them (or do not).

``backward_with_bug(bug)`` returns a backward pass with the signature of :func:`rnnlib.backward`:
the literal pass of :func:`rnnlib.backward_literal` with exactly one mistake. Most bugs are a
one-step variant of :func:`rnnlib.bptt.backward_step`, run in the loop of
:func:`rnnlib.bptt.backward_with_step`; "= instead of +=" changes the sum, and the in-place bug
wraps the whole pass.
``which_checks_catch(params, xs, h0)`` runs :func:`rnnlib.check_gradients` on each bug under
each setup of :data:`SETUPS` (the full check and weaker ones) and returns a table of verdicts
that displays as an HTML table in a notebook (notebook 06).

:data:`BUGS` (after the passes) is the one list of the bugs: name -> :class:`Bug`, what the bug
does and the pass that makes it.
"""
from collections.abc import Iterable
from dataclasses import dataclass, replace
from html import escape
from typing import Callable

import numpy as np

from .bptt import (backward_literal, backward_step, backward_with_step, db_h_term, dW_hh_term,
                   dW_hx_term, dW_yh_term)
from .gradcheck import GradCheckReport, check_gradients, random_upstream
from .model import Params, check_inputs, forward, relu_grad
from .validate import check_option


# --- the bugs: each a small change to one step, to the sum, or around the pass --------------
# A step variant has the signature of backward_step: (params, trace, t, dy_t, dh_hat_next).

def _step_without_upstream_factor(params, trace, t, dy_t, dh_hat_next):
    """'missing upstream factor': the terms of ∂W_hh, ∂W_hx, ∂b_h take ReLU'(ĥ_t) alone."""
    gate = relu_grad(trace.h_hat[t])                 # ReLU'(ĥ_t) where ∂ĥ_t belongs
    return {**backward_step(params, trace, t, dy_t, dh_hat_next),
            "dW_hh": dW_hh_term(gate, trace.h[t - 1]), "dW_hx": dW_hx_term(gate, trace.xs[t - 1]),
            "db_h": db_h_term(gate)}


def _step_gated_one_step_early(params, trace, t, dy_t, dh_hat_next):
    """'mask at the wrong step': ∂ĥ_t = ReLU'(ĥ_{t-1}) ⊙ ∂h_t."""
    # ĥ enters a backward step only through its gate ReLU'(ĥ_t): hand the step ĥ_{t-1} as ĥ_t
    h_hat = trace.h_hat.copy()
    h_hat[t] = trace.h_hat[t - 1]
    return backward_step(params, replace(trace, h_hat=h_hat), t, dy_t, dh_hat_next)


def _step_without_through_time_term(params, trace, t, dy_t, dh_hat_next):
    """'dropped through-time term': ∂h_t = W_yhᵀ ∂y_t, as if ∂ĥ_{t+1} were 0."""
    return backward_step(params, trace, t, dy_t, np.zeros_like(dh_hat_next))


def _step_without_output_factor(params, trace, t, dy_t, dh_hat_next):
    """'output factor dropped': the term of ∂W_yh is 1 h_tᵀ instead of ∂y_t h_tᵀ."""
    return {**backward_step(params, trace, t, dy_t, dh_hat_next),
            "dW_yh": dW_yh_term(np.ones_like(dy_t), trace.h[t])}


def _pass_overwriting_dW_hh(params, trace, dy):
    """'= instead of +=': of the sum ∂W_hh, only the last term computed, t = 1, stays."""
    grads = backward_literal(params, trace, dy)
    grads.dW_hh = dW_hh_term(grads.dh_hat[1], trace.h[0])
    return grads


def _pass_zeroing_dy(params, trace, dy):
    """'upstream gradient modified in place': right gradients, the caller's dy[1:] zeroed."""
    # each ∂y_t is read at step t alone, so zeroing them all after the pass is zeroing each
    # right after its step, as a reused buffer would
    grads = backward_literal(params, trace, dy)
    if isinstance(dy, np.ndarray) and dy.flags.writeable:
        dy[1:] *= 0
    grads.dy[1:] *= 0                                # the dy the pass hands back, zeroed too
    return grads


def _with_step(step):
    return lambda params, trace, dy: backward_with_step(params, trace, dy, step)


@dataclass(frozen=True)
class Bug:
    """One planted bug: what it does, in the notation of the notes, and the backward pass
    (params, trace, dy) -> Grads that makes it."""
    description: str
    backward: Callable


BUGS = {
    "missing upstream factor": Bug(
        "the notes' erratum: ∂W_hh += ReLU'(ĥ_t) h_{t-1}ᵀ (likewise ∂W_hx, ∂b_h), without ∂h_t",
        _with_step(_step_without_upstream_factor)),
    "mask at the wrong step": Bug(
        "the gate of ∂ĥ_t uses ReLU'(ĥ_{t-1}) instead of ReLU'(ĥ_t)",
        _with_step(_step_gated_one_step_early)),
    "= instead of +=": Bug(
        "∂W_hh = ∂ĥ_t h_{t-1}ᵀ overwrites at every step, so only the last one computed (t = 1) "
        "stays",
        _pass_overwriting_dW_hh),
    "dropped through-time term": Bug(
        "∂h_t = W_yhᵀ ∂y_t only: the path W_hhᵀ ∂ĥ_{t+1} through the next state is forgotten",
        _with_step(_step_without_through_time_term)),
    "output factor dropped": Bug(
        "∂W_yh += h_tᵀ (a row of h_t per output), without the factor ∂y_t",
        _with_step(_step_without_output_factor)),
    "upstream gradient modified in place": Bug(
        "the pass zeroes each ∂y_t of the caller's dy after using it (a buffer reused to save "
        "memory)",
        _pass_zeroing_dy),
}


def backward_with_bug(bug):
    """A backward pass (params, trace, dy) -> Grads with the one mistake ``bug`` planted.

    bug: a key of :data:`BUGS`. Shapes as for :func:`rnnlib.backward`.
    """
    check_option("bug", bug, tuple(BUGS))
    planted = BUGS[bug].backward

    def backward(params, trace, dy):
        return planted(params, trace, dy)
    backward.__name__ = "backward_with_" + bug.replace(" ", "_").replace("=", "eq").replace("+", "plus")
    backward.__doc__ = f"rnnlib.backward_literal with a planted bug: {BUGS[bug].description}."
    return backward


# --- which checks catch which bug ---------------------------------------------------------

SETUPS = {
    "random ∂y": "the full check: the network given, a random upstream gradient ∂y_t",
    "E = Σ y": "the 'sum of outputs' loss: ∂y_t = 1 for every output and step",
    "loss at T only": "a loss on the last output only (as in the adding problem): ∂y_t = 0 "
                      "for t < T, random ∂y_T",
    "T = 1": "a single time step: only x_0 of the sequence, random ∂y_1",
    "W_hh = 0": "the full check on the network without its recurrent weights",
    "all zeros": "the full check on an all-zero network",
}

# The table's word for each GradCheckReport.status, for a pass known to be wrong: a failed
# check caught the bug, a passed one missed it.
VERDICTS = {"fail": "caught", "pass": "MISSED", "inconclusive": "inconclusive"}


def setup_problem(setup, params, xs, h0=None, *, seed=0):
    """The problem (params, xs, h0, dy) that the check ``setup`` (a key of :data:`SETUPS`) runs
    on, built from a generic one: params (Params), xs (T, D), h0 (H,) or None.
    Returns dy of shape (T'+1, O), row 0 zero (T' = 1 for "T = 1")."""
    check_option("setup", setup, tuple(SETUPS))
    xs, h0 = check_inputs(params, xs, h0)
    if setup == "T = 1":
        xs = xs[:1]
    elif setup == "W_hh = 0":
        params = params.replace(W_hh=np.zeros_like(params.W_hh))
    elif setup == "all zeros":
        params = Params(*(np.zeros_like(getattr(params, n)) for n in Params.names))
    dy = random_upstream(forward(params, xs, h0), seed)
    if setup == "E = Σ y":
        dy[1:] = 1.0
    elif setup == "loss at T only":
        dy[1:-1] = 0.0
    return params, xs, h0, dy


def verdict(report):
    """The table's word for a check of a pass known to be wrong: ``VERDICTS[report.status]``
    ("caught", "MISSED" or "inconclusive"). report: a :class:`rnnlib.GradCheckReport`."""
    if not isinstance(report, GradCheckReport):
        raise TypeError(f"report must be an rnnlib.GradCheckReport (from "
                        f"rnnlib.check_gradients); got {type(report).__name__}")
    return VERDICTS[report.status]


# Okabe-Ito colours, light tints; the word stays in every cell, so colour is never the only cue.
_CELL_STYLE = {"caught": "background:#cfe6f5;color:#000",
               "MISSED": "background:#f3c16b;color:#000;font-weight:bold",
               "inconclusive": "background:#e6e6e6;color:#000;font-style:italic"}


@dataclass(frozen=True)
class CatchTable:
    """Verdicts of :func:`which_checks_catch`: ``rows[bug][setup]`` is a word of :data:`VERDICTS`.

    Displays as an HTML table in a notebook, as plain text otherwise."""
    setups: tuple
    rows: dict

    def missed(self, setup):
        """The bugs that the check ``setup`` lets through (verdict "MISSED")."""
        return {bug for bug, row in self.rows.items() if row[setup] == "MISSED"}

    def __repr__(self):
        width = max(map(len, self.rows))
        lines = ["bug".ljust(width) + " | " + " | ".join(self.setups)]
        for bug, row in self.rows.items():
            lines.append(bug.ljust(width) + " | "
                         + " | ".join(row[s].ljust(len(s)) for s in self.setups).rstrip())
        return "\n".join(lines)

    def _repr_html_(self):
        head = "".join(f'<th title="{escape(SETUPS[s])}">{escape(s)}</th>' for s in self.setups)
        body = "".join(
            f'<tr><th style="text-align:left">{escape(bug)}</th>'
            + "".join(f'<td style="{_CELL_STYLE[row[s]]};text-align:center">{row[s]}</td>'
                      for s in self.setups) + "</tr>"
            for bug, row in self.rows.items())
        return (f"<table><caption>Which check catches which planted bug</caption>"
                f"<thead><tr><th>bug</th>{head}</tr></thead><tbody>{body}</tbody></table>")


def check_keys(name, values, item, table):
    """Raise unless ``values`` is a tuple or list (any iterable but a str) of keys of ``table``,
    each checked as ``item``; return them as a tuple. A str is one key, not a sequence of them."""
    if isinstance(values, str) or not isinstance(values, Iterable):
        raise TypeError(f"{name} must be a tuple or list of {item} names, e.g. "
                        f"({next(iter(table))!r},); got {values!r}")
    values = tuple(values)
    for value in values:
        check_option(item, value, tuple(table))
    return values


def which_checks_catch(params, xs, h0=None, *, setups=tuple(SETUPS), which=tuple(BUGS), seed=0):
    """Run :func:`rnnlib.check_gradients` on every planted bug under every check setup.

    params: Params; xs: (T, D) one sequence; h0: (H,) or None; setups: keys of :data:`SETUPS`;
    which: the bugs, keys of :data:`BUGS`; seed: for the random ∂y. Returns a
    :class:`CatchTable`.
    """
    setups = check_keys("setups", setups, "setup", SETUPS)
    which = check_keys("which", which, "bug", BUGS)
    problems = {s: setup_problem(s, params, xs, h0, seed=seed) for s in setups}
    rows = {}
    for bug in which:
        backward = backward_with_bug(bug)
        rows[bug] = {}
        for s, (p, x, h, dy) in problems.items():
            rows[bug][s] = verdict(check_gradients(p, x, h0=h, dy=dy, backward=backward))
    return CatchTable(setups, rows)
