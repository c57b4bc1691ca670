"""The series' look: colour-blind safe colours, projector-sized fonts, and two small helpers
every figure module uses: argument checks, and one example of a batch.

Colours: the Okabe-Ito palette for lines and categories, and the "cividis" map for images
(readable with every common colour-vision deficiency, and in grey).
"""
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.colors import ListedColormap

from ..bptt import check_grads
from ..model import check_trace

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
    """Euclidean norm of each row of a (rows, ...) array -> (rows,), scaled first so that
    entries up to 1e300 do not overflow when squared (np.linalg.norm does not scale)."""
    a = np.asarray(a, dtype=float).reshape(len(a), -1)
    scale = np.max(np.abs(a), axis=1) if a.size else np.zeros(len(a))
    safe = np.where(scale > 0, scale, 1.0)
    return scale * np.sqrt(np.sum((a / safe[:, None]) ** 2, axis=1))


def one_example(a, trace, example):
    """Example b of a history array: a[:, b] (T+1, ...) for a batched trace, else a itself."""
    return a[:, example] if trace.batched else a


def check_run(trace, grads=None, example=0):
    """Raise unless trace is an rnnlib.Trace, grads (if given) an rnnlib.Grads of a backward
    pass over it (dh of trace.h's shape, (T+1, [B,] H)), and example an index of its batch."""
    check_trace(trace)
    if grads is not None:
        check_grads(grads)
        if grads.dh.shape != trace.h.shape:
            raise ValueError(f"grads must come from a backward pass over trace: grads.dh has "
                             f"shape {grads.dh.shape}, trace.h {trace.h.shape}")
    B = trace.h.shape[1] if trace.batched else 1
    if isinstance(example, bool) or not isinstance(example, (int, np.integer)) \
            or not 0 <= example < B:
        raise ValueError(f"example must be an integer with 0 <= example < B = {B}; "
                         f"got {example!r}")
