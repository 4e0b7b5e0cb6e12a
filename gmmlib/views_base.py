"""What the three interactive views share: projector-sized figures that redraw fast, a picture
of themselves for viewers without a kernel, and the widget shell with its life cycle.

- :func:`new_figure`: a matplotlib Figure (no pyplot) with 12 pt text at 96 dpi and
  constrained layout (``plotting.STYLE``).
- :class:`BlitFigure`: the base of ``EMFigure``, ``SegmentationFigure`` and ``BackgroundFigure``.
  Everything that stays put while a slider moves (axes, ticks, histogram, log L curve) is
  rendered once into a bitmap; each step pastes the bitmap and draws only the moving artists.
- :class:`SliderView`: Play, a slider, the picture (an ``ipywidgets.Image``) and a caption.
  Its mime bundle holds the widget view, an ``image/png`` of the current figure and a one-line
  ``text/plain``: JupyterLab without the widget (an untrusted notebook, a fresh clone),
  GitHub, nbconvert HTML and VS Code without a kernel show the picture instead of
  ``VBox(children=...)``. ``view.close()`` (or ``with EMView(...) as view:``) frees its
  figure and widgets.

The encoders (PNG, JPEG, animated PNG) and :class:`~gmmlib.codecs.Animation` live in
:mod:`gmmlib.codecs`; the names are also importable from here, as older cells do.
"""
import base64
import numbers
import sys
from collections import OrderedDict

import ipywidgets as widgets
import matplotlib
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from . import plotting
from ._validate import show
from .codecs import (MAX_FRAMES, MAX_FRAMES_LIMIT, Animation, encode, encode_apng,  # noqa: F401
                     encode_small_png, evenly_spaced, hold_small_changes, shared_palette,
                     to_palette, validate_duration, validate_max_frames)
from .plotting import DPI

MIN_WIDTH_PX = 640     # the narrowest figure or animation frame a view makes


# --- argument checks (bad input gets a message that names the argument and the fix) ---------

MAX_SIZE_PX = 4000     # the widest and highest figure a view makes (a 4K screen)
MIN_HEIGHT_PX = DPI    # one inch: room for a title and a row of tick labels


def validate_figsize(figsize, name="figsize"):
    """(width, height) in inches: at least ``MIN_WIDTH_PX`` wide (readable on a projector),
    ``MIN_HEIGHT_PX`` high, and at most ``MAX_SIZE_PX`` either way at ``DPI``."""
    example = "e.g. (10, 4)"
    if isinstance(figsize, (str, bytes, dict, set)) or (isinstance(figsize, np.ndarray)
                                                         and figsize.ndim != 1):
        raise TypeError(f"{name} must be (width, height) in inches, {example}; got {show(figsize)}")
    try:
        values = list(figsize)
    except TypeError:
        raise TypeError(f"{name} must be (width, height) in inches, {example}; got {show(figsize)}") from None
    if len(values) != 2 or any(isinstance(v, (bool, np.bool_)) or not isinstance(v, numbers.Real)
                               for v in values):
        raise TypeError(f"{name} must be (width, height) in inches, {example}; got {show(figsize)}")
    try:
        width, height = (float(v) for v in values)
    except OverflowError:  # an int beyond float64
        raise ValueError(f"{name} must be two numbers of inches, {example}; got {show(figsize)}") from None
    if not (np.isfinite(width) and np.isfinite(height) and height > 0):
        raise ValueError(f"{name} must be two positive finite numbers of inches, got {show(figsize)}")
    if width * DPI < MIN_WIDTH_PX:
        raise ValueError(f"{name} {show(figsize)} is {width * DPI:.0f} px wide at {DPI} dpi; use a width "
                         f"of at least {MIN_WIDTH_PX / DPI:.2f} in ({MIN_WIDTH_PX} px) so that the "
                         "figure reads on a projector")
    if height * DPI < MIN_HEIGHT_PX or max(width, height) * DPI > MAX_SIZE_PX:
        raise ValueError(f"{name} {show(figsize)} is {width * DPI:.0f} x {height * DPI:.0f} px at {DPI} "
                         f"dpi; use at least {MIN_HEIGHT_PX / DPI:g} in ({MIN_HEIGHT_PX} px) of height "
                         f"and at most {MAX_SIZE_PX / DPI:.1f} in ({MAX_SIZE_PX} px) either way, {example}")
    return width, height


# --- figures ----------------------------------------------------------------------------------

