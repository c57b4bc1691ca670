"""Figures over time steps: the ReLU masks, ‖∂h_t‖, |∂h_t| per unit, and the norms of the
backward Jacobian products, each for t = 0..T or 1..T.

Every ``plot_*`` function draws into ``ax`` (or a new figure) and returns the Figure. Those
that an explorer redraws have an ``update_*`` partner that puts new data into the existing
artists (same T and H): far faster than a new figure. A gid marks each artist an ``update_*``
function rewrites at every update; rnnlib.blitting repaints exactly those (and the parts that
move with them), so an artist an update changes without a gid would keep its old picture.

Log-scale panels keep exact zeros honest: the line has a gap there, and a hollow marker on the
bottom edge ("= 0", with a legend entry) says so, instead of a floor value that reads as a number.
"""
import matplotlib.pyplot as plt
import numpy as np
from matplotlib import patheffects, ticker, transforms
from matplotlib.patches import Rectangle

from ..validate import check_real, check_shapes
from .style import (GATE_CMAP, GATE_OFF, GATE_ON, OKABE_ITO, check_grads, check_run,
                    one_example, row_norms)

MASK_LEGEND = dict(loc="upper left", bbox_to_anchor=(1.04, 1), frameon=False)


def plot_masks(trace, *, example=0, ax=None, title="ReLU gates $1[\\hat h_t > 0]$",
               legend=None):
    """The ReLU mask of trace (mask (T+1, [B,] H)) as an image, hidden unit × time step
    t = 1..T, with the fraction of active units per step printed above each column when
    T <= 12. Dead units (never on at any step) get a ◀ mark at the right edge and one legend
    entry that counts them ("19 dead units"), so many dead units never stack into a column of
    labels. legend: keyword arguments of the legend (default MASK_LEGEND, right of the
    image). Returns the Figure.
    """
    check_run(trace, example=example)
    mask = one_example(trace.mask, trace, example)[1:]                  # t = 1..T
    T, H = mask.shape
    if ax is None:
        _, ax = plt.subplots(figsize=(min(2 + 0.5 * T, 14), min(1.5 + 0.35 * H, 8)))
    fig = ax.figure
    ax.imshow(np.zeros((H, T)), cmap=GATE_CMAP, vmin=0, vmax=1, aspect="auto",
              interpolation="nearest", extent=(0.5, T + 0.5, H - 0.5, -0.5))
    ax.set_xlabel("time step $t$")
    ax.set_ylabel("hidden unit $i$")
    ax.set_title(title, pad=22 if T <= 12 else 6)
    if T <= 12:
        ax.set_xticks(range(1, T + 1))
        for t in range(T):
            ax.text(t + 1, -0.6, "", ha="center", va="bottom", fontsize=11, gid="fraction on")
    # 6 points right of the image, whatever T is
    right = transforms.offset_copy(ax.transData, fig=fig, x=6, units="points")
    ax.plot([], [], "<", color=OKABE_ITO["vermillion"], ms=6, clip_on=False, transform=right,
            gid="dead", label="dead units")
    ax.add_patch(Rectangle((0, 0), 0, 0, fc=GATE_ON, ec="black", label="on (gradient passes)"))
    ax.add_patch(Rectangle((0, 0), 0, 0, fc=GATE_OFF, ec="black", label="off (gradient stops)"))
    ax.legend(handles=[*ax.patches[-2:], _artist(ax, "dead")], **(legend or MASK_LEGEND))
    ax.get_legend().set_gid("dead units")              # its last entry counts them
    update_masks(ax, trace, example=example)
    return fig


def update_masks(ax, trace, *, example=0):
    """Redraw the masks of ``trace`` (mask (T+1, [B,] H)) into an axes made by
    :func:`plot_masks` for the same T and H (faster than a new figure: only the data change)."""
    check_run(trace, example=example)
    mask = one_example(trace.mask, trace, example)[1:]
    ax.images[0].set_data(mask.T.astype(float))
    for t, text in enumerate(_artists(ax, "fraction on", ax.texts)):
        text.set_text(f"{mask[t].mean():.0%}")
    dead = np.flatnonzero(~mask.any(axis=0))
    marks = _artist(ax, "dead")
    marks.set_data(np.full(dead.size, mask.shape[0] + 0.5), dead)
    marks.set_label(f"{dead.size} dead unit{'' if dead.size == 1 else 's'} (never on)")
    if ax.get_legend() is not None:
        ax.get_legend().get_texts()[-1].set_text(marks.get_label())


