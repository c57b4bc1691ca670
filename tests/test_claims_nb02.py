"""Notebook 02 on sums and means: the loss functions sum over time and batch, the trainer uses
the batch mean. Both halves are measured here (the README's sentence: tests/test_readme.py)."""
import re
from pathlib import Path

import nbformat
import numpy as np

import rnnlib
from rnnlib import tasks, train

ROOT = Path(__file__).resolve().parents[1]
NB = ROOT / "notebooks" / "02_loss_and_output_layer.ipynb"


def markdown():
    cells = nbformat.read(NB, as_version=4).cells
    return re.sub(r"\s+", " ", " ".join(c.source for c in cells if c.cell_type == "markdown"))


def test_loss_functions_sum_and_the_trainer_averages_over_the_batch():
    text = markdown()
    assert "`rnnlib` never averages" not in text and "it never averages" not in text
    assert ("the loss functions of `rnnlib` sum, they never average (divide by $B$ yourself for a "
            "batch mean); the trainer of notebook 08 averages over the batch") in text
    assert "the loss functions sum, the trainer averages over the batch" in text
    params = rnnlib.init_params(2, 8, 1, seed=0)
    xs, targets = tasks.adding_problem(4, 12, np.random.default_rng(1))     # B = 4
    E_sum, grads = rnnlib.loss_and_grads(params, xs, targets, loss_at="last")
    singles = [rnnlib.loss_and_grads(params, xs[:, b], targets[b], loss_at="last")[0]
               for b in range(4)]
    assert np.isclose(E_sum, sum(singles))                         # the loss function sums
    weights = {n: getattr(params, n) for n in ("W_hh", "W_hx", "b_h", "W_yh")}
    E_mean, mean_grads, _, _ = train.batch_gradients(weights, xs, targets, loss_at="last")
    assert np.isclose(E_mean, E_sum / 4)                           # the trainer averages
    assert np.allclose(mean_grads["W_hh"], grads.dW_hh / 4)
