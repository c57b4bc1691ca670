"""The character-level language model behind notebook 09: a ReLU RNN learns Tiny Shakespeare.

A 512-unit ReLU RNN (W_hh = 0.5·I, the scaled identity start) reads the first 90 % of Tiny
Shakespeare (data/tinyshakespeare/) as 64 parallel streams in chunks of 100 characters, the
state carried from chunk to chunk and the gradient stopped at every boundary (truncated BPTT,
meaning 2 of rnnlib.truncation), with cross-entropy at every step, through
rnnlib.train.train: Adam, and clipping at global norm 100 (the gradient of the batch-mean loss
is summed over the 100 characters of a chunk and is typically 50 to 80; clipping catches its
spikes).

Training runs on one BLAS thread in segments of 250 steps (each starts again from h = 0), and
before each the learning rate is set: warmed up over the first 1000 steps (Adam's first steps
are about lr per weight, and with H = 512 coherent signs move W_hh's spectral radius by up to
lr·H), then decayed linearly to a tenth of its peak at the end. The end is 4000 steps (25.6
million characters, about 25 passes over the training text) or 20 minutes, whichever comes
first; the decay follows the budget that is further along. Why 4000 steps: with 20 minutes as
the only budget, the validation loss is lowest near step 3500 (1.572 nats/char) and rises to
1.611 by step 6000 while the training loss still falls: the network overfits.

About once a minute the validation loss on the last 10 % is recorded, in nats and bits per
character. Beside it, the baselines on the same split: uniform, and 1- to 5-gram counts with
interpolated absolute discounting tuned on a held-out tail of the training text
(rnnlib.ngram). At the end: samples at temperatures 0.5, 1 and 1.5, the fraction of their
words (>= 3 letters) found in the training text, the training throughput beside the
min-char-rnn-style yardstick of benchmarks/bench_char_lm.py, the BLAS kernel.

Writes experiments/results/char_lm.npz (weights, vocabulary, settings: rnnlib.text.load_model)
and experiments/results/char_lm.json (settings, curve, baselines, samples, throughput).

    OMP_NUM_THREADS=1 .venv/bin/python experiments/char_lm.py          # <= 20 min (make char-lm)
    OMP_NUM_THREADS=1 .venv/bin/python experiments/char_lm.py --quick  # seconds: a smoke test
"""
import argparse
import importlib.util
import json
import platform
import time
from pathlib import Path

import numpy as np
from threadpoolctl import threadpool_info, threadpool_limits

import rnnlib
from rnnlib import ngram, optim, text
from rnnlib.train import train

HERE = Path(__file__).resolve().parent
SETTINGS = dict(H=512, T=100, B=64, init="identity", scale=0.5, lr=2e-3, warmup_steps=1000,
                final_lr_fraction=0.1, clip_norm=100.0, segment_steps=250, max_steps=4000,
                budget_seconds=1200, eval_every_seconds=60, seed=0, train_fraction=0.9,
                dtype="float32")
QUICK = dict(SETTINGS, H=32, T=20, B=8, segment_steps=20, max_steps=400, budget_seconds=8,
             eval_every_seconds=2, warmup_steps=20)
TEMPERATURES = (0.5, 1.0, 1.5)
PRIME = "ROMEO:\n"
CHECK_CHARACTERS = 5000          # tests/test_text.py recomputes the loss on this prefix


def learning_rate(s, step, elapsed):
    """The peak rate, warmed up over the first warmup_steps in steps of one segment (a quarter
    of the peak for the first of four segments, and so on), then decayed linearly to
    final_lr_fraction of it at the end: at max_steps, or at budget_seconds if that comes first
    (the decay follows the budget that is further along)."""
    warm = min(1.0, (step + s["segment_steps"]) / s["warmup_steps"])
    progress = min(1.0, max(step / s["max_steps"], elapsed / s["budget_seconds"]))
    return s["lr"] * warm * (1 - (1 - s["final_lr_fraction"]) * progress)


def baselines(train_ids, val_ids, V):
    """Validation nats per character of the uniform model and of 1- to 5-gram models."""
    out = {"uniform": {"nats": float(np.log(V))}}
    for n in range(1, 6):
        discounts = ngram.tune_discounts(train_ids, n, V)
        model = ngram.fit(train_ids, n, V, discounts)
        out[f"{n}-gram"] = {"nats": ngram.loss(model, val_ids), "discounts": list(discounts)}
    for b in out.values():
        b["bits"] = b["nats"] / np.log(2)
    return out


