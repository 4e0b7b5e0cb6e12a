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
from .mixture import LOG_2PI, Mixture, component_log_density

RCOND_MIN = 1e-10
EPS = np.finfo(np.float64).eps


def rcond(cov):
    """Reciprocal condition number in the 1-norm: 1 / (||S||_1 ||S^-1||_1); 0 for a singular S.

    The 1-norm is the largest absolute column sum. RCOND near 1 means well conditioned; near
    machine epsilon (2e-16) means the matrix is numerically singular.
    """
    cov = np.asarray(cov, dtype=np.float64)
    if not np.isfinite(cov).all():
        return 0.0
    try:
        inv = np.linalg.inv(cov)
    except np.linalg.LinAlgError:
        return 0.0
    value = 1.0 / (np.abs(cov).sum(axis=0).max() * np.abs(inv).sum(axis=0).max())
    return float(value) if np.isfinite(value) else 0.0


def rcond_batch(covs):
    """``rcond`` of each of K covariances (K, d, d) at once."""
    if covs.shape[-1] == 1:  # a 1 x 1 matrix is perfectly conditioned unless it is 0
        v = covs[:, 0, 0]
        return np.where(np.isfinite(v) & (v > 0), 1.0, 0.0)
    try:
        inv = np.linalg.inv(covs)
    except np.linalg.LinAlgError:
        return np.array([rcond(c) for c in covs])
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        r = 1.0 / (np.abs(covs).sum(axis=1).max(axis=1) * np.abs(inv).sum(axis=1).max(axis=1))
    return np.where(np.isfinite(r), r, 0.0)


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


def guard_covariances(covs, var_floor, rcond_min=RCOND_MIN):
    """Apply ``guard_covariance`` to the components that need it; returns [(k, reason, rcond)].

    Healthy components (the usual case) cost a few batched numpy calls and no Python loop.
    """
    if covs.shape[-1] == 1:  # a 1 x 1 covariance is perfectly conditioned unless below the floor
        v = covs[:, 0, 0]
        if (v >= var_floor).all():  # also False for NaN
            return np.sqrt(covs), []
    r = rcond_batch(covs)
    diag_min = np.diagonal(covs, axis1=1, axis2=2).min(axis=1)
    suspect = (r <= rcond_min) | ~(diag_min >= var_floor)
    events = []
    for k in np.flatnonzero(suspect) if suspect.any() else ():
        covs[k], reason, rk = guard_covariance(covs[k], var_floor, rcond_min)
        if reason:
            events.append((int(k), reason, rk))
    try:
        chol = cholesky(covs)
    except np.linalg.LinAlgError:  # rounding left one indefinite although well conditioned
        for k in range(covs.shape[0]):
            covs[k], reason, rk = guard_covariance(covs[k], var_floor, rcond_min)
            if reason:
                events.append((k, reason, rk))
        chol = cholesky(covs)
    return chol, events


def cholesky(covs):
    """Lower Cholesky factors of K covariances at once (a square root when d = 1)."""
    if covs.shape[-1] == 1:
        if not (covs > 0).all():
            raise np.linalg.LinAlgError("a variance is not positive")
        return np.sqrt(covs)
    return np.linalg.cholesky(covs)


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
        self.log_det = float(np.log(self.std).sum())  # log |dx/dz|, for the likelihood

    def forward(self, X):
        return (X - self.mean) / self.std

    def to_white(self, mix):
        """(weights, means, covariances) of a data-unit Mixture, in whitened units."""
        s = self.std
        return mix.weights, (mix.means - self.mean) / s, mix.covariances / s[:, None] / s[None, :]

    def from_white(self, means, covariances):
        """Map means (..., d) and covariances (..., d, d) back: mu = s mu_w + m, Sigma = S Sigma_w S."""
        s = self.std
        return means * s + self.mean, covariances * s[:, None] * s[None, :]


