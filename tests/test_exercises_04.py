"""The checker added for notebook 04: free parameters of each covariance type.

The reference for the right answer is scikit-learn (``GaussianMixture._n_parameters`` of a
model fitted with that type), not a formula typed here; each usual mistake must get its own
hint, with the failing case's inputs shown.
"""
import warnings

import numpy as np
import pytest
from sklearn.exceptions import ConvergenceWarning
from sklearn.mixture import GaussianMixture

from gmmlib import exercises as ex
from gmmlib.exercises import model_choice as ex_model_choice
from gmmlib.exercises import check_n_parameters_by_type

TYPES = ["full", "diag", "spherical", "tied"]
COV = {"full": lambda K, d: K * d * (d + 1) // 2, "diag": lambda K, d: K * d,
       "spherical": lambda K, d: K, "tied": lambda K, d: d * (d + 1) // 2}


def right(K, d, covariance_type):
    return (K - 1) + K * d + COV[covariance_type](K, d)


def with_cov(**changed):
    """A count that is right except for the covariance counts given (per type)."""
    counts = dict(COV, **changed)
    return lambda K, d, t: (K - 1) + K * d + counts[t](K, d)


def verdict(fn):
    return check_n_parameters_by_type(fn, quiet=True)


@pytest.mark.parametrize("covariance_type", TYPES)
@pytest.mark.parametrize("K, d", [(1, 1), (3, 2), (2, 4), (4, 1), (1, 3)])
def test_the_reference_count_is_scikit_learns(covariance_type, K, d):
    X = np.random.default_rng(0).normal(size=(40, d))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        gm = GaussianMixture(K, covariance_type=covariance_type, max_iter=2, random_state=0).fit(X)
    assert right(K, d, covariance_type) == gm._n_parameters()
    assert ex_model_choice._typed_mixture(K, d, covariance_type).n_parameters == gm._n_parameters()


def test_right_answers_pass():
    assert verdict(right)
    assert verdict(lambda K, d, t: float(right(K, d, t)))  # 14.0 is a whole number
    assert verdict(lambda K, d, t: np.int64(right(K, d, t)))
    fb = check_n_parameters_by_type(right, quiet=True)
    assert fb.message == "✓ n_parameters_by_type: correct on all 10 cases."


MISTAKES = [
    # (answer, case that fails, words the hint must contain)
    (lambda K, d, t: (K - 1) + K * d + K * d * (d + 1) // 2, "diag, K = 3, d = 2", "count for 'full'"),
    (with_cov(spherical=COV["diag"]), "spherical, K = 3, d = 2", "that is 'diag'"),
    (with_cov(tied=COV["full"]), "tied, K = 3, d = 2", "whatever K"),
    (with_cov(diag=COV["spherical"]), "diag, K = 3, d = 2", "that is 'spherical'"),
    (with_cov(full=COV["tied"]), "full, K = 3, d = 2", "that is 'tied'"),
    (with_cov(tied=lambda K, d: d * d), "tied, K = 3, d = 2", "symmetric"),
    (with_cov(full=lambda K, d: K * d * d), "full, K = 3, d = 2", "symmetric"),
    (with_cov(spherical=lambda K, d: 1), "spherical, K = 3, d = 2", "its own: K"),
    (lambda K, d, t: right(K, d, t) + 1, "full, K = 3, d = 2", "K - 1 of them"),
    (lambda K, d, t: right(K, d, t) - K * d, "full, K = 3, d = 2", "forget the means"),
    (lambda K, d, t: COV[t](K, d), "full, K = 3, d = 2", "covariances alone"),
]


@pytest.mark.parametrize("answer, case, words", MISTAKES, ids=[m[2] for m in MISTAKES])
def test_each_usual_mistake_gets_its_hint_and_shows_the_case(answer, case, words):
    fb = verdict(answer)
    assert not fb.passed
    assert fb.case == case, fb.message
    assert words in fb.hint, fb.message
    shown = dict(fb.inputs)
    assert shown["covariance_type"] == repr(case.split(",")[0])
    assert f"K = {shown['K']}, d = {shown['d']}" in case
    assert fb.expected and fb.got


def test_tied_with_d_squared_is_not_taken_for_an_extra_weight():
    """At K = 3, d = 2 both mistakes give 12; the other tied cases tell them apart."""
    assert "symmetric" in verdict(with_cov(tied=lambda K, d: d * d)).hint
    assert "K - 1 of them" in verdict(lambda K, d, t: right(K, d, t) + (t == "tied")).hint


def test_unfinished_and_broken_answers_get_feedback_not_exceptions():
    def unfinished(K, d, covariance_type):
        raise NotImplementedError("your code here")

    fb = verdict(unfinished)
    assert not fb.passed and "NotImplementedError" in fb.hint
    only_full = verdict(lambda K, d, t: right(K, d, t) if t == "full" else None)
    assert only_full.case == "diag, K = 3, d = 2" and "handle all four types" in only_full.hint
    assert "whole number" in verdict(lambda K, d, t: right(K, d, t) + 0.5).hint
    assert not verdict(lambda K, d, t: "seventeen").passed
    with pytest.raises(ex.ExerciseError):
        check_n_parameters_by_type(lambda K, d, t: 0, quiet=True, strict=True)
