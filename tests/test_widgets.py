"""The explorers: headless figures for the defaults and for extreme settings, and the widgets'
controls. (Moving a control in a real browser is tests/test_browser.py.)"""
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from rnnlib import widgets  # noqa: E402

FIGURES = [widgets.mask_explorer_figure, widgets.gradient_flow_figure]
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
    return " ".join(t.get_text() for t in fig.texts)


@pytest.mark.parametrize("figure", FIGURES)
def test_default_figure_has_its_panels_and_numbers(figure):
    fig = figure()
    assert len(fig.axes) == (2 if figure is widgets.mask_explorer_figure else 3)
    assert "spectral radius ρ(W_hh) = " in texts(fig) and "σ_max(W_hh) = " in texts(fig)
    plt.close(fig)


@pytest.mark.parametrize("settings", EXTREMES.values(), ids=EXTREMES.keys())
@pytest.mark.parametrize("figure", FIGURES)
def test_extreme_settings_draw_a_figure_or_a_message(figure, settings):
    fig = figure(**settings, **({"loss_at": "last"} if figure is widgets.gradient_flow_figure else {}))
    fig.canvas.draw()                        # rendering must not fail
    if settings.get("scale", 0) > 1e100:
        assert "overflowed" in texts(fig)
    plt.close(fig)


@pytest.mark.parametrize("settings", [dict(init="identity", scale=6.0, T=200, bias=1.0),
                                      dict(scale=0.1, T=200)])
def test_jacobian_norms_stay_exact_at_extreme_sizes(settings):
    params, trace = widgets.simulate(**{**widgets.DEFAULTS, **settings})
    _, norms, _ = widgets.gradient_flow(params, trace)
    assert np.all(np.isfinite(norms)) and np.all(norms > 0)


def test_all_dead_units_say_so():
    fig = widgets.gradient_flow_figure(bias=-5.0, loss_at="last")
    assert "No gradient reaches any earlier state" in texts(fig)
    plt.close(fig)


def test_overflow_message_names_the_step_and_the_control():
    fig = widgets.mask_explorer_figure(scale=1e200)
    assert "overflowed at step t = " in texts(fig) and "recurrent scale (now 1e+200)" in texts(fig)
    plt.close(fig)


@pytest.mark.parametrize("make, n_controls", [(widgets.mask_explorer, 6),
                                              (widgets.gradient_flow_explorer, 7)])
def test_explorers_have_labelled_controls_and_a_fixed_size_output(make, n_controls):
    box = make()
    grid, out = box.children
    descriptions = [c.description for c in grid.children]
    assert len(descriptions) == n_controls
    assert descriptions[:6] == ["W_hh init", "recurrent scale", "bias b_h", "input amplitude",
                                "T (steps)", "seed"]
    assert out.layout.height.endswith("px")
    costly = [c for c in grid.children if hasattr(c, "continuous_update")]
    assert costly and all(c.continuous_update is False for c in costly)
