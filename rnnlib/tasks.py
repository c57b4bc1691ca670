"""Tasks that need memory, as batch generators: each returns (xs, targets) for loss_at="last".

- The adding problem (Hochreiter & Schmidhuber 1997; Le, Jaitly & Hinton 2015): at every step
  two inputs, a value from U(0, 1) and a marker; exactly two steps are marked, one in each half
  of the sequence; the target is the sum of the two marked values.
- First-value recall: the first input is a value from U(0, 1) with a marker, the rest are noise
  values without; the target is the first value. The network must carry one number for T steps.

The baseline that ignores the inputs predicts a constant: 1 for the adding problem
(MSE = Var(u₁ + u₂) = 1/6), 0.5 for recall (MSE = 1/12). :func:`constant_mse` computes such
baselines from data.

``rng`` is a ``np.random.Generator`` (the trainer passes its own) or an int seed >= 0, which
gives the batch of ``np.random.default_rng(seed)``: the same batch at every call.
"""
import numpy as np

from .validate import (as_generator, as_real_array, check_finite, check_positive_int, check_real,
                       shape_str)


def adding_problem(batch, T, rng):
    """A batch of the adding problem. T >= 2.

    Returns xs: (T, batch, 2) with xs[k, b] = (value, marker) and targets: (batch, 1).
    """
    batch, T = check_positive_int("batch", batch), check_positive_int("T", T)
    if T < 2:
        raise ValueError(f"T must be at least 2 (one marker in each half); got {T}")
    rng = as_generator("rng", rng)
    values = rng.random((T, batch))
    markers = np.zeros((T, batch))
    first = rng.integers(0, T // 2, size=batch)
    second = rng.integers(T // 2, T, size=batch)
    columns = np.arange(batch)
    markers[first, columns] = 1.0
    markers[second, columns] = 1.0
    targets = values[first, columns] + values[second, columns]
    return np.stack([values, markers], axis=-1), targets[:, None]


def first_value_recall(batch, T, rng):
    """A batch of first-value recall. Returns xs: (T, batch, 2), targets: (batch, 1)."""
    batch, T = check_positive_int("batch", batch), check_positive_int("T", T)
    rng = as_generator("rng", rng)
    values = rng.random((T, batch))
    markers = np.zeros((T, batch))
    markers[0] = 1.0
    return np.stack([values, markers], axis=-1), values[0][:, None]


def constant_mse(targets, constant):
    """The mean squared error of always predicting ``constant``: mean((constant − target)²).

    targets: an array of any shape with at least one entry, finite; constant: a real number."""
    targets = as_real_array("targets", targets)
    if targets.size == 0:
        raise ValueError(f"targets must hold at least one value; got shape "
                         f"{shape_str(targets.shape)}")
    check_finite("targets", targets)
    constant = check_real("constant", constant)
    return float(np.mean((constant - targets.astype(float)) ** 2))
