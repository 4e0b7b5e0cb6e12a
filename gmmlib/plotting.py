"""Drawing helpers: each one draws what it is given on a matplotlib Axes and returns the artists.

None of them fits anything. A mixture is drawn by evaluating its density, never by re-running
EM, so the interactive views (``views.py``) can update the returned artists in place. All of
them take an ``ax`` (object-oriented matplotlib), so they work on a pyplot figure in a
notebook and on a plain ``matplotlib.figure.Figure`` in a widget alike.

Colours and sizes are chosen for a projector and for every viewer:

- ``COLOURS`` / ``colour(k)``: six component colours that stay apart under deuteranopia,
  protanopia and tritanopia (tests/test_palette.py simulates all three and measures the
  distances), and stay clear of white, the grey histogram and the black mixture curve.
- ``STYLE`` / ``projector_style()``: 12 pt text at 96 dpi, constrained layout, for notebook
  figures (``with plotting.projector_style(): fig, ax = plt.subplots()``).
"""
import contextlib

import contourpy
import matplotlib
import numpy as np
from matplotlib.colors import ListedColormap
from matplotlib.patches import Ellipse
from matplotlib.ticker import FuncFormatter, MaxNLocator, ScalarFormatter

from ._plot_arguments import (LINESTYLES, MAX_COMPONENTS, MAX_GRID, MAX_MESH, bin_edges, mesh,
                              validate_ax, validate_bins, validate_levels, validate_mixture,
                              validate_range, validate_str, values_1d)
from ._validate import show, validate_array, validate_bool, validate_float, validate_int, validate_options

# Picked by computation (not by eye) among the Okabe-Ito, Paul Tol and IBM colour-blind
# palettes: the six whose smallest pairwise CAM02-UCS distance, taken over normal vision and
# simulated deuteranopia, protanopia and tritanopia, is largest (18), and which stay far from
# white, grey and black. Ordered so that the first two, three, four... are the most distinct.
# matplotlib's default cycle fails here: C1 (orange) and C2 (green) are 1.6 apart for a
# protanope, i.e. the same colour.
COLOURS = ["#332288",  # indigo (Tol)
           "#E69F00",  # orange (Okabe-Ito)
           "#33BBEE",  # cyan (Tol vibrant)
           "#117733",  # green (Tol)
           "#785EF0",  # violet (IBM)
           "#EE3377"]  # magenta (Tol vibrant)

MARKER_COLOUR = "#D55E00"  # vermillion (Okabe-Ito): "you are here" on the log L curve

FONT_PT = 12       # the smallest text anywhere: readable at the back of a room
TITLE_PT = 14
DPI = 96           # CSS pixels per inch: a 12 pt label is 16 px on screen at natural size

STYLE = {
    "figure.dpi": DPI,
    "savefig.dpi": DPI,
    "figure.constrained_layout.use": True,
    "font.size": FONT_PT,
    "axes.titlesize": TITLE_PT,
    "axes.labelsize": FONT_PT,
    "xtick.labelsize": FONT_PT,
    "ytick.labelsize": FONT_PT,
    "legend.fontsize": FONT_PT,
    "legend.title_fontsize": FONT_PT,
    "figure.titlesize": TITLE_PT,
    "axes.prop_cycle": matplotlib.cycler(color=COLOURS),
}


def colour(k):
    """The colour of component k (``COLOURS``; more than six components repeat them)."""
    k = validate_int(k, "k", "[0, inf)", hint="components are numbered from 0")
    return COLOURS[k % len(COLOURS)]


def component_colormap(K):
    """A colormap with one entry per component, for label images: ``imshow(labels, cmap=...,
    vmin=-0.5, vmax=K - 0.5)``."""
    K = validate_int(K, "K", f"[1, {MAX_COMPONENTS}]", hint="the number of components")
    return ListedColormap([COLOURS[k % len(COLOURS)] for k in range(K)], name=f"gmmlib{K}")


@contextlib.contextmanager
def projector_style():
    """Inside this block new figures use ``STYLE``: 12 pt text, 96 dpi, constrained layout and
    the component colours. Tick labels keep their size when created later (they are read from
    the rc parameters at creation, so the style is also applied to every axes drawn in it)."""
    with matplotlib.rc_context(STYLE):
        yield


def readable(ax, size=FONT_PT):
    """Make tick labels created from now on ``size`` pt too (matplotlib reads the tick size from
    the rc parameters when a tick is created, which may happen long after the axes)."""
    validate_ax(ax)
    ax.tick_params(labelsize=validate_float(size, "size", "(0, 200]", hint="a font size in points"))
    return ax


