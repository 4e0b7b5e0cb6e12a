"""BackgroundView: a frame slider over one run of a per-pixel background model (notebook 07).

:func:`record_background` runs a ``BackgroundModel`` once over a short clip and keeps, frame
by frame, the foreground mask, the background image and the mixtures of a few chosen pixels
(a :class:`BackgroundRun`). :class:`BackgroundView` only looks these up: the frame with its
foreground in red, the background image, and one pixel's values over time with each
Gaussian's mean and match window.
"""
from dataclasses import dataclass

import ipywidgets as widgets
import numpy as np
from matplotlib.collections import PolyCollection

from . import plotting
from ._validate import validate_array, validate_float, validate_image, validate_int, show
from .background import BackgroundModel
from .codecs import (TOLERANCE_LIMIT, Animation, evenly_spaced, validate_duration,
                     validate_max_frames)
from .views_base import BlitFigure, SliderView, add_axes, new_figure, validate_figsize
from .stauffer_grimson import background_components

BACKGROUND_FIGSIZE = (8.75, 3.1)           # 840 x 298 px
BACKGROUND_ANIMATION_FIGSIZE = (8, 2.7)    # 768 x 259 px
BACKGROUND_ANIMATION_FRAMES = 20
MAX_PIXELS = 100      # recorded pixels: each costs 3 K floats per frame
NOISE_TOLERANCE = 16  # grey levels: four times the typical frame-to-frame change of a still pixel


@dataclass(frozen=True)
class BackgroundRun:
    """What a background model did on a short clip, frame by frame, kept for a view to look up.

    Build it with :func:`record_background`. ``n`` frames of ``H x W`` gray pixels; the pixel
    traces are in the model's storage order (a slot keeps its identity until it is replaced),
    so a component's mean can be followed as a line over time.

    Attributes
    ----------
    frames : (n, H, W) uint8          the input frames
    masks : (n, H, W) bool            the model's foreground mask of each frame
    backgrounds : (n, H, W) uint8     ``model.background()`` after each frame
    truths : (n, H, W) bool or None   exact ground truth, when the clip is synthetic
    pixels : tuple of (row, col)      the pixels whose mixtures were recorded
    weights, means, variances : (P, n, K) float   each recorded pixel's mixture after each frame
    is_background : (P, n, K) bool    which components were background (first B past T)
    f_measure : (n,) float or None    F-measure of each frame against ``truths`` (NaN if undefined)
    K, T, match_threshold : the model's settings
    """

    frames: np.ndarray
    masks: np.ndarray
    backgrounds: np.ndarray
    truths: object
    pixels: tuple
    weights: np.ndarray
    means: np.ndarray
    variances: np.ndarray
    is_background: np.ndarray
    f_measure: object
    K: int
    T: float
    match_threshold: float

    def __len__(self):
        return len(self.frames)


