"""Exercises that check themselves: the student writes one equation as a function, and
``check(name, function)`` compares it with the library on random inputs and says what is
wrong, not just that something is.

    def my_relu_grad(z):
        raise NotImplementedError      # replace with your code
    check("relu_grad", my_relu_grad)   # -> "not attempted yet ..."

Layout, for a teacher who adds an exercise:
- ``core.py``: what an exercise is (:class:`Exercise`) and how a function is checked against
  it.
- ``predictions.py``: ``check_prediction`` for predict-then-reveal cells, and ``check_symbol``
  for an answer written as a symbol ("h_{t+1}", in any spelling).
- ``nb01_forward_pass.py`` ... ``nb09_language_model.py``: one module per notebook, each with
  its ``EXERCISES`` list and the ``QUESTIONS`` (thinking questions) whose answers
  ``show_solution`` can print. Add an exercise to its notebook's module, and its model
  solution (or answer) to the same-named module of ``rnnlib.solutions``.
- ``nb00_start_here.py``: notebook 00's answers written as symbols, held only as hashes (the
  hand-out must not show them); it has no functions to write, so no ``EXERCISES`` and no
  place in ``NOTEBOOKS``.

Exercises are one example at a time (column vectors, ``W @ v``), as in the notes.
``show_solution(name)`` prints a model solution or an answer, unless this is a hand-out copy.
"""
import inspect
import warnings
from pathlib import Path

import numpy as np

from . import (nb01_forward_pass, nb02_loss_and_output_layer, nb03_relu_gate,
               nb04_hidden_state_gradient, nb05_parameter_gradients, nb06_checking_bptt,
               nb07_vanishing_exploding, nb08_training_memory, nb09_language_model)
from . import predictions
from .core import CheckResult, Exercise, check_exercise
from .predictions import check_symbol

NOTEBOOKS = (nb01_forward_pass, nb02_loss_and_output_layer, nb03_relu_gate,
             nb04_hidden_state_gradient, nb05_parameter_gradients, nb06_checking_bptt,
             nb07_vanishing_exploding, nb08_training_memory, nb09_language_model)

EXERCISES = {ex.name: ex for module in NOTEBOOKS for ex in module.EXERCISES}
QUESTIONS = {name: text for module in NOTEBOOKS
             for name, text in getattr(module, "QUESTIONS", {}).items()}
# Why a prediction's truth is what it is, shown only after a wrong prediction.
PREDICTIONS = {name: text for module in NOTEBOOKS
               for name, text in getattr(module, "PREDICTIONS", {}).items()}

__all__ = ["EXERCISES", "PREDICTIONS", "QUESTIONS", "CheckResult", "Exercise", "check", "check_prediction",
           "check_symbol", "show_solution"]


def check(name, fn, *, n_cases=3):
    """Check the student's function for exercise ``name``; returns a :class:`CheckResult`.

    fn is called with the exercise's inputs (see ``EXERCISES[name].signature``) on
    ``n_cases`` seeded random cases plus any edge cases. Nothing is raised: the result's
    message says what was found.
    """
    if name not in EXERCISES:
        raise ValueError(f"name must be one of {', '.join(map(repr, EXERCISES))}; got {name!r}")
    ex = EXERCISES[name]
    # The checker's own arithmetic must not depend on what the student's session set:
    # np.seterr(all="raise") or warnings turned into errors while debugging.
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return (ex.checker or check_exercise)(ex, fn, n_cases=n_cases)


def check_prediction(name, prediction, truth, *, why=None):
    """Compare a prediction with the computed truth (see :func:`predictions.check_prediction`).

    After a wrong prediction the message explains the truth with ``why``, by default the
    explanation kept for ``name`` in ``PREDICTIONS``: not in the notebook cell, where the
    student would read it before predicting.
    """
    return predictions.check_prediction(name, prediction, truth,
                                 why=PREDICTIONS.get(name, "") if why is None else why)


def show_solution(name):
    """Print the model solution of exercise ``name``, or the answer of thinking question
    ``name`` (neither is available in a hand-out copy)."""
    if name not in EXERCISES and name not in QUESTIONS:
        known = ", ".join(map(repr, [*EXERCISES, *QUESTIONS]))
        raise ValueError(f"name must be an exercise or a question ({known}); got {name!r}")
    # Look beside this package: an import could find another copy's solutions through an
    # editable install of the full repository.
    if not (Path(__file__).parent.parent / "solutions" / "__init__.py").is_file():
        print("Solutions are not included in this copy of the notebooks. Ask your teacher.")
        return
    from .. import solutions
    if name in EXERCISES:
        print(inspect.getsource(solutions.solution(name)))
    else:
        print(solutions.ANSWERS[name])
