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
import numpy as np

from . import fast
from .bptt import Grads
from .model import Trace, check_inputs, forward
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


def loss_and_grads(params, xs, targets, *, h0=None, loss="squared_error", loss_at="all"):
    """Forward pass, loss and BPTT in one call.

    params: Params; xs: (T, [B,] D); targets: see the module docstring; h0: ([B,] H) or None.
    Returns (E as a float, :class:`rnnlib.Grads`), the same numbers, to rounding, as
    :func:`rnnlib.forward`, :func:`loss_from_trace` and :func:`rnnlib.backward`. Computed by
    :func:`rnnlib.fast.loss_and_grads`; the returned arrays are new: a later call never
    overwrites them. Argument checks cost a fixed number of numpy calls, whatever T.
    """
    xs, h0 = check_inputs(params, xs, h0, copy=False)
    targets = check_targets(targets, xs.shape, params.n_output, params.dtype, loss, loss_at)
    E, grads, _ = fast.loss_and_grads(params.W_hh, params.W_hx, params.b_h, params.W_yh, xs, h0,
                                      targets, loss_at=loss_at,
                                      loss_fn=cross_entropy if loss == "cross_entropy" else None)
    # E is inf or NaN if any y_t is; with loss_at="last" a state h_t can overflow while y_T
    # stays finite (a ReLU maps -inf to 0), and then h_t's column of ∂W_hh is not finite
    if grads is None or np.count_nonzero(np.isfinite(grads["dW_hh"])) < grads["dW_hh"].size:
        with np.errstate(all="ignore"):
            h = forward(params, xs, h0).h          # the states, for the message
        if grads is None or not np.isfinite(h).all():
            raise overflow_error(h)
    return E, Grads(**grads)
