"""`make lab`, the first command of the course, started as a user starts it.

It runs in this checkout with its installed .venv (make's stamp is up to date after `make
install` or `make test`, so nothing is installed again and the test takes seconds), on a free
port with a token of its own passed through LAB_ARGS. Once the server answers, the lab page and
notebook 01 are fetched through the server, then the whole process group (make, jupyter, any
kernel) is stopped. As root, which is how CI, Docker and course servers run it, jupyter refuses
to start unless make passes --allow-root; with no display, the URL to open must be printed.
"""
import os
import secrets
import signal
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from lab_http import free_port, get

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.skipif(os.name == "nt", reason="stopped through its POSIX process group")


def user_environment():
    """This environment as a user's terminal has it: no display (a server, a container), and
    none of the variables of the `make test` that may be running this test."""
    return {k: v for k, v in os.environ.items()
            if k not in ("DISPLAY", "WAYLAND_DISPLAY", "MAKEFLAGS", "MAKELEVEL", "MFLAGS")}


def make_lab_would_install():
    """True when `make lab` would first build or update .venv (this checkout is not installed)."""
    quiet = subprocess.run(["make", "-q", "install"], cwd=ROOT, capture_output=True, env=user_environment())
    return quiet.returncode != 0


def test_make_lab_serves_the_notebooks(tmp_path):
    if make_lab_would_install():
        why = ("this checkout has no up-to-date .venv (run `make install` first): the test starts "
               "`make lab` on the installed one, it does not install")
        if os.environ.get("CI"):  # `make test` installs first: in CI this is a broken route, not a skip
            pytest.fail(why)
        pytest.skip(why)
    port, token = free_port(), secrets.token_hex(16)
    args = (f"--ServerApp.port={port} --ServerApp.port_retries=0 --ServerApp.ip=127.0.0.1 "
            f"--IdentityProvider.token={token}")
    env = user_environment()
    log_path = tmp_path / "make-lab.log"
    with open(log_path, "wb") as log:
        server = subprocess.Popen(["make", "lab", f"LAB_ARGS={args}"], cwd=ROOT, env=env,
                                  stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                  start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                if get(f"{base}/api/status", token)[0] == 200:
                    break
            except (urllib.error.URLError, ConnectionError, OSError):
                pass
            assert server.poll() is None, \
                f"make lab exited ({server.returncode}):\n{log_path.read_text()[-3000:]}"
            assert time.monotonic() < deadline, f"no answer in 120 s:\n{log_path.read_text()[-3000:]}"
            time.sleep(0.5)
        status, page = get(f"{base}/lab", token)
        assert status == 200 and "jupyterlab" in page.lower()
        status, notebook = get(f"{base}/api/contents/01_em_1d.ipynb", token)
        assert status == 200 and '"type": "notebook"' in notebook.replace('":"', '": "')
        assert "EM" in notebook
    finally:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGTERM)
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
                server.wait(timeout=10)
    output = log_path.read_text()
    if os.geteuid() == 0:
        assert "passing --allow-root" in output
    if os.uname().sysname == "Linux":
        assert "no display here" in output
    # What a user with no browser needs: the address to open (jupyter prints a token given on
    # the command line as "token=...", and the one it makes up in full).
    assert f"http://127.0.0.1:{port}/lab?token=" in output, output[-3000:]
