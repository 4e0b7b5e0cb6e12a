"""The exercise checkers accept correct answers, reject the usual wrong ones with the right hint,
show the failing inputs, and never crash or hang on whatever a student's function does."""
import importlib
import math
import threading
import time
import warnings
from decimal import Decimal

import cv2
import numpy as np
import pytest
from scipy.special import logsumexp as scipy_logsumexp, xlogy
from scipy.stats import multivariate_normal, norm

import gmmlib
from gmmlib import exercises as ex
from gmmlib.exercises import background as ex_background, sandbox, segmentation as ex_segmentation
from gmmlib.quiz import ask

CHECKERS = {name: getattr(ex, name) for name in ex.__all__ if name.startswith("check_")}


def verdict(checker, fn, **kwargs):
    return checker(fn, quiet=True, **kwargs)


# ============================================================== reference answers (the solutions)

def good_logsumexp(a):
    m = np.max(a)
    if not np.isfinite(m):
        return m
    return m + np.log(np.sum(np.exp(a - m)))


def good_log_gaussian(X, mean, cov):
    d = X.shape[1]
    L = np.linalg.cholesky(cov)
    z = np.linalg.solve(L, (X - mean).T)
    return -0.5 * (d * np.log(2 * np.pi) + 2 * np.log(np.diag(L)).sum() + (z * z).sum(axis=0))


def good_e_step(X, weights, means, covs):
    a = np.column_stack([good_log_gaussian(X, m, c) for m, c in zip(means, covs)]) + np.log(weights)
    ll = scipy_logsumexp(a, axis=1)
    return np.exp(a - ll[:, None]), ll.sum()


def good_m_step(X, resp):
    X = np.asarray(X, dtype=float)
    Nk = resp.sum(axis=0)
    means = resp.T @ X / Nk[:, None]
    covs = np.stack([((X - mu).T * r) @ (X - mu) / n for mu, r, n in zip(means, resp.T, Nk)])
    return Nk / len(X), means, covs


def slogdet_log_gaussian(X, mean, cov):
    """log det from np.linalg.slogdet and the quadratic form from a linear solve."""
    D = np.asarray(X, dtype=float) - mean
    return -0.5 * (X.shape[1] * np.log(2 * np.pi) + np.linalg.slogdet(cov)[1]
                   + np.einsum("ij,ji->i", D, np.linalg.solve(cov, D.T)))


def inv_det_log_gaussian(X, mean, cov):
    """The formula read literally: fine until det(cov) leaves the float64 range."""
    D = np.asarray(X, dtype=float) - mean
    return -0.5 * (X.shape[1] * np.log(2 * np.pi) + np.log(np.linalg.det(cov))
                   + np.einsum("ij,jk,ik->i", D, np.linalg.inv(cov), D))


def good_rcond(cov):
    try:
        inv = np.linalg.inv(cov)
    except np.linalg.LinAlgError:
        return 0.0
    return 1 / (np.abs(cov).sum(axis=0).max() * np.abs(inv).sum(axis=0).max())


def good_threshold(w, mu, var):
    t = np.arange(256.0)
    a = np.log(w)[:, None] - 0.5 * np.log(2 * np.pi * var)[:, None] - 0.5 * (t - mu[:, None]) ** 2 / var[:, None]
    bright = np.argmax(mu)
    wins = (a[bright] > a[1 - bright]) & (t >= mu.min())
    return int(np.argmax(wins))


def threshold_loop(w, mu, var):
    """A level-by-level scan from the darker mean up, with scipy's densities."""
    dark, bright = np.argsort(mu)
    t = int(np.ceil(mu[dark]))
    while w[bright] * norm.pdf(t, mu[bright], np.sqrt(var[bright])) <= w[dark] * norm.pdf(
            t, mu[dark], np.sqrt(var[dark])):
        t += 1
    return t


def threshold_root(w, mu, var):
    """The crossing of the two log posteriors between the means (a quadratic), rounded up."""
    dark, bright = np.argsort(mu)
    coef = [0.0, 0.0, 0.0]
    for k, sign in ((bright, 1), (dark, -1)):
        coef = np.add(coef, sign * np.array([-0.5 / var[k], mu[k] / var[k],
                                             np.log(w[k]) - 0.5 * np.log(var[k]) - 0.5 * mu[k] ** 2 / var[k]]))
    roots = np.roots(coef) if abs(coef[0]) > 1e-15 else np.array([-coef[2] / coef[1]])
    root = min(r.real for r in roots if mu[dark] <= r.real <= mu[bright])
    return int(np.ceil(root)) if np.ceil(root) != root else int(root) + 1


def scan_from_zero(w, mu, var):
    """The first level from 0 up where the brighter component wins: right unless its tail wins in the dark."""
    t = np.arange(256.0)
    a = np.log(w)[:, None] - 0.5 * np.log(2 * np.pi * var)[:, None] - 0.5 * (t - mu[:, None]) ** 2 / var[:, None]
    bright = np.argmax(mu)
    return int(np.argmax(a[bright] > a[1 - bright]))


def good_whiten(X):
    X = np.asarray(X, dtype=float)
    mean, std = X.mean(axis=0), X.std(axis=0)
    std = np.where(std > 0, std, 1.0)
    return (X - mean) / std, mean, std


def whiten_divide_where(X):
    """std kept 0 for a constant feature, whose Z column np.divide leaves at 0."""
    X = np.asarray(X, dtype=float)
    mean, std = X.mean(axis=0), X.std(axis=0)
    return np.divide(X - mean, std, out=np.zeros(X.shape), where=std > 0), mean, std


def whiten_sample_std(X):
    X = np.asarray(X, dtype=float)
    mean, std = X.mean(axis=0), X.std(axis=0, ddof=1)
    std = np.where(std > 0, std, 1.0)
    return (X - mean) / std, mean, std


def whiten_plus_epsilon(X):
    X = np.asarray(X, dtype=float)
    mean, std = X.mean(axis=0), X.std(axis=0) + 1e-12
    return (X - mean) / std, mean, std


def good_e_step_1d(x, w, mu, var):
    a = np.log(w) - 0.5 * np.log(2 * np.pi * var) - 0.5 * (x[:, None] - mu) ** 2 / var
    log_p = scipy_logsumexp(a, axis=1)
    return np.exp(a - log_p[:, None]), log_p


def good_m_step_1d(x, c, resp):
    cr = resp * c[:, None]
    Nk = cr.sum(axis=0)
    mu = cr.T @ x / Nk
    return Nk / Nk.sum(), mu, (cr * (x[:, None] - mu) ** 2).sum(axis=0) / Nk


