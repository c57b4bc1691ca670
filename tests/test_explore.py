"""rnnlib.explore, the explorers' numbers: the random network of a setting, its trace, the
gradient flow (checked against a literal recursion and explicit matrix products written
here), the summary (against numpy), overflow, and arguments named when they are wrong."""
import numpy as np
import pytest

import rnnlib
from rnnlib import explore

# Gaussian W_hh is far from normal: σ_max(W_hh) > ρ(W_hh), so a bound from the wrong one shows.
SETTINGS = {"defaults": {}, "T = 12, bias 0.5, seed 3": dict(T=12, bias=0.5, seed=3, scale=0.8),
            "identity": dict(init="identity", scale=1.1, bias=0.2)}


def simulate(**settings):
    return explore.simulate(**{**explore.DEFAULTS, **settings})


def test_a_setting_is_a_network_of_its_size_with_its_bias_and_inputs():
    params, trace = simulate(T=7, bias=-0.3, input_amplitude=2.0, seed=5)
    assert params.W_hh.shape == (32, 32) and params.W_hx.shape == (32, explore.N_INPUT)
    assert params.W_yh.shape == (1, 32) and np.all(params.b_h == -0.3)
    assert trace.h.shape == (8, 32) and trace.y.shape == (8, 1)
    np.testing.assert_array_equal(trace.xs, explore.random_inputs(7, 2.0, 5))
    np.testing.assert_array_equal(trace.xs, 2.0 * explore.random_inputs(7, 1.0, 5))
    np.testing.assert_array_equal(trace.h[0], 0)
    assert explore.simulate(n_hidden=5)[0].W_hh.shape == (5, 5)


def test_the_same_seed_gives_the_same_network_and_init_changes_only_W_hh():
    a, _ = simulate(seed=2)
    b, _ = simulate(seed=2, init="orthogonal")
    np.testing.assert_array_equal(a.W_hx, b.W_hx)
    np.testing.assert_array_equal(a.W_yh, b.W_yh)
    assert not np.array_equal(a.W_hh, b.W_hh)
    np.testing.assert_array_equal(a.W_hh, simulate(seed=2)[0].W_hh)


def literal_dh(params, trace, dy):
    """∂h_t = W_yhᵀ ∂y_t + W_hhᵀ (1[ĥ_{t+1} > 0] ⊙ ∂h_{t+1}), from t = T down to 0."""
    T = trace.T
    dh = np.zeros_like(trace.h)
    dh[T] = params.W_yh.T @ dy[T]
    for t in range(T - 1, -1, -1):
        dh[t] = params.W_yh.T @ dy[t] + params.W_hh.T @ (trace.mask[t + 1] * dh[t + 1])
    return dh


def product_norms(W_hh, mask):
    """‖W_hhᵀ D_{t+1} ⋯ W_hhᵀ D_T‖₂ for t = 0..T, each product multiplied out."""
    T = len(mask) - 1
    norms = []
    for t in range(T + 1):
        P = np.eye(len(W_hh))
        for s in range(t + 1, T + 1):
            P = P @ W_hh.T @ np.diag(mask[s].astype(float))
        norms.append(np.linalg.norm(P, 2))
    return np.array(norms)


