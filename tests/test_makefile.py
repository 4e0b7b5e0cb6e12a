"""The Makefile's venv handling and Binder's postBuild, run for real on a one-file project.

The repository's Makefile is copied next to a minimal pyproject.toml (no dependencies) so that
`make install` runs every step of the real recipe (venv, pip, editable install, settings
override) in seconds instead of installing the course's hundred packages.
"""
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
MINIMAL_PROJECT = """\
[build-system]
requires = ["setuptools>=77"]
build-backend = "setuptools.build_meta"

[project]
name = "minimal"
version = "0"

[project.optional-dependencies]
test = []

[tool.setuptools]
py-modules = []
"""

pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="no make on this machine")


@pytest.fixture
def project(tmp_path):
    shutil.copy(ROOT / "Makefile", tmp_path / "Makefile")
    (tmp_path / "pyproject.toml").write_text(MINIMAL_PROJECT)
    shutil.copytree(ROOT / "jupyterlab-settings", tmp_path / "jupyterlab-settings")
    return tmp_path


def make(project, *args):
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "MAKEFLAGS", "MAKELEVEL")}
    out = subprocess.run(["make", f"PYTHON={sys.executable}", *args], cwd=project, env=env,
                         capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stdout + out.stderr
    return out.stdout + out.stderr


def pip_works(venv):
    python = venv / ("Scripts" if os.name == "nt" else "bin") / "python"
    return subprocess.run([python, "-m", "pip", "--version"], capture_output=True).returncode == 0


def test_a_venv_without_pip_is_rebuilt_even_with_its_stamp(project):
    venv = project / ".venv"
    # what `python3 -m venv .venv` leaves on Debian without python3-venv: a python, no pip
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", venv], check=True)
    (venv / ".installed").touch()
    assert not pip_works(venv)

    out = make(project, "install")
    assert "creating .venv" in out
    assert pip_works(venv)
    assert (venv / ".installed").exists()
    settings = venv / "share" / "jupyter" / "lab" / "settings" / "overrides.json"
    assert settings.read_text() == (ROOT / "jupyterlab-settings" / "overrides.json").read_text()

    again = make(project, "install")  # a healthy venv is kept: nothing is created or installed
    assert "creating" not in again and "pip install" not in again


def test_windows_venvs_keep_their_programs_in_scripts(project):
    out = make(project, "-n", "OS=Windows_NT", "install")
    assert ".venv/Scripts/python -m pip install" in out
    assert not re.search(r"(^|\s)\.venv/bin", out, re.M), out


def test_binder_postbuild_installs_the_settings_override(tmp_path):
    env_prefix = tmp_path / "env"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", env_prefix], check=True)
    fake = tmp_path / "fakebin"
    fake.mkdir()
    (fake / "pip").write_text(f'#!/bin/sh\necho "pip $*" > {tmp_path / "pip.log"}\n')
    (fake / "pip").chmod(0o755)
    path = os.pathsep.join([str(fake), str(env_prefix / "bin"), "/usr/bin", "/bin"])
    subprocess.run(["bash", str(ROOT / "postBuild")], cwd=ROOT, check=True,
                   env={**os.environ, "PATH": path})
    assert (tmp_path / "pip.log").read_text().split() == ["pip", "install", "--no-deps", "-e", "."]
    installed = env_prefix / "share" / "jupyter" / "lab" / "settings" / "overrides.json"
    assert installed.read_text() == (ROOT / "jupyterlab-settings" / "overrides.json").read_text()
