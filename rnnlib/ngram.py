r"""Character n-gram models: the baselines a character-level RNN has to beat.

An n-gram model predicts character c from the n − 1 characters before it, its context, by
counting on a training text. Counts alone give probability 0 to anything unseen, so the model
is smoothed by **interpolated absolute discounting** (Ney, Essen & Kneser 1994): every seen
count gives up a discount d_n ∈ (0, 1), and the mass freed this way goes to the model of the
next-shorter context,

    P_n(c | u) = max(N(u c) − d_n, 0) / N(u·)  +  d_n · N₁₊(u·) / N(u·) · P_{n−1}(c | u'),

where u' is u without its oldest character, N(u c) counts u followed by c, N(u·) = Σ_c N(u c),
and N₁₊(u·) is the number of distinct characters seen after u. A context never seen
(N(u·) = 0) hands all its mass to P_{n−1}. The recursion ends in the uniform model,
P_0(c) = 1/V. Each order has its own d_n, tuned on a held-out tail of the training text
(:func:`tune_discounts`), never on the text the model is evaluated on.

Why this smoothing: it is the simplest that works for long contexts, where most counts are 1
or 2 and add-α smoothing would spread the mass uniformly; Kneser-Ney adds to it only that the
lower orders count contexts instead of occurrences.

Texts are int arrays of character ids in [0, V) (:class:`rnnlib.text.Vocabulary`); a context
of k characters is the integer Σ_j u_j V^(k−1−j), so a (context, next) pair is one int64 key.
"""
from dataclasses import dataclass

import numpy as np

from .text import check_ids
from .validate import check_positive_int, check_real

GRID = tuple(np.round(np.arange(0.02, 0.99, 0.02), 2))    # the discounts tune_discounts tries


def context_keys(ids, k, V):
    """The context of k characters before each position: (N − k,) int64, entry i encoding
    ids[i : i + k], the context of ids[i + k]."""
    keys = np.zeros(ids.size - k, np.int64)
    for j in range(k):
        keys = keys * V + ids[j:ids.size - k + j]
    return keys


@dataclass(frozen=True)
class NGramCounts:
    """The counts of one context length k: sorted arrays, looked up by binary search.

    pairs (P,), pair_counts (P,): each seen (context, next) key and N(u c);
    contexts (C,), context_counts (C,), distinct_next (C,): each seen context u, N(u·), N₁₊(u·).
    """
    k: int
    pairs: np.ndarray
    pair_counts: np.ndarray
    contexts: np.ndarray
    context_counts: np.ndarray
    distinct_next: np.ndarray


def count(ids, k, V):
    """Count every (context of k characters, next character) pair of ``ids`` (N,): NGramCounts."""
    pair_keys = context_keys(ids, k, V) * V + ids[k:]
    pairs, pair_counts = np.unique(pair_keys, return_counts=True)
    owner = pairs // V                              # the context of each distinct pair, sorted
    contexts, first, distinct_next = np.unique(owner, return_index=True, return_counts=True)
    context_counts = np.add.reduceat(pair_counts, first) if pairs.size else pair_counts
    return NGramCounts(k, pairs, pair_counts, contexts, context_counts, distinct_next)


def lookup(sorted_keys, values, keys):
    """values[i] where sorted_keys[i] == key, for each key; 0 for a key never seen.
    sorted_keys, values: (K,) with K >= 1; keys: any shape, returned shape."""
    at = np.minimum(np.searchsorted(sorted_keys, keys), sorted_keys.size - 1)
    return np.where(sorted_keys[at] == keys, values[at], 0)


@dataclass(frozen=True)
class NGramModel:
    """An n-gram model with interpolated absolute discounting (module docstring).

    order: n (the context is n − 1 characters); V: vocabulary size; discounts: (d_1, ..., d_n);
    counts: NGramCounts for context lengths 0, ..., n − 1.
    """
    order: int
    V: int
    discounts: tuple
    counts: tuple


def fit(ids, order, V, discounts):
    """Count an n-gram model on training ids (N,) with the given discounts (one per order).

    order: n >= 1; V: vocabulary size; discounts: n numbers in (0, 1), d_1 first.
    Returns an :class:`NGramModel`.
    """
    order, V = check_positive_int("order", order), check_positive_int("V", V)
    ids = check_ids("ids", ids, V, ndim=1)
    discounts = check_discounts(discounts, order)
    if ids.size < order:
        raise ValueError(f"ids must hold at least order = {order} characters; got {ids.size}")
    return NGramModel(order, V, discounts, tuple(count(ids, k, V) for k in range(order)))


def check_discounts(discounts, order):
    """Return ``discounts`` as a tuple of ``order`` floats in (0, 1), or raise naming them."""
    discounts = tuple(check_real("discounts", d) for d in np.ravel(discounts))
    if len(discounts) != order or not all(0 < d < 1 for d in discounts):
        raise ValueError(f"discounts must be {order} numbers in (0, 1), one per order; "
                         f"got {discounts}")
    return discounts


