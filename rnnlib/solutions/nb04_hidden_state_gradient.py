"""Model solutions of notebook 04's exercises, and the answers to its thinking questions."""
import numpy as np


def hidden_grad(W_yh, W_hh, dy_t, dh_hat_next):
    return W_yh.T @ dy_t + W_hh.T @ dh_hat_next


def hidden_grads_through_time(W_yh, W_hh, dy, mask):
    T = dy.shape[0] - 1
    dh = np.zeros((T + 1, W_hh.shape[0]))
    dh_hat_next = np.zeros(W_hh.shape[0])            # ∂ĥ_{T+1} = 0
    for t in range(T, 0, -1):
        dh[t] = W_yh.T @ dy[t] + W_hh.T @ dh_hat_next
        dh_hat_next = mask[t] * dh[t]                  # ∂ĥ_t, the ∂ĥ_{t+1} of step t-1
    dh[0] = W_hh.T @ dh_hat_next                       # h_0 has no output
    return dh


def step_backward(dh_t, h_hat_t, h_prev, x_prev, W_hh, W_hx):
    # h_t = ReLU(ĥ_t), ĥ_t = W_hh h_{t-1} + W_hx x_{t-1} + b_h: a linear layer, then a ReLU
    dh_hat_t = dh_t * (h_hat_t > 0)                   # the gate first (ReLU'(0) = 0)
    dh_prev = W_hh.T @ dh_hat_t                        # back through W_hh: transpose
    dx_prev = W_hx.T @ dh_hat_t
    dW_hh_term = dh_hat_t[:, None] * h_prev[None, :]   # like ∂W_yh = ∂y_t h_tᵀ in notebook 02
    dW_hx_term = dh_hat_t[:, None] * x_prev[None, :]
    db_h_term = dh_hat_t.copy()                        # ∂ĥ_t/∂b_h is the identity
    return dh_prev, dx_prev, dW_hh_term, dW_hx_term, db_h_term


# Answers to the notebook's "(Thinking.)" questions, by name (see rnnlib.exercises QUESTIONS).
ANSWERS = {
    "by_hand_backward": """\
Units are numbered 0 and 1, as numpy indexes them.
The example: W_hh = [[1, -1], [0.5, 0]], W_yh = [1 2]; masks 1[ĥ_t > 0] are (1, 0) at t = 1
and t = 2, (1, 1) at t = 3. Targets 0, 4, 7 against y = 1, 3, 8 give ∂y = 1, -1, 1.
W_yhᵀ ∂y_t = ∂y_t (1, 2); W_hhᵀ = [[1, 0.5], [-1, 0]].

t = 3: ∂h_3 = W_yhᵀ ∂y_3 = (1, 2)          (no ĥ_4: ∂ĥ_4 = 0)
       ∂ĥ_3 = (1, 1) ⊙ (1, 2) = (1, 2)      (both units on)
t = 2: ∂h_2 = (-1, -2) + W_hhᵀ (1, 2) = (-1, -2) + (2, -1) = (1, -3)
       ∂ĥ_2 = (1, 0) ⊙ (1, -3) = (1, 0)     (unit 1 off: its -3 stops here)
t = 1: ∂h_1 = (1, 2) + W_hhᵀ (1, 0) = (1, 2) + (1, -1) = (2, 1)
       ∂ĥ_1 = (1, 0) ⊙ (2, 1) = (2, 0)      (unit 1 off again)
t = 0: ∂h_0 = W_hhᵀ ∂ĥ_1 = (2, -2)         (no y_0 and no gate: h_0 is given)

Without the gate at t = 2, the -3 would go on: ∂h_1 = (1, 2) + W_hhᵀ (1, -3) = (0.5, 1), and
∂h_0 = (0.5, -0.5) instead of (2, -2).""",
    "early_state_gradient": """\
With the loss on the last output only, ∂y_t = 0 for t < T, so the output path W_yhᵀ ∂y_t is
zero there and ∂h_t = W_hhᵀ ∂ĥ_{t+1}: all the gradient of an early state is what came back
from y_T through every later step, T - t multiplications by W_hhᵀ and a gate each. Nothing
fresh enters on the way, so whether an early state learns at all depends on how those products
grow or shrink (notebook 07): the vanishing and exploding gradient problem.""",
}
