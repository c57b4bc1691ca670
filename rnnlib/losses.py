r"""Losses on the outputs y_t, their gradients ∂y_t, and ``loss_and_grads``.

E = Σ_t E_t, summed over the time steps that carry a loss and over the examples of a batch;
these functions never average (divide by B yourself for a batch-mean loss); the trainer,
``rnnlib.train``, uses the batch mean.

- ``loss="squared_error"``: E_t = ½‖y_t − target_t‖², so ∂y_t = y_t − target_t.
- ``loss="cross_entropy"``: E_t = −log softmax(y_t)[c_t] for an integer class c_t, so
  ∂y_t = softmax(y_t) − onehot(c_t).
- ``loss_at="all"``: every y_1 ... y_T carries a loss; ``loss_at="last"``: only y_T does
  (many-to-one, as in the adding problem).

``targets`` keep the data layout of ``xs``: with ``loss_at="all"``, targets[k] is the target of
y_{k+1} (aligned with xs[k]):

==================  ===========================  =============================
loss_at             squared_error (float)        cross_entropy (int class ids)
==================  ===========================  =============================
"all"               (T, O) or (T, B, O)          (T,) or (T, B)
"last"              (O,) or (B, O)               () or (B,)
==================  ===========================  =============================
"""
import math

import numpy as np

from .bptt import Grads, backward_into
from .model import Trace, Workspace, check_inputs, forward_into
from .validate import as_float_array, check_finite, check_option, shape_str

LOSSES = ("squared_error", "cross_entropy")
LOSS_AT = ("all", "last")


def squared_error(y, target):
    """E = ½ Σ ‖y − target‖² and ∂y = y − target.

    y, target: (..., O) of one shape. Returns (E as a float, dy of y's shape).
    """
    y = as_float_array("y", y)
    target = as_float_array("target", target, y.dtype)
    if target.shape != y.shape:
        raise ValueError(f"target must have the shape of y, {shape_str(y.shape)}; "
                         f"got {shape_str(target.shape)}")
    diff = y - target
    return 0.5 * float(np.sum(diff * diff)), diff


def softmax(z):
    """softmax over the last axis, computed stably (shifted by the max). (..., O) -> (..., O)."""
    z = as_float_array("z", z)
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def cross_entropy(y, target):
    """E = −Σ log softmax(y)[target] and ∂y = softmax(y) − onehot(target).

    y: (..., O) logits; target: (...) integer class ids in [0, O).
    Returns (E as a float, dy of y's shape). Stable for large logits.
    """
    y = as_float_array("y", y)
    target = np.asarray(target)
    if target.dtype.kind not in "iu":
        raise TypeError(f"target must be integer class ids; got dtype {target.dtype}")
    if y.ndim == 0 or target.shape != y.shape[:-1]:
        raise ValueError(f"target must have shape y.shape[:-1] = {shape_str(y.shape[:-1])} "
                         f"(one class id per output vector); got {shape_str(target.shape)}")
    check_class_ids("target", target, y.shape[-1])
    shifted = y - y.max(axis=-1, keepdims=True)
    log_p = shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))
    log_p_target = np.take_along_axis(log_p, target[..., None], axis=-1)
    dy = np.exp(log_p)
    np.put_along_axis(dy, target[..., None], np.take_along_axis(dy, target[..., None], -1) - 1,
                      axis=-1)
    return 0.0 - float(np.sum(log_p_target)), dy        # 0.0 - : no "-0.0" for E = 0


def check_class_ids(name, ids, O):
    """Raise ValueError unless every id is in [0, O), naming the first that is not."""
    bad = (ids < 0) | (ids >= O)
    if bad.any():
        first = tuple(int(i) for i in np.argwhere(bad)[0]) if ids.ndim else ()
        raise ValueError(f"{name} must be class ids in [0, {O}) (O = {O} outputs); got "
                         f"{ids[first]} at index {first}")


