"""The two explorers as ipywidgets: controls wired to a picture, for JupyterLab.

``mask_explorer()`` and ``gradient_flow_explorer()`` return an :class:`Explorer`: a grid of
controls (the settings of rnnlib.explore), a help line and the picture, which
rnnlib.plotting.draw_masks or draw_gradient_flow draws for the controls' values.
``show_static_copy(fig)`` folds a picture under a toggle for readers without a kernel.

Speed: an explorer keeps its figure, into which the draw function puts the new data, and
paints only the artists that change (rnnlib.blitting.changing_artists) over a kept picture of
the rest: a full draw lays out every text of the figure again, which is most of an
update's time.

One update at a time: JupyterLab (4.4 and later) sends widget messages to the kernel over
"subshells", and ipykernel 7 handles them in threads of their own, so two quick moves can run
two observers at once. Two draws into one figure at once mix their pictures (tick labels of
one state over another, garbled text) or crash matplotlib's font code; an Explorer draws
under a lock, reading the controls once it holds it, so the last update shows the last values.
The lock is the explorer's own: a notebook cell plotting on the main thread while an explorer
draws in a subshell thread still shares matplotlib's math-text parser with it, and a tick label
can then come out garbled or the draw fail (the explorer then says so; the next move redraws).
"""
import base64
import html
import io
import logging
import threading

import ipywidgets as w
import matplotlib.pyplot as plt
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from .blitting import Blitter, background_key, changing_artists
from .explore import DEFAULTS
from .model import INITS
from .plotting import DPI, FIGSIZE, draw_gradient_flow, draw_masks

PLAIN_TEXT = "Run this cell to start the explorer (it needs a running Python kernel)."
STATIC_SUMMARY = "Static picture of the default settings (for readers without a live kernel)"


# --- what the explorers display -------------------------------------------------------------

def png_bytes(fig):
    """The figure as PNG bytes at its own size (no tight crop: the size never jumps)."""
    buffer = io.BytesIO()
    # zlib level 1: a third of the encoding time of the default 6, for a few kB more
    fig.savefig(buffer, format="png", dpi=DPI, pil_kwargs={"compress_level": 1})
    return buffer.getvalue()


def png_output(png, text="the explorer's picture"):
    """One Output-widget output showing PNG bytes (a display_data dict)."""
    return {"output_type": "display_data", "metadata": {},
            "data": {"image/png": base64.b64encode(png).decode("ascii"), "text/plain": text}}


def message_output(text):
    """One Output-widget output showing a message as HTML, in a box of the picture's size, so
    that nothing below it moves."""
    body = html.escape(text).replace("\n", "<br>")
    return {"output_type": "display_data", "metadata": {},
            "data": {"text/html": f'<div style="height: {FIGSIZE[1] * DPI:.0f}px; '
                                  'display: flex; align-items: center; justify-content: center; '
                                  f'font-size: 18px; line-height: 1.5; text-align: center; '
                                  f'padding: 0 2em;"><div>{body}</div></div>',
                     "text/plain": text}}


class StaticCopy:
    """A picture folded under a toggle (HTML <details> with the PNG inside), for readers of a
    notebook on GitHub or nbviewer, where the explorer above it cannot run."""

    def __init__(self, fig, summary=STATIC_SUMMARY):
        self.png, self.summary = png_bytes(fig), summary
        plt.close(fig)

    def _repr_mimebundle_(self, include=None, exclude=None):
        data = base64.b64encode(self.png).decode("ascii")
        return {"text/html": f"<details><summary>{html.escape(self.summary)}</summary>"
                             f'<img src="data:image/png;base64,{data}" '
                             f'alt="{html.escape(self.summary)}" style="max-width: 100%">'
                             "</details>",
                "text/plain": f"({self.summary}: open the notebook in JupyterLab, or on "
                              "GitHub, to see it)"}


def static_copy(fig, summary=STATIC_SUMMARY):
    """fig folded under a toggle, as an object IPython displays (the last line of a cell).
    Closes fig, so that it is not shown a second time."""
    return StaticCopy(fig, summary)


def show_static_copy(fig, summary=STATIC_SUMMARY):
    """Display fig folded, anywhere in a cell: ``widgets.show_static_copy(
    plotting.gradient_flow_figure())`` under an explorer."""
    from IPython.display import display
    display(static_copy(fig, summary))


# --- the widgets ----------------------------------------------------------------------------

HELP = ("Click a slider, then the arrow keys move it one step; click its number to type a "
        "value. Hover over a name for what it does.")
AMPLITUDE_NOTE = ("<b>input amplitude</b> has no effect at bias 0 for any amplitude above 0: "
                  "ReLU(a·z) = a·ReLU(z) for a &gt; 0, so no gate changes (at 0 every unit is "
                  "off). Set a bias to see it matter.")
TOOLTIPS = {
    "init": "W_hh init: how the recurrent weights start (random Gaussian, identity, or a "
            "random rotation)",
    "scale": "recurrent scale: every recurrent weight W_hh is multiplied by this number",
    "bias": "bias b_h: added to every unit before the ReLU; below 0 pushes gates closed, "
            "above 0 opens them",
    "input_amplitude": "input amplitude: the size of the random inputs x_t (0 = no input)",
    "T": "T: how many time steps the sequence has",
    "seed": "seed: which random weights and inputs (same seed, same picture)",
    "loss_at": "loss at: where the loss sits, at every output y_t or only at the last y_T",
}


