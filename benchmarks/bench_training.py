"""Benchmark: training throughput and time to learn, one BLAS thread.

1. Sequences per second of training (forward + backward + Adam step, gradient clipping on) on
   the adding problem at T = 50, B = 32, H = 64, float32 (target >= 50,000 on a quiet
   machine), and of the gradient computation alone (``batch_gradients`` with a reused
   workspace, as ``train`` calls it). The two are interleaved and the medians printed.
2. The notebook's demo: identity W_hh, Adam (lr 1e-3), clipping at norm 1, T = 100: wall time
   and steps until the MSE is 10x below the always-predict-1 baseline (1/60; target <= 10 s).
Prints numbers; not a test.

    .venv/bin/python benchmarks/bench_training.py
"""
import statistics
import time

import numpy as np
from threadpoolctl import threadpool_info, threadpool_limits

import rnnlib
from rnnlib import optim, tasks
from rnnlib.model import Workspace
from rnnlib.train import batch_gradients, train


def throughput(repeats=9, steps=200):
    params = rnnlib.init_params(2, 64, 1, init="identity", seed=0, dtype=np.float32)
    batches = [tasks.adding_problem(32, 50, np.random.default_rng(i)) for i in range(steps)]
    batches = [(x.astype(np.float32), y.astype(np.float32)) for x, y in batches]
    rates, grad_rates = [], []
    for _ in range(repeats):
        feed = iter(batches * 2)
        start = time.perf_counter()
        train(params, lambda rng: next(feed), steps=steps, clip_norm=1.0, log_every=steps)
        rates.append(32 * steps / (time.perf_counter() - start))
        weights = {n: np.array(getattr(params, n)) for n in optim.NAMES}
        workspace = Workspace(50, (32,), 2, 64, 1, np.float32)
        start = time.perf_counter()
        for x, y in batches:
            batch_gradients(weights, x, y, workspace=workspace)
        grad_rates.append(32 * steps / (time.perf_counter() - start))
    return statistics.median(rates), statistics.median(grad_rates)


def time_to_learn(seed=0):
    params = rnnlib.init_params(2, 64, 1, init="identity", seed=seed, dtype=np.float32)
    start = time.perf_counter()
    _, history = train(params, lambda rng: tasks.adding_problem(32, 100, rng), steps=5000,
                       clip_norm=1.0, seed=seed, log_every=10, stop_below=1 / 60)
    return time.perf_counter() - start, history.step[-1], float(np.mean(history.mse[-10:]))


def main():
    with threadpool_limits(limits=1):
        for info in threadpool_info():
            print(f"BLAS: {info.get('internal_api')} {info.get('version')}, "
                  f"kernel {info.get('architecture')}, threads {info.get('num_threads')}")
        rate, grad_rate = throughput()
        print(f"training (fwd + bwd + Adam, clipped) at T=50, B=32, H=64, float32: "
              f"{rate:,.0f} sequences/s;  gradients alone: {grad_rate:,.0f} sequences/s")
        for seed in (0, 1, 2):
            seconds, steps, mse = time_to_learn(seed)
            verdict = "< 1/60 after" if mse < 1 / 60 else ">= 1/60, not reached in"
            print(f"T=100 demo, seed {seed}: MSE {mse:.4f} {verdict} {steps} steps, "
                  f"{seconds:.1f} s")


if __name__ == "__main__":
    main()
