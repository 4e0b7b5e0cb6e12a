"""Interactive views: sliders for K and the EM iteration over results computed beforehand.

A view never runs EM. It is given ``{K: EMResult}`` (or one EMResult) and the data, builds one
matplotlib Figure, and when a slider moves it looks up ``history.mixture(t)``, moves the
artists and re-renders the figure to PNG bytes shown in an ``ipywidgets.Image``. Because no
pyplot figure is involved, a notebook cell shows the widget and nothing else.

Used by notebooks 01 (1-D), 03 (2-D), the cameraman notebook (``SegmentationView``) and the
background notebook 06 (``BackgroundView``, a frame slider over a ``record_background`` run).

The pieces a test (or a browser) can reach::

    view.widget      VBox, CSS class gmm-view
    view.iteration   IntSlider "iteration" (gmm-iteration), 0 .. last iteration of the current K
    view.K           IntSlider "K" (gmm-k), or None when only one K was computed
    view.play        Play (gmm-play), linked to the iteration slider
    view.caption     HTML (gmm-caption): "K=3 iteration=5 log-likelihood=-1234.5"
    view.image       Image (gmm-figure): PNG bytes of the current figure
    view.fig         the matplotlib Figure, to read the artists

The Play button is tied to the slider with ``ipywidgets.link`` (a kernel-side link), not
``jslink``: every frame has to be rendered by Python anyway, and a kernel-side link also
works when a test sets ``view.play.value`` with no browser attached.
"""
import io
import re
from dataclasses import dataclass
from functools import partial

import ipywidgets as widgets
import matplotlib
import numpy as np
import PIL.Image
from matplotlib.animation import FuncAnimation
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from . import plotting
from ._checks import as_data
from .history import EMResult
from .images import intensity_histogram, label_lut


def as_results(results):
    """{K: EMResult} with consecutive K (a K slider cannot skip values); one EMResult is allowed."""
    if isinstance(results, EMResult):
        results = {results.mixture.n_components: results}
    if not isinstance(results, dict) or not results:
        raise ValueError("pass one EMResult or a non-empty dict {K: EMResult}, "
                         "e.g. {K: painless_em(X, K) for K in range(1, 5)}")
    Ks = sorted(results)
    if Ks != list(range(Ks[0], Ks[-1] + 1)):
        raise ValueError(f"the K values must be consecutive for the K slider, got {Ks}; "
                         "compute the missing ones or pass a single EMResult")
    for K in Ks:
        if results[K].mixture.n_components != K:
            raise ValueError(f"results[{K}] has {results[K].mixture.n_components} components")
    return {K: results[K] for K in Ks}


def caption(result, t):
    """The one-line summary under a view: "K=3 iteration=5 log-likelihood=-1234.5" (+ guard events)."""
    K = result.mixture.n_components
    text = f"K={K} iteration={t} log-likelihood={result.history.log_likelihood[t]:.1f}"
    n_events = sum(e.iteration <= t for e in result.history.events)
    if n_events:
        text += f" guard events={n_events}"
    return text


