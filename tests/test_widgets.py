"""The explorers: headless figures for the defaults and for extreme settings, what the widgets
display in every state, and that updating a picture in place draws what a new one would.
(Moving a control in a real browser is tests/test_browser.py.)"""
import base64
import io
import re

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from IPython.core.pylabtools import print_figure  # noqa: E402

from rnnlib import analysis, widgets  # noqa: E402

FIGURES = [widgets.mask_explorer_figure, widgets.gradient_flow_figure]
EXTREMES = {
    "scale 0": dict(scale=0.0),
    "overflowing scale": dict(scale=1e200),
    "T = 1": dict(T=1),
    "all units dead": dict(bias=-5.0),
    "identity, T = 200, scale 3": dict(init="identity", scale=3.0, T=200),
    "no input": dict(input_amplitude=0.0),
    "Jacobian norms near 1e155": dict(init="identity", scale=6.0, T=200, bias=1.0),
    "Jacobian norms near 1e-238": dict(scale=0.1, T=200),
}
# settings the gradient-flow explorer answers with a message, and a word of that message
MESSAGES = {
    "loss at last step, scale 0": (dict(loss_at="last", scale=0.0), "No gradient reaches"),
    "loss at last step, no input": (dict(loss_at="last", input_amplitude=0.0),
                                    "No gradient reaches"),
    "all units dead": (dict(loss_at="last", bias=-2.0, input_amplitude=0.0),
                       "No gradient reaches"),
    "overflow": (dict(scale=1e200), "overflowed"),
}


def texts(fig):
    return " ".join(t.get_text() for t in fig.texts + [t for ax in fig.axes for t in ax.texts])


def shown(fig):
    """What IPython's inline backend would display: PNG bytes, or None when it would fall
    back to the "<Figure size ... with 0 Axes>" text."""
    return print_figure(fig, "png")


@pytest.mark.parametrize("figure", FIGURES)
def test_default_figure_has_its_panels_and_numbers(figure):
    fig = figure()
    # mask explorer: masks, fraction on; gradient flow: norms, heat map, Jacobians, colour bar
    assert len(fig.axes) == (2 if figure is widgets.mask_explorer_figure else 4)
    assert "spectral radius ρ(W_hh) = " in texts(fig) and "σ_max(W_hh) = " in texts(fig)
    assert tuple(fig.get_size_inches()) == widgets.FIGSIZE
    plt.close(fig)


@pytest.mark.parametrize("settings", EXTREMES.values(), ids=EXTREMES.keys())
@pytest.mark.parametrize("figure", FIGURES)
def test_extreme_settings_show_a_picture_or_a_readable_message(figure, settings):
    fig = figure(**settings, **({"loss_at": "last"} if figure is widgets.gradient_flow_figure else {}))
    assert shown(fig) is not None            # a picture is displayed, never the repr text
    if settings.get("scale", 0) > 1e100:
        assert "overflowed" in texts(fig)
    plt.close(fig)


@pytest.mark.parametrize("settings", [dict(init="identity", scale=6.0, T=200, bias=1.0),
                                      dict(scale=0.1, T=200)])
def test_jacobian_norms_stay_exact_at_extreme_sizes(settings):
    params, trace = widgets.simulate(**{**widgets.DEFAULTS, **settings})
    _, norms, _ = widgets.gradient_flow(params, trace)
    assert np.all(np.isfinite(norms)) and np.all(norms > 0)


# Gaussian W_hh is far from normal: σ_max(W_hh) > ρ(W_hh), so a bound drawn from the wrong one
# shows. (Identity and orthogonal W_hh have σ_max = ρ = the recurrent scale.)
NUMBERS = {"defaults": {}, "loss at last step": dict(loss_at="last"),
           "T = 12, bias 0.5, seed 3": dict(T=12, bias=0.5, seed=3, scale=0.8),
           "identity": dict(init="identity", scale=1.1, bias=0.2)}


def summary_numbers(fig):
    """The numbers printed above an explorer's picture, by their labels."""
    text = texts(fig)
    return {label: re.search(re.escape(label) + r" (\S+(?: of \d+)?)", text).group(1)
            for row in widgets.SUMMARY_LABELS for label in row}


def line_labelled(ax, fragment):
    (line,) = [line for line in ax.get_lines() if fragment in line.get_label()]
    return line.get_ydata()


