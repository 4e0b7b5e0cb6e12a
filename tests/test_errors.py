"""Bad input gets a ValueError that says what to do, never a NaN or a deep numpy traceback."""
import numpy as np
import pytest

from gmmlib import Mixture, naive_em, painless_em

FIT = [painless_em, naive_em]


@pytest.mark.parametrize("fit", FIT)
@pytest.mark.parametrize("X, K, match", [
    (np.array([[1.0], [np.nan], [3.0]]), 1, r"1 NaN or infinite values.*first at row 1.*remove"),
    (np.array([[1.0, np.inf], [2.0, 3.0]]), 1, "NaN or infinite"),
    (np.empty((0, 2)), 1, "empty"),
    (np.empty((5, 0)), 1, "no features"),
    (np.zeros((2, 2, 2)), 1, r"reshape\(-1"),
    (np.array(["a", "b"]), 1, "numeric"),
    (np.array([1, "x"], dtype=object), 1, "numeric"),
    (np.array([1.0, 2.0, 3.0]), 0, "at least 1"),
    (np.array([1.0, 2.0, 3.0]), 2.5, "whole number"),
    (np.array([1.0, 1.0, 2.0, 2.0]), 3, r"only 2 distinct points.*K <= 2"),
    (np.array([1e200, 1.0]), 1, "Rescale"),
    (np.array(3.0), 1, "single number"),
    (np.array([1 + 2j, 3j]), 1, "complex"),
])
def test_bad_data_is_refused_with_a_fix(fit, X, K, match):
    with pytest.raises(ValueError, match=match):
        fit(X, K)


@pytest.mark.parametrize("weights, match", [
    ([1.0, 2.0], "one weight"),
    ([1.0, -1.0, 1.0], "negative"),
    ([1.0, np.nan, 1.0], "NaN"),
    ([0.0, 0.0, 0.0], "all weights are zero"),
    (["a", "b", "c"], "real numbers"),
])
def test_bad_weights_are_refused(weights, match):
    with pytest.raises(ValueError, match=match):
        painless_em([1.0, 2.0, 3.0], 1, weights=weights)


def test_zero_weight_points_do_not_count_as_distinct():
    with pytest.raises(ValueError, match="only 1 distinct"):
        painless_em([1.0, 2.0, 3.0], 2, weights=[1, 0, 0])


def test_uint8_pixels_are_accepted_and_squared_safely():
    pixels = np.array([200, 210, 220, 20, 30, 40] * 10, dtype=np.uint8)
    res = painless_em(pixels, 2)
    assert sorted(np.round(res.mixture.means.ravel())) == [30, 210]
    # 200/3 each: a wrapped-around square (200 * 200 = 64 in uint8) would be far off; a small
    # covariance prior may move it a little
    assert np.allclose(sorted(res.mixture.covariances.ravel()), [200 / 3, 200 / 3], rtol=1e-2)


@pytest.mark.parametrize("kwargs, match", [
    (dict(init="forgy-typo"), "init must be one of"),
    (dict(init=Mixture([1.0], [[0.0, 0.0]], [np.eye(2)])), "K=1, d=2"),
    (dict(max_iter=-1), "max_iter"),
    (dict(init="equal-range"), "cuts one intensity axis"),
])
def test_bad_options_are_refused(kwargs, match):
    X = np.random.default_rng(0).normal(size=(20, 3))
    with pytest.raises(ValueError, match=match):
        painless_em(X, 2 if "init" not in kwargs or isinstance(kwargs["init"], str) else 1, **kwargs)


@pytest.mark.parametrize("args, match", [
    (([0.5, 0.6], [[0.0], [1.0]], [[[1.0]], [[1.0]]]), "sum to 1"),
    (([1.0], [[0.0, 0.0]], [[[1.0, 2.0], [2.0, 1.0]]]), "not positive definite"),
    (([1.0], [[0.0, 0.0]], [[[1.0, 0.5], [0.0, 1.0]]]), "symmetric"),
    (([0.5, 0.5], [[0.0], [1.0]], [[[1.0]]]), "needs means"),
    (([1.0], [[np.nan]], [[[1.0]]]), "NaN"),
])
def test_mixture_rejects_invalid_parameters(args, match):
    with pytest.raises(ValueError, match=match):
        Mixture(*args)


def test_mixture_rejects_data_of_the_wrong_dimension():
    m = Mixture([1.0], [[0.0, 0.0]], [np.eye(2)])
    with pytest.raises(ValueError, match="3 features but the mixture has 2"):
        m.log_density(np.zeros((4, 3)))
    with pytest.raises(ValueError, match=r"\bn must be .*-1"):
        m.sample(-1)