class EMFigure:
    """One Figure for 1-D or 2-D data and ``draw(K, t)``, which moves its artists to the mixture
    after t iterations of the K-component run. Left: the data and the mixture; right: log L.

    ``png()`` is fast because of blitting: everything that stays put while t changes (axes,
    ticks, histogram, log L curve) is rendered once per K into a background bitmap; each step
    pastes the background and draws only the moving ("animated") artists on top of it.
    """

    def __init__(self, X, results, weights=None, figsize=(8, 3.5), dpi=80, bins=30):
        self.results = as_results(results)
        self.X = as_data(X)
        self.weights = weights
        self.d = self.X.shape[1]
        if self.d not in (1, 2):
            raise ValueError(f"EMView draws 1-D or 2-D data, got {self.d} features; "
                             "project the data first (e.g. on two principal components)")
        self.bins = bins
        self.fig = Figure(figsize=figsize, dpi=dpi, layout="constrained")
        FigureCanvasAgg(self.fig)
        self.ax_data, self.ax_ll = self._make_axes()
        self._build_static()
        self.K_shown = None
        self.moving = []           # artists that change with t, drawn on top of the background
        self.background = None     # the static part as a bitmap, rendered again when K changes
        self.draw(next(iter(self.results)), 0)

    def _make_axes(self):
        return self.fig.subplots(1, 2, gridspec_kw={"width_ratios": [3, 2]})

    # --- built once ---------------------------------------------------------------------
    def _build_static(self):
        ax = self.ax_data
        if self.d == 1:
            self.hist = plotting.histogram_1d(ax, self.X, self.weights, bins=self.bins)
            self.grid = plotting.grid_1d(self.X)
            self.start_line, = ax.plot(self.grid, np.zeros_like(self.grid), "--", color="0.3",
                                       linewidth=1, label="start (iteration 0)")
            self.mixture_line, = ax.plot(self.grid, np.zeros_like(self.grid), "k-", linewidth=1.5,
                                         label="mixture p(x)")
            ax.legend(loc="upper right", fontsize="small")
            ax.set_xlabel("x")
            ax.set_ylabel("density")
        else:
            self.points = plotting.scatter_2d(ax, self.X)
            self.xx, self.yy, self.mesh = plotting.grid_2d(self.X)
            self.means_marker, = ax.plot([], [], "kx", markersize=8, markeredgewidth=2)
            ax.set_xlim(self.xx.min(), self.xx.max())
            ax.set_ylim(self.yy.min(), self.yy.max())
            ax.set_xlabel("$x_1$")
            ax.set_ylabel("$x_2$")
            self.contours = None
        self.component_artists = []
        self.ll_line, self.ll_marker = plotting.log_likelihood_curve(self.ax_ll, [])

    # --- rebuilt when K changes ---------------------------------------------------------
    def _set_K(self, K):
        history = self.results[K].history
        for artist in self.component_artists:
            artist.remove()
        if self.d == 1:
            self.component_artists = [
                self.ax_data.plot(self.grid, np.zeros_like(self.grid), color=plotting.colour(k),
                                  linewidth=1.2)[0] for k in range(K)]
            self.start_line.set_ydata(plotting.component_pdfs(history.mixture(0), self.grid).sum(axis=0))
            # a fixed y-range per K, so the curves move and the axes do not
            peaks = [plotting.component_pdfs(history.mixture(t), self.grid).sum(axis=0).max()
                     for t in range(len(history))]
            top = self.hist.get_data().values.max()
            self.ax_data.set_ylim(0, 1.1 * min(max(max(peaks), top), 2 * top))
        else:
            self.component_artists = plotting.covariance_ellipses(self.ax_data, history.mixture(0))
            # fixed contour levels per K: quantiles of log p at the data under the final mixture
            self.levels = np.unique(np.quantile(self.results[K].mixture.log_density(self.X),
                                                [0.05, 0.2, 0.4, 0.6, 0.8, 0.95]))
        ll = np.asarray(history.log_likelihood)
        self.ll_line.set_data(np.arange(ll.size), ll)
        self.ax_ll.set_xlim(-0.5, max(ll.size - 0.5, 1))
        finite = ll[np.isfinite(ll)]
        if finite.size:
            pad = 0.05 * max(np.ptp(finite), 1.0)
            self.ax_ll.set_ylim(finite.min() - pad, finite.max() + pad)
        self.K_shown = K
        self.background = None
        if self.d == 1:  # the sum first, so that a component that is the whole sum shows on top
            self.moving = [self.mixture_line] + self.component_artists
        else:
            self.moving = [self.points] + self.component_artists + [self.means_marker]
        self.moving += [self.ax_data.title, self.ll_marker]
        for artist in self.moving:
            artist.set_animated(True)

    # --- every slider step --------------------------------------------------------------
    def draw(self, K, t):
        """Show the mixture after t iterations of the K-component run (nothing is refitted)."""
        if K != self.K_shown:
            self._set_K(K)
        history = self.results[K].history
        mixture = history.mixture(t)
        if self.d == 1:
            pdfs = plotting.component_pdfs(mixture, self.grid)
            for line, p in zip(self.component_artists, pdfs):
                line.set_ydata(p)
            self.mixture_line.set_ydata(pdfs.sum(axis=0))
        else:
            for patch, mu, cov in zip(self.component_artists, mixture.means, mixture.covariances):
                patch.set_center(mu)
                patch.width, patch.height, patch.angle = plotting.ellipse_geometry(cov)
            self.means_marker.set_data(mixture.means[:, 0], mixture.means[:, 1])
            self.points.set_color([plotting.colour(k) for k in mixture.predict(self.X)])
            if self.contours is not None:
                self.contours.remove()
            self.contours = plotting.density_contours(self.ax_data, mixture, self.xx, self.yy,
                                                      levels=self.levels)
            self.contours.set_animated(True)
        self.ll_marker.set_data([t], [history.log_likelihood[t]])
        self.ax_data.set_title(f"K={K}, iteration {t}")

    def moving_artists(self):
        return self.moving + ([self.contours] if self.d == 2 else [])

    def png(self):
        """The current figure as PNG bytes, by blitting (see the class docstring).

        ``fig.savefig`` gives the same picture (it draws animated artists too) but lays out
        every tick label again, several times slower.
        """
        canvas = self.fig.canvas
        if self.background is None:
            canvas.draw()  # draws everything except the animated artists
            self.background = canvas.copy_from_bbox(self.fig.bbox)
        else:
            canvas.restore_region(self.background)
        for artist in self.moving_artists():
            self.fig.draw_artist(artist)
        image = PIL.Image.frombuffer("RGBA", canvas.get_width_height(), canvas.buffer_rgba(),
                                     "raw", "RGBA", 0, 1)
        buf = io.BytesIO()
        image.convert("RGB").save(buf, format="png", compress_level=1)  # speed over size
        return buf.getvalue()


