"""grading/gradebook.py: the scores and messages of grading.grade, read back from nbgrader's
gradebook.db through nbgrader's own API and from `nbgrader export`, equal ours.

nbgrader lives only in .venv-grading (`make gradebook-venv`, built here when missing), so what
touches it runs there, in a subprocess; this module itself runs in the test venv. With
GMMLIB_GRADING_VENV set, that venv is used instead and must exist (`make test-lowest` points it at
.venv-grading-lowest: nbgrader and the rest of the `gradebook` extra at their lowest versions).
"""
import csv
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from grading import assignments, grade, gradebook, simulate

ROOT = Path(__file__).resolve().parent.parent
GRADING_VENV = (ROOT / os.environ.get("GMMLIB_GRADING_VENV", ".venv-grading")).resolve()
GRADING_PYTHON = GRADING_VENV / ("Scripts" if os.name == "nt" else "bin") / "python"
# full marks, a delegation caught, two wrong answers, nothing answered, and no notebook at all
STUDENTS = ["correct_0", "delegates_rcond", "wrong_two", "empty", "nothing_submitted"]

# What nbgrader's API holds, printed as JSON by .venv-grading's python.
READ_BACK = """
import json, sys
from nbgrader.api import Gradebook
out = {}
with Gradebook("sqlite:///" + sys.argv[1], course_id="gmmlib") as gb:
    for a in gb.assignments:
        for nb in a.notebooks:
            cells = {c.name: c.max_score for c in nb.grade_cells}
            for sub in gb.notebook_submissions(nb.name, a.name):
                for g in sub.grades:
                    c = gb.find_comment(g.name, nb.name, a.name, sub.student.id)
                    out.setdefault(sub.student.id, {})[g.name] = [g.auto_score, g.score, cells[g.name],
                                                                  g.needs_manual_grade, c.auto_comment]
print(json.dumps(out))
"""


def _env():
    return dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])))


@pytest.fixture(scope="module")
def loaded(tmp_path_factory):
    if shutil.which("bwrap") is None:
        pytest.fail("bubblewrap is needed to grade: run `sudo apt-get install bubblewrap`")
    if os.environ.get("GMMLIB_GRADING_VENV"):
        assert GRADING_PYTHON.exists(), f"GMMLIB_GRADING_VENV names {GRADING_VENV}, which has no python"
    else:
        run = subprocess.run(["make", "-s", "gradebook-venv", f"PYTHON={sys.executable}"], cwd=ROOT,
                             capture_output=True, text=True)
        assert run.returncode == 0, f"make gradebook-venv failed:\n{run.stdout[-2000:]}{run.stderr[-2000:]}"
    version = subprocess.run([str(GRADING_PYTHON), "-c", "import nbgrader; print(nbgrader.__version__)"],
                             capture_output=True, text=True).stdout.strip()
    print(f"\nfigure: nbgrader {version} in {GRADING_VENV.name}")
    work = tmp_path_factory.mktemp("gradebook")
    assignments.build(work / "assignments")
    paths = dict.fromkeys(["other", "home_file", "hidden", "solutions", "library"], str(work / "absent"))
    simulate.write_class(work / "class", work / "assignments", paths)
    for name in STUDENTS:
        shutil.copytree(work / "class" / name, work / "submissions" / name)
    grade.grade_class(work / "submissions", work / "grades", work / "assignments", notebooks=["03"], jobs=2,
                      log=lambda _: None)
    run = subprocess.run([str(GRADING_PYTHON), "-m", "grading.gradebook", str(work / "grades"),
                          "--assignments", str(work / "assignments"), "--course", str(work / "course"),
                          "--submissions", str(work / "submissions")],
                         cwd=ROOT, env=_env(), capture_output=True, text=True)
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-3000:]
    return work


def _scores_csv(work):
    with open(work / "grades" / "scores.csv", newline="") as f:
        return list(csv.reader(f))