def grid_1d(X, n=400, margin=0.1):
    """n evenly spaced points covering the data range plus ``margin`` of it on each side."""
    x = values_1d(X)
    n = validate_int(n, "n", f"[2, {MAX_GRID}]", hint="the number of grid points, e.g. 400")
    margin = validate_float(margin, "margin", "[0, 100]", hint="a fraction of the data's range, e.g. 0.1")
    lo, hi = x.min(), x.max()
    pad = margin * (hi - lo) if hi > lo else 1.0
    if not np.isfinite([lo - pad, hi + pad]).all():
        raise ValueError(f"X spans from {lo:.3g} to {hi:.3g}: with margin={margin:g} the grid's ends "
                         "overflow float64; rescale X or use a smaller margin")
    return np.linspace(lo - pad, hi + pad, n)


def grid_2d(X, n=80, margin=0.1):
    """(xx, yy, points): an n x n mesh covering 2-D data, and the mesh as an (n*n, 2) table."""
    X = validate_array(X, "X", ndim=2, shape=(None, 2), dtype=np.float64,
                    hint="grid_2d covers 2-D data, one point per row")
    n = validate_int(n, "n", f"[2, {MAX_MESH}]", hint="points per side of the mesh, e.g. 80")
    margin = validate_float(margin, "margin", "[0, 100]", hint="a fraction of the data's range, e.g. 0.1")
    lo, hi = X.min(axis=0), X.max(axis=0)
    with np.errstate(over="ignore", invalid="ignore"):
        pad = margin * np.where(hi > lo, hi - lo, 1.0)
        ends = np.r_[lo - pad, hi + pad]
    if not np.isfinite(ends).all():
        raise ValueError(f"X spans from {lo.min():.3g} to {hi.max():.3g}: with margin={margin:g} the "
                         "mesh's ends overflow float64; rescale X or use a smaller margin")
    xx, yy = np.meshgrid(np.linspace(lo[0] - pad[0], hi[0] + pad[0], n),
                         np.linspace(lo[1] - pad[1], hi[1] + pad[1], n))
    return xx, yy, np.column_stack([xx.ravel(), yy.ravel()])


def component_pdfs(mixture, grid):
    """Weighted component densities pi_k N(x | mu_k, sigma_k^2) on a 1-D grid, shape (K, len(grid)).

    Their sum over k is the mixture density p(x). Written out for one dimension (it is
    evaluated for every iteration a view can show, so it should be cheap).
    """
    validate_mixture(mixture, d=1)
    x = validate_array(grid, "grid", ndim=1, dtype=np.float64, allow_empty=True,
                    hint="grid is a 1-D array of x values, e.g. grid_1d(X)")[None, :]
    mu = mixture.means[:, :1]
    var = mixture.covariances[:, 0, :1]
    with np.errstate(over="ignore", under="ignore"):  # far from a mean the density is 0, not NaN
        return mixture.weights[:, None] * np.exp(-0.5 * (x - mu) ** 2 / var) / np.sqrt(2 * np.pi * var)


def ellipse_geometry(cov, n_std=2.0):
    """(width, height, angle in degrees) of the n_std contour of a 2 x 2 covariance.

    The axes of the ellipse are the eigenvectors of the covariance; its half-lengths are
    n_std times the square roots of the eigenvalues.
    """
    cov = validate_array(cov, "cov", shape=(2, 2), dtype=np.float64, hint="a 2 x 2 covariance matrix")
    n_std = validate_float(n_std, "n_std", "(0, 1000]", hint="standard deviations, e.g. 2.0")
    eigvals, eigvecs = np.linalg.eigh(cov)  # ascending; the last vector is the long axis
    if not (np.isfinite(eigvals).all() and np.isfinite(eigvecs).all()):
        raise ValueError(f"cov has entries up to {np.abs(cov).max():.3g}, too large for its "
                         "eigenvalues to be computed in float64; rescale the data")
    with np.errstate(over="ignore"):
        width, height = 2 * n_std * np.sqrt(np.maximum(eigvals[::-1], 0.0))
    angle = np.degrees(np.arctan2(eigvecs[1, -1], eigvecs[0, -1]))
    angle = (angle + 90.0) % 180.0 - 90.0  # an axis has no direction: report it in [-90, 90)
    return width, height, angle


