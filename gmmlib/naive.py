"""Naive EM: the textbook formulas taken literally (ALGORITHMS.md section 1).

Densities in the linear domain with an explicit inverse and determinant, the likelihood as a
product over points, covariances by the one-pass formula E[z z^T] - mu mu^T in the data's own
number type. It is written to fail the way a first implementation fails, and to say so: at the
first zero, infinite, singular or wrapped-around quantity it stops and returns a Failure naming
the iteration, the step and the reason. Notebook 03 walks through each case; ``painless.py``
fixes them.
"""
import numpy as np

from ._validate import (as_data, as_weights, validate_float, validate_int, validate_K, validate_options,
                      validate_random_state)
from .history import EMResult, Failure, History
from .mixture import COVARIANCE_TYPES, constrain_covariances
from .painless import ROUNDING, _check_range, validate_init, resolve_init


def gaussian_pdf(X, mean, cov):
    """N(x | mu, Sigma) = exp(-1/2 (x-mu)^T Sigma^-1 (x-mu)) / sqrt((2 pi)^d det Sigma), literally."""
    d = X.shape[1]
    inv = np.linalg.inv(cov)
    diff = X - mean
    with np.errstate(under="ignore", over="ignore", invalid="ignore", divide="ignore"):
        return np.exp(-0.5 * np.sum(diff @ inv * diff, axis=1)) / np.sqrt((2 * np.pi) ** d * np.linalg.det(cov))


