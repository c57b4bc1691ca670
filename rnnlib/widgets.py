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
"""
import matplotlib.pyplot as plt
import numpy as np

from . import analysis, plotting
from .bptt import backward
from .gradcheck import random_upstream
from .model import INITS, forward, init_params

DEFAULTS = dict(init="gaussian", scale=1.0, bias=0.0, input_amplitude=1.0, T=50, seed=0)
N_INPUT = 4
FIGSIZE = (13, 4.3)


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
    """A figure of the usual size that shows only a message (for settings with no picture)."""
    fig = plt.figure(figsize=figsize)
    fig.text(0.5, 0.5, text, ha="center", va="center", fontsize=14, wrap=True)
    return fig


def _summary(params, trace):
    """The numbers printed above both explorers' figures."""
    rho = analysis.spectral_radius(params.W_hh)
    sigma = analysis.largest_singular_value(params.W_hh)
    active = trace.mask[1:]
    dead = int((~active.any(axis=0)).sum())
    return (f"spectral radius ρ(W_hh) = {rho:.2f}    largest singular value "
            f"σ_max(W_hh) = {sigma:.2f}    units on: {active.mean():.0%} on average"
            f"    dead units: {dead} of {active.shape[1]}")


def mask_explorer_figure(n_hidden=32, **settings):
    """The mask explorer's picture for one setting: the ReLU masks (unit × time), the fraction
    of units on at each step, and the numbers ρ(W_hh), σ_max(W_hh). Returns a Figure."""
    params, trace = simulate(**{**DEFAULTS, **settings}, n_hidden=n_hidden)
    if params is None:
        return message_figure(trace)
    fig, (ax_mask, ax_frac) = plt.subplots(1, 2, figsize=FIGSIZE,
                                           gridspec_kw={"width_ratios": [2.2, 1]})
    plotting.plot_masks(trace, ax=ax_mask, title="ReLU gates $1[\\hat h_t > 0]$")
    ax_mask.legend(loc="upper left", bbox_to_anchor=(0, -0.2), ncol=2, frameon=False)
    active = trace.mask[1:].mean(axis=1)
    ax_frac.plot(np.arange(1, trace.T + 1), active, "o-", ms=3, color=plotting.OKABE_ITO["blue"])
    ax_frac.set_ylim(-0.03, 1.03)
    ax_frac.set_xlabel("time step $t$")
    ax_frac.set_ylabel("fraction of units on")
    ax_frac.set_title("Active units per step")
    ax_frac.grid(True, alpha=0.3)
    fig.text(0.5, 0.985, _summary(params, trace), ha="center", va="top", fontsize=12)
    fig.subplots_adjust(left=0.06, right=0.98, bottom=0.27, top=0.84, wspace=0.3)
    return fig


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


def gradient_flow_figure(n_hidden=32, loss_at="all", **settings):
    """The gradient-flow explorer's picture for one setting: ‖∂h_t‖ through time, |∂h_t| per
    unit with closed gates overlaid, and the masked Jacobian products against the σ_max bound.
    Returns a Figure."""
    settings = {**DEFAULTS, **settings}
    params, trace = simulate(**settings, n_hidden=n_hidden)
    if params is None:
        return message_figure(trace)
    with np.errstate(all="ignore"):
        grads, norms, sigma = gradient_flow(params, trace, loss_at, settings["seed"])
    if not (np.all(np.isfinite(grads.dh)) and np.all(np.isfinite(norms))):
        return message_figure("The backward pass overflowed: the gradient grew beyond the "
                              f"largest float.\nLower the recurrent scale (now {settings['scale']:g}).")
    if trace.T > 1 and not np.any(grads.dh[:-1]):
        return message_figure("No gradient reaches any earlier state: every gate on the way back "
                              "is closed (all units dead),\nor W_hh is zero.\n\n"
                              + _summary(params, trace))
    fig, (ax_norm, ax_heat, ax_jac) = plt.subplots(1, 3, figsize=FIGSIZE,
                                                   gridspec_kw={"width_ratios": [1, 1.3, 1]})
    where = "at every step" if loss_at == "all" else "at the last step"
    plotting.plot_hidden_grad_norms(grads, ax=ax_norm, title=f"$\\|\\partial h_t\\|$, loss {where}")
    _heatmap(ax_heat, grads, trace)
    plotting.plot_jacobian_norms(norms, sigma, ax=ax_jac, title="Jacobian products vs bound")
    fig.text(0.5, 0.985, _summary(params, trace), ha="center", va="top", fontsize=12)
    fig.subplots_adjust(left=0.06, right=0.98, bottom=0.14, top=0.84, wspace=0.35)
    return fig


