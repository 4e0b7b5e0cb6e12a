"""Grading a class (grading/): the release, the autograder, and a simulated class of notebook 03
graded in the bubblewrap sandbox with exactly the expected score table."""
import csv
import hashlib
import importlib
import json
import os
import shutil
import subprocess
import sys
import warnings
from pathlib import Path

import nbformat
import pytest

from grading import assignments, grade, sandbox, simulate
from grading.rules import FORBIDDEN

ROOT = Path(__file__).resolve().parent.parent


def _ensure_bwrap():
    """CI's fresh machine has no bubblewrap: install it as tests/ensure_browser.py does chromium."""
    if shutil.which("bwrap") is None and os.geteuid() == 0 and shutil.which("apt-get"):
        subprocess.run(["apt-get", "install", "-y", "bubblewrap"], capture_output=True)
        if shutil.which("bwrap") is None:
            subprocess.run(["apt-get", "update"], capture_output=True)
            subprocess.run(["apt-get", "install", "-y", "bubblewrap"], capture_output=True)
    if shutil.which("bwrap") is None:
        pytest.fail("bubblewrap is needed to grade: run `sudo apt-get install bubblewrap`")


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("assignments")
    return out, assignments.build(out)


def test_release_states_points_and_holds_no_solution(built):
    out, manifests = built
    assert len(manifests) == 7
    release = nbformat.read(out / "release" / "03_naive_vs_painless.ipynb", as_version=4)
    source = nbformat.read(ROOT / "notebooks" / "03_naive_vs_painless.ipynb", as_version=4)
    graded = [c for c in release.cells if c.metadata.get("nbgrader", {}).get("solution")]
    tags = [c.metadata["tags"] for c in source.cells if "exercise" in c.metadata.get("tags", [])]
    # the points come from the source cell's tags, are in the manifest and are shown above the cell
    want = [float(next(t for t in ts if t.startswith("points="))[7:]) for ts in tags]
    manifest = next(m for m in manifests if m["notebook"] == "03_naive_vs_painless")
    assert [e["points"] for e in manifest["exercises"]] == want
    assert [e["id"] for e in manifest["exercises"]] == simulate.IDS
    texts = [release.cells[release.cells.index(c) - 1].source for c in graded]
    assert [t.startswith(f"**Graded: {p:g} points**") for t, p in zip(texts, want)] == [True] * 4
    assert "`rcond`" in texts[3] and "scores 0" in texts[3]
    solutions = simulate.solution_cells(ROOT / "notebooks", "03_naive_vs_painless")
    body = solutions["my_rcond"].split("\n")[2].strip()  # a line only the solution has
    assert body and all(body not in c.source for c in release.cells)


def test_every_forbidden_reference_exists():
    # a renamed library function would silently make its delegation gradeable again
    for targets in FORBIDDEN.values():
        for target in targets:
            module, qualname = target.split(":")
            owner = importlib.import_module(module)
            for part in qualname.split("."):
                owner = getattr(owner, part)


def test_grading_without_bubblewrap_says_what_to_install(monkeypatch):
    monkeypatch.setattr(sandbox.shutil, "which", lambda name: None)
    with pytest.raises(sandbox.GradingError, match="apt-get install bubblewrap"):
        sandbox.bwrap_path()


def _tree_digest(folder):
    h = hashlib.sha256()
    for p in sorted(Path(folder).rglob("*")):
        if p.is_file() and "__pycache__" not in p.parts:
            h.update(str(p).encode() + p.read_bytes())
    return h.hexdigest()


def test_release_runs_under_nbval_with_exercises_unanswered(built):
    out, _ = built
    nb = out / "release" / "02_em_theory.ipynb"
    run = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--nbval-lax",
                          "--nbval-current-env", str(nb)], capture_output=True, text=True, cwd=ROOT / "notebooks")
    assert run.returncode == 0, run.stdout[-3000:]


