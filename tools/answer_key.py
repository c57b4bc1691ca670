"""Write the teacher's answer key: one Markdown file, in notebook order (`make answers`).

    python tools/answer_key.py answers/ANSWERS.md              # what `make answers` runs
    python tools/answer_key.py --notebooks notebooks/03_relu_gate.ipynb out.md   # a subset

For each notebook, in the order its cells mention them:
  - every model solution: the source of `rnnlib.solutions.solution(name)` for each exercise of
    `rnnlib.exercises.EXERCISES`, under its equation and task;
  - every thinking question (`rnnlib.exercises.QUESTIONS`) with its answer
    (`rnnlib.solutions.ANSWERS`); 04's by-hand backward pass is one of them;
  - every prediction, `check_prediction(name, my_x, truth)` in a cell: its answer, the truth that
    cell computes, and the reason (`rnnlib.exercises.PREDICTIONS`).

How the predictions' answers are found. The truth is not stored anywhere: each prediction cell
computes it (from a forward pass, a bug table, eight seeds of an experiment). So each notebook
that has prediction cells is executed, by nbclient in a fresh kernel, with two changes made to
a copy (the notebook file is not touched):
  1. a first cell wraps `rnnlib.exercises.check_prediction` so that every call records its name
     and truth; the notebooks import it by `from rnnlib.exercises import check_prediction`,
     which then binds the wrapper;
  2. every top-level `my_x = None` whose name is the prediction argument of a check_prediction
     call (found with `ast`, so it does not depend on the variable's name) is followed by
     `my_x = <sentinel>`: a cell that computes or shows its answer only once the student has
     predicted (06's two do) then does so, and check_prediction receives a guess that equals
     nothing.
The copy stops after the last prediction cell, and a last cell prints what was recorded. The
cells run as the notebook runs them, so the key states what the notebook shows a student; a cell
that fails stops the key with the notebook and cell named. About 25 s for the six notebooks.

Not for students: `make handout` leaves out this tool's output (answers/, and any file named
ANSWERS.md). The tool itself is handed out, and holds no answer: without rnnlib/solutions it
stops with one line saying why (and `make answers` stops before installing anything).
"""
import argparse
import ast
import inspect
import json
import re
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
NO_SOLUTIONS = "the answer key needs rnnlib/solutions, which a hand-out does not have"
DEFAULT_TIMEOUT = 300           # seconds per cell, as `make notebooks`
RECORD = "ANSWER-KEY-RECORD "   # the line the last injected cell prints, then JSON

# The first injected cell: record every check_prediction call's name and truth, in a plain form.
HOOK = '''\
import rnnlib.exercises as _answer_key_exercises
import numpy as _answer_key_np

class _AnswerKeySentinel:
    """A guess that equals nothing: every prediction cell then takes its "predicted" branch."""
    def __eq__(self, other):
        return False
    __hash__ = object.__hash__
    def __repr__(self):
        return "<answer key>"

_answer_key_sentinel = _AnswerKeySentinel()
_answer_key_records = []
_answer_key_original = _answer_key_exercises.check_prediction

def _answer_key_plain(value):
    """numpy values as Python ones, sets sorted: a form that reads well in the key."""
    if isinstance(value, _answer_key_np.ndarray):
        return _answer_key_plain(value.tolist())
    if isinstance(value, _answer_key_np.generic):
        return value.item()
    if isinstance(value, (list, tuple)):
        return type(value)(_answer_key_plain(v) for v in value)
    if isinstance(value, (set, frozenset)):
        return sorted(_answer_key_plain(v) for v in value)
    return value

def _answer_key_check_prediction(name, prediction, truth, **kwargs):
    shown = _answer_key_plain(truth)
    if isinstance(truth, (set, frozenset)):
        shown = "{" + ", ".join(map(repr, shown)) + "}"
    else:
        shown = repr(shown)
    _answer_key_records.append({"name": name, "truth": shown})
    return _answer_key_original(name, prediction, truth, **kwargs)

_answer_key_exercises.check_prediction = _answer_key_check_prediction
'''
REPORT = ("import json as _answer_key_json\n"
          f"print({RECORD!r} + _answer_key_json.dumps(_answer_key_records))")


def notebook_title(nb):
    """The first `#` heading of a notebook, e.g. "03 · The ReLU gate"."""
    for cell in nb.cells:
        found = re.search(r"^#\s+(.+)$", cell.source, re.M)
        if cell.cell_type == "markdown" and found:
            return found.group(1).strip()
    return ""


