"""The arguments of the drawing helpers (``plotting.py``), checked at the call.

A drawing helper says what is wrong with its input where the student called it (an Axes that is
a Figure, a mixture in the wrong number of dimensions, bins that are not increasing), rather
than deep inside matplotlib.
"""
import numbers

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import FigureBase

from ._validate import InputTypeError, show, validate_array, validate_float, validate_int
from .mixture import Mixture


MAX_COMPONENTS = 256  # colours a colormap holds: more components than anyone can tell apart
MAX_BINS = 10_000      # histogram bars: more than a figure has pixels
MAX_GRID = 1_000_000   # points of a 1-D grid
MAX_MESH = 1_000       # points per side of a 2-D mesh (a million points in all)
MAX_LEVELS = 1_000     # contour levels
LINESTYLES = ("-", "--", "-.", ":", "solid", "dashed", "dashdot", "dotted", "none", "None", "")


def validate_ax(ax, name="ax"):
    if not isinstance(ax, Axes):
        fix = ("a Figure holds Axes: pass fig.add_subplot() or the ax of fig, ax = plt.subplots()"
               if isinstance(ax, FigureBase) else "e.g. fig, ax = plt.subplots()")
        raise InputTypeError(f"{name} must be a matplotlib Axes, got {show(ax)}; {fix}")
    return ax


def validate_mixture(mixture, d=None, name="mixture"):
    if not isinstance(mixture, Mixture):
        raise InputTypeError(f"{name} must be a gmmlib.Mixture (e.g. painless_em(X, K).mixture), "
                             f"got {show(mixture)}")
    if d is not None and mixture.n_features != d:
        raise ValueError(f"{name} has d={mixture.n_features} features but this draws a {d}-D "
                         f"mixture; pass a mixture fitted on {d}-D data")
    return mixture


def validate_str(value, name):
    if not isinstance(value, str):
        raise InputTypeError(f"{name} must be a string, got {show(value)}")
    return value


def validate_bins(bins):
    """A number of bins (1 to MAX_BINS) or increasing finite bin edges."""
    if isinstance(bins, (numbers.Real, np.generic)) and np.ndim(bins) == 0:
        return validate_int(bins, "bins", f"[1, {MAX_BINS}]",
                         hint="a number of bins, or a 1-D array of increasing bin edges")
    edges = validate_array(bins, "bins", ndim=1, dtype=np.float64,
                        hint="bins is a number of bins or a 1-D array of increasing bin edges")
    if not 2 <= edges.size <= MAX_BINS + 1 or not (np.diff(edges) > 0).all():
        raise ValueError(f"bins as an array holds bin edges: 2 to {MAX_BINS + 1} increasing "
                         f"numbers, got {show(bins)}; e.g. np.arange(257) - 0.5 for 8-bit levels")
    if not np.isfinite(edges[-1] - edges[0]):
        raise ValueError(f"bins spans from {edges[0]:.3g} to {edges[-1]:.3g}, a width float64 "
                         "cannot hold; use edges closer together")
    return edges


def validate_range(value, name="range"):
    """None, or (low, high) finite with low < high and a finite width."""
    if value is None:
        return None
    example = f"e.g. {name}=(0, 255), or None for the data's range"
    if isinstance(value, (str, bytes, dict, set)):
        raise InputTypeError(f"{name} must be a pair (low, high) or None, got {show(value)}; {example}")
    try:
        low, high = value
    except (TypeError, ValueError):
        raise InputTypeError(f"{name} must be a pair (low, high) or None, got {show(value)}; "
                             f"{example}") from None
    low = validate_float(low, f"{name}[0]", hint=example)
    high = validate_float(high, f"{name}[1]", hint=example)
    if not low < high or not np.isfinite(high - low):
        raise ValueError(f"{name} must be (low, high) with low < high and a finite width, got "
                         f"({low!r}, {high!r}); {example}")
    return low, high


def values_1d(X, name="X"):
    """Finite real values, flattened, whose range float64 can hold."""
    x = validate_array(X, name, dtype=np.float64).ravel()
    if not np.isfinite(x.max() - x.min()):
        raise ValueError(f"{name} spans from {x.min():.3g} to {x.max():.3g}, a range float64 "
                         f"cannot hold; rescale {name} (e.g. divide by its largest value)")
    return x


def bin_edges(x, bins, range):
    """np.histogram_bin_edges, with an error naming X when float64 cannot split the range."""
    try:
        with np.errstate(invalid="ignore", over="ignore"):
            edges = np.histogram_bin_edges(x, bins=bins, range=range)
        # numpy 2 raises here; numpy 1.26 returns edges that float64 rounded onto each other
        split = bool(np.all(np.diff(edges) > 0))
    except ValueError:  # e.g. values near 1e18 whose spread is below their float64 spacing
        split = False
    if not split:
        low, high = (x.min(), x.max()) if range is None else range
        raise ValueError(f"X (values from {low:.6g} to {high:.6g}) cannot be split into "
                         f"{bins if np.ndim(bins) == 0 else len(bins) - 1} bins of finite width in "
                         "float64: the range is too narrow for the size of the values; subtract "
                         "an offset first (e.g. X - np.median(X)) or pass a wider range")
    return edges


def mesh(xx, yy):
    """xx, yy: two finite 2-D float arrays of the same shape, at least 2 x 2."""
    xx = validate_array(xx, "xx", ndim=2, dtype=np.float64, max_abs=1e150,
                     hint="xx, yy come from np.meshgrid")
    yy = validate_array(yy, "yy", ndim=2, dtype=np.float64, max_abs=1e150,
                     hint="xx, yy come from np.meshgrid")
    if xx.shape != yy.shape:
        raise ValueError(f"xx and yy must have the same shape (from np.meshgrid), got {xx.shape} "
                         f"and {yy.shape}")
    if min(xx.shape) < 2 or xx.size > MAX_MESH ** 2:
        raise ValueError(f"xx and yy must be a mesh of at least 2 x 2 and at most {MAX_MESH} x "
                         f"{MAX_MESH} points, got shape {xx.shape}; e.g. grid_2d(X)")
    return xx, yy


def validate_levels(levels, name="levels", allow_count=False):
    """Contour levels: finite increasing numbers (or, with ``allow_count``, how many)."""
    if allow_count and isinstance(levels, (numbers.Real, np.generic)) and np.ndim(levels) == 0:
        return validate_int(levels, name, f"[1, {MAX_LEVELS}]",
                         hint="a number of levels, or an increasing array of log-density values")
    values = validate_array(levels, name, ndim=(0, 1), dtype=np.float64, allow_empty=True,
                         hint="levels are values of log p(x), e.g. [-8.0, -5.0]").ravel()
    if values.size > MAX_LEVELS or not (np.diff(values) > 0).all() or (allow_count and not values.size):
        raise ValueError(f"{name} must be at most {MAX_LEVELS} increasing values of log p(x), got "
                         f"{show(levels)}; e.g. np.sort(np.unique({name}))")
    return values
