r"""How gradients travel back through time: Jacobian products, their bound, and ∂W_hh by distance.

Going back one step multiplies ∂h_t by W_hhᵀ D_t, with D_t = diag(ReLU'(ĥ_t)). Over several steps

    (∂h_T / ∂h_t)ᵀ = W_hhᵀ D_{t+1} W_hhᵀ D_{t+2} ⋯ W_hhᵀ D_T        (matrix products, in this order)

and since ‖D_t‖₂ <= 1, its spectral norm is at most σ_max(W_hh)^(T−t): the largest singular
value, not the spectral radius, bounds the growth (Pascanu, Mikolov & Bengio 2013).
:func:`backward_by_output` runs the backward pass of each output's loss E_t alone, and
:func:`dW_hh_by_distance` sums its terms into ∂W_hh split by the time distance between the
use of W_hh and the loss, so the vanishing of long-distance terms can be seen in ∂W_hh itself
(:func:`rnnlib.truncation.backward_truncated` sums them too, cut after k steps).
"""
import numpy as np

from .bptt import backward_step, check_backward_args
from .validate import check_finite, check_positive_int, check_shapes


def spectral_radius(W):
    """max |λ| over the eigenvalues of a square matrix W (H, H), finite."""
    (W,) = check_shapes("W: H H", W)
    check_finite("W", W)
    return float(np.max(np.abs(np.linalg.eigvals(W))))


def largest_singular_value(W):
    """σ_max(W) = ‖W‖₂ for a finite matrix W (M, N)."""
    (W,) = check_shapes("W: M N", W)
    check_finite("W", W)
    return float(np.linalg.norm(W, 2))


def jacobian_products(W_hh, mask):
    """The backward Jacobian products P_t = (∂h_T/∂h_t)ᵀ = W_hhᵀ D_{t+1} ⋯ W_hhᵀ D_T.

    W_hh: (H, H), finite; mask: (T+1, H), row t = 1[ĥ_t > 0] (row 0 unused) for one sequence.
    Returns P: (T+1, H, H) with P[T] = I and P[t] = W_hhᵀ D_{t+1} P[t+1].
    """
    W_hh, mask = check_shapes("W_hh: H H, mask: S H", W_hh, mask)
    check_finite("W_hh", W_hh)
    check_finite("mask", mask)
    T, H = mask.shape[0] - 1, W_hh.shape[0]
    P = np.empty((T + 1, H, H))
    P[T] = np.eye(H)
    for t in range(T - 1, -1, -1):
        P[t] = W_hh.T @ (mask[t + 1][:, None] * P[t + 1])     # W_hhᵀ D_{t+1} P_{t+1}
    return P


def spectral_norms(P):
    """‖P[t]‖₂ for a stack of matrices P: (S, M, N) -> (S,).

    Each matrix is divided by its largest entry before its Gram matrix is formed (and the norm
    multiplied back), so norms from 1e-300 to 1e300 neither underflow to 0 nor overflow.
    Matrices with inf or NaN entries get norm inf. Only the nonzero rows and columns of a
    matrix enter its Gram matrix, on the smaller side (PPᵀ or PᵀP): the same norm, and a
    fraction of the eigenvalue work for masked Jacobian products, whose columns of the units
    off at step T are all zero.
    """
    (P,) = check_shapes("P: S M N", P)
    P = np.asarray(P, dtype=float)
    S, M, N = P.shape
    finite = np.isfinite(P).all(axis=(1, 2))
    if not finite.all():
        P = np.where(finite[:, None, None], P, 0)
    flat = P.reshape(S, -1)                  # largest |entry|, without an |P| temporary
    scale = np.maximum(flat.max(axis=1, initial=0), -flat.min(axis=1, initial=0))
    largest = np.zeros(S)
    # matrices with the same nonzero rows and columns share one batched eigenvalue call
    nonzero = np.concatenate([P.any(axis=2), P.any(axis=1)], axis=1)      # (S, M + N)
    groups = {}
    for s, pattern in enumerate(nonzero):
        groups.setdefault(pattern.tobytes(), []).append(s)
    for members in groups.values():
        rows, cols = (np.flatnonzero(part) for part in np.split(nonzero[members[0]], [M]))
        if rows.size == 0:                                # all zero: norm 0
            continue
        first, last = members[0], members[-1]        # usually a run: a view, not a copy
        stack = P[first:last + 1] if last - first + 1 == len(members) else P[members]
        A = stack.take(cols, axis=2)
        if rows.size < M:
            A = A.take(rows, axis=1)
        A /= scale[members, None, None]
        At = np.swapaxes(A, 1, 2)
        gram = A @ At if rows.size < cols.size else At @ A
        largest[members] = np.linalg.eigvalsh(gram)[:, -1]
    return np.where(finite, scale * np.sqrt(largest.clip(min=0)), np.inf)


