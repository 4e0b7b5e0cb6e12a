"""README's route without make, run as written, so that it cannot drift from `make`.

The blocks marked ``<!-- route:posix -->``, ``<!-- route:windows -->`` and ``<!-- route:test -->``
in README.md are read line by line. On a clean copy of the repository (the files git tracks, as
they are in the work tree) in a temporary folder, the install lines run for real in a new venv,
``jupyter lab`` is started and polled until its ``/api/status`` answers, then stopped, and the
test lines run in the same activated shell.

The test lines run in a cheap form that still proves they work. ``pip install`` runs as
written. Each pytest line runs as written plus a ``-k`` selection: pytest still collects the
whole suite it names (every test module imported, every notebook parsed, every option and plugin
accepted: a missing dependency or a wrong path fails here) and then executes a small part of it:
the packaging tests for the unit suite, the first notebook for nbval. The browser line is only
collected: running it again would double the browser stage, which `make test` runs in full,
and these are the same test files, so what the fresh venv must prove is that it can collect and
run them, not their results a second time. ``tests/ensure_browser.py`` runs as written.
That the test lines ARE the ones `make test` runs is checked against the Makefile's text.
"""
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from lab_http import free_port, get

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
WINDOWS = os.name == "nt"


def route(name):
    """The non-empty lines of the fenced block that follows ``<!-- route:NAME ... -->``."""
    match = re.search(rf"<!-- route:{name}\b[^>]*-->\s*```[a-z]*\n(.*?)```", README.read_text(), re.S)
    assert match, f"README.md has no fenced block after a <!-- route:{name} --> marker"
    return [line.strip() for line in match.group(1).splitlines() if line.strip()]


def clean_copy(destination):
    """The files git tracks (plus untracked, not ignored ones), as they are in the work tree."""
    try:
        listed = subprocess.run(["git", "-C", str(ROOT), "ls-files", "-z", "--cached", "--others",
                                 "--exclude-standard"], capture_output=True, check=True).stdout
        files = [f for f in listed.decode().split("\0") if f]
    except (OSError, subprocess.CalledProcessError):  # not a git checkout (an unpacked archive)
        files = [str(p.relative_to(ROOT)) for p in ROOT.rglob("*") if p.is_file()
                 and not {".venv", ".venv-lowest", ".venv-grading", ".venv-grading-lowest", ".git", "build", "__pycache__"} & set(p.parts)]
    for name in files:
        source = ROOT / name
        if source.is_file():  # a file deleted in the work tree but not yet in git is skipped
            (destination / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, destination / name)
    return destination


def shell(lines):
    """A command running ``lines`` in one shell, stopping at the first failure."""
    if WINDOWS:  # cmd.exe: `call` returns from activate.bat to the rest of the line
        return ["cmd", "/d", "/c", " && ".join(("call " + l) if "activate" in l else l for l in lines)]
    return ["bash", "-euc", "\n".join(lines)]


def environment():
    """This environment, minus the venv pytest runs in: the README's lines start from nothing."""
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONHOME", "PYTHONPATH")}
    ours = str(Path(sys.prefix) / ("Scripts" if WINDOWS else "bin"))
    env["PATH"] = os.pathsep.join(p for p in env.get("PATH", "").split(os.pathsep) if p != ours)
    return env


def run(line, cwd, say, activate=None, timeout=900):
    """One README line, after the activation line when there is one; its stdout."""
    started = time.monotonic()
    out = subprocess.run(shell([activate, line] if activate else [line]), cwd=cwd, env=environment(),
                         capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL)
    assert out.returncode == 0, (f"README line failed (exit {out.returncode}): {line}\n"
                                 f"--- stdout ---\n{out.stdout[-4000:]}\n--- stderr ---\n{out.stderr[-4000:]}")
    say(f"{time.monotonic() - started:6.1f} s  {line}")
    return out.stdout


def stop(process):
    """End the shell, jupyter lab and its kernels: the process group on POSIX."""
    if process.poll() is not None:
        return
    if WINDOWS:
        process.send_signal(signal.CTRL_BREAK_EVENT)
    else:
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        if WINDOWS:
            process.kill()
        else:
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


# ------------------------------------------------------------------ the blocks themselves

def test_windows_lines_are_the_posix_lines_in_windows_spelling():
    posix, windows = route("posix"), route("windows")
    assert posix[:2] == ["python3 -m venv .venv", ". .venv/bin/activate"]
    assert windows[:2] == ["py -m venv .venv", r".venv\Scripts\activate"]
    assert windows[2:] == posix[2:]
    for line in windows + route("test"):
        assert "'" not in line, f"cmd.exe keeps single quotes as part of the word: {line}"


