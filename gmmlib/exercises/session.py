"""The checker machinery: a case, the session that calls the student, and the safety net.

``_checker(name, n_cases)`` turns a grading body ``body(session, fn, ...)`` into a public
``check_*`` function with the options every checker shares (``quiet``, ``strict``,
``timeout``). The body calls the student through ``session.call`` and raises ``_Fail`` at the
first wrong case.
"""
import copy
import functools
import inspect
from dataclasses import dataclass

import numpy as np

from .._validate import validate_bool, validate_float
from .answers import _Fail, _answer_dtype, _remember_precision
from .feedback import ExerciseError, Feedback, _arguments_hint, _error_hint, _show
from .sandbox import call_with_time_limit

# Nothing here is called by a student: the graders in the sibling modules use it.
__all__ = []

#: Seconds a single call of the student's function may take before it is stopped.
DEFAULT_TIMEOUT = 5.0


@dataclass
class _Case:
    label: str
    inputs: list  # [(name, value)], passed positionally in this order

    @property
    def args(self):
        return [v for _, v in self.inputs]

    def shown(self):
        return [(name, _show(v, limit=30)) for name, v in self.inputs]


def _binding_error(fn, args):
    """The TypeError of calling ``fn(*args)`` when its signature refuses them, else None.

    Checked before the call, so that a TypeError raised inside the student's code is reported
    as that error with its line, never as a wrong number of parameters.
    """
    try:
        signature = inspect.signature(fn)
    except Exception:  # a builtin without a signature: the call itself will say
        return None
    try:
        signature.bind(*args)
    except TypeError as exc:
        return exc
    return None


class _Session:
    """One checker run: calls the student's function on a case, within the time limit."""

    def __init__(self, name, timeout):
        self.name, self.timeout = name, timeout
        self.case, self.n_cases = None, 0

    def call(self, fn, case, hint=""):
        """The student's answer on ``case``, or _Fail when the call raised or ran out of time.

        ``hint`` is added to the feedback on an exception raised inside the student's code: a
        string, or a function of the exception that returns a string (or "" when it has
        nothing to say about that exception).
        """
        self.case = case
        _remember_precision(None)
        names = [n for n, _ in case.inputs]
        refused = _binding_error(fn, case.args)
        if refused is not None:
            raise _Fail(_arguments_hint(refused, len(names), names))
        value, error = call_with_time_limit(fn, copy.deepcopy(case.args), self.timeout)
        if error is not None:
            raise _Fail(_error_hint(error, len(names), names, hint(error) if callable(hint) else hint))
        _remember_precision(value)
        return value


def _check_timeout(timeout):
    return validate_float(timeout, "timeout", "(0, 1e6)", allow_none=True,
                       expected="a number of seconds > 0 (below 1e6)",
                       hint=f"None waits for ever; the default is {DEFAULT_TIMEOUT:g}")


def _grade(session, body, fn, args, kwargs):
    """Run a checker body on the student's function: the Feedback, whatever happens inside."""
    try:
        if not callable(fn):
            raise _Fail(f"pass your function itself, e.g. {body.__name__}(my_function), "
                        f"not its result (this is {_show(fn)}).")
        body(session, fn, *args, **kwargs)
        return Feedback(session.name, True, session.n_cases)
    except _Fail as fail:
        return _feedback(session, fail)
    except KeyboardInterrupt:
        raise
    except Exception as exc:  # never let the checker itself crash on an odd answer
        fail = _Fail(f"the checker could not read your answer ({type(exc).__name__}: {exc}). "
                     "Check the type and shape your function returns against the exercise.")
        return _feedback(session, fail)
    finally:
        _remember_precision(None)


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
            with np.errstate(all="ignore"):  # the student's np.seterr is theirs, not ours
                feedback = _grade(session, body, fn, args, kwargs)
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


def _precision_note(fail):
    """'compute in float64' when the failure looks like float32 rounding, else ''.

    Either the answer itself is float32 or float16, or (a float64 answer computed from data
    rounded to float32) it agrees with the expected value to 5 significant digits but not to
    the checker's tolerance: a real mistake is never that close.
    """
    narrow = _answer_dtype()
    if narrow is not None:
        digits = {np.float32: "about 7", np.float16: "about 3"}.get(narrow.type, "few")
        return (f"your answer is {narrow} ({digits} significant digits): compute in float64 "
                "(numpy's default; X.astype(np.float64) if your data are float32). ")
    try:
        g = np.asarray(fail.got, dtype=np.float64)
        e = np.asarray(fail.expected, dtype=np.float64)
        with np.errstate(all="ignore"):
            near = (g.shape == e.shape and e.size > 0 and np.isfinite(g).all() and np.isfinite(e).all()
                    and np.allclose(g, e, rtol=1e-5, atol=1e-5 * float(np.abs(e).max())))
    except Exception:  # a value that is not numbers: no rounding to speak of
        return ""
    if not near:
        return ""
    return ("your answer differs from the expected one only around the 6th significant digit, as "
            "after a trip through float32 (about 7 digits): compute in float64 from start to end "
            "(no astype(np.float32) on the data or on an intermediate result). ")


def _feedback(session, fail):
    case = session.case
    label = case.label if case is not None else "before any case"
    if fail.part:
        label += f": {fail.part}"
    show = (lambda v: "" if v is None else v if isinstance(v, str) else _show(v))
    hint = (_precision_note(fail) if fail.expected is not None else "") + fail.hint
    return Feedback(session.name, False, session.n_cases, label, show(fail.expected), show(fail.got),
                    hint, case.shown() if case is not None else [])
