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
    """The probe printout (every optimiser, seeds 0-2) against the sentences about it, and the
    printout against the stored experiment."""
    printed = output_of(NB08, "def profile_plot")
    ratios, finals, name = {}, {}, None
    for line in printed.splitlines()[1:]:
        opt, seed, body, final = re.match(r"^  (\S.*?)? *seed (\d): \{(.*?)\}  \(([\d.]+)\)$",
                                          line).groups()
        name = opt or name
        ratios[name, int(seed)] = {int(k): float(v)
                                   for k, v in re.findall(r"(\d+): (-?[\d.]+|-inf)", body)}
        finals[name, int(seed)] = float(final)
    names = {"adam", "rmsprop", "sgd", "sgd lr=0.1", "plain sgd lr=0.1"}
    assert set(ratios) == {(n, s) for n in names for s in range(3)}
    for (opt, seed), got in ratios.items():                # the printout is the experiment's
        [run] = [r for r in RUNS if (r["init"], r["optimizer"], r["clip"], r["seed"])
                 == ("gaussian g=1", opt, 1.0, seed)]
        with np.errstate(divide="ignore"):
            assert got == {int(k): round(float(np.log10(v[0] / v[-1])), 1)
                           for k, v in run["dh_norms"].items()}
    text = markdown(NB08)
    at_init = [ratios["adam", s][0] for s in range(3)]
    assert (round(max(at_init)), round(min(at_init))) == (-13, -16)
    assert "$10^{-13}$ to $10^{-16}$ times" in text and "instead of 13 to 16" in text
    later = lambda n: [v for s in range(3) for k, v in ratios[n, s].items() if k > 0]  # noqa: E731
    adam = later("adam")
    assert f"($10^{{{max(adam):.1f}}}$ to $10^{{{min(adam):.1f}}}$)" in text
    assert -2 < min(adam) and "within one to two orders of magnitude" in text
    rms = later("rmsprop")
    assert f"($10^{{{max(rms):.1f}}}$ to $10^{{{min(rms):.1f}}}$)" in text
    def moves(n):
        """Per seed, how far the level moves between the probes after step 0 (orders)."""
        return [max(v for k, v in ratios[n, s].items() if k > 0)
                - min(v for k, v in ratios[n, s].items() if k > 0) for s in range(3)]
    spans = ", ".join(f"{m:.1f}" for m in moves("rmsprop")[:2]) + f" and {moves('rmsprop')[2]:.1f}"
    assert (f"over the probes after step 0 its level spans {spans} orders of magnitude in seeds "
            f"0, 1 and 2 (Adam's at most {max(moves('adam')):.1f})") in text
    assert min(moves("rmsprop")) > max(moves("adam"))                   # "settles less"
    rms_final = [finals["rmsprop", s] for s in range(3)]
    assert f"(final MSE {min(rms_final):.3f} to {max(rms_final):.3f})" in text
    assert min(rms_final) > 2 / 60                          # "well above 1/60"
    sgd = ["sgd", "sgd lr=0.1", "plain sgd lr=0.1"]
    early = [v for n in sgd for s in range(3) for k, v in ratios[n, s].items() if 0 < k <= 1000]
    assert max(early) <= -6 and "at least six orders of magnitude down for the first 1,000" in text
    late = max(v for n in sgd for s in range(3) for k, v in ratios[n, s].items() if k > 1000)
    assert f"(to $10^{{{late:.1f}}}$ at step 1,500 in one)" in text
    sgd_final = [finals[n, s] for n in sgd for s in range(3)]
    assert f"(final MSE {min(sgd_final):.3f} to {max(sgd_final):.3f})" in text
    assert min(sgd_final) > 1 / 60
    assert "exactly 0 at step 500 in all three seeds" in text
    assert all(ratios["sgd lr=0.1", s][500] == -np.inf for s in range(3))


def test_gradient_at_initialisation_is_above_the_clip_threshold():
    printed = output_of(NB08, "analysis.dW_hh_by_distance")
    norms = [float(v) for v in re.findall(r"‖∂W_hh‖ = ([\d.]+)", printed)]
    shares = [float(v) for v in re.findall(r"nearest distances has ([\d.]+)% of its norm", printed)]
    assert len(norms) == len(shares) == 3
    assert "it is even clipped" in markdown(NB08) and min(norms) > 1.0
    assert min(shares) > 99.0


def test_truncation_zeroes_the_first_marker_for_every_shorter_cut():
    printed = output_of(NB08, "truncation.backward_truncated")
    for k in (1, 5, 10, 25):
        assert re.search(rf"k = +{k}:.*exactly 0 in every sequence", printed), k
    assert not re.search(r"k = 50:.*exactly 0", printed)
    assert "cosine with the full ∂W_hh = 0.9" in printed      # ... yet the direction barely moves
    removed = {int(k): float(v) for k, v in
               re.findall(r"k = +(\d+):.*?‖full − cut‖ / ‖full‖ = ([\d.]+)", printed)}
    quoted = (f"what the cut removes has {removed[1]:.2f} times the norm of the full "
              f"$\\partial W_{{hh}}$ at $k = 1$, and still {removed[25]:.2f} times at $k = 25$")
    assert quoted in markdown(NB08) and removed[25] > 0.1    # "not small"


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
    assert "by $\\eta$, less a fraction $\\epsilon/|g|$" in text
    assert 0.999 < float(adam[0]) <= float(adam[1]) <= 1.0          # η less ε/|g|: printed
    assert "starts with up to $\\eta/\\sqrt{1-\\rho} = 10\\,\\eta$" in text
    assert round(float(rms[1])) == 10 and float(rms[0]) <= float(rms[1])
    assert "span several orders of magnitude (four here)" in text
    assert round(np.log10(float(sgd[1]) / float(sgd[0]))) == 4
    assert "Adam's net move per step is below $\\eta$" in text and float(adam[2]) < 1