class QuadraticFeatures:
    """The data prepared once per fit: rows [z_a z_b for a <= b, z, 1], shape (F, N).

    With them the quadratic form of every component is one matrix product (E-step) and all the
    weighted sums of the M-step are another. Points run along the last axis (K x N layout)
    because numpy reduces over K = 3..5 components far faster along the first axis.
    """

    def __init__(self, Z, weights):
        N, d = Z.shape
        self.d = d
        self.a, self.b = np.triu_indices(d)
        self.n_pairs = self.a.size
        self.pair_factor = np.where(self.a == self.b, 1.0, 2.0)
        self.Z = Z
        self.PhiT = np.vstack([Z[:, self.a].T * Z[:, self.b].T, Z.T, np.ones((1, N))])
        self.weights = None if np.all(weights == 1) else weights
        self.sqmax = float(np.einsum("ij,ij->i", Z, Z).max())
        # flat positions of (a, b) and (b, a) in a d x d matrix, to fill covariances in one go
        self.upper = self.a * d + self.b
        self.lower = self.b * d + self.a


def log_density_expanded(feat, means, chol, log_weights=0.0):
    """log pi_k + log N(z_i | mu_k, Sigma_k) for all components and points, shape (K, N).

    (z-mu)^T P (z-mu) = sum_ab P_ab z_a z_b - 2 (P mu)^T z + mu^T P mu with P = Sigma^-1 = L^-T L^-1,
    so, with the constants folded into the coefficient of the row of ones, all K components
    cost one (K x F) @ (F x N) product. Expanding loses digits when ||P|| |z|^2 is large;
    such a component (bound below) is recomputed in the Cholesky form.
    """
    K, d = means.shape
    if d == 1:  # the Cholesky factor is the standard deviation: the exact form is as cheap
        sd = chol[:, 0, 0]
        out = feat.PhiT[1] - means
        out /= sd[:, None]
        out *= out
        out *= -0.5
        out += (log_weights - 0.5 * LOG_2PI - np.log(sd))[:, None]
        return out
    Linv = np.linalg.inv(chol)
    P = np.swapaxes(Linv, 1, 2) @ Linv
    Pmu = np.einsum("kab,kb->ka", P, means)
    log_det = 2.0 * np.log(np.diagonal(chol, axis1=1, axis2=2)).sum(axis=1)
    coef = np.empty((K, feat.PhiT.shape[0]))
    coef[:, : feat.n_pairs] = -0.5 * feat.pair_factor * P[:, feat.a, feat.b]
    coef[:, feat.n_pairs:-1] = Pmu
    coef[:, -1] = log_weights - 0.5 * (d * LOG_2PI + log_det + np.einsum("ka,ka->k", means, Pmu))
    out = coef @ feat.PhiT
    # Rounding error of the expanded sum is about eps * ||P|| (|z|^2 + |mu|^2) times a few.
    err = 8 * EPS * np.abs(P).sum(axis=(1, 2)) * (feat.sqmax + np.einsum("ka,ka->k", means, means))
    exact = err > 1e-7
    if exact.any():
        out[exact] = (component_log_density(feat.Z, means[exact], chol[exact]).T
                      + np.broadcast_to(log_weights, (K,))[exact, None])
    return out


def e_step(feat, log_weights, means, chol):
    """Responsibilities (K, N) and per-point log-likelihoods (N,), all through logsumexp.

    a_ki = log pi_k + log N(z_i | k);  l_i = m_i + log sum_k exp(a_ki - m_i);  p_ki = exp(a_ki - l_i).
    Only non-positive numbers are exponentiated (exp is both safe and fastest there).
    """
    a = log_density_expanded(feat, means, chol, log_weights)
    m = a.max(axis=0)
    a -= m
    np.exp(a, out=a)
    s = a.sum(axis=0)
    a /= s
    log_p = np.log(s)
    log_p += m
    return a, log_p


