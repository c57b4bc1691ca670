"""rnnlib.worked_example: notebook 01's example has the shapes its docstring gives, every call
hands out arrays of its own, and a pass by hand (the numbers of notebook 01's text and of 04's
exercise) is what the library computes on it."""
import numpy as np
import pytest

import rnnlib
from rnnlib import worked_example


def test_shapes_and_dtype():
    p = worked_example.params()
    assert (p.n_input, p.n_hidden, p.n_output, p.dtype) == (1, 2, 1, np.float64)
    assert worked_example.xs().shape == (3, 1) and worked_example.targets().shape == (3, 1)
    assert worked_example.h0().shape == (2,)
    for a in (worked_example.xs(), worked_example.h0(), worked_example.targets()):
        assert a.dtype == np.float64


@pytest.mark.parametrize("make", [worked_example.xs, worked_example.h0, worked_example.targets])
def test_changing_what_one_call_returned_leaves_the_next_call_alone(make):
    first = make()
    expected = first.copy()
    first += 5.0
    np.testing.assert_array_equal(make(), expected)


def test_the_forward_pass_by_hand():
    """ĥ_t, h_t and y_t as notebook 01 works them out on paper."""
    trace = rnnlib.forward(worked_example.params(), worked_example.xs(), worked_example.h0())
    np.testing.assert_array_equal(trace.h_hat[1:], [[1, -0.5], [3, -1], [2, 3]])
    np.testing.assert_array_equal(trace.h[1:], [[1, 0], [3, 0], [2, 3]])
    np.testing.assert_array_equal(trace.y[1:, 0], [1, 3, 8])


def test_the_targets_give_the_upstream_gradient_of_04s_exercise():
    """Squared error against targets 0, 4, 7: ∂y_t = y_t - target_t = 1, -1, 1."""
    trace = rnnlib.forward(worked_example.params(), worked_example.xs())
    _, dy = rnnlib.loss_from_trace(trace, worked_example.targets())
    np.testing.assert_array_equal(dy[1:, 0], [1, -1, 1])


def test_a_closed_gate_stops_a_nonzero_gradient():
    """The example's point for the backward pass: unit 1 is off at t = 2 while ∂h_2 reaches it
    (by hand: ∂h_2 = -W_yhᵀ + W_hhᵀ (1, 2) = (1, -3))."""
    params = worked_example.params()
    E, grads = rnnlib.loss_and_grads(params, worked_example.xs(), worked_example.targets())
    np.testing.assert_array_equal(grads.dh[2], [1, -3])
    assert grads.dh_hat[2, 1] == 0
