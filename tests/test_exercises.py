"""The exercise checkers accept a correct answer and reject the usual wrong ones with the right hint."""
import numpy as np
import pytest
from scipy.special import logsumexp as scipy_logsumexp
from scipy.stats import multivariate_normal

import gmmlib
from gmmlib import exercises as ex


def verdict(checker, fn):
    return checker(fn, quiet=True)


# ---------------------------------------------------------------- logsumexp

def good_logsumexp(a):
    m = np.max(a)
    if not np.isfinite(m):
        return m
    return m + np.log(np.sum(np.exp(a - m)))


def test_logsumexp_accepts_correct_solutions():
    assert verdict(ex.check_logsumexp, good_logsumexp)
    assert verdict(ex.check_logsumexp, scipy_logsumexp)
    assert verdict(ex.check_logsumexp, gmmlib.logsumexp)


@pytest.mark.parametrize("fn, case, hint", [
    (lambda a: np.log(np.sum(np.exp(a))), "two tiny terms", "Subtract m = max(a) first"),
    (lambda a: np.max(a) + 0 * np.log(np.sum(np.exp(a))), "two zeros", "you returned max(a)"),
    (lambda a: np.log(np.sum(np.exp(a - np.max(a)))), "ordinary numbers", "forgot to add the maximum back"),
    (lambda a: scipy_logsumexp(a) if np.max(a) < 500 else np.log(np.sum(np.exp(a))), "two huge terms",
     "exp(1000) overflows"),
    (lambda a: scipy_logsumexp(a) if np.isfinite(a).all() else np.nan, "one term of weight zero", "NaN"),
    (lambda a: np.exp(a), "two zeros", "return one number"),
    (lambda a: 1 / 0, "two zeros", "ZeroDivisionError"),
])
def test_logsumexp_rejects_wrong_solutions(fn, case, hint):
    fb = verdict(ex.check_logsumexp, fn)
    assert not fb
    assert fb.case.startswith(case)
    assert hint in fb.hint


def test_feedback_message_names_case_expected_and_got(capsys):
    fb = ex.check_logsumexp(lambda a: np.log(np.sum(np.exp(a))))
    out = capsys.readouterr().out
    assert out.strip() == fb.message
    assert "case 'two tiny terms: a = [-1000.0, -1001.0]'" in out
    assert "expected -999.686738" in out and "got      -inf" in out and "Hint:" in out
    assert ex.check_logsumexp(good_logsumexp).message == "✓ logsumexp: correct on all 7 cases."


def test_strict_mode_raises():
    with pytest.raises(ex.ExerciseError, match="two tiny terms"):
        ex.check_logsumexp(lambda a: np.log(np.sum(np.exp(a))), strict=True)
    assert ex.check_logsumexp(good_logsumexp, strict=True, quiet=True)


def test_student_warnings_are_silenced(recwarn):
    ex.check_logsumexp(lambda a: np.log(np.sum(np.exp(a))), quiet=True)
    assert not [w for w in recwarn if issubclass(w.category, RuntimeWarning)]


# ---------------------------------------------------------------- log_gaussian

def good_log_gaussian(X, mean, cov):
    d = X.shape[1]
    L = np.linalg.cholesky(cov)
    z = np.linalg.solve(L, (X - mean).T)
    return -0.5 * (d * np.log(2 * np.pi) + 2 * np.log(np.diag(L)).sum() + (z * z).sum(axis=0))


def test_log_gaussian_accepts_correct_solutions():
    assert verdict(ex.check_log_gaussian, good_log_gaussian)
    assert verdict(ex.check_log_gaussian, lambda X, m, c: multivariate_normal(m, c).logpdf(X).reshape(-1))


@pytest.mark.parametrize("fn, case, hint", [
    (lambda X, m, c: np.log(multivariate_normal(m, c).pdf(X).reshape(-1)), "RGB pixel", "underflowed to 0.0"),
    (lambda X, m, c: good_log_gaussian(X, m, c) - 0.5 * X.shape[1] * np.log(2 * np.pi), "1-D standard",
     "d log(2 pi)"),
    (lambda X, m, c: good_log_gaussian(X, m, c) + 0.5 * np.log(np.linalg.det(c)), "1-D, variance 9",
     "same constant for every point"),
    (lambda X, m, c: good_log_gaussian(X, m, np.diag(np.diag(c))), "2-D, correlated", "quadratic form"),
    (lambda X, m, c: good_log_gaussian(X, m, c)[:, None] * np.ones((1, 2)), "1-D standard", "shape"),
])
def test_log_gaussian_rejects_wrong_solutions(fn, case, hint):
    fb = verdict(ex.check_log_gaussian, fn)
    assert not fb and fb.case.startswith(case) and hint in fb.hint


# ---------------------------------------------------------------- e_step

def good_e_step(X, weights, means, covs):
    a = np.column_stack([good_log_gaussian(X, m, c) for m, c in zip(means, covs)]) + np.log(weights)
    ll = scipy_logsumexp(a, axis=1)
    return np.exp(a - ll[:, None]), ll.sum()