def m_step(feat, resp, reg):
    """Weighted M-step: N_k = sum c p;  mu = sum c p z / N_k;  Sigma = sum c p (z-mu)(z-mu)^T / N_k.

    The sums come from one product (c p) Phi^T, i.e. second moments about the origin, which the
    whitening put at the data's centre. A component whose variance is small next to its squared
    distance from the centre would lose digits in E[zz^T] - mu mu^T, so it is recomputed about
    its own mean.
    """
    K, d = resp.shape[0], feat.d
    cr = resp if feat.weights is None else resp * feat.weights
    if d == 1:  # the textbook two-pass form: exact, and only a few numpy calls
        Nk = cr.sum(axis=1)
        safe = np.where(Nk > 0, Nk, 1.0)
        means = (cr @ feat.PhiT[1]) / safe
        D = feat.PhiT[1] - means[:, None]
        D *= D
        D *= cr
        return Nk, means[:, None], (D.sum(axis=1) / safe + reg[0, 0])[:, None, None]
    moments = cr @ feat.PhiT.T  # (K, F): [sums of z_a z_b, sums of z, sum of weights]
    Nk = moments[:, -1].copy()
    safe = np.where(Nk > 0, Nk, 1.0)[:, None]
    means = moments[:, feat.n_pairs:-1] / safe
    flat = np.empty((K, d * d))
    flat[:, feat.upper] = moments[:, : feat.n_pairs] / safe
    flat[:, feat.lower] = flat[:, feat.upper]
    covs = flat.reshape(K, d, d)
    covs -= means[:, :, None] * means[:, None, :]
    # E[zz^T] - mu mu^T carries an absolute rounding error of about eps (|mu|^2 + 1); relative to
    # the thinnest direction of Sigma (eigenvalue ~ RCOND ||Sigma||_1) it must stay below 1e-10.
    thinnest = rcond_batch(covs) * np.abs(covs).sum(axis=1).max(axis=1)
    small = 1e-10 * thinnest < EPS * (np.einsum("ka,ka->k", means, means) + 1)
    small &= Nk > 0
    for k in np.flatnonzero(small) if small.any() else ():
        owned = np.flatnonzero(cr[k])  # a tight component owns few points: sum over those only
        D = feat.Z[owned] - means[k]
        covs[k] = (D * cr[k, owned][:, None]).T @ D / Nk[k]
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
    >>> sorted(painless_em(X, 2).mixture.means.ravel().round(1).tolist())
    [0.1, 10.0]
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
    if isinstance(init, Mixture) or init == "equal-range":  # starts given in data units
        start = resolve_init(init, X, c, K, rng, var_floor * W.std ** 2, low=low, high=high)
        weights_k, means, covs = W.to_white(start)
    else:  # K-means runs on the whitened data
        start = resolve_init(init, Z, c, K, rng, var_floor, n_init=n_init)
        weights_k, means, covs = start.weights, start.means, start.covariances
    covs = covs.copy()
    reg = np.diag(np.broadcast_to(np.asarray(reg_covar, dtype=np.float64), (X.shape[1],)) / W.std ** 2)

    feat = QuadraticFeatures(Z, c)
    total = c.sum()
    ll_shift = -total * W.log_det  # log-likelihood in data units = whitened one + this

    history = History()  # filled in whitened units, mapped back once at the end
    chol, events = guard_covariances(covs, var_floor)
    history.events.extend(GuardEvent(0, k, r, reason) for k, reason, r in events)
    history.append(weights_k, means, covs)
    converged, n_iter, ll_prev = False, 0, None
    for it in range(1, max_iter + 2):
        log_weights = np.log(np.maximum(weights_k, 1e-300))  # a weight of 0 would give -inf
        resp, log_p = e_step(feat, log_weights, means, chol)
        ll = (log_p.sum() if feat.weights is None else float(c @ log_p)) + ll_shift
        history.log_likelihood[-1] = ll
        if ll_prev is not None and converged_by(ll_prev, ll, tol):
            converged = True
            break
        if it > max_iter:
            break
        Nk, means, covs = m_step(feat, resp, reg)
        empty = Nk <= 1e-12 * total
        for k in np.flatnonzero(empty) if empty.any() else ():
            # An empty component: restart it on the point the mixture explains worst.
            worst = int(np.argmin(np.where(c > 0, log_p, np.inf)))
            means[k], covs[k], Nk[k] = Z[worst], np.eye(Z.shape[1]), total / (K * Z.shape[0])
            history.events.append(GuardEvent(it, int(k), float("nan"),
                                             "owned no point; restarted on the worst-fitted point"))
        chol, events = guard_covariances(covs, var_floor)
        history.events.extend(GuardEvent(it, k, r, reason) for k, reason, r in events)
        weights_k = Nk / Nk.sum()
        history.append(weights_k, means, covs)
        n_iter, ll_prev = it, ll
    history.freeze()
    history.means, history.covariances = W.from_white(history.means, history.covariances)
    return EMResult(history.mixture(-1), history, float(history.log_likelihood[-1]),
                    converged, n_iter, None, "painless")
