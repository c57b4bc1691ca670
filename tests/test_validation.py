"""Bad input gets an error that names the argument, what was received and what was expected;
and the library never writes into the caller's arrays."""
from types import SimpleNamespace

import numpy as np
import pytest

import rnnlib
from rnnlib import analysis, bptt, bugs, explore, optim, tables, tasks, train, truncation
from conftest import make_problem

P, XS, H0, DY = make_problem(T=4, B=None, D=3, H=5, O=2)
PB, XSB, H0B, DYB = make_problem(T=4, B=2, D=3, H=5, O=2)
TR = rnnlib.forward(P, XS, H0)
WEIGHTS = {name: np.array(getattr(PB, name)) for name in PB.names}   # as the trainer keeps them


def sq(**kw):
    return lambda: rnnlib.loss_and_grads(P, XS, np.zeros((4, 2)), **kw)


def trained(**kw):
    """train on the adding problem (B = 3, T = 5) with ``kw`` for arguments."""
    arguments = dict(params=rnnlib.init_params(2, 4, 1, seed=0), steps=1,
                     make_batch=lambda rng: tasks.adding_problem(3, 5, rng))
    return lambda: train.train(**{**arguments, **kw})


def step_with_dx_of_shape(shape):
    """A step function like bptt.backward_step whose "dx" has the wrong shape."""
    def wrong_dx_step(params, trace, t, dy_t, dh_hat_next):
        return {**bptt.backward_step(params, trace, t, dy_t, dh_hat_next), "dx": np.zeros(shape)}
    return wrong_dx_step


