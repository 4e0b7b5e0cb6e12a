"""Each failure of the textbook EM, reproduced, reported where it happens, and fixed."""
import numpy as np
import pytest

import gmmlib
from gmmlib import Mixture, naive_em, painless_em
from gmmlib.datasets import failure_cases
from gmmlib.painless import robust_scale

CASES = {case.name: case for case in failure_cases()}


@pytest.mark.parametrize("name", CASES)
def test_naive_em_fails_at_the_right_iteration_and_step(name):
    case = CASES[name]
    res = naive_em(case.X, case.K, init=case.init)
    assert res.failure is not None, f"naive EM did not fail on {name}"
    assert (res.failure.iteration, res.failure.step) == (case.iteration, case.step)
    assert str(res.failure).startswith(f"iteration {case.iteration}, {case.step}: ")
    # The result still holds the last valid mixture and a consistent history.
    assert np.isfinite(res.mixture.means).all()
    assert len(res.history) == res.n_iter + 1


@pytest.mark.parametrize("name", CASES)
def test_painless_em_succeeds_on_the_same_data_and_start(name):
    case = CASES[name]
    res = painless_em(case.X, case.K, init=case.init)
    assert res.failure is None
    assert np.isfinite(res.log_likelihood)
    m = res.mixture
    assert np.isfinite(m.means).all() and m.weights.sum() == pytest.approx(1.0)
    assert all(np.linalg.eigvalsh(c).min() > 0 for c in m.covariances)


def test_failure_messages_name_the_cause():
    messages = {name: str(naive_em(c.X, c.K, init=c.init).failure) for name, c in CASES.items()}
    assert "underflowed to 0 for 20 points" in messages["underflow"]
    assert "0/0 = NaN" in messages["underflow"]
    assert "underflowed to exactly 0.0" in messages["zero likelihood"]
    assert "singular" in messages["singular covariance"]
    assert "owns no point (N_2 = 0)" in messages["empty component"]
    assert "wrapped around" in messages["uint8 overflow"] and "astype(float)" in messages["uint8 overflow"]


def test_the_guard_and_the_restart_are_recorded():
    case = CASES["singular covariance"]
    events = painless_em(case.X, case.K, init=case.init, prior=0).history.events
    assert events and events[0].iteration == 1 and events[0].component == 0
    assert events[0].rcond <= 1e-10
    # the default prior keeps that covariance healthy: no guard, an honest convergence
    res = painless_em(case.X, case.K, init=case.init)
    assert res.converged and not res.history.events
    empty = CASES["empty component"]
    events = painless_em(empty.X, empty.K, init=empty.init).history.events
    assert [(e.iteration, e.component) for e in events][:1] == [(1, 2)]
    assert np.isnan(events[0].rcond) and "owned no point" in events[0].reason


def test_naive_and_painless_agree_where_naive_survives():
    X, _ = gmmlib.datasets.gmm_example_1d()
    X = X[::10]  # 30 points: few enough for the product of likelihoods to stay above 0
    start = painless_em(X, 2, max_iter=0).mixture
    a = naive_em(X, 2, init=start, max_iter=20, tol=None)
    b = painless_em(X, 2, init=start, max_iter=20, tol=None, prior=0)
    assert a.failure is None
    np.testing.assert_allclose(a.mixture.means, b.mixture.means, rtol=1e-9)
    np.testing.assert_allclose(a.mixture.covariances, b.mixture.covariances, rtol=1e-7)
    np.testing.assert_allclose(a.history.log_likelihood, b.history.log_likelihood, rtol=1e-9)


def test_naive_em_emits_no_numpy_warnings():
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for case in failure_cases():
            naive_em(case.X, case.K, init=case.init)


# ------------------------------------------------------------------ float16 and float32 data

def test_naive_em_on_float16_names_the_overflow_not_a_constant_patch():
    X = np.r_[np.full(10, 300.0), np.full(10, 20.0)] + np.arange(20) % 3
    res = naive_em(X.astype(np.float16), 2, init=Mixture([0.5, 0.5], [[21.0], [301.0]], [[[1.0]], [[1.0]]]))
    assert (res.failure.iteration, res.failure.step) == (1, "M-step")
    message = str(res.failure)
    assert "float16 overflowed to inf" in message and "65504" in message and "astype(float)" in message
    assert "constant patch" not in message
    assert naive_em(X, 2, init=res.history.mixture(0)).failure is None  # float64: no failure


