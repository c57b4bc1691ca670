"""Training a ReLU RNN: a lean gradient path for minibatches, and the trainer loop.

The loss is the **batch mean** of E (squared error Σ_t ½‖y_t − target_t‖², or cross-entropy
Σ_t −log softmax(y_t)[c_t], over the steps that carry a loss), so the gradients here are those
of :func:`rnnlib.loss_and_grads` divided by the batch size B, and clipping thresholds refer to
them. Beside it the trainer records the measure that the loss's entry of
:data:`rnnlib.LOSSES` names: for squared error the MSE, the plain mean of (y − target)², and for
cross-entropy the mean loss per output y_t in nats (per character, for a language model).

With ``carry_state=True`` each batch starts from the last state h_T of the batch before, held as
a constant: truncated BPTT over a stream cut into chunks (meaning 2 in
:mod:`rnnlib.truncation`).

:func:`batch_gradients` runs the passes of :func:`rnnlib.loss_and_grads`
(:func:`rnnlib.fast.loss_and_grads`) without histories or input gradients, on arrays reused
from step to step. ``train`` keeps its weights in one flat vector θ (named views for the
passes), so that the optimiser step is a few numpy calls, not a few per array. A non-finite
loss or gradient stops training with :class:`TrainingDiverged`, which says what exploded and
what to try.
"""
import time
from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np

from . import fast
from .losses import LOSS_AT, LOSSES, check_targets, convert_targets, loss_and_grads
from .model import Params, check_inputs, check_params, relu_grad
from .optim import Adam, check_optimizer, clip_by_value, clip_global_norm, global_norm
from .validate import (FLOAT_DTYPES, as_generator, as_real_array, check_finite, check_function,
                       check_h0, check_option, check_positive, check_positive_int, check_real,
                       check_shapes, shape_str)

NAMES = Params.names                              # W_hh, W_hx, b_h, W_yh
GRAD_NAMES = tuple("d" + name for name in NAMES)  # dW_hh, dW_hx, db_h, dW_yh: Grads' names


class TrainingDiverged(FloatingPointError):
    """The loss or a gradient became inf or NaN during training. ``history`` holds what was
    logged up to that point."""

    def __init__(self, message, history=None):
        super().__init__(message)
        self.history = history


def check_batch(batch, must="make_batch must return"):
    """Raise TypeError unless ``batch`` (what make_batch returned, or the probe: ``must`` is
    then "probe must be") is a pair of numpy arrays (xs, targets); return the pair. Their
    shapes are :func:`batch_gradients`' to check."""
    if not isinstance(batch, (tuple, list)) or len(batch) != 2:
        raise TypeError(f"{must} a pair (xs, targets); got {type(batch).__name__}")
    for name, a in zip(("xs", "targets"), batch):
        if not isinstance(a, np.ndarray):
            raise TypeError(f"{must} a pair of numpy arrays (xs, targets); got {name} as "
                            f"{type(a).__name__}")
    return batch


def check_weights(weights):
    """Raise unless ``weights`` is a dict of the four numpy arrays W_hh (H, H), W_hx (H, D),
    b_h (H,), W_yh (O, H), of one float dtype (float32 or float64); return them in that order."""
    if not isinstance(weights, dict):
        raise TypeError(f"weights must be a dict of the arrays {', '.join(NAMES)}; "
                        f"got {type(weights).__name__}")
    if sorted(weights) != sorted(NAMES):
        raise ValueError(f"weights must have the keys {list(NAMES)}; got {list(weights)}")
    arrays = [weights[name] for name in NAMES]
    for name, a in zip(NAMES, arrays):
        if not isinstance(a, np.ndarray) or a.dtype not in FLOAT_DTYPES:
            got = f"dtype {a.dtype}" if isinstance(a, np.ndarray) else type(a).__name__
            raise TypeError(f"weights['{name}'] must be a numpy array of float32 or float64; "
                            f"got {got}")
    if len({a.dtype for a in arrays}) > 1:
        got = ", ".join(f"{name} {a.dtype}" for name, a in zip(NAMES, arrays))
        raise TypeError(f"weights must share one float dtype; got {got}")
    check_shapes("weights['W_hh']: H H, weights['W_hx']: H D, weights['b_h']: H, "
                 "weights['W_yh']: O H", *arrays)
    return arrays


