"""Benchmark: the fast path against the literal loop, a lean numpy yardstick and PyTorch.

One BLAS thread. For float32 and float64 and each (T, B, D, H, O), one forward pass, the
squared-error loss at every step and BPTT (E and every parameter gradient) are timed for:

- ``fast``: ``rnnlib.loss_and_grads`` as the notebooks call it (the full Trace and Grads);
- ``lean``: :func:`rnnlib.fast.loss_and_grads` without histories, the pass the trainer runs
  (parameter gradients and ∂h_0 only, no argument checks);
- ``numpy``: the yardstick, :func:`lean_numpy` below, an independent implementation of the
  same equations with every trick measured to help (one product over all t wherever the
  recursion allows, ``np.dot``, per-step views built once, ReLU against a zero array, arrays
  reused from call to call, no argument checks); it computes what ``lean`` returns;
- ``np+dx``: the yardstick also computing ∂x, the one product that ``fast`` adds to ``lean``
  (the histories ∂h, ∂ĥ, ∂y that ``fast`` also returns are arrays its loops fill anyway);
- ``literal``: ``forward_literal`` + ``loss_from_trace`` + ``backward_literal``;
- ``torch``: ``nn.RNN(nonlinearity="relu")`` and autograd, when PyTorch is importable
  (it is not a dependency of this project), with ``torch.set_num_threads(1)``.

The machine may be shared, so fast, lean, numpy and np+dx are interleaved inside one process:
each round times each of them once, in a new random order, and a ratio is the median over
rounds of the per-round ratio; ``best`` is lean/numpy from the fastest run of each, the
least disturbed by other processes. The literal loops and torch run after them, apart (they
leave the caches cold for whatever runs next); torch/numpy is the ratio of medians. The rate
is the FLOP count of what ``lean`` computes (matrix products only) over its
median time, against the median single-thread 1024x1024 matmul rate of the same dtype. At the
two largest sizes the FLOP count of each phase is printed.

Targets: lean at most 1.15x the yardstick, and fast 1.15x the yardstick with ∂x, at every
size; at (200, 64, 128, 256, 128) float32 at least 70 % of the matmul rate.

    .venv/bin/python benchmarks/bench_bptt.py [--quick] [--seconds S]

The OpenBLAS kernel is printed first: OPENBLAS_CORETYPE changes these numbers by up to 1.5x.
This is a measurement, not a test: it prints numbers and always exits 0.
"""
import argparse
import os
import statistics
import time

import numpy as np
from threadpoolctl import threadpool_info, threadpool_limits

import rnnlib
from rnnlib import fast

# PyTorch's OpenMP threads otherwise spin after each call and slow whatever runs next.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

SIZES = [(50, 1, 8, 32, 8), (100, 32, 16, 64, 16), (100, 32, 64, 128, 64),
         (200, 64, 128, 256, 128), (1000, 1, 1, 100, 1)]


_BUFFERS = {}       # the yardstick's arrays and row lists, per problem size (see lean_numpy)


def _buffers(T, batch, D, H, O, dtype):
    """The arrays of lean_numpy for one size, made once: a (T, [B,] H) ĥ_{k+1}, h (T+1, [B,] H),
    g (T, [B,] H) for W_yhᵀ ∂y then ∂ĥ, gate, the step's product, the zero row, row lists."""
    key = (T, batch, D, H, O, np.dtype(dtype))
    if key not in _BUFFERS:
        row = batch + (H,)
        a, h = np.empty((T,) + row, dtype), np.empty((T + 1,) + row, dtype)
        g, gate = np.empty_like(a), np.empty_like(a)
        _BUFFERS.clear()
        _BUFFERS[key] = (a, h, g, gate, np.empty(row, dtype), np.zeros(row, dtype),
                         list(a), list(h), list(g), list(gate))
    return _BUFFERS[key]