class SegmentationFigure(EMFigure):
    """Histogram EM on a grayscale image: the intensity histogram with the Gaussians, the image
    segmented by the current mixture (each pixel painted with its component's mean intensity)
    and log L. ``results`` come from ``gmmlib.histogram_em(image, K)``."""

    def __init__(self, image, results, figsize=(10, 3.2), dpi=80):
        levels, counts = intensity_histogram(image)
        self.image = np.asarray(image)
        super().__init__(levels, results, weights=counts, figsize=figsize, dpi=dpi,
                         bins=np.arange(257) - 0.5)

    def _make_axes(self):
        ax_data, self.ax_image, ax_ll = self.fig.subplots(
            1, 3, gridspec_kw={"width_ratios": [3, 2, 2]})
        return ax_data, ax_ll

    def _build_static(self):
        super()._build_static()
        self.ax_data.set_xlabel("intensity")
        self.segmented = plotting.segmented_image(self.ax_image, self.image)

    def lut(self, mixture):
        """Intensity -> mean intensity of its most probable component, a 256-entry uint8 table."""
        means = np.clip(np.rint(mixture.means[:, 0]), 0, 255).astype(np.uint8)
        return means[label_lut(mixture)]

    def moving_artists(self):
        return super().moving_artists() + [self.segmented]

    def draw(self, K, t):
        super().draw(K, t)
        self.segmented.set_animated(True)
        self.segmented.set_data(self.lut(self.results[K].history.mixture(t))[self.image])


# matplotlib's to_jshtml() draws its buttons with Font Awesome loaded from a CDN: offline (an
# HTML export opened without network, a classroom behind a proxy) the buttons come out blank.
# The same buttons as plain Unicode glyphs need nothing from the network.
_GLYPHS = {"fa fa-play fa-flip-horizontal": "&#9664;", "fa fa-fast-backward": "&#9198;",
           "fa fa-fast-forward": "&#9197;", "fa fa-step-backward": "&#9664;&#10073;",
           "fa fa-step-forward": "&#10073;&#9654;", "fa fa-play": "&#9654;", "fa fa-pause": "&#10073;&#10073;",
           "fa fa-minus": "&minus;", "fa fa-plus": "+"}


def offline_jshtml(anim, **kwargs):
    """``anim.to_jshtml(**kwargs)`` with no request to the network (see ``_GLYPHS``)."""
    html = anim.to_jshtml(**kwargs)
    html = re.sub(r'<link rel="stylesheet"\s*href="https://[^"]*font-awesome[^"]*">', "", html)
    for cls, glyph in _GLYPHS.items():
        html = html.replace(f'<i class="{cls}"></i>', glyph)
    return html


