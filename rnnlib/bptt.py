r"""Backpropagation through time: the gradient equations of the notes, and two backward passes.

With ``∂v`` meaning ``∂E/∂v`` and the index convention of :mod:`rnnlib.model`, for t = T, ..., 1:

    ∂h_t      = W_yhᵀ ∂y_t + W_hhᵀ ∂ĥ_{t+1}          (two paths into h_t; ∂ĥ_{T+1} = 0)
    ∂ĥ_t      = ReLU'(ĥ_t) ⊙ ∂h_t                    (the ReLU gate; ReLU'(0) = 0)
    ∂W_hh    += ∂ĥ_t h_{t-1}ᵀ                        (+= : the weights are shared by every step)
    ∂W_hx    += ∂ĥ_t x_{t-1}ᵀ
    ∂b_h     += ∂ĥ_t
    ∂W_yh    += ∂y_t h_tᵀ
    ∂x_{t-1}  = W_hxᵀ ∂ĥ_t
and finally ∂h_0 = W_hhᵀ ∂ĥ_1 (h_0 has no output, so only the second path).

Erratum in the original notes: their ∂W_hh, ∂W_hx and ∂b_h lines read
``ReLU'(ĥ_{t+1}) · h_tᵀ`` (and ``· x_tᵀ``, ``ReLU'(ĥ_{t+1})``): they drop the upstream
factor ∂h_{t+1}. Their restatements "one step further back", ∂W_hh += ∂ĥ_t h_{t-1}ᵀ and
∂b_h += ∂ĥ_t, are right; those are the forms used here.

In a batch the loss is summed over the examples, so each parameter term is summed over the
batch axis too; ∂h_t, ∂ĥ_t and ∂x_t keep one row per example.

Arrays (shapes as in :mod:`rnnlib.model`): ``dy`` is (T+1, [B,] O) with dy[t] = ∂y_t and row 0
zero (y_0 does not exist); ``dh`` is (T+1, [B,] H) with dh[t] = ∂h_t, so dh[0] = ∂h_0;
``dh_hat`` is (T+1, [B,] H) with dh_hat[t] = ∂ĥ_t and row 0 zero; ``dx`` is (T, [B,] D),
aligned with ``xs``: dx[k] = ∂x_k.
"""
from dataclasses import dataclass

import numpy as np

from . import fast
from .model import check_params, check_trace, check_trace_of, matvec, relu_grad
from .validate import as_float_array, check_finite, check_function, check_shapes, shape_str


# --- one function per equation ------------------------------------------------------------

def outer(u, v):
    """The outer product u vᵀ, summed over the batch when u, v are batches of row vectors.

    u: (m,) or (B, m); v: (n,) or (B, n). Returns (m, n).
    """
    u, v = check_shapes("u: *M, v: *N", u, v)
    if u.ndim != v.ndim:
        raise ValueError(f"u and v must both be single vectors or both batches; got "
                         f"u {shape_str(u.shape)} and v {shape_str(v.shape)}")
    return np.outer(u, v) if u.ndim == 1 else u.T @ v


def hidden_grad(W_yh, W_hh, dy_t, dh_hat_next):
    """∂h_t = W_yhᵀ ∂y_t + W_hhᵀ ∂ĥ_{t+1}.

    W_yh: (O, H), W_hh: (H, H), dy_t: (O,) or (B, O), dh_hat_next = ∂ĥ_{t+1}: (H,) or (B, H).
    Returns ∂h_t: (H,) or (B, H). Pass zeros for dy_t at t = 0 and for dh_hat_next at t = T.
    """
    W_yh, W_hh, dy_t, dh_hat_next = check_shapes(
        "W_yh: O H, W_hh: H H, dy_t: *O, dh_hat_next: *H", W_yh, W_hh, dy_t, dh_hat_next)
    return matvec(W_yh.T, dy_t) + matvec(W_hh.T, dh_hat_next)


def relu_gate(h_hat_t, dh_t):
    """∂ĥ_t = ReLU'(ĥ_t) ⊙ ∂h_t: the gradient passes where the unit was active, else stops.

    h_hat_t, dh_t: (H,) or (B, H). Returns ∂ĥ_t of the same shape. ReLU' is
    :func:`rnnlib.relu_grad`.
    """
    h_hat_t, dh_t = check_shapes("h_hat_t: *H, dh_t: *H", h_hat_t, dh_t)
    if h_hat_t.shape != dh_t.shape:
        raise ValueError(f"h_hat_t and dh_t must have one shape; got {shape_str(h_hat_t.shape)} "
                         f"and {shape_str(dh_t.shape)}")
    gate = relu_grad(h_hat_t)
    # where, not the bare product: a closed gate gives exactly 0, never -0.0 or 0 · inf = NaN
    return np.where(gate != 0, gate * dh_t, 0.0)


