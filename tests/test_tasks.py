"""rnnlib.tasks: the adding problem and first-value recall hold what their descriptions say, and
the constant baselines have the variances of their targets."""
import numpy as np
import pytest

from rnnlib import tasks


def test_adding_problem_and_its_baseline():
    xs, targets = tasks.adding_problem(2000, 10, np.random.default_rng(0))
    assert xs.shape == (10, 2000, 2) and targets.shape == (2000, 1)
    markers = xs[..., 1]
    assert np.all(markers.sum(axis=0) == 2)
    assert np.all(markers[:5].sum(axis=0) == 1) and np.all(markers[5:].sum(axis=0) == 1)
    np.testing.assert_allclose(targets[:, 0], (xs[..., 0] * markers).sum(axis=0))
    _, many = tasks.adding_problem(200_000, 10, np.random.default_rng(1))
    assert tasks.constant_mse(many, 1.0) == pytest.approx(1 / 6, rel=0.01)   # Var(u1 + u2)
    _, recall = tasks.first_value_recall(200_000, 5, np.random.default_rng(2))
    assert tasks.constant_mse(recall, 0.5) == pytest.approx(1 / 12, rel=0.01)


def test_first_value_recall_targets_the_first_value():
    xs, targets = tasks.first_value_recall(50, 7, np.random.default_rng(0))
    np.testing.assert_array_equal(targets[:, 0], xs[0, :, 0])
    assert np.all(xs[0, :, 1] == 1) and not xs[1:, :, 1].any()
