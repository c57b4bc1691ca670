"""Benchmark: the kernel-side cost of one explorer update, compute and drawing separately.

At T = 100, H = 64 (the widgets issue's setting), for a sweep of recurrent scales (each a
"control change"), it measures the median of
  - compute: params, forward pass (and for the gradient-flow explorer: backward pass,
    Jacobian products, spectral norms);
  - draw: building the figure and rendering it to PNG, as the inline backend does.
Targets: compute <= 30 ms, the whole update <= 300 ms. Prints numbers; not a test.

    .venv/bin/python benchmarks/bench_widgets.py
"""
import io
import statistics
import time

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from rnnlib import plotting, widgets  # noqa: E402

SCALES = [0.5, 0.8, 1.0, 1.2, 1.5, 2.0, 0.9, 1.1, 1.3, 0.7, 1.4]
SETTINGS = dict(T=100, n_hidden=64)


def render(fig):
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    plt.close(fig)
    return buffer.getbuffer().nbytes


def measure(name, compute, figure):
    computes, totals = [], []
    for scale in SCALES:
        t0 = time.perf_counter()
        compute(scale)
        t1 = time.perf_counter()
        render(figure(scale))              # the figure function computes again, then draws
        t2 = time.perf_counter()
        computes.append(t1 - t0)
        totals.append(t2 - t1)
    c, total = statistics.median(computes[1:]), statistics.median(totals[1:])   # skip warm-up
    print(f"{name:<24} compute {1e3 * c:6.1f} ms   draw {1e3 * (total - c):6.1f} ms   "
          f"whole update {1e3 * total:6.1f} ms")


def main():
    plotting.use_style()
    print(f"T = {SETTINGS['T']}, H = {SETTINGS['n_hidden']}, medians over {len(SCALES) - 1} "
          "control changes (recurrent scale)")

    def mask_compute(scale):
        return widgets.simulate(scale=scale, T=SETTINGS["T"], n_hidden=SETTINGS["n_hidden"])

    def flow_compute(scale):
        params, trace = mask_compute(scale)
        return widgets.gradient_flow(params, trace, "all", 0)

    measure("mask explorer", mask_compute,
            lambda s: widgets.mask_explorer_figure(scale=s, **SETTINGS))
    measure("gradient-flow explorer", flow_compute,
            lambda s: widgets.gradient_flow_figure(scale=s, **SETTINGS))


if __name__ == "__main__":
    main()
