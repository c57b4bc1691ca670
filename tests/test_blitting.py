"""rnnlib.blitting on a small figure: a fast redraw has the pixels of a full draw, draws the
background only when it must, and notices limits that move under a part drawn from it.
(The explorers' own pictures are compared with new figures in tests/test_widgets.py.)"""
import io

import matplotlib

matplotlib.use("Agg")
import numpy as np  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from PIL import Image  # noqa: E402

from rnnlib.blitting import Blitter, changing_y_axis, png_bytes  # noqa: E402


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
    """blitter.render(artists, key), appending to counts how many full draws it made."""
    calls = []
    draw = blitter.canvas.draw
    blitter.canvas.draw = lambda: (calls.append(1), draw())
    try:
        return blitter.render(artists, key).copy()
    finally:
        del blitter.canvas.draw
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


def test_png_bytes_decode_to_the_same_pixels():
    """Random pixels (every byte value, translucent ones too) and an odd width, read back by
    PIL, which checks every chunk's CRC and the zlib stream."""
    rgba = np.random.default_rng(0).integers(0, 256, size=(7, 13, 4), dtype=np.uint8)
    image = Image.open(io.BytesIO(png_bytes(rgba)))
    image.load()
    assert image.mode == "RGBA" and image.size == (13, 7)
    np.testing.assert_array_equal(np.asarray(image), rgba)