def new_figure(figsize):
    """A Figure with its own Agg canvas (no pyplot: a notebook cell shows nothing by itself)."""
    with matplotlib.rc_context(plotting.STYLE):
        fig = Figure(figsize=figsize, dpi=DPI, layout="constrained")
    FigureCanvasAgg(fig)
    return fig


def add_axes(fig, ncols, width_ratios):
    """``ncols`` axes in a row, created under ``plotting.STYLE`` so that every text is >= 12 pt."""
    with matplotlib.rc_context(plotting.STYLE):
        axes = fig.subplots(1, ncols, gridspec_kw={"width_ratios": width_ratios})
    for ax in axes:
        plotting.readable(ax)
    return axes


class BlitFigure:
    """A Figure whose moving artists are drawn on top of a cached bitmap of everything else.

    A subclass builds ``self.fig`` (:func:`new_figure`), keeps the artists that change at each
    step in ``self.moving`` (or overrides :meth:`moving_artists`) and calls
    :meth:`invalidate` when something static changes (new axis limits for another K).
    ``fig.savefig`` would give the same picture but lays out every tick label again each time,
    10-20 times slower (benchmarks/bench_views.py).
    """

    fig = None
    moving = ()
    background = None

    def moving_artists(self):
        return list(self.moving)

    def invalidate(self):
        self.background = None

    def render(self):
        """The current picture as an (H, W, 4) uint8 RGBA array (valid until the next render)."""
        canvas = self.fig.canvas
        moving = self.moving_artists()
        if self.background is None:
            for artist in moving:   # animated artists are left out of a full draw
                artist.set_animated(True)
            canvas.draw()
            self.background = canvas.copy_from_bbox(self.fig.bbox)
        else:
            canvas.restore_region(self.background)
        for artist in moving:
            self.fig.draw_artist(artist)
        return np.asarray(canvas.buffer_rgba())

    @property
    def size(self):
        """(width, height) in pixels."""
        return self.fig.canvas.get_width_height()


# --- the widget shell -----------------------------------------------------------------------

