"""Painless EM: the textbook algorithm made robust (ALGORITHMS.md section 2).

What changes with respect to ``naive.py``, and why:
1. densities stay in the log domain (a Cholesky factor, never an inverse), so nothing underflows;
2. the mixture density is a logsumexp, so a point far from every component still gets finite
   responsibilities;
3. every covariance carries a small prior (below), so no component can collapse onto a point
   and the quantity EM climbs has a maximum;
4. after each M-step a covariance whose reciprocal condition number is <= 1e-10 (or whose
   variance fell under a floor) is replaced by a well-conditioned diagonal one, and the
   history says where (the guard; with the prior on it is a last resort for rounding);
5. a component that owns no point is restarted on the worst-explained point;
6. the start comes from K-means with Forgy seeds and restarts;
7. the data are whitened (centred, divided by each feature's robust spread) before all of this
   and the result is mapped back, so pixel values and tiny measurements behave alike.

The objective
-------------
The likelihood of a Gaussian mixture has no maximum: a component centred on one data point
whose covariance shrinks to 0 sends log N(x_i | mu_k, Sigma_k), hence the log-likelihood, to
+infinity. Painless EM therefore maximises a penalised ("MAP") log-likelihood

    F(theta) = sum_i c_i log p(x_i | theta)  -  1/2 sum_k tr(Lambda Sigma_k^-1),
    Lambda = prior * (sum_i c_i) * diag(s_1^2, ..., s_d^2),

where s_j is a robust spread of feature j (interquartile range / 1.349, which one outlier
cannot inflate). The penalty is the log of an inverse-Wishart-type prior on each covariance
(with no log-det term): it goes to -infinity as any Sigma_k becomes singular, so F is bounded
above. Scaling Lambda with the total weight makes the fit the same whether ``weights`` are
counts or fractions.

Why EM never decreases F. For any responsibilities r_ik (rows summing to 1), Jensen's
inequality gives log p(x_i) >= sum_k r_ik log(pi_k N(x_i | k) / r_ik), with equality when
r_ik is the posterior. So F >= Q(theta, r) - penalty(theta) =: B(theta, r), and the E-step
makes B touch F. The M-step maximises B over theta exactly: weights and means as usual
(N_k = sum_i c_i r_ik, pi_k = N_k / N, mu_k = sum_i c_i r_ik x_i / N_k) and, setting the
derivative of -N_k/2 log det Sigma - 1/2 tr(Sigma^-1 (N_k S_k + Lambda)) to zero,

    Sigma_k = S_k + Lambda / N_k,   S_k = sum_i c_i r_ik (x_i - mu_k)(x_i - mu_k)^T / N_k,

the unique maximiser (the objective is concave in Sigma_k^-1). Then
F(new) >= B(new, r) >= B(old, r) = F(old). In whitened units (x divided by s) Lambda / N_k
is (prior / pi_k) times the identity: a component of weight pi_k cannot become narrower than
prior / pi_k of the data's (robust) variance in any direction. The other covariance types
maximise the same B under their constraint: diag keeps the diagonal of S_k + Lambda / N_k,
spherical its mean, tied the average sum_k N_k (S_k + Lambda / N_k) / N (the penalty is then
K/2 tr(Lambda Sigma^-1)).

Only two things can lower F, and both are recorded as guard events: the guard replacing a
covariance, and the restart of an empty component. ``reg_covar`` (scikit-learn's: a constant
added to every diagonal in data units, kept to compare with scikit-learn) is not the M-step of
any fixed objective, so with ``reg_covar > 0`` F is not guaranteed to rise; use ``prior``.
A run is ``converged`` only when its last iteration raised F by a non-negative amount (up to
rounding) below ``tol`` relative, with no guard event in that iteration.
"""
import numpy as np

from ._validate import (as_data, as_weights, validate_array, validate_bool, validate_float, validate_int,
                      validate_K, validate_options, validate_random_state, n_distinct, show)
from .history import EMResult, GuardEvent, History
from .init import INIT_METHODS, KMEANS_RESTARTS, equal_range_init, kmeans_init, means_init
from .mixture import (COVARIANCE_TYPES, LOG_2PI, Mixture, component_log_density,
                      constrain_covariances)

