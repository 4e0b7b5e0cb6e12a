"""Histogram EM is EM on every pixel; segmentation helpers."""
import functools

import numpy as np
import pytest
from skimage import data
from skimage.filters import threshold_otsu

import gmmlib
from gmmlib import painless_em


@pytest.fixture(scope="module")
def camera():
    return data.camera()


@pytest.mark.parametrize("K", [2, 3, 4, 5])
def test_histogram_em_equals_pixel_em(camera, K):
    hist = gmmlib.histogram_em(camera, K)
    pixels = painless_em(camera.ravel(), K, init="equal-range", init_range=(0, 255))
    assert hist.n_iter == pixels.n_iter
    for a, b in ((hist.mixture.weights, pixels.mixture.weights),
                 (hist.mixture.means, pixels.mixture.means),
                 (hist.mixture.covariances, pixels.mixture.covariances)):
        np.testing.assert_allclose(a, b, rtol=1e-9)
    np.testing.assert_allclose(hist.history.log_likelihood, pixels.history.log_likelihood, rtol=1e-9)


def test_equal_range_start_is_the_seeds_split(camera):
    start = gmmlib.histogram_em(camera, 2, max_iter=0).mixture
    x = camera.ravel().astype(float)
    low, high = x[x <= 127], x[x >= 128]
    np.testing.assert_allclose(start.means.ravel(), [low.mean(), high.mean()], rtol=1e-12)
    np.testing.assert_allclose(start.covariances.ravel(), [low.var(), high.var()], rtol=1e-12)
    np.testing.assert_allclose(start.weights, [low.size / x.size, high.size / x.size], rtol=1e-12)


@functools.lru_cache(maxsize=None)
def sklearn_thresholds(K):
    """The levels where scikit-learn's GaussianMixture, fitted to every pixel from the same
    equal-range start and run to convergence, changes its label (ordered by mean)."""
    from sklearn.mixture import GaussianMixture
    image = data.camera()
    start = gmmlib.histogram_em(image, K, max_iter=0).mixture
    gm = GaussianMixture(K, means_init=start.means, weights_init=start.weights,
                         precisions_init=1 / start.covariances, tol=1e-12, max_iter=5000,
                         reg_covar=0).fit(image.reshape(-1, 1).astype(np.float64))
    rank = np.argsort(np.argsort(gm.means_[:, 0]))[gm.predict(np.arange(256.0)[:, None])]
    return np.flatnonzero(np.diff(rank)) + 1


@pytest.mark.parametrize("K", [2, 3])
def test_converged_thresholds_equal_scikit_learns(camera, K):
    """Run to convergence, EM's thresholds are scikit-learn's, level for level (K = 2: [66];
    K = 3: [63, 194, 222]); the default stop is at most one level away."""
    expected = sklearn_thresholds(K)
    converged = gmmlib.segment_gray(camera, K, tol=1e-12, max_iter=5000)
    np.testing.assert_array_equal(converged.thresholds, expected)
    default = gmmlib.segment_gray(camera, K)
    assert np.abs(default.thresholds.astype(int) - expected).max() <= 1


def test_two_class_threshold_is_darker_than_otsu(camera):
    """Otsu maximises the between-class variance; EM fits two Gaussians of different widths, and
    the wide bright one pushes the crossing towards the narrow dark one: 66 against Otsu's 102."""
    seg = gmmlib.segment_gray(camera, 2)
    assert seg.thresholds.size == 1
    assert threshold_otsu(camera) - int(seg.thresholds[0]) > 30
    dark = camera < seg.thresholds[0]
    np.testing.assert_array_equal(seg.labels == 0, dark)


def test_segment_gray_lut_is_max_posterior(camera):
    seg = gmmlib.segment_gray(camera, 3)
    post = seg.result.mixture.responsibilities(np.arange(256.0))
    order = np.argsort(seg.result.mixture.means[:, 0])
    np.testing.assert_array_equal(order[seg.lut], post.argmax(axis=1))


def test_segment_colour_labels_are_max_posterior():
    img = data.astronaut()[::8, ::8]
    seg = gmmlib.segment_colour(img, 4)
    assert seg.labels.shape == img.shape[:2]
    post = seg.result.mixture.responsibilities(img.reshape(-1, 3))
    np.testing.assert_array_equal(seg.labels.ravel(), post.argmax(axis=1))
    assert seg.mean_colour_image().dtype == np.uint8


@pytest.mark.parametrize("bad, message", [
    (np.zeros((4, 4, 3), np.uint8), "grayscale"),
    (np.zeros((4, 4), np.float64), "uint8"),
    (np.zeros((0, 4), np.uint8), "empty"),
])
def test_segment_gray_rejects_bad_images(bad, message):
    with pytest.raises(ValueError, match=message):
        gmmlib.segment_gray(bad, 2)


def test_history_is_small_for_a_million_points():
    rng = np.random.default_rng(0)
    X = np.concatenate([rng.normal(0, 1, 500_000), rng.normal(6, 2, 500_000)])
    res = painless_em(X, 2, max_iter=5, tol=None)
    assert len(res.history) == 6
    assert res.history.nbytes < 10_000  # parameters only, no N x K responsibilities
