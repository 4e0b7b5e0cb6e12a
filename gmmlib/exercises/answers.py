"""Reading what a student's function returned: every value is validated before it is used.

Each reader turns an answer into float64 numbers of the expected shape, or raises ``_Fail``
saying in words what is wrong with it (None, text, a ragged list, a transposed array...).
``_close`` compares an answer with the reference; an answer computed in float32 is judged at
float32 precision (about 7 significant digits), see ``_remember_precision``.
"""
import contextvars
import math
import warnings

import numpy as np

from .feedback import _show

# Nothing here is called by a student: the graders in the sibling modules use it.
__all__ = []

class _Fail(Exception):
    """Internal: a case failed; carries what the feedback should say."""

    def __init__(self, hint, expected=None, got=None, part=""):
        super().__init__(hint)
        self.hint, self.expected, self.got, self.part = hint, expected, got, part


_NOT_SHOWN = object()


def _kind(value):
    """What a non-numeric value is, in words, or None when it may be numbers."""
    if value is None:
        return "None (was a `return` statement reached?)"
    if isinstance(value, (str, bytes)):
        return f"text ({_show(value)}), not numbers"
    if isinstance(value, dict):
        return "a dict; return the numbers themselves"
    if isinstance(value, (set, frozenset)):
        return "a set (sets have no order); return an array"
    if callable(value) and not isinstance(value, np.ndarray):
        return "a function, not its value: did you forget to call it?"
    if hasattr(value, "__next__") or type(value).__name__ in ("generator", "map", "filter", "zip", "range"):
        return f"a {type(value).__name__}; turn it into an array, e.g. np.array(list(...))"
    return None


def _floats(value, what):
    """``value`` as a float64 ndarray, or _Fail saying in words what is wrong with it."""
    problem = _kind(value)
    if problem:
        raise _Fail(f"{what} is {problem}.")
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # older numpy only warns about ragged lists
        try:
            a = np.array(value)
        except (ValueError, Warning):
            raise _Fail(f"{what} is ragged: its rows have different lengths, so it is not an "
                        "array of numbers. Check how you build it (np.stack / np.column_stack).") from None
        except RecursionError:
            raise _Fail(f"{what} contains itself (a list that holds itself?).") from None
        except Exception as exc:
            raise _Fail(f"{what} cannot be read as numbers ({type(exc).__name__}: {exc}).") from None
    kind = a.dtype.kind
    if kind in "US":
        raise _Fail(f"{what} holds text, not numbers.")
    if kind in "mMV":
        raise _Fail(f"{what} holds {a.dtype} values, not plain numbers.")
    if kind == "c":
        if np.any(a.imag != 0):
            raise _Fail(f"{what} holds complex numbers: a square root or a log of a negative "
                        "number somewhere? The result must be real.")
        a = a.real
    if kind == "O":
        try:
            a = a.astype(np.float64)
        except OverflowError:
            raise _Fail(f"{what} holds a number too large for a float (above 1.8e308, such as "
                        "10**400): work in logarithms or check the formula.") from None
        except (TypeError, ValueError):
            raise _Fail(f"{what} is not an array of numbers (it holds nested sequences of "
                        "different lengths or objects that are not numbers).") from None
        except Exception as exc:
            raise _Fail(f"{what} cannot be read as numbers ({type(exc).__name__}).") from None
    with np.errstate(over="ignore"):
        return np.array(a, dtype=np.float64)


def _shaped(a, shape, what, value=_NOT_SHOWN, layout=""):
    """``a`` with exactly ``shape`` (a size-1 answer fits a scalar, (N, 1) fits (N,)).

    ``layout`` says in words what the rows and columns of a 2-D answer are, for the hint on a
    transposed answer (e.g. "one row per point, one column per component").
    """
    shape = tuple(shape)
    if a.shape == shape:
        return a
    if a.size == math.prod(shape) and a.size > 0 and (len(shape) <= 1 or a.squeeze().shape == tuple(
            s for s in shape if s != 1)):
        return a.reshape(shape)
    got = a.shape
    if a.size == 0:
        hint = f"{what} is empty (shape {got}); it should have shape {shape}."
    elif len(got) == 2 and got[::-1] == shape:
        hint = (f"{what} has shape {got}, the transpose of {shape}" + (f": {layout}." if layout else
                                                                       ": swap its axes (.T)."))
    elif shape == ():
        hint = f"{what} should be one number, but it has shape {got}."
    elif a.ndim == 0:
        hint = f"{what} is a single number, but it should be an array of shape {shape}."
    else:
        hint = f"{what} has shape {got} but should have shape {shape}."
    raise _Fail(hint, got=value)


def _array(value, shape, what, layout=""):
    """A float64 array of the given shape (finiteness is each checker's business)."""
    return _shaped(_floats(value, what), shape, what, value, layout)


