"""Render a figure fast when only some of its artists change: blitting on the Agg canvas.

An explorer update changes a few artists (lines, images, log-scale y axes, some legends, the
summary's numbers) and leaves the rest (x axes, titles, labels, fixed legends) as they were. A full
matplotlib draw lays out and renders every text again, which is most of an update's time.
:class:`Blitter` draws the unchanging part once into a background (the changing artists
left out), and for each update restores that background and paints only the changing artists,
in the order a full draw paints them (figure children by zorder, then each Axes's children by
zorder), so the pixels are those of a full draw.

What counts as "changing" is the caller's list; :func:`changing_artists` derives it from the
gids rnnlib.plotting gives the artists its update functions rewrite. A changing artist left out
of the list would keep its old picture (tests/test_widgets.py compares every explorer update
with a new figure), except an axes' limits, which are watched (below).
The background is drawn again whenever ``key`` changes (a new figure layout; see
:func:`background_key`) and whenever an axes that is drawn from the background gets new limits.
"""
import struct
import zlib

import numpy as np
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.image import AxesImage


def _by_zorder(artists):
    """Artists in drawing order (Figure.draw and Axes.draw sort their children stably)."""
    return sorted(artists, key=lambda a: a.get_zorder())


class Blitter:
    """Fast redraws of one figure, for a given list of the artists that change."""

    def __init__(self, fig):
        self.fig = fig
        self.canvas = fig.canvas if isinstance(fig.canvas, FigureCanvasAgg) \
            else FigureCanvasAgg(fig)
        self.background, self.key = None, None

    def _static_state(self, changing):
        """The limits of the axes parts painted from the background: when they move, the
        background is stale (its ticks and grid lines would be at the old places)."""
        state = []
        for ax in self.fig.axes:
            if ax in changing:
                continue
            state.append(tuple(ax.get_xlim()))
            if ax.yaxis not in changing:
                state.append(tuple(ax.get_ylim()))
        return tuple(state)

    def _draw_background(self, changing):
        """A full draw without the changing artists, kept as the background. They are marked
        animated for it (a full draw skips animated artists), not made invisible: an invisible
        title has no extent, and the layout of the visible ones would move."""
        animated = [(a, a.get_animated()) for a in changing]
        for artist, _ in animated:
            artist.set_animated(True)
        try:
            self.canvas.draw()
        finally:
            for artist, was in animated:
                artist.set_animated(was)
        self.background = self.canvas.copy_from_bbox(self.fig.bbox)

    def _paint(self, changing):
        """Paint the changing artists over the background, in the order of a full draw."""
        renderer = self.canvas.get_renderer()
        for artist in _by_zorder(self.fig.get_children()):
            if artist in changing:
                artist.draw(renderer)
            elif isinstance(artist, Axes):
                for child in _by_zorder(artist.get_children()):
                    if child in changing:
                        child.draw(renderer)

    def render(self, changing, key):
        """The figure's pixels (H, W, 4) uint8 after this update. changing: the artists
        whose data, text or limits may differ from the last render (whole Axes allowed);
        key: names the figure's layout (a new key draws a new background)."""
        changing = set(a for a in changing if a is not None)
        state = (key, self._static_state(changing))
        if self.background is None or state != self.key:
            self._draw_background(changing)
            self.key = state
        else:
            self.canvas.restore_region(self.background)
        self._paint(changing)
        return np.asarray(self.canvas.buffer_rgba())

    def png(self, changing, key):
        """The figure after this update as PNG bytes (see :func:`png_bytes`)."""
        return png_bytes(self.render(changing, key))


def _chunk(kind, data):
    """One PNG chunk: length, type, data, CRC of type and data."""
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_bytes(rgba, level=1):
    """PNG bytes of an RGBA image (H, W, 4) uint8, written here: every row unfiltered, then
    zlib at level 1. PIL (what savefig uses) tries five row filters on every row: twice the
    time (14 against 7 ms for an explorer picture) for a file no smaller (105 against 95 kB)."""
    rgba = np.asarray(rgba, dtype=np.uint8)
    height, width, _ = rgba.shape
    rows = np.zeros((height, 1 + 4 * width), np.uint8)      # first byte of a row: filter 0
    rows[:, 1:] = rgba.reshape(height, -1)
    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)   # 8-bit RGBA
    return (b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header)
            + _chunk(b"IDAT", zlib.compress(rows, level)) + _chunk(b"IEND", b""))


def changing_y_axis(ax):
    """The parts of a log-scale panel that move with its data: the y axis (ticks, tick labels,
    grid lines, and its label, which moves with the labels' width), the lines, and the frame
    (drawn above the lines)."""
    return [ax.yaxis, *ax.get_lines(), *ax.spines.values()]


def changing_artists(fig):
    """The artists of fig that an update may change, by rnnlib.plotting's convention that a
    gid marks an artist its update functions rewrite: every artist with a gid (lines, texts,
    legends, titles, the figure's texts), every image and the y axis of its colour bar, the y
    axis of a log-scale axes (it rescales with its data), and the frame of each axes holding
    any of these (the frame is drawn above the data). Returns a list of artists."""
    changing = [text for text in fig.texts if text.get_gid() is not None]
    for ax in fig.axes:
        named = [a for a in ax.get_children()
                 if a.get_gid() is not None or isinstance(a, AxesImage)]
        if ax.get_yscale() == "log":
            named += changing_y_axis(ax)
        if named:
            changing += [*named, *ax.spines.values()]
        changing += [image.colorbar.ax.yaxis for image in ax.images if image.colorbar]
    return changing


def background_key(fig, changing):
    """What names the background of fig besides the changing artists: the figure's gid (its
    layout) and the texts of every legend drawn into the background (one that changes seldom,
    such as a "= 0" entry that comes and goes, then draws a new background)."""
    legends = [ax.get_legend() for ax in fig.axes]
    return fig.get_gid(), tuple(tuple(text.get_text() for text in legend.get_texts())
                                for legend in legends
                                if legend is not None and legend not in changing)
