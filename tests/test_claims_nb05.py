"""Notebook 05's markdown against its stored outputs, and its timings kept out of the
comparison: nbval must not compare them and no text may quote them."""
import re
from pathlib import Path

import nbformat

NB = Path(__file__).resolve().parents[1] / "notebooks" / "05_parameter_gradients.ipynb"


def cells():
    return nbformat.read(NB, as_version=4).cells


def test_the_first_steps_term_is_zero_and_the_sizes_add_up_to_more_than_the_gradient():
    text = re.sub(r"\s+", " ", "\n".join(c.source for c in cells() if c.cell_type == "markdown"))
    assert "The term of $t = 1$ is zero here" in text
    assert "their sizes add up to more than $\\lVert\\partial W_{hh}\\rVert$" in text
    [cell] = [c for c in cells() if c.cell_type == "code" and "for t = 1..8" in c.source]
    out = "".join(o.get("text", "") for o in cell.outputs)
    sizes = re.search(r"for t = 1\.\.8: \[([^\]]*)\]", out).group(1).split()
    assert float(sizes[0]) == 0 and all(float(s) > 0 for s in sizes[1:])
    total, norm = map(float, re.search(r"their sum ([\d.]+); ‖∂W_hh‖ = ([\d.]+)", out).groups())
    assert total > norm


def test_timings_are_not_compared_and_not_quoted():
    timed = [c for c in cells() if c.cell_type == "code" and ("median_ms(" in c.source
                                                              or "perf_counter" in c.source)]
    assert timed, "the timing cell is gone: update this test"
    for cell in timed:
        assert "nbval-ignore-output" in cell.metadata.get("tags", [])
    for cell in cells():
        if cell.cell_type == "markdown":
            assert not re.search(r"\d+(\.\d+)?\s*(x|×) faster|\d+(\.\d+)?\s*ms\b", cell.source)
