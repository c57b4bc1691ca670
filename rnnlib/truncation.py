"""Truncated BPTT: three different things go by that name, and they are kept apart here.

1. :func:`backward_truncated` — cut each output's backward sum after k steps: the gradient of
   E_t is followed back through ĥ_t, ..., ĥ_{t-k+1} only (as if h_{t-k} were a constant).
2. :func:`chunked_gradients` — chunk a long stream: run the chunks in order, carry the state
   h forward from one chunk to the next, but stop the gradient at every chunk boundary (each
   chunk starts from a constant h_0). One update per chunk, in training.
3. :func:`random_chunk_lengths` — chunk boundaries drawn at random, so that no dependency is
   always cut at the same place. This is NOT the "randomized truncation" of Tallec & Ollivier
   (2017, in d2l §9.7), which also reweights the terms it keeps so that the expected gradient
   is the full one (unbiased). Random lengths only drop terms: their gradient stays biased.
"""
import numpy as np

from .bptt import (backward, dW_hh_term, dW_hx_term, dW_yh_term, db_h_term, input_grad,
                   relu_gate)
from .losses import loss_from_trace
from .model import forward
from .validate import check_positive_int


def backward_truncated(params, trace, dy, k):
    """Parameter gradients with each output's backward sum cut after k steps (meaning 1).

    params, trace, dy: as for rnnlib.backward, one sequence or a batch; k >= 1.
    Returns {"W_hh", "W_hx", "b_h", "W_yh"} gradients and "x": (T, [B,] D), ∂E/∂x_j for every
    input step j (x_j feeds ĥ_{j+1}), which is exactly 0 for inputs more than k steps before
    every output with a loss. With k >= T this is full BPTT.
    """
    k = check_positive_int("k", k)
    W_hh, W_yh = params.W_hh, params.W_yh
    h, h_hat, xs, T = trace.h, trace.h_hat, trace.xs, trace.T
    grads = {"W_hh": np.zeros_like(W_hh), "W_hx": np.zeros_like(params.W_hx),
             "b_h": np.zeros_like(params.b_h), "W_yh": np.zeros_like(W_yh),
             "x": np.zeros_like(xs)}
    for t in range(1, T + 1):
        if not np.any(dy[t]):
            continue
        grads["W_yh"] += dW_yh_term(dy[t], h[t])
        dh = dy[t] @ W_yh                                  # ∂E_t/∂h_t
        for s in range(t, max(0, t - k), -1):              # ĥ_t, ..., ĥ_{t-k+1}
            dh_hat = relu_gate(h_hat[s], dh)
            grads["W_hh"] += dW_hh_term(dh_hat, h[s - 1])
            grads["W_hx"] += dW_hx_term(dh_hat, xs[s - 1])
            grads["b_h"] += db_h_term(dh_hat)
            grads["x"][s - 1] += input_grad(params.W_hx, dh_hat)
            dh = dh_hat @ W_hh                             # on to h_{s-1}, unless cut here
    return grads


def chunked_gradients(params, xs, targets, lengths, h0=None):
    """Run a long stream in chunks, carrying the state, stopping the gradient at each boundary
    (meaning 2). Squared error at every step.

    xs: (T, [B,] D); targets: (T, [B,] O); lengths: chunk lengths summing to T (an int k means
    chunks of k). Returns (list of (E, Grads) per chunk, the final state h_T).
    """
    T = np.shape(xs)[0]
    if isinstance(lengths, (int, np.integer)):
        k = check_positive_int("lengths", lengths)
        lengths = [k] * (T // k) + ([T % k] if T % k else [])
    if sum(lengths) != T or min(lengths) < 1:
        raise ValueError(f"lengths must be positive and sum to T = {T}; got {list(lengths)}")
    results, start, h = [], 0, h0
    for length in lengths:
        trace = forward(params, xs[start:start + length], h)
        E, dy = loss_from_trace(trace, targets[start:start + length])
        results.append((E, backward(params, trace, dy)))
        h, start = trace.h[-1], start + length          # carried forward, as a constant
    return results, h


def random_chunk_lengths(T, mean_length, rng):
    """Chunk lengths drawn uniformly from 1 .. 2·mean_length − 1 (mean ≈ mean_length), summing
    to T (the last one cut to fit): random chunk boundaries (meaning 3). No reweighting, so the
    gradient is biased (not Tallec & Ollivier's unbiased randomized truncation)."""
    T, mean_length = check_positive_int("T", T), check_positive_int("mean_length", mean_length)
    lengths = []
    while sum(lengths) < T:
        lengths.append(int(rng.integers(1, 2 * mean_length)))
    lengths[-1] -= sum(lengths) - T
    return lengths
