"""Checkers for the notebooks' exercises: feedback without a teacher.

Each ``check_*`` function calls your function on a few cases, the friendly ones first and then
hostile ones (numbers that underflow, a singular matrix, uint8 pixels...), compares the answer
with a trusted reference (scipy, OpenCV, or gmmlib itself) and prints either a short "correct"
line or the case that failed: its inputs, what was expected, what your function returned, and
a hint about where to look.

    >>> from gmmlib.exercises import check_logsumexp
    >>> _ = check_logsumexp(lambda a: np.log(np.sum(np.exp(a))))  # doctest: +ELLIPSIS
    ✗ logsumexp failed on the case 'two tiny terms'
        input     a = [-1000, -1001]
        expected  -999.687
        got       -inf
      Hint: every exp(a_k) underflowed to 0.0, and log 0 = -inf. Subtract m = max(a) first: log sum
            exp(a) = m + log sum exp(a - m); the largest term becomes exp(0) = 1.

A checker never raises because of your answer: an exception, a wrong type or shape, NaN, a
number too large for a float or a function that never returns all become feedback. Options
shared by every checker:

- ``timeout=5``: seconds each call of your function may take. A call that does not return in
  time is stopped (an endless loop is the usual reason) and reported; ``timeout=None`` waits
  for ever (the kernel's Interrupt button then stops it). Your function runs in a separate
  thread, and a late one is stopped by raising an exception inside that thread (CPython's
  ``PyThreadState_SetAsyncExc``): this works the same on Linux, macOS and Windows, unlike
  ``signal.alarm``, and leaves the kernel usable. Its limit: the exception lands between two
  Python instructions, so code stuck inside one long C call (``time.sleep(1e9)``) cannot be
  stopped; the checker then says so and returns anyway, and the call ends when the C call does.
- ``quiet=True`` prints nothing, ``strict=True`` raises ``ExerciseError`` on a failure.

Every checker returns a ``Feedback`` (truthy when all cases pass). Your function runs on fresh
copies of the inputs, with numpy warnings silenced: a wrong answer is reported as a wrong
answer, not as a warning. The notation is the notebooks': points x_i, counts c_i,
responsibilities r_ik, weights pi_k, means mu_k, covariances Sigma_k, N_k = sum_i r_ik.

Which notebook uses which checker:
01 ``check_m_step``, ``check_e_step``;
02 ``check_lower_bound``;
03 ``check_logsumexp``, ``check_log_gaussian``, ``check_e_step``, ``check_rcond``;
04 ``check_bic``, ``check_n_parameters``, ``check_n_parameters_by_type``;
05 ``check_histogram``, ``check_threshold``, ``check_em_loop``;
06 ``check_whiten``, ``check_log_likelihood_ratio``;
07 ``check_frames_to_absorb``, ``check_first_match``, ``check_mog2_masks``.
"""
import copy
import ctypes
import functools
import inspect
import linecache
import math
import os
import textwrap
import threading
import time
import traceback
import warnings
from dataclasses import dataclass, field

import numpy as np
from scipy.special import logsumexp as scipy_logsumexp
from scipy.stats import multivariate_normal, norm

from ._validate import validate_bool, validate_float
from .mixture import Mixture

__all__ = ["DEFAULT_TIMEOUT", "ExerciseError", "Feedback", "check_bic", "check_e_step",
           "check_em_loop", "check_first_match", "check_frames_to_absorb", "check_histogram",
           "check_log_gaussian", "check_log_likelihood_ratio", "check_logsumexp",
           "check_lower_bound", "check_m_step", "check_n_parameters_by_type",
           "check_mog2_masks", "check_n_parameters", "check_rcond", "check_threshold",
           "check_whiten"]

#: Seconds a single call of the student's function may take before it is stopped.
DEFAULT_TIMEOUT = 5.0


class ExerciseError(AssertionError):
    """Raised by a checker called with ``strict=True`` when a case fails."""


@dataclass
class Feedback:
    """The verdict of a checker.

    ``passed`` says it all; on a failure ``case`` names the case, ``inputs`` shows its inputs
    (name, printed value), ``expected`` and ``got`` are printed values ("" when not shown) and
    ``hint`` says where to look. ``message`` is the text the checker prints.
    """
    exercise: str
    passed: bool
    n_cases: int
    case: str = ""
    expected: str = ""
    got: str = ""
    hint: str = ""
    inputs: list = field(default_factory=list)
    printed: bool = False

    def __bool__(self):
        return self.passed

    @property
    def message(self):
        if self.passed:
            return f"✓ {self.exercise}: correct on all {self.n_cases} cases."
        lines = [f"✗ {self.exercise} failed on the case '{self.case}'"]
        for i, (name, value) in enumerate(self.inputs):
            head = "input" if i == 0 else ""
            lines.append(_indent(f"    {head:<9} {name} = {value}", 14 + len(name) + 3))
        if self.expected:
            lines.append(_indent(f"    expected  {self.expected}", 14))
        if self.got:
            lines.append(_indent(f"    got       {self.got}", 14))
        lines.append(textwrap.fill(" ".join(self.hint.split()), 96, initial_indent="  Hint: ",
                                   subsequent_indent="        ", break_on_hyphens=False))
        return "\n".join(lines)

    def __str__(self):
        return self.message

    def __repr__(self):
        return f"Feedback({self.exercise!r}, passed={self.passed})"

    def _ipython_display_(self):
        # The checker has printed the message already; a notebook cell ending with the call
        # should not show it a second time.
        if not self.printed:
            print(self.message)


def _indent(text, width):
    """Continuation lines of a multi-line value line up under its first line."""
    return text.replace("\n", "\n" + " " * width)


# ============================================================================================
# Showing values: never trust a student's object to print itself

def _show(value, limit=12):
    """A short, safe printout of any value (an answer or an input)."""
    try:
        return _show_unsafe(value, limit)
    except Exception:
        return f"<a {type(value).__name__} that cannot be printed>"


def _show_unsafe(value, limit):
    if isinstance(value, (str, bytes)):
        text = repr(value)
        return text if len(text) <= 60 else text[:57] + "..."
    if isinstance(value, bool) or value is None:
        return repr(value)
    if isinstance(value, int):
        digits = len(str(abs(value))) if abs(value) < 10 ** 4000 else 4000
        return repr(value) if digits <= 20 else f"an integer with {digits}{'+' if digits == 4000 else ''} digits"
    if isinstance(value, float):
        return _num(value)
    if isinstance(value, tuple):
        inner = ", ".join(_show(v, limit) for v in value[:6])
        return "(" + inner + (", ..." if len(value) > 6 else "") + ("," if len(value) == 1 else "") + ")"
    if isinstance(value, Mixture):
        means = _compact(value.means).split("  (")[0]
        return (f"Mixture with weights {_compact(value.weights)}, means {means} and covariances of "
                f"shape {value.covariances.shape}")
    if isinstance(value, (np.ndarray, np.generic, list)):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                a = np.asarray(value)
            except Exception:
                a = None
        if a is not None and a.dtype.kind in "biufc":
            return _compact(a, limit)
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def _num(x):
    """A number in at most 6 significant digits, as numpy prints it."""
    if isinstance(x, (bool, np.bool_)):
        return str(bool(x))
    if isinstance(x, (int, np.integer)):
        return str(int(x))
    if isinstance(x, (complex, np.complexfloating)):
        return repr(complex(x))
    x = float(x)
    if not math.isfinite(x):
        return repr(x)
    return f"{x:.6g}"


def _compact(a, limit=12, width=86):
    """An array on as few lines as it needs: nested brackets, rows wrapped, the shape when 2-D+."""
    if a.ndim == 0:
        return _num(a.item())
    if a.size > 4 * limit and a.dtype.kind in "biuf":
        return f"{a.dtype} array of shape {a.shape}, values {_num(a.min())} to {_num(a.max())}"

    def one_line(x):
        if x.ndim == 0:
            return _num(x.item())
        items = [one_line(v) for v in x]
        return "[" + ", ".join(items) + "]"

    if a.ndim == 1 or a.ndim == 2 and a.shape[1] == 1 and a.shape[0] > 1:
        flat = a.reshape(-1)
        items = [_num(v) for v in flat]
        if len(items) > limit:
            items = items[:3] + ["..."] + items[-3:]
        text = "[" + ", ".join(items) + "]"
        return text + ("" if a.ndim == 1 else f"  (a column, shape {a.shape})")
    rows = [one_line(v) for v in a]
    if len(rows) > limit:
        rows = rows[:3] + ["..."] + rows[-3:]
    lines, current = [], "["
    for i, row in enumerate(rows):
        piece = row + (", " if i < len(rows) - 1 else "]")
        if len(current) + len(piece) > width and current != "[":
            lines.append(current.rstrip())
            current = " "
        current += piece
    lines.append(current)
    return "\n".join(lines) + f"  (shape {a.shape})"


# ============================================================================================
# Running the student's function: copies of the inputs, a time limit, every exception caught

class _Timeout(BaseException):
    """Raised inside a student's function that ran out of time (BaseException: `except
    Exception` in the student's code must not swallow it)."""


def _async_raise(thread, exc_type):
    """Raise ``exc_type`` in ``thread`` at its next Python instruction (CPython only)."""
    try:
        set_async_exc = ctypes.pythonapi.PyThreadState_SetAsyncExc
    except AttributeError:  # not CPython: the thread cannot be stopped, only abandoned
        return False
    n = set_async_exc(ctypes.c_ulong(thread.ident), ctypes.py_object(exc_type))
    if n > 1:  # never expected; undo rather than hit several threads
        set_async_exc(ctypes.c_ulong(thread.ident), None)
    return n == 1


#: Seconds given to a timed-out function to notice the stop request before it is abandoned.
STOP_GRACE = 2.0


def _stop(thread, box, grace=None):
    """Stop a running student thread; True when it really ended.

    The exception is delivered between two Python instructions, so a pure-Python loop stops at
    once. A thread stuck inside one C call (time.sleep, a huge numpy operation) only stops when
    that call returns; it is then left running as a daemon and reported. The request is repeated
    while the student's code runs (it may catch it), never once that code has returned.
    """
    deadline = time.monotonic() + (STOP_GRACE if grace is None else grace)
    while thread.is_alive() and not box.get("done") and time.monotonic() < deadline:
        _async_raise(thread, _Timeout)
        thread.join(0.05)
    thread.join(max(0.0, deadline - time.monotonic()))
    return not thread.is_alive()


def _run(fn, args, timeout):
    """Call ``fn(*args)``; returns (value, None) or (None, BaseException or _Timeout instance)."""
    box = {}

    def target():
        try:
            with np.errstate(all="ignore"):  # numpy's error state is per thread
                box["value"] = fn(*args)
        except BaseException as exc:  # the student's code may raise anything, even SystemExit
            box["error"] = exc
        finally:
            box["done"] = True

    def guarded():
        try:
            target()
        except BaseException:  # a stop request that arrived just after the function returned
            box.setdefault("error", _Timeout())

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if timeout is None:
            guarded()
            return box.get("value"), box.get("error")
        thread = threading.Thread(target=guarded, name="gmmlib-exercise", daemon=True)
        thread.start()
        try:
            thread.join(timeout)
        except KeyboardInterrupt:  # the student pressed Interrupt: stop their code too
            _stop(thread, box)
            raise
        if thread.is_alive() and not box.get("done"):
            stopped = _stop(thread, box)
            return None, _Timeout(timeout, stopped)
        thread.join()
    return box.get("value"), box.get("error")


def _where(exc):
    """' (line N of your code: `...`)' for the deepest frame outside numpy/scipy/gmmlib."""
    try:
        frames = traceback.extract_tb(exc.__traceback__)
    except Exception:
        return ""
    here = os.path.dirname(os.path.abspath(__file__))
    for frame in reversed(frames):
        name = frame.filename or ""
        if (os.path.abspath(name).startswith(here) or "site-packages" in name
                or f"{os.sep}numpy{os.sep}" in name or f"{os.sep}scipy{os.sep}" in name):
            continue
        line = (frame.line or linecache.getline(name, frame.lineno) or "").strip()
        return f" (in {frame.name}, line {frame.lineno}: `{line[:70]}`)" if line else ""
    return ""


