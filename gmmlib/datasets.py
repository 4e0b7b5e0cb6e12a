"""The course's example data, one small dataset per failure of the naive EM, and clusters for
comparing covariance types.

``gmm_example_1d`` and ``gmm_example_2d`` draw the data of the Matlab EM demos GMMExample_1D and
GMMExample_2D (the two classic small examples of EM for a Gaussian mixture).

Every generator is seeded: the same call gives the same numbers on every machine.
"""
from dataclasses import dataclass

import numpy as np

from ._validate import ieee_errstate, validate_float, validate_random_state
from .mixture import Mixture


@ieee_errstate
def gmm_example_1d(random_state=0):
    """The Matlab demo GMMExample_1D's data: 100 points from N(10, 1) and 200 from N(20, 3) (std 3).

    ``random_state``: an integer seed >= 0, None or a numpy Generator.
    Returns (X (300,), labels (300,)).
    """
    rng = validate_random_state(random_state)
    X = np.concatenate([rng.normal(10, 1, 100), rng.normal(20, 3, 200)])
    return X, np.repeat([0, 1], [100, 200])


@ieee_errstate
def gmm_example_2d(random_state=0):
    """The Matlab demo GMMExample_2D's data: 200 points around mu1 = [1, 2], Sigma1 = [[3, .2], [.2, 2]] and
    100 around mu2 = [-1, -2], Sigma2 = diag(2, 1). Returns (X (300, 2), labels (300,)).

    ``random_state``: an integer seed >= 0, None or a numpy Generator.
    """
    rng = validate_random_state(random_state)
    a = rng.multivariate_normal([1, 2], [[3, 0.2], [0.2, 2]], 200)
    b = rng.multivariate_normal([-1, -2], [[2, 0], [0, 1]], 100)
    return np.vstack([a, b]), np.repeat([0, 1], [200, 100])


@ieee_errstate
def tilted_clusters(random_state=0):
    """Three clusters of different shapes and tilts, for comparing covariance types (notebook 04).

    Cluster 0: 150 points around (0, 0), standard deviations 3 and 0.5 along axes turned 35
    degrees; cluster 1: 150 points around (7, 0), 2.5 and 0.5 turned -50 degrees; cluster 2:
    100 points around (3, 6), round with standard deviation 0.8. Two clusters are long and
    tilted in opposite directions, one is round, so a diagonal, a spherical and a tied
    (shared) covariance each miss something that a full one captures.

    ``random_state``: an integer seed >= 0, None or a numpy Generator.
    Returns (X (400, 2), labels (400,)).
    """
    rng = validate_random_state(random_state)
    parts = []
    for mean, stds, degrees, n in (((0.0, 0.0), (3.0, 0.5), 35.0, 150),
                                   ((7.0, 0.0), (2.5, 0.5), -50.0, 150),
                                   ((3.0, 6.0), (0.8, 0.8), 0.0, 100)):
        t = np.deg2rad(degrees)
        turn = np.array([[np.cos(t), -np.sin(t)], [np.sin(t), np.cos(t)]])
        cov = turn @ np.diag(np.square(stds)) @ turn.T
        parts.append(rng.multivariate_normal(mean, cov, n))
    return np.vstack(parts), np.repeat([0, 1, 2], [150, 150, 100])


@dataclass(frozen=True)
class FailureCase:
    """A dataset on which the naive EM breaks at a known iteration and step."""
    name: str
    X: np.ndarray
    K: int
    init: object          # a Mixture or an init method name, used by naive and painless alike
    iteration: int        # where naive EM must report the failure
    step: str             # "E-step", "likelihood" or "M-step"
    story: str            # one sentence for the notebook


def _underflow():
    rng = np.random.default_rng(1)
    red = rng.normal([200, 40, 40], 2.0, (140, 3))
    blue = rng.normal([40, 40, 200], 2.0, (140, 3))
    green = rng.normal([40, 200, 40], 2.0, (20, 3))
    X = np.vstack([red, blue, green])
    start = Mixture([0.5, 0.5], [[200, 40, 40], [40, 40, 200]], [np.eye(3) * 4.0] * 2)
    return FailureCase("underflow", X, 2, start, 1, "E-step",
                       "20 green pixels lie 80 standard deviations (in each of two channels) from both tight colour "
                       "components: each density is exp(-6400) = 0.0 in float64.")


def _zero_likelihood():
    X, _ = gmm_example_1d()
    start = Mixture([0.5, 0.5], [[8.0], [22.0]], [[[4.0]], [[4.0]]])
    return FailureCase("zero likelihood", X, 2, start, 1, "likelihood",
                       "300 ordinary points whose likelihoods have a geometric mean near 0.03: "
                       "their product, about 1e-463, is below the smallest float64 (about 5e-324).")


