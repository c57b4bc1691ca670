"""The self-checking exercises: solutions pass, typical mistakes are named, nothing raises."""
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import rnnlib
import rnnlib.analysis
from rnnlib import exercises
from conftest import make_problem

REPO = Path(__file__).resolve().parents[1]
NAMES = list(exercises.EXERCISES)


@pytest.fixture
def solutions():
    """The model solutions; a test that needs them skips, with this reason, in a hand-out copy
    (which has none): the other tests of this file still run there."""
    return pytest.importorskip("rnnlib.solutions", reason="a hand-out copy has no solutions")


@pytest.mark.parametrize("name", NAMES)
def test_model_solution_passes_its_checker(name, solutions):
    result = exercises.check(name, solutions.solution(name))
    assert result.status == "correct" and bool(result), result.message


@pytest.mark.parametrize("name, hint, mistake",
                         [(ex.name, hint, fn) for ex in exercises.EXERCISES.values()
                          for hint, fn in ex.mistakes])
def test_each_typical_mistake_is_named(name, hint, mistake):
    result = exercises.check(name, mistake)
    assert result.status == "wrong" and not result
    assert hint in result.message, result.message


def test_no_message_gives_the_answer_away_before_it_is_right():
    def todo(*args):
        raise NotImplementedError
    for name, ex in exercises.EXERCISES.items():
        assert ex.task, f"{name} has no task text"
        assert ex.equation not in exercises.check(name, todo).message
        for hint, mistake in ex.mistakes[:1]:
            assert ex.equation not in exercises.check(name, mistake).message


def test_not_attempted_does_not_raise():
    def todo(*args):
        raise NotImplementedError
    for name in NAMES:
        result = exercises.check(name, todo)
        assert result.status == "not attempted"
        assert "not attempted yet" in repr(result)


def test_errors_missing_return_and_wrong_types_are_reported():
    result = exercises.check("hidden_grad", lambda W_yh, W_hh, dy, dn: W_yh @ dy)
    assert result.status == "error" and "ValueError" in result.message
    assert "missing or extra transpose" in result.message
    assert "forget `return`" in exercises.check("rnn_step", lambda *a: None).message
    assert "expected an array of shape (6,); got str" in \
        exercises.check("rnn_step", lambda *a: "h").message
    shape = exercises.check("pre_activation", lambda W_hh, W_hx, b, h, x: np.zeros(3))
    assert "wrong shape: your result has shape (3,); it should have shape (6,)" in shape.message
    assert "take every size from the arguments" in shape.message


def test_unrecognised_mistake_is_isolated_term_by_term():
    result = exercises.check("hidden_grad",
                             lambda W_yh, W_hh, dy, dn: W_yh.T @ dy + 2 * W_hh.T @ dn)
    assert "right: only the output path" in result.message
    assert "WRONG: only the recurrent path" in result.message


def test_overflow_is_diagnosed():
    naive = lambda y, c: np.exp(y) / np.exp(y).sum() - np.eye(y.size)[c]  # noqa: E731
    assert "subtract the maximum" in exercises.check("cross_entropy_grad", naive).message


def test_a_function_that_writes_into_an_argument_is_wrong_and_the_argument_named():
    def sneaky(W_yh, W_hh, dy, dn):
        result = W_yh.T @ dy + W_hh.T @ dn
        W_hh[:] = 0
        return result
    result = exercises.check("hidden_grad", sneaky)
    assert result.status == "wrong" and "wrote into `W_hh`" in result.message


def test_recursion_reference_matches_the_library_backward():
    # the checker's reference for the ∂h recursion, against rnnlib.backward on a real trace
    p, xs, h0, dy = make_problem(T=6, H=4, O=2)
    tr = rnnlib.forward(p, xs, h0)
    ref = exercises.EXERCISES["hidden_grads_through_time"].reference(
        p.W_yh, p.W_hh, dy, tr.mask.astype(float))
    np.testing.assert_allclose(ref, rnnlib.backward(p, tr, dy).dh, rtol=1e-12, atol=1e-14)


def test_unknown_exercise_name():
    with pytest.raises(ValueError, match="name must be one of 'pre_activation'.*got 'nope'"):
        exercises.check("nope", print)


def test_every_question_has_an_answer_and_every_answer_a_question(solutions):
    assert set(exercises.QUESTIONS) == set(solutions.ANSWERS)
    assert all(text.strip() for text in solutions.ANSWERS.values())


def test_every_exercise_has_a_solution_in_its_own_notebooks_module(solutions):
    for module, solution_module in zip(exercises.NOTEBOOKS, solutions.NOTEBOOKS):
        assert module.__name__.rsplit(".", 1)[1] == solution_module.__name__.rsplit(".", 1)[1]
        for ex in module.EXERCISES:
            assert callable(getattr(solution_module, ex.name, None)), (module.__name__, ex.name)


def test_check_prediction_compares_and_explains():
    assert exercises.check_prediction("p", None, {1}).status == "not attempted"
    assert exercises.check_prediction("p", {1, 2}, {2, 1}).status == "correct"
    wrong = exercises.check_prediction("p", {1}, {2}, why="because")
    assert wrong.status == "wrong" and "because" in wrong.message and "{2}" in wrong.message
    assert exercises.check_prediction("p", np.array([1, 0]), np.array([1, 0])).status == "correct"


def test_show_solution_prints_the_source(capsys, solutions):
    exercises.show_solution("hidden_grad")
    assert "W_yh.T @ dy_t + W_hh.T @ dh_hat_next" in capsys.readouterr().out


def test_handout_has_no_solutions_and_still_checks(tmp_path):
    out = tmp_path / "handout"
    subprocess.run(["make", "--no-print-directory", "handout", f"HANDOUT={out}"], cwd=REPO,
                   check=True, capture_output=True)
    assert (out / "rnnlib" / "exercises" / "core.py").is_file()
    assert not (out / "rnnlib" / "solutions").exists()
    code = ("import rnnlib, rnnlib.exercises as e; print(rnnlib.__file__); "
            "e.show_solution('hidden_grad'); "
            "print(e.check('hidden_grad', lambda a, b, c, d: a.T @ c + b.T @ d).status)")
    # -S: no .pth files, so the full repository's editable install cannot leak in
    site_packages = str(Path(np.__file__).parents[1])
    run = subprocess.run([sys.executable, "-S", "-c", code], cwd=out, capture_output=True,
                         text=True, check=True, env={"PYTHONPATH": f"{out}:{site_packages}"})
    lines = run.stdout.splitlines()
    assert lines[0].startswith(str(out))
    assert lines[1] == "Solutions are not included in this copy of the notebooks. Ask your teacher."
    assert lines[2] == "correct"


def test_jacobian_reference_matches_the_library():
    rng = np.random.default_rng(0)
    W_hh, mask = rng.standard_normal((4, 4)), (rng.random((6, 4)) < 0.6).astype(float)
    mask[0] = 0
    P = rnnlib.analysis.jacobian_products(W_hh, mask)
    for t in range(6):
        ref = exercises.EXERCISES["jacobian_product"].reference(W_hh, mask[t + 1:])
        np.testing.assert_allclose(ref, P[t], rtol=1e-12, atol=1e-14)
