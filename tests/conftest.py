"""Shared helpers: small random problems, the normwise relative error, the model solutions."""
import os

import numpy as np
import pytest
from hypothesis import settings

import rnnlib

# Tests that run `make` start it afresh: under `make test PYTHON=...` the outer make passes its
# command-line variables down through MAKEFLAGS, and they would override what a test sets.
for _name in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL", "MAKEOVERRIDES"):
    os.environ.pop(_name, None)


def rel_err(a, b):
    """‖a − b‖ / max(‖a‖, ‖b‖), 0 when both are zero (Frobenius norms, computed in float64)."""
    a, b = np.asarray(a, np.float64), np.asarray(b, np.float64)
    denom = max(np.linalg.norm(a), np.linalg.norm(b))
    return 0.0 if denom == 0 else float(np.linalg.norm(a - b) / denom)


def make_problem(T=5, B=None, D=3, H=4, O=2, *, seed=0, dtype=np.float64, init="gaussian",
                 scale=1.0, bias=0.1, with_h0=True):
    """Random params (with a non-zero bias), inputs, h0 and upstream gradient dy."""
    rng = np.random.default_rng(seed)
    p = rnnlib.init_params(D, H, O, init=init, scale=scale, seed=rng, dtype=dtype)
    p = p.replace(b_h=(bias * rng.standard_normal(H)).astype(dtype))
    batch = () if B is None else (B,)
    xs = rng.standard_normal((T, *batch, D)).astype(dtype)
    h0 = np.abs(rng.standard_normal((*batch, H))).astype(dtype) if with_h0 else None
    dy = np.zeros((T + 1, *batch, O), dtype)
    dy[1:] = rng.standard_normal((T, *batch, O))
    return p, xs, h0, dy


@pytest.fixture
def solutions():
    """The model solutions, rnnlib.solutions; a test that needs them skips, with this reason, in
    a hand-out copy (which has none), while the other tests of its file still run there."""
    return pytest.importorskip("rnnlib.solutions", reason="a hand-out copy has no solutions")


# CI runs the same hypothesis examples every time (a failure there is reproducible);
# a local run explores new ones.
settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    """After tests/test_checker_corpus.py ran: per exercise, how many wrong answers of the
    corpus its checker rejects and how many right ones it accepts."""
    lines = getattr(config, "_checker_corpus_lines", None)
    if lines is None:
        return
    terminalreporter.section("checker corpus")
    for line in lines():
        terminalreporter.write_line(line)
