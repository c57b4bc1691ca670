"""The students' hand-out (tools/handout.py, `make handout`) built from a copy of the repository
WITHOUT .git, as from a ZIP download: no solutions in it, uncommitted edits in it, the library
imports from it, and show_solution says that solutions are not included."""
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

REPO = Path(__file__).resolve().parents[1]
SPEAKER_NOTES = "**Speaker notes.**"
NOT_COPIED = shutil.ignore_patterns(".git", ".venv", "handout", "slides", "__pycache__",
                                    ".pytest_cache", ".hypothesis", ".ipynb_checkpoints",
                                    "*.egg-info")


@pytest.fixture(scope="module")
def handout(tmp_path_factory):
    """A copy of the tree without .git, edited (as a teacher would), and its hand-out."""
    tree = tmp_path_factory.mktemp("zip") / "bptt-notebooks"
    shutil.copytree(REPO, tree, ignore=NOT_COPIED)
    assert not (tree / ".git").exists()
    (tree / "rnnlib" / "solutions").mkdir(exist_ok=True)         # the model solutions
    (tree / "rnnlib" / "solutions" / "__init__.py").write_text("ANSWER = 42\n")
    corpus = tree / "tests" / "checker_corpus"                   # the checkers' corpus of
    corpus.mkdir(exist_ok=True)                                  # right and wrong answers
    (corpus / "__init__.py").touch()
    (corpus / "nb99_model_answers.py").write_text("def right(x):\n    return x\n")
    (tree / "tests" / "test_checker_corpus.py").touch()
    (tree / "answers").mkdir(exist_ok=True)                      # the answer key, where
    (tree / "answers" / "ANSWERS.md").write_text("# Answer key\n")  # `make answers` puts it
    (tree / "notes" / "ANSWERS.md").write_text("# Answer key\n")    # and by ANSWERS=...
    (tree / "notes" / "uncommitted.md").write_text("an edit made after the last commit\n")
    (tree / "scratch.tmp").write_text("ignored by .gitignore?\n")
    (tree / ".gitignore").write_text((tree / ".gitignore").read_text() + "*.tmp\n")
    out = tree / "handout"
    run = subprocess.run([sys.executable, "tools/handout.py", "handout"], cwd=tree,
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stdout + run.stderr
    return out


def test_no_solutions_no_teachers_guide_no_checker_corpus_no_ignored_files(handout):
    files = {p.relative_to(handout).as_posix() for p in handout.rglob("*")}
    assert not [f for f in files if f.startswith("rnnlib/solutions")], files
    assert "TEACHING.md" not in files and "docs/teaching.md" not in files
    # the checkers' corpus holds model answers: neither it nor its test is handed out
    assert not [f for f in files if f.startswith("tests/checker_corpus")], files
    assert "tests/test_checker_corpus.py" not in files
    # notebook 00's answers: rnnlib holds them only as hashes, the test that names them stays
    assert "tests/test_answers_nb00.py" not in files and "tests/test_exercises_nb00.py" in files
    # the teacher's answer key (`make answers`), in its folder or wherever ANSWERS= put it
    assert not [f for f in files if f.startswith("answers") or f.endswith("ANSWERS.md")], files
    assert "scratch.tmp" not in files and not any(f.startswith(".venv") for f in files)
    assert "handout" not in {f.split("/")[0] for f in files}


def test_what_is_on_disk_is_copied_uncommitted_edits_included(handout):
    assert (handout / "notes" / "uncommitted.md").read_text() == \
        "an edit made after the last commit\n"
    for path in (REPO / "notebooks").glob("*.ipynb"):
        copied = (handout / "notebooks" / path.name).read_bytes()
        assert copied == without_speaker_notes(path.read_bytes()), path.name
    assert (handout / "rnnlib" / "exercises" / "core.py").is_file()


def without_speaker_notes(raw):
    """The notebook's bytes with its speaker-notes cells taken out, written as Jupyter does."""
    nb = json.loads(raw)
    if not any(is_speaker_notes(cell) for cell in nb["cells"]):
        return raw
    nb["cells"] = [cell for cell in nb["cells"] if not is_speaker_notes(cell)]
    return (json.dumps(nb, indent=1, ensure_ascii=False) + "\n").encode()


def is_speaker_notes(cell):
    return (cell["cell_type"] == "markdown"
            and cell["metadata"].get("slideshow", {}).get("slide_type") == "notes"
            and "".join(cell["source"]).startswith(SPEAKER_NOTES))


def test_the_notebooks_speaker_notes_are_left_out_and_nothing_else(handout):
    """TEACHING.md's prompts are notes cells in the notebooks (S shows them in a deck); the
    hand-out's notebooks have none, and every other cell, outputs included, is unchanged."""
    total = 0
    for path in sorted((REPO / "notebooks").glob("*.ipynb")):
        cells = json.loads(path.read_text())["cells"]
        copied = json.loads((handout / "notebooks" / path.name).read_text())["cells"]
        notes = [c for c in cells if is_speaker_notes(c)]
        total += len(notes)
        assert not [c for c in copied if SPEAKER_NOTES in "".join(c["source"])], path.name
        assert copied == [c for c in cells if not is_speaker_notes(c)], path.name
    assert total > 0, "no speaker notes in the notebooks: nothing was tested"


def test_the_readme_describes_the_handout(handout):
    text = (handout / "README.md").read_text()
    assert "make handout" not in text
    assert "not included" in text and 'check("name", my_function)' in text
    for path in sorted((REPO / "notebooks").glob("*.ipynb")):
        assert f"(notebooks/{path.name})" in text
    # the hand-out's own setup tests read this README: they must pass there too
    run = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                          "tests/test_setup.py", "-k", "readme"],
                         cwd=handout, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stdout[-3000:]


