"""Notebook 01 · the forward pass: pre_activation and rnn_step."""
import numpy as np

from ._util import writes_into

# What a notebook has lying around when a student reaches for a global instead of an argument.
_nb = np.random.default_rng(1234)
W_hh_global = _nb.standard_normal((4, 4))
h_global = np.abs(_nb.standard_normal(4))


# --- pre_activation(W_hh, W_hx, b_h, h_t, x_t) -------------------------------------------------

def pre_activation_matmul(W_hh, W_hx, b_h, h_t, x_t):
    return W_hh @ h_t + W_hx @ x_t + b_h


def pre_activation_loops(W_hh, W_hx, b_h, h_t, x_t):
    H, D = W_hx.shape
    h_hat = []
    for i in range(H):
        total = b_h[i]
        for j in range(H):
            total += W_hh[i, j] * h_t[j]
        for k in range(D):
            total += W_hx[i, k] * x_t[k]
        h_hat.append(total)
    return h_hat                                   # a list: fine


def pre_activation_broadcast(W_hh, W_hx, b_h, h_t, x_t):
    return (W_hh * h_t).sum(axis=1) + (W_hx * x_t[None, :]).sum(axis=1) + b_h


def pre_activation_dot(W_hh, W_hx, b_h, h_t, x_t):
    return np.dot(W_hh, h_t) + np.einsum("ik,k->i", W_hx, x_t) + b_h


def _pre_activation_hard_coded_H(W_hh, W_hx, b_h, h_t, x_t):
    h_hat = np.zeros(4)
    for i in range(4):
        h_hat[i] = W_hh[i] @ h_t + W_hx[i] @ x_t + b_h[i]
    return h_hat


@writes_into("b_h")
def _pre_activation_into_b_h(W_hh, W_hx, b_h, h_t, x_t):
    b_h += W_hh @ h_t + W_hx @ x_t
    return b_h


@writes_into("h_t")
def _pre_activation_into_h_t(W_hh, W_hx, b_h, h_t, x_t):
    h_t[:] = W_hh @ h_t + W_hx @ x_t + b_h
    return h_t


# --- rnn_step(W_hh, W_hx, b_h, h_t, x_t) --------------------------------------------------------

def rnn_step_maximum(W_hh, W_hx, b_h, h_t, x_t):
    return np.maximum(W_hh @ h_t + W_hx @ x_t + b_h, 0)


def rnn_step_where(W_hh, W_hx, b_h, h_t, x_t):
    h_hat = np.dot(W_hh, h_t) + np.dot(W_hx, x_t) + b_h
    return np.where(h_hat > 0, h_hat, 0.0)


def rnn_step_own_copy(W_hh, W_hx, b_h, h_t, x_t):
    h_hat = W_hh @ h_t + W_hx @ x_t + b_h
    h_next = h_hat.copy()
    h_next[h_next < 0] = 0                      # writes only into its own copy
    return h_next


def rnn_step_mask_product(W_hh, W_hx, b_h, h_t, x_t):
    h_hat = W_hh @ h_t + W_hx @ x_t + b_h
    return h_hat * (h_hat > 0)


def rnn_step_list(W_hh, W_hx, b_h, h_t, x_t):
    h_hat = W_hh @ h_t + W_hx @ x_t + b_h
    return [max(v, 0.0) for v in h_hat]


def _rnn_step_hard_coded_H(W_hh, W_hx, b_h, h_t, x_t):
    h_next = np.zeros(4)
    for i in range(4):
        h_next[i] = max(W_hh[i] @ h_t + W_hx[i] @ x_t + b_h[i], 0)
    return h_next


@writes_into("h_t")
def _rnn_step_into_h_t(W_hh, W_hx, b_h, h_t, x_t):
    h_t[:] = np.maximum(W_hh @ h_t + W_hx @ x_t + b_h, 0)
    return h_t


@writes_into("b_h")
def _rnn_step_into_b_h(W_hh, W_hx, b_h, h_t, x_t):
    b_h += W_hh @ h_t + W_hx @ x_t
    b_h[b_h < 0] = 0
    return b_h


RIGHT = {
    "pre_activation": [pre_activation_matmul, pre_activation_loops, pre_activation_broadcast,
                       pre_activation_dot],
    "rnn_step": [rnn_step_maximum, rnn_step_where, rnn_step_own_copy, rnn_step_mask_product,
                 rnn_step_list],
}