@pytest.mark.parametrize("loss_at", ["all", "last"])
@pytest.mark.parametrize("settings", SETTINGS.values(), ids=SETTINGS.keys())
def test_gradient_flow_sends_a_random_gradient_back_and_bounds_it(settings, loss_at):
    params, trace = simulate(**settings)
    grads, norms, sigma = explore.gradient_flow(params, trace, loss_at, seed=4)
    dy = rnnlib.random_upstream(trace, seed=4)
    if loss_at == "last":
        dy[:-1] = 0
    np.testing.assert_array_equal(grads.dy, dy)
    np.testing.assert_allclose(grads.dh, literal_dh(params, trace, dy), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(norms, product_norms(params.W_hh, trace.mask), rtol=1e-9)
    assert sigma == pytest.approx(np.linalg.svd(params.W_hh, compute_uv=False)[0], rel=1e-12)
    steps_back = trace.T - np.arange(trace.T + 1)
    assert np.all(norms <= sigma ** steps_back * (1 + 1e-9))


@pytest.mark.parametrize("settings", [dict(init="identity", scale=6.0, T=200, bias=1.0),
                                      dict(scale=0.1, T=200)])
def test_jacobian_norms_stay_exact_at_extreme_sizes(settings):
    """Norms near 1e155 and near 1e-238: neither overflow nor underflow to 0."""
    params, trace = simulate(**settings)
    norms = explore.gradient_flow(params, trace).jacobian_norms
    assert np.all(np.isfinite(norms)) and np.all(norms > 0)
    assert norms.max() > 1e100 or norms.min() < 1e-100


@pytest.mark.parametrize("settings", SETTINGS.values(), ids=SETTINGS.keys())
def test_the_summary_is_numpys(settings):
    params, trace = simulate(**settings)
    summary = explore.summary(params, trace)
    active = trace.mask[1:]
    assert summary.spectral_radius == pytest.approx(
        np.abs(np.linalg.eigvals(params.W_hh)).max(), rel=1e-12)
    assert summary.sigma_max == pytest.approx(np.linalg.norm(params.W_hh, 2), rel=1e-12)
    if settings.get("init", "gaussian") == "gaussian":
        assert summary.sigma_max > 1.2 * summary.spectral_radius
    assert summary.units_on == active.mean()
    assert summary.dead_units == sum(not active[:, i].any() for i in range(32))
    assert summary.n_hidden == 32


def test_a_bias_that_closes_every_gate_leaves_no_gradient_to_reach_back():
    params, trace = simulate(bias=-5.0)
    assert explore.summary(params, trace).dead_units == 32
    flow = explore.gradient_flow(params, trace, "last")
    assert not explore.reaches_back(flow.grads)
    assert explore.reaches_back(explore.gradient_flow(*simulate(), "last").grads)
    assert explore.reaches_back(explore.gradient_flow(*simulate(T=1, bias=-5.0)).grads)


def test_an_overflow_names_the_step_and_the_controls():
    with pytest.raises(OverflowError, match=r"(?s)overflowed at step t = \d+.*recurrent scale "
                                            r"\(now 1e\+200\).*input amplitude \(now 1\)"):
        simulate(scale=1e200)
    with pytest.raises(OverflowError, match=r"scale = 1.7e\+308 is too large"):
        explore.simulate(scale=1.7e308, n_hidden=2, seed=2)    # a W_hh entry overflows


@pytest.mark.parametrize("call, error, message", [
    (lambda: simulate(init="uniform"), ValueError, "init must be one of .*got 'uniform'"),
    (lambda: simulate(T=0), ValueError, "T must be a positive integer; got 0"),
    (lambda: simulate(T=2.5), ValueError, "T must be a positive integer; got 2.5"),
    (lambda: simulate(seed=-1), ValueError, "seed must be a non-negative integer; got -1"),
    (lambda: simulate(scale="big"), TypeError, "scale must be a real number; got str"),
    (lambda: simulate(bias=np.nan), ValueError, "bias must be finite; got nan"),
    (lambda: simulate(input_amplitude=None), TypeError, "input_amplitude must be a real"),
    (lambda: explore.simulate(n_hidden=0), ValueError, "n_hidden must be a positive integer"),
    (lambda: explore.gradient_flow(*simulate(), loss_at="first"), ValueError,
     "loss_at must be one of 'all', 'last'; got 'first'"),
    (lambda: explore.gradient_flow(simulate()[1], simulate()[1]), TypeError,
     "params must be an rnnlib.Params; got Trace"),
    (lambda: explore.summary(simulate()[0], None), TypeError,
     r"trace must be an rnnlib.Trace \(from rnnlib.forward\); got NoneType"),
    (lambda: explore.reaches_back(None), TypeError, "grads must be an rnnlib.Grads"),
])
def test_bad_arguments_are_named(call, error, message):
    with pytest.raises(error, match=message):
        call()
