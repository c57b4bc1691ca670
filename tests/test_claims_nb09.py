"""Sentences of notebook 09 that state numbers, checked against its stored outputs and the stored
experiment (experiments/results/char_lm.json), so that text and numbers cannot drift apart; and
the live-training cell, whose output nbval ignores (float32 training rounds differently on each
machine), run here to check what the text promises of it on any machine."""
import contextlib
import io
import json
import re
from pathlib import Path

import nbformat
import numpy as np
import pytest

import rnnlib
from rnnlib import text

ROOT = Path(__file__).resolve().parent.parent
NB = nbformat.read(ROOT / "notebooks" / "09_language_model.ipynb", as_version=4)
RESULTS = json.loads(text.CHAR_LM.with_suffix(".json").read_text())
BASE = {name: b["nats"] for name, b in RESULTS["baselines"].items()}
TEXT = re.sub(r"\s+", " ", " ".join(c.source for c in NB.cells if c.cell_type == "markdown"))


def code_cell(marker):
    """The one code cell whose source contains marker."""
    cells = [c for c in NB.cells if c.cell_type == "code" and marker in c.source]
    assert len(cells) == 1, f"{len(cells)} code cells contain {marker!r}"
    return cells[0]


def printed(marker):
    """The stored text output of the code cell that contains marker."""
    return "".join(o.get("text", "") + "".join(o.get("data", {}).get("text/plain", ""))
                   for o in code_cell(marker).outputs)


@pytest.fixture(scope="module")
def data():
    corpus = text.load_text()
    vocab = text.Vocabulary.from_text(corpus)
    train_ids, val_ids = text.split(vocab.encode(corpus))
    params = text.load_model(text.CHAR_LM.with_suffix(".npz"))[0].astype(np.float64)
    return corpus, vocab, train_ids, val_ids, params


def test_the_data_section_states_the_text_as_it_is(data):
    corpus, vocab, train_ids, val_ids, _ = data
    assert corpus.count("\n") == 40_000 and len(corpus) == 1_115_394 and len(vocab) == 65
    assert "40,000 lines of the plays, 1,115,394 characters" in TEXT
    assert "its 65 distinct characters" in TEXT
    assert (len(train_ids), len(val_ids)) == (1_003_854, 111_540)
    assert "training 1,003,854, validation 111,540 characters" in printed("text.load_text()")


def test_the_summary_quotes_the_stored_run_against_the_baselines():
    final = RESULTS["final"]["val_nats"]
    assert f"{final:.2f} against {BASE['5-gram']:.2f} nats per character" in TEXT
    assert "1.57 against 1.69 nats per character for the 5-gram model" in TEXT
    assert RESULTS["best_ngram"] == "5-gram" and final < min(BASE.values())
    assert final < BASE["3-gram"]                   # the target: below the trigram
    assert f"uniform $\\ln 65 = {np.log(65):.2f}$" in TEXT
    table = printed("rows = [(name, b[\"nats\"])")
    for name, nats in [*BASE.items(), ("ReLU RNN", final)]:
        assert re.search(rf"{re.escape(name)} +{nats:.3f} +{nats / np.log(2):.3f}", table), name


def test_the_stored_model_is_described_by_its_settings():
    s = RESULTS["settings"]
    assert (s["H"], s["scale"], s["T"], s["B"]) == (512, 0.5, 100, 64)
    assert "$H = 512$, $W_{hh} = 0.5\\,I$ at the start, chunks of $T = 100$ in 64 streams" in TEXT
    assert f"about {RESULTS['seconds'] / 60:.0f} minutes on one core" in TEXT


def test_the_throughput_is_the_ratio_measured_in_the_same_run():
    speed = RESULTS["throughput"]
    ratio = speed["rnnlib.train"] / speed["min-char-rnn"]
    assert speed["speed-up"] == round(ratio, 1) == 16.8
    assert f"{speed['speed-up']}x (medians of {speed['rounds']} interleaved rounds" in \
        printed("speed['speed-up']")
    assert f"Its trainer reads {speed['speed-up']} times as many characters per second" in TEXT


