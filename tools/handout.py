"""Write a copy of the repository for students: no model solutions, a README written for them.

    python tools/handout.py handout          # what `make handout` runs

Works from any copy of the tree (a git clone, a ZIP download, a folder on a USB stick): it
copies the files AS THEY ARE ON DISK, so uncommitted edits are included, and it never calls
git. Left out:
  - the model solutions and the answers to the thinking questions, `rnnlib/solutions/`;
  - the teacher's guide, TEACHING.md (it discusses the answers and grading), its page
    docs/teaching.md, and the notebooks' speaker notes (its prompts, as markdown cells of slide
    type "notes");
  - the teacher's answer key that `make answers` writes: the folder answers/ and any file
    named ANSWERS.md;
  - the checkers' corpus of right and wrong answers, `tests/checker_corpus/` and its test
    `tests/test_checker_corpus.py` (its right answers are model answers), and
    `tests/test_answers_nb00.py` (notebook 00's answers, which rnnlib holds only as hashes);
  - what .gitignore names (.venv/, caches, build outputs, handout/, slides/), plus .git/
    and the destination folder itself.
`rnnlib.show_solution` then prints that solutions are not included; the exercise checkers work
the same. The copy's README.md is replaced by one that describes the hand-out (HANDOUT_README).
"""
import argparse
import fnmatch
import json
import os
import re
import shutil
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SPEAKER_NOTES = "**Speaker notes.**"
# The teacher's guide and its page in docs/, and the tests of the teacher's README and guide
# (they would fail on the students' README and without TEACHING.md); the corpus of right and wrong answers to the
# exercises that tests the checkers, and its test (the right answers are model answers); the
# test of notebook 00's symbol answers (it holds them in clear); the teacher's answer key, in
# its default folder answers/ (also in .gitignore) or as any file named ANSWERS.md
# (`make answers ANSWERS=...`). tools/answer_key.py stays: without rnnlib/solutions it stops
# and says why.
ALWAYS_LEFT_OUT = [".git", "rnnlib/solutions", "TEACHING.md", "docs/teaching.md",
                   "tests/test_readme.py", "tests/test_reading_time.py", "tests/test_teaching.py",
                   "tests/checker_corpus", "tests/test_checker_corpus.py",
                   "tests/test_answers_nb00.py", "answers", "ANSWERS.md"]

HANDOUT_README = """\
# Backpropagation through time: the notebooks

```
make lab     # install everything into .venv, then open JupyterLab on the notebooks
make test    # the same install, then every test
```

Interactive Jupyter notebooks that derive, compute and check **backpropagation through time**
for a recurrent neural network with ReLU activation, backed by `rnnlib`, a small numpy library.
This is the students' copy: it holds the notebooks, the library and the exercises, but not the
model solutions.

`make lab` needs Python 3.11 to 3.15 with `venv`, and `make`. It serves JupyterLab on
127.0.0.1 only, behind a random token, and prints the URL with its token. Without `make`:

```
python -m venv .venv
source .venv/bin/activate            # Windows: .venv\\Scripts\\activate
python -m pip install -c constraints.txt -e ".[notebooks,test]"
python -m jupyterlab --ServerApp.ip=127.0.0.1 --ServerApp.root_dir=notebooks
```

If your teacher publishes this folder as a GitHub repository OWNER/REPO, Binder can run it
without any install: https://mybinder.org/v2/gh/OWNER/REPO/HEAD?urlpath=lab/tree/notebooks/00_start_here.ipynb

## What you do

Work through the notebooks in order. Each one derives one piece of the backward pass, computes
it and checks it numerically; read a derivation before you run the cell under it, and when a
cell asks you to predict something, write your prediction down first.

Every notebook ends with exercises. You write one equation as a Python function and run

    check("name", my_function)

which runs your function on several test cases and says whether it is right; if it is not, it
says what kind of mistake it sees (a missing transpose, a dropped term, ...), never the answer.
An exercise you have not attempted prints "not attempted yet", so every notebook still runs top
to bottom. `show_solution("name")` answers that solutions are not included in this copy: ask
your teacher. The "(Thinking.)" questions have no checker; write your answer in the notebook.

The library computes every equation too (the notebooks use it), so you could call it instead of
writing an exercise: that passes the checker and teaches you nothing.

## The notebooks

{notebooks}

## More

`docs/notebooks.md` says what each notebook contains and what you build in its exercises,
`docs/rnnlib.md` describes the library, and `docs/running.md` other ways to install and run.

## Tests

`make test` runs the library's tests and re-executes every notebook, comparing its outputs with
the stored ones. A notebook you have edited will, of course, differ.
"""


