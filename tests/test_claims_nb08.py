"""Sentences of notebook 08 (and 08's quotes of 07) that state computed numbers, checked against
the stored outputs and the experiment's results, so that text and numbers cannot drift apart.
Run after re-executing the notebooks (the stored outputs are what a reader sees)."""
import json
import re
from pathlib import Path

import nbformat
import numpy as np
import pytest

ROOT = Path(__file__).resolve().parent.parent
NB07 = nbformat.read(ROOT / "notebooks" / "07_vanishing_exploding.ipynb", as_version=4)
NB08 = nbformat.read(ROOT / "notebooks" / "08_training_memory.ipynb", as_version=4)
RESULTS = json.loads((ROOT / "experiments" / "results" / "adding_problem.json").read_text())
RUNS = [r for r in RESULTS["runs"] if r["T"] == 100]


def markdown(nb):
    """All markdown of nb, with every run of white space made one space."""
    return re.sub(r"\s+", " ", " ".join(c.source for c in nb.cells if c.cell_type == "markdown"))


def output_of(nb, marker):
    """The stored text and HTML output of the one code cell whose source contains marker."""
    cells = [c for c in nb.cells if c.cell_type == "code" and marker in c.source]
    assert len(cells) == 1, f"{len(cells)} code cells contain {marker!r}"
    text = []
    for o in cells[0].outputs:
        text.append(o.get("text", ""))
        text.append(o.get("data", {}).get("text/html", ""))
        text.append(o.get("data", {}).get("text/plain", ""))
    return "".join(text)


def group(init, opt, clip=1.0, T=100):
    return [r for r in RESULTS["runs"]
            if (r["init"], r["optimizer"], r["clip"], r["T"]) == (init, opt, clip, T)]


def solved(runs):
    return sum(bool(r["steps_to_target"]) for r in runs)


def test_orders_of_magnitude_quoted_from_07():
    table = output_of(NB07, "def gradient_ratio")
    row = re.search(r"<td>Gaussian, g = 1</td><td>[^<]*</td><td>([-\d.]+)</td><td>([-\d.]+)</td>"
                    r"<td>([-\d.]+)</td>", table)
    smallest, largest = float(row.group(2)), float(row.group(3))
    quoted = f"shrank by {round(-largest)} to {round(-smallest)} orders of magnitude"
    assert quoted in markdown(NB08)


def test_step_0_ratio_and_what_adam_rmsprop_sgd_do_to_it():
    printed = output_of(NB08, "def profile_plot")
    ratios = {name: {int(k): float(v) for k, v in re.findall(r"(\d+): (-?[\d.]+|-inf)", body)}
              for name, body in re.findall(r"^  (\S.*?) +\{(.*?)\}", printed, re.MULTILINE)}
    assert set(ratios) == {"adam", "rmsprop", "sgd", "sgd lr=0.1", "plain sgd lr=0.1"}
    text = markdown(NB08)
    at_init = ratios["adam"][0]
    assert round(at_init) == -13 and "about $10^{-13}$ times" in text and "instead of thirteen" in text
    adam_later = [v for s, v in ratios["adam"].items() if s > 0]
    assert "within about one order of magnitude" in text and min(adam_later) >= -1.5
    rms = ratios["rmsprop"]
    assert "does not stay there" in text and rms[max(rms)] < min(v for s, v in rms.items() if 0 < s < max(rms))
    for name in ("sgd", "sgd lr=0.1", "plain sgd lr=0.1"):
        assert all(v <= at_init for s, v in ratios[name].items() if s > 0), name
    assert "exactly 0 at steps 500 and 1000" in text
    assert ratios["sgd lr=0.1"][500] == ratios["sgd lr=0.1"][1000] == -np.inf


def test_gradient_at_initialisation_is_above_the_clip_threshold():
    printed = output_of(NB08, "analysis.dW_hh_by_distance")
    norms = [float(v) for v in re.findall(r"‖∂W_hh‖ = ([\d.]+)", printed)]
    shares = [float(v) for v in re.findall(r"carry ([\d.]+)%", printed)]
    assert len(norms) == len(shares) == 3
    assert "it is even clipped" in markdown(NB08) and min(norms) > 1.0
    assert min(shares) > 99.0