def test_readme_test_lines_are_what_make_test_runs():
    makefile = (ROOT / "Makefile").read_text()
    pytest_lines = [line for line in route("test") if line.startswith("python -m pytest ")]
    assert len(pytest_lines) == 3, pytest_lines
    for line in pytest_lines:
        make_form = "$(PYTEST) " + line.removeprefix("python -m pytest ")
        assert re.search(re.escape(make_form) + r"\s*$", makefile, re.M), (
            f"README runs `{line}` but the Makefile has no `{make_form}`: change both or neither")
    assert "$(BIN)/python tests/ensure_browser.py" in makefile
    assert "$(BIN)/jupyter lab notebooks" in makefile


# ------------------------------------------------------------------ the route, run for real

def cheap_form(line, first_notebook):
    """The README line as this test runs it (module docstring: why each form proves enough)."""
    if not line.startswith("python -m pytest "):
        return line
    if "--nbval" in line:
        return f"{line} -q -k {first_notebook}"
    if re.search(r"(^|\s)tests/browser\b", line) and "--ignore=tests/browser" not in line:
        return f"{line} -q --collect-only"
    return f"{line} -q -k test_packaging"


def test_readme_route_installs_starts_jupyterlab_and_runs_the_tests(tmp_path, capsys):
    def say(text):  # the cost of each line, in the test log even when the test passes
        with capsys.disabled():
            print(f"\nreadme route: {text}", end="", flush=True)

    repo = clean_copy(tmp_path / "repo")
    lines = route("windows" if WINDOWS else "posix")
    lab_at = next(i for i, line in enumerate(lines) if line.startswith("jupyter lab"))
    make_venv, activate, install, lab = lines[0], lines[1], lines[2:lab_at], lines[lab_at]

    run(make_venv, repo, say)
    for line in install:
        run(line, repo, say, activate)

    port, token = free_port(), secrets.token_hex(16)
    options = [f"--ServerApp.port={port}", "--ServerApp.port_retries=0", "--no-browser",
               f"--IdentityProvider.token={token}", "--ServerApp.ip=127.0.0.1"]
    if not WINDOWS and os.geteuid() == 0:
        options.append("--allow-root")  # CI runs as root; a student does not
    log = open(tmp_path / "jupyterlab.log", "wb")
    flags = ({"creationflags": subprocess.CREATE_NEW_PROCESS_GROUP} if WINDOWS
             else {"start_new_session": True})
    server = subprocess.Popen(shell([activate, lab + " " + " ".join(options)]), cwd=repo,
                              env=environment(), stdout=log, stderr=subprocess.STDOUT,
                              stdin=subprocess.DEVNULL, **flags)
    base = f"http://127.0.0.1:{port}"
    try:
        started, deadline = time.monotonic(), time.monotonic() + 120
        while True:
            try:
                status, _ = get(f"{base}/api/status", token)
                if status == 200:
                    break
            except (urllib.error.URLError, ConnectionError, OSError):
                pass
            assert server.poll() is None, f"jupyter lab exited: {(tmp_path / 'jupyterlab.log').read_text()[-3000:]}"
            assert time.monotonic() < deadline, "jupyter lab did not answer /api/status within 120 s"
            time.sleep(0.5)
        say(f"{time.monotonic() - started:6.1f} s  {lab} (until /api/status answered)")
        _, listing = get(f"{base}/api/contents", token)
        notebooks = sorted(p.name for p in (repo / "notebooks").glob("[0-9]*.ipynb"))
        assert notebooks and notebooks[0] in listing, "`jupyter lab notebooks` does not serve notebooks/"
        status, page = get(f"{base}/lab", token)
        assert status == 200 and "jupyterlab" in page.lower()
    finally:
        stop(server)
        log.close()

    first = Path(notebooks[0]).stem
    for line in route("test"):
        line = cheap_form(line, first)
        output = run(line, repo, say, activate)
        if "--collect-only" in line:
            assert re.search(r"\b[1-9]\d* tests? collected\b", output), output[-3000:]
        elif line.startswith("python -m pytest"):
            assert re.search(r"\b[1-9]\d* passed\b", output), output[-3000:]
            assert not re.search(r"\b\d+ (failed|errors?)\b", output), output[-3000:]