def _artists(ax, gid, pool=None):
    """The artists of ax (or of pool) with this gid, in drawing order."""
    return [a for a in (ax.get_children() if pool is None else pool) if a.get_gid() == gid]


def _artist(ax, gid):
    return _artists(ax, gid)[0]


def _log_line(ax, x, values, *, gid, zero_label="= 0 (not on a log axis)", **style):
    """A line on a log-y axis that keeps exact zeros honest: the line has a gap there, and a
    hollow marker on the bottom edge of the axes (with a legend entry) says "this one is 0",
    instead of a floor value that would read as a number. Returns the line."""
    line, = ax.plot([], [], gid=gid, **style)
    at_edge = transforms.blended_transform_factory(ax.transData, ax.transAxes)
    ax.plot([], [], "o", mfc="white", mec=line.get_color(), mew=1.5, ms=7, clip_on=False,
            transform=at_edge, gid=gid + " = 0", label=zero_label, zorder=3)
    _set_log_line(ax, x, values, gid=gid)
    return line


def _set_log_line(ax, x, values, *, gid):
    """New data for a :func:`_log_line`: x, values (n,), with zeros shown as zeros."""
    values = np.asarray(values, dtype=float)
    zero = values == 0
    _artist(ax, gid).set_data(x, np.where(zero | ~np.isfinite(values), np.nan, values))
    _artist(ax, gid + " = 0").set_data(np.asarray(x)[zero], np.zeros(zero.sum()))


def _rescale_log(ax):
    """Autoscale a log-y axis to its finite positive data (exact zeros sit on the edge); only
    the decades are labelled (minor labels such as 6e-1 crowd a small panel)."""
    ax.relim()
    ax.autoscale_view()
    lo, hi = ax.get_ylim()
    few_decades = hi / lo < 30                # then label 0.2, 0.5, 1, 2 too
    ax.yaxis.set_major_locator(ticker.LogLocator(subs=(1, 2, 5) if few_decades else (1,)))
    ax.yaxis.set_major_formatter(ticker.FuncFormatter(lambda v, _: f"{v:g}") if few_decades
                                 else ticker.FuncFormatter(_power_of_ten))
    ax.yaxis.set_minor_formatter(ticker.NullFormatter())


_SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def _power_of_ten(value, _position=None):
    """"10⁻⁵" for a decade tick: plain text with superscript digits, which reads like
    matplotlib's $10^{-5}$ but needs no mathtext layout (a tenth of an explorer update)."""
    exponent = np.log10(value) if value > 0 else np.nan
    if not np.isfinite(exponent) or exponent != round(exponent):
        return ""
    return "10" + str(int(round(exponent))).translate(_SUPERSCRIPT)


def _legend(ax, gid=None, **kwargs):
    """A legend of the labelled artists that have data (an empty "= 0" marker is left out),
    named gid."""
    handles = [h for h in ax.get_lines()
               if not h.get_label().startswith("_") and len(h.get_xdata())]
    if handles:
        ax.legend(handles=handles, **kwargs).set_gid(gid)
    elif ax.get_legend() is not None:
        ax.get_legend().remove()


def plot_hidden_grad_norms(grads, *, ax=None, label=None, title="Gradient reaching each state"):
    """‖∂h_t‖ against t on a log scale (norm over units, and over the batch if batched).
    Exact zeros are hollow markers on the bottom edge ("= 0"), never a floor value.
    Returns the Figure."""
    check_grads(grads)
    norms = row_norms(grads.dh)
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 4))
    fig = ax.figure
    ax.set_yscale("log")
    n = len([a for a in ax.get_lines() if str(a.get_gid()).startswith("norms")]) // 2
    _log_line(ax, np.arange(len(norms)), norms, gid=f"norms {n}" if n else "norms",
              marker="o", ms=4, label=label if label else "_norms")
    _rescale_log(ax)
    ax.set_xlabel("time step $t$")
    ax.set_ylabel(r"$\|\partial h_t\|$  (log scale)")
    ax.set_title(title)
    ax.grid(True, which="major", alpha=0.3)
    _legend(ax, gid="norms legend")
    return fig


