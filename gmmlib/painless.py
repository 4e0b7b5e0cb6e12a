"""Painless EM: the textbook algorithm made robust (ALGORITHMS.md section 2).

What changes with respect to ``naive.py``, and why:
1. densities stay in the log domain (a Cholesky factor, never an inverse), so nothing underflows;
2. the mixture density is a logsumexp, so a point far from every component still gets finite
   responsibilities;
3. after each M-step a covariance whose reciprocal condition number is <= 1e-10 (or whose
   variance fell under a floor) is replaced by a well-conditioned diagonal one, and the
   history says where;
4. a component that owns no point is restarted on the worst-explained point;
5. the start comes from K-means with Forgy seeds and restarts;
6. the data are whitened (centred, divided by each feature's standard deviation) before all
   of this and the result is mapped back, so pixel values and tiny measurements behave alike.
"""
import numpy as np

from ._checks import as_data, as_weights, check_K
from .history import EMResult, GuardEvent, History
from .init import INIT_METHODS, equal_range_init, kmeans_init
from .mixture import LOG_2PI, Mixture, cholesky_factors, component_log_density

RCOND_MIN = 1e-10
EPS = np.finfo(np.float64).eps


def rcond(cov):
    """Reciprocal condition number in the 1-norm: 1 / (||S||_1 ||S^-1||_1); 0 for a singular S."""
    if not np.isfinite(cov).all():
        return 0.0
    try:
        inv = np.linalg.inv(cov)
    except np.linalg.LinAlgError:
        return 0.0
    value = 1.0 / (np.abs(cov).sum(axis=0).max() * np.abs(inv).sum(axis=0).max())
    return float(value) if np.isfinite(value) else 0.0


def guard_covariance(cov, var_floor, rcond_min=RCOND_MIN):
    """Return (covariance, reason, rcond): the input when healthy, else a diagonal replacement.

    The replacement keeps each feature's own variance where it is above the floor and uses
    the floor elsewhere. In whitened units every feature has variance 1, so with the default
    floor 1e-6 the replacement's condition number is at most about 1e6: far from singular.
    """
    r = rcond(cov)
    diag = np.diagonal(cov)
    if r > rcond_min and diag.min() >= var_floor:
        try:
            np.linalg.cholesky(cov)
            return cov, None, r
        except np.linalg.LinAlgError:
            reason = "covariance not positive definite"
    elif r <= rcond_min:
        reason = f"RCOND = {r:.3g} <= {rcond_min:g} (nearly singular covariance)"
    else:
        reason = f"a variance of {diag.min():.3g} fell below the floor {var_floor:.3g}"
    safe = np.where(np.isfinite(diag), diag, var_floor)
    return np.diag(np.maximum(safe, var_floor)), reason, r


class Whitener:
    """z = (x - mean) / std per feature; a constant feature keeps std 1 (no division by zero)."""

    def __init__(self, X, weights, enabled=True):
        d = X.shape[1]
        if enabled:
            c = weights / weights.sum()
            self.mean = c @ X
            std = np.sqrt(c @ (X - self.mean) ** 2)
            self.std = np.where(std > 0, std, 1.0)
        else:
            self.mean, self.std = np.zeros(d), np.ones(d)
        self.log_det = float(np.log(self.std).sum())  # log |dz/dx|^-1, for the likelihood

    def forward(self, X):
        return (X - self.mean) / self.std

    def to_white(self, mix):
        s = self.std
        return Mixture(mix.weights, (mix.means - self.mean) / s,
                       mix.covariances / s[:, None] / s[None, :])

    def from_white(self, weights, means, covariances):
        s = self.std
        return weights, means * s + self.mean, covariances * s[:, None] * s[None, :]


def quadratic_features(Z):
    """Rows [z_a z_b for a <= b, z, 1], shape (F, N): the quadratic form becomes one product.

    Points run along the last axis (K x N layout everywhere below) because numpy reduces over
    K = 3..5 components far faster along the first axis than along the last.
    """
    d = Z.shape[1]
    a, b = np.triu_indices(d)
    return np.vstack([Z[:, a].T * Z[:, b].T, Z.T, np.ones((1, Z.shape[0]))])


