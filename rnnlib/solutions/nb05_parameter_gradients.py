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
Not from less arithmetic: both do the same T·H·H multiplications for ∂W_hh. Both also run the
∂h recursion step by step. The difference is the number of calls: the literal loop makes about
seven small NumPy calls per step (the parameter terms, ∂x, the recursion), each with a fixed
cost (a Python iteration, argument checks, a small new array), while the fast pass makes three
calls per step for the recursion and then ONE matrix product per parameter for all steps, which
BLAS runs in compiled, cache-blocked code. For one sequence each call does little work (one
outer product is H·H = 4096 multiplications), so the fixed costs dominate and removing most of
them gives a large speed-up. With a batch of 32 every call already does 32 times more work, so
the fixed costs are a small share and the arithmetic, the same in both versions, takes most of
the time: the speed-up shrinks. (The timings vary with load; which of the
two speed-ups is larger does not.)""",
    "what_forward_stores": """\
Read off the backward pass what each line uses besides the upstream gradients:
- the gate of step t needs ReLU'(ĥ_t), i.e. which units were on: ĥ_t, or h_t alone, since
  h_t > 0 exactly where ĥ_t > 0 (notebook 03);
- ∂W_yh += ∂y_t h_tᵀ and ∂W_hh += ∂ĥ_t h_{t-1}ᵀ need every state h_0 … h_T;
- ∂W_hx += ∂ĥ_t x_{t-1}ᵀ needs every input x_0 … x_{T-1} (the caller has them anyway);
- ∂h_t and ∂x_{t-1} need only the weights and the gradients of the step after.
So the states h_0 … h_T (with the inputs) are enough: ĥ and the masks can be recomputed from
them, and y is needed only by the loss, to give ∂y. Nothing in the backward pass needs a
forward value of a later step than the one it is at, but it runs from T down, so every h_t must
be kept until the sweep reaches it: memory (T+1)·H numbers per sequence (times B for a batch),
growing linearly with T, while the forward pass alone would need one state at a time. That is
the price of BPTT; running the backward pass in chunks (truncated BPTT with the state carried,
notebook 08), or storing only some states and recomputing the others from them (checkpointing),
trades that memory for bias or for recomputation.""",
}
