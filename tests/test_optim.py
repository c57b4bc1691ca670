"""rnnlib.optim: clipping by global norm and by value, the global norm in float32, and the first
steps of SGD with momentum, Adam and RMSprop against their update rules written out."""
import numpy as np
import pytest

import rnnlib
from rnnlib import optim

NAMES = rnnlib.Params.names                    # W_hh, W_hx, b_h, W_yh


def test_clip_global_norm_keeps_direction_and_clip_by_value_does_not():
    grads = {"W_hh": np.array([[3.0, 0.1]]), "b_h": np.array([4.0])}
    clipped, norm = optim.clip_global_norm(grads, 1.0)
    assert norm == pytest.approx(np.sqrt(9 + 0.01 + 16))
    assert optim.global_norm(clipped) == pytest.approx(1.0)
    assert clipped["W_hh"][0, 1] / clipped["W_hh"][0, 0] == pytest.approx(0.1 / 3.0)
    same, _ = optim.clip_global_norm(grads, 100.0)
    np.testing.assert_array_equal(same["W_hh"], grads["W_hh"])
    by_value = optim.clip_by_value(grads, 1.0)
    assert by_value["W_hh"].tolist() == [[1.0, 0.1]] and by_value["b_h"].tolist() == [1.0]
    flat = lambda g: np.concatenate([a.ravel() for a in g.values()])  # noqa: E731
    cosine = flat(by_value) @ flat(grads) / (np.linalg.norm(flat(by_value)) * np.linalg.norm(flat(grads)))
    assert cosine < 0.99                                   # the direction changed
    with pytest.raises(ValueError, match="max_norm must be positive; got 0.0"):
        optim.clip_global_norm(grads, 0)
    with pytest.raises(TypeError, match="grads must be a dict of arrays.*; got list"):
        optim.clip_by_value([np.ones(2)], 1.0)


def test_global_norm_does_not_overflow_in_float32():
    huge = {"W_hh": np.full((2, 2), 1e20, dtype=np.float32)}
    assert optim.global_norm(huge) == pytest.approx(2e20, rel=1e-6)
    clipped, _ = optim.clip_global_norm(huge, 1.0)
    assert optim.global_norm(clipped) == pytest.approx(1.0, rel=1e-6)


def test_sgd_momentum_and_adam_first_steps():
    w = {n: np.ones(2) for n in NAMES}
    g = {"d" + n: np.array([0.5, -2.0]) for n in NAMES}
    sgd = optim.SGD(lr=0.1, momentum=0.9)
    sgd.step(w, g)
    sgd.step(w, g)                                         # v = g, then 1.9 g
    np.testing.assert_allclose(w["W_hh"], 1 - 0.1 * (1 + 1.9) * g["dW_hh"])
    w = {n: np.ones(2) for n in NAMES}
    optim.Adam(lr=0.01).step(w, g)                         # first step: lr · sign(g)
    np.testing.assert_allclose(w["b_h"], 1 - 0.01 * np.sign(g["db_h"]), rtol=1e-6)


@pytest.mark.parametrize("magnitude, eps", [(1e-5, 1e-8), (1e-8, 1e-12), (1e10, 1e-8)])
def test_adam_first_step_is_lr_sign_g_at_any_gradient_scale(magnitude, eps):
    # m̂ = g and v̂ = g² on step 1, so the step is lr · g / (|g| + ε) ≈ lr · sign(g) while
    # |g| ≫ ε. Catches ε inside the root, √(v̂ + ε): at |g| = 1e-5 that step is 0.1 lr.
    g = {"d" + n: np.array([magnitude, -magnitude]) for n in NAMES}
    w = {n: np.zeros(2) for n in NAMES}
    optim.Adam(lr=0.01, eps=eps).step(w, g)
    for n in NAMES:
        np.testing.assert_allclose(w[n], [-0.01, 0.01], rtol=2e-3)


def test_adam_step_with_default_eps_at_gradients_of_its_size():
    # |g| = ε = 1e-8: the step is exactly half of lr, lr · |g| / (|g| + ε).
    w = {n: np.zeros(1) for n in NAMES}
    optim.Adam(lr=0.01).step(w, {"d" + n: np.array([1e-8]) for n in NAMES})
    np.testing.assert_allclose(w["W_hh"], [-0.005], rtol=1e-6)


