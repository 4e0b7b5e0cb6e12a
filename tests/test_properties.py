"""Properties painless EM keeps whatever the data (hypothesis looks for counterexamples)."""
import numpy as np
from hypothesis import HealthCheck, given, settings, strategies as st

from gmmlib import painless_em
from gmmlib._checks import n_distinct


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
    X = X * scale + offset
    weights = None
    if draw(st.booleans()):
        weights = rng.integers(0, 4, size=n).astype(float)
        if weights.sum() == 0:
            weights[0] = 1.0
    c = np.ones(n) if weights is None else weights
    k_max = n_distinct(X, c)
    K = draw(st.integers(1, min(k_max, 5)))
    return X, K, weights


@settings(max_examples=int(__import__("os").environ.get("GMMLIB_HYPOTHESIS_EXAMPLES", 250)), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(hostile_data())
def test_painless_em_keeps_its_invariants(case):
    X, K, weights = case
    res = painless_em(X, K, weights=weights, max_iter=40)
    m = res.mixture
    assert res.failure is None
    assert np.isfinite(m.weights).all() and np.isfinite(m.means).all() and np.isfinite(m.covariances).all()
    assert abs(m.weights.sum() - 1) < 1e-12 and (m.weights >= 0).all()
    for cov in m.covariances:
        np.testing.assert_allclose(cov, cov.T, rtol=1e-12, atol=0)
        assert np.linalg.eigvalsh(cov).min() > 0
    ll = res.history.log_likelihood
    assert np.isfinite(ll).all()
    guarded = set(res.history.guard_iterations())
    for t in range(1, len(ll)):
        if t in guarded:  # the guard may lower the likelihood; it says so
            continue
        assert ll[t] >= ll[t - 1] - 1e-9 * abs(ll[t - 1]), (
            f"log-likelihood fell at iteration {t}: {ll[t - 1]!r} -> {ll[t]!r}")
