"""rnnlib.text: the vocabulary, the split, chunked batches, sampling, the validation loss, the
stored model and its experiment (experiments/char_lm.py)."""
import json
from pathlib import Path

import numpy as np
import pytest

import rnnlib
from rnnlib import optim, text
from rnnlib.text import Vocabulary

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "experiments" / "results"
SMALL = "First Citizen:\nBefore we proceed any further, hear me speak.\n\nAll:\nSpeak, speak.\n"


@pytest.fixture
def vocab():
    return Vocabulary.from_text(SMALL)


def small_model(vocab, H=8, seed=0, dtype=np.float64):
    rng = np.random.default_rng(seed)
    p = rnnlib.init_params(len(vocab), H, len(vocab), init="gaussian", scale=0.9, seed=seed,
                           dtype=dtype)
    return p.replace(b_h=(0.1 * rng.standard_normal(H)).astype(dtype),
                     W_yh=(3 * p.W_yh).astype(dtype))


def test_vocabulary_is_sorted_and_encode_decode_round_trip(vocab):
    assert vocab.chars == "".join(sorted(set(SMALL))) and len(vocab) == len(set(SMALL))
    ids = vocab.encode(SMALL)
    assert ids.dtype == np.int64 and ids.shape == (len(SMALL),)
    assert [vocab.chars[i] for i in ids] == list(SMALL)
    assert vocab.decode(ids) == SMALL and vocab.decode([]) == ""


def test_one_hot_has_the_rnn_input_shapes(vocab):
    ids = vocab.encode("hear me")
    x = vocab.one_hot(ids)
    assert x.shape == (7, len(vocab)) and x.dtype == np.float32
    np.testing.assert_array_equal(np.argmax(x, axis=-1), ids)
    np.testing.assert_array_equal(x.sum(axis=-1), 1)
    batch = vocab.one_hot(np.stack([ids, ids[::-1]], axis=1), dtype=np.float64)
    assert batch.shape == (7, 2, len(vocab)) and batch.dtype == np.float64
    np.testing.assert_array_equal(batch[:, 1], x[::-1])


def test_split_is_by_position():
    ids = np.arange(1000)
    train_ids, val_ids = text.split(ids)
    np.testing.assert_array_equal(train_ids, np.arange(900))
    np.testing.assert_array_equal(val_ids, np.arange(900, 1000))


def test_batches_are_consecutive_chunks_of_parallel_streams(vocab):
    ids = np.arange(3 * 20 + 1) % len(vocab)           # position p holds p mod V
    make_batch = text.chunk_batches(ids, vocab, batch=3, T=4)
    positions = []
    for _ in range(5):                                  # L = 20: five chunks of 4 a pass
        xs, targets = make_batch(np.random.default_rng(0))
        assert xs.shape == (4, 3, len(vocab)) and targets.shape == (4, 3)
        assert targets.dtype.kind == "i"
        inputs = np.argmax(xs, axis=-1)
        np.testing.assert_array_equal(targets[:-1], inputs[1:])   # the next character
        positions.append(inputs)
    stream = np.concatenate(positions)                  # (20, 3): each column one stream
    for b in range(3):
        np.testing.assert_array_equal(stream[:, b], np.arange(20 * b, 20 * b + 20) % len(vocab))
    xs, _ = make_batch(None)                            # a new pass starts at chunk 0
    np.testing.assert_array_equal(np.argmax(xs, axis=-1), positions[0])


def test_batches_feed_the_trainer_with_the_state_carried(vocab):
    from rnnlib.train import train
    params = small_model(vocab, dtype=np.float32)
    make_batch = text.chunk_batches(vocab.encode(SMALL * 4), vocab, batch=4, T=10)
    trained, history = train(params, make_batch, steps=30, loss="cross_entropy", loss_at="all",
                             carry_state=True, clip_norm=1.0, optimizer=optim.Adam(1e-2))
    assert history.nats[-1] < history.nats[0]


def test_sampling_is_seeded(vocab):
    params = small_model(vocab)
    a = text.sample(params, vocab, "Sp", 40, temperature=1.0, seed=3)
    assert len(a) == 40 and set(a) <= set(vocab.chars)
    assert a == text.sample(params, vocab, "Sp", 40, temperature=1.0, seed=3)
    assert a != text.sample(params, vocab, "Sp", 40, temperature=1.0, seed=4)


def test_a_low_temperature_gives_the_argmax(vocab):
    params = small_model(vocab)
    greedy, h = [], None
    x = vocab.one_hot(vocab.encode("Sp"))
    for _ in range(30):                                  # the most likely next character
        trace = rnnlib.forward(params, x.astype(np.float64), h)
        h, c = trace.h[-1], int(np.argmax(trace.y[-1]))
        greedy.append(c)
        x = vocab.one_hot(np.array([c]))
    assert text.sample(params, vocab, "Sp", 30, temperature=1e-6, seed=0) == \
        vocab.decode(np.array(greedy))


