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
               plotting.plot_open_gate_gradients(tr, g),
               plotting.plot_jacobian_norms(analysis.spectral_norms(P),
                                            analysis.largest_singular_value(p.W_hh))]
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


def test_dead_units_are_marked_and_counted_once():
    p, xs, h0, _ = make_problem(T=4, H=6, bias=0.1)
    p = p.replace(b_h=np.array([50.0, -50.0, 50.0, -50.0, -50.0, 50.0]))
    tr = rnnlib.forward(p, xs, h0)
    dead = np.flatnonzero(~tr.mask[1:].any(axis=0))
    assert dead.size >= 2
    fig = plotting.plot_masks(tr)
    ax = fig.axes[0]
    marks = [line for line in ax.get_lines() if line.get_gid() == "dead"]
    assert marks[0].get_ydata().tolist() == dead.tolist()     # one mark per dead unit
    assert not any("dead" in t.get_text() for t in ax.texts)  # no label per unit
    assert [t.get_text() for t in ax.get_legend().get_texts()][-1] == \
        f"{dead.size} dead units (never on)"
    plt.close(fig)


def test_zero_gradients_are_marked_as_zeros_not_drawn_at_a_floor():
    p, xs, h0, _ = make_problem(T=4, H=3)
    tr = rnnlib.forward(p, xs, h0)
    dy = np.zeros_like(tr.y)
    dy[2] = 1.0                               # ∂h_3 = ∂h_4 = 0 exactly, ∂h_0..2 not
    g = rnnlib.backward(p, tr, dy)
    fig = plotting.plot_hidden_grad_norms(g)
    ax = fig.axes[0]
    line, = [a for a in ax.get_lines() if a.get_gid() == "norms"]
    zeros, = [a for a in ax.get_lines() if a.get_gid() == "norms = 0"]
    y = np.asarray(line.get_ydata(), dtype=float)
    assert np.all(np.isnan(y) == (np.asarray(line.get_xdata()) >= 3))
    assert len(zeros.get_xdata()) == 2 and zeros.get_label() in \
        [t.get_text() for t in ax.get_legend().get_texts()]
    fig.canvas.draw()
    plt.close(fig)


def test_zero_gradients_do_not_break_log_plots():
    p, xs, h0, _ = make_problem(T=4, H=3)
    tr = rnnlib.forward(p, xs, h0)
    g = rnnlib.backward(p, tr, np.zeros_like(tr.y))
    for fig in (plotting.plot_hidden_grad_norms(g), plotting.plot_gradient_heatmap(tr, g),
                plotting.plot_open_gate_gradients(tr, g),
                plotting.plot_jacobian_norms(np.zeros(5), 0.0)):
        fig.canvas.draw()
        plt.close(fig)


def deuteranopia(rgb):
    """Colours as a deuteranope sees them (Machado et al. 2009, severity 1, linear RGB)."""
    M = np.array([[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413],
                  [-0.011820, 0.042940, 0.968881]])
    lin = np.where(rgb <= 0.04045, rgb / 12.92, ((rgb + 0.055) / 1.055) ** 2.4)
    return np.clip(lin @ M.T, 0, 1)


def test_jacobian_panel_hues_stay_apart_for_deuteranopes():
    fig = plotting.plot_jacobian_norms(np.array([1e-3, 1e-2, 1.0]), 1.5)
    ax = fig.axes[0]
    colours = [matplotlib.colors.to_rgb(a.get_color()) for a in ax.get_lines()
               if a.get_gid() in ("products", "bound")]
    seen = deuteranopia(np.array(colours))
    assert np.linalg.norm(seen[0] - seen[1]) > 0.5   # orange vs vermillion: 0.31, blue vs orange: 0.77
    plt.close(fig)


def test_closed_gates_are_outside_the_colour_map_and_crosses_are_outlined(run):
    p, xs, tr, g = run
    fig = plotting.plot_open_gate_gradients(tr, g)
    image = fig.axes[0].images[0]
    cividis = matplotlib.colormaps["cividis"](np.linspace(0, 1, 256))[:, :3]
    closed = np.array(image.get_cmap().get_bad()[:3])
    assert np.min(np.linalg.norm(cividis - closed, axis=1)) > 0.1
    assert np.min(np.linalg.norm(deuteranopia(cividis) - deuteranopia(closed), axis=1)) > 0.1
    assert len(fig.axes) == 2                                # the colour bar
    plt.close(fig)
    fig = plotting.plot_gradient_heatmap(tr, g)
    cross, = [a for a in fig.axes[0].get_lines() if a.get_marker() == "x"]
    assert matplotlib.colors.to_hex(cross.get_color()) == "#000000"
    assert cross.get_path_effects()                          # the white outline
    plt.close(fig)