def _error_hint(exc, n_args, arg_names, hint=""):
    """Feedback text for an exception raised by (or a time-out of) the student's function."""
    if isinstance(exc, _Timeout):
        limit, stopped = (exc.args + (None, True))[:2]
        text = (f"your function did not return within {limit:g} s. An endless loop? Check that "
                "every loop has a condition that becomes true, or a maximum number of rounds. "
                "If it is only slow, pass a larger timeout=... to the checker.")
        if not stopped:
            text += (" It could not be stopped (it is stuck inside one long C call) and keeps "
                     "running in the background; restart the kernel if the notebook slows down.")
        return text
    if isinstance(exc, NotImplementedError):
        return ("not written yet: replace the `raise NotImplementedError` with your code and run "
                "the check again.")
    frames = traceback.extract_tb(exc.__traceback__) if exc.__traceback__ else []
    if isinstance(exc, TypeError) and len(frames) <= 2 and "argument" in str(exc):
        return (f"your function could not be called with {n_args} arguments ({', '.join(arg_names)}): "
                f"{exc}. Give it exactly these parameters.")
    if isinstance(exc, RecursionError):
        return "your function calls itself without end (RecursionError): a loop is what you need."
    if isinstance(exc, (SystemExit, KeyboardInterrupt)):
        return f"your function stopped the program ({type(exc).__name__}): return a value instead."
    try:
        text = str(exc)
    except Exception:
        text = "(no message)"
    if len(text) > 200:
        text = text[:197] + "..."
    return (f"your function raised {type(exc).__name__}: {text}{_where(exc)}. "
            + (hint or "Run it on these inputs by hand and read the traceback."))


# ============================================================================================
# Reading the student's answer: every value is validated before it is used

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


def _shaped(a, shape, what, value=_NOT_SHOWN):
    """``a`` with exactly ``shape`` (a size-1 answer fits a scalar, (N, 1) fits (N,))."""
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
        hint = (f"{what} has shape {got}, the transpose of {shape}: one row per point, one column "
                "per component.")
    elif shape == ():
        hint = f"{what} should be one number, but it has shape {got}."
    elif a.ndim == 0:
        hint = f"{what} is a single number, but it should be an array of shape {shape}."
    else:
        hint = f"{what} has shape {got} but should have shape {shape}."
    raise _Fail(hint, got=value)


def _array(value, shape, what):
    """A float64 array of the given shape (finiteness is each checker's business)."""
    return _shaped(_floats(value, what), shape, what, value)


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


def _close(got, expected, rtol=1e-6, atol=1e-8):
    """Same shape and numerically equal (NaN never equals anything; infinities must agree)."""
    try:
        g = np.asarray(got, dtype=np.float64)
        e = np.asarray(expected, dtype=np.float64)
    except Exception:
        return False
    if g.shape != e.shape:
        return False
    with np.errstate(all="ignore"):
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


# ============================================================================================
# The checker machinery: cases, the session that calls the student, the safety net

@dataclass
class _Case:
    label: str
    inputs: list  # [(name, value)], passed positionally in this order

    @property
    def args(self):
        return [v for _, v in self.inputs]

    def shown(self):
        return [(name, _show(v, limit=30)) for name, v in self.inputs]


class _Session:
    """One checker run: calls the student's function on a case, within the time limit."""

    def __init__(self, name, timeout):
        self.name, self.timeout = name, timeout
        self.case, self.n_cases = None, 0

    def call(self, fn, case, hint=""):
        self.case = case
        value, error = _run(fn, copy.deepcopy(case.args), self.timeout)
        if error is not None:
            raise _Fail(_error_hint(error, len(case.inputs), [n for n, _ in case.inputs], hint))
        return value


def _check_timeout(timeout):
    return validate_float(timeout, "timeout", "(0, 1e6)", allow_none=True,
                       expected="a number of seconds > 0 (below 1e6)",
                       hint=f"None waits for ever; the default is {DEFAULT_TIMEOUT:g}")


def _checker(name, n_cases):
    """Wrap a checker body ``body(session, fn, **kw)``: options, output and the safety net.

    The body calls the student through ``session.call`` and raises ``_Fail`` at the first
    wrong case. Anything else that escapes the body (a checker bug, or an answer no validation
    foresaw) still becomes feedback, never a traceback.
    """
    def decorate(body):
        extra = list(inspect.signature(body).parameters.values())[2:]  # after (session, fn)

        @functools.wraps(body)
        def checker(fn, *args, quiet=False, strict=False, timeout=DEFAULT_TIMEOUT, **kwargs):
            try:  # a mistyped option is the caller's error, said at the call
                checker.__signature__.bind(fn, *args, quiet=quiet, strict=strict, timeout=timeout, **kwargs)
            except TypeError as exc:
                raise TypeError(f"{body.__name__}: {exc}") from None
            quiet, strict = validate_bool(quiet, "quiet"), validate_bool(strict, "strict")
            session = _Session(name, _check_timeout(timeout))
            session.n_cases = n_cases
            try:
                if not callable(fn):
                    raise _Fail(f"pass your function itself, e.g. {body.__name__}(my_function), "
                                f"not its result (this is {_show(fn)}).")
                body(session, fn, *args, **kwargs)
                feedback = Feedback(name, True, session.n_cases)
            except _Fail as fail:
                feedback = _feedback(session, fail)
            except KeyboardInterrupt:
                raise
            except Exception as exc:  # never let the checker itself crash on an odd answer
                fail = _Fail(f"the checker could not read your answer ({type(exc).__name__}: {exc}). "
                             "Check the type and shape your function returns against the exercise.")
                feedback = _feedback(session, fail)
            if strict and not feedback.passed:
                raise ExerciseError(feedback.message)
            if not quiet:
                print(feedback.message)
                feedback.printed = True
            return feedback

        options = [inspect.Parameter(n, inspect.Parameter.KEYWORD_ONLY, default=d)
                   for n, d in (("quiet", False), ("strict", False), ("timeout", DEFAULT_TIMEOUT))]
        checker.__signature__ = inspect.Signature(
            [inspect.Parameter("fn", inspect.Parameter.POSITIONAL_OR_KEYWORD)]
            + [p.replace(kind=inspect.Parameter.KEYWORD_ONLY) for p in extra] + options)
        return checker
    return decorate


def _feedback(session, fail):
    case = session.case
    label = case.label if case is not None else "before any case"
    if fail.part:
        label += f": {fail.part}"
    show = (lambda v: "" if v is None else v if isinstance(v, str) else _show(v))
    return Feedback(session.name, False, session.n_cases, label, show(fail.expected), show(fail.got),
                    fail.hint, case.shown() if case is not None else [])



# ============================================================================================
# logsumexp (notebook 03)

def _lse_shifted(a, m):
    """m + log sum exp(a - m) for a given shift m (the min or the mean: wrong choices)."""
    with np.errstate(all="ignore"):
        return float(m + np.log(np.sum(np.exp(a - m))))


@_checker("logsumexp", 9)
def check_logsumexp(s, fn):
    """Check ``fn(a) -> float``: log(sum_k exp(a_k)) of a 1-D array ``a``, without underflow or overflow.

    The reference is ``scipy.special.logsumexp``. The hostile cases: [-1000, -1001] must give
    -999.687 (the direct form gives log 0 = -inf), [1000, 1000] must give 1000.693 (the direct
    form gives inf), [0, -600, -1400] and [0, -2000] must give 0 (subtracting the min, and then
    the mean, instead of the max overflows there), and a -inf entry (a component of weight 0) must simply not count.
    """
    cases = [
        ("two zeros", [0.0, 0.0]),
        ("ordinary numbers", [1.0, 2.0, 3.0]),
        ("a single number", [-5.0]),
        ("two tiny terms", [-1000.0, -1001.0]),
        ("two huge terms", [1000.0, 1000.0]),
        ("terms 1400 apart", [0.0, -600.0, -1400.0]),
        ("terms 2000 apart", [0.0, -2000.0]),
        ("one term of weight zero (-inf)", [-np.inf, -2.0, -3.0]),
        ("tiny terms of very different size", [-800.0, -1200.0, -1000.0]),
    ]
    for label, values in cases:
        a = np.array(values)
        expected = float(scipy_logsumexp(a))
        got = s.call(fn, _Case(label, [("a", a)]))
        values = _floats(got, "your result")
        if values.size == 0:
            raise _Fail("your result is empty; return one number.", expected, got)
        if values.size != 1:
            raise _Fail(f"return one number (the sum runs over the whole 1-D array), not an array of shape "
                        f"{values.shape}.", expected, got)
        g = float(values.reshape(()))
        if _close(g, expected, rtol=1e-9, atol=1e-9):
            continue
        spread = np.ptp(a) > 0 if np.isfinite(a).all() else True
        by_min, by_mean = (not np.isnan(g) and spread and _same(g, _lse_shifted(a, f(a))) for f in (np.min, np.mean))
        if by_min and not by_mean:
            hint = ("you subtracted the minimum. Subtract the MAXIMUM m = max(a): then every a_k - m "
                    "is <= 0, exp never overflows, and the largest term is exp(0) = 1, so the sum "
                    "is >= 1 and its log is never -inf.")
        elif by_mean:
            hint = ("you subtracted the mean. Subtract the MAXIMUM m = max(a): with the mean, terms far "
                    "above it still overflow (here exp(1000) = inf). With the max every a_k - m <= 0 "
                    "and the largest term is exp(0) = 1.")
        elif g == -np.inf:
            hint = ("every exp(a_k) underflowed to 0.0, and log 0 = -inf. Subtract m = max(a) first: "
                    "log sum exp(a) = m + log sum exp(a - m); the largest term becomes exp(0) = 1.")
        elif g == np.inf:
            hint = ("exp(1000) overflows to inf. Subtract m = max(a) before exponentiating and add it "
                    "back after the log: m + log sum exp(a - m).")
        elif np.isnan(g):
            hint = ("NaN: look for inf - inf or 0/0. Subtracting the min or the mean of an array that "
                    "holds -inf gives -inf - (-inf) = NaN: subtract the max, and a -inf entry (weight 0) "
                    "then just gives exp(-inf) = 0.")
        elif _close(g, np.max(a)):
            hint = "you returned max(a); the other terms still add log(1 + ...). Add log sum exp(a - max(a))."
        elif _close(g, _lse_shifted(a, np.max(a)) - np.max(a)):
            hint = "you forgot to add the maximum back: the result is m + log sum exp(a - m)."
        else:
            hint = "compare with the formula m + log(sum(exp(a - m))) with m = max(a), term by term."
        raise _Fail(hint, expected, g)


# ============================================================================================
# component log-density (notebook 03)

