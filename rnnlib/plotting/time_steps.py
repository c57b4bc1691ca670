"""Figures for the notebooks: plain matplotlib functions that take a Trace (and Grads) and
return a Figure. They need no widgets, so notebooks, scripts, tests and the README use the
same code. ``use_style()`` sets fonts large enough for a projector.

Colours are colour-blind safe: the Okabe-Ito palette for lines and categories, and the
"cividis" map for images (readable with every common colour-vision deficiency, and in grey).
"""
import matplotlib.pyplot as plt
import numpy as np
from matplotlib import patheffects, ticker, transforms
from matplotlib.colors import ListedColormap
from matplotlib.patches import FancyArrowPatch, Rectangle

OKABE_ITO = {"orange": "#E69F00", "sky blue": "#56B4E9", "green": "#009E73",
             "yellow": "#F0E442", "blue": "#0072B2", "vermillion": "#D55E00",
             "purple": "#CC79A7", "black": "#000000"}
GATE_OFF, GATE_ON = plt.get_cmap("cividis")(0.0), plt.get_cmap("cividis")(1.0)
GATE_CMAP = ListedColormap([GATE_OFF, GATE_ON])

STYLE = {"font.size": 13, "axes.titlesize": 14, "axes.labelsize": 13, "legend.fontsize": 11,
         "xtick.labelsize": 12, "ytick.labelsize": 12, "figure.dpi": 100,
         "axes.prop_cycle": plt.cycler(color=list(OKABE_ITO.values()))}


def use_style():
    """Apply the series' matplotlib style (projector-sized fonts, Okabe-Ito colours)."""
    plt.rcParams.update(STYLE)


def row_norms(a):
    """Euclidean norm of each row of a (rows, ...) array, scaled first so that entries up to
    1e300 do not overflow when squared (np.linalg.norm does not scale)."""
    a = np.asarray(a, dtype=float).reshape(len(a), -1)
    scale = np.max(np.abs(a), axis=1) if a.size else np.zeros(len(a))
    safe = np.where(scale > 0, scale, 1.0)
    return scale * np.sqrt(np.sum((a / safe[:, None]) ** 2, axis=1))


def _example(a, trace, example):
    """Row b of a batched history array (time first), or the array itself."""
    return a[:, example] if trace.batched else a