def animation_html(figure, K=None, max_frames=30, interval=400):
    """Kernel-less animation of EM for one K: ``FuncAnimation(...).to_jshtml()``.

    The HTML holds one PNG per frame and plays on GitHub or nbviewer with no kernel. At most
    ``max_frames`` iterations are shown, evenly spread and always including the first and last.
    """
    K = next(iter(figure.results)) if K is None else K
    last = len(figure.results[K].history) - 1
    frames = np.unique(np.linspace(0, last, min(last + 1, max_frames)).round().astype(int))
    figure.draw(K, last)
    figure.fig.canvas.draw()
    figure.fig.set_layout_engine("none")  # lay out once, not once per frame
    anim = FuncAnimation(figure.fig, lambda t: figure.draw(K, int(t)), frames=frames,
                         init_func=lambda: figure.draw(K, 0), interval=interval)
    return offline_jshtml(anim, default_mode="once")


class View:
    """The widgets around a figure object that has ``results``, ``fig``, ``draw(K, t)`` and ``png()``.

    ``make_figure(figsize, dpi)`` builds a fresh copy of the figure for the animation.
    """

    def __init__(self, make_figure, K=None, iteration=0, figsize=(8, 3.5), dpi=80):
        self._make_figure = make_figure
        self.figure = make_figure(figsize=figsize, dpi=dpi)
        self.fig = self.figure.fig
        self.results = self.figure.results
        Ks = list(self.results)
        K = Ks[0] if K is None else K
        if K not in self.results:
            raise ValueError(f"K={K} was not computed; available: {Ks}")
        last = self.last_iteration(K)
        self._K = K
        self.iteration = widgets.IntSlider(value=min(iteration, last), min=0, max=last,
                                           description="iteration").add_class("gmm-iteration")
        self.play = widgets.Play(value=self.iteration.value, min=0, max=last, interval=400,
                                 description="play").add_class("gmm-play")
        widgets.link((self.play, "value"), (self.iteration, "value"))
        self.K = None
        if len(Ks) > 1:
            self.K = widgets.IntSlider(value=K, min=Ks[0], max=Ks[-1],
                                       description="K").add_class("gmm-k")
            self.K.observe(self._on_K, names="value")
        self.iteration.observe(self._on_iteration, names="value")
        self._changing_K = False
        self.image = widgets.Image(format="png").add_class("gmm-figure")
        self.caption = widgets.HTML().add_class("gmm-caption")
        controls = [self.play, self.iteration] + ([self.K] if self.K is not None else [])
        self.widget = widgets.VBox([widgets.HBox(controls), self.image, self.caption])
        self.widget.add_class("gmm-view")
        self.redraw()

    def last_iteration(self, K):
        return len(self.results[K].history) - 1

    @property
    def current_K(self):
        return self.K.value if self.K is not None else self._K

    def _on_K(self, change):
        # Shrinking max clamps the iteration (and, through the link, Play); draw once at the end.
        self._changing_K = True
        try:
            last = self.last_iteration(change["new"])
            self.iteration.max = last
            self.play.max = last
        finally:
            self._changing_K = False
        self.redraw()

    def _on_iteration(self, change):
        if not self._changing_K:
            self.redraw()

    def redraw(self):
        """Move the artists to the sliders' (K, iteration), re-render the PNG, update the caption."""
        K, t = self.current_K, self.iteration.value
        self.figure.draw(K, t)
        self.image.value = self.figure.png()
        self.caption.value = caption(self.results[K], t)

    def to_jshtml(self, K=None, max_frames=30, figsize=(5, 2.4), dpi=72):
        """The kernel-less animation of K (default: the K shown) as HTML, on a small figure."""
        figure = self._make_figure(figsize=figsize, dpi=dpi)
        return animation_html(figure, self.current_K if K is None else K, max_frames)

    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)


class EMView(View):
    """Sliders for K and the iteration over precomputed EM runs on 1-D or 2-D data.

    Parameters
    ----------
    X : (N,) or (N, d) data with d = 1 or 2, the data the results were fitted on
    results : {K: EMResult} for consecutive K, or one EMResult
    weights : optional (N,) counts per point (histogram data)
    K, iteration : what to show first (default: the smallest K, iteration 0)

    Examples
    --------
    >>> from gmmlib import datasets, painless_em
    >>> X, _ = datasets.seed_1d()
    >>> view = EMView(X, {K: painless_em(X, K) for K in range(1, 5)}, K=2)
    >>> view.iteration.value = 3     # what moving the slider does
    >>> view.caption.value
    'K=2 iteration=3 log-likelihood=-829.8'

    In a notebook, ``view`` as the last line of a cell shows the sliders and the figure.
    """

    def __init__(self, X, results, weights=None, K=None, iteration=0, figsize=(8, 3.5), dpi=80):
        make = partial(EMFigure, X, as_results(results), weights)
        super().__init__(make, K=K, iteration=iteration, figsize=figsize, dpi=dpi)


