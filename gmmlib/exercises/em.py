"""The checkers of notebooks 01 and 03: logsumexp, a component's log-density, the E-step,
the M-step and the covariance guard's RCOND."""
import numpy as np
from scipy.special import logsumexp as scipy_logsumexp

from .. import steps
from .answers import _Fail, _array, _close, _floats, _items, _number, _same, _shaped
from .feedback import _num
from .session import _Case, _checker

__all__ = ["check_e_step", "check_log_gaussian", "check_logsumexp", "check_m_step", "check_rcond"]


# ============================================================================================
# logsumexp (notebook 03)

def _lse_shifted(a, m):
    """m + log sum exp(a - m) for a given shift m (the min or the mean: wrong choices)."""
    with np.errstate(all="ignore"):
        return float(m + np.log(np.sum(np.exp(a - m))))


def _logsumexp_hint(g, a):
    """Why g is not logsumexp(a): the usual slips, recognised by recomputing them."""
    spread = np.ptp(a) > 0 if np.isfinite(a).all() else True
    by_min, by_mean = (not np.isnan(g) and spread and _same(g, _lse_shifted(a, f(a))) for f in (np.min, np.mean))
    if by_min and not by_mean:
        hint = ("you subtracted the minimum. Subtract the MAXIMUM m = max(a): then every a_k - m "
                "is <= 0, exp never overflows, and the largest term is exp(0) = 1, so the sum "
                "is >= 1 and its log is never -inf.")
    elif by_mean:
        hint = ("you subtracted the mean. Subtract the MAXIMUM m = max(a): with the mean, terms far "
                "above it still overflow (here exp(1000) = inf). With the max every a_k - m <= 0 "
                "and the largest term is exp(0) = 1.")
    elif g == -np.inf:
        hint = ("every exp(a_k) underflowed to 0.0, and log 0 = -inf. Subtract m = max(a) first: "
                "log sum exp(a) = m + log sum exp(a - m); the largest term becomes exp(0) = 1.")
    elif g == np.inf:
        hint = ("exp(1000) overflows to inf. Subtract m = max(a) before exponentiating and add it "
                "back after the log: m + log sum exp(a - m).")
    elif np.isnan(g):
        hint = ("NaN: look for inf - inf or 0/0. Subtracting the min or the mean of an array that "
                "holds -inf gives -inf - (-inf) = NaN: subtract the max, and a -inf entry (weight 0) "
                "then just gives exp(-inf) = 0.")
    elif _close(g, np.max(a)):
        hint = "you returned max(a); the other terms still add log(1 + ...). Add log sum exp(a - max(a))."
    elif _close(g, _lse_shifted(a, np.max(a)) - np.max(a)):
        hint = "you forgot to add the maximum back: the result is m + log sum exp(a - m)."
    else:
        hint = "compare with the formula m + log(sum(exp(a - m))) with m = max(a), term by term."
    return hint


@_checker("logsumexp", 9)
def check_logsumexp(s, fn):
    """Check ``fn(a) -> float``: log(sum_k exp(a_k)) of a 1-D array ``a``, without underflow or overflow.

    The reference is ``scipy.special.logsumexp``. The hostile cases: [-1000, -1001] must give
    -999.687 (the direct form gives log 0 = -inf), [1000, 1000] must give 1000.693 (the direct
    form gives inf), [0, -600, -1400] and [0, -2000] must give 0 (subtracting the min, and then
    the mean, instead of the max overflows there), and a -inf entry (a component of weight 0) must simply not count.
    """
    cases = [
        ("two zeros", [0.0, 0.0]),
        ("ordinary numbers", [1.0, 2.0, 3.0]),
        ("a single number", [-5.0]),
        ("two tiny terms", [-1000.0, -1001.0]),
        ("two huge terms", [1000.0, 1000.0]),
        ("terms 1400 apart", [0.0, -600.0, -1400.0]),
        ("terms 2000 apart", [0.0, -2000.0]),
        ("one term of weight zero (-inf)", [-np.inf, -2.0, -3.0]),
        ("tiny terms of very different size", [-800.0, -1200.0, -1000.0]),
    ]
    for label, values in cases:
        a = np.array(values)
        expected = float(scipy_logsumexp(a))
        got = s.call(fn, _Case(label, [("a", a)]))
        values = _floats(got, "your result")
        if values.size == 0:
            raise _Fail("your result is empty; return one number.", expected, got)
        if values.size != 1:
            raise _Fail(f"return one number (the sum runs over the whole 1-D array), not an array of shape "
                        f"{values.shape}.", expected, got)
        g = float(values.reshape(()))
        if _close(g, expected, rtol=1e-9, atol=1e-9):
            continue
        raise _Fail(_logsumexp_hint(g, a), expected, g)


