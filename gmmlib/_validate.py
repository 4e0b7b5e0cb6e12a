"""Input checks shared by every entry point: bad input gets a message that says what to do.

Every public function of gmmlib calls these first, as scikit-learn's ``validate_array`` and
``validate_params`` do, so the same bad value gets the same message everywhere. A message
names the argument, shows the bad value and says what to pass instead.

Errors: a value of the wrong *kind* (a string where a number is expected, a float where a
whole number is expected, an array of strings) raises :class:`InputTypeError`, which is both
a ``TypeError`` and a ``ValueError`` (like scikit-learn's ``InvalidParameterError``), so code
that catches either keeps working. A value of the right kind but out of range (NaN, a
negative size, a float image scaled to [0, 1]) raises ``ValueError``.

The checks never modify their input: arrays are converted (a copy) only when needed.
"""
import difflib
import functools
import numbers
import os
import re

import numpy as np

__all__ = ["InputTypeError", "InputIndexError", "show", "validate_float", "validate_int", "validate_bool",
           "validate_options", "validate_callable", "validate_iterable", "validate_random_state", "validate_path",
           "validate_array", "validate_image", "validate_frame", "validate_frame_values", "as_data",
           "as_weights", "validate_K", "n_distinct", "ieee_errstate"]


class InputTypeError(TypeError, ValueError):
    """A value of the wrong kind; both a TypeError and a ValueError."""


class InputIndexError(IndexError, ValueError):
    """An index outside its range; both an IndexError and a ValueError."""


def show(value, limit=60):
    """A short description of ``value`` for an error message (arrays by shape and dtype)."""
    if isinstance(value, np.ndarray) and value.ndim > 0:
        return f"an array of shape {value.shape} and dtype {value.dtype}"
    try:
        text = repr(value)
    except Exception:  # a hostile __repr__ must not hide the real message
        text = f"<{type(value).__name__} object>"
    if len(text) > limit:
        text = text[: limit - 15] + " ... " + text[-10:]
    if isinstance(value, (list, tuple, dict, set, str, bytes)) or value is None \
            or isinstance(value, (bool, np.bool_)):
        return text
    if isinstance(value, (numbers.Number, np.generic)):
        return text
    return f"{text} (type {type(value).__name__})"


def ieee_errstate(func):
    """Run ``func`` under numpy's default floating-point error state, whatever the caller set.

    The library relies on IEEE arithmetic in places: a density far from every mean underflows
    to 0, log 0 is -inf, a weight of 0 gives 0/0 that is then masked. A student who called
    ``np.seterr(all="raise")`` while debugging would otherwise see a FloatingPointError from
    inside a correct computation; under this decorator the call returns what it returns
    with the defaults (the state is restored on the way out).
    """
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        with np.errstate(divide="warn", over="warn", under="ignore", invalid="warn"):
            return func(*args, **kwargs)
    return wrapper


# ---------------------------------------------------------------- numbers

_INTERVAL = re.compile(r"^\s*([\[(])\s*([^,]+?)\s*,\s*([^,]+?)\s*([\])])\s*$")


def _parse_interval(interval):
    """'(0, 1]' -> (0.0, 1.0, low_closed=False, high_closed=True); 'inf' and '-inf' allowed."""
    match = _INTERVAL.match(interval)
    if not match:
        raise ValueError(f"bad interval {interval!r}; write it like '(0, 1]' or '[1, inf)'")
    left, low, high, right = match.groups()
    return float(low), float(high), left == "[", right == "]"


def _in_interval(x, interval):
    low, high, low_closed, high_closed = _parse_interval(interval)
    above = x >= low if low_closed else x > low
    below = x <= high if high_closed else x < high
    return above and below


def _describe(interval):
    """Interval notation in words where that reads better: '[0, inf)' -> '>= 0'."""
    low, high, low_closed, high_closed = _parse_interval(interval)
    num = lambda x: f"{x:g}"  # noqa: E731
    if high == np.inf and low == -np.inf:
        return "" if not high_closed else f"in {interval}"
    if high == np.inf:
        return (">= " if low_closed else "> ") + num(low) + (" (or inf)" if high_closed else "")
    if low == -np.inf:
        return ("<= " if high_closed else "< ") + num(high)
    return f"in {interval}"


def _fix(hint):
    return f"; {hint}" if hint else ""


