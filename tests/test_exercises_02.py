"""The checker of notebook 02's exercise (Jensen's lower bound B(q, theta)): it accepts correct
answers, gives the right hint for each usual slip, shows the failing inputs, never crashes on a
strange return value, and its reference really is a lower bound of log L, tight at q = r."""
import numpy as np
import pytest
from scipy.special import logsumexp, xlogy
from scipy.stats import norm

from gmmlib import Mixture, exercises as ex
from gmmlib.exercises import theory as ex_theory
from gmmlib.datasets import gmm_example_1d
from test_exercises import HOSTILE

check = ex.check_lower_bound


def verdict(fn):
    return check(fn, quiet=True)


# ------------------------------------------------------------------ correct answers

def bound_xlogy(q, a, c):
    return float(c @ (q * a - xlogy(q, q)).sum(axis=1))


def bound_where(q, a, c):
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(q > 0, q * (a - np.log(q)), 0.0)
    return float(np.sum(c[:, None] * terms))


def bound_loops(q, a, c):
    total = 0.0
    for i in range(q.shape[0]):
        for k in range(q.shape[1]):
            if q[i, k] > 0:
                total += c[i] * q[i, k] * (a[i, k] - np.log(q[i, k]))
    return total


def bound_gap_form(q, a, c):
    """log L minus the KL divergences from the posterior: the notebook's own form."""
    log_r = a - logsumexp(a, axis=1, keepdims=True)
    kl = (xlogy(q, q) - q * log_r).sum(axis=1)
    return float(c @ logsumexp(a, axis=1) - c @ kl)


@pytest.mark.parametrize("fn", [bound_xlogy, bound_where, bound_loops, bound_gap_form],
                         ids=lambda f: f.__name__)
def test_correct_bounds_pass(fn):
    fb = verdict(fn)
    assert fb.passed, fb.message
    assert fb.n_cases == 5


def test_a_numpy_scalar_or_size_one_array_is_accepted():
    assert verdict(lambda q, a, c: np.array([bound_xlogy(q, a, c)]))
    assert verdict(lambda q, a, c: np.float64(bound_xlogy(q, a, c)))


# ------------------------------------------------------------------ the reference itself

def test_reference_equals_log_likelihood_at_the_posterior_and_is_below_it_elsewhere():
    """On the seed data with a real mixture (scipy's densities): B(r) = log L, B(q) < log L,
    and log L - B(q) = sum_i c_i KL(q_i || r_i), for random q with counts."""
    X, _ = gmm_example_1d(random_state=0)
    rng = np.random.default_rng(3)
    c = rng.integers(1, 6, X.size).astype(float)
    weights, means, sds = np.array([0.4, 0.6]), np.array([9.0, 21.0]), np.array([2.0, 3.5])
    a = np.log(weights) + norm.logpdf(X[:, None], means, sds)
    log_L = float(c @ logsumexp(a, axis=1))
    mixture = Mixture(weights, means[:, None], (sds ** 2)[:, None, None])
    assert log_L == pytest.approx(mixture.log_likelihood(X, c), rel=1e-12)
    r = np.exp(a - logsumexp(a, axis=1, keepdims=True))
    assert ex_theory._bound_terms(r, a, c) == pytest.approx(log_L, rel=1e-12)
    for _ in range(20):
        q = rng.dirichlet([0.5, 0.5], X.size)
        q[rng.random(X.size) < 0.2] = [1.0, 0.0]  # some hard rows: 0 log 0
        b = ex_theory._bound_terms(q, a, c)
        kl = (xlogy(q, q) - q * (a - logsumexp(a, axis=1, keepdims=True))).sum(axis=1)
        assert b < log_L
        assert log_L - b == pytest.approx(c @ kl, rel=1e-9)


def test_cases_include_the_hostile_ones_the_hints_are_for():
    cases = ex_theory._lower_bound_cases()
    assert any((q == 0).any() for _, q, _, _ in cases), "a q with zeros (0 log 0)"
    assert any(not np.allclose(c, 1) for _, _, _, c in cases), "counts that are not all 1"
    assert any(np.exp(a).max() == 0.0 for _, _, a, _ in cases), "points where exp(log_joint) underflows"
    assert any(np.allclose(q, np.exp(a - logsumexp(a, axis=1, keepdims=True)), atol=1e-9)
               for _, q, a, _ in cases), "a case at q = r"
    for _, q, a, c in cases:
        assert np.allclose(q.sum(axis=1), 1.0) and q.shape == a.shape == (c.size, a.shape[1])