def log_density_expanded(PhiT, Z_sqmax, means, chol):
    """Component log-densities from the expanded quadratic form, shape (K, N).

    (z-mu)^T P (z-mu) = sum_ab P_ab z_a z_b - 2 (P mu)^T z + mu^T P mu, P = Sigma^-1, so all
    K components cost one (K x F) @ (F x N) product. Expanding loses digits when ||P|| |z|^2
    is large; such a component (bound below) is computed in the Cholesky form instead.
    """
    K, d = means.shape
    a, b = np.triu_indices(d)
    coef = np.empty((K, PhiT.shape[0]))
    log_det = np.empty(K)
    exact = []
    for k in range(K):
        Linv = np.linalg.inv(chol[k])
        P = Linv.T @ Linv
        Pmu = P @ means[k]
        coef[k, : a.size] = np.where(a == b, 1.0, 2.0) * P[a, b]
        coef[k, a.size:a.size + d] = -2.0 * Pmu
        coef[k, -1] = means[k] @ Pmu
        log_det[k] = 2.0 * np.log(np.diagonal(chol[k])).sum()
        # Rounding error of the expanded sum is about eps * ||P|| (|z|^2 + |mu|^2) * a few.
        if 8 * EPS * np.abs(P).sum() * (Z_sqmax + means[k] @ means[k]) > 1e-7:
            exact.append(k)
    out = coef @ PhiT
    np.maximum(out, 0.0, out=out)
    out += (d * LOG_2PI + log_det)[:, None]
    out *= -0.5
    if exact:
        Z = PhiT[a.size:a.size + d].T
        out[exact] = component_log_density(Z, means[exact], chol[exact]).T
    return out


def e_step(PhiT, Z_sqmax, weights, means, chol):
    """Responsibilities (K, N) and per-point log-likelihoods (N,), all through logsumexp.

    a_ki = log pi_k + log N(z_i | k);  l_i = m_i + log sum_k exp(a_ki - m_i);  p_ki = exp(a_ki - l_i).
    Only non-positive numbers are exponentiated (exp is both safe and fastest there).
    """
    a = log_density_expanded(PhiT, Z_sqmax, means, chol)
    with np.errstate(divide="ignore"):
        a += np.log(weights)[:, None]
    m = a.max(axis=0)
    a -= m
    np.exp(a, out=a)
    s = a.sum(axis=0)
    a /= s
    log_p = np.log(s)
    log_p += m
    return a, log_p


def m_step(Z, PhiT, c, resp, reg):
    """Weighted M-step: N_k = sum c p;  mu = sum c p z / N_k;  Sigma = sum c p (z-mu)(z-mu)^T / N_k.

    The sums come from one product (c p) Phi^T (second moments about the origin, which the
    whitening put at the data's centre). A component whose variance is small next to its
    squared distance from the centre would lose digits in E[zz^T] - mu mu^T, so it is
    recomputed about its own mean.
    """
    K, d = resp.shape[0], Z.shape[1]
    a, b = np.triu_indices(d)
    cr = resp if c is None else resp * c
    moments = cr @ PhiT.T  # (K, F): [sum zz, sum z, sum 1]
    Nk = moments[:, -1].copy()
    safe = np.where(Nk > 0, Nk, 1.0)[:, None]
    means = moments[:, a.size:a.size + d] / safe
    second = np.zeros((K, d, d))
    second[:, a, b] = moments[:, : a.size] / safe
    second[:, b, a] = second[:, a, b]
    covs = second - means[:, :, None] * means[:, None, :]
    for k in range(K):
        if Nk[k] > 0 and np.diagonal(covs[k]).min() < 1e-6 * (means[k] @ means[k] + 1):
            D = Z - means[k]
            covs[k] = (D * cr[k][:, None]).T @ D / Nk[k]
    covs += reg
    return Nk, means, covs


def converged_by(ll_old, ll_new, tol):
    """The stopping rule: the log-likelihood grew by less than a relative ``tol``."""
    return tol is not None and (ll_new - ll_old) < tol * abs(ll_old)


def resolve_init(init, X, weights, K, rng, var_floor, n_init=5, low=None, high=None):
    """A starting Mixture from a method name or a given Mixture (checked against K and d)."""
    if isinstance(init, Mixture):
        if init.n_components != K or init.n_features != X.shape[1]:
            raise ValueError(f"the starting mixture has K={init.n_components}, d={init.n_features} "
                             f"but K={K} and the data have d={X.shape[1]}")
        return init
    if init == "kmeans":
        return kmeans_init(X, weights, K, rng, var_floor, n_init=n_init)
    if init == "equal-range":
        return equal_range_init(X, weights, K, low=low, high=high, var_floor=var_floor)
    raise ValueError(f"init must be one of {INIT_METHODS} or a gmmlib.Mixture, got {init!r}")


