"""TEACHING.md's session plan, by the guide's own rates: each session's timing table sums to its
stated total and to at most 50 minutes, each live row gives at least the reading estimate of the
sections it names (tools/reading_time.py), and each exercise done in class is timed inside the
range the row quotes from the difficulty table. Also: the thinking questions are all listed."""
import re
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tools"))
import reading_time as rt  # noqa: E402

TEACHING = (REPO / "TEACHING.md").read_text()
SESSIONS = re.findall(r"^### (Session \d) ·.*?(?=^### |^## )", TEACHING, re.M | re.S)
BODIES = dict(zip(SESSIONS, [body.split("\n## ")[0] for body in
                             re.split(r"^### Session \d ·", TEACHING, flags=re.M)[1:]]))


def timing(body):
    """[(part, minutes)] of a session's timing table, and its stated total."""
    rows = re.findall(r"^\s*\| (.+?) \| (\*\*)?(\d+)(\*\*)? \|$", body, re.M)
    parts = [(part, int(m)) for part, _, m, _ in rows]
    (label, total), = [p for p in parts if p[0] == "**total**"]
    return [p for p in parts if p[0] != "**total**"], total


def test_there_are_six_sessions_and_an_optional_seventh():
    assert SESSIONS == [f"Session {n}" for n in range(1, 8)]
    assert re.search(r"^### Session 7 · 09 \(optional, or homework\):", TEACHING, re.M)


@pytest.mark.parametrize("session", SESSIONS)
def test_each_session_fits_in_50_minutes(session):
    parts, total = timing(BODIES[session])
    assert sum(m for _, m in parts) == total <= 50, parts


@pytest.mark.parametrize("session", SESSIONS)
def test_live_rows_give_the_reading_estimate_of_their_sections(session):
    for part, minutes in timing(BODIES[session])[0]:
        live = re.match(r"live: (\d\d) (.*)$", part)
        if not live:
            continue
        path, = (REPO / "notebooks").glob(f"{live[1]}_*.ipynb")
        sections = rt.section_minutes(path)
        names = re.findall(r"\*([^*]+)\*", live[2]) + (["opening"] if "opening" in live[2] else [])
        missing = [n for n in names if n not in sections]
        assert not missing, f"{path.name} has no section {missing}"
        estimate = sum(sections[n] for n in names)
        assert minutes >= estimate - 0.5, f"{part}: {minutes} min, estimated {estimate:.1f}"


@pytest.mark.parametrize("session", SESSIONS)
def test_in_class_exercises_are_timed_within_the_difficulty_tables_range(session):
    for part, minutes in timing(BODIES[session])[0]:
        quoted = re.search(r"\((?:[\w -]+, )?(\d+)(?:-(\d+))? min(?:-2 h)?[;)]", part)
        if re.match(r"(in class|vote|on paper):", part) and quoted:
            low = int(quoted[1])
            high = int(quoted[2] or low) if "-2 h" not in quoted[0] else 120
            assert minutes <= high and (minutes >= low or "homework" in part), part
            assert f"{quoted[1]}{'-' + quoted[2] if quoted[2] else ''} " \
                   f"{'min' if '-2 h' not in quoted[0] else 'min-2 h'}" in \
                   TEACHING.split("## Which exercises are hard")[1], part


def test_every_thinking_question_is_named_and_the_answers_are_pointed_to():
    exercises = pytest.importorskip("rnnlib.exercises")
    for name in exercises.QUESTIONS:
        assert f"`{name}`" in TEACHING, name
    assert "make answers" in TEACHING
