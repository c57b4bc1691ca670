"""The two explorers: the ReLU mask explorer and the gradient-flow explorer.

Each is a thin layer over a plain function that returns a matplotlib Figure for one setting:
``mask_explorer_figure(**settings)`` and ``gradient_flow_figure(**settings)``. Those run
headless (tests, nbval, the README images use them with their defaults); ``mask_explorer()``
and ``gradient_flow_explorer()`` wrap them in ipywidgets controls for JupyterLab.

Settings (the controls): init ("gaussian", "identity", "orthogonal"), scale (the recurrent
scale of W_hh), bias (every entry of b_h), input_amplitude (the inputs are that times standard
normal), T (sequence length), seed; the gradient-flow explorer adds loss_at ("all" or "last").
The network has D = 4 inputs, H = 32 hidden units (``n_hidden``) and one output.
Extreme settings (scale 0, scales that overflow, T = 1, every unit dead) draw a message or a
valid figure, never a traceback.

Speed: an explorer keeps its figure and, when a control changes only the data, puts the new
data into the existing artists (set_data, set_clim, set_text); it builds a new figure only when
the structure changes (T). It then paints only the artists that change (``mask_changing``,
``gradient_flow_changing``) over a kept picture of the rest (rnnlib.blitting): a full draw
lays out every text of the figure again, and that was most of an update's time.

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
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from . import analysis, plotting
from .blitting import Blitter, changing_y_axis
from .bptt import backward
from .gradcheck import random_upstream
from .model import INITS, forward, init_params

DEFAULTS = dict(init="gaussian", scale=1.0, bias=0.0, input_amplitude=1.0, T=50, seed=0)
N_INPUT = 4
# The width JupyterLab gives an output at a 1366 px wide window (about 930 px), at 100 dpi:
# the picture is shown at its own size, so 11 pt text is 15 px on screen.
DPI = 100
FIGSIZE = (9.2, 4.4)
PLAIN_TEXT = "Run this cell to start the explorer (it needs a running Python kernel)."
STATIC_SUMMARY = "Static picture of the default settings (for readers without a live kernel)"


def simulate(init="gaussian", scale=1.0, bias=0.0, input_amplitude=1.0, T=50, seed=0,
             n_hidden=32):
    """Params and the forward trace of one random sequence for these settings.

    Returns (params, trace), or (None, message) when the settings overflow.
    """
    with np.errstate(all="ignore"):
        try:
            params = init_params(N_INPUT, n_hidden, 1, init=init, scale=scale, seed=seed)
        except ValueError as exc:        # e.g. a scale so large the weights overflow
            return None, str(exc)
        params = params.replace(b_h=np.full(n_hidden, float(bias)))
        xs = input_amplitude * np.random.default_rng([seed, 1]).standard_normal((T, N_INPUT))
        trace = forward(params, xs)
    if not np.all(np.isfinite(trace.h)):
        first = int(np.argmax(~np.all(np.isfinite(trace.h), axis=1)))
        return None, (f"The forward pass overflowed at step t = {first}: the state grew beyond "
                      f"the largest float ({np.finfo(float).max:.1e}).\nLower the recurrent scale "
                      f"(now {scale:g}) or the input amplitude (now {input_amplitude:g}).")
    return params, trace


def message_figure(text, figsize=FIGSIZE):
    """A figure of the usual size that shows only a message (for settings with no picture).
    It has one axes with its axis off: IPython shows a figure without axes as the text
    "<Figure size ... with 0 Axes>" instead of the picture."""
    fig, ax = plt.subplots(figsize=figsize)
    ax.axis("off")
    ax.text(0.5, 0.5, text, ha="center", va="center", fontsize=14, wrap=True,
            transform=ax.transAxes)
    return fig


SUMMARY_LABELS = (("spectral radius ρ(W_hh) =", "largest singular value σ_max(W_hh) ="),
                  ("units on, on average:", "dead units:"))
# The labels end at these x (figure fraction) and the numbers start there: the labels never
# move, so an update paints only the numbers (each glyph drawn costs about 0.2 ms here).
SUMMARY_X, SUMMARY_Y = (0.36, 0.81), (0.985, 0.938)


def _summary_numbers(params, trace):
    """The four numbers printed above both explorers' figures, as text, in the order of
    SUMMARY_LABELS read row by row: ρ(W_hh), σ_max(W_hh), units on, dead units."""
    rho = analysis.spectral_radius(params.W_hh)
    sigma = analysis.largest_singular_value(params.W_hh)
    active = trace.mask[1:]
    dead = int((~active.any(axis=0)).sum())
    return [f"{rho:.2f}", f"{sigma:.2f}", f"{active.mean():.0%}", f"{dead} of {active.shape[1]}"]


def _summary(params, trace):
    """The summary as one text (for a message)."""
    numbers = iter(_summary_numbers(params, trace))
    return "\n".join("    ".join(f"{label} {next(numbers)}" for label in row)
                     for row in SUMMARY_LABELS)


def _add_summary(fig):
    """The summary's labels, and empty texts for its numbers (gid "summary")."""
    for row, y in zip(SUMMARY_LABELS, SUMMARY_Y):
        for label, x in zip(row, SUMMARY_X):
            fig.text(x, y, label, ha="right", va="top", fontsize=12)
            fig.text(x + 0.006, y, "", ha="left", va="top", fontsize=12, gid="summary")


