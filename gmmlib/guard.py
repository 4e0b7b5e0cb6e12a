"""The covariance guard: is a covariance still usable, and what replaces it when it is not.

After each M-step painless EM measures every covariance by its reciprocal condition number in the
1-norm, RCOND(Sigma) = 1 / (||Sigma||_1 ||Sigma^-1||_1) (the 1-norm is the largest absolute column
sum). RCOND near 1 is a well-conditioned matrix; near machine epsilon (2e-16) a numerically
singular one, whose inverse and Cholesky factor are noise. At RCOND <= 1e-10, or when a variance
falls under a floor, the covariance is replaced by a diagonal one built from its own variances
(floored), and the history records the event: iteration, component, RCOND and reason.
Notebook 03 shows the guard at work.
"""
import numpy as np

from ._validate import validate_array

#: At or below this RCOND a covariance counts as singular (painless EM's guard replaces it).
RCOND_MIN = 1e-10


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
    if covs.shape[-1] == 1:  # a 1 x 1 covariance is perfectly conditioned unless below the floor
        low, high = covs.min(), covs.max()  # NaN fails every comparison below
        if low >= (var_floor if isinstance(var_floor, float) else np.max(var_floor)) and low > 0 and high < np.inf:
            return np.sqrt(covs), []
    floor = np.asarray(var_floor, dtype=np.float64)
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
