"""The forward pass, the parameters and their initialisation."""
import numpy as np
import pytest

import rnnlib
from conftest import make_problem, rel_err


def test_relu_grad_is_zero_at_exact_zero():
    z = np.array([-1.0, -0.0, 0.0, 1e-300, 2.0])
    assert rnnlib.relu_grad(z).tolist() == [0.0, 0.0, 0.0, 1.0, 1.0]
    assert rnnlib.relu(z).tolist() == [0.0, 0.0, 0.0, 1e-300, 2.0]
    assert rnnlib.relu_grad(z.astype(np.float32)).dtype == np.float32


def test_forward_by_hand_one_unit():
    # H = D = O = 1: W_hh = 0.5, W_hx = 1, b_h = -1, W_yh = 3, h_0 = 0, x = 2, 0, 3.
    # ĥ_1 = 0 + 2 - 1 = 1 -> h_1 = 1;  ĥ_2 = 0.5 + 0 - 1 = -0.5 -> h_2 = 0;
    # ĥ_3 = 0 + 3 - 1 = 2 -> h_3 = 2;  y_t = 3 h_t.
    p = rnnlib.Params([[0.5]], [[1.0]], [-1.0], [[3.0]])
    tr = rnnlib.forward(p, [[2.0], [0.0], [3.0]])
    assert tr.h_hat[:, 0].tolist() == [0.0, 1.0, -0.5, 2.0]
    assert tr.h[:, 0].tolist() == [0.0, 1.0, 0.0, 2.0]
    assert tr.mask[:, 0].tolist() == [False, True, False, True]
    assert tr.y[:, 0].tolist() == [0.0, 3.0, 0.0, 6.0]


@pytest.mark.parametrize("B", [None, 3])
def test_trace_shapes_and_empty_row_zero(B):
    p, xs, h0, _ = make_problem(T=6, B=B, D=3, H=4, O=2)
    tr = rnnlib.forward(p, xs, h0)
    batch = () if B is None else (B,)
    assert tr.h.shape == tr.h_hat.shape == tr.mask.shape == (7, *batch, 4)
    assert tr.y.shape == (7, *batch, 2)
    assert tr.mask.dtype == bool
    assert not tr.h_hat[0].any() and not tr.mask[0].any() and not tr.y[0].any()
    np.testing.assert_array_equal(tr.h[0], h0)
    np.testing.assert_array_equal(tr.xs, xs)
    assert tr.T == 6 and tr.batched == (B is not None)


def test_batched_forward_equals_stacked_unbatched():
    p, xs, h0, _ = make_problem(T=7, B=4)
    batched = rnnlib.forward(p, xs, h0)
    for b in range(4):
        single = rnnlib.forward(p, xs[:, b], h0[b])
        assert rel_err(batched.h[:, b], single.h) < 1e-14
        assert rel_err(batched.y[:, b], single.y) < 1e-14


def test_h0_defaults_to_zeros():
    p, xs, _, _ = make_problem(B=2, with_h0=False)
    a = rnnlib.forward(p, xs)
    b = rnnlib.forward(p, xs, np.zeros((2, p.n_hidden)))
    np.testing.assert_array_equal(a.h, b.h)


# --- init_params --------------------------------------------------------------------------

def test_init_shapes_dtype_and_zero_bias():
    p = rnnlib.init_params(3, 5, 2, seed=0, dtype=np.float32)
    assert p.W_hh.shape == (5, 5) and p.W_hx.shape == (5, 3)
    assert p.b_h.shape == (5,) and p.W_yh.shape == (2, 5)
    assert p.dtype == np.float32 and all(getattr(p, n).dtype == np.float32 for n in p.names)
    assert (p.n_input, p.n_hidden, p.n_output) == (3, 5, 2)
    assert not p.b_h.any()


@pytest.mark.parametrize("init", rnnlib.INITS)
def test_init_is_deterministic_per_seed(init):
    a = rnnlib.init_params(3, 6, 2, init=init, seed=7)
    b = rnnlib.init_params(3, 6, 2, init=init, seed=7)
    c = rnnlib.init_params(3, 6, 2, init=init, seed=8)
    for n in rnnlib.Params.names:
        np.testing.assert_array_equal(getattr(a, n), getattr(b, n))
    assert not np.array_equal(a.W_hx, c.W_hx)
    if init != "identity":
        assert not np.array_equal(a.W_hh, c.W_hh)


def test_init_choice_changes_only_W_hh():
    base = rnnlib.init_params(3, 6, 2, init="gaussian", seed=1)
    for init in ("identity", "orthogonal"):
        other = rnnlib.init_params(3, 6, 2, init=init, scale=0.5, seed=1)
        np.testing.assert_array_equal(other.W_hx, base.W_hx)
        np.testing.assert_array_equal(other.W_yh, base.W_yh)
        assert not np.array_equal(other.W_hh, base.W_hh)


