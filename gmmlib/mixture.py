"""A Gaussian mixture: weights, means and full covariances, and the densities they define.

Everything is evaluated in the log domain with a Cholesky factor of each covariance
(never an explicit inverse): notebook 02 shows why.
"""
from dataclasses import dataclass

import numpy as np
from scipy.linalg import solve_triangular

from ._checks import as_data, as_weights

LOG_2PI = np.log(2 * np.pi)


def logsumexp(a, axis=-1):
    """log(sum(exp(a))) along ``axis`` without underflow or overflow.

    l = m + log sum_k exp(a_k - m) with m = max_k a_k, so the largest term is exp(0) = 1
    and the sum can never be 0. A row of -inf stays -inf.
    """
    a = np.asarray(a, dtype=np.float64)
    m = np.max(a, axis=axis, keepdims=True)
    m = np.where(np.isfinite(m), m, 0.0)
    with np.errstate(under="ignore"):
        s = np.sum(np.exp(a - m), axis=axis, keepdims=True)
    with np.errstate(divide="ignore"):
        out = np.log(s) + m
    return np.squeeze(out, axis=axis)


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


@dataclass(frozen=True, eq=False)
class Mixture:
    """K weighted Gaussians in d dimensions.

    Parameters
    ----------
    weights : (K,) mixing weights pi_k, positive, summing to 1
    means : (K, d) component means mu_k
    covariances : (K, d, d) symmetric positive-definite covariances Sigma_k

    Examples
    --------
    >>> m = Mixture([0.5, 0.5], [[0.0], [5.0]], [[[1.0]], [[1.0]]])
    >>> m.predict([[0.2], [4.0]]).tolist()
    [0, 1]
    """

    weights: np.ndarray
    means: np.ndarray
    covariances: np.ndarray

    def __post_init__(self):
        w = np.asarray(self.weights, dtype=np.float64).reshape(-1)
        mu = np.asarray(self.means, dtype=np.float64)
        if mu.ndim == 1:  # K means of a 1-D mixture
            mu = mu[:, None]
        K, d = w.shape[0], mu.shape[-1]
        cov = np.asarray(self.covariances, dtype=np.float64)
        if cov.ndim == 1 and d == 1:  # K variances of a 1-D mixture
            cov = cov[:, None, None]
        if mu.shape != (K, d) or cov.shape != (K, d, d):
            raise ValueError(f"a mixture of K={K} components needs means of shape ({K}, d) and "
                             f"covariances ({K}, d, d); got {mu.shape} and {cov.shape}")
        for name, a in (("weights", w), ("means", mu), ("covariances", cov)):
            if not np.isfinite(a).all():
                raise ValueError(f"mixture {name} contain NaN or infinity")
        if (w < 0).any() or abs(w.sum() - 1.0) > 1e-8:
            raise ValueError(f"mixture weights must be >= 0 and sum to 1, got {w} (sum {w.sum()})")
        if np.abs(cov - np.swapaxes(cov, 1, 2)).max() > 1e-10 * np.abs(cov).max():
            raise ValueError("covariances must be symmetric")
        object.__setattr__(self, "weights", w)
        object.__setattr__(self, "means", mu)
        object.__setattr__(self, "covariances", cov)
        object.__setattr__(self, "_chol", cholesky_factors(cov))

    @property
    def n_components(self):
        return self.weights.shape[0]

    @property
    def n_features(self):
        return self.means.shape[1]

    @property
    def n_parameters(self):
        """Free parameters: K-1 weights, K d means, K d(d+1)/2 covariance entries."""
        K, d = self.n_components, self.n_features
        return (K - 1) + K * d + K * d * (d + 1) // 2

    def _data(self, X):
        X = as_data(X)
        if X.shape[1] != self.n_features:
            raise ValueError(f"X has {X.shape[1]} features but the mixture has {self.n_features}")
        return X

    def component_log_density(self, X):
        """log N(x_i | mu_k, Sigma_k), shape (N, K)."""
        return component_log_density(self._data(X), self.means, self._chol)

    def weighted_log_density(self, X):
        """log pi_k + log N(x_i | mu_k, Sigma_k), shape (N, K)."""
        with np.errstate(divide="ignore"):
            return self.component_log_density(X) + np.log(self.weights)

    def log_density(self, X):
        """log p(x_i) = logsumexp_k (log pi_k + log N(x_i | k)), shape (N,)."""
        return logsumexp(self.weighted_log_density(X), axis=1)

    def log_likelihood(self, X, weights=None):
        """Total log-likelihood sum_i c_i log p(x_i) (c_i = 1 without weights)."""
        ld = self.log_density(X)
        return float(as_weights(weights, ld.shape[0]) @ ld)

    def score(self, X, weights=None):
        """Mean log-likelihood per point (per unit of weight); scikit-learn's ``score``."""
        ld = self.log_density(X)
        c = as_weights(weights, ld.shape[0])
        return float(c @ ld / c.sum())

    def responsibilities(self, X):
        """Posterior p(k | x_i), shape (N, K); rows sum to 1."""
        a = self.weighted_log_density(X)
        return np.exp(a - logsumexp(a, axis=1)[:, None])

    def predict(self, X):
        """Hard labels: the component with the largest posterior (weights included)."""
        return np.argmax(self.weighted_log_density(X), axis=1)

    def sample(self, n, random_state=0):
        """Draw n points; returns (X, labels). Seeded: the same random_state gives the same points."""
        if not isinstance(n, (int, np.integer)) or n < 0:
            raise ValueError(f"n must be a whole number >= 0, got {n!r}")
        rng = np.random.default_rng(random_state)
        labels = rng.choice(self.n_components, size=n, p=self.weights)
        z = rng.standard_normal((n, self.n_features))
        X = self.means[labels] + np.einsum("nij,nj->ni", self._chol[labels], z)
        return X, labels

    def bic(self, X, weights=None):
        """Bayesian information criterion: -2 log L + p log N (lower is better)."""
        c = as_weights(weights, self._data(X).shape[0])
        return -2 * self.log_likelihood(X, c) + self.n_parameters * np.log(c.sum())

    def aic(self, X, weights=None):
        """Akaike information criterion: -2 log L + 2 p (lower is better)."""
        return -2 * self.log_likelihood(X, weights) + 2 * self.n_parameters

    def __repr__(self):
        return (f"Mixture(K={self.n_components}, d={self.n_features}, "
                f"weights={np.array2string(self.weights, precision=3)})")
