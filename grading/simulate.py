"""A simulated class for notebook 03 (four exercises), built from the release and the solutions,
with the score table each submission must get.

    python -m grading.simulate OUT_FOLDER [--assignments build/assignments]

Hostile students try to escape the sandbox inside an answer that is otherwise correct: the
answer returns a wrong value when an escape succeeds, so an escape shows in the score table.
"""
import argparse
import json
import random
from pathlib import Path

import nbformat

from .assignments import REPO, solution_cells, solution_imports

NOTEBOOK = "03_naive_vs_painless"
IDS = ["03-logsumexp", "03-log_gaussian", "03-e_step", "03-rcond"]
FN = {"03-logsumexp": "my_logsumexp", "03-log_gaussian": "my_log_gaussian", "03-e_step": "my_e_step",
      "03-rcond": "my_rcond"}
SIGNATURE = {"03-logsumexp": "a", "03-log_gaussian": "X, mean, cov", "03-e_step": "X, weights, means, covariances",
             "03-rcond": "cov"}
CHECK = {"03-logsumexp": "check_logsumexp", "03-log_gaussian": "check_log_gaussian", "03-e_step": "check_e_step",
         "03-rcond": "check_rcond"}


def _cell(ex, body, helper=""):
    """An exercise cell whose function runs ``body`` (indented code) as its first lines."""
    lines = "\n".join("    " + line for line in body.strip("\n").split("\n"))
    return f"{helper}def {FN[ex]}({SIGNATURE[ex]}):\n{lines}\n\n\n{CHECK[ex]}({FN[ex]})\n"


def _escape(ex, solution, attempt):
    """The solution with ``attempt`` run first: when it returns True, the answer returns None."""
    helper = "def _escaped():\n" + "\n".join("    " + l for l in attempt.strip("\n").split("\n")) + "\n\n\n"
    wrapped = solution.replace(f"def {FN[ex]}(", f"def _{FN[ex]}(", 1).split(f"\n{CHECK[ex]}(")[0]
    return (helper + wrapped + f"\n\ndef {FN[ex]}(*args):\n    if _escaped():\n        return None\n"
            f"    return _{FN[ex]}(*args)\n\n\n{CHECK[ex]}({FN[ex]})\n")


