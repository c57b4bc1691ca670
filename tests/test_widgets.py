"""The explorers' widgets: what the picture area displays in every state, that an update in
place (painted over a kept background) draws what a new figure would, one update at a time,
errors shown, the controls, and the static copy. (Their pictures without widgets:
tests/test_plotting_explorers.py; moving a control in a real browser: tests/test_browser.py.)"""
import base64
import io

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from IPython.core.formatters import format_display_data  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from rnnlib import plotting, widgets  # noqa: E402

# settings the gradient-flow explorer answers with a message, and a word of that message
MESSAGES = {
    "loss at last step, scale 0": (dict(loss_at="last", scale=0.0), "No gradient reaches"),
    "loss at last step, no input": (dict(loss_at="last", input_amplitude=0.0),
                                    "No gradient reaches"),
    "all units dead": (dict(loss_at="last", bias=-2.0, input_amplitude=0.0),
                       "No gradient reaches"),
    "overflow": (dict(scale=1e200), "overflowed"),
}


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
# that changing_artists names over a kept background): the recurrent scale
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
        fresh = Figure(figsize=plotting.FIGSIZE, dpi=plotting.DPI)
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


def full_draws_per_move(explorer, moves):
    """How many full draws of the figure each move made (0: the update was painted over the
    kept background); matplotlib sends a draw_event at the end of each full draw."""
    counts = []

    def count(event):
        counts[-1] += 1

    connection = explorer.fig.canvas.mpl_connect("draw_event", count)
    try:
        for move in moves:
            counts.append(0)
            set_controls(explorer, **move)
    finally:
        explorer.fig.canvas.mpl_disconnect(connection)
    return counts


def test_a_move_paints_over_the_kept_background_and_only_T_draws_a_new_one():
    """The speed of an update: moving scale, bias, seed or where the loss sits draws nothing
    but the changing artists; a new T (a new figure) draws everything once."""
    explorer = widgets.gradient_flow_explorer()
    moves = [dict(scale=1.3), dict(bias=0.2), dict(seed=4), dict(loss_at="last"), dict(T=20),
             dict(scale=1.1)]
    assert full_draws_per_move(explorer, moves) == [0, 0, 0, 0, 1, 0]
    assert full_draws_per_move(widgets.mask_explorer(), moves[:3] + moves[4:]) == [0, 0, 0, 1, 0]


def test_two_moves_at_once_draw_one_at_a_time_and_the_last_values_win():
    """JupyterLab sends widget messages over kernel subshells, which ipykernel 7 runs in threads
    of their own: two quick moves can call the explorer's observer twice at once. Two draws
    into one figure at once garble the picture, or crash matplotlib's font code. Here the
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


def test_a_drawing_error_is_shown_named_and_the_next_move_draws_again():
    """An exception in an observer is only logged by the kernel: the old picture would stay on
    screen, looking like the answer to the move. The explorer shows a message naming the error
    instead, and the next move draws again. (A build cut short is done again by the next
    draw: tests/test_plotting_explorers.py.)"""
    explorer = widgets.gradient_flow_explorer()
    draw, failures = explorer.draw, [FloatingPointError("planted failure")]

    def fails_once(fig, settings):
        if failures:
            raise failures.pop()
        return draw(fig, settings)

    explorer.draw = fails_once
    set_controls(explorer, T=20)
    data = displayed(explorer)
    assert "image/png" not in data
    assert "FloatingPointError: planted failure" in data["text/html"]
    assert explorer.shown_settings == explorer.settings()
    set_controls(explorer, seed=3)
    fresh = Figure(figsize=plotting.FIGSIZE, dpi=plotting.DPI)
    draw(fresh, explorer.settings())
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


@pytest.mark.parametrize("make", [widgets.mask_explorer, widgets.gradient_flow_explorer])
def test_before_the_cell_runs_the_explorer_reads_as_an_instruction(make):
    bundle, _ = format_display_data(make())        # what a notebook stores and displays
    assert bundle["text/plain"] == widgets.PLAIN_TEXT
    assert "application/vnd.jupyter.widget-view+json" in bundle


def test_static_copy_is_folded_with_the_picture_inside():
    fig = plotting.mask_explorer_figure()
    bundle, _ = format_display_data(widgets.static_copy(fig))
    assert bundle["text/html"].startswith(f"<details><summary>{widgets.STATIC_SUMMARY}</summary>")
    png = bundle["text/html"].split("data:image/png;base64,")[1].split('"')[0]
    assert base64.b64decode(png).startswith(b"\x89PNG")
    assert fig.number not in plt.get_fignums()           # not shown a second time
