"""The textbook layer (gmmlib/steps.py) against scipy and scikit-learn, and the engine
(gmmlib/fast.py) against the textbook layer: every covariance type, with and without weights."""
import numpy as np
import pytest
from scipy.special import logsumexp
from scipy.stats import multivariate_normal

from gmmlib import fast, steps
from gmmlib.mixture import COVARIANCE_TYPES, constrain_covariances

sklearn_gm = pytest.importorskip("sklearn.mixture._gaussian_mixture")


def problem(d, K=3, N=60, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(N, d)) @ rng.normal(size=(d, d)) + rng.normal(0, 2, d)
    A = rng.normal(size=(K, d, d))
    covs = A @ np.swapaxes(A, 1, 2) + 0.5 * np.eye(d)
    weights = rng.dirichlet(np.ones(K))
    means = X[rng.choice(N, K, replace=False)]
    counts = rng.integers(1, 6, N).astype(np.float64)
    return X, weights, means, covs, counts


@pytest.mark.parametrize("d", [1, 2, 3])
def test_log_gaussian_and_gaussian_density_equal_scipy(d):
    X, _, means, covs, _ = problem(d)
    expected = multivariate_normal(means[0], covs[0]).logpdf(X).reshape(-1)
    np.testing.assert_allclose(steps.log_gaussian(X, means[0], covs[0]), expected, rtol=1e-12)
    np.testing.assert_allclose(steps.gaussian_density(X, means[0], covs[0]), np.exp(expected), rtol=1e-10)


@pytest.mark.parametrize("d", [1, 3])
def test_e_step_equals_bayes_rule_with_scipy_densities(d):
    X, weights, means, covs, _ = problem(d)
    a = np.column_stack([np.log(w) + multivariate_normal(m, c).logpdf(X).reshape(-1)
                         for w, m, c in zip(weights, means, covs)])
    resp, log_p = steps.e_step(X, weights, means, covs)
    np.testing.assert_allclose(log_p, logsumexp(a, axis=1), rtol=1e-12)
    np.testing.assert_allclose(resp, np.exp(a - logsumexp(a, axis=1, keepdims=True)), rtol=1e-10, atol=1e-300)
    assert steps.log_likelihood(X, weights, means, covs) == pytest.approx(log_p.sum(), rel=1e-14)


@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPES)
def test_m_step_equals_scikit_learn(covariance_type):
    """scikit-learn's own M-step (reg_covar=0) on the same responsibilities."""
    X, weights, means, covs, _ = problem(3)
    resp, _ = steps.e_step(X, weights, means, covs)
    w, mu, sigma = steps.m_step(X, resp, covariance_type=covariance_type)
    nk, sk_means, sk_covs = sklearn_gm._estimate_gaussian_parameters(X, resp, 0.0, covariance_type)
    np.testing.assert_allclose(w, nk / nk.sum(), rtol=1e-13)
    np.testing.assert_allclose(mu, sk_means, rtol=1e-12)
    full = {"full": lambda c: c, "diag": lambda c: c[:, :, None] * np.eye(3),
            "spherical": lambda c: c[:, None, None] * np.eye(3),
            "tied": lambda c: np.broadcast_to(c, (3, 3, 3))}[covariance_type](sk_covs)
    np.testing.assert_allclose(sigma, full, rtol=1e-11, atol=1e-14)


def test_weighted_m_step_equals_repeating_points():
    """Counts c_i as weights are the same as each point repeated c_i times."""
    X, weights, means, covs, counts = problem(2)
    resp, _ = steps.e_step(X, weights, means, covs)
    got = steps.m_step(X, resp, counts)
    rep = counts.astype(int)
    want = steps.m_step(np.repeat(X, rep, axis=0), np.repeat(resp, rep, axis=0))
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w, rtol=1e-12)


def test_ridge_m_step_maximises_the_penalised_bound():
    """Sigma_k = S_k + Lambda / N_k is the maximiser: nudging it in any direction lowers the bound."""
    X, weights, means, covs, counts = problem(2)
    ridge = np.array([0.3, 0.7])
    resp, _ = steps.e_step(X, weights, means, covs)
    w, mu, sigma = steps.m_step(X, resp, counts, ridge=ridge)
    cr = counts[:, None] * resp

    def bound(S):
        a = steps.log_joint(X, w, mu, S)
        return float((cr * a).sum()) - steps.covariance_penalty(S, ridge)
    best = bound(sigma)
    rng = np.random.default_rng(1)
    for _ in range(20):
        B = rng.normal(size=(3, 2, 2)) * 1e-3
        assert bound(sigma + B @ np.swapaxes(B, 1, 2) + 1e-4 * (B + np.swapaxes(B, 1, 2))) < best


def _fast_equals_textbook(d, covariance_type, weighted, ridge):
    X, weights, means, covs, counts = problem(d, seed=d)
    covs = constrain_covariances(covs, weights, covariance_type)
    c = counts if weighted else np.ones(len(X))
    feat = fast.QuadraticFeatures(X, c)
    chol = np.linalg.cholesky(covs)
    resp_f, log_p_f = fast.e_step(feat, np.log(weights), means, chol)
    resp_t, log_p_t = steps.e_step(X, weights, means, covs)
    np.testing.assert_allclose(resp_f.T, resp_t, rtol=1e-12, atol=1e-300)
    np.testing.assert_allclose(log_p_f, log_p_t, rtol=1e-12)
    lam = None if ridge is None else np.full(d, ridge)
    Nk, mu_f, cov_f = fast.m_step(feat, resp_f, np.zeros((d, d)), lam)
    cov_f = constrain_covariances(cov_f, Nk, covariance_type)
    w_t, mu_t, cov_t = steps.m_step(X, resp_t, c if weighted else None, covariance_type, lam)
    np.testing.assert_allclose(Nk / Nk.sum(), w_t, rtol=1e-12)
    np.testing.assert_allclose(mu_f, mu_t, rtol=1e-12, atol=1e-13 * np.abs(mu_t).max())
    np.testing.assert_allclose(cov_f, cov_t, rtol=1e-12, atol=1e-13 * np.abs(cov_t).max())
    if lam is not None:
        assert fast.prior_penalty(np.linalg.cholesky(cov_t), lam) == pytest.approx(
            steps.covariance_penalty(cov_t, lam), rel=1e-12)


@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPES)
@pytest.mark.parametrize("d", [1, 2, 3])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("ridge", [None, 0.05])
def test_fast_kernels_equal_the_textbook_steps(covariance_type, d, weighted, ridge):
    """painless EM's one-product kernels compute exactly (1e-12) what steps.py writes out."""
    _fast_equals_textbook(d, covariance_type, weighted, ridge)


def test_the_fast_equals_textbook_check_can_fail(monkeypatch):
    """Break the engine's M-step by one part in 1e9: the comparison must notice."""
    real = fast.m_step

    def off(feat, resp, reg, prior=None):
        Nk, means, covs = real(feat, resp, reg, prior)
        return Nk, means * (1 + 1e-9), covs
    monkeypatch.setattr(fast, "m_step", off)
    with pytest.raises(AssertionError):
        _fast_equals_textbook(2, "full", True, None)
