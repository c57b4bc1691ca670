"""rnnlib.plotting.time_steps: every figure runs headless and returns a labelled Figure that
draws its numbers (read back through the artists' data); dead units and exact zeros are
marked, not hidden; colours stay apart for colour-blind readers; an update draws what a new
figure draws."""
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

import rnnlib  # noqa: E402
from rnnlib import analysis, plotting  # noqa: E402
from conftest import make_problem  # noqa: E402

ZERO_LABEL = "= 0 (not on a log axis)"


@pytest.fixture
def run():
    p, xs, h0, dy = make_problem(T=6, H=5, bias=0.1)
    tr = rnnlib.forward(p, xs, h0)
    return p, xs, tr, rnnlib.backward(p, tr, dy)


def jacobian_panel(p, tr):
    P = analysis.jacobian_products(p.W_hh, tr.mask)
    return plotting.plot_jacobian_norms(analysis.spectral_norms(P),
                                        analysis.largest_singular_value(p.W_hh))


def test_each_plot_is_a_labelled_figure(run):
    p, xs, tr, g = run
    figures = [plotting.plot_masks(tr), plotting.plot_hidden_grad_norms(g),
               plotting.plot_gradient_heatmap(tr, g), plotting.plot_open_gate_gradients(tr, g),
               jacobian_panel(p, tr)]
    for fig in figures:
        assert isinstance(fig, matplotlib.figure.Figure)
        ax = fig.axes[0]
        assert ax.get_title() and ax.get_xlabel() == "time step $t$" and ax.get_ylabel()
        fig.canvas.draw()
        plt.close(fig)


def test_masks_are_drawn_unit_by_step_with_the_fraction_on_above(run):
    _, _, tr, _ = run
    fig = plotting.plot_masks(tr)
    ax = fig.axes[0]
    np.testing.assert_array_equal(ax.images[0].get_array(), tr.mask[1:].T)
    assert [t.get_text() for t in ax.texts] == [f"{m:.0%}" for m in tr.mask[1:].mean(axis=1)]
    plt.close(fig)


def test_dead_units_are_marked_and_counted_once():
    p, xs, h0, _ = make_problem(T=4, H=6, bias=0.1)
    p = p.replace(b_h=np.array([50.0, -50.0, 50.0, -50.0, -50.0, 50.0]))
    tr = rnnlib.forward(p, xs, h0)
    dead = np.flatnonzero(~tr.mask[1:].any(axis=0))
    assert dead.size >= 2
    fig = plotting.plot_masks(tr)
    ax = fig.axes[0]
    (marks,) = [line for line in ax.get_lines() if "dead unit" in line.get_label()]
    assert marks.get_ydata().tolist() == dead.tolist()        # one mark per dead unit
    assert not any("dead" in t.get_text() for t in ax.texts)  # no label per unit
    assert [t.get_text() for t in ax.get_legend().get_texts()][-1] == \
        f"{dead.size} dead units (never on)"
    plt.close(fig)


def norms_and_zeros(ax, label=ZERO_LABEL):
    """The data line and the "= 0" markers of a log-scale panel."""
    (zeros,) = [a for a in ax.get_lines() if a.get_label() == label]
    (line,) = [a for a in ax.get_lines() if a.get_label() != label and a.get_marker() == "o"]
    return line, zeros


def test_zero_gradients_are_marked_as_zeros_not_drawn_at_a_floor():
    p, xs, h0, _ = make_problem(T=4, H=3)
    tr = rnnlib.forward(p, xs, h0)
    dy = np.zeros_like(tr.y)
    dy[2] = 1.0                               # ∂h_3 = ∂h_4 = 0 exactly, ∂h_0..2 not
    g = rnnlib.backward(p, tr, dy)
    fig = plotting.plot_hidden_grad_norms(g)
    ax = fig.axes[0]
    line, zeros = norms_and_zeros(ax)
    y = np.asarray(line.get_ydata(), dtype=float)
    np.testing.assert_allclose(y[:3], np.linalg.norm(g.dh[:3], axis=1), rtol=1e-12)
    assert np.all(np.isnan(y[3:]))
    assert zeros.get_xdata().tolist() == [3, 4]
    assert zeros.get_label() in [t.get_text() for t in ax.get_legend().get_texts()]
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


