"""Runs inside the sandbox, one per submission: imports the library once, then forks one fresh
process per graded exercise. Nothing here trusts the student's code; the grader trusts nothing
this process sends back except through a restricted unpickler (grading.sandbox._safe_loads).

Protocol. On the control socket (fd given in argv) the grader sends ("exercise", config) with a
fresh data socket attached (SCM_RIGHTS). The zygote forks; the child runs the student's cells and
then answers ("call", name, args) on the data socket with ("ok", value) or ("error", type, text),
each reply carrying the names of forbidden references called and of library objects changed.
When the child ends, the zygote sends ("exited", status) on the control socket; ("kill",) from
the grader ends the child at once.
"""
import ctypes
import errno
import importlib
import inspect
import linecache
import os
import pickle
import pkgutil
import resource
import select
import signal
import socket
import sys
import traceback
from multiprocessing.connection import Connection

os.environ.setdefault("MPLBACKEND", "Agg")
import numpy as np  # noqa: E402
import gmmlib  # noqa: E402

from grading.rules import CHECKER_PACKAGE, FORBIDDEN  # noqa: E402

# Every gmmlib module is loaded before any student code runs: the stubs below then reach every
# reference, and an import inside an answer finds the stubbed module in sys.modules.
for _info in pkgutil.walk_packages(gmmlib.__path__, "gmmlib."):
    try:
        importlib.import_module(_info.name)
    except Exception:  # an optional module whose dependency is missing: not a reference
        pass


class Delegated(Exception):
    """Raised by a stub: the answer called the library's own version of the exercise."""


def _resolve(target):
    module, qualname = target.split(":")
    owner = importlib.import_module(module)
    *path, name = qualname.split(".")
    for part in path:
        owner = getattr(owner, part)
    return owner, name


def _stub(name, calls):
    def stub(*args, **kwargs):
        calls.append(name)
        raise Delegated(f"{name} is the library's own answer to this exercise; write it yourself")
    stub.__name__ = name.rsplit(".", 1)[-1]
    return stub


def _install_stubs(checker, calls):
    """Replace the forbidden references (and every checker function) wherever gmmlib holds them."""
    originals = {}
    for target in FORBIDDEN.get(checker, []):
        owner, name = _resolve(target)
        original = owner.__dict__[name] if isinstance(owner, type) else getattr(owner, name)
        label = target.split(":")[1]
        originals[id(original)] = label
        stub = _stub(label, calls)
        setattr(owner, name, property(lambda self, stub=stub: stub()) if isinstance(original, property) else stub)
    for mod_name, module in list(sys.modules.items()):
        if not mod_name.startswith(CHECKER_PACKAGE) or module is None:
            continue
        for attr, value in list(vars(module).items()):
            # functions, and wrappers such as lru_cache's: anything callable the checkers define
            if (callable(value) and not isinstance(value, type)
                    and str(getattr(value, "__module__", "")).startswith(CHECKER_PACKAGE)):
                originals[id(value)] = f"{mod_name}.{attr}"
    for mod_name, module in list(sys.modules.items()):  # the same objects re-exported elsewhere
        if not mod_name.startswith("gmmlib") or module is None:
            continue
        for attr, value in list(vars(module).items()):
            if id(value) in originals:
                setattr(module, attr, _stub(originals[id(value)], calls))


def _snapshot():
    """Identity of every attribute of every gmmlib and grading module and gmmlib class."""
    seen = {}
    for mod_name, module in list(sys.modules.items()):
        if module is None or not mod_name.startswith(("gmmlib", "grading")):
            continue
        for attr, value in list(vars(module).items()):
            seen[f"{mod_name}.{attr}"] = id(value)
            if isinstance(value, type) and value.__module__ == mod_name:
                for k, v in list(vars(value).items()):
                    seen[f"{mod_name}.{attr}.{k}"] = id(v)
    return seen


def _changed(before):
    after = _snapshot()
    return sorted(k for k in set(before) | set(after) if before.get(k) != after.get(k))


def _signature(fn):
    try:
        return [(p.name, int(p.kind), p.default is not p.empty) for p in inspect.signature(fn).parameters.values()]
    except Exception:
        return None