def _summary_texts(fig):
    return [text for text in fig.texts if text.get_gid() == "summary"]


def _set_summary(fig, params, trace):
    for text, number in zip(_summary_texts(fig), _summary_numbers(params, trace)):
        text.set_text(number)


# --- the mask explorer ----------------------------------------------------------------------

def draw_masks(fig, settings, n_hidden=32):
    """Draw the mask explorer's picture for ``settings`` into ``fig``: the ReLU masks (unit ×
    time), the fraction of units on at each step, and ρ(W_hh), σ_max(W_hh). If fig already
    holds this picture for the same T and H, only the data are replaced. Returns fig, or a
    message (str) when the settings have no picture."""
    params, trace = simulate(**settings, n_hidden=n_hidden)
    if params is None:
        return trace
    key = f"masks T={trace.T} H={n_hidden}"
    if fig.get_gid() != key:
        fig.clear()
        fig.set_gid(None)              # named only once built: an interrupted build is redone
        ax_mask, ax_frac = fig.subplots(1, 2, gridspec_kw={"width_ratios": [2.2, 1]})
        plotting.plot_masks(trace, ax=ax_mask, title="ReLU gates $1[\\hat h_t > 0]$")
        ax_mask.legend(handles=ax_mask.get_legend().legend_handles, loc="upper left",
                       bbox_to_anchor=(-0.02, -0.22), ncol=3, frameon=False, columnspacing=1,
                       handletextpad=0.4, borderaxespad=0)
        ax_frac.plot([], [], "o-", ms=3, color=plotting.OKABE_ITO["blue"], gid="fraction on")
        ax_frac.set_xlim(0.5, trace.T + 0.5)
        ax_frac.set_ylim(-0.03, 1.03)
        ax_frac.set_xlabel("time step $t$")
        ax_frac.set_ylabel("fraction of units on")
        ax_frac.set_title("Active units per step")
        ax_frac.grid(True, alpha=0.3)
        _add_summary(fig)
        fig.subplots_adjust(left=0.08, right=0.97, bottom=0.22,
                            top=0.74 if trace.T <= 12 else 0.79, wspace=0.35)
        fig.set_gid(key)
    ax_mask, ax_frac = fig.axes
    plotting.update_masks(ax_mask, trace)
    ax_frac.lines[0].set_data(np.arange(1, trace.T + 1), trace.mask[1:].mean(axis=1))
    _set_summary(fig, params, trace)
    return fig