def plot_unrolled(trace, grads=None, *, example=0, ax=None, title="The RNN unrolled in time"):
    """The unrolled network: x_t -> h_{t+1} -> y_{t+1}, each h_t drawn as its units, coloured
    by its ReLU gate (1[ĥ_t > 0]: on or off). Best for T <= 8 and H <= 8.

    trace: from rnnlib.forward. grads: optional, from rnnlib.backward; then every edge is as
    wide as the gradient flowing back along it: ‖∂ĥ_{t+1}‖ on the two edges into ĥ_{t+1}
    (from h_t and from x_t), ‖∂y_t‖ on the edge from h_t to y_t. example: which batch example
    to draw. Returns the Figure.
    """
    mask = _example(trace.mask, trace, example)
    T, H = trace.T, mask.shape[-1]
    width = {"into_h": np.full(T + 1, 1.4), "into_y": np.full(T + 1, 1.4)}
    if grads is not None:
        into_h = row_norms(_example(grads.dh_hat, trace, example))
        into_y = row_norms(_example(grads.dy, trace, example))
        top = max(into_h.max(), into_y.max()) or 1.0
        width = {"into_h": 0.4 + 6 * into_h / top, "into_y": 0.4 + 6 * into_y / top}
    if ax is None:
        _, ax = plt.subplots(figsize=(1.9 * (T + 1) + 1, 4.6))
    fig = ax.figure
    box_w, box_h, dx = 1.1, 0.55, 1.9
    rows = {"x": 0.0, "h": 1.6, "y": 3.2}

    def box(cx, cy, label, units=None):
        if units is None:
            ax.add_patch(Rectangle((cx - box_w / 2, cy - box_h / 2), box_w, box_h,
                                   fc="white", ec="black", lw=1.5))
        else:  # one cell per hidden unit, coloured by its gate
            w = box_w / len(units)
            for i, on in enumerate(units):
                ax.add_patch(Rectangle((cx - box_w / 2 + i * w, cy - box_h / 2), w, box_h,
                                       fc=GATE_ON if on else GATE_OFF, ec="black", lw=0.8))
        ax.text(cx, cy + box_h / 2 + 0.12, label, ha="center", va="bottom")

    def arrow(x0, y0, x1, y1, label=None, color="black", lw=1.4):
        ax.add_patch(FancyArrowPatch((x0, y0), (x1, y1), arrowstyle="-|>", mutation_scale=14,
                                     lw=lw, color=color, shrinkA=0, shrinkB=0))
        if label:
            vertical = x0 == x1
            ax.text((x0 + x1) / 2 + (0.1 if vertical else 0),
                    (y0 + y1) / 2 + (0 if vertical else 0.08), label,
                    ha="left" if vertical else "center", va="center" if vertical else "bottom",
                    fontsize=11, color=color)

    for t in range(T + 1):
        cx = t * dx
        if t == 0:
            box(cx, rows["h"], "$h_0$")
        else:
            box(cx, rows["h"], f"$h_{{{t}}}$", units=mask[t, :H])
            box(cx, rows["y"], f"$y_{{{t}}}$")
            arrow(cx, rows["h"] + box_h / 2 + 0.45, cx, rows["y"] - box_h / 2,
                  "$W_{yh}$" if t == 1 else None, lw=width["into_y"][t])
            arrow((t - 1) * dx + box_w / 2, rows["h"], cx - box_w / 2, rows["h"],
                  "$W_{hh}$" if t == 1 else None, lw=width["into_h"][t])
        if t < T:
            box(cx, rows["x"], f"$x_{{{t}}}$")
            arrow(cx + box_w / 2, rows["x"] + 0.1, (t + 1) * dx - box_w / 2, rows["h"] - 0.15,
                  "$W_{hx}$" if t == 0 else None, color=OKABE_ITO["blue"],
                  lw=width["into_h"][t + 1])
    ax.add_patch(Rectangle((0, 0), 0, 0, fc=GATE_ON, ec="black", label="unit on ($\\hat h > 0$)"))
    ax.add_patch(Rectangle((0, 0), 0, 0, fc=GATE_OFF, ec="black", label="unit off (gate closed)"))
    ax.legend(loc="upper left", bbox_to_anchor=(0, -0.02), ncol=2, frameon=False)
    ax.set_xlim(-box_w, T * dx + box_w)
    ax.set_ylim(-0.6, rows["y"] + 0.9)
    ax.set_aspect("equal")
    ax.axis("off")
    ax.set_title(title)
    return fig


def plot_masks(trace, *, example=0, ax=None, title="ReLU gates $1[\\hat h_t > 0]$"):
    """The ReLU mask as an image, hidden unit × time step t = 1..T, with the fraction of
    active units per step printed above each column when T <= 12. Dead units (never on at any
    step) get a ◀ mark at the right edge and one legend entry that counts them ("19 dead
    units"), so many dead units never stack into a column of labels. Returns the Figure.
    """
    mask = _example(trace.mask, trace, example)[1:]          # t = 1..T
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
    ax.legend(handles=[*ax.patches[-2:], _artist(ax, "dead")], loc="upper left",
              bbox_to_anchor=(1.04, 1), frameon=False)
    update_masks(ax, trace, example=example)
    return fig


def update_masks(ax, trace, *, example=0):
    """Redraw the masks of ``trace`` into an axes made by :func:`plot_masks` for the same T
    and H (faster than a new figure: only the data changes)."""
    mask = _example(trace.mask, trace, example)[1:]
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


def _legend(ax, **kwargs):
    """A legend of the labelled artists that have data (an empty "= 0" marker is left out)."""
    handles = [h for h in ax.get_lines()
               if not h.get_label().startswith("_") and len(h.get_xdata())]
    if handles:
        ax.legend(handles=handles, **kwargs)
    elif ax.get_legend() is not None:
        ax.get_legend().remove()


def plot_hidden_grad_norms(grads, *, ax=None, label=None, title="Gradient reaching each state"):
    """‖∂h_t‖ against t on a log scale (norm over units, and over the batch if batched).
    Exact zeros are hollow markers on the bottom edge ("= 0"), never a floor value.
    Returns the Figure."""
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
    _legend(ax)
    return fig


