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

from .analysis import backward_by_output
from .bptt import backward
from .losses import check_targets, loss_from_trace
from .model import check_inputs, forward
from .validate import as_generator, check_positive_int


def backward_truncated(params, trace, dy, k):
    """Gradients with each output's backward sum cut after k steps (meaning 1).

    params, trace, dy: as for rnnlib.backward, one sequence or a batch; k >= 1.
    Returns a dict named as :class:`rnnlib.Grads`: "dW_hh" (H, H), "dW_hx" (H, D), "db_h" (H,),
    "dW_yh" (O, H), and "dx" (T, [B,] D), ∂E/∂x_j for every input step j (x_j feeds ĥ_{j+1}),
    which is exactly 0 for inputs more than k steps before every output with a loss. Each is
    the sum of the terms of :func:`rnnlib.analysis.backward_by_output` with max_distance k.
    With k >= T this is full BPTT.
    """
    k = check_positive_int("k", k)
    steps = backward_by_output(params, trace, dy, max_distance=k)
    grads = {name: np.zeros_like(getattr(params, name[1:]))
             for name in ("dW_hh", "dW_hx", "db_h", "dW_yh")}
    dx = np.zeros_like(trace.xs)
    for t, s, terms in steps:
        for name in grads:
            grads[name] += terms[name]
        dx[s - 1] += terms["dx"]                           # ∂x_{s-1}: x_{s-1} feeds ĥ_s
    return {**grads, "dx": dx}


def chunked_gradients(params, xs, targets, lengths, h0=None):
    """Run a long stream in chunks, carrying the state, stopping the gradient at each boundary
    (meaning 2). Squared error at every step.

    params: Params; xs: (T, [B,] D); targets: (T, [B,] O); lengths: chunk lengths summing to T
    (an int k means chunks of k); h0: ([B,] H) or None for zeros. Returns (list of (E, Grads) per
    chunk, the final state h_T).
    """
    xs, h0 = check_inputs(params, xs, h0)
    targets = check_targets(targets, xs.shape, params.n_output, params.dtype, "squared_error",
                            "all")
    T = xs.shape[0]
    if isinstance(lengths, (int, np.integer)):
        k = check_positive_int("lengths", lengths)
        lengths = [k] * (T // k) + ([T % k] if T % k else [])
    if not isinstance(lengths, (list, tuple, np.ndarray)):
        raise TypeError(f"lengths must be an int or a list of ints summing to T = {T}; "
                        f"got {type(lengths).__name__}")
    lengths = [check_positive_int(f"lengths[{i}]", k) for i, k in enumerate(lengths)]
    if sum(lengths) != T:
        raise ValueError(f"lengths must be positive and sum to T = {T}; got {lengths}")
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
    rng = as_generator("rng", rng)
    lengths = []
    while sum(lengths) < T:
        lengths.append(int(rng.integers(1, 2 * mean_length)))
    lengths[-1] -= sum(lengths) - T
    return lengths
