"""The checker of notebook 05's weight sums beyond the catalogue's own list of mistakes: a sum
whose ∂ĥ_t is paired with the wrong input is named as off by one, without printing the values
expected, and an index past the end names the input that is x_{t-1}."""
import numpy as np

from rnnlib import exercises


def test_dW_hx_sum_off_by_one_named_not_dumped():
    result = exercises.check("dW_hx_sum", lambda dh_hat, xs: dh_hat[:-1].T @ xs)
    assert "Off by one" in result.message and "expected" not in result.message
    index_error = exercises.check(
        "dW_hx_sum", lambda dh_hat, xs: sum(np.outer(dh_hat[t], xs[t]) for t in range(1, 6)))
    assert index_error.status == "error" and "xs[t-1]" in index_error.message
