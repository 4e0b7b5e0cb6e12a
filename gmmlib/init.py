"""Starting mixtures: K-means with Forgy starts, an equal-range split of the intensities, or your own.

EM only climbs to the nearest local maximum, so where it starts decides where it ends.
"""
import numpy as np

from ._validate import ieee_errstate
from .mixture import Mixture

INIT_METHODS = ("kmeans", "equal-range")
KMEANS_RESTARTS = 5  # Forgy restarts inside one K-means start (the best inertia wins)


def forgy_centroids(X, weights, K, rng):
    """K distinct data points drawn at random (points drawn in proportion to their weight)."""
    p = weights / weights.sum()
    chosen, seen = [], set()
    for _ in range(20):
        for i in rng.choice(X.shape[0], size=4 * K + 8, p=p):
            key = X[i].tobytes()
            if key not in seen:
                seen.add(key)
                chosen.append(i)
                if len(chosen) == K:
                    return X[chosen].copy()
    # Few distinct values: draw among the distinct points directly.
    distinct = np.unique(X[weights > 0], axis=0)
    return distinct[rng.choice(distinct.shape[0], size=K, replace=False)]


def refill_empty_clusters(labels, d2, weights, mass):
    """Give each empty cluster the weighted point farthest from its centroid, taking points only
    from clusters that keep another point, so that no cluster is emptied in turn."""
    labels = labels.copy()
    far = np.where(weights > 0, d2[np.arange(labels.size), labels], -np.inf)
    points = np.bincount(labels[weights > 0], minlength=mass.size)
    for k in np.flatnonzero(mass <= 0):
        far_masked = np.where(points[labels] > 1, far, -np.inf)
        i = int(np.argmax(far_masked))
        if not np.isfinite(far_masked[i]):
            break  # no point can be spared: validate_K guarantees this does not happen
        points[labels[i]] -= 1
        points[k] += 1
        labels[i] = k
        far[i] = -np.inf
    return labels


@ieee_errstate
def kmeans(X, weights, K, rng, n_init=5, max_iter=100, centroids=None):
    """Weighted Lloyd K-means from Forgy starts; the restart with the lowest inertia wins.

    Returns (centroids (K, d), labels (N,), inertia). An empty cluster is moved to the point
    farthest from its centroid, so every cluster keeps at least one point. Given
    ``centroids``, runs once from them instead of from Forgy starts.
    """
    best = None
    sq = np.einsum("ij,ij->i", X, X)
    for _ in range(1 if centroids is not None else n_init):
        C = forgy_centroids(X, weights, K, rng) if centroids is None else centroids
        labels = None
        for _ in range(max_iter):
            d2 = sq[:, None] - 2 * X @ C.T + np.einsum("ij,ij->i", C, C)[None, :]
            new = np.argmin(d2, axis=1)
            if labels is not None and np.array_equal(new, labels):
                break
            labels = new
            mass = np.bincount(labels, weights=weights, minlength=K)
            if (mass <= 0).any():
                labels = refill_empty_clusters(labels, d2, weights, mass)
                mass = np.bincount(labels, weights=weights, minlength=K)
            sums = np.stack([np.bincount(labels, weights=weights * X[:, j], minlength=K)
                             for j in range(X.shape[1])], axis=1)
            C = sums / mass[:, None]
        d2 = np.maximum(sq - 2 * np.einsum("ij,ij->i", X, C[labels])
                        + np.einsum("ij,ij->i", C[labels], C[labels]), 0)
        inertia = float(weights @ d2)
        if best is None or inertia < best[2]:
            best = (C, labels, inertia)
    return best


def mixture_from_labels(X, weights, labels, K, var_floor):
    """Weights = cluster fractions, means = cluster means, diagonal covariances = cluster variances."""
    mass = np.bincount(labels, weights=weights, minlength=K)
    means = np.empty((K, X.shape[1]))
    covs = np.empty((K, X.shape[1], X.shape[1]))
    for k in range(K):
        w = weights * (labels == k)
        means[k] = w @ X / mass[k]
        var = w @ (X - means[k]) ** 2 / mass[k]
        covs[k] = np.diag(np.maximum(var, var_floor))
    return Mixture(mass / mass.sum(), means, covs)


