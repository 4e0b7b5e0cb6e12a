"""Two small stand-in notebooks that check the browser suite's own checks, both ways.

``zz_contract.ipynb`` stores what every notebook of the course must store (issues 8 and 10):

- an interactive view whose output is a widget view with an ``image/png`` of its figure beside
  it in the same mime bundle (no widget state in the notebook metadata, so an HTML export has
  nothing to pick over the picture),
- an animation stored as an animated GIF (640 px wide, several frames) in an ``<img>`` of a
  ``text/html`` output, which every viewer shows and moves without a script, and the same GIF
  as a file beside the notebook, shown by a markdown image (a relative link),
- slide metadata (slide, sub-slide, fragment, skip) so that each slide fits 1280x720, a skipped
  set-up cell and a skipped exercise cell, and a live ``gmm-view`` once the cells run;
- a second, deliberately slow view (``gmm-slow-view``: 300 ms more per redraw, in a cell skipped
  in slides and never counted as a ``gmm-view``), which the redraw-time check must fail.

``zz_legacy.ipynb`` stores what the notebooks stored before (a bare widget view, whose only
fallback is its text repr, with its widget state in the notebook metadata, and a ``to_jshtml()``
animation with script-driven buttons and two glyphs no installed font has) with no slide metadata: the checks must find every one of those
faults in it, so a check that silently stopped detecting would fail the suite.

Outputs are built in this process with ipywidgets, matplotlib and PIL, with no kernel: what is
tested is what a viewer does with stored outputs. The cell sources are the same code, so running
the contract stand-in (in RISE) makes the live view. Written into the temporary copy only.
"""
from __future__ import annotations

from pathlib import Path

import nbformat

CONTRACT_NAME = "zz_contract.ipynb"
LEGACY_NAME = "zz_legacy.ipynb"
GIF_NAME = "zz_animation.gif"  # beside the contract stand-in, shown by a markdown image

# Defines make_view() and gif_html(): the set-up cell of both stand-ins (exec'd here as well).
SETUP_SOURCE = r'''
import base64, io, time
import ipywidgets as W
import numpy as np
from PIL import Image as PILImage, ImageDraw

COLOURS = [(31, 119, 180), (255, 127, 14), (44, 160, 44), (214, 39, 40), (148, 103, 189)]

def render(k, it):
    """The view's figure at K=k, iteration it, as PNG bytes (640x320 px; PIL: a few ms)."""
    im = PILImage.new("RGB", (640, 320), "white")
    d = ImageDraw.Draw(im)
    x = np.linspace(0, 1, 160)
    for j in range(k):
        y = 160 - 120 * np.sin((j + 1) * 3 * x + it / 4)
        d.line(list(zip((40 + 580 * x).tolist(), y.tolist())), fill=COLOURS[j], width=3)
    d.text((270, 8), f"K={k} iteration={it}", fill="black")
    buf = io.BytesIO()
    im.save(buf, format="PNG")
    return buf.getvalue()

class StandInView:
    """A gmm-view (sliders, Play, caption, figure) whose mime bundle also holds its picture."""

    css_class = "gmm-view"

    def __init__(self):
        self.iteration = W.IntSlider(0, 0, 12, description="iteration").add_class("gmm-iteration")
        self.k = W.IntSlider(2, 1, 5, description="K").add_class("gmm-k")
        self.play = W.Play(0, 0, 12, interval=150).add_class("gmm-play")
        W.jslink((self.play, "value"), (self.iteration, "value"))
        self.caption = W.HTML().add_class("gmm-caption")
        # A fixed width: in a RISE slide a flex column would stretch the image to the slide's width.
        self.image = W.Image(format="png", layout=W.Layout(width="640px")).add_class("gmm-figure")
        self.iteration.observe(self.redraw, "value")
        self.k.observe(self.redraw, "value")
        self.widget = W.VBox([W.HBox([self.play, self.iteration, self.k]), self.caption, self.image])
        self.widget.add_class(self.css_class)
        self.redraw()

    def redraw(self, _=None):
        self.image.value = render(self.k.value, self.iteration.value)
        self.caption.value = f"K={self.k.value} iteration={self.iteration.value}"

    def _repr_mimebundle_(self, **kwargs):
        bundle = self.widget._repr_mimebundle_(**kwargs)
        bundle["image/png"] = base64.b64encode(self.image.value).decode("ascii")
        return bundle

def make_view():
    return StandInView()

class SlowView(StandInView):
    """The same view, 300 ms slower per redraw: the redraw-time check must fail it. Its own
    CSS class keeps it out of the views the other checks count and drive."""

    css_class = "gmm-slow-view"

    def redraw(self, _=None):
        time.sleep(SLOW_REDRAW_S)
        super().redraw()

SLOW_REDRAW_S = 0.3

def gif_bytes(frames=8, size=(640, 240)):
    """An animated GIF: a disc crossing the frame, 200 ms a frame, looping."""
    images = []
    for i in range(frames):
        im = PILImage.new("RGB", size, "white")
        d = ImageDraw.Draw(im)
        x = 40 + i * (size[0] - 80) // (frames - 1)
        d.ellipse([x - 30, size[1] // 2 - 30, x + 30, size[1] // 2 + 30], fill=(31, 119, 180))
        d.text((10, 10), f"frame {i}", fill="black")
        images.append(im)
    buf = io.BytesIO()
    images[0].save(buf, format="GIF", save_all=True, append_images=images[1:], duration=200, loop=0)
    return buf.getvalue()

def gif_html():
    data = base64.b64encode(gif_bytes()).decode("ascii")
    return f'<img src="data:image/gif;base64,{data}" alt="a disc crossing the frame, 8 frames" width="640">'
'''.strip()

