"""Grade a folder of submissions: a score table (CSV) and one feedback file per student.

    python -m grading.grade SUBMISSIONS [--assignments build/assignments] [--out build/grades]

SUBMISSIONS holds one folder per student with that student's notebooks (NN_name.ipynb, the
release's file names; nbgrader's submitted/<student>/<assignment>/ layout works too). Each
exercise is graded on its own: a fresh process forked inside a bubblewrap sandbox (one sandbox
per submission) runs the student's cells and answers the checker's calls; the checker itself runs
here, in the grader, and never shares a process with student code. So an answer can neither
change the checker nor another exercise's score, and a fault (a loop, a crash, an exit, a huge
allocation or a flood of output) costs that exercise only, within its time limit.
"""
import argparse
import ast
import builtins
import csv
import inspect
import json
import os
import pickle
import re
import shutil
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from .sandbox import GradingError, Sandbox, _Dead, bwrap_path  # noqa: F401 (the CLI's errors)

REPO = Path(__file__).resolve().parent.parent
MAX_OUTPUT = 1 << 20          # bytes of printed output per exercise
MAX_MEMORY = 2 << 30          # address space per exercise process


# ============================================================================================
# One exercise: the checker here, the answer there

def _rebuild_error(kind, text):
    cls = getattr(builtins, kind, None)
    if isinstance(cls, type) and issubclass(cls, Exception) and not issubclass(cls, UnicodeError):
        try:
            return cls(text)
        except Exception:
            pass
    return RuntimeError(f"{kind}: {text}")


def _signature(params):
    import inspect
    if params is None:
        return None
    return inspect.Signature([inspect.Parameter(n, inspect._ParameterKind(k),
                                                default=None if d else inspect.Parameter.empty)
                              for n, k, d in params])


@dataclass
class Result:
    exercise: str
    points: float
    max_points: float
    message: str
    seconds: float = 0.0
    notes: list = field(default_factory=list)


def _call_answer(run, name, args, deadline, limit):
    """One call of the student's function, in its process; its exception is raised here."""
    from gmmlib.exercises.sandbox import _Timeout
    if run.ended:
        raise RuntimeError(run.ended)
    run.data.send_bytes(pickle.dumps(("call", name, args), protocol=5))
    try:
        kind, *rest = run.receive(deadline)
    except TimeoutError:
        raise _Timeout(limit, True, False, "") from None
    except _Dead as dead:
        raise RuntimeError(str(dead)) from None
    if kind == "ok":
        return rest[0]
    raise _rebuild_error(*rest)


def _make_answer(run, name, deadline, limit):
    """The function the checker calls in place of the student's: it calls theirs, over there."""
    def answer(*args):
        return _call_answer(run, name, args, deadline, limit)
    answer.__name__ = name
    return answer


# The checker names the deepest frame outside gmmlib as the student's line: the frames of the
# two functions above are the grader's, so they are compiled under gmmlib's folder name, which
# the checker skips (the student's own line comes in the message from the sandbox).
import gmmlib as _gmmlib  # noqa: E402
_ns = {"pickle": pickle, "_Dead": _Dead, "_rebuild_error": _rebuild_error}
exec(compile(inspect.getsource(_call_answer) + "\n\n" + inspect.getsource(_make_answer),
             os.path.join(os.path.dirname(_gmmlib.__file__), "<grader>"), "exec"), _ns)
_call_answer, _make_answer = _ns["_call_answer"], _ns["_make_answer"]


def grade_exercise(box, spec, prelude, cells):
    """Score one exercise: run the student's cells in a fresh process, the checker here."""
    from gmmlib import exercises
    limit = float(spec["time_limit"])
    start = time.monotonic()
    deadline = start + limit
    functions = [spec["function"], *spec["keywords"].values()]
    config = {"checker": spec["checker"], "checkers_called": spec["checkers_called"], "prelude": prelude,
              "cells": cells, "functions": functions, "output": str(box.scratch / f"{spec['id']}.out"),
              "max_output": MAX_OUTPUT, "max_memory": MAX_MEMORY}
    run = box.exercise(config)
    notes = []
    try:
        try:
            reply = run.receive(deadline)
        except TimeoutError:
            reply = ("setup", "TimeoutError", f"running your cell took more than the {limit:g} s allowed")
        except _Dead as dead:
            reply = ("setup", "Ended", str(dead))
        if reply[0] != "ready":
            message = f"✗ {spec['checker'][6:]}: your cell could not be run: {reply[1]}: {reply[2]}"
            passed = False
        else:
            def proxy_for(name):
                answer = _make_answer(run, name, deadline, limit)
                sig = _signature(reply[1][name])
                if sig is not None:
                    answer.__signature__ = sig
                return answer
            checker = getattr(exercises, spec["checker"])
            kwargs = {k: proxy_for(v) for k, v in spec["keywords"].items()}
            feedback = checker(proxy_for(spec["function"]), quiet=True, timeout=limit, **kwargs)
            message, passed = feedback.message, feedback.passed
    finally:
        run.finish()
    if run.delegated:
        notes.append(f"0 points: your answer called {', '.join(sorted(run.delegated))}, the library's own "
                     "version of what this exercise asks you to write.")
    if run.changed:
        shown = ", ".join(sorted(run.changed)[:5])
        notes.append(f"0 points: your answer changed the library or the checker ({shown}); "
                     "graded answers may not modify them.")
    if not passed and f"did not return within {limit:g} s" in message:
        notes.append(f"The time limit of this exercise is {limit:g} s (stated in the notebook); "
                     "the checker's timeout= option does not change it when grading.")
    ok = passed and not run.delegated and not run.changed
    return Result(spec["id"], spec["points"] if ok else 0, spec["points"], message,
                  time.monotonic() - start, notes)