def test_a_high_temperature_gets_close_to_uniform(vocab):
    params = small_model(vocab)
    drawn = vocab.encode(text.sample(params, vocab, "S", 3000, temperature=1e4, seed=0))
    frequencies = np.bincount(drawn, minlength=len(vocab)) / drawn.size
    assert np.max(np.abs(frequencies - 1 / len(vocab))) < 0.02
    low = vocab.encode(text.sample(params, vocab, "S", 3000, temperature=0.3, seed=0))
    assert np.max(np.bincount(low, minlength=len(vocab))) / low.size > 2 * frequencies.max()


def test_temperature_probs_is_the_softmax_of_the_scaled_logits():
    y = np.array([2.0, -1.0, 0.5, 2.0])
    for tau in (0.25, 1.0, 3.0):
        e = np.exp(y / tau)                                 # small logits: no overflow here
        np.testing.assert_allclose(text.temperature_probs(y, tau), e / e.sum(), rtol=1e-14)
    batch = text.temperature_probs(np.stack([y, -y]), 0.5)
    assert batch.shape == (2, 4)
    np.testing.assert_allclose(batch[1], text.temperature_probs(-y, 0.5), rtol=1e-14)


def test_temperature_probs_at_the_limits():
    y = np.array([10.0, -3.0, 9.9, 10.0])
    cold = text.temperature_probs(y, 1e-3)                  # y / τ = 1e4: no overflow
    np.testing.assert_allclose(cold, [0.5, 0, 0, 0.5], atol=1e-40)
    np.testing.assert_allclose(text.temperature_probs(y, 1e6), np.full(4, 0.25), rtol=1e-4)
    np.testing.assert_array_equal(text.temperature_probs(np.full(3, 7.0), 0.01), np.full(3, 1 / 3))


def test_sampling_with_a_students_probabilities_draws_the_same_characters(vocab):
    params = small_model(vocab)

    def by_hand(y, temperature):                            # written as a student would
        z = y / temperature
        e = np.exp(z - z.max())
        return e / e.sum()
    for tau in (0.5, 1.0):
        assert text.sample(params, vocab, "Sp", 60, temperature=tau, seed=2, probs=by_hand) == \
            text.sample(params, vocab, "Sp", 60, temperature=tau, seed=2)


def test_validation_loss_in_one_stream_is_the_mean_cross_entropy(vocab):
    params = small_model(vocab)
    ids = vocab.encode(SMALL)
    trace = rnnlib.forward(params, vocab.one_hot(ids[:-1]).astype(np.float64))
    log_p = trace.y[1:] - np.log(np.exp(trace.y[1:]).sum(axis=-1, keepdims=True))
    expected = -np.mean(log_p[np.arange(len(ids) - 1), ids[1:]])
    assert text.validation_loss(params, ids, streams=1, chunk=7) == pytest.approx(expected,
                                                                                rel=1e-12)


def test_validation_loss_in_streams_scores_each_character_once(vocab):
    params = small_model(vocab)
    ids = vocab.encode(SMALL * 3)
    exact = text.validation_loss(params, ids, streams=1)
    # a warm-up as long as the text: every stream reads all that precedes its piece
    assert text.validation_loss(params, ids, streams=5, chunk=9, warmup=len(ids)) == \
        pytest.approx(exact, rel=1e-12)
    cold = text.validation_loss(params, ids, streams=5, chunk=9, warmup=0)
    assert cold != pytest.approx(exact, rel=1e-6)          # cold starts change some terms
    assert cold == pytest.approx(exact, rel=0.2)


def test_known_word_fraction_counts_words_of_three_letters_or_more():
    training = "Before we proceed any further, hear me speak."
    assert text.known_word_fraction("we hear thee, PROCEED xyz", training) == pytest.approx(2 / 4)
    assert np.isnan(text.known_word_fraction("a be", training))


def test_a_saved_model_loads_without_pickle(tmp_path, vocab):
    params = small_model(vocab, dtype=np.float32)
    path = tmp_path / "m.npz"
    text.save_model(path, params, vocab, {"H": 8, "init": "identity", "lr": 2e-3,
                                          "curve": [2.5, 2.0]})
    loaded, loaded_vocab, settings = text.load_model(path)
    assert loaded_vocab == vocab and settings == {"H": 8, "init": "identity", "lr": 2e-3,
                                                  "curve": [2.5, 2.0]}
    for name in rnnlib.Params.names:
        np.testing.assert_array_equal(getattr(loaded, name), getattr(params, name))


