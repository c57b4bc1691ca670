"""Notebook 06 · checking BPTT: central_difference and the whole rnn_backward."""
import numpy as np

import rnnlib

from ._util import writes_into

eps_global = 1e-3                                 # an ε from an earlier cell


# --- central_difference(f, x, eps) ------------------------------------------------------------

def central_difference_unit_vectors(f, x, eps):
    grad = np.zeros(x.shape)
    for i in range(x.size):
        e_i = np.zeros(x.shape)
        e_i[i] = 1.0
        grad[i] = (f(x + eps * e_i) - f(x - eps * e_i)) / (2 * eps)
    return grad


def central_difference_own_copy(f, x, eps):
    x = np.array(x, dtype=float)                  # its own copy: nudges it, restores exactly
    grad = []
    for i in range(len(x)):
        old = x[i]
        x[i] = old + eps
        f_plus = f(x)
        x[i] = old - eps
        f_minus = f(x)
        x[i] = old
        grad.append((f_plus - f_minus) / (2 * eps))
    return grad                                   # a list


def central_difference_eye_rows(f, x, eps):
    return np.array([(f(x + eps * e) - f(x - eps * e)) / (2 * eps) for e in np.eye(len(x))])


def _central_difference_hard_coded_n(f, x, eps):
    grad = np.zeros(5)
    for i in range(5):
        step = np.zeros(5)
        step[i] = eps
        grad[i] = (f(x + step) - f(x - step)) / (2 * eps)
    return grad


def _central_difference_hard_coded_eps(f, x, eps):
    return central_difference_unit_vectors(f, x, 1e-4)


def _difference(f, x, eps, *, plus=1.0, minus=-1.0, divide=None, restore=True):
    x = x.copy()
    grad = np.zeros_like(x)
    for i in range(x.size):
        old = x[i]
        x[i] = old + plus * eps
        up = f(x)
        x[i] = old + minus * eps
        down = f(x)
        if restore:
            x[i] = old
        grad[i] = (up - down) / (divide(eps) if divide else (plus - minus) * eps)
    return grad


def _central_difference_not_restored(f, x, eps):
    x, grad = x.copy(), np.zeros_like(x)
    for i in range(x.size):
        x[i] += eps
        up = f(x)
        x[i] -= 2 * eps
        grad[i] = (up - f(x)) / (2 * eps)         # x[i] stays at x_i - ε
    return grad


def _central_difference_index_error(f, x, eps):
    grad = np.zeros(len(x))
    for i in range(len(x) + 1):
        step = np.zeros(len(x))
        step[i] = eps
        grad[i] = (f(x + step) - f(x - step)) / (2 * eps)
    return grad


@writes_into("x")
def _central_difference_into_x(f, x, eps):
    """Nudges the caller's x and never restores it."""
    grad = np.zeros_like(x)
    for i in range(x.size):
        x[i] += eps
        up = f(x)
        x[i] -= 2 * eps
        grad[i] = (up - f(x)) / (2 * eps)
    return grad


# --- rnn_backward(params, trace, dy) -> rnnlib.Grads ------------------------------------------