def test_truncation_zeroes_the_first_marker_for_every_shorter_cut():
    printed = output_of(NB08, "truncation.backward_truncated")
    for k in (1, 5, 10, 25):
        assert re.search(rf"k = +{k}:.*exactly 0 in every sequence", printed), k
    assert not re.search(r"k = 50:.*exactly 0", printed)
    assert "cosine with the full ∂W_hh = 0.9" in printed      # ... yet the direction barely moves


def test_table_summary_sentences_agree_with_the_results():
    text = markdown(NB08)
    for init in ("identity", "gaussian g=1", "gaussian g=√2", "orthogonal"):
        assert solved(group(init, "adam")) == 3, init
    assert "it solves one seed of three" in text and solved(group("gaussian g=0.1", "adam")) == 1
    assert "Adam fails from the identity start" in text and solved(group("identity", "adam", None)) == 0
    unclipped = [solved(group(i, "adam", None)) for i in ("gaussian g=0.1", "gaussian g=1", "gaussian g=√2",
                                                      "orthogonal")]         # "the others"
    assert "solves 0 to 2 seeds of three" in text and (min(unclipped), max(unclipped)) == (0, 2)
    rms = {i: solved(group(i, "rmsprop")) for i in dict.fromkeys(r["init"] for r in RUNS)}
    assert "**RMSprop** solves it from the identity start only" in text
    assert rms["identity"] > 0 and not any(v for i, v in rms.items() if i != "identity")
    sgd = [r for r in RUNS if "sgd" in r["optimizer"]]
    assert "**SGD** solves it from no start" in text and not any(r["steps_to_target"] for r in sgd)
    assert "from the identity start in every seed" in text
    assert all(r["diverged"] and "at step 2:" in r["diverged"] for r in group("identity", "sgd", None))
    assert "from Gaussian $g = \\sqrt 2$ in one seed of three" in text
    assert sum(bool(r["diverged"]) for r in group("gaussian g=√2", "sgd", None)) == 1
    assert not any(r["diverged"] for i in ("gaussian g=0.1", "gaussian g=1", "orthogonal")
                   for r in group(i, "sgd", None))


def test_long_runs_summary():
    text = markdown(NB08)
    assert solved(group("gaussian g=1", "adam", T=200)) == solved(group("orthogonal", "adam", T=200)) == 3
    identity = group("identity", "adam", T=200)
    assert "it solves two of three; in the third the loss overflowed" in text
    assert solved(identity) == 2 and sum("the loss is inf" in (r["diverged"] or "") for r in identity) == 1
    assert "From Gaussian $g = \\sqrt 2$ it solves one of three" in text
    assert solved(group("gaussian g=√2", "adam", T=200)) == 1
    assert "SGD solves none" in text and not any(
        r["steps_to_target"] for r in RESULTS["runs"] if r["T"] == 200 and r["optimizer"] == "sgd")


def test_miniature_run_sentences():
    printed = output_of(NB08, "mini = rnnlib.init_params")
    text = markdown(NB08)
    adam, rms, sgd = (re.search(rf"{name} .*\n +step 1: \|Δw\|/η from (\S+) to (\S+) .*?median "
                                rf"\|Δw\|/\(20 η\) (\S+)", printed).groups()
                      for name in ("Adam", "RMSprop", "SGD"))
    assert "by exactly $\\eta$" in text and float(adam[0]) == float(adam[1]) == 1.0
    assert "$\\eta/\\sqrt{1-\\rho} = 10\\,\\eta$" in text and round(float(rms[1])) == 10
    assert "span four orders of magnitude" in text
    assert round(np.log10(float(sgd[1]) / float(sgd[0]))) == 4
    assert "Adam's net move per step is below $\\eta$" in text and float(adam[2]) < 1


@pytest.mark.parametrize("nb", [NB07, NB08], ids=["07", "08"])
def test_no_markdown_cell_over_250_words_and_two_pauses(nb):
    for c in nb.cells:
        if c.cell_type == "markdown":
            assert len(re.findall(r"\w+", c.source)) <= 250, c.source[:60]
    assert sum(c.source.startswith("⏸ **A good place to pause.**") or
               "\n⏸ **A good place to pause.**" in c.source for c in nb.cells) == 2