# ============================================================================================
# component log-density (notebook 03)

def _log_gaussian_cases():
    """(label, X, mean, cov): friendly first, then a far pixel and determinants out of range."""
    rng = np.random.default_rng(7)
    d = 50
    # 50 variances near 1e-8 (det about 1e-400, below the smallest float64) and near 1e8
    # (det about 1e400, above the largest): only a log det from Cholesky or slogdet survives.
    scales = rng.uniform(0.5, 2.0, d)
    tiny, huge = np.diag(scales * 1e-8), np.diag(scales * 1e8)
    return [
        ("1-D standard normal", np.array([[0.0], [1.0], [-2.0]]), np.array([0.0]), np.array([[1.0]])),
        ("1-D, variance 9", np.array([[10.0], [13.0]]), np.array([10.0]), np.array([[9.0]])),
        ("2-D, correlated covariance", np.array([[0.0, 0.0], [1.0, -1.0], [3.0, 2.0]]), np.array([0.5, 0.0]),
         np.array([[2.0, 0.8], [0.8, 1.0]])),
        ("RGB pixel far from a tight component", np.array([[40.0, 200.0, 40.0], [201.0, 40.0, 41.0]]),
         np.array([200.0, 40.0, 40.0]), np.eye(3) * 4.0),
        ("50-D, variances near 1e-8: det Sigma is about 1e-400", rng.normal(0, 1e-4, (3, d)), np.zeros(d), tiny),
        ("50-D, variances near 1e8: det Sigma is about 1e400", rng.normal(0, 1e4, (3, d)), np.zeros(d), huge),
    ]


def _log_gaussian_hint(g, expected, d, cov):
    """Why g is not the log-density: an out-of-range determinant, an underflow, a constant..."""
    with np.errstate(all="ignore"):
        det = np.linalg.det(cov)
    diff = g - expected
    if not np.isfinite(g).all() and (det == 0 or not np.isfinite(det)):
        return (f"np.linalg.det(Sigma) is {_num(det)} here: the determinant of this {d} x {d} covariance "
                f"{'underflows to 0.0' if det == 0 else 'overflows to inf'} in float64, so its log is "
                "infinite although log det Sigma is an ordinary number. Never form the determinant: "
                "with L = np.linalg.cholesky(Sigma), log det Sigma = 2 sum_j log L_jj (or "
                "np.linalg.slogdet(Sigma)[1]), and solve with L instead of inverting Sigma.")
    if np.isneginf(g).any():
        return ("-inf: you took the log of a density that had underflowed to 0.0. Never compute "
                "the density itself: write the log-density directly from the formula.")
    if not np.isfinite(g).all():
        return "NaN or inf: look for a log of a negative number or 0/0; the log-density is finite for every point."
    if _close(diff, np.full_like(diff, diff[0])):
        c = abs(diff[0])
        if np.isclose(c, 0.5 * d * np.log(2 * np.pi)) or np.isclose(c, d * np.log(2 * np.pi)):
            return "off by a constant equal to the d log(2 pi) term: check it is there, once, with the -1/2."
        return ("off by the same constant for every point: check the normalising terms "
                "-1/2 d log(2 pi) and -1/2 log det Sigma.")
    return ("the error depends on the point: check the quadratic form (x_i - mu)^T Sigma^-1 (x_i - mu) "
            "(with the -1/2, the full inverse or a Cholesky solve, not just the diagonal).")