def _backward(params, trace, dy, *, gate=lambda h_hat_t: h_hat_t > 0, gate_row=lambda t: t,
              through_time=True, weight_upstream=None, equals=False, output_factor=True,
              dh0=True, dx_row=lambda t: t - 1, forwards=False, dy_row=lambda t: t,
              transpose=True, dx_transpose=True, sign=1.0, store=True):
    """A readable backward pass with switchable mistakes (the corpus's own)."""
    W_hh, W_hx, W_yh = params.W_hh, params.W_hx, params.W_yh
    xs, h, h_hat, T = trace.xs, trace.h, trace.h_hat, trace.T
    H = W_hh.shape[0]
    dW_hh, dW_hx = np.zeros_like(W_hh), np.zeros_like(W_hx)
    db_h, dW_yh = np.zeros_like(params.b_h), np.zeros_like(W_yh)
    dh, dh_hat, dx = np.zeros((T + 1, H)), np.zeros((T + 2, H)), np.zeros_like(xs)
    W_back = W_hh.T if transpose else W_hh
    steps = range(1, T + 1) if forwards else range(T, 0, -1)
    for t in steps:
        recurrent = W_back @ dh_hat[t + 1] if through_time else 0.0
        dh[t] = W_yh.T @ dy[dy_row(t)] + sign * recurrent
        dh_hat[t] = gate(h_hat[gate_row(t)]) * dh[t]
        up = dh_hat[t] if weight_upstream is None else weight_upstream(h_hat[t], dh[t])
        if equals:
            dW_hh = np.outer(up, h[t - 1])
        else:
            dW_hh += np.outer(up, h[t - 1])
        dW_hx += np.outer(up, xs[t - 1])
        db_h += up
        dW_yh += np.outer(dy[t] if output_factor else np.ones_like(dy[t]), h[t])
        if 0 <= dx_row(t) < T:
            dx[dx_row(t)] = (W_hx.T if dx_transpose else W_hx) @ dh_hat[t]
    if dh0:
        dh[0] = W_back @ dh_hat[1]
    if not store:
        dh_out, dh_hat_out = np.zeros_like(h), np.zeros_like(h)
    else:
        dh_out, dh_hat_out = dh, dh_hat[:T + 1]
    return rnnlib.Grads(dW_hh=dW_hh, dW_hx=dW_hx, db_h=db_h, dW_yh=dW_yh, dh0=dh[0].copy(), dx=dx,
                        dh=dh_out, dh_hat=dh_hat_out, dy=dy)


def _bw(**mistake):
    return lambda params, trace, dy: _backward(params, trace, dy, **mistake)


def rnn_backward_loop(params, trace, dy):
    W_hh, W_hx, W_yh = params.W_hh, params.W_hx, params.W_yh
    xs, h, h_hat, T = trace.xs, trace.h, trace.h_hat, trace.T
    dW_hh, dW_hx = np.zeros_like(W_hh), np.zeros_like(W_hx)
    db_h, dW_yh = np.zeros_like(params.b_h), np.zeros_like(W_yh)
    dh, dh_hat, dx = np.zeros_like(h), np.zeros_like(h), np.zeros_like(xs)
    for t in range(T, 0, -1):
        dh[t] = W_yh.T @ dy[t]
        if t < T:
            dh[t] += W_hh.T @ dh_hat[t + 1]
        dh_hat[t] = (h_hat[t] > 0) * dh[t]
        dW_yh += np.outer(dy[t], h[t])
        dW_hh += np.outer(dh_hat[t], h[t - 1])
        dW_hx += np.outer(dh_hat[t], xs[t - 1])
        db_h += dh_hat[t]
        dx[t - 1] = W_hx.T @ dh_hat[t]
    dh[0] = W_hh.T @ dh_hat[1]
    return rnnlib.Grads(dW_hh=dW_hh, dW_hx=dW_hx, db_h=db_h, dW_yh=dW_yh, dh0=dh[0], dx=dx,
                        dh=dh, dh_hat=dh_hat, dy=dy)


def rnn_backward_vectorised_dict(params, trace, dy):
    """The histories in the loop, the weight gradients as single products after it; a dict."""
    T = len(trace.xs)
    dh = np.zeros_like(trace.h)
    dh_hat = np.zeros_like(trace.h)
    for t in reversed(range(1, T + 1)):
        through_time = dh_hat[t + 1] @ params.W_hh if t < T else 0.0
        dh[t] = dy[t] @ params.W_yh + through_time
        dh_hat[t] = np.where(trace.mask[t], dh[t], 0.0)
    dh[0] = dh_hat[1] @ params.W_hh
    return {"dW_hh": dh_hat[1:].T @ trace.h[:-1], "dW_hx": dh_hat[1:].T @ trace.xs,
            "db_h": dh_hat[1:].sum(axis=0), "dW_yh": dy[1:].T @ trace.h[1:], "dh0": dh[0],
            "dx": dh_hat[1:] @ params.W_hx, "dh": dh, "dh_hat": dh_hat, "dy": dy}