def record_background(model, frames, pixels, truths=None):
    """Run ``model`` (a fresh ``gmmlib.background.BackgroundModel``) once over gray ``frames``
    and keep, for every frame, the mask, the background image and the mixtures of ``pixels``.

    This is the only place where the model runs; :class:`BackgroundView` only looks results up.
    Memory is about 3 bytes per pixel and frame: keep the clip short and small (e.g. 60 frames
    of 160x120).
    """
    if not isinstance(model, BackgroundModel):
        raise TypeError(f"model must be a gmmlib.background.BackgroundModel, got a "
                        f"{type(model).__name__}; e.g. record_background(BackgroundModel(K=3), "
                        "frames, pixels)")
    frames = _gray_frames(frames)
    if getattr(model, "n_frames_", 0):
        raise ValueError("the model has already seen frames; pass a fresh model (or call reset())")
    n, H, W = frames.shape
    pixels = _pixel_list(pixels, H, W)
    if truths is not None:
        truths = validate_array(truths, "truths", allow_empty=True,
                             hint="pass one foreground mask per frame, or truths=None")
        if truths.shape != frames.shape:
            raise ValueError(f"truths has shape {truths.shape} but the frames {frames.shape}: "
                             "pass one foreground mask per frame, or truths=None")
        if truths.dtype != bool and not np.isin(truths, (0, 1)).all():
            raise ValueError("truths must be foreground masks (bool, or 0/1), got values other "
                             "than 0 and 1")
        truths = truths.astype(bool)
    rows, cols = np.array(pixels).T
    K, P = model.K, len(pixels)
    masks = np.empty((n, H, W), bool)
    backgrounds = np.empty((n, H, W), np.uint8)
    weights, means, variances = (np.empty((P, n, K)) for _ in range(3))
    for t, frame in enumerate(frames):
        masks[t] = model.apply(frame)
        backgrounds[t] = model.background()
        weights[:, t] = model.weights_[rows, cols]
        means[:, t] = model.means_[rows, cols, :, 0]
        variances[:, t] = model.variances_[rows, cols]
    is_background = background_components(weights, np.sqrt(variances), model.T)
    f_measure = None
    if truths is not None:
        tp = (masks & truths).sum(axis=(1, 2))
        fp = masks.sum(axis=(1, 2)) - tp
        fn = truths.sum(axis=(1, 2)) - tp
        with np.errstate(invalid="ignore", divide="ignore"):
            f_measure = 2 * tp / (2 * tp + fp + fn)
    return BackgroundRun(frames=frames, masks=masks, backgrounds=backgrounds, truths=truths,
                         pixels=pixels, weights=weights, means=means, variances=variances,
                         is_background=is_background, f_measure=f_measure, K=K, T=model.T,
                         match_threshold=model.match_threshold)


def _gray_frames(frames):
    """(n, H, W) uint8 frames, or a ValueError/TypeError that says how to get them."""
    try:
        arr = np.asarray(frames)
    except Exception as exc:
        raise TypeError(f"frames could not be read as an array ({exc}); pass gray frames as an "
                        "(n, H, W) uint8 array") from None
    if arr.ndim == 4 and arr.shape[-1] in (3, 4):
        raise ValueError(f"frames has shape {arr.shape} (colour); the view traces gray pixels: "
                         "convert first, e.g. frames[..., :3].mean(axis=-1).astype(np.uint8)")
    if arr.ndim != 3:
        raise ValueError(f"frames must be gray frames of shape (n, H, W), got shape {arr.shape}")
    if 0 in arr.shape:
        raise ValueError(f"frames is empty (shape {arr.shape}); pass at least one frame")
    if arr.dtype == np.uint8:
        return arr
    if arr.dtype.kind in "iu" and arr.min() >= 0 and arr.max() <= 255:
        return arr.astype(np.uint8)
    if arr.dtype.kind == "f" and np.isfinite(arr).all() and arr.max() <= 1:
        raise ValueError("frames are floats in [0, 1]; the model reads gray levels 0..255: scale "
                         "float frames to 0..255 or pass uint8, e.g. (frames * 255).astype(np.uint8)")
    raise ValueError(f"frames must hold gray levels 0..255 as uint8, got dtype {arr.dtype}; "
                     "convert with np.clip(frames, 0, 255).astype(np.uint8)")


