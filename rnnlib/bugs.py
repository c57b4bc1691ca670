"""Classic BPTT bugs, planted on purpose, so that students learn to recognise and catch them.

``backward_with_bug(bug)`` returns a backward pass with the signature of :func:`rnnlib.backward`:
the literal loop of :func:`rnnlib.backward_literal` with exactly one mistake. Notebook 06 runs
:func:`rnnlib.gradcheck` on each and shows which checks catch it and which would not.
"""
import numpy as np

from .bptt import (Grads, check_backward_args, db_h_term, dW_hh_term, dW_hx_term, dW_yh_term,
                   hidden_grad, input_grad, relu_gate)
from .model import relu_grad
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
