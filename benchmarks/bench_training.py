"""Benchmark: training throughput and time to learn, one BLAS thread.

1. Sequences per second of training (forward + backward + Adam step, gradient clipping on) on
   the adding problem at T = 50, B = 32, H = 64, float32 (target >= 50,000 on a quiet
   machine), of the gradient computation alone (``batch_gradients``, as ``train`` calls it),
   and of :class:`LeanTrainer`, a lean numpy trainer written here as a yardstick; the three
   are interleaved, medians printed. Beside them, two ceilings for any numpy trainer on this
   machine: the rate that the matrix products of a step alone would allow, and the rate of
   the recursion alone (those products with the ReLU and the gates, the least a BPTT step
   does).
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
from rnnlib import tasks
from rnnlib.train import batch_gradients, train


class LeanTrainer:
    """The yardstick, an independent implementation on purpose: one training step (forward,
    squared error at t = T, BPTT, clipping at global norm 1, Adam with float64 moments)
    written apart from rnnlib, as lean as numpy allows (arrays made once, weights and
    gradients in one flat vector), so that train ÷ yardstick measures what rnnlib's trainer
    costs beyond the arithmetic. Same numbers as rnnlib's trainer (``main`` stops if they
    differ by more than 1e-12)."""

    def __init__(self, params, T, B, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
        D, H, O, dtype = params.n_input, params.n_hidden, params.n_output, params.dtype
        self.theta = np.concatenate([np.ravel(getattr(params, n)) for n in params.names])
        sizes = np.cumsum([H * H, H * D, H, O * H])
        W_hh, W_hx, b_h, W_yh = np.split(self.theta, sizes[:-1])
        self.W_hh, self.W_hx = W_hh.reshape(H, H), W_hx.reshape(H, D)
        self.b_h, self.W_yh = b_h, W_yh.reshape(O, H)
        self.grad = np.empty_like(self.theta)
        gW_hh, gW_hx, gb_h, gW_yh = np.split(self.grad, sizes[:-1])
        self.gW_hh, self.gW_hx, self.gb_h, self.gW_yh = (
            gW_hh.reshape(H, H), gW_hx.reshape(H, D), gb_h, gW_yh.reshape(O, H))
        self.a = np.empty((T, B, H), dtype)            # a[k] = ĥ_{k+1}, then ∂ĥ_{k+1}
        self.h = np.zeros((T + 1, B, H), dtype)
        self.gate = np.empty_like(self.a)
        self.tmp, self.zero = np.empty((B, H), dtype), np.zeros((B, H), dtype)
        self.a_rows, self.h_rows, self.gate_rows = list(self.a), list(self.h), list(self.gate)
        self.m, self.v = np.zeros(self.theta.size), np.zeros(self.theta.size)
        self.t, self.lr, self.beta1, self.beta2, self.eps = 0, lr, beta1, beta2, eps

    def step(self, xs, targets):
        T, B, D = xs.shape
        H = self.W_hh.shape[0]
        a, h, a_rows, h_rows, tmp = self.a, self.h, self.a_rows, self.h_rows, self.tmp
        np.dot(xs.reshape(T * B, D), self.W_hx.T, out=a.reshape(T * B, H))
        a += self.b_h
        W_hh_T = np.ascontiguousarray(self.W_hh.T)
        for k in range(T):
            np.dot(h_rows[k], W_hh_T, out=tmp)
            np.add(a_rows[k], tmp, out=a_rows[k])
            np.maximum(a_rows[k], self.zero, out=h_rows[k + 1])
        r = np.dot(h[T], self.W_yh.T)
        r -= targets
        r /= B                                         # ∂y_T of the batch-mean loss
        np.greater(a, 0, out=self.gate)
        g_rows = a_rows                                # ∂ĥ overwrites ĥ, row by row
        np.dot(r, self.W_yh, out=tmp)
        np.multiply(tmp, self.gate_rows[T - 1], out=g_rows[T - 1])
        for k in range(T - 2, -1, -1):
            np.dot(g_rows[k + 1], self.W_hh, out=tmp)
            np.multiply(tmp, self.gate_rows[k], out=g_rows[k])
        g_flat = a.reshape(T * B, H)
        np.dot(g_flat.T, h[:-1].reshape(T * B, H), out=self.gW_hh)
        np.dot(g_flat.T, xs.reshape(T * B, D), out=self.gW_hx)
        np.sum(g_flat, axis=0, out=self.gb_h)
        np.dot(r.T, h[T], out=self.gW_yh)
        g = self.grad.astype(np.float64)
        norm = np.sqrt(np.dot(g, g))
        if norm > 1.0:
            g *= 1.0 / norm
        self.t += 1
        self.m *= self.beta1
        self.m += (1 - self.beta1) * g
        self.v *= self.beta2
        self.v += (1 - self.beta2) * g * g
        step = self.lr * (self.m / (1 - self.beta1 ** self.t)) / (
            np.sqrt(self.v / (1 - self.beta2 ** self.t)) + self.eps)
        self.theta -= step.astype(self.theta.dtype)


def matrix_products_alone(params, T, B):
    """One step of only the matrix products a training step needs (the T-step loops'
    T + T - 1 small products and ∂W_hh), as a function: a floor no numpy trainer goes below."""
    H = params.n_hidden
    h = np.random.default_rng(0).random((T + 1, B, H)).astype(params.dtype)
    W = np.array(params.W_hh)
    out, rows = np.empty((B, H), params.dtype), list(h)

    def step():
        for k in range(2 * T - 1):
            np.dot(rows[k % T], W, out=out)
        np.dot(h[1:].reshape(T * B, H).T, h[:-1].reshape(T * B, H))
    return step


def recursion_alone(params, T, B):
    """One step of only the work no BPTT trainer can skip, as a function: per time step one
    product and the ReLU forward, one product and the gate backward, then ∂W_hh (no input
    drive, loss, outputs, ∂W_hx, ∂b_h or optimiser). A tighter floor than the products."""
    H, dtype = params.n_hidden, params.dtype
    rng = np.random.default_rng(0)
    h_hat, g = rng.random((T + 1, B, H)).astype(dtype), rng.random((T + 1, B, H)).astype(dtype)
    h, gate, zero = np.empty_like(h_hat), np.empty_like(h_hat), np.zeros((B, H), dtype)
    W, W_T = np.array(params.W_hh), np.ascontiguousarray(params.W_hh.T)
    h_hat_rows, h_rows, g_rows, gate_rows = list(h_hat), list(h), list(g), list(gate)

    def step():
        h[0] = 0
        for k in range(T):
            np.dot(h_rows[k], W_T, out=h_hat_rows[k + 1])
            np.maximum(h_hat_rows[k + 1], zero, out=h_rows[k + 1])
        np.greater(h, 0, out=gate)
        for k in range(T - 1, 0, -1):
            np.dot(g_rows[k + 1], W, out=g_rows[k])
            np.multiply(g_rows[k], gate_rows[k], out=g_rows[k])
        np.dot(g[1:].reshape(T * B, H).T, h[:-1].reshape(T * B, H))
    return step


def throughput(rounds=15, steps=100, T=50, B=32):
    """Sequences per second of rnnlib's train, its gradients alone, the yardstick and the two
    floors, interleaved round by round (this machine's speed drifts within minutes); the
    median per-round ratio train ÷ yardstick (time)."""
    params = rnnlib.init_params(2, 64, 1, init="identity", seed=0, dtype=np.float32)
    batches = [tasks.adding_problem(B, T, np.random.default_rng(i)) for i in range(steps)]
    batches = [(x.astype(np.float32), y.astype(np.float32)) for x, y in batches]
    floors = {"products": matrix_products_alone(params, T, B),
              "recursion": recursion_alone(params, T, B)}
    times = {"train": [], "gradients": [], "yardstick": [], "products": [], "recursion": []}
    for _ in range(rounds):
        feed = iter(batches)
        start = time.perf_counter()
        train(params, lambda rng: next(feed), steps=steps, clip_norm=1.0, log_every=steps)
        times["train"].append(time.perf_counter() - start)
        weights = {n: np.array(getattr(params, n)) for n in params.names}
        start = time.perf_counter()
        for x, y in batches:
            batch_gradients(weights, x, y)
        times["gradients"].append(time.perf_counter() - start)
        lean = LeanTrainer(params, T, B)
        start = time.perf_counter()
        for x, y in batches:
            lean.step(x, y)
        times["yardstick"].append(time.perf_counter() - start)
        for name, step in floors.items():
            start = time.perf_counter()
            for _ in range(steps):
                step()
            times[name].append(time.perf_counter() - start)
    rates = {name: B * steps / statistics.median(ts) for name, ts in times.items()}
    ratio = statistics.median(a / b for a, b in zip(times["train"], times["yardstick"]))
    return rates, ratio


def same_numbers_as_the_yardstick(steps=20, T=50, B=32):
    """Largest relative difference of the weights after ``steps`` steps of train and of the
    yardstick, from the same start on the same batches (float64)."""
    params = rnnlib.init_params(2, 64, 1, init="identity", seed=0)
    batches = [tasks.adding_problem(B, T, np.random.default_rng(i)) for i in range(steps)]
    feed = iter(batches)
    trained, _ = train(params, lambda rng: next(feed), steps=steps, clip_norm=1.0)
    lean = LeanTrainer(params, T, B)
    for x, y in batches:
        lean.step(x, y)
    ours = np.concatenate([np.ravel(getattr(trained, n)) for n in params.names])
    return float(np.max(np.abs(ours - lean.theta)) / np.max(np.abs(lean.theta)))


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
        difference = same_numbers_as_the_yardstick()
        assert difference < 1e-12, f"the yardstick disagrees with train: {difference:.2g}"
        print(f"yardstick agrees with train to {difference:.1e} "
              "(largest relative weight difference after 20 steps, float64)")
        rates, ratio = throughput()
        print(f"training (fwd + bwd + Adam, clipped) at T=50, B=32, H=64, float32: "
              f"{rates['train']:,.0f} sequences/s; gradients alone {rates['gradients']:,.0f}; "
              f"lean numpy yardstick {rates['yardstick']:,.0f}; train ÷ yardstick (time) "
              f"{ratio:.2f}; ceilings: matrix products alone {rates['products']:,.0f}, the "
              f"recursion alone (products, ReLU, gates, ∂W_hh) {rates['recursion']:,.0f} "
              "sequences/s")
        for seed in (0, 1, 2):
            seconds, steps, mse = time_to_learn(seed)
            verdict = "< 1/60 after" if mse < 1 / 60 else ">= 1/60, not reached in"
            print(f"T=100 demo, seed {seed}: MSE {mse:.4f} {verdict} {steps} steps, "
                  f"{seconds:.1f} s")


if __name__ == "__main__":
    main()