def make_em(e_step=good_e_step_1d, m_step=good_m_step_1d, rule="per pixel", log_counts=True,
            extra_m_step=False, shift=False):
    """A weighted EM loop; the keyword arguments switch on one typical mistake each (``rule``:
    "per pixel" is right; "absolute" compares the gain with tol, "relative" with tol |L|)."""
    def em(x, c, w, mu, var, max_iter=100, tol=1e-4):
        L = []
        for t in range(max_iter + 1):
            r, log_p = e_step(x, w, mu, var)
            L.append(float((c if log_counts else np.ones_like(c)) @ log_p))
            limit = {"per pixel": tol * c.sum(), "absolute": tol,
                     "relative": tol * abs(L[-2]) if t > 0 else tol}[rule]
            if t > 0 and L[-1] - L[-2] < limit or t == max_iter:
                if extra_m_step:
                    w, mu, var = m_step(x, c, r)
                break
            w, mu, var = m_step(x, c, r)
        return w, mu, var, (L[1:] + [L[-1]] if shift else L)
    return em


def absolute_deviation(x, c, resp):
    """The M-step's variance without the square: sum_i c_i r_ik |x_i - mu_k| / N_k."""
    cr = resp * c[:, None]
    mu = cr.T @ x / cr.sum(axis=0)
    return (cr * np.abs(x[:, None] - mu)).sum(axis=0) / cr.sum(axis=0)


def good_frames_to_absorb(alpha, T, w0=0.05):
    weight, n = (1 - alpha) / (1 - alpha + w0), 1
    while weight > T:
        weight *= 1 - alpha
        n += 1
    return n


def good_first_match(x, weights, means, variances, k=2.5):
    sigma = np.sqrt(variances)
    for j in np.argsort(-(weights / sigma), kind="stable"):
        if weights[j] > 0 and abs(x - means[j]) < k * sigma[j]:
            return int(j)
    return -1


def good_mog2_masks(frames, shadows):
    mog = cv2.createBackgroundSubtractorMOG2(detectShadows=shadows != "off")
    labels = np.array([mog.apply(f) for f in frames])
    return labels > 0 if shadows == "count" else labels == 255


def good_lower_bound(q, log_joint, counts):
    """B = sum_i c_i sum_k q_ik (log_joint_ik - log q_ik), with 0 log 0 = 0 (xlogy)."""
    return float(counts @ (q * log_joint - xlogy(q, q)).sum(axis=1))


def scipy_weighted_log_densities(X, weights, means, covs):
    """a_ik = log pi_k + log N(x_i | mu_k, Sigma_k) with scipy's densities."""
    return np.column_stack([np.log(w) + multivariate_normal(m, c).logpdf(X).reshape(-1)
                            for w, m, c in zip(weights, means, covs)])


def scipy_responsibilities(X, weights, means, covs):
    a = scipy_weighted_log_densities(X, weights, means, covs)
    return np.exp(a - scipy_logsumexp(a, axis=1, keepdims=True))


def scipy_log_density(X, mixture):
    """log p(x_i) of a mixture from its parameters, with scipy (not Mixture.log_density)."""
    return scipy_logsumexp(scipy_weighted_log_densities(X, mixture.weights, mixture.means,
                                                        mixture.covariances), axis=1)


def scipy_bic(mixture, X):
    K, d = mixture.means.shape
    p = (K - 1) + K * d + K * d * (d + 1) // 2
    return -2 * scipy_log_density(X, mixture).sum() + p * np.log(len(X))


def numpy_rcond(cov):
    """1 / numpy's 1-norm condition number; 0 for a matrix numpy cannot invert."""
    try:
        return 1 / np.linalg.cond(cov, 1)
    except np.linalg.LinAlgError:
        return 0.0


def unique_counts(img):
    levels, counts = np.unique(img, return_counts=True)
    out = np.zeros(256, dtype=int)
    out[levels] = counts
    return out


def sklearn_n_parameters(K, d, covariance_type):
    """scikit-learn's own count, from a model fitted on random data of that size."""
    from sklearn.mixture import GaussianMixture
    X = np.random.default_rng(0).normal(size=(max(2 * K, 4), d))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        gm = GaussianMixture(K, covariance_type=covariance_type, max_iter=1, random_state=0).fit(X)
    return gm._n_parameters()