@_checker("log_gaussian", 4)
def check_log_gaussian(s, fn):
    """Check ``fn(X, mean, cov) -> (N,)``: log N(x_i | mu, Sigma) for each row x_i of X (N, d).

    The reference is ``scipy.stats.multivariate_normal.logpdf``. The formula:
    log N(x | mu, Sigma) = -1/2 [d log(2 pi) + log det Sigma + (x - mu)^T Sigma^-1 (x - mu)].
    The hostile case is an RGB pixel 100 standard deviations away, whose density is 0.0 in
    float64 but whose log-density (about -5000) is an ordinary number.
    """
    cov2 = np.array([[2.0, 0.8], [0.8, 1.0]])
    cases = [
        ("1-D standard normal", np.array([[0.0], [1.0], [-2.0]]), np.array([0.0]), np.array([[1.0]])),
        ("1-D, variance 9", np.array([[10.0], [13.0]]), np.array([10.0]), np.array([[9.0]])),
        ("2-D, correlated covariance", np.array([[0.0, 0.0], [1.0, -1.0], [3.0, 2.0]]), np.array([0.5, 0.0]), cov2),
        ("RGB pixel far from a tight component", np.array([[40.0, 200.0, 40.0], [201.0, 40.0, 41.0]]),
         np.array([200.0, 40.0, 40.0]), np.eye(3) * 4.0),
    ]
    for label, X, mean, cov in cases:
        expected = multivariate_normal(mean, cov).logpdf(X).reshape(-1)
        got = s.call(fn, _Case(label, [("X", X), ("mean", mean), ("cov", cov)]))
        g = _array(got, expected.shape, "your result")
        if _close(g, expected):
            continue
        d = X.shape[1]
        diff = g - expected
        if np.isneginf(g).any():
            hint = ("-inf: you took the log of a density that had underflowed to 0.0. Never compute "
                    "the density itself: write the log-density directly from the formula.")
        elif not np.isfinite(g).all():
            hint = ("NaN or inf: look for a log of a negative number or 0/0; the log-density is "
                    "finite for every point.")
        elif _close(diff, np.full_like(diff, diff[0])):
            c = abs(diff[0])
            if np.isclose(c, 0.5 * d * np.log(2 * np.pi)) or np.isclose(c, d * np.log(2 * np.pi)):
                hint = "off by a constant equal to the d log(2 pi) term: check it is there, once, with the -1/2."
            else:
                hint = ("off by the same constant for every point: check the normalising terms "
                        "-1/2 d log(2 pi) and -1/2 log det Sigma.")
        else:
            hint = ("the error depends on the point: check the quadratic form (x_i - mu)^T Sigma^-1 (x_i - mu) "
                    "(with the -1/2, the full inverse or a Cholesky solve, not just the diagonal).")
        raise _Fail(hint, expected, g)


# ============================================================================================
# E-step and M-step (notebooks 01, 03)

def _weighted_log_densities(X, weights, means, covs):
    """a_ik = log pi_k + log N(x_i | mu_k, Sigma_k), shape (N, K)."""
    with np.errstate(divide="ignore"):
        return np.column_stack([np.log(w) + multivariate_normal(m, c).logpdf(X).reshape(-1)
                                for w, m, c in zip(weights, means, covs)])


def _e_step_hint(g, a, expected, K):
    """The hint for wrong responsibilities g, given the exact log numerators a (N, K)."""
    with np.errstate(all="ignore"):
        linear = np.exp(a)                       # what a linear-domain E-step works with
    underflowed = linear.sum(axis=1) == 0        # points where every pi_k N(x_i|k) is 0.0
    row_sums = g.sum(axis=1)
    bad_rows = ~np.isclose(g, expected, rtol=1e-6, atol=1e-8).all(axis=1)
    if np.isnan(g).any():
        return ("NaN: for some points every pi_k N(x_i | mu_k, Sigma_k) underflowed to 0.0 and you "
                "divided 0 by 0. Work in logs: a_ik = log pi_k + log N(x_i | mu_k, Sigma_k), then "
                "r_ik = exp(a_ik - logsumexp_k a_ik).")
    if underflowed.any() and (bad_rows & underflowed).any() and not (bad_rows & ~underflowed).any():
        rows = np.flatnonzero(bad_rows & underflowed)
        where = f"point{'s' if rows.size > 1 else ''} {', '.join(map(str, rows))}"
        if np.allclose(row_sums[rows], 0, atol=1e-6):
            return (f"underflow, not a normalisation slip: for {where} every pi_k N(x_i | mu_k, Sigma_k) "
                    "underflowed to 0.0, so a tiny number added to the denominator (like 1e-300) turns "
                    "0/0 into 0 and the row sums to 0. No epsilon fixes this: work in logs, "
                    "r_ik = exp(a_ik - logsumexp_k a_ik) with a_ik = log pi_k + log N(x_i | mu_k, Sigma_k).")
        if np.allclose(g[rows], 1.0 / K, atol=1e-6):
            return (f"underflow: for {where} every pi_k N(x_i | mu_k, Sigma_k) underflowed to 0.0 and "
                    "an epsilon made the row uniform (1/K each), but in the log domain the point clearly "
                    "belongs to one component. Work in logs: r_ik = exp(a_ik - logsumexp_k a_ik).")
        return (f"underflow: for {where} every pi_k N(x_i | mu_k, Sigma_k) is 0.0 in float64. Work in "
                "logs: r_ik = exp(a_ik - logsumexp_k a_ik) with a_ik = log pi_k + log N(x_i | mu_k, Sigma_k).")
    if not np.isfinite(g).all():
        return "inf: a division by a density that underflowed to 0.0? Work in logs."
    if not np.allclose(row_sums, 1.0):
        if _close(g, linear) or _close(g, linear - np.log(np.exp(0))):
            return ("the rows do not sum to 1: divide each row by its sum over components (the mixture "
                    "density p(x_i)).")
        return "the rows do not sum to 1: r_ik is a probability over the components k for each point x_i."
    return None


def _responsibility_hint(X, g, weights, means, covs, expected):
    K = len(weights)
    a = _weighted_log_densities(X, weights, means, covs)
    hint = _e_step_hint(g, a, expected, K)
    if hint:
        return hint
    uniform = _weighted_log_densities(X, np.full(K, 1.0 / K), means, covs)
    uniform = np.exp(uniform - scipy_logsumexp(uniform, axis=1, keepdims=True))
    if not np.allclose(weights, weights[0]) and _close(g, uniform):
        return "you forgot the mixing weights: the numerator is pi_k N(x_i | mu_k, Sigma_k), not N(x_i | mu_k, Sigma_k)."
    return "compare one row by hand with r_ik = pi_k N(x_i | mu_k, Sigma_k) / sum_j pi_j N(x_i | mu_j, Sigma_j)."


@_checker("e_step", 4)
def check_e_step(s, fn):
    """Check ``fn(X, weights, means, covariances) -> responsibilities``.

    X (N, d); weights (K,); means (K, d); covariances (K, d, d). Return the responsibilities
    r_ik = pi_k N(x_i | mu_k, Sigma_k) / sum_j pi_j N(x_i | mu_j, Sigma_j) as an (N, K) array
    whose rows sum to 1, or the tuple (responsibilities, log_likelihood) where log_likelihood
    is the total sum_i log p(x_i) (a number) or the per-point log p(x_i) (N,); it is checked too.
    The hostile case holds points more than 100 standard deviations from both components: in
    the linear domain their responsibilities are 0/0 = NaN (or 0 with a padded denominator);
    in the log domain they are fine.
    """
    rng = np.random.default_rng(0)
    X1 = np.r_[rng.normal(0, 1, 6), rng.normal(5, 1, 6)][:, None].round(2)
    X2 = rng.normal(0, 2, (8, 2)).round(2)
    red = np.array([[200.0, 40, 40], [198, 41, 39]])
    green = np.array([[40.0, 200, 40], [41, 199, 42]])
    cases = [
        ("1-D, two equal components", X1, np.array([0.5, 0.5]), np.array([[0.0], [5.0]]),
         np.array([[[1.0]], [[1.0]]])),
        ("2-D, unequal weights", X2, np.array([0.8, 0.2]), np.array([[0.0, 0.0], [1.0, 1.0]]),
         np.array([np.eye(2), [[2.0, 0.5], [0.5, 1.0]]])),
        ("three components, one almost weightless", X1, np.array([0.6, 0.39, 0.01]),
         np.array([[0.0], [5.0], [2.5]]), np.array([[[1.0]], [[2.0]], [[0.5]]])),
        ("RGB pixels far from both tight components", np.vstack([red, green]), np.array([0.5, 0.5]),
         np.array([[200.0, 40, 40], [40, 40, 200]]), np.array([np.eye(3) * 4.0] * 2)),
    ]
    for label, X, w, mu, cov in cases:
        a = _weighted_log_densities(X, w, mu, cov)
        ll = scipy_logsumexp(a, axis=1)
        expected = np.exp(a - ll[:, None])
        got = s.call(fn, _Case(label, [("X", X), ("weights", w), ("means", mu), ("covariances", cov)]))
        got_ll = None
        if isinstance(got, tuple):
            if len(got) not in (1, 2):
                raise _Fail(f"you returned a tuple of {len(got)} items; return the responsibilities, "
                            "or the tuple (responsibilities, log_likelihood).", got=got)
            got, got_ll = got[0], (got[1] if len(got) == 2 else None)
        g = _array(got, expected.shape, "the responsibilities")
        if not _close(g, expected):
            raise _Fail(_responsibility_hint(X, g, w, mu, cov, expected), expected, g)
        if got_ll is not None:
            per_point = not isinstance(got_ll, (int, float)) and np.size(got_ll) == X.shape[0] > 1
            exp_ll = ll if per_point else float(ll.sum())
            gl = _array(got_ll, np.shape(exp_ll), "the log-likelihood (second item)")
            if not _close(gl, exp_ll):
                raise _Fail("the responsibilities are right but the log-likelihood is not: it is "
                            "sum_i log p(x_i) = sum_i logsumexp_k (log pi_k + log N(x_i | mu_k, Sigma_k)).",
                            exp_ll, gl, part="log-likelihood")


def _m_step(X, resp):
    X = np.asarray(X, dtype=np.float64)
    Nk = resp.sum(axis=0)
    means = resp.T @ X / Nk[:, None]
    covs = np.stack([(resp[:, k, None] * (X - means[k])).T @ (X - means[k]) / Nk[k] for k in range(resp.shape[1])])
    return Nk / Nk.sum(), means, covs


@_checker("m_step", 3)
def check_m_step(s, fn):
    """Check ``fn(X, resp) -> (weights, means, covariances)``.

    X (N, d) data (may be uint8 pixels!), resp (N, K) responsibilities r_ik. Return
    weights (K,) pi_k = N_k / N, means (K, d) mu_k = sum_i r_ik x_i / N_k and covariances
    (K, d, d) Sigma_k = sum_i r_ik (x_i - mu_k)(x_i - mu_k)^T / N_k with N_k = sum_i r_ik (the
    maximum-likelihood estimate: divide by N_k, not N_k - 1). The hostile case gives uint8
    pixels: 200 * 200 wraps around in uint8.
    """
    rng = np.random.default_rng(1)
    X1 = np.r_[rng.normal(0, 1, 5), rng.normal(6, 2, 5)][:, None].round(2)
    r1 = np.r_[np.full(5, 0.9), np.full(5, 0.2)]
    X2 = (rng.normal(0, 1, (12, 2)) @ np.array([[2.0, 0.0], [0.7, 1.0]]) + [3.0, -1.0]).round(2)
    r2 = rng.dirichlet([1.0, 1.0, 1.0], 12).round(3)
    r2 /= r2.sum(axis=1, keepdims=True)
    X3 = np.array([[60, 70, 80], [62, 71, 79], [200, 210, 190], [199, 205, 195], [61, 69, 85]], dtype=np.uint8)
    r3 = np.array([[1.0, 0.0], [0.9, 0.1], [0.05, 0.95], [0.0, 1.0], [0.8, 0.2]])
    cases = [
        ("1-D, soft responsibilities", X1, np.column_stack([r1, 1 - r1])),
        ("2-D, three components", X2, r2),
        ("uint8 RGB pixels", X3, r3),
    ]
    for label, X, resp in cases:
        expected = _m_step(X, resp)
        got = s.call(fn, _Case(label, [("X", X), ("resp", resp)]))
        parts = _items(got, ("weights", "means", "covariances"))
        Xf = X.astype(np.float64)
        Nk = resp.sum(axis=0)
        for part, value, e in zip(("weights", "means", "covariances"), parts, expected):
            g = _array(value, e.shape, f"the {part}")
            if _close(g, e):
                continue
            if not np.isfinite(g).all():
                hint = f"the {part} hold NaN or inf: a division by N_k = 0, or an overflow?"
            elif part == "weights":
                hint = ("the weights must sum to 1: pi_k = N_k / N." if _close(g, Nk)
                        else "pi_k = N_k / N with N_k = sum_i r_ik (sum each column of resp).")
            elif part == "means":
                hint = ("you forgot to divide by N_k = sum_i r_ik." if _close(g, resp.T @ Xf)
                        else "mu_k = sum_i r_ik x_i / N_k: a weighted average of the points.")
            else:
                uncentred = np.einsum("nk,na,nb->kab", resp, Xf, Xf) / Nk[:, None, None]
                if X.dtype == np.uint8 and not _close(g, e * Nk[:, None, None] / (Nk[:, None, None] - 1)):
                    hint = ("the data are uint8 and products like 200 * 200 wrap around: convert "
                            "with X = X.astype(float) before squaring.")
                elif _close(g, e * Nk[:, None, None] / (Nk[:, None, None] - 1)):
                    hint = "divide by N_k, not N_k - 1: EM needs the maximum-likelihood covariance."
                elif _close(g, uncentred):
                    hint = "you forgot to subtract the mean: use (x_i - mu_k)(x_i - mu_k)^T with the NEW mu_k."
                elif _close(g, e * Nk[:, None, None]):
                    hint = "you forgot to divide the covariance by N_k."
                else:
                    hint = "Sigma_k = sum_i r_ik (x_i - mu_k)(x_i - mu_k)^T / N_k, an outer product per point."
            raise _Fail(hint, e, g, part=part)