RCOND_MIN = 1e-10
EPS = np.finfo(np.float64).eps
#: A gain above -ROUNDING * (|F| + total weight) counts as non-negative (F is a sum of N terms,
#: each exact to about 1e-13 relative, so smaller changes are rounding, not a decrease).
ROUNDING = 1e-10
#: The smallest spread of a feature: the variances of a narrower one underflow float64.
MIN_SPREAD = 1e-140
#: A feature whose spread is at most this many float64 spacings of its quartiles is constant:
#: such a spread is rounding (robust_scale).
CONSTANT_ULPS = 64


def _rcond(cov):
    """rcond without input checks: 0 for a singular or non-finite matrix (used by the guard)."""
    if not np.isfinite(cov).all():
        return 0.0
    try:
        inv = np.linalg.inv(cov)
    except np.linalg.LinAlgError:
        return 0.0
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        value = 1.0 / (np.abs(cov).sum(axis=0).max() * np.abs(inv).sum(axis=0).max())
    return float(value) if np.isfinite(value) else 0.0


def rcond(cov):
    """Reciprocal condition number in the 1-norm: 1 / (||S||_1 ||S^-1||_1); 0 for a singular S.

    The 1-norm is the largest absolute column sum. RCOND near 1 means well conditioned; near
    machine epsilon (2e-16) means the matrix is numerically singular.

    Examples
    --------
    >>> rcond(np.diag([1.0, 100.0]))
    0.01
    >>> rcond(np.zeros((2, 2)))
    0.0
    """
    cov = validate_array(cov, "cov", dtype=np.float64)
    if cov.ndim != 2 or cov.shape[0] != cov.shape[1]:
        raise ValueError(f"cov must be a square matrix (d, d), got shape {cov.shape}; the "
                         "condition number is defined only for square matrices")
    return _rcond(cov)


def rcond_batch(covs):
    """``rcond`` of each of K covariances (K, d, d) at once."""
    if covs.shape[-1] == 1:  # a 1 x 1 matrix is perfectly conditioned unless it is 0
        v = covs[:, 0, 0]
        return np.where(np.isfinite(v) & (v > 0), 1.0, 0.0)
    try:
        with np.errstate(over="ignore", invalid="ignore"):
            inv = np.linalg.inv(covs)
    except (np.linalg.LinAlgError, ValueError):
        return np.array([_rcond(c) for c in covs])
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        r = 1.0 / (np.abs(covs).sum(axis=1).max(axis=1) * np.abs(inv).sum(axis=1).max(axis=1))
    return np.where(np.isfinite(r), r, 0.0)


def guard_covariance(cov, var_floor, rcond_min=RCOND_MIN):
    """Return (covariance, reason, rcond): the input when healthy, else a diagonal replacement.

    ``var_floor`` is a number or one floor per feature. The replacement keeps each feature's
    own variance where it is above the floor and uses the floor elsewhere. In whitened units
    every feature has variance about 1, so with the default floor 1e-7 the replacement's
    condition number is at most about 1e7: far from singular.
    """
    r = _rcond(cov)
    diag = np.diagonal(cov)
    floor = np.broadcast_to(np.asarray(var_floor, dtype=np.float64), diag.shape)
    if r > rcond_min and (diag >= floor).all():
        try:
            np.linalg.cholesky(cov)
            return cov, None, r
        except np.linalg.LinAlgError:
            reason = "covariance not positive definite"
    elif r <= rcond_min:
        reason = (f"RCOND = {r:.3g} <= {rcond_min:g} (nearly singular covariance)" if r > 0 else
                  "singular covariance (RCOND = 0): the component collapsed onto a point, a line or a plane")
    else:
        j = int(np.argmax(~(diag >= floor)))
        reason = f"a variance of {diag[j]:.3g} fell below the floor {floor[j]:.3g}"
    safe = np.where(np.isfinite(diag), diag, floor)
    return np.diag(np.maximum(safe, floor)), reason, r