def _controls(with_loss_at):
    """The controls. In the grid (three flexible columns, see GRID_AREAS) each slider spans
    two columns beside W_hh init, seed (and loss at), and T gets a row of its own: 200 values
    need a wide track to hit T = 100 with the mouse."""
    style = {"description_width": "8.5em"}

    def cell(name):
        return w.Layout(width="auto", grid_area=name)

    slider = dict(continuous_update=False, style=style)
    controls = {
        "scale": w.FloatSlider(value=DEFAULTS["scale"], min=0.0, max=3.0, step=0.05,
                               description="recurrent scale", layout=cell("scale"), **slider),
        "init": w.Dropdown(options=list(INITS), value=DEFAULTS["init"], description="W_hh init",
                           style=style, layout=cell("init")),
        "bias": w.FloatSlider(value=DEFAULTS["bias"], min=-2.0, max=2.0, step=0.05,
                              description="bias b_h", layout=cell("bias"), **slider),
        "seed": w.BoundedIntText(value=DEFAULTS["seed"], min=0, max=9999, description="seed",
                                 style=style, layout=cell("seed")),
        "input_amplitude": w.FloatSlider(value=DEFAULTS["input_amplitude"], min=0.0, max=3.0,
                                         step=0.1, description="input amplitude",
                                         layout=cell("amplitude"), **slider),
    }
    if with_loss_at:
        controls["loss_at"] = w.Dropdown(     # toggle buttons wrap onto two rows here
            options=[("every step", "all"), ("last step", "last")], value="all",
            description="loss at", style=style, layout=cell("loss_at"))
    controls["T"] = w.IntSlider(value=DEFAULTS["T"], min=1, max=200, description="T (steps)",
                                layout=cell("T"), **slider)
    for name, control in controls.items():
        control.tooltip = TOOLTIPS[name]
    return controls


GRID_AREAS = '"scale scale init" "bias bias seed" "amplitude amplitude loss_at" "T T T"'


class Explorer(w.VBox):
    """Controls, a help line and the picture. ``draw(fig, settings)`` (draw_masks or
    draw_gradient_flow) draws the controls' values into the explorer's one figure, or returns
    a message; an update repaints what rnnlib.blitting.changing_artists names.

    Its plain-text form (what a notebook shows before the cell has run) is PLAIN_TEXT."""

    def __init__(self, draw, controls):
        self.draw, self.controls = draw, controls
        self.fig = Figure(figsize=FIGSIZE, dpi=DPI)      # not pyplot's: never shown twice
        FigureCanvasAgg(self.fig)
        self.blitter = Blitter(self.fig)
        self.lock = threading.Lock()                     # one update at a time (module doc)
        self.shown_settings = None                       # what the picture area shows
        self.picture = w.Output()
        grid = w.GridBox(list(controls.values()), layout=w.Layout(
            grid_template_columns="repeat(3, minmax(0, 1fr))", grid_template_areas=GRID_AREAS,
            grid_gap="4px 12px",
            width="100%", overflow="hidden"))
        help_line = w.HTML(f'<div style="font-size: 13px; line-height: 1.4">{html.escape(HELP)}'
                           f"<br>{AMPLITUDE_NOTE}</div>")
        super().__init__([grid, help_line, self.picture], layout=w.Layout(width="100%"))
        for control in controls.values():
            control.observe(self.redraw, names="value")
        self.redraw()

    def __repr__(self):
        return PLAIN_TEXT

    def settings(self):
        return {name: control.value for name, control in self.controls.items()}

    def output_for(self, settings):
        """Draw ``settings`` into the explorer's figure. Returns the output showing them (a
        display_data dict): the picture, or a message when the settings have none."""
        drawn = self.draw(self.fig, settings)
        if isinstance(drawn, str):
            return message_output(drawn)
        changing = changing_artists(drawn)
        return png_output(self.blitter.png(changing, key=background_key(drawn, changing)))

    def redraw(self, change=None):
        """Show the current settings (a picture or a message). If drawing them raises, the
        picture area says so, naming the error: an observer's exception is only logged by the
        kernel, and the old picture would stay, looking like the answer to the move. The next
        move draws again: the draw functions name a figure only once it is built, so a build
        cut short is redone, and an update in place rewrites every changing artist."""
        with self.lock:
            settings = self.settings()
            try:
                output = self.output_for(settings)
            except Exception as exc:                       # noqa: BLE001 (shown, not hidden)
                logging.getLogger(__name__).exception("explorer: drawing %s failed", settings)
                output = message_output(f"The picture could not be drawn for these settings "
                                        f"({type(exc).__name__}: {exc}).\nMove a control to "
                                        "try again.")
            self.picture.outputs = (output,)
            self.shown_settings = settings


def mask_explorer():
    """The ReLU mask explorer: controls for the settings above, and the mask figure."""
    return Explorer(draw_masks, _controls(with_loss_at=False))


def gradient_flow_explorer():
    """The gradient-flow explorer: the same controls plus where the loss sits."""
    return Explorer(draw_gradient_flow, _controls(with_loss_at=True))
