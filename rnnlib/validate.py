"""Argument checks whose messages are written for people.

Every message names the argument, says what was received and what was expected, e.g.
``ValueError("xs must have shape (T, D) or (T, B, D) with T >= 1 and D = 3; got (5, 4)")``.
The model, backward and loss modules call these at their public entry points, so that
no bare numpy broadcasting error escapes from deep inside a computation.
"""
from functools import lru_cache

import numpy as np

FLOAT_DTYPES = (np.dtype(np.float32), np.dtype(np.float64))


def as_real_array(name, value):
    """Return ``value`` as a numpy array of booleans, integers or floats, unconverted.

    Strings, complex numbers, objects and ragged nested lists raise TypeError.
    """
    try:
        arr = np.asarray(value)
    except Exception as exc:  # e.g. ragged nested lists
        raise TypeError(f"{name} must be an array of numbers; got {type(value).__name__}") from exc
    if arr.dtype.kind not in "biuf":
        raise TypeError(f"{name} must be an array of real numbers; got dtype {arr.dtype}")
    return arr


def as_float_array(name, value, dtype=None):
    """Return ``value`` as a float32/float64 array.

    Integer and boolean input, and plain Python numbers and lists, are converted to ``dtype``
    (float64 when ``dtype`` is None). A numpy float array must already have ``dtype``: mixing
    float32 and float64 arrays is an error rather than a silent up- or down-cast.
    """
    arr = as_real_array(name, value)
    untyped = not isinstance(value, (np.ndarray, np.generic))   # lists, Python floats
    if arr.dtype.kind in "biu" or untyped:
        return arr.astype(dtype if dtype is not None else np.float64)
    if arr.dtype not in FLOAT_DTYPES:
        raise TypeError(f"{name} must be float32 or float64; got {arr.dtype}")
    if dtype is not None and arr.dtype != np.dtype(dtype):
        raise TypeError(
            f"{name} has dtype {arr.dtype} but the parameters are {np.dtype(dtype)}; use one "
            f"float dtype throughout, e.g. {name}.astype(np.{np.dtype(dtype)})")
    return arr


def check_float_dtype(name, dtype):
    """Return ``np.dtype(dtype)`` if it is float32 or float64 (None is numpy's float64); raise
    TypeError naming ``name`` otherwise."""
    try:
        dt = np.dtype(dtype)
    except (TypeError, ValueError):                       # e.g. "float8", 3
        raise TypeError(f"{name} must be float32 or float64; got {dtype!r}") from None
    if dt not in FLOAT_DTYPES:
        raise TypeError(f"{name} must be float32 or float64; got {dt}")
    return dt


def check_finite(name, arr):
    """Raise ValueError if ``arr`` holds NaN or inf, naming the first bad index."""
    finite = np.isfinite(arr)
    if np.count_nonzero(finite) == finite.size:      # 2x faster than .all() on small arrays
        return
    bad = ~finite
    first = tuple(int(i) for i in np.argwhere(bad)[0])
    raise ValueError(
        f"{name} must be finite; got {int(bad.sum())} NaN/inf value(s), the first at "
        f"index {first if arr.ndim else '()'} ({arr[first] if arr.ndim else arr})")


def check_option(name, value, allowed):
    """Raise ValueError unless ``value`` is one of the strings in ``allowed``."""
    if not isinstance(value, str) or value not in allowed:
        options = ", ".join(repr(a) for a in allowed)
        raise ValueError(f"{name} must be one of {options}; got {value!r}")


def shape_str(shape):
    """``(5, 4)`` for a shape tuple; ``()`` for a scalar."""
    return "(" + ", ".join(str(s) for s in shape) + ("," if len(shape) == 1 else "") + ")"


