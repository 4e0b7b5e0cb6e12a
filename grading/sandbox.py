"""The sandbox around a submission: bubblewrap, one zygote per submission (grading/_zygote.py),
and what comes back from it read as data, never as code. Used by grading.grade."""
import io
import os
import pickle
import shutil
import signal
import socket
import subprocess
import sys
import time
from multiprocessing.connection import Connection, wait
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
MAX_REPLY = 256 << 20         # bytes of one answer sent back to the grader
STARTUP_LIMIT = 120           # seconds for a sandbox to import the library (a loaded machine)


class GradingError(RuntimeError):
    """The grader itself cannot run (no bubblewrap, a broken environment): not a student's fault."""


# ============================================================================================
# What comes back from the sandbox is data, never code: a restricted unpickler

_ALLOWED = {
    ("numpy._core.numeric", "_frombuffer"), ("numpy.core.numeric", "_frombuffer"),
    ("numpy._core.multiarray", "_reconstruct"), ("numpy.core.multiarray", "_reconstruct"),
    ("numpy._core.multiarray", "scalar"), ("numpy.core.multiarray", "scalar"),
    ("numpy", "dtype"), ("numpy", "ndarray"), ("gmmlib.mixture", "Mixture"),
    ("builtins", "complex"), ("builtins", "slice"), ("builtins", "set"), ("builtins", "frozenset"),
    ("builtins", "range"), ("builtins", "bytearray"),
}


class _SafeUnpickler(pickle.Unpickler):
    def find_class(self, module, name):
        if (module, name) in _ALLOWED:
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"{module}.{name}")


def _safe_loads(payload):
    return _SafeUnpickler(io.BytesIO(payload)).load()


# ============================================================================================
# The sandbox: bubblewrap around one zygote per submission

def bwrap_path():
    path = shutil.which("bwrap")
    if path is None:
        raise GradingError("bubblewrap (bwrap) is not installed: run `apt-get install bubblewrap` (Debian/Ubuntu, "
                           "as root) or `dnf install bubblewrap`; the grader never runs student code unconfined.")
    return path


def _sandbox_command(scratch, hide, ctl_fd):
    """bwrap's arguments: the system read-only, every data folder hidden, only scratch writable."""
    hidden = {Path("/tmp"), Path("/var/tmp"), Path("/dev/shm"), Path("/home"), Path("/root"), Path("/srv"),
              Path("/mnt"), Path("/media"), Path.home(), REPO, Path(sys.prefix).parent, *map(Path, hide)}
    visible = {Path(sys.prefix), Path(sys.base_prefix), REPO / "gmmlib", REPO / "grading"}
    mounts = [(len(p.parts), 0, "--tmpfs", str(p)) for p in hidden if p.is_dir() and p != Path("/")]
    mounts += [(len(p.parts), 1, "--ro-bind", str(p)) for p in visible]
    cmd = [bwrap_path(), "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc"]
    for _, _, kind, path in sorted(mounts):
        cmd += [kind, path] if kind == "--tmpfs" else [kind, path, path]
    cmd += ["--bind", str(scratch), str(scratch), "--chdir", str(scratch),
            "--unshare-all", "--die-with-parent", "--new-session", "--cap-drop", "ALL",
            "--clearenv", "--setenv", "PYTHONPATH", str(REPO), "--setenv", "HOME", str(scratch),
            "--setenv", "PATH", "/usr/bin:/bin", "--setenv", "OPENBLAS_NUM_THREADS", "1",
            "--setenv", "OMP_NUM_THREADS", "1", "--setenv", "MPLBACKEND", "Agg",
            sys.executable, "-m", "grading._zygote", str(ctl_fd)]
    return cmd


class _Dead(Exception):
    pass