def _number(value, what):
    """One float (maybe inf or NaN) from a number, a 0-d array or a size-1 array."""
    if isinstance(value, bool) or isinstance(value, np.bool_):
        raise _Fail(f"{what} is {value}, a yes/no answer; a number is expected.")
    if isinstance(value, int) and not isinstance(value, bool):
        try:
            return float(value)
        except OverflowError:
            raise _Fail(f"{what} is an integer too large for a float (above 1.8e308, such as "
                        "10**400): check the formula.") from None
    return float(_array(value, (), what))


def _integer(value, what, low=None, high=None):
    """A whole number (67 or 67.0) within [low, high], else _Fail."""
    if isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_)):
        n = int(value)
    else:
        x = _number(value, what)
        if not math.isfinite(x):
            raise _Fail(f"{what} is {x}; a whole number is expected.", got=_show(value))
        if abs(x - round(x)) > 1e-9:
            raise _Fail(f"{what} is {x:g}, not a whole number: round where the exercise says "
                        "(e.g. the first level or frame where something happens).", got=_show(value))
        n = int(round(x))
    if (low is not None and n < low) or (high is not None and n > high):
        raise _Fail(f"{what} is {_show(n)}, outside the possible range {low}..{high}.", got=_show(value))
    return n


def _items(value, names, what="your function"):
    """The items of a returned tuple (or list) of exactly ``len(names)`` things."""
    n = len(names)
    listing = ", ".join(names)
    problem = _kind(value)
    if problem:
        raise _Fail(f"{what} returned {problem}; return a tuple ({listing}).", got=_show(value))
    if isinstance(value, np.ndarray) or not isinstance(value, (tuple, list)):
        raise _Fail(f"{what} returned one {type(value).__name__}; return a tuple of {n} things: "
                    f"({listing}).", got=_show(value))
    if len(value) != n:
        raise _Fail(f"{what} returned {len(value)} item{'s' if len(value) != 1 else ''}; return a tuple of "
                    f"{n}: ({listing}).", got=_show(value))
    return tuple(value)


# The float dtype of the last answer when it is narrower than float64 (float32, float16), else
# None; set by the session after each call of the student's function.
_ANSWER_DTYPE = contextvars.ContextVar("gmmlib_answer_dtype", default=None)

#: Rounding allowed in a float32 answer, in units of float32's machine epsilon (1.2e-7): a
#: float32 computation of these exercises loses a few digits to rounding, never more.
FLOAT32_ULPS = 64


def _narrow_float(value, depth=2):
    """The float dtype narrower than float64 found in an answer (or its tuple items), or None."""
    if isinstance(value, (np.ndarray, np.generic)) and value.dtype.kind == "f" and value.dtype.itemsize < 8:
        return value.dtype
    if depth and isinstance(value, (tuple, list)) and len(value) <= 8:
        return next((d for d in (_narrow_float(v, depth - 1) for v in value) if d is not None), None)
    return None


def _remember_precision(value):
    """Note whether the answer just returned is float32/float16 (``_close`` then says so)."""
    try:
        _ANSWER_DTYPE.set(_narrow_float(value))
    except Exception:  # an answer whose attributes raise: judged as float64
        _ANSWER_DTYPE.set(None)


def _answer_dtype():
    return _ANSWER_DTYPE.get()


def _float32_like(g):
    """True when every finite value is a float32 number and not all are whole: a float32
    computation handed back as Python floats (float(np.float32(...)) looks like float64)."""
    finite = g[np.isfinite(g)]
    return bool(finite.size and (finite.astype(np.float32) == finite).all()
                and (finite != np.round(finite)).any())


def _close(got, expected, rtol=1e-6, atol=1e-8):
    """Same shape and numerically equal (NaN never equals anything; infinities must agree).

    A float32 answer (returned as float32, or as float64 values that are all float32 numbers)
    may differ by float32 rounding: FLOAT32_ULPS epsilons relative to the reference's scale.
    """
    try:
        g = np.asarray(got, dtype=np.float64)
        e = np.asarray(expected, dtype=np.float64)
    except Exception:
        return False
    if g.shape != e.shape:
        return False
    with np.errstate(all="ignore"):
        if _answer_dtype() == np.float32 or _float32_like(g):
            eps = FLOAT32_ULPS * float(np.finfo(np.float32).eps)
            finite = np.abs(e[np.isfinite(e)])
            scale = float(finite.max()) if finite.size else 1.0
            rtol, atol = max(rtol, eps), max(atol, eps * scale)
        return bool(np.allclose(g, e, rtol=rtol, atol=atol, equal_nan=False))


def _same(got, expected):
    """Like _close but NaN equals NaN: for recognising a known wrong answer."""
    try:
        g = np.asarray(got, dtype=np.float64)
        e = np.asarray(expected, dtype=np.float64)
        with np.errstate(all="ignore"):
            return g.shape == e.shape and bool(np.allclose(g, e, rtol=1e-6, atol=1e-8, equal_nan=True))
    except Exception:
        return False


