r"""The speed layer: the passes behind forward, backward, loss_and_grads and the trainer.

:func:`rnnlib.forward`, :func:`rnnlib.backward` and :func:`rnnlib.loss_and_grads` check their
arguments and then call :func:`forward`, :func:`backward` and :func:`loss_and_grads` here;
:func:`rnnlib.train.batch_gradients` calls :func:`loss_and_grads` without histories. They
compute the equations of the notes, which :func:`rnnlib.forward_literal` and
:func:`rnnlib.backward_literal` write one per line, and the tests hold both to the same numbers.
Nothing here checks its arguments: the callers have, at a cost of a fixed number of numpy calls
whatever T. What is checked here is the result: whether the forward pass overflowed.

Why each trick is there (each measured to help; benchmarks/bench_bptt.py times the result
against an independent lean implementation):

- **One matrix product over all time steps** wherever the recursion allows: the input drive
  W_hx x_t + b_h, the outputs W_yh h_t, the output path W_yhᵀ ∂y_t and the parameter
  gradients (Σ_t ∂ĥ_t h_{t-1}ᵀ is the stacked ∂ĥ's (H, T·B) times the stacked h's). Only the
  recursions h_t -> ĥ_{t+1} -> h_{t+1} and ∂h_t -> ∂ĥ_t -> ∂h_{t-1} run step by step, 3 numpy
  calls a step, none allocating.
- ``np.dot`` with ``out=``: less call overhead than ``@`` on small operands, and no new array.
- **A Workspace** per problem size holds the arrays and the lists of their rows: making the list
  costs about 0.1 µs a row, a lookup a tenth of the 0.3 µs of ``h[t]``, and the loops use each
  row two or three times. The ReLU compares with a zero array of the row's shape:
  ``np.maximum`` against it is 1.3-3x faster (float32 gains most) than against the scalar 0,
  which takes a broadcasting loop.
- **Reuse**: :func:`backward` and :func:`loss_and_grads` take the calling thread's last
  Workspace (:meth:`Workspace.recent`) and hand out new arrays only (see there for the numbers).
- ∂b_h is ``sum(axis=0)`` of the stacked ∂ĥ's, not a row of ones times them, which would be
  3-5x faster but rounds differently: training runs, chaotic, would then end hundreds of steps
  apart from the step counts that notebook 08 and its solutions quote.
- Squared error in place (:func:`squared_error_into`): ∂y = y − target written straight into
  the ∂y array, and E from ``np.vdot`` of it. For the same reason as ∂b_h it stays: the loss of
  :func:`rnnlib.squared_error` (``np.sum``) rounds differently, and the trainer's losses, and
  so when it stops, would change.

Layering: model, bptt and losses import this module, so it imports nothing of rnnlib. What it
needs from above is passed in as functions: the loss (``loss_into``, from the table
:data:`rnnlib.LOSSES`), ReLU' (``relu_grad``, :func:`rnnlib.relu_grad`, the one rule for the
gate), and the error to raise when the forward pass overflowed.

Arrays are those of :mod:`rnnlib.model` and :mod:`rnnlib.bptt`: xs (T, [B,] D); h, h_hat,
dh, dh_hat (T+1, [B,] H) with row t for time t; y, dy (T+1, [B,] O), row 0 zero.
"""
import math
import threading

import numpy as np

_recent = threading.local()        # each thread's last Workspace: see Workspace.recent