def check_positive_int(name, value):
    """Raise unless ``value`` is an int >= 1 (numpy ints included, bools excluded)."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise ValueError(f"{name} must be a positive integer; got {value!r}")
    return int(value)


def check_real(name, value):
    """Raise unless ``value`` is a finite real number; return it as a float."""
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TypeError(f"{name} must be a real number; got {type(value).__name__}")
    if not np.isfinite(value):
        raise ValueError(f"{name} must be finite; got {value!r}")
    return float(value)


def check_positive(name, value):
    """Raise unless ``value`` is a finite real number > 0; return it as a float."""
    value = check_real(name, value)
    if value <= 0:
        raise ValueError(f"{name} must be positive; got {value}")
    return value


def check_seed(name, seed):
    """Raise unless ``seed`` is an int >= 0 (numpy ints included, bools excluded); return it."""
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"{name} must be a non-negative integer; got {seed!r}")
    return int(seed)


def as_generator(name, rng, *, any_seed=False):
    """``rng`` if it is a ``np.random.Generator``; ``np.random.default_rng(rng)`` for an int seed
    >= 0. Anything else, None included (randomness is explicit), raises TypeError; with
    ``any_seed``, a ``np.random.SeedSequence`` and None (fresh entropy) are taken too."""
    if isinstance(rng, np.random.Generator):
        return rng
    if any_seed and (rng is None or isinstance(rng, np.random.SeedSequence)):
        return np.random.default_rng(rng)
    expected = (f"{name} must be a np.random.Generator, a np.random.SeedSequence, an int seed "
                f">= 0 or None (fresh entropy)" if any_seed else
                f"{name} must be a np.random.Generator or an int seed >= 0")
    if isinstance(rng, bool) or not isinstance(rng, (int, np.integer)):
        raise TypeError(f"{expected}; got {type(rng).__name__}")
    if rng < 0:
        raise ValueError(f"{expected}; got {rng}")
    return np.random.default_rng(rng)


def check_function(name, value, expected):
    """Raise TypeError unless ``value`` is callable; ``expected`` says what it must be, e.g.
    "a function of a Trace"."""
    if not callable(value):
        raise TypeError(f"{name} must be {expected}; got {type(value).__name__}")
    return value


def check_h0(h0, xs_shape, H, dtype):
    """Return the initial state ``h0`` as an array of ``dtype``, or raise unless it is finite and
    ``([B,] H)`` for inputs of shape ``xs_shape`` = (T, [B,] D)."""
    batch = tuple(xs_shape[1:-1])
    h0 = as_float_array("h0", h0, dtype)
    if h0.shape != (*batch, H):
        expected = f"(B, H) = {shape_str((*batch, H))}" if batch else f"(H,) = ({H},)"
        raise ValueError(f"h0 must have shape {expected} for xs of shape "
                         f"{shape_str(xs_shape)}; got {shape_str(h0.shape)}")
    check_finite("h0", h0)
    return h0


@lru_cache(maxsize=None)
def _parse_spec(spec):
    """ "W_yh: O H, dy_t: *O" -> (("W_yh", False, ("O", "H")), ("dy_t", True, ("O",)))."""
    parsed = []
    for item in spec.split(","):
        name, dims = (part.strip() for part in item.split(":"))
        parsed.append((name, dims.startswith("*"), tuple(dims.lstrip("*").split())))
    return tuple(parsed)


def check_shapes(spec, *arrays):
    """Check arrays against a shape spec; return them as float arrays.

    ``spec`` names each argument and its axes, e.g. ``"W_yh: O H, W_hh: H H, dy_t: *O"``:
    a letter is a size that must agree across arguments, ``*`` allows one leading batch axis B
    (the same B for every batched argument). The first array that disagrees raises a
    ValueError naming it, the shape received and the shape expected.
    """
    sizes, source, out = {}, {}, []
    for (name, batchable, dims), value in zip(_parse_spec(spec), arrays):
        arr = as_real_array(name, value)
        arr = arr if arr.dtype.kind == "f" else arr.astype(np.float64)
        shape = arr.shape
        axes = dims
        if batchable and arr.ndim == len(dims) + 1:
            axes = ("B",) + dims
        ok = len(shape) == len(axes)
        for axis, size in zip(axes, shape) if ok else ():
            if sizes.setdefault(axis, size) != size:
                ok = False
                break
            source.setdefault(axis, name)
        if not ok:
            known = [f"{a} = {sizes[a]} (from {source[a]})" for a in dict.fromkeys(("B",) + dims)
                     if a in sizes and source.get(a) != name]
            expected = shape_str(dims) + (f" or {shape_str(('B',) + dims)}" if batchable else "")
            raise ValueError(f"{name} must have shape {expected}"
                             + (f" with {', '.join(known)}" if known else "")
                             + f"; got {shape_str(shape)}")
        out.append(arr)
    return out