# ============================================================================================
# the covariance guard (notebook 03)

@_checker("rcond", 6)
def check_rcond(s, fn):
    """Check ``fn(cov) -> float``: the reciprocal condition number 1 / (||S||_1 ||S^-1||_1).

    ||A||_1 is the largest ABSOLUTE column sum. A singular matrix must give 0 (or a number
    <= 1e-10), not an exception: that is exactly when the guard needs an answer.
    The reference is ``gmmlib.rcond``.
    """
    from .painless import rcond
    cases = [
        ("identity", np.eye(3)),
        ("diagonal, scales 1 and 100", np.diag([1.0, 100.0])),
        ("negative correlation", np.array([[2.0, -1.5], [-1.5, 2.0]])),
        ("3-D, mixed-sign correlations", np.array([[4.0, -2.0, 0.5], [-2.0, 3.0, 1.0], [0.5, 1.0, 2.0]])),
        ("nearly singular", np.array([[1.0, 1.0 - 1e-12], [1.0 - 1e-12, 1.0]])),
        ("singular: a constant patch", np.zeros((2, 2))),
    ]
    for label, cov in cases:
        expected = rcond(cov)
        got = s.call(fn, _Case(label, [("cov", cov)]),
                     hint="A singular covariance has no inverse: catch np.linalg.LinAlgError "
                          "(and a non-finite result) and return 0.0.")
        g = _number(got, "your result")
        if expected <= 1e-10:
            if 0 <= g <= 1e-10:
                continue
        elif _close(g, expected, rtol=1e-8):
            continue
        singular = expected <= 1e-10
        inv = None if singular else np.linalg.inv(cov)
        if np.isnan(g) or (singular and np.isinf(g)):
            hint = ("a singular covariance must give 0.0 (the worst possible conditioning), not NaN "
                    "or inf." + (" inf is the condition number; RCOND is its reciprocal." if np.isinf(g) else ""))
        elif not singular and _close(g, np.linalg.cond(cov, 1), rtol=1e-6):
            hint = ("you returned the condition number ||S||_1 ||S^-1||_1; the guard wants its "
                    "reciprocal, RCOND = 1 / (||S||_1 ||S^-1||_1), which is 1 for a round covariance "
                    "and 0 for a singular one.")
        elif not singular and _close(g, np.linalg.cond(cov, 2), rtol=1e-6):
            hint = ("you returned the 2-norm condition number; the guard wants the reciprocal of the "
                    "1-norm one: 1 / (||S||_1 ||S^-1||_1).")
        elif not singular and _close(g, 1 / np.linalg.cond(cov, 2), rtol=1e-6):
            hint = "that is the 2-norm RCOND; use the 1-norm (largest absolute column sum)."
        elif not singular and _close(g, 1 / (np.abs(cov.sum(axis=0)).max() * np.abs(inv.sum(axis=0)).max())):
            hint = "take absolute values BEFORE summing each column: ||A||_1 = max_j sum_i |a_ij|."
        elif not singular and _close(g, 1 / (np.abs(cov).sum(axis=1).max() * np.abs(inv).sum(axis=1).max())) \
                and not _close(g, expected):
            hint = "that is the infinity-norm (row sums); use the 1-norm: the largest absolute COLUMN sum."
        elif singular:
            hint = (f"{_num(g)} for a singular matrix: RCOND must be 0 (or at most 1e-10) there. Catch "
                    "np.linalg.LinAlgError and return 0.0.")
        else:
            hint = "RCOND = 1 / (||S||_1 ||S^-1||_1), ||A||_1 = np.abs(A).sum(axis=0).max()."
        raise _Fail(hint, expected, g)


# ============================================================================================
# BIC and the number of parameters (notebook 04)

@_checker("bic", 4)
def check_bic(s, fn):
    """Check ``fn(mixture, X) -> float``: BIC = -2 log L + p log N (lower is better).

    log L = ``mixture.log_likelihood(X)``, p = ``mixture.n_parameters``, N = ``len(X)``; the
    logarithm is the natural one. The reference is ``Mixture.bic``.
    """
    rng = np.random.default_rng(4)
    X1 = np.r_[rng.normal(0, 1, 8), rng.normal(5, 1, 4)].round(2)[:, None]
    X2 = rng.normal(0, 1, (20, 2)).round(2)
    cases = [
        ("1-D, K = 1, 12 points", Mixture([1.0], [[2.0]], [[[6.0]]]), X1),
        ("1-D, K = 2, 12 points", Mixture([2 / 3, 1 / 3], [[0.0], [5.0]], [[[1.0]], [[1.0]]]), X1),
        ("2-D, K = 2, 20 points", Mixture([0.5, 0.5], [[0.0, 0.0], [1.0, 1.0]], [np.eye(2), np.eye(2) * 2]), X2),
        ("2-D, K = 3, the first 10 points", Mixture([0.5, 0.3, 0.2], [[0.0, 0.0], [1.0, 1.0], [-1.0, 0.5]],
                                                    [np.eye(2), np.eye(2) * 2, np.diag([0.5, 1.5])]), X2[:10]),
    ]
    for label, mixture, X in cases:
        ll, p, N = mixture.log_likelihood(X), mixture.n_parameters, len(X)
        expected = -2 * ll + p * np.log(N)
        got = s.call(fn, _Case(label, [("mixture", mixture), ("X", X)]))
        g = _number(got, "your BIC")
        if _close(g, expected, rtol=1e-9):
            continue
        d, K = mixture.n_features, mixture.n_components
        wrong = {
            "that is AIC (-2 log L + 2p); BIC's penalty is p log N, which grows with the amount of data.":
                -2 * ll + 2 * p,
            "the sign is flipped: BIC = -2 log L + p log N, and lower is better.": 2 * ll - p * np.log(N),
            "the factor 2 is missing: BIC = -2 log L + p log N.": -ll + p * np.log(N),
            "np.log10 is the base-10 logarithm; BIC uses the natural logarithm np.log(N).":
                -2 * ll + p * np.log10(N),
            "you left out the penalty p log N: that is just -2 log L.": -2 * ll,
            "the penalty is p log N with p = mixture.n_parameters (free parameters), not K or d.":
                -2 * ll + K * np.log(N),
            "the penalty uses N = len(X), the number of points, not the number of features.":
                -2 * ll + p * np.log(d),
        }
        hint = next((h for h, v in wrong.items() if _close(g, v, rtol=1e-9)),
                    "BIC = -2 * mixture.log_likelihood(X) + mixture.n_parameters * np.log(len(X)).")
        if not math.isfinite(g):
            hint = "your BIC is not finite; " + hint
        raise _Fail(hint, expected, g)


@_checker("n_parameters", 7)
def check_n_parameters(s, fn):
    """Check ``fn(K, d) -> int``: free parameters of a K-component full-covariance mixture in d dimensions.

    p = (K - 1) weights (they sum to 1) + K d mean entries + K d (d + 1) / 2 covariance entries
    (a covariance is symmetric). The reference is ``Mixture.n_parameters``.
    """
    for K, d in [(1, 1), (2, 1), (2, 2), (3, 2), (3, 3), (5, 3), (1, 4)]:
        mixture = Mixture(np.full(K, 1.0 / K), np.zeros((K, d)), np.broadcast_to(np.eye(d), (K, d, d)))
        expected = mixture.n_parameters
        got = s.call(fn, _Case(f"K = {K}, d = {d}", [("K", K), ("d", d)]))
        g = _integer(got, "your count", low=0)
        if g == expected:
            continue
        wrong = {
            "off by one: the K weights sum to 1, so only K - 1 of them are free.": K + K * d + K * d * (d + 1) // 2,
            "a covariance is symmetric: only d (d + 1) / 2 of its d^2 entries are free.": (K - 1) + K * d + K * d * d,
            "do not forget the means: K d free numbers.": (K - 1) + K * d * (d + 1) // 2,
            "each of the K components has its own covariance: K d (d + 1) / 2 entries.": (K - 1) + K * d + d * (d + 1) // 2,
        }
        hint = next((h for h, v in wrong.items() if g == v and v != expected),
                    "p = (K - 1) + K d + K d (d + 1) / 2: weights, means, covariances.")
        raise _Fail(hint, expected, g)


# ============================================================================================
# the intensity histogram, the decision threshold and EM on counts (notebook 05)

@_checker("histogram", 3)
def check_histogram(s, fn):
    """Check ``fn(image) -> counts``: the (256,) pixel counts c_i of each level 0..255 of a uint8 image.

    The reference is ``np.bincount(image.ravel(), minlength=256)``. Hostile cases: an image
    without any 255 (the array must still have 256 entries) and an image using only two levels
    (``np.histogram(image, bins=256)`` then spreads its bins over that narrow range).
    """
    rng = np.random.default_rng(2)
    cases = [
        ("random 8 x 8 image using 0..255", np.r_[0, 255, rng.integers(0, 256, 62)].astype(np.uint8).reshape(8, 8)),
        ("dark image, no level above 99", rng.integers(0, 100, (6, 6)).astype(np.uint8)),
        ("two levels only: 10 and 20", np.array([[10, 20], [20, 20]], dtype=np.uint8)),
    ]
    for label, img in cases:
        expected = np.bincount(img.ravel(), minlength=256)
        got = s.call(fn, _Case(label, [("image", img)]))
        a = _floats(got, "your histogram")
        if a.shape != (256,):
            raise _Fail(f"return 256 counts, one per level 0..255; got shape {a.shape}. "
                        "np.bincount(image.ravel(), minlength=256) does it.", expected, got)
        if np.array_equal(a, expected):
            continue
        shown = (_levels(expected), _levels(a))
        if not np.isfinite(a).all() or (a < 0).any() or not np.array_equal(a, np.round(a)):
            hint = "counts are whole numbers >= 0: how many pixels have each level."
        elif a.sum() != img.size:
            hint = f"the counts add up to {_num(a.sum())}, not to the {img.size} pixels."
        else:
            hint = ("the counts land in the wrong levels. np.histogram(image, bins=256) fits its bins "
                    "to the image's own min and max: add range=(0, 256), or use np.bincount.")
        raise _Fail(hint, *shown)


def _levels(counts):
    """The non-zero entries of a 256-level histogram, as 'level: count' pairs."""
    nz = np.flatnonzero(counts)
    pairs = [f"{i}: {_num(counts[i])}" for i in nz[:8]]
    more = f", ... ({nz.size} levels in all)" if nz.size > 8 else ""
    return "non-zero levels {" + ", ".join(pairs) + more + "}" if nz.size else "all 256 counts 0"


