"""EMView: sliders for K and the EM iteration over runs computed beforehand (notebooks 01, 04).

A view never runs EM. It is given ``{K: EMResult}`` (or one EMResult) and the data, and when
a slider moves it looks up ``history.mixture(t)`` and moves the artists of one figure:
left, the data with the mixture (1-D: histogram, components, p(x); 2-D: points coloured by
component, 2-sigma ellipses, density contours); right, log L with the current iteration.
"""
import warnings
from functools import partial

import ipywidgets as widgets
import numpy as np
from matplotlib import colormaps
from matplotlib.collections import LineCollection
from matplotlib.colors import Normalize, to_rgba_array

from . import plotting
from ._validate import as_data, as_weights, show, validate_int
from .codecs import (MAX_FRAMES, Animation, evenly_spaced, validate_duration,
                     validate_max_frames)
from .history import EMResult
from .views_base import BlitFigure, SliderView, add_axes, new_figure, validate_figsize

EM_FIGSIZE = (8.75, 3.6)        # 840 x 346 px: shown 1:1 in JupyterLab on a 1280 px screen
EM_ANIMATION_FIGSIZE = (8, 3.2)  # 768 x 307 px


def as_results(results, name="results"):
    """{K: EMResult} sorted by K, with consecutive K (a K slider cannot skip values).

    One EMResult is allowed too. Anything else gets a TypeError/ValueError saying what to pass.
    """
    example = f"e.g. {name} = {{K: painless_em(X, K) for K in range(1, 5)}}"
    if isinstance(results, EMResult):
        results = {results.mixture.n_components: results}
    if not isinstance(results, dict):
        raise TypeError(f"{name} must be one EMResult or a dict {{K: EMResult}} ({example}); "
                        f"got a {type(results).__name__}")
    if not results:
        raise ValueError(f"{name} is an empty dict; compute at least one run ({example})")
    for K, result in results.items():
        if isinstance(K, (bool, np.bool_)) or not isinstance(K, (int, np.integer)):
            raise TypeError(f"the keys of {name} must be the numbers of components K, got the key "
                            f"{K!r} ({example})")
        if not isinstance(result, EMResult):
            inner = getattr(result, "result", None)
            fix = (f"; it holds one: pass {name}[{K}].result" if isinstance(inner, EMResult)
                   else "; pass what painless_em, naive_em or histogram_em returned")
            raise TypeError(f"{name}[{K!r}] must be an EMResult, got a {type(result).__name__}{fix}")
        if result.mixture.n_components != K:
            raise ValueError(f"{name}[{K}] has {result.mixture.n_components} components, not {K}: "
                             "the key must be the number of components of the run")
    Ks = sorted(int(K) for K in results)
    if Ks != list(range(Ks[0], Ks[-1] + 1)):
        raise ValueError(f"the K values of {name} must be consecutive for the K slider, got {Ks}; "
                         "compute the missing ones or pass a single EMResult")
    dims = {results[K].mixture.means.shape[1] for K in Ks}
    if len(dims) > 1:
        raise ValueError(f"the runs in {name} were fitted on data of different dimensions {sorted(dims)}")
    return {K: results[K] for K in Ks}


def _check_computed_K(results, K):
    """``K`` as an int, one of the computed K (the keys of ``results``)."""
    K = validate_int(K, "K", "(-inf, inf)", hint=f"one of the computed K {list(results)}")
    if K not in results:
        raise ValueError(f"K={K} was not computed; pick one of {list(results)}")
    return K


def caption(result, t):
    """The one-line summary under a view: "K=3 iteration=5 log-likelihood=-1234.5" (+ guard events)."""
    if not isinstance(result, EMResult):
        raise TypeError(f"result must be an EMResult (what painless_em, naive_em or histogram_em "
                        f"return), got {show(result)}")
    t = validate_int(t, "t", f"[0, {len(result.history) - 1}]", hint="an iteration of the run")
    K = result.mixture.n_components
    text = f"K={K} iteration={t} log-likelihood={result.history.log_likelihood[t]:.1f}"
    n_events = sum(e.iteration <= t for e in result.history.events)
    if n_events:
        text += f" guard events={n_events}"
    return text


