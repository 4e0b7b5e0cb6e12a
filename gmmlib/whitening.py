"""Whitening: centre each feature and divide it by a spread that one outlier cannot inflate.

Painless EM fits in these coordinates and maps the result back, so pixel values (0..255) and tiny
measurements (1e-6) give the same fit: EM's arithmetic, its prior and its variance floor all see
features of spread about 1. The spread is the interquartile range / 1.349 (``robust_scale``),
which equals the standard deviation for Gaussian data but barely moves when one point sits at 1e6.
"""
import numpy as np

from ._validate import as_data, as_weights

EPS = np.finfo(np.float64).eps
#: The smallest spread of a feature: the variances of a narrower one underflow float64.
MIN_SPREAD = 1e-140
#: A feature whose spread is at most this many float64 spacings of its quartiles is constant:
#: such a spread is rounding (robust_scale).
CONSTANT_ULPS = 64
#: Cumulative weights within this fraction of a quantile count as reaching it (rounding).
QUANTILE_SLACK = 1e-9


def _weighted_quantile_pair(x, weights, low=0.25, high=0.75):
    """The ``low`` and ``high`` quantiles of x (the smallest values whose cumulative weight
    reaches them: numpy's "inverted_cdf"), so that counts give the same answer as repeated points,
    and fractions the same answer as counts."""
    if np.all(weights == 1):
        n = x.shape[0]
        i, j = int(np.ceil(low * n)) - 1, int(np.ceil(high * n)) - 1
        part = np.partition(x, [max(i, 0), max(j, 0)])
        return part[max(i, 0)], part[max(j, 0)]
    order = np.argsort(x, kind="stable")
    cum = np.cumsum(weights[order])
    # "reaches" up to rounding: counts hit a quartile exactly (6 of 24) where the same weights
    # as fractions stop a few ulps short (0.24999999999999997 of 1), and both must pick one point
    reach = np.array([low, high]) * cum[-1] * (1 - QUANTILE_SLACK)
    i, j = np.searchsorted(cum, reach, side="left")
    return x[order[min(i, x.size - 1)]], x[order[min(j, x.size - 1)]]


def robust_scale(X, weights=None):
    """Each feature's spread, such that one outlier cannot inflate it: IQR / 1.349.

    For Gaussian data this estimates the standard deviation (the quartiles lie 0.674 sigma
    from the mean), but a single point at 1e6 among unit-scale data barely moves it, while
    it would multiply the standard deviation by thousands. A feature whose middle half is one
    value falls back to its root-mean-square distance from its median; a constant feature to
    the typical spread of the others (the geometric mean of their spreads). When every feature
    is constant (a single distinct point) each takes the size of the largest value (or 1).

    "Constant" is judged at float64's resolution: a spread of a few units in the last place
    of the feature's central values, its quartiles (``CONSTANT_ULPS``), is rounding, not data.
    Taken at face value it would make the feature's variance, and with it the prior and the
    variance floor in that direction, vanish next to the others': a covariance that is not
    positive definite once mapped back to data units. An outlier does not set the resolution:
    next to a point at 1e10, a real spread of 1e-200 is still data.

    Examples
    --------
    >>> robust_scale(np.column_stack([np.arange(8.0), np.full(8, 0.1 * 3)])).round(3).tolist()
    [2.965, 2.965]
    """
    X = as_data(X)
    weights = as_weights(weights, X.shape[0])
    keep = weights > 0
    Xp, w = X[keep], weights[keep]
    c = w / w.sum()
    d = X.shape[1]
    scale, center = np.zeros(d), np.zeros(d)
    for j in range(d):
        q1, q3 = _weighted_quantile_pair(Xp[:, j], w)
        scale[j] = (q3 - q1) / 1.3489795003921634
        center[j] = max(abs(q1), abs(q3))
        if not scale[j] > 0:
            # about the median, a data value: a constant feature gives exactly 0 (its mean,
            # rounded, would leave a spread of rounding noise)
            _, median = _weighted_quantile_pair(Xp[:, j], w, 0.5, 0.5)
            scale[j] = np.sqrt(c @ (Xp[:, j] - median) ** 2)
    resolution = CONSTANT_ULPS * EPS * center  # the rounding of values near the quartiles
    constant = ~(scale > resolution)
    if constant.all():  # one distinct point: one size for every feature keeps the fit round
        size = float(np.abs(Xp).max())
        scale = np.full(d, size if size > 0 else 1.0)
    elif constant.any():
        scale[constant] = np.exp(np.mean(np.log(scale[~constant])))
    return scale


class Whitener:
    """z = (x - mean) / std per feature; a constant feature keeps std 1 (no division by zero).

    ``scale`` replaces the standard deviations by given divisors (painless_em passes each
    feature's ``robust_scale``, so that one outlier cannot squeeze the rest of the data
    together). With ``isotropic`` every feature is divided by the same number (the root mean
    square of the divisors), which keeps a spherical covariance spherical when mapped back.
    """

    def __init__(self, X, weights, enabled=True, scale=None, isotropic=False):
        d = X.shape[1]
        if enabled:
            c = weights / weights.sum()
            self.mean = c @ X
            std = np.sqrt(c @ (X - self.mean) ** 2) if scale is None else np.asarray(scale, dtype=np.float64)
            std = np.where(std > 0, std, 1.0)
            if isotropic:
                std = np.full(d, np.sqrt(np.mean(std ** 2)))
            self.std = std
        else:
            self.mean, self.std = np.zeros(d), np.ones(d)
        self.log_det = float(np.log(self.std).sum())  # log |dx/dz|, for the likelihood

    def forward(self, X):
        return (X - self.mean) / self.std

    def to_white(self, mix):
        """(weights, means, covariances) of a data-unit Mixture, in whitened units."""
        s = self.std
        return mix.weights, (mix.means - self.mean) / s, mix.covariances / (s[:, None] * s[None, :])

    def from_white(self, means, covariances):
        """Map means (..., d) and covariances (..., d, d) back: mu = s mu_w + m, Sigma = S Sigma_w S."""
        s = self.std
        return means * s + self.mean, covariances * (s[:, None] * s[None, :])  # stays symmetric
