"""Model solutions of the notebook exercises, written the way a student would (column vectors,
one example at a time), and the answers to the notebooks' thinking questions; one module per
notebook. ``rnnlib.exercises.show_solution(name)`` prints one of them.

A teacher's hand-out copy leaves this whole folder out (``make handout``): the checkers keep
working, and show_solution then says that solutions are not included.
"""
from . import (nb01_forward_pass, nb02_loss_and_output_layer, nb03_relu_gate,
               nb04_hidden_state_gradient, nb05_parameter_gradients, nb06_checking_bptt,
               nb07_vanishing_exploding, nb08_training_memory, nb09_language_model)

NOTEBOOKS = (nb01_forward_pass, nb02_loss_and_output_layer, nb03_relu_gate,
             nb04_hidden_state_gradient, nb05_parameter_gradients, nb06_checking_bptt,
             nb07_vanishing_exploding, nb08_training_memory, nb09_language_model)

ANSWERS = {name: text for module in NOTEBOOKS for name, text in module.ANSWERS.items()}


def solution(name):
    """The model solution of exercise ``name``: a function, found in its notebook's module."""
    for module in NOTEBOOKS:
        if hasattr(module, name):
            return getattr(module, name)
    raise AttributeError(f"no model solution named {name!r}")