def _heatmap(ax, grads, trace):
    """|∂h_t| per unit and step on a log scale where the gate is open; closed gates light grey,
    since there ∂ĥ_t = 0 and the gradient stops. Lean enough for T = 200 (no colour bar)."""
    dh = np.abs(grads.dh[1:]).T
    positive = dh[dh > 0]
    floor = positive.min() if positive.size else 1.0
    T, H = trace.T, dh.shape[0]
    shown = np.ma.masked_array(np.log10(np.maximum(dh, floor)), mask=~trace.mask[1:].T)
    cmap = plt.get_cmap("cividis").with_extremes(bad="#d9d9d9")
    ax.imshow(shown, cmap=cmap, aspect="auto", interpolation="nearest",
              extent=(0.5, T + 0.5, H - 0.5, -0.5))
    ax.set_xlabel("time step $t$")
    ax.set_ylabel("hidden unit $i$")
    ax.set_title(r"$|\partial h_{t,i}|$ (log colours); grey: gate closed")


# --- the widgets ----------------------------------------------------------------------------

def _controls(with_loss_at):
    import ipywidgets as w
    style, wide = {"description_width": "9em"}, w.Layout(width="23em")
    controls = {
        "init": w.Dropdown(options=list(INITS), value=DEFAULTS["init"], description="W_hh init",
                           style=style, layout=wide),
        "scale": w.FloatSlider(value=DEFAULTS["scale"], min=0.0, max=3.0, step=0.05,
                               description="recurrent scale", continuous_update=False,
                               style=style, layout=wide),
        "bias": w.FloatSlider(value=DEFAULTS["bias"], min=-2.0, max=2.0, step=0.05,
                              description="bias b_h", continuous_update=False, style=style,
                              layout=wide),
        "input_amplitude": w.FloatSlider(value=DEFAULTS["input_amplitude"], min=0.0, max=3.0,
                                         step=0.1, description="input amplitude",
                                         continuous_update=False, style=style, layout=wide),
        "T": w.IntSlider(value=DEFAULTS["T"], min=1, max=200, description="T (steps)",
                         continuous_update=False, style=style, layout=wide),
        "seed": w.BoundedIntText(value=DEFAULTS["seed"], min=0, max=9999, description="seed",
                                 style=style, layout=wide),
    }
    if with_loss_at:
        controls["loss_at"] = w.ToggleButtons(options=[("every step", "all"), ("last step", "last")],
                                              value="all", description="loss at", style=style)
    return controls


def _explorer(figure_function, with_loss_at):
    import ipywidgets as w
    from IPython.display import display
    controls = _controls(with_loss_at)

    def draw(**settings):
        fig = figure_function(**settings)
        display(fig)
        plt.close(fig)

    out = w.interactive_output(draw, controls)
    out.layout = w.Layout(height=f"{FIGSIZE[1] * 100 + 30:.0f}px")   # fixed: nothing jumps
    grid = w.GridBox(list(controls.values()),
                     layout=w.Layout(grid_template_columns="repeat(3, 24em)", grid_gap="2px 8px"))
    return w.VBox([grid, out])


def mask_explorer():
    """The ReLU mask explorer: controls for the settings above, and the mask figure."""
    return _explorer(mask_explorer_figure, with_loss_at=False)


def gradient_flow_explorer():
    """The gradient-flow explorer: the same controls plus where the loss sits."""
    return _explorer(gradient_flow_figure, with_loss_at=True)