def validate_float(value, name, interval="(-inf, inf)", *, allow_none=False, hint="", expected=None):
    """Return ``value`` as a Python float after checking it is a real number in ``interval``.

    Parameters
    ----------
    value : object
        What the caller passed. ints, floats, numpy scalars and 0-d arrays are numbers; bool,
        str, None (unless ``allow_none``), lists, arrays and complex numbers are not.
    name : str
        The argument's name, used in the message.
    interval : str
        Allowed values in interval notation, e.g. ``"(0, 1]"``, ``"[0, inf)"``. NaN is never
        allowed; infinity only where the interval is closed at ``inf``: ``"[0, inf]"``.
    allow_none : bool
        Return None for None (for arguments whose documented default is None).
    hint : str
        What the value means or what is usual, appended to the message.
    expected : str, optional
        Words for what is allowed, replacing the default "a number in <interval>"
        ("name must be <expected>, got <value>").

    Raises
    ------
    InputTypeError
        ``value`` is not a real number.
    ValueError
        It is NaN, or outside ``interval``.

    Examples
    --------
    >>> validate_float(0.5, "alpha", "(0, 1]")
    0.5
    >>> validate_float(float("nan"), "tol", "[0, inf)")
    Traceback (most recent call last):
    ...
    ValueError: tol must be a number >= 0, got nan
    """
    if value is None and allow_none:
        return None
    words = _describe(interval)
    expected = f"{name} must be " + (expected or ("a finite number" if not words else
                                                  f"a number {words}"))
    expected += " or None" if allow_none else ""
    if isinstance(value, np.ndarray) and value.ndim == 0 and value.dtype.kind in "iuf":
        value = value[()]
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise InputTypeError(f"{expected}, got {show(value)}{_fix(hint)}")
    try:
        x = float(value)
    except OverflowError:  # an int beyond float64, e.g. 10**400
        raise ValueError(f"{expected}, got an integer too large for a float ({show(value)})"
                         f"{_fix(hint)}") from None
    if np.isnan(x) or not _in_interval(x, interval):
        raise ValueError(f"{expected}, got {show(value)}{_fix(hint)}")
    return x


def validate_int(value, name, interval="[0, inf)", *, allow_none=False, hint="", expected=None):
    """Return ``value`` as a Python int after checking it is a whole number in ``interval``.

    Python ints and numpy integers are whole numbers; floats (even 3.0), bool and anything
    else are not (the message shows how to convert). Give sizes an upper bound in
    ``interval``: a huge size would otherwise end in a MemoryError or a very long run.
    The other parameters are those of :func:`validate_float`.

    Examples
    --------
    >>> validate_int(3, "K", "[1, inf)")
    3
    >>> validate_int(2.0, "K", "[1, 64]")
    Traceback (most recent call last):
    ...
    gmmlib._validate.InputTypeError: K must be a whole number in [1, 64], got 2.0; pass 2
    """
    if value is None and allow_none:
        return None
    words = _describe(interval)
    expected = f"{name} must be " + (expected or ("a whole number" + (f" {words}" if words else "")))
    expected += " or None" if allow_none else ""
    if isinstance(value, np.ndarray) and value.ndim == 0 and value.dtype.kind in "iu":
        value = value[()]
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral):
        if isinstance(value, numbers.Real) and not isinstance(value, (bool, np.bool_)) \
                and np.isfinite(float(value)) and float(value) == int(value):
            hint = f"pass {int(value)}" + (f"; {hint}" if hint else "")
        raise InputTypeError(f"{expected}, got {show(value)}{_fix(hint)}")
    n = int(value)
    if not _in_interval(n, interval):
        raise ValueError(f"{expected}, got {show(value)}{_fix(hint)}")
    return n


def validate_bool(value, name, *, hint=""):
    """Return ``value`` as a Python bool; only True/False (and numpy bools) are accepted.

    Examples
    --------
    >>> validate_bool(True, "whiten")
    True
    """
    if not isinstance(value, (bool, np.bool_)):
        raise InputTypeError(f"{name} must be True or False, got {show(value)}{_fix(hint)}")
    return bool(value)