def parsed(source):
    """The ast of a code cell, IPython's magics (`%matplotlib inline`, `!pip`) blanked out;
    None if it still does not parse."""
    try:
        return ast.parse(re.sub(r"^\s*[%!].*$", "", source, flags=re.M))
    except SyntaxError:
        return None


def prediction_calls(tree):
    """[(name, variable)] of the check_prediction("name", variable, truth) calls in a tree."""
    calls = []
    for node in ast.walk(tree):
        if (isinstance(node, ast.Call) and getattr(node.func, "id", None) == "check_prediction"
                and len(node.args) >= 2 and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[1], ast.Name)):
            calls.append((node.args[0].value, node.args[1].id, node.lineno))
    return sorted(calls, key=lambda call: call[2])


def with_sentinels(source, tree, variables):
    """The source of a cell with `name = _answer_key_sentinel` after each top-level statement
    that sets a prediction variable in `variables` to None (`my_x = None`,
    `my_a, my_b = None, None`). Returns (source, the names set)."""
    inserts = {}
    for node in tree.body:
        if not isinstance(node, ast.Assign):
            continue
        for target in node.targets:
            names = [target] if isinstance(target, ast.Name) else getattr(target, "elts", [])
            for name in names:
                if isinstance(name, ast.Name) and name.id in variables:
                    inserts.setdefault(node.end_lineno, []).append(name.id)
    lines = source.splitlines()
    for lineno in sorted(inserts, reverse=True):
        lines[lineno:lineno] = [f"{name} = _answer_key_sentinel" for name in inserts[lineno]]
    return "\n".join(lines), [n for names in inserts.values() for n in names]


def heading_before(nb, index):
    """The last `##`/`###` heading at or before cell `index` (the notebook's sections, as
    TEACHING.md names them), without its hashes."""
    for cell in reversed(nb.cells[:index + 1]):
        if cell.cell_type == "markdown":
            found = re.findall(r"^#{2,3}\s+(.+)$", cell.source, re.M)
            if found:
                return found[-1].strip()
    return ""


def prediction_cells(nb):
    """[(cell index, name, variable)] of every check_prediction call, in notebook order."""
    found = []
    for index, cell in enumerate(nb.cells):
        tree = parsed(cell.source) if cell.cell_type == "code" else None
        if tree is not None:
            found += [(index, name, variable) for name, variable, _ in prediction_calls(tree)]
    return found


def variable_line(nb, variable, upto):
    """The line that sets `variable` to None (with its comment: the form of the answer)."""
    for cell in reversed(nb.cells[:upto + 1]):
        if cell.cell_type == "code":
            for line in cell.source.splitlines():
                if re.match(rf"^{re.escape(variable)}\s*=\s*None\b", line):
                    return line.strip()
    return ""


def run_predictions(path, timeout=DEFAULT_TIMEOUT):
    """Execute a copy of the notebook at `path` as the module docstring says; returns
    {name: truth as shown}. Raises RuntimeError naming the notebook and cell if a cell fails."""
    import nbformat
    from jupyter_core.utils import run_sync
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from execute_notebooks import cell_label, kernel_manager

    nb = nbformat.read(path, as_version=4)
    cells = prediction_cells(nb)
    if not cells:
        return {}
    variables = {variable for _, _, variable in cells}
    nb.cells = nb.cells[:cells[-1][0] + 1]
    for cell in nb.cells:
        tree = parsed(cell.source) if cell.cell_type == "code" else None
        if tree is not None:
            cell.source, _ = with_sentinels(cell.source, tree, variables)
    nb.cells = ([nbformat.v4.new_code_cell(HOOK)] + nb.cells
                + [nbformat.v4.new_code_cell(REPORT)])
    running = {}
    km = kernel_manager(nb.metadata.get("kernelspec", {}).get("name", "python3"))
    client = NotebookClient(nb, km=km, timeout=timeout, record_timing=False,
                            resources={"metadata": {"path": str(Path(path).parent)}},
                            on_cell_start=lambda cell, cell_index: running.update(index=cell_index))
    try:
        client.execute()
    except (CellExecutionError, CellTimeoutError, DeadKernelError) as error:
        where = cell_label(nb, running.get("index", 0))
        raise RuntimeError(f"{path}: {where} of the answer key's copy failed "
                           f"(cell 0 is the injected hook): {type(error).__name__}: "
                           f"{str(error)[-1500:]}") from error
    finally:
        if km.has_kernel:
            run_sync(km.shutdown_kernel)(now=True)
    text = "".join(out.get("text", "") for out in nb.cells[-1].outputs)
    records = json.loads(text.split(RECORD, 1)[1])
    return {record["name"]: record["truth"] for record in records}


