"""Claims of notebook 06, measured: which weak checks miss which planted bug (over several
generic networks, not one seed), and the stored outputs agree with what the markdown says."""
import json
from pathlib import Path

import numpy as np
import pytest
from IPython.core.formatters import format_display_data

import rnnlib
from rnnlib import bugs

NOTEBOOK = Path(__file__).resolve().parents[1] / "notebooks" / "06_checking_bptt.ipynb"
ALL = set(rnnlib.BUGS)
IN_PLACE = "upstream gradient modified in place"


def generic_problem(seed, T=6, D=3, H=4, O=2):
    rng = np.random.default_rng(seed)
    params = rnnlib.init_params(D, H, O, seed=rng).replace(b_h=0.5 + 0.1 * rng.standard_normal(H))
    return params, rng.standard_normal((T, D)), np.abs(rng.standard_normal(H))


@pytest.fixture(scope="module")
def tables():
    return [bugs.which_checks_catch(*generic_problem(seed), seed=seed) for seed in range(3)]


# What the notebook says each check misses; the same on every generic network.
MISSED = {"random ∂y": set(), "E = Σ y": {"output factor dropped"}, "loss at T only": set(),
          "T = 1": {"= instead of +=", "dropped through-time term"},
          "W_hh = 0": {"dropped through-time term"}, "all zeros": set()}


@pytest.mark.parametrize("setup", bugs.SETUPS)
def test_each_weak_check_misses_exactly_the_bugs_the_notebook_says(tables, setup):
    for table in tables:
        assert table.missed(setup) == MISSED[setup], (setup, table)
        caught = {b for b, row in table.rows.items() if row[setup] == "caught"}
        if setup == "all zeros":   # nothing compared but zeros: inconclusive, except the dy copy
            assert caught == {IN_PLACE}
        else:
            assert caught == ALL - MISSED[setup]


def test_a_single_step_check_really_hides_a_through_time_bug_that_the_full_check_sees():
    # A large b_h does not hide the mask bug (the ReLU RNN is positively homogeneous, and
    # at t = 1 the bug reads mask[0] = False). T = 1 does hide the two through-time bugs:
    params, xs, h0 = generic_problem(7)
    for bug in ("dropped through-time term", "= instead of +="):
        wrong = rnnlib.backward_with_bug(bug)
        p, x, h, dy = bugs.setup_problem("T = 1", params, xs, h0)
        assert x.shape == (1, 3)
        assert rnnlib.check_gradients(p, x, h0=h, dy=dy, backward=wrong).ok
        assert not rnnlib.check_gradients(params, xs, h0=h0, backward=wrong).ok
    mask_bug = rnnlib.backward_with_bug("mask at the wrong step")
    for b_h in (5.0, 20.0, 100.0):   # a large bias leaves gates closed: it scales like the rest
        assert not rnnlib.forward(params.replace(b_h=np.full(4, b_h)), xs, h0).mask[1:].all()
    # every gate open (non-negative weights and inputs), and the mask bug is still caught
    positive = rnnlib.Params(*(np.abs(getattr(params, n)) for n in rnnlib.Params.names))
    assert rnnlib.forward(positive, np.abs(xs), h0).mask[1:].all()
    assert not rnnlib.check_gradients(positive, np.abs(xs), h0=h0, backward=mask_bug).ok


def test_the_table_displays_as_html_with_words_as_well_as_colours(tables):
    html = format_display_data(tables[0])[0]["text/html"]     # what the notebook displays
    assert html.startswith("<table>") and html.count("<tr>") == 1 + len(rnnlib.BUGS)
    assert 'background:#f3c16b;color:#000;font-weight:bold;text-align:center">MISSED</td>' in html
    assert ">caught</td>" in html and ">inconclusive</td>" in html
    assert "E = Σ y" in repr(tables[0]).splitlines()[0]


def test_setup_and_bug_names_are_checked():
    params, xs, h0 = generic_problem(0)
    with pytest.raises(ValueError, match="setup must be one of 'random ∂y'"):
        bugs.which_checks_catch(params, xs, h0, setups=("T = 2",))
    with pytest.raises(ValueError, match="bug must be one of"):
        bugs.which_checks_catch(params, xs, h0, which=("typo",))


# --- the stored notebook: outputs and markdown agree ----------------------------------------

def cells():
    return json.loads(NOTEBOOK.read_text())["cells"]