class Workspace:
    """The arrays of the fast passes for one problem size, with their per-step views built once.

    Workspace(T, batch, D, H, O, dtype), batch = () or (B,). :meth:`for_forward` makes
    ``h_hat``, ``h`` (T+1, [B,] H) and ``y`` (T+1, [B,] O); :meth:`for_backward` makes ``gate``
    (T+1, [B,] H) = ReLU'(ĥ_t) as floats, ``dh`` and ``dh_hat`` (T+1, [B,] H) (or, without
    histories, ``g``). ``*_rows`` are the lists of their rows (``h_rows[t]`` is ``h[t]``).
    ``zeros`` ([B,] H) is what the ReLU compares with. ``scratch`` ([B,] H) holds one step's
    W_hh h_t or W_hhᵀ ∂ĥ_{t+1}.
    """

    KEEP_BYTES = 256 * 2**20

    def __init__(self, T, batch, D, H, O, dtype):
        self.key = (T, tuple(batch), D, H, O, np.dtype(dtype))
        self.scratch = np.empty((*batch, H), dtype)
        self.h = self.gate = self.dh = self.g = None

    @classmethod
    def recent(cls, T, batch, D, H, O, dtype):
        """The Workspace this thread last got from here if it has this size and dtype, else a
        new one, which replaces it.

        Why: new arrays cost more than their allocation. The system hands out fresh memory
        page by page on first write, and making the lists of rows costs 0.1 µs a row. With a
        new Workspace per call, the passes without histories measured 1.2, 1.7, 1.5 and 1.1
        times slower at the four batched and unbatched sizes of benchmarks/bench_bptt.py up to
        (200, 64, 128, 256, 128) (float32). The memory kept is one problem's working set per
        thread, given back when a call of another size replaces it, and never more than
        KEEP_BYTES (256 MB): a larger problem gets a new Workspace at every call, so that a
        laptop does not keep gigabytes after one big run.
        Callers hand out none of its arrays, except through :meth:`hand_out_histories`: a
        result never aliases what the next call overwrites.
        """
        key = (T, tuple(batch), D, H, O, np.dtype(dtype))
        ws = getattr(_recent, "workspace", None)
        if ws is not None and ws.key == key:
            return ws
        ws = cls(T, batch, D, H, O, dtype)
        rows = (T + 1) * math.prod(batch)                 # h_hat, h, gate, dh, dh_hat, y
        if rows * (5 * H + O) * ws.key[-1].itemsize <= cls.KEEP_BYTES:
            _recent.workspace = ws
        return ws

    def for_forward(self):
        """Make the forward arrays, once. Returns self."""
        if self.h is None:
            T, batch, _, H, O, dtype = self.key
            self.h_hat = np.empty((T + 1, *batch, H), dtype)
            self.h = np.empty_like(self.h_hat)
            self.y = np.empty((T + 1, *batch, O), dtype)
            self.h_hat[0], self.y[0] = 0, 0               # ĥ_0, y_0 do not exist; never written
            self.zeros = np.zeros((*batch, H), dtype)
            self.h_hat_rows, self.h_rows = list(self.h_hat), list(self.h)
        return self

    def for_backward(self, histories=True):
        """Make the backward arrays, once: ``gate``, and either ``dh`` and
        ``dh_hat`` (again after they were handed out) or, with ``histories=False``, ``g``
        (T+1, [B,] H), in which ∂ĥ_t overwrites ∂h_t row by row. Returns self."""
        T, batch, _, H, _, dtype = self.key
        if self.gate is None:
            self.gate = np.empty((T + 1, *batch, H), dtype)
            self.gate_rows = list(self.gate)
        if histories and self.dh is None:
            self.dh, self.dh_hat = np.empty_like(self.gate), np.empty_like(self.gate)
            self.dh_hat[0] = 0                             # ĥ_0 does not exist; never written
            self.dh_rows, self.dh_hat_rows = list(self.dh), list(self.dh_hat)
        if not histories and self.g is None:
            self.g = np.empty_like(self.gate)
            self.g_rows = list(self.g)
        return self

    def hand_out_histories(self):
        """(dh, dh_hat), for a caller to return, never to be overwritten by a later call.

        Rows of at most 1 kB (one sequence, or a small batch) are copied out: new arrays would
        also need new lists of row views, 0.1 µs a row, more than the copy. Larger ones are
        handed out themselves and the Workspace lets go of them (the next backward pass makes
        new ones): a copy would add its traffic to the fresh memory that both ways pay for.
        Measured on the default call, each rule against the other: copying is 5-7 % faster at
        (T, B, D, H, O) = (50, 1, 8, 32, 8) and 3-4 % at (1000, 1, 1, 100, 1); handing out is 6 %
        faster at (200, 64, 128, 256, 128) float32. A closed gate gives -0.0 for a negative
        ∂h_t; dh_hat has those turned into 0.0, so that it prints as 0."""
        if self.dh[0].nbytes <= 1024:
            dh, dh_hat = self.dh.copy(), self.dh_hat.copy()
        else:
            dh, dh_hat = self.dh, self.dh_hat
            self.dh = self.dh_hat = self.dh_rows = self.dh_hat_rows = None
        dh_hat += 0.0
        return dh, dh_hat