CONTRACT_VIEW_SOURCE = "view = make_view()\nview"
SLOW_VIEW_SOURCE = "slow = SlowView()  # checks the redraw-time check: it must fail this view\nslow"
SLOW_VIEW_CLASS = "gmm-slow-view"
CONTRACT_GIF_SOURCE = "from IPython.display import HTML\nHTML(gif_html())"
LEGACY_VIEW_SOURCE = "view = make_view()\nview.widget"
LEGACY_JSHTML_SOURCE = r'''
import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
from matplotlib.animation import FuncAnimation
from IPython.display import HTML

fig, ax = plt.subplots(figsize=(5, 2.4), dpi=72)
line, = ax.plot([], [])
ax.set_xlim(0, 1); ax.set_ylim(-1, 1)
xs = np.linspace(0, 1, 50)
anim = FuncAnimation(fig, lambda i: line.set_data(xs, np.sin(6 * xs + i)), frames=6)
plt.close(fig)
HTML(anim.to_jshtml())
'''.strip()


def _namespace() -> dict:
    ns: dict = {}
    exec(compile(SETUP_SOURCE, "standin-setup", "exec"), ns)
    return ns


def _result(data: dict, count: int) -> nbformat.NotebookNode:
    return nbformat.v4.new_output("execute_result", data=data, execution_count=count)


def _slide(cell, slide_type: str | None):
    if slide_type:
        cell.metadata["slideshow"] = {"slide_type": slide_type}
    return cell


def _code(source: str, outputs=(), count: int | None = None, slide_type: str | None = None, tags=()):
    cell = nbformat.v4.new_code_cell(source, execution_count=count)
    cell.outputs = list(outputs)
    if tags:
        cell.metadata["tags"] = list(tags)
    return _slide(cell, slide_type)


def _md(source: str, slide_type: str | None = None):
    return _slide(nbformat.v4.new_markdown_cell(source), slide_type)


def _new_notebook(cells) -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = cells
    return nb


def build_contract() -> nbformat.NotebookNode:
    ns = _namespace()
    view = ns["make_view"]()
    bundle = view._repr_mimebundle_()
    ns["SLOW_REDRAW_S"] = 0.0  # building the stored output need not wait
    slow_bundle = ns["SlowView"]()._repr_mimebundle_()
    gif = ns["gif_html"]()
    return _new_notebook([
        _md("# Stand-in: the stored-output contract\n\nWhat a student sees before running "
            "anything: pictures, not widget text.", "slide"),
        _md("- log-likelihood ≥ its previous value at every step\n- responsibilities γ sum to 1 "
            "(π, μ, σ² ✓)", "fragment"),
        _code(SETUP_SOURCE, count=1, slide_type="skip"),
        _md("## The interactive view", "slide"),
        _code(CONTRACT_VIEW_SOURCE, [_result(bundle, 2)], count=2),
        _code(SLOW_VIEW_SOURCE, [_result(slow_bundle, 3)], count=3, slide_type="skip"),
        _md("## The stored animation", "subslide"),
        _code(CONTRACT_GIF_SOURCE, [_result({"text/html": gif, "text/plain": "<IPython.core.display.HTML object>"}, 4)],
              count=4),
        _md(f"## The animation as a file\n\n![a disc crossing the frame]({GIF_NAME})", "slide"),
        _code("# Exercise: make the disc go the other way\nanswer = None", count=5, slide_type="skip",
              tags=["exercise"]),
        _md("## The end\n\nEvery slide of this deck fits 1280x720.", "slide"),
    ])


def build_legacy() -> nbformat.NotebookNode:
    ns = _namespace()
    view = ns["make_view"]()
    ns_anim = dict(ns)
    exec(compile(LEGACY_JSHTML_SOURCE.rsplit("\n", 1)[0], "standin-jshtml", "exec"), ns_anim)
    jshtml = ns_anim["anim"].to_jshtml()
    # As the course stored it: the first/last-frame icons replaced by glyphs no installed font has.
    jshtml = jshtml.replace('<i class="fa fa-fast-backward"></i>', "&#9198;")
    jshtml = jshtml.replace('<i class="fa fa-fast-forward"></i>', "&#9197;")
    nb = _new_notebook([
        _md("# Stand-in: the outputs the course stored before issue 8"),
        _code(SETUP_SOURCE, count=1),
        _code(LEGACY_VIEW_SOURCE, [_result(view.widget._repr_mimebundle_(), 2)], count=2),
        _code(LEGACY_JSHTML_SOURCE, [_result({"text/html": jshtml, "text/plain": "<IPython.core.display.HTML object>"}, 3)],
              count=3),
    ])
    # The widget state, as nbclient (make notebooks) stores it: an HTML export then picks the
    # widget view, which only a script can draw.
    import ipywidgets
    state = ipywidgets.Widget.get_manager_state(drop_defaults=True, widgets=[view.widget])
    nb.metadata["widgets"] = {"application/vnd.jupyter.widget-state+json": state}
    return nb


def write(directory: Path) -> dict[str, Path]:
    """Write both stand-ins into ``directory``; returns {name: path}."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    out = {}
    for name, build in ((CONTRACT_NAME, build_contract), (LEGACY_NAME, build_legacy)):
        nb = build()
        nbformat.validate(nb)
        path = directory / name
        nbformat.write(nb, path)
        out[name] = path
    out[GIF_NAME] = directory / GIF_NAME
    out[GIF_NAME].write_bytes(_namespace()["gif_bytes"]())
    return out


if __name__ == "__main__":
    import sys
    for p in write(Path(sys.argv[1])).values():
        print(p)
