"""gmmlib against trusted implementations: scipy for densities, scikit-learn for whole EM runs."""
import warnings

import numpy as np
import pytest
from scipy.special import logsumexp as scipy_logsumexp
from scipy.stats import multivariate_normal
from sklearn.exceptions import ConvergenceWarning
from sklearn.mixture import GaussianMixture

import gmmlib
from gmmlib import Mixture, painless_em


def random_mixture(rng, K, d, scale=1.0):
    A = rng.normal(size=(K, d, d))
    covs = (A @ np.swapaxes(A, 1, 2) + 0.5 * np.eye(d)) * scale ** 2
    w = rng.dirichlet(np.ones(K))
    return Mixture(w, rng.normal(size=(K, d)) * 3 * scale, covs)


@pytest.mark.parametrize("d", [1, 2, 3, 5])
def test_component_log_density_matches_scipy(d):
    rng = np.random.default_rng(d)
    mix = random_mixture(rng, 3, d)
    X = rng.normal(size=(200, d)) * 4
    ours = mix.component_log_density(X)
    for k in range(3):
        ref = multivariate_normal(mix.means[k], mix.covariances[k]).logpdf(X)
        np.testing.assert_allclose(ours[:, k], ref, rtol=1e-12, atol=1e-12)


def test_mixture_log_density_matches_scipy_sum():
    rng = np.random.default_rng(7)
    mix = random_mixture(rng, 4, 2)
    X = rng.normal(size=(100, 2)) * 5
    ref = np.log(sum(w * multivariate_normal(m, c).pdf(X)
                     for w, m, c in zip(mix.weights, mix.means, mix.covariances)))
    np.testing.assert_allclose(mix.log_density(X), ref, rtol=1e-12)


@pytest.mark.parametrize("a", [
    [[-1000.0, -1001.0]],
    [[0.0, 0.0, 0.0]],
    [[1e300, 1e300]],
    [[-np.inf, -np.inf]],
    [[-np.inf, 3.0]],
    np.random.default_rng(0).normal(size=(20, 7)) * 800,
])
def test_logsumexp_matches_scipy(a):
    a = np.asarray(a, dtype=float)
    with np.errstate(all="ignore"):
        ref = scipy_logsumexp(a, axis=1)
    np.testing.assert_allclose(gmmlib.logsumexp(a, axis=1), ref, rtol=1e-14)


def test_logsumexp_of_two_tiny_terms_is_finite():
    # The example of notebook 03: log(e^-1000 + e^-1001), which the direct form turns into log 0.
    assert gmmlib.logsumexp(np.array([-1000.0, -1001.0])) == pytest.approx(-999.6867383124818, rel=1e-14)
    with np.errstate(divide="ignore"):
        assert np.log(np.exp(-1000.0) + np.exp(-1001.0)) == -np.inf


def sklearn_from(start, reg_covar, n_iter):
    return GaussianMixture(
        n_components=start.n_components, covariance_type="full", reg_covar=reg_covar,
        max_iter=n_iter, tol=0.0, n_init=1, weights_init=start.weights, means_init=start.means,
        precisions_init=np.linalg.inv(start.covariances), random_state=0)


@pytest.mark.parametrize("d, K, n_iter, reg", [(1, 2, 10, 1e-6), (2, 3, 25, 1e-6), (3, 5, 15, 1e-3),
                                               (4, 2, 40, 0.0)])