def rnn_backward_gate_from_h(params, trace, dy):
    """The gate from h_t > 0, which is the same as ĥ_t > 0 since h_t = ReLU(ĥ_t)."""
    W_hh, W_hx, W_yh = params.W_hh, params.W_hx, params.W_yh
    T, H = trace.T, params.n_hidden
    grads = {name: np.zeros_like(getattr(params, name)) for name in params.names}
    dh, dh_hat = np.zeros((T + 1, H)), np.zeros((T + 1, H))
    dx = np.zeros_like(trace.xs)
    g_next = np.zeros(H)
    for t in range(T, 0, -1):
        dh[t] = np.einsum("oj,o->j", W_yh, dy[t]) + np.einsum("ij,i->j", W_hh, g_next)
        dh_hat[t] = dh[t] * (trace.h[t] > 0).astype(int)
        grads["W_hh"] += dh_hat[t][:, None] * trace.h[t - 1][None, :]
        grads["W_hx"] += dh_hat[t][:, None] * trace.xs[t - 1][None, :]
        grads["b_h"] += dh_hat[t]
        grads["W_yh"] += dy[t][:, None] * trace.h[t][None, :]
        dx[t - 1] = np.einsum("ik,i->k", W_hx, dh_hat[t])
        g_next = dh_hat[t]
    dh[0] = np.einsum("ij,i->j", W_hh, g_next)
    return rnnlib.Grads(dW_hh=grads["W_hh"], dW_hx=grads["W_hx"], db_h=grads["b_h"],
                        dW_yh=grads["W_yh"], dh0=dh[0], dx=dx, dh=dh, dh_hat=dh_hat, dy=dy)


def _rnn_backward_hard_coded(params, trace, dy):
    W_hh, W_hx, W_yh = params.W_hh, params.W_hx, params.W_yh
    dW_hh, dW_hx, db_h, dW_yh = np.zeros((4, 4)), np.zeros((4, 3)), np.zeros(4), np.zeros((2, 4))
    dh, dh_hat, dx = np.zeros((6, 4)), np.zeros((7, 4)), np.zeros((5, 3))
    for t in range(5, 0, -1):
        dh[t] = W_yh.T @ dy[t] + W_hh.T @ dh_hat[t + 1]
        dh_hat[t] = (trace.h_hat[t] > 0) * dh[t]
        dW_hh += np.outer(dh_hat[t], trace.h[t - 1])
        dW_hx += np.outer(dh_hat[t], trace.xs[t - 1])
        db_h += dh_hat[t]
        dW_yh += np.outer(dy[t], trace.h[t])
        dx[t - 1] = W_hx.T @ dh_hat[t]
    dh[0] = W_hh.T @ dh_hat[1]
    return rnnlib.Grads(dW_hh=dW_hh, dW_hx=dW_hx, db_h=db_h, dW_yh=dW_yh, dh0=dh[0], dx=dx,
                        dh=dh, dh_hat=dh_hat[:6], dy=dy)


@writes_into("dy")
def _rnn_backward_zeroes_dy(params, trace, dy):
    grads = rnn_backward_loop(params, trace, dy.copy())
    dy[1:] = 0                                   # "free" the upstream gradient
    return grads


@writes_into("dy")
def _rnn_backward_accumulates_into_dy(params, trace, dy):
    """Adds the output path into dy, using it as the ∂h buffer's input (right values)."""
    grads = rnn_backward_loop(params, trace, dy.copy())
    for t in range(1, trace.T + 1):
        dy[t] += 1.0
    return grads


@writes_into("trace.h_hat")
def _rnn_backward_relu_in_trace(params, trace, dy):
    h_hat = trace.h_hat
    h_hat[h_hat < 0] = 0                         # the forward ReLU, in the caller's trace
    return rnn_backward_loop(params, trace, dy)


@writes_into("trace.h")
def _rnn_backward_into_trace_h(params, trace, dy):
    grads = rnn_backward_loop(params, trace, dy)
    trace.h[:] = 0                               # "clears" the cache after use
    return grads


