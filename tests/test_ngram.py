"""rnnlib.ngram: counts by hand, probabilities that sum to 1, the recursion, tuning, errors."""
import numpy as np
import pytest

from rnnlib import ngram
from rnnlib.text import Vocabulary

TEXT = "abracadabra abracadabra"
VOCAB = Vocabulary.from_text(TEXT)                  # " abcdr"
IDS = VOCAB.encode(TEXT)


def ids_of(s):
    return VOCAB.encode(s)


def test_bigram_counts_are_those_counted_by_hand():
    model = ngram.fit(IDS, 2, len(VOCAB), [0.5, 0.5])
    # after "a": b, c, d, b, (space), b, c, d, b -> b 4, c 2, d 2, " " 1
    expected = dict(zip(VOCAB.chars, [1, 0, 4, 2, 2, 0]))
    assert dict(zip(VOCAB.chars, ngram.next_counts(model, ids_of("a")).tolist())) == expected
    after_r = dict(zip(VOCAB.chars, ngram.next_counts(model, ids_of("bracadabr")).tolist()))
    assert after_r == {" ": 0, "a": 4, "b": 0, "c": 0, "d": 0, "r": 0}
    assert ngram.next_counts(model, ids_of("")).sum() == len(TEXT)     # the unigram counts


@pytest.mark.parametrize("order", [1, 2, 3, 5])
@pytest.mark.parametrize("context", ["", "a", "ab", "zz", "abra", "dabr"])
def test_probabilities_sum_to_one_for_every_context(order, context):
    model = ngram.fit(IDS, order, len(VOCAB), [0.3, 0.6, 0.7, 0.8, 0.9][:order])
    p = ngram.probabilities(model, VOCAB.encode(context.replace("z", " ")))
    assert p.shape == (len(VOCAB),) and np.all(p > 0)
    assert p.sum() == pytest.approx(1.0, abs=1e-12)


def test_bigram_probability_is_the_interpolation_formula():
    d1, d2 = 0.25, 0.5
    model = ngram.fit(IDS, 2, len(VOCAB), [d1, d2])
    V, N = len(VOCAB), len(TEXT)
    unigram = {c: TEXT.count(c) for c in VOCAB.chars}
    p1 = {c: (max(unigram[c] - d1, 0) + d1 * len(unigram) / V) / N for c in VOCAB.chars}
    # after "a": 9 occurrences, 4 distinct followers
    for c, n_ac in zip(VOCAB.chars, [1, 0, 4, 2, 2, 0]):
        expected = (max(n_ac - d2, 0) + d2 * 4 * p1[c]) / 9
        assert ngram.probabilities(model, ids_of("a"))[VOCAB.chars.index(c)] == \
            pytest.approx(expected, rel=1e-12), c


def test_log_probs_score_each_character_once_with_the_context_it_has():
    model = ngram.fit(IDS, 3, len(VOCAB), [0.3, 0.5, 0.7])
    text = ids_of("cadab")
    lp = ngram.log_probs(model, text)
    assert lp.shape == (4,)
    for i in range(1, 5):
        assert lp[i - 1] == pytest.approx(np.log(ngram.probabilities(model, text[:i])[text[i]]))
    assert ngram.loss(model, text) == pytest.approx(-lp.mean())


def test_a_longer_context_predicts_a_repetitive_text_better():
    text = np.tile(ids_of("abracadabra "), 200)
    losses = [ngram.loss(ngram.fit(text[:2000], n, len(VOCAB), [0.5] * n), text[2000:])
              for n in (1, 2, 3, 4)]
    assert losses == sorted(losses, reverse=True) and losses[-1] < 0.2


def test_tuned_discounts_use_only_the_text_they_are_given():
    rng = np.random.default_rng(0)
    text = rng.integers(0, 4, 3000)
    discounts = ngram.tune_discounts(text, 3, 4)
    assert len(discounts) == 3 and all(d in ngram.GRID for d in discounts)
    tuned = ngram.fit(text, 3, 4, discounts)
    held_out = rng.integers(0, 4, 2000)
    for other in ([0.02, 0.02, 0.02], [0.98, 0.98, 0.98]):
        # on fresh random text the tuned model is at least as good as extreme discounts
        assert ngram.loss(tuned, held_out) <= ngram.loss(ngram.fit(text, 3, 4, other),
                                                         held_out) + 1e-3


@pytest.mark.parametrize("call, error, message", [
    (lambda: ngram.fit(IDS, 2, len(VOCAB), [0.5]), ValueError,
     r"discounts must be 2 numbers in \(0, 1\)"),
    (lambda: ngram.fit(IDS, 2, len(VOCAB), [0.5, 1.0]), ValueError, "discounts must be"),
    (lambda: ngram.fit(IDS.astype(float), 2, len(VOCAB), [0.5, 0.5]), TypeError,
     "ids must be integer character ids"),
    (lambda: ngram.fit(IDS, 2, 3, [0.5, 0.5]), ValueError,
     r"ids must be character ids in \[0, 3\)"),
    (lambda: ngram.fit(IDS, 0, len(VOCAB), []), ValueError, "order must be a positive integer"),
    (lambda: ngram.tune_discounts(IDS, 2, len(VOCAB), held_out=1.5), ValueError,
     r"held_out must be a fraction in \(0, 1\); got 1.5"),
    (lambda: ngram.loss(ngram.fit(IDS, 2, len(VOCAB), [0.5, 0.5]), IDS[:1]), ValueError,
     "ids must hold at least 2 characters; got 1"),
])
def test_bad_input_is_named(call, error, message):
    with pytest.raises(error, match=message):
        call()