def painless_em(X, K, weights=None, init="kmeans", max_iter=100, tol=1e-4, random_state=0,
                whiten=True, reg_covar=0.0, var_floor=1e-6, n_init=5, init_range=None):
    """Fit a K-component Gaussian mixture by robust EM.

    Parameters
    ----------
    X : (N, d) or (N,) data; uint8 pixels are fine (converted to float64)
    K : number of components, 1 <= K <= number of distinct points
    weights : (N,) counts per point (e.g. a histogram), default all 1
    init : "kmeans" (Forgy starts, ``n_init`` restarts), "equal-range" (1-D: cut the range
        into K equal parts; ``init_range=(0, 255)`` for intensities) or a Mixture
    max_iter : at most this many EM iterations (M-steps)
    tol : stop when the log-likelihood grows by less than ``tol`` relative; None never stops early
    random_state : seed of the K-means starts
    whiten : fit in whitened coordinates (recommended)
    reg_covar : added to every covariance diagonal after each M-step, in data units
        (scikit-learn's ``reg_covar``)
    var_floor : the guard's variance floor as a fraction of each feature's variance

    Returns
    -------
    EMResult with ``.mixture``, ``.history``, ``.log_likelihood``, ``.converged``, ``.n_iter``,
    ``.failure`` (always None here) and the guard events in ``.history.events``.

    Examples
    --------
    >>> X = np.r_[np.zeros(50), np.ones(50) * 10] + np.random.default_rng(0).normal(size=100)
    >>> painless_em(X, 2).mixture.means.ravel().round(1).tolist()
    [0.0, 10.0]
    """
    X = as_data(X)
    c = as_weights(weights, X.shape[0])
    K = check_K(K, X, c)
    if not (isinstance(max_iter, (int, np.integer)) and max_iter >= 0):
        raise ValueError(f"max_iter must be a whole number >= 0, got {max_iter!r}")
    rng = np.random.default_rng(random_state)
    W = Whitener(X, c, enabled=whiten)
    Z = W.forward(X)
    low, high = init_range if init_range is not None else (None, None)
    start = resolve_init(init, X if init == "equal-range" else Z, c, K, rng,
                         var_floor * (np.cov(X[:, 0], aweights=c) if init == "equal-range" and X.shape[0] > 1 else 1.0),
                         n_init=n_init, low=low, high=high)
    if isinstance(init, Mixture) or init == "equal-range":
        start = W.to_white(start)
    reg = np.diag(np.broadcast_to(np.asarray(reg_covar, dtype=np.float64), (X.shape[1],)) / W.std ** 2)

    PhiT = quadratic_features(Z)
    c_or_none = None if np.all(c == 1) else c
    Z_sqmax = float(np.einsum("ij,ij->i", Z, Z).max())
    total = c.sum()
    ll_shift = -total * W.log_det  # log-likelihood in data units = whitened one + this

    history = History()
    weights_k, means, covs = start.weights, start.means, start.covariances
    history.append(*W.from_white(weights_k, means, covs))
    chol = cholesky_factors(covs)
    converged, n_iter, ll_prev = False, 0, None
    for it in range(1, max_iter + 2):
        resp, log_p = e_step(PhiT, Z_sqmax, weights_k, means, chol)
        ll = float(c @ log_p) + ll_shift
        history.log_likelihood[-1] = ll
        if ll_prev is not None and converged_by(ll_prev, ll, tol):
            converged = True
            break
        if it > max_iter:
            break
        Nk, means, covs = m_step(Z, PhiT, c_or_none, resp, reg)
        for k in range(K):
            if Nk[k] <= 1e-12 * total:
                # An empty component: restart it on the point the mixture explains worst.
                worst = int(np.argmin(np.where(c > 0, log_p, np.inf)))
                means[k] = Z[worst]
                covs[k] = np.eye(Z.shape[1])
                Nk[k] = total / (K * Z.shape[0])
                history.events.append(GuardEvent(it, k, float("nan"),
                                                 "owned no point; restarted on the worst-fitted point"))
                continue
            covs[k], reason, r = guard_covariance(covs[k], var_floor)
            if reason:
                history.events.append(GuardEvent(it, k, r, reason))
        weights_k = Nk / Nk.sum()
        chol = cholesky_factors(covs)
        history.append(*W.from_white(weights_k, means, covs))
        n_iter, ll_prev = it, ll
    history.freeze()
    return EMResult(history.mixture(-1), history, float(history.log_likelihood[-1]),
                    converged, n_iter, None, "painless")