# ============================================================================================
# A submission: its notebook, its exercise cells

def _definitions_only(source):
    """The imports, functions and classes of an earlier exercise cell (its calls are not run)."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return ""
    keep = [n for n in tree.body if isinstance(n, (ast.Import, ast.ImportFrom, ast.FunctionDef, ast.ClassDef))]
    return ast.unparse(ast.Module(keep, []))


def _without_checks(source, checkers):
    """The cell with its own top-level ``check_*(...)`` calls turned into ``pass`` (same line
    numbers): grading calls the checker itself, and the call's arguments may name functions the
    cell defines only below it."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return source  # the error is reported when the cell runs
    lines = source.split("\n")
    for node in tree.body:  # top-level statements: column 0
        if (isinstance(node, ast.Expr) and isinstance(node.value, ast.Call)
                and isinstance(node.value.func, ast.Name) and node.value.func.id in checkers):
            lines[node.lineno - 1:node.end_lineno] = ["pass"] + [""] * (node.end_lineno - node.lineno)
    return "\n".join(lines)


def _student_cells(nb, manifest):
    """{exercise id: source}: by the cell's grade id, else by the cell that defines its function."""
    by_id = {}
    code_cells = [c for c in nb.cells if c.get("cell_type") == "code"]
    for cell in code_cells:
        gid = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
        if gid:
            by_id.setdefault(gid, cell.source)
    for spec in manifest["exercises"]:
        if spec["id"] in by_id:
            continue
        for cell in code_cells:
            if f"def {spec['function']}(" in cell.source:
                by_id[spec["id"]] = cell.source
                break
    return by_id


def grade_notebook(box, path, manifest):
    specs = manifest["exercises"]
    try:
        nb = nbformat.read(path, as_version=4)
        sources = _student_cells(nb, manifest)
    except Exception as exc:
        return [Result(s["id"], 0, s["points"], f"✗ the notebook {path.name} cannot be read ({type(exc).__name__})")
                for s in specs]
    # imports the student added anywhere count (each on its own: one that fails costs nothing)
    extra = []
    for cell in nb.cells:
        if cell.get("cell_type") == "code":
            try:
                tree = ast.parse(re.sub(r"^\s*[%!].*$", "", cell.source, flags=re.M))
            except SyntaxError:
                continue
            extra += [ast.unparse(n) for n in tree.body if isinstance(n, (ast.Import, ast.ImportFrom))
                      and not (getattr(n, "module", "") or "").startswith("gmmlib.exercises")]
    prelude = manifest["prelude"] + "".join(f"\ntry:\n    {line}\nexcept Exception:\n    pass" for line in extra)
    results = []
    for i, spec in enumerate(specs):
        if spec["id"] not in sources:
            results.append(Result(spec["id"], 0, spec["points"], f"✗ no answer: the cell of {spec['function']} is missing"))
            continue
        earlier = [_definitions_only(sources[s["id"]]) for s in specs[:i] if s["id"] in sources]
        own = _without_checks(sources[spec["id"]], {s["checker"] for s in specs})
        results.append(grade_exercise(box, spec, prelude, earlier + [own]))
    return results


def _notebook_file(student_dir, notebook):
    hits = sorted(p for p in Path(student_dir).rglob(f"{notebook}.ipynb") if ".ipynb_checkpoints" not in p.parts)
    return hits[0] if hits else None


