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
    return COLOURS[k % len(COLOURS)]


def component_colormap(K):
    """A colormap with one entry per component, for label images: ``imshow(labels, cmap=...,
    vmin=-0.5, vmax=K - 0.5)``."""
    return ListedColormap([colour(k) for k in range(K)], name=f"gmmlib{K}")


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
    ax.tick_params(labelsize=size)
    return ax


def grid_1d(X, n=400, margin=0.1):
    """n evenly spaced points covering the data range plus ``margin`` of it on each side."""
    x = np.asarray(X, dtype=np.float64).ravel()
    lo, hi = x.min(), x.max()
    pad = margin * (hi - lo) if hi > lo else 1.0
    return np.linspace(lo - pad, hi + pad, n)


def grid_2d(X, n=80, margin=0.1):
    """(xx, yy, points): an n x n mesh covering 2-D data, and the mesh as an (n*n, 2) table."""
    X = np.asarray(X, dtype=np.float64)
    lo, hi = X.min(axis=0), X.max(axis=0)
    pad = margin * np.where(hi > lo, hi - lo, 1.0)
    xx, yy = np.meshgrid(np.linspace(lo[0] - pad[0], hi[0] + pad[0], n),
                         np.linspace(lo[1] - pad[1], hi[1] + pad[1], n))
    return xx, yy, np.column_stack([xx.ravel(), yy.ravel()])


def component_pdfs(mixture, grid):
    """Weighted component densities pi_k N(x | mu_k, sigma_k^2) on a 1-D grid, shape (K, len(grid)).

    Their sum over k is the mixture density p(x). Written out for one dimension (it is
    evaluated for every iteration a view can show, so it should be cheap).
    """
    x = np.asarray(grid, dtype=np.float64)[None, :]
    mu = mixture.means[:, :1]
    var = mixture.covariances[:, 0, :1]
    return mixture.weights[:, None] * np.exp(-0.5 * (x - mu) ** 2 / var) / np.sqrt(2 * np.pi * var)


def ellipse_geometry(cov, n_std=2.0):
    """(width, height, angle in degrees) of the n_std contour of a 2 x 2 covariance.

    The axes of the ellipse are the eigenvectors of the covariance; its half-lengths are
    n_std times the square roots of the eigenvalues.
    """
    eigvals, eigvecs = np.linalg.eigh(cov)  # ascending; the last vector is the long axis
    width, height = 2 * n_std * np.sqrt(np.maximum(eigvals[::-1], 0.0))
    angle = np.degrees(np.arctan2(eigvecs[1, -1], eigvecs[0, -1]))
    angle = (angle + 90.0) % 180.0 - 90.0  # an axis has no direction: report it in [-90, 90)
    return width, height, angle


# --- 1-D ------------------------------------------------------------------------------------

def histogram_1d(ax, X, weights=None, bins=30, range=None, label="data"):
    """A density-normalised (weighted) histogram drawn as one filled step artist.

    For an image pass the 256 levels as X and the pixel counts as weights: the bars are then
    the normalised intensity histogram, i.e. the intensity pdf. Returns the StepPatch.
    """
    density, edges = np.histogram(np.ravel(X), bins=bins, range=range, weights=weights,
                                  density=True)
    return ax.stairs(density, edges, fill=True, color="0.8", label=label)


def mixture_curves_1d(ax, mixture, grid, linestyle="-", label_prefix="", total=True):
    """Each weighted component pi_k N(x | k) and (if ``total``) their sum p(x) on ``grid``.

    Use ``linestyle="--"`` for a starting mixture (as in the seed's Fig. 2).
    Returns (component_lines, total_line or None).
    """
    pdfs = component_pdfs(mixture, grid)
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
    x = np.ravel(X)
    K = resp.shape[1]
    edges = np.histogram_bin_edges(x, bins=bins, range=range)
    width = np.diff(edges)
    bottom = np.zeros(width.size)
    bars = []
    for k in np.arange(K):
        counts, _ = np.histogram(x, bins=edges, weights=resp[:, k])
        height = counts / (x.size * width)
        bars.append(ax.bar(edges[:-1], height, width=width, bottom=bottom, align="edge",
                           color=colour(k), alpha=0.6, label=f"responsibility of {k}"))
        bottom = bottom + height
    ax.set_ylim(0, max(ax.get_ylim()[1], 1.05 * bottom.max()))
    return bars