def test_adam_keeps_moving_when_float32_gradients_square_to_overflow():
    w = {n: np.zeros(2, dtype=np.float32) for n in NAMES}
    g = {"d" + n: np.array([1e25, -1e25], dtype=np.float32) for n in NAMES}
    adam = optim.Adam(lr=0.1)
    adam.step(w, g)
    adam.step(w, g)
    np.testing.assert_allclose(w["W_hh"], [-0.2, 0.2], rtol=1e-5)
    assert w["W_hh"].dtype == np.float32


def test_adam_three_steps_equal_kingma_and_ba_written_out():
    # Adam of Kingma & Ba (moments, bias correction at t = 1, 2, 3), written out here in its
    # own words: equal to the last bit, since the arithmetic per entry is the same.
    rng = np.random.default_rng(0)
    shapes = {"W_hh": (3, 3), "W_hx": (3, 2), "b_h": (3,), "W_yh": (1, 3)}
    w = {n: rng.standard_normal(s).astype(np.float32) for n, s in shapes.items()}
    w_ref = {n: a.copy() for n, a in w.items()}
    m = {n: np.zeros(s) for n, s in shapes.items()}
    v = {n: np.zeros(s) for n, s in shapes.items()}
    adam = optim.Adam(lr=0.01)
    for t in range(1, 4):
        grads = {"d" + n: rng.standard_normal(s).astype(np.float32) for n, s in shapes.items()}
        adam.step(w, grads)
        for n in shapes:
            g = grads["d" + n].astype(np.float64)
            m[n] = 0.9 * m[n] + (1 - 0.9) * g
            v[n] = 0.999 * v[n] + (1 - 0.999) * g * g
            step = 0.01 * (m[n] / (1 - 0.9 ** t)) / (np.sqrt(v[n] / (1 - 0.999 ** t)) + 1e-8)
            w_ref[n] -= step.astype(np.float32)
    for n in shapes:
        np.testing.assert_array_equal(w[n], w_ref[n], err_msg=n)
        np.testing.assert_array_equal(adam.m[n], m[n], err_msg=n)
        assert w[n].dtype == np.float32


def test_rmsprop_first_step_is_lr_sign_g_over_root_one_minus_rho():
    w = {n: np.zeros(2) for n in NAMES}
    optim.RMSprop(lr=0.01, rho=0.99).step(w, {"d" + n: np.array([2.0, -0.5]) for n in NAMES})
    np.testing.assert_allclose(w["W_hx"], [-0.1, 0.1], rtol=1e-6)     # lr · sign(g) / √(1 − ρ)


@pytest.mark.parametrize("make_optimizer", [optim.SGD, optim.RMSprop, optim.Adam])
def test_an_optimiser_pairs_each_weight_with_its_gradient_by_name(make_optimizer):
    # weights[name] moves against grads["d" + name] only: a gradient that is zero for every
    # weight but one leaves the others where they were, whatever the order of the dicts.
    w = {"W_hh": np.ones((2, 2)), "b_h": np.ones(2)}
    make_optimizer(lr=0.1).step(w, {"db_h": np.array([1.0, -1.0]), "dW_hh": np.zeros((2, 2))})
    np.testing.assert_array_equal(w["W_hh"], np.ones((2, 2)))
    assert w["b_h"][0] < 1 < w["b_h"][1]
    with pytest.raises(ValueError, match=r"grads must have the keys \['dW_hh', 'db_h'\], \"d\" "
                                         r"\+ each weight's name; got \['W_hh', 'b_h'\]"):
        make_optimizer().step(w, {"W_hh": np.zeros((2, 2)), "b_h": np.zeros(2)})
    with pytest.raises(ValueError, match=r"grads\['db_h'\] must have the shape of "
                                         r"weights\['b_h'\], \(2,\); got \(3,\)"):
        make_optimizer().step(w, {"dW_hh": np.zeros((2, 2)), "db_h": np.zeros(3)})


def test_decay_rates_may_be_zero_and_eps_tiny():
    """The ranges are [0, 1) and ε > 0: momentum 0 is plain gradient descent, beta1 0 Adam
    without its running mean of g."""
    w, g = {"b_h": np.ones(2)}, {"db_h": np.array([0.5, -2.0])}
    plain = optim.SGD(lr=0.1, momentum=0)
    plain.step(w, g)
    np.testing.assert_array_equal(w["b_h"], [1 - 0.05, 1 + 0.2])
    for opt in (optim.Adam(beta1=0, beta2=0, eps=1e-300), optim.RMSprop(rho=0, eps=1e-300)):
        w = {"b_h": np.ones(2)}
        opt.step(w, g)
        np.testing.assert_allclose(w["b_h"], 1 - opt.lr * np.sign(g["db_h"]), rtol=1e-12)
