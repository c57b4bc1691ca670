"""Nothing waits for ever: every way of executing the notebooks has a time limit, and a cell
that hangs fails with a message that names the notebook and the cell. Each test plants a
notebook whose second code cell sleeps for ever, and runs it with a short limit."""
import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

REPO = Path(__file__).resolve().parents[1]
HANGING_LINE = "import time; time.sleep(1e6)   # planted: never finishes"


def hanging_notebook(folder):
    nb = new_notebook(cells=[new_markdown_cell("# A notebook that hangs"),
                             new_code_cell("x = 1"),
                             new_code_cell(HANGING_LINE),
                             new_code_cell("print(x)")])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    path = Path(folder) / "planted_hang.ipynb"
    nbformat.write(nb, path)
    return path


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_make_notebooks_fails_on_a_hanging_cell_naming_notebook_and_cell(tmp_path):
    path = hanging_notebook(tmp_path)
    # -o install and PY=...: this interpreter, no install (the command is the Makefile's own)
    result = subprocess.run(
        ["make", "--no-print-directory", "-o", "install", "notebooks", f"NOTEBOOKS={path}",
         "CELL_TIMEOUT=3", f"PY={sys.executable}", f"PYTHON={sys.executable}"],
        cwd=REPO, capture_output=True, text=True, timeout=120)
    assert result.returncode != 0
    message = result.stderr
    assert str(path) in message and "cell 2" in message and "time.sleep(1e6)" in message, message
    assert "within 3 s" in message, message
    assert nbformat.read(path, 4).cells[3].outputs == [], "it went on after the hanging cell"


def test_nbval_has_a_cell_timeout_and_a_hanging_cell_fails_naming_notebook_and_cell(tmp_path):
    pytest_options = tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["pytest"]
    addopts = pytest_options["ini_options"]["addopts"]
    configured = re.search(r"--nbval-cell-timeout[= ](\d+)", addopts)
    assert configured and 10 <= int(configured.group(1)) <= 600, \
        f"pyproject.toml's addopts must set --nbval-cell-timeout (seconds); has: {addopts}"
    path = hanging_notebook(tmp_path)
    # The project's own pytest options beside the planted notebook, the limit shortened for
    # the test (the last --nbval-cell-timeout given wins).
    for name in ("pyproject.toml", "nbval_sanitize.cfg"):
        shutil.copy(REPO / name, tmp_path / name)
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", "--nbval-cell-timeout=3",
         path.name], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert result.returncode != 0
    assert "planted_hang.ipynb::Cell 1" in result.stdout, result.stdout[-3000:]
    assert "Timeout of 3 seconds exceeded" in result.stdout, result.stdout[-3000:]


def test_ci_run_has_a_time_limit_and_says_so(tmp_path):
    """.ci/run with a `make` that never ends: stopped after CI_TIMEOUT, with a message."""
    fake_bin = tmp_path / "bin"
    fake_bin.mkdir()
    (fake_bin / "make").write_text("#!/bin/sh\nexec sleep 1000\n")
    (fake_bin / "chromium").write_text("#!/bin/sh\nexit 0\n")     # no apt-get in this test
    for tool in fake_bin.iterdir():
        tool.chmod(0o755)
    env = {**os.environ, "PATH": f"{fake_bin}{os.pathsep}{os.environ['PATH']}", "CI_TIMEOUT": "2"}
    result = subprocess.run(["bash", str(REPO / ".ci" / "run")], env=env, capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 124
    assert "did not finish within 2 s" in result.stderr, result.stderr
