"""A stand-in notebook that follows the views' DOM contract, to check the browser suite itself.

Not part of the default run. ``GMM_BROWSER_SELFTEST=1 make test-browser`` (or
``python tests/browser/selftest_notebook.py DIR``) adds ``zz_selftest.ipynb`` to the notebooks
under test, in the temporary copy only: a ``gmm-view`` VBox with an iteration slider, a K
slider, a Play, a caption and a PNG ``Image`` redrawn by matplotlib, plus a stored
``to_jshtml()`` animation. The repository's ``notebooks/`` is never written.
"""
from __future__ import annotations

import sys
from pathlib import Path

import nbformat

NAME = "zz_selftest.ipynb"  # labdriver.SELFTEST_NAME

VIEW_CELL = r'''
import io
import ipywidgets as W
import numpy as np
from matplotlib.figure import Figure

def render(k, it):
    fig = Figure(figsize=(3.2, 2.4), dpi=80)
    ax = fig.add_subplot()
    x = np.linspace(0, 1, 200)
    for j in range(k):
        ax.plot(x, np.sin((j + 1) * 3 * x + it / 4), lw=1)
    ax.set_title(f"K={k} iteration={it}")
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    return buf.getvalue()

def make_view():
    iteration = W.IntSlider(0, 0, 12, description="iteration").add_class("gmm-iteration")
    k = W.IntSlider(2, 1, 5, description="K").add_class("gmm-k")
    play = W.Play(0, 0, 12, interval=150).add_class("gmm-play")
    W.jslink((play, "value"), (iteration, "value"))
    caption = W.HTML().add_class("gmm-caption")
    image = W.Image(format="png").add_class("gmm-figure")

    def redraw(_=None):
        image.value = render(k.value, iteration.value)
        caption.value = f"K={k.value} iteration={iteration.value} log-likelihood={-1000 - 7 * iteration.value + k.value:.1f}"

    iteration.observe(redraw, "value")
    k.observe(redraw, "value")
    redraw()
    return W.VBox([W.HBox([play, iteration, k]), caption, image]).add_class("gmm-view")

make_view()
'''

ANIMATION_CELL = r'''
import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
from matplotlib.animation import FuncAnimation
from IPython.display import HTML

fig, ax = plt.subplots(figsize=(2.4, 1.8), dpi=60)
line, = ax.plot([], [])
ax.set_xlim(0, 1); ax.set_ylim(-1, 1)
xs = np.linspace(0, 1, 50)
anim = FuncAnimation(fig, lambda i: line.set_data(xs, np.sin(6 * xs + i)), frames=6)
plt.close(fig)
HTML(anim.to_jshtml())
'''


def build() -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [
        nbformat.v4.new_markdown_cell("# Browser suite self-test"),
        nbformat.v4.new_code_cell(VIEW_CELL.strip()),
        nbformat.v4.new_code_cell("make_view()"),
        nbformat.v4.new_code_cell(ANIMATION_CELL.strip()),
    ]
    return nb


def write(directory: Path, execute: bool = True) -> Path:
    """Write the self-test notebook into ``directory`` (executed, so it stores its animation)."""
    nb = build()
    if execute:
        from nbconvert.preprocessors import ExecutePreprocessor
        ExecutePreprocessor(timeout=120, kernel_name="python3").preprocess(nb, {"metadata": {"path": str(directory)}})
    path = Path(directory) / NAME
    nbformat.write(nb, path)
    return path


if __name__ == "__main__":
    print(write(Path(sys.argv[1])))