def dW_yh_term(dy_t, h_t):
    """The step-t term of ∂W_yh: ∂y_t h_tᵀ.  dy_t: (O,) / (B, O), h_t: (H,) / (B, H) -> (O, H)."""
    return outer(dy_t, h_t)


def dW_hh_term(dh_hat_next, h_t):
    """The term of ∂W_hh from ĥ_{t+1}: ∂ĥ_{t+1} h_tᵀ.  (H,) / (B, H) each -> (H, H)."""
    return outer(dh_hat_next, h_t)


def dW_hx_term(dh_hat_next, x_t):
    """The term of ∂W_hx from ĥ_{t+1}: ∂ĥ_{t+1} x_tᵀ.  (H,) / (B, H) and (D,) / (B, D) -> (H, D)."""
    return outer(dh_hat_next, x_t)


def db_h_term(dh_hat_next):
    """The term of ∂b_h from ĥ_{t+1}: ∂ĥ_{t+1} (summed over a batch).  (H,) / (B, H) -> (H,)."""
    (dh_hat_next,) = check_shapes("dh_hat_next: *H", dh_hat_next)
    return dh_hat_next if dh_hat_next.ndim == 1 else dh_hat_next.sum(axis=0)


def input_grad(W_hx, dh_hat_next):
    """∂x_t = W_hxᵀ ∂ĥ_{t+1}.  W_hx: (H, D), dh_hat_next: (H,) / (B, H) -> (D,) / (B, D)."""
    W_hx, dh_hat_next = check_shapes("W_hx: H D, dh_hat_next: *H", W_hx, dh_hat_next)
    return matvec(W_hx.T, dh_hat_next)


# --- results ------------------------------------------------------------------------------

@dataclass
class Grads:
    """∂E with respect to everything: parameters, initial state, inputs, and the histories.

    dW_hh (H, H), dW_hx (H, D), db_h (H,), dW_yh (O, H): parameter gradients, summed over
    time and batch. dh0 ([B,] H) = ∂h_0 (equals dh[0]). dx (T, [B,] D): dx[k] = ∂x_k.
    dh (T+1, [B,] H): dh[t] = ∂h_t. dh_hat (T+1, [B,] H): dh_hat[t] = ∂ĥ_t, row 0 zero.
    dy (T+1, [B,] O): the upstream gradient ∂y_t the pass started from, row 0 zero.
    """
    dW_hh: np.ndarray
    dW_hx: np.ndarray
    db_h: np.ndarray
    dW_yh: np.ndarray
    dh0: np.ndarray
    dx: np.ndarray
    dh: np.ndarray
    dh_hat: np.ndarray
    dy: np.ndarray


def check_grads(grads):
    """Raise TypeError unless ``grads`` is an rnnlib.Grads; return it."""
    if not isinstance(grads, Grads):
        raise TypeError(f"grads must be an rnnlib.Grads (from rnnlib.backward); "
                        f"got {type(grads).__name__}")
    return grads


def check_backward_args(params, trace, dy):
    """Validate backward's arguments; return dy as an array of params' dtype.

    dy must have trace.y's shape (T+1, [B,] O), be finite, and have dy[0] = 0.
    """
    check_trace_of(params, trace)
    dy = as_float_array("dy", dy, params.dtype)
    if dy.shape != trace.y.shape:
        raise ValueError(
            f"dy must have the shape of trace.y, (T+1, [B,] O) = {shape_str(trace.y.shape)}, "
            f"with dy[t] = ∂E/∂y_t and row 0 zero; got {shape_str(dy.shape)}")
    check_finite("dy", dy)
    if np.any(dy[0] != 0):
        raise ValueError("dy[0] must be zero: y_0 does not exist (outputs are y_1 ... y_T); "
                         f"got max |dy[0]| = {np.abs(dy[0]).max():.3g}")
    return dy


def backward_step(params, trace, t, dy_t, dh_hat_next):
    """One step of BPTT, at step t (T >= t >= 1): the equations of the notes, one line each.

    params: Params; trace: from forward(params, ...); dy_t = ∂y_t: ([B,] O);
    dh_hat_next = ∂ĥ_{t+1}: ([B,] H), zero at t = T. Returns a dict, named as in :class:`Grads`:
    "dh" = ∂h_t and "dh_hat" = ∂ĥ_t ([B,] H), "dx" = ∂x_{t-1} ([B,] D), and the step-t terms
    of the parameter gradients, "dW_hh" (H, H), "dW_hx" (H, D), "db_h" (H,), "dW_yh" (O, H).
    """
    check_params(params)
    check_trace(trace)
    if isinstance(t, bool) or not isinstance(t, (int, np.integer)) or not 1 <= t <= trace.T:
        raise ValueError(f"t must be a time step 1 ... T = {trace.T}; got {t!r}")
    h, h_hat, xs = trace.h, trace.h_hat, trace.xs
    dh = hidden_grad(params.W_yh, params.W_hh, dy_t, dh_hat_next)   # two paths into h_t
    dh_hat = relu_gate(h_hat[t], dh)
    return {"dh": dh, "dh_hat": dh_hat,
            "dW_yh": dW_yh_term(dy_t, h[t]),
            "dW_hh": dW_hh_term(dh_hat, h[t - 1]),     # ĥ_t = W_hh h_{t-1} + W_hx x_{t-1} + b_h
            "dW_hx": dW_hx_term(dh_hat, xs[t - 1]),
            "db_h": db_h_term(dh_hat),
            "dx": input_grad(params.W_hx, dh_hat)}


