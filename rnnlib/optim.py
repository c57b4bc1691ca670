"""Optimisers and gradient clipping, in plain numpy, on dicts of arrays.

One naming rule, that of :class:`rnnlib.Grads`: the gradient of the weight ``name`` is keyed
``"d" + name``. An optimiser's ``step(weights, grads)`` updates ``weights[name]`` with
``grads["d" + name]`` (so ``{"W_hh": ..., "b_h": ...}`` with ``{"dW_hh": ..., "db_h": ...}``)
and keeps its state per weight name. Its arithmetic is entry by entry, so the trainer may pass
all the weights as one flat vector. Clipping and the global norm take any dict of arrays and
keep its keys.

The trainer owns the weight arrays it updates (copies of the caller's Params), so an optimiser
step may update them in place without ever touching the caller's arrays. Clipping returns new
gradient dicts. Thresholds apply to whatever gradient is passed in; the trainer passes the
gradient of the batch-mean loss.
"""
from dataclasses import dataclass, field
from typing import ClassVar

import numpy as np

from .validate import check_positive, check_real, shape_str


def check_grad_dict(grads):
    """Raise TypeError unless ``grads`` is a dict of numpy arrays of real numbers (keyed as the
    caller likes); return it."""
    if not isinstance(grads, dict):
        raise TypeError(f"grads must be a dict of arrays, e.g. {{'dW_hh': ..., 'db_h': ...}}; "
                        f"got {type(grads).__name__}")
    for name, g in grads.items():
        if not isinstance(g, np.ndarray) or g.dtype.kind not in "biuf":
            got = f"dtype {g.dtype}" if isinstance(g, np.ndarray) else type(g).__name__
            raise TypeError(f"grads[{name!r}] must be a numpy array of real numbers; got {got}")
    return grads


def check_step_args(weights, grads):
    """Raise a clear error unless ``weights`` is a dict of writable float arrays and ``grads``
    has the key "d" + name for every weight and nothing else, each gradient of its weight's
    shape. Python comparisons only: no numpy call."""
    if not isinstance(weights, dict):
        raise TypeError(f"weights must be a dict of float arrays, e.g. {{'W_hh': ..., "
                        f"'b_h': ...}}; got {type(weights).__name__}")
    for name, w in weights.items():
        if not isinstance(w, np.ndarray) or w.dtype.kind != "f":
            got = f"dtype {w.dtype}" if isinstance(w, np.ndarray) else type(w).__name__
            raise TypeError(f"weights[{name!r}] must be a numpy array of floats, which step "
                            f"updates in place; got {got}")
        if not w.flags.writeable:
            raise ValueError(f"weights[{name!r}] is read-only (Params' arrays are): step updates "
                             f"the weights in place, so pass copies, e.g. np.array(params.{name})")
    check_grad_dict(grads)
    expected = ["d" + name for name in weights]
    if sorted(grads) != sorted(expected):
        raise ValueError(f"grads must have the keys {expected}, \"d\" + each weight's name; "
                         f"got {list(grads)}")
    for name, w in weights.items():
        if grads["d" + name].shape != w.shape:
            raise ValueError(f"grads['d{name}'] must have the shape of weights['{name}'], "
                             f"{shape_str(w.shape)}; got {shape_str(grads['d' + name].shape)}")


def global_norm(grads):
    """sqrt(Σ over every array of Σ entry²): the length of the whole gradient vector.
    grads: a dict of arrays of any shapes.
    Accumulated in float64: squares of float32 entries above ~1e19 would overflow."""
    check_grad_dict(grads)
    return float(np.sqrt(sum(float(np.add.reduce(np.square(g, dtype=np.float64), axis=None))
                             for g in grads.values())))       # np.sum, without its wrapper


def clip_global_norm(grads, max_norm, *, norm=None):
    """Scale the whole gradient down to length max_norm if it is longer; its direction is kept.

    grads: a dict of arrays of any shapes, keyed as the caller likes; max_norm > 0.
    norm: ``global_norm(grads)`` if the caller has it already (the trainer does), else None.
    Returns (clipped grads, a new dict with the same keys and shapes; the norm before
    clipping)."""
    check_grad_dict(grads)
    max_norm = check_positive("max_norm", max_norm)
    if norm is None:
        norm = global_norm(grads)
    elif check_real("norm", norm) < 0:
        raise ValueError(f"norm must be >= 0, the global norm of grads; got {norm!r}")
    scale = min(1.0, max_norm / norm) if norm > 0 else 1.0
    return {name: g * scale for name, g in grads.items()}, norm


def clip_by_value(grads, limit):
    """Clip every entry to [-limit, limit]: cheap, but it changes the gradient's direction.

    grads: a dict of arrays of any shapes, keyed as the caller likes; limit > 0. Returns a new
    dict with the same keys and shapes."""
    check_grad_dict(grads)
    limit = check_positive("limit", limit)
    return {name: np.clip(g, -limit, limit) for name, g in grads.items()}


