"""Model solutions of notebook 07's exercises, and the answers to its thinking questions."""
import numpy as np


def jacobian_product(W_hh, masks):
    P = np.eye(W_hh.shape[0])
    for mask in masks:                    # D_{t+1} first, D_T last
        P = P @ W_hh.T @ np.diag(mask)    # ... W_hhᵀ D_k: matrix products, in order
    return P


# Answers to the notebook's "(Thinking.)" questions, by name (see rnnlib.exercises QUESTIONS).
ANSWERS = {
    "gain_not_exactly_one": (
        "g/√2 is the gain of the MEAN squared norm, E‖W_hhᵀ D v‖² = (g²/2)‖v‖², under three "
        "approximations. (1) Exactly half of the units on: the fraction varies from step to step "
        "and with the bias and inputs. (2) Gates independent of W_hh and of the gradient: they "
        "are not, since ĥ_t is computed with W_hh, so which rows the gate keeps is correlated "
        "with the matrix it multiplies. (3) Typical = mean: the notebook measures the geometric "
        "mean over steps, (‖∂h_0‖/‖∂h_T‖)^(1/T), and the average of a logarithm is below the "
        "logarithm of the average (Jensen), so the typical gain sits a little below the "
        "root-mean-square gain g/√2. On top of these, one network is one draw of W_hh; at "
        "H = 64 its own gain per step differs from the mean by several per cent, which is why the notebook shows the "
        "median and range over seeds; the spread shrinks as H grows."),
    "orthogonal_scale": (
        "All singular values of an orthogonal W_hh at scale 1 are 1, so W_hhᵀ alone keeps the "
        "norm. But every step also multiplies by the gate D_t, which zeroes the components of "
        "about half of the units: it keeps about half of the squared norm, a gain of about "
        "1/√2 ≈ 0.71 per step, and 0.71^100 ≈ 1e-15. To compensate, scale the orthogonal "
        "matrix by about √2, so that scale² × (fraction on) ≈ 1. Measured with the notebook's "
        "setting (H = 64, T = 100, bias 0.1) for four sets of eight seeds (0-7, 8-15, 16-23, "
        "24-31): at √2 the median ratio ‖∂h_0‖/‖∂h_T‖ of a set was 10^-0.1 to 10^3.3, single "
        "seeds 10^-2.9 to 10^6.6; at scale 1.3 the median was 10^-3.6 to 10^-0.4, single seeds "
        "10^-5.9 to 10^3.0. So √2 sits at or a little above critical, and which eight seeds "
        "you draw moves the median by three orders of magnitude: a scale a little below √2, "
        "checked over many seeds, is the one to try."),
}