class EMFigure(BlitFigure):
    """One Figure for 1-D or 2-D data and ``draw(K, t)``, which moves its artists to the mixture
    after t iterations of the K-component run. Left: the data and the mixture; right: log L.
    """

    def __init__(self, X, results, weights=None, figsize=EM_FIGSIZE, bins=30):
        self.results = as_results(results)
        self.X = as_data(X)
        self.d = self.X.shape[1]
        if self.d not in (1, 2):
            raise ValueError(f"the figure draws 1-D or 2-D data, X has {self.d} features (shape "
                             f"{self.X.shape}); project the data first, e.g. on two principal components")
        fitted = next(iter(self.results.values())).mixture.means.shape[1]
        if fitted != self.d:
            raise ValueError(f"X has {self.d} feature(s) but the results were fitted on {fitted}: "
                             "pass the data the runs were computed on")
        self.weights = None if weights is None else as_weights(weights, self.X.shape[0])
        self.bins = bins
        self.fig = new_figure(validate_figsize(figsize))
        self.K_shown = None
        self.moving = []
        with plotting.projector_style():  # every text made here is >= 12 pt
            self.ax_data, self.ax_ll = self._make_axes()
            self._build_static()
            self.draw(next(iter(self.results)), 0)

    def _make_axes(self):
        return add_axes(self.fig, 2, [3, 2])

    # --- built once ---------------------------------------------------------------------
    def _build_static(self):
        ax = self.ax_data
        if self.d == 1:
            self.hist = plotting.histogram_1d(ax, self.X, self.weights, bins=self.bins)
            self.grid = plotting.grid_1d(self.X)
            self.start_line, = ax.plot(self.grid, np.zeros_like(self.grid), "--", color="0.3",
                                       linewidth=1.2, label="start")
            self.mixture_line, = ax.plot(self.grid, np.zeros_like(self.grid), "k-", linewidth=2,
                                         label="mixture p(x)")
            ax.legend(loc="upper right")
            ax.set_xlabel("x")
            ax.set_ylabel("density")
        else:
            self.points = plotting.scatter_2d(ax, self.X, s=14)
            self.xx, self.yy, self.mesh = plotting.grid_2d(self.X)
            self.means_marker, = ax.plot([], [], "kx", markersize=10, markeredgewidth=2.5)
            ax.set_xlim(self.xx.min(), self.xx.max())
            ax.set_ylim(self.yy.min(), self.yy.max())
            ax.set_xlabel("$x_1$")
            ax.set_ylabel("$x_2$")
            # contours of log p: one collection whose lines are replaced at each step
            self.contours = ax.add_collection(LineCollection([], linewidths=1), autolim=False)
            # one RGBA row per component: recolouring 300 points is then one fancy index
            self.point_colours = to_rgba_array(plotting.COLOURS, alpha=0.7)
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
                                  linewidth=2)[0] for k in range(K)]
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
            # the colours ax.contour(levels=..., cmap="viridis") gives them
            norm = Normalize(self.levels.min(), self.levels.max())
            self.level_colours = colormaps["viridis"](norm(self.levels))
        ll = np.asarray(history.log_likelihood)
        self.ll_line.set_data(np.arange(ll.size), ll)
        plotting.log_likelihood_units(self.ax_ll, ll)
        self.ax_ll.set_xlim(-0.5, max(ll.size - 0.5, 1))
        finite = ll[np.isfinite(ll)]
        if finite.size:
            pad = 0.05 * max(np.ptp(finite), 1.0)
            self.ax_ll.set_ylim(finite.min() - pad, finite.max() + pad)
        self.K_shown = K
        self.invalidate()
        if self.d == 1:  # the sum first, so that a component that is the whole sum shows on top
            self.moving = [self.mixture_line] + self.component_artists
        else:
            self.moving = [self.points, self.contours] + self.component_artists + [self.means_marker]
        self.moving += [self.ax_data.title, self.ll_marker]

    def _check_K(self, K):
        return _check_computed_K(self.results, K)

    # --- every slider step --------------------------------------------------------------
    def draw(self, K, t):
        """Show the mixture after t iterations of the K-component run (nothing is refitted)."""
        K = self._check_K(K)
        t = validate_int(t, "t", f"[0, {len(self.results[K].history) - 1}]",
                         hint=f"an iteration of the K={K} run")
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
            labels = plotting.weighted_log_densities_2d(mixture, self.X).argmax(axis=0)
            labels %= len(self.point_colours)
            self.points.set_facecolor(self.point_colours[labels])
            lines, level_of_line = plotting.contour_lines(mixture, self.xx, self.yy, self.levels)
            self.contours.set_segments(lines)
            self.contours.set_color(self.level_colours[level_of_line])
        self.ll_marker.set_data([t], [history.log_likelihood[t]])
        self.ax_data.set_title(f"K={K}, iteration {t}", fontsize=plotting.TITLE_PT)


