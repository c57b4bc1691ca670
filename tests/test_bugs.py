"""rnnlib.bugs: each planted bug computes what its description says, checked against the bug's
own equations written here with whole-sequence numpy (one product over time and batch); a buggy
pass checks its arguments like backward, an unknown bug is refused, and the table's words are a
mapping of GradCheckReport.status."""
import numpy as np
import pytest

import rnnlib
from rnnlib import bugs
from conftest import make_problem


def summed_outer(u, v):
    """Σ u vᵀ over every leading axis (time, batch): u (..., m), v (..., n) -> (m, n)."""
    return u.reshape(-1, u.shape[-1]).T @ v.reshape(-1, v.shape[-1])


def gradients_from(p, tr, dy, dh_hat, *, upstream=None, output_factor=None):
    """dW_hh, dW_hx, db_h, dW_yh, dh0, dx from a history ∂ĥ_t (T+1, [B,] H), all steps at once.

    upstream: what multiplies h_{t-1}ᵀ, x_{t-1}ᵀ and enters ∂b_h (∂ĥ_t unless given);
    output_factor: what multiplies h_tᵀ in ∂W_yh (∂y_t unless given)."""
    up = dh_hat[1:] if upstream is None else upstream[1:]
    out = dy[1:] if output_factor is None else output_factor[1:]
    return {"dW_hh": summed_outer(up, tr.h[:-1]), "dW_hx": summed_outer(up, tr.xs),
            "db_h": up.reshape(-1, up.shape[-1]).sum(axis=0),
            "dW_yh": summed_outer(out, tr.h[1:]),
            "dh0": dh_hat[1] @ p.W_hh, "dx": dh_hat[1:] @ p.W_hx}


def histories(p, tr, dy, gate, through_time=True):
    """∂h_t = W_yhᵀ ∂y_t + W_hhᵀ ∂ĥ_{t+1} (the second path only if through_time),
    ∂ĥ_t = gate[t] ⊙ ∂h_t, for t = T ... 1; ∂h_0 = W_hhᵀ ∂ĥ_1."""
    dh, dh_hat = np.zeros_like(tr.h), np.zeros_like(tr.h)
    for t in range(tr.T, 0, -1):
        dh[t] = dy[t] @ p.W_yh
        if through_time and t < tr.T:
            dh[t] += dh_hat[t + 1] @ p.W_hh
        dh_hat[t] = gate[t] * dh[t]
    dh[0] = dh_hat[1] @ p.W_hh
    return dh, dh_hat


def expected(bug, p, tr, dy):
    """What the pass with ``bug`` returns, from the bug's description."""
    mask = tr.mask.astype(float)                 # ReLU'(ĥ_t), row 0 zero
    if bug == "mask at the wrong step":          # ReLU'(ĥ_{t-1}) gates ∂h_t
        dh, dh_hat = histories(p, tr, dy, np.concatenate([mask[:1], mask[:-1]]))
    else:
        dh, dh_hat = histories(p, tr, dy, mask, bug != "dropped through-time term")
    grads = gradients_from(p, tr, dy, dh_hat)
    if bug == "missing upstream factor":
        grads.update({k: v for k, v in gradients_from(p, tr, dy, dh_hat, upstream=mask).items()
                      if k in ("dW_hh", "dW_hx", "db_h")})
    elif bug == "= instead of +=":               # only the t = 1 term stays
        grads["dW_hh"] = summed_outer(dh_hat[1], tr.h[0])
    elif bug == "output factor dropped":
        grads["dW_yh"] = gradients_from(p, tr, dy, dh_hat,
                                        output_factor=np.ones_like(dy))["dW_yh"]
    return {**grads, "dh": dh, "dh_hat": dh_hat}


@pytest.mark.parametrize("B", [None, 3])
@pytest.mark.parametrize("bug", rnnlib.BUGS)
def test_each_bug_computes_what_its_description_says(bug, B):
    p, xs, h0, dy = make_problem(T=5, B=B, H=4, bias=0.5, seed=3)
    tr = rnnlib.forward(p, xs, h0)
    assert 0 < tr.mask[1:].mean() < 1            # gates open and closed: the mask bug shows
    got = rnnlib.backward_with_bug(bug)(p, tr, dy.copy())
    want = expected(bug, p, tr, dy)
    for name, value in want.items():
        np.testing.assert_allclose(getattr(got, name), value, atol=1e-12, err_msg=name)
    right = rnnlib.backward(p, tr, dy)
    differs = {n for n in want if not np.allclose(getattr(right, n), want[n], atol=1e-9)}
    assert bool(differs) == (bug != "upstream gradient modified in place"), differs


def test_the_in_place_bug_zeroes_the_callers_dy_and_leaves_the_gradients_right():
    p, xs, h0, dy = make_problem(T=4, H=3)
    tr = rnnlib.forward(p, xs, h0)
    mine = dy.copy()
    got = rnnlib.backward_with_bug("upstream gradient modified in place")(p, tr, mine)
    assert not mine.any() and dy[1:].any()
    np.testing.assert_allclose(got.dW_hh, rnnlib.backward(p, tr, dy).dW_hh, atol=1e-12)
    assert not got.dy.any()                      # the dy it hands back is the zeroed one
    from_list = rnnlib.backward_with_bug("upstream gradient modified in place")(p, tr, dy.tolist())
    np.testing.assert_allclose(from_list.dW_yh, got.dW_yh, atol=1e-12)


def test_a_buggy_pass_validates_its_arguments_like_backward():
    p, xs, h0, dy = make_problem(T=3)
    tr = rnnlib.forward(p, xs, h0)
    for bug in rnnlib.BUGS:
        with pytest.raises(ValueError, match="dy must have the shape of trace.y"):
            rnnlib.backward_with_bug(bug)(p, tr, dy[1:])


def test_an_unknown_bug_is_refused_naming_the_known_ones():
    with pytest.raises(ValueError, match="bug must be one of 'missing upstream factor'"):
        rnnlib.backward_with_bug("typo")


def test_the_tables_word_is_the_word_of_the_reports_status():
    # on real checks, over every setup, so that all three words occur
    p, xs, h0, _ = make_problem(T=4, H=3, bias=0.5)
    table = bugs.which_checks_catch(p, xs, h0)
    seen = set()
    for setup in bugs.SETUPS:
        params, x, h, dy = bugs.setup_problem(setup, p, xs, h0)
        for bug in rnnlib.BUGS:
            report = rnnlib.check_gradients(params, x, h0=h, dy=dy,
                                            backward=rnnlib.backward_with_bug(bug))
            assert table.rows[bug][setup] == bugs.verdict(report) == {
                "fail": "caught", "pass": "MISSED", "inconclusive": "inconclusive"}[report.status]
            seen.add(report.status)
    assert seen == {"fail", "pass", "inconclusive"}


def test_which_names_the_bugs_the_table_runs():
    p, xs, h0, _ = make_problem(T=4, H=3, bias=0.5)
    chosen = ("output factor dropped", "= instead of +=")
    table = bugs.which_checks_catch(p, xs, h0, setups=("random ∂y",), which=chosen)
    assert tuple(table.rows) == chosen
    assert all(row == {"random ∂y": "caught"} for row in table.rows.values())

