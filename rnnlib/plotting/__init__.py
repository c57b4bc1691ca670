"""Figures for the notebooks: plain matplotlib functions that take a Trace (and Grads) and
return a Figure. They need no widgets, so notebooks, scripts, tests and the README use the
same code. ``use_style()`` sets fonts large enough for a projector.

One module per kind of figure, every public name importable from here:
``style`` (colours, fonts), ``diagrams`` (the unrolled network, forwards and backwards),
``time_steps`` (masks, gradient norms and Jacobian products over t, with the update functions
an explorer calls) and ``explorers`` (the two explorers' pictures for one setting).
"""
from .diagrams import plot_backward_paths, plot_unrolled
from .explorers import (DPI, FIGSIZE, draw_gradient_flow, draw_masks, gradient_flow_figure,
                        mask_explorer_figure, message_figure)
from .style import GATE_CMAP, GATE_OFF, GATE_ON, OKABE_ITO, STYLE, row_norms, use_style
from .time_steps import (GATE_CLOSED, OPEN_GATE_CMAP, ZERO, plot_gradient_heatmap,
                         plot_hidden_grad_norms, plot_jacobian_norms, plot_masks,
                         plot_open_gate_gradients, update_hidden_grad_norms,
                         update_jacobian_norms, update_masks, update_open_gate_gradients)

__all__ = [
    "use_style", "STYLE", "OKABE_ITO", "GATE_ON", "GATE_OFF", "GATE_CMAP", "GATE_CLOSED",
    "ZERO", "OPEN_GATE_CMAP", "row_norms",
    "plot_unrolled", "plot_backward_paths",
    "plot_masks", "update_masks", "plot_hidden_grad_norms", "update_hidden_grad_norms",
    "plot_gradient_heatmap", "plot_open_gate_gradients", "update_open_gate_gradients",
    "plot_jacobian_norms", "update_jacobian_norms",
    "FIGSIZE", "DPI", "draw_masks", "draw_gradient_flow", "mask_explorer_figure",
    "gradient_flow_figure", "message_figure",
]