def lean_numpy(W_hh, W_hx, b_h, W_yh, xs, targets, dx=False):
    """E = ½ Σ_t ‖y_t − target_t‖² for h_0 = 0, and dW_hh, dW_hx, db_h, dW_yh, dh0
    (and, with ``dx``, ∂x (T, [B,] D), the extra product of rnnlib's default call).

    xs (T, [B,] D), targets (T, [B,] O) (targets[k] is the target of y_{k+1}). Written
    apart from rnnlib, as lean as numpy allows: the yardstick of the fast path. Its arrays are
    made once per size and reused by later calls (the returned gradients are new arrays).
    """
    T, D, H, O = xs.shape[0], W_hx.shape[1], W_hh.shape[0], W_yh.shape[0]
    n = xs.size // D                                   # T·B
    a, h, g, gate, tmp, zero, a_rows, h_rows, g_rows, gate_rows = _buffers(
        T, xs.shape[1:-1], D, H, O, xs.dtype)          # a[k] = ĥ_{k+1}, h[t] = h_t
    np.dot(xs.reshape(n, D), W_hx.T, out=a.reshape(n, H))
    a += b_h
    h[0] = 0
    W_hh_T = np.ascontiguousarray(W_hh.T)
    for k in range(T):
        np.dot(h_rows[k], W_hh_T, out=tmp)
        np.add(a_rows[k], tmp, out=a_rows[k])
        np.maximum(a_rows[k], zero, out=h_rows[k + 1])
    h_out = h[1:].reshape(n, H)
    r = np.dot(h_out, W_yh.T)                          # y, then the residual ∂y
    r -= targets.reshape(n, O)
    E = 0.5 * float(np.vdot(r, r))
    np.greater(a, 0, out=gate)
    np.dot(r, W_yh, out=g.reshape(n, H))               # W_yhᵀ ∂y; becomes ∂ĥ in place
    g_rows[T - 1] *= gate_rows[T - 1]
    for k in range(T - 2, -1, -1):
        np.dot(g_rows[k + 1], W_hh, out=tmp)
        np.add(g_rows[k], tmp, out=g_rows[k])
        np.multiply(g_rows[k], gate_rows[k], out=g_rows[k])
    g_flat = g.reshape(n, H)
    grads = (E, np.dot(g_flat.T, h[:-1].reshape(n, H)), np.dot(g_flat.T, xs.reshape(n, D)),
             g_flat.sum(axis=0), np.dot(r.T, h_out), np.dot(g_rows[0], W_hh))
    return grads + (np.dot(g_flat, W_hx).reshape(xs.shape),) if dx else grads


def literal(p, xs, targets):
    trace = rnnlib.forward_literal(p, xs)
    E, dy = rnnlib.loss_from_trace(trace, targets)
    return E, rnnlib.backward_literal(p, trace, dy)


def torch_runner(p, xs, targets):
    """A function running the same problem in PyTorch, or None if torch is not importable."""
    try:
        import torch
    except ImportError:
        return None
    torch.set_num_threads(1)
    T, D = xs.shape[0], xs.shape[-1]
    dtype = torch.float32 if p.dtype == np.float32 else torch.float64
    rnn = torch.nn.RNN(D, p.n_hidden, nonlinearity="relu").to(dtype)
    with torch.no_grad():
        rnn.weight_hh_l0.copy_(torch.from_numpy(np.array(p.W_hh)))
        rnn.weight_ih_l0.copy_(torch.from_numpy(np.array(p.W_hx)))
        rnn.bias_ih_l0.copy_(torch.from_numpy(np.array(p.b_h)))
        rnn.bias_hh_l0.zero_()
    W_yh = torch.from_numpy(np.array(p.W_yh)).requires_grad_()
    x = torch.from_numpy(xs.reshape(T, -1, D))
    target = torch.from_numpy(targets.reshape(T, x.shape[1], -1))

    def run():
        rnn.zero_grad(set_to_none=True)
        W_yh.grad = None
        y = rnn(x)[0] @ W_yh.T
        E = 0.5 * ((y - target) ** 2).sum()
        E.backward()
        return E.item(), rnn.weight_hh_l0.grad
    return run


