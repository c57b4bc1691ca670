"""Notebook 05's markdown against its stored outputs, and its timings kept out of the
comparison: nbval must not compare them and no text may quote them."""
import re
from pathlib import Path

import nbformat

NB = Path(__file__).resolve().parents[1] / "notebooks" / "05_parameter_gradients.ipynb"


def cells():
    return nbformat.read(NB, as_version=4).cells


def test_the_sizes_of_the_terms_add_up_to_more_than_the_gradient():
    text = re.sub(r"\s+", " ", "\n".join(c.source for c in cells() if c.cell_type == "markdown"))
    assert "their sizes add up to more than $\\lVert\\partial W_{yh}\\rVert$" in text
    [cell] = [c for c in cells() if c.cell_type == "code" and "for t = 1..8" in c.source]
    out = "".join(o.get("text", "") for o in cell.outputs)
    sizes = re.search(r"for t = 1\.\.8: \[([^\]]*)\]", out).group(1).split()
    assert len(sizes) == 8
    total, norm = map(float, re.search(r"their sum ([\d.]+); ‖∂W_yh‖ = ([\d.]+)", out).groups())
    assert total > norm


def test_no_cell_before_the_exercises_computes_their_sums():
    """dW_hh_sum and dW_hx_sum are exercises: the cells before them demo other sums."""
    code = [c.source for c in cells() if c.cell_type == "code"]
    first = next(i for i, s in enumerate(code) if "def my_dW_hh_sum" in s)
    for source in code[:first]:
        assert "dW_hh_term" not in source and "dW_hx_term" not in source
        assert ".T @ trace.h[:-1]" not in source and ".T @ xs" not in source


def test_timings_are_not_compared_and_not_quoted():
    timed = [c for c in cells() if c.cell_type == "code" and ("median_ms(" in c.source
                                                              or "perf_counter" in c.source)]
    assert timed, "the timing cell is gone: update this test"
    for cell in timed:
        assert "nbval-ignore-output" in cell.metadata.get("tags", [])
    for cell in cells():
        if cell.cell_type == "markdown":
            assert not re.search(r"\d+(\.\d+)?\s*(x|×) faster|\d+(\.\d+)?\s*ms\b", cell.source)