@_checker("log_gaussian", 6)
def check_log_gaussian(s, fn):
    """Check ``fn(X, mean, cov) -> (N,)``: log N(x_i | mu, Sigma) for each row x_i of X (N, d).

    The reference is ``gmmlib.steps.log_gaussian`` (tests hold it to scipy's
    ``multivariate_normal.logpdf``). The formula:
    log N(x | mu, Sigma) = -1/2 [d log(2 pi) + log det Sigma + (x - mu)^T Sigma^-1 (x - mu)].
    The hostile cases: an RGB pixel 100 standard deviations away, whose density is 0.0 in
    float64 but whose log-density (about -5000) is an ordinary number, and two 50-D
    covariances whose determinants (about 1e-400 and 1e400) underflow and overflow, while
    their logs (about -920 and 920) are ordinary numbers: ``np.log(np.linalg.det(cov))``
    fails there, a Cholesky factor or ``np.linalg.slogdet`` does not.
    """
    for label, X, mean, cov in _log_gaussian_cases():
        expected = steps.log_gaussian(X, mean, cov)
        got = s.call(fn, _Case(label, [("X", X), ("mean", mean), ("cov", cov)]))
        g = _array(got, expected.shape, "your result")
        if _close(g, expected):
            continue
        raise _Fail(_log_gaussian_hint(g, expected, X.shape[1], cov), expected, g)


# ============================================================================================
# E-step and M-step (notebooks 01, 03)



def _e_step_hint(g, a, expected, K):
    """The hint for wrong responsibilities g, given the exact log numerators a (N, K)."""
    with np.errstate(all="ignore"):
        linear = np.exp(a)                       # what a linear-domain E-step works with
    underflowed = linear.sum(axis=1) == 0        # points where every pi_k N(x_i|k) is 0.0
    row_sums = g.sum(axis=1)
    bad_rows = ~np.isclose(g, expected, rtol=1e-6, atol=1e-8).all(axis=1)
    if np.isnan(g).any():
        return ("NaN: for some points every pi_k N(x_i | mu_k, Sigma_k) underflowed to 0.0 and you "
                "divided 0 by 0. Work in logs: a_ik = log pi_k + log N(x_i | mu_k, Sigma_k), then "
                "r_ik = exp(a_ik - logsumexp_k a_ik).")
    if underflowed.any() and (bad_rows & underflowed).any() and not (bad_rows & ~underflowed).any():
        rows = np.flatnonzero(bad_rows & underflowed)
        where = f"point{'s' if rows.size > 1 else ''} {', '.join(map(str, rows))}"
        if np.allclose(row_sums[rows], 0, atol=1e-6):
            return (f"underflow, not a normalisation slip: for {where} every pi_k N(x_i | mu_k, Sigma_k) "
                    "underflowed to 0.0, so a tiny number added to the denominator (like 1e-300) turns "
                    "0/0 into 0 and the row sums to 0. No epsilon fixes this: work in logs, "
                    "r_ik = exp(a_ik - logsumexp_k a_ik) with a_ik = log pi_k + log N(x_i | mu_k, Sigma_k).")
        if np.allclose(g[rows], 1.0 / K, atol=1e-6):
            return (f"underflow: for {where} every pi_k N(x_i | mu_k, Sigma_k) underflowed to 0.0 and "
                    "an epsilon made the row uniform (1/K each), but in the log domain the point clearly "
                    "belongs to one component. Work in logs: r_ik = exp(a_ik - logsumexp_k a_ik).")
        return (f"underflow: for {where} every pi_k N(x_i | mu_k, Sigma_k) is 0.0 in float64. Work in "
                "logs: r_ik = exp(a_ik - logsumexp_k a_ik) with a_ik = log pi_k + log N(x_i | mu_k, Sigma_k).")
    if not np.isfinite(g).all():
        return "inf: a division by a density that underflowed to 0.0? Work in logs."
    if not np.allclose(row_sums, 1.0):
        if _close(g, linear) or _close(g, linear - np.log(np.exp(0))):
            return ("the rows do not sum to 1: divide each row by its sum over components (the mixture "
                    "density p(x_i)).")
        return "the rows do not sum to 1: r_ik is a probability over the components k for each point x_i."
    return None