def guard_covariances(covs, var_floor, rcond_min=RCOND_MIN, replace=True):
    """Check K covariances in place; returns (Cholesky factors, [(k, reason, rcond), ...]).

    With ``replace`` the unhealthy ones are replaced (``guard_covariance``); without it they
    are only reported and the factors are None when there is any. Healthy components (the
    usual case) cost a few batched numpy calls and no Python loop.
    """
    floor = np.asarray(var_floor, dtype=np.float64)
    if covs.shape[-1] == 1:  # a 1 x 1 covariance is perfectly conditioned unless below the floor
        v = covs[:, 0, 0]
        if (v >= floor).all() and (v > 0).all() and np.isfinite(v).all():
            return np.sqrt(covs), []
    r = rcond_batch(covs)
    diag = np.diagonal(covs, axis1=1, axis2=2)
    suspect = (r <= rcond_min) | ~(diag >= floor).all(axis=1)
    events = []
    for k in np.flatnonzero(suspect) if suspect.any() else ():
        new, reason, rk = guard_covariance(covs[k], floor, rcond_min)
        if reason:
            events.append((int(k), reason, rk))
            if replace:
                covs[k] = new
    if events and not replace:
        return None, events
    try:
        chol = cholesky(covs)
    except np.linalg.LinAlgError:  # rounding left one indefinite although well conditioned
        for k in range(covs.shape[0]):
            new, reason, rk = guard_covariance(covs[k], floor, rcond_min)
            if reason:
                events.append((k, reason, rk))
                if replace:
                    covs[k] = new
        if not replace:
            return None, events
        chol = cholesky(covs)
    return chol, events


def cholesky(covs):
    """Lower Cholesky factors of K covariances at once (a square root when d = 1)."""
    if covs.shape[-1] == 1:
        if not (covs > 0).all():
            raise np.linalg.LinAlgError("a variance is not positive")
        return np.sqrt(covs)
    return np.linalg.cholesky(covs)


def _weighted_quantile_pair(x, weights, low=0.25, high=0.75):
    """The ``low`` and ``high`` quantiles of x (the smallest values whose cumulative weight
    reaches them: numpy's "inverted_cdf"), so that counts give the same answer as repeated points."""
    if np.all(weights == 1):
        n = x.shape[0]
        i, j = int(np.ceil(low * n)) - 1, int(np.ceil(high * n)) - 1
        part = np.partition(x, [max(i, 0), max(j, 0)])
        return part[max(i, 0)], part[max(j, 0)]
    order = np.argsort(x, kind="stable")
    cum = np.cumsum(weights[order])
    i, j = np.searchsorted(cum, [low * cum[-1], high * cum[-1]], side="left")
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


