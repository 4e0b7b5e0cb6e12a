"""The checkers of notebook 04: BIC and the number of free parameters of a mixture, for full
covariances and for each covariance type (tests/test_exercises_04.py holds the latter's tests)."""
import math

import numpy as np

from .. import steps
from ..mixture import Mixture
from .answers import _Fail, _close, _integer, _number
from .session import _Case, _checker

__all__ = ["check_bic", "check_n_parameters", "check_n_parameters_by_type"]


# ============================================================================================
# BIC and the number of parameters (notebook 04)

@_checker("bic", 4)
def check_bic(s, fn):
    """Check ``fn(mixture, X) -> float``: BIC = -2 log L + p log N (lower is better).

    log L = ``mixture.log_likelihood(X)``, p = ``mixture.n_parameters``, N = ``len(X)``; the
    logarithm is the natural one. The reference is ``gmmlib.steps.log_likelihood`` with that
    penalty.
    """
    rng = np.random.default_rng(4)
    X1 = np.r_[rng.normal(0, 1, 8), rng.normal(5, 1, 4)].round(2)[:, None]
    X2 = rng.normal(0, 1, (20, 2)).round(2)
    cases = [
        ("1-D, K = 1, 12 points", Mixture([1.0], [[2.0]], [[[6.0]]]), X1),
        ("1-D, K = 2, 12 points", Mixture([2 / 3, 1 / 3], [[0.0], [5.0]], [[[1.0]], [[1.0]]]), X1),
        ("2-D, K = 2, 20 points", Mixture([0.5, 0.5], [[0.0, 0.0], [1.0, 1.0]], [np.eye(2), np.eye(2) * 2]), X2),
        ("2-D, K = 3, the first 10 points", Mixture([0.5, 0.3, 0.2], [[0.0, 0.0], [1.0, 1.0], [-1.0, 0.5]],
                                                    [np.eye(2), np.eye(2) * 2, np.diag([0.5, 1.5])]), X2[:10]),
    ]
    for label, mixture, X in cases:
        ll = steps.log_likelihood(X, mixture.weights, mixture.means, mixture.covariances)
        p, N = mixture.n_parameters, len(X)
        expected = -2 * ll + p * np.log(N)
        got = s.call(fn, _Case(label, [("mixture", mixture), ("X", X)]))
        g = _number(got, "your BIC")
        if _close(g, expected, rtol=1e-9):
            continue
        d, K = mixture.n_features, mixture.n_components
        wrong = {
            "that is AIC (-2 log L + 2p); BIC's penalty is p log N, which grows with the amount of data.":
                -2 * ll + 2 * p,
            "the sign is flipped: BIC = -2 log L + p log N, and lower is better.": 2 * ll - p * np.log(N),
            "the factor 2 is missing: BIC = -2 log L + p log N.": -ll + p * np.log(N),
            "np.log10 is the base-10 logarithm; BIC uses the natural logarithm np.log(N).":
                -2 * ll + p * np.log10(N),
            "you left out the penalty p log N: that is just -2 log L.": -2 * ll,
            "the penalty is p log N with p = mixture.n_parameters (free parameters), not K or d.":
                -2 * ll + K * np.log(N),
            "the penalty uses N = len(X), the number of points, not the number of features.":
                -2 * ll + p * np.log(d),
        }
        hint = next((h for h, v in wrong.items() if _close(g, v, rtol=1e-9)),
                    "BIC = -2 * mixture.log_likelihood(X) + mixture.n_parameters * np.log(len(X)).")
        if not math.isfinite(g):
            hint = "your BIC is not finite; " + hint
        raise _Fail(hint, expected, g)


@_checker("n_parameters", 7)
def check_n_parameters(s, fn):
    """Check ``fn(K, d) -> int``: free parameters of a K-component full-covariance mixture in d dimensions.

    p = (K - 1) weights (they sum to 1) + K d mean entries + K d (d + 1) / 2 covariance entries
    (a covariance is symmetric). The reference is ``Mixture.n_parameters``.
    """
    for K, d in [(1, 1), (2, 1), (2, 2), (3, 2), (3, 3), (5, 3), (1, 4)]:
        mixture = Mixture(np.full(K, 1.0 / K), np.zeros((K, d)), np.broadcast_to(np.eye(d), (K, d, d)))
        expected = mixture.n_parameters
        got = s.call(fn, _Case(f"K = {K}, d = {d}", [("K", K), ("d", d)]))
        g = _integer(got, "your count", low=0)
        if g == expected:
            continue
        wrong = {
            "off by one: the K weights sum to 1, so only K - 1 of them are free.": K + K * d + K * d * (d + 1) // 2,
            "a covariance is symmetric: only d (d + 1) / 2 of its d^2 entries are free.": (K - 1) + K * d + K * d * d,
            "do not forget the means: K d free numbers.": (K - 1) + K * d * (d + 1) // 2,
            "each of the K components has its own covariance: K d (d + 1) / 2 entries.": (K - 1) + K * d + d * (d + 1) // 2,
        }
        hint = next((h for h, v in wrong.items() if g == v and v != expected),
                    "p = (K - 1) + K d + K d (d + 1) / 2: weights, means, covariances.")
        raise _Fail(hint, expected, g)