def mask_changing(fig):
    """What an update of a :func:`draw_masks` figure may change. Returns (artists, layout):
    the artists painted at every update (the masks, the dead-unit marks and their legend entry,
    the per-step fractions, the summary's numbers, and the frames drawn over the changing
    data), and a value naming the rest of the picture (nothing else changes here)."""
    ax_mask, ax_frac = fig.axes
    return [ax_mask.images[0], *ax_mask.texts, *ax_mask.get_lines(), ax_mask.get_legend(),
            *ax_mask.spines.values(), *ax_frac.get_lines(), *ax_frac.spines.values(),
            *_summary_texts(fig)], ()


def mask_explorer_figure(n_hidden=32, **settings):
    """The mask explorer's picture for one setting (a message figure when there is none).
    Returns a Figure."""
    fig = plt.figure(figsize=FIGSIZE)
    drawn = draw_masks(fig, {**DEFAULTS, **settings}, n_hidden)
    if isinstance(drawn, str):
        plt.close(fig)
        return message_figure(drawn)
    return fig


# --- the gradient-flow explorer -------------------------------------------------------------

def gradient_flow(params, trace, loss_at="all", seed=0):
    """The quantities the gradient-flow explorer draws, for one sequence.

    A random upstream gradient (every step, or only y_T for loss_at="last") is sent back.
    Returns (grads, jacobian_norms (T+1,), sigma_max).
    """
    dy = random_upstream(trace, seed=seed)
    if loss_at == "last":
        dy[:-1] = 0
    grads = backward(params, trace, dy)
    P = analysis.jacobian_products(params.W_hh, trace.mask)
    return grads, analysis.spectral_norms(P), analysis.largest_singular_value(params.W_hh)


def draw_gradient_flow(fig, settings, n_hidden=32):
    """Draw the gradient-flow explorer's picture for ``settings`` (including loss_at) into
    ``fig``: ‖∂h_t‖ through time, |∂h_t| per unit where the gate is open, and the masked
    Jacobian products against the σ_max bound. If fig already holds this picture for the same
    T and H, only the data are replaced. Returns fig, or a message (str)."""
    settings = dict(settings)
    loss_at = settings.pop("loss_at", "all")
    params, trace = simulate(**settings, n_hidden=n_hidden)
    if params is None:
        return trace
    with np.errstate(all="ignore"):
        grads, norms, sigma = gradient_flow(params, trace, loss_at, settings["seed"])
    if not (np.all(np.isfinite(grads.dh)) and np.all(np.isfinite(norms))):
        return ("The backward pass overflowed: the gradient grew beyond the largest float.\n"
                f"Lower the recurrent scale (now {settings['scale']:g}).")
    if trace.T > 1 and not np.any(grads.dh[:-1]):
        return ("No gradient reaches any earlier state: every gate on the way back is closed "
                "(all units dead), or W_hh is zero.\n\n" + _summary(params, trace))
    key = f"gradient flow T={trace.T} H={n_hidden}"
    if fig.get_gid() != key:
        fig.clear()
        fig.set_gid(None)              # named only once built: an interrupted build is redone
        ax_norm, ax_heat, ax_jac = fig.subplots(1, 3, gridspec_kw={"width_ratios": [1, 1.3, 1]})
        plotting.plot_hidden_grad_norms(grads, ax=ax_norm, title="")
        ax_norm.set_ylabel(r"$\|\partial h_t\|$")
        plotting.plot_open_gate_gradients(trace, grads, ax=ax_heat, label_bar=False,
                                          title=r"$\log_{10}|\partial h_{t,i}|$, open gates")
        # the colour bar has no label here: a fixed place for the empty label spares
        # measuring its tick labels at every draw (2 ms)
        fig.axes[-1].yaxis.set_label_coords(1, 0.5)
        plotting.plot_jacobian_norms(norms, sigma, ax=ax_jac, title="Jacobian products")
        ax_jac.set_ylabel("norm")
        for ax in fig.axes:
            ax.title.set_fontsize(12)
        _add_summary(fig)
        fig.subplots_adjust(left=0.1, right=0.97, bottom=0.32, top=0.79, wspace=0.62)
        fig.set_gid(key)
    ax_norm, ax_heat, ax_jac = fig.axes[:3]                  # the fourth is the colour bar
    plotting.update_hidden_grad_norms(ax_norm, grads)
    ax_norm.set_title(r"$\|\partial h_t\|$, loss " + ("at every step" if loss_at == "all"
                                                       else "at last step"), fontsize=12)
    plotting.update_open_gate_gradients(ax_heat, trace, grads)
    plotting.update_jacobian_norms(ax_jac, norms, sigma, legend=dict(
        loc="upper right", bbox_to_anchor=(1.04, -0.27), frameon=False, borderaxespad=0,
        handlelength=1.5), sigma_in_label=False)          # the summary prints σ_max
    _set_summary(fig, params, trace)
    return fig


