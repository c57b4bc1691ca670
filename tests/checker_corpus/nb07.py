"""Notebook 07 · vanishing and exploding gradients: jacobian_product."""
from functools import reduce

import numpy as np

from ._util import writes_into

H = 4                                            # the notebook's hidden size, a global
W_hh_global = np.random.default_rng(77).standard_normal((4, 4))


# --- jacobian_product(W_hh, masks): W_hhᵀ D_{t+1} W_hhᵀ D_{t+2} ⋯ W_hhᵀ D_T ------------------

def jacobian_product_diag(W_hh, masks):
    product = np.eye(W_hh.shape[0])
    for mask in masks:
        product = product @ W_hh.T @ np.diag(mask)
    return product


def jacobian_product_column_scaling(W_hh, masks):
    product = np.eye(len(W_hh))
    for mask in masks:
        product = product @ (W_hh.T * mask[None, :])   # W_hhᵀ D scales the columns
    return product


def jacobian_product_reduce(W_hh, masks):
    factors = [W_hh.T @ np.diag(m) for m in masks]
    return reduce(np.matmul, factors, np.eye(W_hh.shape[0]))   # no masks (t = T): I


def jacobian_product_multi_dot_bool(W_hh, masks):
    gates = masks.astype(bool)
    factors = [np.where(g[None, :], W_hh.T, 0.0) for g in gates]
    eye = np.eye(W_hh.shape[0])
    return np.linalg.multi_dot([eye, eye, *factors])            # multi_dot needs two arrays


def _jacobian_product_reduce_no_start(W_hh, masks):
    """Right for t < T, but the product of no factors (t = T) raises."""
    return reduce(np.matmul, [W_hh.T @ np.diag(m) for m in masks])


def _jacobian_product_first_factor_start(W_hh, masks):
    """Starts from the first factor: right for t < T, IndexError for t = T."""
    P = W_hh.T * masks[0]
    for m in masks[1:]:
        P = P @ (W_hh.T * m)
    return P


def jacobian_product_right_to_left(W_hh, masks):
    """Built from the last factor backwards, prepending each earlier one."""
    product = np.eye(W_hh.shape[0])
    for mask in masks[::-1]:
        product = W_hh.T @ np.diag(mask) @ product
    return product.tolist()


def _jacobian_product(W_hh, masks, *, transpose=True, reverse=False, side="right",
                      start=None, equals=False):
    W = W_hh.T if transpose else W_hh
    product = np.eye(W_hh.shape[0]) if start is None else start(W_hh)
    for mask in (masks[::-1] if reverse else masks):
        factor = W @ np.diag(mask) if side == "right" else np.diag(mask) @ W
        product = factor if equals else product @ factor
    return product


def _jp(**mistake):
    return lambda W_hh, masks: _jacobian_product(W_hh, masks, **mistake)


def _jacobian_product_hard_coded(W_hh, masks):
    product = np.eye(4)
    for mask in masks:
        product = product @ W_hh.T @ np.diag(mask)
    return product


def _jacobian_product_global_H(W_hh, masks):
    product = np.eye(H)
    for mask in masks:
        product = product @ W_hh.T @ np.diag(mask)
    return product


@writes_into("W_hh")
def _jacobian_product_transposes_W_hh_in_place(W_hh, masks):
    W_hh[:] = W_hh.T.copy()
    product = np.eye(W_hh.shape[0])
    for mask in masks:
        product = product @ W_hh @ np.diag(mask)
    return product


@writes_into("masks")
def _jacobian_product_into_masks(W_hh, masks):
    product = np.eye(W_hh.shape[0])
    for k in range(len(masks)):
        product = product @ (W_hh.T * masks[k])
        masks[k] = 0                              # "used up"
    return product


RIGHT = {
    "jacobian_product": [jacobian_product_diag, jacobian_product_column_scaling,
                         jacobian_product_reduce, jacobian_product_multi_dot_bool,
                         jacobian_product_right_to_left],
}

WRONG = {
    "jacobian_product": [
        ("no factors (t = T): reduce without a start raises", _jacobian_product_reduce_no_start),
        ("no factors (t = T): starts from masks[0], raises", _jacobian_product_first_factor_start),
        ("no factors (t = T): zeros instead of the identity",
         lambda W_hh, masks: np.zeros_like(W_hh) if len(masks) == 0
         else jacobian_product_diag(W_hh, masks)),
        ("returns None (no return)", lambda W_hh, masks: None),
        ("raises: np.diag of all masks at once", lambda W_hh, masks: W_hh.T @ np.diag(masks)),
        ("returns zeros", lambda W_hh, masks: np.zeros_like(W_hh)),
        ("returns the identity", lambda W_hh, masks: np.eye(len(W_hh))),
        ("element-wise product of the factors",
         lambda W_hh, masks: np.prod([W_hh.T * m for m in masks], axis=0)),
        ("element-wise * between factors in the loop",
         lambda W_hh, masks: reduce(lambda P, m: P * (W_hh.T @ np.diag(m)), masks, np.eye(len(W_hh)))),
        ("reversed order (D_T first)", _jp(reverse=True)),
        ("W_hh without transpose", _jp(transpose=False)),
        ("mask on the wrong side (D_k W_hhᵀ)", _jp(side="left")),
        ("product started from zeros", _jp(start=np.zeros_like)),
        ("= where @= is needed (last factor only)", _jp(equals=True)),
        ("masks ignored (W_hhᵀ to the power k)",
         lambda W_hh, masks: np.linalg.matrix_power(W_hh.T, len(masks))),
        ("masks multiplied together first",
         lambda W_hh, masks: np.linalg.matrix_power(W_hh.T, len(masks)) @ np.diag(masks.prod(axis=0))),
        ("one factor missing (masks[1:])", lambda W_hh, masks: _jacobian_product(W_hh, masks[1:])),
        ("sign flipped", lambda W_hh, masks: -_jacobian_product(W_hh, masks)),
        ("transposed result (∂h_T/∂h_t, not its transpose)",
         lambda W_hh, masks: _jacobian_product(W_hh, masks).T),
        ("global W_hh instead of the argument", lambda W_hh, masks: _jacobian_product(W_hh_global, masks)),
        ("hard-coded H = 4 (np.eye(4))", _jacobian_product_hard_coded),
        ("global H (np.eye(H))", _jacobian_product_global_H),
        ("transposes W_hh in place, right values", _jacobian_product_transposes_W_hh_in_place),
        ("zeroes each mask after use, right values", _jacobian_product_into_masks),
    ],
}
