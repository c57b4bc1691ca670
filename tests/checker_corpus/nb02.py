"""Notebook 02 · loss and output layer: squared_error_grad, cross_entropy_grad, dW_yh_term."""
import numpy as np

from ._util import writes_into

target_global = np.array([0.5, -1.0, 2.0])      # a target left over from an earlier cell


# --- squared_error_grad(y_t, target_t) --------------------------------------------------------

def squared_error_grad_minus(y_t, target_t):
    return y_t - target_t


def squared_error_grad_subtract(y_t, target_t):
    return np.subtract(y_t, target_t)


def squared_error_grad_list(y_t, target_t):
    return [y - c for y, c in zip(y_t, target_t)]


def squared_error_grad_own_copy(y_t, target_t):
    dy = y_t.copy()
    dy -= target_t                               # into its own copy only
    return dy


def _squared_error_grad_hard_coded_O(y_t, target_t):
    dy = np.zeros(3)
    for i in range(3):
        dy[i] = y_t[i] - target_t[i]
    return dy


@writes_into("y_t")
def _squared_error_grad_into_y_t(y_t, target_t):
    y_t -= target_t
    return y_t


# --- cross_entropy_grad(y_t, class_t) ---------------------------------------------------------

def _stable_softmax(y):
    e = np.exp(y - np.max(y))
    return e / e.sum()


def cross_entropy_grad_eye(y_t, class_t):
    return _stable_softmax(y_t) - np.eye(len(y_t))[class_t]


def cross_entropy_grad_copy_then_subtract(y_t, class_t):
    p = _stable_softmax(y_t)
    p[class_t] -= 1                              # p is this function's own array
    return p


def cross_entropy_grad_logsumexp(y_t, class_t):
    m = y_t.max()
    log_z = m + np.log(np.sum(np.exp(y_t - m)))
    onehot = np.zeros_like(y_t)
    onehot[class_t] = 1.0
    return np.exp(y_t - log_z) - onehot


def cross_entropy_grad_loop(y_t, class_t):
    shifted = [v - max(y_t) for v in y_t]
    z = sum(np.exp(s) for s in shifted)
    return [np.exp(s) / z - (1.0 if i == class_t else 0.0) for i, s in enumerate(shifted)]


def _unstable_softmax(y):
    e = np.exp(y)
    return e / e.sum()


def _cross_entropy_grad_hard_coded_O(y_t, class_t):
    return _stable_softmax(y_t) - np.eye(4)[class_t]


@writes_into("y_t")
def _cross_entropy_grad_into_y_t(y_t, class_t):
    y_t -= y_t.max()                             # "stabilised" in the caller's array
    p = np.exp(y_t) / np.exp(y_t).sum()
    return p - np.eye(y_t.size)[class_t]


@writes_into("y_t")
def _cross_entropy_grad_softmax_in_y_t(y_t, class_t):
    np.exp(y_t - y_t.max(), out=y_t)
    y_t /= y_t.sum()
    y_t[class_t] -= 1
    return y_t


# --- dW_yh_term(dy_t, h_t) --------------------------------------------------------------------

def dW_yh_term_outer(dy_t, h_t):
    return np.outer(dy_t, h_t)


def dW_yh_term_broadcast(dy_t, h_t):
    return dy_t[:, None] * h_t[None, :]


def dW_yh_term_reshape(dy_t, h_t):
    return dy_t.reshape(-1, 1) @ h_t.reshape(1, -1)


def dW_yh_term_loops(dy_t, h_t):
    return [[dy_t[o] * h_t[j] for j in range(len(h_t))] for o in range(len(dy_t))]


def dW_yh_term_einsum(dy_t, h_t):
    return np.einsum("o,h->oh", dy_t, h_t)


def _dW_yh_term_hard_coded(dy_t, h_t):
    term = np.zeros((2, 4))
    for o in range(2):
        for j in range(4):
            term[o, j] = dy_t[o] * h_t[j]
    return term


@writes_into("h_t")
def _dW_yh_term_into_h_t(dy_t, h_t):
    rows = []
    for d in dy_t:
        rows.append(h_t * d)
    h_t *= 0                                     # "reset" a buffer that belongs to the caller
    return np.array(rows)


RIGHT = {
    "squared_error_grad": [squared_error_grad_minus, squared_error_grad_subtract,
                           squared_error_grad_list, squared_error_grad_own_copy],
    "cross_entropy_grad": [cross_entropy_grad_eye, cross_entropy_grad_copy_then_subtract,
                           cross_entropy_grad_logsumexp, cross_entropy_grad_loop],
    "dW_yh_term": [dW_yh_term_outer, dW_yh_term_broadcast, dW_yh_term_reshape, dW_yh_term_loops,
                   dW_yh_term_einsum],
}