def m_step(feat, resp, reg, prior=None):
    """Weighted M-step: N_k = sum c p;  mu = sum c p z / N_k;  Sigma = sum c p (z-mu)(z-mu)^T / N_k.

    ``reg`` (d, d) is added to every covariance (scikit-learn's reg_covar) and ``prior`` (d,),
    the diagonal of the prior's Lambda, as Lambda / N_k (the MAP M-step; see the module text).
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
        var = D.sum(axis=1) / safe + reg[0, 0]
        if prior is not None:
            var += prior[0] / safe
        return Nk, means[:, None], var[:, None, None]
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
        C = (D * cr[k, owned][:, None]).T @ D / Nk[k]
        covs[k] = 0.5 * (C + C.T)
    covs += reg
    if prior is not None:
        idx = np.arange(d)
        covs[:, idx, idx] += prior / safe
    return Nk, means, covs


def prior_penalty(chol, prior):
    """1/2 sum_k tr(Lambda Sigma_k^-1) for a diagonal Lambda = diag(prior), from Cholesky factors.

    (Sigma^-1)_aa = |L^-1 e_a|^2 is the squared norm of column a of L^-1.
    """
    if prior is None:
        return 0.0
    if chol.shape[-1] == 1:
        inv_diag = 1.0 / chol[:, :, 0] ** 2
    else:
        inv_diag = (np.linalg.inv(chol) ** 2).sum(axis=1)
    return 0.5 * float((inv_diag @ prior).sum())


def resolve_init(init, X, weights, K, rng, var_floor, n_init=KMEANS_RESTARTS, low=None, high=None):
    """A starting Mixture from a method name, a Mixture or a (K, d) array of starting means.

    ``init`` must already be checked (``validate_init``); the means of an array are in the
    units of X.
    """
    if isinstance(init, Mixture):
        return init
    if isinstance(init, np.ndarray):
        return means_init(X, weights, init, var_floor)
    if init == "kmeans":
        return kmeans_init(X, weights, K, rng, var_floor, n_init=n_init)
    return equal_range_init(X, weights, K, low=low, high=high, var_floor=var_floor)


def validate_init(init, K, d):
    """``init`` as a method name, a Mixture with K components in d dimensions, or a (K, d) float
    array of starting means (scikit-learn's ``means_init``); a clear error otherwise."""
    K = validate_int(K, "K", "[1, inf)", hint="the number of components")
    d = validate_int(d, "d", "[1, inf)", hint="the number of features of the data")
    if isinstance(init, Mixture):
        if init.n_components != K or init.n_features != d:
            raise ValueError(f"init is a starting mixture with K={init.n_components}, d={init.n_features} "
                             f"but K={K} and the data have d={d}; pass a start with K={K} "
                             f"components in {d} dimensions")
        return init
    if isinstance(init, str):
        return validate_options(init, "init", INIT_METHODS,
                             hint="or pass a gmmlib.Mixture or a (K, d) array of starting means")
    if init is None or isinstance(init, (dict, set, bool, np.bool_)) or np.isscalar(init):
        raise TypeError(f"init must be one of {INIT_METHODS}, a gmmlib.Mixture or a (K, d) array of "
                        f"starting means, got {show(init)}")
    means = validate_array(init, "init", dtype=np.float64, max_abs=1e150,
                        hint=f"an array given as init holds the K={K} starting means, shape ({K}, {d})")
    if means.ndim == 1 and d == 1:
        means = means[:, None]
    if means.shape != (K, d):
        raise ValueError(f"init as an array holds the starting means and must have shape (K, d) = "
                         f"({K}, {d}), got {means.shape}; or pass init='kmeans'")
    return means


def _check_range(init_range):
    if init_range is None:
        return None, None
    try:
        low, high = init_range
    except (TypeError, ValueError):
        raise ValueError(f"init_range must be a pair (low, high), got {show(init_range)}; e.g. "
                         "init_range=(0, 255) for 8-bit intensities") from None
    low = validate_float(low, "init_range[0] (low)")
    high = validate_float(high, "init_range[1] (high)")
    if not low < high:
        raise ValueError(f"init_range must satisfy low < high, got ({low!r}, {high!r}); e.g. (0, 255)")
    return low, high


class _Setup:
    """Everything one fit computes once and every restart shares (all in whitened units)."""

    def __init__(self, **kw):
        self.__dict__.update(kw)


def painless_em(X, K, weights=None, init="kmeans", max_iter=100, tol=1e-4, random_state=0,
                whiten=True, reg_covar=0.0, var_floor=1e-7, n_init=1, init_range=None,
                covariance_type="full", prior=1e-6, guard=True):
    """Fit a K-component Gaussian mixture by robust EM (maximising the penalised log-likelihood).

    Parameters
    ----------
    X : (N, d) or (N,) data; uint8 pixels and float16/32 are fine (computed in float64)
    K : number of components, 1 <= K <= number of distinct points
    weights : (N,) counts per point (e.g. a histogram), default all 1
    init : "kmeans" (Forgy starts, 5 K-means restarts, the best inertia wins),
        "equal-range" (1-D: cut the range into K equal parts; ``init_range=(0, 255)`` for
        intensities), a Mixture, or a (K, d) array of starting means (scikit-learn's
        ``means_init``: each point joins its nearest mean to give weights and variances).
        The start's covariances are projected onto ``covariance_type``.
    max_iter : at most this many EM iterations (M-steps)
    tol : stop when the objective grows by less than ``tol`` relative (and by a non-negative
        amount, with no guard event, in that iteration); None never stops early
    random_state : seed (int >= 0), None or a numpy Generator, for the K-means starts
    whiten : fit in whitened coordinates (recommended; the result is mapped back)
    reg_covar : added to every covariance diagonal after each M-step, in data units
        (scikit-learn's ``reg_covar``; for comparisons: it breaks the monotonicity of EM)
    var_floor : the guard's variance floor, as a fraction of each feature's robust variance;
        at least 1e-12 while ``guard`` is on (0 is allowed with ``guard=False``)
    n_init : number of EM runs, each from its own K-means start; the run with the highest
        objective wins, preferring runs that did not stop on a singular or empty component
        (all runs are in ``result.restarts``). Needs ``init="kmeans"`` when above 1.
    init_range : (low, high) for ``init="equal-range"``
    covariance_type : "full" (default), "diag", "spherical" or "tied" (see ``gmmlib.mixture``)
    prior : strength of the covariance prior (the module text): every component's variance
        stays above prior / pi_k of the data's robust variance. 0 gives plain maximum
        likelihood, which is unbounded: with ``guard=False`` a collapsing component then stops
        the run ("singular")
    guard : replace unhealthy covariances (RCOND <= 1e-10, a variance below the floor) and
        restart empty components; with False the run stops there instead and says why

    Returns
    -------
    EMResult with ``.mixture``, ``.history`` (``.log_likelihood``, ``.objective``, ``.events``
    per iteration), ``.log_likelihood``, ``.objective``, ``.converged``, ``.status``,
    ``.stop_reason``, ``.n_iter``, ``.restarts`` and ``.failure`` (always None here).

    Examples
    --------
    >>> X = np.r_[np.zeros(50), np.ones(50) * 10] + np.random.default_rng(0).normal(size=100)
    >>> result = painless_em(X, 2)
    >>> sorted(result.mixture.means.ravel().round(1).tolist()), result.status
    ([0.1, 10.0], 'converged')
    """
    X = as_data(X)
    c = as_weights(weights, X.shape[0])
    K = validate_K(K, X, c)
    d = X.shape[1]
    max_iter = validate_int(max_iter, "max_iter", "[0, 1000000]", hint="e.g. max_iter=100")
    tol = validate_float(tol, "tol", "[0, 1)", allow_none=True,
                      hint="a relative gain such as 1e-4, or None to run all max_iter iterations")
    rng = validate_random_state(random_state)
    whiten = validate_bool(whiten, "whiten")
    guard = validate_bool(guard, "guard")
    reg_covar = validate_float(reg_covar, "reg_covar", "[0, 1e150]",
                            hint="scikit-learn's default is 1e-6 (added to each variance, in data units)")
    var_floor = validate_float(var_floor, "var_floor", "[0, 1]" if not guard else "[1e-12, 1]",
                            hint="a fraction of each feature's variance, e.g. 1e-7"
                            + ("; var_floor=0 needs guard=False" if guard else ""))
    prior = validate_float(prior, "prior", "[0, 1000]",
                        hint="e.g. 1e-6; 0 is plain maximum likelihood")
    n_init = validate_int(n_init, "n_init", "[1, 1000]", hint="the number of EM runs, e.g. 1 or 10")
    covariance_type = validate_options(covariance_type, "covariance_type", COVARIANCE_TYPES)
    init = validate_init(init, K, d)
    low, high = _check_range(init_range)
    if init_range is not None and not (isinstance(init, str) and init == "equal-range"):
        raise ValueError("init_range only applies to init='equal-range'; drop it or pass "
                         "init='equal-range'")
    if n_init > 1 and not (isinstance(init, str) and init == "kmeans"):
        raise ValueError(f"n_init={n_init} restarts need random starts (init='kmeans'); a given "
                         "start or init='equal-range' gives the same run every time: use n_init=1")

    spread = robust_scale(X, c)
    W = Whitener(X, c, enabled=whiten, scale=spread, isotropic=covariance_type == "spherical")
    Z = W.forward(X)
    reach = float(np.abs(Z).max())
    if whiten and not reach < 1e100:
        raise ValueError(
            f"X reaches {reach:.3g} times its typical spread from its centre (spread {spread.min():.3g}"
            f" in the narrowest feature): squares of such numbers overflow float64. Remove the extreme "
            "points, or fit them separately")
    # after the reach: next to an extreme point, rescaling X (the advice below) would not help
    if spread.min() < MIN_SPREAD:
        raise ValueError(f"X has a spread of only {spread.min():.3g} (feature {int(spread.argmin())}): "
                         f"its variance, the square of that (below {MIN_SPREAD ** 2:.0e}), is too "
                         "small for float64 (whose smallest normal number is 2.2e-308). Rescale X "
                         "first, e.g. X / np.abs(X).max()")
    if not whiten and not (spread.min() > 1e-100 and spread.max() < 1e100):
        raise ValueError(f"whiten=False fits in the data's own units, but their spread (from "
                         f"{spread.min():.3g} to {spread.max():.3g}) puts variances outside what "
                         "float64 holds safely; use whiten=True")
    if whiten and n_distinct(Z, c, enough=K) < K:
        raise ValueError(
            f"whitening (x - mean) / spread maps distinct points of X onto the same values, leaving "
            f"fewer than K={K} distinct points: their differences are below float64's resolution "
            "at the data's scale. Subtract a typical value from X first, or pass whiten=False")
    ratio2 = (spread / W.std) ** 2  # a variance in units of the robust spread -> whitened units
    total = float(c.sum())
    reg = np.diag(np.full(d, reg_covar) / W.std ** 2)
    if not np.isfinite(reg).all() or reg.max() > 1e150:
        raise ValueError(f"reg_covar={reg_covar!r} is enormous next to the data's spread "
                         f"({spread.min():.3g}); use a value on the scale of the data's variance or smaller")
    setup = _Setup(
        feat=QuadraticFeatures(Z, c), W=W, c=c, Z=Z, total=total, K=K,
        ll_shift=-total * W.log_det,  # log-likelihood in data units = whitened one + this
        reg=reg, lam=prior * total * ratio2 if prior > 0 else None,
        floor=(var_floor * ratio2 if covariance_type != "spherical" else var_floor * ratio2.mean()),
        covariance_type=covariance_type, tol=tol, max_iter=max_iter, guard=guard)
    start_floor = max(var_floor, prior, 1e-6)

    runs = []
    for _ in range(n_init):
        if isinstance(init, Mixture) or (isinstance(init, str) and init == "equal-range"):
            start = resolve_init(init, X, c, K, rng, start_floor * spread ** 2, low=low, high=high)
            weights_k, means, covs = W.to_white(start)
        elif isinstance(init, np.ndarray):
            start = resolve_init(W.forward(init), Z, c, K, rng, start_floor * ratio2)
            weights_k, means, covs = start.weights, start.means, start.covariances
        else:  # K-means runs on the whitened data
            start = resolve_init(init, Z, c, K, rng, start_floor * ratio2)
            weights_k, means, covs = start.weights, start.means, start.covariances
        covs = constrain_covariances(np.array(covs, dtype=np.float64), weights_k, covariance_type)
        runs.append(_run(setup, np.array(weights_k, dtype=np.float64), np.array(means), covs.copy()))
    if len(runs) == 1:
        return runs[0]
    healthy = [r for r in runs if r.status in ("converged", "max_iter")] or runs
    best = max(healthy, key=lambda r: r.objective)
    best.restarts = runs
    best.stop_reason += (f" (best of n_init={n_init} runs by objective; objectives "
                         + ", ".join(f"{r.objective:.6g}" for r in runs) + ")")
    return best


def _run(s, weights_k, means, covs):
    """One EM run from a start in whitened units; returns the EMResult in data units."""
    history = History(covariance_type=s.covariance_type)  # whitened units, mapped back at the end
    try:  # every start is positive definite; the guard may still find it too thin
        chol, events = (None, []) if s.guard else (cholesky(covs), [])
    except np.linalg.LinAlgError:  # whitening a barely definite start can round it indefinite
        chol = None
    if chol is None:
        chol, events = guard_covariances(covs, np.maximum(s.floor, 1e-12), replace=True)
    history.events.extend(GuardEvent(0, k, r, "the start: " + reason) for k, reason, r in events)
    history.append(weights_k, means, covs)
    status, why, n_iter, obj_prev = None, "", 0, None
    for it in range(1, s.max_iter + 2):
        log_weights = np.log(np.maximum(weights_k, 1e-300))  # a weight of 0 would give -inf
        resp, log_p = e_step(s.feat, log_weights, means, chol)
        ll = (log_p.sum() if s.feat.weights is None else float(s.c @ log_p)) + s.ll_shift
        obj = ll - prior_penalty(chol, s.lam)
        history.log_likelihood[-1], history.objective[-1] = ll, obj
        if obj_prev is not None and s.tol is not None:
            gain = obj - obj_prev
            if (-ROUNDING * (abs(obj_prev) + s.total) <= gain < s.tol * abs(obj_prev)
                    and not any(e.iteration == it - 1 for e in history.events)):
                status = "converged"
                break
        if it > s.max_iter:
            status = "max_iter"
            break
        Nk, new_means, new_covs = m_step(s.feat, resp, s.reg, s.lam)
        empty = Nk <= 1e-12 * s.total
        if empty.any() and not s.guard:
            k = int(np.flatnonzero(empty)[0])
            status, why = "empty", (f"stopped after iteration {it - 1}: in iteration {it} component {k} "
                                    f"owned no point (N_{k} = {Nk[k]:.3g}); with guard=False nothing restarts it: "
                                    "use guard=True or another start")
            break
        for k in np.flatnonzero(empty) if empty.any() else ():
            # An empty component: restart it on the point the mixture explains worst.
            worst = int(np.argmin(np.where(s.c > 0, log_p, np.inf)))
            new_means[k], new_covs[k], Nk[k] = s.Z[worst], np.eye(s.Z.shape[1]), s.total / (s.K * s.Z.shape[0])
            history.events.append(GuardEvent(it, int(k), float("nan"),
                                             "owned no point; restarted on the worst-fitted point"))
        new_covs = constrain_covariances(new_covs, Nk, s.covariance_type)
        new_chol, events = guard_covariances(new_covs, s.floor, replace=s.guard)
        if new_chol is None:
            k, reason, r = events[0]
            status, why = "singular", (
                f"stopped after iteration {it - 1}: in iteration {it}, component {k}: {reason}; with "
                "guard=False nothing replaces it. The likelihood grows without bound as a component "
                "shrinks onto a point: use prior > 0, guard=True (a variance floor), or restarts (n_init)")
            break
        history.events.extend(GuardEvent(it, k, r, reason) for k, reason, r in events)
        means, covs, chol = new_means, new_covs, new_chol
        weights_k = Nk / Nk.sum()
        history.append(weights_k, means, covs)
        n_iter, obj_prev = it, obj
    history.freeze()
    history.means, history.covariances = s.W.from_white(history.means, history.covariances)
    why = why or _stop_reason(status, history, n_iter, s)
    return EMResult(history.mixture(-1), history, float(history.log_likelihood[-1]),
                    status == "converged", n_iter, None, "painless",
                    objective=float(history.objective[-1]), status=status, stop_reason=why)


def _stop_reason(status, history, n_iter, s):
    """The plain-words ending of a run that stopped by the rule or at max_iter."""
    if status == "converged":
        return (f"converged: in iteration {n_iter} the objective rose by less than tol={s.tol:g} "
                "(relative), with no guard event")
    if n_iter == 0:
        return "max_iter=0: only the start was evaluated"
    text = (f"ran all max_iter={s.max_iter} iterations (tol=None)" if s.tol is None else
            f"stopped at max_iter={s.max_iter} before converging")
    last = history.events_at(n_iter)
    if last:
        text += ("; the guard changed the last iteration (" + "; ".join(
            f"component {e.component}: {e.reason}" for e in last) + ")")
    elif len(history.objective) > 1 and history.objective[-1] < history.objective[-2] - ROUNDING * (
            abs(history.objective[-2]) + s.total):
        text += "; the objective fell in the last iteration (reg_covar > 0?)"
    return text