def check_targets(targets, xs_shape, O, dtype, loss, loss_at):
    """Validate ``targets`` for inputs of shape ``xs_shape`` (T, [B,] D) and O outputs (shapes
    in the module docstring); return them as float arrays of ``dtype`` (squared error) or
    int64 class ids (cross entropy)."""
    check_option("loss", loss, LOSSES)
    check_option("loss_at", loss_at, LOSS_AT)
    batch = tuple(xs_shape[1:-1])
    lead = ((xs_shape[0],) if loss_at == "all" else ()) + batch
    if loss == "squared_error":
        targets = as_float_array("targets", targets, dtype)
        expected = (*lead, O)
    else:
        targets = np.asarray(targets)
        if targets.dtype.kind not in "iu":
            raise TypeError(f"targets must be integer class ids for loss='cross_entropy'; "
                            f"got dtype {targets.dtype}")
        expected = lead
    if targets.shape != expected:
        names = (["T"] if loss_at == "all" else []) + (["B"] if batch else []) \
            + (["O"] if loss == "squared_error" else [])
        layout = shape_str(names)
        raise ValueError(f"targets must have shape {layout} = {shape_str(expected)} for "
                         f"loss={loss!r}, loss_at={loss_at!r} and xs of shape "
                         f"{shape_str(xs_shape)}; got {shape_str(targets.shape)}")
    if loss == "squared_error":
        check_finite("targets", targets)
        return targets
    check_class_ids("targets", targets, O)
    return targets.astype(np.int64)


def loss_from_trace(trace, targets, *, loss="squared_error", loss_at="all"):
    """E and the upstream gradient dy for a forward trace.

    trace: from :func:`rnnlib.forward`; targets: see the module docstring.
    Returns (E as a float, dy of shape (T+1, [B,] O)) with dy[t] = ∂E/∂y_t, zero at t = 0
    and, for ``loss_at="last"``, everywhere but t = T.
    """
    if not isinstance(trace, Trace):
        raise TypeError(f"trace must be an rnnlib.Trace; got {type(trace).__name__}")
    targets = check_targets(targets, trace.xs.shape, trace.y.shape[-1], trace.y.dtype, loss,
                            loss_at)
    if not np.all(np.isfinite(trace.y)):
        raise overflow_error(trace.h)
    loss_fn = squared_error if loss == "squared_error" else cross_entropy
    dy = np.zeros_like(trace.y)
    if loss_at == "all":
        E, dy[1:] = loss_fn(trace.y[1:], targets)
    else:
        E, dy[-1] = loss_fn(trace.y[-1], targets)
    return E, dy


def overflow_error(h):
    """The error for a forward pass whose outputs overflowed; h: the states (T+1, [B,] H)."""
    return ValueError("the forward pass overflowed: the states or outputs hold inf or NaN "
                      f"(largest |h_t| {np.nanmax(np.abs(h)):.3g}); use smaller weights or inputs")