def _first_flip(weights, means, variances):
    m = Mixture(weights, np.reshape(means, (-1, 1)), np.reshape(variances, (-1, 1, 1)))
    bright = int(np.argmax(m.means[:, 0]))
    labels = m.predict(np.arange(256.0))
    dark_side = int(np.ceil(m.means[:, 0].min()))
    return int(dark_side + np.argmax(labels[dark_side:] == bright))


@_checker("threshold", 4)
def check_threshold(s, fn):
    """Check ``fn(weights, means, variances) -> int``: where a two-class segmentation switches.

    For a 1-D mixture of two Gaussians (arrays of length 2), return the smallest intensity t
    between the two means at which the brighter component has the larger posterior
    pi_k N(t | mu_k, sigma_k^2). The reference scans the 256 levels with ``gmmlib.Mixture.predict``.
    Hostile cases: unequal weights (the threshold moves away from the heavier component) and
    unequal variances (it is no longer the midpoint of the means).
    """
    cases = [
        ("equal weights and variances", [0.5, 0.5], [50.0, 151.0], [400.0, 400.0]),
        ("unequal weights", [0.9, 0.1], [50.0, 150.0], [400.0, 400.0]),
        ("unequal variances", [0.5, 0.5], [40.0, 160.0], [100.0, 900.0]),
        ("components listed bright first", [0.3, 0.7], [180.0, 60.0], [300.0, 600.0]),
    ]
    for label, w, mu, var in cases:
        w, mu, var = np.array(w), np.array(mu), np.array(var)
        expected = _first_flip(w, mu, var)
        got = s.call(fn, _Case(label, [("weights", w), ("means", mu), ("variances", var)]))
        g = _integer(got, "your threshold", low=0, high=255)
        if g == expected:
            continue
        mid = mu.mean()
        if w[0] != w[1] and g == _first_flip([0.5, 0.5], mu, var):
            hint = "you forgot the weights pi_k: the posterior is proportional to pi_k N(t | mu_k, sigma_k^2)."
        elif abs(g - mid) <= 1 and abs(expected - mid) > 1:
            hint = ("that is the midpoint of the means; the posteriors also depend on the weights and "
                    "the variances: compare pi_1 N(t | mu_1, sigma_1^2) with pi_2 N(t | mu_2, sigma_2^2).")
        elif abs(g - expected) == 1:
            hint = ("off by one: return the FIRST level t (scanning up from the darker mean) where the "
                    "brighter component's posterior is larger.")
        else:
            hint = ("scan t = 0..255, between the means, for the first level where the brighter "
                    "component wins; 'brighter' means larger mean, whatever its position in the arrays.")
        raise _Fail(hint, expected, g)


def _em_1d_reference(x, c, weights, means, variances, max_iter, tol):
    """gmmlib's EM from the same start, stopped by the exercise's rule.

    ``painless_em`` runs exactly ``max_iter`` iterations (``tol=None``) with no regularisation;
    the rule "stop at the first t >= 1 with L_t - L_{t-1} < tol |L_{t-1}|" is then applied to its
    history, so the reference does not depend on how painless_em itself decides to stop.
    Returns (weights, means, variances, log-likelihoods L_0..L_T).
    """
    from .painless import painless_em
    start = Mixture(weights, np.reshape(means, (-1, 1)), np.reshape(variances, (-1, 1, 1)))
    run = painless_em(x, len(weights), weights=c, init=start, tol=None, max_iter=max_iter, reg_covar=0.0, prior=0)
    L = np.asarray(run.history.log_likelihood, dtype=np.float64)
    T = next((t for t in range(1, len(L)) if L[t] - L[t - 1] < tol * abs(L[t - 1])), len(L) - 1)
    m = run.history.mixture(T)
    return m.weights, m.means[:, 0], m.covariances[:, 0, 0], L[: T + 1]


def _e_step_1d(x, weights, means, variances):
    with np.errstate(divide="ignore"):
        a = np.log(weights) + norm.logpdf(x[:, None], means, np.sqrt(variances))
    log_p = scipy_logsumexp(a, axis=1)
    return np.exp(a - log_p[:, None]), log_p, a


def _m_step_1d(x, c, resp):
    cr = resp * c[:, None]
    Nk = cr.sum(axis=0)
    means = cr.T @ x / Nk
    variances = (cr * (x[:, None] - means) ** 2).sum(axis=0) / Nk
    return Nk / Nk.sum(), means, variances


@functools.lru_cache(maxsize=None)
def _cameraman_histogram():
    from skimage import data
    counts = np.bincount(data.camera().ravel(), minlength=256).astype(np.float64)
    keep = counts > 0
    return np.arange(256.0)[keep], counts[keep]


def _equal_range_start(x, c, K):
    """Seed 000's start (histogram_em's default): [0, 255] cut into K equal slices."""
    from .painless import painless_em
    m = painless_em(x, K, weights=c, init="equal-range", init_range=(0, 255), max_iter=0).history.mixture(0)
    return m.weights, m.means[:, 0], m.covariances[:, 0, 0]


@functools.lru_cache(maxsize=None)
def _em_cases(include_cameraman=True):
    x = np.array([0.0, 1.0, 2.0, 3.0, 7.0, 8.0, 9.0, 10.0])
    c = np.array([2.0, 9.0, 3.0, 1.0, 1.0, 2.0, 12.0, 4.0])
    cases = [("eight levels with counts, K = 2", x, c, np.array([0.5, 0.5]), np.array([2.0, 6.0]),
              np.array([4.0, 4.0]), 100, 1e-4)]
    if include_cameraman:
        xc, cc = _cameraman_histogram()
        for K, max_iter, name in ((2, 100, "the cameraman histogram, K = 2, equal-range start"),
                                  (3, 4, "the cameraman histogram, K = 3, max_iter = 4")):
            cases.append((name, xc, cc, *_equal_range_start(xc, cc, K), max_iter, 1e-4))
    return cases


def _check_e_step_1d(s, e_step):
    """Part 1 of the EM exercise: fn(x, weights, means, variances) -> (resp, log_p)."""
    cases = [("your E-step, eight levels", np.array([0.0, 1.0, 2.0, 3.0, 7.0, 8.0, 9.0, 10.0]),
              np.array([0.5, 0.5]), np.array([2.0, 6.0]), np.array([4.0, 4.0])),
             ("your E-step, 256 levels and two narrow components", np.arange(256.0),
              np.array([0.3, 0.7]), np.array([20.0, 200.0]), np.array([4.0, 9.0]))]
    for label, x, w, mu, var in cases:
        resp, log_p, a = _e_step_1d(x, w, mu, var)
        got = s.call(e_step, _Case(label, [("x", x), ("weights", w), ("means", mu), ("variances", var)]))
        r_got, lp_got = _items(got, ("resp", "log_p"), "your E-step")
        g = _array(r_got, resp.shape, "the responsibilities (first item)")
        if not _close(g, resp):
            hint = _e_step_hint(g, a, resp, len(w))
            if hint is None and _close(g, _e_step_1d(x, w, mu, np.sqrt(var))[0]):
                hint = "the third argument holds variances sigma_k^2: the standard deviation is their square root."
            raise _Fail(hint or "r_ik = pi_k N(x_i | mu_k, sigma_k^2) / sum_j pi_j N(x_i | mu_j, sigma_j^2).",
                        resp, g, part="responsibilities")
        lp = _array(lp_got, log_p.shape, "log_p (second item)")
        if not _close(lp, log_p):
            hint = ("log_p holds one number per level: log p(x_i) = logsumexp_k (log pi_k + log N(x_i | mu_k, sigma_k^2))"
                    + (", never the log of an underflowed 0.0." if np.isneginf(lp).any() else "."))
            raise _Fail(hint, log_p, lp, part="log_p")


def _check_m_step_1d(s, m_step):
    """Part 2 of the EM exercise: fn(x, c, resp) -> (weights, means, variances), with counts."""
    x = np.array([0.0, 1.0, 2.0, 3.0, 7.0, 8.0, 9.0, 10.0])
    c = np.array([2.0, 9.0, 3.0, 1.0, 1.0, 2.0, 12.0, 4.0])
    resp = np.column_stack([np.r_[0.9, 0.9, 0.8, 0.6, 0.1, 0.05, 0.0, 0.0], np.zeros(8)])
    resp[:, 1] = 1 - resp[:, 0]
    expected = _m_step_1d(x, c, resp)
    got = s.call(m_step, _Case("your M-step, eight levels with counts", [("x", x), ("c", c), ("resp", resp)]))
    parts = _items(got, ("weights", "means", "variances"), "your M-step")
    plain = _m_step_1d(x, np.ones_like(c), resp)
    for i, (part, value, e) in enumerate(zip(("weights", "means", "variances"), parts, expected)):
        g = _array(value, e.shape, f"the {part}")
        if _close(g, e):
            continue
        if _close(g, plain[i]):
            hint = ("you forgot the counts c_i: level x_i stands for c_i pixels, so every sum over i "
                    "weighs it by c_i: N_k = sum_i c_i r_ik, mu_k = sum_i c_i r_ik x_i / N_k, "
                    "sigma_k^2 = sum_i c_i r_ik (x_i - mu_k)^2 / N_k, pi_k = N_k / sum_i c_i.")
        elif part == "weights" and _close(g, (resp * c[:, None]).sum(axis=0) / len(x)):
            hint = "pi_k = N_k / sum_i c_i: divide by the number of pixels, not the number of levels."
        elif part == "variances" and _close(g ** 2, e):
            hint = "return variances sigma_k^2, not standard deviations."
        else:
            hint = {"weights": "pi_k = N_k / sum_i c_i with N_k = sum_i c_i r_ik.",
                    "means": "mu_k = sum_i c_i r_ik x_i / N_k.",
                    "variances": "sigma_k^2 = sum_i c_i r_ik (x_i - mu_k)^2 / N_k, with the NEW mu_k."}[part]
        raise _Fail(hint, e, g, part=part)