def class_plan(paths):
    """{student: ({exercise: cell source or None for the release's}, expected points per exercise)}.

    ``paths`` are the grader's files the hostile answers aim at: other (another student's
    notebook), home_file, hidden (the autograder), solutions, library (a gmmlib source file).
    """
    sol = solution_cells(REPO / "notebooks", NOTEBOOK)
    correct = {ex: sol[FN[ex]] for ex in IDS}
    full = [1, 1, 1, 1]
    plan = {}

    def student(name, changes, expected):
        plan[name] = ({**correct, **changes}, expected)

    for i in range(6):
        student(f"correct_{i}", {}, full)
    plan["empty"] = ({}, [0, 0, 0, 0])
    student("wrong_logsumexp", {IDS[0]: _cell(IDS[0], "return np.log(np.sum(np.exp(a)))")}, [0, 1, 1, 1])
    student("wrong_rcond", {IDS[3]: _cell(IDS[3], "return 1 / np.linalg.cond(cov)")}, [1, 1, 1, 0])
    student("wrong_two", {IDS[0]: _cell(IDS[0], "return float(np.max(a))"),
                          IDS[2]: _cell(IDS[2], "return np.full((len(X), len(weights)), 1 / len(weights))")},
            [0, 1, 0, 1])
    student("crashing", {IDS[0]: _cell(IDS[0], "raise ValueError('oops')")}, [0, 1, 1, 1])
    student("syntax_error", {IDS[3]: "def my_rcond(cov)\n    return 0\n"}, [1, 1, 1, 0])
    student("looping", {IDS[0]: _cell(IDS[0], "while True:\n    pass")}, [0, 1, 1, 1])
    student("looping_catch_all", {IDS[3]: _cell(IDS[3], "while True:\n    try:\n        while True:\n"
                                                        "            pass\n    except BaseException:\n        pass")},
            [1, 1, 1, 0])
    student("sleeping_in_c", {IDS[3]: _cell(IDS[3], "import time\ntime.sleep(10000)")}, [1, 1, 1, 0])
    # the faults come before a correct answer: only the fault can cost the points
    student("allocating_20gb", {IDS[2]: _escape(IDS[2], correct[IDS[2]], "big = np.ones(20 * 2**30 // 8)\n"
                                                "return big.sum() == 0")}, [1, 1, 0, 1])
    student("sys_exit", {IDS[3]: _cell(IDS[3], "import sys\nsys.exit(1)")}, [1, 1, 1, 0])
    student("os_exit", {IDS[0]: _cell(IDS[0], "import os\nos._exit(3)")}, [0, 1, 1, 1])
    student("segfault", {IDS[2]: _cell(IDS[2], "import ctypes\nctypes.string_at(0)")}, [1, 1, 0, 1])
    student("kills_sandbox", {IDS[0]: _cell(IDS[0], "import os, signal\nos.kill(os.getppid(), signal.SIGKILL)")},
            [0, 1, 1, 1])
    student("output_10mb", {IDS[3]: _escape(IDS[3], correct[IDS[3]], "for _ in range(10_000):\n"
                                            "    print('x' * 1000)\nreturn False")}, [1, 1, 1, 0])
    student("exit_at_top_level", {IDS[0]: "import sys\nsys.exit(0)\n" + correct[IDS[0]]}, [0, 1, 1, 1])
    student("unpicklable_answer", {IDS[3]: _cell(IDS[3], "return lambda: 0")}, [1, 1, 1, 0])
    student("delegates_logsumexp", {IDS[0]: _cell(IDS[0], "return float(gmmlib.logsumexp(a))")}, [0, 1, 1, 1])
    student("delegates_e_step", {IDS[2]: _cell(IDS[2], "return Mixture(weights, means, covariances)"
                                                        ".responsibilities(X)")}, [1, 1, 0, 1])
    student("delegates_log_gaussian", {IDS[1]: _cell(
        IDS[1], "m = Mixture(np.ones(1), mean[None, :], cov[None])\nreturn m.component_log_density(X)[:, 0]")},
        [1, 0, 1, 1])
    student("delegates_rcond", {IDS[3]: _cell(IDS[3], "return rcond(cov)")}, [1, 1, 1, 0])
    student("delegates_checker", {IDS[0]: _cell(IDS[0], "from gmmlib.exercises import em\n"
                                                        "return float(em.scipy_logsumexp(a)) if False else "
                                                        "em._lse_shifted(a, np.max(a))")}, [0, 1, 1, 1])
    # patches the checker's comparison, then answers two exercises wrongly: both score 0, the rest full
    student("tampers_checker", {
        IDS[0]: "import gmmlib.exercises.answers as _answers\n_answers._close = lambda *a, **k: True\n"
                + _cell(IDS[0], "import gmmlib.exercises.em as _em\n_em._close = lambda *a, **k: True\nreturn 0.0"),
        IDS[3]: _cell(IDS[3], "return 0.5")}, [0, 1, 1, 0])
    sol_e = correct[IDS[2]].split("\ncheck_e_step(")[0].replace("def my_e_step(", "def _e(")
    student("tampers_library", {IDS[2]: sol_e + "\n\ndef my_e_step(X, weights, means, covariances):\n"
                                "    import gmmlib.steps\n    gmmlib.steps.e_step = lambda *a: 0\n"
                                "    return _e(X, weights, means, covariances)\n\n\ncheck_e_step(my_e_step)\n"},
            [1, 1, 0, 1])
    q = repr
    hostile = {
        "reads_other_student": f"try:\n    open({q(paths['other'])}).read()\n    return True\nexcept OSError:\n"
                               f"    pass\ntry:\n    open('../other/03_naive_vs_painless.ipynb').read()\n"
                               f"    return True\nexcept OSError:\n    return False",
        "deletes_home_file": f"import os\ntry:\n    os.remove({q(paths['home_file'])})\n    return True\n"
                             f"except OSError:\n    return False",
        "reads_hidden_tests": f"try:\n    open({q(paths['hidden'])}).read()\n    return True\nexcept OSError:\n"
                              f"    pass\ntry:\n    open({q(paths['solutions'])}).read()\n    return True\n"
                              f"except OSError:\n    return False",
        "writes_library": f"try:\n    open({q(paths['library'])}, 'a').write('# changed')\n    return True\n"
                          f"except OSError:\n    return False",
        "opens_socket": "import socket\nfor host in [('127.0.0.1', 22), ('pypi.org', 443), ('1.1.1.1', 53)]:\n"
                        "    try:\n        socket.create_connection(host, timeout=1).close()\n        return True\n"
                        "    except OSError:\n        pass\nreturn False",
    }
    for name, attempt in hostile.items():
        student(name, {IDS[0]: _escape(IDS[0], correct[IDS[0]], attempt)}, full)
    student("out_of_order", {}, full)  # the cells are shuffled and numbered out of order below
    student("metadata_lost", {}, full)  # found by the function each cell defines
    return plan