WRONG = {
    "squared_error_grad": [
        ("returns None (no return)", lambda y_t, target_t: None),
        ("raises (a typo'd name)", lambda y_t, target_t: y_t - targets_t),  # noqa: F821
        ("returns zeros", lambda y_t, target_t: np.zeros_like(y_t)),
        ("sign flipped", lambda y_t, target_t: target_t - y_t),
        ("twice too large", lambda y_t, target_t: 2 * (y_t - target_t)),
        ("the loss per entry", lambda y_t, target_t: 0.5 * (y_t - target_t) ** 2),
        ("divided by O (a mean)", lambda y_t, target_t: (y_t - target_t) / len(y_t)),
        ("MSE gradient 2(y - t)/O", lambda y_t, target_t: 2 * (y_t - target_t) / y_t.size),
        ("summed to a number", lambda y_t, target_t: np.sum(y_t - target_t)),
        ("absolute difference", lambda y_t, target_t: np.abs(y_t - target_t)),
        ("the loss, a number", lambda y_t, target_t: 0.5 * np.sum((y_t - target_t) ** 2)),
        ("global target instead of target_t", lambda y_t, target_t: y_t - target_global),
        ("y_t alone", lambda y_t, target_t: y_t),
        ("hard-coded O = 3 (np.zeros(3))", _squared_error_grad_hard_coded_O),
        ("writes into y_t (y_t -= target_t), right values", _squared_error_grad_into_y_t),
    ],
    "cross_entropy_grad": [
        ("returns None (no return)", lambda y_t, class_t: None),
        ("raises: one-hot from a float index",
         lambda y_t, class_t: _stable_softmax(y_t) - np.eye(len(y_t))[float(class_t)]),
        ("returns zeros", lambda y_t, class_t: np.zeros_like(y_t)),
        ("softmax alone", lambda y_t, class_t: _stable_softmax(y_t)),
        ("y_t - onehot (no softmax)", lambda y_t, class_t: y_t - np.eye(len(y_t))[class_t]),
        ("sign flipped", lambda y_t, class_t: np.eye(len(y_t))[class_t] - _stable_softmax(y_t)),
        ("softmax not stabilised (overflows near 800)",
         lambda y_t, class_t: _unstable_softmax(y_t) - np.eye(len(y_t))[class_t]),
        ("log-softmax - onehot",
         lambda y_t, class_t: np.log(_stable_softmax(y_t)) - np.eye(len(y_t))[class_t]),
        ("one-hot of the wrong class (class_t - 1)",
         lambda y_t, class_t: _stable_softmax(y_t) - np.eye(len(y_t))[class_t - 1]),
        ("stabilised by the min instead of the max",
         lambda y_t, class_t: np.exp(y_t - y_t.min()) / np.exp(y_t - y_t.min()).sum()
         - np.eye(len(y_t))[class_t]),
        ("minus 1 at every entry", lambda y_t, class_t: _stable_softmax(y_t) - 1),
        ("the loss, a number", lambda y_t, class_t: -np.log(_stable_softmax(y_t)[class_t])),
        ("-1/p at the class (derivative w.r.t. p)",
         lambda y_t, class_t: -np.eye(len(y_t))[class_t] / _stable_softmax(y_t)[class_t]),
        ("hard-coded O = 4 (np.eye(4))", _cross_entropy_grad_hard_coded_O),
        ("writes into y_t (y_t -= y_t.max()), right values", _cross_entropy_grad_into_y_t),
        ("softmax computed in y_t (out=y_t), right values", _cross_entropy_grad_softmax_in_y_t),
    ],
    "dW_yh_term": [
        ("returns None (no return)", lambda dy_t, h_t: None),
        ("raises: dy_t @ h_t.T (1-D .T does nothing)", lambda dy_t, h_t: dy_t @ h_t.T),
        ("raises: * between (O,) and (H,)", lambda dy_t, h_t: dy_t * h_t),
        ("returns zeros", lambda dy_t, h_t: np.zeros((len(dy_t), len(h_t)))),
        ("transposed: np.outer(h_t, dy_t)", lambda dy_t, h_t: np.outer(h_t, dy_t)),
        ("sign flipped", lambda dy_t, h_t: -np.outer(dy_t, h_t)),
        ("summed to a number", lambda dy_t, h_t: np.sum(np.outer(dy_t, h_t))),
        ("h_t alone, tiled", lambda dy_t, h_t: np.tile(h_t, (len(dy_t), 1))),
        ("dy_t alone, tiled", lambda dy_t, h_t: np.tile(dy_t[:, None], (1, len(h_t)))),
        ("np.kron (a flat vector)", lambda dy_t, h_t: np.kron(dy_t, h_t)),
        ("ReLU'(h_t) instead of h_t", lambda dy_t, h_t: np.outer(dy_t, (h_t > 0).astype(float))),
        ("halved", lambda dy_t, h_t: 0.5 * np.outer(dy_t, h_t)),
        ("hard-coded O = 2, H = 4", _dW_yh_term_hard_coded),
        ("writes into h_t (h_t *= 0 after use), right values", _dW_yh_term_into_h_t),
    ],
}