def _responsibility_hint(X, g, weights, means, covs, expected):
    K = len(weights)
    a = steps.log_joint(X, weights, means, covs)
    hint = _e_step_hint(g, a, expected, K)
    if hint:
        return hint
    uniform = steps.e_step(X, np.full(K, 1.0 / K), means, covs)[0]
    if not np.allclose(weights, weights[0]) and _close(g, uniform):
        return "you forgot the mixing weights: the numerator is pi_k N(x_i | mu_k, Sigma_k), not N(x_i | mu_k, Sigma_k)."
    return "compare one row by hand with r_ik = pi_k N(x_i | mu_k, Sigma_k) / sum_j pi_j N(x_i | mu_j, Sigma_j)."


@_checker("e_step", 4)
def check_e_step(s, fn):
    """Check ``fn(X, weights, means, covariances) -> responsibilities``.

    X (N, d); weights (K,); means (K, d); covariances (K, d, d). Return the responsibilities
    r_ik = pi_k N(x_i | mu_k, Sigma_k) / sum_j pi_j N(x_i | mu_j, Sigma_j) as an (N, K) array
    whose rows sum to 1, or the tuple (responsibilities, log_likelihood) where log_likelihood
    is the total sum_i log p(x_i) (a number) or the per-point log p(x_i) (N,); it is checked too.
    The hostile case holds points more than 100 standard deviations from both components: in
    the linear domain their responsibilities are 0/0 = NaN (or 0 with a padded denominator);
    in the log domain they are fine. The reference is ``gmmlib.steps.e_step``.
    """
    rng = np.random.default_rng(0)
    X1 = np.r_[rng.normal(0, 1, 6), rng.normal(5, 1, 6)][:, None].round(2)
    X2 = rng.normal(0, 2, (8, 2)).round(2)
    red = np.array([[200.0, 40, 40], [198, 41, 39]])
    green = np.array([[40.0, 200, 40], [41, 199, 42]])
    cases = [
        ("1-D, two equal components", X1, np.array([0.5, 0.5]), np.array([[0.0], [5.0]]),
         np.array([[[1.0]], [[1.0]]])),
        ("2-D, unequal weights", X2, np.array([0.8, 0.2]), np.array([[0.0, 0.0], [1.0, 1.0]]),
         np.array([np.eye(2), [[2.0, 0.5], [0.5, 1.0]]])),
        ("three components, one almost weightless", X1, np.array([0.6, 0.39, 0.01]),
         np.array([[0.0], [5.0], [2.5]]), np.array([[[1.0]], [[2.0]], [[0.5]]])),
        ("RGB pixels far from both tight components", np.vstack([red, green]), np.array([0.5, 0.5]),
         np.array([[200.0, 40, 40], [40, 40, 200]]), np.array([np.eye(3) * 4.0] * 2)),
    ]
    for label, X, w, mu, cov in cases:
        expected, ll = steps.e_step(X, w, mu, cov)
        got = s.call(fn, _Case(label, [("X", X), ("weights", w), ("means", mu), ("covariances", cov)]))
        got_ll = None
        if isinstance(got, tuple):
            if len(got) not in (1, 2):
                raise _Fail(f"you returned a tuple of {len(got)} items; return the responsibilities, "
                            "or the tuple (responsibilities, log_likelihood).", got=got)
            got, got_ll = got[0], (got[1] if len(got) == 2 else None)
        g = _array(got, expected.shape, "the responsibilities", "one row per point, one column per component")
        if not _close(g, expected):
            raise _Fail(_responsibility_hint(X, g, w, mu, cov, expected), expected, g)
        if got_ll is not None:
            per_point = not isinstance(got_ll, (int, float)) and np.size(got_ll) == X.shape[0] > 1
            exp_ll = ll if per_point else float(ll.sum())
            gl = _array(got_ll, np.shape(exp_ll), "the log-likelihood (second item)")
            if not _close(gl, exp_ll):
                raise _Fail("the responsibilities are right but the log-likelihood is not: it is "
                            "sum_i log p(x_i) = sum_i logsumexp_k (log pi_k + log N(x_i | mu_k, Sigma_k)).",
                            exp_ll, gl, part="log-likelihood")




_BROADCAST = ("N_k = resp.sum(axis=0) has shape (K,) and resp.T @ X has shape (K, d): numpy lines up "
              "the LAST axes, so dividing one by the other fails, or, when d = 1, silently makes a (K, K) "
              "array. Give N_k a column axis to divide each row k by N_k: means = resp.T @ X / Nk[:, None] "
              "(and Nk[:, None, None] for the (K, d, d) covariances).")