# --- losses, writing ∂y into a given array -----------------------------------------------------

def squared_error_into(y, targets, dy):
    """E = ½ Σ ‖y − target‖², with ∂y = y − target written into ``dy`` (y's shape)."""
    np.subtract(y, targets, out=dy)
    return 0.5 * float(np.vdot(dy, dy))


def into(loss_fn):
    """The loss ``loss_fn`` (y, targets) -> (E, ∂y) as (y, targets, dy) -> E, ∂y copied into dy."""
    def loss_into(y, targets, dy):
        with np.errstate(invalid="ignore", over="ignore"):   # overflow: E is not finite
            E, dy[...] = loss_fn(y, targets)
        return E
    loss_into.__name__ = f"{loss_fn.__name__}_into"
    return loss_into


# --- the passes, into a Workspace -----------------------------------------------------------

def forward_into(W_hh, W_hx, b_h, W_yh, xs, h0, ws, *, outputs=True):
    """The forward pass into the arrays of Workspace ``ws``.

    W_hh (H, H), W_hx (H, D), b_h (H,), W_yh (O, H), xs (T, [B,] D), h0 ([B,] H), all of ws's
    dtype. Fills ws.h and rows 1..T of ws.h_hat and (if ``outputs``) ws.y, whose rows 0 stay
    zero. The input drive W_hx x_t + b_h does not depend on the state, so it is one matrix
    product for all t, straight into ĥ; the time loop adds only W_hh h_t and applies the ReLU.
    """
    T, H = xs.shape[0], W_hh.shape[0]
    ws.for_forward()
    h_hat, h = ws.h_hat, ws.h
    np.dot(xs.reshape(-1, xs.shape[-1]), W_hx.T, out=h_hat[1:].reshape(-1, H))
    h_hat[1:] += b_h                              # row t+1 starts as W_hx x_t + b_h
    h[0] = h0
    W_hh_T = np.ascontiguousarray(W_hh.T)         # a transposed view slows small products
    recurrent = ws.scratch                        # W_hh h_t
    h_rows, h_hat_rows, zeros = ws.h_rows, ws.h_hat_rows, ws.zeros
    for t in range(T):
        np.dot(h_rows[t], W_hh_T, out=recurrent)
        np.add(h_hat_rows[t + 1], recurrent, out=h_hat_rows[t + 1])
        np.maximum(h_hat_rows[t + 1], zeros, out=h_rows[t + 1])
    if outputs:
        np.dot(h[1:].reshape(-1, H), W_yh.T, out=ws.y[1:].reshape(-1, W_yh.shape[0]))


