"""An answer that calls the library's own version of the exercise scores 0, with a message naming
it, and the solution of the same exercise still scores full marks: the delegations issue 17 lists
for notebooks 04, 05 and 07 (those of notebook 03 are in the simulated class of test_grading.py)."""
import csv
import json
from pathlib import Path

import nbformat
import pytest

from grading import assignments, grade
from grading.simulate import solution_cells, solution_imports
from test_grading import _ensure_bwrap

ROOT = Path(__file__).resolve().parent.parent

DELEGATIONS = [
    ("04_em_2d", "04-bic", "my_bic",
     "def my_bic(mixture, X):\n    return mixture.bic(X)\n", "Mixture.bic"),
    ("04_em_2d", "04-n_parameters", "n_free",
     "def n_free(K, d):\n    from gmmlib import Mixture\n    return Mixture(np.full(K, 1 / K), np.zeros((K, d)), np.stack([np.eye(d)] * K)).n_parameters\n",
     "Mixture.n_parameters"),
    ("05_cameraman", "05-histogram", "my_histogram",
     "def my_histogram(image):\n    import gmmlib.images\n    return gmmlib.images.intensity_histogram(image)\n",
     "intensity_histogram"),
    ("05_cameraman", "05-threshold", "my_threshold",
     "def my_threshold(weights, means, variances):\n"
     "    from gmmlib import Mixture\n"
     "    m = Mixture(np.asarray(weights, float), np.asarray(means, float)[:, None],\n"
     "                np.asarray(variances, float)[:, None, None])\n"
     "    labels = m.predict(np.arange(256.0)[:, None])\n"
     "    return int(np.argmax(labels == np.argmax(means)))\n", "Mixture.predict"),
    ("05_cameraman", "05-em_loop", "my_em",
     "def my_em(x, c, weights, means, variances, max_iter=100, tol=1e-4):\n"
     "    from gmmlib import painless_em\n"
     "    r = painless_em(np.asarray(x, float)[:, None], len(weights), weights=c, max_iter=max_iter, tol=tol)\n"
     "    return r.mixture.weights, r.mixture.means[:, 0], r.mixture.covariances[:, 0, 0], list(r.history)\n",
     "painless_em"),
    ("07_background", "07-frames_to_absorb", "frames_to_absorb",
     "def frames_to_absorb(alpha, T, w0=0.05):\n    from gmmlib.exercises.background import _absorbed_after\n"
     "    return _absorbed_after(alpha, T, w0)\n", "gmmlib.exercises.background._absorbed_after"),
]


def _submission(release, notebook, answers, imports):
    nb = nbformat.read(release / f"{notebook}.ipynb", as_version=4)
    nb.cells.insert(0, nbformat.v4.new_code_cell("\n".join(imports), id="student-imports"))
    for cell in nb.cells:
        gid = cell.metadata.get("nbgrader", {}).get("grade_id")
        if cell.cell_type == "code" and gid in answers:
            cell.source = answers[gid]
    return nb


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    _ensure_bwrap()
    tmp = tmp_path_factory.mktemp("delegation")
    built = tmp / "assignments"
    manifests = {m["notebook"]: m for m in assignments.build(built)}
    wanted = {ex for _, ex, *_ in DELEGATIONS}
    only = tmp / "only"  # the autograder cut down to the exercises under test: a faster run
    (only / "autograder").mkdir(parents=True)
    for name in {nb for nb, *_ in DELEGATIONS}:
        m = manifests[name]
        m["exercises"] = [e for e in m["exercises"] if e["id"] in wanted]
        (only / "autograder" / f"{name}.json").write_text(json.dumps(m))
    subs = tmp / "submissions"
    for notebook, ex, fn, cell, _ in DELEGATIONS:
        solutions = solution_cells(ROOT / "notebooks", notebook)
        imports = solution_imports(ROOT / "notebooks", notebook)
        # the solution's cells (05's loop needs its two steps) with the function redefined to delegate
        parts = [solutions[f] for f in (["my_e_step", "my_m_step"] if fn == "my_em" else []) + [fn]]
        solution = "\n\n".join(dict.fromkeys(parts))
        for who, source in (("delegates", solution + "\n\n" + cell), ("solution", solution)):
            folder = subs / f"{who}_{ex}"
            folder.mkdir(parents=True)
            nbformat.write(_submission(built / "release", notebook, {ex: source}, imports), folder / f"{notebook}.ipynb")
    grade.grade_class(subs, tmp / "grades", only, jobs=2, log=print)
    with open(tmp / "grades" / "scores.csv") as f:
        rows = list(csv.DictReader(f))
    return {r["student"]: r for r in rows}, tmp / "grades" / "feedback", manifests


@pytest.mark.parametrize("notebook,ex,fn,cell,called", DELEGATIONS, ids=[d[1] for d in DELEGATIONS])
def test_delegation_scores_zero_and_the_solution_full(graded, notebook, ex, fn, cell, called):
    scores, feedback, manifests = graded
    points = next(e for e in manifests[notebook]["exercises"] if e["id"] == ex)["points"]
    assert float(scores[f"delegates_{ex}"][ex]) == 0
    assert f"your answer called {called}" in (feedback / f"delegates_{ex}.md").read_text()
    assert float(scores[f"solution_{ex}"][ex]) == points, (feedback / f"solution_{ex}.md").read_text()