@writes_into("params.W_hh")
def _rnn_backward_transposes_params(params, trace, dy):
    W_hh = params.W_hh
    W_hh[:] = W_hh.T.copy()                      # Params arrays are read-only: this raises
    return rnn_backward_loop(params, trace, dy)


def rnn_backward_histories_T_plus_2(params, trace, dy):
    """∂ĥ kept with T+2 rows (row T+1 = 0), the rest as in the notes."""
    return _backward(params, trace, dy)


RIGHT = {
    "central_difference": [central_difference_unit_vectors, central_difference_own_copy,
                           central_difference_eye_rows],
    "rnn_backward": [rnn_backward_loop, rnn_backward_vectorised_dict, rnn_backward_gate_from_h,
                     rnn_backward_histories_T_plus_2],
}

WRONG = {
    "central_difference": [
        ("returns None (no return)", lambda f, x, eps: None),
        ("raises: loop runs one entry too far", _central_difference_index_error),
        ("returns zeros", lambda f, x, eps: np.zeros_like(x)),
        ("forward difference", lambda f, x, eps: _difference(f, x, eps, plus=1.0, minus=0.0)),
        ("backward difference", lambda f, x, eps: _difference(f, x, eps, plus=0.0, minus=-1.0)),
        ("divided by ε instead of 2ε", lambda f, x, eps: _difference(f, x, eps, divide=lambda e: e)),
        ("`/ 2 * eps` (precedence)", lambda f, x, eps: _difference(f, x, eps, divide=lambda e: 2 / e)),
        ("sign flipped",
         lambda f, x, eps: _difference(f, x, eps, plus=-1.0, minus=1.0, divide=lambda e: 2 * e)),
        ("x not restored after each nudge", _central_difference_not_restored),
        ("every entry nudged at once",
         lambda f, x, eps: np.full_like(x, (f(x + eps) - f(x - eps)) / (2 * eps))),
        ("a number, not a vector", lambda f, x, eps: (f(x + eps) - f(x - eps)) / (2 * eps)),
        ("global ε instead of the argument",
         lambda f, x, eps: central_difference_unit_vectors(f, x, eps_global)),
        ("hard-coded ε = 1e-4", _central_difference_hard_coded_eps),
        ("hard-coded n = 5 (np.zeros(5))", _central_difference_hard_coded_n),
        ("nudges the caller's x, never restored", _central_difference_into_x),
    ],
    "rnn_backward": [
        ("returns None (no return)", lambda params, trace, dy: None),
        ("raises: W_hx without transpose in dx", _bw(dx_transpose=False)),
        ("ReLU'(0) = 1 (h_hat >= 0)", _bw(gate=lambda z: z >= 0)),
        ("tolerance kink h_hat > 1e-8", _bw(gate=lambda z: z > 1e-8)),
        ("only the dy path (through-time term dropped)", _bw(through_time=False)),
        ("erratum: weight gradients from ReLU'(ĥ_t) without ∂h_t",
         _bw(weight_upstream=lambda z, dh: (z > 0).astype(float))),
        ("weight gradients from ∂h_t (ungated)", _bw(weight_upstream=lambda z, dh: dh)),
        ("gate of step t-1 (mask at the wrong step)", _bw(gate_row=lambda t: t - 1)),
        ("gate forgotten", _bw(gate=lambda z: np.ones_like(z))),
        ("tanh derivative instead of ReLU'", _bw(gate=lambda z: 1 - np.tanh(z) ** 2)),
        ("= instead of += for ∂W_hh", _bw(equals=True)),
        ("output factor ∂y_t dropped from ∂W_yh", _bw(output_factor=False)),
        ("W_hh without transpose", _bw(transpose=False)),
        ("sign error on the recurrent path", _bw(sign=-1.0)),
        ("loop run forwards in time", _bw(forwards=True)),
        ("dy[t-1] instead of dy[t]", _bw(dy_row=lambda t: t - 1)),
        ("∂h_0 left at zero", _bw(dh0=False)),
        ("dx off by one (dx[t] from ∂ĥ_t)", _bw(dx_row=lambda t: t)),
        ("histories dh, dh_hat never stored (left at zero)", _bw(store=False)),
        ("hard-coded T = 5, H = 4, D = 3, O = 2", _rnn_backward_hard_coded),
        ("zeroes the caller's dy after use, right values", _rnn_backward_zeroes_dy),
        ("adds into the caller's dy (dy[t] += ...), right values", _rnn_backward_accumulates_into_dy),
        ("writes the ReLU into trace.h_hat, right values", _rnn_backward_relu_in_trace),
        ("clears trace.h after use, right values", _rnn_backward_into_trace_h),
        ("transposes params.W_hh in place", _rnn_backward_transposes_params),
    ],
}