def statistics(model, ids, start):
    """What the recursion needs to predict ids[start:], start >= n − 1: for each context
    length k = 0 .. n − 1, (N(u c), N(u·), N₁₊(u·)), three (N − start,) arrays, where c is the
    character predicted and u the k characters before it."""
    out = []
    for table in model.counts:
        contexts = context_keys(ids, table.k, model.V)[start - table.k:]
        pairs = contexts * model.V + ids[start:]
        out.append((lookup(table.pairs, table.pair_counts, pairs),
                    lookup(table.contexts, table.context_counts, contexts),
                    lookup(table.contexts, table.distinct_next, contexts)))
    return out


def interpolate(stats, discounts, V):
    """P_n(c | u) by the recursion of the module docstring, from :func:`statistics`.

    stats: per context length k = 0 .. n − 1, (N(u c), N(u·), N₁₊(u·)), arrays that broadcast
    to one shape S; discounts: (d_1, ..., d_n). Returns the probabilities, shape S."""
    p = 1.0 / V                                              # P_0: uniform
    for (pair, total, distinct), d in zip(stats, discounts):
        seen = total > 0
        p = np.where(seen, (np.maximum(pair - d, 0) + d * distinct * p) / np.maximum(total, 1), p)
    return p


def lower_order(model, order):
    """The model of the shorter context ``order`` − 1 <= n − 1: the same counts and discounts,
    truncated."""
    return NGramModel(order, model.V, model.discounts[:order], model.counts[:order])


def log_probs(model, ids):
    """log P(ids[i] | the characters before it), for i = 1 .. N − 1, in nats: (N − 1,).

    Positions 1 .. n − 2 have fewer than n − 1 characters before them; each uses the model of
    the longest context it has. The first character has none and is not scored, as an RNN
    that starts from h_0 = 0 does not score it either."""
    ids = check_ids("ids", ids, model.V, ndim=1)
    if ids.size < 2:
        raise ValueError(f"ids must hold at least 2 characters; got {ids.size}")
    out = [np.log(interpolate(statistics(lower_order(model, i + 1), ids[:i + 1], i),
                              model.discounts[:i + 1], model.V))
           for i in range(1, min(model.order - 1, ids.size))]    # short contexts at the start
    start = max(model.order - 1, 1)
    if ids.size > start:
        out.append(np.log(interpolate(statistics(model, ids, start), model.discounts, model.V)))
    return np.concatenate(out)


def loss(model, ids):
    """Mean cross-entropy of predicting ids[1:] from what precedes, in nats per character.
    ids: (N,) with N >= 2."""
    return float(-np.mean(log_probs(model, ids)))


def context_of(model, context):
    """(k, u): the number k = min(n − 1, N) of the last ids of ``context`` (N,) that the model
    reads, and u, those k ids as one int key."""
    context = check_ids("context", context, model.V, ndim=1)
    k, u = min(model.order - 1, context.size), 0
    for c in context[context.size - k:]:
        u = u * model.V + int(c)
    return k, u


def next_counts(model, context):
    """N(u c) for every c: (V,) ints, u the last n − 1 ids of ``context`` (N,) (all of it if
    shorter)."""
    k, u = context_of(model, context)
    table = model.counts[k]
    return lookup(table.pairs, table.pair_counts, u * model.V + np.arange(model.V))


def probabilities(model, context):
    """P_n(c | u) for every c: (V,), summing to 1; u the last n − 1 ids of ``context`` (N,), or
    all of it if shorter (then the model of that shorter context is used)."""
    k, u = context_of(model, context)
    stats = []
    for j in range(k + 1):                                   # u's last j characters
        table, u_j = model.counts[j], u % model.V ** j
        stats.append((lookup(table.pairs, table.pair_counts, u_j * model.V + np.arange(model.V)),
                      lookup(table.contexts, table.context_counts, u_j),
                      lookup(table.contexts, table.distinct_next, u_j)))
    return interpolate(stats, model.discounts[:k + 1], model.V)


def tune_discounts(ids, order, V, *, held_out=0.1, grid=GRID):
    """Discounts (d_1, ..., d_n) that minimise the loss on the last ``held_out`` fraction of
    ``ids``, counted on the rest: d_1 first, then each d_k with the lower ones fixed.

    ids: (N,) training ids (never the validation text); grid: the values tried for each d_k.
    Returns a tuple of n floats."""
    order, V = check_positive_int("order", order), check_positive_int("V", V)
    ids = check_ids("ids", ids, V, ndim=1)
    held_out = check_real("held_out", held_out)
    if not 0 < held_out < 1:
        raise ValueError(f"held_out must be a fraction in (0, 1); got {held_out}")
    cut = int(round(ids.size * (1 - held_out)))
    model = fit(ids[:cut], order, V, [0.5] * order)
    stats = statistics(model, ids, max(cut, order - 1))     # every held-out character
    discounts = []
    for k in range(1, order + 1):
        losses = [-np.mean(np.log(interpolate(stats[:k], discounts + [d], V))) for d in grid]
        discounts.append(float(grid[int(np.argmin(losses))]))
    return tuple(discounts)