def update_hidden_grad_norms(ax, grads):
    """New ∂h norms (grads.dh (T+1, [B,] H)) for an axes made by
    :func:`plot_hidden_grad_norms` (one line). Its legend sits where the data leave room, so
    it moves at every update."""
    check_grads(grads)
    norms = row_norms(grads.dh)
    _set_log_line(ax, np.arange(len(norms)), norms, gid="norms")
    _rescale_log(ax)
    _legend(ax, gid="norms legend")


def plot_gradient_heatmap(trace, grads, *, example=0, ax=None,
                          title="Gradient per unit, closed gates marked ×"):
    """|∂h_t| per hidden unit × time step t = 1..T (log colour scale), with a × on every closed
    gate (ĥ_t <= 0), where ∂ĥ_t = 0 and the gradient stops. The × are black with a white
    outline, visible on every colour of the map. Returns the Figure."""
    check_run(trace, grads, example)
    dh = np.abs(one_example(grads.dh, trace, example)[1:])          # t = 1..T
    closed = ~one_example(trace.mask, trace, example)[1:]
    T, H = dh.shape
    if ax is None:
        _, ax = plt.subplots(figsize=(min(3 + 0.5 * T, 14), min(1.5 + 0.35 * H, 8)))
    fig = ax.figure
    positive = dh[dh > 0]
    floor = positive.min() if positive.size else 1e-300
    image = ax.imshow(np.log10(np.maximum(dh, floor)).T, cmap="cividis", aspect="auto",
                      interpolation="nearest", extent=(0.5, T + 0.5, H - 0.5, -0.5))
    fig.colorbar(image, ax=ax, label=r"$\log_{10} |\partial h_{t,i}|$")
    t_closed, i_closed = np.nonzero(closed)
    if T * H <= 600:
        ax.plot(t_closed + 1, i_closed, "x", color="black", ms=7, mew=2,
                path_effects=[patheffects.withStroke(linewidth=4, foreground="white")],
                label=r"gate closed: $\partial \hat h_{t,i} = 0$")
        ax.legend(loc="upper left", bbox_to_anchor=(0, -0.18), frameon=False)
    ax.set_xlabel("time step $t$")
    ax.set_ylabel("hidden unit $i$")
    ax.set_title(title)
    return fig


GATE_CLOSED = "white"          # outside cividis (dark blue ... yellow): no colour of the map
ZERO = "black"                 # an exact 0 on an open gate: below every colour of the map
OPEN_GATE_CMAP = plt.get_cmap("cividis").with_extremes(bad=GATE_CLOSED, under=ZERO)


def plot_open_gate_gradients(trace, grads, *, example=0, ax=None, label_bar=True,
                             title=r"$|\partial h_{t,i}|$ where the gate is open"):
    """|∂h_t| per hidden unit × step t = 1..T on a log colour scale with a colour bar, only
    where the gate is open; closed gates (∂ĥ_t = 0, the gradient stops) are white, a colour
    outside the map, and exact zeros black (the bar's end triangle). Light enough for T = 200
    and for :func:`update_open_gate_gradients`. label_bar=False leaves the colour bar's label
    to the title (in a crowded figure). Returns the Figure."""
    check_run(trace, grads, example)
    T, H = one_example(grads.dh, trace, example)[1:].shape
    if ax is None:
        _, ax = plt.subplots(figsize=(min(3 + 0.5 * T, 14), min(1.5 + 0.35 * H, 8)))
    fig = ax.figure
    image = ax.imshow(np.ma.masked_all((H, T)), cmap=OPEN_GATE_CMAP, aspect="auto",
                      interpolation="nearest", extent=(0.5, T + 0.5, H - 0.5, -0.5))
    bar = fig.colorbar(image, ax=ax, extend="min", extendfrac=0.08, pad=0.03, fraction=0.1)
    if label_bar:
        bar.set_label(r"$\log_{10} |\partial h_{t,i}|$", labelpad=1)
    bar.ax.yaxis.set_major_locator(ticker.MaxNLocator(nbins=4, integer=True))
    ax.add_patch(Rectangle((0, 0), 0, 0, fc=GATE_CLOSED, ec="black", label="gate closed"))
    ax.add_patch(Rectangle((0, 0), 0, 0, fc=ZERO, ec="black", label="exactly 0"))
    ax.legend(handles=ax.patches[-2:], loc="upper center", bbox_to_anchor=(0.5, -0.27),
              frameon=False, handlelength=1.2, ncol=2, columnspacing=0.8, borderaxespad=0)
    ax.set_xlabel("time step $t$")
    ax.set_ylabel("hidden unit $i$")
    ax.set_title(title)
    update_open_gate_gradients(ax, trace, grads, example=example)
    return fig


