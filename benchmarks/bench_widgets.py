"""Benchmark: the kernel-side cost of one explorer update (issue: median <= 100 ms).

At T = 100, H = 64, for a sweep of recurrent scales (each one control change), it measures
the median time from setting the control to the new picture being in the Output widget:
  - update: the explorer as students use it (data put into the existing artists, only the
    artists that change painted over a kept background, one PNG);
  - rebuild: a new figure for every change (what the explorers did before), for comparison;
  - compute: params, forward pass (gradient flow: backward pass, Jacobian products, norms).
Wall and CPU time (CPU time is what a busy machine changes least). Single-thread BLAS;
the OpenBLAS kernel is printed. Prints numbers; not a test.

    .venv/bin/python benchmarks/bench_widgets.py
"""
import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")     # before numpy is imported
import statistics  # noqa: E402
import time  # noqa: E402

import matplotlib  # noqa: E402

matplotlib.use("Agg")
from matplotlib.figure import Figure  # noqa: E402

from rnnlib import plotting, widgets  # noqa: E402

SCALES = [0.5, 0.8, 1.0, 1.2, 1.5, 2.0, 0.9, 1.1, 1.3, 0.7, 1.4]
T, H = 100, 64


def blas_kernel():
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return "unknown (threadpoolctl not installed)"
    return ", ".join(f"{i.get('internal_api')} {i.get('version')} {i.get('architecture')} "
                     f"({i.get('num_threads')} thread)" for i in threadpool_info()) or "none"


def median_ms(times):
    return 1e3 * statistics.median(times[1:])          # the first is a warm-up


def measure(name, make_explorer, compute):
    explorer = make_explorer()
    explorer.draw = lambda fig, settings, draw=explorer.draw: draw(fig, settings, n_hidden=H)
    explorer.controls["T"].value = T
    updates, update_cpu, rebuilds, computes = [], [], [], []
    for scale in SCALES:
        c0, t0 = time.process_time(), time.perf_counter()
        explorer.controls["scale"].value = scale           # observe -> redraw -> outputs
        t1, c1 = time.perf_counter(), time.process_time()
        fig = Figure(figsize=widgets.FIGSIZE, dpi=widgets.DPI)
        widgets.picture_output(explorer.draw(fig, explorer.settings()))
        t2 = time.perf_counter()
        compute(explorer.settings())
        t3 = time.perf_counter()
        updates.append(t1 - t0)
        update_cpu.append(c1 - c0)
        rebuilds.append(t2 - t1)
        computes.append(t3 - t2)
    print(f"{name:<24} update {median_ms(updates):6.1f} ms (CPU {median_ms(update_cpu):6.1f} ms)"
          f"   rebuild {median_ms(rebuilds):6.1f} ms   compute {median_ms(computes):5.1f} ms")


def main():
    plotting.use_style()
    print(f"T = {T}, H = {H}, medians over {len(SCALES) - 1} control changes (recurrent scale)")
    print(f"BLAS: {blas_kernel()}")
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores (wall times grow with it;"
          " the CPU time of the update does much less)")

    def mask_compute(settings):
        settings = {k: v for k, v in settings.items() if k != "loss_at"}
        return widgets.simulate(**settings, n_hidden=H)

    def flow_compute(settings):
        params, trace = mask_compute(settings)
        return widgets.gradient_flow(params, trace, settings["loss_at"], settings["seed"])

    measure("mask explorer", widgets.mask_explorer, mask_compute)
    measure("gradient-flow explorer", widgets.gradient_flow_explorer, flow_compute)


if __name__ == "__main__":
    main()