def output_text(cell_id):
    cell = next(c for c in cells() if c.get("id") == cell_id)
    texts = []
    for out in cell["outputs"]:
        texts.append("".join(out.get("text", "")) + "".join(out.get("data", {}).get("text/plain", "")))
    return "\n".join(texts)


def markdown(cell_id):
    """The markdown cell's text, with the markdown cells that continue it up to the next code
    cell (tools/slides.py cuts long cells at blank lines into consecutive pieces)."""
    all_cells = cells()
    start = next(i for i, c in enumerate(all_cells) if c.get("id") == cell_id)
    pieces = []
    for c in all_cells[start:]:
        if c["cell_type"] != "markdown":
            break
        pieces.append("".join(c["source"]))
    return "\n\n".join(pieces)


def stored_table(cell_id):
    lines = [l for l in output_text(cell_id).splitlines() if "|" in l]
    setups = [s.strip() for s in lines[0].split("|")[1:]]
    rows = {}
    for line in lines[1:]:
        bug, *verdicts = (v.strip() for v in line.split("|"))
        rows[bug] = dict(zip(setups, verdicts))
    assert set(rows) == set(rnnlib.BUGS)
    return setups, rows


def test_stored_catch_table_agrees_with_the_markdown_below_it():
    setups, rows = stored_table("b8da3b81")
    text = markdown("7d1ce50a")
    missed = {s: {b for b in rows if rows[b][s] == "MISSED"} for s in setups}
    assert "The full check catches every planted bug" in text and not missed["random ∂y"]
    assert "so does a loss at the last step alone" in text and not missed["loss at T only"]
    assert "forgets to multiply by" in text and missed["E = Σ y"] == {"output factor dropped"}
    assert "a pass that forgets it is exact" in text and missed["W_hh = 0"] == {"dropped through-time term"}
    assert "**All zeros** checks almost nothing" in text
    assert {rows[b]["all zeros"] for b in rows if b != IN_PLACE} == {"inconclusive"}
    summary = " ".join(markdown("df30ec21").split())
    inconclusive = sum(rows[b]["all zeros"] == "inconclusive" for b in rows)
    words = {5: "five", 6: "six"}
    assert "compares only entries whose gradient is exactly 0" in summary
    assert (f"it was inconclusive for {words[inconclusive]} of the {words[len(rows)]} bugs, and "
            "caught only the pass that writes into its input") in summary
    assert rows[IN_PLACE]["all zeros"] == "caught"
    assert "all-zero weights) let some" not in summary       # all zeros is never MISSED
    assert not any(rows[b]["all zeros"] == "MISSED" for b in rows)


def test_the_one_step_table_comes_only_with_a_prediction_and_its_explanation_holds():
    from rnnlib.exercises import PREDICTIONS
    cell = next(c for c in cells() if c.get("id") == "e2f3a4b5")
    out = "".join("".join(o.get("text", "")) for o in cell["outputs"])
    assert "Write your prediction into my_prediction first" in out and "MISSED" not in out
    why = PREDICTIONS["one_step_check"]          # shown after a wrong prediction
    assert "through-time term is 0" in why and "same with = or +=" in why and "mask bug is" in why
    assert MISSED["T = 1"] == {"= instead of +=", "dropped through-time term"}


def test_finite_difference_claims_match_the_stored_output():
    out = output_text("73456410")
    text = markdown("e76c89b1")
    assert "curvature terms" in text and "cancel" in text and "order $\\varepsilon^2$" in text
    assert "kink-free at **every** $\\varepsilon$" in text
    assert "the curve compares the 7 of 16 entries that are kink-free at every eps" in out
    assert "entries of W_hh set aside as kinks: 9 at eps = 1e-01" in out
    assert "ratio 100: about (1e-3 / 1e-4)² = 100, the error scales like eps²" in out
    assert "smallest error for an eps between 1e-6 and 1e-4: True" in out


def test_training_runs_coincide_and_say_which_backward_ran():
    out = output_text("c6d7e8f9")
    assert "training with rnnlib.backward_literal in its place" in out   # stored unattempted
    assert "the two runs coincide, every loss equal to within 1e-12 × max(1, loss): True" in out
    assert "Until `my_rnn_backward` passes its check" in markdown("b5c6d7e8")


def test_the_checker_demo_shows_a_right_and_a_wrong_answer():
    out = output_text("a4b5c6d7")
    assert "rnnlib.backward_literal: correct" in out
    assert "This is the bug 'mask at the wrong step'" in out