@ieee_errstate
def kmeans_init(X, weights, K, rng, var_floor, n_init=KMEANS_RESTARTS, sample_size=20_000):
    """The painless start: K-means (Forgy, restarts) turned into a mixture.

    On more than ``sample_size`` points the restarts run on a weighted random sample (a
    quarter-million pixels would make them the slowest part of the fit); the winner is then
    refined on all the points. A sample with fewer than K distinct points is replaced by the
    distinct points of the whole data, weighted by their total weight.
    """
    if X.shape[0] > sample_size:
        idx = rng.choice(X.shape[0], size=sample_size, p=weights / weights.sum())
        sample, sample_weights = X[idx], np.ones(sample_size)
        if np.unique(sample[: 4 * K + 8], axis=0).shape[0] < K \
                and np.unique(sample, axis=0).shape[0] < K:
            # A rare value (a 2x2 red mark on a white page) can be missing from the sample,
            # which then holds fewer than K distinct points; the full data has K of them
            # (validate_K checked), so the restarts run on its distinct values, each weighted
            # by its total weight: the same K-means problem, and few rows.
            keep = weights > 0
            sample, inverse = np.unique(X[keep], axis=0, return_inverse=True)
            sample_weights = np.bincount(inverse.ravel(), weights=weights[keep])
        C, _, _ = kmeans(sample, sample_weights, K, rng, n_init=n_init)
        _, labels, _ = kmeans(X, weights, K, rng, max_iter=30, centroids=C)
    else:
        _, labels, _ = kmeans(X, weights, K, rng, n_init=n_init)
    return mixture_from_labels(X, weights, labels, K, var_floor)


@ieee_errstate
def means_init(X, weights, means, var_floor):
    """A start from given means (scikit-learn's ``means_init``): each point goes to its nearest
    mean; the clusters give the weights and diagonal covariances, the means stay as given.

    A mean that no point is nearest to borrows the farthest point of a cluster that can
    spare one, as K-means does, so every component starts with a weight and a variance.
    """
    K = means.shape[0]
    d2 = (np.einsum("ij,ij->i", X, X)[:, None] - 2 * X @ means.T
          + np.einsum("ij,ij->i", means, means)[None, :])
    labels = np.argmin(d2, axis=1)
    mass = np.bincount(labels, weights=weights, minlength=K)
    if (mass <= 0).any():
        labels = refill_empty_clusters(labels, d2, weights, mass)
    start = mixture_from_labels(X, weights, labels, K, var_floor)
    return Mixture(start.weights, means, start.covariances)


@ieee_errstate
def equal_range_init(X, weights, K, low=None, high=None, var_floor=1e-12):
    """Seed 000's start for intensities: cut [low, high] into K equal parts, one Gaussian each.

    With K = 2 on [0, 255] the parts are [0, 127] and [128, 255]. A part that holds no
    pixel gets a Gaussian centred on it, as wide as the part, with a tiny weight.
    """
    if X.shape[1] != 1:
        raise ValueError(f"init='equal-range' cuts one intensity axis into K parts, but X has "
                         f"{X.shape[1]} features; use init='kmeans' for d > 1")
    x = X[:, 0]
    low = x[weights > 0].min() if low is None else low
    high = x[weights > 0].max() if high is None else high
    if not (np.isfinite(low) and np.isfinite(high) and (low < high or (K == 1 and low == high))):
        raise ValueError(f"init='equal-range' needs a range low < high to cut into K parts, got "
                         f"({low!r}, {high!r}); pass init_range=(low, high) with low < high, e.g. "
                         "(0, 255) for intensities, or use init='kmeans' (all the data share one value)")
    edges = np.linspace(low, high, K + 1)
    part = np.clip(np.searchsorted(edges, x, side="right") - 1, 0, K - 1)
    mass = np.bincount(part, weights=weights, minlength=K)
    means, variances = np.empty(K), np.empty(K)
    floor = float(np.max(var_floor))  # absolute, in data units
    for k in range(K):
        if mass[k] > 0:
            w = weights * (part == k)
            means[k] = w @ x / mass[k]
            variances[k] = max(w @ (x - means[k]) ** 2 / mass[k], floor)
        else:
            means[k] = 0.5 * (edges[k] + edges[k + 1])
            variances[k] = max((edges[k + 1] - edges[k]) ** 2 / 12, floor)
    mass = np.maximum(mass, 1e-6 * mass.sum())
    return Mixture(mass / mass.sum(), means[:, None], variances[:, None, None])
