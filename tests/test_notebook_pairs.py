"""Every notebook has a percent-format twin, and the two hold the same cells.

``jupytext --diff`` exits 0 on a difference, ``--test`` round-trips one file and ``--sync``
mutates the tree, so none of them is a check (TESTING.md). This test reads both files with
``jupytext.read`` and compares cell types and sources, which catches an edit on either side.
"""
import shutil
from pathlib import Path

import jupytext
import pytest

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"


def cells(path):
    """[(cell_type, source)] of a notebook or a percent script, as jupytext reads it."""
    nb = jupytext.read(path)
    return [(c.cell_type, c.source.strip()) for c in nb.cells]


def pair_differences(ipynb):
    """Human-readable differences between ``X.ipynb`` and ``X.py``; empty when in sync."""
    twin = ipynb.with_suffix(".py")
    if not twin.exists():
        return [f"{ipynb.name} has no twin {twin.name} (create it with: jupytext --to py:percent {ipynb.name})"]
    a, b = cells(ipynb), cells(twin)
    problems = []
    for i, (x, y) in enumerate(zip(a, b)):
        if x != y:
            problems.append(f"cell {i}: {ipynb.name} has {x[0]} {x[1][:60]!r}, "
                            f"{twin.name} has {y[0]} {y[1][:60]!r}")
            break
    if len(a) != len(b):
        problems.append(f"{ipynb.name} has {len(a)} cells, {twin.name} has {len(b)}")
    return problems


def orphans(folder):
    """Percent scripts in ``folder`` without an .ipynb twin."""
    # conftest.py (pytest's hooks for the nbval run) is not a notebook script
    return [p.name for p in sorted(folder.glob("*.py"))
            if p.name != "conftest.py" and not p.with_suffix(".ipynb").exists()]


NOTEBOOK_FILES = sorted(NOTEBOOKS.glob("*.ipynb"))


def test_there_are_notebooks():
    assert NOTEBOOK_FILES, f"no notebooks found in {NOTEBOOKS}"


@pytest.mark.parametrize("ipynb", NOTEBOOK_FILES, ids=[p.stem for p in NOTEBOOK_FILES])
def test_notebook_and_its_py_twin_hold_the_same_cells(ipynb):
    problems = pair_differences(ipynb)
    assert not problems, ("; ".join(problems)
                          + f". Re-pair with: jupytext --sync notebooks/{ipynb.name} (check which side is newer)")


def test_every_py_script_has_a_notebook():
    assert not orphans(NOTEBOOKS), f"scripts without a notebook: {orphans(NOTEBOOKS)}"


# ---------------------------------------------------------------------- the check itself

@pytest.fixture
def pair(tmp_path):
    """A small paired notebook written the way the repository's are (jupytext.toml formats)."""
    nb = jupytext.reads("# %% [markdown]\n# # Title\n\n# %%\nx = 1\nprint(x)\n", fmt="py:percent")
    ipynb, py = tmp_path / "demo.ipynb", tmp_path / "demo.py"
    jupytext.write(nb, ipynb)
    jupytext.write(nb, py, fmt="py:percent")
    return ipynb, py


def test_check_passes_on_a_pair_in_sync(pair):
    assert pair_differences(pair[0]) == []


def test_check_catches_an_edit_of_the_script(pair):
    ipynb, py = pair
    py.write_text(py.read_text().replace("x = 1", "x = 2"))
    assert any("cell 1" in p for p in pair_differences(ipynb))


def test_check_catches_an_edit_of_the_notebook(pair):
    ipynb, py = pair
    nb = jupytext.read(ipynb)
    nb.cells[0].source = "# Another title"
    jupytext.write(nb, ipynb)
    assert any("cell 0" in p for p in pair_differences(ipynb))


def test_check_catches_an_added_cell_and_a_changed_cell_type(pair):
    ipynb, py = pair
    py.write_text(py.read_text() + "\n# %%\ny = 3\n")
    assert any("2 cells" in p and "3" in p for p in pair_differences(ipynb))
    py.write_text(py.read_text().replace("# %% [markdown]\n# # Title", "# %%\n# # Title"))
    assert any("cell 0" in p for p in pair_differences(ipynb))


def test_check_catches_a_missing_twin(pair, tmp_path):
    ipynb, py = pair
    py.unlink()
    assert "has no twin" in pair_differences(ipynb)[0]
    alone = tmp_path / "alone.py"
    shutil.copy(NOTEBOOKS.parent / "gmmlib" / "__init__.py", alone)
    assert orphans(tmp_path) == ["alone.py"]


def test_check_works_on_a_copy_of_a_real_notebook(tmp_path):
    if not NOTEBOOK_FILES:
        pytest.skip("no notebooks yet")
    src = NOTEBOOK_FILES[0]
    ipynb, py = tmp_path / src.name, tmp_path / src.with_suffix(".py").name
    shutil.copy(src, ipynb)
    shutil.copy(src.with_suffix(".py"), py)
    assert pair_differences(ipynb) == []
    text = py.read_text()
    py.write_text(text.replace("import", "import  ", 1))
    assert pair_differences(ipynb)
    py.write_text(text)
    nb = jupytext.read(ipynb)
    nb.cells[-1].source += "\n# edited in the notebook"
    jupytext.write(nb, ipynb)
    assert pair_differences(ipynb)