BAD = {
    # forward
    "xs rank": (lambda: rnnlib.forward(P, np.zeros(3)), ValueError,
                r"xs must have shape \(T, D\) or \(T, B, D\) with T >= 1 and D = 3; got \(3,\)"),
    "xs D": (lambda: rnnlib.forward(P, np.zeros((4, 2))), ValueError,
             r"D = 3; got \(4, 2\)"),
    "xs empty T": (lambda: rnnlib.forward(P, np.zeros((0, 3))), ValueError, r"T >= 1.*got \(0, 3\)"),
    "xs empty B": (lambda: rnnlib.forward(P, np.zeros((4, 0, 3))), ValueError,
                   r"batch size B >= 1; got \(4, 0, 3\)"),
    "xs NaN": (lambda: rnnlib.forward(P, np.where(np.eye(4, 3) > 0, np.nan, 0.0)), ValueError,
               r"xs must be finite; got 3 NaN/inf value\(s\), the first at index \(0, 0\)"),
    "xs strings": (lambda: rnnlib.forward(P, [["a", "b", "c"]]), TypeError,
                   r"xs must be an array of real numbers; got dtype <U1"),
    "xs complex": (lambda: rnnlib.forward(P, np.zeros((4, 3), complex)), TypeError,
                   r"xs must be an array of real numbers; got dtype complex128"),
    "xs ragged": (lambda: rnnlib.forward(P, [[1.0, 2.0, 3.0], [1.0]]), TypeError,
                  r"xs must be an array of numbers; got list"),
    "xs float16": (lambda: rnnlib.forward(P, XS.astype(np.float16)), TypeError,
                   r"xs must be float32 or float64; got float16"),
    "xs mixed dtype": (lambda: rnnlib.forward(P, XS.astype(np.float32)), TypeError,
                       r"xs has dtype float32 but the parameters are float64; use one float "
                       r"dtype throughout, e.g. xs.astype\(np.float64\)"),
    "h0 batched for unbatched xs": (lambda: rnnlib.forward(P, XS, np.zeros((2, 5))), ValueError,
                                    r"h0 must have shape \(H,\) = \(5,\) for xs of shape "
                                    r"\(4, 3\); got \(2, 5\)"),
    "h0 unbatched for batched xs": (lambda: rnnlib.forward(PB, XSB, np.zeros(5)), ValueError,
                                    r"h0 must have shape \(B, H\) = \(2, 5\) for xs of shape "
                                    r"\(4, 2, 3\); got \(5,\)"),
    "h0 inf": (lambda: rnnlib.forward(P, XS, np.full(5, np.inf)), ValueError,
               r"h0 must be finite; got 5 NaN/inf"),
    "params type": (lambda: rnnlib.forward({"W_hh": 1}, XS), TypeError,
                    r"params must be an rnnlib.Params; got dict"),
    # Params
    "W_hh not square": (lambda: rnnlib.Params(np.zeros((3, 4)), np.zeros((3, 2)), np.zeros(3),
                                              np.zeros((1, 3))), ValueError,
                        r"W_hh must have shape \(H, H\); got \(3, 4\)"),
    "W_hx rows": (lambda: rnnlib.Params(np.zeros((3, 3)), np.zeros((4, 2)), np.zeros(3),
                                        np.zeros((1, 3))), ValueError,
                  r"W_hx must have shape \(H, D\) with H = 3 \(from W_hh\); got \(4, 2\)"),
    "b_h shape": (lambda: rnnlib.Params(np.zeros((3, 3)), np.zeros((3, 2)), np.zeros((3, 1)),
                                        np.zeros((1, 3))), ValueError,
                  r"b_h must have shape \(3,\) \(H from W_hh\); got \(3, 1\)"),
    "W_yh cols": (lambda: rnnlib.Params(np.zeros((3, 3)), np.zeros((3, 2)), np.zeros(3),
                                        np.zeros((1, 2))), ValueError,
                  r"W_yh must have shape \(O, H\) with H = 3 \(from W_hh\); got \(1, 2\)"),
    "Params mixed dtype": (lambda: rnnlib.Params(np.zeros((3, 3), np.float32), np.zeros((3, 2)),
                                                 np.zeros(3), np.zeros((1, 3))), TypeError,
                           r"Params arrays must share one float dtype; got W_hh float32, "
                           r"W_hx float64"),
    "Params NaN": (lambda: rnnlib.Params(np.full((3, 3), np.nan), np.zeros((3, 2)), np.zeros(3),
                                         np.zeros((1, 3))), ValueError,
                   r"W_hh must be finite; got 9 NaN/inf"),
    "Params D = 0": (lambda: rnnlib.Params(np.zeros((3, 3)), np.zeros((3, 0)), np.zeros(3),
                                           np.zeros((1, 3))), ValueError,
                     r"H, D and O of at least 1; got H = 3, D = 0, O = 1"),
    # init_params
    "n_hidden 0": (lambda: rnnlib.init_params(2, 0, 1), ValueError,
                   r"n_hidden must be a positive integer; got 0"),
    "n_input float": (lambda: rnnlib.init_params(2.5, 3, 1), ValueError,
                      r"n_input must be a positive integer; got 2.5"),
    "init unknown": (lambda: rnnlib.init_params(2, 3, 1, init="xavier"), ValueError,
                     r"init must be one of 'gaussian', 'identity', 'orthogonal'; got 'xavier'"),
    "scale nan": (lambda: rnnlib.init_params(2, 3, 1, scale=np.nan), ValueError,
                  r"scale must be finite; got nan"),
    "scale str": (lambda: rnnlib.init_params(2, 3, 1, scale="1"), TypeError,
                  r"scale must be a real number; got str"),
    "seed float": (lambda: rnnlib.init_params(2, 3, 1, seed=1.5), TypeError,
                   r"seed must be a np.random.Generator, a np.random.SeedSequence, an int seed "
                   r">= 0 or None \(fresh entropy\); got float"),
    "seed negative": (lambda: rnnlib.init_params(2, 3, 1, seed=-1), ValueError,
                      r"seed must be .* an int seed >= 0 or None \(fresh entropy\); got -1"),
    "seed bool": (lambda: rnnlib.init_params(2, 3, 1, seed=True), TypeError,
                  r"seed must be .* got bool"),
    "scale overflows": (lambda: rnnlib.init_params(2, 3, 1, input_scale=1e40, seed=0,
                                                   dtype=np.float32), ValueError,
                        r"input_scale = 1e\+40 is too large: the weights overflow float32"),
    "init dtype": (lambda: rnnlib.init_params(2, 3, 1, dtype=np.int32), TypeError,
                   r"dtype must be float32 or float64; got int32"),
    "init dtype unknown": (lambda: rnnlib.init_params(2, 3, 1, dtype="float8"), TypeError,
                           r"dtype must be float32 or float64; got 'float8'"),
    "astype int": (lambda: P.astype(np.int64), TypeError,
                   r"dtype must be float32 or float64; got int64"),
    "astype float16": (lambda: P.astype("float16"), TypeError,
                       r"dtype must be float32 or float64; got float16"),
    "astype not a dtype": (lambda: P.astype(3), TypeError,
                           r"dtype must be float32 or float64; got 3"),
    # backward
    "dy shape": (lambda: rnnlib.backward(P, TR, np.zeros((4, 2))), ValueError,
                 r"dy must have the shape of trace.y, \(T\+1, \[B,\] O\) = \(5, 2\), with dy\[t\] "
                 r"= ∂E/∂y_t and row 0 zero; got \(4, 2\)"),
    "dy row 0": (lambda: rnnlib.backward_literal(P, TR, np.ones((5, 2))), ValueError,
                 r"dy\[0\] must be zero: y_0 does not exist"),
    "dy NaN": (lambda: rnnlib.backward(P, TR, np.full((5, 2), np.nan)), ValueError,
               r"dy must be finite"),
    "dy dtype": (lambda: rnnlib.backward(P, TR, DY.astype(np.float32)), TypeError,
                 r"dy has dtype float32 but the parameters are float64"),
    "trace type": (lambda: rnnlib.backward(P, "trace", DY), TypeError,
                   r"trace must be an rnnlib.Trace \(from rnnlib.forward\); got str"),
    "trace of other params": (lambda: rnnlib.backward(rnnlib.init_params(3, 6, 2), TR, DY),
                              ValueError, r"trace does not belong to these params: it has H = 5, "
                                          r"D = 3, O = 2; params have H = 6, D = 3, O = 2"),
    "trace dtype": (lambda: rnnlib.backward(P.astype(np.float32), TR, DY), TypeError,
                    r"trace has dtype float64 but the parameters are float32"),
    # losses
    "loss unknown": (sq(loss="mse"), ValueError,
                     r"loss must be one of 'squared_error', 'cross_entropy'; got 'mse'"),
    "loss_at unknown": (sq(loss_at="first"), ValueError,
                        r"loss_at must be one of 'all', 'last'; got 'first'"),
    "targets shape all": (lambda: rnnlib.loss_and_grads(P, XS, np.zeros((5, 2))), ValueError,
                          r"loss='squared_error' takes targets of shape \(T, O\) = \(4, 2\) "
                          r"for loss_at='all' and xs of shape \(4, 3\); got \(5, 2\)"),
    "targets shape last batched": (lambda: rnnlib.loss_and_grads(PB, XSB, np.zeros((4, 2, 2)),
                                                                 loss_at="last"), ValueError,
                                   r"targets of shape \(B, O\) = \(2, 2\) .* got \(4, 2, 2\)"),
    "class ids shape": (lambda: rnnlib.loss_and_grads(P, XS, np.zeros((4, 2), int),
                                                      loss="cross_entropy"), ValueError,
                        r"loss='cross_entropy' takes targets of shape \(T,\) = \(4,\)"),
    "class ids last": (lambda: rnnlib.loss_and_grads(P, XS, np.zeros(1, int), loss_at="last",
                                                     loss="cross_entropy"), ValueError,
                       r"targets of shape \(\) = \(\) .* got \(1,\)"),
    "class ids float": (lambda: rnnlib.loss_and_grads(P, XS, np.zeros(4), loss="cross_entropy"),
                        TypeError, r"targets must be integer class ids for "
                                   r"loss='cross_entropy'; got dtype float64"),
    "class id too big": (lambda: rnnlib.loss_and_grads(P, XS, np.array([0, 1, 2, 0]),
                                                       loss="cross_entropy"), ValueError,
                         r"targets must be class ids in \[0, 2\) \(O = 2 outputs\); got 2 at "
                         r"index \(2,\)"),
    "class id negative": (lambda: rnnlib.loss_and_grads(P, XS, np.array(-1), loss_at="last",
                                                        loss="cross_entropy"), ValueError,
                          r"class ids in \[0, 2\).*got -1 at index \(\)"),
    "targets NaN": (lambda: rnnlib.loss_and_grads(P, XS, np.full((4, 2), np.nan)), ValueError,
                    r"targets must be finite"),
    "targets dtype": (lambda: rnnlib.loss_and_grads(P, XS, np.zeros((4, 2), np.float32)),
                      TypeError, r"targets has dtype float32 but the parameters are float64"),
    "forward overflowed": (lambda: rnnlib.loss_and_grads(
        rnnlib.Params(np.eye(1), [[10.0]], [0.0], [[10.0]]), np.full((3, 1), 1e307),
        np.zeros((3, 1))), ValueError, r"the forward pass overflowed: the states or outputs hold inf or NaN"),
    # h_1 overflows, then a closed gate maps it to 0: y_T and so E stay finite
    "state overflowed, loss finite": (lambda: rnnlib.loss_and_grads(
        rnnlib.Params([[-1.0]], [[10.0]], [0.0], [[1.0]]), np.array([[1e308], [0.1], [0.1]]),
        np.zeros(1), loss_at="last"), ValueError, r"the forward pass overflowed"),
    # the public loss functions
    "squared_error shape": (lambda: rnnlib.squared_error(np.zeros(2), np.ones((3, 2))),
                            ValueError, r"target must have the shape of y, \(2,\); got \(3, 2\)"),
    "cross_entropy negative id": (lambda: rnnlib.cross_entropy(np.zeros((3, 2)), np.array([0, 1, -1])),
                                  ValueError, r"target must be class ids in \[0, 2\).*got -1 at "
                                              r"index \(2,\)"),
    "cross_entropy float ids": (lambda: rnnlib.cross_entropy(np.zeros((3, 2)), np.zeros(3)),
                                TypeError, r"target must be integer class ids; got dtype float64"),
    "cross_entropy id shape": (lambda: rnnlib.cross_entropy(np.zeros((3, 2)), np.zeros(2, int)),
                               ValueError, r"target must have shape y.shape\[:-1\] = \(3,\)"),
    # the one-equation functions
    "hidden_grad shapes": (lambda: rnnlib.hidden_grad(np.zeros((2, 4)), np.zeros((4, 4)),
                                                      np.zeros(2), np.zeros(3)), ValueError,
                           r"dh_hat_next must have shape \(H,\) or \(B, H\) with H = 4 "
                           r"\(from W_yh\); got \(3,\)"),
    "hidden_grad batch sizes": (lambda: rnnlib.hidden_grad(np.zeros((2, 4)), np.zeros((4, 4)),
                                                           np.zeros((3, 2)), np.zeros((5, 4))),
                                ValueError, r"B = 3 \(from dy_t\).*got \(5, 4\)"),
    "relu_gate shapes": (lambda: rnnlib.relu_gate(np.zeros(3), np.zeros((2, 3))), ValueError,
                         r"h_hat_t and dh_t must have one shape; got \(3,\) and \(2, 3\)"),
    "outer batch mismatch": (lambda: rnnlib.outer(np.zeros((2, 3)), np.zeros(3)), ValueError,
                             r"u and v must both be single vectors or both batches"),
    "pre_activation W_hx": (lambda: rnnlib.pre_activation(np.eye(3), np.zeros((2, 2)),
                                                          np.zeros(3), np.zeros(3), np.zeros(2)),
                            ValueError, r"W_hx must have shape \(H, D\) with H = 3 \(from W_hh\); "
                                        r"got \(2, 2\)"),
    "input_grad strings": (lambda: rnnlib.input_grad(np.zeros((3, 2)), np.array(["a"] * 3)),
                           TypeError, r"dh_hat_next must be an array of real numbers"),
    # the checking tools
    "check_gradients params": (lambda: rnnlib.check_gradients({}, XS), TypeError,
                               r"params must be an rnnlib.Params; got dict"),
    "check_gradients mixed dtype": (lambda: rnnlib.check_gradients(P.astype(np.float32), XS),
                                    TypeError,
                                    r"xs has dtype float64 but the parameters are float32"),
    "check_gradients dy shape": (lambda: rnnlib.check_gradients(P, XS, dy=np.zeros((4, 2))),
                                 ValueError, r"dy must have the shape of trace.y"),
    "check_loss_gradients ragged xs": (
        lambda: rnnlib.check_loss_gradients(P, [[1.0, 2, 3], [1.0]], np.zeros((2, 2))),
        TypeError, r"xs must be an array of numbers; got list"),
    "check_loss_gradients targets": (
        lambda: rnnlib.check_loss_gradients(P, XS, np.zeros((3, 2))), ValueError,
        r"targets of shape \(T, O\) = \(4, 2\)"),
    "backward_step t": (lambda: rnnlib.bptt.backward_step(P, TR, 0, DY[1], np.zeros(5)),
                        ValueError, r"t must be a time step 1 ... T = 4; got 0"),
    "backward_step dh_hat_next": (lambda: rnnlib.bptt.backward_step(P, TR, 4, DY[4], np.zeros(4)),
                                  ValueError, r"dh_hat_next must have shape \(H,\) or \(B, H\) "
                                              r"with H = 5 \(from W_yh\); got \(4,\)"),
    "backward_with_step step": (lambda: rnnlib.bptt.backward_with_step(P, TR, DY, "literal"),
                                TypeError, r"step must be a function like "
                                           r"rnnlib.bptt.backward_step; got str"),
    "backward_by_output max_distance": (
        lambda: analysis.backward_by_output(P, TR, DY, max_distance=0), ValueError,
        r"max_distance must be a positive integer; got 0"),
    "dW_hh_by_distance trace": (lambda: analysis.dW_hh_by_distance(P, XS, DY), TypeError,
                                r"trace must be an rnnlib.Trace \(from rnnlib.forward\); got ndarray"),
    "backward_truncated k": (lambda: truncation.backward_truncated(P, TR, DY, 2.5), ValueError,
                             r"k must be a positive integer; got 2.5"),
    "backward_truncated params": (lambda: truncation.backward_truncated({}, TR, DY, 2), TypeError,
                                  r"params must be an rnnlib.Params; got dict"),
    "backward_truncated dy row 0": (lambda: truncation.backward_truncated(P, TR, np.ones((5, 2)), 2),
                                    ValueError, r"dy\[0\] must be zero"),
    "numerical_gradients objective": (lambda: rnnlib.numerical_gradients(None, P, XS), TypeError,
                                      r"objective must be a function of a Trace; got NoneType"),
    "random_upstream type": (lambda: rnnlib.random_upstream(np.zeros(3)), TypeError,
                             r"trace must be an rnnlib.Trace \(from rnnlib.forward\); got ndarray"),
    "compare skip shape": (lambda: rnnlib.compare("d", np.zeros(3), np.zeros(3),
                                                  skip=np.zeros(2, bool)), ValueError,
                           r"skip must have the shape of ours, \(3,\); got \(2,\)"),
    "loss_from_trace type": (lambda: rnnlib.loss_from_trace(XS, np.zeros((4, 2))), TypeError,
                             r"trace must be an rnnlib.Trace \(from rnnlib.forward\); got ndarray"),
    "backward_step params": (lambda: bptt.backward_step({}, TR, 1, DY[1], np.zeros(5)), TypeError,
                             r"params must be an rnnlib.Params; got dict"),
    "backward_with_step step returns a list": (
        lambda: bptt.backward_with_step(P, TR, DY, lambda *args: [1.0]), TypeError,
        r"the step function <lambda> must return a dict with the keys \['dW_hh', 'dW_hx', "
        r"'dW_yh', 'db_h', 'dh', 'dh_hat', 'dx'\], like rnnlib.bptt.backward_step; got list "
        r"at t = 4"),
    "backward_with_step step's shape": (
        lambda: bptt.backward_with_step(P, TR, DY, step_with_dx_of_shape((2,))), ValueError,
        r"the step function wrong_dx_step returned 'dx' of shape \(2,\) at t = 4; it must "
        r"have shape \(3,\)"),
    "relu strings": (lambda: rnnlib.relu("a"), TypeError,
                     r"z must be an array of real numbers; got dtype <U1"),
    "relu_grad strings": (lambda: rnnlib.relu_grad(["a", "b"]), TypeError,
                          r"z must be an array of real numbers; got dtype <U1"),
    "relu_grad ragged": (lambda: rnnlib.relu_grad([[1.0], [1.0, 2.0]]), TypeError,
                         r"z must be an array of numbers; got list"),
    # the checking tools' numbers
    "check_gradients eps 0": (lambda: rnnlib.check_gradients(P, XS, eps=0), ValueError,
                              r"eps must be positive; got 0.0"),
    "check_gradients tol negative": (lambda: rnnlib.check_gradients(P, XS, tol=-1), ValueError,
                                     r"tol must be positive; got -1.0"),
    "check_loss_gradients eps": (
        lambda: rnnlib.check_loss_gradients(P, XS, np.zeros((4, 2)), eps=-1e-6), ValueError,
        r"eps must be positive; got -1e-06"),
    "numerical_gradients eps": (lambda: rnnlib.numerical_gradients(lambda tr: 0.0, P, XS, eps=0),
                                ValueError, r"eps must be positive; got 0.0"),
    "compare tol 0": (lambda: rnnlib.compare("d", np.zeros(2), np.zeros(2), tol=0), ValueError,
                      r"tol must be positive; got 0.0"),
    "compare tol str": (lambda: rnnlib.compare("d", np.zeros(2), np.zeros(2), tol="1e-6"),
                        TypeError, r"tol must be a real number; got str"),
    "random_upstream seed negative": (lambda: rnnlib.random_upstream(TR, seed=-1), ValueError,
                                      r"seed must be a np.random.Generator or an int seed >= 0; "
                                      r"got -1"),
    "random_upstream seed str": (lambda: rnnlib.random_upstream(TR, seed="a"), TypeError,
                                 r"seed must be a np.random.Generator or an int seed >= 0; "
                                 r"got str"),
    "random_upstream seed None": (lambda: rnnlib.random_upstream(TR, seed=None), TypeError,
                                  r"seed must be .* got NoneType"),
    "verdict None": (lambda: bugs.verdict(None), TypeError,
                     r"report must be an rnnlib.GradCheckReport \(from rnnlib.check_gradients\); "
                     r"got NoneType"),
    "which_checks_catch bug": (lambda: bugs.which_checks_catch(P, XS, which=("typo",)),
                               ValueError, r"bug must be one of 'missing upstream factor', .*"
                                           r"got 'typo'"),
    "explore.summary params": (lambda: explore.summary(None, TR), TypeError,
                               r"params must be an rnnlib.Params; got NoneType"),
    "explore.summary batched trace": (
        lambda: explore.summary(PB, rnnlib.forward(PB, XSB)), TypeError,
        r"trace must be an rnnlib.Trace of one sequence; got a batched Trace"),
    # training
    "train steps 0": (trained(steps=0), ValueError, r"steps must be a positive integer; got 0"),
    "train steps -1": (trained(steps=-1), ValueError, r"steps must be a positive integer; got -1"),
    "train steps 2.5": (trained(steps=2.5), ValueError,
                        r"steps must be a positive integer; got 2.5"),
    "train params": (trained(params={}), TypeError, r"params must be an rnnlib.Params; got dict"),
    "train log_every 0": (trained(log_every=0), ValueError,
                          r"log_every must be a positive integer; got 0"),
    "train optimizer str": (trained(optimizer="adam"), TypeError,
                            r"optimizer must have lr and step\(weights, grads\), like "
                            r"rnnlib.optim.Adam\(\); got str"),
    "train make_batch None": (trained(make_batch=None), TypeError,
                              r"make_batch must be a function rng -> \(xs, targets\); "
                              r"got NoneType"),
    "train make_batch lists": (
        trained(make_batch=lambda rng: [a.tolist() for a in tasks.adding_problem(3, 5, rng)]),
        TypeError, r"make_batch must return a pair of numpy arrays \(xs, targets\); got xs as "
                   r"list"),
    "train make_batch one array": (trained(make_batch=lambda rng: np.zeros((5, 3, 2))),
                                   TypeError, r"make_batch must return a pair \(xs, targets\); "
                                              r"got ndarray"),
    "train make_batch targets shape": (
        trained(make_batch=lambda rng: (np.zeros((5, 3, 2)), np.zeros((5, 3, 1)))), ValueError,
        r"make_batch must return targets of shape \(B, O\) = \(3, 1\) for loss_at='last' and "
        r"xs of shape \(5, 3, 2\); got \(5, 3, 1\)"),
    "train make_batch xs shape": (
        trained(make_batch=lambda rng: (np.zeros((5, 3)), np.zeros((3, 1)))), ValueError,
        r"make_batch must return xs of shape \(T, B, D\) with T >= 1, B >= 1 and D = 2; "
        r"got \(5, 3\)"),
    "train make_batch B = 0": (
        trained(make_batch=lambda rng: (np.zeros((5, 0, 2)), np.zeros((0, 1)))), ValueError,
        r"xs of shape \(T, B, D\) with T >= 1, B >= 1 and D = 2; got \(5, 0, 2\)"),
    "train make_batch xs NaN": (
        trained(make_batch=lambda rng: (np.full((5, 3, 2), np.nan), np.zeros((3, 1)))),
        ValueError, r"xs must be finite; got 30 NaN/inf value\(s\), the first at index "
                    r"\(0, 0, 0\)"),
    "train seed negative": (trained(seed=-1), ValueError,
                            r"seed must be a np.random.Generator or an int seed >= 0; got -1"),
    "train seed str": (trained(seed="0"), TypeError,
                       r"seed must be a np.random.Generator or an int seed >= 0; got str"),
    "train clip_norm 0": (trained(clip_norm=0), ValueError, r"clip_norm must be positive; got 0"),
    "train clip_norm str": (trained(clip_norm="1"), TypeError,
                            r"clip_norm must be a real number; got str"),
    "train clip_value negative": (trained(clip_value=-0.5), ValueError,
                                  r"clip_value must be positive; got -0.5"),
    "train clip_value nan": (trained(clip_value=np.nan), ValueError,
                             r"clip_value must be finite; got nan"),
    "train carry_state int": (trained(carry_state=1), TypeError,
                              r"carry_state must be True or False; got 1"),
    "train carry_state str": (trained(carry_state="yes"), TypeError,
                              r"carry_state must be True or False; got 'yes'"),
    "train probe xs D": (trained(probe=(np.zeros((5, 3, 3)), np.zeros((3, 1)))), ValueError,
                         r"probe: xs must have shape \(T, D\) or \(T, B, D\) with T >= 1 and "
                         r"D = 2; got \(5, 3, 3\)"),
    "train probe targets": (trained(probe=(np.zeros((5, 3, 2)), np.zeros((3, 2)))), ValueError,
                            r"probe: loss='squared_error' takes targets of shape \(B, O\) = "
                            r"\(3, 1\) for loss_at='last' and xs of shape \(5, 3, 2\); "
                            r"got \(3, 2\)"),
    "train probe NaN": (trained(probe=(np.full((5, 3, 2), np.inf), np.zeros((3, 1)))),
                        ValueError, r"probe: xs must be finite; got 30 NaN/inf"),
    "train probe strings": (trained(probe=(np.full((5, 3, 2), "a"), np.zeros((3, 1)))),
                            TypeError, r"probe: xs must be an array of real numbers; got "
                                       r"dtype <U1"),
    "train probe class ids": (trained(probe=(np.zeros((5, 3, 2)), np.zeros(3)),
                                      loss="cross_entropy"), TypeError,
                              r"probe: targets must be integer class ids for "
                              r"loss='cross_entropy'; got dtype float64"),
    "train optimizer lr str": (trained(optimizer=SimpleNamespace(lr="fast", step=print)),
                               TypeError, r"optimizer.lr must be a real number; got str"),
    "train stop_below nan": (trained(stop_below=np.nan), ValueError,
                             r"stop_below must be finite; got nan"),
    "batch_gradients weights list": (lambda: train.batch_gradients([P.W_hh], XSB, DYB[-1]),
                                     TypeError, r"weights must be a dict of the arrays W_hh, "
                                                r"W_hx, b_h, W_yh; got list"),
    "batch_gradients weights keys": (
        lambda: train.batch_gradients({"W_hh": WEIGHTS["W_hh"]}, XSB, DYB[-1]), ValueError,
        r"weights must have the keys \['W_hh', 'W_hx', 'b_h', 'W_yh'\]; got \['W_hh'\]"),
    "batch_gradients weights of lists": (
        lambda: train.batch_gradients({**WEIGHTS, "b_h": [0.0] * 5}, XSB, DYB[-1]), TypeError,
        r"weights\['b_h'\] must be a numpy array of float32 or float64; got list"),
    "batch_gradients weights ints": (
        lambda: train.batch_gradients({**WEIGHTS, "W_hh": np.eye(5, dtype=int)}, XSB, DYB[-1]),
        TypeError, r"weights\['W_hh'\] must be a numpy array of float32 or float64; got "
                   r"dtype int64"),
    "batch_gradients weights mixed dtype": (
        lambda: train.batch_gradients({**WEIGHTS, "W_yh": WEIGHTS["W_yh"].astype(np.float32)},
                                      XSB, DYB[-1]), TypeError,
        r"weights must share one float dtype; got W_hh float64, W_hx float64, b_h float64, "
        r"W_yh float32"),
    "batch_gradients weights shapes": (
        lambda: train.batch_gradients({**WEIGHTS, "b_h": np.zeros(4)}, XSB, DYB[-1]), ValueError,
        r"weights\['b_h'\] must have shape \(H,\) with H = 5 \(from weights\['W_hh'\]\); "
        r"got \(4,\)"),
    "batch_gradients xs inf": (
        lambda: train.batch_gradients(WEIGHTS, np.where(XSB > 0, np.inf, XSB), DYB[-1]),
        ValueError, r"xs must be finite; got \d+ NaN/inf value\(s\)"),
    "train stop_below str": (trained(stop_below="0.1"), TypeError,
                             r"stop_below must be a real number; got str"),
    "train callback": (trained(callback=3), TypeError,
                       r"callback must be a function callback\(step, history\); got int"),
    "train probe": (trained(probe=[1, 2, 3]), TypeError,
                    r"probe must be a pair \(xs, targets\); got list"),
    "SGD lr negative": (lambda: optim.SGD(lr=-1), ValueError, r"lr must be a number >= 0; got -1"),
    "Adam lr nan": (lambda: optim.Adam(lr=np.nan), ValueError, r"lr must be finite; got nan"),
    "Adam lr negative": (lambda: optim.Adam(lr=-1e-3), ValueError,
                         r"lr must be a number >= 0; got -0.001"),
    "RMSprop lr str": (lambda: optim.RMSprop(lr="fast"), TypeError,
                       r"lr must be a real number; got str"),
    "adding_problem rng None": (lambda: tasks.adding_problem(3, 5, None), TypeError,
                                r"rng must be a np.random.Generator or an int seed >= 0; "
                                r"got NoneType"),
    "adding_problem rng float": (lambda: tasks.adding_problem(3, 5, 1.5), TypeError,
                                 r"rng must be .* got float"),
    "first_value_recall rng negative": (lambda: tasks.first_value_recall(3, 5, -1), ValueError,
                                        r"rng must be a np.random.Generator or an int seed "
                                        r">= 0; got -1"),
    "random_chunk_lengths rng None": (lambda: truncation.random_chunk_lengths(10, 3, None),
                                      TypeError, r"rng must be .* got NoneType"),
    "chunked_gradients lengths floats": (
        lambda: truncation.chunked_gradients(P, np.zeros((9, 3)), np.zeros((9, 2)), [4.5, 4.5]),
        ValueError, r"lengths\[0\] must be a positive integer; got 4.5"),
    "chunked_gradients xs None": (
        lambda: truncation.chunked_gradients(P, None, np.zeros((9, 2)), 3), TypeError,
        r"xs must be an array of real numbers; got dtype object"),
    "chunked_gradients xs shape": (
        lambda: truncation.chunked_gradients(P, np.zeros((9, 4)), np.zeros((9, 2)), 3), ValueError,
        r"xs must have shape \(T, D\) or \(T, B, D\) with T >= 1 and D = 3; got \(9, 4\)"),
    "chunked_gradients targets None": (
        lambda: truncation.chunked_gradients(P, np.zeros((9, 3)), None, 3), TypeError,
        r"targets must be an array of real numbers; got dtype object"),
    "chunked_gradients targets shape": (
        lambda: truncation.chunked_gradients(P, np.zeros((9, 3)), np.zeros((8, 2)), 3), ValueError,
        r"loss='squared_error' takes targets of shape \(T, O\) = \(9, 2\) for loss_at='all' "
        r"and xs of shape \(9, 3\); got \(8, 2\)"),
    "chunked_gradients lengths a float": (
        lambda: truncation.chunked_gradients(P, np.zeros((9, 3)), np.zeros((9, 2)), 2.5),
        TypeError, r"lengths must be an int or a list of ints summing to T = 9; got float"),
    # the gradient checks' own arguments
    "check_gradients backward returns a tuple": (
        lambda: rnnlib.check_gradients(P, XS, backward=lambda p, tr, dy: (1, 2)), TypeError,
        r"backward must return an rnnlib.Grads, like rnnlib.backward; <lambda> returned tuple, "
        r"without dW_hh, dW_hx, db_h, dW_yh, dh0, dx"),
    "check_gradients backward returns None": (
        lambda: rnnlib.check_gradients(P, XS, backward=print), TypeError,
        r"backward must return an rnnlib.Grads, like rnnlib.backward; print returned NoneType"),
    "numerical_gradients objective None": (
        lambda: rnnlib.numerical_gradients(lambda tr: None, P, XS), TypeError,
        r"objective must return a real number, the loss E of the trace; got NoneType"),
    "numerical_gradients objective array": (
        lambda: rnnlib.numerical_gradients(lambda tr: tr.y, P, XS), TypeError,
        r"objective must return a real number, the loss E of the trace; got ndarray of shape "
        r"\(5, 2\)"),
    "numerical_gradients objective str": (
        lambda: rnnlib.numerical_gradients(lambda tr: "0.5", P, XS), TypeError,
        r"objective must return a real number.*; got str"),
    "compare name None": (lambda: rnnlib.compare(None, np.zeros(2), np.zeros(2)), TypeError,
                          r"name must be a str, the gradient's name in the report, e.g. 'dW_hh'; "
                          r"got NoneType"),
    "compare ours None": (lambda: rnnlib.compare("d", None, np.zeros(2)), TypeError,
                          r"ours must be an array of real numbers; got dtype object"),
    "compare reference strings": (lambda: rnnlib.compare("d", np.zeros(2), ["a", "b"]),
                                  TypeError, r"reference must be an array of real numbers; got "
                                             r"dtype <U1"),
    # analysis
    "spectral_radius NaN": (lambda: analysis.spectral_radius(np.full((3, 3), np.nan)), ValueError,
                            r"W must be finite; got 9 NaN/inf value\(s\), the first at index "
                            r"\(0, 0\)"),
    "spectral_radius not square": (lambda: analysis.spectral_radius(np.zeros((2, 3))), ValueError,
                                   r"W must have shape \(H, H\); got \(2, 3\)"),
    "largest_singular_value inf": (
        lambda: analysis.largest_singular_value(np.array([[1.0, np.inf]])), ValueError,
        r"W must be finite; got 1 NaN/inf value\(s\), the first at index \(0, 1\)"),
    "largest_singular_value a vector": (lambda: analysis.largest_singular_value(np.ones(3)),
                                        ValueError, r"W must have shape \(M, N\); got \(3,\)"),
    "jacobian_products NaN": (lambda: analysis.jacobian_products(np.full((5, 5), np.nan), TR.mask),
                              ValueError, r"W_hh must be finite; got 25 NaN/inf"),
    "jacobian_products not square": (
        lambda: analysis.jacobian_products(np.zeros((5, 4)), TR.mask), ValueError,
        r"W_hh must have shape \(H, H\); got \(5, 4\)"),
    # tasks
    "constant_mse empty": (lambda: tasks.constant_mse([], 1.0), ValueError,
                           r"targets must hold at least one value; got shape \(0,\)"),
    "constant_mse None": (lambda: tasks.constant_mse(None, 1.0), TypeError,
                          r"targets must be an array of real numbers; got dtype object"),
    "constant_mse constant None": (lambda: tasks.constant_mse(np.ones(3), None), TypeError,
                                   r"constant must be a real number; got NoneType"),
    "constant_mse NaN": (lambda: tasks.constant_mse([1.0, np.nan], 1.0), ValueError,
                         r"targets must be finite; got 1 NaN/inf value\(s\), the first at "
                         r"index \(1,\)"),
    # optimisers
    "SGD momentum 1": (lambda: optim.SGD(momentum=1), ValueError,
                       r"momentum must be in \[0, 1\); got 1"),
    "SGD momentum negative": (lambda: optim.SGD(momentum=-0.1), ValueError,
                              r"momentum must be in \[0, 1\); got -0.1"),
    "SGD momentum str": (lambda: optim.SGD(momentum="0.9"), TypeError,
                         r"momentum must be a real number; got str"),
    "Adam beta1 1": (lambda: optim.Adam(beta1=1.0), ValueError,
                     r"beta1 must be in \[0, 1\); got 1.0"),
    "Adam beta2 negative": (lambda: optim.Adam(beta2=-0.999), ValueError,
                            r"beta2 must be in \[0, 1\); got -0.999"),
    "Adam eps 0": (lambda: optim.Adam(eps=0), ValueError, r"eps must be positive; got 0"),
    "RMSprop rho 1.5": (lambda: optim.RMSprop(rho=1.5), ValueError,
                        r"rho must be in \[0, 1\); got 1.5"),
    "RMSprop eps negative": (lambda: optim.RMSprop(eps=-1e-8), ValueError,
                             r"eps must be positive; got -1e-08"),
    "global_norm None value": (lambda: optim.global_norm({"dW_hh": None}), TypeError,
                               r"grads\['dW_hh'\] must be a numpy array of real numbers; "
                               r"got NoneType"),
    "clip_global_norm list value": (lambda: optim.clip_global_norm({"db_h": [1.0, 2.0]}, 1.0),
                                    TypeError, r"grads\['db_h'\] must be a numpy array of real "
                                               r"numbers; got list"),
    "clip_by_value strings": (lambda: optim.clip_by_value({"db_h": np.array(["a"])}, 1.0),
                              TypeError, r"grads\['db_h'\] must be a numpy array of real "
                                         r"numbers; got dtype <U1"),
    "clip_global_norm norm str": (lambda: optim.clip_global_norm({"db_h": np.ones(2)}, 1.0,
                                                                 norm="2"), TypeError,
                                  r"norm must be a real number; got str"),
    "clip_global_norm norm negative": (
        lambda: optim.clip_global_norm({"db_h": np.ones(2)}, 1.0, norm=-1.0), ValueError,
        r"norm must be >= 0, the global norm of grads; got -1.0"),
    "step weights of lists": (lambda: optim.Adam().step({"b_h": [1.0]}, {"db_h": np.ones(1)}),
                              TypeError, r"weights\['b_h'\] must be a numpy array of floats, "
                                         r"which step updates in place; got list"),
    "step weights None": (lambda: optim.SGD().step(None, {"db_h": np.ones(1)}), TypeError,
                          r"weights must be a dict of float arrays, e.g. \{'W_hh': ..., "
                          r"'b_h': ...\}; got NoneType"),
    "step grads None": (lambda: optim.RMSprop().step({"b_h": np.ones(1)}, None), TypeError,
                        r"grads must be a dict of arrays, e.g. \{'dW_hh': ..., 'db_h': ...\}; "
                        r"got NoneType"),
    "step grads of lists": (lambda: optim.SGD().step({"b_h": np.ones(1)}, {"db_h": [1.0]}),
                            TypeError, r"grads\['db_h'\] must be a numpy array of real numbers; "
                                       r"got list"),
    "step read-only weights": (lambda: optim.SGD().step({"b_h": P.b_h}, {"db_h": np.ones(5)}),
                               ValueError, r"weights\['b_h'\] is read-only \(Params' arrays "
                                           r"are\): step updates the weights in place, so pass "
                                           r"copies, e.g. np.array\(params.b_h\)"),
    # the explorers' numbers
    "explore.summary trace of other params": (
        lambda: explore.summary(rnnlib.init_params(3, 6, 2, seed=0), TR), ValueError,
        r"trace does not belong to these params: it has H = 5, D = 3, O = 2; params have "
        r"H = 6, D = 3, O = 2"),
    "explore.summary trace dtype": (lambda: explore.summary(P.astype(np.float32), TR), TypeError,
                                    r"trace has dtype float64 but the parameters are float32"),
    "explore.gradient_flow batched trace": (
        lambda: explore.gradient_flow(PB, rnnlib.forward(PB, XSB)), TypeError,
        r"trace must be an rnnlib.Trace of one sequence; got a batched Trace \(h of shape "
        r"\(5, 2, 5\)\)"),
    "explore.gradient_flow trace of other params": (
        lambda: explore.gradient_flow(rnnlib.init_params(4, 5, 2, seed=0), TR), ValueError,
        r"trace does not belong to these params: it has H = 5, D = 3, O = 2"),
    "explore.gradient_flow trace None": (lambda: explore.gradient_flow(P, None), TypeError,
                                         r"trace must be an rnnlib.Trace \(from rnnlib.forward\); "
                                         r"got NoneType"),
    # the bug table
    "which_checks_catch setups a str": (
        lambda: bugs.which_checks_catch(P, XS, setups="random ∂y"), TypeError,
        r"setups must be a tuple or list of setup names, e.g. \('random ∂y',\); got "
        r"'random ∂y'"),
    "which_checks_catch which a str": (
        lambda: bugs.which_checks_catch(P, XS, which="= instead of +="), TypeError,
        r"which must be a tuple or list of bug names, e.g. \('missing upstream factor',\); "
        r"got '= instead of \+='"),
    "which_checks_catch setups None": (lambda: bugs.which_checks_catch(P, XS, setups=None),
                                       TypeError, r"setups must be a tuple or list of setup "
                                                  r"names.*; got None"),
    # tables
    "html_table columns None": (lambda: tables.html_table(None, [["x"]], caption="c"), TypeError,
                                r"columns must be a non-empty sequence of str; got None"),
    "html_table rows None": (lambda: tables.html_table(["a"], None, caption="c"), TypeError,
                             r"rows must be a sequence of rows, each a sequence of 1 cells; "
                             r"got NoneType"),
    "html_table a row a number": (lambda: tables.html_table(["a"], [3], caption="c"), TypeError,
                                  r"rows\[0\] must be a sequence of 1 cells, one per column; "
                                  r"got 3"),
}


