"""The adding-problem experiment behind notebook 08: who learns, with what, and why.

For each recurrent initialisation (identity; Gaussian N(0, g²/H) with g = 0.1, 1, √2;
orthogonal), optimiser (Adam lr 1e-3; RMSprop lr 1e-3, rho 0.99, which scales each parameter
like Adam but has no momentum and no bias correction; SGD with momentum 0.9 at lr 1e-2 and 1e-1;
plain SGD, no momentum, lr 1e-1), clipping (global norm 1 on the batch-mean gradient; Adam and
SGD lr 1e-2 also without) and seed (3), train a 64-unit ReLU RNN on the adding problem (T = 100,
batches of 32, float32) for at most 2000 steps, stopping early once the MSE (mean of the last 10
logged batches) is below 1/60, ten times better than the baseline 1/6. A longer part repeats
four initialisations with Adam and with SGD (lr 1e-2), clipped, at T = 200 (4000 steps).
It records learning curves, the time and steps to 1/60, divergence, and ‖∂h_t‖ through time
on a fixed probe batch at several points of training. Results: experiments/results/adding_problem.json.

    .venv/bin/python experiments/adding_problem.py            # about 15 minutes, one core
    .venv/bin/python experiments/adding_problem.py --quick    # seconds: a smoke test
"""
import argparse
import json
import platform
import time
from pathlib import Path

import numpy as np
from threadpoolctl import threadpool_limits

import rnnlib
from rnnlib import optim, tasks
from rnnlib.train import TrainingDiverged, train

HERE = Path(__file__).resolve().parent
INITS = {"identity": ("identity", 1.0), "gaussian g=0.1": ("gaussian", 0.1),
         "gaussian g=1": ("gaussian", 1.0), "gaussian g=√2": ("gaussian", np.sqrt(2)),
         "orthogonal": ("orthogonal", 1.0)}
OPTIMIZERS = {
    "adam": lambda: optim.Adam(lr=1e-3),
    "rmsprop": lambda: optim.RMSprop(lr=1e-3),            # rho 0.99; no momentum, no bias fix
    "sgd": lambda: optim.SGD(lr=1e-2, momentum=0.9),
    "sgd lr=0.1": lambda: optim.SGD(lr=1e-1, momentum=0.9),
    "plain sgd lr=0.1": lambda: optim.SGD(lr=1e-1, momentum=0.0),
}
UNCLIPPED_TOO = ("adam", "sgd")                            # the others run clipped only
TARGET = 1 / 60


def compact(record):
    """What is stored: curves at every second logged point (every 20 steps), the ‖∂h_t‖ probes
    of every seed (one seed's probes are one draw: notebook 08 quotes their range over seeds),
    4 significant digits. steps_to_target is computed before this."""
    for key in ("step", "mse", "grad_norm"):
        if key in record:
            record[key] = [v if key == "step" else float(f"{v:.4g}") for v in record[key][1::2]]
    return record


def run(init, optimizer, clip, seed, T, steps, n_hidden, batch, probe_at):
    kind, scale = INITS[init]
    params = rnnlib.init_params(2, n_hidden, 1, init=kind, scale=scale, seed=seed,
                                dtype=np.float32)
    probe = tasks.adding_problem(batch, T, np.random.default_rng(10_000 + seed))
    start = time.perf_counter()
    record = dict(init=init, optimizer=optimizer, clip=clip, seed=seed, T=T)
    try:
        _, history = train(params, lambda rng: tasks.adding_problem(batch, T, rng), steps=steps,
                           optimizer=OPTIMIZERS[optimizer](), clip_norm=clip, seed=seed,
                           log_every=10, probe=probe, probe_every=probe_at, stop_below=TARGET)
        record.update(diverged=None, step=history.step, mse=[float(f"{m:.4g}") for m in history.mse],
                      grad_norm=[float(f"{g:.4g}") for g in history.grad_norm],
                      dh_norms={str(k): [float(f"{v:.4g}") for v in norms]
                                for k, norms in history.dh_norms.items()})
        reached = [s for s, i in zip(history.step, range(len(history.mse)))
                   if i >= 9 and np.mean(history.mse[i - 9:i + 1]) < TARGET]
        record["steps_to_target"] = reached[0] if reached else None
    except TrainingDiverged as exc:
        history = exc.history
        record.update(diverged=str(exc), steps_to_target=None, step=history.step,
                      mse=[float(f"{m:.4g}") for m in history.mse],
                      grad_norm=[float(f"{g:.4g}") for g in history.grad_norm], dh_norms={})
    record["seconds"] = round(time.perf_counter() - start, 2)
    return compact(record)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="tiny settings, for a smoke test")
    parser.add_argument("--out", default=str(HERE / "results" / "adding_problem.json"))
    args = parser.parse_args()
    main_grid = dict(T=100, steps=2000, n_hidden=64, batch=32, probe_at=500)
    long_grid = dict(T=200, steps=4000, n_hidden=64, batch=32, probe_at=1000)
    seeds, inits = [0, 1, 2], list(INITS)
    if args.quick:
        main_grid = long_grid = dict(T=10, steps=20, n_hidden=8, batch=4, probe_at=10)
        seeds, inits = [0], ["identity", "gaussian g=1"]
    started, runs = time.perf_counter(), []
    with threadpool_limits(limits=1):
        for init in inits:
            for optimizer in OPTIMIZERS:
                for clip in (1.0, None) if optimizer in UNCLIPPED_TOO else (1.0,):
                    for seed in seeds:
                        runs.append(run(init, optimizer, clip, seed, **main_grid))
                        r = runs[-1]
                        print(f"T={r['T']} {init:<15} {optimizer:<4} clip={clip} seed={seed}: "
                              f"{'diverged' if r['diverged'] else r['steps_to_target']} "
                              f"({r['seconds']} s)", flush=True)
        long_inits = ["identity", "gaussian g=1"] if args.quick else \
            ["identity", "gaussian g=1", "gaussian g=√2", "orthogonal"]
        for init in long_inits:
            for optimizer in ("adam", "sgd"):
                for seed in seeds:
                    runs.append(run(init, optimizer, 1.0, seed, **long_grid))
                    print(f"T={long_grid['T']} {init} {optimizer} clip=1.0 seed={seed}: "
                          f"{runs[-1]['steps_to_target']} ({runs[-1]['seconds']} s)", flush=True)
    baseline = tasks.constant_mse(tasks.adding_problem(100_000, 100, np.random.default_rng(0))[1], 1.0)
    result = dict(command="python experiments/adding_problem.py" + (" --quick" if args.quick else ""),
                  seconds=round(time.perf_counter() - started, 1), target_mse=TARGET,
                  baseline_mse=baseline, machine=platform.machine(), numpy=np.__version__,
                  settings=dict(main=main_grid, long=long_grid, seeds=seeds), runs=runs)
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(result, separators=(",", ":"), ensure_ascii=False))
    print(f"wrote {args.out} in {result['seconds']} s")


if __name__ == "__main__":
    main()
