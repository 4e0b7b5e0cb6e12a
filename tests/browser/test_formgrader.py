"""nbgrader's formgrader, opened in chromium on a graded class: the scores our sandbox gave are the
ones its gradebook pages show (issue 17).

Four students of the simulated class of grading/simulate.py are graded (the whole class of 39 is
graded by tests/test_grading.py already; four cover what formgrader must show: full marks, one
exercise at 0 for delegating, two wrong answers, nothing answered), loaded by grading/gradebook.py
into an nbgrader course folder, and formgrader is started from .venv-grading (built here by
`make gradebook-venv` when missing), the only venv with nbgrader.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

import labdriver as ld

REPO = ld.REPO
GRADING_BIN = REPO / ".venv-grading" / ("Scripts" if ld.IS_WINDOWS else "bin")
# full marks, a delegation caught on one exercise, two wrong answers, nothing answered
STUDENTS = ["correct_0", "delegates_rcond", "wrong_two", "empty"]
CDN_MATHJAX = "https://cdnjs.cloudflare.com/ajax/libs/mathjax/"


def _grading_venv():
    t = ld.Timer()
    run = subprocess.run(["make", "-s", "gradebook-venv", f"PYTHON={sys.executable}"], cwd=REPO,
                         capture_output=True, text=True)
    assert run.returncode == 0, f"make gradebook-venv failed:\n{run.stdout[-2000:]}{run.stderr[-2000:]}"
    ld.note(f"formgrader: .venv-grading ready in {t():.1f} s")


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    """An nbgrader course folder holding the four students' grades; ({student: [points]}, folder)."""
    from grading import assignments, grade, simulate
    if shutil.which("bwrap") is None:
        pytest.fail("bubblewrap is needed to grade: run `sudo apt-get install bubblewrap`")
    _grading_venv()
    work = tmp_path_factory.mktemp("formgrader")
    t = ld.Timer()
    assignments.build(work / "assignments")
    everyone = work / "class"
    # the hostile students of the class aim at these paths; none of them is graded here
    paths = dict.fromkeys(["other", "home_file", "hidden", "solutions", "library"], str(work / "absent"))
    expected = simulate.write_class(everyone, work / "assignments", paths)
    submissions = work / "submissions"
    for name in STUDENTS:
        shutil.copytree(everyone / name, submissions / name)
    grade.grade_class(submissions, work / "grades", work / "assignments", notebooks=["03"], jobs=2, log=lambda _: None)
    ld.note(f"formgrader: {len(STUDENTS)} submissions graded in {t():.1f} s")
    t = ld.Timer()
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")])))
    run = subprocess.run([str(GRADING_BIN / "python"), "-m", "grading.gradebook", str(work / "grades"),
                          "--assignments", str(work / "assignments"), "--course", str(work / "course"),
                          "--submissions", str(submissions)], cwd=REPO, env=env, capture_output=True, text=True)
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-3000:]
    ld.note(f"formgrader: gradebook loaded in {t():.1f} s")
    points = [e["points"] for e in grade.load_manifests(work / "assignments", ["03"])[0]["exercises"]]
    want = {s: [flag * p for flag, p in zip(expected[s], points)] for s in STUDENTS}
    return want, _fmt(sum(points)), work / "course"