# ------------------------------------------------------------------ the usual slips

def forgot_entropy(q, a, c):
    return float(c @ (q * a).sum(axis=1))


def entropy_sign_flipped(q, a, c):
    return float(c @ (q * a + xlogy(q, q)).sum(axis=1))


def zero_log_zero(q, a, c):
    with np.errstate(divide="ignore", invalid="ignore"):
        return float(c @ (q * (a - np.log(q))).sum(axis=1))


def forgot_counts(q, a, c):
    return float((q * a - xlogy(q, q)).sum())


def left_the_log_domain(q, a, c):
    with np.errstate(divide="ignore", invalid="ignore"):
        return float(c @ (q * np.log(np.exp(a)) - xlogy(q, q)).sum(axis=1))


def returned_log_likelihood(q, a, c):
    return float(c @ logsumexp(a, axis=1))


def averaged(q, a, c):
    return bound_xlogy(q, a, c) / c.sum()


def per_point(q, a, c):
    return c * (q * a - xlogy(q, q)).sum(axis=1)


def above_log_likelihood(q, a, c):
    return float(c @ logsumexp(a, axis=1)) + 1.0


@pytest.mark.parametrize("fn, case, words", [
    (forgot_entropy, "q = r", "without the entropy of q"),
    (entropy_sign_flipped, "q = r", "wrong sign"),
    (zero_log_zero, "q holds zeros", "0 * log 0"),
    (forgot_counts, "counts c_i", "forgot the counts c_i"),
    (left_the_log_domain, "far-away points", "underflowed to 0.0"),
    (returned_log_likelihood, "q uniform", "log L itself"),
    (averaged, "q = r", "averaged over the points"),
    (per_point, "q = r", "one number"),
    (above_log_likelihood, "q = r", "a lower bound never is"),
], ids=lambda v: v.__name__ if callable(v) else None)
def test_each_slip_gets_its_hint(fn, case, words):
    fb = verdict(fn)
    assert not fb.passed
    assert case in fb.case, fb.message
    assert words in fb.hint, fb.message


def test_failure_shows_the_inputs_expected_got_and_log_likelihood():
    fb = verdict(forgot_entropy)
    names = [name for name, _ in fb.inputs]
    assert names == ["q", "log_joint", "counts"]
    assert "log L = " in fb.expected
    assert fb.got and "Hint:" in fb.message
    for name in names:
        assert f"{name} = " in fb.message


def test_the_hint_for_a_missing_entropy_comes_before_any_hostile_case():
    """The shipped exercise (Q only) fails on the first, friendly case: the student reads the
    central hint first, not a 0 log 0 detail."""
    fb = verdict(forgot_entropy)
    assert fb.case.startswith("three points, two components, q = r")


def test_a_student_cannot_change_the_cases():
    def vandal(q, a, c):
        q[:] = 0.5
        a[:] = 0.0
        c[:] = 7.0
        return bound_xlogy(q, a, c)

    assert not verdict(vandal)
    assert verdict(bound_xlogy)


@pytest.mark.parametrize("label", sorted(HOSTILE))
def test_no_return_value_crashes_the_checker(label):
    value = HOSTILE[label]
    fb = check(lambda *args, v=value: v, quiet=True)
    assert isinstance(fb, ex.Feedback) and not fb.passed, label
    assert fb.hint and "the checker could not read" not in fb.hint, f"{label}: {fb.message}"


def test_exceptions_and_not_implemented_become_feedback():
    def broken(q, a, c):
        raise NotImplementedError

    assert "not written yet" in verdict(broken).hint
    assert "ZeroDivisionError" in verdict(lambda q, a, c: 1 / 0).hint
    assert "parameters" in verdict(lambda q, a: 0.0).hint


def test_strict_and_quiet(capsys):
    with pytest.raises(ex.ExerciseError):
        check(forgot_entropy, strict=True, quiet=True)
    check(bound_xlogy)
    assert capsys.readouterr().out.startswith("✓ lower_bound")