WRONG = {
    "pre_activation": [
        ("returns None (no return)", lambda W_hh, W_hx, b_h, h_t, x_t: None),
        ("raises: W_hx transposed", lambda W_hh, W_hx, b_h, h_t, x_t: W_hh @ h_t + W_hx.T @ x_t + b_h),
        ("returns zeros", lambda W_hh, W_hx, b_h, h_t, x_t: np.zeros_like(b_h)),
        ("b_h missing", lambda W_hh, W_hx, b_h, h_t, x_t: W_hh @ h_t + W_hx @ x_t),
        ("ReLU applied (that is h_{t+1})",
         lambda W_hh, W_hx, b_h, h_t, x_t: np.maximum(W_hh @ h_t + W_hx @ x_t + b_h, 0)),
        ("W_hh transposed", lambda W_hh, W_hx, b_h, h_t, x_t: W_hh.T @ h_t + W_hx @ x_t + b_h),
        ("sign error on W_hx x_t", lambda W_hh, W_hx, b_h, h_t, x_t: W_hh @ h_t - W_hx @ x_t + b_h),
        ("* summed over the wrong axis",
         lambda W_hh, W_hx, b_h, h_t, x_t: (W_hh * h_t).sum(axis=0) + W_hx @ x_t + b_h),
        ("b_h added twice", lambda W_hh, W_hx, b_h, h_t, x_t: W_hh @ h_t + W_hx @ x_t + 2 * b_h),
        ("global W_hh instead of the argument",
         lambda W_hh, W_hx, b_h, h_t, x_t: W_hh_global @ h_t + W_hx @ x_t + b_h),
        ("global h instead of h_t",
         lambda W_hh, W_hx, b_h, h_t, x_t: W_hh @ h_global + W_hx @ x_t + b_h),
        ("x_t term missing", lambda W_hh, W_hx, b_h, h_t, x_t: W_hh @ h_t + b_h),
        ("hard-coded H = 4 (np.zeros(4), range(4))", _pre_activation_hard_coded_H),
        ("writes into b_h (b_h += ...), right values", _pre_activation_into_b_h),
        ("writes into h_t (h_t[:] = ...), right values", _pre_activation_into_h_t),
    ],
    "rnn_step": [
        ("returns None (no return)", lambda W_hh, W_hx, b_h, h_t, x_t: None),
        ("raises: W_hx transposed",
         lambda W_hh, W_hx, b_h, h_t, x_t: np.maximum(W_hh @ h_t + W_hx.T @ x_t + b_h, 0)),
        ("returns zeros", lambda W_hh, W_hx, b_h, h_t, x_t: np.zeros(len(b_h))),
        ("ReLU missing (returns ĥ)", lambda W_hh, W_hx, b_h, h_t, x_t: W_hh @ h_t + W_hx @ x_t + b_h),
        ("tanh instead of ReLU", lambda W_hh, W_hx, b_h, h_t, x_t: np.tanh(W_hh @ h_t + W_hx @ x_t + b_h)),
        ("ReLU before adding b_h",
         lambda W_hh, W_hx, b_h, h_t, x_t: np.maximum(W_hh @ h_t + W_hx @ x_t, 0) + b_h),
        ("b_h missing", lambda W_hh, W_hx, b_h, h_t, x_t: np.maximum(W_hh @ h_t + W_hx @ x_t, 0)),
        ("np.max instead of np.maximum (a number)",
         lambda W_hh, W_hx, b_h, h_t, x_t: np.max([0, *(W_hh @ h_t + W_hx @ x_t + b_h)])),
        ("abs instead of ReLU", lambda W_hh, W_hx, b_h, h_t, x_t: np.abs(W_hh @ h_t + W_hx @ x_t + b_h)),
        ("clipped to [0, 1]", lambda W_hh, W_hx, b_h, h_t, x_t: np.clip(W_hh @ h_t + W_hx @ x_t + b_h, 0, 1)),
        ("sigmoid instead of ReLU",
         lambda W_hh, W_hx, b_h, h_t, x_t: 1 / (1 + np.exp(-(W_hh @ h_t + W_hx @ x_t + b_h)))),
        ("W_hh transposed",
         lambda W_hh, W_hx, b_h, h_t, x_t: np.maximum(W_hh.T @ h_t + W_hx @ x_t + b_h, 0)),
        ("ReLU applied to each term separately",
         lambda W_hh, W_hx, b_h, h_t, x_t: np.maximum(W_hh @ h_t, 0) + np.maximum(W_hx @ x_t, 0)
         + np.maximum(b_h, 0)),
        ("global W_hh instead of the argument",
         lambda W_hh, W_hx, b_h, h_t, x_t: np.maximum(W_hh_global @ h_t + W_hx @ x_t + b_h, 0)),
        ("hard-coded H = 4 (np.zeros(4), range(4))", _rnn_step_hard_coded_H),
        ("writes into h_t (h_t[:] = ...), right values", _rnn_step_into_h_t),
        ("writes into b_h (b_h += ...; b_h[b_h < 0] = 0), right values", _rnn_step_into_b_h),
    ],
}
