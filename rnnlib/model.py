r"""The ReLU RNN of the notes: parameters, initialisation and the forward pass.

In the notation of the original notes, for t = 0, ..., T-1:

    ĥ_{t+1} = W_hh h_t + W_hx x_t + b_h          (pre-activation, ``h_hat``)
    h_{t+1} = ReLU(ĥ_{t+1})
    y_t     = W_yh h_t                           for t = 1, ..., T

Index convention (the contract every module follows)
----------------------------------------------------
Inputs are ``x_0 ... x_{T-1}``; the initial state is ``h_0`` (zeros unless given); the states
are ``h_1 ... h_T``. Outputs, and so loss terms, exist only at ``t = 1 ... T``: ``h_0`` is
given, not computed, and produces no output. (Reading ``y_t`` for ``t = 0 ... T-1`` instead
would leave the last input ``x_{T-1}`` unable to reach any output: it only feeds ``h_T``.)

=============================  =========================================  ==========================
array                          shape (a batch adds B after the time axis)  meaning
=============================  =========================================  ==========================
``xs`` (input)                 ``(T, D)`` or ``(T, B, D)``                 ``xs[k] = x_k``
``h0`` (input)                 ``(H,)`` or ``(B, H)``; None = zeros        ``h_0``
``trace.h``                    ``(T+1, ..., H)``                           row t is ``h_t``
``trace.h_hat``, ``.mask``     ``(T+1, ..., H)``                           row t is ``ĥ_t``, t = 1..T
``trace.y``                    ``(T+1, ..., O)``                           row t is ``y_t``, t = 1..T
=============================  =========================================  ==========================

Math index = array index everywhere except the inputs ``xs`` (and ``targets`` in
:mod:`rnnlib.losses`), which keep the usual data layout. Rows that do not exist in the math
(``ĥ_0``, ``y_0``) are zero, and ``mask[0]`` is False.

Vectors are the last axis. A batch of vectors ``v`` of shape ``(B, n)`` is a stack of row
vectors, so the column-vector product ``W v`` of the notes is computed as ``v @ W.T``;
:func:`matvec` says so once.
"""
from dataclasses import dataclass, fields, replace
from typing import ClassVar

import numpy as np

from . import fast
from .validate import (as_float_array, as_generator, as_real_array, check_finite,
                       check_float_dtype, check_h0, check_option, check_positive_int,
                       check_real, check_shapes, shape_str)

INITS = ("gaussian", "identity", "orthogonal")


# --- the elementary equations -------------------------------------------------------------

def relu(z):
    """ReLU(z) = max(z, 0), element-wise. Any shape."""
    return np.maximum(as_real_array("z", z), 0)


def relu_grad(z, *, out=None):
    """ReLU'(z): 1 where z > 0, else 0, element-wise, in z's dtype. Any shape.

    The notes leave ReLU'(0) undefined. We use ReLU'(0) = 0, the gradient that ``torch.relu``
    and ``jax.nn.relu`` give at 0 (``jnp.maximum(z, 0)`` gives ½ there): a unit sitting
    exactly at zero passes no gradient.

    This is the one place that rule is written: the Trace's mask, the gate of the backward
    passes (:func:`rnnlib.relu_gate`, :func:`rnnlib.backward`, :func:`rnnlib.loss_and_grads`)
    and the trainer all take ReLU' from here. ``out``: a float array of z's shape to write
    ReLU'(z) into, for the speed layer (:mod:`rnnlib.fast`), which reuses its arrays.
    """
    z = as_real_array("z", z)
    gate = np.greater(z, 0, out=out)
    return gate if out is not None else gate.astype(z.dtype if z.dtype.kind == "f" else np.float64)


def matvec(W, v):
    """The product ``W v`` for a vector ``v`` of shape ``(n,)`` or a batch ``(B, n)``.

    W: (m, n). Returns (m,) or (B, m). A batch is a stack of row vectors, hence ``v @ W.T``.
    """
    W, v = check_shapes("W: M N, v: *N", W, v)
    return v @ W.T