def position(nb, name):
    """Index of the first cell that names `name` in quotes (its check, show_solution or
    question); len(cells) if none does."""
    for index, cell in enumerate(nb.cells):
        if f'"{name}"' in cell.source or f"'{name}'" in cell.source:
            return index
    return len(nb.cells)


def quoted(text):
    """`text` as a Markdown block quote."""
    return "\n".join("> " + line if line else ">" for line in text.splitlines())


def fence(text, language=""):
    return f"```{language}\n{text.rstrip()}\n```"


def notebook_section(path, truths):
    """The Markdown of one notebook: its model solutions, answers and predictions, in order."""
    import nbformat
    import rnnlib.exercises as exercises
    from rnnlib import solutions

    nb = nbformat.read(path, as_version=4)
    module = next((m for m in exercises.NOTEBOOKS
                   if m.__name__.rsplit(".", 1)[1][2:4] == Path(path).name[:2]), None)
    items = []        # (position, kind, name, text)
    for ex in getattr(module, "EXERCISES", []):
        source = inspect.getsource(solutions.solution(ex.name))
        text = (f"**Equation:** `{ex.equation}`\n\n**Task:** {ex.task}.\n\n"
                f"{fence(source, 'python')}")
        items.append((position(nb, ex.name), "exercise", ex.name, text))
    for name, question in getattr(module, "QUESTIONS", {}).items():
        text = f"{quoted(question)}\n\n**Answer.**\n\n{solutions.ANSWERS[name]}"
        items.append((position(nb, name), "thinking question", name, text))
    for index, name, variable in prediction_cells(nb):
        if name not in truths:
            raise RuntimeError(f"{path}: the prediction {name!r} was not reached when the "
                               "notebook ran; its cell did not call check_prediction")
        text = (f"In *{heading_before(nb, index)}*, the student sets "
                f"`{variable_line(nb, variable, index) or variable}`.\n\n"
                f"**Answer:** `{truths[name]}`\n\n"
                f"**Why:** {exercises.PREDICTIONS.get(name, '(no reason recorded)')}")
        items.append((index, "prediction", name, text))
    if not items:
        return ""
    parts = [f"## {notebook_title(nb) or Path(path).stem}\n\n`notebooks/{Path(path).name}`"]
    for _, kind, name, text in sorted(items, key=lambda item: item[0]):
        parts.append(f"### {kind.capitalize()} `{name}`\n\n{text}")
    return "\n\n".join(parts)


def answer_key(paths, timeout=DEFAULT_TIMEOUT, progress=print):
    """The whole key, as Markdown, for the notebooks `paths` (taken in file-name order)."""
    sections = []
    for path in sorted(map(Path, paths), key=lambda p: p.name):
        progress(f"answer key: {path.name}")
        sections.append(notebook_section(path, run_predictions(path, timeout)))
    return "\n\n".join([
        "# Answer key (for the teacher: do not hand out)",
        "Written by `make answers` (tools/answer_key.py) from `rnnlib/solutions/` (model "
        "solutions, answers to the thinking questions), `rnnlib/exercises/` (the questions, "
        "the reasons of the predictions) and the notebooks, executed to compute each "
        "prediction's answer. In notebook order; within a notebook, in the order its cells "
        "come. `make handout` leaves this file out.",
        *[s for s in sections if s]]) + "\n"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path, help="the Markdown file to write")
    parser.add_argument("--notebooks", nargs="+", type=Path,
                        default=sorted((REPO / "notebooks").glob("*.ipynb")))
    parser.add_argument("--timeout", type=int, default=DEFAULT_TIMEOUT,
                        help=f"seconds one cell may run (default {DEFAULT_TIMEOUT})")
    args = parser.parse_args(argv)
    # Look beside the package, as show_solution does: an editable install of another copy
    # could otherwise lend its solutions to a hand-out.
    import rnnlib
    if not (Path(rnnlib.__file__).parent / "solutions" / "__init__.py").is_file():
        print(f"answer_key: {NO_SOLUTIONS}", file=sys.stderr)
        return 1
    try:
        key = answer_key(args.notebooks, args.timeout)
    except RuntimeError as error:
        print(f"answer_key: {error}", file=sys.stderr)
        return 1
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(key)
    print(f"{args.out}: {len(key.splitlines())} lines, {len(key):,} characters")
    return 0


if __name__ == "__main__":
    sys.exit(main())
