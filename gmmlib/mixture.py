"""A Gaussian mixture: weights, means and covariances, and the densities they define.

Everything is evaluated in the log domain with a Cholesky factor of each covariance
(never an explicit inverse): notebook 03 shows why.

Covariance types, as scikit-learn's ``GaussianMixture`` and the Python Data Science Handbook
use them (they differ only in how many numbers describe the covariances):

- ``"full"``: each component has its own covariance matrix (any ellipse, any tilt);
- ``"diag"``: each component has its own diagonal covariance (ellipses aligned with the axes);
- ``"spherical"``: each component has one variance for every feature (circles);
- ``"tied"``: all components share one full covariance matrix (the same ellipse everywhere).

A Mixture always stores ``covariances`` as K full (d, d) matrices, whatever the type, so
code that reads them (densities, plots) need not care; ``covariance_type`` says which of
those numbers are free, which is what BIC and AIC count, and ``compact_covariances`` gives
them in scikit-learn's layout.
"""
from dataclasses import dataclass

import numpy as np
from scipy.linalg import solve_triangular

from ._validate import (as_data, as_weights, ieee_errstate, validate_array, validate_int, validate_options,
                      validate_random_state, show)

LOG_2PI = np.log(2 * np.pi)
COVARIANCE_TYPES = ("full", "diag", "spherical", "tied")


@ieee_errstate
def logsumexp(a, axis=-1):
    """log(sum(exp(a))) along ``axis`` without underflow or overflow.

    l = m + log sum_k exp(a_k - m) with m = max_k a_k, so the largest term is exp(0) = 1
    and the sum can never be 0. A row of -inf (every term is log 0) stays -inf; +inf gives
    +inf. NaN is refused: it would silently spread to every result.

    Examples
    --------
    >>> float(logsumexp([-1000.0, -1001.0]))  # the direct form gives log(0) = -inf
    -999.6867383124818
    """
    a = validate_array(a, "a", dtype=np.float64, allow_nan=True, allow_empty=True)
    if a.ndim == 0:
        raise ValueError("a is a single number; logsumexp sums over an axis of an array, e.g. "
                         "logsumexp([a1, a2])")
    if isinstance(axis, (bool, np.bool_)) or not isinstance(axis, (int, np.integer)):
        raise TypeError(f"axis must be a whole number, got {show(axis)}")
    if not -a.ndim <= axis < a.ndim:
        raise ValueError(f"axis={axis} but a has only {a.ndim} dimensions (shape {a.shape}); "
                         f"use an axis from {-a.ndim} to {a.ndim - 1}")
    if a.shape[axis] == 0:
        raise ValueError(f"a has no terms to sum along axis {axis} (shape {a.shape}); the log of "
                         "an empty sum is log 0 = -inf: pass at least one term")
    if np.isnan(a).any():
        raise ValueError(f"a contains {int(np.isnan(a).sum())} NaN values; the log of a sum with "
                         "a NaN term is NaN: find where the NaN came from (0/0, inf - inf) first")
    m = np.max(a, axis=axis, keepdims=True)
    m = np.where(np.isfinite(m), m, 0.0)
    with np.errstate(under="ignore", over="ignore", invalid="ignore"):
        s = np.sum(np.exp(a - m), axis=axis, keepdims=True)
    with np.errstate(divide="ignore"):
        out = np.log(s) + m
    return np.squeeze(out, axis=axis)


@ieee_errstate
def constrain_covariances(covariances, counts, covariance_type):
    """Project K full covariances onto a covariance type (the M-step of that type).

    Given each component's full weighted covariance S_k (its points' scatter / N_k) the
    maximum-likelihood covariance of each type is: ``full`` S_k; ``diag`` the diagonal of S_k;
    ``spherical`` tr(S_k) / d times the identity; ``tied`` sum_k N_k S_k / sum_k N_k for every
    component. ``counts`` (K,) are the N_k (only ``tied`` uses them).
    """
    covs = np.asarray(covariances, dtype=np.float64)
    if covariance_type == "full":
        return covs
    K, d = covs.shape[0], covs.shape[-1]
    eye = np.eye(d)
    if covariance_type == "diag":
        return covs * eye
    if covariance_type == "spherical":
        return np.trace(covs, axis1=1, axis2=2)[:, None, None] / d * eye
    if covariance_type == "tied":
        share = np.asarray(counts, dtype=np.float64)
        share = share / share.sum() if share.sum() > 0 else np.full(K, 1.0 / K)
        tied = np.einsum("k,kab->ab", share, covs)
        tied = 0.5 * (tied + tied.T)
        return np.broadcast_to(tied, (K, d, d)).copy()
    raise ValueError(f"covariance_type must be one of {COVARIANCE_TYPES}, got {covariance_type!r}")