def pre_activation(W_hh, W_hx, b_h, h_t, x_t):
    """ĥ_{t+1} = W_hh h_t + W_hx x_t + b_h.

    W_hh: (H, H), W_hx: (H, D), b_h: (H,), h_t: (H,) or (B, H), x_t: (D,) or (B, D).
    Returns ĥ_{t+1}: (H,) or (B, H).
    """
    W_hh, W_hx, b_h, h_t, x_t = check_shapes(
        "W_hh: H H, W_hx: H D, b_h: H, h_t: *H, x_t: *D", W_hh, W_hx, b_h, h_t, x_t)
    if (h_t.ndim == 2) != (x_t.ndim == 2):
        raise ValueError(f"h_t and x_t must both be single vectors or both batches; got "
                         f"h_t {shape_str(h_t.shape)} and x_t {shape_str(x_t.shape)}")
    return matvec(W_hh, h_t) + matvec(W_hx, x_t) + b_h


def output(W_yh, h_t):
    """y_t = W_yh h_t.  W_yh: (O, H), h_t: (H,) or (B, H). Returns (O,) or (B, O)."""
    W_yh, h_t = check_shapes("W_yh: O H, h_t: *H", W_yh, h_t)
    return matvec(W_yh, h_t)


# --- parameters ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Params:
    """The four weight arrays of the RNN, all of one float dtype (float32 or float64).

    W_hh: (H, H) recurrent weights, W_hx: (H, D) input weights, b_h: (H,) hidden bias,
    W_yh: (O, H) output weights. Integer arrays are converted to the float dtype of the
    others (float64 if all are integer); mixed float dtypes, inconsistent shapes and
    non-finite values are errors.

    Params is a value: it keeps read-only copies of the arrays it is given, so once checked it
    stays valid. For changed weights make new Params, e.g. ``params.replace(b_h=new_b_h)``.
    """
    W_hh: np.ndarray
    W_hx: np.ndarray
    b_h: np.ndarray
    W_yh: np.ndarray

    names: ClassVar[tuple] = ("W_hh", "W_hx", "b_h", "W_yh")

    def __post_init__(self):
        arrays = {f.name: getattr(self, f.name) for f in fields(self)}
        float_dtypes = {name: a.dtype for name, a in arrays.items()   # lists follow the others
                        if isinstance(a, (np.ndarray, np.generic)) and a.dtype.kind == "f"}
        if len(set(float_dtypes.values())) > 1:
            got = ", ".join(f"{name} {dt}" for name, dt in float_dtypes.items())
            raise TypeError(f"Params arrays must share one float dtype; got {got}")
        dtype = next(iter(float_dtypes.values()), np.dtype(np.float64))
        for name, a in arrays.items():
            a = np.array(as_float_array(name, a, dtype), copy=True)
            a.flags.writeable = False
            object.__setattr__(self, name, a)
        H = self.W_hh.shape[0] if self.W_hh.ndim == 2 else None
        if self.W_hh.ndim != 2 or self.W_hh.shape[0] != self.W_hh.shape[1]:
            raise ValueError(f"W_hh must have shape (H, H); got {shape_str(self.W_hh.shape)}")
        if self.W_hx.ndim != 2 or self.W_hx.shape[0] != H:
            raise ValueError(f"W_hx must have shape (H, D) with H = {H} (from W_hh); "
                             f"got {shape_str(self.W_hx.shape)}")
        if self.b_h.shape != (H,):
            raise ValueError(f"b_h must have shape ({H},) (H from W_hh); "
                             f"got {shape_str(self.b_h.shape)}")
        if self.W_yh.ndim != 2 or self.W_yh.shape[1] != H:
            raise ValueError(f"W_yh must have shape (O, H) with H = {H} (from W_hh); "
                             f"got {shape_str(self.W_yh.shape)}")
        for name in self.names:
            check_finite(name, getattr(self, name))
        if 0 in self.W_hx.shape or 0 in self.W_yh.shape:
            raise ValueError("Params need H, D and O of at least 1; got "
                             f"H = {H}, D = {self.W_hx.shape[1]}, O = {self.W_yh.shape[0]}")

    @property
    def n_hidden(self):
        """H."""
        return self.W_hh.shape[0]

    @property
    def n_input(self):
        """D."""
        return self.W_hx.shape[1]

    @property
    def n_output(self):
        """O."""
        return self.W_yh.shape[0]

    @property
    def dtype(self):
        """The one float dtype of all four arrays."""
        return self.W_hh.dtype

    def astype(self, dtype):
        """A copy with every array converted to ``dtype`` (float32 or float64)."""
        dtype = check_float_dtype("dtype", dtype)
        return Params(*(getattr(self, n).astype(dtype) for n in self.names))

    def replace(self, **arrays):
        """New Params with some arrays replaced (checked like any Params), e.g. b_h=..."""
        return replace(self, **arrays)


