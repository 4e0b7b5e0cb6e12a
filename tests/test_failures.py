"""Each failure of the textbook EM, reproduced, reported where it happens, and fixed."""
import numpy as np
import pytest

import gmmlib
from gmmlib import naive_em, painless_em
from gmmlib.datasets import failure_cases

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
    events = painless_em(case.X, case.K, init=case.init).history.events
    assert events and events[0].iteration == 1 and events[0].component == 0
    assert events[0].rcond <= 1e-10
    empty = CASES["empty component"]
    events = painless_em(empty.X, empty.K, init=empty.init).history.events
    assert [(e.iteration, e.component) for e in events][:1] == [(1, 2)]


def test_naive_and_painless_agree_where_naive_survives():
    X, _ = gmmlib.datasets.seed_1d()
    X = X[::10]  # 30 points: few enough for the product of likelihoods to stay above 0
    start = painless_em(X, 2, max_iter=0).mixture
    a = naive_em(X, 2, init=start, max_iter=20, tol=None)
    b = painless_em(X, 2, init=start, max_iter=20, tol=None)
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
