"""rnnlib.plotting.explorers: the explorers' pictures without widgets. The defaults and
extreme settings give a picture or a readable message, never a traceback; what is drawn and
printed are the numbers of rnnlib.explore (checked against numpy in tests/test_explore.py);
a build cut short is done again. (The widgets around them: tests/test_widgets.py.)"""
import re

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from IPython.core.pylabtools import print_figure  # noqa: E402
from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from rnnlib import explore, plotting  # noqa: E402
from rnnlib.plotting.explorers import SUMMARY_LABELS  # noqa: E402

FIGURES = [plotting.mask_explorer_figure, plotting.gradient_flow_figure]
EXTREMES = {
    "scale 0": dict(scale=0.0),
    "overflowing scale": dict(scale=1e200),
    "T = 1": dict(T=1),
    "all units dead": dict(bias=-5.0),
    "identity, T = 200, scale 3": dict(init="identity", scale=3.0, T=200),
    "no input": dict(input_amplitude=0.0),
    "Jacobian norms near 1e155": dict(init="identity", scale=6.0, T=200, bias=1.0),
    "Jacobian norms near 1e-238": dict(scale=0.1, T=200),
}


def texts(fig):
    return " ".join(t.get_text() for t in fig.texts + [t for ax in fig.axes for t in ax.texts])


def shown(fig):
    """What IPython's inline backend would display: PNG bytes, or None when it would fall
    back to the "<Figure size ... with 0 Axes>" text."""
    return print_figure(fig, "png")


@pytest.mark.parametrize("figure", FIGURES)
def test_default_figure_has_its_panels_and_numbers(figure):
    fig = figure()
    # mask explorer: masks, fraction on; gradient flow: norms, heat map, Jacobians, colour bar
    assert len(fig.axes) == (2 if figure is plotting.mask_explorer_figure else 4)
    assert "spectral radius ρ(W_hh) = " in texts(fig) and "σ_max(W_hh) = " in texts(fig)
    assert tuple(fig.get_size_inches()) == plotting.FIGSIZE
    plt.close(fig)


@pytest.mark.parametrize("settings", EXTREMES.values(), ids=EXTREMES.keys())
@pytest.mark.parametrize("figure", FIGURES)
def test_extreme_settings_show_a_picture_or_a_readable_message(figure, settings):
    loss_at = {"loss_at": "last"} if figure is plotting.gradient_flow_figure else {}
    fig = figure(**settings, **loss_at)
    assert shown(fig) is not None            # a picture is displayed, never the repr text
    if settings.get("scale", 0) > 1e100:
        assert "overflowed" in texts(fig)
    plt.close(fig)


def test_all_dead_units_say_so_with_the_summary():
    fig = plotting.gradient_flow_figure(bias=-5.0, loss_at="last")
    assert "No gradient reaches any earlier state" in texts(fig) and shown(fig) is not None
    assert "dead units: 32 of 32" in texts(fig)
    plt.close(fig)


def test_overflow_message_names_the_step_and_the_control():
    fig = plotting.mask_explorer_figure(scale=1e200)
    assert "overflowed at step t = " in texts(fig) and "recurrent scale (now 1e+200)" in texts(fig)
    plt.close(fig)


NUMBERS = {"defaults": {}, "loss at last step": dict(loss_at="last"),
           "T = 12, bias 0.5, seed 3": dict(T=12, bias=0.5, seed=3, scale=0.8),
           "identity": dict(init="identity", scale=1.1, bias=0.2)}


def summary_numbers(fig):
    """The numbers printed above an explorer's picture, in the order of their labels."""
    text = texts(fig)
    return [re.search(re.escape(label) + r" (\S+(?: of \d+)?)", text).group(1)
            for row in SUMMARY_LABELS for label in row]


def line_labelled(ax, fragment):
    (line,) = [line for line in ax.get_lines() if fragment in line.get_label()]
    return line.get_ydata()


@pytest.mark.parametrize("settings", NUMBERS.values(), ids=NUMBERS.keys())
def test_the_pictures_show_the_numbers_of_rnnlib_explore(settings):
    """The norms of the backward Jacobian products, the bound σ_max(W_hh)^(T−t) (the largest
    singular value, not the spectral radius), and the summary's ρ, σ_max, units on and dead
    units, here from numpy."""
    settings = {**explore.DEFAULTS, **settings}
    loss_at = settings.pop("loss_at", "all")
    params, trace = explore.simulate(**settings)
    norms = explore.gradient_flow(params, trace, loss_at, settings["seed"]).jacobian_norms
    sigma = np.linalg.svd(params.W_hh, compute_uv=False)[0]
    rho = np.abs(np.linalg.eigvals(params.W_hh)).max()

    fig = plotting.gradient_flow_figure(loss_at=loss_at, **settings)
    ax_jac = fig.axes[2]
    products = line_labelled(ax_jac, r"W_{hh}^\top D_{t+1}")
    np.testing.assert_allclose(products, np.where(norms > 0, norms, np.nan), rtol=1e-12)
    bound = line_labelled(ax_jac, "bound")
    drawn = np.isfinite(bound)
    assert drawn.sum() >= min(trace.T, 5), "the bound is drawn over a few steps at least"
    steps_back = trace.T - np.arange(trace.T + 1)
    np.testing.assert_allclose(bound[drawn], sigma ** steps_back[drawn], rtol=1e-9)
    active = trace.mask[1:]
    expected = [f"{rho:.2f}", f"{sigma:.2f}", f"{active.mean():.0%}",
                f"{int((~active.any(axis=0)).sum())} of {active.shape[1]}"]
    for picture in (fig, plotting.mask_explorer_figure(**settings)):
        assert summary_numbers(picture) == expected
        plt.close(picture)


def test_the_mask_picture_draws_the_masks_and_the_fraction_on():
    _, trace = explore.simulate(**{**explore.DEFAULTS, "T": 9, "bias": -0.2})
    fig = plotting.mask_explorer_figure(T=9, bias=-0.2)
    ax_mask, ax_frac = fig.axes
    np.testing.assert_array_equal(ax_mask.images[0].get_array(), trace.mask[1:].T)
    (line,) = ax_frac.get_lines()
    np.testing.assert_array_equal(line.get_xdata(), np.arange(1, 10))
    np.testing.assert_allclose(line.get_ydata(), trace.mask[1:].mean(axis=1))
    assert ax_frac.get_title() == "Active units per step"
    plt.close(fig)


class FigureInterruptedOnce(Figure):
    """A figure whose next colour bar, once armed, is cut short, as by Ctrl-C halfway
    through a build."""

    armed = False

    def colorbar(self, *args, **kwargs):
        if self.armed:
            self.armed = False
            raise KeyboardInterrupt
        return super().colorbar(*args, **kwargs)


def pixels(fig):
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    return np.asarray(canvas.buffer_rgba()).copy()


def test_a_build_cut_short_is_done_again_by_the_next_draw():
    settings = {**explore.DEFAULTS, "T": 20}
    fig = FigureInterruptedOnce(figsize=plotting.FIGSIZE, dpi=plotting.DPI)
    plotting.draw_gradient_flow(fig, {**explore.DEFAULTS, "T": 8})    # an earlier picture
    fig.armed = True
    with pytest.raises(KeyboardInterrupt):
        plotting.draw_gradient_flow(fig, settings)
    assert not isinstance(plotting.draw_gradient_flow(fig, settings), str)
    fresh = Figure(figsize=plotting.FIGSIZE, dpi=plotting.DPI)
    plotting.draw_gradient_flow(fresh, settings)
    np.testing.assert_array_equal(pixels(fig), pixels(fresh))
