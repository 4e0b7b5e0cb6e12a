"""What a student reads: every picture described in words, no test plumbing in the code.

* Every markdown image in the notebooks, their solutions, README.md and INSTRUCTOR.md has alt
  text (a screen reader, a broken link and a slow connection all show it) and points at a file
  that exists.
* No code cell carries an nbval marker comment or a linter's ``# noqa``: nbval's markers are cell
  tags (``nbval-check-output``), which JupyterLab keeps out of sight. The number of cells nbval
  compares is printed per notebook, so a change that drops checks shows in the log.
"""
import re
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9]*.ipynb"))
SOLUTIONS = sorted((ROOT / "notebooks" / "solutions").glob("[0-9]*.ipynb"))
DOCUMENTS = [ROOT / "README.md", ROOT / "INSTRUCTOR.md"]

MARKDOWN_IMAGE = re.compile(r"!\[([^\]]*)\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
HTML_IMAGE = re.compile(r"<img\b[^>]*>", re.I)


def markdown_texts(path):
    """(where, markdown text) pairs of a notebook's markdown cells or of a markdown file."""
    if path.suffix == ".md":
        return [(path.name, path.read_text(encoding="utf-8"))]
    nb = nbformat.read(path, as_version=4)
    return [(f"{path.name} cell {i}", cell.source) for i, cell in enumerate(nb.cells)
            if cell.cell_type == "markdown"]


def image_problems(where, text, folder):
    """Images without alt text, or whose local file is missing."""
    problems = []
    for alt, target in MARKDOWN_IMAGE.findall(text):
        if len(alt.strip()) < 3:
            problems.append(f"{where}: image {target} has no alt text: write ![what it shows]({target})")
        if not re.match(r"[a-z]+:", target) and not (folder / target).exists():
            problems.append(f"{where}: image {target} does not exist (relative to {folder})")
    for tag in HTML_IMAGE.findall(text):
        alt = re.search(r"\balt\s*=\s*(\"[^\"]*\"|'[^']*')", tag)
        if not alt or len(alt.group(1).strip("\"' ")) < 3:
            problems.append(f"{where}: {tag[:60]} has no alt text: add alt=\"what it shows\"")
    return problems


def test_the_image_finder_sees_what_it_must():
    """The patterns catch an image without alt text, a missing file and an <img> without alt."""
    assert image_problems("x", "![ok picture](README.md)", ROOT) == []
    assert len(image_problems("x", "![](README.md)", ROOT)) == 1
    assert len(image_problems("x", "![a figure](imgs/nothing_here.png)", ROOT)) == 1
    assert len(image_problems("x", '<img src="a.png">', ROOT)) == 1
    assert image_problems("x", '<img src="https://x/a.png" alt="a bar chart">', ROOT) == []


@pytest.mark.parametrize("path", NOTEBOOKS + SOLUTIONS + DOCUMENTS, ids=lambda p: p.name)
def test_every_image_has_alt_text_and_exists(path):
    problems = [p for where, text in markdown_texts(path) for p in image_problems(where, text, path.parent)]
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("path", NOTEBOOKS + SOLUTIONS, ids=lambda p: p.stem)
def test_code_cells_carry_no_test_plumbing(path):
    nb = nbformat.read(path, as_version=4)
    code = [(i, cell) for i, cell in enumerate(nb.cells) if cell.cell_type == "code"]
    for i, cell in code:
        for marker in ("NBVAL_", "noqa"):
            assert marker not in cell.source, (
                f"{path.name} cell {i} shows '{marker}' to students: use a cell tag instead "
                f"(nbval-check-output, nbval-skip, ...)\n{cell.source[:200]}")
    checked = sum("nbval-check-output" in cell.metadata.get("tags", []) for _, cell in code)
    print(f"\n{path.name}: nbval compares the output of {checked} of {len(code)} code cells")
    if path in NOTEBOOKS:
        assert checked >= 3, f"{path.name}: only {checked} cells compared by nbval: the lesson's numbers go unchecked"


# ------------------------------------------------------------------ what a student downloads

MAX_NOTEBOOK_BYTES = 600_000   # issue 8: a notebook opens fast on GitHub and in JupyterLab
MAX_ANIMATION_BYTES = 500_000  # each stored moving picture


@pytest.mark.parametrize("path", NOTEBOOKS + SOLUTIONS, ids=lambda p: p.stem)
def test_stored_notebook_and_its_pictures_are_small(path):
    import base64
    size = path.stat().st_size
    assert size <= MAX_NOTEBOOK_BYTES, f"{path.name} is {size / 1000:.0f} KB (at most {MAX_NOTEBOOK_BYTES // 1000} KB)"
    nb = nbformat.read(path, as_version=4)
    assert "widgets" not in nb.metadata, f"{path.name} stores widget state: run make notebooks"
    for i, cell in enumerate(nb.cells):
        for output in cell.get("outputs", []):
            png = base64.b64decode(output.get("data", {}).get("image/png", ""))
            if b"acTL" in png[:4096]:  # an animated PNG
                assert len(png) <= MAX_ANIMATION_BYTES, f"{path.name} cell {i}: animation of {len(png) / 1000:.0f} KB"


def test_tidy_notebook_removes_what_changes_between_runs(tmp_path):
    import tidy_notebook
    nb = nbformat.v4.new_notebook(metadata={"widgets": {"state": {}}})
    cell = nbformat.v4.new_code_cell("print(1); print(2)", id="abc")
    cell.metadata["execution"] = {"iopub.execute_input": "2026-01-01T00:00:00Z"}
    cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text="1\n"),
                    nbformat.v4.new_output("stream", name="stdout", text="2\n"),
                    nbformat.v4.new_output("display_data", data={
                        "text/plain": "view", "application/vnd.jupyter.widget-view+json":
                        {"model_id": "random", "version_major": 2, "version_minor": 0}})]
    nb.cells.append(cell)
    paths = [tmp_path / "a" / "x.ipynb", tmp_path / "b" / "x.ipynb"]
    for p in paths:
        p.parent.mkdir()
        nbformat.write(nb, p)
        tidy_notebook.tidy(p)
    assert paths[0].read_text() == paths[1].read_text()  # same name and code: same file
    tidied = nbformat.read(paths[0], as_version=4)
    assert "widgets" not in tidied.metadata and "execution" not in tidied.cells[0].metadata
    outputs = tidied.cells[0].outputs
    assert [o.output_type for o in outputs] == ["stream", "display_data"] and outputs[0].text == "1\n2\n"
    assert outputs[1].data["application/vnd.jupyter.widget-view+json"]["model_id"] != "random"
