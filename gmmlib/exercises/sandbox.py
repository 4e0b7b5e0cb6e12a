"""Running a student's function: fresh copies of the inputs, a time limit, every exception caught.

The function runs in a separate thread. One that is late is stopped by raising an exception
inside that thread (CPython's ``PyThreadState_SetAsyncExc``): this works the same on Linux,
macOS and Windows, unlike ``signal.alarm``, and leaves the kernel usable. The exception lands
between two Python instructions, so two kinds of code cannot be stopped: code inside one long C
call (``time.sleep(1e9)``, a huge numpy operation), which only notices when that call returns,
and code that catches the stop request itself (a bare ``except:`` or ``except BaseException:``
inside a loop). The caller is told which of the two happened.
"""
import ctypes
import linecache
import os
import re
import sys
import threading
import time
import warnings

import numpy as np

# Nothing here is called by a student: the graders in the sibling modules use it.
__all__ = []

#: Seconds given to a timed-out function to notice the stop request before it is abandoned.
STOP_GRACE = 2.0


class _Timeout(BaseException):
    """Raised inside a student's function that ran out of time (BaseException: `except
    Exception` in the student's code must not swallow it).

    As feedback its arguments are (time limit, stopped, swallowed, where): ``swallowed`` is
    True when the student's code caught the stop request and went on, and ``where`` then names
    the line that catches everything, when it can be found.
    """


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


def _counting_stop_request():
    """A fresh _Timeout subclass that counts its instances.

    CPython instantiates the class passed to PyThreadState_SetAsyncExc in the target thread
    when the exception is delivered, so the count says how many requests reached the student's
    code: a thread still running after one was delivered has caught it, while a thread stuck in
    a C call never receives one.
    """
    class StopRequest(_Timeout):
        delivered = 0

        def __init__(self, *args):
            super().__init__(*args)
            type(self).delivered += 1
    return StopRequest


_CATCH_ALL = re.compile(r"^\s*except\s*(BaseException\b[^:]*)?:")
_GMMLIB = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _catch_all_line(thread):
    """' (line N: `except:`)' for a catch-all handler in the running thread's own code, or ''."""
    frame = sys._current_frames().get(thread.ident)
    while frame is not None:
        code = frame.f_code
        if not code.co_filename.startswith(("<frozen", sys.prefix, _GMMLIB)):
            last = max((line for _, _, line in code.co_lines() if line), default=code.co_firstlineno)
            for n in range(code.co_firstlineno, last + 1):  # every line of the running function
                line = linecache.getline(code.co_filename, n, frame.f_globals)
                if _CATCH_ALL.match(line):
                    return f" (in {code.co_name}, line {n}: `{line.strip()[:60]}`)"
        frame = frame.f_back
    return ""


def _stop(thread, box, grace=None):
    """Stop a running student thread; returns (stopped, swallowed, where).

    The request is repeated while the student's code runs (a pure-Python loop stops at once),
    never once that code has returned. A thread still alive after the grace period is left
    running as a daemon: ``swallowed`` says whether it received a request (and caught it) or
    never did (a long C call), ``where`` names the catch-all line when it is found.
    """
    request = _counting_stop_request()
    deadline = time.monotonic() + (STOP_GRACE if grace is None else grace)
    while thread.is_alive() and not box.get("done") and time.monotonic() < deadline:
        _async_raise(thread, request)
        thread.join(0.05)
    thread.join(max(0.0, deadline - time.monotonic()))
    if not thread.is_alive() or box.get("done"):
        return True, False, ""
    swallowed = request.delivered > 0
    return False, swallowed, _catch_all_line(thread) if swallowed else ""


def call_with_time_limit(fn, args, timeout):
    """Call ``fn(*args)``; returns (value, None) or (None, BaseException or _Timeout instance).

    The call runs under ``np.errstate(all="ignore")`` and with warnings silenced: a wrong
    answer is reported as a wrong answer, not as a warning, whatever ``np.seterr`` says.
    ``timeout=None`` calls ``fn`` in this thread and waits for ever.
    """
    box = {}

    def target():
        try:
            with np.errstate(all="ignore"):  # numpy's error state is per thread (or context)
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
            return None, _Timeout(timeout, *_stop(thread, box))
        thread.join()
    return box.get("value"), box.get("error")
