"""What holds for every self-checking exercise: its model solution passes, each mistake of its
catalogue is rejected and named, no message gives the answer away, an unattempted exercise says
so instead of raising, every question has an answer and every exercise a model solution in its
notebook's module, and a hand-out copy checks without any solution."""
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from rnnlib import exercises

REPO = Path(__file__).resolve().parents[1]
NAMES = list(exercises.EXERCISES)


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
