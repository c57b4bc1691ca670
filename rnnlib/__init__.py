"""rnnlib: a vanilla ReLU RNN and its exact backpropagation through time, in plain numpy.

The notation is that of the notes the course follows:
ĥ_{t+1} = W_hh h_t + W_hx x_t + b_h,  h_{t+1} = ReLU(ĥ_{t+1}),  y_t = W_yh h_t,
with ∂v meaning ∂E/∂v.

Read it in this order, one module beside each notebook: ``model`` (01: the parameters, the
forward pass, ``worked_example`` its numbers), ``losses`` (02), ``bptt`` (03-05: one function
per gradient equation, the step, the literal pass), ``gradcheck`` and ``bugs`` (06),
``analysis`` (07), ``tasks``, ``optim``, ``train`` and ``truncation`` (08), ``text`` and
``ngram`` (09). The rest is machinery a student need not open: ``validate`` (argument checks),
``fast`` (the speed layer behind ``forward``, ``backward``, ``loss_and_grads`` and ``train``),
``timing``, ``tables``, ``explore`` (the explorers' numbers), ``plotting``, ``blitting``,
``widgets``, and ``exercises`` / ``solutions`` for the notebooks. docs/architecture.md has
each module in one line and the layers that keep the imports pointing down.

The names below are the reading path's; import the others by module
(``from rnnlib import tasks``).
"""
from .bugs import BUGS, backward_with_bug
from .bptt import (Grads, backward, backward_literal, backward_step, backward_with_step,
                   db_h_term, dW_hh_term, dW_hx_term, dW_yh_term, hidden_grad, input_grad, outer,
                   relu_gate)
from .gradcheck import (Comparison, GradCheckReport, check_gradients, check_loss_gradients,
                        compare, numerical_gradients, random_upstream)
from .losses import (LOSS_AT, LOSSES, cross_entropy, loss_and_grads, loss_from_trace, softmax,
                     squared_error)
from .model import (INITS, Params, Trace, forward, forward_literal, init_params, matvec,
                    output, pre_activation, relu, relu_grad)

__version__ = "0.1.0"

__all__ = [
    "Params", "Trace", "Grads", "init_params", "forward", "forward_literal", "backward",
    "backward_literal", "backward_step", "backward_with_step", "loss_and_grads", "loss_from_trace",
    "relu", "relu_grad", "matvec", "pre_activation", "output",
    "hidden_grad", "relu_gate", "dW_yh_term", "dW_hh_term", "dW_hx_term", "db_h_term",
    "input_grad", "outer", "squared_error", "cross_entropy", "softmax",
    "compare", "Comparison", "GradCheckReport", "numerical_gradients", "check_gradients",
    "check_loss_gradients", "random_upstream", "INITS", "LOSSES", "LOSS_AT",
    "BUGS", "backward_with_bug",
]
