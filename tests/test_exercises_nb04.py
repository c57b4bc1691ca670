"""The checkers of notebook 04 beyond the catalogue's own list of mistakes: the checker's
reference for the ∂h recursion is the library's, a wrong row of the recursion is located and
named from the student's own later rows, each output of step_backward is judged on its own, and
the by-hand pass names the first wrong entry."""
import numpy as np
import pytest

import rnnlib
from rnnlib import exercises, worked_example
from rnnlib.exercises import nb04_hidden_state_gradient as nb04
from conftest import make_problem

# the hints of the ∂h recursion's catalogue of mistakes, which the row-by-row diagnosis names
RECURSION_HINTS = {hint for hint, _ in exercises.EXERCISES["hidden_grads_through_time"].mistakes}


def hint_saying(words):
    """The one hint of the ∂h recursion's catalogue that contains ``words``."""
    [hint] = [hint for hint in RECURSION_HINTS if words in hint]
    return hint


GATE_AFTER = hint_saying("applied to the wrong quantity")
GATE_STEP = hint_saying("taken from the wrong step")
SIGN = hint_saying("A sign error")


def test_recursion_reference_matches_the_library_backward():
    # the checker's reference for the ∂h recursion, against rnnlib.backward on a real trace
    p, xs, h0, dy = make_problem(T=6, H=4, O=2)
    tr = rnnlib.forward(p, xs, h0)
    ref = exercises.EXERCISES["hidden_grads_through_time"].reference(
        p.W_yh, p.W_hh, dy, tr.mask.astype(float))
    np.testing.assert_allclose(ref, rnnlib.backward(p, tr, dy).dh, rtol=1e-12, atol=1e-14)


def recursion(row):
    """A ∂h recursion whose rows t = T-1 … 0 are row(W_yh, W_hh, dy, mask, t, dh_next)."""
    def fn(W_yh, W_hh, dy, mask):
        T = dy.shape[0] - 1
        dh = np.zeros((T + 1, W_hh.shape[0]))
        dh[T] = W_yh.T @ dy[T]
        for t in range(T - 1, -1, -1):
            dh[t] = row(W_yh, W_hh, dy, mask, t, dh[t + 1])
        return dh
    return fn


def out(W_yh, dy, t):
    return W_yh.T @ dy[t] if t > 0 else 0


@pytest.mark.parametrize("row, hint, first", [
    # the gate on the product W_hhᵀ(…), with the mask of the earlier step
    (lambda W_yh, W_hh, dy, m, t, d: out(W_yh, dy, t) + m[t] * (W_hh.T @ d), GATE_AFTER, 4),
    # a sign error on the recurrent path only
    (lambda W_yh, W_hh, dy, m, t, d: out(W_yh, dy, t) - W_hh.T @ (m[t + 1] * d), SIGN,
     None),                                                  # in the catalogue: named as a whole
    # the gate of step t+2: "mask[t-1]" would not describe this loop
    (lambda W_yh, W_hh, dy, m, t, d: out(W_yh, dy, t) + W_hh.T @ (m[min(t + 2, len(m) - 1)] * d),
     GATE_STEP, 3),                                    # row 4 uses m[5]: right
], ids=["gate after the product", "sign on the recurrent path", "gate of step t+2"])
def test_a_wrong_row_is_recognised_whatever_the_loop_looks_like(row, hint, first):
    result = exercises.check("hidden_grads_through_time", recursion(row))
    assert result.status == "wrong" and hint in result.message, result.message
    if first is not None:
        assert f"first wrong row is t = {first}" in result.message  # T = 5 (locating_inputs)


def test_the_gate_hint_does_not_assume_the_students_index():
    assert "mask[t-1]" not in GATE_STEP and "same step" in GATE_STEP


def test_gate_on_h0_only_is_located_at_row_0():
    def fn(W_yh, W_hh, dy, mask):
        dh = rnnlib.exercises.references.hidden_grads(W_yh, W_hh, dy, mask)
        dh[0] = mask[1] * dh[0]
        return dh
    result = exercises.check("hidden_grads_through_time", fn)
    assert "first wrong row is t = 0" in result.message and "no gate" in result.message


def test_an_unrecognised_row_is_still_located():
    def fn(W_yh, W_hh, dy, mask):
        dh = rnnlib.exercises.references.hidden_grads(W_yh, W_hh, dy, mask)
        dh[2] += 0.5
        return dh
    result = exercises.check("hidden_grads_through_time", fn)
    assert result.status == "wrong" and "first wrong row is t = 2" in result.message


