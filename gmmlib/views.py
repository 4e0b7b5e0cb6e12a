"""Interactive views: sliders for K and the EM iteration over results computed beforehand.

A view never runs EM. It is given ``{K: EMResult}`` (or one EMResult) and the data, builds one
matplotlib Figure, and when a slider moves it looks up ``history.mixture(t)``, moves the
artists and re-renders the figure to PNG bytes shown in an ``ipywidgets.Image``. Because no
pyplot figure is involved, a notebook cell shows the widget and nothing else.

Used by notebooks 01 (1-D), 03 (2-D) and the cameraman notebook (``SegmentationView``).

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
from functools import partial

import ipywidgets as widgets
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
    return anim.to_jshtml(default_mode="once")


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
    >>> X, _ = datasets.seed_1d()                                          # doctest: +SKIP
    >>> view = EMView(X, {K: painless_em(X, K) for K in range(1, 5)}, K=2)  # doctest: +SKIP
    >>> view             # in a notebook: the sliders and the figure     # doctest: +SKIP
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


__all__ = ["EMView", "SegmentationView", "EMFigure", "SegmentationFigure", "View",
           "animation_html", "caption"]
