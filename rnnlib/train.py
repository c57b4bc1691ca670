"""Training a ReLU RNN: a lean gradient path for minibatches, and the trainer loop.

The loss is the **batch mean** of E = Σ_t ½‖y_t − target_t‖² (over the steps that carry a loss),
so the gradients here are those of :func:`rnnlib.loss_and_grads` divided by the batch size B,
and clipping thresholds refer to them. The reported MSE is the plain mean of (y − target)².

:func:`batch_gradients` runs the passes of :func:`rnnlib.loss_and_grads`
(:func:`rnnlib.losses.loss_and_grads_into`) without histories or input gradients, on a
workspace reused from step to step. ``train`` keeps its weights in one flat vector θ (named
views for the passes), so that the optimiser step is a few numpy calls, not a few per array. A
non-finite loss or gradient stops training with :class:`TrainingDiverged`, which says what
exploded and what to try.
"""
import time
from dataclasses import dataclass, field

import numpy as np

from .losses import LOSS_AT, loss_and_grads, loss_and_grads_into
from .model import Params, Workspace
from .optim import NAMES, Adam, clip_by_value, clip_global_norm, global_norm
from .validate import check_option, shape_str


class TrainingDiverged(FloatingPointError):
    """The loss or a gradient became inf or NaN during training. ``history`` holds what was
    logged up to that point."""

    def __init__(self, message, history=None):
        super().__init__(message)
        self.history = history


def check_batch(weights, xs, targets, loss_at):
    """Raise a clear error unless xs is (T, B, D) and targets (B, O) for loss_at="last" or
    (T, B, O) for "all", with D and O of the weights. Python comparisons only: no numpy call."""
    D, O = weights["W_hx"].shape[1], weights["W_yh"].shape[0]
    if getattr(xs, "ndim", None) != 3 or xs.shape[2] != D:
        raise ValueError(f"make_batch must return xs of shape (T, B, D) with D = {D}; "
                         f"got {shape_str(np.shape(xs))}")
    T, B = xs.shape[:2]
    expected = (B, O) if loss_at == "last" else (T, B, O)
    if np.shape(targets) != expected:
        layout = "(B, O)" if loss_at == "last" else "(T, B, O)"
        raise ValueError(f"make_batch must return targets of shape {layout} = "
                         f"{shape_str(expected)} for loss_at={loss_at!r} and xs of shape "
                         f"{shape_str(xs.shape)}; got {shape_str(np.shape(targets))}")


def batch_gradients(weights, xs, targets, loss_at="last"):
    """Batch-mean loss, its gradients and the MSE for squared error, on one minibatch.

    weights: dict W_hh (H, H), W_hx (H, D), b_h (H,), W_yh (O, H), one float dtype;
    xs: (T, B, D) and targets: (B, O) for loss_at="last", (T, B, O) for "all", converted to the
    weights' dtype if they have another; h_0 = 0. Returns (loss, grads dict keyed like weights,
    mse); the gradient arrays are new. If the outputs overflowed, loss is inf or NaN and grads
    is None.

    The passes of :func:`rnnlib.loss_and_grads` (:func:`rnnlib.losses.loss_and_grads_into`,
    on the calling thread's reused :meth:`rnnlib.model.Workspace.recent`), with ∂y divided by B
    for the batch mean and no input gradients or histories.
    """
    check_batch(weights, xs, targets, loss_at)
    W_hh, W_hx, b_h, W_yh = (weights[n] for n in NAMES)
    # a batch in another float dtype (float64 data, float32 weights) is converted once, as the
    # workspace's passes write into arrays of the weights' dtype
    xs, targets = np.asarray(xs, W_hh.dtype), np.asarray(targets, W_hh.dtype)
    T, B, D = xs.shape
    ws = Workspace.recent(T, (B,), D, W_hh.shape[0], W_yh.shape[0], W_hh.dtype)
    E, _, g = loss_and_grads_into(W_hh, W_hx, b_h, W_yh, xs, ws.for_forward().zeros, targets,
                                  ws, loss_at=loss_at, divide_by=B, histories=False)
    grads = None if g is None else {name: g["d" + name] for name in NAMES}
    return E / B, grads, 2.0 * E / targets.size


def flat_weights(params):
    """The trainer's own copy of ``params`` as one flat vector θ, and a dict of named views
    into it: (θ (n,), {"W_hh": (H, H) view, "W_hx": (H, D), "b_h": (H,), "W_yh": (O, H)}).

    Why one vector: an optimiser step is then a few numpy calls on θ, not a few per array
    (about 0.1 ms less per training step at H = 64). The gradient's norm and clipping stay
    per array, as before: summed in another order, the norm rounds differently, and training
    runs, chaotic, then end hundreds of steps apart from the counts that notebook 08 quotes."""
    arrays = [getattr(params, name) for name in NAMES]
    theta = np.concatenate([a.ravel() for a in arrays])
    ends = np.cumsum([a.size for a in arrays])
    views = {name: part.reshape(a.shape)
             for name, a, part in zip(NAMES, arrays, np.split(theta, ends[:-1]))}
    return theta, views