def _pixel_list(pixels, H, W):
    """A tuple of (row, col) int pairs inside an H x W frame."""
    example = "e.g. pixels=[(40, 60)]"
    if isinstance(pixels, (str, bytes, dict, set, frozenset)):
        raise TypeError(f"pixels must be a list of (row, col) pairs, {example}, got {show(pixels)}")
    try:
        pairs = [tuple(p) for p in pixels]
    except TypeError:
        raise TypeError(f"pixels must be a list of (row, col) pairs, {example}, got {show(pixels)}") from None
    if not pairs:
        raise ValueError(f"pixels is empty; pass at least one (row, col) pixel whose mixture to "
                         f"record, {example}")
    if len(pairs) > MAX_PIXELS:
        raise ValueError(f"pixels holds {len(pairs)} pixels; a view traces one at a time: record at "
                         f"most {MAX_PIXELS}")
    out = []
    for i, p in enumerate(pairs):
        if len(p) != 2:
            raise ValueError(f"each of pixels must be a (row, col) pair, got pixels[{i}] = {show(p)}")
        r, c = (validate_int(v, f"a pixel coordinate (pixels[{i}])", "(-inf, inf)",
                             hint="pixels are (row, col) pairs of whole numbers")
                for v in p)
        if not (0 <= r < H and 0 <= c < W):
            raise ValueError(f"pixels[{i}] = ({r}, {c}) is outside the {H}x{W} frames; rows go from 0 "
                             f"to {H - 1}, columns from 0 to {W - 1}")
        out.append((r, c))
    return tuple(out)


def background_caption(run, t, p=0):
    """"K=3 iteration=12 frame=12 pixel=(40, 60) foreground=3.2% F=0.84".

    ``iteration=`` repeats the frame number on purpose: the browser suite reads every view's
    caption as ``K=<K> iteration=<slider value>``; here the slider steps through frames.
    """
    t, p = _check_run_step(run, t, p)
    r, c = run.pixels[p]
    text = (f"K={run.K} iteration={t} frame={t} pixel=({r}, {c}) "
            f"foreground={100 * run.masks[t].mean():.1f}%")
    if run.f_measure is not None:
        f = run.f_measure[t]
        text += " F=n/a" if np.isnan(f) else f" F={f:.2f}"
    return text


def _check_run_step(run, t, p):
    """(t, p) as ints: a frame of ``run`` and an index into its recorded pixels."""
    if not isinstance(run, BackgroundRun):
        raise TypeError(f"run must be the BackgroundRun returned by record_background(model, "
                        f"frames, pixels), got {show(run)}")
    t = validate_int(t, "t", f"[0, {len(run) - 1}]", hint=f"a frame of the {len(run)} in the run")
    p = validate_int(p, "p", f"[0, {len(run.pixels) - 1}]",
                  hint=f"an index into the {len(run.pixels)} recorded pixels {list(run.pixels)}")
    return t, p


def band_polygons(x, low, high, where):
    """The polygons between ``low`` and ``high`` over each run of consecutive ``where``
    (what ``fill_between(x, low, high, where=where)`` fills). ``x``, ``low``, ``high`` and
    ``where`` are 1-D of one length; NaN in ``low`` or ``high`` is drawn as nothing."""
    x = validate_array(x, "x", ndim=1, dtype=np.float64, allow_empty=True)
    n = x.shape[0]
    low, high = (validate_array(v, name, ndim=1, shape=(n,), dtype=np.float64, allow_empty=True,
                             allow_nan=True, hint="one value per x")
                 for v, name in ((low, "low"), (high, "high")))
    where = validate_array(where, "where", ndim=1, shape=(n,), allow_empty=True,
                        hint="one True/False per x")
    if where.dtype != bool and not np.isin(where, (0, 1)).all():
        raise ValueError(f"where must hold True/False (or 0/1) per x, got {show(where)}")
    edges = np.flatnonzero(np.diff(np.r_[0, where.astype(int), 0]))
    return [np.column_stack([np.r_[x[a:b], x[a:b][::-1]], np.r_[low[a:b], high[a:b][::-1]]])
            for a, b in zip(edges[::2], edges[1::2])]