def flops_per_phase(T, B, D, H, O):
    """Multiply-adds × 2 of each matrix product in forward + loss + backward."""
    n = 2 * T * B
    return {"forward W_hx x + b": n * H * D, "forward W_hh h (loop)": n * H * H,
            "outputs W_yh h": n * O * H, "W_yhᵀ ∂y": n * O * H,
            "backward W_hhᵀ ∂ĥ (loop)": n * H * H, "∂W_hh": n * H * H, "∂W_hx": n * H * D,
            "∂W_yh": n * O * H, "∂x (fast only)": n * H * D}


def matmul_gflops(dtype, n=1024, repeats=5):
    rng = np.random.default_rng(0)
    A, B = rng.standard_normal((n, n)).astype(dtype), rng.standard_normal((n, n)).astype(dtype)
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        A @ B
        times.append(time.perf_counter() - t0)
    return 2 * n**3 / statistics.median(times) / 1e9


def problem(size, dtype):
    T, B, D, H, O = size
    rng = np.random.default_rng(0)
    p = rnnlib.init_params(D, H, O, seed=1, dtype=dtype).replace(b_h=np.full(H, 0.1, dtype))
    batch = () if B == 1 else (B,)             # B = 1 runs unbatched, as a student would
    xs = rng.standard_normal((T, *batch, D)).astype(dtype)
    targets = rng.standard_normal((T, *batch, O)).astype(dtype)
    return p, xs, targets


def bench(size, dtype, seconds):
    """Median times (s) per implementation and median per-round ratios, interleaved."""
    p, xs, targets = problem(size, dtype)
    arrays = (p.W_hh, p.W_hx, p.b_h, p.W_yh, xs, targets)
    runs = {"fast": lambda: rnnlib.loss_and_grads(p, xs, targets),
            "lean": lambda: fast.loss_and_grads(*arrays[:4], xs, None, targets,
                                                loss_into=fast.squared_error_into,
                                                relu_grad=rnnlib.relu_grad, histories=False),
            "numpy": lambda: lean_numpy(*arrays), "np+dx": lambda: lean_numpy(*arrays, dx=True)}
    # the yardstick must compute the same numbers as the library
    E, g = runs["fast"]()
    E_np, *grads_np = lean_numpy(*arrays, dx=True)
    tol = 1e-3 if dtype == np.float32 else 1e-9
    for name, ours in zip(("dW_hh", "dW_hx", "db_h", "dW_yh", "dh0", "dx"), grads_np):
        ref = getattr(g, name)
        err = np.linalg.norm(ours - ref) / max(np.linalg.norm(ref), 1e-30)
        assert err < tol, f"yardstick disagrees with rnnlib on {name}: {err:.2g}"
    times = {name: [] for name in runs}
    t_est = sum(min(_time(f) for _ in range(2)) for f in runs.values())
    rounds = int(min(301, max(11, seconds / t_est)))
    order = np.random.default_rng(0)
    for _ in range(rounds):
        for name in order.permutation(list(runs)):
            times[name].append(_time(runs[name]))
    # the literal loops and torch run apart: interleaved, they leave the caches cold for
    # whatever runs next, which costs the small sizes up to 30 %
    literal_rounds = 3 if size[0] * size[1] * size[3] ** 2 > 1e7 else 7
    times["literal"] = [_time(lambda: literal(p, xs, targets)) for _ in range(literal_rounds)]
    torch_run = torch_runner(p, xs, targets)
    if torch_run is not None:
        torch_run()                                       # warm-up
        times["torch"] = [_time(torch_run) for _ in range(rounds)]
    medians = {name: statistics.median(ts) for name, ts in times.items()}
    ratios = {f"{a}/{b}": statistics.median(x / y for x, y in zip(times[a], times[b]))
              for a, b in (("fast", "np+dx"), ("lean", "numpy"))}
    if "torch" in times:                                  # not interleaved: medians' ratio
        ratios["torch/numpy"] = medians["torch"] / medians["numpy"]
    ratios["lean/numpy best"] = min(times["lean"]) / min(times["numpy"])   # least disturbed
    return medians, ratios, rounds