def backward_by_output(params, trace, dy, max_distance=None):
    r"""BPTT one output at a time: the backward pass of each E_t alone, step by step.

    E_t's pass starts from ∂y_t at step t and meets no other ∂y: at s = t, t−1, ... it is
    :func:`rnnlib.bptt.backward_step` with ∂y_s = 0 for s < t, so its ∂ĥ_s^{(t)} is the part
    of ∂ĥ_s due to E_t alone, and its terms summed over every t and s are the full gradients.

    params, trace, dy: as for rnnlib.backward, one sequence or a batch; max_distance: None (each
    pass runs back to s = 1) or k >= 1 (each pass stops after k steps: s > t − k).
    Returns an iterator of (t, s, terms): t the output steps with a nonzero ∂y_t, increasing;
    s = t, t−1, ...; terms the dict of backward_step at step s ("dh_hat" = ∂ĥ_s^{(t)}, ([B,] H);
    "dW_hh" (H, H), ...). Cost: O(T) steps per output with a loss, O(T²) for a loss at every step.
    """
    dy = check_backward_args(params, trace, dy)
    if max_distance is not None:
        max_distance = check_positive_int("max_distance", max_distance)
    return _backward_by_output(params, trace, dy, max_distance or trace.T)


def _backward_by_output(params, trace, dy, k):
    no_dy, no_dh_hat = np.zeros_like(dy[0]), np.zeros_like(trace.h[0])
    for t in range(1, trace.T + 1):
        if not np.any(dy[t]):
            continue
        dy_s, dh_hat_next = dy[t], no_dh_hat               # ∂ĥ_{t+1}^{(t)} = 0: E_t ends at t
        for s in range(t, max(0, t - k), -1):
            terms = backward_step(params, trace, s, dy_s, dh_hat_next)
            yield t, s, terms
            dy_s, dh_hat_next = no_dy, terms["dh_hat"]     # on to step s−1, if not cut


def dW_hh_by_distance(params, trace, dy):
    r"""∂W_hh split by time distance: contribution d collects every path that enters W_hh d
    steps before the output it comes from (Pascanu, Mikolov & Bengio 2013, eqs. 3–5).

    ∂W_hh = Σ_t Σ_{k<=t} ∂ĥ_k^{(t)} h_{k-1}ᵀ, where ∂ĥ_k^{(t)} is the part of ∂ĥ_k due to E_t
    alone (:func:`backward_by_output`). The term of (t, k) goes to distance d = t − k. With the
    loss at the last step only (t = T), the distance-d contribution is the single step-(T−d)
    term ∂ĥ_{T−d} h_{T−d−1}ᵀ.

    params: Params; trace: from forward(params, xs[, h0]), one sequence or a batch;
    dy: (T+1, [B,] O) as for rnnlib.backward. Returns C: (T, H, H), C[d] the distance-d
    contribution; C.sum(axis=0) is ∂W_hh. Cost: that of :func:`backward_by_output`.
    """
    steps = backward_by_output(params, trace, dy)
    C = np.zeros((trace.T, *params.W_hh.shape), dtype=params.W_hh.dtype)
    for t, k, terms in steps:
        C[t - k] += terms["dW_hh"]
    return C
