"""The EM steps as the textbook writes them: read these beside the formulas.

Data x_i (N points, d features, optional counts c_i), K components with weight pi_k, mean mu_k
and covariance Sigma_k. One line of maths is one line of code; nothing here is optimised.
``naive_em`` is these steps in a loop (with the densities taken literally, to show where that
breaks); ``painless_em`` runs the same maths through the one-product kernels of ``fast.py``, and
tests/test_steps.py proves the two agree to 1e-12. The exercise checkers grade against these
functions.

Shapes: X (N, d), responsibilities (N, K) (one row per point, one column per component),
weights (K,), means (K, d), covariances (K, d, d) whatever the covariance type.
"""
import numpy as np
from scipy.linalg import solve_triangular
from scipy.special import logsumexp

from .mixture import LOG_2PI, constrain_covariances



def gaussian_density(X, mean, cov):
    """N(x_i | mu, Sigma) for every row of X, shape (N,), exactly as the formula is written:

        N(x | mu, Sigma) = exp(-1/2 (x - mu)^T Sigma^-1 (x - mu)) / sqrt((2 pi)^d det Sigma)

    with an explicit inverse and determinant. ``naive_em`` uses it, and notebook 03 shows where
    it breaks: the exponential underflows to 0.0 far from mu, det Sigma underflows or overflows
    in many dimensions, and the inverse of a singular Sigma does not exist. ``log_gaussian`` is
    the form that does not break.
    """
    d = X.shape[1]
    diff = X - mean
    quad = np.sum(diff @ np.linalg.inv(cov) * diff, axis=1)
    with np.errstate(under="ignore", over="ignore", invalid="ignore", divide="ignore"):
        return np.exp(-0.5 * quad) / np.sqrt((2 * np.pi) ** d * np.linalg.det(cov))


def log_gaussian(X, mean, cov):
    """log N(x_i | mu, Sigma) for every row of X, shape (N,).

        log N(x | mu, Sigma) = -1/2 [ d log 2 pi + log det Sigma + (x - mu)^T Sigma^-1 (x - mu) ]

    With the Cholesky factor Sigma = L L^T: log det Sigma = 2 sum_j log L_jj, and the quadratic
    form is |y|^2 where L y = x - mu (a triangular solve, never an inverse: notebook 03 says why).
    """
    d = X.shape[1]
    L = np.linalg.cholesky(cov)
    y = solve_triangular(L, (X - mean).T, lower=True)
    log_det = 2.0 * np.log(np.diagonal(L)).sum()
    return -0.5 * (d * LOG_2PI + log_det + (y * y).sum(axis=0))


def log_joint(X, weights, means, covariances):
    """a_ik = log pi_k + log N(x_i | mu_k, Sigma_k), shape (N, K).

    A weight of 0 gives log 0 = -inf: that component can explain no point.
    """
    with np.errstate(divide="ignore"):
        log_w = np.log(weights)
    return np.column_stack([log_w[k] + log_gaussian(X, means[k], covariances[k])
                            for k in range(len(weights))])


def e_step(X, weights, means, covariances):
    """Responsibilities and per-point log-likelihoods: (r (N, K), log p(x_i) (N,)).

        log p(x_i) = log sum_k pi_k N(x_i | mu_k, Sigma_k) = logsumexp_k a_ik
        r_ik = pi_k N(x_i | mu_k, Sigma_k) / p(x_i) = exp(a_ik - log p(x_i))

    In logs, so that a point far from every component still gets responsibilities that sum to 1.
    """
    a = log_joint(X, weights, means, covariances)
    log_p = logsumexp(a, axis=1)
    return np.exp(a - log_p[:, None]), log_p


def log_likelihood(X, weights, means, covariances, sample_weight=None):
    """sum_i c_i log p(x_i): the (weighted) log-likelihood of the data, a number."""
    _, log_p = e_step(X, weights, means, covariances)
    c = np.ones(len(X)) if sample_weight is None else np.asarray(sample_weight, dtype=np.float64)
    return float(c @ log_p)


def covariances_full(X, cr, Nk, means):
    """Sigma_k = sum_i c_i r_ik (x_i - mu_k)(x_i - mu_k)^T / N_k, each component its own matrix."""
    K, d = means.shape
    covs = np.empty((K, d, d))
    for k in range(K):
        diff = X - means[k]
        covs[k] = (cr[:, k, None] * diff).T @ diff / Nk[k]
    return covs


def m_step(X, resp, sample_weight=None, covariance_type="full", ridge=None):
    """New parameters from responsibilities: (weights (K,), means (K, d), covariances (K, d, d)).

        N_k = sum_i c_i r_ik          pi_k = N_k / sum_i c_i          mu_k = sum_i c_i r_ik x_i / N_k
        Sigma_k = sum_i c_i r_ik (x_i - mu_k)(x_i - mu_k)^T / N_k       (+ Lambda / N_k with a ridge)

    ``covariance_type`` then keeps the free numbers of each Sigma_k (``constrain_covariances``:
    the diagonal for "diag", tr / d for "spherical", sum_k N_k Sigma_k / N for "tied").
    ``ridge`` (d,) is the diagonal of painless EM's Lambda: with it the M-step maximises the
    log-likelihood minus 1/2 sum_k tr(Lambda Sigma_k^-1) (``covariance_penalty``), which adds
    Lambda / N_k to every component's scatter before the covariance type is applied.
    """
    X = np.asarray(X, dtype=np.float64)
    c = np.ones(len(X)) if sample_weight is None else np.asarray(sample_weight, dtype=np.float64)
    cr = c[:, None] * resp                      # c_i r_ik
    Nk = cr.sum(axis=0)
    means = cr.T @ X / Nk[:, None]
    covs = covariances_full(X, cr, Nk, means)
    if ridge is not None:
        covs += np.diag(ridge) / Nk[:, None, None]
    return Nk / c.sum(), means, constrain_covariances(covs, Nk, covariance_type)


def covariance_penalty(covariances, ridge):
    """1/2 sum_k tr(Lambda Sigma_k^-1), Lambda = diag(ridge): what painless EM subtracts from log L.

    It grows without bound as any Sigma_k becomes singular, so log L minus it has a maximum.
    """
    return 0.5 * sum(float(np.trace(np.diag(ridge) @ np.linalg.inv(cov))) for cov in covariances)


def objective(X, weights, means, covariances, sample_weight=None, ridge=None):
    """What painless EM climbs: log L(theta) - 1/2 sum_k tr(Lambda Sigma_k^-1) (log L with no ridge)."""
    ll = log_likelihood(X, weights, means, covariances, sample_weight)
    return ll if ridge is None else ll - covariance_penalty(covariances, ridge)