@pytest.mark.parametrize("dtype", [np.float16, np.float32])
def test_painless_em_computes_low_precision_input_in_float64(dtype):
    X, _ = gmmlib.datasets.gmm_example_2d()
    low = X.astype(dtype)
    a = painless_em(low, 2)
    b = painless_em(low.astype(np.float64), 2)
    assert a.mixture.means.dtype == np.float64
    np.testing.assert_array_equal(a.mixture.means, b.mixture.means)
    np.testing.assert_array_equal(a.history.objective, b.history.objective)


# ------------------------------------------------------------------ bad parameters

X_SMALL = np.random.default_rng(0).normal(size=(30, 2))


@pytest.mark.parametrize("fit", [painless_em, naive_em])
@pytest.mark.parametrize("kwargs, error, match", [
    (dict(tol=float("nan")), ValueError, r"tol must be a number in \[0, 1\) or None, got nan"),
    (dict(tol=-1e-4), ValueError, "tol must be"),
    (dict(tol="1e-4"), TypeError, r"tol must be .*got '1e-4'"),
    (dict(max_iter=-1), ValueError, r"max_iter must be .*\[0, 1000000\], got -1"),
    (dict(max_iter=10.0), TypeError, "max_iter must be .*got 10.0; pass 10"),
    (dict(random_state="abc"), TypeError, "random_state must be an integer seed.*got 'abc'"),
    (dict(random_state=-3), ValueError, "random_state must be an integer seed >= 0"),
    (dict(init="forgy-typo"), ValueError, "init must be one of"),
    (dict(init="kmean"), ValueError, "did you mean 'kmeans'"),
    (dict(init=3), TypeError, "init must be one of .* a gmmlib.Mixture or a \\(K, d\\) array"),
    (dict(init=None), TypeError, "init must be one of"),
    (dict(init=np.zeros((3, 2))), ValueError, r"init as an array .* shape \(K, d\) = \(2, 2\), got \(3, 2\)"),
    (dict(init=np.array([[0.0, np.nan], [1.0, 1.0]])), ValueError, "init has 1 NaN"),
    (dict(init=[["a", "b"], ["c", "d"]]), TypeError, "init must be numeric"),
    (dict(init="equal-range"), ValueError, "cuts one intensity axis"),
    (dict(init_range=(0, 255)), ValueError, "init_range only applies to init='equal-range'"),
    (dict(covariance_type="ful"), ValueError, "covariance_type must be one of.*did you mean 'full'"),
    (dict(covariance_type=None), TypeError, "covariance_type must be one of"),
])
def test_bad_parameters_are_refused_at_the_call(fit, kwargs, error, match):
    with pytest.raises(error, match=match):
        fit(X_SMALL, 2, **kwargs)


@pytest.mark.parametrize("kwargs, error, match", [
    (dict(reg_covar=float("nan")), ValueError, r"reg_covar must be a number in \[0, 1e150\], got nan"),
    (dict(reg_covar=-1e-6), ValueError, "reg_covar must be"),
    (dict(var_floor=float("nan")), ValueError, "var_floor must be"),
    (dict(var_floor=0.0), ValueError, "var_floor=0 needs guard=False"),
    (dict(var_floor=2.0), ValueError, r"var_floor must be a number in \[1e-12, 1\]"),
    (dict(prior=float("inf")), ValueError, "prior must be a number"),
    (dict(prior=-1.0), ValueError, "prior must be"),
    (dict(n_init=0), ValueError, r"n_init must be .*\[1, 1000\], got 0"),
    (dict(n_init=2.5), TypeError, "n_init must be .*got 2.5"),
    (dict(n_init=3, init=np.zeros((2, 2))), ValueError, "n_init=3 restarts need random starts"),
    (dict(whiten="yes"), TypeError, "whiten must be True or False"),
    (dict(guard=1), TypeError, "guard must be True or False"),
])
def test_bad_painless_parameters_are_refused_at_the_call(kwargs, error, match):
    with pytest.raises(error, match=match):
        painless_em(X_SMALL, 2, **kwargs)


def test_equal_range_needs_a_real_range():
    with pytest.raises(ValueError, match=r"init_range must satisfy low < high, got \(255.0, 0.0\)"):
        painless_em(np.arange(10.0), 2, init="equal-range", init_range=(255, 0))
    with pytest.raises(ValueError, match="init_range must be a pair"):
        painless_em(np.arange(10.0), 2, init="equal-range", init_range=5)