@_checker("em_loop", 3)
def check_em_loop(s, fn, e_step=None, m_step=None):
    """Check ``fn(x, c, weights, means, variances, max_iter, tol) -> (weights, means, variances, log_likelihoods)``.

    Weighted EM for a 1-D mixture on levels x_i with counts c_i (a histogram). From the given
    start, repeat: an E-step gives r_ik and L_t = sum_i c_i log p(x_i); stop when t >= 1 and
    L_t - L_{t-1} < tol |L_{t-1}| or when t = max_iter; otherwise an M-step with the counts.
    Return the parameters L_T was computed with and the list [L_0, ..., L_T].

    The reference is ``gmmlib.painless_em`` on the same levels and counts from the same start
    (for the cameraman: ``histogram_em``'s equal-range start). Pass your parts too,
    ``e_step=`` ``fn(x, weights, means, variances) -> (resp, log_p)`` and ``m_step=``
    ``fn(x, c, resp) -> (weights, means, variances)``, and they are checked first, so a
    failure points at the part that is wrong.
    """
    if e_step is not None:
        _check_e_step_1d(s, e_step)
    if m_step is not None:
        _check_m_step_1d(s, m_step)
    for label, x, c, w, mu, var, max_iter, tol in _em_cases():
        ew, emu, evar, eL = _em_1d_reference(x, c, w, mu, var, max_iter, tol)
        case = _Case(label, [("x", x), ("c", c), ("weights", w), ("means", mu), ("variances", var),
                             ("max_iter", max_iter), ("tol", tol)])
        got = s.call(fn, case)
        parts = _items(got, ("weights", "means", "variances", "log_likelihoods"))
        L = _floats(parts[3], "log_likelihoods (fourth item)").reshape(-1) if np.ndim(parts[3]) else None
        if L is None or L.size == 0:
            raise _Fail("log_likelihoods must be the list [L_0, L_1, ..., L_T], one number per E-step "
                        "(L_0 for the start).", eL, parts[3], part="log_likelihoods")
        if not np.isfinite(L).all():
            t = int(np.flatnonzero(~np.isfinite(L))[0])
            raise _Fail(f"L_{t} is {_num(L[t])}: a log of a density that underflowed? Sum c_i log p(x_i) "
                        "with log p(x_i) from a logsumexp.", eL, L, part="log_likelihoods")
        n = min(L.size, eL.size)
        if not _close(L[:n], eL[:n], rtol=1e-7):
            raise _Fail(_em_trajectory_hint(x, c, w, mu, var, max_iter, tol, L, eL),
                        eL, L, part="log_likelihoods")
        if L.size != eL.size:
            T, eT = L.size - 1, eL.size - 1
            if T > eT:
                gain = eL[-1] - eL[-2]
                hint = (f"your loop ran {T} iterations; it should have stopped after {eT}, where the gain "
                        f"L_{eT} - L_{eT - 1} = {_num(gain)} fell below tol |L_{eT - 1}| = "
                        f"{_num(tol * abs(eL[-2]))}. The tolerance is relative: compare the gain with "
                        "tol * abs(L_{t-1}), not with tol itself.") if eT < max_iter else (
                        f"your loop ran {T} iterations but max_iter = {max_iter}: at most max_iter "
                        "M-steps, so log_likelihoods has at most max_iter + 1 entries.")
            else:
                hint = (f"your loop stopped after {T} iterations; the reference goes on to {eT}. Stop only "
                        "when L_t - L_{t-1} < tol * abs(L_{t-1}) (or t = max_iter), and check that test "
                        "after computing L_t.")
            raise _Fail(hint, eL, L, part="log_likelihoods")
        for part, value, e in zip(("weights", "means", "variances"), parts[:3], (ew, emu, evar)):
            g = _array(value, e.shape, f"the {part}")
            if _close(g, e, rtol=1e-6):
                continue
            if part == "variances" and _close(g ** 2, e, rtol=1e-6):
                hint = "return variances sigma_k^2, not standard deviations."
            else:
                hint = (f"the log-likelihoods are right but the returned {part} are not those L_T was "
                        "computed with: after the last E-step (the one that stopped the loop) do not run "
                        "another M-step; return the parameters of that E-step.")
            raise _Fail(hint, e, g, part=part)


def _em_trajectory_hint(x, c, w, mu, var, max_iter, tol, L, eL):
    """Why the student's log-likelihoods differ from the reference's."""
    n = min(L.size, eL.size)
    t = int(np.flatnonzero(~np.isclose(L[:n], eL[:n], rtol=1e-7, atol=0))[0])
    _, log_p, _ = _e_step_1d(x, w, mu, var)
    if t == 0:
        if _close(L[0], log_p.sum()):
            return ("L_0 is the log-likelihood without the counts: L = sum_i c_i log p(x_i), each level "
                    "weighted by its number of pixels.")
        if L.size > 1 and _close(L[0], eL[1] if eL.size > 1 else np.nan):
            return ("your list starts one iteration late: L_0 is the log-likelihood of the START, computed "
                    "by the first E-step before any M-step.")
        return ("L_0, the log-likelihood of the start, is wrong: L_0 = sum_i c_i log p(x_i) with "
                "log p(x_i) = logsumexp_k (log pi_k + log N(x_i | mu_k, sigma_k^2)).")
    unweighted = _em_1d_reference(x, np.ones_like(c), w, mu, var, max_iter, 0.0)
    # L of the unweighted fit's parameters, weighted: what a loop that forgets c_i in the M-step logs
    plain_L = []
    from .painless import painless_em
    start = Mixture(w, np.reshape(mu, (-1, 1)), np.reshape(var, (-1, 1, 1)))
    run = painless_em(x, len(w), init=start, tol=None, max_iter=max(L.size - 1, 1), reg_covar=0.0, prior=0)
    for k in range(min(L.size, len(run.history))):
        plain_L.append(run.history.mixture(k).log_likelihood(x, c))
    m = min(L.size, len(plain_L))
    if m > 1 and _close(L[:m], plain_L[:m], rtol=1e-7) or (
            L.size == unweighted[3].size and _close(L, unweighted[3], rtol=1e-7)):
        return ("your M-step forgets the counts c_i: every level counts once instead of c_i times. Use "
                "N_k = sum_i c_i r_ik, mu_k = sum_i c_i r_ik x_i / N_k, sigma_k^2 = sum_i c_i r_ik "
                "(x_i - mu_k)^2 / N_k and pi_k = N_k / sum_i c_i.")
    drops = np.flatnonzero(np.diff(L) < -1e-9 * np.abs(L[:-1]))
    if drops.size:
        d = int(drops[0])
        return (f"your log-likelihood went DOWN from L_{d} = {_num(L[d])} to L_{d + 1} = {_num(L[d + 1])}. "
                "Exact EM never does that: check that each M-step uses the responsibilities of the "
                "E-step just before it, with the counts, and that L_t is computed from the same "
                "parameters as those responsibilities.")
    return (f"your log-likelihoods agree up to L_{t - 1} and differ from L_{t} on: the M-step between "
            "them is off. Check it against the formulas with the counts c_i, or pass e_step= and "
            "m_step= to the checker to test each part on its own.")


# ============================================================================================
# whitening and the colour model (notebook 06)

@_checker("whiten", 3)
def check_whiten(s, fn):
    """Check ``fn(X) -> (Z, mean, std)``: whitened data Z = (X - mean) / std, feature by feature.

    X (N, d); mean and std (d,) are the per-feature mean and standard deviation (np.std,
    ddof=0). A constant feature has std 0: keep std = 1 for it so nothing divides by zero
    (its Z column is then 0). This is the textbook transform, and the reference here.
    ``gmmlib.painless.Whitener`` centres the same way but divides by a robust spread, the
    interquartile range / 1.349 (``gmmlib.painless.robust_scale``): for Gaussian data it
    estimates the same sigma, yet one outlier cannot inflate it. A constant feature there
    takes the typical spread of the other features rather than 1.
    """
    rng = np.random.default_rng(3)
    cases = [
        ("two features on scales 1 and 1e6", np.column_stack([rng.normal(5, 1, 6), rng.normal(0, 1e6, 6)]).round(2)),
        ("uint8 RGB pixels", rng.integers(0, 256, (6, 3)).astype(np.uint8)),
        ("a constant feature (saturated channel)", np.column_stack([rng.normal(0, 3, 6).round(2), np.full(6, 255.0)])),
    ]
    for label, X in cases:
        Xf = X.astype(np.float64)
        mean, std = Xf.mean(axis=0), Xf.std(axis=0)
        std = np.where(std > 0, std, 1.0)
        expected = ((Xf - mean) / std, mean, std)
        got = s.call(fn, _Case(label, [("X", X)]))
        parts = _items(got, ("Z", "mean", "std"))
        constant = Xf.std(axis=0) == 0
        for part, value, e in zip(("Z", "mean", "std"), parts, expected):
            g = _array(value, e.shape, part)
            if _close(g, e):
                continue
            var = Xf.var(axis=0)
            if part == "std" and constant.any() and _close(g[~constant], e[~constant]):
                hint = (f"the constant feature (column {int(np.flatnonzero(constant)[0])}) has standard "
                        f"deviation 0 and you returned std = {_num(g[constant][0])} for it. Keep std = 1 "
                        "there (np.where(std > 0, std, 1)): Z = (X - mean) / std is then defined and its "
                        "column is 0, and mapping back with X = Z * std + mean still works.")
            elif not np.isfinite(g).all():
                hint = (f"{part} holds NaN or inf" + (": the constant feature has std 0 and you divided by "
                        "it; use std = 1 for it (np.where(std > 0, std, 1))." if constant.any() else
                        ": a division by zero or an overflow?"))
            elif part == "std" and _close(g, var):
                hint = "that is the variance; divide by the standard deviation (its square root)."
            elif part == "Z" and _close(g, (Xf - Xf.mean(axis=0)) / np.where(var > 0, var, 1)):
                hint = ("you divided by the variance, not the standard deviation (the painless GMM "
                        "reference makes the same slip): the whitened features must have variance 1.")
            elif part == "Z" and _close(g, Xf / expected[2]):
                hint = "subtract the mean before dividing, so every whitened feature has mean 0."
            elif part == "std" and _close(g, Xf.std(axis=0, ddof=1)):
                hint = "use the population standard deviation (ddof=0), as np.std does by default."
            else:
                hint = "Z = (X - mean) / std, with the mean and std of each feature (axis=0)."
            raise _Fail(hint, e, g, part=part)


@_checker("log_likelihood_ratio", 2)
def check_log_likelihood_ratio(s, fn):
    """Check ``fn(X, foreground, background) -> (N,)``: log p_fg(x_i) - log p_bg(x_i).

    ``foreground`` and ``background`` are ``gmmlib.Mixture`` objects; a pixel is foreground
    when the ratio is > 0. Use the mixtures' log-densities (``Mixture.log_density``) or your own
    logsumexp: the hostile case is a pixel far from both models, where both densities are 0.0
    and the linear-domain ratio is 0/0 = NaN while the log ratio is a finite number.
    """
    fg = Mixture([0.7, 0.3], [[220.0, 60, 50], [240, 200, 180]], [np.eye(3) * 25.0, np.eye(3) * 30.0])
    bg = Mixture([0.5, 0.5], [[30.0, 30, 40], [90, 120, 200]], [np.eye(3) * 20.0, np.diag([40.0, 40, 60])])
    cases = [
        ("pixels near either model", np.array([[225.0, 65, 55], [32, 28, 45], [100, 110, 190]])),
        ("a pixel far from both (pure green)", np.array([[0.0, 255, 0], [240, 205, 175]])),
    ]
    for label, X in cases:
        expected = fg.log_density(X) - bg.log_density(X)
        got = s.call(fn, _Case(label, [("X", X), ("foreground", fg), ("background", bg)]))
        g = _array(got, expected.shape, "your ratio")
        if _close(g, expected):
            continue
        if not np.isfinite(g).all():
            hint = ("not finite: a density underflowed to 0.0 (then log 0 = -inf, x / 0 = inf, 0 / 0 = "
                    "NaN). Stay in logs: log p(x_i) = logsumexp_k (log pi_k + log N(x_i | mu_k, Sigma_k)), "
                    "e.g. mixture.log_density(X), and subtract.")
        elif _close(-g, expected):
            hint = "the sign is flipped: foreground minus background."
        else:
            hint = "compute log p_fg(x_i) - log p_bg(x_i) with each mixture's full log-density (all its components)."
        raise _Fail(hint, expected, g)


# ============================================================================================
# the per-pixel background model and MOG2 (notebook 07)

@functools.lru_cache(maxsize=None)
def _absorbed_after(alpha, T, w0, steady=200, after=120):
    """Frames until gmmlib's BackgroundModel stops calling a still object foreground (one pixel)."""
    from .background import BackgroundModel
    rng = np.random.default_rng(1)
    values = np.where(np.arange(steady + after) < steady, 100.0, 200.0) + rng.normal(0, 2, steady + after)
    pixel = np.clip(np.rint(values), 0, 255).astype(np.uint8).reshape(-1, 1, 1)
    model = BackgroundModel(K=3, alpha=alpha, T=T, initial_weight=w0)
    foreground = np.array([model.apply(frame)[0, 0] for frame in pixel])[steady:]
    return int(np.argmin(foreground))  # the first frame (the stop is frame 0) that is background