def backward_into(W_hh, W_hx, W_yh, xs, h, dy, ws, *, last_only=False, histories=True):
    """BPTT on the arrays of Workspace ``ws``, whose ``gate`` holds ReLU'(ĥ_t) (row 0 unused).

    W_hh (H, H), W_hx (H, D), W_yh (O, H), xs (T, [B,] D), h (T+1, [B,] H) from the forward
    pass. dy: (T+1, [B,] O) with dy[t] = ∂y_t and row 0 zero, or, with ``last_only``, ([B,] O)
    = ∂y_T alone (every other ∂y_t zero: the loop then skips the output path).
    Returns a dict of new arrays: dW_hh, dW_hx, db_h, dW_yh, dh0 and, with ``histories``, dx
    (T, [B,] D); ws.dh and rows 1..T of ws.dh_hat (row 0 stays zero) then hold ∂h_t and ∂ĥ_t.
    With ``histories=False``, ∂ĥ_t overwrites ∂h_t in ws.g, and no ∂x is computed.
    """
    T, H, D, O = xs.shape[0], W_hh.shape[0], W_hx.shape[1], W_yh.shape[0]
    ws.for_backward(histories)
    if histories:
        dh_all, dh_hat_all, dh, dh_hat = ws.dh, ws.dh_hat, ws.dh_rows, ws.dh_hat_rows
    else:                                        # one array: ∂ĥ_t overwrites ∂h_t
        dh_all = dh_hat_all = ws.g
        dh = dh_hat = ws.g_rows
    gate, through_time = ws.gate_rows, ws.scratch
    if last_only:
        np.dot(dy, W_yh, out=dh[T])              # ∂h_T = W_yhᵀ ∂y_T  (∂ĥ_{T+1} = 0)
        np.multiply(dh[T], gate[T], out=dh_hat[T])
        for t in range(T - 1, 0, -1):            # no output path before T
            np.dot(dh_hat[t + 1], W_hh, out=dh[t])
            np.multiply(dh[t], gate[t], out=dh_hat[t])
        dW_yh = np.dot(dy.reshape(-1, O).T, h[T].reshape(-1, H))
    else:                                        # dh starts as the output path W_yhᵀ ∂y_t
        np.dot(dy.reshape(-1, O), W_yh, out=dh_all.reshape(-1, H))
        np.multiply(dh[T], gate[T], out=dh_hat[T])
        for t in range(T - 1, 0, -1):            # ... and adds the path through time
            np.dot(dh_hat[t + 1], W_hh, out=through_time)
            np.add(dh[t], through_time, out=dh[t])
            np.multiply(dh[t], gate[t], out=dh_hat[t])
        dW_yh = np.dot(dy[1:].reshape(-1, O).T, h[1:].reshape(-1, H))
    dh0 = np.dot(dh_hat[1], W_hh)                 # h_0 has no output; a new array
    if histories:
        dh[0][...] = dh0

    dh_hat_flat = dh_hat_all[1:].reshape(-1, H)    # (T·B, H), rows ∂ĥ_1 ... ∂ĥ_T
    grads = {"dW_hh": np.dot(dh_hat_flat.T, h[:-1].reshape(-1, H)),
             "dW_hx": np.dot(dh_hat_flat.T, xs.reshape(-1, D)),
             "db_h": dh_hat_flat.sum(axis=0), "dW_yh": dW_yh, "dh0": dh0}
    if histories:
        grads["dx"] = np.dot(dh_hat_flat, W_hx).reshape(xs.shape)
    return grads


def loss_and_grads_into(W_hh, W_hx, b_h, W_yh, xs, h0, targets, ws, *, loss_into, relu_grad,
                        loss_at="all", divide_by=1, histories=True):
    """Forward pass, loss, ∂y and BPTT on the arrays of Workspace ``ws``.

    Arrays as for :func:`forward_into`; targets in the layout of :mod:`rnnlib.losses`.
    loss_into: (y, targets, dy) -> E writing ∂y into dy, e.g. :func:`squared_error_into` or
    ``into(rnnlib.cross_entropy)``. relu_grad: ReLU', :func:`rnnlib.relu_grad`, called as
    ``relu_grad(h_hat, out=gate)``: its values at ĥ_t are the gate. divide_by: ∂y is divided by
    it (the trainer passes B, for the batch-mean loss).
    Returns (E, dy, grads): E the loss (not divided) as a float; dy (T+1, [B,] O) = ∂y_t with
    row 0 zero, or for ``loss_at="last"`` ([B,] O) = ∂y_T alone; grads the dict of
    :func:`backward_into`. If the outputs overflowed, E is inf or NaN and grads is None: the
    backward pass is not run. With ``loss_at="last"`` only y_T is computed, and the backward
    loop skips the output path before T.
    """
    T = xs.shape[0]
    last = loss_at == "last"
    forward_into(W_hh, W_hx, b_h, W_yh, xs, h0, ws, outputs=not last)
    if last:
        y = np.dot(ws.h[T], W_yh.T)                   # y_T: ([B,] O)
        dy = np.empty_like(y)
        dy_rows = dy
    else:
        y = ws.y[1:]
        dy = np.zeros_like(ws.y)                       # row 0 stays zero: y_0 does not exist
        dy_rows = dy[1:]
    E = loss_into(y, targets, dy_rows)
    if not math.isfinite(E):                           # inf or NaN in some y_t
        return E, dy, None
    if divide_by != 1:
        dy_rows /= divide_by
    relu_grad(ws.h_hat, out=ws.for_backward(histories).gate)         # ReLU'(ĥ_t)
    grads = backward_into(W_hh, W_hx, W_yh, xs, ws.h, dy, ws, last_only=last,
                          histories=histories)
    return E, dy, grads


