r"""Text for a character-level language model: the vocabulary, the split, batches of chunks
with the state carried, sampling, the validation loss, and the stored model.

The RNN reads one character per step, x_t = onehot(c_t), and its output y_{t+1} = W_yh h_{t+1}
are the logits of the next character c_{t+1}: with ``loss="cross_entropy"`` and
``loss_at="all"``, targets[k] = c_{k+1} is aligned with xs[k] (rnnlib.losses). Long text is
trained in chunks of T characters, the state carried from each chunk to the next and the
gradient stopped at every boundary: truncated BPTT in the sense of
:func:`rnnlib.truncation.chunked_gradients`.

    vocab = Vocabulary.from_text(text); ids = vocab.encode(text)
    train_ids, val_ids = split(ids)                     # first 90 %, last 10 %
    make_batch = chunk_batches(train_ids, vocab, batch=32, T=100)

The data and the stored run of experiments/char_lm.py are found beside this package
(``TINY_SHAKESPEARE``, ``CHAR_LM``), so notebook 09 reads them from whatever folder it runs in.
"""
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .losses import cross_entropy, softmax
from .model import Params, check_params, forward
from .validate import (as_float_array, check_finite, check_function, check_positive,
                       check_positive_int, check_real, shape_str)

REPOSITORY = Path(__file__).resolve().parent.parent
TINY_SHAKESPEARE = REPOSITORY / "data" / "tinyshakespeare" / "input.txt"
# experiments/char_lm.py's results without extension: CHAR_LM.with_suffix(".npz") holds the
# model (load_model), CHAR_LM.with_suffix(".json") the curve, baselines, samples, throughput
CHAR_LM = REPOSITORY / "experiments" / "results" / "char_lm"


def load_text(path=TINY_SHAKESPEARE):
    """The text of a UTF-8 file as a str (by default Tiny Shakespeare, 1,115,394 characters)."""
    return Path(path).read_text(encoding="utf-8")


@dataclass(frozen=True)
class Vocabulary:
    """The characters of a text, sorted: id i stands for ``chars[i]``. V = len(vocab)."""
    chars: str

    def __post_init__(self):
        if not isinstance(self.chars, str) or not self.chars:
            raise ValueError(f"chars must be a non-empty str; got {self.chars!r}")
        if list(self.chars) != sorted(set(self.chars)):
            raise ValueError("chars must be distinct and sorted; got "
                             f"{self.chars[:40]!r}{'...' if len(self.chars) > 40 else ''}")
        # code points, for encoding a whole text with one searchsorted
        object.__setattr__(self, "_codes", np.array([ord(c) for c in self.chars], np.uint32))

    @classmethod
    def from_text(cls, text):
        """The vocabulary of every distinct character of ``text`` (str)."""
        if not isinstance(text, str):
            raise TypeError(f"text must be a str; got {type(text).__name__}")
        return cls("".join(sorted(set(text))))

    def __len__(self):
        return len(self.chars)

    def encode(self, text, *, name="text"):
        """str of N characters -> (N,) int64 ids. A character outside the vocabulary is a
        ValueError that names it and its position (and the argument ``name``)."""
        if not isinstance(text, str):
            raise TypeError(f"{name} must be a str; got {type(text).__name__}")
        codes = np.frombuffer(text.encode("utf-32-le"), np.uint32)
        ids = np.minimum(np.searchsorted(self._codes, codes), len(self) - 1)
        unknown = np.flatnonzero(self._codes[ids] != codes)
        if unknown.size:
            i = int(unknown[0])
            raise ValueError(f"{name} holds {text[i]!r} at index {i}, which is not in the "
                             f"vocabulary of {len(self)} characters")
        return ids.astype(np.int64)

    def decode(self, ids):
        """(N,) ids -> str of N characters."""
        ids = check_ids("ids", ids, len(self), ndim=1)
        return "".join(self.chars[i] for i in ids)

    def one_hot(self, ids, dtype=np.float32):
        """The RNN's inputs for ids of shape (T,) or (T, B): x = onehot(id), (T, [B,] V)."""
        ids = check_ids("ids", ids, len(self), ndim=(1, 2))
        return np.eye(len(self), dtype=dtype)[ids]


def check_ids(name, ids, V, ndim):
    """Return ``ids`` as an int64 array, or raise naming the argument: integer ids in [0, V)
    with ``ndim`` axes (an int or a tuple of those allowed)."""
    ids = np.asarray(ids)
    allowed = (ndim,) if isinstance(ndim, int) else ndim
    if ids.size == 0:                              # np.asarray([]) is float: no id is wrong
        ids = ids.astype(np.int64)
    if ids.dtype.kind not in "iu":
        raise TypeError(f"{name} must be integer character ids; got dtype {ids.dtype}")
    if ids.ndim not in allowed:
        layouts = " or ".join({1: "(N,)", 2: "(T, B)"}[n] for n in allowed)
        raise ValueError(f"{name} must have shape {layouts}; got {shape_str(ids.shape)}")
    bad = (ids < 0) | (ids >= V)
    if bad.any():
        first = tuple(int(i) for i in np.argwhere(bad)[0])
        raise ValueError(f"{name} must be character ids in [0, {V}); got {ids[first]} at "
                         f"index {first}")
    return ids.astype(np.int64)


