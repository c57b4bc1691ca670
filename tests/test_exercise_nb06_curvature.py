"""Notebook 06, exercise 2 (``numerical_db_h``): ∂b_h of the cross-entropy loss by central
differences. The model solution passes, a forward difference is rejected and named, no message
prints an expected value, and the claim the notebook makes of the two differences holds: the
forward difference's error shrinks like ε, the central one's like ε²."""
import re

import numpy as np
import pytest

import rnnlib
from rnnlib.exercises import EXERCISES, check

solutions = pytest.importorskip("rnnlib.solutions.nb06_checking_bptt",
                                reason="a hand-out copy has no solutions")

EX = EXERCISES["numerical_db_h"]
EPSILONS = (1e-2, 1e-3, 1e-4)


def forward_difference(params, xs, labels, eps):
    def E_of_bias(b):
        return rnnlib.loss_from_trace(rnnlib.forward(params.replace(b_h=b), xs), labels,
                                      loss="cross_entropy")[0]
    grad, b = np.zeros_like(params.b_h), params.b_h
    for i in range(b.size):
        nudge = np.zeros_like(b)
        nudge[i] = eps
        grad[i] = (E_of_bias(b + nudge) - E_of_bias(b)) / eps
    return grad


def test_the_model_solution_passes():
    assert check("numerical_db_h", solutions.numerical_db_h)


def test_a_forward_difference_is_rejected_and_named():
    result = check("numerical_db_h", forward_difference)
    assert result.status == "wrong"
    assert "forward difference" in result.message


def test_wrong_answers_never_see_an_expected_value():
    params, xs, labels, eps = EX.inputs(np.random.default_rng(0))
    expected = EX.reference(params, xs, labels, eps)
    for wrong in (forward_difference,
                  lambda p, x, l, e: solutions.numerical_db_h(p, x, l, e) + 0.01):
        message = check("numerical_db_h", wrong).message
        assert "expected" not in message
        for value in expected:
            assert f"{value:.3f}" not in message and f"{value:.2f}" not in message


def test_the_reference_is_the_librarys_central_difference_and_close_to_backward():
    params, xs, labels, eps = EX.inputs(np.random.default_rng(1))
    _, grads = rnnlib.loss_and_grads(params, xs, labels, loss="cross_entropy")
    assert np.allclose(EX.reference(params, xs, labels, eps), grads.db_h, rtol=1e-5, atol=1e-8)


@pytest.mark.parametrize("seed", [0, 1, 2, 3, 4, 5])
def test_forward_error_shrinks_like_eps_and_central_like_eps_squared(seed):
    """Per decade of ε: the forward difference's error falls about 10×, the central's 100×,
    on the entries of ∂b_h whose nudges cross no kink at any ε (as the notebook compares)."""
    params, xs, labels, _ = EX.inputs(np.random.default_rng(seed))
    _, grads = rnnlib.loss_and_grads(params, xs, labels, loss="cross_entropy")
    kinks = np.any([rnnlib.numerical_gradients(
        lambda tr: rnnlib.loss_from_trace(tr, labels, loss="cross_entropy")[0],
        params, xs, eps=eps)["db_h"][1] for eps in EPSILONS], axis=0)
    assert (~kinks).sum() >= 3
    central = [np.abs(solutions.numerical_db_h(params, xs, labels, e) - grads.db_h)[~kinks].max()
               for e in EPSILONS]
    forward = [np.abs(forward_difference(params, xs, labels, e) - grads.db_h)[~kinks].max()
               for e in EPSILONS]
    for k in range(len(EPSILONS) - 1):
        assert 7 < forward[k] / forward[k + 1] < 14
        assert 70 < central[k] / central[k + 1] < 140
        assert forward[k] > 100 * central[k]


def test_the_notebook_shows_the_errors_only_after_a_prediction():
    """The cell's errors per ε are the answer to its prediction: the stored notebook (nobody
    has predicted) shows none of them; the ratios it prints then are those tested above."""
    import json
    from pathlib import Path
    nb = Path(__file__).resolve().parents[1] / "notebooks" / "06_checking_bptt.ipynb"
    cells = json.loads(nb.read_text())["cells"]
    [cell] = [c for c in cells if c["cell_type"] == "code"
              and "forward_difference" in "".join(c["source"])]
    out = "".join("".join(o.get("text", "")) for o in cell["outputs"])
    assert "Write your prediction into my_factors first" in out
    assert "per decade" not in out and "largest error" not in out