def test_the_jacobian_panel_draws_the_norms_and_the_bound(run):
    p, _, tr, _ = run
    norms = np.array([2e-3, 1e-2, 0.0, 0.5, 1.0])
    fig = plotting.plot_jacobian_norms(norms, 1.5)
    ax = fig.axes[0]
    (products,) = [a for a in ax.get_lines() if r"W_{hh}^\top" in a.get_label()]
    (bound,) = [a for a in ax.get_lines() if a.get_label().startswith("bound")]
    np.testing.assert_array_equal(products.get_ydata(), [2e-3, 1e-2, np.nan, 0.5, 1.0])
    np.testing.assert_allclose(bound.get_ydata(), 1.5 ** np.arange(4, -1, -1))
    assert "σ_max = 1.50" in bound.get_label()
    assert ax.get_yscale() == "log"
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
               if r"W_{hh}^\top" in a.get_label() or a.get_label().startswith("bound")]
    seen = deuteranopia(np.array(colours))
    # orange vs vermillion: 0.31, blue vs orange: 0.77
    assert np.linalg.norm(seen[0] - seen[1]) > 0.5
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
    shown = image.get_array()
    np.testing.assert_array_equal(np.ma.getmaskarray(shown), ~tr.mask[1:].T)
    open_ = tr.mask[1:].T
    np.testing.assert_allclose(shown[open_], np.log10(np.abs(g.dh[1:].T[open_])), rtol=1e-12)
    plt.close(fig)
    fig = plotting.plot_gradient_heatmap(tr, g)
    cross, = [a for a in fig.axes[0].get_lines() if a.get_marker() == "x"]
    assert matplotlib.colors.to_hex(cross.get_color()) == "#000000"
    assert cross.get_path_effects()                          # the white outline
    t_closed, i_closed = np.nonzero(~tr.mask[1:])
    assert sorted(zip(cross.get_xdata(), cross.get_ydata())) == \
        sorted(zip(t_closed + 1, i_closed))
    plt.close(fig)


def pixels(fig):
    fig.canvas.draw()
    return np.asarray(fig.canvas.buffer_rgba()).copy()


def test_an_update_draws_what_a_new_figure_draws():
    """Each update_* function on an axes made for other data gives the new figure's pixels."""
    (p1, xs1, h1, dy1), (p2, xs2, h2, dy2) = make_problem(T=6, H=5, seed=1), \
        make_problem(T=6, H=5, seed=2, scale=2.0)
    runs = []
    for p, xs, h0, dy in ((p1, xs1, h1, dy1), (p2, xs2, h2, dy2)):
        tr = rnnlib.forward(p, xs, h0)
        P = analysis.jacobian_products(p.W_hh, tr.mask)
        runs.append((tr, rnnlib.backward(p, tr, dy), analysis.spectral_norms(P),
                     analysis.largest_singular_value(p.W_hh)))
    (tr1, g1, n1, s1), (tr2, g2, n2, s2) = runs
    pairs = [(lambda tr, g, n, s: plotting.plot_masks(tr),
              lambda ax, tr, g, n, s: plotting.update_masks(ax, tr)),
             (lambda tr, g, n, s: plotting.plot_hidden_grad_norms(g),
              lambda ax, tr, g, n, s: plotting.update_hidden_grad_norms(ax, g)),
             (lambda tr, g, n, s: plotting.plot_open_gate_gradients(tr, g),
              lambda ax, tr, g, n, s: plotting.update_open_gate_gradients(ax, tr, g)),
             (lambda tr, g, n, s: plotting.plot_jacobian_norms(n, s),
              lambda ax, tr, g, n, s: plotting.update_jacobian_norms(ax, n, s))]
    for plot, update in pairs:
        updated = plot(*runs[0])
        update(updated.axes[0], *runs[1])
        fresh = plot(*runs[1])
        np.testing.assert_array_equal(pixels(updated), pixels(fresh))
        plt.close(updated)
        plt.close(fresh)


@pytest.mark.parametrize("call, error, message", [
    (lambda tr, g: plotting.plot_masks(g), TypeError,
     "trace must be an rnnlib.Trace .*; got Grads"),
    (lambda tr, g: plotting.plot_hidden_grad_norms(tr), TypeError,
     "grads must be an rnnlib.Grads .*; got Trace"),
    (lambda tr, g: plotting.plot_open_gate_gradients(tr, tr), TypeError,
     "grads must be an rnnlib.Grads"),
    (lambda tr, g: plotting.plot_gradient_heatmap(
        tr, rnnlib.backward(*short_run())), ValueError,
     r"grads must come from a backward pass over trace: grads.dh has shape \(3, 5\), "
     r"trace.h \(7, 5\)"),
    (lambda tr, g: plotting.plot_masks(tr, example=1), ValueError,
     "example must be an integer with 0 <= example < B = 1; got 1"),
    (lambda tr, g: plotting.plot_jacobian_norms(np.ones((2, 2)), 1.0), ValueError,
     r"norms must have shape \(S,\); got \(2, 2\)"),
    (lambda tr, g: plotting.plot_jacobian_norms(np.ones(3), "1"), TypeError,
     "sigma_max must be a real number; got str"),
])
def test_bad_arguments_are_named(run, call, error, message):
    _, _, tr, g = run
    with pytest.raises(error, match=message):
        call(tr, g)
    plt.close("all")


def short_run():
    """Params, a T = 2 trace of H = 5 units and its upstream gradient."""
    p, xs, h0, dy = make_problem(T=2, H=5)
    tr = rnnlib.forward(p, xs, h0)
    return p, tr, dy


def test_a_batch_draws_the_example_asked_for():
    p, xs, h0, dy = make_problem(T=5, B=3, H=4, bias=0.5)
    tr = rnnlib.forward(p, xs, h0)
    fig = plotting.plot_masks(tr, example=2)
    np.testing.assert_array_equal(fig.axes[0].images[0].get_array(), tr.mask[1:, 2].T)
    with pytest.raises(ValueError, match="0 <= example < B = 3; got 3"):
        plotting.plot_masks(tr, example=3)
    plt.close("all")
