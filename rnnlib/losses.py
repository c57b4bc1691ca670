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

:data:`LOSSES`, after the two losses, is the one table of them: what every function here, the
gradient checks and the trainer know about each.
"""
from typing import Callable, NamedTuple

import numpy as np

from . import fast
from .bptt import Grads
from .model import check_inputs, check_trace, relu_grad
from .validate import as_float_array, check_finite, check_option, shape_str

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


class Loss(NamedTuple):
    """What rnnlib knows about one loss: an entry of :data:`LOSSES`."""
    function: Callable     # (y, target) -> (E, ∂y), as squared_error and cross_entropy
    targets: str           # "values": floats of y's shape; "class ids": ints, y.shape[:-1]
    measure: str           # what the trainer records per step, a list of rnnlib.train.History
    measure_scale: float   # ... which is measure_scale · E / (the number of target entries)
    into: Callable         # the speed layer's (y, target, dy) -> E, writing ∂y into dy


LOSSES = {
    # E = ½ Σ (y − target)², so the mean of (y − target)², the MSE, is 2 E / entries
    "squared_error": Loss(squared_error, "values", "mse", 2.0, fast.squared_error_into),
    # E per output y_t, in nats (per character, for a language model)
    "cross_entropy": Loss(cross_entropy, "class ids", "nats", 1.0, fast.into(cross_entropy)),
}


def check_class_ids(name, ids, O):
    """Raise ValueError unless every id is in [0, O), naming the first that is not."""
    bad = (ids < 0) | (ids >= O)
    if bad.any():
        first = tuple(int(i) for i in np.argwhere(bad)[0]) if ids.ndim else ()
        raise ValueError(f"{name} must be class ids in [0, {O}) (O = {O} outputs); got "
                         f"{ids[first]} at index {first}")


def check_targets(targets, xs_shape, O, dtype, loss, loss_at, *, who=None):
    """Validate ``targets`` for inputs of shape ``xs_shape`` (T, [B,] D) and O outputs (shapes
    in the module docstring); return them as float arrays of ``dtype`` (a loss that takes
    values) or int64 class ids. ``who`` starts the message about a wrong shape (the trainer's
    is "make_batch must return"; by default "loss='...' takes")."""
    check_option("loss", loss, LOSSES)
    check_option("loss_at", loss_at, LOSS_AT)
    values = LOSSES[loss].targets == "values"
    batch = tuple(xs_shape[1:-1])
    lead = ((xs_shape[0],) if loss_at == "all" else ()) + batch
    targets = as_float_array("targets", targets, dtype) if values else np.asarray(targets)
    expected = (*lead, O) if values else lead
    if targets.shape != expected:
        names = (["T"] if loss_at == "all" else []) + (["B"] if batch else []) \
            + (["O"] if values else [])
        raise ValueError(f"{who or f'loss={loss!r} takes'} targets of shape {shape_str(names)} "
                         f"= {shape_str(expected)} for loss_at={loss_at!r} and xs of shape "
                         f"{shape_str(xs_shape)}; got {shape_str(targets.shape)}")
    if values:
        check_finite("targets", targets)
        return targets
    if targets.dtype.kind not in "iu":
        raise TypeError(f"targets must be integer class ids for loss={loss!r}; "
                        f"got dtype {targets.dtype}")
    check_class_ids("targets", targets, O)
    return targets.astype(np.int64)


def convert_targets(targets, loss, dtype):
    """``targets`` in ``dtype`` if ``loss`` takes values; class ids as they are. For callers
    that compute in a dtype of their own: the trainer (its weights') and the gradient checks
    (float64)."""
    if LOSSES[loss].targets == "values":
        return as_float_array("targets", targets).astype(dtype, copy=False)
    return np.asarray(targets)


def loss_from_trace(trace, targets, *, loss="squared_error", loss_at="all"):
    """E and the upstream gradient dy for a forward trace.

    trace: from :func:`rnnlib.forward`; targets: see the module docstring.
    Returns (E as a float, dy of shape (T+1, [B,] O)) with dy[t] = ∂E/∂y_t, zero at t = 0
    and, for ``loss_at="last"``, everywhere but t = T.
    """
    check_trace(trace)
    targets = check_targets(targets, trace.xs.shape, trace.y.shape[-1], trace.y.dtype, loss,
                            loss_at)
    if not np.all(np.isfinite(trace.y)):
        raise overflow_error(trace.h)
    loss_fn = LOSSES[loss].function
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


def loss_and_grads(params, xs, targets, *, h0=None, loss="squared_error", loss_at="all"):
    """Forward pass, loss and BPTT in one call.

    params: Params; xs: (T, [B,] D); targets: see the module docstring; h0: ([B,] H) or None.
    Returns (E as a float, :class:`rnnlib.Grads`), the same numbers, to rounding, as
    :func:`rnnlib.forward`, :func:`loss_from_trace` and :func:`rnnlib.backward`. Computed by
    :func:`rnnlib.fast.loss_and_grads`; the returned arrays are new: a later call never
    overwrites them. Raises :func:`overflow_error` if the forward pass overflowed.
    """
    xs, h0 = check_inputs(params, xs, h0, copy=False)
    targets = check_targets(targets, xs.shape, params.n_output, params.dtype, loss, loss_at)
    E, grads, _ = fast.loss_and_grads(params.W_hh, params.W_hx, params.b_h, params.W_yh, xs, h0,
                                      targets, loss_into=LOSSES[loss].into, loss_at=loss_at,
                                      relu_grad=relu_grad, overflow_error=overflow_error)
    return E, Grads(**grads)