def gradient_flow_changing(fig):
    """What an update of a :func:`draw_gradient_flow` figure may change. Returns (artists,
    layout): the artists painted at every update (both log-scale panels' y axes and lines, the
    first panel's title (loss at) and legend (placed where the data leave room), the heat map,
    the colour bar's ticks, the summary's numbers, the frames drawn over the changing data),
    and the Jacobian panel's legend entries, which change seldom (a "= 0" entry comes and
    goes): when they change, the background is drawn anew."""
    ax_norm, ax_heat, ax_jac, bar = fig.axes
    legend = ax_jac.get_legend()
    return [*changing_y_axis(ax_norm), ax_norm.get_legend(), ax_norm.title,
            ax_heat.images[0], *ax_heat.spines.values(), bar.yaxis,
            *changing_y_axis(ax_jac), *_summary_texts(fig)], \
        tuple(text.get_text() for text in legend.get_texts()) if legend else ()


def gradient_flow_figure(n_hidden=32, loss_at="all", **settings):
    """The gradient-flow explorer's picture for one setting (a message figure when there is
    none). Returns a Figure."""
    fig = plt.figure(figsize=FIGSIZE)
    drawn = draw_gradient_flow(fig, {**DEFAULTS, **settings, "loss_at": loss_at}, n_hidden)
    if isinstance(drawn, str):
        plt.close(fig)
        return message_figure(drawn)
    return fig


# --- what the explorers display -------------------------------------------------------------

def png_bytes(fig):
    """The figure as PNG bytes at its own size (no tight crop: the size never jumps)."""
    buffer = io.BytesIO()
    # zlib level 1: a third of the encoding time of the default 6, for a few kB more
    fig.savefig(buffer, format="png", dpi=DPI, pil_kwargs={"compress_level": 1})
    return buffer.getvalue()


def picture_output(fig, text="the explorer's picture"):
    """One Output-widget output showing fig as a PNG (a display_data dict)."""
    return png_output(png_bytes(fig), text)


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
    widgets.gradient_flow_figure())`` under an explorer."""
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
    draw_gradient_flow) draws into the explorer's one figure, or returns a message;
    ``changing(fig)`` (mask_changing or gradient_flow_changing) names what an update may
    change: the artists painted anew, and a value that draws a new background when it changes.

    Its plain-text form (what a notebook shows before the cell has run) is PLAIN_TEXT."""

    def __init__(self, draw, changing, controls):
        self.draw, self.changing, self.controls = draw, changing, controls
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
        artists, layout = self.changing(drawn)
        return png_output(self.blitter.png(artists, key=(drawn.get_gid(), layout)))

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
    return Explorer(draw_masks, mask_changing, _controls(with_loss_at=False))


def gradient_flow_explorer():
    """The gradient-flow explorer: the same controls plus where the loss sits."""
    return Explorer(draw_gradient_flow, gradient_flow_changing,
                    _controls(with_loss_at=True))
