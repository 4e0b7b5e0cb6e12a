"""Make an executed notebook's stored form depend on its code only (`make notebooks` runs this).

Run as ``python tests/tidy_notebook.py NOTEBOOK.ipynb ...``. Three things in a freshly executed
notebook change from run to run without the lesson changing:

* ``metadata.widgets``: widget state an older run may have stored (the views store a picture of
  themselves instead, so no state is kept);
* the ``model_id`` of each stored view, a random UUID: with no state stored it points at nothing,
  so it is replaced by a UUID derived from the notebook's name, the cell's id and the output's
  position (a viewer without a kernel shows the view's picture either way);
* how a cell's printed text is split into stream outputs, which follows the kernel's flush timing:
  consecutive outputs of the same stream are joined by nbconvert's CoalesceStreamsPreprocessor
  (nbval joins them too before comparing).

Execution timestamps are not written at all (``--ExecutePreprocessor.record_timing=False``).
"""
import sys
import uuid
from pathlib import Path

import nbformat
from nbconvert.preprocessors import CoalesceStreamsPreprocessor

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
NAMESPACE = uuid.UUID("6d1c1f52-4a39-4a2e-9a55-0c8e5b7d9e11")


def tidy(path):
    path = Path(path)
    nb = nbformat.read(path, as_version=4)
    nb.metadata.pop("widgets", None)
    coalesce = CoalesceStreamsPreprocessor()
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        cell.metadata.pop("execution", None)
        coalesce.preprocess_cell(cell, {}, index)
        for i, output in enumerate(cell.outputs):
            view = output.get("data", {}).get(WIDGET_VIEW)
            if view and "model_id" in view:
                view["model_id"] = uuid.uuid5(NAMESPACE, f"{path.name}/{cell.get('id')}/{i}").hex
    nbformat.write(nb, path)


if __name__ == "__main__":
    for name in sys.argv[1:]:
        tidy(name)