@pytest.mark.parametrize("call, error, message", [
    (lambda v, p: v.encode("Speak!"), ValueError,
     r"text holds '!' at index 5, which is not in the vocabulary of \d+ characters"),
    (lambda v, p: v.decode(np.array([0, 99])), ValueError,
     r"ids must be character ids in \[0, \d+\); got 99 at index \(1,\)"),
    (lambda v, p: v.one_hot(np.zeros((2, 2, 2), int)), ValueError,
     r"ids must have shape \(N,\) or \(T, B\); got \(2, 2, 2\)"),
    (lambda v, p: v.one_hot(np.zeros(3)), TypeError, "ids must be integer character ids"),
    (lambda v, p: text.sample(p, v, "Sp", 5, temperature=0), ValueError,
     "temperature must be positive; got 0.0"),
    (lambda v, p: text.sample(p, v, "Sp", 5, temperature=-1), ValueError,
     "temperature must be positive"),
    (lambda v, p: text.sample(p, v, "", 5), ValueError, "prime must be a non-empty str"),
    (lambda v, p: text.sample(p, v, "Sp", 5, probs="softmax"), TypeError,
     "probs must be a function"),
    (lambda v, p: text.sample(p, v, "Sp", 5, probs=lambda y, t: np.exp(y / t)), ValueError,
     "probs must return finite, non-negative probabilities that sum to 1; got a sum of"),
    (lambda v, p: text.sample(p, v, "Sp", 5, probs=lambda y, t: np.ones((2, len(y))) / len(y)),
     ValueError, r"probs must return V = \d+ probabilities, shape \(\d+,\); got \(2, \d+\)"),
    (lambda v, p: text.temperature_probs(np.ones((2, 2, 2)), 1.0), ValueError,
     r"y must have shape \(V,\) or \(B, V\) with V >= 1; got \(2, 2, 2\)"),
    (lambda v, p: text.temperature_probs([1.0, np.nan], 1.0), ValueError, "y must be finite"),
    (lambda v, p: text.temperature_probs([1.0, 2.0], 0.0), ValueError,
     "temperature must be positive; got 0.0"),
    (lambda v, p: text.temperature_probs([1.0, 2.0], "1"), TypeError,
     "temperature must be a real number; got str"),
    (lambda v, p: text.sample(p, v, "S?", 5), ValueError, r"prime holds '\?' at index 1"),
    (lambda v, p: text.sample(p, Vocabulary("ab"), "a", 5), ValueError,
     r"params must have D = O = V = 2 \(the vocabulary\); got D = \d+, O = \d+"),
    (lambda v, p: text.chunk_batches(v.encode("Speak"), v, batch=2, T=3), ValueError,
     "ids of 5 characters make 2 streams of 2; each needs at least T = 3"),
    (lambda v, p: text.chunk_batches(v.encode(SMALL), v, batch=0, T=3), ValueError,
     "batch must be a positive integer; got 0"),
    (lambda v, p: text.validation_loss(p, v.encode("S")), ValueError,
     "ids must hold at least 2 characters; got 1"),
    (lambda v, p: text.validation_loss(p, v.encode(SMALL), warmup=-1), ValueError,
     "warmup must be a non-negative integer; got -1"),
    (lambda v, p: text.split(np.arange(10), 1.0), ValueError,
     r"train_fraction must be in \(0, 1\); got 1.0"),
    (lambda v, p: Vocabulary("ba"), ValueError, "chars must be distinct and sorted"),
])
def test_bad_input_is_named(vocab, call, error, message):
    with pytest.raises(error, match=message):
        call(vocab, small_model(vocab))


# --- the stored experiment ------------------------------------------------------------------

@pytest.fixture(scope="module")
def stored():
    result = json.loads((RESULTS / "char_lm.json").read_text())
    params, vocab, settings = text.load_model(RESULTS / "char_lm.npz")
    return result, params, vocab, settings


def test_the_stored_model_loads_with_its_vocabulary_and_settings(stored):
    result, params, vocab, settings = stored
    assert len(vocab) == 65 and params.n_input == params.n_output == 65
    assert params.n_hidden == settings["H"] == result["settings"]["H"]
    assert settings["train_fraction"] == 0.9


def test_the_stored_validation_loss_is_what_validation_loss_computes(stored):
    result, params, vocab, settings = stored
    _, val_ids = text.split(vocab.encode(text.load_text()), settings["train_fraction"])
    check = result["check"]                   # the loss on a prefix, recomputed here
    prefix = val_ids[:check["characters"]]
    assert text.validation_loss(params, prefix, streams=check["streams"]) == \
        pytest.approx(check["nats"], rel=1e-6)


def test_the_stored_model_beats_the_trigram_baseline(stored):
    result = stored[0]
    final = result["curve"]["val_nats"][-1]
    assert final == pytest.approx(result["final"]["val_nats"])
    assert final < result["baselines"]["3-gram"]["nats"]
    assert result["baselines"]["uniform"]["nats"] == pytest.approx(np.log(65))