GOOD = {
    "check_logsumexp": [good_logsumexp, scipy_logsumexp],
    "check_log_gaussian": [good_log_gaussian, lambda X, m, c: multivariate_normal(m, c).logpdf(X).reshape(-1),
                           slogdet_log_gaussian],
    "check_e_step": [good_e_step, lambda *a: good_e_step(*a)[0], lambda *a: (good_e_step(*a)[0], None),
                     lambda *a: (good_e_step(*a)[0],),
                     lambda X, w, m, c: scipy_responsibilities(X, w, m, c)],
    "check_m_step": [good_m_step],
    "check_rcond": [good_rcond, numpy_rcond],
    "check_bic": [scipy_bic,
                  lambda m, X: -2 * m.log_likelihood(X) + m.n_parameters * np.log(len(X))],
    "check_n_parameters": [lambda K, d: (K - 1) + K * d + K * d * (d + 1) // 2,
                           lambda K, d: float((K - 1) + K * d + K * d * (d + 1) / 2)],
    "check_histogram": [lambda img: np.bincount(img.ravel(), minlength=256),
                        lambda img: np.histogram(img, bins=256, range=(0, 256))[0],
                        unique_counts],
    "check_threshold": [good_threshold, threshold_loop, threshold_root],
    "check_em_loop": [make_em()],
    "check_whiten": [good_whiten, whiten_divide_where, whiten_sample_std, whiten_plus_epsilon,
                     lambda X: (np.nan_to_num((X - X.mean(0)) / X.std(0)), X.mean(0), X.std(0))],
    "check_log_likelihood_ratio": [lambda X, fg, bg: scipy_log_density(X, fg) - scipy_log_density(X, bg)],
    "check_frames_to_absorb": [good_frames_to_absorb],
    "check_first_match": [good_first_match],
    "check_mog2_masks": [good_mog2_masks],
    "check_n_parameters_by_type": [
        lambda K, d, t: (K - 1) + K * d + {"full": K * d * (d + 1) // 2, "diag": K * d, "spherical": K,
                                           "tied": d * (d + 1) // 2}[t],
        sklearn_n_parameters],
    "check_lower_bound": [good_lower_bound,
                          lambda q, a, c: float(c @ scipy_logsumexp(a, axis=1)
                                                - c @ (xlogy(q, q) - q * (a - scipy_logsumexp(
                                                    a, axis=1, keepdims=True))).sum(axis=1))],
}


def test_every_checker_has_reference_answers():
    assert set(GOOD) == set(CHECKERS)


@pytest.mark.parametrize("name", sorted(GOOD))
def test_checkers_accept_correct_answers(name):
    for fn in GOOD[name]:
        fb = verdict(CHECKERS[name], fn)
        assert fb, fb.message
        assert fb.message == f"✓ {fb.exercise}: correct on all {fb.n_cases} cases."


def test_em_loop_accepts_correct_parts():
    assert verdict(ex.check_em_loop, make_em(), e_step=good_e_step_1d, m_step=good_m_step_1d)


def test_em_loop_reference_is_histogram_em_from_the_same_start():
    """The checker's loop (gmmlib.steps) and histogram_em (prior=0) from the same equal-range
    start climb the same log-likelihoods to the same means and, with the same rule (a gain per
    pixel below tol), stop at the same iteration."""
    from skimage import data
    x, c = ex_segmentation._cameraman_histogram()
    w, mu, var = ex_segmentation._equal_range_start(x, c, 2)
    rw, rmu, rvar, L = ex_segmentation._em_1d_reference(x, c, w, mu, var, 100, 1e-4)
    T = len(L) - 1
    assert 3 < T < 100 and L[T] - L[T - 1] < 1e-4 * c.sum() <= L[T - 1] - L[T - 2]
    run = gmmlib.histogram_em(data.camera(), 2, tol=1e-4, prior=0)
    assert run.n_iter == T
    np.testing.assert_allclose(L, run.history.log_likelihood, rtol=1e-10)
    np.testing.assert_allclose(rmu, run.history.mixture(T).means[:, 0], rtol=1e-8)
    np.testing.assert_allclose(make_em()(x, c, w, mu, var)[3], L, rtol=1e-10)


def test_frames_to_absorb_reference_is_the_model():
    """The closed form of the solution and the BackgroundModel run agree on every case."""
    for alpha, T, w0 in [(0.01, 0.7, 0.05), (0.02, 0.5, 0.05), (0.01, 0.9, 0.05), (0.05, 0.7, 0.05), (0.02, 0.7, 0.2)]:
        assert ex_background._absorbed_after(alpha, T, w0) == good_frames_to_absorb(alpha, T, w0)


def test_mog2_without_shadow_detection_equals_counting_127():
    """What exercise 3 of notebook 07 leads to: shadow detection only relabels pixels."""
    frames, labels, refs = ex_background._mog2_reference()
    assert (labels == 127).any()
    np.testing.assert_array_equal(refs["off"], refs["count"])
    assert refs["count"].sum() > refs["ignore"].sum()


# ============================================================== wrong answers get the right hint

def naive_e_step(X, weights, means, covs, pad=0.0):
    num = np.column_stack([w * multivariate_normal(m, c).pdf(X).reshape(-1) for w, m, c in zip(weights, means, covs)])
    return num / (num.sum(axis=1, keepdims=True) + pad)


def _replace(i, f):
    def fn(X, resp):
        out = list(good_m_step(X, resp))
        out[i] = f(X, resp, out)
        return tuple(out)
    return fn


def lse_shift(a, m):
    return m + np.log(np.sum(np.exp(a - m)))


def linear_ratio(X, fg, bg):
    p = [np.exp(m.weighted_log_density(X)).sum(axis=1) for m in (fg, bg)]
    return np.log(p[0] / p[1])


def cond_or_inf(c):
    try:
        return np.linalg.cond(c, 1)
    except np.linalg.LinAlgError:
        return np.inf


def mog2_shared():
    mog = cv2.createBackgroundSubtractorMOG2()  # created once: the second call continues the first's model

    def masks(frames, shadows):
        labels = np.array([mog.apply(f) for f in frames])
        return labels > 0 if shadows == "count" else labels == 255
    return masks


def reversed_ties(x, w, mu, var, k=2.5):
    sigma = np.sqrt(var)
    order = sorted(range(len(w)), key=lambda j: (-(w[j] / sigma[j]), -j))
    return next((j for j in order if w[j] > 0 and abs(x - mu[j]) < k * sigma[j]), -1)


WRONG = [
    # logsumexp
    ("check_logsumexp", lambda a: np.log(np.sum(np.exp(a))), "two tiny terms", "Subtract m = max(a) first"),
    ("check_logsumexp", lambda a: np.max(a) + 0 * np.log(np.sum(np.exp(a))), "two zeros", "you returned max(a)"),
    ("check_logsumexp", lambda a: np.log(np.sum(np.exp(a - np.max(a)))), "ordinary numbers", "forgot to add the maximum back"),
    ("check_logsumexp", lambda a: scipy_logsumexp(a) if np.max(a) < 500 else np.log(np.sum(np.exp(a))),
     "two huge terms", "exp(1000) overflows"),
    ("check_logsumexp", lambda a: lse_shift(a, np.min(a)), "terms 1400 apart", "you subtracted the minimum"),
    ("check_logsumexp", lambda a: lse_shift(a, np.mean(a)), "terms 2000 apart", "you subtracted the mean"),
    ("check_logsumexp", lambda a: scipy_logsumexp(a) if np.isfinite(a).all() else np.nan, "one term of weight zero",
     "NaN"),
    ("check_logsumexp", lambda a: np.exp(a), "two zeros", "one number"),
    ("check_logsumexp", lambda a: 1 / 0, "two zeros", "ZeroDivisionError"),
    # log_gaussian
    ("check_log_gaussian", lambda X, m, c: np.log(multivariate_normal(m, c).pdf(X).reshape(-1)), "RGB pixel",
     "underflowed to 0.0"),
    ("check_log_gaussian", lambda X, m, c: good_log_gaussian(X, m, c) - 0.5 * X.shape[1] * np.log(2 * np.pi),
     "1-D standard", "d log(2 pi)"),
    ("check_log_gaussian", lambda X, m, c: good_log_gaussian(X, m, c) + 0.5 * np.log(np.linalg.det(c)),
     "1-D, variance 9", "same constant for every point"),
    ("check_log_gaussian", lambda X, m, c: good_log_gaussian(X, m, np.diag(np.diag(c))), "2-D, correlated",
     "quadratic form"),
    ("check_log_gaussian", lambda X, m, c: good_log_gaussian(X, m, c)[:, None] * np.ones((1, 2)), "1-D standard",
     "shape"),
    ("check_log_gaussian", inv_det_log_gaussian, "50-D, variances near 1e-8", "underflows to 0.0"),
    ("check_log_gaussian", lambda X, m, c: good_log_gaussian(X, m, c) if c[0, 0] < 1e4 else inv_det_log_gaussian(X, m, c),
     "50-D, variances near 1e8", "overflows to inf"),
    # e_step
    ("check_e_step", naive_e_step, "RGB pixels far", "0 by 0"),
    ("check_e_step", lambda *a: naive_e_step(*a, pad=1e-300), "RGB pixels far", "underflow, not a normalisation slip"),
    ("check_e_step", lambda *a: naive_e_step(*a, pad=np.finfo(float).tiny), "RGB pixels far", "1e-300"),
    ("check_e_step", lambda X, w, m, c: naive_e_step(X, w, m, c, pad=2e-300) + 1e-300 / (naive_e_step(
        X, w, m, c, pad=2e-300).sum(axis=1, keepdims=True) + 2e-300) if False else _eps_numerator(X, w, m, c),
     "RGB pixels far", "uniform"),
    ("check_e_step", lambda X, w, m, c: naive_e_step(X, np.ones(len(w)) / len(w), m, c), "2-D, unequal weights",
     "forgot the mixing weights"),
    ("check_e_step", lambda X, w, m, c: np.exp(np.column_stack([good_log_gaussian(X, mu, s) for mu, s in zip(m, c)])
                                               + np.log(w)), "1-D, two equal", "divide each row by its sum"),
    ("check_e_step", lambda *a: good_e_step(*a)[0].T, "1-D, two equal", "transpose"),
    ("check_e_step", lambda *a: (good_e_step(*a)[0], good_e_step(*a)[1] + 1.0),
     "1-D, two equal components: log-likelihood", "log-likelihood is not"),
    ("check_e_step", lambda *a: (good_e_step(*a)[0], 0.0, 1), "1-D, two equal", "tuple of 3 items"),
    # m_step
    ("check_m_step", _replace(0, lambda X, r, o: r.sum(axis=0)), "1-D, soft responsibilities: weights", "sum to 1"),
    ("check_m_step", _replace(1, lambda X, r, o: r.T @ X), "1-D, soft responsibilities: means", "divide by N_k"),
    ("check_m_step", _replace(2, lambda X, r, o: o[2] * (r.sum(0) / (r.sum(0) - 1))[:, None, None]),
     "1-D, soft responsibilities: covariances", "not N_k - 1"),
    ("check_m_step", _replace(2, lambda X, r, o: np.einsum("nk,na,nb->kab", r, X.astype(float), X.astype(float))
                              / r.sum(0)[:, None, None]), "1-D, soft responsibilities: covariances", "subtract the mean"),
    ("check_m_step", lambda X, r: good_m_step(X, r) if X.dtype != np.uint8 else (
        r.sum(0) / len(X), r.T @ X / r.sum(0)[:, None],
        np.einsum("nk,nab->kab", r, X[:, :, None] * X[:, None, :]) / r.sum(0)[:, None, None]
        - np.einsum("ka,kb->kab", r.T @ X / r.sum(0)[:, None], r.T @ X / r.sum(0)[:, None])),
     "uint8 RGB pixels: covariances", "wrap around"),
    ("check_m_step", lambda X, r: good_m_step(X, r)[:2], "1-D, soft", "tuple of 3"),
    ("check_m_step", _replace(1, lambda X, r, o: r.T @ X / r.sum(0)), "1-D, soft responsibilities: means", "Nk[:, None]"),
    ("check_m_step", lambda X, r: good_m_step(X, r) if X.shape[1] == 1 else (r.sum(0) / len(X), r.T @ X / r.sum(0), None),
     "2-D, three components", "Nk[:, None]"),
    ("check_m_step", _replace(1, lambda X, r, o: o[1].T), "2-D, three components", "one row per component"),
    # rcond
    ("check_rcond", lambda c: 1 / (np.abs(c).sum(0).max() * np.abs(np.linalg.inv(c)).sum(0).max()), "singular",
     "LinAlgError"),
    ("check_rcond", lambda c: good_rcond(c) if np.abs(c).sum() else np.nan, "singular", "0.0"),
    ("check_rcond", lambda c: 1 / (np.abs(c.sum(0)).max() * np.abs(np.linalg.inv(c).sum(0)).max())
     if np.abs(c).sum() else 0.0, "negative correlation", "absolute values BEFORE"),
    ("check_rcond", lambda c: 1 / np.linalg.cond(c, 2) if np.abs(c).sum() else 0.0, "3-D, mixed-sign", "2-norm"),
    ("check_rcond", lambda c: np.linalg.cond(c, 1), "diagonal, scales 1 and 100", "you returned the condition number"),
    ("check_rcond", cond_or_inf, "diagonal, scales 1 and 100", "you returned the condition number"),
    ("check_rcond", lambda c: 1 / cond_or_inf(c) if np.abs(c).sum() else 1.0, "singular", "RCOND must be 0"),
    # bic and n_parameters
    ("check_bic", lambda m, X: m.aic(X), "1-D, K = 1", "that is AIC"),
    ("check_bic", lambda m, X: -m.bic(X), "1-D, K = 1", "sign is flipped"),
    ("check_bic", lambda m, X: -m.log_likelihood(X) + m.n_parameters * np.log(len(X)), "1-D, K = 1", "factor 2"),
    ("check_bic", lambda m, X: -2 * m.log_likelihood(X) + m.n_parameters * np.log10(len(X)), "1-D, K = 1", "log10"),
    ("check_bic", lambda m, X: -2 * m.log_likelihood(X), "1-D, K = 1", "left out the penalty"),
    ("check_bic", lambda m, X: -2 * m.log_likelihood(X) + m.n_components * np.log(len(X)), "1-D, K = 1",
     "not K or d"),
    ("check_n_parameters", lambda K, d: K + K * d + K * d * (d + 1) // 2, "K = 1, d = 1", "K - 1"),
    ("check_n_parameters", lambda K, d: K - 1 + K * d + K * d * d, "K = 2, d = 2", "symmetric"),
    ("check_n_parameters", lambda K, d: K - 1 + K * d * (d + 1) // 2, "K = 1, d = 1", "means"),
    ("check_n_parameters", lambda K, d: K - 1 + K * d + d * (d + 1) // 2, "K = 2, d = 1", "own covariance"),
    # histogram and threshold
    ("check_histogram", lambda img: np.bincount(img.ravel()), "dark image", "256 counts"),
    ("check_histogram", lambda img: np.histogram(img, bins=256)[0], "dark image", "range=(0, 256)"),
    ("check_histogram", lambda img: np.bincount(img.ravel(), minlength=256) // 2, "random", "add up to"),
    ("check_threshold", lambda w, mu, var: int(np.ceil(mu.mean())), "unequal weights", "midpoint"),
    ("check_threshold", lambda w, mu, var: good_threshold(np.array([0.5, 0.5]), mu, var), "unequal weights",
     "forgot the weights"),
    ("check_threshold", lambda w, mu, var: good_threshold(w[::-1], mu[::-1], var) if mu[0] > mu[1]
     else good_threshold(w, mu, var), "components listed bright first", "scan"),
    ("check_threshold", lambda w, mu, var: good_threshold(w, mu, var) + 1, "equal weights", "off by one"),
    ("check_threshold", lambda w, mu, var: scan_from_zero(w, mu, var), "a narrow dark and a wide bright",
     "Start the scan at the darker mean"),
    ("check_threshold", lambda w, mu, var: good_threshold(w, mu, var) + 0.5, "equal weights", "whole number"),
    # the EM loop
    ("check_em_loop", make_em(m_step=lambda x, c, r: good_m_step_1d(x, np.ones_like(c), r)), "eight levels",
     "forgets the counts"),
    ("check_em_loop", make_em(log_counts=False), "eight levels", "without the counts"),
    ("check_em_loop", make_em(rule="absolute"), "the cameraman histogram, K = 2", "per pixel"),
    ("check_em_loop", make_em(rule="relative"), "the cameraman histogram, K = 2", "per pixel"),
    ("check_em_loop", make_em(extra_m_step=True), "the cameraman histogram, K = 2", "do not run another M-step"),
    ("check_em_loop", make_em(shift=True), "eight levels", "one iteration late"),
    ("check_em_loop", make_em(m_step=lambda x, c, r: good_m_step_1d(x, c, r)[:2] + (
        absolute_deviation(x, c, r),)), "eight levels", "went DOWN"),
    ("check_em_loop", lambda *a: make_em()(*a)[:3], "eight levels", "tuple of 4"),
    # whiten and the log-likelihood ratio
    ("check_whiten", lambda X: ((X - X.mean(0)) / X.std(0), X.mean(0), X.std(0)) if X.std(0).min() == 0
     else good_whiten(X), "a constant feature", "std 0"),
    ("check_whiten", lambda X: (good_whiten(X)[0] + (X.std(0) == 0), X.mean(0), X.std(0)), "a constant feature (saturated channel): Z",
     "its Z column is 0"),
    ("check_whiten", lambda X: (good_whiten(X)[0], X.mean(0), np.where(X.std(0) > 0, X.std(0), np.nan)),
     "a constant feature (saturated channel): std", "finite and >= 0"),
    ("check_whiten", lambda X: (good_whiten(X)[0], X.mean(0) + 1, good_whiten(X)[2]), "two features on scales 1 and 1e6: mean",
     "X.mean(axis=0)"),
    ("check_whiten", lambda X: ((X - X.mean(0)) / X.var(0), X.mean(0), X.var(0)), "two features", "variance"),
    ("check_whiten", lambda X: (X / X.std(0), X.mean(0), X.std(0)), "two features", "subtract the mean"),
    ("check_whiten", lambda X: (good_whiten(X)[0], X.mean(0), X.std(0, ddof=1)), "two features on scales 1 and 1e6: Z",
     "the very std you return"),
    ("check_log_likelihood_ratio", linear_ratio, "a pixel far from both", "underflowed"),
    ("check_log_likelihood_ratio", lambda X, fg, bg: (scipy_weighted_log_densities(X, fg.weights, fg.means, fg.covariances)
                                                      .max(axis=1) - scipy_weighted_log_densities(
                                                          X, bg.weights, bg.means, bg.covariances).max(axis=1)),
     "models whose components overlap", "max_k"),
    ("check_log_likelihood_ratio", lambda X, fg, bg: bg.log_density(X) - fg.log_density(X), "pixels near", "sign"),
    ("check_log_likelihood_ratio", lambda X, fg, bg: fg.component_log_density(X)[:, 0] - bg.component_log_density(X)[:, 0],
     "pixels near", "all its components"),
    # notebook 04: parameters by covariance type
    ("check_n_parameters_by_type", lambda K, d, t: (K - 1) + K * d + K * d * (d + 1) // 2, "diag, K = 3, d = 2",
     "count for 'full'"),
    ("check_n_parameters_by_type", lambda K, d, t: K + GOOD["check_n_parameters_by_type"][0](K, d, t) - (K - 1),
     "full, K = 3, d = 2", "K - 1 of them"),
    # notebook 02: the lower bound
    ("check_lower_bound", lambda q, a, c: float(c @ (q * a).sum(axis=1)), "three points, two components, q = r",
     "without the entropy of q"),
    ("check_lower_bound", lambda q, a, c: float(c @ (q * a + xlogy(q, q)).sum(axis=1)), "three points",
     "wrong sign"),
    ("check_lower_bound", lambda q, a, c: float(c @ (q * (a - np.log(q))).sum(axis=1)), "hard assignments",
     "0 * log 0"),
    ("check_lower_bound", lambda q, a, c: float((q * a - xlogy(q, q)).sum()), "a histogram",
     "forgot the counts c_i"),
    ("check_lower_bound", lambda q, a, c: float(c @ (q * np.log(np.exp(a)) - xlogy(q, q)).sum(axis=1)),
     "far-away points", "underflowed to 0.0"),
    ("check_lower_bound", lambda q, a, c: float(c @ scipy_logsumexp(a, axis=1)), "the same points, q uniform",
     "log L itself"),
    # notebook 07
    ("check_frames_to_absorb", lambda a, T, w0: math.ceil(math.log(T) / math.log(1 - a)), "alpha = 0.01, T = 0.7",
     "forgets the new Gaussian"),
    ("check_frames_to_absorb", lambda a, T, w0: next(n for n in range(1, 999) if (1 - a) ** (n - 1) / (1 + w0) <= T),
     "alpha = 0.05, T = 0.7", "not 1 / (1 + w0)"),
    ("check_frames_to_absorb", lambda a, T, w0: good_frames_to_absorb(a, T, w0) - 1, "alpha = 0.01", "off by one"),
    ("check_frames_to_absorb", lambda a, T, w0: None, "alpha = 0.01", "None"),
    ("check_first_match", lambda x, w, mu, var, k: min(range(len(w)), key=lambda j: abs(x - mu[j])),
     "the first match in rank", "nearest mean"),
    ("check_first_match", lambda x, w, mu, var, k: next((j for j in np.argsort(-(w / np.sqrt(var)), kind="stable")
                                                         if abs(x - mu[j]) < k * np.sqrt(var[j])), -1),
     "an empty slot", "weight 0"),
    ("check_first_match", lambda x, w, mu, var, k: next((int(j) for j in np.argsort(-(w / np.sqrt(var)), kind="stable")
                                                         if w[j] > 0 and abs(x - mu[j]) <= k * np.sqrt(var[j])), -1),
     "exactly k sigma", "strict"),
    ("check_first_match", lambda x, w, mu, var, k: next((r for r, j in enumerate(np.argsort(-(w / np.sqrt(var)),
                                                                                            kind="stable"))
                                                         if w[j] > 0 and abs(x - mu[j]) < k * np.sqrt(var[j])), -1),
     "ranked order differs", "RANK"),
    ("check_first_match", lambda x, w, mu, var, k: next((int(j) for j in np.argsort(-w, kind="stable")
                                                         if w[j] > 0 and abs(x - mu[j]) < k * np.sqrt(var[j])), -1),
     "a light but narrow", "weight alone"),
    ("check_first_match", lambda x, w, mu, var, k: next((int(j) for j in np.argsort(-(w / np.sqrt(var)), kind="stable")
                                                         if w[j] > 0 and abs(x - mu[j]) < k * var[j]), -1),
     "an empty slot", "sigma_k = sqrt"),
    ("check_first_match", lambda x, w, mu, var, k: good_first_match(x, w, mu, var), "a narrower match window",
     "the k you are given"),
    ("check_first_match", reversed_ties, "equal w / sigma", "lower index"),
    ("check_mog2_masks", lambda f, s: good_mog2_masks(f, "ignore" if s == "count" else s), 'shadows = "count"',
     "count only 255"),
    ("check_mog2_masks", lambda f, s: good_mog2_masks(f, "count" if s == "ignore" else s), 'shadows = "ignore"',
     "keep only labels == 255"),
    ("check_mog2_masks", lambda f, s: np.array([cv2.createBackgroundSubtractorMOG2().apply(x) for x in f]),
     'shadows = "ignore"', "return booleans"),
]


def _eps_numerator(X, w, m, c):
    """Linear-domain E-step with a tiny number added to every numerator (0/0 becomes 1/K)."""
    num = np.column_stack([wk * multivariate_normal(mk, ck).pdf(X).reshape(-1) for wk, mk, ck in zip(w, m, c)])
    num = num + 1e-300
    return num / num.sum(axis=1, keepdims=True)


@pytest.mark.parametrize("name, fn, case, hint", WRONG,
                         ids=[f"{w[0][6:]}-{w[2]}-{w[3]}" for w in WRONG])
def test_checkers_reject_wrong_answers_with_the_right_hint(name, fn, case, hint):
    fb = verdict(CHECKERS[name], fn)
    assert not fb
    assert fb.case.startswith(case), fb.message
    assert hint is None or hint in fb.hint, fb.message
    assert "the checker could not read" not in fb.hint


def test_every_checker_has_wrong_answers_tested():
    assert {w[0] for w in WRONG} == set(CHECKERS)


def test_e_step_underflow_hint_is_not_the_normalisation_hint():
    """The padded denominator gives rows that sum to 0: the hint must name underflow, not normalisation."""
    fb = verdict(ex.check_e_step, lambda *a: naive_e_step(*a, pad=1e-300))
    assert "underflow" in fb.hint and "do not sum to 1" not in fb.hint
    assert "point 2, 3" in fb.hint or "points 2, 3" in fb.hint


def test_rcond_condition_number_hint_fires_on_the_first_informative_case():
    """identity: cond = rcond = 1, so the first case where the two differ carries the hint."""
    fb = verdict(ex.check_rcond, lambda c: np.linalg.cond(c, 1))
    assert fb.case == "diagonal, scales 1 and 100"
    assert fb.expected == "0.01" and fb.got == "100"


# ============================================================== messages and options

def test_feedback_message_shows_inputs_expected_got_and_hint(capsys):
    fb = ex.check_logsumexp(lambda a: np.log(np.sum(np.exp(a))))
    out = capsys.readouterr().out
    assert out.strip() == fb.message
    lines = out.splitlines()
    assert lines[0] == "✗ logsumexp failed on the case 'two tiny terms'"
    assert lines[1] == "    input     a = [-1000, -1001]"
    assert lines[2] == "    expected  -999.687"
    assert lines[3] == "    got       -inf"
    assert lines[4].startswith("  Hint: every exp(a_k) underflowed")
    assert fb.inputs == [("a", "[-1000, -1001]")]
    assert ex.check_logsumexp(good_logsumexp, quiet=True).message == "✓ logsumexp: correct on all 9 cases."


def test_feedback_lists_every_input_of_the_failing_case():
    fb = verdict(ex.check_threshold, lambda w, mu, var: 0)
    assert [name for name, _ in fb.inputs] == ["weights", "means", "variances"]
    assert fb.inputs[1] == ("means", "[50, 151]")
    assert "input     weights = [0.5, 0.5]" in fb.message
    big = verdict(ex.check_mog2_masks, lambda f, s: f > 0)
    assert ("frames", "uint8 array of shape (40, 48, 64), values 0 to 255") in big.inputs  # summarised, not dumped
    assert len(big.message.splitlines()) < 12


def test_hint_lines_are_wrapped_for_reading():
    fb = verdict(ex.check_em_loop, make_em(rule="absolute"))
    hint_lines = fb.message[fb.message.index("  Hint:"):].splitlines()
    assert len(hint_lines) > 1 and all(len(line) <= 96 for line in hint_lines)


def test_strict_mode_raises_and_quiet_mode_prints_nothing(capsys):
    with pytest.raises(ex.ExerciseError, match="two tiny terms"):
        ex.check_logsumexp(lambda a: np.log(np.sum(np.exp(a))), strict=True)
    assert ex.check_logsumexp(good_logsumexp, strict=True, quiet=True)
    capsys.readouterr()
    ex.check_logsumexp(good_logsumexp, quiet=True)
    assert capsys.readouterr().out == ""


def test_student_warnings_are_silenced(recwarn):
    ex.check_logsumexp(lambda a: np.log(np.sum(np.exp(a))), quiet=True)
    ex.check_e_step(naive_e_step, quiet=True)
    assert not [w for w in recwarn if issubclass(w.category, RuntimeWarning)]


def test_notation_is_the_notebooks_one():
    """Messages speak of r_ik, x_i, pi_k, mu_k, Sigma_k, c_i; not of the old p_ki, p_ik or z."""
    import inspect
    import pkgutil
    source = "".join(inspect.getsource(importlib.import_module(f"gmmlib.exercises.{m.name}"))
                     for m in pkgutil.iter_modules(ex.__path__)) + inspect.getsource(ex)
    for old in ("p_ki", "p_ik", "a_ki", "N(x|k)", "N(z", "(z-mu)"):
        assert old not in source, old
    texts = [verdict(ex.check_e_step, naive_e_step).hint,
             verdict(ex.check_m_step, _replace(1, lambda X, r, o: r.T @ X)).hint,
             verdict(ex.check_em_loop, make_em(m_step=lambda x, c, r: good_m_step_1d(x, np.ones_like(c), r))).hint]
    assert "r_ik" in " ".join(texts) and "c_i" in texts[2] and "pi_k" in texts[0]


def test_a_student_function_cannot_change_the_cases():
    def vandal(X, resp):
        X[...] = 0
        resp[...] = 1
        return good_m_step(X, resp)
    assert not verdict(ex.check_m_step, vandal)
    assert verdict(ex.check_m_step, good_m_step)  # the checker's own cases are intact

    def mixture_vandal(X, fg, bg):
        fg.means[...] = 0
        return fg.log_density(X) - bg.log_density(X)
    verdict(ex.check_log_likelihood_ratio, mixture_vandal)
    assert verdict(ex.check_log_likelihood_ratio, GOOD["check_log_likelihood_ratio"][0])


def test_exceptions_name_the_line_of_the_student_code():
    def my_m_step(X, resp):
        weights = resp.sum(axis=0) / len(X)
        return weights, undefined_name  # noqa: F821  (the student's slip under test)
    fb = verdict(ex.check_m_step, my_m_step)
    assert "NameError" in fb.hint and "line" in fb.hint and "undefined_name" in fb.hint


def test_a_function_with_the_wrong_parameters_is_told_so():
    fb = verdict(ex.check_e_step, lambda X, weights: X)
    assert "could not be called with 4 arguments (X, weights, means, covariances)" in fb.hint


def test_passing_the_result_instead_of_the_function_is_explained():
    fb = verdict(ex.check_logsumexp, good_logsumexp(np.array([1.0, 2.0])))
    assert not fb and "pass your function itself" in fb.hint


@pytest.mark.parametrize("exc", [SystemExit, KeyboardInterrupt, MemoryError, RecursionError, GeneratorExit])
def test_any_exception_from_the_student_becomes_feedback(exc):
    def fn(*args):
        raise exc("boom")
    fb = verdict(ex.check_rcond, fn)
    assert not fb and fb.hint


def test_not_implemented_says_not_written_yet():
    def fn(*args):
        raise NotImplementedError("your code here")
    for checker in CHECKERS.values():
        fb = checker(fn, quiet=True)
        assert not fb and fb.hint.startswith("not written yet"), fb.message


def test_checker_signatures_read_well_and_typos_are_errors():
    import inspect
    assert str(inspect.signature(ex.check_logsumexp)) == "(fn, *, quiet=False, strict=False, timeout=5.0)"
    assert "e_step=None, m_step=None" in str(inspect.signature(ex.check_em_loop))
    with pytest.raises(TypeError, match="check_logsumexp: got an unexpected keyword argument 'tmeout'"):
        ex.check_logsumexp(good_logsumexp, tmeout=3)


def test_bad_timeout_is_a_clear_error():
    for bad in (0, -1, "5", float("nan"), True):
        with pytest.raises(ValueError, match="timeout must be a number of seconds"):
            ex.check_logsumexp(good_logsumexp, timeout=bad)


# ============================================================== time limit

def _exercise_threads():
    return [t for t in threading.enumerate() if t.name == "gmmlib-exercise"]


def test_an_endless_loop_is_stopped_and_reported():
    def forever(a):
        while True:
            pass
    t0 = time.perf_counter()
    fb = ex.check_logsumexp(forever, timeout=0.3, quiet=True)
    elapsed = time.perf_counter() - t0
    assert not fb
    assert "your function did not return within 0.3 s" in fb.hint and "keeps running" not in fb.hint
    assert elapsed < 3
    time.sleep(0.05)
    assert not _exercise_threads()  # the loop really ended: nothing keeps burning the CPU
    assert ex.check_logsumexp(good_logsumexp, quiet=True)  # and the next check works normally


def test_a_loop_that_catches_exception_is_still_stopped():
    def stubborn(cov):
        while True:
            try:
                while True:
                    pass
            except Exception:  # a student's catch-all does not swallow the stop request
                pass
    fb = ex.check_rcond(stubborn, timeout=0.2, quiet=True)
    assert "did not return within 0.2 s" in fb.hint
    time.sleep(0.05)
    assert not _exercise_threads()


def test_a_loop_inside_a_numpy_heavy_function_is_stopped():
    def em(x, c, w, mu, var, max_iter, tol):
        L = []
        while True:  # forgot the stopping rule and max_iter
            L.append(float(np.log(np.exp(-x[:, None] * mu)).sum()))
    fb = ex.check_em_loop(em, timeout=0.3, quiet=True)
    assert "did not return within 0.3 s" in fb.hint
    time.sleep(0.05)
    assert not _exercise_threads()


def test_a_function_stuck_in_one_c_call_is_abandoned_and_reported(monkeypatch):
    monkeypatch.setattr(sandbox, "STOP_GRACE", 0.2)
    t0 = time.perf_counter()
    fb = ex.check_logsumexp(lambda a: time.sleep(1.5), timeout=0.2, quiet=True)
    assert time.perf_counter() - t0 < 1.2  # the checker answers without waiting for the sleep
    assert "keeps running in the background" in fb.hint
    for thread in _exercise_threads():
        thread.join(3)
    assert not _exercise_threads()


def test_a_slow_but_finite_function_passes_with_a_larger_timeout():
    def slow(a):
        time.sleep(0.05)
        return good_logsumexp(a)
    assert not ex.check_logsumexp(slow, timeout=0.01, quiet=True)
    assert ex.check_logsumexp(slow, timeout=2, quiet=True)
    assert ex.check_logsumexp(slow, timeout=None, quiet=True)


# ============================================================== hostile return values never crash a checker

class Nasty:
    """An object that refuses every conversion."""

    def __array__(self, *args, **kwargs):
        raise RuntimeError("no array")

    def __float__(self):
        raise RuntimeError("no float")

    def __len__(self):
        raise RuntimeError("no len")

    def __repr__(self):
        raise RuntimeError("no repr")


def _self_containing():
    a = []
    a.append(a)
    return a


HOSTILE = {
    "None": None, "a string": "abc", "bytes": b"12", "an empty tuple": (), "an empty list": [],
    "a ragged list": [[1.0, 2.0], [3.0]], "a ragged tuple": (np.zeros(2), np.zeros((2, 2)), 1.0),
    "10**400": 10 ** 400, "-10**400": -(10 ** 400), "10**5000": 10 ** 5000, "inf": float("inf"),
    "-inf": -np.inf, "nan": float("nan"), "a complex number": 1 + 2j, "complex array": np.array([1j, 2.0]),
    "True": True, "np.True_": np.True_, "a dict": {"a": 1}, "a set": {1, 2}, "a generator": (i for i in range(3)),
    "a function": len, "an object": object(), "a nasty object": Nasty(), "text array": np.array(["a", "b"]),
    "dates": np.array(["2020-01-01"], dtype="datetime64[D]"), "an empty array": np.zeros((0,)),
    "a 4-D array": np.zeros((2, 3, 4, 5)), "a huge float": np.float64(1.7e308),
    "a list of None": [None, None, None], "a tuple of None": (None, None, None),
    "a tuple of strings": ("a", "b", "c"), "a tuple of 2": (1.0, 2.0), "a tuple of 4": (1, 2, 3, 4),
    "a tuple of 5": (1, 2, 3, 4, 5), "a Decimal 1e400": Decimal("1e400"), "a list holding itself": _self_containing(),
    "an object array": np.array([object(), 1], dtype=object), "a huge int in a tuple": (10 ** 400, 1, 2, 3),
    "a masked array": np.ma.masked_array([1.0, 2.0], mask=[0, 1]), "a matrix": np.asmatrix(np.eye(2)),
    "a huge array": np.zeros(10 ** 6), "a range": range(3), "a negative number": -3, "a float": 0.5,
}


@pytest.mark.parametrize("name", sorted(CHECKERS))
def test_no_return_value_crashes_a_checker(name):
    checker = CHECKERS[name]
    for label, value in HOSTILE.items():
        fb = checker(lambda *args, value=value: value, quiet=True)
        assert isinstance(fb, ex.Feedback), label
        assert not fb.passed, label
        assert fb.hint and "the checker could not read" not in fb.hint, f"{label}: {fb.message}"
        assert isinstance(fb.message, str)


def test_no_return_value_crashes_the_em_loop_parts():
    for label, value in HOSTILE.items():
        fb = ex.check_em_loop(make_em(), e_step=lambda *a, v=value: v, m_step=lambda *a, v=value: v, quiet=True)
        assert not fb and "the checker could not read" not in fb.hint, f"{label}: {fb.message}"
        fb = ex.check_em_loop(make_em(), m_step=lambda *a, v=value: v, quiet=True)
        assert not fb and "the checker could not read" not in fb.hint, f"{label}: {fb.message}"


@pytest.mark.parametrize("label, value, words", [
    ("None", None, "return"), ("a string", "abc", "text"), ("ragged", [[1.0, 2.0], [3.0]], "ragged"),
    ("10**400", 10 ** 400, "too large"), ("empty tuple", (), "empty"), ("complex", 1 + 2j, "complex"),
    ("generator", (i for i in range(2)), "generator"), ("function", len, "call it"),
])
def test_a_bad_return_value_is_described_in_words(label, value, words):
    fb = verdict(ex.check_logsumexp, lambda a, v=value: v)
    assert words in fb.hint, fb.message


@pytest.mark.parametrize("label, value, words", [
    ("a tuple of 2", (1.0, 2.0), "returned 2 items"), ("a dict", {"w": 1}, "dict"),
    ("one array", np.zeros(3), "one ndarray"), ("None", None, "None"),
])
def test_a_wrong_tuple_is_described_in_words(label, value, words):
    fb = verdict(ex.check_m_step, lambda X, r, v=value: v)
    assert words in fb.hint, fb.message


def test_inf_and_nan_answers_get_hints_not_crashes():
    assert "a singular covariance must give 0.0" in verdict(ex.check_rcond, lambda c: np.inf if not c.any() else good_rcond(c)).hint
    assert "not finite" in verdict(ex.check_bic, lambda m, X: np.inf).hint
    assert "whole number" in verdict(ex.check_threshold, lambda *a: np.nan).hint


# ============================================================== quiz

def test_quiz_unanswered_right_wrong_and_revealed(capsys):
    q = dict(question="Each row of r_ik sums to", options=["0", "1", "K"], answer=2,
             explain="r_ik is a probability over the components.", why={3: "That is the number of columns."})
    v = ask(**q)
    out = capsys.readouterr().out
    assert v.correct is None and "none yet" in out and "1. 0" in out and "3. K" in out
    assert ask(**q, response=2, quiet=True).correct is True
    assert "✓ Right. r_ik is a probability" in ask(**q, response="2", quiet=True).message
    wrong = ask(**q, response=3, quiet=True)
    assert wrong.correct is False and "That is the number of columns." in wrong.message
    assert "probability" not in wrong.message  # the explanation is kept for the right answer
    assert "The answer is 2 (1)." in ask(**q, response="?", quiet=True).message
    assert ask(**q, response="b", quiet=True).correct is True
    assert ask(**q, response=" K ", quiet=True).correct is False


def test_quiz_numeric_with_tolerance():
    q = dict(question="Which K does BIC choose?", answer=2, explain="The lowest BIC.")
    assert ask(**q, response=2, quiet=True) and ask(**q, response="2", quiet=True) and ask(**q, response=2.0, quiet=True)
    assert not ask(**q, response=3, quiet=True)
    assert ask(question="ln 2?", answer=0.693, tol=0.001, response=0.6931, quiet=True)
    assert not ask(question="ln 2?", answer=0.693, tol=0.001, response=0.7, quiet=True)


@pytest.mark.parametrize("response", [10 ** 400, "abc", [1, 2], {}, object(), np.nan, True, 7, 0, -1, 2.5, Nasty(),
                                      b"2", np.inf, (), 1j])
def test_quiz_never_raises_on_a_student_response(response):
    for q in (dict(question="Q?", options=["a", "b", "c"], answer=1), dict(question="Q?", answer=5.0, tol=0.1)):
        v = ask(**q, response=response, quiet=True)
        assert v.correct in (None, False) and "Your answer:" in v.message


def test_quiz_author_mistakes_are_errors():
    with pytest.raises(ValueError, match="answer must be the number of the right option"):
        ask("Q?", ["a", "b"], answer=3)
    with pytest.raises(TypeError, match="options must be a list"):
        ask("Q?", "ab", answer=1)
    with pytest.raises(ValueError, match="numeric question"):
        ask("Q?", None, answer=None)
    with pytest.raises(ValueError, match="why must map wrong option"):
        ask("Q?", ["a", "b"], answer=1, why={1: "right one"})


def test_module_docstring_maps_each_checker_to_the_notebooks_that_import_it():
    """The docstring's "Which notebook uses which checker" list is what the notebooks import."""
    import re
    from pathlib import Path
    notebooks = Path(__file__).resolve().parent.parent / "notebooks"
    imported = {}
    for path in sorted(notebooks.glob("[0-9]*.py")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.startswith("from gmmlib.exercises import"):
                names = line.split("import", 1)[1].replace("(", "").replace(")", "")
                imported[path.name[:2]] = sorted(n.strip() for n in names.split(",") if n.strip())
    documented = {}
    listing = ex.__doc__.split("Which notebook uses which checker:", 1)[1]
    for number, names in re.findall(r"^(\d\d) (.*?)[;.]$", listing, flags=re.M):
        documented[number] = sorted(re.findall(r"``(check_\w+)``", names))
    assert imported and documented == imported
    assert set().union(*imported.values()) == set(CHECKERS)

