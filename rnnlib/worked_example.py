"""Notebook 01's worked example: an RNN small enough to run forwards and backwards by hand.

Two hidden units, one input, one output, three steps (H = 2, D = 1, O = 1, T = 3):

    W_hh = [[1, -1], [0.5, 0]]   W_hx = [[1], [-1]]   b_h = [0, 0.5]   W_yh = [[1, 2]]
    h_0 = (0, 0)                 x_0, x_1, x_2 = 1, 2, -1
    targets of y_1, y_2, y_3:    0, 4, 7

Forward (notebook 01 does it by hand): ĥ_1 = (1, -0.5), ĥ_2 = (3, -1), ĥ_3 = (2, 3), so unit 1
is off at t = 1 and t = 2 and on at t = 3; y_1, y_2, y_3 = 1, 3, 8. With squared error the
targets give ∂y_t = y_t - target_t = 1, -1, 1, and the backward pass (notebook 04, exercise 1)
meets a non-zero ∂h_2 at unit 1's closed gate: the example is chosen so that a gate matters.

Notebook 03 takes the same forward pass with an upstream gradient of its own; notebook 04 draws
its backward paths and checks the pass worked out by hand (rnnlib.exercises, nb04).

Every function returns new arrays, so whoever changes what they got (01's exercise 3 sets x_1 to
0) changes nobody else's example.
"""
import numpy as np

from .model import Params


def params():
    """The example's weights: Params with W_hh (2, 2), W_hx (2, 1), b_h (2,), W_yh (1, 2), float64."""
    return Params(W_hh=[[1, -1], [0.5, 0]], W_hx=[[1], [-1]], b_h=[0, 0.5], W_yh=[[1, 2]])


def xs():
    """The inputs x_0, x_1, x_2 = 1, 2, -1: shape (T, D) = (3, 1), float64; xs()[k] is x_k."""
    return np.array([[1.0], [2.0], [-1.0]])


def h0():
    """The initial state h_0 = (0, 0): shape (H,) = (2,), float64 (what forward uses for None)."""
    return np.zeros(2)


def targets():
    """The targets 0, 4, 7 of y_1, y_2, y_3 for a squared-error loss: shape (T, O) = (3, 1),
    float64; targets()[k] is the target of y_{k+1}, aligned with xs()[k]."""
    return np.array([[0.0], [4.0], [7.0]])