def _singular():
    rng = np.random.default_rng(3)
    sky = np.full((12, 2), 255.0)               # a saturated patch: one colour, no spread
    rest = rng.normal([120, 90], 25.0, (18, 2))
    X = np.vstack([sky, rest])
    start = Mixture([0.5, 0.5], [[250.0, 250.0], [120.0, 90.0]], [np.eye(2) * 100.0] * 2)
    return FailureCase("singular covariance", X, 2, start, 1, "M-step",
                       "12 saturated pixels share the value (255, 255): the component that owns "
                       "them shrinks onto one point until its covariance has determinant 0.")


def _empty_component():
    rng = np.random.default_rng(4)
    X = np.concatenate([rng.normal(2, 1, 25), rng.normal(8, 1, 25)])[:, None]
    start = Mixture([1 / 3] * 3, [[2.0], [8.0], [1000.0]], [[[1.0]]] * 3)
    return FailureCase("empty component", X, 3, start, 1, "M-step",
                       "a component started far from all the data owns no point: N_k = 0 and "
                       "its new mean is 0/0.")


def _uint8_overflow():
    rng = np.random.default_rng(5)
    X = np.concatenate([rng.normal(60, 8, 20), rng.normal(200, 10, 20)]).clip(0, 255)
    X = np.rint(X).astype(np.uint8)[:, None]
    start = Mixture([0.5, 0.5], [[60.0], [200.0]], [[[64.0]], [[100.0]]])
    return FailureCase("uint8 overflow", X, 2, start, 1, "M-step",
                       "pixel values kept as uint8: 200 * 200 = 40000 wraps around to 64, so "
                       "the second moments, and every covariance, are wrong.")


@ieee_errstate
def failure_cases():
    """The five ways the textbook EM breaks (``naive.py``), in the order notebook 03 shows them."""
    return [_underflow(), _zero_likelihood(), _singular(), _empty_component(), _uint8_overflow()]


# --- notebook 03: data for the singularity, guard-event and whitening lessons ---

@ieee_errstate
def isolated_point(random_state=0):
    """``gmm_example_1d`` plus one point at 33.0, far from the rest, and a start that puts a narrow
    third component on that point.

    From this start with ``prior=0`` the third component shrinks onto the lone point and the
    likelihood grows without bound (notebook 03, "the likelihood has no maximum").
    ``random_state``: an integer seed >= 0, None or a numpy Generator (for ``gmm_example_1d``).
    Returns (X (301,), start: a Mixture with K = 3).
    """
    X, _ = gmm_example_1d(random_state)
    start = Mixture([0.3, 0.6, 0.1], [[10.0], [20.0], [33.0]], [[[1.0]], [[9.0]], [[1.0]]])
    return np.append(X, 33.0), start


@ieee_errstate
def repeated_value(random_state=1):
    """60 points from N(0, 1), 60 from N(8, 1) and five copies of 11.0 (one reading repeated,
    as a stuck sensor or a saturated pixel gives).

    With K = 3 some K-means starts give the five copies a component of their own, which then
    collapses onto them; others do not (notebook 03, restarts).
    ``random_state``: an integer seed >= 0, None or a numpy Generator. Returns X (125,).
    """
    rng = validate_random_state(random_state)
    return np.concatenate([rng.normal(0, 1, 60), rng.normal(8, 1, 60), np.full(5, 11.0)])


@ieee_errstate
def points_on_a_line(random_state=0):
    """200 points from N(0, I) in 2-D and 40 points exactly on the line x_2 = x_1 (x_1 uniform
    in [2, 5]), like pixels whose two channels are equal.

    A component that takes the 40 points has a covariance of rank 1: with ``prior=0`` the guard
    must replace it, again and again (notebook 03, what a guard event does to the curve).
    ``random_state``: an integer seed >= 0, None or a numpy Generator.
    Returns (X (240, 2), labels (240,): 0 for the cloud, 1 for the line).
    """
    rng = validate_random_state(random_state)
    cloud = rng.normal(0.0, 1.0, (200, 2))
    t = rng.uniform(2.0, 5.0, 40)
    return np.vstack([cloud, np.column_stack([t, t])]), np.repeat([0, 1], [200, 40])


@ieee_errstate
def crossing_clusters(random_state=0, scale=1.0):
    """Two clusters of 150 points that cross like an X: unit variances, correlations +0.98 and
    -0.98, means (0, 0) and (0.5, 0.5); the second feature is then multiplied by ``scale``
    (``scale=1e6``: measured in micro-units).

    Both clusters have the same variances, so only the correlation tells them apart: a fit
    that loses it (a diagonal covariance) cannot separate them (notebook 03, whitening).
    ``random_state``: an integer seed >= 0, None or a numpy Generator.
    Returns (X (300, 2), labels (300,)).
    """
    scale = validate_float(scale, "scale", "(0, 1e300]", hint="e.g. 1e6 for micro-units")
    rng = validate_random_state(random_state)
    a = rng.multivariate_normal([0.0, 0.0], [[1.0, 0.98], [0.98, 1.0]], 150)
    b = rng.multivariate_normal([0.5, 0.5], [[1.0, -0.98], [-0.98, 1.0]], 150)
    return np.vstack([a, b]) * [1.0, scale], np.repeat([0, 1], 150)