def test_a_task_takes_a_generator_or_an_int_seed():
    # an int seed gives the batch of np.random.default_rng(seed), the same at every call
    for task in (tasks.adding_problem, tasks.first_value_recall):
        by_seed, again = task(4, 6, 7), task(4, 6, np.int64(7))
        by_generator = task(4, 6, np.random.default_rng(7))
        for a, b, c in zip(by_seed, again, by_generator):
            np.testing.assert_array_equal(a, c)
            np.testing.assert_array_equal(b, c)
    assert truncation.random_chunk_lengths(50, 5, 3) == \
        truncation.random_chunk_lengths(50, 5, np.random.default_rng(3))


@pytest.mark.filterwarnings("ignore:overflow encountered")
@pytest.mark.filterwarnings("ignore:invalid value encountered")   # the overflowed passes
@pytest.mark.parametrize("call, error, message", BAD.values(), ids=BAD.keys())
def test_bad_input_gets_a_clear_error(call, error, message):
    with pytest.raises(error, match=message):
        call()


def read_only(*arrays):
    for a in arrays:
        a.flags.writeable = False


@pytest.mark.parametrize("B", [None, 2])
def test_no_function_writes_into_its_arguments(B):
    p, xs, h0, dy = make_problem(T=4, B=B, D=3, H=5, O=2)
    targets_all = np.random.default_rng(0).standard_normal(xs.shape[:-1] + (2,))
    classes = np.zeros(xs.shape[:-1], int)
    originals = [a.copy() for a in (p.W_hh, p.W_hx, p.b_h, p.W_yh, xs, h0, dy, targets_all)]
    read_only(p.W_hh, p.W_hx, p.b_h, p.W_yh, xs, h0, dy, targets_all, classes)
    tr = rnnlib.forward(p, xs, h0)
    rnnlib.forward_literal(p, xs, h0)
    read_only(tr.xs, tr.h0, tr.h, tr.h_hat, tr.mask, tr.y)
    for backward in (rnnlib.backward, rnnlib.backward_literal):
        backward(p, tr, dy)
    rnnlib.loss_and_grads(p, xs, targets_all, h0=h0)
    rnnlib.loss_and_grads(p, xs, classes, h0=h0, loss="cross_entropy")
    rnnlib.loss_from_trace(tr, targets_all)
    rnnlib.check_gradients(p, xs, h0=h0, dy=dy)
    rnnlib.check_loss_gradients(p, xs, targets_all, h0=h0)
    after = (p.W_hh, p.W_hx, p.b_h, p.W_yh, xs, h0, dy, targets_all)
    for before, now in zip(originals, after):
        np.testing.assert_array_equal(before, now)


def test_trace_and_grads_do_not_alias_the_inputs():
    p, xs, h0, dy = make_problem(T=3)
    tr = rnnlib.forward(p, xs, h0)
    g = rnnlib.backward(p, tr, dy)
    xs[:] = 7.0
    h0[:] = 7.0
    dy[1:] = 7.0
    assert not np.any(tr.xs == 7.0) and not np.any(tr.h0 == 7.0) and not np.any(g.dy == 7.0)
