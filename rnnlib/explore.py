"""The numbers behind the two explorers: a random network for given settings, its forward
trace, the gradient flow back through it, and the summary printed above the pictures.

Settings (the explorers' controls): init ("gaussian", "identity", "orthogonal"), scale (the
recurrent scale of W_hh), bias (every entry of b_h), input_amplitude (the inputs x_t are that
times standard normal), T (sequence length), seed. The network has D = N_INPUT = 4 inputs,
H = n_hidden (default 32) hidden units and one output.

Settings so large that a pass overflows raise OverflowError with a message for people
(which step, which control to lower); rnnlib.plotting shows it in place of the picture.
"""
from typing import NamedTuple

import numpy as np

from . import analysis
from .bptt import Grads, backward, check_grads
from .gradcheck import random_upstream
from .losses import LOSS_AT
from .model import INITS, check_trace_of, forward, init_params
from .validate import check_option, check_positive_int, check_real, check_seed, shape_str

DEFAULTS = dict(init="gaussian", scale=1.0, bias=0.0, input_amplitude=1.0, T=50, seed=0)
N_INPUT, N_HIDDEN = 4, 32


def random_network(init="gaussian", scale=1.0, bias=0.0, seed=0, n_hidden=N_HIDDEN):
    """Random parameters for one setting: rnnlib.init_params(D = 4, H = n_hidden, O = 1,
    init, scale, seed), then b_h = bias in every unit.

    Returns Params with W_hh (H, H), W_hx (H, 4), b_h (H,), W_yh (1, H). Raises
    OverflowError when the scale is so large that the weights overflow.
    """
    check_option("init", init, INITS)
    scale, bias = check_real("scale", scale), check_real("bias", bias)
    seed, H = check_seed("seed", seed), check_positive_int("n_hidden", n_hidden)
    with np.errstate(all="ignore"):
        try:
            params = init_params(N_INPUT, H, 1, init=init, scale=scale, seed=seed)
        except ValueError as exc:   # the arguments are valid: only the weights' size is left
            raise OverflowError(str(exc)) from exc
    return params.replace(b_h=np.full(H, bias))


def random_inputs(T=50, input_amplitude=1.0, seed=0):
    """x_0 … x_{T−1}: input_amplitude × standard normal, from the stream [seed, 1] (apart from
    the weights' streams). Returns xs (T, 4)."""
    T, seed = check_positive_int("T", T), check_seed("seed", seed)
    amplitude = check_real("input_amplitude", input_amplitude)
    return amplitude * np.random.default_rng([seed, 1]).standard_normal((T, N_INPUT))


def simulate(init="gaussian", scale=1.0, bias=0.0, input_amplitude=1.0, T=50, seed=0,
             n_hidden=N_HIDDEN):
    """The random network of these settings and its forward pass over their random inputs,
    from h_0 = 0: ĥ_{t+1} = W_hh h_t + W_hx x_t + b_h, h_{t+1} = ReLU(ĥ_{t+1}).

    Returns (params, trace): Params as :func:`random_network`, and the Trace with h, h_hat,
    mask (T+1, H) and y (T+1, 1). Raises OverflowError, naming the first step whose state is
    not finite, when the state grows beyond the largest float.
    """
    params = random_network(init, scale, bias, seed, n_hidden)
    xs = random_inputs(T, input_amplitude, seed)
    with np.errstate(all="ignore"):
        trace = forward(params, xs)
    finite = np.all(np.isfinite(trace.h), axis=1)
    if not finite.all():
        raise OverflowError(
            f"The forward pass overflowed at step t = {int(np.argmin(finite))}: the state grew "
            f"beyond the largest float ({np.finfo(float).max:.1e}).\nLower the recurrent scale "
            f"(now {scale:g}) or the input amplitude (now {input_amplitude:g}).")
    return params, trace


class GradientFlow(NamedTuple):
    """What the gradient-flow explorer draws for one sequence.

    grads: rnnlib.Grads of the backward pass (dh: (T+1, H)); jacobian_norms: (T+1,), entry t
    is ‖W_hhᵀ D_{t+1} ⋯ W_hhᵀ D_T‖₂ (1 at t = T); sigma_max: σ_max(W_hh), the base of the
    bound σ_max^(T−t) on those norms."""
    grads: Grads
    jacobian_norms: np.ndarray
    sigma_max: float


def gradient_flow(params, trace, loss_at="all", seed=0):
    """Send a random upstream gradient back through one sequence.

    ∂y_t is standard normal (rnnlib.random_upstream with ``seed``) at every step t = 1..T, or
    only at t = T for loss_at="last". params: Params; trace: its Trace of one sequence
    (mask (T+1, H)). Returns a :class:`GradientFlow`. Raises OverflowError when ∂h or a
    Jacobian product grows beyond the largest float.
    """
    check_option("loss_at", loss_at, LOSS_AT)
    check_one_sequence(params, trace)
    dy = random_upstream(trace, seed=check_seed("seed", seed))
    if loss_at == "last":
        dy[:-1] = 0
    with np.errstate(all="ignore"):
        grads = backward(params, trace, dy)
        norms = analysis.spectral_norms(analysis.jacobian_products(params.W_hh, trace.mask))
    if not (np.all(np.isfinite(grads.dh)) and np.all(np.isfinite(norms))):
        raise OverflowError("The backward pass overflowed: the gradient grew beyond the "
                            "largest float.")
    return GradientFlow(grads, norms, analysis.largest_singular_value(params.W_hh))


def reaches_back(grads):
    """Whether any gradient reaches a state before h_T, from grads.dh (T+1, H): False when
    every gate on the way back is closed or W_hh is zero (then ∂h_0 … ∂h_{T−1} are exactly 0).
    T = 1 counts as True: there is no earlier state to reach."""
    check_grads(grads)
    return len(grads.dh) <= 2 or bool(np.any(grads.dh[:-1]))


class Summary(NamedTuple):
    """The four numbers printed above both explorers' pictures.

    spectral_radius: ρ(W_hh); sigma_max: σ_max(W_hh); units_on: the fraction of gates open
    over t = 1..T and every unit; dead_units: how many units are off at every step;
    n_hidden: H."""
    spectral_radius: float
    sigma_max: float
    units_on: float
    dead_units: int
    n_hidden: int


def check_one_sequence(params, trace):
    """Raise unless ``trace`` is the Trace of one sequence (not a batch) through ``params``, as
    the explorers draw; return it."""
    if check_trace_of(params, trace).batched:
        raise TypeError(f"trace must be an rnnlib.Trace of one sequence; got a batched Trace "
                        f"(h of shape {shape_str(trace.h.shape)}): pick one, e.g. "
                        f"rnnlib.forward(params, xs[:, 0])")
    return trace


def summary(params, trace):
    """The :class:`Summary` of a network (W_hh (H, H)) and its trace (mask (T+1, H))."""
    check_one_sequence(params, trace)
    active = trace.mask[1:]
    return Summary(analysis.spectral_radius(params.W_hh),
                   analysis.largest_singular_value(params.W_hh), float(active.mean()),
                   int((~active.any(axis=0)).sum()), active.shape[1])