@pytest.mark.parametrize("settings", NUMBERS.values(), ids=NUMBERS.keys())
def test_the_explorers_show_the_numbers_of_rnnlib_analysis(settings):
    """What the explorers draw and print, recomputed from rnnlib.analysis and numpy: the norms
    of the backward Jacobian products, the bound σ_max(W_hh)^(T−t) (the largest singular value,
    not the spectral radius), and the summary's ρ, σ_max, units on and dead units."""
    settings = {**widgets.DEFAULTS, **settings}
    loss_at = settings.pop("loss_at", "all")
    params, trace = widgets.simulate(**settings)
    W_hh, T = params.W_hh, trace.T
    sigma, rho = analysis.largest_singular_value(W_hh), analysis.spectral_radius(W_hh)
    assert sigma == pytest.approx(np.linalg.norm(W_hh, 2), rel=1e-12)
    assert rho == pytest.approx(np.abs(np.linalg.eigvals(W_hh)).max(), rel=1e-12)
    if settings["init"] == "gaussian":
        assert sigma > 1.2 * rho
    P = analysis.jacobian_products(W_hh, trace.mask)
    norms = np.array([np.linalg.norm(P_t, 2) for P_t in P])

    _, shown_norms, bound_base = widgets.gradient_flow(params, trace, loss_at, settings["seed"])
    np.testing.assert_allclose(shown_norms, norms, rtol=1e-9)
    assert bound_base == sigma

    fig = widgets.gradient_flow_figure(loss_at=loss_at, **settings)
    ax_jac = fig.axes[2]
    products = line_labelled(ax_jac, r"W_{hh}^\top D_{t+1}")
    np.testing.assert_allclose(products, np.where(norms > 0, norms, np.nan), rtol=1e-9)
    bound = line_labelled(ax_jac, "bound")
    drawn = np.isfinite(bound)
    assert drawn.sum() >= min(T, 5), "the bound is drawn over a few steps at least"
    steps_back = T - np.arange(T + 1)
    np.testing.assert_allclose(bound[drawn], sigma ** steps_back[drawn], rtol=1e-9)
    active = trace.mask[1:]
    expected = [f"{rho:.2f}", f"{sigma:.2f}", f"{active.mean():.0%}",
                f"{int((~active.any(axis=0)).sum())} of {active.shape[1]}"]
    labels = [label for row in widgets.SUMMARY_LABELS for label in row]
    for make in (lambda: fig, lambda: widgets.mask_explorer_figure(**settings)):
        shown = make()
        assert [summary_numbers(shown)[label] for label in labels] == expected
        plt.close(shown)


def test_all_dead_units_say_so():
    fig = widgets.gradient_flow_figure(bias=-5.0, loss_at="last")
    assert "No gradient reaches any earlier state" in texts(fig) and shown(fig) is not None
    plt.close(fig)


def test_overflow_message_names_the_step_and_the_control():
    fig = widgets.mask_explorer_figure(scale=1e200)
    assert "overflowed at step t = " in texts(fig) and "recurrent scale (now 1e+200)" in texts(fig)
    plt.close(fig)


def set_controls(explorer, **values):
    for name, value in values.items():
        control = explorer.controls[name]
        if hasattr(control, "max") and value > control.max:
            control.max = 2 * value          # beyond the slider, as a test of the message only
        control.value = value


def displayed(explorer):
    """Everything the explorer's picture area shows, as {mime type: text}."""
    (output,) = explorer.picture.outputs
    return output["data"]


@pytest.mark.parametrize("settings, word", MESSAGES.values(), ids=MESSAGES.keys())
def test_every_message_state_displays_the_message(settings, word):
    explorer = widgets.gradient_flow_explorer()
    set_controls(explorer, **settings)
    data = displayed(explorer)
    assert word in data["text/html"] and word in data["text/plain"]
    assert not any("<Figure size" in str(value) for value in data.values())
    set_controls(explorer, **{"scale": 1.0, "input_amplitude": 1.0, "bias": 0.0})
    assert "image/png" in displayed(explorer)          # and back to a picture


@pytest.mark.parametrize("settings", [dict(input_amplitude=0.0), dict(bias=-2.0), dict(scale=0.0),
                                      dict(T=1), dict(scale=1e200)])
def test_mask_explorer_displays_a_picture_or_a_message_never_a_repr(settings):
    explorer = widgets.mask_explorer()
    set_controls(explorer, **settings)
    data = displayed(explorer)
    assert ("image/png" in data) != ("text/html" in data)
    assert "overflowed" in data["text/html"] if "scale" in settings and settings["scale"] > 3 \
        else "image/png" in data
    assert not any("<Figure size" in str(value) for value in data.values())


def pixels(png):
    return plt.imread(io.BytesIO(png))