# --- 1-D ------------------------------------------------------------------------------------

def histogram_1d(ax, X, weights=None, bins=30, range=None, label="data"):
    """A density-normalised (weighted) histogram drawn as one filled step artist.

    For an image pass the 256 levels as X and the pixel counts as weights: the bars are then
    the normalised intensity histogram, i.e. the intensity pdf. ``bins`` is a number of bins
    or the bin edges; ``range`` (low, high) or None for the data's range. Returns the StepPatch.
    """
    validate_ax(ax)
    x = values_1d(X)
    if weights is not None:
        weights = validate_array(weights, "weights", dtype=np.float64, max_abs=1e300).ravel()
        if weights.size != x.size:
            raise ValueError(f"weights has {weights.size} values but X has {x.size}; pass one "
                             "weight (count) per value of X")
        if (weights < 0).any() or not weights.sum() > 0:
            raise ValueError("weights must be counts >= 0 with a positive sum")
    bins, range = validate_bins(bins), validate_range(range)
    label = validate_str(label, "label")
    edges = bin_edges(x, bins, range)
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        density, edges = np.histogram(x, bins=edges, weights=weights, density=True)
    if not np.isfinite(density).all():
        raise ValueError(f"no value of X (with positive weight) falls inside the bins (range "
                         f"{edges[0]:.3g} to {edges[-1]:.3g}); widen range or bins")
    return ax.stairs(density, edges, fill=True, color="0.8", label=label)


def mixture_curves_1d(ax, mixture, grid, linestyle="-", label_prefix="", total=True):
    """Each weighted component pi_k N(x | k) and (if ``total``) their sum p(x) on ``grid``.

    Use ``linestyle="--"`` for a starting mixture (notebook 05 draws the start dashed).
    Returns (component_lines, total_line or None).
    """
    validate_ax(ax)
    linestyle = validate_options(linestyle, "linestyle", LINESTYLES)
    label_prefix = validate_str(label_prefix, "label_prefix")
    total = validate_bool(total, "total")
    pdfs = component_pdfs(mixture, grid)
    grid = np.asarray(grid, dtype=np.float64)
    lines = [ax.plot(grid, p, color=colour(k), linestyle=linestyle,
                     label=f"{label_prefix}component {k}")[0] for k, p in enumerate(pdfs)]
    line = None
    if total:
        line = ax.plot(grid, pdfs.sum(axis=0), color="k", linestyle=linestyle, linewidth=1.2,
                       label=f"{label_prefix}mixture p(x)")[0]
    return lines, line


def responsibility_histogram(ax, X, resp, bins=30, range=None):
    """A histogram whose bars are split by colour in proportion to the responsibilities.

    Point i contributes resp[i, k] to the bar of component k: this is what the E-step hands
    to the M-step. Normalised so that the stacked bars have area 1, like ``histogram_1d``.
    """
    validate_ax(ax)
    x = values_1d(X)
    resp = validate_array(resp, "resp", ndim=2, dtype=np.float64,
                       hint="resp holds one row of responsibilities per value of X, shape (N, K)")
    if resp.shape[0] != x.size:
        raise ValueError(f"resp has {resp.shape[0]} rows but X has {x.size} values; pass the "
                         "responsibilities of these points, e.g. mixture.responsibilities(X)")
    if resp.shape[1] > MAX_COMPONENTS or (resp < 0).any() or (resp > 1 + 1e-9).any():
        raise ValueError(f"resp must hold responsibilities: values in [0, 1], at most "
                         f"{MAX_COMPONENTS} columns; got {show(resp)} with values from "
                         f"{resp.min():.3g} to {resp.max():.3g}")
    bins, range = validate_bins(bins), validate_range(range)
    K = resp.shape[1]
    edges = bin_edges(x, bins, range)
    width = np.diff(edges)
    bottom = np.zeros(width.size)
    bars = []
    for k in np.arange(K):
        counts, _ = np.histogram(x, bins=edges, weights=resp[:, k])
        height = counts / (x.size * width)
        bars.append(ax.bar(edges[:-1], height, width=width, bottom=bottom, align="edge",
                           color=colour(int(k)), alpha=0.6, label=f"responsibility of {k}"))
        bottom = bottom + height
    ax.set_ylim(0, max(ax.get_ylim()[1], 1.05 * bottom.max()))
    return bars


# --- 2-D ------------------------------------------------------------------------------------