def n_covariance_parameters(covariance_type, K, d):
    """Free numbers in the covariances: full K d(d+1)/2, diag K d, spherical K, tied d(d+1)/2.

    Examples
    --------
    >>> [n_covariance_parameters(t, K=3, d=2) for t in COVARIANCE_TYPES]
    [9, 6, 3, 3]
    """
    covariance_type = validate_options(covariance_type, "covariance_type", COVARIANCE_TYPES)
    K = validate_int(K, "K", "[1, 1000000]")
    d = validate_int(d, "d", "[1, 1000000]")
    return {"full": K * d * (d + 1) // 2, "diag": K * d, "spherical": K,
            "tied": d * (d + 1) // 2}[covariance_type]


@ieee_errstate
def cholesky_factors(covariances):
    """Lower Cholesky factors L_k (Sigma_k = L_k L_k^T); a clear error if one is not positive definite."""
    try:
        return np.linalg.cholesky(covariances)
    except np.linalg.LinAlgError:
        pass  # find the culprit for the message
    chol = np.empty_like(covariances)
    for k, cov in enumerate(covariances):
        try:
            chol[k] = np.linalg.cholesky(cov)
        except np.linalg.LinAlgError:
            raise ValueError(
                f"covariance of component {k} is not positive definite (eigenvalues "
                f"{np.linalg.eigvalsh(cov)}); painless_em guards against this, a hand-made "
                "mixture must use symmetric positive-definite covariances") from None
    return chol


@ieee_errstate
def component_log_density(X, means, chol):
    """log N(x_i | mu_k, Sigma_k) for every point and component, shape (N, K).

    l = -1/2 [d log 2pi + log det Sigma + |L^-1 (x - mu)|^2], log det Sigma = 2 sum log diag L.
    """
    N, d = X.shape
    out = np.empty((N, means.shape[0]))
    for k, (mu, L) in enumerate(zip(means, chol)):
        z = solve_triangular(L, (X - mu).T, lower=True, check_finite=False)
        log_det = 2.0 * np.log(np.diagonal(L)).sum()
        out[:, k] = -0.5 * (d * LOG_2PI + log_det + np.einsum("ij,ij->j", z, z))
    return out


def _read_only(a):
    a = np.array(a, dtype=np.float64)  # a copy: later edits of the caller's array change nothing
    a.flags.writeable = False
    return a


def _as_full_covariances(cov, covariance_type, K, d):
    """Covariances in any accepted layout -> (K, d, d); None if the layout does not fit."""
    if cov.shape == (K, d, d):
        return cov
    if covariance_type == "full" and d == 1 and cov.shape == (K,):  # K variances of a 1-D mixture
        return cov[:, None, None]
    if covariance_type == "diag" and cov.shape == (K, d):
        return cov[:, :, None] * np.eye(d)
    if covariance_type == "spherical" and cov.shape == (K,):
        return cov[:, None, None] * np.eye(d)
    if covariance_type == "tied" and cov.shape == (d, d):
        return np.broadcast_to(cov, (K, d, d)).copy()
    return None


_LAYOUTS = {"full": "(K, d, d)", "diag": "(K, d, d) or (K, d) variances",
            "spherical": "(K, d, d) or (K,) variances", "tied": "(K, d, d) or one (d, d) matrix"}


@dataclass(frozen=True, eq=False)
class Mixture:
    """K weighted Gaussians in d dimensions.

    The arrays are copied and made read-only, so neither the caller nor anyone else can
    change a Mixture after it is built (its Cholesky factors stay valid).

    Parameters
    ----------
    weights : (K,) mixing weights pi_k, positive, summing to 1
    means : (K, d) component means mu_k ((K,) for a 1-D mixture)
    covariances : (K, d, d) symmetric positive-definite covariances Sigma_k; also accepted in
        scikit-learn's layout for the type: (K, d) variances for "diag", (K,) variances for
        "spherical" (and for a 1-D "full" mixture), one (d, d) matrix for "tied"
    covariance_type : "full" (default), "diag", "spherical" or "tied"; the covariances must
        have that structure (e.g. zero off-diagonal entries for "diag")

    Examples
    --------
    >>> m = Mixture([0.5, 0.5], [[0.0], [5.0]], [[[1.0]], [[1.0]]])
    >>> m.predict([[0.2], [4.0]]).tolist()
    [0, 1]
    >>> Mixture([0.5, 0.5], [[0, 0], [3, 3]], [1.0, 2.0], covariance_type="spherical").n_parameters
    7
    """

    weights: np.ndarray
    means: np.ndarray
    covariances: np.ndarray
    covariance_type: str = "full"

    @ieee_errstate
    def __post_init__(self):
        ctype = validate_options(self.covariance_type, "covariance_type", COVARIANCE_TYPES)
        w = validate_array(self.weights, "weights", ndim=(0, 1), dtype=np.float64).reshape(-1)
        mu = validate_array(self.means, "means", dtype=np.float64)
        if mu.ndim == 0:
            raise ValueError(f"means is a single number ({float(mu):g}); pass one mean per component, "
                             f"e.g. means=[[{float(mu):g}]] for one component in 1-D")
        if mu.ndim == 1:  # K means of a 1-D mixture
            mu = mu[:, None]
        K, d = w.shape[0], mu.shape[-1]
        cov = validate_array(self.covariances, "covariances", dtype=np.float64)
        full = _as_full_covariances(cov, ctype, K, d) if mu.shape == (K, d) else None
        if full is None:
            raise ValueError(
                f"a mixture of K={K} components needs means of shape ({K}, d) and covariances "
                f"{_LAYOUTS[ctype]} for covariance_type={ctype!r}; got means {mu.shape} and "
                f"covariances {cov.shape}")
        if (w < 0).any():
            raise ValueError(f"mixture weights must be >= 0 and sum to 1, got {w}")
        with np.errstate(over="ignore"):
            total = w.sum()
        if not abs(total - 1.0) <= 1e-8:
            raise ValueError(f"mixture weights must be >= 0 and sum to 1, got {w} (sum {total:.6g}); "
                             "divide them by their sum")
        scale = np.abs(full).max()
        if np.abs(full - np.swapaxes(full, 1, 2)).max() > 1e-10 * scale:
            raise ValueError("covariances must be symmetric")
        typed = constrain_covariances(full, w, ctype)
        if np.abs(typed - full).max() > 1e-10 * scale:
            raise ValueError(
                f"covariances do not have the structure of covariance_type={ctype!r} ("
                + {"diag": "off-diagonal entries must be 0",
                   "spherical": "each must be a variance times the identity",
                   "tied": "all components must share one matrix"}[ctype]
                + "); pass covariance_type='full' or fix the covariances")
        object.__setattr__(self, "covariance_type", ctype)
        object.__setattr__(self, "weights", _read_only(w))
        object.__setattr__(self, "means", _read_only(mu))
        object.__setattr__(self, "covariances", _read_only(full))
        object.__setattr__(self, "_chol", _read_only(cholesky_factors(full)))

    @property
    def n_components(self):
        return self.weights.shape[0]

    @property
    def n_features(self):
        return self.means.shape[1]

    @property
    def n_parameters(self):
        """Free parameters: K-1 weights, K d means, and the covariance type's own count."""
        K, d = self.n_components, self.n_features
        return (K - 1) + K * d + n_covariance_parameters(self.covariance_type, K, d)

    @property
    def compact_covariances(self):
        """The covariances in scikit-learn's ``covariances_`` layout for this type:
        (K, d, d) full, (K, d) diag, (K,) spherical, (d, d) tied."""
        c = self.covariances
        return {"full": lambda: c.copy(), "diag": lambda: np.diagonal(c, axis1=1, axis2=2).copy(),
                "spherical": lambda: c[:, 0, 0].copy(), "tied": lambda: c[0].copy()}[self.covariance_type]()

    def _data(self, X):
        X = as_data(X)
        if X.shape[1] != self.n_features:
            raise ValueError(f"X has {X.shape[1]} features but the mixture has {self.n_features}")
        return X

    @ieee_errstate
    def component_log_density(self, X):
        """log N(x_i | mu_k, Sigma_k), shape (N, K)."""
        return component_log_density(self._data(X), self.means, self._chol)

    @ieee_errstate
    def weighted_log_density(self, X):
        """log pi_k + log N(x_i | mu_k, Sigma_k), shape (N, K)."""
        with np.errstate(divide="ignore"):
            return self.component_log_density(X) + np.log(self.weights)

    @ieee_errstate
    def log_density(self, X):
        """log p(x_i) = logsumexp_k (log pi_k + log N(x_i | k)), shape (N,)."""
        return logsumexp(self.weighted_log_density(X), axis=1)

    @ieee_errstate
    def log_likelihood(self, X, weights=None):
        """Total log-likelihood sum_i c_i log p(x_i) (c_i = 1 without weights)."""
        ld = self.log_density(X)
        return float(as_weights(weights, ld.shape[0]) @ ld)

    @ieee_errstate
    def score(self, X, weights=None):
        """Mean log-likelihood per point (per unit of weight); scikit-learn's ``score``."""
        ld = self.log_density(X)
        c = as_weights(weights, ld.shape[0])
        return float(c @ ld / c.sum())

    @ieee_errstate
    def responsibilities(self, X):
        """Posterior p(k | x_i), shape (N, K); rows sum to 1.

        With a_ik = log pi_k + log N(x_i | k) and m_i = max_k a_ik, p_ik = exp(a_ik - m_i) /
        sum_j exp(a_ij - m_i): the largest term of each row is exp(0) = 1, so a point far from
        every component still gets finite responsibilities (never 0/0).
        """
        X = self._data(X)
        a = self.weighted_log_density(X)
        top = a.max(axis=1, keepdims=True)
        with np.errstate(invalid="ignore", under="ignore"):
            # exp(a - max) / sum, not exp(a - logsumexp): when a is about -1e300, log 2 is lost
            # next to it and two equal terms would get 1 each
            resp = np.exp(a - top)
            resp /= resp.sum(axis=1, keepdims=True)
        far = ~np.isfinite(top[:, 0])
        if far.any():
            resp[far] = self._nearest(X[far])
        return resp

    def _nearest(self, X):
        """Responsibilities of points so far from every component that even their log-densities
        are -inf: in that limit the component nearest in Mahalanobis distance takes the point
        (ties share it). Distances are compared through their logs, which cannot overflow."""
        log_dist = np.full((X.shape[0], self.n_components), np.inf)
        for k in np.flatnonzero(self.weights > 0):
            y = X - self.means[k]
            top = np.abs(y).max(axis=1, keepdims=True)
            top = np.where(top > 0, top, 1.0)
            z = solve_triangular(self._chol[k], (y / top).T, lower=True, check_finite=False).T
            ztop = np.abs(z).max(axis=1, keepdims=True)
            ztop = np.where(ztop > 0, ztop, 1.0)
            log_dist[:, k] = (np.log(top[:, 0]) + np.log(ztop[:, 0])
                              + 0.5 * np.log(np.einsum("ij,ij->i", z / ztop, z / ztop)))
        best = log_dist == log_dist.min(axis=1, keepdims=True)
        return best / best.sum(axis=1, keepdims=True)

    @ieee_errstate
    def predict(self, X):
        """Hard labels: the component with the largest posterior (weights included)."""
        return np.argmax(self.weighted_log_density(X), axis=1)

    @ieee_errstate
    def sample(self, n, random_state=0):
        """Draw n points; returns (X, labels). Seeded: the same random_state gives the same points."""
        n = validate_int(n, "n", "[0, 100000000]", hint="the number of points to draw")
        rng = validate_random_state(random_state)
        labels = rng.choice(self.n_components, size=n, p=self.weights)
        z = rng.standard_normal((n, self.n_features))
        X = self.means[labels] + np.einsum("nij,nj->ni", self._chol[labels], z)
        return X, labels

    @ieee_errstate
    def bic(self, X, weights=None):
        """Bayesian information criterion: -2 log L + p log N (lower is better)."""
        c = as_weights(weights, self._data(X).shape[0])
        return -2 * self.log_likelihood(X, c) + self.n_parameters * np.log(c.sum())

    @ieee_errstate
    def aic(self, X, weights=None):
        """Akaike information criterion: -2 log L + 2 p (lower is better)."""
        return -2 * self.log_likelihood(X, weights) + 2 * self.n_parameters

    def __repr__(self):
        kind = "" if self.covariance_type == "full" else f", covariance_type={self.covariance_type!r}"
        return (f"Mixture(K={self.n_components}, d={self.n_features}{kind}, "
                f"weights={np.array2string(self.weights, precision=3)})")
