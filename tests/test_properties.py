"""Properties painless EM keeps whatever the data (hypothesis looks for counterexamples)."""
import os

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from gmmlib import Mixture, painless_em
from gmmlib._validate import n_distinct
from gmmlib.painless import ROUNDING

EXAMPLES = int(os.environ.get("GMMLIB_HYPOTHESIS_EXAMPLES", 250))
SETTINGS = dict(deadline=None, suppress_health_check=[HealthCheck.too_slow])
TYPES = ("full", "diag", "spherical", "tied")


@st.composite
def hostile_data(draw):
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    n = draw(st.integers(2, 60))
    d = draw(st.integers(1, 3))
    scale = 10.0 ** draw(st.integers(-8, 8))
    offset = draw(st.sampled_from([0.0, 1.0, -1e3])) * scale
    X = rng.normal(size=(n, d))
    if draw(st.booleans()):  # clusters
        X += rng.integers(0, 3, size=(n, 1)) * 6
    if draw(st.booleans()):  # many exact duplicates
        X = X[rng.integers(0, max(1, n // 4), size=n)]
    if d > 1 and draw(st.booleans()):  # a constant feature
        X[:, rng.integers(d)] = 7.0
    if draw(st.booleans()):  # integer-valued, like pixels
        X = np.round(X * 3)
    if draw(st.booleans()):  # one far outlier
        X[0] = 1e4 * (np.abs(X).max() + 1)
    X = X * scale + offset
    weights = None
    if draw(st.booleans()):
        weights = rng.integers(0, 4, size=n).astype(float)
        if weights.sum() == 0:
            weights[0] = 1.0
    c = np.ones(n) if weights is None else weights
    k_max = n_distinct(X, c)
    K = draw(st.integers(1, min(k_max, 5)))
    return X, K, weights, draw(st.sampled_from(TYPES))


def assert_valid_mixture(m, covariance_type):
    assert np.isfinite(m.weights).all() and np.isfinite(m.means).all() and np.isfinite(m.covariances).all()
    assert abs(m.weights.sum() - 1) < 1e-12 and (m.weights >= 0).all()
    assert m.covariance_type == covariance_type
    for cov in m.covariances:
        np.testing.assert_allclose(cov, cov.T, rtol=1e-12, atol=0)
        assert np.linalg.eigvalsh(cov).min() > 0


def fell(before, after, rel=1e-9):
    """True when the objective fell by more than ``rel`` relative (more than rounding)."""
    return after < before - rel * abs(before)


@settings(max_examples=EXAMPLES, **SETTINGS)
@given(hostile_data())
def test_painless_em_keeps_its_invariants(case):
    X, K, weights, covariance_type = case
    res = painless_em(X, K, weights=weights, max_iter=40, covariance_type=covariance_type)
    assert res.failure is None and res.status in ("converged", "max_iter")
    assert_valid_mixture(res.mixture, covariance_type)
    ll, obj = res.history.log_likelihood, res.history.objective
    assert np.isfinite(ll).all() and np.isfinite(obj).all()
    assert (obj <= ll + 1e-12 * np.abs(ll)).all()  # the penalty is >= 0
    guarded = set(res.history.guard_iterations())
    for t in range(1, len(obj)):
        if t in guarded:  # the guard may lower the objective; it says so
            continue
        assert not fell(obj[t - 1], obj[t]), f"objective fell at iteration {t}: {obj[t - 1]!r} -> {obj[t]!r}"
    if res.converged:  # converged only after a non-negative gain below tol, without a guard event
        gain = obj[-1] - obj[-2]
        total = len(X) if weights is None else weights.sum()
        # tol=1e-4 per unit of weight; a decrease of 1e-8 per point is rounding at most
        assert -1e-8 * total <= gain < 1e-4 * total
        assert res.n_iter not in guarded
    assert res.converged == (res.status == "converged")


@settings(max_examples=max(EXAMPLES // 5, 10), **SETTINGS)
@given(hostile_data())
def test_stepping_one_iteration_at_a_time_never_lowers_the_objective(case):
    """As scikit-learn's test_monotonic_likelihood: one EM iteration per call, from the last mixture."""
    X, K, weights, covariance_type = case
    kw = dict(weights=weights, covariance_type=covariance_type)
    mixture = painless_em(X, K, max_iter=0, **kw).mixture
    for _ in range(12):
        step = painless_em(X, K, init=mixture, max_iter=1, tol=None, **kw)
        before, after = step.history.objective
        if not step.history.events:
            assert not fell(before, after), f"one EM step lowered the objective: {before!r} -> {after!r}"
        mixture = step.mixture


@settings(max_examples=EXAMPLES, **SETTINGS)
@given(st.integers(0, 2**32 - 1), st.integers(1, 4), st.integers(1, 3), st.integers(-60, 60),
       st.integers(-100, 100), st.integers(-5, 149), st.booleans())
def test_responsibilities_are_never_nan_for_a_legal_mixture(seed, K, d, mean_exp, var_exp, x_exp, zero_weight):
    """Far points, tiny variances, zero weights: the posterior is always a probability vector."""
    rng = np.random.default_rng(seed)
    w = rng.dirichlet(np.ones(K))
    if zero_weight and K > 1:
        w[0] = 0.0
        w /= w.sum()
    A = rng.normal(size=(K, d, d))
    covs = (A @ np.swapaxes(A, 1, 2) + np.eye(d)) * 10.0 ** var_exp
    mix = Mixture(w, rng.normal(size=(K, d)) * 10.0 ** mean_exp, covs)
    X = rng.normal(size=(30, d)) * 10.0 ** x_exp
    X[0] = mix.means[-1]  # exactly on a mean too
    resp = mix.responsibilities(X)
    assert np.isfinite(resp).all() and (resp >= 0).all()
    np.testing.assert_allclose(resp.sum(axis=1), 1.0, rtol=0, atol=1e-12)
    if zero_weight and K > 1:
        assert (resp[:, 0] == 0).all()
    finite = np.isfinite(mix.weighted_log_density(X)).any(axis=1)
    rows = np.flatnonzero(finite)
    np.testing.assert_array_equal(resp[rows, mix.predict(X)[rows]], resp[rows].max(axis=1))


def test_a_constant_feature_keeps_a_positive_variance_above_the_floor():
    """Hypothesis's counterexample, by hand: three points whose second feature is 7.0. The
    weighted mean of (7, 7, 7) rounds to 7 - 8.9e-16, so a spread measured about the mean was
    rounding noise (8.9e-16) taken as the feature's scale, and the covariance's eigenvalue in
    that direction came out as 8e-37 (not positive definite in practice). A constant feature
    must take a real spread, so that the variance floor (a fraction of it) still holds."""
    from gmmlib.painless import robust_scale
    for n in (3, 7, 40):
        X = np.random.default_rng(0).normal(size=(n, 2))
        X[:, 1] = 7.0
        spread = robust_scale(X)
        # the other feature's spread (through exp(mean(log)): equal to the last few bits), not rounding
        assert spread[1] == pytest.approx(spread[0], rel=1e-12) and spread[0] > 0.5
        for covariance_type in TYPES:
            res = painless_em(X, 1, max_iter=40, covariance_type=covariance_type, var_floor=1e-7)
            assert_valid_mixture(res.mixture, covariance_type)
            assert res.mixture.covariances[0][1, 1] >= 1e-7 * spread[1] ** 2
