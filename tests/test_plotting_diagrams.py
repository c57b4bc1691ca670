"""plot_backward_paths: the backward graph of notebook 04. Its numbers come from the library
(checked elsewhere), so here: it is labelled, its gate cells follow the mask, a × marks each
closed gate, exactly the two paths into ∂h_t are highlighted, and bad input is named."""
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402

import rnnlib  # noqa: E402
from rnnlib import plotting  # noqa: E402
from conftest import make_problem  # noqa: E402


@pytest.fixture
def run():
    p, xs, h0, dy = make_problem(T=4, H=3, bias=0.1)
    tr = rnnlib.forward(p, xs, h0)
    return tr, rnnlib.backward(p, tr, dy)


def test_labelled_and_gate_cells_follow_the_mask(run):
    tr, g = run
    fig = plotting.plot_backward_paths(tr, g, t=2)
    ax = fig.axes[0]
    assert ax.get_title() and ax.get_legend() is not None
    cells = [patch for patch in ax.patches
             if isinstance(patch, matplotlib.patches.Rectangle) and patch.get_width() > 0
             and tuple(patch.get_facecolor()) in (plotting.GATE_ON, plotting.GATE_OFF)]
    on = [tuple(c.get_facecolor()) == plotting.GATE_ON for c in cells]
    assert on == tr.mask[1:].ravel().tolist()          # ∂ĥ_1 … ∂ĥ_T, unit by unit
    assert [t.get_text() for t in ax.texts].count("×") == int((~tr.mask[1:]).sum())
    labels = {t.get_text() for t in ax.texts}
    assert {r"$\partial h_{0}$", r"$\partial \hat h_{4}$", r"$\partial y_{4}$"} <= labels
    fig.canvas.draw()
    plt.close(fig)


@pytest.mark.parametrize("t", [1, 2, 3])
def test_exactly_the_two_paths_into_dh_t_are_highlighted(run, t):
    tr, g = run
    fig = plotting.plot_backward_paths(tr, g, t=t)
    hot = [p for p in fig.axes[0].patches if p.get_gid() == "highlight"]
    assert len(hot) == 2
    ends = sorted(p._posA_posB for p in hot)   # (start, end) of each arrow
    x_h = 2 * t * 1.6                          # ∂h_t's column
    # one arrow ends at ∂h_t from above (from ∂y_t), one from the right (from ∂ĥ_{t+1})
    assert any(a[0] == b[0] == x_h for a, b in ends)
    assert any(a[1] == b[1] == 0 and b[0] > x_h - 1 and a[0] > b[0] for a, b in ends)
    plt.close(fig)


def test_bad_t_and_short_traces_are_named(run):
    tr, g = run
    with pytest.raises(ValueError, match=r"t must be an integer with 1 <= t <= T-1 = 3.*got 4"):
        plotting.plot_backward_paths(tr, g, t=4)
    p, xs, h0, _ = make_problem(T=1, H=3)
    with pytest.raises(ValueError, match="T >= 2 .* got T = 1"):
        plotting.plot_backward_paths(rnnlib.forward(p, xs, h0))
    plt.close("all")
