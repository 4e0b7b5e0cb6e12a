"""The suite's own process handling, on this platform: what labdriver starts, it ends, children
included (POSIX: a new session ended by killpg; Windows: a new process group ended by
CTRL_BREAK_EVENT, then taskkill /T). No browser needed; runs in a second."""
from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest

import labdriver as ld

# A parent that starts a child in its own group, prints the child's pid, then both wait.
TREE = ("import subprocess, sys, time; "
        "c = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(120)']); "
        "print(c.pid, flush=True); time.sleep(120)")


def _alive(pid: int) -> bool:
    """Running (a zombie waiting for its reaper counts as ended)."""
    if ld.IS_WINDOWS:
        out = subprocess.run(["tasklist", "/FI", f"PID eq {pid}", "/NH"], capture_output=True, text=True).stdout
        return str(pid) in out
    out = subprocess.run(["ps", "-o", "stat=", "-p", str(pid)], capture_output=True, text=True).stdout.strip()
    return bool(out) and not out.startswith("Z")


def _wait_gone(pid: int, timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not _alive(pid):
            return True
        time.sleep(0.05)
    return False


def test_process_group_ends_with_its_children():
    proc = ld.start_group([sys.executable, "-c", TREE], stdout=subprocess.PIPE, text=True)
    try:
        child = int(proc.stdout.readline())
        assert _alive(child)
        if not ld.IS_WINDOWS:
            assert os.getpgid(child) == proc.pid, "the child is not in the group the parent leads"
            assert child in ld._children(proc.pid)
        t = ld.Timer()
        ld.end_process_group(proc, grace=5.0)
        assert proc.poll() is not None, "the group leader is still running"
        assert _wait_gone(child), f"child {child} outlived its process group"
        assert t() < 8.0, f"ending the group took {t():.1f} s"
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.stdout.close()


@pytest.mark.skipif(ld.IS_WINDOWS, reason="Windows ends a tree with taskkill /T, not by listing children")
def test_children_found_with_and_without_proc():
    """/proc (Linux) and ps (macOS, BSD) agree on who the children are."""
    proc = ld.start_group([sys.executable, "-c", TREE], stdout=subprocess.PIPE, text=True)
    try:
        child = int(proc.stdout.readline())
        assert ld._children_ps(proc.pid) == [child]
        if os.path.isdir("/proc"):
            assert ld._children_proc(proc.pid) == [child]
    finally:
        ld.end_process_group(proc, grace=5.0)
        proc.stdout.close()