def python_in(handout, *args):
    """Run Python in the hand-out with only its own rnnlib importable: -S reads no .pth file, so
    the full repository's editable install cannot leak in."""
    site_packages = str(Path(np.__file__).parents[1])
    return subprocess.run([sys.executable, "-S", *args], cwd=handout, capture_output=True,
                          text=True, timeout=60, env={"PYTHONPATH": f"{handout}:{site_packages}"})


def test_rnnlib_imports_from_the_handout_and_show_solution_says_not_included(handout):
    run = python_in(handout, "-c", "import rnnlib, rnnlib.exercises as e; print(rnnlib.__file__); "
                                   "e.show_solution(next(iter(e.EXERCISES)))")
    assert run.returncode == 0, run.stderr
    where, message = run.stdout.splitlines()[:2]
    assert where.startswith(str(handout))
    assert "not included" in message, message


def test_notebook_09s_text_and_stored_model_are_handed_out_and_found(handout):
    """09 reads Tiny Shakespeare (1.1 MB) and the stored run through rnnlib.text, beside the
    package: the hand-out holds them unchanged, and its own rnnlib finds them there."""
    for rel in ("data/tinyshakespeare/input.txt", "experiments/results/char_lm.json",
                "experiments/results/char_lm.npz"):
        assert (handout / rel).read_bytes() == (REPO / rel).read_bytes(), rel
    run = python_in(handout, "-c", "from rnnlib import text; print(text.TINY_SHAKESPEARE); "
                    "print(len(text.load_text())); "
                    "print(text.load_model(text.CHAR_LM.with_suffix('.npz'))[0].n_hidden)")
    assert run.returncode == 0, run.stderr
    where, characters, units = run.stdout.splitlines()
    assert where.startswith(str(handout)) and (characters, units) == ("1115394", "512")


def test_the_answer_key_cannot_be_made_from_the_handout_and_says_why(handout):
    """tools/answer_key.py is handed out (it holds no answer); without rnnlib/solutions it
    stops with one line, and `make answers` stops with that line before installing anything."""
    message = "the answer key needs rnnlib/solutions, which a hand-out does not have"
    run = python_in(handout, "tools/answer_key.py", "key.md")
    assert run.returncode == 1 and run.stderr.strip().splitlines() == [f"answer_key: {message}"], \
        run.stdout + run.stderr
    assert not (handout / "key.md").exists()
    make = shutil.which("make")
    if make:
        run = subprocess.run([make, "answers"], cwd=handout, capture_output=True, text=True,
                             timeout=60)
        assert run.returncode != 0 and message in run.stderr, run.stdout + run.stderr
        assert not (handout / ".venv").exists()
        assert not (handout / "answers").exists()


def test_the_destination_must_not_be_copied_into_itself(tmp_path):
    sys.path.insert(0, str(REPO / "tools"))
    import handout as tool
    with pytest.raises(ValueError, match="dest must lie outside the tree"):
        tool.make_handout(REPO / "rnnlib" / "copy")


# Tests of the repository's machinery rather than of the library, not run by the test below
# (still collected, so an error at their collection fails it): they start make, JupyterLab,
# kernels, environments or a hand-out of their own, and take most of the time. The outer run
# covers them.
MACHINERY = ["tests/test_setup.py", "tests/test_timeouts.py", "tests/test_slides.py",
             "tests/test_handout.py", "tests/test_environments.py",
             "tests/test_exercises.py::test_handout_has_no_solutions_and_still_checks"]


def test_the_handouts_own_library_tests_pass_with_only_its_rnnlib(handout):
    """The hand-out's tests/, run by pytest in a subprocess where only the hand-out's rnnlib is
    importable: `python -S` reads no .pth file, so the editable install of this repository cannot
    leak in; PYTHONPATH puts the hand-out before site-packages (pytest, numpy, ...), and the run
    first asserts that rnnlib comes from the hand-out.

    Every test file is collected, and an error at collection fails this test. Run: the library's
    tests, those of the exercises and checkers, the claims about the notebooks; the tests that
    need rnnlib.solutions must skip, and say so. Not run: nbval (the notebooks; the outer run
    executes them), the browser tests (-m "not browser") and MACHINERY (deselected). About 30 s.
    """
    site_packages = str(Path(np.__file__).parents[1])
    args = ["-p", "no:cacheprovider", "-p", "no:nbval", "-o", "addopts=", "-q", "-rs",
            "-m", "not browser", "tests"] + [f"--deselect={nodeid}" for nodeid in MACHINERY]
    code = ("import sys, rnnlib, pytest; "
            f"assert rnnlib.__file__.startswith({str(handout) + '/'!r}), rnnlib.__file__; "
            f"sys.exit(pytest.main({args!r}))")
    env = {**os.environ, "PYTHONPATH": f"{handout}:{site_packages}"}
    env.pop("PYTEST_ADDOPTS", None)
    run = subprocess.run([sys.executable, "-S", "-c", code], cwd=handout, capture_output=True,
                         text=True, timeout=300, env=env)
    report = run.stdout[-6000:] + run.stderr[-3000:]
    assert run.returncode == 0, report
    summary = run.stdout.strip().splitlines()[-1]
    assert " passed" in summary and "error" not in summary and "failed" not in summary, report
    assert "a hand-out copy has no solutions" in run.stdout, report      # they skip, and say so
