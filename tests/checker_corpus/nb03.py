"""Notebook 03 · the ReLU gate: relu_grad and relu_gate (ReLU'(0) = 0)."""
import numpy as np

from ._util import writes_into

z_global = np.array([0.3, -1.2, 0.0, 2.0, -0.1, 0.7])   # the z of an earlier cell


# --- relu_grad(z) -----------------------------------------------------------------------------

def relu_grad_astype(z):
    return (z > 0).astype(float)


def relu_grad_where(z):
    return np.where(z > 0, 1.0, 0.0)


def relu_grad_heaviside(z):
    return np.heaviside(z, 0.0)


def relu_grad_bool(z):
    return z > 0                                  # a bool mask is a mask


def relu_grad_int(z):
    return (z > 0).astype(int)


def relu_grad_loop(z):
    return [1 if v > 0 else 0 for v in z]


def relu_grad_own_copy(z):
    g = np.zeros_like(z)
    g[z > 0] = 1
    return g


def _relu_grad_hard_coded(z):
    g = np.zeros(6)
    for i in range(6):
        g[i] = 1.0 if z[i] > 0 else 0.0
    return g


@writes_into("z")
def _relu_grad_into_z(z):
    z[z > 0] = 1
    z[z <= 0] = 0
    return z


@writes_into("z")
def _relu_grad_into_z_sign(z):
    np.sign(z, out=z)
    z[z < 0] = 0
    return z


# --- relu_gate(h_hat_t, dh_t) -----------------------------------------------------------------

def relu_gate_product(h_hat_t, dh_t):
    return (h_hat_t > 0) * dh_t


def relu_gate_where(h_hat_t, dh_t):
    return np.where(h_hat_t > 0, dh_t, 0.0)


def relu_gate_own_copy(h_hat_t, dh_t):
    dh_hat = dh_t.copy()
    dh_hat[h_hat_t <= 0] = 0                      # into its own copy only
    return dh_hat


def relu_gate_int_mask(h_hat_t, dh_t):
    mask = (h_hat_t > 0).astype(int)
    return mask * dh_t


def relu_gate_heaviside(h_hat_t, dh_t):
    return np.heaviside(h_hat_t, 0) * dh_t


def relu_gate_loop(h_hat_t, dh_t):
    return [d if z > 0 else 0.0 for z, d in zip(h_hat_t, dh_t)]


def _relu_gate_hard_coded(h_hat_t, dh_t):
    dh_hat = np.zeros(6)
    for i in range(6):
        if h_hat_t[i] > 0:
            dh_hat[i] = dh_t[i]
    return dh_hat


@writes_into("dh_t")
def _relu_gate_times_equals(h_hat_t, dh_t):
    mask = h_hat_t > 0
    dh_t *= mask
    return dh_t


@writes_into("dh_t")
def _relu_gate_zero_in_dh_t(h_hat_t, dh_t):
    dh_t[h_hat_t <= 0] = 0
    return dh_t


@writes_into("h_hat_t")
def _relu_gate_relu_in_h_hat(h_hat_t, dh_t):
    h_hat_t[h_hat_t < 0] = 0                      # the forward ReLU, in the caller's ĥ
    return (h_hat_t > 0) * dh_t


RIGHT = {
    "relu_grad": [relu_grad_astype, relu_grad_where, relu_grad_heaviside, relu_grad_bool,
                  relu_grad_int, relu_grad_loop, relu_grad_own_copy],
    "relu_gate": [relu_gate_product, relu_gate_where, relu_gate_own_copy, relu_gate_int_mask,
                  relu_gate_heaviside, relu_gate_loop],
}

