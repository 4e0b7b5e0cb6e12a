"""Input checks shared by every entry point: bad data gets a message that says what to do."""
import numpy as np


def as_data(X, name="X", keep_dtype=False):
    """Return X as a 2-D array (N, d), refusing anything EM cannot use.

    A 1-D array is read as N points of one feature. Integer data (uint8 pixels) is
    converted to float64 so that squares cannot wrap around, unless ``keep_dtype``
    (only the naive EM asks for that, to show the overflow).
    """
    try:
        arr = np.asarray(X)
    except Exception as exc:  # ragged lists and the like
        raise ValueError(f"{name} could not be read as an array ({exc}); pass a numeric "
                         "array of shape (n_points, n_features)") from None
    if arr.dtype == object or not (np.issubdtype(arr.dtype, np.number) or arr.dtype == bool):
        raise ValueError(f"{name} must be numeric, got dtype {arr.dtype}; convert it with "
                         f"np.asarray({name}, dtype=float) after removing non-numeric entries")
    if np.iscomplexobj(arr):
        raise ValueError(f"{name} is complex; a Gaussian mixture here models real data: "
                         f"pass {name}.real or np.abs({name})")
    if arr.ndim == 0:
        raise ValueError(f"{name} is a single number; pass an array of shape (n_points, n_features)")
    if arr.ndim == 1:
        arr = arr[:, None]
    elif arr.ndim > 2:
        raise ValueError(
            f"{name} has shape {arr.shape}; EM takes a table of shape (n_points, n_features). "
            f"For an image use {name}.reshape(-1, {name}.shape[-1]) (colour) or {name}.ravel() (gray)")
    if arr.shape[0] == 0:
        raise ValueError(f"{name} is empty (shape {arr.shape}); EM needs at least one point")
    if arr.shape[1] == 0:
        raise ValueError(f"{name} has no features (shape {arr.shape})")
    if arr.dtype == bool:
        arr = arr.astype(np.float64)
    if not keep_dtype:
        arr = arr.astype(np.float64, copy=False)
    if np.issubdtype(arr.dtype, np.floating):
        bad = ~np.isfinite(arr)
        if bad.any():
            rows = np.flatnonzero(bad.any(axis=1))
            raise ValueError(
                f"{name} has {bad.sum()} NaN or infinite values in {rows.size} rows (first at row "
                f"{rows[0]}); remove or impute them first, e.g. {name} = {name}[np.isfinite({name}).all(axis=1)]")
        if np.abs(arr).max() > 1e150:
            raise ValueError(f"{name} has values up to {np.abs(arr).max():.3g}; their squares overflow "
                             "float64. Rescale the data (e.g. divide by its standard deviation)")
    return arr


def as_weights(weights, n_points):
    """Return point weights (counts) as float64 of shape (N,); None means all ones."""
    if weights is None:
        return np.ones(n_points)
    w = np.asarray(weights)
    if not (np.issubdtype(w.dtype, np.number) or w.dtype == bool) or np.iscomplexobj(w):
        raise ValueError(f"weights must be real numbers, got dtype {w.dtype}")
    w = w.astype(np.float64).reshape(-1) if w.ndim <= 1 else w
    if w.ndim != 1 or w.shape[0] != n_points:
        raise ValueError(f"weights has shape {np.shape(weights)} but X has {n_points} points; "
                         "pass one weight (count) per point")
    if not np.isfinite(w).all():
        raise ValueError("weights contain NaN or infinity; every weight must be a finite count >= 0")
    if (w < 0).any():
        raise ValueError(f"weights contain {int((w < 0).sum())} negative values; weights are counts, "
                         "use values >= 0")
    if w.sum() <= 0:
        raise ValueError("all weights are zero: at least one point must carry a positive weight")
    return w


def n_distinct(X, weights, enough=None):
    """How many distinct points carry positive weight (a K above this cannot be fitted).

    With ``enough``, may stop counting once that many are found (a prefix usually suffices,
    which spares sorting a quarter-million pixels).
    """
    Xp = X[weights > 0]
    if enough is not None and Xp.shape[0] > 1000:
        found = np.unique(Xp[:1000], axis=0).shape[0]
        if found >= enough:
            return found
    return np.unique(Xp, axis=0).shape[0]


def check_K(K, X, weights):
    """K must be a whole number between 1 and the number of distinct weighted points."""
    if isinstance(K, (bool, np.bool_)) or not isinstance(K, (int, np.integer)):
        raise ValueError(f"K (the number of components) must be a whole number, got {K!r}")
    if K < 1:
        raise ValueError(f"K must be at least 1, got {K}")
    distinct = n_distinct(X, weights, enough=K)
    if K > distinct:
        raise ValueError(
            f"K={K} components but the data has only {distinct} distinct points with positive weight: "
            f"each component needs a point of its own. Use K <= {distinct}, or add data")
    return int(K)