def test_an_array_of_starting_means_is_scikit_learns_means_init():
    X, _ = gmmlib.datasets.gmm_example_2d()
    means = np.array([[1.0, 2.0], [-1.0, -2.0]])
    start = painless_em(X, 2, init=means, max_iter=0).mixture
    np.testing.assert_allclose(start.means, means, rtol=1e-14)  # kept as given
    s = robust_scale(X)  # nearest in whitened units, where K-means also works
    labels = np.argmin((((X[:, None] - means) / s) ** 2).sum(-1), axis=1)
    np.testing.assert_allclose(start.weights, np.bincount(labels) / len(X))
    fit = painless_em(X, 2, init=means)
    assert fit.converged
    np.testing.assert_allclose(painless_em(X[:, :1], 2, init=[0.0, 1.0], max_iter=0).mixture.means.ravel(), [0, 1])


def test_whitening_that_would_merge_distinct_points_is_explained():
    X = np.r_[0.0, 1e-200, 1e-200, 1e99 * np.arange(1, 8)]  # 0 and 1e-200 merge next to 1e99
    assert painless_em(X, 2).converged  # harmless while K distinct points remain
    with pytest.raises(ValueError, match="whitening .* maps distinct points of X onto the same values"):
        painless_em(X, 9)
    X = np.r_[np.zeros(5), np.full(5, 1e-200), 1e10]  # the outlier sits 1e210 spreads away
    with pytest.raises(ValueError, match=r"reaches 1.*e\+210 times its typical spread"):
        painless_em(X, 2)


# ------------------------------------------------------------------ Mixture, rcond, logsumexp

def test_mixture_copies_and_freezes_its_arrays():
    cov = np.array([[[2.0, 0.3], [0.3, 1.0]]])
    means = np.array([[0.0, 0.0]])
    m = Mixture([1.0], means, cov)
    before = m.log_density([[1.0, 1.0]])
    cov[0, 0, 0] = 100.0  # the caller edits its own arrays afterwards
    means[0] = 5.0
    np.testing.assert_array_equal(m.log_density([[1.0, 1.0]]), before)
    assert m.covariances[0, 0, 0] == 2.0
    with pytest.raises(ValueError, match="read-only"):
        m.covariances[0, 0, 0] = 3.0


@pytest.mark.parametrize("args, error, match", [
    (([1.0], 0.0, [[[1.0]]]), ValueError, r"means is a single number \(0\); pass one mean per component"),
    (([1e308, 1e308], [[0.0], [1.0]], [[[1.0]], [[1.0]]]), ValueError, r"sum to 1.*\(sum inf\)"),
    (([1.0], [[0.0, 0.0]], [[[1.0, 0.5], [0.5, 1.0]]], "diag"), ValueError, "off-diagonal entries must be 0"),
    (([1.0], [[0.0]], [[[1.0]]], "round"), ValueError, "covariance_type must be one of"),
    (("w", [[0.0]], [[[1.0]]]), TypeError, "weights must be a numeric array, got 'w'"),
])
def test_mixture_refuses_bad_parameters_clearly(args, error, match):
    with pytest.raises(error, match=match):
        Mixture(*args)


def test_rcond_needs_a_square_matrix():
    with pytest.raises(ValueError, match=r"cov must be a square matrix \(d, d\), got shape \(2, 3\)"):
        gmmlib.rcond(np.ones((2, 3)))
    with pytest.raises(ValueError, match="NaN"):
        gmmlib.rcond([[1.0, np.nan], [0.0, 1.0]])
    assert gmmlib.rcond(np.zeros((2, 2))) == 0.0


@pytest.mark.parametrize("a, kwargs, error, match", [
    ([], {}, ValueError, "no terms to sum.*log 0 = -inf"),
    (3.0, {}, ValueError, "single number"),
    ([1.0, np.nan], {}, ValueError, "NaN"),
    ([[1.0, 2.0]], dict(axis=2), ValueError, "axis=2 but a has only 2 dimensions"),
    ([1.0], dict(axis=0.5), TypeError, "axis must be a whole number"),
    (["x"], {}, TypeError, "a must be numeric"),
])
def test_logsumexp_refuses_what_has_no_answer(a, kwargs, error, match):
    with pytest.raises(error, match=match):
        gmmlib.logsumexp(a, **kwargs)


def test_history_accessors_check_the_iteration():
    res = painless_em(np.arange(20.0), 2, max_iter=3, tol=None)
    assert res.history.mixture(-1).means.shape == (2, 1)
    with pytest.raises(ValueError, match=r"t=4 but this history has entries 0..3"):
        res.history.mixture(4)
    with pytest.raises(TypeError, match="t must be a whole number"):
        res.history.mixture(1.0)