def check_probe(probe, params, loss, loss_at):
    """Raise unless ``probe`` is a pair (xs, targets) of numpy arrays that
    :func:`rnnlib.loss_and_grads` takes with ``params``, ``loss`` and ``loss_at``: xs (T, [B,] D),
    finite, and targets to match; every message starts with "probe". Returns (xs, targets) as
    the probe runs them: xs in params' dtype, targets converted by
    :func:`rnnlib.losses.convert_targets`."""
    xs, targets = check_batch(probe, "probe must be")
    try:
        xs, _ = check_inputs(params, as_real_array("xs", xs).astype(params.dtype), None,
                             copy=False)
        targets = check_targets(convert_targets(targets, loss, params.dtype), xs.shape,
                                params.n_output, params.dtype, loss, loss_at)
    except (TypeError, ValueError) as exc:
        raise type(exc)(f"probe: {exc}") from None
    return xs, targets


class BatchGradients(NamedTuple):
    """What :func:`batch_gradients` returns (a tuple: ``loss, grads, measure, h_T = ...``)."""
    loss: float          # the batch-mean E
    grads: dict          # its gradients dW_hh, dW_hx, db_h, dW_yh; None if the outputs overflowed
    measure: float       # the one LOSSES[loss].measure names: the MSE, or nats per output y_t
    h_T: np.ndarray      # (B, H) the last state, a new array: the next chunk's h_0


def batch_gradients(weights, xs, targets, loss_at="last", *, loss="squared_error", h0=None):
    """Batch-mean loss, its gradients, a per-output measure and the last state, on one minibatch.

    weights: dict of numpy arrays W_hh (H, H), W_hx (H, D), b_h (H,), W_yh (O, H), one float
    dtype; xs: (T, B, D), finite, converted to the weights' dtype if it has another; targets:
    for squared error
    (B, O) for loss_at="last", (T, B, O) for "all" (converted like xs); for cross-entropy
    integer class ids, (B,) or (T, B). h0: (B, H), or None for zeros.
    Returns :class:`BatchGradients` (loss, grads, measure, h_T (B, H)): grads is the dict of the
    parameter gradients, keyed like :class:`rnnlib.Grads` (dW_hh, dW_hx, db_h, dW_yh); measure
    is the one the loss's entry of :data:`rnnlib.LOSSES` names: the MSE, the mean of
    (y − target)², for squared error, and the mean loss per output y_t, in nats, for
    cross-entropy. The arrays are new. If the outputs overflowed, loss is inf or NaN and grads
    is None.

    The passes of :func:`rnnlib.loss_and_grads` (:func:`rnnlib.fast.loss_and_grads`), with ∂y
    divided by B for the batch mean and no input gradients or histories.
    """
    check_option("loss", loss, LOSSES)
    W_hh, W_hx, b_h, W_yh = check_weights(weights)
    D = W_hx.shape[1]
    if getattr(xs, "ndim", None) != 3 or xs.shape[2] != D or 0 in xs.shape[:2]:
        raise ValueError(f"make_batch must return xs of shape (T, B, D) with T >= 1, B >= 1 "
                         f"and D = {D}; got {shape_str(np.shape(xs))}")
    # a batch in another float dtype (float64 data, float32 weights) is converted once, as the
    # workspace's passes write into arrays of the weights' dtype
    xs, B = np.asarray(as_real_array("xs", xs), W_hh.dtype), xs.shape[1]
    check_finite("xs", xs)             # NaN input is the data's fault, not an exploding gradient
    targets = check_targets(convert_targets(targets, loss, W_hh.dtype), xs.shape, W_yh.shape[0],
                            W_hh.dtype, loss, loss_at, who="make_batch must return")
    if h0 is not None:
        h0 = check_h0(h0, xs.shape, W_hh.shape[0], W_hh.dtype)
    E, g, h_T = fast.loss_and_grads(W_hh, W_hx, b_h, W_yh, xs, h0, targets,
                                    loss_into=LOSSES[loss].into, relu_grad=relu_grad,
                                    loss_at=loss_at, divide_by=B, histories=False)
    grads = None if g is None else {name: g[name] for name in GRAD_NAMES}
    measure = LOSSES[loss].measure_scale * E / targets.size
    return BatchGradients(E / B, grads, measure, h_T)