def yardstick():
    """benchmarks/bench_char_lm.py, loaded by path (benchmarks/ is not a package)."""
    spec = importlib.util.spec_from_file_location(
        "bench_char_lm", HERE.parent / "benchmarks" / "bench_char_lm.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def run(s, corpus):
    vocab = text.Vocabulary.from_text(corpus)
    train_ids, val_ids = text.split(vocab.encode(corpus), s["train_fraction"])
    V, dtype = len(vocab), np.dtype(s["dtype"])
    params = rnnlib.init_params(V, s["H"], V, init=s["init"], scale=s["scale"], seed=s["seed"],
                                dtype=dtype)
    make_batch = text.chunk_batches(train_ids, vocab, batch=s["B"], T=s["T"], dtype=dtype)
    adam = optim.Adam(lr=s["lr"])
    curve = dict(step=[0], seconds=[0.0], train_nats=[None],
                 val_nats=[text.validation_loss(params, val_ids)])
    step, training_seconds, start, last_eval = 0, 0.0, time.perf_counter(), 0.0
    recent = []
    while step < s["max_steps"] and time.perf_counter() - start < s["budget_seconds"]:
        adam.lr = learning_rate(s, step, time.perf_counter() - start)
        began = time.perf_counter()
        params, history = train(params, make_batch, steps=s["segment_steps"], optimizer=adam,
                                clip_norm=s["clip_norm"], loss="cross_entropy", loss_at="all",
                                carry_state=True, seed=s["seed"],
                                log_every=s["segment_steps"] // 5)
        training_seconds += time.perf_counter() - began
        step += s["segment_steps"]
        recent += history.nats
        elapsed = time.perf_counter() - start
        if elapsed - last_eval >= s["eval_every_seconds"] or step >= s["max_steps"] \
                or elapsed >= s["budget_seconds"]:
            curve["step"].append(step)
            curve["seconds"].append(round(elapsed, 1))
            curve["train_nats"].append(float(np.mean(recent)))
            curve["val_nats"].append(text.validation_loss(params, val_ids))
            recent, last_eval = [], time.perf_counter() - start
            print(f"step {step:>6} {elapsed:7.1f} s  lr {adam.lr:.2e}  train "
                  f"{curve['train_nats'][-1]:.3f}  val {curve['val_nats'][-1]:.4f} nats/char",
                  flush=True)
    curve["val_bits"] = [v / np.log(2) for v in curve["val_nats"]]
    return params, vocab, train_ids, val_ids, curve, step, training_seconds


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="tiny settings, for a smoke test")
    parser.add_argument("--out", default=str(HERE / "results" / "char_lm"),
                        help="path of the results without extension (.npz and .json are added)")
    args = parser.parse_args()
    s = QUICK if args.quick else SETTINGS
    started = time.perf_counter()
    corpus = text.load_text()
    with threadpool_limits(limits=1):
        kernel = [f"{i.get('internal_api')} {i.get('version')} {i.get('architecture')}"
                  for i in threadpool_info()]
        params, vocab, train_ids, val_ids, curve, steps, training_seconds = run(s, corpus)
        print("baselines ...", flush=True)
        base = baselines(train_ids, val_ids, len(vocab))
        final = curve["val_nats"][-1]
        exact = text.validation_loss(params, val_ids, streams=1)
        train_text = corpus[:len(train_ids)]
        samples = {str(t): text.sample(params, vocab, PRIME, 600 if not args.quick else 100,
                                       temperature=t, seed=1) for t in TEMPERATURES}
        words = {t: text.known_word_fraction(sample, train_text) for t, sample in samples.items()}
        bench = yardstick().measure(s, seconds=5 if args.quick else 30)
        check = dict(characters=CHECK_CHARACTERS, streams=4,
                     nats=text.validation_loss(params, val_ids[:CHECK_CHARACTERS], streams=4))
    best_ngram = min((k for k in base if k.endswith("gram")), key=lambda k: base[k]["nats"])
    result = dict(
        command="python experiments/char_lm.py" + (" --quick" if args.quick else ""),
        seconds=round(time.perf_counter() - started, 1), machine=platform.machine(),
        numpy=np.__version__, blas=kernel, settings=s,
        data=dict(source="karpathy/char-rnn data/tinyshakespeare/input.txt",
                  characters=len(corpus), vocabulary=vocab.chars,
                  train_characters=len(train_ids), val_characters=len(val_ids)),
        steps=steps, characters_seen=steps * s["B"] * s["T"],
        epochs=round(steps * s["B"] * s["T"] / len(train_ids), 2),
        training_seconds=round(training_seconds, 1),
        train_chars_per_second=round(steps * s["B"] * s["T"] / training_seconds),
        curve=curve, baselines=base, best_ngram=best_ngram,
        final=dict(val_nats=final, val_bits=final / np.log(2), val_nats_one_stream=exact,
                   below_trigram=final < base["3-gram"]["nats"],
                   below_best_ngram=final < base[best_ngram]["nats"]),
        check=check, prime=PRIME, samples=samples, known_word_fraction=words,
        throughput=bench)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    text.save_model(out.with_suffix(".npz"), params, vocab,
                    s | dict(steps=steps, val_nats=final))
    out.with_suffix(".json").write_text(json.dumps(result, indent=1, ensure_ascii=False) + "\n")
    for name, b in base.items():
        print(f"{name:>8}: {b['nats']:.3f} nats/char, {b['bits']:.3f} bits/char")
    print(f"     RNN: {final:.3f} nats/char, {final / np.log(2):.3f} bits/char "
          f"(one stream: {exact:.4f}) after {steps} steps, {result['epochs']} epochs")
    for t, sample in samples.items():
        print(f"--- temperature {t}: {100 * words[t]:.0f} % of words (>= 3 letters) known\n"
              f"{sample[:300]}")
    print(f"throughput: {bench}")
    print(f"wrote {out}.npz and .json in {result['seconds']} s")


if __name__ == "__main__":
    main()