def _m_step_crash_hint(exc):
    """The shapes hint when numpy could not broadcast the student's arrays together."""
    return _BROADCAST if isinstance(exc, ValueError) and "broadcast" in str(exc) else ""


def _m_step_part(value, e, part, resp):
    """One returned part as an array of the expected shape; the means' shape slips explained."""
    if part != "means":
        return _array(value, e.shape, f"the {part}")
    a = _floats(value, "the means")
    K = resp.shape[1]
    if a.shape == (K, K) and e.shape == (K, 1):
        raise _Fail(f"the means have shape {a.shape} instead of {e.shape}. " + _BROADCAST, e, a, part=part)
    return _shaped(a, e.shape, "the means", value, "one row per component, one column per feature")


def _m_step_hint(part, g, e, X, resp):
    """Why one part of the M-step's answer is wrong: the usual slips, recomputed."""
    Xf = X.astype(np.float64)
    Nk = resp.sum(axis=0)
    if not np.isfinite(g).all():
        return f"the {part} hold NaN or inf: a division by N_k = 0, or an overflow?"
    if part == "weights":
        return ("the weights must sum to 1: pi_k = N_k / N." if _close(g, Nk)
                else "pi_k = N_k / N with N_k = sum_i r_ik (sum each column of resp).")
    if part == "means":
        return ("you forgot to divide by N_k = sum_i r_ik." if _close(g, resp.T @ Xf)
                else "mu_k = sum_i r_ik x_i / N_k: a weighted average of the points.")
    unbiased = e * Nk[:, None, None] / (Nk[:, None, None] - 1)
    if X.dtype == np.uint8 and not _close(g, unbiased):
        return ("the data are uint8 and products like 200 * 200 wrap around: convert "
                "with X = X.astype(float) before squaring.")
    if _close(g, unbiased):
        return "divide by N_k, not N_k - 1: EM needs the maximum-likelihood covariance."
    if _close(g, np.einsum("nk,na,nb->kab", resp, Xf, Xf) / Nk[:, None, None]):
        return "you forgot to subtract the mean: use (x_i - mu_k)(x_i - mu_k)^T with the NEW mu_k."
    if _close(g, e * Nk[:, None, None]):
        return "you forgot to divide the covariance by N_k."
    return "Sigma_k = sum_i r_ik (x_i - mu_k)(x_i - mu_k)^T / N_k, an outer product per point."


@_checker("m_step", 3)
def check_m_step(s, fn):
    """Check ``fn(X, resp) -> (weights, means, covariances)``.

    X (N, d) data (may be uint8 pixels!), resp (N, K) responsibilities r_ik. Return
    weights (K,) pi_k = N_k / N, means (K, d) mu_k = sum_i r_ik x_i / N_k and covariances
    (K, d, d) Sigma_k = sum_i r_ik (x_i - mu_k)(x_i - mu_k)^T / N_k with N_k = sum_i r_ik (the
    maximum-likelihood estimate: divide by N_k, not N_k - 1). The hostile case gives uint8
    pixels: 200 * 200 wraps around in uint8. The reference is ``gmmlib.steps.m_step``.
    """
    rng = np.random.default_rng(1)
    X1 = np.r_[rng.normal(0, 1, 5), rng.normal(6, 2, 5)][:, None].round(2)
    r1 = np.r_[np.full(5, 0.9), np.full(5, 0.2)]
    X2 = (rng.normal(0, 1, (12, 2)) @ np.array([[2.0, 0.0], [0.7, 1.0]]) + [3.0, -1.0]).round(2)
    r2 = rng.dirichlet([1.0, 1.0, 1.0], 12).round(3)
    r2 /= r2.sum(axis=1, keepdims=True)
    X3 = np.array([[60, 70, 80], [62, 71, 79], [200, 210, 190], [199, 205, 195], [61, 69, 85]], dtype=np.uint8)
    r3 = np.array([[1.0, 0.0], [0.9, 0.1], [0.05, 0.95], [0.0, 1.0], [0.8, 0.2]])
    cases = [
        ("1-D, soft responsibilities", X1, np.column_stack([r1, 1 - r1])),
        ("2-D, three components", X2, r2),
        ("uint8 RGB pixels", X3, r3),
    ]
    for label, X, resp in cases:
        expected = steps.m_step(X, resp)
        got = s.call(fn, _Case(label, [("X", X), ("resp", resp)]), hint=_m_step_crash_hint)
        parts = _items(got, ("weights", "means", "covariances"))
        for part, value, e in zip(("weights", "means", "covariances"), parts, expected):
            g = _m_step_part(value, e, part, resp)
            if not _close(g, e):
                raise _Fail(_m_step_hint(part, g, e, X, resp), e, g, part=part)


