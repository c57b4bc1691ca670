"""A corpus of right and wrong answers to every self-checking exercise of the notebooks.

RIGHT[name]: functions that must be accepted (written independently of rnnlib, in the styles a
student uses). WRONG[name]: (label, function) pairs that must be rejected. A wrong answer that
writes into an argument carries ``fn.writes_into``, the argument's name as the checker should
print it. The by-hand backward pass of notebook 04 (``check_by_hand_backward``) is the entry
BY_HAND ("by_hand_backward"): its answers are dicts, not functions.
"""
from . import nb01, nb02, nb03, nb04, nb05, nb06, nb07, nb08, nb09

MODULES = (nb01, nb02, nb03, nb04, nb05, nb06, nb07, nb08, nb09)
BY_HAND = "by_hand_backward"

RIGHT = {name: fns for m in MODULES for name, fns in m.RIGHT.items()}
WRONG = {name: entries for m in MODULES for name, entries in m.WRONG.items()}
RIGHT[BY_HAND] = nb04.BY_HAND_RIGHT
WRONG[BY_HAND] = nb04.BY_HAND_WRONG


def label(fn):
    """A readable name for a right answer (a function, or a dict of by-hand answers)."""
    return getattr(fn, "__name__", None) or type(fn).__name__