@pytest.fixture(scope="module")
def formgrader(course, tmp_path_factory):
    """``jupyter server`` of .venv-grading on the course folder; yields (base url, token)."""
    *_, folder = course
    work = tmp_path_factory.mktemp("formgrader-server")
    for d in ("config", "data", "runtime"):
        (work / d).mkdir()
    # a clean Jupyter (no user config); nbgrader's server extension is enabled in the venv itself
    env = dict(os.environ, JUPYTER_CONFIG_DIR=str(work / "config"), JUPYTER_DATA_DIR=str(work / "data"),
               JUPYTER_RUNTIME_DIR=str(work / "runtime"), JUPYTER_PLATFORM_DIRS="1",
               PATH=os.pathsep.join([str(GRADING_BIN), os.environ.get("PATH", "")]))
    token = os.urandom(24).hex()
    t = ld.Timer()
    port = ld.free_port()
    log = open(work / "server.log", "ab")
    proc = ld.start_group([str(GRADING_BIN / "jupyter"), "server", "--no-browser", "--allow-root",
                           "--ip=127.0.0.1", f"--port={port}", "--ServerApp.port_retries=0",
                           f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={folder}"],
                          cwd=folder, env=env, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                req = urllib.request.Request(f"{url}/formgrader/api/assignments",
                                             headers={"Authorization": f"token {token}"})
                urllib.request.urlopen(req, timeout=10).read()
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"formgrader did not answer; log {work / 'server.log'}:\n"
                                + (work / "server.log").read_text(errors="replace")[-3000:])
                time.sleep(0.2)
        ld.note(f"formgrader: jupyter server of .venv-grading up in {t():.1f} s")
        yield url, token
    finally:
        ld.end_process_group(proc)
        log.close()
        shutil.copy2(work / "server.log", ld.ARTIFACTS / "formgrader.log") if ld.ARTIFACTS.is_dir() else None


@pytest.fixture(scope="module")
def page(chromium, formgrader):
    url, token = formgrader
    page = chromium.context.new_page()
    page.set_default_timeout(30_000)
    errors, refused = [], []
    page.on("pageerror", lambda e: errors.append(str(e)))
    # nbgrader's formgrade template asks cdnjs for MathJax (its mathjax() macro is called with
    # no URL, so no setting changes it): that one request gets jupyter-server-mathjax's copy from
    # the same server; every other request off this machine is refused and fails the test.
    local_mathjax = f"{url}/static/jupyter_server_mathjax/MathJax.js?config=TeX-AMS-MML_HTMLorMML-full,Safe"

    def route(r):
        if r.request.url.startswith(url):
            r.continue_()
        elif r.request.url.startswith(CDN_MATHJAX):
            r.fulfill(status=302, headers={"Location": local_mathjax})
        else:
            refused.append(r.request.url)
            r.abort()
    page.route("**/*", route)
    page.goto(f"{url}/formgrader?token={token}")  # the token becomes a cookie for the pages below
    try:
        yield page
    finally:
        page.close()
    assert not errors, errors
    assert not refused, f"formgrader asked for files off this machine: {refused}"


def _fmt(x):
    return f"{x:g}"


def test_gradebook_page_lists_each_students_score(page, formgrader, course):
    """Gradebook > 03 > 03: one row per submission; revealing a row's name shows whose score it is."""
    want, most, _ = course
    url, _ = formgrader
    t = ld.Timer()
    page.goto(f"{url}/formgrader/gradebook/03_naive_vs_painless/03_naive_vs_painless")
    rows = page.locator("tbody tr")
    rows.nth(len(STUDENTS) - 1).locator(".score").filter(has_text="/").wait_for()
    assert rows.count() == len(STUDENTS)
    shown = {}
    for i in range(rows.count()):
        row = rows.nth(i)
        row.locator(".reveal .name-hidden").click()  # formgrader hides names until asked
        name = row.locator(".name .name-shown")
        name.wait_for(state="visible")
        shown[name.inner_text().strip()] = row.locator(".score").inner_text().strip()
    assert shown == {s: f"{_fmt(sum(p))} / {most}" for s, p in want.items()}
    ld.note(f"formgrader: gradebook page checked in {t():.1f} s: {shown}")


@pytest.mark.parametrize("student", ["empty", "correct_0"])
def test_student_page_shows_the_assignment_score(page, formgrader, course, student):
    want, most, _ = course
    url, _ = formgrader
    page.goto(f"{url}/formgrader/manage_students/{student}")
    score = page.locator("tbody tr .score").first
    score.filter(has_text="/").wait_for()
    assert score.inner_text().strip() == f"{_fmt(sum(want[student]))} / {most}"


def test_submission_page_shows_each_exercise_and_the_graders_comment(page, formgrader, course):
    """The delegating student's notebook in formgrader: 0 on my_rcond, the others full, and the
    comment says why."""
    want, most, _ = course
    url, _ = formgrader
    page.goto(f"{url}/formgrader/gradebook/03_naive_vs_painless/03_naive_vs_painless")
    row = page.locator("tbody tr").filter(has=page.locator(".name-shown", has_text="delegates_rcond"))
    row.locator(".name a.name-shown").evaluate("a => a.click()")  # the hidden link works as well
    page.wait_for_url("**/formgrader/submissions/**")
    ids = ["03-logsumexp", "03-log_gaussian", "03-e_step", "03-rcond"]
    # formgrader shows the auto score as the placeholder of each score input (named by the grade
    # id; its value is the instructor's manual score, empty here) once its API answered
    page.wait_for_function("ids => ids.every(id => document.getElementById(id) && document.getElementById(id).placeholder)",
                           arg=ids)
    got = [float(page.evaluate("id => document.getElementById(id).placeholder", gid)) for gid in ids]
    assert got == want["delegates_rcond"]
    # the grader's message is the auto comment, which formgrader shows in the comment box (as its
    # placeholder; its own text otherwise, once the comments arrived)
    page.wait_for_function("id => (document.getElementById(id) || {}).placeholder", arg="03-rcond-comment")
    comment = page.evaluate("id => document.getElementById(id).placeholder", "03-rcond-comment")
    assert "your answer called rcond" in comment, comment
    assert "✓" in page.evaluate("id => document.getElementById(id).placeholder", "03-logsumexp-comment")