def test_most_sampled_words_are_real_at_a_low_temperature_and_few_at_a_high_one():
    samples = "".join(printed(f"show_sample({t})") for t in (0.5, 1.0, 1.5))
    shares = {float(t): int(p) for t, p in re.findall(
        r"--- temperature ([\d.]+): (\d+)% of the words are real", samples)}
    assert set(shares) == {0.5, 1.0, 1.5}
    assert shares[0.5] > 50 > shares[1.5]
    assert f"most sampled words are real ({shares[0.5]} %)" in TEXT
    assert f"fewer than half ({shares[1.5]} %)" in TEXT
    stored = RESULTS["known_word_fraction"]            # the experiment's longer samples agree
    assert stored["0.5"] > 0.5 > stored["1.5"]


def test_the_prediction_and_its_reason_are_the_stored_curve():
    from rnnlib.exercises import PREDICTIONS
    curve, s = RESULTS["curve"], RESULTS["settings"]
    step, loss = curve["step"][1], curve["val_nats"][1]
    assert step == 750 and BASE["4-gram"] < loss < BASE["3-gram"]       # the answer: 3-gram
    characters = step * s["B"] * s["T"]
    assert f"{characters / 1e6:.1f} million characters" in TEXT and characters < 5 * 1_003_854
    why = PREDICTIONS["best baseline passed"]
    assert (f"at step 750 the validation loss was {loss:.3f} nats/char: below the 3-gram's "
            f"{BASE['3-gram']:.3f}, above the 4-gram's {BASE['4-gram']:.3f}") in why
    passed = {name: next(st for st, v in zip(curve["step"], curve["val_nats"]) if v < BASE[name])
              for name in ("4-gram", "5-gram")}
    assert passed == {"4-gram": 1500, "5-gram": 2250}
    at = dict(zip(curve["step"], curve["val_nats"]))
    assert f"4-gram by step 1,500 ({at[1500]:.3f}) and the 5-gram by step 2,250 ({at[2250]:.3f})" \
        in why


def test_where_the_gates_open(data):
    corpus, vocab, train_ids, val_ids, params = data
    lines = printed("in_name = np.zeros")
    share = {kind: int(p) for kind, p in re.findall(r"after (.+?) *: (\d+)% open", lines)}
    assert "26 % are open after a space and 22 % after a line end, against 41 % after a " \
           "lower-case letter" in TEXT
    assert (share["a space"], share["a line end"], share["a lower-case letter"]) == (26, 22, 41)
    assert share["a space"] < share["a lower-case letter"] > share["a line end"]
    assert re.search(r"speaker's name *: \d+% open; unit 471: after 100% of them, 4% of the "
                     r"others", lines)
    overall = int(re.search(r"over all 5,000 characters: (\d+)% of the gates open", lines)[1])
    assert f"({overall} %)" in TEXT and 30 < overall < 40        # "about a third"
    # recomputed: the median unit, and unit 471 through every name and on the line
    span = val_ids[:5000]
    on = rnnlib.forward(params, vocab.one_hot(span, np.float64)).mask[1:]
    assert 0.35 <= np.median(on.mean(axis=0)) <= 0.45 and "about four characters in ten" in TEXT
    names = [m.span() for m in re.finditer(r"(?m)^[A-Z][A-Z ]*:$", vocab.decode(span))]
    assert len(names) > 20 and all(on[a:b - 1, 471].all() for a, b in names)
    line = "KATHARINA:\nIf I be waspish, best beware my sting."
    at = corpus.index(line, len(train_ids))
    ids = vocab.encode(corpus[at - 100:at + len(line)])
    gate = rnnlib.forward(params, vocab.one_hot(ids[:-1], np.float64)).mask[101:, 471]
    assert gate[:9].all() and not gate[9]                  # open from the K, closed at the colon
    assert "it opens at the `K` of `KATHARINA` and closes at the colon" in TEXT


def test_how_far_back_a_characters_loss_reaches(solutions):
    median = {int(k): float(m) for k, m in re.findall(
        r"(\d+) characters? +back: median ([\d.e+-]+)", printed("windows = val_ids"))}
    assert set(median) == {1, 5, 10, 20, 50, 99}
    assert [round(100 * median[k], 1) for k in (10, 20, 50)] == [15.0, 3.2, 0.1]
    quoted = "15 % of its size 10 characters back, 3 % 20 back and 0.1 % 50 back"
    assert quoted in TEXT and "the median is $2.5 \\cdot 10^{-5}$" in TEXT
    assert f"{median[99]:.1e}" == "2.5e-05"
    assert "3 % of its size 20 characters back and 0.1 % 50 back (medians)" in TEXT
    answer = " ".join(solutions.ANSWERS["cut_at_k"].split())
    assert "15 % of its gradient 10 characters back, 3 % 20 back and 0.1 % 50 back" in answer
    assert [round(100 * median[k]) for k in (5, 10)] == [39, 15]       # 5 in: loses ≥ 15 %
    assert "a character 5 positions in loses terms whose median is still 15 %" in answer