# --- 2-D ------------------------------------------------------------------------------------

def scatter_2d(ax, X, labels=None, s=10):
    """The points, grey or coloured by a given label per point. Returns the PathCollection."""
    X = np.asarray(X)
    c = "0.5" if labels is None else [colour(k) for k in labels]
    return ax.scatter(X[:, 0], X[:, 1], s=s, c=c, alpha=0.7, linewidths=0)


def covariance_ellipses(ax, mixture, n_std=2.0):
    """One ellipse per component at n_std standard deviations around its mean. Returns the patches."""
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
    Falls back to the Cholesky form if a covariance is too close to singular for the formula.
    """
    a = mixture.covariances[:, 0, 0][:, None]
    b = mixture.covariances[:, 0, 1][:, None]
    c = mixture.covariances[:, 1, 1][:, None]
    det = a * c - b * b
    if not np.all(det > 1e-12 * a * c):  # ill-conditioned: the written-out inverse loses digits
        return mixture.weighted_log_density(points).T
    dx = points[None, :, 0] - mixture.means[:, 0][:, None]
    dy = points[None, :, 1] - mixture.means[:, 1][:, None]
    quad = (c * dx * dx - 2 * b * dx * dy + a * dy * dy) / det
    with np.errstate(divide="ignore"):
        log_w = np.log(mixture.weights)[:, None]
    return log_w - np.log(2 * np.pi) - 0.5 * np.log(det) - 0.5 * quad


def log_density_2d(mixture, points):
    """log p(x) = logsumexp_k (log pi_k + log N(x | k)) at 2-D points, shape (n,)."""
    w = weighted_log_densities_2d(mixture, points)
    top = w.max(axis=0)
    return top + np.log(np.exp(w - top).sum(axis=0))


def contour_lines(mixture, xx, yy, levels):
    """The contour lines of log p(x) on a mesh at the given levels, without a ContourSet.

    Returns (lines, level_of_line): a list of (n, 2) vertex arrays and, for each, the index
    of its level. The same lines as ``ax.contour`` (contourpy with matplotlib's default
    algorithm); a view redraws them at every step, and building a ContourSet each time costs
    more than computing them.
    """
    logp = log_density_2d(mixture, np.column_stack([xx.ravel(), yy.ravel()])).reshape(xx.shape)
    generator = contourpy.contour_generator(xx, yy, logp, name="mpl2014", line_type="SeparateCode")
    lines, level_of_line = [], []
    for i, level in enumerate(levels):
        found, _ = generator.lines(level)  # one (n, 2) array per line (and its path codes)
        lines += found
        level_of_line += [i] * len(found)
    return lines, np.array(level_of_line, dtype=int)


def density_contours(ax, mixture, xx, yy, levels=8):
    """Contours of the mixture's log-density log p(x) on a mesh. Returns the ContourSet."""
    logp = log_density_2d(mixture, np.column_stack([xx.ravel(), yy.ravel()])).reshape(xx.shape)
    return ax.contour(xx, yy, logp, levels=levels, cmap="viridis", linewidths=1)


# --- shared ---------------------------------------------------------------------------------

def log_likelihood_curve(ax, log_likelihood, t=None):
    """log L against the iteration, with a marker on iteration t. Returns (line, marker)."""
    ll = np.asarray(log_likelihood, dtype=np.float64)
    line, = ax.plot(np.arange(ll.size), ll, color="k", marker=".", linewidth=1)
    marker, = ax.plot([], [], "o", color=MARKER_COLOUR, markersize=9)
    if t is not None:
        marker.set_data([t], [ll[t]])
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_title("log-likelihood")
    ax.set_xlabel("EM iteration")
    log_likelihood_units(ax, ll)
    return line, marker


def log_likelihood_units(ax, log_likelihood):
    """Label the log L axis so that large values read as short ticks: -1.38 with
    "log L (x 10^6)" on the axis, rather than matplotlib's offset text squeezed by the title."""
    ll = np.asarray(log_likelihood, dtype=np.float64)
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


def segmented_image(ax, labels_or_image, title="segmentation", vmax=255):
    """A grayscale panel (labels painted with their mean intensity, or any image). Returns the AxesImage."""
    im = ax.imshow(labels_or_image, cmap="gray", vmin=0, vmax=vmax, interpolation="nearest")
    ax.set_title(title)
    ax.set_axis_off()
    return im