def split(ids, train_fraction=0.9):
    """Split by position: (the first ``train_fraction`` of ``ids``, the rest). ids: (N,)."""
    train_fraction = check_real("train_fraction", train_fraction)
    if not 0 < train_fraction < 1:
        raise ValueError(f"train_fraction must be in (0, 1); got {train_fraction}")
    cut = int(len(ids) * train_fraction)
    return ids[:cut], ids[cut:]


def chunk_batches(ids, vocab, *, batch, T, dtype=np.float32):
    """``make_batch(rng)`` for :func:`rnnlib.train.train` with the state carried.

    ids (N,) are cut into ``batch`` parallel streams of L + 1 consecutive characters,
    L = (N − 1) // batch (stream b starts at b·L). Call i returns chunk i of every stream,
    xs (T, B, V) one-hot and targets (T, B) int64 ids, the next character of each input:
    xs[k, b] = onehot(ids[b·L + i·T + k]), targets[k, b] = ids[b·L + i·T + k + 1]. So chunk i
    continues where chunk i − 1 stopped, and the state that ends one chunk is the right start
    for the next. After the L // T chunks of a pass it starts again at chunk 0 (carrying the
    state across that one seam). ``rng`` is not used: the order is the text's.
    """
    batch, T = check_positive_int("batch", batch), check_positive_int("T", T)
    ids = check_ids("ids", ids, len(vocab), ndim=1)
    L = (len(ids) - 1) // batch
    if L < T:
        raise ValueError(f"ids of {len(ids)} characters make {batch} streams of {L}; "
                         f"each needs at least T = {T} (+1 for the last target)")
    starts = np.arange(batch) * L                           # stream b starts at b·L
    eye, chunks, position = np.eye(len(vocab), dtype=dtype), L // T, [0]

    def make_batch(rng=None):
        first = starts + position[0] * T
        at = first[None, :] + np.arange(T)[:, None]         # (T, B) positions of the inputs
        position[0] = (position[0] + 1) % chunks
        return eye[ids[at]], ids[at + 1]
    return make_batch


def temperature_probs(y, temperature):
    """The distribution a character is drawn from at a temperature: p = softmax(y / τ).

    y: logits, (V,) or (B, V); temperature τ > 0: below 1 sharpens the distribution (towards
    the argmax as τ → 0), above 1 flattens it (towards uniform as τ → ∞). Returns p, y's shape,
    each row summing to 1; stable for any τ (the softmax subtracts the largest y / τ first).
    """
    y = as_float_array("y", y)
    if y.ndim not in (1, 2) or y.shape[-1] == 0:
        raise ValueError(f"y must have shape (V,) or (B, V) with V >= 1; got "
                         f"{shape_str(y.shape)}")
    check_finite("y", y)
    temperature = check_positive("temperature", temperature)
    return softmax(y / temperature)


def sample(params, vocab, prime, n, *, temperature=1.0, seed=0, probs=temperature_probs):
    """n characters drawn from the model, one at a time, after reading ``prime``.

    The state after ``prime`` (a non-empty str, read from h_0 = 0) gives y; the next id is
    drawn from probs(y, temperature) = softmax(y / temperature) with
    ``np.random.default_rng(seed)``'s ``choice``, fed back as the next input, and so on.
    temperature > 0 (see :func:`temperature_probs`). probs: a function of (y (V,) float64,
    temperature) that returns the V probabilities, :func:`temperature_probs` by default (a
    student's own can be passed). Returns a str of n characters (without the prime).
    """
    check_params(params)
    if params.n_input != len(vocab) or params.n_output != len(vocab):
        raise ValueError(f"params must have D = O = V = {len(vocab)} (the vocabulary); got "
                         f"D = {params.n_input}, O = {params.n_output}")
    if not isinstance(prime, str) or not prime:
        raise ValueError(f"prime must be a non-empty str; got {prime!r}")
    n = check_positive_int("n", n)
    temperature = check_positive("temperature", temperature)
    check_function("probs", probs, "a function (y, temperature) -> probabilities")
    rng = np.random.default_rng(seed)
    trace = forward(params, vocab.one_hot(vocab.encode(prime, name="prime"), params.dtype))
    h, y, out = trace.h[-1], trace.y[-1], []
    for _ in range(n):
        p = check_probabilities(probs(y.astype(np.float64), temperature), len(vocab))
        c = int(rng.choice(len(vocab), p=p))
        out.append(c)
        trace = forward(params, vocab.one_hot(np.array([c]), params.dtype), h)
        h, y = trace.h[-1], trace.y[-1]
    return vocab.decode(np.array(out))


