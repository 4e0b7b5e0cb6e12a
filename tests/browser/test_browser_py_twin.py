"""A notebook's `.py` twin opens as a notebook in JupyterLab, through the default viewer that
jupyterlab-settings/overrides.json sets in the venv (so `make lab` users get the same)."""
from __future__ import annotations

import json

import jupytext
import pytest

import labdriver as ld

TWINS = [n.rsplit(".", 1)[0] + ".py" for n in ld.notebook_names()
         if (ld.REPO / "notebooks" / (n.rsplit(".", 1)[0] + ".py")).exists()]


def test_overrides_installed_in_venv():
    assert ld.OVERRIDES_VENV.exists(), (
        f"{ld.OVERRIDES_VENV} is missing: `make install` (or make test-browser) copies "
        f"{ld.OVERRIDES_REPO.relative_to(ld.REPO)} there")
    assert json.loads(ld.OVERRIDES_VENV.read_text()) == json.loads(ld.OVERRIDES_REPO.read_text()), \
        f"{ld.OVERRIDES_VENV} differs from {ld.OVERRIDES_REPO}: run make test-browser to reinstall it"


@pytest.mark.parametrize("twin", ld.params_or_failure(TWINS, "py-twins"))
def test_py_twin_opens_as_notebook(twin, lab_page):
    if twin is None:
        pytest.fail("no notebooks/*.py twin of a notebook found", pytrace=False)
    path = f"notebooks/{twin}"
    page, n_errors = lab_page.page, len(lab_page.errors)
    try:
        ld.open_document(page, path)
        info = page.evaluate(f"""() => {{
          const app = window.jupyterapp; const w = app.shell.currentWidget;
          return {{ notebook: w.node.classList.contains('jp-NotebookPanel'),
                   cells: w.content && w.content.model && w.content.model.cells ? w.content.model.cells.length : null,
                   factory: app.docRegistry.defaultWidgetFactory({json.dumps(path)}).name }}; }}""")
        expected_cells = len(jupytext.read(ld.REPO / "notebooks" / twin).cells)
        assert info["factory"] == "Jupytext Notebook", (
            f"{twin}: the default viewer for .py is {info['factory']!r}, not 'Jupytext Notebook': is "
            f"{ld.OVERRIDES_VENV} installed (make install copies {ld.OVERRIDES_REPO.relative_to(ld.REPO)})?")
        assert info["notebook"], f"{twin} opened, but not as a notebook: {info}"
        assert info["cells"] == expected_cells, f"{twin}: {info['cells']} cells shown, jupytext reads {expected_cells}"
        assert not lab_page.errors_since(n_errors), f"errors on the page: {lab_page.errors_since(n_errors)}"
        ld.kernel_ready(page)  # the notebook opened from the .py gets a working kernel too
        ld.note(f"twin: {path} opened as a notebook ({info['cells']} cells, viewer {info['factory']!r})")
    finally:
        ld.close_document(page)