def backward_with_step(params, trace, dy, step):
    """The time loop of BPTT around a one-step function: ``step`` at t = T, ..., 1, its
    parameter terms summed, then ∂h_0 = W_hhᵀ ∂ĥ_1.

    params, trace, dy: as for :func:`backward_literal`; step: a function
    (params, trace, t, dy_t, dh_hat_next) -> dict, like :func:`backward_step` (the bug zoo,
    :mod:`rnnlib.bugs`, passes variants of it). Returns :class:`Grads`.
    """
    dy = check_backward_args(params, trace, dy)
    check_function("step", step, "a function like rnnlib.bptt.backward_step")
    h, T = trace.h, trace.T
    sums = {name: np.zeros_like(getattr(params, name[1:]))
            for name in ("dW_hh", "dW_hx", "db_h", "dW_yh")}
    dh = np.zeros_like(h)
    dh_hat = np.zeros((T + 2, *h.shape[1:]), dtype=h.dtype)  # row T+1: ∂ĥ_{T+1} = 0
    dx = np.zeros_like(trace.xs)

    for t in range(T, 0, -1):
        terms = check_step_terms(step, t, step(params, trace, t, dy[t], dh_hat[t + 1]),
                                 params, trace)
        dh[t], dh_hat[t], dx[t - 1] = terms["dh"], terms["dh_hat"], terms["dx"]
        for name in sums:
            sums[name] += terms[name]                # += : the weights are shared by every step
    dh[0] = hidden_grad(params.W_yh, params.W_hh, np.zeros_like(dy[0]), dh_hat[1])  # no y_0

    return Grads(**sums, dh0=dh[0].copy(), dx=dx, dh=dh, dh_hat=dh_hat[:T + 1], dy=dy.copy())


def check_step_terms(step, t, terms, params, trace):
    """Raise unless what ``step`` returned at step t is a dict of the terms of
    :func:`backward_step`, each of its shape; return it."""
    h_row, x_row = trace.h.shape[1:], trace.xs.shape[1:]      # ([B,] H), ([B,] D)
    shapes = {"dh": h_row, "dh_hat": h_row, "dx": x_row,
              **{name: getattr(params, name[1:]).shape
                 for name in ("dW_hh", "dW_hx", "db_h", "dW_yh")}}
    name = getattr(step, "__name__", type(step).__name__)
    if not isinstance(terms, dict) or set(terms) != set(shapes):
        got = sorted(terms) if isinstance(terms, dict) else type(terms).__name__
        raise TypeError(f"the step function {name} must return a dict with the keys "
                        f"{sorted(shapes)}, like rnnlib.bptt.backward_step; got {got} at t = {t}")
    for key, shape in shapes.items():
        if np.shape(terms[key]) != shape:
            raise ValueError(f"the step function {name} returned {key!r} of shape "
                             f"{shape_str(np.shape(terms[key]))} at t = {t}; it must have shape "
                             f"{shape_str(shape)}")
    return terms


def backward_literal(params, trace, dy):
    """BPTT written exactly like the equations of the notes: :func:`backward_step` at
    t = T, ..., 1, in the loop of :func:`backward_with_step`.

    params: Params; trace: from forward(params, ...); dy: (T+1, [B,] O), dy[t] = ∂E/∂y_t,
    row 0 zero. Returns :class:`Grads`. This is the version the notebooks teach;
    :func:`backward` gives the same numbers faster.
    """
    return backward_with_step(params, trace, dy, backward_step)


def backward(params, trace, dy):
    """BPTT, fast: same arguments and result as :func:`backward_literal`.

    Computed by :func:`rnnlib.fast.backward`, whose gate is the trace's mask. The returned
    arrays are new: a later call never overwrites them.
    """
    dy = check_backward_args(params, trace, dy)
    grads = fast.backward(params.W_hh, params.W_hx, params.W_yh, trace.xs, trace.h, trace.mask,
                          dy)
    return Grads(**grads, dy=dy.copy())