class KIterationView(SliderView):
    """A K slider and an iteration slider over a figure with ``results`` and ``draw(K, t)``.

    Shared by :class:`EMView` and ``SegmentationView``; ``make_figure(figsize)`` builds the
    figure (again, at another size, for :meth:`animation`). ``results``, the {K: EMResult}
    the figure will show, lets a bad K be refused before the figure is built.
    """

    animation_figsize = EM_ANIMATION_FIGSIZE
    kind = "EM"

    def __init__(self, make_figure, K=None, iteration=0, figsize=EM_FIGSIZE, results=None):
        # the arguments are checked before the figure is built and drawn (the slow part)
        figsize = validate_figsize(figsize)
        iteration = validate_int(iteration, "iteration", "[0, inf)", hint="0 is the start of the run")
        if results is not None and K is not None:
            K = _check_computed_K(results, K)
        self._make_figure = make_figure
        self.figure = make_figure(figsize=figsize)
        self.results = self.figure.results
        Ks = list(self.results)
        K = Ks[0] if K is None else self.figure._check_K(K)
        last = self.last_iteration(K)
        self._K = K
        self._K_note = ""   # why the K slider was put back, shown in the caption
        self.K = None
        if len(Ks) > 1:
            self.K = widgets.IntSlider(value=K, min=Ks[0], max=Ks[-1],
                                       description="K").add_class("gmm-k")
        self._build_widgets(min(iteration, last), last, "iteration", 400,
                            [self.K] if self.K is not None else [])
        self._changing_K = False
        if self.K is not None:
            self._observe(self.K, self._on_K)
        self._observe(self.iteration, self._on_iteration)
        self.redraw()

    def last_iteration(self, K):
        """The last iteration of the run for K (the iteration slider's maximum)."""
        return len(self.figure.results[self.figure._check_K(K)].history) - 1

    @property
    def current_K(self):
        return self.K.value if self.K is not None else self._K

    def _on_K(self, change):
        if self._changing_K:  # our own snap back below
            return
        if change["new"] not in self.results:
            self._refuse_K(change["new"], change["old"])
            return
        # Shrinking max clamps the iteration (and, through the link, Play); draw once at the end.
        self._changing_K = True
        try:
            last = self.last_iteration(change["new"])
            self.iteration.max = last
            self.play.max = last
        finally:
            self._changing_K = False
        self._K_note = ""
        self.redraw()

    def _refuse_K(self, K, previous):
        """Put the K slider back on ``previous``: a K without a run cannot be drawn (the
        slider's range was widened by hand, e.g. ``view.K.max = 7``). Says so in the caption
        and in a warning, rather than leaving a view whose every redraw fails."""
        Ks = list(self.results)
        self._changing_K = True
        try:
            self.K.min, self.K.max = Ks[0], Ks[-1]
            self.K.value = previous
        finally:
            self._changing_K = False
        self._K_note = f" (K={K} was not computed, so the view stays at K={previous})"
        warnings.warn(f"K={K} was not computed; the view stays at K={previous}. The runs cover K "
                      f"from {Ks[0]} to {Ks[-1]}: compute the others and make a new view to show "
                      "them", stacklevel=2)
        self.redraw()

    def _on_iteration(self, change):
        if not self._changing_K:
            self._K_note = ""
            self.redraw()

    def _draw(self):
        self.figure.draw(self.current_K, self.iteration.value)

    def _state(self):
        return self.current_K, self.iteration.value

    def _caption(self):
        return caption(self.results[self.current_K], self.iteration.value) + self._K_note

    def _open_summary(self):
        K, Ks = self.current_K, list(self.results)
        text = (f"{type(self).__name__}: {self.kind} with K={K}, iteration {self.iteration.value} "
                f"of {self.last_iteration(K)}")
        if len(Ks) > 1:
            text += f" (K from {Ks[0]} to {Ks[-1]})"
        return text + ". The picture is the view as saved; run the notebook to move the sliders."

    def animation(self, K=None, max_frames=MAX_FRAMES, frame_ms=400, hold_ms=2000, figsize=None):
        """The run for K (default: the K shown) as a moving picture that needs no kernel.

        At most ``max_frames`` iterations (2 to 60), evenly spread from the start to the last
        one, each shown ``frame_ms``; the last is held ``hold_ms`` before the loop starts again.
        Returns an :class:`~gmmlib.codecs.Animation`: display it (last line of a cell).
        """
        self._check_open("make an animation")
        K = self.current_K if K is None else self.figure._check_K(K)
        max_frames = validate_max_frames(max_frames)
        # every argument is checked before the frames are drawn (seconds of work)
        frame_ms, hold_ms = validate_duration(frame_ms, "frame_ms"), validate_duration(hold_ms, "hold_ms")
        figure = self._make_figure(figsize=validate_figsize(
            self.animation_figsize if figsize is None else figsize))
        steps = evenly_spaced(self.last_iteration(K), max_frames)
        frames = []
        for t in steps:
            figure.draw(K, t)
            frames.append(figure.render().copy())
        description = (f"{self.kind} with K={K}: iterations 0 to {steps[-1]} in {len(steps)} frames")
        return Animation.from_frames(frames, description, frame_ms, hold_ms)

    def to_jshtml(self, K=None, max_frames=MAX_FRAMES, **ignored):
        """Kept for old notebook cells (``HTML(view.to_jshtml(K=2))``): an ``<img>`` of
        :meth:`animation`. New cells display ``view.animation(K=2)`` itself."""
        self._check_open("make an animation")
        return self.animation(K=K, max_frames=max_frames).html()


