"""The explorers' pictures, drawn without widgets: the ReLU mask explorer's and the
gradient-flow explorer's, for one setting (rnnlib.explore names the settings and computes the
numbers).

``mask_explorer_figure(**settings)`` and ``gradient_flow_figure(**settings)`` return a new
Figure (tests, nbval and the README's images use them with their defaults).
``draw_masks(fig, settings)`` and ``draw_gradient_flow(fig, settings)`` draw into a figure
the explorer keeps: the first call builds the panels, and a later one for the same T and H
only puts new data into the existing artists (rnnlib.plotting.time_steps's update functions),
which is what makes an explorer quick. Settings with no picture (an overflow, no gradient
reaching back) give a message (str) instead, never a traceback.
"""
import matplotlib.pyplot as plt
import numpy as np

from .. import explore
from . import time_steps
from .style import OKABE_ITO

# The width JupyterLab gives an output at a 1366 px wide window (about 930 px), at 100 dpi:
# the picture is shown at its own size, so 11 pt text is 15 px on screen.
DPI = 100
FIGSIZE = (9.2, 4.4)

SUMMARY_LABELS = (("spectral radius ρ(W_hh) =", "largest singular value σ_max(W_hh) ="),
                  ("units on, on average:", "dead units:"))
# The labels end at these x (figure fraction) and the numbers start there: the labels never
# move, so an update paints only the numbers (each glyph drawn costs about 0.2 ms here).
SUMMARY_X, SUMMARY_Y = (0.36, 0.81), (0.985, 0.938)


def summary_numbers(summary):
    """The four numbers of an rnnlib.explore.Summary as text, in the order of SUMMARY_LABELS
    read row by row: ρ(W_hh), σ_max(W_hh), units on, dead units."""
    return [f"{summary.spectral_radius:.2f}", f"{summary.sigma_max:.2f}",
            f"{summary.units_on:.0%}", f"{summary.dead_units} of {summary.n_hidden}"]


def summary_text(summary):
    """The summary as one text of two lines, label and number side by side (for a message)."""
    numbers = iter(summary_numbers(summary))
    return "\n".join("    ".join(f"{label} {next(numbers)}" for label in row)
                     for row in SUMMARY_LABELS)


def _add_summary(fig):
    """The summary's labels, and empty texts for its numbers (gid "summary")."""
    for row, y in zip(SUMMARY_LABELS, SUMMARY_Y):
        for label, x in zip(row, SUMMARY_X):
            fig.text(x, y, label, ha="right", va="top", fontsize=12)
            fig.text(x + 0.006, y, "", ha="left", va="top", fontsize=12, gid="summary")


def _set_summary(fig, summary):
    numbers = [text for text in fig.texts if text.get_gid() == "summary"]
    for text, number in zip(numbers, summary_numbers(summary)):
        text.set_text(number)


def message_figure(text, figsize=FIGSIZE):
    """A figure of the usual size that shows only a message (for settings with no picture).
    It has one axes with its axis off: IPython shows a figure without axes as the text
    "<Figure size ... with 0 Axes>" instead of the picture."""
    fig, ax = plt.subplots(figsize=figsize)
    ax.axis("off")
    ax.text(0.5, 0.5, text, ha="center", va="center", fontsize=14, wrap=True,
            transform=ax.transAxes)
    return fig


def _needs_building(fig, key):
    """Whether fig lacks the panels named key. A figure is named only once it is built, so
    a build cut short (an error, even Ctrl-C) is done again by the next draw."""
    if fig.get_gid() == key:
        return False
    fig.clear()
    fig.set_gid(None)
    return True


# --- the mask explorer ----------------------------------------------------------------------

def draw_masks(fig, settings, n_hidden=explore.N_HIDDEN):
    """Draw the mask explorer's picture for ``settings`` (rnnlib.explore.simulate's) into
    ``fig``: the ReLU masks (unit × time), the fraction of units on at each step, and the
    summary (ρ(W_hh), σ_max(W_hh), units on, dead units). Returns fig, or a message (str)
    when the settings have no picture."""
    try:
        params, trace = explore.simulate(**settings, n_hidden=n_hidden)
    except OverflowError as exc:
        return str(exc)
    key = f"masks T={trace.T} H={n_hidden}"
    if _needs_building(fig, key):
        ax_mask, ax_frac = fig.subplots(1, 2, gridspec_kw={"width_ratios": [2.2, 1]})
        time_steps.plot_masks(trace, ax=ax_mask, title="ReLU gates $1[\\hat h_t > 0]$",
                              legend=dict(loc="upper left", bbox_to_anchor=(-0.02, -0.22),
                                          ncol=3, frameon=False, columnspacing=1,
                                          handletextpad=0.4, borderaxespad=0))
        ax_frac.plot([], [], "o-", ms=3, color=OKABE_ITO["blue"], gid="fraction on")
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
    time_steps.update_masks(ax_mask, trace)
    ax_frac.lines[0].set_data(np.arange(1, trace.T + 1), trace.mask[1:].mean(axis=1))
    _set_summary(fig, explore.summary(params, trace))
    return fig


