"""Wall-clock timing for the notebooks: the median of repeated calls, on one BLAS thread.

One BLAS thread because the notebooks compare two ways of computing the same thing, and a
multi-threaded matrix product would make the comparison depend on the machine's core count.
The benchmarks in benchmarks/ do the careful version (interleaving, kernels, FLOP rates).
"""
import time

import numpy as np

from .validate import check_function, check_positive_int


def median_ms(fn, *, repeat=7):
    """Median wall time of ``fn()`` in milliseconds, over ``repeat`` calls, one BLAS thread.

    fn: a function of no arguments. repeat: a positive integer (numpy integers too).
    """
    check_function("fn", fn, "a function of no arguments")
    repeat = check_positive_int("repeat", repeat)
    from threadpoolctl import threadpool_limits    # an extra of the notebooks, not of rnnlib
    times = []
    with threadpool_limits(limits=1):
        for _ in range(repeat):
            start = time.perf_counter()
            fn()
            times.append(time.perf_counter() - start)
    return 1e3 * float(np.median(times))
