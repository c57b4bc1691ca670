"""Model solutions of the notebook exercises, written the way a student would (column vectors,
one example at a time). ``rnnlib.exercises.show_solution(name)`` prints one of them.

A teacher's hand-out copy leaves this file out (``make handout``): the checkers keep working,
and show_solution then says that solutions are not included.
"""
import numpy as np


def pre_activation(W_hh, W_hx, b_h, h_t, x_t):
    return W_hh @ h_t + W_hx @ x_t + b_h


def rnn_step(W_hh, W_hx, b_h, h_t, x_t):
    h_hat_next = W_hh @ h_t + W_hx @ x_t + b_h
    return np.maximum(h_hat_next, 0)


def squared_error_grad(y_t, target_t):
    # E_t = ½‖y_t − target_t‖²  =>  ∂y_t = y_t − target_t (the ½ cancels the 2)
    return y_t - target_t


def cross_entropy_grad(y_t, class_t):
    p = np.exp(y_t - y_t.max())          # shift by the max: same softmax, no overflow
    p /= p.sum()
    p[class_t] -= 1                      # softmax(y_t) − onehot(class_t)
    return p


def dW_yh_term(dy_t, h_t):
    return np.outer(dy_t, h_t)          # ∂y_t h_tᵀ: shape (O, H), like W_yh


def hidden_grad(W_yh, W_hh, dy_t, dh_hat_next):
    return W_yh.T @ dy_t + W_hh.T @ dh_hat_next


def hidden_grads_through_time(W_yh, W_hh, dy, mask):
    T = dy.shape[0] - 1
    dh = np.zeros((T + 1, W_hh.shape[0]))
    dh_hat_next = np.zeros(W_hh.shape[0])            # ∂ĥ_{T+1} = 0
    for t in range(T, 0, -1):
        dh[t] = W_yh.T @ dy[t] + W_hh.T @ dh_hat_next
        dh_hat_next = mask[t] * dh[t]                  # ∂ĥ_t, the ∂ĥ_{t+1} of step t-1
    dh[0] = W_hh.T @ dh_hat_next                       # h_0 has no output
    return dh


def relu_grad(z):
    return (z > 0).astype(float)                        # ReLU'(0) = 0


def relu_gate(h_hat_t, dh_t):
    return (h_hat_t > 0) * dh_t


def dW_hh_sum(dh_hat, h):
    T = dh_hat.shape[0] - 1
    dW_hh = np.zeros((h.shape[1], h.shape[1]))
    for t in range(1, T + 1):
        dW_hh += np.outer(dh_hat[t], h[t - 1])          # ĥ_t = W_hh h_{t-1} + ...
    return dW_hh                                         # or: dh_hat[1:].T @ h[:-1]


def dW_hx_sum(dh_hat, xs):
    return dh_hat[1:].T @ xs                            # Σ_t ∂ĥ_t x_{t-1}ᵀ as one product


def central_difference(f, x, eps):
    grad = np.zeros_like(x)
    for i in range(x.size):
        nudge = np.zeros_like(x)
        nudge[i] = eps
        grad[i] = (f(x + nudge) - f(x - nudge)) / (2 * eps)
    return grad


def jacobian_product(W_hh, masks):
    P = np.eye(W_hh.shape[0])
    for mask in masks:                    # D_{t+1} first, D_T last
        P = P @ W_hh.T @ np.diag(mask)    # ... W_hhᵀ D_k: matrix products, in order
    return P


def clip_global_norm(g, max_norm):
    norm = np.sqrt(np.sum(g ** 2))
    if norm > max_norm:
        return g * (max_norm / norm)    # same direction, length max_norm
    return g