def check_params(params):
    """Raise TypeError unless ``params`` is an rnnlib.Params; return it."""
    if not isinstance(params, Params):
        raise TypeError(f"params must be an rnnlib.Params; got {type(params).__name__}")
    return params


def init_params(n_input, n_hidden, n_output, *, init="gaussian", scale=1.0,
                input_scale=1.0, output_scale=1.0, seed=None, dtype=np.float64):
    """Random parameters for an RNN with D = n_input, H = n_hidden, O = n_output.

    W_hh depends on ``init``:
      - "gaussian":   W_hh ~ N(0, scale²/H) entry-wise (spectral radius ≈ scale for large H);
      - "identity":   W_hh = scale · I (the IRNN of Le, Jaitly & Hinton 2015);
      - "orthogonal": W_hh = scale · Q, Q a random orthogonal matrix (every singular value = scale).
    Always W_hx ~ N(0, input_scale²/D), W_yh ~ N(0, output_scale²/H), b_h = 0.

    ``seed`` is a non-negative int, None (fresh entropy), a ``np.random.Generator`` or a
    ``np.random.SeedSequence``. W_hh, W_hx and W_yh are drawn from three independent child
    streams, so for one seed, changing ``init`` or ``scale`` leaves W_hx and W_yh unchanged:
    comparisons isolate the recurrent weights.

    Returns Params with W_hh (H, H), W_hx (H, D), b_h (H,), W_yh (O, H) in ``dtype``.
    """
    D = check_positive_int("n_input", n_input)
    H = check_positive_int("n_hidden", n_hidden)
    O = check_positive_int("n_output", n_output)
    check_option("init", init, INITS)
    scale = check_real("scale", scale)
    input_scale = check_real("input_scale", input_scale)
    output_scale = check_real("output_scale", output_scale)
    dtype = check_float_dtype("dtype", dtype)
    rng_hh, rng_hx, rng_yh = as_generator("seed", seed, any_seed=True).spawn(3)

    if init == "gaussian":
        W_hh = rng_hh.standard_normal((H, H)) * (scale / np.sqrt(H))
    elif init == "identity":
        W_hh = scale * np.eye(H)
    else:
        Q, R = np.linalg.qr(rng_hh.standard_normal((H, H)))
        Q *= np.where(np.diag(R) < 0, -1.0, 1.0)  # sign fix: Q is then Haar-distributed
        W_hh = scale * Q
    W_hx = rng_hx.standard_normal((H, D)) * (input_scale / np.sqrt(D))
    W_yh = rng_yh.standard_normal((O, H)) * (output_scale / np.sqrt(H))
    for name, W, value in (("scale", W_hh, scale), ("input_scale", W_hx, input_scale),
                           ("output_scale", W_yh, output_scale)):
        if not np.all(np.isfinite(W.astype(dtype))):
            raise ValueError(f"{name} = {value:g} is too large: the weights overflow {dtype}")
    return Params(W_hh, W_hx, np.zeros(H), W_yh).astype(dtype)


# --- the forward pass ---------------------------------------------------------------------

@dataclass
class Trace:
    """Everything the forward pass computed, kept for the backward pass.

    xs: (T, [B,] D) the inputs (a copy), h0: ([B,] H) the initial state,
    h: (T+1, [B,] H) with h[t] = h_t, h_hat: (T+1, [B,] H) with h_hat[t] = ĥ_t (row 0 zero),
    mask: (T+1, [B,] H) bool, mask[t] = 1[ĥ_t > 0] = ReLU'(ĥ_t) from :func:`relu_grad`, 0 or 1
    (row 0 False): the gate of the backward pass, ∂ĥ_t = mask[t] ⊙ ∂h_t,
    y: (T+1, [B,] O) with y[t] = y_t (row 0 zero).
    """
    xs: np.ndarray
    h0: np.ndarray
    h_hat: np.ndarray
    mask: np.ndarray
    h: np.ndarray
    y: np.ndarray

    @property
    def T(self):
        """Number of time steps."""
        return self.xs.shape[0]

    @property
    def batched(self):
        """True for (T, B, D) inputs."""
        return self.xs.ndim == 3

    @classmethod
    def of_pass(cls, xs, h0, h_hat, h, y):
        """The Trace of a forward pass, its mask ReLU'(ĥ_t) computed by :func:`relu_grad`."""
        return cls(xs=xs, h0=h0, h_hat=h_hat, mask=relu_grad(h_hat).astype(bool), h=h, y=y)