class SegmentationView(View):
    """Histogram EM on a grayscale uint8 image: Gaussians on the intensity histogram, the
    segmented image and log L, with sliders for K and the iteration.

    ``results`` is {K: gmmlib.histogram_em(image, K)} (or one such EMResult).
    """

    def __init__(self, image, results, K=None, iteration=0, figsize=(10, 3.2), dpi=80):
        make = partial(SegmentationFigure, image, as_results(results))
        super().__init__(make, K=K, iteration=iteration, figsize=figsize, dpi=dpi)


# --- background subtraction (notebook 06) ---------------------------------------------------

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
    frames = np.asarray(frames)
    if frames.ndim != 3:
        raise ValueError(f"pass gray frames as an (n, H, W) array, got shape {frames.shape}; "
                         "convert colour frames first, e.g. frames.mean(axis=-1).astype(np.uint8)")
    if getattr(model, "n_frames_", 0):
        raise ValueError("the model has already seen frames; pass a fresh model (or call reset())")
    pixels = tuple((int(r), int(c)) for r, c in pixels)
    if not pixels:
        raise ValueError("pass at least one (row, col) pixel whose mixture to record")
    n, H, W = frames.shape
    for r, c in pixels:
        if not (0 <= r < H and 0 <= c < W):
            raise ValueError(f"pixel ({r}, {c}) is outside the {H}x{W} frames")
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
    is_background = _background_components(weights, variances, model.T)
    f_measure = None
    if truths is not None:
        truths = np.asarray(truths, bool)
        if truths.shape != masks.shape:
            raise ValueError(f"truths have shape {truths.shape}, the frames {frames.shape}")
        tp = (masks & truths).sum(axis=(1, 2))
        fp = masks.sum(axis=(1, 2)) - tp
        fn = truths.sum(axis=(1, 2)) - tp
        with np.errstate(invalid="ignore", divide="ignore"):
            f_measure = 2 * tp / (2 * tp + fp + fn)
    return BackgroundRun(frames=frames, masks=masks, backgrounds=backgrounds, truths=truths,
                         pixels=pixels, weights=weights, means=means, variances=variances,
                         is_background=is_background, f_measure=f_measure, K=K, T=model.T,
                         match_threshold=model.match_threshold)


def _background_components(weights, variances, T):
    """Sorted by w / sigma, the first components whose weights sum past T (as in the model)."""
    order = np.argsort(-(weights / np.sqrt(variances)), axis=-1, kind="stable")
    w_sorted = np.take_along_axis(weights, order, axis=-1)
    ahead = np.cumsum(w_sorted, axis=-1) - w_sorted
    bg_sorted = (ahead <= T) & (w_sorted > 0)
    bg = np.empty_like(bg_sorted)
    np.put_along_axis(bg, order, bg_sorted, axis=-1)
    return bg


def background_caption(run, t, p=0):
    """"K=3 iteration=12 frame=12 pixel=(40, 60) foreground=3.2% F=0.84".

    ``iteration=`` repeats the frame number on purpose: the browser suite reads every view's
    caption as ``K=<K> iteration=<slider value>``; here the slider steps through frames.
    """
    r, c = run.pixels[p]
    text = (f"K={run.K} iteration={t} frame={t} pixel=({r}, {c}) "
            f"foreground={100 * run.masks[t].mean():.1f}%")
    if run.f_measure is not None:
        f = run.f_measure[t]
        text += " F=n/a" if np.isnan(f) else f" F={f:.2f}"
    return text


def mask_overlay(frame, mask, colour=(255, 40, 40), opacity=0.6):
    """A gray frame as RGB with the foreground pixels tinted (uint8, shape (H, W, 3))."""
    rgb = np.repeat(frame[..., None], 3, axis=2).astype(np.float32)
    rgb[mask] = (1 - opacity) * rgb[mask] + opacity * np.asarray(colour, np.float32)
    return rgb.astype(np.uint8)


