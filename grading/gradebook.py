"""Our scores in nbgrader's gradebook: an nbgrader course folder that formgrader opens.

    python -m grading.gradebook GRADES --submissions FOLDER [--assignments build/assignments]
                                   [--course build/course]

Runs in .venv-grading (`make gradebook-venv`), the only venv with nbgrader. GRADES is what
``grading.grade`` wrote (scores.csv and feedback/<student>.md). Nothing is graded here: the
scores come from the sandbox; nbgrader records them and shows them.

The course folder is nbgrader's layout: nbgrader_config.py, gradebook.db, source/ and release/
(our release), submitted/<student>/<assignment>/ and autograded/<student>/<assignment>/ (each
student's notebook from FOLDER, the folder that was graded). One nbgrader assignment per course notebook,
named as the notebook: students hand in one notebook at a time, and nbgrader totals per
assignment, so its export gives one score per notebook, as a course's grade sheet lists them.
In each, one grade cell per exercise: its name is the exercise cell's ``nbgrader.grade_id``, its
max_score the exercise's points; a student's auto_score is our score and the grader's message is
the cell's comment.
"""
import argparse
import csv
import datetime
import os
import re
import shutil
import subprocess
import sys
import warnings
from pathlib import Path

import nbformat

from .sandbox import GradingError

REPO = Path(__file__).resolve().parent.parent
COURSE_ID = "gmmlib"

CONFIG = """\
# Written by grading/gradebook.py. The scores in gradebook.db come from grading/grade.py's
# sandbox; nbgrader's own autograde is not run on this course (see INSTRUCTOR.md).
c = get_config()  # noqa: F821
c.CourseDirectory.course_id = {course_id!r}
c.CourseDirectory.root = {root!r}
# nbgrader's default exchange (/usr/local/share/nbgrader/exchange) is not writable by a user
c.Exchange.root = {exchange!r}
"""


class GradebookError(Exception):
    """A missing input: the message says which command makes it."""


def read_scores(grades):
    """({student: {exercise id: points}}, [exercise ids]) from scores.csv."""
    path = Path(grades) / "scores.csv"
    if not path.exists():
        raise GradebookError(f"no {path}: grade first (make grade SUBMISSIONS=folder)")
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    header = rows[0]
    if header[:1] != ["student"] or header[-2:] != ["total", "max"]:
        raise GradebookError(f"{path} is not grading.grade's score table (its header is {header})")
    ids = header[1:-2]
    return {r[0]: {i: float(x) for i, x in zip(ids, r[1:-2])} for r in rows[1:]}, ids


def read_comments(grades, student):
    """{exercise id: the grader's message and notes} from feedback/<student>.md (grade.py's format)."""
    path = Path(grades) / "feedback" / f"{student}.md"
    if not path.exists():
        return {}
    return read_comments_text(path.read_text(encoding="utf-8"))


def read_comments_text(text):
    """{exercise id: message and notes} from the text of one feedback file."""
    out = {}
    # each exercise: "## <id>: <points> / <max>", the message in a fence, then bold notes
    parts = re.split(r"^## (\S+): \S+ / \S+$", text, flags=re.M)
    for gid, body in zip(parts[1::2], parts[2::2]):
        m = re.search(r"^```\n(.*?)\n```$", body, flags=re.M | re.S)
        notes = re.findall(r"^\*\*(.*)\*\*$", body, flags=re.M)
        out[gid] = "\n\n".join(([m.group(1)] if m else []) + notes)
    return out


def _autograded_copy(src, dest, points):
    """The submitted notebook with its graded cells marked as nbgrader grade cells (formgrader's
    submission view reads them), or nothing when the file is not a notebook."""
    try:
        nb = nbformat.read(src, as_version=4)
    except Exception:
        return False
    for cell in nb.cells:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if meta.get("grade_id") in points:
            meta.update(grade=True, points=points[meta["grade_id"]])
    dest.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, dest)
    return True


def _copy_submission(src, course, student, name, points, stamp):
    """submitted/ and autograded/<student>/<assignment>/ as nbgrader's collect and autograde leave
    them, with the same timestamp.txt, when the student handed in this notebook."""
    hits = sorted(p for p in src.rglob(f"{name}.ipynb") if ".ipynb_checkpoints" not in p.parts) if src.is_dir() else []
    if not hits:
        return
    submitted = course / "submitted" / student / name
    autograded = course / "autograded" / student / name
    submitted.mkdir(parents=True, exist_ok=True)
    autograded.mkdir(parents=True, exist_ok=True)
    shutil.copy2(hits[0], submitted / f"{name}.ipynb")
    if not _autograded_copy(hits[0], autograded / f"{name}.ipynb", points):
        shutil.copy2(hits[0], autograded / f"{name}.ipynb")  # unreadable: formgrader says so itself
    for folder in (submitted, autograded):
        (folder / "timestamp.txt").write_text(f"{stamp:%Y-%m-%d %H:%M:%S} UTC")