def mask_overlay(frame, mask, colour=(255, 40, 40), opacity=0.6):
    """A gray frame as RGB with the foreground pixels tinted (uint8, shape (H, W, 3))."""
    frame = validate_image(frame, "frame", channels=(1,), dtype=np.uint8)
    mask = validate_array(mask, "mask", shape=frame.shape, hint="one True/False per pixel of frame")
    if mask.dtype != bool:
        if not np.isin(mask, (0, 1)).all():
            raise ValueError(f"mask must be a foreground mask (bool, or 0/1), got {show(mask)}")
        mask = mask.astype(bool)
    colour = validate_array(colour, "colour", shape=(3,), dtype=np.float32, hint="an (R, G, B) colour")
    if colour.min() < 0 or colour.max() > 255:
        raise ValueError(f"colour must be (R, G, B) in 0..255, got {show(colour)}")
    opacity = validate_float(opacity, "opacity", "[0, 1]", hint="0 shows the frame, 1 the colour")
    rgb = np.repeat(frame[..., None], 3, axis=2).astype(np.float32)
    rgb[mask] = (1 - opacity) * rgb[mask] + opacity * colour
    return rgb.astype(np.uint8)


class BackgroundFigure(BlitFigure):
    """Three panels over a :class:`BackgroundRun`: the frame with its foreground in red, the
    background image, and one pixel's intensity over time with its Gaussians. ``draw(t, p)``
    moves the artists to frame t and recorded pixel p; axes, ticks and labels never change, so
    only the images, lines and bands are drawn at each step.
    """

    def __init__(self, run, figsize=BACKGROUND_FIGSIZE):
        if not isinstance(run, BackgroundRun):
            raise TypeError(f"run must be the BackgroundRun returned by record_background(model, "
                            f"frames, pixels), got {show(run)}")
        self.run = run
        self.fig = new_figure(validate_figsize(figsize))
        with plotting.projector_style():
            self._build()
        self.moving = (self.bands + [self.frame_image, self.bg_image, self.pixel_marker, self.trace,
                                     self.now_line, self.ax_frame.title]
                       + self.mean_lines + self.weight_texts)
        self.p_shown = None
        self.draw(0, 0)

    def _build(self):
        run = self.run
        self.ax_frame, self.ax_bg, self.ax_pixel = add_axes(self.fig, 3, [1, 1, 1.5])
        # nearest: a video pixel stays one flat block (sharper, and smaller in an animation)
        self.frame_image = self.ax_frame.imshow(mask_overlay(run.frames[0], run.masks[0]),
                                                interpolation="nearest")
        self.bg_image = self.ax_bg.imshow(run.backgrounds[0], cmap="gray", vmin=0, vmax=255,
                                          interpolation="nearest")
        for ax in (self.ax_frame, self.ax_bg):
            ax.set_xticks([])
            ax.set_yticks([])
        self.ax_frame.set_xlabel("foreground in red")
        self.ax_bg.set_title("background")
        self.pixel_marker, = self.ax_frame.plot([], [], "s", markersize=9, markerfacecolor="none",
                                                markeredgecolor="yellow", markeredgewidth=2)
        ax = self.ax_pixel
        ax.set_xlim(-0.5, len(run) - 0.5)
        ax.set_ylim(0, 255 * 1.25)  # head room for the weight labels
        ax.set_yticks(range(0, 256, 50))
        ax.set_xlabel("frame")
        ax.set_ylabel("intensity")
        # each Gaussian's match window mean +- t sigma, as polygons updated in place (one
        # fill_between per Gaussian and frame would cost more than the rest of a redraw)
        self.bands = [ax.add_collection(PolyCollection([], facecolors=plotting.colour(k), alpha=0.2,
                                                       linewidths=0), autolim=False)
                      for k in range(run.K)]
        self.trace, = ax.plot([], [], "k.-", markersize=4, linewidth=1, label="pixel value")
        self.mean_lines = [ax.plot([], [], color=plotting.colour(k), linewidth=2)[0]
                           for k in range(run.K)]
        # one weight label per Gaussian, in a row along the top of the panel
        self.weight_texts = [ax.text((k + 0.5) / run.K, 0.97, "", transform=ax.transAxes,
                                     color=plotting.colour(k), ha="center", va="top")
                             for k in range(run.K)]
        self.now_line = ax.axvline(0, color="0.5", linewidth=1, linestyle=":")
        self.ax_frame.set_title("frame 000, F=0.00")  # the widest title, for the layout
        ax.set_title(" ")

    def draw(self, t, p=0):
        """Show frame t and the mixture of recorded pixel p after that frame (nothing is rerun)."""
        t, p = _check_run_step(self.run, t, p)
        run, ax = self.run, self.ax_pixel
        self.frame_image.set_data(mask_overlay(run.frames[t], run.masks[t]))
        self.bg_image.set_data(run.backgrounds[t])
        r, c = run.pixels[p]
        self.pixel_marker.set_data([c], [r])
        title = f"frame {t}"
        if run.f_measure is not None and not np.isnan(run.f_measure[t]):
            title += f", F={run.f_measure[t]:.2f}"
        self.ax_frame.set_title(title, fontsize=plotting.TITLE_PT)
        x = np.arange(t + 1)
        self.trace.set_data(x, run.frames[: t + 1, r, c])
        w, mu = run.weights[p, : t + 1], run.means[p, : t + 1]
        half = run.match_threshold * np.sqrt(run.variances[p, : t + 1])
        for k in range(run.K):
            used = w[:, k] > 0
            # an empty slot has no Gaussian yet: leave a gap rather than draw a fake one
            self.mean_lines[k].set_data(x, np.where(used, mu[:, k], np.nan))
            self.bands[k].set_verts(band_polygons(x, mu[:, k] - half[:, k], mu[:, k] + half[:, k],
                                                  used))
            kind = "bg" if run.is_background[p, t, k] else "fg"
            self.weight_texts[k].set_text(f"{w[t, k]:.2f} {kind}" if used[t] else "empty")
        self.now_line.set_xdata([t, t])
        if p != self.p_shown:  # the title is static between pixel changes: part of the bitmap
            ax.set_title(f"pixel ({r}, {c}): mean $\\pm$ {run.match_threshold:g}$\\sigma$",
                         fontsize=plotting.TITLE_PT)
            self.p_shown = p
            self.invalidate()


