"""The checkers' references for the backward exercises, computed by :func:`rnnlib.backward`.

An exercise's right answer is never written out here (this file ships in the students'
hand-out): each function builds the one sequence whose backward pass contains the quantity the
exercise asks for, and reads it off :func:`rnnlib.backward`'s result.
"""
import numpy as np

from ..bptt import backward
from ..model import Params, Trace, relu_grad


def sequence_backward(W_yh, W_hh, dy, mask, *, h=None, xs=None, W_hx=None):
    """rnnlib.backward on a sequence whose gates are ``mask`` (row t = 1[ĥ_t > 0]).

    W_yh (O, H), W_hh (H, H), dy (T+1, O) with row 0 zero, mask (T+1, H) (row 0 unused);
    h (T+1, H) and xs (T, D), W_hx (H, D) only matter for ∂W_hh, ∂W_hx (zeros if None).
    Returns rnnlib.Grads.
    """
    T, H = dy.shape[0] - 1, W_hh.shape[0]
    mask = np.asarray(mask).astype(bool)
    mask[0] = False
    h = np.zeros((T + 1, H)) if h is None else np.asarray(h, float)
    xs = np.zeros((T, 1)) if xs is None else np.asarray(xs, float)
    W_hx = np.zeros((H, xs.shape[1])) if W_hx is None else W_hx
    params = Params(W_hh=W_hh, W_hx=W_hx, b_h=np.zeros(H), W_yh=W_yh)
    h_hat = np.where(mask, 1.0, -1.0)
    h_hat[0] = 0.0
    trace = Trace(xs=xs, h0=h[0].copy(), h_hat=h_hat, mask=mask, h=h,
                  y=np.zeros((T + 1, W_yh.shape[0])))
    return backward(params, trace, dy)


def hidden_grads(W_yh, W_hh, dy, mask):
    """∂h_t for t = 0..T: (T+1, H)."""
    return sequence_backward(W_yh, W_hh, dy, mask).dh


def step_backward(dh_t, h_hat_t, h_prev, x_prev, W_hh, W_hx):
    """One step back, read off a one-step sequence: (∂h_{t-1}, ∂x_{t-1}, and this step's
    terms of ∂W_hh, ∂W_hx, ∂b_h). The step's output layer is the identity, so ∂y_1 = ∂h_t."""
    H = dh_t.shape[0]
    h_next = np.maximum(h_hat_t, 0.0)
    g = sequence_backward(np.eye(H), W_hh, np.stack([np.zeros(H), dh_t]),
                          np.stack([np.zeros(H), relu_grad(h_hat_t)]),
                          h=np.stack([h_prev, h_next]), xs=x_prev[None, :], W_hx=W_hx)
    return g.dh0, g.dx[0], g.dW_hh, g.dW_hx, g.db_h


def weight_sums(dh_hat, h=None, xs=None):
    """Σ_t ∂ĥ_t h_{t-1}ᵀ and Σ_t ∂ĥ_t x_{t-1}ᵀ for given ∂ĥ (T+1, H), row 0 zero: a sequence
    with W_hh = 0, the identity as output layer and every gate open has ∂ĥ_t = ∂y_t."""
    T, H = dh_hat.shape[0] - 1, dh_hat.shape[1]
    g = sequence_backward(np.eye(H), np.zeros((H, H)), dh_hat, np.ones((T + 1, H)), h=h, xs=xs)
    return g.dW_hh, g.dW_hx
