"""Model solutions of notebook 03's exercises, and the answers to its thinking questions."""


def relu_grad(z):
    return (z > 0).astype(float)                        # ReLU'(0) = 0


def relu_gate(h_hat_t, dh_t):
    return (h_hat_t > 0) * dh_t


# Answers to the notebook's "(Thinking.)" questions, by name (see rnnlib.exercises QUESTIONS).
ANSWERS = {
    "leaky_relu_gate": (
        "LeakyReLU'(z) is 1 for z > 0 and 0.01 for z < 0, so the gate is "
        "∂ĥ_t = LeakyReLU'(ĥ_t) ⊙ ∂h_t with entries 1 or 0.01. A unit that is 'off' still "
        "passes 1% of its gradient: a gradient is damped, never stopped (though k closed "
        "steps in a row damp it by 0.01^k, which vanishes quickly).\n"
        "A central difference at 0 averages the two slopes: "
        "(ε − (−0.01 ε)) / (2ε) = (1 + 0.01)/2 = 0.505."),
    "why_relu_grad_at_zero_matters": (
        "With h_0 = 0 and b_h = 0, ĥ_1 = W_hx x_0: a zero input at the first step (padding "
        "at the front of a sequence) makes every entry of ĥ_1 exactly 0, and so does every "
        "later zero input as long as the state is still 0. Every unit then sits on its kink, "
        "and ReLU'(0) decides, for all of them at once, whether the gradient passes.\n"
        "A finite difference there nudges the units across the kink: it measures the mean "
        "of the two one-sided slopes, which neither ReLU'(0) = 0 nor ReLU'(0) = 1 gives. "
        "So a gradient check must detect these entries and leave them out, "
        "and must not call a gradient verified when every one of its entries was left out."),
}