def check_probabilities(p, V):
    """Return what a ``probs`` function gave as a float64 array, or raise naming it: V finite,
    non-negative numbers that sum to 1 within 1e-8 (numpy's choice refuses more)."""
    p = np.asarray(p, dtype=np.float64)
    if p.shape != (V,):
        raise ValueError(f"probs must return V = {V} probabilities, shape ({V},); got "
                         f"{shape_str(p.shape)}")
    if not np.all(np.isfinite(p)) or np.any(p < 0) or abs(p.sum() - 1) > 1e-8:
        raise ValueError(f"probs must return finite, non-negative probabilities that sum to 1; "
                         f"got a sum of {p.sum()!r} and a smallest entry of {p.min()!r}")
    return p


def validation_loss(params, ids, *, streams=16, chunk=500, warmup=200):
    """Mean cross-entropy of predicting ids[1:] from what precedes, in nats per character.

    One stream read from h_0 = 0 is the definition. For speed the targets are cut into
    ``streams`` consecutive pieces run side by side as a batch, in chunks of ``chunk`` steps
    with the state carried; each piece after the first starts reading ``warmup`` characters
    before its first target, from h = 0, and those warm-up predictions are not scored. With
    streams=1 it is the definition itself; for the stored model of experiments/char_lm.py
    (H = 512) the defaults agree with it to 2e-8 nats per character, 1.6 times faster.
    ids: (N,) with N >= 2.
    """
    check_params(params)
    V = params.n_output
    ids = check_ids("ids", ids, V, ndim=1)
    streams, chunk = check_positive_int("streams", streams), check_positive_int("chunk", chunk)
    if isinstance(warmup, bool) or not isinstance(warmup, (int, np.integer)) or warmup < 0:
        raise ValueError(f"warmup must be a non-negative integer; got {warmup!r}")
    N = len(ids)
    if N < 2:
        raise ValueError(f"ids must hold at least 2 characters; got {N}")
    piece = -(-(N - 1) // streams)                        # targets per stream, rounded up
    first = 1 + piece * np.arange(streams)                 # first scored target of each
    first = first[first < N]
    stop = np.minimum(first + piece, N)                    # one past the last scored target
    begin = np.maximum(first - 1 - warmup, 0)              # first input read
    length = int(np.max(stop - 1 - begin))                 # steps; shorter streams padded
    at = begin[None, :] + np.arange(length)[:, None]       # (steps, S) input positions
    scored = (at + 1 >= first) & (at + 1 < stop)
    at = np.minimum(at, N - 2)                             # padding past the end: never scored
    xs = np.eye(V, dtype=params.dtype)[ids[at]]
    h, total = None, 0.0
    for start in range(0, length, chunk):
        part = slice(start, start + chunk)
        trace = forward(params, xs[part], h)
        mask = scored[part]
        total += cross_entropy(trace.y[1:][mask], ids[at[part] + 1][mask])[0]
        h = trace.h[-1]
    return total / (N - 1)


def known_word_fraction(sampled, training_text, min_letters=3):
    """Of the words of ``sampled`` with at least ``min_letters`` letters (runs of letters,
    compared lower-case), the fraction that occur in ``training_text``; NaN if there are none."""
    words = [w for w in re.findall(r"[a-z]+", sampled.lower()) if len(w) >= min_letters]
    if not words:
        return float("nan")
    known = set(re.findall(r"[a-z]+", training_text.lower()))
    return sum(w in known for w in words) / len(words)


def save_model(path, params, vocab, settings):
    """Write the weights, the vocabulary and ``settings`` to an .npz that :func:`load_model`
    reads with ``allow_pickle=False``: the four arrays under their names, the characters as
    uint32 code points under "vocabulary", and each setting (a number, a str, or a list of
    numbers) as a plain array under "setting_<name>"."""
    arrays = {"setting_" + name: np.array(value) for name, value in settings.items()}
    for name, value in arrays.items():
        if value.dtype.kind not in "biufU":
            raise TypeError(f"settings[{name[8:]!r}] must be a number, a str or a list of "
                            f"numbers; got {settings[name[8:]]!r}")
    np.savez(path, **{name: getattr(params, name) for name in Params.names}, **arrays,
             vocabulary=np.array([ord(c) for c in vocab.chars], np.uint32))


def load_model(path):
    """Read what :func:`save_model` wrote, with ``allow_pickle=False``.
    Returns (Params, Vocabulary, settings: dict of Python numbers, strs and lists)."""
    with np.load(path, allow_pickle=False) as f:
        params = Params(*(f[name] for name in Params.names))
        vocab = Vocabulary("".join(chr(c) for c in f["vocabulary"]))
        settings = {name[8:]: f[name].tolist() for name in f.files if name.startswith("setting_")}
    return params, vocab, settings