def mask_explorer_figure(n_hidden=explore.N_HIDDEN, **settings):
    """The mask explorer's picture for one setting (rnnlib.explore.DEFAULTS for the settings
    not given; a message figure when there is none). Returns a Figure."""
    fig = plt.figure(figsize=FIGSIZE)
    drawn = draw_masks(fig, {**explore.DEFAULTS, **settings}, n_hidden)
    if isinstance(drawn, str):
        plt.close(fig)
        return message_figure(drawn)
    return fig


# --- the gradient-flow explorer -------------------------------------------------------------

def draw_gradient_flow(fig, settings, n_hidden=explore.N_HIDDEN):
    """Draw the gradient-flow explorer's picture for ``settings`` (rnnlib.explore.simulate's
    and loss_at, "all" or "last") into ``fig``: ‖∂h_t‖ through time, |∂h_t| per unit where
    the gate is open, the masked Jacobian products against the σ_max bound, and the summary.
    Returns fig, or a message (str) when the settings have no picture."""
    settings = dict(settings)
    loss_at = settings.pop("loss_at", "all")
    try:
        params, trace = explore.simulate(**settings, n_hidden=n_hidden)
    except OverflowError as exc:
        return str(exc)
    summary = explore.summary(params, trace)
    try:
        grads, norms, sigma = explore.gradient_flow(params, trace, loss_at, settings["seed"])
    except OverflowError as exc:
        return f"{exc}\nLower the recurrent scale (now {settings['scale']:g})."
    if not explore.reaches_back(grads):
        return ("No gradient reaches any earlier state: every gate on the way back is closed "
                "(all units dead), or W_hh is zero.\n\n" + summary_text(summary))
    key = f"gradient flow T={trace.T} H={n_hidden}"
    if _needs_building(fig, key):
        ax_norm, ax_heat, ax_jac = fig.subplots(1, 3, gridspec_kw={"width_ratios": [1, 1.3, 1]})
        time_steps.plot_hidden_grad_norms(grads, ax=ax_norm, title="")
        ax_norm.set_ylabel(r"$\|\partial h_t\|$")
        ax_norm.title.set_gid("loss at")                  # an update names where the loss is
        time_steps.plot_open_gate_gradients(
            trace, grads, ax=ax_heat, label_bar=False,
            title=r"$\log_{10}|\partial h_{t,i}|$, open gates")
        # the colour bar has no label here: a fixed place for the empty label spares
        # measuring its tick labels at every draw (2 ms)
        fig.axes[-1].yaxis.set_label_coords(1, 0.5)
        time_steps.plot_jacobian_norms(norms, sigma, ax=ax_jac, title="Jacobian products")
        ax_jac.set_ylabel("norm")
        for ax in fig.axes:
            ax.title.set_fontsize(12)
        _add_summary(fig)
        fig.subplots_adjust(left=0.1, right=0.97, bottom=0.32, top=0.79, wspace=0.62)
        fig.set_gid(key)
    ax_norm, ax_heat, ax_jac = fig.axes[:3]                  # the fourth is the colour bar
    time_steps.update_hidden_grad_norms(ax_norm, grads)
    ax_norm.set_title(r"$\|\partial h_t\|$, loss " + ("at every step" if loss_at == "all"
                                                       else "at last step"), fontsize=12)
    time_steps.update_open_gate_gradients(ax_heat, trace, grads)
    time_steps.update_jacobian_norms(ax_jac, norms, sigma, legend=dict(
        loc="upper right", bbox_to_anchor=(1.04, -0.27), frameon=False, borderaxespad=0,
        handlelength=1.5), sigma_in_label=False)          # the summary prints σ_max
    _set_summary(fig, summary)
    return fig


def gradient_flow_figure(n_hidden=explore.N_HIDDEN, loss_at="all", **settings):
    """The gradient-flow explorer's picture for one setting (rnnlib.explore.DEFAULTS for the
    settings not given; a message figure when there is none). Returns a Figure."""
    fig = plt.figure(figsize=FIGSIZE)
    drawn = draw_gradient_flow(fig, {**explore.DEFAULTS, **settings, "loss_at": loss_at},
                               n_hidden)
    if isinstance(drawn, str):
        plt.close(fig)
        return message_figure(drawn)
    return fig
