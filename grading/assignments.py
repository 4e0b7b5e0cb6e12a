"""The student release and the autograder, generated from notebooks/ and notebooks/solutions/.

    python -m grading.assignments [--out build/assignments]

Reads each notebook from its jupytext .py twin (the file edited by hand). Writes, for every
notebook NN_name:
- release/NN_name.ipynb: the notebook as students get it, outputs cleared (it never held the
  solutions: they live in notebooks/solutions/), each exercise cell marked with nbgrader's metadata (a solution cell
  with its grade id) and preceded by a line that states its points, its time limit and what the
  answer may not call;
- autograder/NN_name.json: what the grader needs and students never see: each exercise's checker,
  the functions it grades, its points and time limit, and the notebook's imports.

Points and time limits are the exercise cells' own tags, ``points=2`` and ``time_limit=5s`` (tags,
because they are the cell metadata the .py twins keep).
"""
import argparse
import ast
import json
import re
from pathlib import Path

import nbformat

from .rules import forbidden_text

REPO = Path(__file__).resolve().parent.parent
DEFAULT_POINTS, DEFAULT_TIME_LIMIT = 1, 10


def read_notebook(path):
    """A notebook from its .py twin (the file edited by hand, so the newest) when there is one."""
    path = Path(path)
    twin = path.with_suffix(".py")
    if twin.exists():
        import jupytext
        return jupytext.read(twin)
    return nbformat.read(path, as_version=4)


def _is_exercise(cell):
    return cell.cell_type == "code" and "exercise" in cell.metadata.get("tags", [])


def _imports(source, drop_checkers=True):
    """The top-level import statements of a cell, as source; the checkers' imports left out."""
    try:  # IPython magics (%matplotlib widget) are not Python
        tree = ast.parse(re.sub(r"^\s*[%!].*$", "", source, flags=re.M))
    except SyntaxError:
        return []
    out = []
    for node in tree.body:
        if isinstance(node, ast.ImportFrom) and drop_checkers and (node.module or "").startswith("gmmlib.exercises"):
            continue
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            out.append(ast.unparse(node))
    return out


def exercise_spec(cell, notebook):
    """The exercise of one cell: its checker call ``check_x(fn, kw=fn2)`` read from the source."""
    tree = ast.parse(cell.source)
    calls = [n.value for n in tree.body if isinstance(n, ast.Expr) and isinstance(n.value, ast.Call)
             and isinstance(n.value.func, ast.Name) and n.value.func.id.startswith("check_")]
    if len(calls) != 1 or not calls[0].args or not isinstance(calls[0].args[0], ast.Name):
        raise ValueError(f"{notebook}: an exercise cell must end with exactly one check_*(my_function) call:\n"
                         f"{cell.source}")
    call = calls[0]
    grading = dict(re.fullmatch(r"(points|time_limit)=([0-9.]+)s?", t).groups()
                   for t in cell.metadata.get("tags", []) if re.fullmatch(r"(points|time_limit)=([0-9.]+)s?", t))
    number = notebook.split("_")[0]
    return {
        "id": f"{number}-{call.func.id[len('check_'):]}",
        "checker": call.func.id,
        "checkers_called": [call.func.id],
        "function": call.args[0].id,
        "keywords": {k.arg: k.value.id for k in call.keywords if isinstance(k.value, ast.Name)},
        "points": float(grading.get("points", DEFAULT_POINTS)),
        "time_limit": float(grading.get("time_limit", DEFAULT_TIME_LIMIT)),
    }


def build_notebook(source, out):
    """Write the release and the autograder manifest of one notebook; returns the manifest."""
    name = source.stem
    nb = read_notebook(source)
    if any("solution" in c.metadata.get("tags", []) for c in nb.cells):
        raise ValueError(f"{source} holds solution cells: solutions belong in notebooks/solutions/")
    prelude, exercises, cells = [], [], []
    for cell in nb.cells:
        if _is_exercise(cell):
            spec = exercise_spec(cell, name)
            exercises.append(spec)
            cell.metadata["nbgrader"] = {"grade": False, "solution": True, "locked": False,
                                         "grade_id": spec["id"], "schema_version": 3}
            note = nbformat.v4.new_markdown_cell(
                f"**Graded: {spec['points']:g} point{'s' if spec['points'] != 1 else ''}** "
                f"({spec['id']}, time limit {spec['time_limit']:g} s). Your function `{spec['function']}` is "
                f"graded by `{spec['checker']}`; {forbidden_text(spec['checker'])}")
            note.metadata["nbgrader"] = {"grade": False, "solution": False, "locked": True,
                                         "grade_id": f"{spec['id']}-points", "schema_version": 3}
            cells.append(note)
        elif cell.cell_type == "code":
            prelude += [line for line in _imports(cell.source) if line not in prelude]
        cells.append(cell)
    nb.cells = cells
    nb.metadata.pop("jupytext", None)
    for i, cell in enumerate(nb.cells):  # nbformat 4.5 ids, unique after the inserted cells
        if cell.cell_type == "code":  # a clean notebook, as nbgrader's generate_assignment hands out
            cell.outputs, cell.execution_count = [], None
            tags = [t for t in cell.metadata.get("tags", []) if t != "nbval-check-output"]
            cell.metadata["tags"] = tags
        cell["id"] = f"cell-{i}"
    manifest = {"notebook": name, "prelude": "\n".join(prelude), "exercises": exercises}
    (out / "release").mkdir(parents=True, exist_ok=True)
    (out / "autograder").mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, out / "release" / f"{name}.ipynb")
    if exercises:  # a notebook with self-checks only (00) is released, not graded
        (out / "autograder" / f"{name}.json").write_text(json.dumps(manifest, indent=1) + "\n")
    return manifest


def build(out=REPO / "build" / "assignments", notebooks_dir=REPO / "notebooks"):
    """Release every notebook; return the manifests of those with graded exercises."""
    out = Path(out)
    manifests = []
    for source in sorted(Path(notebooks_dir).glob("[0-9][0-9]_*.ipynb")):
        manifest = build_notebook(source, out)
        if manifest["exercises"]:
            manifests.append(manifest)
    return manifests


def solution_cells(notebooks_dir, name):
    """{function name: source} of the solution cells of notebook ``name`` (for the simulated class)."""
    nb = read_notebook(Path(notebooks_dir) / "solutions" / f"{name}_solutions.ipynb")
    found = {}
    for cell in nb.cells:
        if cell.cell_type == "code" and "solution" in cell.metadata.get("tags", []):
            for fn in re.findall(r"^def (\w+)\(", cell.source, flags=re.M):
                found.setdefault(fn, cell.source)
    return found


def solution_imports(notebooks_dir, name):
    nb = read_notebook(Path(notebooks_dir) / "solutions" / f"{name}_solutions.ipynb")
    return [line for c in nb.cells if c.cell_type == "code" for line in _imports(c.source)]


def main(argv=None):
    parser = argparse.ArgumentParser(description="Generate the student release and the autograder.")
    parser.add_argument("--out", default=str(REPO / "build" / "assignments"))
    a = parser.parse_args(argv)
    manifests = build(a.out)
    n = sum(len(m["exercises"]) for m in manifests)
    points = sum(e["points"] for m in manifests for e in m["exercises"])
    print(f"{len(manifests)} notebooks, {n} graded exercises, {points:g} points: "
          f"release in {Path(a.out) / 'release'}, autograder in {Path(a.out) / 'autograder'}")


if __name__ == "__main__":
    main()