# --- numerical_db_h(params, xs, labels, eps): ∂b_h of the cross-entropy loss, by central
# differences ------------------------------------------------------------------------------------

def _ce_loss_of_bias(params, xs, labels):
    def E(b):
        y = rnnlib.forward(params.replace(b_h=b), xs).y[1:]
        shifted = y - y.max(axis=1, keepdims=True)
        log_p = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
        return -log_p[np.arange(len(labels)), labels].sum()
    return E


def numerical_db_h_by_hand(params, xs, labels, eps):
    E = _ce_loss_of_bias(params, xs, labels)
    b = np.array(params.b_h)
    return np.array([(E(b + eps * e) - E(b - eps * e)) / (2 * eps) for e in np.eye(b.size)])


def numerical_db_h_with_library_loss(params, xs, labels, eps):
    def E(b):
        return rnnlib.loss_from_trace(rnnlib.forward(params.replace(b_h=b), xs), labels,
                                      loss="cross_entropy")[0]
    return central_difference_unit_vectors(E, params.b_h.copy(), eps)


def _db_h(params, xs, labels, eps, *, loss="cross_entropy", plus=1.0, minus=-1.0, div=2.0,
          at=None, targets=None):
    def E(b):
        trace = rnnlib.forward(params.replace(b_h=b), xs)
        return rnnlib.loss_from_trace(trace, labels if targets is None else targets(params, labels),
                                      loss=loss)[0]
    b = np.array(params.b_h if at is None else at(params))
    return np.array([(E(b + plus * eps * e) - E(b + minus * eps * e)) / (div * eps)
                     if minus != 0 else (E(b + eps * e) - E(b)) / eps for e in np.eye(b.size)])


def _numerical_db_h_unchanged_params(params, xs, labels, eps):
    """Nudges b but runs the forward pass with params: E never changes."""
    def E(b):
        return rnnlib.loss_from_trace(rnnlib.forward(params, xs), labels, loss="cross_entropy")[0]
    return central_difference_unit_vectors(E, params.b_h.copy(), eps)


def _numerical_db_h_squared_error(params, xs, labels, eps):
    return _db_h(params, xs, labels, eps, loss="squared_error",
                 targets=lambda p, c: np.eye(p.n_output)[c])


RIGHT["numerical_db_h"] = [numerical_db_h_by_hand, numerical_db_h_with_library_loss]
WRONG["numerical_db_h"] = [
    ("returns None", lambda params, xs, labels, eps: None),
    ("returns zeros", lambda params, xs, labels, eps: np.zeros_like(params.b_h)),
    ("forward difference", lambda params, xs, labels, eps: _db_h(params, xs, labels, eps, minus=0)),
    ("divided by ε instead of 2ε", lambda params, xs, labels, eps: _db_h(params, xs, labels, eps,
                                                                         div=1.0)),
    ("sign flipped", lambda params, xs, labels, eps: -numerical_db_h_by_hand(params, xs, labels,
                                                                             eps)),
    ("the forward pass ignores the nudged bias", _numerical_db_h_unchanged_params),
    ("squared error instead of cross entropy", _numerical_db_h_squared_error),
    ("hard-coded ε = 1e-4", lambda params, xs, labels, eps: numerical_db_h_by_hand(
        params, xs, labels, 1e-4)),
    ("the analytic gradient (rnnlib.backward), not a finite difference",
     lambda params, xs, labels, eps: rnnlib.loss_and_grads(
         params, xs, labels, loss="cross_entropy")[1].db_h),
]
