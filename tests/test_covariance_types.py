"""Covariance types "full", "diag", "spherical", "tied" against scikit-learn's GaussianMixture."""
import warnings

import numpy as np
import pytest
from sklearn.exceptions import ConvergenceWarning
from sklearn.mixture import GaussianMixture

import gmmlib
from gmmlib import Mixture, naive_em, painless_em

TYPES = ["full", "diag", "spherical", "tied"]


def correlated_data(d, n=400, seed=0):
    """Three tilted clusters on very different scales per feature, far from the origin."""
    rng = np.random.default_rng(seed + d)
    parts = []
    for k, size in enumerate((n // 2, n // 3, n - n // 2 - n // 3)):
        A = rng.normal(size=(d, d)) + 2 * np.eye(d)
        parts.append(rng.normal(size=(size, d)) @ A.T + 6 * rng.normal(size=d))
    return np.vstack(parts) * np.logspace(0, 3, d) + 50.0


def precisions(mixture):
    """scikit-learn's precisions_init for the mixture's type."""
    c = mixture.compact_covariances
    return np.linalg.inv(c) if mixture.covariance_type in ("full", "tied") else 1.0 / c


def sklearn_run(start, X, n_iter, reg_covar):
    gm = GaussianMixture(start.n_components, covariance_type=start.covariance_type, tol=0.0,
                         max_iter=n_iter, reg_covar=reg_covar, weights_init=start.weights,
                         means_init=start.means, precisions_init=precisions(start), random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)  # tol=0 asks it to run max_iter
        return gm.fit(X)


@pytest.mark.parametrize("whiten", [True, False])
@pytest.mark.parametrize("d", [1, 2, 3, 4])
@pytest.mark.parametrize("covariance_type", TYPES)
def test_painless_em_matches_sklearn_for_every_type(covariance_type, d, whiten):
    X = correlated_data(d)
    K, n_iter, reg = 3, 20, 1e-6
    start = painless_em(X, K, max_iter=0, covariance_type=covariance_type, random_state=2).mixture
    assert start.covariance_type == covariance_type
    ours = painless_em(X, K, init=start, max_iter=n_iter, tol=None, reg_covar=reg, prior=0,
                       whiten=whiten, covariance_type=covariance_type)
    ref = sklearn_run(start, X, n_iter, reg)
    m = ours.mixture
    assert ours.n_iter == n_iter and not ours.history.events
    np.testing.assert_allclose(m.weights, ref.weights_, rtol=1e-8)
    np.testing.assert_allclose(m.means, ref.means_, rtol=1e-8, atol=1e-10 * np.abs(X).max())
    np.testing.assert_allclose(m.compact_covariances, ref.covariances_, rtol=1e-8,
                               atol=1e-12 * np.abs(ref.covariances_).max())
    # scikit-learn's lower_bounds_[t] is the mean log-likelihood after t M-steps
    np.testing.assert_allclose(ours.history.log_likelihood[:n_iter] / len(X), ref.lower_bounds_, rtol=1e-9)
    assert m.score(X) == pytest.approx(ref.score(X), rel=1e-9)
    assert m.n_parameters == ref._n_parameters()
    assert m.bic(X) == pytest.approx(ref.bic(X), rel=1e-9)
    assert m.aic(X) == pytest.approx(ref.aic(X), rel=1e-9)


@pytest.mark.parametrize("covariance_type", TYPES)
def test_bic_and_aic_equal_sklearns_on_its_own_mixture(covariance_type):
    X = correlated_data(3, seed=5)
    ref = GaussianMixture(3, covariance_type=covariance_type, random_state=0).fit(X)
    ours = Mixture(ref.weights_, ref.means_, ref.covariances_, covariance_type=covariance_type)
    assert ours.n_parameters == ref._n_parameters()
    assert ours.bic(X) == pytest.approx(ref.bic(X), rel=1e-12)
    assert ours.aic(X) == pytest.approx(ref.aic(X), rel=1e-12)
    np.testing.assert_allclose(ours.responsibilities(X), ref.predict_proba(X), atol=1e-12)


@pytest.mark.parametrize("covariance_type", TYPES)
def test_fitted_covariances_have_the_types_structure(covariance_type):
    X = correlated_data(3)
    m = painless_em(X, 3, covariance_type=covariance_type).mixture
    c = m.covariances
    assert c.shape == (3, 3, 3)  # always K full matrices, whatever the type
    if covariance_type == "diag":
        assert np.all(c * (1 - np.eye(3)) == 0)
    elif covariance_type == "spherical":
        np.testing.assert_allclose(c, c[:, :1, :1] * np.eye(3), rtol=1e-14)
    elif covariance_type == "tied":
        assert np.all(c == c[0])
    counts = {"full": 18, "diag": 9, "spherical": 3, "tied": 6}
    assert m.n_parameters == 2 + 9 + counts[covariance_type]


@pytest.mark.parametrize("covariance_type", TYPES)
def test_naive_em_handles_every_type_like_painless_em(covariance_type):
    X = correlated_data(2, n=40) / [1.0, 1000.0]  # one scale: few enough points for the naive product
    start = painless_em(X, 2, max_iter=0, covariance_type=covariance_type).mixture
    a = naive_em(X, 2, init=start, max_iter=15, tol=None, covariance_type=covariance_type)
    b = painless_em(X, 2, init=start, max_iter=15, tol=None, prior=0, covariance_type=covariance_type)
    assert a.failure is None and a.mixture.covariance_type == covariance_type
    np.testing.assert_allclose(a.mixture.means, b.mixture.means, rtol=1e-9)
    np.testing.assert_allclose(a.mixture.covariances, b.mixture.covariances, rtol=1e-7)


def test_compact_layouts_are_accepted_as_scikit_learn_writes_them():
    means = [[0.0, 0.0], [3.0, 1.0]]
    diag = Mixture([0.5, 0.5], means, [[1.0, 2.0], [3.0, 4.0]], covariance_type="diag")
    np.testing.assert_array_equal(diag.covariances[1], np.diag([3.0, 4.0]))
    sph = Mixture([0.5, 0.5], means, [1.0, 2.0], covariance_type="spherical")
    np.testing.assert_array_equal(sph.covariances[1], 2.0 * np.eye(2))
    tied = Mixture([0.5, 0.5], means, [[2.0, 0.5], [0.5, 1.0]], covariance_type="tied")
    assert np.all(tied.covariances[0] == tied.covariances[1])
    np.testing.assert_array_equal(tied.compact_covariances, [[2.0, 0.5], [0.5, 1.0]])
    with pytest.raises(ValueError, match="all components must share one matrix"):
        Mixture([0.5, 0.5], means, [np.eye(2), 2 * np.eye(2)], covariance_type="tied")
    with pytest.raises(ValueError, match="each must be a variance times the identity"):
        Mixture([0.5, 0.5], means, [np.diag([1.0, 2.0])] * 2, covariance_type="spherical")
    with pytest.raises(ValueError, match=r"covariances \(K, d, d\) or \(K, d\) variances"):
        Mixture([0.5, 0.5], means, [1.0, 2.0], covariance_type="diag")


def test_a_start_of_another_type_is_projected_onto_the_type():
    X = correlated_data(2)
    full_start = painless_em(X, 2, max_iter=0).mixture
    res = painless_em(X, 2, init=full_start, covariance_type="spherical", max_iter=0)
    expected = np.trace(full_start.covariances, axis1=1, axis2=2) / 2
    np.testing.assert_allclose(res.mixture.compact_covariances, expected, rtol=1e-12)


def test_bic_over_k_and_type_picks_the_generating_model():
    """Data from 3 round clusters: BIC prefers a 3-component spherical model (the lesson of
    notebook 04's BIC table)."""
    truth = Mixture([0.3, 0.3, 0.4], [[0, 0], [6, 0], [0, 6]], [1.0, 1.5, 0.7], covariance_type="spherical")
    X, _ = truth.sample(600, random_state=1)
    bic = {(K, t): painless_em(X, K, covariance_type=t, random_state=0).mixture.bic(X)
           for K in (1, 2, 3, 4, 5) for t in TYPES}
    assert min(bic, key=bic.get) == (3, "spherical")
    assert gmmlib.mixture.n_covariance_parameters("tied", 3, 2) == 3