def test_the_students_backward_pass_and_sampler_runs_agree_with_the_library():
    assert printed("def train_sequences").rstrip().endswith("the same to 1e-12: True")
    assert "the same as text.sample's own: True" in printed("probs=probs")


# --- the live run, executed here -------------------------------------------------------------

def rounds(output):
    """[(validation nats, % of real words)] of the live cell's report lines, untrained first."""
    return [(float(v), int(w)) for v, w in re.findall(
        r"validation ([\d.]+) nats/char, (\d+)% of the sampled words are real", output)]


def run_cells(sources):
    """These cell sources, run in order in one namespace (after the setup cell); their print-out."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        namespace = {}
        for source in [code_cell("import matplotlib.pyplot").source.replace("%matplotlib inline",
                                                                           ""), *sources]:
            exec(compile(source, "09_language_model.ipynb", "exec"), namespace)
    return out.getvalue()


def run_live_cells():
    """The notebook's setup, data and live-training cells; their print-out."""
    return run_cells([code_cell("text.load_text()").source, code_cell("ROUNDS, STEPS =").source,
                      code_cell('report("untrained")').source])


def test_the_live_settings_are_those_the_text_states():
    source = code_cell("ROUNDS, STEPS =").source
    assert 'live = dict(H=128, T=50, B=32' in source and "ROUNDS, STEPS = 4, 150" in source
    assert ("$H = 128$, chunks of $T = 50$ characters in $B = 32$ streams" in TEXT
            and "after each of four rounds of 150 steps" in TEXT)


@pytest.mark.parametrize("source", ["stored", "run here"])
def test_live_training_falls_and_its_samples_turn_from_noise_into_words(source):
    """What the text says holds on any machine: noise first, the loss falling round after round,
    samples turning into words (checked loosely: float32 training is not bit-reproducible)."""
    assert "the untrained network writes noise, the loss falls round after round, and the " \
           "samples turn into words" in TEXT
    output = printed('report("untrained")') if source == "stored" else run_live_cells()
    reports = rounds(output)
    assert len(reports) == 5, output
    losses, words = zip(*reports)
    assert losses[0] > 4.0 and words[0] <= 10                        # noise
    assert all(a > b for a, b in zip(losses, losses[1:])), losses    # falls every round
    assert losses[-1] < BASE["2-gram"]                               # "a loss of 2 nats"
    assert words[-1] >= words[0] + 20 and words[-1] >= 25, words     # words appear
    assert re.search(r"training: [\d,]+ characters/s", output)


def test_the_sampler_cell_takes_a_right_answer_that_returns_a_list():
    """A list of probabilities passes the checker, so the cell that uses it must take one too."""
    printed_out = run_cells([code_cell("text.load_text()").source,
                             code_cell("results = json.loads").source,
                             code_cell("params, stored_vocab, settings").source,
                             "def my_temperature_probs(y, temperature):\n"
                             "    z = y / temperature\n"
                             "    e = np.exp(z - z.max())\n"
                             "    return list(e / e.sum())\n",
                             code_cell("probs=probs").source])
    assert "sampled with my_temperature_probs" in printed_out
    assert "the same as text.sample's own: True" in printed_out


def test_the_stored_model_costs_about_ten_times_the_live_ones_arithmetic_per_character():
    V, live_H, stored_H = 65, 128, RESULTS["settings"]["H"]
    per_character = {H: H * H + 2 * V * H for H in (live_H, stored_H)}    # W_hh, W_hx and W_yh
    assert round(per_character[stored_H] / per_character[live_H]) == 10
    assert (stored_H / live_H) ** 2 == 16 and stored_H / live_H == 4
    assert "about 10 times the arithmetic" in TEXT and "16 times what the live cell's" in TEXT
