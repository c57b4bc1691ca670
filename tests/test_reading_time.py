"""The reading-time estimate (tools/reading_time.py): its counts on a notebook built for the test,
its arithmetic against the stated rates, and the table in TEACHING.md kept up to date."""
import math
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tools"))
import reading_time as rt  # noqa: E402


@pytest.fixture
def notebook(tmp_path):
    """252 words (a link's target is not a word, a table's are timed by row), a 3-row table, 2 code cells
    (20 printed lines, 1 figure), 2 coded exercises and 1 thinking question."""
    prose = " ".join(["word"] * 240)
    table = "| a | b |\n|---|:-:|\n| 1 | 2 |\n| 3 | 4 |"                # 3 rows and a rule
    nb = new_notebook(cells=[
        new_markdown_cell(f"{prose}\n\nsee [this link](somewhere/else.ipynb)\n\n{table}"),
        new_code_cell("print(...)", outputs=[new_output("stream", name="stdout",
                                                         text="line\n" * 20)]),
        new_code_cell("plot()", outputs=[new_output("display_data",
                                                    data={"image/png": "iVBO", "text/plain": "<F>"})]),
        new_markdown_cell("**1.** Write it.\n\n**2.** And this."),              # 6 words
        new_markdown_cell("**3.** (Thinking.) Why?"),                          # 3 words
    ])
    path = tmp_path / "nb.ipynb"
    nbformat.write(nb, path)
    return path


def test_counts(notebook):
    assert rt.measure(notebook) == dict(words=240 + 3 + 6 + 3, code_cells=2, output_lines=20,
                                        table_rows=3, figures=1, coded=2, thinking=1)


def test_minutes_follow_the_stated_rates(notebook):
    reading, exercises = rt.minutes(rt.measure(notebook))
    # 252 words at 130/min, 2 cells at 0.5, 20 lines at 3 s, 3 rows at 10 s, 1 figure at 1 min
    assert reading == pytest.approx(252 / 130 + 1.0 + 1.0 + 0.5 + 1.0)
    assert exercises == pytest.approx(2 * 8 + 4)
    assert "| nb | 252 | 2 | 20 | 3 | 1 | 2 + 1 | 5 min | 30 min |" in rt.table([notebook])


def test_the_table_in_the_teachers_guide_is_up_to_date():
    notebooks = sorted(map(str, (REPO / "notebooks").glob("*.ipynb")))
    run = subprocess.run([sys.executable, str(REPO / "tools" / "reading_time.py"), "--check",
                          str(REPO / "TEACHING.md"), *notebooks],
                         capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    assert "130 words/min" in (REPO / "TEACHING.md").read_text()


def test_a_file_without_markers_is_refused():
    with pytest.raises(ValueError, match="markers"):
        rt.replace_block("no markers here", "x")


def _with_exercises(path):
    reading, exercises = rt.minutes(rt.measure(path))
    return 5 * math.ceil((reading + exercises) / 5)


def test_the_readme_and_notebook_00_quote_the_tools_estimates():
    """The README's 'reading time' column and 00's series table give, for each notebook, the
    tool's 'with exercises' estimate: the number a student plans with."""
    paths = sorted((REPO / "notebooks").glob("*.ipynb"))
    expected = {p.name[:2]: _with_exercises(p) for p in paths}
    readme = {m[0]: int(m[1]) for m in re.findall(
        r"^\| (\d\d) \|.*\| (\d+) min \|$", (REPO / "README.md").read_text(), re.M)}
    assert readme == expected
    series = next(c.source for c in nbformat.read(paths[0], as_version=4).cells
                  if "| notebook | one idea |" in c.source)
    in_00 = {m[0]: int(m[1]) for m in re.findall(r"^\|.*?(\d\d) ·.*\| (\d+) min \|$", series, re.M)}
    assert in_00 == expected
