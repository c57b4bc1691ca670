"""Benchmark: training throughput of the character-level language model, in characters per
second, one BLAS thread.

Two trainers on Tiny Shakespeare at the settings of experiments/char_lm.py (H = 512, chunks of
T = 100 characters, float32, clipping, the state carried), interleaved round by round, medians
printed:

1. rnnlib.train.train with B = 64 parallel streams (rnnlib.text.chunk_batches).
2. :class:`MinCharRNN`, the yardstick: Karpathy's min-char-rnn (2015) written again for our
   ReLU RNN: one sequence at a time, a plain Python loop over the characters with dicts of
   vectors, forward then backward, clipping every entry to [-5, 5], Adagrad. It computes the
   same gradients as rnnlib (checked here before timing).

Prints numbers and the BLAS kernel; not a test. experiments/char_lm.py calls :func:`measure`.

    OMP_NUM_THREADS=1 .venv/bin/python benchmarks/bench_char_lm.py
"""
import statistics
import time

import numpy as np
from threadpoolctl import threadpool_info, threadpool_limits

import rnnlib
from rnnlib import optim, text
from rnnlib.train import train

SETTINGS = dict(H=512, T=100, B=64, init="identity", scale=0.5, lr=2e-3, clip_norm=100.0,
                dtype="float32", train_fraction=0.9)


class MinCharRNN:
    """min-char-rnn's training loop for ĥ_{t+1} = W_hh h_t + W_hx x_t + b_h, h = ReLU(ĥ),
    y_t = W_yh h_t, softmax cross-entropy: one sequence of T characters per step."""

    def __init__(self, params, lr=1e-3):
        self.W_hh, self.W_hx = np.array(params.W_hh), np.array(params.W_hx)
        self.b_h, self.W_yh = np.array(params.b_h), np.array(params.W_yh)
        self.memory = [np.zeros_like(w) for w in (self.W_hh, self.W_hx, self.b_h, self.W_yh)]
        self.lr = lr

    def loss_fun(self, inputs, targets, h_prev):
        """inputs, targets: lists of T ids; h_prev: (H,). Returns (loss, dW_hh, dW_hx, db_h,
        dW_yh, the last state)."""
        V = self.W_hx.shape[1]
        xs, hs, ps = {}, {-1: h_prev}, {}
        loss = 0.0
        for t in range(len(inputs)):
            xs[t] = np.zeros(V, self.W_hx.dtype)
            xs[t][inputs[t]] = 1
            hs[t] = np.maximum(self.W_hh @ hs[t - 1] + self.W_hx @ xs[t] + self.b_h, 0)
            y = self.W_yh @ hs[t]
            e = np.exp(y - y.max())
            ps[t] = e / e.sum()
            loss += np.log(e.sum()) - (y[targets[t]] - y.max())      # −log p, never log 0
        dW_hh, dW_hx = np.zeros_like(self.W_hh), np.zeros_like(self.W_hx)
        db_h, dW_yh = np.zeros_like(self.b_h), np.zeros_like(self.W_yh)
        dh_next = np.zeros_like(self.b_h)
        for t in reversed(range(len(inputs))):
            dy = ps[t].copy()
            dy[targets[t]] -= 1
            dW_yh += np.outer(dy, hs[t])
            dh = self.W_yh.T @ dy + dh_next
            dh_hat = dh * (hs[t] > 0)
            db_h += dh_hat
            dW_hx += np.outer(dh_hat, xs[t])
            dW_hh += np.outer(dh_hat, hs[t - 1])
            dh_next = self.W_hh.T @ dh_hat
        return loss, dW_hh, dW_hx, db_h, dW_yh, hs[len(inputs) - 1]

    def step(self, inputs, targets, h_prev):
        """One Adagrad step on one sequence; returns the last state for the next one."""
        *_, h = grads = self.loss_fun(inputs, targets, h_prev)
        weights = (self.W_hh, self.W_hx, self.b_h, self.W_yh)
        for w, g, m in zip(weights, grads[1:5], self.memory):
            np.clip(g, -5, 5, out=g)
            m += g * g
            w -= self.lr * g / np.sqrt(m + 1e-8)
        return h


