"""Diagrams of the unrolled network: the forward graph with its gates, and the backward
graph with the two paths into ∂h_t. Each cell of a hidden state is one unit, coloured by its
ReLU gate; with Grads, every edge is as wide as the gradient it carries. Best for small T and H.
"""
import matplotlib.pyplot as plt
import numpy as np
from matplotlib import patheffects
from matplotlib.patches import FancyArrowPatch, Rectangle

from .style import GATE_OFF, GATE_ON, OKABE_ITO, check_run, one_example, row_norms


def plot_unrolled(trace, grads=None, *, example=0, ax=None, title="The RNN unrolled in time"):
    """The unrolled network: x_t -> h_{t+1} -> y_{t+1}, each h_t drawn as its units, coloured
    by its ReLU gate (1[ĥ_t > 0]: on or off). Best for T <= 8 and H <= 8.

    trace: from rnnlib.forward. grads: optional, from rnnlib.backward; then every edge is as
    wide as the gradient flowing back along it: ‖∂ĥ_{t+1}‖ on the two edges into ĥ_{t+1}
    (from h_t and from x_t), ‖∂y_t‖ on the edge from h_t to y_t. example: which batch example
    to draw. Returns the Figure.
    """
    check_run(trace, grads, example)
    mask = one_example(trace.mask, trace, example)
    T, H = trace.T, mask.shape[-1]
    width = {"into_h": np.full(T + 1, 1.4), "into_y": np.full(T + 1, 1.4)}
    if grads is not None:
        into_h = row_norms(one_example(grads.dh_hat, trace, example))
        into_y = row_norms(one_example(grads.dy, trace, example))
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
    check_run(trace, grads, example)
    mask = one_example(trace.mask, trace, example)
    T, H = trace.T, mask.shape[-1]
    if T < 2:
        raise ValueError(f"trace must have T >= 2 steps to show both paths; got T = {T}")
    t = T // 2 if t is None else t
    if not (isinstance(t, (int, np.integer)) and 1 <= t <= T - 1):
        raise ValueError(f"t must be an integer with 1 <= t <= T-1 = {T - 1} (a state with an "
                         f"output and a next step); got {t!r}")
    into_h = into_y = np.full(T + 1, 0.4)     # without grads: every edge thin
    if grads is not None:
        into_h = row_norms(one_example(grads.dh_hat, trace, example))   # ∂ĥ_s, into ∂h_{s-1}
        into_y = row_norms(one_example(grads.dy, trace, example))
        top = max(into_h.max(), into_y.max()) or 1.0
        into_h, into_y = into_h / top, into_y / top
    step, w, hgt, y_out = 1.6, 0.7, 0.5, 1.6
    if ax is None:   # about 0.65 in per unit of the drawing, so 13 pt labels fit the boxes
        _, ax = plt.subplots(figsize=(0.65 * (2 * T * step + 2 * w) + 0.4,
                                      0.65 * (y_out + 1.3) + 1.0))
    fig = ax.figure
    grey, hot = "#555555", OKABE_ITO["vermillion"]

    def node(x, y, label, gate=None):
        if gate is None:
            ax.add_patch(Rectangle((x - w / 2, y - hgt / 2), w, hgt, fc="white", ec="black",
                                   lw=1.5))
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
                                     color=hot if highlight else grey, shrinkA=0, shrinkB=0))
        if label:
            vertical = x0 == x1
            ax.text((x0 + x1) / 2 + (0.08 if vertical else 0),
                    (y0 + y1) / 2 - (0 if vertical else 0.06),
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
            edge(xh - w / 2, 0, xg + w / 2, 0, "gate" if s in (1, t + 1) else None, into_h[s],
                 False)
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
