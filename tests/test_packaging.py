"""The two ways to install (pip with pyproject.toml, conda with environment.yml) ask for the same things."""
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def split(requirement):
    name, spec = re.match(r"^\s*([A-Za-z0-9_.\-]+)\s*(.*)$", requirement).groups()
    return name.lower().replace("_", "-"), spec.replace(" ", "")


def pyproject_requirements():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    reqs = list(project["dependencies"])
    for name, extra in project["optional-dependencies"].items():
        if name == "gradebook":  # nbgrader: only in .venv-grading, never in the course's environment
            continue
        reqs += [r for r in extra if not r.startswith("gmmlib")]
    return dict(split(r) for r in reqs)


def environment_requirements():
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    reqs = []
    for item in env["dependencies"]:
        if isinstance(item, dict):
            reqs += item["pip"]
        elif not item.startswith(("python", "pip")) or item.startswith("python-"):
            reqs.append(item)
    return dict(split(r) for r in reqs)


def test_environment_yml_lists_the_same_dependencies_as_pyproject():
    assert environment_requirements() == pyproject_requirements()


def test_python_versions_agree():
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert f"python{project['requires-python']}" in env["dependencies"]


# The JupyterLab extensions the course relies on, as `jupyter labextension list` names them:
# sliders (ipywidgets), .py twins opening as notebooks (jupytext), slides (RISE).
LAB_EXTENSIONS = ["@jupyter-widgets/jupyterlab-manager", "jupyterlab-jupytext", "jupyterlab-rise"]


def test_lab_extensions_are_installed_enabled_and_compatible_with_this_jupyterlab():
    """JupyterLab checks each prebuilt extension's version ranges against its own; under
    `make test-lowest` this holds the lowest jupyterlab-rise against the lowest JupyterLab."""
    out = subprocess.run([sys.executable, "-m", "jupyter", "labextension", "list"],
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    lines = re.sub(r"\x1b\[[0-9;]*m", "", out.stdout + out.stderr).splitlines()
    for name in LAB_EXTENSIONS:
        found = [line.split() for line in lines if line.split()[:1] == [name]]
        assert found, f"{name} is not installed in {sys.prefix} (pip install -e '.[lab]')"
        assert "enabled" in found[0] and "OK" in found[0], f"{name}: {' '.join(found[0])}"