def check_trace(trace):
    """Raise TypeError unless ``trace`` is an rnnlib.Trace; return it."""
    if not isinstance(trace, Trace):
        raise TypeError(f"trace must be an rnnlib.Trace (from rnnlib.forward); "
                        f"got {type(trace).__name__}")
    return trace


def check_trace_of(params, trace):
    """Raise unless ``trace`` is an rnnlib.Trace of a forward pass with ``params``: the same H, D
    and O, and the same dtype (the sizes are compared, not the numbers); return it."""
    check_params(params)
    check_trace(trace)
    H, D, O = params.n_hidden, params.n_input, params.n_output
    if trace.h.shape[-1] != H or trace.xs.shape[-1] != D or trace.y.shape[-1] != O:
        raise ValueError(
            f"trace does not belong to these params: it has H = {trace.h.shape[-1]}, "
            f"D = {trace.xs.shape[-1]}, O = {trace.y.shape[-1]}; params have H = {H}, "
            f"D = {D}, O = {O}")
    if trace.h.dtype != params.dtype:
        raise TypeError(f"trace has dtype {trace.h.dtype} but the parameters are "
                        f"{params.dtype}; run forward with the same params")
    return trace


def check_inputs(params, xs, h0, *, copy=True):
    """Validate forward's arguments; return (xs, h0) converted to params' dtype.

    xs: (T, D) or (T, B, D) with T >= 1; h0: None, (H,) for unbatched xs, (B, H) for batched.
    They are copies, except xs with ``copy=False``: that is for the callers of :mod:`rnnlib.fast`,
    which keep no xs (xs is then the caller's array when it already has the right dtype: the
    fast passes only read it).
    """
    check_params(params)
    D, H = params.n_input, params.n_hidden
    xs = np.array(as_float_array("xs", xs, params.dtype), copy=copy or None)
    if xs.ndim not in (2, 3) or xs.shape[-1] != D or xs.shape[0] == 0:
        raise ValueError(f"xs must have shape (T, D) or (T, B, D) with T >= 1 and D = {D}; "
                         f"got {shape_str(xs.shape)}")
    if xs.ndim == 3 and xs.shape[1] == 0:
        raise ValueError(f"xs must have a batch size B >= 1; got {shape_str(xs.shape)}")
    check_finite("xs", xs)
    if h0 is None:
        return xs, np.zeros((*xs.shape[1:-1], H), dtype=params.dtype)
    return xs, np.array(check_h0(h0, xs.shape, H, params.dtype), copy=True)


def forward_literal(params, xs, h0=None):
    """The forward pass written one equation per line, exactly as in the notes.

    Same arguments and result as :func:`forward`, which is faster; this one is for reading.
    """
    xs, h0 = check_inputs(params, xs, h0)
    W_hh, W_hx, b_h, W_yh = params.W_hh, params.W_hx, params.b_h, params.W_yh
    T, batch = xs.shape[0], xs.shape[1:-1]
    h = np.zeros((T + 1, *batch, params.n_hidden), dtype=params.dtype)
    h_hat = np.zeros_like(h)
    y = np.zeros((T + 1, *batch, params.n_output), dtype=params.dtype)
    h[0] = h0
    for t in range(T):
        h_hat[t + 1] = pre_activation(W_hh, W_hx, b_h, h[t], xs[t])
        h[t + 1] = relu(h_hat[t + 1])
        y[t + 1] = output(W_yh, h[t + 1])
    return Trace.of_pass(xs, h0, h_hat, h, y)


def forward(params, xs, h0=None):
    """Run the RNN over a sequence (or a batch of sequences) and keep every intermediate.

    params: Params; xs: (T, D) or (T, B, D); h0: (H,) / (B, H) or None for zeros.
    Returns a :class:`Trace` (shapes in its docstring), whose arrays are new.
    The same numbers as :func:`forward_literal`, computed by :func:`rnnlib.fast.forward`.
    """
    xs, h0 = check_inputs(params, xs, h0)
    h_hat, h, y = fast.forward(params.W_hh, params.W_hx, params.b_h, params.W_yh, xs, h0)
    return Trace.of_pass(xs, h0, h_hat, h, y)