@_checker("frames_to_absorb", 5)
def check_frames_to_absorb(s, fn):
    """Check ``fn(alpha, T, w0) -> int``: frames until a stopped object becomes background.

    A pixel showed one value for a long time (one Gaussian of weight 1); at frame 0 an object
    stops on it. The reference runs ``gmmlib.background.BackgroundModel`` (K = 3) on one noisy
    pixel that shows 100 for 200 frames and then 200, with learning rate alpha, threshold T and
    a new Gaussian's starting weight ``initial_weight = w0``, and returns the first frame
    (counting the stop as frame 0) at which the pixel is no longer foreground.
    """
    cases = [(0.01, 0.7, 0.05), (0.02, 0.5, 0.05), (0.01, 0.9, 0.05), (0.05, 0.7, 0.05), (0.02, 0.7, 0.2)]
    for alpha, T, w0 in cases:
        expected = _absorbed_after(alpha, T, w0)
        got = s.call(fn, _Case(f"alpha = {alpha}, T = {T}, w0 = {w0}", [("alpha", alpha), ("T", T), ("w0", w0)]))
        g = _integer(got, "your frame count", low=0)
        if g == expected:
            continue
        a = 1 - alpha
        naive = math.ceil(math.log(T) / math.log(a))
        first = next(n for n in range(1, 10_000) if a ** (n - 1) / (1 + w0) <= T)
        if g == naive:
            hint = ("that is ceil(log T / log(1 - alpha)), which forgets the new Gaussian: at the stop "
                    "it gets weight w0 and the weights are renormalised, so the old background starts "
                    "below 1, at (1 - alpha) / (1 - alpha + w0).")
        elif g == first:
            hint = ("close: at the stop frame the old background's weight is first multiplied by "
                    "(1 - alpha) (no match), and only then is the new Gaussian added and the weights "
                    "renormalised, so it is (1 - alpha) / (1 - alpha + w0), not 1 / (1 + w0).")
        elif abs(g - expected) == 1:
            hint = ("off by one. Frame n >= 1 is classified with the weights from before its own update: "
                    "W_n = (1 - alpha)^(n - 1) (1 - alpha) / (1 - alpha + w0). Return the first n with "
                    "W_n <= T.")
        else:
            hint = ("follow the old background's weight: (1 - alpha) / (1 - alpha + w0) just after the "
                    "stop, then times (1 - alpha) per frame; the object is background at the first "
                    "frame n at which the weight ranked ahead of its Gaussian is <= T.")
        raise _Fail(hint, expected, g)


def _first_match(x, weights, means, variances, k=2.5):
    """The rule of BackgroundModel's match step, in float64."""
    sigma = np.sqrt(variances)
    ranked = np.argsort(-(weights / sigma), kind="stable")
    hits = [int(j) for j in ranked if weights[j] > 0 and abs(x - means[j]) < k * sigma[j]]
    return hits[0] if hits else -1


@functools.lru_cache(maxsize=None)
def _recorded_mixtures():
    """(weights, means, variances) of a few pixels of a BackgroundModel run, in storage order."""
    from .background import BackgroundModel
    rng = np.random.default_rng(5)
    n = 60
    leaves = np.where(rng.random(n) < 0.6, 80.0, 170.0)          # a pixel flipping between two values
    passer = np.where((np.arange(n) > 20) & (np.arange(n) < 35), 230.0, 60.0)  # an object passes
    pixels = np.stack([leaves, passer, np.full(n, 120.0)], axis=1) + rng.normal(0, 3, (n, 3))
    frames = np.clip(np.rint(pixels), 0, 255).astype(np.uint8).reshape(n, 1, 3)
    model = BackgroundModel(K=3, alpha=0.05, T=0.7)
    out = []
    for t, frame in enumerate(frames):
        model.apply(frame)
        if t in (12, 30, 59):
            w, mu, var = model.weights_[0], model.means_[0, :, :, 0], model.variances_[0]
            out += [(w[p].astype(float), mu[p].astype(float), var[p].astype(float)) for p in range(3)]
    return out


@_checker("first_match", 6)
def check_first_match(s, fn):
    """Check ``fn(x, weights, means, variances, k) -> int``: the Gaussian a pixel value matches.

    Rank the K Gaussians by w_k / sigma_k (largest first, ties to the lower index); the match is
    the first in that order with |x - mu_k| < k sigma_k (strictly), skipping empty slots
    (w_k = 0, which never match); return its index in the given arrays, or -1 when nothing
    matches. This is step 1 of ``gmmlib.background.BackgroundModel``.
    """
    def arrays(*rows):
        return tuple(np.array(r, dtype=np.float64) for r in rows)

    hand = [
        ("the heaviest, narrowest Gaussian matches", 101.0, *arrays([0.7, 0.2, 0.1], [100, 150, 30], [16, 100, 400]), 2.5),
        ("ranked order differs from storage order", 152.0, *arrays([0.1, 0.2, 0.7], [30, 100, 150], [400, 100, 16]), 2.5),
        ("the first match in rank is not the nearest mean", 115.0,
         *arrays([0.8, 0.2, 0.0], [100, 118, 0], [64, 16, 400]), 2.5),
        ("a light but narrow Gaussian ranks first", 100.0, *arrays([0.0, 0.6, 0.4], [0, 104, 101], [400, 100, 4]), 2.5),
        ("an empty slot (weight 0) would match", 50.0, *arrays([0.9, 0.1, 0.0], [200, 120, 50], [16, 64, 400]), 2.5),
        ("exactly k sigma away is not a match", 110.0, *arrays([1.0, 0.0, 0.0], [100, 0, 0], [16, 400, 400]), 2.5),
        ("nothing within k sigma", 0.0, *arrays([0.6, 0.4, 0.0], [100, 200, 0], [16, 25, 400]), 2.5),
        ("a narrower match window, k = 1", 104.0, *arrays([0.5, 0.5, 0.0], [100, 106, 0], [9, 36, 400]), 1.0),
        ("equal w / sigma: the lower index first", 100.0, *arrays([0.3, 0.6, 0.1], [98, 102, 0], [16, 64, 400]), 2.5),
    ]
    recorded = []
    for i, (w, mu, var) in enumerate(_recorded_mixtures()):
        for x in (float(mu[0]), float(mu[-1]) + 3.0, 0.0, 255.0):
            recorded.append((f"a recorded pixel mixture ({i}), x = {_num(x)}", x, w, mu, var, 2.5))
    s.n_cases = len(hand) + len(recorded)
    for label, x, w, mu, var, k in hand + recorded:
        expected = _first_match(x, w, mu, var, k)
        got = s.call(fn, _Case(label, [("x", x), ("weights", w), ("means", mu), ("variances", var), ("k", k)]))
        g = _integer(got, "your index", low=-1, high=len(w) - 1)
        if g == expected:
            continue
        sigma = np.sqrt(var)
        order = list(np.argsort(-(w / sigma), kind="stable"))
        near = [j for j in range(len(w)) if abs(x - mu[j]) < k * sigma[j]]
        ranked_by = (lambda key: next((int(j) for j in np.argsort(key, kind="stable")
                                       if w[j] > 0 and abs(x - mu[j]) < k * sigma[j]), -1))
        if k != 2.5 and g == _first_match(x, w, mu, var, 2.5):
            hint = f"this case uses k = {_num(k)}: the match window is |x - mu_k| < k sigma_k with the k you are given."
        elif expected >= 0 and g == order.index(expected):
            hint = ("you returned the match's RANK; return its index in the arrays you were given "
                    "(the rank only decides which match comes first).")
        elif g >= 0 and w[g] == 0:
            hint = ("a Gaussian of weight 0 is an empty slot: it never matches (the model gives it the "
                    "rank key w / sigma = 0). Skip it.")
        elif g >= 0 and abs(x - mu[g]) == k * sigma[g]:
            hint = "the match is strict: |x - mu_k| < k sigma_k; a value exactly k sigma away does not match."
        elif g >= 0 and expected >= 0 and w[g] / sigma[g] == w[expected] / sigma[expected]:
            hint = "ties in w_k / sigma_k go to the lower index (a stable sort: np.argsort(..., kind='stable'))."
        elif g >= 0 and near and g == min(near, key=lambda j: abs(x - mu[j])) and w[g] > 0:
            hint = ("you took the nearest mean; the model takes the FIRST match in the order of "
                    "decreasing w_k / sigma_k, even when another mean is closer.")
        elif g >= 0 and abs(x - mu[g]) < k * var[g] and not abs(x - mu[g]) < k * sigma[g]:
            hint = "the window is k standard deviations: sigma_k = sqrt(variance_k), not the variance."
        elif g >= 0 and g == ranked_by(-w):
            hint = "rank by w_k / sigma_k (heavy AND narrow first), not by the weight alone."
        elif g >= 0 and g == ranked_by(-(w / var)):
            hint = "rank by w_k / sigma_k with sigma_k = sqrt(variance_k), not by w_k / variance_k."
        elif g == -1:
            hint = (f"Gaussian {expected} matches: |x - mu| = {_num(abs(x - mu[expected]))} < k sigma = "
                    f"{_num(k * sigma[expected])}. Use the k you are given.")
        elif expected == -1:
            hint = "no Gaussian with weight > 0 is within k sigma_k of x here: return -1."
        else:
            hint = "rank by w_k / sigma_k, then return the first with w_k > 0 and |x - mu_k| < k sigma_k."
        raise _Fail(hint, expected, g)


def _mog2_labels(frames, **params):
    import cv2
    mog = cv2.createBackgroundSubtractorMOG2(**params)
    return np.array([mog.apply(f) for f in frames])


@functools.lru_cache(maxsize=None)
def _mog2_reference():
    """A short synthetic scene, MOG2's labels on it and the three reference masks."""
    from .synthetic import make_scene
    frames, _ = make_scene(n_frames=40, height=48, width=64, seed=3).arrays()
    labels = _mog2_labels(frames)
    references = {"ignore": labels == 255, "count": labels > 0,
                  "off": _mog2_labels(frames, detectShadows=False) == 255}
    return frames, labels, references


@_checker("mog2_masks", 3)
def check_mog2_masks(s, fn):
    """Check ``fn(frames, shadows) -> masks``: OpenCV MOG2's foreground as a boolean (T, H, W) array.

    MOG2 (``cv2.createBackgroundSubtractorMOG2()`` with its defaults, a new one for each call)
    labels each pixel 0 (background), 127 (shadow) or 255 (foreground). ``shadows`` says what
    to do with 127: ``"ignore"`` counts only 255 as foreground, ``"count"`` counts 127 too, and
    ``"off"`` runs MOG2 with ``detectShadows=False``. The reference is OpenCV itself on a short
    synthetic scene (``gmmlib.synthetic.make_scene``).
    """
    frames, labels, references = _mog2_reference()
    for shadows, expected in references.items():
        got = s.call(fn, _Case(f'shadows = "{shadows}"', [("frames", frames), ("shadows", shadows)]))
        problem = _kind(got)
        if problem:
            raise _Fail(f"your function returned {problem}; return the masks, one boolean image per frame.", got=got)
        a = _floats(got, "your masks")
        a = _shaped(a, expected.shape, "your masks", got)
        if not np.isin(a, (0, 1)).all():
            values = np.unique(a)[:5]
            hint = (f"your masks hold the values {', '.join(_num(v) for v in values)}: return booleans "
                    "(True = foreground), e.g. labels == 255, not MOG2's labels themselves.")
            raise _Fail(hint, "booleans", _show(values))
        if np.array_equal(a.astype(bool), expected):
            continue
        a = a.astype(bool)
        if np.array_equal(a, labels == 255) and shadows == "count":
            hint = ("these masks count only 255: the 127 (shadow) pixels are left out. Count them too: "
                    "labels > 0, or np.isin(labels, (127, 255)).")
        elif np.array_equal(a, labels > 0) and shadows == "ignore":
            hint = "these masks also count the 127 (shadow) pixels; for \"ignore\" keep only labels == 255."
        elif np.array_equal(a, labels == 127):
            hint = "these are the shadow pixels alone (127); the foreground is 255 (and 127 with \"count\")."
        elif np.array_equal(a[1:], expected[1:]) or a.mean() < expected.mean() / 2:
            hint = ("your masks differ from MOG2 run fresh on these frames: create a NEW subtractor "
                    "(cv2.createBackgroundSubtractorMOG2()) inside the function, with the default "
                    "parameters" + (", detectShadows=False for \"off\"" if shadows == "off" else "")
                    + ", and call apply() once per frame in order.")
        else:
            hint = ("run cv2.createBackgroundSubtractorMOG2() with its defaults (detectShadows=False for "
                    "\"off\") on every frame in order; then 255 is foreground, 127 a shadow.")
        wrong = int((a != expected).sum())
        raise _Fail(hint, f"{int(expected.sum())} foreground pixels", f"{int(a.sum())} ({wrong} pixels differ)")