def update_hidden_grad_norms(ax, grads):
    """New ∂h norms for an axes made by :func:`plot_hidden_grad_norms` (one line)."""
    norms = row_norms(grads.dh)
    _set_log_line(ax, np.arange(len(norms)), norms, gid="norms")
    _rescale_log(ax)
    _legend(ax)


def plot_gradient_heatmap(trace, grads, *, example=0, ax=None,
                          title="Gradient per unit, closed gates marked ×"):
    """|∂h_t| per hidden unit × time step t = 1..T (log colour scale), with a × on every closed
    gate (ĥ_t <= 0), where ∂ĥ_t = 0 and the gradient stops. The × are black with a white
    outline, visible on every colour of the map. Returns the Figure."""
    dh = np.abs(_example(grads.dh, trace, example)[1:])          # t = 1..T
    closed = ~_example(trace.mask, trace, example)[1:]
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
    T, H = _example(grads.dh, trace, example)[1:].shape
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
    """New data for an axes made by :func:`plot_open_gate_gradients` (same T and H)."""
    dh = np.abs(_example(grads.dh, trace, example)[1:]).T
    open_ = _example(trace.mask, trace, example)[1:].T
    positive = dh[(dh > 0) & open_]
    lo, hi = (np.log10(positive.min()), np.log10(positive.max())) if positive.size else (0, 1)
    hi = max(hi, lo + 1e-3)
    with np.errstate(divide="ignore"):
        shown = np.where(dh > 0, np.log10(dh), lo - 1)        # exact 0: below the map ("under")
    image = ax.images[0]
    image.set_data(np.ma.masked_array(shown, mask=~open_))
    image.set_clim(lo, hi)


def plot_jacobian_norms(norms, sigma_max, *, ax=None,
                        title="Backward Jacobian products and their bound"):
    """‖(∂h_T/∂h_t)ᵀ‖₂ = ‖W_hhᵀ D_{t+1} ⋯ W_hhᵀ D_T‖₂ against t (log scale), with the bound
    σ_max(W_hh)^(T−t). norms: (T+1,) from rnnlib.analysis. Blue and orange (a pair that stays
    apart for every common colour-vision deficiency), the bound dashed; exact zeros are hollow
    markers on the bottom edge. Returns the Figure."""
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
    """New data for an axes made by :func:`plot_jacobian_norms`; legend: keyword arguments
    of its legend (default: loc="best"). sigma_in_label=False leaves the value of σ_max out
    of the bound's legend entry (for a figure that prints it elsewhere): the label is then the
    same at every update, and matplotlib parses its mathtext once, not at every update."""
    norms = np.asarray(norms, dtype=float)
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
    _legend(ax, **(legend or {"loc": "best"}))