def naive_em(X, K, weights=None, init="kmeans", max_iter=100, tol=1e-4, random_state=0,
             init_range=None, covariance_type="full"):
    """Textbook EM for a Gaussian mixture; the same arguments and result as ``painless_em``.

    Returns an EMResult whose ``failure`` is None when all went well, else a Failure such as
    "iteration 1, E-step: every component density underflowed to 0 for 20 points, so their
    responsibilities are 0/0 = NaN". ``mixture`` is then the last mixture that was still valid.
    There is no prior and no guard: the objective is the log-likelihood itself. Second moments
    are computed in the data's own number type (uint8, float16...), as a literal translation
    does, so their overflow is one of the failures it reports.
    """
    own = getattr(X, "dtype", None)  # float16/32 data: the squares are taken in that type
    X = as_data(X, keep_dtype=True)  # integers stay integers: that is one of the lessons
    N, d = X.shape
    c = as_weights(weights, N)
    Xf = X.astype(np.float64)
    K = validate_K(K, Xf, c)
    max_iter = validate_int(max_iter, "max_iter", "[0, 1000000]", hint="e.g. max_iter=100")
    tol = validate_float(tol, "tol", "[0, 1)", allow_none=True,
                      hint="a relative gain such as 1e-4, or None to run all max_iter iterations")
    rng = validate_random_state(random_state)
    covariance_type = validate_options(covariance_type, "covariance_type", COVARIANCE_TYPES)
    init = validate_init(init, K, d)
    low, high = _check_range(init_range)
    if init_range is not None and not (isinstance(init, str) and init == "equal-range"):
        raise ValueError("init_range only applies to init='equal-range'; drop it or pass "
                         "init='equal-range'")
    if isinstance(own, np.dtype) and own in (np.float16, np.float32):
        X = Xf.astype(own)  # exact: Xf came from this type
    feature_var = np.maximum(c @ (Xf - c @ Xf / c.sum()) ** 2 / c.sum(), 1e-300)
    floor = 1e-6 * (feature_var if not (isinstance(init, str) and init == "equal-range") else feature_var[0])
    start = resolve_init(init, Xf, c, K, rng, floor, low=low, high=high)
    pi, mu = start.weights.copy(), start.means.copy()
    sigma = constrain_covariances(start.covariances.copy(), pi, covariance_type)
    history = History(covariance_type=covariance_type)
    history.append(pi, mu, sigma)
    failure, converged, n_iter, L_prev = None, False, 0, None

    for it in range(1, max_iter + 2):
        # E-step: p_ki = pi_k N(z_i | k) / sum_j pi_j N(z_i | j)
        dens = np.column_stack([gaussian_pdf(Xf, mu[k], sigma[k]) for k in range(K)])
        if not np.isfinite(dens).all():
            k = int(np.flatnonzero(~np.isfinite(dens).all(axis=0))[0])
            failure = Failure(it, "E-step", "component density",
                              f"the density of component {k} overflowed to inf (det Sigma_{k} = "
                              f"{np.linalg.det(sigma[k]):.3g}), so its responsibilities are inf/inf = NaN")
            break
        num = pi * dens
        den = num.sum(axis=1)
        zero = (den == 0) & (c > 0)
        if zero.any():
            failure = Failure(it, "E-step", "responsibilities",
                              f"every component density underflowed to 0 for {int(zero.sum())} points, "
                              "so their responsibilities are 0/0 = NaN")
            break
        with np.errstate(invalid="ignore", divide="ignore"):
            resp = num / den[:, None]
        # Likelihood: p(z) = prod_i p(z_i)^c_i
        with np.errstate(under="ignore", over="ignore"):
            L = np.prod(den ** c)
        if L == 0.0:
            failure = Failure(it, "likelihood", "likelihood",
                              f"the product of the {N} point likelihoods underflowed to exactly 0.0 "
                              f"(log 0 = -inf), so the stopping rule can only compare 0 with 0")
            break
        if not np.isfinite(L):
            failure = Failure(it, "likelihood", "likelihood",
                              f"the product of the {N} point likelihoods overflowed to inf")
            break
        history.log_likelihood[-1] = history.objective[-1] = np.log(L)
        # The seed's rule: the likelihood grew, by less than a relative tol (0.01 %).
        if (L_prev is not None and tol is not None and (L - L_prev) < tol * L_prev
                and np.log(L) >= np.log(L_prev) - ROUNDING * (abs(np.log(L_prev)) + c.sum())):
            converged = True
            break
        if it > max_iter:
            break
        # M-step
        Nk = c @ resp
        if (Nk == 0).any():
            k = int(np.flatnonzero(Nk == 0)[0])
            failure = Failure(it, "M-step", "N_k",
                              f"component {k} owns no point (N_{k} = 0), so its mean is 0/0 = NaN")
            break
        if X.dtype != np.float64:
            with np.errstate(over="ignore", invalid="ignore"):
                squares = X * X  # in the data's own type, as a literal translation does
            wrong = squares != Xf * Xf if np.issubdtype(X.dtype, np.integer) else ~np.isfinite(squares)
            if wrong.any():
                i, j = np.argwhere(wrong)[0]
                rows = int(wrong.any(axis=1).sum())
                if np.issubdtype(X.dtype, np.integer):
                    what = (f"z*z computed in {X.dtype} wrapped around for {rows} points (e.g. "
                            f"{X[i, j]}*{X[i, j]} gave {squares[i, j]}, not {int(Xf[i, j]) ** 2})")
                else:
                    what = (f"z*z computed in {X.dtype} overflowed to inf for {rows} points (e.g. "
                            f"{Xf[i, j]:g}*{Xf[i, j]:g} = {Xf[i, j] ** 2:g}, above {X.dtype}'s largest "
                            f"number {float(np.finfo(X.dtype).max):g})")
                failure = Failure(it, "M-step", "covariance",
                                  f"{what}, so every covariance is wrong; convert the data with "
                                  "X.astype(float) first")
                break
        pi = Nk / c.sum()
        mu = (resp * c[:, None]).T @ Xf / Nk[:, None]
        # (no wrap-around or overflow above, so float64 now gives the same squares, exactly)
        second = np.einsum("n,nk,nij->kij", c, resp, Xf[:, :, None] * Xf[:, None, :])
        sigma = constrain_covariances(second / Nk[:, None, None] - mu[:, :, None] * mu[:, None, :],
                                      Nk, covariance_type)
        for k in range(K):
            det = np.linalg.det(sigma[k])
            if not det > 0:
                failure = Failure(it, "M-step", "covariance",
                                  f"the covariance of component {k} is singular (det = {det:.3g}): its "
                                  "points all share one value (a constant patch), so Sigma^-1 does not exist")
                break
        if failure:
            break
        history.append(pi, mu, sigma)
        n_iter, L_prev = it, L
    history.freeze()
    last = history.mixture(-1)
    ll = float(history.log_likelihood[-1]) if np.isfinite(history.log_likelihood[-1]) else float("nan")
    if failure:
        status, why = "failed", f"failed at {failure}"
    elif converged:
        status, why = "converged", (f"converged: in iteration {n_iter} the likelihood rose by less "
                                    f"than tol={tol:g} (relative)")
    else:
        status = "max_iter"
        why = (f"ran all max_iter={max_iter} iterations (tol=None)" if tol is None else
               f"stopped at max_iter={max_iter} before converging")
    return EMResult(last, history, ll, converged, n_iter, failure, "naive", objective=ll,
                    status=status, stop_reason=why)