def grade_student(student_dir, manifests, hide=()):
    """[Result] for every exercise of every notebook, in the manifests' order; never raises on a bad submission."""
    start = time.monotonic()
    scratch = Path(tempfile.mkdtemp(prefix="gmm-grade-"))
    box = Sandbox(scratch, hide=hide)
    results = []
    try:
        for manifest in manifests:
            path = _notebook_file(student_dir, manifest["notebook"])
            if path is None:
                results += [Result(s["id"], 0, s["points"], f"✗ {manifest['notebook']}.ipynb was not submitted")
                            for s in manifest["exercises"]]
            else:
                results += grade_notebook(box, path, manifest)
    finally:
        box.close()
        shutil.rmtree(scratch, ignore_errors=True)
    return results, time.monotonic() - start


# ============================================================================================
# The class

def load_manifests(assignments, notebooks=None):
    folder = Path(assignments) / "autograder"
    files = sorted(folder.glob("*.json"))
    if not files:
        raise GradingError(f"no autograder in {folder}: run `make assignments` first")
    manifests = [json.loads(f.read_text()) for f in files]
    if notebooks:
        manifests = [m for m in manifests if any(m["notebook"].startswith(n) for n in notebooks)]
    return manifests


def _feedback_text(student, results):
    total, best = sum(r.points for r in results), sum(r.max_points for r in results)
    lines = [f"# Feedback for {student}", "", f"Score: {total:g} / {best:g}", ""]
    for r in results:
        lines += [f"## {r.exercise}: {r.points:g} / {r.max_points:g}", "", "```", r.message, "```", ""]
        lines += [f"**{n}**" for n in r.notes] + ([""] if r.notes else [])
    return "\n".join(lines)


def _grade_one(args):
    student_dir, manifests, hide = args
    try:
        results, seconds = grade_student(student_dir, manifests, hide)
    except GradingError:
        raise
    except Exception as exc:  # one broken submission never stops the class
        results = [Result(s["id"], 0, s["points"], f"✗ the grader could not grade this submission "
                          f"({type(exc).__name__}: {exc})") for m in manifests for s in m["exercises"]]
        seconds = 0.0
    return Path(student_dir).name, results, seconds


def grade_class(submissions, out, assignments=REPO / "build" / "assignments", notebooks=None, jobs=2, hide=(),
                log=print):
    """Grade every student folder of ``submissions``; write scores.csv and feedback/<student>.md."""
    bwrap_path()
    manifests = load_manifests(assignments, notebooks)
    students = sorted(p for p in Path(submissions).iterdir() if p.is_dir())
    out = Path(out)
    (out / "feedback").mkdir(parents=True, exist_ok=True)
    hide = (*hide, str(Path(submissions).resolve()), str(out.resolve()), str(Path(assignments).resolve()))
    ids = [s["id"] for m in manifests for s in m["exercises"]]
    rows = {}
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        for name, results, seconds in pool.map(_grade_one, [(s, manifests, hide) for s in students]):
            rows[name] = results
            total = sum(r.points for r in results)
            log(f"graded {name}: {total:g} / {sum(r.max_points for r in results):g} in {seconds:.1f} s")
            (out / "feedback" / f"{name}.md").write_text(_feedback_text(name, results), encoding="utf-8")
    with open(out / "scores.csv", "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["student", *ids, "total", "max"])
        for name in sorted(rows):
            by_id = {r.exercise: r for r in rows[name]}
            writer.writerow([name, *(f"{by_id[i].points:g}" for i in ids),
                             f"{sum(r.points for r in rows[name]):g}", f"{sum(r.max_points for r in rows[name]):g}"])
    return rows


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("submissions", help="a folder with one folder per student")
    parser.add_argument("--assignments", default=str(REPO / "build" / "assignments"))
    parser.add_argument("--out", default=str(REPO / "build" / "grades"))
    parser.add_argument("--notebooks", nargs="*", help="grade only these notebooks (e.g. 03)")
    parser.add_argument("--jobs", type=int, default=2, help="submissions graded at once")
    parser.add_argument("--hide", nargs="*", default=[], help="more folders the submissions must not see")
    a = parser.parse_args(argv)
    t0 = time.monotonic()
    try:
        rows = grade_class(a.submissions, a.out, a.assignments, a.notebooks, a.jobs, a.hide)
    except GradingError as exc:
        sys.exit(f"grading: {exc}")
    n = max(len(rows), 1)
    print(f"{len(rows)} submissions in {time.monotonic() - t0:.1f} s ({(time.monotonic() - t0) / n:.1f} s each); "
          f"scores in {Path(a.out) / 'scores.csv'}, feedback in {Path(a.out) / 'feedback'}")


if __name__ == "__main__":
    main()
