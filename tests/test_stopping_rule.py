"""The stopping rule ignores the data's units, and weights as counts or as fractions give one fit.

EM's gain per point does not change with units (a change of units adds the same constant to
every iteration's log-likelihood), so the same data in metres or millimetres, or shifted, stop
at the same iteration with the same fit.
"""
import numpy as np
import pytest
from skimage import data

from gmmlib import histogram_em, naive_em, painless_em
from gmmlib.mixture import COVARIANCE_TYPES
from gmmlib.whitening import robust_scale

UNITS = [(1.0, 0.0), (1e3, 7.0), (1e-6, 0.0)]


def two_clusters_2d(seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(300, 2)) @ np.array([[1.0, 0.5], [0.0, 0.3]])
    X[:100] += 3
    return X


def assert_same_fit(runs, scales):
    """Same iteration count, and means and covariances mapped back to the first units (1e-10)."""
    (s0, o0), first = scales[0], runs[0]
    for (s, o), run in zip(scales[1:], runs[1:]):
        assert run.n_iter == first.n_iter, [r.n_iter for r in runs]
        assert run.status == first.status
        np.testing.assert_allclose((run.mixture.means - o) / s, (first.mixture.means - o0) / s0, rtol=1e-10,
                                   atol=1e-10 * np.abs(first.mixture.means).max())
        np.testing.assert_allclose(run.mixture.covariances / s ** 2, first.mixture.covariances / s0 ** 2,
                                   rtol=1e-10, atol=1e-10 * np.abs(first.mixture.covariances).max())
        np.testing.assert_allclose(run.mixture.weights, first.mixture.weights, rtol=1e-10)


@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPES)
def test_units_do_not_change_where_painless_em_stops(covariance_type):
    X = two_clusters_2d()
    runs = [painless_em(X * s + o, 3, covariance_type=covariance_type) for s, o in UNITS]
    assert runs[0].status == "converged" and runs[0].n_iter > 3
    assert_same_fit(runs, UNITS)


def test_units_do_not_change_where_naive_em_stops():
    """The same rule in naive EM, on data small enough that its literal product of likelihoods
    stays inside float64 in every unit (at 1e3 it underflows: that is notebook 03's lesson)."""
    rng = np.random.default_rng(1)
    X = np.r_[rng.normal(0, 1, 25), rng.normal(2, 0.7, 15)]
    units = [(1.0, 0.0), (3.0, 7.0), (0.25, 0.0)]
    runs = [naive_em(X * s + o, 2, init="equal-range") for s, o in units]
    assert runs[0].status == "converged" and runs[0].n_iter > 3
    assert_same_fit(runs, units)


def test_units_do_not_change_histogram_em_on_the_cameraman():
    """Levels 0..255 or levels / 255: the same iterations and the same components."""
    image = data.camera()
    counts = np.bincount(image.ravel(), minlength=256).astype(np.float64)
    levels = np.arange(256.0)
    scales = [(1.0, 0.0), (1 / 255, 0.0)]
    runs = [painless_em(levels * s, 3, weights=counts, init="equal-range", init_range=(0, 255 * s))
            for s, _ in scales]
    assert runs[0].n_iter > 5
    assert_same_fit(runs, scales)
    # and histogram_em, which runs painless_em on the image's histogram, agrees with it
    np.testing.assert_allclose(histogram_em(image, 3).mixture.means, runs[0].mixture.means, rtol=1e-10)


def test_the_old_relative_rule_did_depend_on_units():
    """Why the rule changed: a gain relative to |F| stops earlier when units inflate |F|."""
    X = two_clusters_2d()
    stops = []
    for s, o in UNITS:
        obj = painless_em(X * s + o, 3, tol=None, max_iter=60).history.objective
        gains = np.diff(obj)
        stops.append(int(np.argmax(gains < 1e-4 * np.abs(obj[:-1]))) + 1)
    assert len(set(stops)) > 1, stops


X_ISSUE = np.array([0.68, 1.52, -0.51, 1.15, -0.59, -0.77, -0.34, 0.09, -1.38, 0.23, -0.59, -1.3])
COUNTS = np.array([1, 3, 3, 2, 1, 1, 2, 2, 2, 1, 3, 3], dtype=np.float64)


def test_counts_and_fractions_give_the_same_robust_spread():
    by_counts = robust_scale(X_ISSUE, COUNTS)
    np.testing.assert_allclose(robust_scale(X_ISSUE, COUNTS / COUNTS.sum()), by_counts, rtol=1e-12)
    np.testing.assert_allclose(robust_scale(np.repeat(X_ISSUE, COUNTS.astype(int))), by_counts, rtol=1e-12)


@pytest.mark.parametrize("covariance_type", COVARIANCE_TYPES)
def test_counts_and_fractions_give_the_same_fit(covariance_type):
    a = painless_em(X_ISSUE, 2, weights=COUNTS, covariance_type=covariance_type)
    b = painless_em(X_ISSUE, 2, weights=COUNTS / COUNTS.sum(), covariance_type=covariance_type)
    assert a.n_iter == b.n_iter
    for name in ("weights", "means", "covariances"):
        np.testing.assert_allclose(getattr(b.mixture, name), getattr(a.mixture, name), rtol=1e-10)
