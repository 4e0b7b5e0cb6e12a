"""Starting points: Forgy seeds, K-means restarts, the seed's equal-range split."""
import warnings

import numpy as np
import pytest
from scipy.cluster.vq import kmeans2

from gmmlib.init import equal_range_init, forgy_centroids, kmeans


def test_forgy_centroids_are_distinct_data_points():
    rng = np.random.default_rng(0)
    X = np.repeat(rng.normal(size=(6, 2)), 50, axis=0)  # 6 distinct values, 300 points
    C = forgy_centroids(X, np.ones(len(X)), 6, rng)
    assert np.unique(C, axis=0).shape[0] == 6
    assert all((X == c).all(axis=1).any() for c in C)


def test_forgy_never_picks_zero_weight_points():
    X = np.arange(10.0)[:, None]
    w = np.r_[np.zeros(7), np.ones(3)]
    C = forgy_centroids(X, w, 3, np.random.default_rng(1))
    assert sorted(C.ravel()) == [7.0, 8.0, 9.0]


@pytest.mark.parametrize("seed", range(20))
def test_kmeans_keeps_every_cluster_populated(seed):
    rng = np.random.default_rng(seed)
    X = np.repeat(rng.normal(size=(5, 2)) * 10, rng.integers(1, 30, 5), axis=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        C, labels, inertia = kmeans(X, np.ones(len(X)), 5, rng, n_init=3)
    assert np.bincount(labels, minlength=5).min() >= 1
    assert np.isfinite(C).all() and inertia == pytest.approx(0.0, abs=1e-9)


def test_kmeans_matches_scipy_from_the_same_centroids():
    rng = np.random.default_rng(3)
    X = np.vstack([rng.normal(m, 1.0, size=(200, 2)) for m in ((0, 0), (6, 0), (0, 6))])
    start = X[[0, 200, 400]]
    C, labels, _ = kmeans(X, np.ones(len(X)), 3, rng, centroids=start)
    ref_C, ref_labels = kmeans2(X, start.copy(), minit="matrix", iter=100)
    np.testing.assert_allclose(C, ref_C, rtol=1e-12)
    np.testing.assert_array_equal(labels, ref_labels)


def test_restarts_pick_the_lowest_inertia():
    rng = np.random.default_rng(0)
    X = np.vstack([rng.normal(m, 0.3, size=(50, 2)) for m in ((0, 0), (5, 0), (0, 5), (5, 5))])
    one = [kmeans(X, np.ones(len(X)), 4, np.random.default_rng(s), n_init=1)[2] for s in range(10)]
    best = kmeans(X, np.ones(len(X)), 4, np.random.default_rng(0), n_init=10)[2]
    assert best == pytest.approx(min(one), rel=1e-9) or best < min(one)


def test_equal_range_with_an_empty_part_still_gives_a_valid_mixture():
    X = np.r_[np.full(10, 5.0), np.full(10, 250.0)][:, None]  # nothing in the middle third
    m = equal_range_init(X, np.ones(20), 3, low=0, high=255)
    assert m.means[1, 0] == pytest.approx(127.5)
    assert (m.weights > 0).all() and m.weights.sum() == pytest.approx(1.0)


def test_equal_range_needs_low_below_high_except_for_one_component():
    X = np.full((5, 1), 7.0)
    m = equal_range_init(X, np.ones(5), 1, var_floor=1e-6)
    assert m.means[0, 0] == 7.0 and m.covariances[0, 0, 0] == 1e-6
    with pytest.raises(ValueError, match=r"needs a range low < high.*init_range=\(low, high\)"):
        equal_range_init(np.arange(4.0)[:, None], np.ones(4), 2, low=3.0, high=3.0)


def test_means_init_keeps_the_means_and_gives_every_component_a_point():
    from gmmlib.init import means_init
    X = np.r_[np.zeros(10), np.ones(10) * 5][:, None]
    means = np.array([[0.0], [5.0], [100.0]])  # nobody is nearest to 100
    m = means_init(X, np.ones(20), means, var_floor=1e-3)
    np.testing.assert_array_equal(m.means, means)
    assert (m.weights > 0).all() and np.isfinite(m.covariances).all()