def validate_options(value, name, options, *, hint=""):
    """Return ``value`` if it is one of the strings ``options``; suggest the closest otherwise.

    Examples
    --------
    >>> validate_options("paper", "learning_rate", ("paper", "constant"))
    'paper'
    >>> validate_options("papper", "learning_rate", ("paper", "constant"))
    Traceback (most recent call last):
    ...
    ValueError: learning_rate must be one of ('paper', 'constant'), got 'papper'; did you mean 'paper'?
    """
    options = tuple(options)
    expected = f"{name} must be one of {options}"
    if not isinstance(value, str):
        raise InputTypeError(f"{expected}, got {show(value)}{_fix(hint)}")
    if value not in options:
        close = difflib.get_close_matches(value, options, n=1)
        fix = f"did you mean {close[0]!r}?" if close else hint
        raise ValueError(f"{expected}, got {show(value)}{_fix(fix)}")
    return value


def validate_callable(fn, name, *, hint=""):
    """Return ``fn`` if it can be called; otherwise say to pass the function, not its result."""
    if not callable(fn):
        raise InputTypeError(
            f"{name} must be a function, got {show(fn)}; pass the function itself (its name "
            f"without parentheses), not the result of calling it{_fix(hint)}")
    return fn


def validate_random_state(random_state, name="random_state"):
    """Return a ``numpy.random.Generator`` from a seed.

    None gives fresh entropy (not reproducible); an int >= 0 a seeded generator (the same
    int gives the same numbers); a Generator is used as it is (its state advances). A
    ``SeedSequence`` or ``BitGenerator`` is accepted as ``numpy.random.default_rng`` does.

    Examples
    --------
    >>> bool(validate_random_state(0).integers(10) == validate_random_state(0).integers(10))
    True
    """
    if random_state is None or isinstance(random_state, np.random.Generator):
        return np.random.default_rng(random_state)
    if isinstance(random_state, (np.random.SeedSequence, np.random.BitGenerator)):
        return np.random.default_rng(random_state)
    fix = "pass an integer seed >= 0 (e.g. random_state=0), None, or a numpy.random.Generator"
    if isinstance(random_state, (bool, np.bool_)) or not isinstance(random_state, numbers.Integral):
        raise InputTypeError(f"{name} must be an integer seed >= 0, None or a "
                             f"numpy.random.Generator, got {show(random_state)}; {fix}")
    if random_state < 0:
        raise ValueError(f"{name} must be an integer seed >= 0, got {show(random_state)}; {fix}")
    return np.random.default_rng(int(random_state))


def validate_iterable(value, name, what, *, sized=False):
    """Return ``value`` if it can be iterated over (and, with ``sized``, has a length and items).

    Strings, bytes, dicts and sets are refused: they iterate, but never over what a caller
    meant. ``what`` describes the expected items in the message, e.g. "(H, W) masks".

    Examples
    --------
    >>> validate_iterable(3, "masks", "(H, W) masks")
    Traceback (most recent call last):
    ...
    gmmlib._validate.InputTypeError: masks must be a sequence of (H, W) masks, got 3
    """
    ok = not isinstance(value, (str, bytes, dict, set, frozenset))
    if ok:
        try:
            if sized:
                len(value)
                value[0] if len(value) else None
            else:
                iter(value)
        except Exception:  # a 0-d array, an object without __len__ or __getitem__, ...
            ok = False
    if not ok:
        fix = "; for a generator pass list(...)" if sized and hasattr(value, "__next__") else ""
        raise InputTypeError(f"{name} must be a sequence of {what}, got {show(value)}{fix}")
    return value


def validate_path(path, name="path"):
    """Return ``path`` as a ``pathlib.Path``; it must be a str or an os.PathLike."""
    from pathlib import Path

    if isinstance(path, bytes):
        path = os.fsdecode(path)
    if not isinstance(path, (str, os.PathLike)):
        raise InputTypeError(f"{name} must be a file path (a str or pathlib.Path), got "
                             f"{show(path)}")
    if str(path) == "":
        raise ValueError(f"{name} is an empty string; pass the path of a file")
    if "\x00" in str(path):  # the operating system cannot open such a name
        raise ValueError(f"{name} {show(path)} contains a null character; pass the path of a file")
    return Path(path)


# The data checks live beside these (one module for numbers and options, one for data); every
# caller imports both from here.
from ._validate_data import (as_data, as_weights, n_distinct, validate_array, validate_frame,  # noqa: E402
                             validate_frame_values, validate_image, validate_K)