def update_open_gate_gradients(ax, trace, grads, *, example=0):
    """New data for an axes made by :func:`plot_open_gate_gradients` (same T and H):
    trace.mask and grads.dh (T+1, [B,] H). The colour limits follow the data."""
    check_run(trace, grads, example)
    dh = np.abs(one_example(grads.dh, trace, example)[1:]).T
    open_ = one_example(trace.mask, trace, example)[1:].T
    positive = dh[(dh > 0) & open_]
    lo, hi = (np.log10(positive.min()), np.log10(positive.max())) if positive.size else (0, 1)
    hi = max(hi, lo + 1e-3)
    with np.errstate(divide="ignore"):
        shown = np.where(dh > 0, np.log10(dh), lo - 1)        # exact 0: below the map ("under")
    image = ax.images[0]
    image.set_data(np.ma.masked_array(shown, mask=~open_))
    image.set_clim(lo, hi)


def _check_norms(norms, sigma_max):
    """norms (S,) as float64 and sigma_max as a float, or an error naming the argument."""
    (norms,) = check_shapes("norms: S", norms)
    return norms.astype(np.float64), check_real("sigma_max", sigma_max)


def plot_jacobian_norms(norms, sigma_max, *, ax=None,
                        title="Backward Jacobian products and their bound"):
    """‖(∂h_T/∂h_t)ᵀ‖₂ = ‖W_hhᵀ D_{t+1} ⋯ W_hhᵀ D_T‖₂ against t (log scale), with the bound
    σ_max(W_hh)^(T−t). norms: (T+1,) from rnnlib.analysis. Blue and orange (a pair that stays
    apart for every common colour-vision deficiency), the bound dashed; exact zeros are hollow
    markers on the bottom edge. Returns the Figure."""
    _check_norms(norms, sigma_max)
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 4))
    fig = ax.figure
    ax.set_yscale("log")
    _log_line(ax, [], [], gid="products", marker="o", ms=3, color=OKABE_ITO["blue"],
              label=r"$\|W_{hh}^\top D_{t+1} \cdots W_{hh}^\top D_T\|_2$")
    ax.plot([], [], "--", lw=2, color=OKABE_ITO["orange"], gid="bound")
    ax.set_xlabel("time step $t$")
    ax.set_ylabel("spectral norm (log scale)")
    ax.set_title(title)
    ax.grid(True, which="major", alpha=0.3)
    update_jacobian_norms(ax, norms, sigma_max)
    return fig


def update_jacobian_norms(ax, norms, sigma_max, *, legend=None, sigma_in_label=True):
    """New data for an axes made by :func:`plot_jacobian_norms`: norms (T+1,), sigma_max.
    legend: keyword arguments of its legend; by default loc="best", where it moves with the
    data at every update (then its gid says so); a legend placed by the caller changes only
    when a "= 0" entry comes or goes. sigma_in_label=False leaves the value of σ_max out
    of the bound's legend entry (for a figure that prints it elsewhere): the label is then the
    same at every update, and matplotlib parses its mathtext once, not at every update."""
    norms, sigma_max = _check_norms(norms, sigma_max)
    T = len(norms) - 1
    t = np.arange(T + 1)
    _set_log_line(ax, t, norms, gid="products")
    with np.errstate(over="ignore", divide="ignore"):
        bound = np.float64(sigma_max) ** (T - t)
    positive = norms[norms > 0]
    floor = positive.min() / 10 if positive.size else 0.0
    # where the bound leaves the products' range it leaves the axes (no value drawn at a floor)
    bound = np.where(np.isfinite(bound) & (bound > 0) & (bound >= floor), bound, np.nan)
    line = _artist(ax, "bound")
    line.set_data(t, bound)
    # mathtext is laid out anew for every new string: the number goes in plain text
    line.set_label(r"bound $\sigma_{max}^{\,T-t}$"
                   + (f" (σ_max = {sigma_max:.2f})" if sigma_in_label else ""))
    _rescale_log(ax)
    _legend(ax, **(legend or {"loc": "best", "gid": "products legend"}))
