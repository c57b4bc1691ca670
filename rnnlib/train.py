"""Training a ReLU RNN: a lean gradient path for minibatches, and the trainer loop.

The loss is the **batch mean** of E = Σ_t ½‖y_t − target_t‖² (over the steps that carry a loss),
so the gradients here are those of :func:`rnnlib.loss_and_grads` divided by the batch size B,
and clipping thresholds refer to them. The reported MSE is the plain mean of (y − target)².

:func:`batch_gradients` computes the same equations as :func:`rnnlib.backward` without argument
checks, histories or input gradients, on the trainer's own arrays: about twice as fast, and
tested against ``loss_and_grads``. A non-finite loss or gradient stops training with
:class:`TrainingDiverged`, which says what exploded and what to try.
"""
import time
from dataclasses import dataclass, field

import numpy as np

from .losses import LOSS_AT, loss_and_grads
from .model import Params
from .optim import NAMES, Adam, clip_by_value, clip_global_norm, global_norm
from .validate import check_option


class TrainingDiverged(FloatingPointError):
    """The loss or a gradient became inf or NaN during training. ``history`` holds what was
    logged up to that point."""

    def __init__(self, message, history=None):
        super().__init__(message)
        self.history = history


def batch_gradients(weights, xs, targets, loss_at="last"):
    """Batch-mean loss, its gradients and the MSE for squared error, on one minibatch.

    weights: dict W_hh (H, H), W_hx (H, D), b_h (H,), W_yh (O, H), one float dtype;
    xs: (T, B, D); targets: (B, O) for loss_at="last", (T, B, O) for "all"; h_0 = 0.
    Returns (loss, grads dict keyed like weights, mse). The gates are read from h > 0, the
    same mask as ĥ > 0 (notebook 03).
    """
    W_hh, W_hx, b_h, W_yh = (weights[n] for n in NAMES)
    T, B, D = xs.shape
    H, O = W_hh.shape[0], W_yh.shape[0]
    h = np.empty((T + 1, B, H), dtype=W_hh.dtype)
    h[0] = 0.0
    np.matmul(xs, W_hx.T, out=h[1:])              # row t+1 starts as W_hx x_t + b_h
    h[1:] += b_h
    recurrent, W_hh_T = np.empty((B, H), dtype=W_hh.dtype), W_hh.T
    for t in range(T):
        np.matmul(h[t], W_hh_T, out=recurrent)
        h[t + 1] += recurrent
        np.maximum(h[t + 1], 0, out=h[t + 1])

    gate = (h[1:] > 0).astype(W_hh.dtype)          # gate[t-1] = ReLU'(ĥ_t)
    dh_hat = np.empty((T, B, H), dtype=W_hh.dtype)  # dh_hat[t-1] = ∂ĥ_t
    if loss_at == "last":
        diff = h[T] @ W_yh.T - targets             # (B, O)
        dy = diff / B                              # gradient of the batch mean
        dh = dy @ W_yh                             # ∂h_T
        for t in range(T, 0, -1):
            np.multiply(dh, gate[t - 1], out=dh_hat[t - 1])
            if t > 1:
                np.matmul(dh_hat[t - 1], W_hh, out=dh)
        dW_yh = dy.T @ h[T]
    else:
        diff = h[1:] @ W_yh.T - targets            # (T, B, O)
        dy = diff / B
        output_path = dy @ W_yh                    # W_yhᵀ ∂y_t for every t
        dh = output_path[T - 1].copy()
        for t in range(T, 0, -1):
            np.multiply(dh, gate[t - 1], out=dh_hat[t - 1])
            if t > 1:
                np.matmul(dh_hat[t - 1], W_hh, out=dh)
                dh += output_path[t - 2]
        dW_yh = dy.reshape(-1, O).T @ h[1:].reshape(-1, H)
    flat = dh_hat.reshape(-1, H)
    grads = {"W_hh": flat.T @ h[:-1].reshape(-1, H), "W_hx": flat.T @ xs.reshape(-1, D),
             "b_h": flat.sum(axis=0), "W_yh": dW_yh}
    loss = 0.5 * float(np.sum(diff * diff)) / B
    return loss, grads, float(np.mean(diff * diff))


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
    bad = [name for name in NAMES if not np.all(np.isfinite(grads[name]))]
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
    optimizer: an object with ``lr`` and ``step(weights, grads)`` (default Adam(lr=1e-3)).
    clip_norm / clip_value: clip the batch-mean gradient by global norm / by value.
    probe: an (xs, targets) batch whose ‖∂h_t‖ profile is recorded at step 0 and every
    ``probe_every`` steps. stop_below: stop once the mean MSE of the last 10 logged steps is
    below this value. Stops with TrainingDiverged if the loss or a gradient is not finite.
    The caller's params are never modified: the trainer works on its own copies.
    """
    check_option("loss_at", loss_at, LOSS_AT)
    optimizer = Adam() if optimizer is None else optimizer
    weights = {name: np.array(getattr(params, name), copy=True) for name in NAMES}
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
            norm = global_norm(grads)
        if not (np.isfinite(loss) and np.isfinite(norm)):
            raise TrainingDiverged(_divergence_message(step, loss, grads, optimizer, clip_norm,
                                                       clip_value), history)
        if clip_value is not None:
            grads = clip_by_value(grads, clip_value)
        if clip_norm is not None:
            grads, _ = clip_global_norm(grads, clip_norm)
        optimizer.step(weights, grads)
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
