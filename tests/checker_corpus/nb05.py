"""Notebook 05 · the parameter gradients: dW_hh_sum and dW_hx_sum."""
import numpy as np

from ._util import writes_into

_nb = np.random.default_rng(55)
h_global = np.abs(_nb.standard_normal((6, 4)))


# --- dW_hh_sum(dh_hat, h) ---------------------------------------------------------------------

def dW_hh_sum_loop(dh_hat, h):
    T = dh_hat.shape[0] - 1
    dW_hh = np.zeros((dh_hat.shape[1], h.shape[1]))
    for t in range(1, T + 1):
        dW_hh += np.outer(dh_hat[t], h[t - 1])
    return dW_hh


def dW_hh_sum_matmul(dh_hat, h):
    return dh_hat[1:].T @ h[:-1]


def dW_hh_sum_einsum(dh_hat, h):
    return np.einsum("ti,tj->ij", dh_hat[1:], h[:-1])


def dW_hh_sum_all_rows_shifted(dh_hat, h):
    """Pairs row t of dh_hat with row t-1 of h through a shifted copy (row 0 of dh_hat is 0)."""
    h_before = np.zeros_like(h)
    h_before[1:] = h[:-1]
    return dh_hat.T @ h_before


def dW_hh_sum_nested_lists(dh_hat, h):
    T, H = len(dh_hat) - 1, len(dh_hat[0])
    return [[sum(dh_hat[t][i] * h[t - 1][j] for t in range(1, T + 1)) for j in range(H)]
            for i in range(H)]


def _dW_hh_sum_hard_coded(dh_hat, h):
    dW_hh = np.zeros((4, 4))
    for t in range(1, 6):
        dW_hh += np.outer(dh_hat[t], h[t - 1])
    return dW_hh


def _dW_hh_sum_equals(dh_hat, h, *, keep="last"):
    T = dh_hat.shape[0] - 1
    steps = range(1, T + 1) if keep == "last" else range(T, 0, -1)
    for t in steps:
        dW_hh = np.outer(dh_hat[t], h[t - 1])     # = where += is needed
    return dW_hh


@writes_into("h")
def _dW_hh_sum_shift_h_in_place(dh_hat, h):
    h[1:] = h[:-1].copy()                        # "line up" h with dh_hat, in the caller's h
    return dh_hat.T @ h


@writes_into("dh_hat")
def _dW_hh_sum_shift_dh_hat_in_place(dh_hat, h):
    dh_hat[:-1] = dh_hat[1:].copy()
    return dh_hat[:-1].T @ h[:-1]


# --- dW_hx_sum(dh_hat, xs) --------------------------------------------------------------------

def dW_hx_sum_loop(dh_hat, xs):
    T = len(xs)
    dW_hx = np.zeros((dh_hat.shape[1], xs.shape[1]))
    for t in range(1, T + 1):
        dW_hx += np.outer(dh_hat[t], xs[t - 1])
    return dW_hx


def dW_hx_sum_by_input(dh_hat, xs):
    dW_hx = 0
    for k, x_k in enumerate(xs):                  # x_k feeds ĥ_{k+1}
        dW_hx = dW_hx + dh_hat[k + 1][:, None] * x_k[None, :]
    return dW_hx


def dW_hx_sum_matmul(dh_hat, xs):
    return dh_hat[1:].T @ xs


def dW_hx_sum_einsum_list(dh_hat, xs):
    return np.einsum("ti,tk->ik", dh_hat[1:], xs).tolist()


def _dW_hx_sum_hard_coded(dh_hat, xs):
    dW_hx = np.zeros((4, 3))
    for t in range(1, 6):
        dW_hx += np.outer(dh_hat[t], xs[t - 1])
    return dW_hx


@writes_into("dh_hat")
def _dW_hx_sum_shift_dh_hat_in_place(dh_hat, xs):
    dh_hat[:-1] = dh_hat[1:].copy()              # rows now line up with xs
    return dh_hat[:-1].T @ xs


@writes_into("xs")
def _dW_hx_sum_scale_xs_in_place(dh_hat, xs):
    total = dh_hat[1:].T @ xs
    xs *= 0                                      # "free" the inputs
    return total


def _dW_hx_sum_index_error(dh_hat, xs):
    T = len(xs)
    dW_hx = np.zeros((dh_hat.shape[1], xs.shape[1]))
    for t in range(1, T + 1):
        dW_hx += np.outer(dh_hat[t], xs[t])       # x_t: runs past the end at t = T
    return dW_hx


RIGHT = {
    "dW_hh_sum": [dW_hh_sum_loop, dW_hh_sum_matmul, dW_hh_sum_einsum, dW_hh_sum_all_rows_shifted,
                  dW_hh_sum_nested_lists],
    "dW_hx_sum": [dW_hx_sum_loop, dW_hx_sum_by_input, dW_hx_sum_matmul, dW_hx_sum_einsum_list],
}

