"""The teacher's answer key (tools/answer_key.py, `make answers`): one Markdown file that holds,
in notebook order, every model solution, every thinking question's answer and every
prediction's answer with its reason. Writing it executes the six notebooks that have
predictions (about 20 s), once for the module."""
import ast
import inspect
import subprocess
import sys
from pathlib import Path

import pytest

solutions = pytest.importorskip("rnnlib.solutions", reason="a hand-out copy has no solutions")
from rnnlib.exercises import EXERCISES, PREDICTIONS, QUESTIONS  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tools"))
import answer_key  # noqa: E402


@pytest.fixture(scope="module")
def key(tmp_path_factory):
    out = tmp_path_factory.mktemp("answers") / "ANSWERS.md"
    run = subprocess.run([sys.executable, str(REPO / "tools" / "answer_key.py"), str(out)],
                         cwd=REPO, capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stdout + run.stderr
    return out.read_text()


def section(key, heading):
    """The text under `### heading` up to the next heading of level 2 or 3."""
    assert key.count(f"\n### {heading}\n") == 1, heading
    return key.split(f"\n### {heading}\n", 1)[1].split("\n## ", 1)[0].split("\n### ", 1)[0]


def test_every_exercise_has_its_model_solution(key):
    for name, ex in EXERCISES.items():
        text = section(key, f"Exercise `{name}`")
        assert inspect.getsource(solutions.solution(name)).strip() in text, name
        assert ex.equation in text


def test_every_thinking_question_has_its_question_and_answer(key):
    assert len(QUESTIONS) == len(solutions.ANSWERS) == 14
    for name, question in QUESTIONS.items():
        text = section(key, f"Thinking question `{name}`")
        assert solutions.ANSWERS[name] in text, name
        assert question.splitlines()[0] in text, name


def test_every_prediction_has_its_answer_and_reason(key):
    answers = {}
    for name, reason in PREDICTIONS.items():
        text = section(key, f"Prediction `{name}`")
        assert f"**Why:** {reason}" in text, name
        answer = text.split("**Answer:** `", 1)[1].split("`\n", 1)[0]
        answers[name] = ast.literal_eval(answer)       # a value a student could have written
    # three that the notebooks' text states: the critical gain is √2, the T = 1 check misses
    # two, and the stored language model had passed the 3-gram (not the 4-gram) by step 750
    assert answers["critical gain"] == 1.41
    assert answers["one_step_check"] == {"= instead of +=", "dropped through-time term"}
    assert answers["best baseline passed"] == 3               # its n: the 3-gram


def test_the_key_is_in_notebook_order(key):
    titles = [line for line in key.splitlines() if line.startswith("## ")]
    assert [t[3:5] for t in titles] == ["01", "02", "03", "04", "05", "06", "07", "08", "09"]
    # within 04: the by-hand backward pass (exercise 1) before step_backward (exercise 4)
    assert key.index("`by_hand_backward`") < key.index("Exercise `step_backward`")


def test_sentinels_follow_each_prediction_variable_set_to_none():
    source = "a = 1\nmy_x, my_y = None, None   # guess\nprint(check_prediction('n', my_x, 2))"
    new, names = answer_key.with_sentinels(source, ast.parse(source), {"my_x", "my_y"})
    assert names == ["my_x", "my_y"]
    assert new.splitlines()[2:4] == ["my_x = _answer_key_sentinel", "my_y = _answer_key_sentinel"]
    assert answer_key.prediction_calls(ast.parse(source)) == [("n", "my_x", 3)]
