"""datasets.tilted_clusters: the data of notebook 04's covariance-type demo.

The demo is only worth showing if the four covariance types really differ on these data, so
that is what is checked here, beside the stated shapes.
"""
import numpy as np
from sklearn.mixture import GaussianMixture

from gmmlib import painless_em
from gmmlib.datasets import tilted_clusters

TYPES = ("full", "diag", "spherical", "tied")


def test_same_points_for_the_same_seed_and_the_stated_sizes():
    X, labels = tilted_clusters(random_state=0)
    again, _ = tilted_clusters(random_state=0)
    other, _ = tilted_clusters(random_state=1)
    assert X.shape == (400, 2) and np.array_equal(np.bincount(labels), [150, 150, 100])
    assert np.array_equal(X, again) and not np.allclose(X, other)


def test_each_cluster_has_its_stated_tilt_and_elongation():
    X, labels = tilted_clusters(random_state=0)
    for k, (degrees, ratio) in enumerate(((35.0, 6.0), (-50.0, 5.0))):
        values, vectors = np.linalg.eigh(np.cov(X[labels == k].T))
        major = vectors[:, -1] * np.sign(vectors[0, -1])  # the long axis, pointing right
        assert abs(np.degrees(np.arctan2(major[1], major[0])) - degrees) < 3
        assert abs(np.sqrt(values[-1] / values[0]) - ratio) < 0.6 * ratio / 6
    values = np.linalg.eigvalsh(np.cov(X[labels == 2].T))
    assert np.sqrt(values[-1] / values[0]) < 1.3  # the round one


def test_only_full_fits_well_and_scikit_learn_agrees():
    X, _ = tilted_clusters(random_state=0)
    ours = {t: painless_em(X, 3, random_state=0, covariance_type=t).mixture for t in TYPES}
    bic = {t: m.bic(X) for t, m in ours.items()}
    assert min(bic, key=bic.get) == "full"
    # a gap far larger than any restart's noise: the picture must show it
    assert min(ours["full"].log_likelihood(X) - ours[t].log_likelihood(X) for t in TYPES[1:]) > 200
    for t in TYPES:
        sk = GaussianMixture(3, covariance_type=t, n_init=5, random_state=0, reg_covar=0,
                             tol=1e-8, max_iter=2000).fit(X)
        # scikit-learn's best of 5 starts, run to convergence, finds the same maximum; ours
        # stops once an iteration gains under 1e-4 per point, a fraction of a unit short of it
        assert -0.1 < sk.score(X) * len(X) - ours[t].log_likelihood(X) < 0.5, t
