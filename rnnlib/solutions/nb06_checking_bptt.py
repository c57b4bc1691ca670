"""Model solutions of notebook 06's exercises, and the answers to its thinking questions."""
import numpy as np

import rnnlib


def central_difference(f, x, eps):
    grad = np.zeros_like(x)
    for i in range(x.size):
        nudge = np.zeros_like(x)
        nudge[i] = eps
        grad[i] = (f(x + nudge) - f(x - nudge)) / (2 * eps)
    return grad


def rnn_backward(params, trace, dy):
    W_hh, W_hx, W_yh = params.W_hh, params.W_hx, params.W_yh
    xs, h, h_hat, T = trace.xs, trace.h, trace.h_hat, trace.T
    dW_hh, dW_hx = np.zeros_like(W_hh), np.zeros_like(W_hx)
    db_h, dW_yh = np.zeros_like(params.b_h), np.zeros_like(W_yh)
    dh, dh_hat, dx = np.zeros_like(h), np.zeros_like(h), np.zeros_like(xs)
    from_next = np.zeros(W_hh.shape[0])            # W_hhᵀ ∂ĥ_{T+1} = 0: no step after T
    for t in range(T, 0, -1):
        dh[t] = W_yh.T @ dy[t] + from_next          # two paths into h_t
        dh_hat[t] = (h_hat[t] > 0) * dh[t]          # the gate of step t (ReLU'(0) = 0)
        dW_yh += np.outer(dy[t], h[t])
        dW_hh += np.outer(dh_hat[t], h[t - 1])      # ĥ_t = W_hh h_{t-1} + W_hx x_{t-1} + b_h
        dW_hx += np.outer(dh_hat[t], xs[t - 1])
        db_h += dh_hat[t]
        dx[t - 1] = W_hx.T @ dh_hat[t]
        from_next = W_hh.T @ dh_hat[t]              # what step t sends back to h_{t-1}
    dh[0] = from_next                               # h_0 has no output
    return rnnlib.Grads(dW_hh=dW_hh, dW_hx=dW_hx, db_h=db_h, dW_yh=dW_yh, dh0=dh[0], dx=dx,
                        dh=dh, dh_hat=dh_hat, dy=dy)


# Answers to the notebook's "(Thinking.)" questions, by name (see rnnlib.exercises QUESTIONS).
ANSWERS = {
    "float32_check": """\
Round-off: a central difference carries an error of about ε_mach·|E|/ε, and the curvature error
is about ε² (times the third derivative). In float32, ε_mach ≈ 1.2e-7 (float64: 2.2e-16). The
sum of the two is smallest near ε ≈ ε_mach^(1/3) ≈ 5e-3, where both are about ε_mach^(2/3) ≈
2e-5: so a float32 check cannot do better than a relative error of about 1e-5 to 1e-4, far too
coarse to tell a right gradient from one that is off by a small term (a 1e-3 mistake can hide).
In float64 the same reasoning gives about 1e-10 at ε ≈ 1e-5, the floor seen in the curve above.
The model may run in float32; its gradient code is checked in float64, where the test is sharp.""",
}


def numerical_db_h(params, xs, labels, eps):
    def E_of_bias(b):                               # the loss as a function of the bias alone
        trace = rnnlib.forward(params.replace(b_h=b), xs)
        return rnnlib.loss_from_trace(trace, labels, loss="cross_entropy")[0]
    return central_difference(E_of_bias, params.b_h, eps)