class Sandbox:
    """One zygote in bubblewrap; ``exercise()`` forks a fresh process for one exercise."""

    def __init__(self, scratch, hide=()):
        self.scratch, self.hide = Path(scratch), hide
        self.proc = self.ctl = None

    def _start(self):
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        log = open(self.scratch / "sandbox.log", "ab")
        self.proc = subprocess.Popen(_sandbox_command(self.scratch, self.hide, theirs.fileno()),
                                     pass_fds=(theirs.fileno(),), stdin=subprocess.DEVNULL,
                                     stdout=log, stderr=log)
        theirs.close()
        log.close()
        self.ctl = ours
        # Starting the sandbox (importing the library) is not part of any exercise's time limit.
        if not wait([ours], STARTUP_LIMIT) or ours.recv(16) != b"ready":
            self.close()
            text = (self.scratch / "sandbox.log").read_text(errors="replace")[-2000:]
            raise GradingError(f"the sandbox did not start within {STARTUP_LIMIT} s:\n{text}")

    def close(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
        if self.ctl is not None:
            self.ctl.close()
        if self.proc is not None:
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = self.ctl = None

    def exercise(self, config):
        if self.proc is None or self.proc.poll() is not None:
            self.close()
            self._start()
        ours, theirs = socket.socketpair()
        try:
            socket.send_fds(self.ctl, [pickle.dumps(config)], [theirs.fileno()])
        except OSError:  # the previous exercise's code killed the sandbox: a new one
            self.close()
            self._start()
            socket.send_fds(self.ctl, [pickle.dumps(config)], [theirs.fileno()])
        theirs.close()
        return _Run(self, Connection(ours.detach()))


def _status_text(status):
    if os.WIFSIGNALED(status):
        sig = os.WTERMSIG(status)
        return f"killed by signal {signal.Signals(sig).name}" + (" (a crash in compiled code)" if sig in (11, 7, 4, 6) else "")
    return f"exit status {os.WEXITSTATUS(status)}"


class _Run:
    """The grader's end of one exercise's process."""

    def __init__(self, box, data):
        self.box, self.data = box, data
        self.delegated, self.changed = set(), set()
        self.ended = None  # why the process ended early, in words

    def _exited(self, wait_s):
        ctl = self.box.ctl
        if wait([ctl], wait_s):
            try:
                msg = ctl.recv(1 << 16)
            except OSError:
                msg = b""
            if msg:
                return _status_text(_safe_loads(msg)[1])
        return "the sandbox itself stopped"

    def receive(self, deadline):
        """The next reply, or raise _Dead (process ended) / TimeoutError (deadline)."""
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError
            # short waits: the checker's own time limit may stop this thread between two of them
            ready = wait([self.data, self.box.ctl], min(remaining, 0.05))
            if self.data in ready:
                try:
                    payload = self.data.recv_bytes(MAX_REPLY)
                except (EOFError, OSError) as exc:
                    if isinstance(exc, OSError) and "too long" in str(exc).lower():
                        raise _Dead("your function returned more data than the grader accepts (256 MB)")
                    self.ended = f"the process running your code ended ({self._exited(5)})"
                    raise _Dead(self.ended)
                try:
                    reply, flags = _safe_loads(payload)
                except Exception as exc:
                    raise _Dead(f"your function returned an object the grader does not accept ({exc}); "
                                "return numbers, tuples, lists or numpy arrays")
                self.delegated.update(flags["delegated"])
                self.changed.update(flags["changed"])
                return reply
            if self.box.ctl in ready:
                self.ended = f"the process running your code ended ({self._exited(0)})"
                raise _Dead(self.ended)

    def finish(self):
        """End the exercise's process (kill it if it still runs) and wait for the zygote's word."""
        self.data.close()
        ctl = self.box.ctl
        if self.ended is None and self.box.proc.poll() is None:
            try:
                if not wait([ctl], 1.0):
                    ctl.send(b"kill")
            except OSError:  # the sandbox itself is gone
                return
            if wait([ctl], 10):
                try:
                    ctl.recv(1 << 16)
                except OSError:
                    pass


