"""The checker of notebook 02: Jensen's lower bound B(q, theta).

tests/test_exercises_02.py holds its detailed tests, tests/test_exercises.py the reference and
wrong answers shared by every checker.
"""
import math

import numpy as np
from scipy.special import logsumexp as scipy_logsumexp

from .answers import _Fail, _close, _number
from .feedback import _num
from .session import _Case, _checker

__all__ = ["check_lower_bound"]


def _bound_terms(q, log_joint, counts, entropy=1.0, weighted=True):
    """sum_i c_i sum_k q_ik (log_joint_ik - entropy * log q_ik), with 0 log 0 = 0.

    ``entropy=0`` drops the entropy term (that is Q), ``-1`` flips its sign, ``weighted=False``
    forgets the counts: the usual slips, recognised by comparison.
    """
    with np.errstate(divide="ignore", invalid="ignore"):
        log_q = np.where(q > 0, np.log(np.where(q > 0, q, 1.0)), 0.0)
        terms = np.where(q > 0, q * (log_joint - entropy * log_q), 0.0).sum(axis=1)
    return float((counts if weighted else np.ones_like(counts)) @ terms)


def _lower_bound_cases():
    """(label, q, log_joint, counts): friendly first, then zeros in q, counts, far-away points."""
    a = np.array([[-1.2, -3.0], [-2.5, -1.1], [-1.9, -2.0]])
    r = np.exp(a - scipy_logsumexp(a, axis=1, keepdims=True))
    a4 = np.array([[-1.0, -4.0, -6.5], [-2.2, -1.4, -3.3], [-5.0, -2.1, -1.3], [-2.0, -2.6, -2.2]])
    r4 = np.exp(a4 - scipy_logsumexp(a4, axis=1, keepdims=True))
    far = np.array([[-1002.0, -1000.5], [-998.0, -1003.0]])
    return [
        ("three points, two components, q = r (the E-step's choice)", r.round(12), a, np.ones(3)),
        ("the same points, q uniform (not the posterior)", np.full((3, 2), 0.5), a, np.ones(3)),
        ("hard assignments: q holds zeros (as K-means)", np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 0.0]]),
         a, np.ones(3)),
        ("a histogram: four levels with counts c_i, q = r", r4.round(12), a4, np.array([5.0, 1.0, 12.0, 3.0])),
        ("far-away points: log_joint near -1000", np.array([[0.25, 0.75], [0.9, 0.1]]), far, np.ones(2)),
    ]


def _lower_bound_hint(g, q, a, c, expected, log_L):
    """Why the student's bound g differs from the expected one."""
    zeros = bool((q == 0).any())
    same = (lambda v: _close(g, v, rtol=1e-7, atol=1e-9))
    if np.isnan(g):
        if zeros:
            return ("NaN: q holds zeros, and 0 * log 0 = 0 * (-inf) = NaN in floating point. The term "
                    "q_ik log q_ik of a q_ik = 0 is 0 (its limit): use np.where(q > 0, q * np.log(q), 0) "
                    "or scipy.special.xlogy(q, q).")
        return "NaN: look for 0 * inf or inf - inf; every term of the bound is finite here."
    if g == -np.inf:
        if a.max() < -700:
            return ("-inf: exp(log_joint) underflowed to 0.0 (these points are far from every component) "
                    "and you took its log. You never need exp here: B = sum_i c_i sum_k q_ik "
                    "(log_joint_ik - log q_ik) uses log_joint as it is.")
        return "-inf: a log of 0 somewhere? With q_ik = 0 the term q_ik log q_ik is 0, not -inf."
    if not math.isfinite(g):
        return "the bound is finite for these inputs; look for an overflow or a division by zero."
    if same(_bound_terms(q, a, c, entropy=0.0)):
        return ("you computed Q = sum_i c_i sum_k q_ik log p(x_i, z_i = k | theta), the expected "
                "complete-data log-likelihood, without the entropy of q. Jensen's bound is Q plus the "
                "entropy: B = sum_i c_i sum_k q_ik (log_joint_ik - log q_ik).")
    if same(_bound_terms(q, a, c, entropy=-1.0)):
        return ("the entropy term has the wrong sign: the bound SUBTRACTS q_ik log q_ik (the entropy "
                "-sum_k q_ik log q_ik is >= 0), B = sum_i c_i sum_k q_ik (log_joint_ik - log q_ik).")
    if not np.allclose(c, 1.0) and same(_bound_terms(q, a, c, weighted=False)):
        return ("you forgot the counts c_i: level x_i stands for c_i points, so its term counts c_i "
                "times: B = sum_i c_i sum_k q_ik (log_joint_ik - log q_ik).")
    if same(expected / c.sum()) or same(expected / q.size):
        return "you averaged over the points; the bound is a SUM over i (weighted by c_i), not a mean."
    if same(log_L) and not same(expected):
        return (f"you returned log L itself ({_num(log_L)}), whatever q is. The bound depends on q: it "
                "equals log L only at q = r (the posterior) and is below it for any other q.")
    if g > log_L + 1e-9 * max(1.0, abs(log_L)):
        return (f"your value is above log L = {_num(log_L)}, and a lower bound never is (Jensen). "
                "Check the signs: B = sum_i c_i sum_k q_ik (log_joint_ik - log q_ik).")
    return (f"compare with B = sum_i c_i sum_k q_ik (log_joint_ik - log q_ik), term by term (here "
            f"log L = {_num(log_L)}; B equals it at q = r and is below it otherwise).")


@_checker("lower_bound", 5)
def check_lower_bound(s, fn):
    """Check ``fn(q, log_joint, counts) -> float``: Jensen's lower bound B(q, theta) of notebook 02.

    q (N, K): for each point a probability vector over the components (rows sum to 1, zeros
    allowed); log_joint (N, K): log p(x_i, z_i = k | theta) = log pi_k + log N(x_i | mu_k, Sigma_k);
    counts (N,): c_i. Return B = sum_i c_i sum_k q_ik (log_joint_ik - log q_ik), one number,
    with 0 log 0 = 0. The reference is this formula; every case also states log L =
    sum_i c_i logsumexp_k log_joint_ik, which B equals at q = r (the posterior) and never exceeds.
    The hostile cases: q with zeros (NaN from 0 * log 0), counts (a histogram) and points so far
    away that exp(log_joint) is 0.0.
    """
    for label, q, a, c in _lower_bound_cases():
        expected = _bound_terms(q, a, c)
        log_L = float(c @ scipy_logsumexp(a, axis=1))
        got = s.call(fn, _Case(label, [("q", q), ("log_joint", a), ("counts", c)]))
        g = _number(got, "your bound")
        if _close(g, expected, rtol=1e-9, atol=1e-9):
            continue
        raise _Fail(_lower_bound_hint(g, q, a, c, expected, log_L), f"{_num(expected)}  (log L = {_num(log_L)})", g)


