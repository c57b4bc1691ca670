"""Every notebook, run top to bottom by a student who has solved every exercise: each exercise
cell's `def my_<name>(...)` is replaced by the model solution, and every `check(...)` in the
notebook must then print ✓, and no cell may fail. This is the path nbval never takes (the stored
notebooks hold the unattempted skeletons): a checker that rejected a right answer, or a cell that
only works while an exercise is unattempted, fails here, naming notebook and cell.

Needs the solutions, so it skips in a hand-out copy. Each notebook runs in a fresh kernel with a
per-cell timeout.
"""
import re
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError

pytest.importorskip("rnnlib.solutions", reason="a hand-out copy has no solutions")

NOTEBOOKS = sorted((Path(__file__).resolve().parents[1] / "notebooks").glob("0*.ipynb"))
DEF = re.compile(r"^def my_(\w+)\(.*?(?=^\S|\Z)", re.S | re.M)
CELL_TIMEOUT = 300


def solved(cell_source):
    """The cell with each `def my_<name>(...)` block replaced by the model solution."""
    return DEF.sub(lambda m: f"from rnnlib.solutions import solution as _solution\n"
                             f"my_{m.group(1)} = _solution({m.group(1)!r})\n\n", cell_source)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_the_notebook_runs_with_every_exercise_solved(path):
    nb = nbformat.read(path, as_version=4)
    solved_cells = []
    for index, cell in enumerate(nb.cells):
        if cell.cell_type == "code" and "def my_" in cell.source:
            cell.source = DEF.sub(lambda m: solved(m.group(0)), cell.source)
            solved_cells.append(index)
    client = NotebookClient(nb, timeout=CELL_TIMEOUT, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}})
    try:
        client.execute()
    except (CellExecutionError, CellTimeoutError) as exc:
        pytest.fail(f"{path.name}: a cell failed with every exercise solved:\n{exc}"[:4000])

    def text(cell):
        return "".join(out.get("text", "") + "".join(out.get("data", {}).get("text/plain", ""))
                       for out in cell.get("outputs", []))
    # each exercise cell prints its checker's verdict: ✓ for the model solution
    wrong = [(index, text(nb.cells[index])[:300]) for index in solved_cells
             if "✓ correct" not in text(nb.cells[index])]
    assert not wrong, f"{path.name}: exercise cells without ✓ for the model solution: {wrong}"
    # and no later cell still treats an exercise as unattempted or failing
    stale = [(index, line) for index, cell in enumerate(nb.cells) if cell.cell_type == "code"
             for line in text(cell).splitlines()
             if "NotImplementedError" in line or "does not pass yet" in line
             or "is not attempted" in line or "not right yet:" in line]
    assert not stale, f"{path.name}: cells that still see an unsolved exercise: {stale}"