def _describe(exc):
    """(type name, text): the exception and the line of the student's code that raised it."""
    where = ""
    for frame in reversed(traceback.extract_tb(exc.__traceback__)):
        if frame.filename.startswith("<answer"):
            where = f" (line {frame.lineno} of your cell: `{(frame.line or '').strip()[:70]}`)"
            break
    text = str(exc)
    if isinstance(exc, OSError) and exc.errno == errno.EFBIG:
        text = "your code printed more than the output allowed (1 MB); remove the prints"
    elif isinstance(exc, MemoryError):
        text = "your code asked for more memory than the grader allows (2 GB)"
    return type(exc).__name__, text[:2000] + where


def _child(config, data):
    """The exercise's own process: limits, stubs, the student's cells, then the graded calls."""
    out = os.open(config["output"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.dup2(out, 1)
    os.dup2(out, 2)
    os.close(out)
    resource.setrlimit(resource.RLIMIT_FSIZE, (config["max_output"], config["max_output"]))
    resource.setrlimit(resource.RLIMIT_AS, (config["max_memory"], config["max_memory"]))
    calls = []
    _install_stubs(config["checker"], calls)
    before = _snapshot()
    namespace = {"__name__": "__main__"}
    try:
        exec(compile(config["prelude"], "<prelude>", "exec"), namespace)
        for name in config["checkers_called"]:  # the cell's own check_* call: a no-op when graded
            namespace[name] = lambda *a, **k: None
        for i, code in enumerate(config["cells"]):
            linecache.cache[f"<answer{i}>"] = (len(code), None, code.splitlines(True), f"<answer{i}>")
            exec(compile(code, f"<answer{i}>", "exec"), namespace)
        fns = {n: namespace.get(n) for n in config["functions"]}
        missing = [n for n, f in fns.items() if not callable(f)]
        if missing:
            reply = ("setup", "NameError", f"your notebook does not define {', '.join(missing)}")
        else:
            reply = ("ready", {n: _signature(f) for n, f in fns.items()})
    except BaseException as exc:  # anything the cell does (sys.exit too) is the answer's fault
        reply = ("setup",) + _describe(exc)
    _send(data, reply, calls, before)
    if reply[0] != "ready":
        return
    while True:
        try:
            message = pickle.loads(data.recv_bytes())
        except (EOFError, OSError):
            return
        _, name, args = message
        try:
            with np.errstate(all="ignore"):
                reply = ("ok", fns[name](*args))
        except BaseException as exc:
            reply = ("error",) + _describe(exc)
        _send(data, reply, calls, before)


def _send(data, reply, calls, before):
    flags = {"delegated": sorted(set(calls)), "changed": _changed(before)}
    try:
        payload = pickle.dumps((reply, flags), protocol=5)
    except BaseException as exc:
        payload = pickle.dumps((("error", "TypeError", f"the value your function returned cannot be "
                                 f"sent to the grader ({type(exc).__name__}: {str(exc)[:200]})"), flags))
    data.send_bytes(payload)


def main(ctl_fd):
    ctl_sock = socket.socket(fileno=ctl_fd)
    ctypes.CDLL(None).prctl(4, 0, 0, 0, 0)  # PR_SET_DUMPABLE 0: no child may ptrace this process
    ctl_sock.sendall(b"ready")  # the imports are done: the exercises' time limits start from here
    while True:
        try:
            msg, fds, _, _ = socket.recv_fds(ctl_sock, 1 << 20, 1)
        except OSError:
            return
        if not msg:
            return
        if not fds:  # a late kill for a child that had already ended
            continue
        config = pickle.loads(msg)
        data_sock = socket.socket(fileno=fds[0])
        pid = os.fork()
        if pid == 0:
            ctl_sock.close()
            status = 0
            try:
                _child(config, Connection(data_sock.detach()))
            except BaseException:
                status = 70
            os._exit(status)
        data_sock.close()
        while True:
            ready, _, _ = select.select([ctl_sock], [], [], 0.02)
            if ready:
                command = ctl_sock.recv(1 << 16)
                if not command:  # the grader went away
                    os.kill(pid, signal.SIGKILL)
                    os.waitpid(pid, 0)
                    return
                os.kill(pid, signal.SIGKILL)
            done, status = os.waitpid(pid, os.WNOHANG)
            if done:
                ctl_sock.sendall(pickle.dumps(("exited", status)))
                break


if __name__ == "__main__":
    main(int(sys.argv[1]))