# ============================================================================================
# the covariance guard (notebook 03)

@_checker("rcond", 6)
def check_rcond(s, fn):
    """Check ``fn(cov) -> float``: the reciprocal condition number 1 / (||S||_1 ||S^-1||_1).

    ||A||_1 is the largest ABSOLUTE column sum. A singular matrix must give 0 (or a number
    <= 1e-10), not an exception: that is exactly when the guard needs an answer.
    The reference is ``gmmlib.rcond``.
    """
    from ..painless import rcond
    cases = [
        ("identity", np.eye(3)),
        ("diagonal, scales 1 and 100", np.diag([1.0, 100.0])),
        ("negative correlation", np.array([[2.0, -1.5], [-1.5, 2.0]])),
        ("3-D, mixed-sign correlations", np.array([[4.0, -2.0, 0.5], [-2.0, 3.0, 1.0], [0.5, 1.0, 2.0]])),
        ("nearly singular", np.array([[1.0, 1.0 - 1e-12], [1.0 - 1e-12, 1.0]])),
        ("singular: a constant patch", np.zeros((2, 2))),
    ]
    for label, cov in cases:
        expected = rcond(cov)
        got = s.call(fn, _Case(label, [("cov", cov)]),
                     hint="A singular covariance has no inverse: catch np.linalg.LinAlgError "
                          "(and a non-finite result) and return 0.0.")
        g = _number(got, "your result")
        if expected <= 1e-10:
            if 0 <= g <= 1e-10:
                continue
        elif _close(g, expected, rtol=1e-8):
            continue
        singular = expected <= 1e-10
        inv = None if singular else np.linalg.inv(cov)
        if np.isnan(g) or (singular and np.isinf(g)):
            hint = ("a singular covariance must give 0.0 (the worst possible conditioning), not NaN "
                    "or inf." + (" inf is the condition number; RCOND is its reciprocal." if np.isinf(g) else ""))
        elif not singular and _close(g, np.linalg.cond(cov, 1), rtol=1e-6):
            hint = ("you returned the condition number ||S||_1 ||S^-1||_1; the guard wants its "
                    "reciprocal, RCOND = 1 / (||S||_1 ||S^-1||_1), which is 1 for a round covariance "
                    "and 0 for a singular one.")
        elif not singular and _close(g, np.linalg.cond(cov, 2), rtol=1e-6):
            hint = ("you returned the 2-norm condition number; the guard wants the reciprocal of the "
                    "1-norm one: 1 / (||S||_1 ||S^-1||_1).")
        elif not singular and _close(g, 1 / np.linalg.cond(cov, 2), rtol=1e-6):
            hint = "that is the 2-norm RCOND; use the 1-norm (largest absolute column sum)."
        elif not singular and _close(g, 1 / (np.abs(cov.sum(axis=0)).max() * np.abs(inv.sum(axis=0)).max())):
            hint = "take absolute values BEFORE summing each column: ||A||_1 = max_j sum_i |a_ij|."
        elif not singular and _close(g, 1 / (np.abs(cov).sum(axis=1).max() * np.abs(inv).sum(axis=1).max())) \
                and not _close(g, expected):
            hint = "that is the infinity-norm (row sums); use the 1-norm: the largest absolute COLUMN sum."
        elif singular:
            hint = (f"{_num(g)} for a singular matrix: RCOND must be 0 (or at most 1e-10) there. Catch "
                    "np.linalg.LinAlgError and return 0.0.")
        else:
            hint = "RCOND = 1 / (||S||_1 ||S^-1||_1), ||A||_1 = np.abs(A).sum(axis=0).max()."
        raise _Fail(hint, expected, g)