def test_simulated_class_gets_exactly_the_expected_scores(built, tmp_path, monkeypatch):
    _ensure_bwrap()
    out, manifests = built
    home = tmp_path / "home"
    home.mkdir()
    canary = home / ".gmm-grader-canary"
    canary.write_text("the grader's own file")
    monkeypatch.setenv("HOME", str(home))
    submissions = tmp_path / "submissions"
    paths = {"other": str(submissions / "correct_0" / f"{simulate.NOTEBOOK}.ipynb"), "home_file": str(canary),
             "hidden": str(out / "autograder" / f"{simulate.NOTEBOOK}.json"),
             "solutions": str(ROOT / "notebooks" / "solutions" / f"{simulate.NOTEBOOK}_solutions.py"),
             "library": str(ROOT / "gmmlib" / "steps.py")}
    expected = simulate.write_class(submissions, out, paths)
    assert len(expected) >= 30
    before = {d: _tree_digest(d) for d in (ROOT / "gmmlib", ROOT / "grading", submissions, out, home)}
    lines = []
    grade.grade_class(submissions, tmp_path / "grades", out, notebooks=["03"], jobs=2, log=lines.append)
    # the time per submission, in CI's log: a warning is what pytest-xdist workers report back
    # (a builtin category: xdist imports the category's module to show it)
    warnings.warn(UserWarning("not a problem, the grading times of the simulated class:\n" + "\n".join(lines)))
    points = [e["points"] for e in json.loads((out / "autograder" / f"{simulate.NOTEBOOK}.json").read_text())["exercises"]]
    with open(tmp_path / "grades" / "scores.csv") as f:
        rows = list(csv.reader(f))
    assert rows[0] == ["student", *simulate.IDS, "total", "max"]
    got = {r[0]: [float(x) for x in r[1:5]] for r in rows[1:]}
    want = {name: [flag * p for flag, p in zip(flags, points)] for name, flags in expected.items()}
    wrong = {name: (tmp_path / "grades" / "feedback" / f"{name}.md").read_text() for name in want
             if got.get(name) != want[name]}
    assert got == want, wrong
    # every escape was refused and nothing outside the scratch folders changed
    assert canary.read_text() == "the grader's own file"
    assert {d: _tree_digest(d) for d in before} == before
    feedback = (tmp_path / "grades" / "feedback" / "delegates_rcond.md").read_text()
    assert "your answer called rcond" in feedback
    assert "changed the library or the checker" in (tmp_path / "grades" / "feedback" / "tampers_checker.md").read_text()
    looping = (tmp_path / "grades" / "feedback" / "looping.md").read_text()
    limit = json.loads((out / "autograder" / f"{simulate.NOTEBOOK}.json").read_text())["exercises"][0]["time_limit"]
    assert f"did not return within {limit:g} s" in looping and "stated in the notebook" in looping


def test_the_solutions_of_every_notebook_score_full_marks(built, tmp_path):
    # every checker, through the sandbox and the answer proxies, accepts the course's own answers
    _ensure_bwrap()
    out, manifests = built
    student = tmp_path / "all_solutions"
    student.mkdir()
    for m in manifests:
        sol = simulate.solution_cells(ROOT / "notebooks", m["notebook"])
        nb = nbformat.read(out / "release" / f"{m['notebook']}.ipynb", as_version=4)
        imports = simulate.solution_imports(ROOT / "notebooks", m["notebook"])
        nb.cells.insert(0, nbformat.v4.new_code_cell("\n".join(imports), id="student-imports"))
        for cell in nb.cells:
            spec = next((e for e in m["exercises"] if e["id"] == cell.metadata.get("nbgrader", {}).get("grade_id")), None)
            if spec and cell.cell_type == "code":
                names = [spec["function"], *spec["keywords"].values()]
                cell.source = "\n\n".join(dict.fromkeys(sol[f] for f in names))
        nbformat.write(nb, student / f"{m['notebook']}.ipynb")
    results, seconds = grade.grade_student(student, manifests)
    warnings.warn(UserWarning(f"not a problem: all {len(results)} exercises of the course graded in {seconds:.1f} s"))
    assert [(r.exercise, r.points) for r in results] == [(r.exercise, r.max_points) for r in results], \
        "\n".join(r.message for r in results if r.points != r.max_points)
    assert len(results) == sum(len(m["exercises"]) for m in manifests) == 18