# --- notebook 02 ---
# Jensen's lower bound of notebook 02 (02_em_theory); tests/test_exercises_02.py holds its
# detailed tests, tests/test_exercises.py the reference and wrong answers shared by every checker.

def _bound_terms(q, log_joint, counts, entropy=1.0, weighted=True):
    """sum_i c_i sum_k q_ik (log_joint_ik - entropy * log q_ik), with 0 log 0 = 0.

    ``entropy=0`` drops the entropy term (that is Q), ``-1`` flips its sign, ``weighted=False``
    forgets the counts: the usual slips, recognised by comparison.
    """
    with np.errstate(divide="ignore", invalid="ignore"):
        log_q = np.where(q > 0, np.log(np.where(q > 0, q, 1.0)), 0.0)
        terms = np.where(q > 0, q * (log_joint - entropy * log_q), 0.0).sum(axis=1)
    return float((counts if weighted else np.ones_like(counts)) @ terms)


def _lower_bound_cases():
    """(label, q, log_joint, counts): friendly first, then zeros in q, counts, far-away points."""
    a = np.array([[-1.2, -3.0], [-2.5, -1.1], [-1.9, -2.0]])
    r = np.exp(a - scipy_logsumexp(a, axis=1, keepdims=True))
    a4 = np.array([[-1.0, -4.0, -6.5], [-2.2, -1.4, -3.3], [-5.0, -2.1, -1.3], [-2.0, -2.6, -2.2]])
    r4 = np.exp(a4 - scipy_logsumexp(a4, axis=1, keepdims=True))
    far = np.array([[-1002.0, -1000.5], [-998.0, -1003.0]])
    return [
        ("three points, two components, q = r (the E-step's choice)", r.round(12), a, np.ones(3)),
        ("the same points, q uniform (not the posterior)", np.full((3, 2), 0.5), a, np.ones(3)),
        ("hard assignments: q holds zeros (as K-means)", np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 0.0]]),
         a, np.ones(3)),
        ("a histogram: four levels with counts c_i, q = r", r4.round(12), a4, np.array([5.0, 1.0, 12.0, 3.0])),
        ("far-away points: log_joint near -1000", np.array([[0.25, 0.75], [0.9, 0.1]]), far, np.ones(2)),
    ]


def _lower_bound_hint(g, q, a, c, expected, log_L):
    """Why the student's bound g differs from the expected one."""
    zeros = bool((q == 0).any())
    same = (lambda v: _close(g, v, rtol=1e-7, atol=1e-9))
    if np.isnan(g):
        if zeros:
            return ("NaN: q holds zeros, and 0 * log 0 = 0 * (-inf) = NaN in floating point. The term "
                    "q_ik log q_ik of a q_ik = 0 is 0 (its limit): use np.where(q > 0, q * np.log(q), 0) "
                    "or scipy.special.xlogy(q, q).")
        return "NaN: look for 0 * inf or inf - inf; every term of the bound is finite here."
    if g == -np.inf:
        if a.max() < -700:
            return ("-inf: exp(log_joint) underflowed to 0.0 (these points are far from every component) "
                    "and you took its log. You never need exp here: B = sum_i c_i sum_k q_ik "
                    "(log_joint_ik - log q_ik) uses log_joint as it is.")
        return "-inf: a log of 0 somewhere? With q_ik = 0 the term q_ik log q_ik is 0, not -inf."
    if not math.isfinite(g):
        return "the bound is finite for these inputs; look for an overflow or a division by zero."
    if same(_bound_terms(q, a, c, entropy=0.0)):
        return ("you computed Q = sum_i c_i sum_k q_ik log p(x_i, z_i = k | theta), the expected "
                "complete-data log-likelihood, without the entropy of q. Jensen's bound is Q plus the "
                "entropy: B = sum_i c_i sum_k q_ik (log_joint_ik - log q_ik).")
    if same(_bound_terms(q, a, c, entropy=-1.0)):
        return ("the entropy term has the wrong sign: the bound SUBTRACTS q_ik log q_ik (the entropy "
                "-sum_k q_ik log q_ik is >= 0), B = sum_i c_i sum_k q_ik (log_joint_ik - log q_ik).")
    if not np.allclose(c, 1.0) and same(_bound_terms(q, a, c, weighted=False)):
        return ("you forgot the counts c_i: level x_i stands for c_i points, so its term counts c_i "
                "times: B = sum_i c_i sum_k q_ik (log_joint_ik - log q_ik).")
    if same(expected / c.sum()) or same(expected / q.size):
        return "you averaged over the points; the bound is a SUM over i (weighted by c_i), not a mean."
    if same(log_L) and not same(expected):
        return (f"you returned log L itself ({_num(log_L)}), whatever q is. The bound depends on q: it "
                "equals log L only at q = r (the posterior) and is below it for any other q.")
    if g > log_L + 1e-9 * max(1.0, abs(log_L)):
        return (f"your value is above log L = {_num(log_L)}, and a lower bound never is (Jensen). "
                "Check the signs: B = sum_i c_i sum_k q_ik (log_joint_ik - log q_ik).")
    return (f"compare with B = sum_i c_i sum_k q_ik (log_joint_ik - log q_ik), term by term (here "
            f"log L = {_num(log_L)}; B equals it at q = r and is below it otherwise).")


@_checker("lower_bound", 5)
def check_lower_bound(s, fn):
    """Check ``fn(q, log_joint, counts) -> float``: Jensen's lower bound B(q, theta) of notebook 02.

    q (N, K): for each point a probability vector over the components (rows sum to 1, zeros
    allowed); log_joint (N, K): log p(x_i, z_i = k | theta) = log pi_k + log N(x_i | mu_k, Sigma_k);
    counts (N,): c_i. Return B = sum_i c_i sum_k q_ik (log_joint_ik - log q_ik), one number,
    with 0 log 0 = 0. The reference is this formula; every case also states log L =
    sum_i c_i logsumexp_k log_joint_ik, which B equals at q = r (the posterior) and never exceeds.
    The hostile cases: q with zeros (NaN from 0 * log 0), counts (a histogram) and points so far
    away that exp(log_joint) is 0.0.
    """
    for label, q, a, c in _lower_bound_cases():
        expected = _bound_terms(q, a, c)
        log_L = float(c @ scipy_logsumexp(a, axis=1))
        got = s.call(fn, _Case(label, [("q", q), ("log_joint", a), ("counts", c)]))
        g = _number(got, "your bound")
        if _close(g, expected, rtol=1e-9, atol=1e-9):
            continue
        raise _Fail(_lower_bound_hint(g, q, a, c, expected, log_L), f"{_num(expected)}  (log L = {_num(log_L)})", g)


# --- notebook 04 ---
# Counting the free parameters of each covariance type (notebook 04, exercise 3);
# tests/test_exercises_04.py holds its detailed tests.

def _typed_mixture(K, d, covariance_type):
    """A valid mixture of the type (the reference count is its ``n_parameters``)."""
    return Mixture(np.full(K, 1.0 / K), np.zeros((K, d)), np.broadcast_to(np.eye(d), (K, d, d)),
                   covariance_type=covariance_type)


_TYPE_RULES = {
    "full": "each component has its own symmetric d x d matrix: K d (d + 1) / 2 free numbers",
    "diag": "each component has its own d variances (a diagonal matrix): K d free numbers",
    "spherical": "each component has ONE variance, the same in every direction: K free numbers",
    "tied": "all K components share ONE symmetric d x d matrix: d (d + 1) / 2 free numbers, whatever K",
}


def _typed_count_mistakes(ctype):
    """[(hint, count(K, d))]: the usual wrong counts for a covariance type, each as a formula."""
    rule = f"for {ctype!r}, {_TYPE_RULES[ctype]}."
    cov = {"full": lambda K, d: K * d * (d + 1) // 2, "diag": lambda K, d: K * d,
           "spherical": lambda K, d: K, "tied": lambda K, d: d * (d + 1) // 2}
    own = cov[ctype]
    mistakes = [
        ("the count is for the whole mixture: (K - 1) weights + K d means + the covariances; "
         "you returned the covariances alone.", own),
        ("off by one: the K weights sum to 1, so only K - 1 of them are free.",
         lambda K, d: K + K * d + own(K, d)),
        ("do not forget the means: K d free numbers.", lambda K, d: (K - 1) + own(K, d)),
    ]
    for other, what in (("full", "that is the count for 'full' covariances"),
                        ("diag", "that counts a diagonal per component (that is 'diag')"),
                        ("spherical", "that counts one variance per component (that is 'spherical')"),
                        ("tied", "that counts one shared matrix (that is 'tied')")):
        if other != ctype:
            mistakes.append((f"{what}; {rule}", lambda K, d, c=cov[other]: (K - 1) + K * d + c(K, d)))
    if ctype in ("full", "tied"):
        mistakes.append(("a covariance is symmetric: only d (d + 1) / 2 of its d^2 entries are free.",
                         lambda K, d: (K - 1) + K * d + (K if ctype == "full" else 1) * d * d))
    if ctype == "spherical":
        mistakes.append(("one variance shared by every component is not a type here; 'spherical' "
                         "gives each component its own: K.", lambda K, d: (K - 1) + K * d + 1))
    return mistakes


@_checker("n_parameters_by_type", 10)
def check_n_parameters_by_type(s, fn):
    """Check ``fn(K, d, covariance_type) -> int``: free parameters of a mixture of that type.

    p = (K - 1) weights + K d mean entries + the covariance type's own count: ``full``
    K d (d + 1) / 2, ``diag`` K d, ``spherical`` K, ``tied`` d (d + 1) / 2 (scikit-learn's
    ``_n_parameters``). The reference is ``Mixture(..., covariance_type=...).n_parameters``.
    The cases with K = 3, d = 2 come first, one per type, so the first failure names the type;
    the hint names the mistake whose formula explains every answer given for that type.
    """
    cases = [(3, 2, "full"), (3, 2, "diag"), (3, 2, "spherical"), (3, 2, "tied"),
             (2, 4, "diag"), (2, 4, "spherical"), (2, 4, "tied"), (2, 4, "full"),
             (1, 3, "tied"), (4, 1, "spherical")]

    def case(K, d, ctype):
        return _Case(f"{ctype}, K = {K}, d = {d}", [("K", K), ("d", d), ("covariance_type", ctype)])

    for K, d, ctype in cases:
        expected = _typed_mixture(K, d, ctype).n_parameters
        failing = case(K, d, ctype)
        got = s.call(fn, failing)
        if got is None:
            raise _Fail(f"your function returned None for covariance_type={ctype!r}: handle all four "
                        "types ('full', 'diag', 'spherical', 'tied') and return the count.", expected, got)
        g = _integer(got, "your count", low=0)
        if g == expected:
            continue
        # The same type at other sizes tells mistakes apart that give the same number here.
        answers = {(K, d): g}
        for K2, d2, t2 in cases:
            if t2 == ctype and (K2, d2) != (K, d):
                try:
                    answers[K2, d2] = _integer(s.call(fn, case(K2, d2, t2)), "your count")
                except _Fail:
                    pass
        s.case = failing
        mistakes = [(h, f) for h, f in _typed_count_mistakes(ctype) if f(K, d) == g]
        hint = next((h for h, f in mistakes if all(f(*kd) == a for kd, a in answers.items())),
                    mistakes[0][0] if mistakes else
                    f"p = (K - 1) + K d + the covariances; for {ctype!r}, {_TYPE_RULES[ctype]}.")
        raise _Fail(hint, expected, g)