def test_rmsprop_is_described_by_all_that_differs_from_adam():
    """RMSprop is not "Adam without momentum": it also averages g² over fewer steps and has no
    bias correction, so its first step is about lr/√(1 − ρ) = 10 lr where Adam's is lr."""
    from rnnlib import optim
    rms, adam = optim.RMSprop(lr=1.0), optim.Adam(lr=1.0)
    assert (rms.rho, adam.beta2) == (0.99, 0.999)
    text = markdown(NB08)
    assert "Adam's per-parameter scaling without" not in text and "has no momentum" not in text
    assert "$\\rho = 0.99$ against $\\beta_2 = 0.999$) and no bias correction" in text
    assert "RMSprop ($\\eta = 10^{-3}$, $\\rho = 0.99$" in text
    moves = []
    for opt in (rms, adam):                       # one step on the same gradient
        w = np.zeros(3)
        opt.step({"w": w}, {"dw": np.array([1e-4, 1.0, -30.0])})
        moves.append(np.abs(w))
    assert np.allclose(moves[0], 10.0, rtol=1e-3) and np.allclose(moves[1], 1.0, rtol=1e-3)
    assert "first step is up to $10\\,\\eta$ against Adam's $\\eta$" in text
    doc = " ".join(optim.RMSprop.__doc__.split())
    assert "no momentum" in doc and "no bias correction" in doc and "10 lr" in doc


def test_what_comes_next_credits_the_forget_gate_and_gives_the_gru_its_own_path():
    """The 1997 LSTM has no forget gate (Gers, Schmidhuber & Cummins 2000 added it); the GRU has
    no c_t or f_t; and f_t is the factor on the direct c→c path only. The IRNN paper's baselines
    are not quoted: the initialisation they used could not be confirmed."""
    text = markdown(NB08)
    assert "with the forget gate of Gers, Schmidhuber & Cummins (2000)" in text
    assert "(the 1997 cell had no forget gate: its self-connection was fixed at 1)" in text
    assert "Along the direct path from $c_{t-1}$ to $c_t$" in text and "has more terms" in text
    assert "$h_t = z_t \\odot h_{t-1} + (1 - z_t) \\odot \\tilde h_t$" in text
    assert "IRNN paper's baselines" not in text


@pytest.mark.parametrize("nb", [NB07, NB08], ids=["07", "08"])
def test_no_markdown_cell_over_250_words_and_two_pauses(nb):
    for c in nb.cells:
        if c.cell_type == "markdown":
            assert len(re.findall(r"\w+", c.source)) <= 250, c.source[:60]
    assert sum(c.source.startswith("⏸ **A good place to pause.**") or
               "\n⏸ **A good place to pause.**" in c.source for c in nb.cells) == 2


def test_adam_step_sizes_quoted_in_08_and_in_optim():
    """08 and optim.Adam: after a long stretch of tiny gradients a large one gives a first step
    of about 3 η, and about 6.5 η some ten steps later if it stays large; no step exceeds
    7.3 η; the rms step is η/√19 for pure noise (08's solution)."""
    from rnnlib import optim

    def steps(gradients):
        adam, w, moves = optim.Adam(lr=1.0), np.zeros(1), []
        for g in gradients:
            before = w.copy()
            adam.step({"w": w}, {"dw": np.array([g])})
            moves.append(abs(w[0] - before[0]))
        return np.array(moves)

    b1, b2 = 0.9, 0.999
    bound = (1 - b1) / np.sqrt((1 - b2) * (1 - b1 ** 2 / b2))
    assert round(bound, 1) == 7.3
    after_tiny = steps([1e-4] * 5000 + [1.0] * 40)[5000:]
    assert round(after_tiny[0], 1) in (3.1, 3.2) and round(after_tiny[0]) == 3
    assert round(after_tiny.max(), 1) == 6.5 and 8 <= after_tiny.argmax() <= 12
    growing = steps([1e-6] * 1000 + [(b2 / b1) ** k for k in range(1, 300)])
    assert after_tiny.max() < bound and growing.max() < bound
    noise = steps(np.random.default_rng(0).standard_normal(20_000))[1000:]
    assert abs(np.sqrt(np.mean(noise ** 2)) - 1 / np.sqrt(19)) < 0.01
    text = markdown(NB08)
    assert "the first step is about $3\\,\\eta$, and if the gradient stays large" in text
    assert "grow to about $6.5\\,\\eta$ some ten steps later" in text
    assert "\\approx 7.3\\,\\eta$" in text
    doc = " ".join(optim.Adam.__doc__.split())
    assert "≈ 3.2 lr" in doc and "about 6.5 lr some ten steps later" in doc and "≈ 7.3 lr" in doc