def step_with(**wrong):
    """The model step_backward with some outputs replaced."""
    solution = exercises.EXERCISES["step_backward"].reference
    def fn(*args):
        right = dict(zip(nb04.STEP_OUTPUTS, solution(*args)))
        right.update({k: f(*args) for k, f in wrong.items()})
        return tuple(right[k] for k in nb04.STEP_OUTPUTS)
    return fn


def test_step_backward_judges_each_output_on_its_own():
    msg = exercises.check("step_backward", step_with(
        dW_hh_term=lambda dh, z, hp, x, W_hh, W_hx: np.outer(hp, (z > 0) * dh))).message
    assert msg.count("  right: ") == 4
    assert "WRONG: the ∂W_hh term: The outer product is in the wrong order" in msg


def test_step_backward_names_shapes_and_sign_per_output():
    msg = exercises.check("step_backward", step_with(
        dW_hx_term=lambda dh, z, hp, x, W_hh, W_hx: np.outer(x, (z > 0) * dh),
        dx_prev=lambda dh, z, hp, x, W_hh, W_hx: -(W_hx.T @ ((z > 0) * dh)))).message
    assert "WRONG: the ∂W_hx term: shape (3, " in msg and "it has W_hx's shape (H, D)" in msg
    assert "WRONG: ∂x_{t-1} (dx_prev): A sign error" in msg
    assert msg.count("  right: ") == 3


def test_step_backward_wrong_number_of_results_and_errors():
    four = exercises.check("step_backward", lambda *a: step_with()(*a)[:4])
    assert four.status == "wrong" and "five results" in four.message and "got 4" in four.message
    error = exercises.check("step_backward", lambda dh, z, hp, x, W_hh, W_hx: W_hx @ dh)
    assert error.status == "error" and "ValueError" in error.message


def test_by_hand_truth_agrees_with_finite_differences():
    truth, trace, _ = nb04.by_hand_truth()
    loss = lambda tr: rnnlib.loss_from_trace(tr, worked_example.targets())[0]   # noqa: E731
    numeric, kinks = rnnlib.numerical_gradients(loss, worked_example.params(),
                                                worked_example.xs())["dh0"]
    assert not kinks.any()
    np.testing.assert_allclose(truth["dh_0"], numeric, atol=1e-6)
    # the example's point: unit 1 is off at t = 1 and t = 2, and blocks a non-zero gradient
    assert trace.mask[1:3, 1].tolist() == [False, False] and truth["dh_2"][1] != 0


def test_by_hand_names_the_first_wrong_entry_without_the_answer():
    truth, _, _ = nb04.by_hand_truth()
    for k, key in enumerate(nb04.BY_HAND_KEYS):
        answers = {name: truth[name].copy() for name in nb04.BY_HAND_KEYS}
        answers[key][1] += 7.0                                # unit 1 wrong
        result = nb04.check_by_hand_backward(answers)
        symbol = ("∂ĥ_" if "hat" in key else "∂h_") + key[-1]
        assert result.status == "wrong" and f"✗ {symbol}, unit 1: not right" in result.message
        assert str(truth[key][1]) not in result.message.split("✗")[1].replace(symbol, "")


def test_by_hand_recognises_typical_mistakes_and_partial_answers():
    truth, trace, _ = nb04.by_hand_truth()
    ungated = dict(truth, dh_hat_2=truth["dh_2"])
    assert "gate is missing" in nb04.check_by_hand_backward(ungated).message
    # ∂h_1 from the ungated ∂h_2: the recurrent path skipped the gate of step 2
    W_hh, W_yh = worked_example.params().W_hh, worked_example.params().W_yh
    skipped = dict(truth, dh_1=W_yh.T @ np.array([1.0]) + W_hh.T @ truth["dh_2"])
    assert "must pass the gate of step t+1" in nb04.check_by_hand_backward(skipped).message
    partial = {"dh_3": truth["dh_3"], "dh_hat_3": truth["dh_hat_3"]}
    msg = nb04.check_by_hand_backward(partial).message
    assert "∂h_3, ∂ĥ_3 right so far; next, fill in ∂h_2" in msg
    assert nb04.check_by_hand_backward(truth).status == "correct"
    assert nb04.check_by_hand_backward({}).status == "not attempted"
    # a checker never raises: malformed answers get a message
    unknown = nb04.check_by_hand_backward({"dh_4": [0, 0]})
    assert unknown.status == "wrong" and "unknown keys ['dh_4']" in unknown.message
    assert "write your answers as a dict" in nb04.check_by_hand_backward([1, 2]).message
    text = nb04.check_by_hand_backward({"dh_3": "1, 2"})
    assert text.status == "wrong" and "must be two numbers" in text.message
