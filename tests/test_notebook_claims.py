"""A number quoted in a notebook's prose agrees with the output it describes.

Prose cannot be executed, so a sentence such as "counting 127 too takes MOG2's F from 0.54 to
0.74" silently goes stale when the code changes. Each such number is declared once in
``tests/claims/<notebook>.toml``:

    [[claim]]
    what = "MOG2's F with shadows counted"           # for the failure message
    markdown = 'takes MOG2.s F from 0\\.54 to (0\\.\\d\\d)'  # regex over the markdown, 1 group
    output = 'MOG2, 127 counted .*F (0\\.\\d+)'        # regex over the checked outputs, 1 group
    digits = 2                                        # optional: round the output's number first

The output is searched only in cells that nbval compares (tag ``nbval-check-output``), so the
number in the output is itself pinned by ``make test-notebooks``: prose, output and code can no
longer drift apart without a test failing.
"""
import re
import tomllib
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
CLAIMS = ROOT / "tests" / "claims"
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9]*.ipynb"))
SOLUTIONS = sorted((ROOT / "notebooks" / "solutions").glob("[0-9]*.ipynb"))


def claims_path(notebook):
    """tests/claims/<stem>.toml, and tests/claims/solutions/<stem>.toml for a solution."""
    return CLAIMS / ("solutions" if notebook.parent.name == "solutions" else "") / f"{notebook.stem}.toml"


def claims_of(notebook):
    path = claims_path(notebook)
    return tomllib.loads(path.read_text()).get("claim", []) if path.exists() else []


def markdown_text(nb):
    return "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")


def checked_output_text(nb):
    texts = []
    for cell in nb.cells:
        if cell.cell_type != "code" or "nbval-check-output" not in cell.metadata.get("tags", []):
            continue
        for out in cell.get("outputs", []):
            if out.get("output_type") == "stream":
                texts.append(out.get("text", ""))
            elif "data" in out:
                texts.append(out["data"].get("text/plain", ""))
    return "\n".join(texts)


def as_number(text):
    return float(text.replace(",", "").replace("\u2212", "-"))


@pytest.mark.parametrize("notebook", NOTEBOOKS + SOLUTIONS, ids=lambda p: p.stem)
def test_every_notebook_and_solution_declares_its_quoted_numbers(notebook):
    """Every notebook and solution has a claims file; a main notebook's is never empty, a
    solution's may be (``claim = []``) when its prose quotes no number from its outputs."""
    path = claims_path(notebook)
    assert path.exists(), (f"{path.relative_to(ROOT)} is missing: declare the numbers its prose "
                           "quotes from its outputs (claim = [] with a comment if there is none)")
    assert claims_of(notebook) or notebook in SOLUTIONS, f"{path.relative_to(ROOT)} declares no claim"


CASES = [(nb, i, c) for nb in NOTEBOOKS + SOLUTIONS for i, c in enumerate(claims_of(nb))]


@pytest.mark.parametrize("notebook, index, claim", CASES,
                         ids=[f"{nb.stem}-{i}" for nb, i, _ in CASES])
def test_quoted_number_matches_the_checked_output(notebook, index, claim):
    nb = nbformat.read(notebook, as_version=4)
    prose = re.findall(claim["markdown"], markdown_text(nb), flags=re.S)
    assert len(prose) == 1, (f"{claim['what']}: the markdown pattern {claim['markdown']!r} matched "
                             f"{len(prose)} times (needs exactly one)")
    shown = re.findall(claim["output"], checked_output_text(nb), flags=re.S)
    assert shown, (f"{claim['what']}: no checked output matches {claim['output']!r} (is the cell "
                   "tagged nbval-check-output?)")
    assert len(shown) == 1, (f"{claim['what']}: the output pattern {claim['output']!r} matched "
                             f"{len(shown)} times ({shown}); make it match exactly one number")
    said, computed = as_number(prose[0]), as_number(shown[0])
    if "digits" in claim:
        computed = round(computed, claim["digits"])
    assert said == computed, f"{claim['what']}: the prose says {prose[0]}, the output shows {shown[0]}"
