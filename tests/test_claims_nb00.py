"""Notebook 00's errata list quotes the original notes as they read."""
import re
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
NOTES = (ROOT / "notes" / "original_notes.md").read_text()


def squash(latex):
    """One spelling for the notes' LaTeX and ours: \\hat{h} = \\hat h, \\text{ReLU} = \\mathrm{ReLU}."""
    latex = re.sub(r"\\hat\{h\}", r"\\hat h", latex).replace(r"\text{ReLU}", r"\mathrm{ReLU}")
    return re.sub(r"\s+", "", latex)


def test_erratum_2_quotes_the_gate_line_as_the_notes_write_it():
    gate_line = re.search(r"^\$\$\\rightarrow (\\frac\{\\partial \\hat\{h\}_\{t\+1\}\}.*)\$\$$",
                          NOTES, re.M).group(1)
    cells = nbformat.read(ROOT / "notebooks" / "00_start_here.ipynb", 4).cells
    errata = next(c.source for c in cells if "**The gate line is circular**" in c.source)
    quoted = re.search(r"\*\*The gate line is circular\*\*: it reads \$(.*?)\$, which",
                       errata, re.S).group(1)
    assert squash(quoted) == squash(gate_line)
    assert "(erratum 5) says $\\partial \\hat h_{t+1} =" in errata
    header = NOTES.split("---", 1)[0]
    assert "it reads `∂ĥ_{t+1}/∂h_t = ReLU'(ĥ_{t+1}) · ∂ĥ_{t+1}/∂h_t`" in header
