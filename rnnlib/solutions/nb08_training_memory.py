"""Model solutions of notebook 08's exercises, and the answers to its thinking questions."""
import numpy as np


def clip_global_norm(g, max_norm):
    norm = np.sqrt(np.sum(g ** 2))
    if norm > max_norm:
        return g * (max_norm / norm)    # same direction, length max_norm
    return g


# Answers to the notebook's "(Thinking.)" questions, by name (see rnnlib.exercises QUESTIONS).
ANSWERS = {
    "adam_noise_and_eps": (
        "Because Adam is invariant to the gradient's scale, a parameter whose gradient is pure "
        "noise, however tiny as long as it is well above ε = 1e-8 (1e-6, say: rounding noise), "
        "gets steps of the same order as a parameter with a large, meaningful gradient. The "
        "first step is η·sign(g), less a fraction ε/|g|, and later steps are about η·m̂/√v̂: m̂ "
        "averages the noise over about 1/(1−β1) = 10 steps, so the step is smaller than η "
        "(root mean square η·√((1−β1)/(1+β1)) = η/√19 ≈ 0.23 η for Gaussian noise) but never "
        "proportional to the tiny gradient. The parameter then random-walks by about that much "
        "per step, where SGD would leave it almost still. ε sets the scale below which a gradient counts as zero: for a "
        "gradient exactly 0, m = v = 0 and the step is 0/(0 + ε) = 0 instead of 0/0 = NaN, and "
        "for |g| much smaller than ε the step is about η·m̂/ε, which is tiny. So ε is what "
        "keeps dead units (whose gradients are exactly 0) from turning the weights into NaN."),
    "sgd_recipe": (
        "A measured recipe: identity start, 64 units, batches of 32, clip by global norm 1, SGD "
        "with momentum 0.9 at lr = 0.003, and a budget of about 7,000 steps. Over seeds 0 to 3 "
        "it reached MSE < 1/60 after 4,280, 6,450, 4,840 and 5,570 steps (float32, one BLAS "
        "thread), where Adam needs 1,290 to 1,470 from the same start. At step 3,000 these runs "
        "are still at MSE 0.04 to 0.07, which is why every attempt within 2,000 or 3,000 steps "
        "looked like a failure: SGD is not stuck here, it is 3 to 5 times slower. Larger rates "
        "did worse: at lr = 0.01 and 0.05 (seed 0) the MSE was still 0.063 and 0.149 after "
        "15,000 steps. Run it with "
        "train(params, lambda rng: tasks.adding_problem(32, 100, rng), steps=7000, "
        "optimizer=optim.SGD(lr=3e-3, momentum=0.9), clip_norm=1.0, seed=seed, log_every=10, "
        "stop_below=1/60) with params = init_params(2, 64, 1, init='identity', seed=seed, "
        "dtype=np.float32), inside threadpoolctl's threadpool_limits(1): with more BLAS threads "
        "the "
        "rounding, and so the step counts, differ slightly."),
}
