"""Notebook 04's markdown against its stored outputs: what the text says about a printed number
is what the number shows."""
import re
from pathlib import Path

import nbformat

NB = Path(__file__).resolve().parents[1] / "notebooks" / "04_hidden_state_gradient.ipynb"


def cells():
    return nbformat.read(NB, as_version=4).cells


def output_of(marker):
    """The printed text of the one code cell whose source contains marker."""
    [cell] = [c for c in cells() if c.cell_type == "code" and marker in c.source]
    return "".join(o.get("text", "") for o in cell.outputs)


def markdown():
    return "\n".join(c.source for c in cells() if c.cell_type == "markdown")


def test_the_gradient_shrinks_as_the_text_says():
    assert "the gradient shrinks on average by the factor printed above" in markdown()
    factor = float(re.search(r"decay per step back \(geometric mean\): ([\d.]+)",
                             output_of("decay per step back")).group(1))
    assert 0 < factor < 1
    last = re.search(r"loss at the last step:\s+\[([^\]]*)\]", output_of("decay per step back"))
    logs = [float(v) for v in last.group(1).split()]
    assert logs[-1] < logs[0] - 3     # "barely reaches the first states": 1000x smaller or more


def test_the_worked_example_has_a_gate_to_matter():
    # exercise 1 asks which unit's gradient stops, and where: the printed gates must show one
    gates = output_of("plot_backward_paths")
    assert "[[1, 0], [1, 0], [1, 1]]" in gates


def test_errata_are_named_as_in_the_notes():
    notes = (NB.parents[1] / "notes" / "original_notes.md").read_text()
    assert re.search(r"^5\. The definition of `∂v` is garbled", notes, re.M)
    assert re.search(r"^4\. `·` stands for both", notes, re.M)
    text = markdown()
    assert "**erratum 5**" in text and "(erratum 4)" in text and "erratum 4 in notebook 00" not in text