def loss_and_grads_into(W_hh, W_hx, b_h, W_yh, xs, h0, targets, ws, *, loss="squared_error",
                        loss_at="all", divide_by=1, histories=True):
    """Forward pass, loss, ∂y and BPTT on the arrays of Workspace ``ws``, unchecked: the one
    path behind :func:`loss_and_grads` and the trainer.

    Arrays as for :func:`rnnlib.model.forward_into`; targets: checked, in the layout of the
    module docstring. ``divide_by``: ∂y is divided by it (the trainer passes B, for the
    batch-mean loss). Returns (E, dy, grads): E the loss (not divided) as a float; dy
    (T+1, [B,] O) = ∂y_t with row 0 zero, or for ``loss_at="last"`` ([B,] O) = ∂y_T alone;
    grads the dict of :func:`rnnlib.bptt.backward_into` (with ``histories``, ∂x too, and
    ws.dh, ws.dh_hat hold ∂h_t, ∂ĥ_t). If the outputs overflowed, E is inf or NaN and grads is
    None: the backward pass is not run. With ``loss_at="last"`` only y_T is computed, and the
    backward loop skips the output path before T.
    """
    T = xs.shape[0]
    last = loss_at == "last"
    forward_into(W_hh, W_hx, b_h, W_yh, xs, h0, ws, outputs=not last)
    if last:
        y = np.dot(ws.h[T], W_yh.T)                   # y_T: ([B,] O)
        dy = np.empty_like(y)
        dy_rows = dy
    else:
        y = ws.y[1:]
        dy = np.zeros_like(ws.y)                       # row 0 stays zero: y_0 does not exist
        dy_rows = dy[1:]
    if loss == "squared_error":
        np.subtract(y, targets, out=dy_rows)           # ∂y_t = y_t − target_t
        E = 0.5 * float(np.vdot(dy_rows, dy_rows))
    else:
        with np.errstate(invalid="ignore", over="ignore"):   # overflow is reported below
            E, dy_rows[...] = cross_entropy(y, targets)
    if not math.isfinite(E):                           # inf or NaN in some y_t
        return E, dy, None
    if divide_by != 1:
        dy_rows /= divide_by
    np.greater(ws.h, 0, out=ws.for_backward(histories).gate)   # ReLU'(ĥ_t) = 1[h_t > 0]
    grads = backward_into(W_hh, W_hx, W_yh, xs, ws.h, dy, ws, last_only=last,
                          histories=histories)
    return E, dy, grads


def loss_and_grads(params, xs, targets, *, h0=None, loss="squared_error", loss_at="all",
                   histories=True):
    """Forward pass, loss and BPTT in one call.

    params: Params; xs: (T, [B,] D); targets: see the module docstring; h0: ([B,] H) or None.
    Returns (E as a float, :class:`rnnlib.Grads`). ``histories=False``: the Grads has dx, dh,
    dh_hat and dy set to None, for callers that need only the parameter gradients and ∂h_0.
    The same numbers, to rounding, as :func:`rnnlib.forward`, :func:`loss_from_trace` and
    :func:`rnnlib.backward`, by :func:`loss_and_grads_into` on the calling thread's reused
    :meth:`rnnlib.model.Workspace.recent` (the returned arrays are never overwritten by a later
    call); argument checks cost a fixed number of numpy calls, whatever T.
    """
    xs, h0 = check_inputs(params, xs, h0, copy=False)
    targets = check_targets(targets, xs.shape, params.n_output, params.dtype, loss, loss_at)
    T = xs.shape[0]
    ws = Workspace.recent(T, xs.shape[1:-1], params.n_input, params.n_hidden, params.n_output,
                          params.dtype)
    E, dy, g = loss_and_grads_into(params.W_hh, params.W_hx, params.b_h, params.W_yh, xs, h0,
                                   targets, ws, loss=loss, loss_at=loss_at,
                                   histories=histories)
    # E is inf or NaN if any y_t is; with loss_at="last" a state h_t can overflow while y_T
    # stays finite (a ReLU maps -inf to 0), and then h_t's column of ∂W_hh is not finite
    if g is None or (np.count_nonzero(np.isfinite(g["dW_hh"])) < g["dW_hh"].size
                     and not np.isfinite(ws.h).all()):
        raise overflow_error(ws.h)
    if not histories:
        return E, Grads(**g, dx=None, dh=None, dh_hat=None, dy=None)
    if loss_at == "last":              # the history has a row per step: ∂y_t = 0 for t < T
        dy_T, dy = dy, np.zeros((T + 1, *dy.shape), dy.dtype)
        dy[T] = dy_T
    dh, dh_hat = ws.hand_out_histories()
    dh_hat += 0.0                      # closed gates gave -0.0 for negative ∂h: print 0
    return E, Grads(**g, dh=dh, dh_hat=dh_hat, dy=dy)