class BackgroundView(SliderView):
    """A frame slider (and a pixel slider) over a precomputed :class:`BackgroundRun`.

    Parameters
    ----------
    run : BackgroundRun from :func:`record_background`
    frame : the frame shown first
    pixel : which recorded pixel to trace first (an index into ``run.pixels``)
    figsize : (width, height) in inches at 96 dpi, at least 640 px wide
    interval : milliseconds between frames when Play runs

    Same contract as the other views (see :class:`~gmmlib.views_base.SliderView`), plus::

        view.pixel       IntSlider "pixel" (gmm-pixel) over run.pixels, or None for one pixel
        view.K           None: K is fixed by the model that made the run

    The slider is called ``iteration`` in Python and in the caption so that the tools which
    drive every view (tests/browser) need no special case; its label on screen says "frame".

    Examples
    --------
    >>> from gmmlib.background import BackgroundModel
    >>> from gmmlib.synthetic import make_scene
    >>> frames, truths = make_scene(n_frames=40, height=48, width=64, seed=0).arrays()
    >>> run = record_background(BackgroundModel(), frames, [(20, 30)], truths)
    >>> view = BackgroundView(run)
    >>> view.iteration.value = 39
    >>> view.caption.value.split(" frame=")[0]
    'K=3 iteration=39'
    >>> view.animation(max_frames=8).n_frames
    8
    """

    def __init__(self, run, frame=0, pixel=0, figsize=BACKGROUND_FIGSIZE, interval=200):
        if not isinstance(run, BackgroundRun):
            raise TypeError(f"run must be the BackgroundRun returned by record_background(model, "
                            f"frames, pixels), got a {type(run).__name__}")
        self.run = run
        last = len(run) - 1
        frame = validate_int(frame, "frame", f"[0, {last}]", hint=f"the clip has {len(run)} frames")
        pixel = validate_int(pixel, "pixel", f"[0, {len(run.pixels) - 1}]",
                             hint=f"it indexes the {len(run.pixels)} recorded pixels {list(run.pixels)}")
        interval = validate_int(interval, "interval", "[20, 60000]", hint="milliseconds between frames")
        self.figure = BackgroundFigure(run, figsize=validate_figsize(figsize))
        self.K = None
        self.pixel = None
        controls = []
        if len(run.pixels) > 1:
            self.pixel = widgets.IntSlider(value=pixel, min=0, max=len(run.pixels) - 1,
                                           description="pixel").add_class("gmm-pixel")
            controls.append(self.pixel)
        self._build_widgets(frame, last, "frame", interval, controls)
        if self.pixel is not None:
            self._observe(self.pixel, self._on_change)
        self._observe(self.iteration, self._on_change)
        self.redraw()

    def _on_change(self, change):
        self.redraw()

    @property
    def current_pixel(self):
        return self.pixel.value if self.pixel is not None else 0

    def _draw(self):
        self.figure.draw(self.iteration.value, self.current_pixel)

    def _state(self):
        return self.iteration.value, self.current_pixel

    def _caption(self):
        return background_caption(self.run, self.iteration.value, self.current_pixel)

    def _open_summary(self):
        r, c = self.run.pixels[self.current_pixel]
        return (f"BackgroundView: frame {self.iteration.value} of {len(self.run) - 1}, pixel "
                f"({r}, {c}), K={self.run.K}. The picture is the view as saved; run the notebook "
                "to move the sliders.")

    def animation(self, max_frames=BACKGROUND_ANIMATION_FRAMES, frame_ms=300, hold_ms=1500,
                  pixel=None, figsize=None, tolerance=NOISE_TOLERANCE):
        """The clip as a moving picture that needs no kernel: at most ``max_frames`` frames
        (2 to 60) evenly spread over it, tracing ``pixel`` (default: the one shown).

        Video is noisy, and noise does not compress: a pixel whose value changed by at most
        ``tolerance`` grey levels keeps its previous value (pass 0 for exact frames, at about
        twice the bytes). The first frame costs about 50 KB, each further one about 7 KB:
        the default 20 frames of notebook 07's clip take about 190 KB. A viewer that does not
        animate PNGs shows the first frame.

        Returns an :class:`~gmmlib.codecs.Animation`: display it (last line of a cell).
        """
        self._check_open("make an animation")
        p = self.current_pixel if pixel is None else validate_int(
            pixel, "pixel", f"[0, {len(self.run.pixels) - 1}]", hint="an index into run.pixels")
        max_frames = validate_max_frames(max_frames)
        # every argument is checked before the frames are drawn (seconds of work)
        frame_ms, hold_ms = validate_duration(frame_ms, "frame_ms"), validate_duration(hold_ms, "hold_ms")
        tolerance = validate_int(tolerance, "tolerance", f"[0, {TOLERANCE_LIMIT}]",
                                 hint="grey levels, e.g. 16")
        figure = BackgroundFigure(self.run, figsize=validate_figsize(
            BACKGROUND_ANIMATION_FIGSIZE if figsize is None else figsize))
        steps = evenly_spaced(len(self.run) - 1, max_frames)
        frames = []
        for t in steps:
            figure.draw(t, p)
            frames.append(figure.render().copy())
        r, c = self.run.pixels[p]
        description = (f"background model, K={self.run.K}: frames 0 to {steps[-1]} in "
                       f"{len(steps)} frames, pixel ({r}, {c})")
        # no separate still picture: for video it would cost a whole frame (about 50 KB)
        return Animation.from_frames(frames, description, frame_ms, hold_ms, tolerance,
                                     still_last=False)

    def to_jshtml(self, max_frames=BACKGROUND_ANIMATION_FRAMES, **ignored):
        """Kept for old notebook cells (``HTML(view.to_jshtml())``): an ``<img>`` of
        :meth:`animation`. New cells display ``view.animation()`` itself."""
        self._check_open("make an animation")
        return self.animation(max_frames=max_frames).html()