class SliderView:
    """Play, a step slider, extra controls, the picture and a caption around a :class:`BlitFigure`.

    A subclass builds ``self.figure`` and calls :meth:`_build_widgets`, connects its slider
    callbacks with :meth:`_observe`, then implements ``_draw()`` (move the artists to the
    sliders' values), ``_state()``, ``_caption()`` and ``_open_summary()`` (the one line of
    text; ``summary()`` adds "(closed)" once the view is closed).

    The pieces a test (or a browser) can reach::

        view.widget      VBox, CSS class gmm-view
        view.iteration   IntSlider (gmm-iteration): the EM iteration, or the video frame
        view.play        Play (gmm-play), linked to the slider
        view.caption     HTML (gmm-caption): "K=3 iteration=5 ..."
        view.image       Image (gmm-figure): the current figure as JPEG bytes
        view.fig         the matplotlib Figure, to read the artists

    Play is tied to the slider with ``ipywidgets.link`` (kernel side), not ``jslink``: every
    frame is rendered by Python anyway, and a kernel-side link also works when a test sets
    ``view.play.value`` with no browser attached.

    A kernel keeps every widget it has made until the widget is closed, and a widget's
    callbacks keep their view, its figure and its cached pictures: on a shared server, views
    made again and again in a long session add up (30 views: 527 widgets, 120 MB). Call
    :meth:`close` when a view is no longer needed, or make it in a ``with`` block.
    """

    image_format = "jpeg"   # 5-10 times faster to encode than PNG, and as sharp at quality 90
    cache_size = 64         # pictures kept, so that going back and forth costs no rendering
    _closed = False

    def _build_widgets(self, value, last, description, interval, controls):
        self._pictures = OrderedDict()
        self._observers = []
        self.iteration = widgets.IntSlider(value=value, min=0, max=last,
                                           description=description).add_class("gmm-iteration")
        self.play = widgets.Play(value=value, min=0, max=last, interval=interval,
                                 description="play").add_class("gmm-play")
        self._play_link = widgets.link((self.play, "value"), (self.iteration, "value"))
        self.image = widgets.Image(format=self.image_format).add_class("gmm-figure")
        self.caption = widgets.HTML().add_class("gmm-caption")
        row = widgets.HBox([self.play, self.iteration] + list(controls))
        self.widget = widgets.VBox([row, self.image, self.caption]).add_class("gmm-view")
        self.fig = self.figure.fig

    def _observe(self, widget, handler):
        """``handler(change)`` on every new value of ``widget``, undone by :meth:`close`."""
        widget.observe(handler, names="value")
        self._observers.append((widget, handler))

    def redraw(self):
        """Move the artists to the sliders' values, re-render the picture, update the caption.

        A picture already made for these slider values is reused (the artists still move, so
        that ``view.fig`` always shows what the sliders say).
        """
        self._check_open("redraw")
        self._draw()
        key = self._state()
        data = self._pictures.get(key)
        if data is None:
            data = encode(self.figure.render(), self.image_format)
            self._pictures[key] = data
            if len(self._pictures) > self.cache_size:
                self._pictures.popitem(last=False)
        else:
            self._pictures.move_to_end(key)
        self.image.value = data
        self.caption.value = self._caption()

    def picture(self):
        """PNG bytes of what the view shows now, compressed for keeping in a notebook."""
        self._check_open("picture")
        return encode_small_png(self.figure.render())

    # --- life cycle ---------------------------------------------------------------------------

    @property
    def closed(self):
        """True once :meth:`close` has run: the view can no longer be shown or moved."""
        return self._closed

    def close(self):
        """Free what the view holds: close every widget (in the kernel and on the page), undo
        the slider callbacks and the Play link, close the matplotlib figure and drop the
        figure, the data and the cached pictures. Calling it again does nothing.

        Afterwards the view shows one line of text, and using it raises a RuntimeError that
        says to make a new view. ``with EMView(...) as view:`` closes it at the end of the block.
        """
        if self._closed:
            return
        summary = self._open_summary()
        for widget, handler in getattr(self, "_observers", ()):
            widget.unobserve(handler, names="value")
        link = getattr(self, "_play_link", None)
        if link is not None:
            link.unlink()
        root = getattr(self, "widget", None)
        for widget in _widget_tree(root) if root is not None else ():
            widget.close()
        fig = getattr(getattr(self, "figure", None), "fig", None)
        pyplot = sys.modules.get("matplotlib.pyplot")  # a view never registers with pyplot
        if fig is not None and pyplot is not None:
            pyplot.close(fig)
        # every attribute goes: a closed view kept in a notebook's Out[] holds nothing big
        self.__dict__.clear()
        self._closed = True
        self._closed_summary = summary

    def __enter__(self):
        self._check_open("enter a with block")
        return self

    def __exit__(self, *exc):
        self.close()
        return False

    def _check_open(self, action):
        if self._closed:
            raise RuntimeError(f"cannot {action}: this {type(self).__name__} was closed, which freed "
                               "its figure and widgets; make a new view (from the same results) to "
                               "show it again")

    def __getattr__(self, name):
        # reached only for attributes that are missing, e.g. all of them after close()
        if not name.startswith("_") and self.__dict__.get("_closed"):
            self._check_open(f"use .{name}")
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    # --- display ------------------------------------------------------------------------------

    def summary(self):
        if self._closed:
            return f"{self._closed_summary} (closed)"
        return self._open_summary()

    def _open_summary(self):
        raise NotImplementedError

    def __repr__(self):
        return self.summary()

    def _repr_mimebundle_(self, include=None, exclude=None):
        """The widget view, a PNG of the figure as it is now, and a one-line text.

        A front end with the widget model shows the widget; one without (untrusted
        JupyterLab, GitHub, nbconvert HTML, VS Code with no kernel) shows the PNG.
        A closed view shows its one line of text only.
        """
        if self._closed:
            return {"text/plain": self.summary()}
        bundle = dict(self.widget._repr_mimebundle_(include=include, exclude=exclude) or {})
        bundle["image/png"] = base64.b64encode(self.picture()).decode("ascii")
        bundle["text/plain"] = self.summary()
        return bundle


def _widget_tree(root):
    """``root`` and every widget inside it, containers before their children.

    A widget's ``layout`` and ``style`` are widgets of their own, which ``close()`` of the
    widget leaves open (ipywidgets 8): 11 of the 17 widgets of an EMView.
    """
    out, todo, seen = [], [root], set()
    while todo:
        widget = todo.pop()
        if id(widget) in seen:
            continue
        seen.add(id(widget))
        out.append(widget)
        todo.extend(getattr(widget, "children", ()))
        todo.extend(part for part in (getattr(widget, "layout", None), getattr(widget, "style", None))
                    if isinstance(part, widgets.Widget))
    return out
