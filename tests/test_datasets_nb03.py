"""The data notebook 03 builds its singularity, guard-event and whitening lessons on: each
generator is seeded, and each dataset does what the notebook says it does."""
import numpy as np
import pytest
from sklearn.mixture import GaussianMixture

from gmmlib import painless_em
from gmmlib.datasets import (crossing_clusters, isolated_point, points_on_a_line, repeated_value,
                             gmm_example_1d)
from gmmlib.painless import ROUNDING, robust_scale

GENERATORS = [lambda s: isolated_point(s)[0], repeated_value, lambda s: points_on_a_line(s)[0],
              lambda s: crossing_clusters(s)[0]]


def agreement(labels, truth):
    """The share of points labelled like the truth, for the better of the two label orders."""
    return max(np.mean(labels == truth), np.mean(labels != truth))


@pytest.mark.parametrize("make", GENERATORS, ids=["isolated", "repeated", "line", "crossing"])
def test_generators_are_seeded(make):
    np.testing.assert_array_equal(make(3), make(3))
    np.testing.assert_array_equal(make(np.random.default_rng(3)), make(3))
    assert not np.array_equal(make(3), make(4))


def test_isolated_point_is_gmm_example_1d_plus_one_point():
    X, start = isolated_point()
    np.testing.assert_array_equal(X[:-1], gmm_example_1d()[0])
    assert X[-1] == 33.0 and start.n_components == 3 and start.means[2, 0] == 33.0


def test_isolated_point_collapses_without_prior_and_the_likelihood_climbs():
    X, start = isolated_point()
    res = painless_em(X, 3, init=start, prior=0, guard=False)
    assert res.status == "singular" and not res.converged and "without bound" in res.stop_reason
    ll = res.history.log_likelihood
    assert len(ll) >= 3 and np.all(np.diff(ll) > 0)
    variance = res.history.covariances[:, 2, 0, 0]
    assert np.all(np.diff(variance) < 0) and variance[-1] < 1e-3  # shrinking onto 33
    assert abs(res.mixture.means[2, 0] - 33.0) < 1e-3


@pytest.mark.parametrize("floor", [1e-4, 1e-6, 1e-8])
def test_a_variance_floor_sets_the_likelihood_of_a_collapsed_component(floor):
    """With the guard on and no prior, the collapsed component sits at the floor: log L rises by
    1/2 ln 10 for every decade the floor is lowered, and the guard acts in every iteration."""
    X, start = isolated_point()
    spread2 = robust_scale(X[:, None])[0] ** 2
    runs = [painless_em(X, 3, init=start, prior=0, var_floor=f, max_iter=30) for f in (floor, floor / 10)]
    for f, res in zip((floor, floor / 10), runs):
        assert res.status == "max_iter" and not res.converged
        assert res.history.guard_iterations()[-5:] == list(range(26, 31))
        assert res.mixture.covariances[2, 0, 0] == pytest.approx(f * spread2, rel=1e-9)
    assert runs[1].log_likelihood - runs[0].log_likelihood == pytest.approx(0.5 * np.log(10), abs=5e-3)


def test_the_prior_makes_the_collapse_a_converged_narrow_component():
    X, start = isolated_point()
    res = painless_em(X, 3, init=start)  # the default prior
    assert res.status == "converged" and not res.history.events
    spread2 = robust_scale(X[:, None])[0] ** 2
    k = int(np.argmax(res.mixture.means[:, 0]))
    # Sigma_k = S_k + Lambda / N_k: at least prior * total * spread^2 / N_k
    least = 1e-6 * X.size * spread2 / (res.mixture.weights[k] * X.size)
    assert res.mixture.covariances[k, 0, 0] >= least * (1 - 1e-9)
    assert res.mixture.covariances[k, 0, 0] < 10 * least  # still narrow: it owns one point


def test_repeated_value_restarts_prefer_the_best_healthy_run():
    X = repeated_value()
    res = painless_em(X, 3, prior=0, guard=False, n_init=12)
    statuses = [r.status for r in res.restarts]
    assert "singular" in statuses and "converged" in statuses
    healthy = [r for r in res.restarts if r.status == "converged"]
    collapsed = [r for r in res.restarts if r.status == "singular"]
    assert res.status == "converged"
    assert res.objective == max(r.objective for r in healthy)
    # a collapsing run is already above every healthy run when it stops: likelihood alone would pick it
    assert min(r.log_likelihood for r in collapsed) > res.log_likelihood
    assert len({round(r.log_likelihood, 6) for r in healthy}) >= 2  # restarts matter: local optima


def test_points_on_a_line_make_the_guard_act_again_and_again():
    X, _ = points_on_a_line()
    res = painless_em(X, 2, prior=0, max_iter=40)
    guarded = res.history.guard_iterations()
    assert res.status == "max_iter" and not res.converged and len(guarded) >= 5
    assert "the guard changed the last iteration" in res.stop_reason or guarded[-1] != 40
    gains = res.history.gains()
    assert all(gains[t - 1] < -50 for t in guarded)          # each replacement lowers log L a lot
    assert all(gains[t - 1] > 0 for t in range(1, 41) if t not in guarded)  # EM steps climb
    stopped = painless_em(X, 2, prior=0, guard=False)
    assert stopped.status == "singular" and stopped.n_iter == guarded[0] - 1
    prior = painless_em(X, 2)
    assert prior.status == "converged" and not prior.history.events
    assert np.all(prior.history.gains() >= -ROUNDING * (abs(prior.objective) + X.shape[0]))


def test_crossing_clusters_need_the_correlation_and_whitening_keeps_it():
    for seed in range(3):
        X, truth = crossing_clusters(seed)
        reference = GaussianMixture(2, covariance_type="full", random_state=0).fit(X)
        assert agreement(reference.predict(X), truth) > 0.85
        diagonal = GaussianMixture(2, covariance_type="diag", random_state=0).fit(X)
        assert agreement(diagonal.predict(X), truth) < 0.7
        micro, _ = crossing_clusters(seed, scale=1e6)
        np.testing.assert_allclose(micro[:, 1], X[:, 1] * 1e6)
        white = painless_em(micro, 2)
        assert agreement(white.mixture.predict(micro), truth) > 0.85 and not white.history.events
        raw = painless_em(micro, 2, whiten=False)
        assert agreement(raw.mixture.predict(micro), truth) < 0.7 and raw.history.events