def test_painless_em_matches_sklearn_from_same_start(d, K, n_iter, reg):
    rng = np.random.default_rng(10 * d + K)
    truth = random_mixture(rng, K, d, scale=2.0)
    X, _ = truth.sample(800, random_state=d)
    X = X * 50 + 120  # pixel-like offsets and scales: whitening must not change the answer
    start = painless_em(X, K, max_iter=0, random_state=1).mixture  # the K-means start
    ours = painless_em(X, K, init=start, max_iter=n_iter, tol=None, reg_covar=reg, prior=0)
    assert ours.n_iter == n_iter and not ours.history.events
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)  # tol=0 asks it to run max_iter
        ref = sklearn_from(start, reg, n_iter).fit(X)
    m = ours.mixture
    np.testing.assert_allclose(m.weights, ref.weights_, rtol=1e-8)
    np.testing.assert_allclose(m.means, ref.means_, rtol=1e-8, atol=1e-8 * np.abs(X).max())
    np.testing.assert_allclose(m.covariances, ref.covariances_, rtol=1e-8,
                               atol=1e-8 * np.abs(ref.covariances_).max())
    np.testing.assert_allclose(m.score(X), ref.score(X), rtol=1e-8)
    np.testing.assert_allclose(ours.log_likelihood / len(X), ref.score(X), rtol=1e-8)


def test_mean_log_likelihood_history_matches_sklearn_lower_bounds():
    X, _ = gmmlib.datasets.gmm_example_2d()
    start = painless_em(X, 2, max_iter=0).mixture
    ours = painless_em(X, 2, init=start, max_iter=12, tol=None, reg_covar=1e-6, prior=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        ref = sklearn_from(start, 1e-6, 12).fit(X)
    # scikit-learn's lower_bounds_[t] is the mean log-likelihood of the mixture after t M-steps.
    np.testing.assert_allclose(ours.history.log_likelihood[:12] / len(X), ref.lower_bounds_, rtol=1e-9)


def test_expanded_quadratic_form_matches_cholesky_form():
    from gmmlib.painless import QuadraticFeatures, cholesky, e_step
    rng = np.random.default_rng(3)
    Z = rng.normal(size=(500, 3)) * 2
    for scale in (1.0, 0.05, 1e-4):  # down to tight components far out, where expanding loses digits
        mix = random_mixture(rng, 4, 3, scale=scale)
        mix = Mixture(mix.weights, mix.means / scale, mix.covariances)  # means stay O(1)
        resp, log_p = e_step(QuadraticFeatures(Z, np.ones(500)), np.log(mix.weights), mix.means,
                             cholesky(mix.covariances))
        ref = mix.log_density(Z)
        np.testing.assert_allclose(log_p, ref, rtol=1e-10, atol=1e-8)
        np.testing.assert_allclose(resp.T, mix.responsibilities(Z), atol=1e-9)


def test_bic_aic_match_sklearn():
    X, _ = gmmlib.datasets.gmm_example_2d()
    for K in (1, 2, 3):
        ours = painless_em(X, K, reg_covar=1e-6)
        ref = GaussianMixture(K, reg_covar=1e-6, weights_init=ours.mixture.weights,
                              means_init=ours.mixture.means,
                              precisions_init=np.linalg.inv(ours.mixture.covariances), max_iter=1)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            ref.fit(X)
        # same parameter count, and the same formulas applied to scikit-learn's fitted mixture
        fitted = Mixture(ref.weights_, ref.means_, ref.covariances_)
        assert fitted.n_parameters == ref._n_parameters()
        assert fitted.bic(X) == pytest.approx(ref.bic(X), rel=1e-10)
        assert fitted.aic(X) == pytest.approx(ref.aic(X), rel=1e-10)


def test_sampling_is_seeded_and_follows_the_mixture():
    mix = Mixture([0.3, 0.7], [[0.0, 0.0], [10.0, 5.0]], [np.eye(2), [[2.0, 0.5], [0.5, 1.0]]])
    X1, l1 = mix.sample(20000, random_state=4)
    X2, l2 = mix.sample(20000, random_state=4)
    np.testing.assert_array_equal(X1, X2)
    assert abs(l1.mean() - 0.7) < 0.01
    np.testing.assert_allclose(np.cov(X1[l1 == 1].T), mix.covariances[1], atol=0.06)
    np.testing.assert_allclose(X1[l1 == 0].mean(0), mix.means[0], atol=0.05)