def scatter_2d(ax, X, labels=None, s=10):
    """The points, grey or coloured by a given label per point. Returns the PathCollection."""
    validate_ax(ax)
    X = validate_array(X, "X", ndim=2, shape=(None, 2), dtype=np.float64,
                    hint="scatter_2d draws 2-D points, one per row")
    s = validate_float(s, "s", "(0, 10000]", hint="the marker area in points^2, e.g. 10")
    c = "0.5"
    if labels is not None:
        labels = validate_array(labels, "labels", ndim=1, allow_bool=False,
                             hint="one component number per point, e.g. mixture.predict(X)")
        if labels.dtype.kind not in "iu" or labels.shape[0] != X.shape[0] or (labels < 0).any():
            raise ValueError(f"labels must hold one component number >= 0 per point ({X.shape[0]} "
                             f"whole numbers), got {show(labels)}; e.g. mixture.predict(X)")
        c = [COLOURS[k % len(COLOURS)] for k in labels.tolist()]
    return ax.scatter(X[:, 0], X[:, 1], s=s, c=c, alpha=0.7, linewidths=0)


def covariance_ellipses(ax, mixture, n_std=2.0):
    """One ellipse per component at n_std standard deviations around its mean. Returns the patches."""
    validate_ax(ax)
    validate_mixture(mixture, d=2)
    n_std = validate_float(n_std, "n_std", "(0, 1000]", hint="standard deviations, e.g. 2.0")
    patches = []
    for k, (mu, cov) in enumerate(zip(mixture.means, mixture.covariances)):
        width, height, angle = ellipse_geometry(cov, n_std)
        patch = Ellipse(xy=mu, width=width, height=height, angle=angle, fill=False,
                        edgecolor=colour(k), linewidth=2)
        patches.append(ax.add_patch(patch))
    return patches


def weighted_log_densities_2d(mixture, points):
    """log pi_k + log N(x | mu_k, Sigma_k) at 2-D points, shape (K, n).

    The same numbers as ``mixture.weighted_log_density(points).T``, with the 2 x 2 inverse and
    determinant written out: a view evaluates this on a 6400-point mesh at every slider step,
    and element-wise numpy is about ten times faster there than a Cholesky solve per component.
    Falls back to the Cholesky form if a covariance is too close to singular for the formula,
    or if the written-out form overflows (points very far from a component).
    """
    validate_mixture(mixture, d=2)
    points = validate_array(points, "points", ndim=2, shape=(None, 2), dtype=np.float64,
                         allow_empty=True, max_abs=1e150, hint="one 2-D point per row")
    a = mixture.covariances[:, 0, 0][:, None]
    b = mixture.covariances[:, 0, 1][:, None]
    c = mixture.covariances[:, 1, 1][:, None]
    det = a * c - b * b
    if not points.size:
        return np.empty((mixture.n_components, 0))
    if not np.all(det > 1e-12 * a * c):  # ill-conditioned: the written-out inverse loses digits
        return mixture.weighted_log_density(points).T
    dx = points[None, :, 0] - mixture.means[:, 0][:, None]
    dy = points[None, :, 1] - mixture.means[:, 1][:, None]
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        quad = (c * dx * dx - 2 * b * dx * dy + a * dy * dy) / det
        log_w = np.log(mixture.weights)[:, None]
    if not np.isfinite(quad).all():
        return mixture.weighted_log_density(points).T
    return log_w - np.log(2 * np.pi) - 0.5 * np.log(det) - 0.5 * quad


def log_density_2d(mixture, points):
    """log p(x) = logsumexp_k (log pi_k + log N(x | k)) at 2-D points, shape (n,)."""
    w = weighted_log_densities_2d(mixture, points)
    top = w.max(axis=0)
    top = np.where(np.isfinite(top), top, 0.0)  # a point every component gives -inf stays -inf
    with np.errstate(divide="ignore", under="ignore"):
        return top + np.log(np.exp(w - top).sum(axis=0))


def contour_lines(mixture, xx, yy, levels):
    """The contour lines of log p(x) on a mesh at the given levels, without a ContourSet.

    Returns (lines, level_of_line): a list of (n, 2) vertex arrays and, for each, the index
    of its level. The same lines as ``ax.contour`` (contourpy with matplotlib's default
    algorithm); a view redraws them at every step, and building a ContourSet each time costs
    more than computing them.
    """
    validate_mixture(mixture, d=2)
    xx, yy = mesh(xx, yy)
    levels = validate_levels(levels)
    logp = log_density_2d(mixture, np.column_stack([xx.ravel(), yy.ravel()])).reshape(xx.shape)
    generator = contourpy.contour_generator(xx, yy, logp, name="mpl2014", line_type="SeparateCode")
    lines, level_of_line = [], []
    for i, level in enumerate(levels):
        found, _ = generator.lines(level)  # one (n, 2) array per line (and its path codes)
        lines += found
        level_of_line += [i] * len(found)
    return lines, np.array(level_of_line, dtype=int)