def naive_e_step(X, weights, means, covs):
    num = np.column_stack([w * multivariate_normal(m, c).pdf(X).reshape(-1) for w, m, c in zip(weights, means, covs)])
    return num / num.sum(axis=1, keepdims=True)


def test_e_step_accepts_correct_solutions():
    assert verdict(ex.check_e_step, good_e_step)
    assert verdict(ex.check_e_step, lambda *a: good_e_step(*a)[0])                   # responsibilities only
    assert verdict(ex.check_e_step, lambda *a: (good_e_step(*a)[0], None))           # log-likelihood optional
    assert verdict(ex.check_e_step, lambda X, w, m, c: gmmlib.Mixture(w, m, c).responsibilities(X))


@pytest.mark.parametrize("fn, case, hint", [
    (naive_e_step, "RGB pixels far", "0 by 0"),
    (lambda X, w, m, c: naive_e_step(X, np.ones(len(w)) / len(w), m, c), "2-D, unequal weights",
     "forgot the mixing weights"),
    (lambda X, w, m, c: np.exp(np.column_stack([good_log_gaussian(X, mu, s) for mu, s in zip(m, c)]) + np.log(w)),
     "1-D, two equal", "divide each row by its sum"),
    (lambda *a: good_e_step(*a)[0].T, "1-D, two equal", "transpose"),
    (lambda *a: (good_e_step(*a)[0], good_e_step(*a)[1] + 1.0), "1-D, two equal components (log-likelihood)",
     "log-likelihood is not"),
])
def test_e_step_rejects_wrong_solutions(fn, case, hint):
    fb = verdict(ex.check_e_step, fn)
    assert not fb and fb.case.startswith(case) and hint in fb.hint


# ---------------------------------------------------------------- m_step

def good_m_step(X, resp):
    X = np.asarray(X, dtype=float)
    Nk = resp.sum(axis=0)
    means = resp.T @ X / Nk[:, None]
    covs = np.stack([((X - mu).T * r) @ (X - mu) / n for mu, r, n in zip(means, resp.T, Nk)])
    return Nk / len(X), means, covs


def test_m_step_accepts_a_correct_solution():
    assert verdict(ex.check_m_step, good_m_step)


def _replace(i, f):
    def fn(X, resp):
        out = list(good_m_step(X, resp))
        out[i] = f(X, resp, out)
        return tuple(out)
    return fn


@pytest.mark.parametrize("fn, case, hint", [
    (_replace(0, lambda X, r, o: r.sum(axis=0)), "1-D, soft responsibilities: weights", "sum to 1"),
    (_replace(1, lambda X, r, o: r.T @ X), "1-D, soft responsibilities: means", "divide by N_k"),
    (_replace(2, lambda X, r, o: o[2] * (r.sum(0) / (r.sum(0) - 1))[:, None, None]),
     "1-D, soft responsibilities: covariances", "not N_k - 1"),
    (_replace(2, lambda X, r, o: np.einsum("nk,na,nb->kab", r, X.astype(float), X.astype(float)) / r.sum(0)[:, None, None]),
     "1-D, soft responsibilities: covariances", "subtract the mean"),
    (lambda X, r: good_m_step(X, r) if X.dtype != np.uint8 else (
        r.sum(0) / len(X), r.T @ X / r.sum(0)[:, None],
        np.einsum("nk,nab->kab", r, X[:, :, None] * X[:, None, :]) / r.sum(0)[:, None, None]
        - np.einsum("ka,kb->kab", r.T @ X / r.sum(0)[:, None], r.T @ X / r.sum(0)[:, None])),
     "uint8 RGB pixels: covariances", "wrap around"),
    (lambda X, r: good_m_step(X, r)[:2], "1-D, soft", "tuple of three"),
])
def test_m_step_rejects_wrong_solutions(fn, case, hint):
    fb = verdict(ex.check_m_step, fn)
    assert not fb and fb.case.startswith(case) and hint in fb.hint


def test_m_step_uint8_overflow_is_real():
    """The literal one-pass formula in uint8 really does give wrong covariances (the hint is earned)."""
    X = np.array([[200], [10]], dtype=np.uint8)
    assert (X * X)[0, 0] != 40000


# ---------------------------------------------------------------- rcond

def good_rcond(cov):
    try:
        inv = np.linalg.inv(cov)
    except np.linalg.LinAlgError:
        return 0.0
    return 1 / (np.abs(cov).sum(axis=0).max() * np.abs(inv).sum(axis=0).max())


def test_rcond_accepts_correct_solutions():
    assert verdict(ex.check_rcond, good_rcond)
    assert verdict(ex.check_rcond, gmmlib.rcond)


@pytest.mark.parametrize("fn, case, hint", [
    (lambda c: 1 / (np.abs(c).sum(0).max() * np.abs(np.linalg.inv(c)).sum(0).max()), "singular", "LinAlgError"),
    (lambda c: good_rcond(c) if np.abs(c).sum() else np.nan, "singular", "0.0"),
    (lambda c: 1 / (np.abs(c.sum(0)).max() * np.abs(np.linalg.inv(c).sum(0)).max()) if np.abs(c).sum() else 0.0,
     "negative correlation", "absolute values BEFORE"),
    (lambda c: 1 / np.linalg.cond(c, 2) if np.abs(c).sum() else 0.0, "3-D, mixed-sign", "2-norm"),
])
def test_rcond_rejects_wrong_solutions(fn, case, hint):
    fb = verdict(ex.check_rcond, fn)
    assert not fb and fb.case.startswith(case) and hint in fb.hint


