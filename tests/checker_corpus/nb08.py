"""Notebook 08 · training a ReLU RNN that remembers: clip_global_norm."""
import numpy as np

from ._util import writes_into

max_norm_global = 1.0                            # the max_norm of an earlier cell


# --- clip_global_norm(g, max_norm) ------------------------------------------------------------

def clip_global_norm_min(g, max_norm):
    norm = np.linalg.norm(g)
    return g * min(1.0, max_norm / norm)


def clip_global_norm_if(g, max_norm):
    norm = np.sqrt(np.sum(g ** 2))
    if norm > max_norm:
        return g * (max_norm / norm)
    return g                                     # unchanged, not even copied


def clip_global_norm_own_copy(g, max_norm):
    clipped = np.array(g, dtype=float)
    norm = np.sqrt(clipped @ clipped)
    if norm > max_norm:
        clipped *= max_norm / norm               # into its own copy only
    return clipped


def clip_global_norm_list(g, max_norm):
    norm = sum(v * v for v in g) ** 0.5
    scale = max_norm / norm if norm > max_norm else 1.0
    return [v * scale for v in g]


def _clip(g, max_norm, *, norm=np.linalg.norm, target=None, always=False):
    n = norm(g)
    if always or n > max_norm:
        return g * ((max_norm if target is None else target) / n)
    return g


@writes_into("g")
def _clip_global_norm_in_place(g, max_norm):
    norm = np.linalg.norm(g)
    if norm > max_norm:
        g *= max_norm / norm
    return g


@writes_into("g")
def _clip_global_norm_divide_in_place(g, max_norm):
    g /= max(1.0, np.linalg.norm(g) / max_norm)
    return g


RIGHT = {
    "clip_global_norm": [clip_global_norm_min, clip_global_norm_if, clip_global_norm_own_copy,
                         clip_global_norm_list],
}

WRONG = {
    "clip_global_norm": [
        ("returns None (no return)", lambda g, max_norm: None),
        ("raises: max_norm indexed", lambda g, max_norm: g * min(1.0, max_norm[0] / np.linalg.norm(g))),
        ("returns zeros", lambda g, max_norm: np.zeros_like(g)),
        ("clips by value (np.clip)", lambda g, max_norm: np.clip(g, -max_norm, max_norm)),
        ("stretches short vectors to max_norm", lambda g, max_norm: _clip(g, max_norm, always=True)),
        ("normalises to length 1", lambda g, max_norm: _clip(g, max_norm, target=1.0)),
        ("normalises every vector to length 1", lambda g, max_norm: g / np.linalg.norm(g)),
        ("L1 norm", lambda g, max_norm: _clip(g, max_norm, norm=lambda v: np.abs(v).sum())),
        ("max-norm (largest entry)", lambda g, max_norm: _clip(g, max_norm, norm=lambda v: np.abs(v).max())),
        ("squared norm (no square root)", lambda g, max_norm: _clip(g, max_norm, norm=lambda v: v @ v)),
        ("max instead of min", lambda g, max_norm: g * max(1.0, max_norm / np.linalg.norm(g))),
        ("scale inverted (norm / max_norm)",
         lambda g, max_norm: g * min(1.0, np.linalg.norm(g) / max_norm)),
        ("divides by max_norm", lambda g, max_norm: g / max_norm),
        ("returns the norm (a number)", lambda g, max_norm: min(np.linalg.norm(g), max_norm)),
        ("hard-coded max_norm = 1", lambda g, max_norm: _clip(g, 1.0)),
        ("global max_norm instead of the argument", lambda g, max_norm: _clip(g, max_norm_global)),
        ("scales g in place (g *= ...), right values", _clip_global_norm_in_place),
        ("divides g in place (g /= ...), right values", _clip_global_norm_divide_in_place),
    ],
}
