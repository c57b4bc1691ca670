"""rnnlib.timing.median_ms: the median, in ms, of calls that really happen, on one BLAS thread."""
import time

import numpy as np
import pytest
from threadpoolctl import threadpool_info

from rnnlib import timing


def test_median_ms_measures_the_calls_and_takes_the_median():
    calls, sleeps = [], iter([0.001, 0.030, 0.002, 0.040, 0.003])

    def fn():
        calls.append(threadpool_info())
        time.sleep(next(sleeps))
    ms = timing.median_ms(fn, repeat=5)
    assert len(calls) == 5
    assert 3.0 <= ms < 25.0                 # the median sleep is 3 ms; the mean would be 15
    assert all(pool["num_threads"] == 1 for info in calls for pool in info
               if pool["user_api"] == "blas")


def test_bad_arguments_are_named():
    with pytest.raises(TypeError, match="fn must be a function"):
        timing.median_ms(3)
    with pytest.raises(ValueError, match="repeat must be a positive integer; got 0"):
        timing.median_ms(print, repeat=0)
    with pytest.raises(ValueError, match="repeat must be a positive integer; got True"):
        timing.median_ms(print, repeat=True)


def test_repeat_may_be_a_numpy_integer():
    calls = []
    timing.median_ms(lambda: calls.append(1), repeat=np.int64(3))
    assert len(calls) == 3