class EMView(KIterationView):
    """Sliders for K and the iteration over precomputed EM runs on 1-D or 2-D data.

    Parameters
    ----------
    X : (N,) or (N, d) data with d = 1 or 2, the data the results were fitted on
    results : {K: EMResult} for consecutive K, or one EMResult
    weights : optional (N,) counts per point (histogram data)
    K, iteration : what to show first (default: the smallest K, iteration 0)
    figsize : (width, height) in inches at 96 dpi, at least 640 px wide

    Examples
    --------
    >>> from gmmlib import datasets, painless_em
    >>> X, _ = datasets.gmm_example_1d()
    >>> view = EMView(X, {K: painless_em(X, K) for K in range(1, 5)}, K=2)
    >>> view.iteration.value = 3     # what moving the slider does
    >>> view.caption.value
    'K=2 iteration=3 log-likelihood=-829.8'
    >>> view.animation(K=2, max_frames=5).n_frames
    5

    In a notebook, ``view`` as the last line of a cell shows the sliders and the figure, and
    ``view.animation(K=2)`` a moving picture of the run that plays without a kernel.
    """

    def __init__(self, X, results, weights=None, K=None, iteration=0, figsize=EM_FIGSIZE):
        results = as_results(results)
        X = as_data(X)
        d = X.shape[1]
        if d not in (1, 2):
            raise ValueError(f"EMView draws 1-D or 2-D data, X has {d} features (shape {X.shape}); "
                             "project the data first, e.g. on two principal components")
        fitted = next(iter(results.values())).mixture.means.shape[1]
        if fitted != d:
            raise ValueError(f"X has {d} feature(s) but the results were fitted on {fitted}: "
                             "pass the data the runs were computed on")
        if weights is not None:
            weights = as_weights(weights, X.shape[0])
        self.kind = f"EM on {d}-D data"
        make = partial(EMFigure, X, results, weights)
        super().__init__(make, K=K, iteration=iteration, figsize=figsize, results=results)