def test_markdown_cells_are_short_and_there_are_two_pauses():
    md = [("".join(c["source"])) for c in cells() if c["cell_type"] == "markdown"]
    assert max(len(s.split()) for s in md) <= 250
    assert sum(s.count("⏸ **A good place to pause.**") for s in md) == 2
    # the one thinking question (no checker) is the float32 estimate, as TEACHING.md says
    assert [s[:60] for s in md if "(Thinking.)" in s] == [
        "**3.** (Thinking.) Why does the check use float64 even when "]


def test_a_gradient_never_compared_is_inconclusive_however_its_row_scores_it():
    # A row with nothing compared (every entry a kink) may be marked close or, by a stricter
    # comparison, not close; either way no entry disagreed, so the table says inconclusive,
    # neither caught nor missed.
    Row = rnnlib.Comparison
    fine = Row("dW_yh", True, False, True, 1e-12, 1e-12, n_compared=8)
    for close in (True, False):
        unverified = Row("db_h", True, False, close, np.nan, np.nan, n_compared=0, n_kinks=4)
        assert bugs.verdict(rnnlib.GradCheckReport((fine, unverified))) == "inconclusive"
    wrong = Row("dW_hh", True, False, False, 1.0, 1.0, n_compared=16)
    assert bugs.verdict(rnnlib.GradCheckReport((fine, wrong))) == "caught"
    assert bugs.verdict(rnnlib.GradCheckReport((fine,))) == "MISSED"


def test_the_notebooks_training_loop_coincides_for_a_right_student_answer():
    # The stored run compares rnnlib.backward with backward_literal (the unattempted fallback);
    # a right my_rnn_backward, written another way, must coincide just as well.
    solutions = pytest.importorskip("rnnlib.solutions", reason="a hand-out copy has no solutions")
    source = "".join(next(c for c in cells() if c.get("id") == "c6d7e8f9")["source"])
    namespace = {}
    exec(compile("import numpy as np\nimport rnnlib\nfrom rnnlib import optim, tasks\n"
                 + source[:source.index("yours = check")], "06 training cell", "exec"), namespace)
    train_adding = namespace["train_adding"]
    library = train_adding(rnnlib.backward)
    student = train_adding(solutions.solution("rnn_backward"))
    assert np.all(np.abs(library - student) <= 1e-12 * np.maximum(1, library))
    wrong = train_adding(rnnlib.backward_with_bug("dropped through-time term"))
    assert np.abs(library - wrong).max() > 1e-6    # the comparison can fail


def test_all_zeros_compares_only_zeros():
    # "every nudge of W_hh, W_hx or b_h crosses a kink, and what is left to compare is 0 on
    # both sides"
    p, x, h, dy = bugs.setup_problem("all zeros", *generic_problem(3))
    report = rnnlib.check_gradients(p, x, h0=h, dy=dy)
    assert {r.name for r in report.rows if r.n_compared == 0} == {"dW_hh", "dW_hx", "db_h"}
    g = rnnlib.backward(p, rnnlib.forward(p, x, h), dy)
    assert not (g.dW_yh.any() or g.dh0.any() or g.dx.any())
    assert all(r.max_abs_diff == 0 for r in report.rows if r.n_compared)


def test_the_floor_is_the_resolution_over_the_tolerance():
    """06 cell 'Three more decisions': below the floor the check allows an absolute error of
    tol × floor, the finite-difference resolution itself (for 06's network: a floor of 3.9e-3
    for ∂W_hh, an allowed error of 3.9e-9)."""
    from rnnlib.gradcheck import fd_floor
    text = " ".join(markdown("bfd40364").split())
    assert "The floor is the finite-difference resolution divided by the tolerance" in text
    assert "their difference be within the resolution itself" in text
    scale, size, eps, tol = 7.0, 16, 1e-6, 1e-6
    resolution = np.sqrt(size) * np.finfo(np.float64).eps * scale / eps
    floor = fd_floor(scale, size, eps, tol)
    assert np.isclose(floor, resolution / tol)
    tiny = np.full(size, 1e-12)
    within = tiny + 0.9 * resolution / np.sqrt(size)     # ‖difference‖ = 0.9 × resolution
    beyond = tiny + 1.1 * resolution / np.sqrt(size)
    assert rnnlib.compare("g", within, tiny, tol=tol, floor=floor).close
    assert not rnnlib.compare("g", beyond, tiny, tol=tol, floor=floor).close