def left_out_patterns(root):
    """The patterns of .gitignore (plain names, `dir/`, globs) plus ALWAYS_LEFT_OUT."""
    patterns = list(ALWAYS_LEFT_OUT)
    ignore = root / ".gitignore"
    if ignore.is_file():
        for line in ignore.read_text().splitlines():
            line = line.strip()
            if line and not line.startswith(("#", "!")):
                patterns.append(line.rstrip("/").lstrip("/"))
    return patterns


def is_left_out(rel, patterns):
    """True when a path (relative, posix) or one of its parent folders matches a pattern.

    A pattern with a slash matches the whole relative path; one without matches any component.
    """
    parts = rel.split("/")
    for pattern in patterns:
        if "/" in pattern:
            if any(fnmatch.fnmatch("/".join(parts[:k]), pattern) for k in range(1, len(parts) + 1)):
                return True
        elif any(fnmatch.fnmatch(part, pattern) for part in parts):
            return True
    return False


def is_speaker_notes(cell):
    """A teacher's speaker-notes cell: markdown, slide type "notes", opening "**Speaker notes.**"."""
    return (cell.get("cell_type") == "markdown"
            and cell.get("metadata", {}).get("slideshow", {}).get("slide_type") == "notes"
            and "".join(cell.get("source", "")).lstrip().startswith(SPEAKER_NOTES))


def copy_notebook(src, dst):
    """Copy a notebook without its speaker notes, written as Jupyter writes it (indent 1, UTF-8,
    a final newline); one without speaker notes, or that is not JSON, is copied as it is."""
    try:
        nb = json.loads(src.read_text(encoding="utf-8"))
    except ValueError:
        nb = {}
    kept = [cell for cell in nb.get("cells", []) if not is_speaker_notes(cell)]
    if len(kept) == len(nb.get("cells", [])):
        shutil.copy2(src, dst)
        return
    nb["cells"] = kept
    dst.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    shutil.copystat(src, dst)


def notebook_index(notebooks_dir):
    """Markdown list of the notebooks, each linked, with its title (first `#` heading)."""
    lines = []
    for path in sorted(notebooks_dir.glob("*.ipynb")):
        cells = json.loads(path.read_text())["cells"]
        source = "".join(cells[0]["source"]) if cells else ""
        title = re.search(r"^#\s+(.+)$", source, re.M)
        lines.append(f"- [{title.group(1) if title else path.stem}](notebooks/{path.name})")
    return "\n".join(lines)


def make_handout(dest, root=REPO):
    """Copy `root` to `dest` minus what is left out; write the hand-out README. Returns dest."""
    dest, root = Path(dest).resolve(), Path(root).resolve()
    patterns = left_out_patterns(root)
    if dest == root or (root in dest.parents
                        and not is_left_out(dest.relative_to(root).as_posix(), patterns)):
        raise ValueError("dest must lie outside the tree, or in a folder it leaves out "
                         f"(such as handout/); got {dest}")
    if dest.exists():
        shutil.rmtree(dest)
    for folder, subfolders, files in os.walk(root):
        here = Path(folder)
        subfolders[:] = sorted(d for d in subfolders if here / d != dest and not is_left_out(
            (here / d).relative_to(root).as_posix(), patterns))      # never descend into them
        for name in sorted(files):
            rel = (here / name).relative_to(root).as_posix()
            if not is_left_out(rel, patterns):
                (dest / rel).parent.mkdir(parents=True, exist_ok=True)
                if name.endswith(".ipynb"):
                    copy_notebook(here / name, dest / rel)
                else:
                    shutil.copy2(here / name, dest / rel)
    (dest / "README.md").write_text(
        HANDOUT_README.replace("{notebooks}", notebook_index(dest / "notebooks")))
    return dest


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("dest", type=Path)
    args = parser.parse_args(argv)
    dest = make_handout(args.dest)
    n_files = sum(1 for p in dest.rglob("*") if p.is_file())
    print(f"{args.dest}/: {n_files} files, the notebooks and rnnlib without solutions, "
          "as they are on disk (uncommitted edits included)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