def test_init_gaussian_variances():
    # Entry variance scale²/H, input_scale²/D and output_scale²/H, estimated from
    # 250,000 + 100,000 + 50,000 samples: the estimates' relative std is below 0.7 %.
    H, D, O = 500, 200, 100
    p = rnnlib.init_params(D, H, O, scale=2.0, input_scale=0.5, output_scale=3.0, seed=3)
    assert p.W_hh.var() == pytest.approx(4.0 / H, rel=0.03)
    assert p.W_hx.var() == pytest.approx(0.25 / D, rel=0.03)
    assert p.W_yh.var() == pytest.approx(9.0 / H, rel=0.03)
    assert abs(p.W_hh.mean()) < 0.01 * np.sqrt(4.0 / H)
    # spectral radius of N(0, g²/H) approaches g (circular law)
    assert max(abs(np.linalg.eigvals(p.W_hh))) == pytest.approx(2.0, rel=0.05)


def test_init_identity_and_orthogonal():
    p = rnnlib.init_params(2, 4, 1, init="identity", scale=0.9)
    np.testing.assert_array_equal(p.W_hh, 0.9 * np.eye(4))
    q = rnnlib.init_params(2, 30, 1, init="orthogonal", scale=1.5, seed=0)
    np.testing.assert_allclose(q.W_hh.T @ q.W_hh, 2.25 * np.eye(30), atol=1e-12)
    np.testing.assert_allclose(np.linalg.svd(q.W_hh, compute_uv=False), 1.5, rtol=1e-12)


def test_init_takes_an_int_a_numpy_int_a_generator_a_seed_sequence_or_none():
    # each seed gives the weights of np.random.default_rng(seed)
    a = rnnlib.init_params(2, 3, 1, seed=5)
    for seed in (np.int64(5), np.random.default_rng(5), np.random.SeedSequence(5)):
        b = rnnlib.init_params(2, 3, 1, seed=seed)
        for name in a.names:
            np.testing.assert_array_equal(getattr(a, name), getattr(b, name))
    fresh = rnnlib.init_params(2, 3, 1, seed=None), rnnlib.init_params(2, 3, 1, seed=None)
    assert not np.array_equal(fresh[0].W_hh, fresh[1].W_hh)   # fresh entropy each time


def test_astype_converts_between_float32_and_float64():
    p = rnnlib.init_params(2, 3, 1, seed=0)
    p32 = p.astype("float32")
    assert all(getattr(p32, n).dtype == np.float32 for n in p.names)
    np.testing.assert_array_equal(p32.astype(np.float64).W_hh, p.W_hh.astype(np.float32))


def test_params_convert_integers_and_lists():
    p = rnnlib.Params(np.eye(2, dtype=int), [[1], [2]], [0, 0], [[1, 1]])
    assert p.dtype == np.float64 and p.W_hx.dtype == np.float64
    p32 = rnnlib.Params(np.eye(2, dtype=np.float32), [[1.5], [2]], [0, 0], [[1, 1]])
    assert all(getattr(p32, n).dtype == np.float32 for n in p32.names)
    # plain lists of floats follow the model's dtype instead of counting as float64
    tr = rnnlib.forward(p32, [[0.5], [0.25]], h0=[0.0, 1.0])
    assert tr.h.dtype == np.float32


def test_params_is_an_immutable_value():
    W_hh = np.eye(2)
    p = rnnlib.Params(W_hh, np.ones((2, 1)), np.zeros(2), np.ones((1, 2)))
    W_hh[0, 0] = 5                                   # the caller's array is not shared
    assert p.W_hh[0, 0] == 1
    with pytest.raises(ValueError, match="read-only"):
        p.W_hh[0, 0] = 7
    with pytest.raises(AttributeError):
        p.b_h = np.ones(2)
    q = p.replace(b_h=[0.5, -0.5])
    assert q.b_h.tolist() == [0.5, -0.5] and p.b_h.tolist() == [0.0, 0.0]
    with pytest.raises(ValueError, match=r"b_h must have shape \(2,\)"):
        p.replace(b_h=np.zeros(3))


@pytest.mark.parametrize("forward", [rnnlib.forward, rnnlib.forward_literal])
def test_the_mask_is_relu_grad_of_the_pre_activations(forward):
    # W_hh = 0 and W_hx = 0: ĥ_t = b_h at every step, exact zeros included
    p = rnnlib.Params(np.zeros((4, 4)), np.zeros((4, 2)), [0.0, 1.0, -1.0, -0.0], np.ones((1, 4)))
    tr = forward(p, np.ones((3, 2)))
    expected = rnnlib.relu_grad(tr.h_hat) != 0
    expected[0] = False                              # ĥ_0 does not exist
    np.testing.assert_array_equal(tr.mask, expected)
    assert tr.mask.dtype == bool and tr.mask[1:].tolist() == [[False, True, False, False]] * 3


def test_relu_grad_writes_into_out_what_it_returns():
    z = np.array([[-1.0, 0.0], [3.0, -0.0]], np.float32)
    out = np.full(z.shape, 7.0, np.float32)
    returned = rnnlib.relu_grad(z, out=out)
    np.testing.assert_array_equal(out, [[0.0, 0.0], [1.0, 0.0]])
    np.testing.assert_array_equal(returned, rnnlib.relu_grad(z))