WRONG = {
    "relu_grad": [
        ("returns None (no return)", lambda z: None),
        ("raises: `if z > 0` on an array", lambda z: 1.0 if z > 0 else 0.0),
        ("returns zeros", lambda z: np.zeros_like(z)),
        ("ReLU'(0) = 1 (z >= 0)", lambda z: (z >= 0).astype(float)),
        ("ReLU itself", lambda z: np.maximum(z, 0)),
        ("tolerance kink z > 1e-3", lambda z: (z > 1e-3).astype(float)),
        ("tolerance kink z > 1e-8", lambda z: (z > 1e-8).astype(float)),
        ("tolerance kink the other way, z > -1e-8", lambda z: (z > -1e-8).astype(float)),
        ("np.sign (-1 for negatives)", lambda z: np.sign(z)),
        ("heaviside with 1 at 0", lambda z: np.heaviside(z, 1.0)),
        ("heaviside with 0.5 at 0", lambda z: np.heaviside(z, 0.5)),
        ("ReLU(z) / z (nan at 0)", lambda z: np.maximum(z, 0) / z),
        ("|z| > 0 (negatives pass)", lambda z: (np.abs(z) > 0).astype(float)),
        ("all ones", lambda z: np.ones_like(z)),
        ("tanh derivative", lambda z: 1 - np.tanh(z) ** 2),
        ("np.max (a number)", lambda z: np.max(z > 0)),
        ("global z instead of the argument", lambda z: (z_global > 0).astype(float)),
        ("hard-coded size 6 (np.zeros(6))", _relu_grad_hard_coded),
        ("writes into z (z[z > 0] = 1; z[z <= 0] = 0), right values", _relu_grad_into_z),
        ("writes into z (np.sign(z, out=z)), right values", _relu_grad_into_z_sign),
    ],
    "relu_gate": [
        ("returns None (no return)", lambda h_hat_t, dh_t: None),
        ("raises: `if h_hat_t > 0` on an array", lambda h_hat_t, dh_t: dh_t if h_hat_t > 0 else 0 * dh_t),
        ("returns zeros", lambda h_hat_t, dh_t: np.zeros_like(dh_t)),
        ("ReLU'(0) = 1 (h_hat_t >= 0)", lambda h_hat_t, dh_t: (h_hat_t >= 0) * dh_t),
        ("the mask alone", lambda h_hat_t, dh_t: (h_hat_t > 0) * 1.0),
        ("gate forgotten: dh_t unchanged", lambda h_hat_t, dh_t: dh_t),
        ("ReLU(ĥ) instead of ReLU'(ĥ)", lambda h_hat_t, dh_t: np.maximum(h_hat_t, 0) * dh_t),
        ("tolerance kink ĥ > 1e-3", lambda h_hat_t, dh_t: (h_hat_t > 1e-3) * dh_t),
        ("tolerance kink ĥ > 1e-8", lambda h_hat_t, dh_t: (h_hat_t > 1e-8) * dh_t),
        ("gate from the gradient (dh_t > 0)", lambda h_hat_t, dh_t: (dh_t > 0) * dh_t),
        ("ReLU of the gradient", lambda h_hat_t, dh_t: np.maximum(dh_t, 0)),
        ("sign flipped", lambda h_hat_t, dh_t: -((h_hat_t > 0) * dh_t)),
        ("gate inverted (ĥ <= 0)", lambda h_hat_t, dh_t: (h_hat_t <= 0) * dh_t),
        ("added instead of multiplied", lambda h_hat_t, dh_t: (h_hat_t > 0) + dh_t),
        ("np.dot (a number)", lambda h_hat_t, dh_t: np.dot(h_hat_t > 0, dh_t)),
        ("global z instead of h_hat_t", lambda h_hat_t, dh_t: (z_global > 0) * dh_t),
        ("hard-coded size 6 (np.zeros(6))", _relu_gate_hard_coded),
        ("writes into dh_t (dh_t *= mask), right values", _relu_gate_times_equals),
        ("writes into dh_t (dh_t[ĥ <= 0] = 0), right values", _relu_gate_zero_in_dh_t),
        ("writes into h_hat_t (h_hat_t[h_hat_t < 0] = 0), right values", _relu_gate_relu_in_h_hat),
    ],
}