def density_contours(ax, mixture, xx, yy, levels=8):
    """Contours of the mixture's log-density log p(x) on a mesh. Returns the ContourSet.

    ``levels`` is a number of levels or an increasing array of log p values.
    """
    validate_ax(ax)
    validate_mixture(mixture, d=2)
    xx, yy = mesh(xx, yy)
    levels = validate_levels(levels, allow_count=True)
    logp = log_density_2d(mixture, np.column_stack([xx.ravel(), yy.ravel()])).reshape(xx.shape)
    return ax.contour(xx, yy, logp, levels=levels, cmap="viridis", linewidths=1)


# --- shared ---------------------------------------------------------------------------------

def log_likelihood_curve(ax, log_likelihood, t=None):
    """log L against the iteration, with a marker on iteration t. Returns (line, marker)."""
    validate_ax(ax)
    ll = _log_likelihoods(log_likelihood)
    if t is not None:
        if not ll.size:
            raise ValueError(f"t={show(t)} marks an iteration, but log_likelihood is empty; pass t=None")
        t = validate_int(t, "t", f"[0, {ll.size - 1}]",
                      hint=f"an iteration of the {ll.size} in log_likelihood, or None")
    line, = ax.plot(np.arange(ll.size), ll, color="k", marker=".", linewidth=1)
    marker, = ax.plot([], [], "o", color=MARKER_COLOUR, markersize=9)
    if t is not None:
        marker.set_data([t], [ll[t]])
    ax.xaxis.set_major_locator(MaxNLocator(nbins=6, integer=True))
    ax.set_title("log-likelihood")
    ax.set_xlabel("EM iteration")
    log_likelihood_units(ax, ll)
    return line, marker


def log_likelihood_units(ax, log_likelihood):
    """Label the log L axis so that large values read as short ticks: -1.38 with
    "log L (x 10^6)" on the axis, rather than matplotlib's offset text squeezed by the title."""
    validate_ax(ax)
    ll = _log_likelihoods(log_likelihood)
    ll = ll[np.isfinite(ll)]
    top = np.abs(ll).max() if ll.size else 0.0
    power = 3 * int(np.log10(top) // 3) if top >= 1e4 else 0
    if power:
        scale = 10.0 ** power
        ax.yaxis.set_major_formatter(FuncFormatter(
            lambda v, _: f"{v / scale:g}".replace("-", "\N{MINUS SIGN}")))
        ax.set_ylabel(f"log L ($\\times 10^{{{power}}}$)")
    else:
        ax.yaxis.set_major_formatter(ScalarFormatter())
        ax.set_ylabel("log L")


def _log_likelihoods(log_likelihood):
    """One log L per iteration; NaN and infinities allowed (a failed run leaves gaps)."""
    return validate_array(log_likelihood, "log_likelihood", ndim=1, dtype=np.float64, allow_nan=True,
                       allow_empty=True, hint="one log-likelihood per iteration, e.g. "
                       "result.history.log_likelihood")


def segmented_image(ax, labels_or_image, title="segmentation", vmax=255):
    """A grayscale panel (labels painted with their mean intensity, or any image). Returns the AxesImage."""
    validate_ax(ax)
    image = validate_array(labels_or_image, "labels_or_image", ndim=(2, 3),
                        hint="an (H, W) gray image or an (H, W, 3) colour image")
    if image.ndim == 3 and image.shape[2] not in (3, 4):
        raise ValueError(f"labels_or_image must be (H, W) gray or (H, W, 3) colour, got shape "
                         f"{image.shape}")
    if min(image.shape[:2]) == 0:
        raise ValueError(f"labels_or_image is empty (shape {image.shape})")
    title = validate_str(title, "title")
    vmax = validate_float(vmax, "vmax", "(0, 1e300]", hint="the grey level shown white, e.g. 255")
    labels_or_image = image
    im = ax.imshow(labels_or_image, cmap="gray", vmin=0, vmax=vmax, interpolation="nearest")
    ax.set_title(title)
    ax.set_axis_off()
    return im