def load(grades, course, assignments=REPO / "build" / "assignments", submissions=None, log=print):
    """Write the course folder and its gradebook.db from GRADES; returns the gradebook's path."""
    from nbgrader.api import Gradebook  # only .venv-grading has nbgrader
    from sqlalchemy.exc import SAWarning

    from .grade import load_manifests

    scores, ids = read_scores(grades)
    manifests = [m for m in load_manifests(assignments) if any(e["id"] in ids for e in m["exercises"])]
    unknown = set(ids) - {e["id"] for m in manifests for e in m["exercises"]}
    if unknown:
        raise GradebookError(f"exercises {sorted(unknown)} of scores.csv are in no autograder of {assignments}: "
                             "run make assignments on the notebooks that were graded")
    course = Path(course).resolve()
    course.mkdir(parents=True, exist_ok=True)
    (course / "nbgrader_config.py").write_text(CONFIG.format(course_id=COURSE_ID, root=str(course),
                                                                exchange=str(course / "exchange")))
    (course / "exchange").mkdir(exist_ok=True)
    db = course / "gradebook.db"
    if db.exists():  # a regrade replaces the gradebook rather than mixing two runs
        db.unlink()
    if submissions is not None:  # and the copies of the submissions that went with it
        for folder in ("submitted", "autograded", "feedback"):
            shutil.rmtree(course / folder, ignore_errors=True)
    # a new gradebook runs the `alembic` command by name: the venv's bin must be on PATH even
    # when the venv is not activated (make calls .venv-grading/bin/python directly)
    bindir = str(Path(sys.executable).parent)
    if bindir not in os.environ.get("PATH", "").split(os.pathsep):
        os.environ["PATH"] = os.pathsep.join([bindir, os.environ.get("PATH", "")])
    # naive UTC, as nbgrader stores it; the same stamp in submitted/.../timestamp.txt is how
    # formgrader tells an autograded submission from one handed in again since
    stamp = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0, tzinfo=None)
    comments = {s: read_comments(grades, s) for s in scores}
    with Gradebook(f"sqlite:///{db}", course_id=COURSE_ID) as gb, warnings.catch_warnings():
        # nbgrader's own update_or_create_submission trips SQLAlchemy 2's autoflush warning; the
        # rows are written all the same (the unit test reads every grade back)
        warnings.simplefilter("ignore", category=SAWarning)
        for student in scores:
            gb.update_or_create_student(student)
        for m in manifests:
            name = m["notebook"]
            release = Path(assignments) / "release" / f"{name}.ipynb"
            for folder in ("source", "release"):
                (course / folder / name).mkdir(parents=True, exist_ok=True)
                shutil.copy2(release, course / folder / name / f"{name}.ipynb")
            gb.update_or_create_assignment(name)
            gb.update_or_create_notebook(name, name)
            points = {e["id"]: float(e["points"]) for e in m["exercises"]}
            for gid, most in points.items():
                gb.update_or_create_grade_cell(gid, name, name, max_score=most, cell_type="code")
                gb.update_or_create_solution_cell(gid, name, name)
            for student, row in scores.items():
                gb.update_or_create_submission(name, student, timestamp=stamp)
                for gid in points:
                    grade = gb.find_grade(gid, name, name, student)
                    grade.auto_score = row[gid]
                    grade.needs_manual_grade = False
                    comment = gb.find_comment(gid, name, name, student)
                    comment.auto_comment = comments[student].get(gid, "")
                if submissions is not None:
                    _copy_submission(Path(submissions) / student, course, student, name, points, stamp)
            gb.db.commit()
            log(f"gradebook: {name}: {len(points)} exercises, {len(scores)} students")
    return db


def _nbgrader(course, *args):
    """Run one of nbgrader's own commands (the venv's ``nbgrader``) in the course folder."""
    nbgrader = Path(sys.executable).parent / "nbgrader"
    run = subprocess.run([str(nbgrader), *args], cwd=course, capture_output=True, text=True)
    if run.returncode != 0:
        raise GradebookError(f"nbgrader {' '.join(args)} failed:\n{run.stdout[-3000:]}{run.stderr[-3000:]}")


def export(course, out=None):
    """nbgrader's own CSV of the gradebook (``nbgrader export``), from the course folder."""
    course = Path(course).resolve()
    out = Path(out or course / "grades.csv").resolve()
    _nbgrader(course, "export", f"--to={out}")
    return out


def feedback(course, assignment):
    """nbgrader's own feedback (``nbgrader generate_feedback``): feedback/<student>/<assignment>/
    <notebook>.html, each student's notebook with every exercise's score and our message."""
    course = Path(course).resolve()
    _nbgrader(course, "generate_feedback", assignment, "--force")
    return course / "feedback"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("grades", help="grading.grade's output folder (scores.csv, feedback/)")
    parser.add_argument("--assignments", default=str(REPO / "build" / "assignments"))
    parser.add_argument("--course", default=str(REPO / "build" / "course"))
    # formgrader lists a submission only when it finds it in submitted/ and autograded/
    parser.add_argument("--submissions", required=True,
                        help="the folder that was graded: copied into submitted/ and autograded/")
    a = parser.parse_args(argv)
    try:
        import nbgrader  # noqa: F401
    except ImportError:
        sys.exit("grading.gradebook needs nbgrader, which lives in .venv-grading: run make gradebook-venv, "
                 "then .venv-grading/bin/python -m grading.gradebook")
    try:
        db = load(a.grades, a.course, a.assignments, a.submissions)
        csv_path = export(a.course)
        for assignment in sorted({p.name for p in (Path(a.course) / "autograded").glob("*/*") if p.is_dir()}):
            feedback(a.course, assignment)
    except (GradebookError, GradingError) as exc:  # GradingError: no autograder (make assignments)
        sys.exit(f"gradebook: {exc}")
    print(f"nbgrader gradebook {db}; its export {csv_path}; its feedback (HTML) in {Path(a.course) / 'feedback'}.\n"
          f"Formgrader: cd {a.course} && {Path(sys.executable).parent / 'jupyter'} lab, then Nbgrader > Formgrader")


if __name__ == "__main__":
    main()
