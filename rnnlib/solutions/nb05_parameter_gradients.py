"""Model solutions of notebook 05's exercises, and the answers to its thinking questions."""
import numpy as np


def dW_hh_sum(dh_hat, h):
    T = dh_hat.shape[0] - 1
    dW_hh = np.zeros((h.shape[1], h.shape[1]))
    for t in range(1, T + 1):
        dW_hh += np.outer(dh_hat[t], h[t - 1])          # ĥ_t = W_hh h_{t-1} + ...
    return dW_hh                                         # or: dh_hat[1:].T @ h[:-1]


def dW_hx_sum(dh_hat, xs):
    return dh_hat[1:].T @ xs                            # Σ_t ∂ĥ_t x_{t-1}ᵀ as one product


# Answers to the notebook's "(Thinking.)" questions, by name (see rnnlib.exercises QUESTIONS).
ANSWERS = {
    "speedup_source": """\
Not from doing less arithmetic: both compute the same T·H·H products and sums. The loop pays a
fixed cost per step: a Python iteration, a few small NumPy calls, each allocating a small result
and checking its arguments. For one sequence each call does only H·H = 4096 multiplications, so
this overhead dominates; the single product makes one call that does all the work in compiled
BLAS code, blocked for the cache. With a batch of 32, every step of the loop is already a
matrix product over 32 rows, so the per-call overhead is a much smaller share of the time, and
both versions spend most of it in BLAS: the gain shrinks. (The timings on your machine show it;
they vary with load, the ratio between the two cases much less.)""",
}