# ---------------------------------------------------------------- histogram and threshold

def test_histogram_accepts_correct_solutions():
    assert verdict(ex.check_histogram, lambda img: np.bincount(img.ravel(), minlength=256))
    assert verdict(ex.check_histogram, lambda img: np.histogram(img, bins=256, range=(0, 256))[0])
    assert verdict(ex.check_histogram, lambda img: gmmlib.intensity_histogram(img)[1])


@pytest.mark.parametrize("fn, case, hint", [
    (lambda img: np.bincount(img.ravel()), "dark image", "256 counts"),
    (lambda img: np.histogram(img, bins=256)[0], "dark image", "range=(0, 256)"),
    (lambda img: np.bincount(img.ravel(), minlength=256) // 2, "random", "add up to"),
])
def test_histogram_rejects_wrong_solutions(fn, case, hint):
    fb = verdict(ex.check_histogram, fn)
    assert not fb and fb.case.startswith(case) and hint in fb.hint


def good_threshold(w, mu, var):
    t = np.arange(256.0)
    a = np.log(w)[:, None] - 0.5 * np.log(2 * np.pi * var)[:, None] - 0.5 * (t - mu[:, None]) ** 2 / var[:, None]
    bright = np.argmax(mu)
    wins = (a[bright] > a[1 - bright]) & (t >= mu.min())
    return int(np.argmax(wins))


def test_threshold_accepts_a_correct_solution():
    assert verdict(ex.check_threshold, good_threshold)


@pytest.mark.parametrize("fn, case, hint", [
    (lambda w, mu, var: int(np.ceil(mu.mean())), "unequal weights", "midpoint"),
    (lambda w, mu, var: good_threshold(np.array([0.5, 0.5]), mu, var), "unequal weights", "forgot the weights"),
    (lambda w, mu, var: good_threshold(w[::-1], mu[::-1], var) if mu[0] > mu[1] else good_threshold(w, mu, var),
     "components listed bright first", "scan"),
])
def test_threshold_rejects_wrong_solutions(fn, case, hint):
    fb = verdict(ex.check_threshold, fn)
    assert not fb and fb.case.startswith(case) and hint in fb.hint


def test_threshold_reference_matches_segment_gray():
    from skimage import data
    seg = gmmlib.segment_gray(data.camera(), 2)
    m = seg.result.mixture
    t = good_threshold(m.weights, m.means[:, 0], m.covariances[:, 0, 0])
    assert [t] == seg.thresholds.tolist()


# ---------------------------------------------------------------- whiten and log-likelihood ratio

def good_whiten(X):
    X = np.asarray(X, dtype=float)
    mean, std = X.mean(axis=0), X.std(axis=0)
    std = np.where(std > 0, std, 1.0)
    return (X - mean) / std, mean, std


def test_whiten_accepts_a_correct_solution():
    assert verdict(ex.check_whiten, good_whiten)


@pytest.mark.parametrize("fn, case, hint", [
    (lambda X: ((X - X.mean(0)) / X.std(0), X.mean(0), X.std(0)) if X.std(0).min() == 0 else good_whiten(X),
     "a constant feature", "std 0"),
    (lambda X: ((X - X.mean(0)) / X.var(0), X.mean(0), X.var(0)), "two features", "variance"),
    (lambda X: (X / X.std(0), X.mean(0), X.std(0)), "two features", "subtract the mean"),
    (lambda X: (good_whiten(X)[0], X.mean(0), X.std(0, ddof=1)), "two features on scales 1 and 1e6: std", "ddof=0"),
])
def test_whiten_rejects_wrong_solutions(fn, case, hint):
    fb = verdict(ex.check_whiten, fn)
    assert not fb and fb.case.startswith(case) and hint in fb.hint


def test_log_likelihood_ratio_accepts_a_correct_solution():
    assert verdict(ex.check_log_likelihood_ratio, lambda X, fg, bg: fg.log_density(X) - bg.log_density(X))


def linear_ratio(X, fg, bg):
    p = [np.exp(m.weighted_log_density(X)).sum(axis=1) for m in (fg, bg)]
    return np.log(p[0] / p[1])


@pytest.mark.parametrize("fn, case, hint", [
    (linear_ratio, "a pixel far from both", "underflowed"),
    (lambda X, fg, bg: bg.log_density(X) - fg.log_density(X), "pixels near", "sign"),
    (lambda X, fg, bg: fg.component_log_density(X)[:, 0] - bg.component_log_density(X)[:, 0], "pixels near",
     "all its components"),
])
def test_log_likelihood_ratio_rejects_wrong_solutions(fn, case, hint):
    fb = verdict(ex.check_log_likelihood_ratio, fn)
    assert not fb and fb.case.startswith(case) and hint in fb.hint