# Each step changes what the fast redraw must repaint (rnnlib.blitting paints only the artists
# that mask_changing / gradient_flow_changing name over a kept background): the recurrent scale
# moves the log-axis limits, ticks and the colour limits; loss_at changes a title; scale 0 puts
# a "= 0" entry into the Jacobian legend (a new background); the loss at the last step with
# bias -1 puts exact zeros into ‖∂h_t‖ (a legend placed where the data leave room); T builds a
# new figure; a message state and back; bias -1 kills units (the mask explorer's dead units).
STEPS = {
    widgets.mask_explorer: [dict(scale=1.5), dict(bias=-1.0), dict(scale=0.6), dict(T=8),
                            dict(seed=3), dict(scale=1e200), dict(scale=1.0, bias=0.0)],
    widgets.gradient_flow_explorer: [
        dict(scale=1.5), dict(scale=0.5), dict(scale=0.0), dict(scale=0.8),
        dict(loss_at="last"), dict(bias=-1.0, scale=0.3), dict(bias=-0.5),
        dict(seed=2, scale=0.9), dict(scale=2.0, loss_at="all", bias=0.0), dict(T=5),
        dict(scale=1.2), dict(scale=1e200), dict(scale=0.7)],
}


def y_limits_and_legends(fig):
    return [(ax.get_ylim(), tuple(t.get_text() for t in ax.get_legend().get_texts())
             if ax.get_legend() else ()) for ax in fig.axes]


@pytest.mark.parametrize("make", STEPS, ids=["mask", "gradient flow"])
def test_updating_in_place_draws_what_a_new_figure_draws(make):
    """After every step the explorer's picture (an in-place update painted over a kept
    background) has the pixels of a new figure drawn in full for the same settings, within
    2/255 per channel."""
    explorer = make()
    seen = [y_limits_and_legends(explorer.fig)]
    for step in STEPS[make]:
        set_controls(explorer, **step)
        fresh = matplotlib.figure.Figure(figsize=widgets.FIGSIZE, dpi=widgets.DPI)
        drawn = explorer.draw(fresh, explorer.settings())
        if isinstance(drawn, str):
            assert drawn in displayed(explorer)["text/plain"]
            continue
        got = pixels(base64.b64decode(displayed(explorer)["image/png"]))
        want = pixels(widgets.png_bytes(fresh))
        assert got.shape == want.shape
        differ = np.abs(got - want).max(axis=2) > 2 / 255
        assert not differ.any(), (f"after {step}: {differ.sum()} pixels differ, rows "
                                  f"{np.flatnonzero(differ.any(axis=1))[[0, -1]]}")
        seen.append(y_limits_and_legends(explorer.fig))
    # the steps did move what the fast redraw must follow: limits and legend entries
    limits = [[ax for ax, _ in axes] for axes in seen]
    legends = [[entries for _, entries in axes] for axes in seen]
    if make is widgets.gradient_flow_explorer:
        assert len({str(x) for x in limits}) >= 5
        assert len({str(x[2]) for x in legends}) == 2 and len({str(x[0]) for x in legends}) == 2
    else:                                                  # the number of dead units
        assert len({str(x[0]) for x in legends}) >= 2


def test_only_a_change_of_T_builds_a_new_figure():
    explorer = widgets.gradient_flow_explorer()
    axes = explorer.fig.axes[0]
    set_controls(explorer, scale=1.3, bias=0.2, seed=4, loss_at="last")
    assert explorer.fig.axes[0] is axes                  # updated in place
    set_controls(explorer, T=20)
    assert explorer.fig.axes[0] is not axes             # rebuilt for the new T


def test_two_moves_at_once_draw_one_at_a_time_and_the_last_values_win():
    """JupyterLab sends widget messages over kernel subshells, which ipykernel 7 runs in threads
    of their own: two quick moves can call the explorer's observer twice at once. Two draws
    into one figure at once garbled the picture, or crashed matplotlib's font code. Here the
    draw is replaced by a slow stand-in that counts how many run at once (the real one could
    crash this process): never more than one. The first move's reading of the controls pauses
    while the second move is made: the picture area must still end on the final values, which
    it does only if the controls are read once the lock is held."""
    import threading
    import time

    explorer = widgets.gradient_flow_explorer()
    running, most = [0], [0]

    def slow_draw(fig, settings):
        running[0] += 1
        most[0] = max(most[0], running[0])
        time.sleep(0.02)                                 # a draw takes 40-70 ms
        running[0] -= 1
        return f"drawn for seed {settings['seed']}, scale {settings['scale']}"

    read = explorer.settings

    def read_then_pause():
        values = read()
        if threading.current_thread().name == "first move":
            time.sleep(0.05)                             # the second move comes now
        return values

    explorer.draw, explorer.settings = slow_draw, read_then_pause
    errors = []

    def move(**values):
        try:
            set_controls(explorer, **values)
        except Exception as exc:                         # noqa: BLE001 (reported below)
            errors.append(exc)

    for trial in range(3):
        first = threading.Thread(target=move, kwargs={"seed": trial + 1}, name="first move")
        second = threading.Thread(target=move, kwargs={"scale": 0.5 + 0.1 * trial})
        first.start()
        time.sleep(0.01)
        second.start()
        for thread in (first, second):
            thread.join(10)
            assert not thread.is_alive(), "a move never finished: the observers deadlocked"
        assert not errors, errors
        assert most[0] == 1, "two draws ran at once"
        assert explorer.shown_settings == read()
        assert f"seed {trial + 1}, scale {0.5 + 0.1 * trial}" in displayed(explorer)["text/plain"]


