"""Benchmark: forward, literal backward and fast backward, single-threaded BLAS.

Prints, for float32 and float64 and each (T, B, D, H, O), the median time of each pass, the
ratio fast/literal backward, and the fast forward+backward rate in GFLOP/s against the
single-thread 1024x1024 matmul rate of the same dtype. FLOPs of one forward+backward are
counted as 2·T·B·(2DH + 3H² + 3HO). The last column, the GFLOP/s of one step's (B, H) @ (H, H)
product on its own, is the ceiling for the part that must run step by step.

Targets (from the rnnlib core issue): fast backward <= 0.3x literal at B = 1 and <= 0.7x
elsewhere; at (200, 64, 128, 256, 128) float32, fast forward+backward >= 70 % of the matmul rate.

    make bench                      # or: .venv/bin/python benchmarks/bench_bptt.py [--quick]

This is a measurement, not a test: it prints numbers and always exits 0.
"""
import argparse
import statistics
import time

import numpy as np
from threadpoolctl import threadpool_info, threadpool_limits

import rnnlib

SIZES = [(50, 1, 8, 32, 8), (100, 32, 16, 64, 16), (100, 32, 64, 128, 64),
         (200, 64, 128, 256, 128), (1000, 1, 1, 100, 1)]


def median_time(fn, min_repeats=5, min_seconds=0.3, max_repeats=200):
    """Median wall time of fn() in seconds, after one warm-up call."""
    fn()
    times, start = [], time.perf_counter()
    while len(times) < max_repeats and (len(times) < min_repeats
                                        or time.perf_counter() - start < min_seconds):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def matmul_gflops(dtype, n=1024):
    rng = np.random.default_rng(0)
    A, B = rng.standard_normal((n, n)).astype(dtype), rng.standard_normal((n, n)).astype(dtype)
    return 2 * n**3 / median_time(lambda: A @ B) / 1e9


def step_gemm_gflops(B, H, dtype):
    """Rate of the recurrent product of one time step, (B, H) @ (H, H): the ceiling of the loop."""
    rng = np.random.default_rng(0)
    h, W = rng.standard_normal((B, H)).astype(dtype), rng.standard_normal((H, H)).astype(dtype)
    out = np.empty((B, H), dtype)
    return 2 * B * H * H / median_time(lambda: np.matmul(h, W, out=out)) / 1e9


def flops(T, B, D, H, O):
    return 2 * T * B * (2 * D * H + 3 * H * H + 3 * H * O)


def bench(size, dtype):
    T, B, D, H, O = size
    rng = np.random.default_rng(0)
    p = rnnlib.init_params(D, H, O, seed=1, dtype=dtype)
    p = p.replace(b_h=np.full(H, 0.1, dtype))
    shape = (T, D) if B == 1 else (T, B, D)   # B = 1 runs unbatched, as a student would
    xs = rng.standard_normal(shape).astype(dtype)
    trace = rnnlib.forward(p, xs)
    dy = rnnlib.random_upstream(trace, seed=2).astype(dtype)
    t_fwd = median_time(lambda: rnnlib.forward(p, xs))
    t_lit = median_time(lambda: rnnlib.backward_literal(p, trace, dy))
    t_fast = median_time(lambda: rnnlib.backward(p, trace, dy))
    return t_fwd, t_lit, t_fast


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="float32 and the first two sizes")
    args = parser.parse_args()
    dtypes = [np.float32] if args.quick else [np.float32, np.float64]
    sizes = SIZES[:2] if args.quick else SIZES
    with threadpool_limits(limits=1):
        for info in threadpool_info():
            print(f"BLAS: {info.get('internal_api')} {info.get('version')}, "
                  f"kernel {info.get('architecture')}, threads {info.get('num_threads')}")
        print(f"numpy {np.__version__}\n")
        for dtype in dtypes:
            name = np.dtype(dtype).name
            peak = matmul_gflops(dtype)
            print(f"{name}: single-thread 1024x1024 matmul {peak:.1f} GFLOP/s")
            print(f"{'(T, B, D, H, O)':<26}{'forward':>10}{'literal bw':>12}{'fast bw':>10}"
                  f"{'fast/lit':>10}{'fwd+bw GFLOP/s':>16}{'% matmul':>10}{'step GEMM':>11}")
            for size in sizes:
                t_fwd, t_lit, t_fast = bench(size, dtype)
                rate = flops(*size) / (t_fwd + t_fast) / 1e9
                print(f"{str(size):<26}{t_fwd * 1e3:>8.2f}ms{t_lit * 1e3:>10.2f}ms"
                      f"{t_fast * 1e3:>8.2f}ms{t_fast / t_lit:>10.2f}{rate:>16.1f}"
                      f"{100 * rate / peak:>9.0f}%{step_gemm_gflops(size[1], size[3], dtype):>11.1f}")
            print()


if __name__ == "__main__":
    main()