def plot_backward_paths(trace, grads=None, *, t=None, example=0, ax=None,
                        title="The backward pass: gradient flows right to left"):
    """The unrolled graph read backwards: ∂y_s → ∂h_s (through W_yhᵀ), ∂h_s → ∂ĥ_s (through
    the gate of step s, one cell per unit, closed cells marked ×) and ∂ĥ_s → ∂h_{s-1} (through
    W_hhᵀ), for s = T … 1. The two paths into ∂h_t, from y_t and from ĥ_{t+1}, are drawn thick
    in vermillion. Best for T <= 6 and H <= 6.

    trace: from rnnlib.forward. grads: optional, from rnnlib.backward; then each backward edge
    is as wide as the gradient it carries (‖∂y_s‖ into ∂h_s, ‖∂ĥ_s‖ into ∂h_{s-1}).
    t: the state whose two incoming paths are highlighted, 1 <= t <= T-1 (default: the middle).
    example: which batch example to draw. Returns the Figure.
    """
    mask = _example(trace.mask, trace, example)
    T, H = trace.T, mask.shape[-1]
    if T < 2:
        raise ValueError(f"trace must have T >= 2 steps to show both paths; got T = {T}")
    t = T // 2 if t is None else t
    if not (isinstance(t, (int, np.integer)) and 1 <= t <= T - 1):
        raise ValueError(f"t must be an integer with 1 <= t <= T-1 = {T - 1} (a state with an "
                         f"output and a next step); got {t!r}")
    into_h = into_y = np.full(T + 1, 0.4)     # without grads: every edge thin
    if grads is not None:
        into_h = row_norms(_example(grads.dh_hat, trace, example))   # ∂ĥ_s, into ∂h_{s-1}
        into_y = row_norms(_example(grads.dy, trace, example))
        top = max(into_h.max(), into_y.max()) or 1.0
        into_h, into_y = into_h / top, into_y / top
    step, w, hgt, y_out = 1.6, 0.7, 0.5, 1.6
    if ax is None:   # about 0.65 in per unit of the drawing, so 13 pt labels fit the boxes
        _, ax = plt.subplots(figsize=(0.65 * (2 * T * step + 2 * w) + 0.4, 0.65 * (y_out + 1.3) + 1.0))
    fig = ax.figure
    grey, hot = "#555555", OKABE_ITO["vermillion"]

    def node(x, y, label, gate=None):
        if gate is None:
            ax.add_patch(Rectangle((x - w / 2, y - hgt / 2), w, hgt, fc="white", ec="black", lw=1.5))
        else:   # ∂ĥ_s: one cell per unit, coloured by the gate; × where it is closed
            cw = w / len(gate)
            for i, on in enumerate(gate):
                cx = x - w / 2 + i * cw
                ax.add_patch(Rectangle((cx, y - hgt / 2), cw, hgt, fc=GATE_ON if on else GATE_OFF,
                                       ec="black", lw=0.8))
                if not on:
                    ax.text(cx + cw / 2, y, "×", ha="center", va="center", fontsize=14,
                            color="black", fontweight="bold",
                            path_effects=[patheffects.withStroke(linewidth=3, foreground="white")])
        ax.text(x, y + hgt / 2 + 0.08, label, ha="center", va="bottom", fontsize=13)

    def edge(x0, y0, x1, y1, label, strength, highlight):
        ax.add_patch(FancyArrowPatch((x0, y0), (x1, y1), arrowstyle="-|>", mutation_scale=15,
                                     lw=(3.5 if highlight else 0.6 + 2.4 * strength),
                                     color=hot if highlight else grey, shrinkA=0, shrinkB=0,
                                     gid="highlight" if highlight else None))
        if label:
            vertical = x0 == x1
            ax.text((x0 + x1) / 2 + (0.08 if vertical else 0), (y0 + y1) / 2 - (0 if vertical else 0.06),
                    label, ha="left" if vertical else "center", va="center" if vertical else "top",
                    fontsize=12, color=hot if highlight else "black")

    for s in range(T + 1):
        xh = 2 * s * step
        node(xh, 0, rf"$\partial h_{{{s}}}$")
        if s >= 1:
            xg = xh - step
            node(xg, 0, rf"$\partial \hat h_{{{s}}}$", gate=mask[s, :H])
            node(xh, y_out, rf"$\partial y_{{{s}}}$")
            edge(xh, y_out - hgt / 2, xh, hgt / 2 + 0.35, r"$W_{yh}^\top$" if s in (1, t) else None,
                 into_y[s], s == t)
            edge(xh - w / 2, 0, xg + w / 2, 0, "gate" if s in (1, t + 1) else None, into_h[s], False)
            edge(xg - w / 2, 0, xh - 2 * step + w / 2, 0,
                 r"$W_{hh}^\top$" if s in (1, t + 1) else None, into_h[s], s == t + 1)
    ax.add_patch(Rectangle((0, 0), 0, 0, fc=GATE_ON, ec="black", label="gate open: passes"))
    ax.add_patch(Rectangle((0, 0), 0, 0, fc=GATE_OFF, ec="black", label="gate closed (×): stops"))
    ax.plot([], [], color=hot, lw=3.5, label=rf"the two paths into $\partial h_{{{t}}}$")
    ax.legend(loc="upper left", bbox_to_anchor=(0, -0.02), ncol=3, frameon=False, fontsize=12)
    ax.set_xlim(-w, 2 * T * step + w)
    ax.set_ylim(-0.6, y_out + 0.7)
    ax.set_aspect("equal")
    ax.axis("off")
    ax.set_title(title)
    return fig
