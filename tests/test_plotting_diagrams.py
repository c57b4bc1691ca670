"""rnnlib.plotting.diagrams: the unrolled network forwards (plot_unrolled) and backwards
(plot_backward_paths, notebook 04). Their numbers come from the library (checked elsewhere),
so here: they are labelled, their gate cells follow the mask, a × marks each closed gate,
edges are as wide as the gradients they carry, exactly the two paths into ∂h_t are
highlighted, and bad input is named."""
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402
from matplotlib.patches import FancyArrowPatch, Rectangle  # noqa: E402

import rnnlib  # noqa: E402
from rnnlib import plotting  # noqa: E402
from conftest import make_problem  # noqa: E402

HOT = matplotlib.colors.to_rgba(plotting.OKABE_ITO["vermillion"])


@pytest.fixture
def run():
    p, xs, h0, dy = make_problem(T=4, H=3, bias=0.1)
    tr = rnnlib.forward(p, xs, h0)
    return tr, rnnlib.backward(p, tr, dy)


def gate_cells(ax):
    """The cells coloured by a gate, in drawing order: True where the gate is on."""
    cells = [patch for patch in ax.patches if isinstance(patch, Rectangle)
             and patch.get_width() > 0
             and tuple(patch.get_facecolor()) in (plotting.GATE_ON, plotting.GATE_OFF)]
    return [tuple(c.get_facecolor()) == plotting.GATE_ON for c in cells]


def arrows(ax):
    return [patch for patch in ax.patches if isinstance(patch, FancyArrowPatch)]


@pytest.mark.parametrize("draw", [plotting.plot_unrolled, plotting.plot_backward_paths])
def test_labelled_and_gate_cells_follow_the_mask(run, draw):
    tr, g = run
    fig = draw(tr, g)
    ax = fig.axes[0]
    assert ax.get_title() and ax.get_legend() is not None
    assert gate_cells(ax) == tr.mask[1:].ravel().tolist()     # step by step, unit by unit
    fig.canvas.draw()
    plt.close(fig)


def test_the_unrolled_network_names_every_node(run):
    tr, _ = run
    fig = plotting.plot_unrolled(tr)
    labels = {t.get_text() for t in fig.axes[0].texts}
    assert {"$h_0$", "$h_{4}$", "$x_{0}$", "$x_{3}$", "$y_{1}$", "$y_{4}$", "$W_{hh}$",
            "$W_{hx}$", "$W_{yh}$"} <= labels
    assert "$x_{4}$" not in labels and "$y_{0}$" not in labels
    plt.close(fig)


def test_edges_are_as_wide_as_their_gradients(run):
    """With grads the widest edge carries the largest gradient; without, all are alike."""
    tr, g = run
    for draw in (plotting.plot_unrolled, plotting.plot_backward_paths):
        plain = {a.get_linewidth() for a in arrows(draw(tr).axes[0])
                 if a.get_edgecolor() != HOT}
        assert len(plain) == 1
        widths = {a.get_linewidth() for a in arrows(draw(tr, g).axes[0])
                  if a.get_edgecolor() != HOT}
        assert len(widths) > 2
        plt.close("all")


def test_closed_gates_are_crossed_on_the_backward_graph(run):
    tr, g = run
    fig = plotting.plot_backward_paths(tr, g, t=2)
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.texts].count("×") == int((~tr.mask[1:]).sum())
    labels = {t.get_text() for t in ax.texts}
    assert {r"$\partial h_{0}$", r"$\partial \hat h_{4}$", r"$\partial y_{4}$"} <= labels
    plt.close(fig)


def label_x(ax, text):
    (label,) = [t for t in ax.texts if t.get_text() == text]
    return label.get_position()[0]


@pytest.mark.parametrize("t", [1, 2, 3])
def test_exactly_the_two_paths_into_dh_t_are_highlighted(run, t):
    """One highlighted arrow comes down from ∂y_t into ∂h_t, the other from ∂ĥ_{t+1} to its
    right; every other arrow is grey."""
    tr, g = run
    fig = plotting.plot_backward_paths(tr, g, t=t)
    ax = fig.axes[0]
    hot = [a.get_path().get_extents() for a in arrows(ax) if a.get_edgecolor() == HOT]
    assert len(hot) == 2
    x_h = label_x(ax, rf"$\partial h_{{{t}}}$")
    x_next = label_x(ax, rf"$\partial \hat h_{{{t + 1}}}$")
    down, across = sorted(hot, key=lambda box: box.width)
    assert down.x0 < x_h < down.x1 and down.height > 2 * down.width
    assert x_h < across.x0 < across.x1 < x_next and across.width > 2 * across.height
    plt.close(fig)


def test_bad_t_short_traces_and_other_arguments_are_named(run):
    tr, g = run
    with pytest.raises(TypeError, match="trace must be an rnnlib.Trace .*; got Grads"):
        plotting.plot_unrolled(g)
    with pytest.raises(TypeError, match="grads must be an rnnlib.Grads .*; got Trace"):
        plotting.plot_backward_paths(tr, tr)
    with pytest.raises(ValueError, match=r"t must be an integer with 1 <= t <= T-1 = 3.*got 4"):
        plotting.plot_backward_paths(tr, g, t=4)
    p, xs, h0, _ = make_problem(T=1, H=3)
    with pytest.raises(ValueError, match="T >= 2 .* got T = 1"):
        plotting.plot_backward_paths(rnnlib.forward(p, xs, h0))
    plt.close("all")
