"""Notebook 04's markdown against its stored outputs: what the text says about a printed number
is what the number shows."""
import re
from pathlib import Path

import nbformat
import pytest

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
    printed = re.search(r"decay per step back \(geometric mean\): ([\d.]+)",
                        output_of("decay per step back")).group(1)
    text = " ".join(markdown().split())
    assert (f"is multiplied on average by {printed} per step back (it shrinks about "
            f"{1 / float(printed):.1f}-fold per step), the geometric mean printed under the plot"
            ) in text.replace("$\\lVert\\partial h_t\\rVert$ ", "")
    factor = float(printed)
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


def _fmt(v):
    return "(" + ", ".join(f"{x:g}" for x in v) + ")"


def _matrix(W):
    return "[" + ", ".join("[" + ", ".join(f"{x:g}" for x in row) + "]" for row in W) + "]"


def test_by_hand_solution_numbers_with_and_without_the_gate_at_t2():
    """The solution of the by-hand backward pass, recomputed here with plain numpy from the
    example rnnlib.worked_example defines: the example as the answer states it, the gated ∂h_0,
    and what the -3 would give if the gate at t = 2 were missing."""
    import numpy as np

    pytest.importorskip("rnnlib.solutions", reason="a hand-out copy has no solutions")
    from rnnlib import worked_example
    from rnnlib.solutions import nb04_hidden_state_gradient as solutions
    text = solutions.ANSWERS["by_hand_backward"]
    p = worked_example.params()
    h, masks, dy = worked_example.h0(), {}, {}
    for t, (x, target) in enumerate(zip(worked_example.xs(), worked_example.targets()), start=1):
        h_hat = p.W_hh @ h + p.W_hx @ x + p.b_h
        masks[t], h = (h_hat > 0).astype(int), np.maximum(h_hat, 0)
        dy[t] = float((p.W_yh @ h - target)[0])              # squared error: y_t - target
    assert f"W_hh = {_matrix(p.W_hh)}, W_yh = [{' '.join(f'{w:g}' for w in p.W_yh[0])}]" in text
    assert (f"masks 1[ĥ_t > 0] are {_fmt(masks[1])} at t = 1\nand t = 2, {_fmt(masks[3])} at "
            f"t = 3") in text and (masks[1] == masks[2]).all()
    assert f"give ∂y = {', '.join(f'{dy[t]:g}' for t in (1, 2, 3))}." in text

    def backward(masks):
        dh = {3: p.W_yh[0] * dy[3]}
        for t in (2, 1):
            dh[t] = p.W_yh[0] * dy[t] + p.W_hh.T @ (masks[t + 1] * dh[t + 1])
        dh[0] = p.W_hh.T @ (masks[1] * dh[1])
        return dh

    gated = backward(masks)
    assert f"∂h_0 = W_hhᵀ ∂ĥ_1 = {_fmt(gated[0])}" in text
    open_2 = backward({**masks, 2: np.array([1, 1])})
    assert f"= {_fmt(open_2[1])}, and\n∂h_0 = {_fmt(open_2[0])} instead of {_fmt(gated[0])}" in text