# ============================================================================================
# the free parameters of each covariance type (notebook 04, exercise 3)

def _typed_mixture(K, d, covariance_type):
    """A valid mixture of the type (the reference count is its ``n_parameters``)."""
    return Mixture(np.full(K, 1.0 / K), np.zeros((K, d)), np.broadcast_to(np.eye(d), (K, d, d)),
                   covariance_type=covariance_type)


_TYPE_RULES = {
    "full": "each component has its own symmetric d x d matrix: K d (d + 1) / 2 free numbers",
    "diag": "each component has its own d variances (a diagonal matrix): K d free numbers",
    "spherical": "each component has ONE variance, the same in every direction: K free numbers",
    "tied": "all K components share ONE symmetric d x d matrix: d (d + 1) / 2 free numbers, whatever K",
}


def _typed_count_mistakes(ctype):
    """[(hint, count(K, d))]: the usual wrong counts for a covariance type, each as a formula."""
    rule = f"for {ctype!r}, {_TYPE_RULES[ctype]}."
    cov = {"full": lambda K, d: K * d * (d + 1) // 2, "diag": lambda K, d: K * d,
           "spherical": lambda K, d: K, "tied": lambda K, d: d * (d + 1) // 2}
    own = cov[ctype]
    mistakes = [
        ("the count is for the whole mixture: (K - 1) weights + K d means + the covariances; "
         "you returned the covariances alone.", own),
        ("off by one: the K weights sum to 1, so only K - 1 of them are free.",
         lambda K, d: K + K * d + own(K, d)),
        ("do not forget the means: K d free numbers.", lambda K, d: (K - 1) + own(K, d)),
    ]
    for other, what in (("full", "that is the count for 'full' covariances"),
                        ("diag", "that counts a diagonal per component (that is 'diag')"),
                        ("spherical", "that counts one variance per component (that is 'spherical')"),
                        ("tied", "that counts one shared matrix (that is 'tied')")):
        if other != ctype:
            mistakes.append((f"{what}; {rule}", lambda K, d, c=cov[other]: (K - 1) + K * d + c(K, d)))
    if ctype in ("full", "tied"):
        mistakes.append(("a covariance is symmetric: only d (d + 1) / 2 of its d^2 entries are free.",
                         lambda K, d: (K - 1) + K * d + (K if ctype == "full" else 1) * d * d))
    if ctype == "spherical":
        mistakes.append(("one variance shared by every component is not a type here; 'spherical' "
                         "gives each component its own: K.", lambda K, d: (K - 1) + K * d + 1))
    return mistakes


@_checker("n_parameters_by_type", 10)
def check_n_parameters_by_type(s, fn):
    """Check ``fn(K, d, covariance_type) -> int``: free parameters of a mixture of that type.

    p = (K - 1) weights + K d mean entries + the covariance type's own count: ``full``
    K d (d + 1) / 2, ``diag`` K d, ``spherical`` K, ``tied`` d (d + 1) / 2 (scikit-learn's
    ``_n_parameters``). The reference is ``Mixture(..., covariance_type=...).n_parameters``.
    The cases with K = 3, d = 2 come first, one per type, so the first failure names the type;
    the hint names the mistake whose formula explains every answer given for that type.
    """
    cases = [(3, 2, "full"), (3, 2, "diag"), (3, 2, "spherical"), (3, 2, "tied"),
             (2, 4, "diag"), (2, 4, "spherical"), (2, 4, "tied"), (2, 4, "full"),
             (1, 3, "tied"), (4, 1, "spherical")]

    def case(K, d, ctype):
        return _Case(f"{ctype}, K = {K}, d = {d}", [("K", K), ("d", d), ("covariance_type", ctype)])

    for K, d, ctype in cases:
        expected = _typed_mixture(K, d, ctype).n_parameters
        failing = case(K, d, ctype)
        got = s.call(fn, failing)
        if got is None:
            raise _Fail(f"your function returned None for covariance_type={ctype!r}: handle all four "
                        "types ('full', 'diag', 'spherical', 'tied') and return the count.", expected, got)
        g = _integer(got, "your count", low=0)
        if g == expected:
            continue
        # The same type at other sizes tells mistakes apart that give the same number here.
        answers = {(K, d): g}
        for K2, d2, t2 in cases:
            if t2 == ctype and (K2, d2) != (K, d):
                try:
                    answers[K2, d2] = _integer(s.call(fn, case(K2, d2, t2)), "your count")
                except _Fail:
                    pass
        s.case = failing
        mistakes = [(h, f) for h, f in _typed_count_mistakes(ctype) if f(K, d) == g]
        hint = next((h for h, f in mistakes if all(f(*kd) == a for kd, a in answers.items())),
                    mistakes[0][0] if mistakes else
                    f"p = (K - 1) + K d + the covariances; for {ctype!r}, {_TYPE_RULES[ctype]}.")
        raise _Fail(hint, expected, g)


