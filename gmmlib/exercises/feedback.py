"""What a student reads: the verdict of a checker, values printed safely, exceptions in words.

Nothing a student's function returns is trusted to print itself: ``_show`` turns any value
(a huge array, an object whose ``__repr__`` raises, a list holding itself) into a short line.
"""
import linecache
import math
import os
import textwrap
import traceback
import warnings
from dataclasses import dataclass, field

import numpy as np

from ..mixture import Mixture
from .sandbox import _Timeout

__all__ = ["ExerciseError", "Feedback"]

_GMMLIB = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


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


def _where(exc):
    """' (line N of your code: `...`)' for the deepest frame outside numpy/scipy/gmmlib."""
    try:
        frames = traceback.extract_tb(exc.__traceback__)
    except Exception:
        return ""
    for frame in reversed(frames):
        name = frame.filename or ""
        if (os.path.abspath(name).startswith(_GMMLIB) or "site-packages" in name
                or f"{os.sep}numpy{os.sep}" in name or f"{os.sep}scipy{os.sep}" in name):
            continue
        line = (frame.line or linecache.getline(name, frame.lineno) or "").strip()
        return f" (in {frame.name}, line {frame.lineno}: `{line[:70]}`)" if line else ""
    return ""


def _arguments_hint(exc, n_args, arg_names):
    return (f"your function could not be called with {n_args} arguments ({', '.join(arg_names)}): "
            f"{exc}. Give it exactly these parameters.")


def _timeout_hint(limit, stopped, swallowed, where):
    text = (f"your function did not return within {limit:g} s. An endless loop? Check that "
            "every loop has a condition that becomes true, or a maximum number of rounds. "
            "If it is only slow, pass a larger timeout=... to the checker.")
    if stopped:
        return text
    if swallowed:
        return text + (f" It could not be stopped: your code catches the stop request{where}. A bare "
                       "`except:` (or `except BaseException:`) catches everything, the checker's stop "
                       "request and the kernel's Interrupt too; write `except Exception:` or name the "
                       "error you expect. The loop keeps running in the background and uses a whole "
                       "core: restart the kernel to end it.")
    return text + (" It could not be stopped (it is stuck inside one long C call) and keeps "
                   "running in the background; restart the kernel if the notebook slows down.")


def _error_hint(exc, n_args, arg_names, hint=""):
    """Feedback text for an exception raised by (or a time-out of) the student's function."""
    if isinstance(exc, _Timeout):
        return _timeout_hint(*(exc.args + (None, True, False, ""))[:4])
    if isinstance(exc, NotImplementedError):
        return ("not written yet: replace the `raise NotImplementedError` with your code and run "
                "the check again.")
    frames = traceback.extract_tb(exc.__traceback__) if exc.__traceback__ else []
    if isinstance(exc, TypeError) and len(frames) <= 1:  # raised by the call itself, not inside
        return _arguments_hint(exc, n_args, arg_names)
    if isinstance(exc, RecursionError):
        return "your function calls itself without end (RecursionError): a loop is what you need."
    if isinstance(exc, (SystemExit, KeyboardInterrupt)):
        return f"your function stopped the program ({type(exc).__name__}): return a value instead."
    try:
        text = str(exc).strip()
    except Exception:
        text = "(no message)"
    if len(text) > 200:
        text = text[:197] + "..."
    return (f"your function raised {type(exc).__name__}: {text}{_where(exc)}. "
            + (hint or "Run it on these inputs by hand and read the traceback."))