def test_a_drawing_error_is_shown_named_and_the_next_move_draws_again(monkeypatch):
    """An exception in an observer is only logged by the kernel: the old picture would stay on
    screen, looking like the answer to the move. The explorer shows a message naming the error
    instead. The failure here comes halfway through building the figure for a new T; the next
    move must build it again, not keep failing on the half-built one."""
    from rnnlib import plotting

    explorer = widgets.gradient_flow_explorer()
    plot_jacobian_norms = plotting.plot_jacobian_norms

    def fails_once(*args, **kwargs):
        monkeypatch.setattr(plotting, "plot_jacobian_norms", plot_jacobian_norms)
        raise FloatingPointError("planted failure")

    monkeypatch.setattr(plotting, "plot_jacobian_norms", fails_once)
    # a build cut short (even by Ctrl-C, which no except catches) leaves the figure unnamed,
    # so the next draw builds it again
    fig = matplotlib.figure.Figure()
    with pytest.raises(FloatingPointError):
        widgets.draw_gradient_flow(fig, {**widgets.DEFAULTS, "T": 20})
    assert fig.get_gid() is None
    monkeypatch.setattr(plotting, "plot_jacobian_norms", fails_once)
    set_controls(explorer, T=20)
    data = displayed(explorer)
    assert "image/png" not in data
    assert "FloatingPointError: planted failure" in data["text/html"]
    assert explorer.shown_settings == explorer.settings()
    set_controls(explorer, seed=3)
    fresh = matplotlib.figure.Figure(figsize=widgets.FIGSIZE, dpi=widgets.DPI)
    widgets.draw_gradient_flow(fresh, explorer.settings())
    assert "image/png" in displayed(explorer), displayed(explorer)["text/plain"]
    assert np.abs(pixels(base64.b64decode(displayed(explorer)["image/png"]))
                  - pixels(widgets.png_bytes(fresh))).max() <= 2 / 255


@pytest.mark.parametrize("make, n_controls", [(widgets.mask_explorer, 6),
                                              (widgets.gradient_flow_explorer, 7)])
def test_explorers_have_labelled_explained_controls_in_a_flexible_grid(make, n_controls):
    explorer = make()
    grid, help_line, picture = explorer.children
    descriptions = {c.description for c in grid.children}
    assert len(descriptions) == n_controls
    assert {"W_hh init", "recurrent scale", "bias b_h", "input amplitude", "T (steps)",
            "seed"} <= descriptions
    assert all(c.tooltip and len(c.tooltip) > 20 for c in grid.children)
    assert grid.layout.grid_template_columns == "repeat(3, minmax(0, 1fr))"
    assert "arrow keys" in help_line.value and "type" in help_line.value
    assert "bias 0" in help_line.value                     # why input amplitude looks dead
    costly = [c for c in grid.children if hasattr(c, "continuous_update")]
    assert costly and all(c.continuous_update is False for c in costly)


def test_input_amplitude_changes_nothing_at_bias_0_and_something_at_bias_1():
    """The help line's claim (positive homogeneity of a bias-free ReLU network)."""
    def masks(**settings):
        return widgets.simulate(**{**widgets.DEFAULTS, **settings})[1].mask
    assert np.array_equal(masks(input_amplitude=0.3), masks(input_amplitude=2.5))
    assert not np.array_equal(masks(input_amplitude=0.3, bias=1.0),
                              masks(input_amplitude=2.5, bias=1.0))


@pytest.mark.parametrize("make", [widgets.mask_explorer, widgets.gradient_flow_explorer])
def test_before_the_cell_runs_the_explorer_reads_as_an_instruction(make):
    bundle = make()._repr_mimebundle_()
    assert bundle["text/plain"] == widgets.PLAIN_TEXT
    assert "application/vnd.jupyter.widget-view+json" in bundle


def test_static_copy_is_folded_with_the_picture_inside():
    fig = widgets.mask_explorer_figure()
    bundle = widgets.static_copy(fig)._repr_mimebundle_()
    assert bundle["text/html"].startswith(f"<details><summary>{widgets.STATIC_SUMMARY}</summary>")
    png = bundle["text/html"].split("data:image/png;base64,")[1].split('"')[0]
    assert base64.b64decode(png).startswith(b"\x89PNG")
    assert fig.number not in plt.get_fignums()           # not shown a second time