def _time(fn):
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="float32 and the first two sizes")
    parser.add_argument("--seconds", type=float, default=4.0,
                        help="time budget per size and dtype (default 4)")
    args = parser.parse_args()
    dtypes = [np.float32] if args.quick else [np.float32, np.float64]
    sizes = SIZES[:2] if args.quick else SIZES
    with threadpool_limits(limits=1):
        for info in threadpool_info():
            print(f"BLAS: {info.get('internal_api')} {info.get('version')}, "
                  f"kernel {info.get('architecture')}, threads {info.get('num_threads')}")
        try:
            import torch
            print(f"numpy {np.__version__}, torch {torch.__version__} (1 thread)")
        except ImportError:
            print(f"numpy {np.__version__}; torch not installed: no torch column")
        for dtype in dtypes:
            name = np.dtype(dtype).name
            peaks = [matmul_gflops(dtype)]
            print(f"\n{name}: times are medians in ms; ratios are medians of per-round ratios")
            print(f"{'(T, B, D, H, O)':<26}{'fast':>9}{'lean':>9}{'numpy':>9}{'np+dx':>9}"
                  f"{'torch':>9}{'literal':>10}{'fast/np+dx':>11}{'lean/np':>9}{'torch/np':>9}"
                  f"{'lit/fast':>9}"
                  f"{'best':>6}{'lean GFLOP/s':>14}{'% matmul':>10}{'rounds':>8}")
            for size in sizes:
                med, ratio, rounds = bench(size, dtype, args.seconds)
                peaks.append(matmul_gflops(dtype))
                flops = sum(flops_per_phase(*size).values()) - flops_per_phase(*size)["∂x (fast only)"]
                rate = flops / med["lean"] / 1e9
                torch_ms = f"{med['torch'] * 1e3:>9.2f}" if "torch" in med else f"{'-':>9}"
                torch_ratio = f"{ratio['torch/numpy']:>9.2f}" if "torch/numpy" in ratio else f"{'-':>9}"
                print(f"{str(size):<26}{med['fast'] * 1e3:>9.2f}{med['lean'] * 1e3:>9.2f}"
                      f"{med['numpy'] * 1e3:>9.2f}{med['np+dx'] * 1e3:>9.2f}{torch_ms}"
                      f"{med['literal'] * 1e3:>10.1f}"
                      f"{ratio['fast/np+dx']:>11.2f}{ratio['lean/numpy']:>9.2f}{torch_ratio}"
                      f"{med['literal'] / med['fast']:>9.1f}{ratio['lean/numpy best']:>6.2f}{rate:>14.1f}"
                      f"{100 * rate / statistics.median(peaks):>9.0f}%{rounds:>8}")
            print(f"single-thread 1024x1024 matmul: median {statistics.median(peaks):.1f} GFLOP/s "
                  f"(range {min(peaks):.1f} to {max(peaks):.1f} over {len(peaks)} measurements)")
        print("\nFLOPs per phase (matrix products; elementwise work not counted):")
        for size in SIZES[2:4]:
            phases = flops_per_phase(*size)
            total = sum(phases.values())
            print(f"  {size}: total {total / 1e9:.3f} GFLOP")
            for phase, f in phases.items():
                print(f"    {phase:<28}{f / 1e6:>10.1f} MFLOP {100 * f / total:>5.1f}%")


if __name__ == "__main__":
    main()