class BackgroundFigure:
    """Three panels over a :class:`BackgroundRun`: the frame with its mask, the background
    image, and one pixel's intensity over time with its Gaussians. ``draw(t, p)`` moves the
    artists to frame t and recorded pixel p; ``png()`` blits like :class:`EMFigure`: axes,
    ticks and labels never change, so they are rendered once and only the images, lines and
    bands are drawn on top at each step.
    """

    def __init__(self, run, figsize=(10, 3.0), dpi=80):
        self.run = run
        self.results = {run.K: run}  # what View expects to find
        n = len(run)
        self.fig = Figure(figsize=figsize, dpi=dpi, layout="constrained")
        FigureCanvasAgg(self.fig)
        self.ax_frame, self.ax_bg, self.ax_pixel = self.fig.subplots(
            1, 3, gridspec_kw={"width_ratios": [1, 1, 1.6]})
        first = run.frames[0]
        self.frame_image = self.ax_frame.imshow(mask_overlay(first, run.masks[0]))
        self.bg_image = self.ax_bg.imshow(run.backgrounds[0], cmap="gray", vmin=0, vmax=255)
        for ax in (self.ax_frame, self.ax_bg):
            ax.set_xticks([])
            ax.set_yticks([])
        self.ax_bg.set_title("background image", fontsize="small")
        self.pixel_marker, = self.ax_frame.plot([], [], "s", markersize=7, markerfacecolor="none",
                                                markeredgecolor="yellow", markeredgewidth=1.5)
        ax = self.ax_pixel
        ax.set_xlim(-0.5, n - 0.5)
        ax.set_ylim(0, 255)
        ax.set_xlabel("frame")
        ax.set_ylabel("intensity")
        self.trace, = ax.plot([], [], "k.-", markersize=3, linewidth=0.8, label="pixel value")
        self.mean_lines = [ax.plot([], [], color=plotting.colour(k), linewidth=1.5)[0]
                           for k in range(run.K)]
        self.weight_texts = [ax.text(0.01 + 0.33 * k, 0.97, "", transform=ax.transAxes,
                                     color=plotting.colour(k), fontsize="small", va="top")
                             for k in range(run.K)]
        self.now_line = ax.axvline(0, color="0.5", linewidth=0.8, linestyle=":")
        self.bands = []
        self.moving = ([self.frame_image, self.bg_image, self.pixel_marker, self.trace,
                        self.now_line, self.ax_frame.title, ax.title]
                       + self.mean_lines + self.weight_texts)
        for artist in self.moving:
            artist.set_animated(True)
        self.background = None
        self.draw(0, 0)

    def draw(self, t, p=0):
        """Show frame t and the mixture of recorded pixel p after that frame (nothing is rerun)."""
        run, ax = self.run, self.ax_pixel
        self.frame_image.set_data(mask_overlay(run.frames[t], run.masks[t]))
        self.bg_image.set_data(run.backgrounds[t])
        r, c = run.pixels[p]
        self.pixel_marker.set_data([c], [r])
        title = f"frame {t}, foreground red"
        if run.f_measure is not None and not np.isnan(run.f_measure[t]):
            title += f", F={run.f_measure[t]:.2f}"
        self.ax_frame.set_title(title, fontsize="small")
        x = np.arange(t + 1)
        self.trace.set_data(x, run.frames[: t + 1, r, c])
        for band in self.bands:
            band.remove()
        self.bands = []
        w, mu = run.weights[p, : t + 1], run.means[p, : t + 1]
        half = run.match_threshold * np.sqrt(run.variances[p, : t + 1])
        for k in range(run.K):
            used = w[:, k] > 0
            # an empty slot has no Gaussian yet: leave a gap rather than draw a fake one
            self.mean_lines[k].set_data(x, np.where(used, mu[:, k], np.nan))
            band = ax.fill_between(x, mu[:, k] - half[:, k], mu[:, k] + half[:, k], where=used,
                                   color=plotting.colour(k), alpha=0.2, linewidth=0)
            band.set_animated(True)
            self.bands.append(band)
            kind = "bg" if run.is_background[p, t, k] else "fg"
            self.weight_texts[k].set_text(f"w={w[t, k]:.2f} {kind}" if used[t] else "(empty)")
        self.now_line.set_xdata([t, t])
        ax.set_title(f"pixel ({r}, {c}): value, means $\\pm$ {run.match_threshold:g}$\\sigma$",
                     fontsize="small")

    def moving_artists(self):
        return self.bands + self.moving

    png = EMFigure.png


