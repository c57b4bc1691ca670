"""Every plotting function runs headless and returns a labelled Figure; the numbers they draw
come from the library (checked in the other tests), so here: titles, labels, legends, and that
the gate colours follow the mask."""
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

import rnnlib  # noqa: E402
from rnnlib import analysis, plotting  # noqa: E402
from conftest import make_problem  # noqa: E402


@pytest.fixture
def run():
    p, xs, h0, dy = make_problem(T=6, H=5, bias=0.1)
    tr = rnnlib.forward(p, xs, h0)
    return p, xs, tr, rnnlib.backward(p, tr, dy)


def labelled(fig):
    ax = fig.axes[0]
    return bool(ax.get_title()) and (ax.get_xlabel() or not ax.axison)


def test_each_plot_is_a_labelled_figure(run):
    p, xs, tr, g = run
    P = analysis.jacobian_products(p.W_hh, tr.mask)
    figures = [plotting.plot_unrolled(tr), plotting.plot_unrolled(tr, g), plotting.plot_masks(tr),
               plotting.plot_hidden_grad_norms(g), plotting.plot_gradient_heatmap(tr, g),
               plotting.plot_jacobian_norms(analysis.spectral_norms(P),
                                            analysis.largest_singular_value(p.W_hh)),
               plotting.plot_connectivity(analysis.connectivity(p, xs))]
    for fig in figures:
        assert isinstance(fig, matplotlib.figure.Figure) and labelled(fig)
        fig.canvas.draw()
        plt.close(fig)


def test_unrolled_gate_colours_follow_the_mask(run):
    _, _, tr, _ = run
    fig = plotting.plot_unrolled(tr)
    cells = [patch for patch in fig.axes[0].patches
             if isinstance(patch, matplotlib.patches.Rectangle) and patch.get_width() > 0
             and tuple(patch.get_facecolor()) in (plotting.GATE_ON, plotting.GATE_OFF)]
    on = [tuple(c.get_facecolor()) == plotting.GATE_ON for c in cells]
    assert on == tr.mask[1:].ravel().tolist()
    plt.close(fig)


def test_dead_units_are_marked():
    p, xs, h0, _ = make_problem(T=4, H=3, bias=0.1)
    p = p.replace(b_h=np.array([0.1, -50.0, 0.1]))
    fig = plotting.plot_masks(rnnlib.forward(p, xs, h0))
    assert [t.get_text() for t in fig.axes[0].texts].count("dead") == 1
    plt.close(fig)


def test_zero_gradients_do_not_break_log_plots():
    p, xs, h0, _ = make_problem(T=4, H=3)
    tr = rnnlib.forward(p, xs, h0)
    g = rnnlib.backward(p, tr, np.zeros_like(tr.y))
    for fig in (plotting.plot_hidden_grad_norms(g), plotting.plot_gradient_heatmap(tr, g),
                plotting.plot_connectivity(np.zeros(4))):
        fig.canvas.draw()
        plt.close(fig)