def _flat_weights(params):
    """The trainer's own copy of ``params`` as one flat vector θ, and a dict of named views
    into it: (θ (n,), {"W_hh": (H, H) view, "W_hx": (H, D), "b_h": (H,), "W_yh": (O, H)}).

    Why one vector: an optimiser step is then a few numpy calls on θ, not a few per array
    (about 0.1 ms less per training step at H = 64). The gradient's norm and clipping work per
    array: summed in another order, the norm would round differently, and training runs,
    chaotic, would then end hundreds of steps apart from the counts that notebook 08 quotes."""
    arrays = [getattr(params, name) for name in NAMES]
    theta = np.concatenate([a.ravel() for a in arrays])
    ends = np.cumsum([a.size for a in arrays])
    views = {name: part.reshape(a.shape)
             for name, a, part in zip(NAMES, arrays, np.split(theta, ends[:-1]))}
    return theta, views


@dataclass
class History:
    """What happened during training: one entry per logged step, plus ‖∂h_t‖ snapshots.

    ``loss`` is the batch-mean E, summed over the steps that carry a loss. ``measure`` is the
    per-output measure that the loss's entry of :data:`rnnlib.LOSSES` names, ``measure_name``:
    "mse" for squared error, the mean of (y − target)²; "nats" for cross-entropy, the
    batch-mean loss per output y_t (per character, for a language model),
    E / (B · number of outputs with a loss). ``mse`` and ``nats`` read it by its name: each is
    ``measure`` if that is the one recorded, else an empty list."""
    step: list = field(default_factory=list)
    loss: list = field(default_factory=list)        # batch-mean E
    measure_name: str | None = None                 # LOSSES[loss].measure, e.g. "mse"
    measure: list = field(default_factory=list)     # that measure, per logged step
    grad_norm: list = field(default_factory=list)   # global norm before clipping
    seconds: list = field(default_factory=list)     # wall time since the start
    dh_norms: dict = field(default_factory=dict)    # step -> (T+1,) ‖∂h_t‖ on the probe batch

    def measured(self, name):
        """The list of the measure ``name`` ("mse", "nats", ...): ``measure`` if that is the
        one recorded, else an empty list."""
        return self.measure if name == self.measure_name else []

    @property
    def mse(self):
        """Squared error's measure, the mean of (y − target)², per logged step ([] if another
        loss was trained)."""
        return self.measured("mse")

    @property
    def nats(self):
        """Cross-entropy's measure, the mean loss per output y_t in nats, per logged step ([] if
        another loss was trained)."""
        return self.measured("nats")


def _divergence_message(step, loss, grads, optimizer, clip_norm, clip_value):
    bad = [] if grads is None else [n for n in NAMES if not np.all(np.isfinite(grads["d" + n]))]
    what = (f"the loss is {loss:.3g}" if not np.isfinite(loss) else
            f"the gradient of {', '.join(bad)} is not finite (loss {loss:.3g})" if bad else
            f"the gradient norm is not finite (loss {loss:.3g})")
    advice = "clip the gradient (clip_norm=1.0)" if clip_norm is None and clip_value is None \
        else "lower the clipping threshold"
    return (f"training stopped at step {step}: {what}: the gradient exploded. Try to {advice}, "
            f"or a smaller learning rate (now {optimizer.lr:g}).")