class BackgroundView:
    """A frame slider (and optionally a pixel slider) over a precomputed :class:`BackgroundRun`.

    Same contract as :class:`View`::

        view.widget      VBox, CSS class gmm-view
        view.iteration   IntSlider "frame" (gmm-iteration), 0 .. n - 1
        view.pixel       IntSlider "pixel" (gmm-pixel) over run.pixels, or None for one pixel
        view.K           None: K is fixed by the model that made the run
        view.play        Play (gmm-play), linked to the frame slider
        view.caption     HTML (gmm-caption): "K=3 iteration=12 frame=12 pixel=(40, 60) ..."
        view.image       Image (gmm-figure): PNG bytes of the current figure
        view.fig         the matplotlib Figure

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
    """

    def __init__(self, run, frame=0, pixel=0, figsize=(10, 3.0), dpi=80, interval=200):
        if not isinstance(run, BackgroundRun):
            raise ValueError("pass the BackgroundRun returned by record_background(model, "
                             "frames, pixels)")
        self.run = run
        self._figsize = figsize
        self.figure = BackgroundFigure(run, figsize=figsize, dpi=dpi)
        self.fig = self.figure.fig
        last = len(run) - 1
        frame = min(max(int(frame), 0), last)
        self.iteration = widgets.IntSlider(value=frame, min=0, max=last,
                                           description="frame").add_class("gmm-iteration")
        self.play = widgets.Play(value=frame, min=0, max=last, interval=interval,
                                 description="play").add_class("gmm-play")
        widgets.link((self.play, "value"), (self.iteration, "value"))
        self.K = None
        self.pixel = None
        controls = [self.play, self.iteration]
        if len(run.pixels) > 1:
            self.pixel = widgets.IntSlider(value=pixel, min=0, max=len(run.pixels) - 1,
                                           description="pixel").add_class("gmm-pixel")
            self.pixel.observe(lambda change: self.redraw(), names="value")
            controls.append(self.pixel)
        self.iteration.observe(lambda change: self.redraw(), names="value")
        self.image = widgets.Image(format="png").add_class("gmm-figure")
        self.caption = widgets.HTML().add_class("gmm-caption")
        self.widget = widgets.VBox([widgets.HBox(controls), self.image, self.caption])
        self.widget.add_class("gmm-view")
        self.redraw()

    @property
    def current_pixel(self):
        return self.pixel.value if self.pixel is not None else 0

    def redraw(self):
        """Move the artists to the sliders' (frame, pixel), re-render the PNG, update the caption."""
        t, p = self.iteration.value, self.current_pixel
        self.figure.draw(t, p)
        self.image.value = self.figure.png()
        self.caption.value = background_caption(self.run, t, p)

    def to_jshtml(self, max_frames=30, figsize=(7.5, 2.3), dpi=60, interval=200):
        """The kernel-less animation (at most ``max_frames`` frames, evenly spread) as HTML.

        Frames are embedded as JPEG: noisy video frames compress badly as PNG (about 4 times
        larger), and the notebook file carries every frame.
        """
        figure = BackgroundFigure(self.run, figsize=figsize, dpi=dpi)
        last, p = len(self.run) - 1, self.current_pixel
        frames = np.unique(np.linspace(0, last, min(last + 1, max_frames)).round().astype(int))
        figure.draw(last, p)
        figure.fig.canvas.draw()
        figure.fig.set_layout_engine("none")  # lay out once, not once per frame
        anim = FuncAnimation(figure.fig, lambda t: figure.draw(int(t), p), frames=frames,
                             init_func=lambda: figure.draw(0, p), interval=interval)
        with matplotlib.rc_context({"animation.frame_format": "jpeg"}):
            return offline_jshtml(anim, default_mode="once")

    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)


__all__ = ["EMView", "SegmentationView", "BackgroundView", "EMFigure", "SegmentationFigure",
           "BackgroundFigure", "BackgroundRun", "View", "animation_html", "background_caption",
           "caption", "mask_overlay", "record_background"]
