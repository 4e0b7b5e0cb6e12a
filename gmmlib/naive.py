"""Naive EM: the textbook formulas taken literally, in a loop over ``steps.py``.

Densities in the linear domain with an explicit inverse and determinant
(``steps.gaussian_density``), the E-step as a ratio of them, the likelihood as a product over
points, the M-step of ``steps.m_step``; second moments z*z checked in the data's own number type,
as a literal translation of the one-pass formula E[z z^T] - mu mu^T computes them. It is written
to fail the way a first implementation fails, and to say so: at the first zero, infinite,
singular or wrapped-around quantity it stops and returns a Failure naming the iteration, the
step and the reason. Notebook 03 walks through each case; ``painless.py``
fixes them.
"""
import numpy as np

from .arguments import gain_is_small, resolve_init, validate_em_arguments
from .guard import rcond
from .history import EMResult, Failure, History
from .mixture import constrain_covariances
from .steps import gaussian_density, m_step

EPS = np.finfo(np.float64).eps


def naive_em(X, K, weights=None, init="kmeans", max_iter=100, tol=1e-4, random_state=0,
             init_range=None, covariance_type="full"):
    """Textbook EM for a Gaussian mixture; the same arguments and result as ``painless_em``.

    Returns an EMResult whose ``failure`` is None when all went well, else a Failure such as
    "iteration 1, E-step: every component density underflowed to 0 for 20 points, so their
    responsibilities are 0/0 = NaN". ``mixture`` is then the last mixture that was still valid.
    There is no prior and no guard: the objective is the log-likelihood itself. The likelihood
    is the product of the points' likelihoods, literally, and second moments are computed in the
    data's own number type (uint8, float16...) as a literal translation does, so their overflow
    is one of the failures it reports. The stopping rule is painless EM's: the log-likelihood
    rose by less than ``tol`` per point (whatever the data's units).
    """
    own = getattr(X, "dtype", None)  # float16/32 data: the squares are taken in that type
    with np.errstate(all="ignore"):  # IEEE arithmetic: the failures below are found, not raised
        args = validate_em_arguments(X, K, weights, init, max_iter, tol, random_state, init_range,
                                     covariance_type, keep_dtype=True)  # integers stay integers
        X, c, K, tol = args.X, args.weights, args.K, args.tol
        N, d = X.shape
        Xf = X.astype(np.float64)
        if isinstance(own, np.dtype) and own in (np.float16, np.float32):
            X = Xf.astype(own)  # exact: Xf came from this type
        feature_var = np.maximum(c @ (Xf - c @ Xf / c.sum()) ** 2 / c.sum(), 1e-300)
        equal_range = isinstance(args.init, str) and args.init == "equal-range"
        floor = 1e-6 * (feature_var[0] if equal_range else feature_var)
        start = resolve_init(args.init, Xf, c, K, args.rng, floor, low=args.low, high=args.high)
        return _naive_loop(X, Xf, c, start, max_iter, tol, args.covariance_type)


def _naive_loop(X, Xf, c, start, max_iter, tol, covariance_type):
    """The EM loop of the textbook, stopping at the first quantity that breaks."""
    N, K = X.shape[0], start.n_components
    pi, mu = start.weights.copy(), start.means.copy()
    sigma = constrain_covariances(start.covariances.copy(), pi, covariance_type)
    history = History(covariance_type=covariance_type)
    history.append(pi, mu, sigma)
    failure, converged, n_iter, L_prev = None, False, 0, None

    for it in range(1, max_iter + 2):
        # E-step, as written: r_ik = pi_k N(x_i | k) / sum_j pi_j N(x_i | j)
        dens = np.column_stack([gaussian_density(Xf, mu[k], sigma[k]) for k in range(K)])
        num = pi * dens
        den = num.sum(axis=1)
        failure = _e_step_failure(it, dens, den, c, sigma)
        if failure:
            break
        resp = num / den[:, None]
        # Likelihood, as written: p(x) = prod_i p(x_i)^c_i
        L = np.prod(den ** c)
        failure = _likelihood_failure(it, L, N)
        if failure:
            break
        history.log_likelihood[-1] = history.objective[-1] = np.log(L)
        if (L_prev is not None and tol is not None
                and gain_is_small(np.log(L) - np.log(L_prev), np.log(L_prev), c.sum(), tol)):
            converged = True
            break
        if it > max_iter:
            break
        # M-step, as written (steps.m_step), after the checks a literal translation trips on
        failure = _m_step_failure(it, X, Xf, c @ resp)
        if failure:
            break
        pi, mu, sigma = m_step(Xf, resp, c, covariance_type)
        failure = _singular_failure(it, sigma)
        if failure:
            break
        history.append(pi, mu, sigma)
        n_iter, L_prev = it, L
    history.freeze()
    return _result(history, failure, converged, n_iter, max_iter, tol)