def test_gradebook_db_holds_our_scores_maxima_and_messages(loaded):
    rows = _scores_csv(loaded)
    ids = rows[0][1:-2]
    run = subprocess.run([str(GRADING_PYTHON), "-c", READ_BACK, str(loaded / "course" / "gradebook.db")],
                         env=_env(), capture_output=True, text=True)
    assert run.returncode == 0, run.stderr[-3000:]
    db = json.loads(run.stdout)
    manifest = grade.load_manifests(loaded / "assignments", ["03"])[0]
    points = {e["id"]: e["points"] for e in manifest["exercises"]}
    assert sorted(db) == sorted(STUDENTS)
    for row in rows[1:]:
        student, got = row[0], db[row[0]]
        assert sorted(got) == sorted(ids)
        comments = gradebook.read_comments(loaded / "grades", student)
        for gid, value in zip(ids, row[1:-2]):
            auto, total, most, manual, comment = got[gid]
            assert (auto, total, most, manual) == (float(value), float(value), points[gid], False), (student, gid)
            assert comment == comments[gid] and comment.startswith(("✓", "✗")), (student, gid)
    assert "your answer called rcond" in db["delegates_rcond"]["03-rcond"][4]
    assert db["nothing_submitted"]["03-logsumexp"][4].startswith("✗ 03_naive_vs_painless.ipynb was not submitted")


def test_nbgrader_export_equals_our_totals(loaded):
    rows = _scores_csv(loaded)
    out = loaded / "export.csv"
    run = subprocess.run([str(GRADING_PYTHON.parent / "nbgrader"), "export", f"--to={out}"], cwd=loaded / "course",
                         env=_env(), capture_output=True, text=True)
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]
    with open(out, newline="") as f:
        exported = {(r["assignment"], r["student_id"]): (float(r["score"]), float(r["max_score"])) for r in csv.DictReader(f)}
    assert exported == {("03_naive_vs_painless", r[0]): (float(r[-2]), float(r[-1])) for r in rows[1:]}


def test_course_folder_is_nbgraders_layout(loaded):
    course = loaded / "course"
    name = simulate.NOTEBOOK
    for folder in ("source", "release"):
        assert (course / folder / name / f"{name}.ipynb").is_file()
    for student in STUDENTS[:-1]:
        stamp = (course / "submitted" / student / name / "timestamp.txt").read_text()
        assert (course / "autograded" / student / name / "timestamp.txt").read_text() == stamp
    # no notebook handed in: nothing in submitted/, a 0 in the gradebook (checked above)
    assert not (course / "submitted" / "nothing_submitted").exists()


def test_nbgraders_feedback_shows_our_scores_and_messages(loaded):
    """`nbgrader generate_feedback` (run by grading.gradebook) renders each student's notebook
    with the gradebook's scores and comments."""
    import html
    import re
    page = loaded / "course" / "feedback" / "delegates_rcond" / simulate.NOTEBOOK / f"{simulate.NOTEBOOK}.html"
    text = re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", page.read_text(encoding="utf-8"))))
    # the notebook's total first, then each exercise in notebook order
    assert re.findall(r"Score: (\S+ / \S+)\)", text) == ["7.0 / 9.0", "2.0 / 2.0", "2.0 / 2.0", "3.0 / 3.0", "0.0 / 2.0"]
    assert "0 points: your answer called rcond" in text
    assert not (loaded / "course" / "feedback" / "nothing_submitted").exists()


def test_feedback_messages_are_parsed_back_exactly():
    results = [grade.Result("03-a", 0, 2, "✗ first line\n  indented ```not a fence```", notes=["0 points: why"]),
               grade.Result("03-b", 1, 1, "✓ fine")]
    text = grade._feedback_text("someone", results)
    assert gradebook.read_comments_text(text) == {"03-a": "✗ first line\n  indented ```not a fence```\n\n0 points: why",
                                                  "03-b": "✓ fine"}


def test_loading_without_scores_says_to_grade_first(tmp_path):
    with pytest.raises(gradebook.GradebookError, match="make grade SUBMISSIONS"):
        gradebook.read_scores(tmp_path)
