"""Notebook 03's sentences about its printed numbers, checked against the stored outputs (and,
where the claim is structural, over several seeds)."""
import re
from pathlib import Path

import nbformat
import numpy as np
import pytest

import rnnlib

NB = Path(__file__).resolve().parent.parent / "notebooks" / "03_relu_gate.ipynb"


def _output(cell_id):
    cell = next(c for c in nbformat.read(NB, 4).cells if c.get("id") == cell_id)
    return "".join(o.get("text", "") for o in cell.outputs if o.output_type == "stream")


def _markdown(cell_id):
    """The markdown cell's text, with the markdown cells that continue it up to the next code
    cell (tools/slides.py cuts long cells at blank lines into consecutive pieces)."""
    cells = nbformat.read(NB, 4).cells
    start = next(i for i, c in enumerate(cells) if c.get("id") == cell_id)
    pieces = []
    for c in cells[start:]:
        if c.cell_type != "markdown":
            break
        pieces.append(c.source)
    return "\n\n".join(pieces)


def test_every_padding_step_puts_every_unit_on_the_kink():
    assert ("Every padding step in front of the data puts all $H$ units exactly on the kink"
            in _markdown("c7a1e0c0"))
    out = _output("c7a1e0b9")
    zeros = int(re.search(r"exactly 0: (\d+) of", out).group(1))
    steps, H, product = map(int, re.search(r"padding steps × H: +(\d+) × (\d+) = (\d+)",
                                           out).groups())
    assert zeros == product == steps * H


@pytest.mark.parametrize("seed", range(5))
def test_padding_claim_holds_for_other_seeds(seed):
    rng = np.random.default_rng(seed)
    p = rnnlib.init_params(3, 8, 1, seed=seed)          # defaults: b_h = 0; h0 = 0 below
    lengths = rng.integers(4, 13, size=16)
    xs = np.zeros((12, 16, 3))
    for b, n in enumerate(lengths):
        xs[12 - n:, b] = rng.standard_normal((n, 3))
    assert int((rnnlib.forward(p, xs).h_hat[1:] == 0).sum()) == int((12 - lengths).sum()) * 8


def test_kinked_bias_gradient_is_the_left_slope_in_both_passes():
    out = _output("e2f87390")
    left, right, central, mean = map(float, re.search(
        r"left slope (\S+), right slope (\S+), central (\S+), mean of the slopes (\S+)",
        out).groups())
    fast = float(re.search(r"ReLU'\(0\) = 0: (\S+) +\(= the left slope\)", out).group(1))
    literal = float(re.search(r"backward_literal: +(\S+)", out).group(1))
    assert fast == literal == left and central == mean and left != right


def test_gradcheck_on_the_kinked_example_is_inconclusive_for_db_h_and_dh0():
    assert "the verdict is *inconclusive*, not a pass" in _markdown("461aa32a")
    out = _output("8d59de30")
    assert re.search(r"^db_h +\| 8 kink\(s\) skipped", out, re.M)
    assert re.search(r"^dh0 +\| 8 kink\(s\) skipped", out, re.M)
    assert "INCONCLUSIVE: nothing verified for db_h, dh0" in out
    assert "report.status: inconclusive    report.ok: False" in out


def test_closed_gates_pass_no_gradient_and_h_nonneg_opens_every_gate():
    assert "largest |∂ĥ| at a closed gate: 0.0\n" in _output("1ccf74c2")
    out = _output("66ac282b")
    assert "ĥ > 0 and h > 0 identical: True" in out and "h >= 0: 100%" in out


def test_input_amplitude_matters_at_bias_0_only_between_0_and_the_rest():
    """The explorer's note (and docs/explorers.md, tests/test_readme.py): at bias 0 every amplitude above 0 gives the same gates,
    while amplitude 0 leaves every unit off (so "no effect" is said for amplitudes above 0)."""
    from rnnlib import widgets

    note = widgets.AMPLITUDE_NOTE
    assert "for any amplitude above 0" in note and "at 0 every unit is off" in note
    for seed in range(5):
        masks = [widgets.simulate(input_amplitude=a, seed=seed)[1].mask[1:]
                 for a in (0.0, 0.1, 1.0, 3.0)]
        assert not masks[0].any()
        assert masks[1].any() and all(np.array_equal(masks[1], m) for m in masks[2:])


def test_of_the_gates_at_t_1_only_unit_0s_feeds_db_h_0():
    """TEACHING.md (03 ex. 4; its sentence: tests/test_readme.py): flipping another unit's gate at t = 1 leaves ∂b_h[0] as it is;
    flipping other units' gates at later steps does change it."""
    import dataclasses

    for seed in range(5):
        rng = np.random.default_rng(seed)
        params = rnnlib.init_params(3, 4, 2, seed=seed)
        trace = rnnlib.forward(params, rng.standard_normal((10, 3)))
        dy = rnnlib.random_upstream(trace, seed=seed)

        def db_h0(mask):
            return rnnlib.backward(params, dataclasses.replace(trace, mask=mask), dy).db_h[0]

        at_1, later = trace.mask.copy(), trace.mask.copy()
        at_1[1, 1:] = ~at_1[1, 1:]
        later[4:, 1:] = ~later[4:, 1:]
        assert db_h0(at_1) == db_h0(trace.mask) != db_h0(later)


def test_relu_grad_at_0_names_the_functions_not_the_frameworks():
    """ReLU'(0) = 0 is what torch.relu and jax.nn.relu give; torch.maximum / jnp.maximum give ½
    (checked by hand with PyTorch 2.14 and JAX 0.10; neither is a dependency here)."""
    root = NB.parents[1]
    texts = [(root / "notes" / "original_notes.md").read_text()]      # docs, TEACHING.md:
                                                                       # tests/test_readme.py
    texts += [" ".join(c.source for c in nbformat.read(root / "notebooks" / f, 4).cells)
              for f in ("00_start_here.ipynb", "03_relu_gate.ipynb")]
    for text in (" ".join(t.split()) for t in texts):
        assert "PyTorch and JAX" not in text and "`torch.relu` and `jax.nn.relu`" in text
    assert rnnlib.relu_grad(np.array([-1.0, 0.0, 1.0])).tolist() == [0.0, 0.0, 1.0]