WRONG = {
    "dW_hh_sum": [
        ("returns None (no return)", lambda dh_hat, h: None),
        ("raises: dh_hat @ h (shapes)", lambda dh_hat, h: dh_hat @ h),
        ("returns zeros", lambda dh_hat, h: np.zeros((h.shape[1], h.shape[1]))),
        ("off by one: ∂ĥ_t with h_t", lambda dh_hat, h: dh_hat[1:].T @ h[1:]),
        ("off by two: dh_hat[2:] with h[:-2]", lambda dh_hat, h: dh_hat[2:].T @ h[:-2]),
        ("dh_hat.T @ h (all rows, unshifted)", lambda dh_hat, h: dh_hat.T @ h),
        ("= where += is needed (last step kept)", _dW_hh_sum_equals),
        ("= where += is needed (first step kept)",
         lambda dh_hat, h: _dW_hh_sum_equals(dh_hat, h, keep="first")),
        ("transposed: h[:-1].T @ dh_hat[1:]", lambda dh_hat, h: h[:-1].T @ dh_hat[1:]),
        ("loop misses the last step (range(1, T))",
         lambda dh_hat, h: sum(np.outer(dh_hat[t], h[t - 1]) for t in range(1, len(h) - 1))),
        ("loop misses the first step (range(2, T+1))",
         lambda dh_hat, h: sum(np.outer(dh_hat[t], h[t - 1]) for t in range(2, len(h)))),
        ("element-wise * and a sum (shape (H,))", lambda dh_hat, h: (dh_hat[1:] * h[:-1]).sum(axis=0)),
        ("divided by T (a mean)", lambda dh_hat, h: dh_hat[1:].T @ h[:-1] / (len(h) - 1)),
        ("sign flipped", lambda dh_hat, h: -(dh_hat[1:].T @ h[:-1])),
        ("ReLU'(h) in place of ∂ĥ (the erratum's mask)",
         lambda dh_hat, h: (h[1:] > 0).T.astype(float) @ h[:-1]),
        ("global h instead of the argument", lambda dh_hat, h: dh_hat[1:].T @ h_global[:-1]),
        ("hard-coded T = 5, H = 4", _dW_hh_sum_hard_coded),
        ("shifts h in place (h[1:] = h[:-1]), right values", _dW_hh_sum_shift_h_in_place),
        ("shifts dh_hat in place, right values", _dW_hh_sum_shift_dh_hat_in_place),
    ],
    "dW_hx_sum": [
        ("returns None (no return)", lambda dh_hat, xs: None),
        ("raises: x_t instead of x_{t-1} (IndexError)", _dW_hx_sum_index_error),
        ("raises: dh_hat.T @ xs (T+1 vs T rows)", lambda dh_hat, xs: dh_hat.T @ xs),
        ("returns zeros", lambda dh_hat, xs: np.zeros((dh_hat.shape[1], xs.shape[1]))),
        ("transposed (D, H)", lambda dh_hat, xs: xs.T @ dh_hat[1:]),
        ("off by one: dh_hat[:-1].T @ xs", lambda dh_hat, xs: dh_hat[:-1].T @ xs),
        ("first step missing: dh_hat[2:].T @ xs[1:]", lambda dh_hat, xs: dh_hat[2:].T @ xs[1:]),
        ("last step missing: dh_hat[1:-1].T @ xs[:-1]", lambda dh_hat, xs: dh_hat[1:-1].T @ xs[:-1]),
        ("= where += is needed (one step kept)", lambda dh_hat, xs: np.outer(dh_hat[-1], xs[-1])),
        ("= where += is needed (first step kept)", lambda dh_hat, xs: np.outer(dh_hat[1], xs[0])),
        ("pairs ∂ĥ_{t} with xs[t] for t = 1..T-1",
         lambda dh_hat, xs: sum(np.outer(dh_hat[t], xs[t]) for t in range(1, len(xs)))),
        ("divided by T (a mean)", lambda dh_hat, xs: dh_hat[1:].T @ xs / len(xs)),
        ("sign flipped", lambda dh_hat, xs: -(dh_hat[1:].T @ xs)),
        ("element-wise product of the sums", lambda dh_hat, xs: np.outer(dh_hat[1:].sum(0), xs.sum(0))),
        ("hard-coded T = 5, H = 4, D = 3", _dW_hx_sum_hard_coded),
        ("shifts dh_hat in place (dh_hat[:-1] = dh_hat[1:]), right values", _dW_hx_sum_shift_dh_hat_in_place),
        ("zeroes xs after use, right values", _dW_hx_sum_scale_xs_in_place),
    ],
}