@dataclass
class History:
    """What happened during training: one entry per logged step, plus ‖∂h_t‖ snapshots."""
    step: list = field(default_factory=list)
    loss: list = field(default_factory=list)        # batch-mean E
    mse: list = field(default_factory=list)         # mean of (y − target)²
    grad_norm: list = field(default_factory=list)   # global norm before clipping
    seconds: list = field(default_factory=list)     # wall time since the start
    dh_norms: dict = field(default_factory=dict)    # step -> (T+1,) ‖∂h_t‖ on the probe batch


def _divergence_message(step, loss, grads, optimizer, clip_norm, clip_value):
    bad = [] if grads is None else [n for n in NAMES if not np.all(np.isfinite(grads[n]))]
    what = (f"the loss is {loss:.3g}" if not np.isfinite(loss) else
            f"the gradient of {', '.join(bad)} is not finite (loss {loss:.3g})" if bad else
            f"the gradient norm is not finite (loss {loss:.3g})")
    advice = "clip the gradient (clip_norm=1.0)" if clip_norm is None and clip_value is None \
        else "lower the clipping threshold"
    return (f"training stopped at step {step}: {what}: the gradient exploded. Try to {advice}, "
            f"or a smaller learning rate (now {optimizer.lr:g}).")


def train(params, make_batch, *, steps, optimizer=None, clip_norm=None, clip_value=None,
          loss_at="last", seed=0, log_every=1, probe=None, probe_every=None, stop_below=None):
    """Train ``params`` on minibatches; returns (trained Params, History).

    make_batch(rng) -> (xs (T, B, D), targets): e.g. lambda rng: tasks.adding_problem(32, 100, rng).
    optimizer: an object with ``lr`` and ``step(weights, grads)`` (default Adam(lr=1e-3)). It
    is given all weights as one flat vector θ, ``step({"θ": θ}, {"θ": gradient})``, and updates
    θ in place; so its state is keyed "θ" (e.g. ``adam.m["θ"]``), and an optimiser that must
    tell the arrays apart (say, to decay only the W's) is not served by this trainer.
    clip_norm / clip_value: clip the batch-mean gradient by global norm / by value.
    probe: an (xs, targets) batch whose ‖∂h_t‖ profile is recorded at step 0 and every
    ``probe_every`` steps (a probe of another size than the batches makes the next step
    allocate its arrays anew: see :meth:`rnnlib.model.Workspace.recent`). stop_below: stop
    once the mean MSE of the last 10 logged steps is below this value. Stops with
    TrainingDiverged if the loss or a gradient is not finite.
    The caller's params are never modified: the trainer works on its own copies.
    """
    check_option("loss_at", loss_at, LOSS_AT)
    optimizer = Adam() if optimizer is None else optimizer
    theta, weights = flat_weights(params)        # weights: named views into θ
    rng, history, start = np.random.default_rng(seed), History(), time.perf_counter()

    def record_probe(step):
        if probe is not None:
            xs, targets = probe
            _, g = loss_and_grads(Params(*(weights[n] for n in NAMES)), xs.astype(params.dtype),
                                  targets.astype(params.dtype), loss_at=loss_at)
            history.dh_norms[step] = np.linalg.norm(g.dh.reshape(g.dh.shape[0], -1), axis=1)

    record_probe(0)
    for step in range(1, steps + 1):
        xs, targets = make_batch(rng)
        with np.errstate(all="ignore"):
            loss, grads, mse = batch_gradients(weights, xs.astype(params.dtype),
                                               targets.astype(params.dtype), loss_at)
            norm = np.nan if grads is None else global_norm(grads)
        if not (np.isfinite(loss) and np.isfinite(norm)):
            raise TrainingDiverged(_divergence_message(step, loss, grads, optimizer, clip_norm,
                                                       clip_value), history)
        if clip_value is not None:
            grads = clip_by_value(grads, clip_value)
        if clip_norm is not None:              # the norm is still that of grads, unless clipped
            grads, _ = clip_global_norm(grads, clip_norm,
                                        norm=None if clip_value is not None else norm)
        # the optimiser's arithmetic is entry by entry: one step on θ is the step of each array
        optimizer.step({"θ": theta}, {"θ": np.concatenate([grads[n].ravel() for n in NAMES])})
        if step % log_every == 0 or step == steps:
            history.step.append(step)
            history.loss.append(loss)
            history.mse.append(mse)
            history.grad_norm.append(norm)
            history.seconds.append(time.perf_counter() - start)
        if probe_every and step % probe_every == 0:
            record_probe(step)
        if stop_below is not None and len(history.mse) >= 10 and \
                np.mean(history.mse[-10:]) < stop_below:
            break
    return Params(*(weights[n] for n in NAMES)), history