def write_class(out, assignments=REPO / "build" / "assignments", paths=None):
    """Write the class into ``out`` (one folder per student); returns {student: expected points}."""
    out = Path(out)
    release = nbformat.read(Path(assignments) / "release" / f"{NOTEBOOK}.ipynb", as_version=4)
    imports = "\n".join(solution_imports(REPO / "notebooks", NOTEBOOK))
    expected = {}
    for name, (cells, points) in class_plan(paths).items():
        nb = nbformat.from_dict(json.loads(nbformat.writes(release)))
        if cells:  # a student who answered adds the imports their answers need at the top
            nb.cells.insert(0, nbformat.v4.new_code_cell(imports, id="student-imports"))
        for cell in nb.cells:
            gid = cell.metadata.get("nbgrader", {}).get("grade_id")
            if cell.cell_type == "code" and gid in cells:
                cell.source = cells[gid]
        if name == "metadata_lost":  # cells copied around lose their nbgrader metadata
            for cell in nb.cells:
                cell.metadata.pop("nbgrader", None)
        if name == "out_of_order":
            rng = random.Random(3)
            exercise = [i for i, c in enumerate(nb.cells) if c.metadata.get("nbgrader", {}).get("solution")]
            moved = [nb.cells[i] for i in exercise]
            rng.shuffle(moved)
            for i, cell in zip(exercise, moved):
                nb.cells[i] = cell
            for cell in nb.cells:
                if cell.cell_type == "code":
                    cell.execution_count = rng.randint(1, 99)
        (out / name).mkdir(parents=True, exist_ok=True)
        nbformat.write(nb, out / name / f"{NOTEBOOK}.ipynb")
        expected[name] = points
    (out / "broken_file").mkdir(parents=True, exist_ok=True)
    (out / "broken_file" / f"{NOTEBOOK}.ipynb").write_text("{ this is not a notebook")
    expected["broken_file"] = [0, 0, 0, 0]
    (out / "nothing_submitted").mkdir(parents=True, exist_ok=True)
    expected["nothing_submitted"] = [0, 0, 0, 0]
    return expected


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out")
    parser.add_argument("--assignments", default=str(REPO / "build" / "assignments"))
    a = parser.parse_args(argv)
    out = Path(a.out)
    paths = {"other": str(out / "correct_0" / f"{NOTEBOOK}.ipynb"), "home_file": str(Path.home() / ".gmm-grader-canary"),
             "hidden": str(Path(a.assignments) / "autograder" / f"{NOTEBOOK}.json"),
             "solutions": str(REPO / "notebooks" / "solutions" / f"{NOTEBOOK}_solutions.py"),
             "library": str(REPO / "gmmlib" / "steps.py")}
    expected = write_class(out, a.assignments, paths)
    print(f"{len(expected)} submissions in {out}")


if __name__ == "__main__":
    main()
