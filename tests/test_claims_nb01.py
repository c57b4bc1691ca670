"""Notebook 01 as the reader sees it: the equations of its worked example state the numbers that
rnnlib.worked_example holds and the notebook's code computes with, and what it says of how many
units are on holds for its printed trace and for other seeds."""
import re
from pathlib import Path

import nbformat
import numpy as np

import rnnlib
from rnnlib import worked_example

NB = Path(__file__).resolve().parents[1] / "notebooks" / "01_forward_pass.ipynb"


def stated_example():
    """{symbol: array} of the equations under '## A worked example you can follow by hand'."""
    [text] = [c.source for c in nbformat.read(NB, as_version=4).cells
              if c.cell_type == "markdown" and "## A worked example you can follow by hand" in c.source]
    matrices = {name: np.array([[float(v) for v in row.split("&")] for row in body.split(r"\\")])
                for name, body in re.findall(
                    r"(W_\{\w+\}|b_h|h_0) = \\begin\{pmatrix\}(.*?)\\end\{pmatrix\}", text, re.S)}
    inputs = re.search(r"x_0, x_1, x_2 = ([^.$]+?) \.", text).group(1)
    matrices["xs"] = np.array([[float(v)] for v in inputs.split(",")])
    return matrices


def test_the_text_states_the_example_that_rnnlib_holds():
    stated = stated_example()
    p = worked_example.params()
    np.testing.assert_array_equal(stated["W_{hh}"], p.W_hh)
    np.testing.assert_array_equal(stated["W_{hx}"], p.W_hx)
    np.testing.assert_array_equal(stated["b_h"][:, 0], p.b_h)    # written as a column
    np.testing.assert_array_equal(stated["W_{yh}"], p.W_yh)
    np.testing.assert_array_equal(stated["h_0"][:, 0], worked_example.h0())
    np.testing.assert_array_equal(stated["xs"], worked_example.xs())


def test_the_code_computes_with_rnnlib_worked_example():
    code = "\n".join(c.source for c in nbformat.read(NB, as_version=4).cells
                     if c.cell_type == "code")
    assert "worked_example.params()" in code and "rnnlib.Params(W_hh=[[" not in code


def test_about_half_the_units_are_on_on_average_not_at_every_step():
    cells = nbformat.read(NB, as_version=4).cells
    [printed] = ["".join(o.get("text", "") for o in c.outputs) for c in cells
                 if c.cell_type == "code" and "long_trace = rnnlib.forward" in c.source]
    mean, low, high = map(float, re.search(
        r"on average ([\d.]+); from ([\d.]+) to ([\d.]+) at a single step", printed).groups())
    assert 0.35 <= mean <= 0.65 and low < mean < high
    text = re.sub(r"\s+", " ", " ".join(c.source for c in cells if c.cell_type == "markdown"))
    assert ("On average about half the units are on, but a single step can have far fewer or "
            "far more") in text
    assert "at any step" not in text
    # "about half" on average for other seeds of the same cell too
    means = []
    for seed in range(8):
        net = rnnlib.init_params(n_input=3, n_hidden=10, n_output=1, seed=seed)
        xs = np.random.default_rng(seed + 1).standard_normal((12, 3))
        means.append(rnnlib.forward(net, xs).mask[1:].mean())
    assert 0.3 <= min(means) and max(means) <= 0.7, means
