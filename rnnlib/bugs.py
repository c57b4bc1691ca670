"""Classic BPTT bugs, planted on purpose, and how checks catch them (or do not).

``backward_with_bug(bug)`` returns a backward pass with the signature of :func:`rnnlib.backward`:
the literal loop of :func:`rnnlib.backward_literal` with exactly one mistake.
``which_checks_catch(params, xs, h0)`` runs :func:`rnnlib.check_gradients` on each bug under
each setup of :data:`SETUPS` (the full check and weaker ones) and returns a table of verdicts
that displays as an HTML table in a notebook (notebook 06).
"""
from dataclasses import dataclass
from html import escape

import numpy as np

from .bptt import (Grads, check_backward_args, db_h_term, dW_hh_term, dW_hx_term, dW_yh_term,
                   hidden_grad, input_grad, relu_gate)
from .gradcheck import check_gradients, random_upstream
from .model import Params, check_inputs, forward, relu_grad
from .validate import check_option

BUGS = {
    "missing upstream factor":
        "the notes' erratum: ∂W_hh += ReLU'(ĥ_t) h_{t-1}ᵀ (likewise ∂W_hx, ∂b_h), without ∂h_t",
    "mask at the wrong step":
        "the gate of ∂ĥ_t uses ReLU'(ĥ_{t-1}) instead of ReLU'(ĥ_t)",
    "= instead of +=":
        "∂W_hh = ∂ĥ_t h_{t-1}ᵀ overwrites at every step, so only the last one computed (t = 1) stays",
    "dropped through-time term":
        "∂h_t = W_yhᵀ ∂y_t only: the path W_hhᵀ ∂ĥ_{t+1} through the next state is forgotten",
    "output factor dropped":
        "∂W_yh += h_tᵀ (a row of h_t per output), without the factor ∂y_t",
    "upstream gradient modified in place":
        "the pass zeroes each ∂y_t of the caller's dy after using it (a buffer reused to save memory)",
}


def backward_with_bug(bug):
    """A backward pass (params, trace, dy) -> Grads with the one mistake ``bug`` planted.

    bug: a key of :data:`BUGS`. Shapes as for :func:`rnnlib.backward`.
    """
    check_option("bug", bug, tuple(BUGS))

    def backward(params, trace, dy):
        writable = isinstance(dy, np.ndarray) and dy.flags.writeable
        dy_in = dy
        dy = check_backward_args(params, trace, dy)
        if bug == "upstream gradient modified in place" and writable:
            dy = dy_in                       # the bug: work in the caller's array
        W_hh, W_hx, W_yh = params.W_hh, params.W_hx, params.W_yh
        xs, h, h_hat, T = trace.xs, trace.h, trace.h_hat, trace.T
        dW_hh, dW_hx = np.zeros_like(W_hh), np.zeros_like(W_hx)
        db_h, dW_yh = np.zeros_like(params.b_h), np.zeros_like(W_yh)
        dh, dx = np.zeros_like(h), np.zeros_like(xs)
        dh_hat = np.zeros((T + 2, *h.shape[1:]), dtype=h.dtype)
        zeros_H = np.zeros_like(h[0])
        for t in range(T, 0, -1):
            through_time = zeros_H if bug == "dropped through-time term" else dh_hat[t + 1]
            dh[t] = hidden_grad(W_yh, W_hh, dy[t], through_time)
            gate = h_hat[t - 1] if bug == "mask at the wrong step" else h_hat[t]
            dh_hat[t] = relu_gate(gate, dh[t])
            upstream = relu_grad(h_hat[t]) if bug == "missing upstream factor" else dh_hat[t]
            if bug == "= instead of +=":
                dW_hh = dW_hh_term(upstream, h[t - 1])
            else:
                dW_hh += dW_hh_term(upstream, h[t - 1])
            dW_hx += dW_hx_term(upstream, xs[t - 1])
            db_h += db_h_term(upstream)
            output_factor = np.ones_like(dy[t]) if bug == "output factor dropped" else dy[t]
            dW_yh += dW_yh_term(output_factor, h[t])
            dx[t - 1] = input_grad(W_hx, dh_hat[t])
            if bug == "upstream gradient modified in place":
                dy[t] *= 0
        dh[0] = hidden_grad(W_yh, W_hh, np.zeros_like(dy[0]), dh_hat[1])
        return Grads(dW_hh=dW_hh, dW_hx=dW_hx, db_h=db_h, dW_yh=dW_yh, dh0=dh[0].copy(),
                     dx=dx, dh=dh, dh_hat=dh_hat[:T + 1], dy=np.array(dy, copy=True))
    backward.__name__ = "backward_with_" + bug.replace(" ", "_").replace("=", "eq").replace("+", "plus")
    backward.__doc__ = f"rnnlib.backward_literal with a planted bug: {BUGS[bug]}."
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


def which_checks_catch(params, xs, h0=None, *, setups=tuple(SETUPS), bugs=tuple(BUGS), seed=0):
    """Run :func:`rnnlib.check_gradients` on every planted bug under every check setup.

    params: Params; xs: (T, D) one sequence; h0: (H,) or None; setups: keys of :data:`SETUPS`;
    bugs: keys of :data:`BUGS`; seed: for the random ∂y. Returns a :class:`CatchTable`.
    """
    for s in setups:
        check_option("setup", s, tuple(SETUPS))
    for b in bugs:
        check_option("bug", b, tuple(BUGS))
    problems = {s: setup_problem(s, params, xs, h0, seed=seed) for s in setups}
    rows = {}
    for bug in bugs:
        backward = backward_with_bug(bug)
        rows[bug] = {}
        for s, (p, x, h, dy) in problems.items():
            rows[bug][s] = verdict(check_gradients(p, x, h0=h, dy=dy, backward=backward))
    return CatchTable(tuple(setups), rows)