# --- the entry points: new arrays out -------------------------------------------------------

def forward(W_hh, W_hx, b_h, W_yh, xs, h0):
    """The forward pass; returns new arrays (h_hat, h, y), each (T+1, [B,] ·), rows 0 of h_hat
    and y zero. A fresh Workspace per call, whose arrays are handed out."""
    ws = Workspace(xs.shape[0], xs.shape[1:-1], W_hx.shape[1], W_hh.shape[0], W_yh.shape[0],
                   W_hh.dtype)
    forward_into(W_hh, W_hx, b_h, W_yh, xs, h0, ws)
    return ws.h_hat, ws.h, ws.y


def backward(W_hh, W_hx, W_yh, xs, h, gate, dy):
    """BPTT from the forward pass's h and gate = ReLU'(ĥ_t) (T+1, [B,] H), the Trace's mask,
    and dy (T+1, [B,] O). Returns a dict of new arrays: dW_hh, dW_hx, db_h, dW_yh, dh0, dx, dh,
    dh_hat (the fields of :class:`rnnlib.Grads` but dy)."""
    ws = Workspace.recent(xs.shape[0], xs.shape[1:-1], W_hx.shape[1], W_hh.shape[0],
                          W_yh.shape[0], W_hh.dtype)
    np.copyto(ws.for_backward().gate, gate)
    grads = backward_into(W_hh, W_hx, W_yh, xs, h, dy, ws)
    grads["dh"], grads["dh_hat"] = ws.hand_out_histories()
    return grads


def loss_and_grads(W_hh, W_hx, b_h, W_yh, xs, h0, targets, *, loss_into, relu_grad,
                   loss_at="all", divide_by=1, histories=True, overflow_error=None):
    """Forward pass, loss and BPTT on the calling thread's :meth:`Workspace.recent`.

    Arrays as for :func:`forward_into`, h0 ([B,] H) or None for zeros; loss_into, relu_grad,
    loss_at and divide_by as for :func:`loss_and_grads_into`. Returns (E, grads, h_T): E the
    loss (not divided) as a float; grads a dict of new arrays, dW_hh, dW_hx, db_h, dW_yh, dh0
    and, with ``histories``, dx, dh, dh_hat and dy (T+1, [B,] O) (the fields of
    :class:`rnnlib.Grads`), or None if the outputs overflowed; h_T ([B,] H) the last state, a
    new array. With ``overflow_error``, a forward pass that overflowed (a state or an output not
    finite) raises ``overflow_error(h)``, h the states (T+1, [B,] H), instead.
    """
    T = xs.shape[0]
    ws = Workspace.recent(T, xs.shape[1:-1], W_hx.shape[1], W_hh.shape[0], W_yh.shape[0],
                          W_hh.dtype)
    h0 = ws.for_forward().zeros if h0 is None else h0
    E, dy, grads = loss_and_grads_into(W_hh, W_hx, b_h, W_yh, xs, h0, targets, ws,
                                       loss_into=loss_into, relu_grad=relu_grad,
                                       loss_at=loss_at, divide_by=divide_by,
                                       histories=histories)
    # E is inf or NaN if any y_t is; with loss_at="last" a state h_t can overflow while y_T
    # stays finite (a ReLU maps -inf to 0), and then h_t's column of ∂W_hh is not finite
    if overflow_error is not None and (grads is None or (
            np.count_nonzero(np.isfinite(grads["dW_hh"])) < grads["dW_hh"].size
            and np.count_nonzero(np.isfinite(ws.h)) < ws.h.size)):
        raise overflow_error(ws.h)
    if grads is not None and histories:
        if loss_at == "last":          # the history has a row per step: ∂y_t = 0 for t < T
            dy_T, dy = dy, np.zeros((T + 1, *dy.shape), dy.dtype)
            dy[T] = dy_T
        grads["dh"], grads["dh_hat"] = ws.hand_out_histories()
        grads["dy"] = dy
    return E, grads, ws.h[T].copy()
