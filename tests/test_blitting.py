"""rnnlib.blitting on a small figure: a fast redraw has the pixels of a full draw, draws the
background only when it must, notices limits that move under a part drawn from it, and finds
what changes by the gids of rnnlib.plotting's convention.
(The explorers' own pictures are compared with new figures in tests/test_widgets.py.)"""
import io

import matplotlib

matplotlib.use("Agg")
import numpy as np  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from PIL import Image  # noqa: E402

from rnnlib.blitting import (Blitter, background_key, changing_artists,  # noqa: E402
                             changing_y_axis, png_bytes)


def figure_with_a_line():
    fig = Figure(figsize=(4, 3), dpi=50)
    ax = fig.subplots()
    ax.plot([0, 1, 2], [0, 1, 0], "o-")
    ax.set_xlim(-0.5, 2.5)
    ax.set_ylim(-1, 2)
    ax.set_title("a title that stays")
    return fig, ax


def full_draw(fig):
    fig.canvas.draw()
    return np.asarray(fig.canvas.buffer_rgba()).copy()


def render_counting_full_draws(blitter, artists, key, counts):
    """blitter.render(artists, key), appending to counts how many full draws of the figure it
    made: matplotlib sends a draw_event at the end of each, never for an artist painted alone."""
    calls = []
    connection = blitter.fig.canvas.mpl_connect("draw_event", lambda event: calls.append(1))
    try:
        return blitter.render(artists, key).copy()
    finally:
        blitter.fig.canvas.mpl_disconnect(connection)
        counts.append(len(calls))


def test_new_data_are_painted_over_one_background():
    fig, ax = figure_with_a_line()
    blitter, full_draws = Blitter(fig), []
    for y in ([0, 1, 0], [1, 0, 1], [0.5, 1.5, -0.5]):
        ax.lines[0].set_ydata(y)
        got = render_counting_full_draws(blitter, [*ax.lines, *ax.spines.values()],
                                         "one layout", full_draws)
        np.testing.assert_array_equal(got, full_draw(fig), err_msg=f"y = {y}")
    assert full_draws == [1, 0, 0]               # the background, once


def test_new_limits_under_the_background_draw_a_new_one():
    """The y axis is not named as changing, so its ticks come from the background: when the
    limits move, a new background must be drawn, or the old ticks would stay."""
    fig, ax = figure_with_a_line()
    blitter = Blitter(fig)
    blitter.render(ax.lines, key="one layout")
    ax.set_ylim(-10, 20)
    got = blitter.render(ax.lines, key="one layout").copy()
    np.testing.assert_array_equal(got, full_draw(fig))


def test_a_changing_y_axis_follows_its_limits_without_a_new_background():
    fig, ax = figure_with_a_line()
    blitter, full_draws = Blitter(fig), []
    for top in (2, 20, 200):
        ax.set_ylim(-1, top)
        got = render_counting_full_draws(blitter, changing_y_axis(ax), "one layout",
                                         full_draws)
        np.testing.assert_array_equal(got, full_draw(fig), err_msg=f"top = {top}")
    assert full_draws == [1, 0, 0]


def test_a_new_key_draws_a_new_background():
    fig, ax = figure_with_a_line()
    blitter = Blitter(fig)
    blitter.render(ax.lines, key="title 1")
    ax.set_title("another title")                # not named as changing: the key says so
    got = blitter.render(ax.lines, key="title 2").copy()
    np.testing.assert_array_equal(got, full_draw(fig))


def figure_by_the_gid_convention():
    """A log-scale panel with a named line, a heat map with a colour bar, a fixed legend, and
    a named figure text: what an explorer's figure holds. Nothing unnamed overlaps a named
    artist from above (the legend sits below the panel): it would be painted over."""
    fig = Figure(figsize=(6, 3), dpi=50)
    ax_line, ax_image = fig.subplots(1, 2)
    ax_line.set_yscale("log")
    ax_line.plot([1, 2, 3], [1, 10, 100], gid="data", label="data")
    ax_line.plot([1, 3], [1, 1], color="grey", label="fixed")
    ax_line.legend(loc="upper left", bbox_to_anchor=(0, -0.15))
    image = ax_image.imshow(np.arange(6.0).reshape(2, 3), interpolation="nearest")
    ax_image.set(xticks=[], yticks=[])           # tick marks would reach over the image's edge
    fig.colorbar(image, ax=ax_image)
    fig.text(0.5, 0.95, "0", gid="number")
    return fig, ax_line, image


def render_by_the_gid_convention(blitter, fig, counts):
    changing = changing_artists(fig)
    return render_counting_full_draws(blitter, changing, background_key(fig, changing), counts)


def test_named_artists_images_and_log_axes_are_repainted_over_one_background():
    fig, ax_line, image = figure_by_the_gid_convention()
    blitter, full_draws = Blitter(fig), []
    render_by_the_gid_convention(blitter, fig, full_draws)
    for step in range(1, 4):
        ax_line.lines[0].set_ydata([1, 10 ** (step + 1), 0.1 ** step])     # rescales the axis
        ax_line.relim()
        ax_line.autoscale_view()
        image.set_data(np.arange(6.0).reshape(2, 3) ** step)
        image.set_clim(0, 5 ** step)                                       # new colour-bar ticks
        fig.texts[0].set_text(str(step))
        got = render_by_the_gid_convention(blitter, fig, full_draws)
        np.testing.assert_array_equal(got, full_draw(fig), err_msg=f"step {step}")
    assert full_draws == [1, 0, 0, 0]


def test_a_new_entry_in_a_legend_of_the_background_draws_a_new_one():
    fig, ax_line, _ = figure_by_the_gid_convention()
    blitter, full_draws = Blitter(fig), []
    render_by_the_gid_convention(blitter, fig, full_draws)
    ax_line.plot([2], [5], "o", label="a new entry")
    ax_line.legend(loc="upper left", bbox_to_anchor=(0, -0.15))
    got = render_by_the_gid_convention(blitter, fig, full_draws)
    np.testing.assert_array_equal(got, full_draw(fig))
    assert full_draws == [1, 1]


def test_an_unnamed_artist_is_part_of_the_background():
    """The convention's other side: a change to an artist without a gid is not repainted."""
    fig, ax_line, _ = figure_by_the_gid_convention()
    blitter = Blitter(fig)
    before = render_by_the_gid_convention(blitter, fig, [])
    ax_line.set_xlabel("a new label")
    np.testing.assert_array_equal(render_by_the_gid_convention(blitter, fig, []), before)
    assert not np.array_equal(full_draw(fig), before)


def test_png_bytes_decode_to_the_same_pixels():
    """Random pixels (every byte value, translucent ones too) and an odd width, read back by
    PIL, which checks every chunk's CRC and the zlib stream."""
    rgba = np.random.default_rng(0).integers(0, 256, size=(7, 13, 4), dtype=np.uint8)
    image = Image.open(io.BytesIO(png_bytes(rgba)))
    image.load()
    assert image.mode == "RGBA" and image.size == (13, 7)
    np.testing.assert_array_equal(np.asarray(image), rgba)