def agrees_with_rnnlib(ids, V):
    """Largest relative difference between the yardstick's gradients and rnnlib's on one
    sequence (float64, a small net with a non-zero bias and state)."""
    rng = np.random.default_rng(0)
    params = rnnlib.init_params(V, 16, V, seed=0).replace(b_h=0.1 * rng.standard_normal(16))
    h0 = np.abs(rng.standard_normal(16))
    x, y = ids[:30], ids[1:31]
    loss, *grads, _ = MinCharRNN(params).loss_fun(list(x), list(y), h0)
    E, g = rnnlib.loss_and_grads(params, np.eye(V)[x], y, h0=h0, loss="cross_entropy")
    ours = [g.dW_hh, g.dW_hx, g.db_h, g.dW_yh]
    return max([abs(loss - E) / E] + [float(np.max(np.abs(a - b)) / np.max(np.abs(b)))
                                      for a, b in zip(grads, ours)])


def measure(s=SETTINGS, seconds=30, corpus=None):
    """Characters per second of rnnlib's trainer and of the yardstick at settings ``s``
    (H, T, B, init, scale, lr, clip_norm, dtype, train_fraction), interleaved for about
    ``seconds``, medians over the rounds. Call it under threadpool_limits(1)."""
    corpus = text.load_text() if corpus is None else corpus
    vocab = text.Vocabulary.from_text(corpus)
    train_ids, _ = text.split(vocab.encode(corpus), s["train_fraction"])
    V, dtype = len(vocab), np.dtype(s["dtype"])
    params = rnnlib.init_params(V, s["H"], V, init=s["init"], scale=s["scale"], seed=0,
                                dtype=dtype)
    make_batch = text.chunk_batches(train_ids, vocab, batch=s["B"], T=s["T"], dtype=dtype)
    yardstick, h, at = MinCharRNN(params), np.zeros(s["H"], dtype), 0
    steps, sequences = 4, 8                  # per round: a few seconds each at H = 512
    rates = {"rnnlib.train": [], "min-char-rnn": []}
    started = time.perf_counter()
    while time.perf_counter() - started < seconds or len(rates["min-char-rnn"]) < 3:
        begin = time.perf_counter()
        train(params, make_batch, steps=steps, optimizer=optim.Adam(lr=s["lr"]),
              clip_norm=s["clip_norm"], loss="cross_entropy", loss_at="all", carry_state=True,
              log_every=steps)
        rates["rnnlib.train"].append(steps * s["B"] * s["T"] / (time.perf_counter() - begin))
        begin = time.perf_counter()
        for _ in range(sequences):
            chunk = train_ids[at:at + s["T"] + 1]
            h = yardstick.step(list(chunk[:-1]), list(chunk[1:]), h)
            at += s["T"]
        rates["min-char-rnn"].append(sequences * s["T"] / (time.perf_counter() - begin))
    result = {name: round(statistics.median(r)) for name, r in rates.items()}
    result["rounds"] = len(rates["min-char-rnn"])
    result["speed-up"] = round(result["rnnlib.train"] / result["min-char-rnn"], 1)
    return result


def main():
    with threadpool_limits(limits=1):
        for info in threadpool_info():
            print(f"BLAS: {info.get('internal_api')} {info.get('version')}, "
                  f"kernel {info.get('architecture')}, threads {info.get('num_threads')}")
        corpus = text.load_text()
        vocab = text.Vocabulary.from_text(corpus)
        difference = agrees_with_rnnlib(vocab.encode(corpus[:100]), len(vocab))
        assert difference < 1e-10, f"the yardstick disagrees with rnnlib: {difference:.2g}"
        print(f"yardstick's gradients agree with rnnlib.loss_and_grads to {difference:.1e}")
        r = measure(corpus=corpus)
        s = SETTINGS
        print(f"training at H={s['H']}, T={s['T']}, {s['dtype']}: rnnlib.train (B={s['B']}) "
              f"{r['rnnlib.train']:,} characters/s; min-char-rnn style (one sequence at a time) "
              f"{r['min-char-rnn']:,} characters/s; {r['speed-up']}x (medians of "
              f"{r['rounds']} interleaved rounds)")


if __name__ == "__main__":
    main()