def train(params, make_batch, *, steps, optimizer=None, clip_norm=None, clip_value=None,
          loss="squared_error", loss_at="last", carry_state=False, seed=0, log_every=1,
          probe=None, probe_every=None, stop_below=None, callback=None):
    """Train ``params`` on minibatches; returns (trained Params, History).

    make_batch(rng) -> (xs (T, B, D), targets): e.g. lambda rng: tasks.adding_problem(32, 100, rng).
    loss: "squared_error" (float targets (B, O) for loss_at="last", (T, B, O) for "all") or
    "cross_entropy" (integer class ids (B,) or (T, B)). History records the measure the loss's
    entry of :data:`rnnlib.LOSSES` names: the MSE or, for cross-entropy, the loss per output
    in nats (see :class:`History`).
    carry_state: True or False; if True, each batch starts from the last state h_T of the
    batch before, held as a constant (no gradient crosses a batch boundary), the first from
    zeros; make_batch then returns consecutive chunks of B parallel streams (a closure keeps the
    position), with the same B every time.
    optimizer: an object with ``lr`` and ``step(weights, grads)`` (default Adam(lr=1e-3)). It
    is given all weights as one flat vector θ, ``step({"θ": θ}, {"dθ": gradient})``, and updates
    θ in place; so its state is keyed "θ" (e.g. ``adam.m["θ"]``), and an optimiser that must
    tell the arrays apart (say, to decay only the W's) is not served by this trainer.
    clip_norm / clip_value: None, or clip the batch-mean gradient by global norm / by value
    (a number > 0).
    seed: an int >= 0 (the seed of the generator make_batch is given) or that generator.
    probe: an (xs, targets) batch whose ‖∂h_t‖ profile is recorded at step 0 and every
    ``probe_every`` steps, from h_0 = 0 (a probe of another size than the batches makes the
    next step allocate its arrays anew: see :meth:`rnnlib.fast.Workspace.recent`).
    stop_below: stop once the mean measure (the MSE, or nats) of the last 10 logged steps is
    below this value. callback: a function ``callback(step, history)`` called at every logged
    step, after the step is recorded (a progress bar, samples). Stops with TrainingDiverged if
    the loss or a gradient is not finite.
    The caller's params are never modified: the trainer works on its own copies.
    """
    check_params(params)
    check_function("make_batch", make_batch, "a function rng -> (xs, targets)")
    steps = check_positive_int("steps", steps)
    log_every = check_positive_int("log_every", log_every)
    check_option("loss", loss, LOSSES)
    check_option("loss_at", loss_at, LOSS_AT)
    optimizer = Adam() if optimizer is None else check_optimizer(optimizer)
    rng = as_generator("seed", seed)
    for name, threshold in (("clip_norm", clip_norm), ("clip_value", clip_value)):
        if threshold is not None:
            check_positive(name, threshold)
    if not isinstance(carry_state, (bool, np.bool_)):
        raise TypeError(f"carry_state must be True or False; got {carry_state!r}")
    if probe is not None:
        probe = check_probe(probe, params, loss, loss_at)
    if probe_every is not None:
        check_positive_int("probe_every", probe_every)
    if stop_below is not None:
        check_real("stop_below", stop_below)
    if callback is not None:
        check_function("callback", callback, "a function callback(step, history)")
    theta, weights = _flat_weights(params)        # weights: named views into θ
    history, start = History(measure_name=LOSSES[loss].measure), time.perf_counter()

    def record_probe(step):
        if probe is not None:
            _, g = loss_and_grads(Params(*(weights[n] for n in NAMES)), *probe, loss=loss,
                                  loss_at=loss_at)
            history.dh_norms[step] = np.linalg.norm(g.dh.reshape(g.dh.shape[0], -1), axis=1)

    record_probe(0)
    h = None                                     # the carried state; None: zeros
    for step in range(1, steps + 1):
        xs, targets = check_batch(make_batch(rng))
        if h is not None and np.shape(xs)[1:2] != h.shape[:1]:
            raise ValueError(f"with carry_state=True make_batch must return the same batch size "
                             f"B every time: the state carried is {shape_str(h.shape)}, but xs "
                             f"has shape {shape_str(np.shape(xs))}")
        with np.errstate(all="ignore"):
            E_mean, grads, measure, h_T = batch_gradients(weights, xs, targets, loss_at,
                                                          loss=loss, h0=h)
            norm = np.nan if grads is None else global_norm(grads)
        if not (np.isfinite(E_mean) and np.isfinite(norm)):
            raise TrainingDiverged(_divergence_message(step, E_mean, grads, optimizer, clip_norm,
                                                       clip_value), history)
        if carry_state:
            h = h_T
        if clip_value is not None:
            grads = clip_by_value(grads, clip_value)
        if clip_norm is not None:              # the norm is still that of grads, unless clipped
            grads, _ = clip_global_norm(grads, clip_norm,
                                        norm=None if clip_value is not None else norm)
        # the optimiser's arithmetic is entry by entry: one step on θ is the step of each array
        optimizer.step({"θ": theta},
                       {"dθ": np.concatenate([grads[n].ravel() for n in GRAD_NAMES])})
        if step % log_every == 0 or step == steps:
            history.step.append(step)
            history.loss.append(E_mean)
            history.measure.append(measure)
            history.grad_norm.append(norm)
            history.seconds.append(time.perf_counter() - start)
            if callback is not None:
                callback(step, history)
        if probe_every and step % probe_every == 0:
            record_probe(step)
        if stop_below is not None and len(history.measure) >= 10 and \
                np.mean(history.measure[-10:]) < stop_below:
            break
    return Params(*(weights[n] for n in NAMES)), history