def check_optimizer(optimizer):
    """Raise TypeError unless ``optimizer`` has a learning rate ``lr`` and a method
    ``step(weights, grads)``, as :class:`SGD`, :class:`RMSprop` and :class:`Adam`; return it."""
    if not hasattr(optimizer, "lr") or not callable(getattr(optimizer, "step", None)):
        raise TypeError(f"optimizer must have lr and step(weights, grads), like "
                        f"rnnlib.optim.Adam(); got {type(optimizer).__name__}")
    check_real("optimizer.lr", optimizer.lr)
    return optimizer


class Optimizer:
    """What every optimiser here checks when it is made: its learning rate, a number >= 0
    (0 keeps the weights as they are: a run that measures a network without changing it), the
    decay rates of its running means, each in [0, 1), and its ε, if it has one, > 0."""
    decay_rates: ClassVar[tuple] = ()

    def __post_init__(self):
        if check_real("lr", self.lr) < 0:
            raise ValueError(f"lr must be a number >= 0; got {self.lr!r}")
        for name in self.decay_rates:
            if not 0 <= check_real(name, getattr(self, name)) < 1:
                raise ValueError(f"{name} must be in [0, 1); got {getattr(self, name)!r}")
        if hasattr(self, "eps"):
            check_positive("eps", self.eps)


@dataclass
class SGD(Optimizer):
    """Gradient descent with (heavy-ball) momentum: v ← μ v + g,  w ← w − lr · v."""
    lr: float = 0.01
    momentum: float = 0.9
    velocity: dict = field(default_factory=dict)
    decay_rates: ClassVar[tuple] = ("momentum",)

    def step(self, weights, grads):
        """Update ``weights`` (the trainer's own arrays) in place, each with grads["d" + name]."""
        check_step_args(weights, grads)
        for name, w in weights.items():
            v = self.velocity.setdefault(name, np.zeros_like(w))
            v *= self.momentum
            v += grads["d" + name]
            w -= self.lr * v


@dataclass
class RMSprop(Optimizer):
    """RMSprop (Tieleman & Hinton 2012): w ← w − lr · g / (√v + ε), v a running mean of g².

    A per-parameter scaling like Adam's, with three differences: no momentum (the step uses g
    itself, not a running mean of it), a shorter memory for g² (rho = 0.99 against Adam's
    beta2 = 0.999), and no bias correction, so the first step is about lr / √(1 − rho) = 10 lr
    per parameter where Adam's is lr. Moments in float64, as in Adam."""
    lr: float = 1e-3
    rho: float = 0.99
    eps: float = 1e-8
    v: dict = field(default_factory=dict)
    decay_rates: ClassVar[tuple] = ("rho",)

    def step(self, weights, grads):
        """Update ``weights`` (the trainer's own arrays) in place, each with grads["d" + name]."""
        check_step_args(weights, grads)
        for name, w in weights.items():
            g = grads["d" + name].astype(np.float64)
            v = self.v.setdefault(name, np.zeros(g.shape))
            v *= self.rho
            v += (1 - self.rho) * g * g
            w -= (self.lr * g / (np.sqrt(v) + self.eps)).astype(w.dtype)


@dataclass
class Adam(Optimizer):
    """Adam (Kingma & Ba 2015): per-parameter steps lr · m̂ / (√v̂ + ε), with bias correction.

    The exact property is invariance to the gradient's scale: multiplying every gradient by
    c > 0 leaves the steps unchanged (while √v̂ ≫ ε). A step is usually at most about lr per
    parameter, lr · sign(g) on the first step (less a fraction ε/|g|). It can be larger: when a
    large gradient follows a long stretch of tiny ones, the first step is about
    lr · (1 − β1) / √(1 − β2) ≈ 3.2 lr, and if the gradient stays large the steps grow to
    about 6.5 lr some ten steps later; no step exceeds lr · (1 − β1) / √((1 − β2)(1 − β1²/β2))
    ≈ 7.3 lr (Cauchy-Schwarz on the two running means). It is much smaller when the gradient's
    sign is noisy, since m̂ then averages to near zero while √v̂ does not. ε sits outside the
    square root: √(v̂ + ε) would cut the step at |g| = 1e-5 about tenfold, exactly the
    vanishing-gradient regime. The moment estimates are kept in float64: in float32, g²
    overflows for |g| > 1.8e19, v becomes inf and every step silently becomes 0."""
    lr: float = 1e-3
    beta1: float = 0.9
    beta2: float = 0.999
    eps: float = 1e-8
    m: dict = field(default_factory=dict)
    v: dict = field(default_factory=dict)
    t: int = 0
    decay_rates: ClassVar[tuple] = ("beta1", "beta2")

    def step(self, weights, grads):
        """Update ``weights`` (the trainer's own arrays) in place, each with grads["d" + name]."""
        check_step_args(weights, grads)
        self.t += 1
        correction1, correction2 = 1 - self.beta1 ** self.t, 1 - self.beta2 ** self.t
        for name, w in weights.items():
            g = grads["d" + name].astype(np.float64)
            m = self.m.setdefault(name, np.zeros(g.shape))
            v = self.v.setdefault(name, np.zeros(g.shape))
            m *= self.beta1
            m += (1 - self.beta1) * g
            v *= self.beta2
            v += (1 - self.beta2) * g * g
            step = self.lr * (m / correction1) / (np.sqrt(v / correction2) + self.eps)
            w -= step.astype(w.dtype)