def _e_step_failure(it, dens, den, c, sigma):
    """A Failure when a density overflowed or every density of a point underflowed, else None."""
    if not np.isfinite(dens).all():
        k = int(np.flatnonzero(~np.isfinite(dens).all(axis=0))[0])
        return Failure(it, "E-step", "component density",
                       f"the density of component {k} overflowed to inf (det Sigma_{k} = "
                       f"{np.linalg.det(sigma[k]):.3g}), so its responsibilities are inf/inf = NaN")
    zero = (den == 0) & (c > 0)
    if zero.any():
        return Failure(it, "E-step", "responsibilities",
                       f"every component density underflowed to 0 for {int(zero.sum())} points, "
                       "so their responsibilities are 0/0 = NaN")
    return None


def _likelihood_failure(it, L, N):
    if L == 0.0:
        return Failure(it, "likelihood", "likelihood",
                       f"the product of the {N} point likelihoods underflowed to exactly 0.0 "
                       f"(log 0 = -inf), so the stopping rule can only compare 0 with 0")
    if not np.isfinite(L):
        return Failure(it, "likelihood", "likelihood",
                       f"the product of the {N} point likelihoods overflowed to inf")
    return None


def _m_step_failure(it, X, Xf, Nk):
    """An empty component (N_k = 0), or squares z*z that wrap around or overflow in X's own type
    (a literal translation computes E[z z^T] - mu mu^T from them), else None."""
    if (Nk == 0).any():
        k = int(np.flatnonzero(Nk == 0)[0])
        return Failure(it, "M-step", "N_k", f"component {k} owns no point (N_{k} = 0), so its mean is 0/0 = NaN")
    if X.dtype == np.float64:
        return None
    squares = X * X  # in the data's own type, as a literal translation does
    wrong = squares != Xf * Xf if np.issubdtype(X.dtype, np.integer) else ~np.isfinite(squares)
    if not wrong.any():
        return None
    i, j = np.argwhere(wrong)[0]
    rows = int(wrong.any(axis=1).sum())
    if np.issubdtype(X.dtype, np.integer):
        what = (f"z*z computed in {X.dtype} wrapped around for {rows} points (e.g. "
                f"{X[i, j]}*{X[i, j]} gave {squares[i, j]}, not {int(Xf[i, j]) ** 2})")
    else:
        what = (f"z*z computed in {X.dtype} overflowed to inf for {rows} points (e.g. "
                f"{Xf[i, j]:g}*{Xf[i, j]:g} = {Xf[i, j] ** 2:g}, above {X.dtype}'s largest "
                f"number {float(np.finfo(X.dtype).max):g})")
    return Failure(it, "M-step", "covariance",
                   f"{what}, so every covariance is wrong; convert the data with X.astype(float) first")


def _singular_failure(it, sigma):
    """A Failure when a covariance is singular: det <= 0, or so close to singular (RCOND below
    machine epsilon) that rounding decides the sign of its smallest eigenvalue."""
    for k in range(sigma.shape[0]):
        det = np.linalg.det(sigma[k])
        if not det > 0 or rcond(sigma[k]) < EPS:
            # (the determinant itself is rounding here: 0 on one machine, 4e-104 on another)
            return Failure(it, "M-step", "covariance",
                           f"the covariance of component {k} is singular (det = 0 up to rounding): its "
                           "points all share one value (a constant patch), so Sigma^-1 does not exist")
    return None


def _result(history, failure, converged, n_iter, max_iter, tol):
    ll = float(history.log_likelihood[-1]) if np.isfinite(history.log_likelihood[-1]) else float("nan")
    if failure:
        status, why = "failed", f"failed at {failure}"
    elif converged:
        status, why = "converged", (f"converged: in iteration {n_iter} the log-likelihood rose by less "
                                    f"than tol={tol:g} per point")
    else:
        status = "max_iter"
        why = (f"ran all max_iter={max_iter} iterations (tol=None)" if tol is None else
               f"stopped at max_iter={max_iter} before converging")
    return EMResult(history.mixture(-1), history, ll, converged, n_iter, failure, "naive",
                    objective=ll, status=status, stop_reason=why)
