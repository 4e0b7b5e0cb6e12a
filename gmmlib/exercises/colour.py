"""The checkers of notebook 06: the whitening transform and the log-likelihood ratio of two
colour models."""
import functools

import numpy as np

from .. import steps
from ..mixture import Mixture
from .answers import _Fail, _array, _close, _items
from .session import _Case, _checker

__all__ = ["check_log_likelihood_ratio", "check_whiten"]


def _whiten_cases():
    rng = np.random.default_rng(3)
    return [
        ("two features on scales 1 and 1e6", np.column_stack([rng.normal(5, 1, 6), rng.normal(0, 1e6, 6)]).round(2)),
        ("uint8 RGB pixels", rng.integers(0, 256, (6, 3)).astype(np.uint8)),
        ("a constant feature (saturated channel)", np.column_stack([rng.normal(0, 3, 6).round(2), np.full(6, 255.0)])),
    ]


def _whiten_std(g, Xf, constant):
    """The hint for a returned std that breaks the rule, or None when it is allowed."""
    moving = ~constant
    if not np.isfinite(g).all() or (g < 0).any():
        return ("std holds NaN, inf or a negative number: it must be finite and >= 0 for every "
                "feature (for a constant feature 1 is the natural choice).")
    if any(_close(g[moving], Xf[:, moving].std(axis=0, ddof=ddof)) for ddof in (0, 1)):
        return None
    if _close(g[moving], Xf[:, moving].var(axis=0)):
        return "that is the variance; divide by the standard deviation (its square root)."
    return "std is the standard deviation of each feature (axis=0): X.std(axis=0)."


def _whiten_z(g, Xf, mean, std, constant):
    """The hint for a returned Z that breaks the rule (given the mean and std returned), or None."""
    moving = ~constant
    column = int(np.flatnonzero(constant)[0]) if constant.any() else None
    if not np.isfinite(g).all():
        if constant.any() and not np.isfinite(g[:, constant]).all():
            return (f"Z holds NaN or inf: the constant feature (column {column}) has std 0 and you divided "
                    "by it. Keep std = 1 for it (np.where(std > 0, std, 1)), or leave its Z column at 0 "
                    "(np.divide(X - mean, std, out=np.zeros(X.shape), where=std > 0)).")
        return "Z holds NaN or inf: a division by zero or an overflow?"
    if constant.any() and not _close(g[:, constant], np.zeros_like(g[:, constant])):
        return (f"every value of the constant feature (column {column}) equals its mean, so its Z column "
                "is 0, whatever std you return for it.")
    want = (Xf[:, moving] - mean[moving]) / std[moving]
    if _close(g[:, moving], want):
        return None
    if _close(g[:, moving], (Xf[:, moving] - mean[moving]) / Xf[:, moving].var(axis=0)):
        return "you divided by the variance, not the standard deviation: the whitened features must have variance 1."
    if _close(g[:, moving], Xf[:, moving] / std[moving]):
        return "subtract the mean before dividing, so every whitened feature has mean 0."
    if any(_close(g[:, moving], (Xf[:, moving] - mean[moving]) / Xf[:, moving].std(axis=0, ddof=ddof))
           for ddof in (0, 1)):
        return ("Z and the std you return disagree: Z must be (X - mean) / std with the very std you "
                "return, so that Z * std + mean gives X back (ddof=0 and ddof=1 are both fine; use one).")
    return "Z = (X - mean) / std, with the mean and std of each feature (axis=0)."


@_checker("whiten", 3)
def check_whiten(s, fn):
    """Check ``fn(X) -> (Z, mean, std)``: whitened data Z = (X - mean) / std, feature by feature.

    X (N, d). Exactly what is required, each feature on its own:
    ``mean`` (d,) is the feature's mean; ``std`` (d,) is its standard deviation, population
    (ddof=0, np.std's default) or sample (ddof=1); a constant feature has standard deviation 0
    and any finite std >= 0 may be returned for it (1, 0 or 1e-12 alike), since nothing is
    divided by it; ``Z`` (N, d) is (X - mean) / std with the std returned, and 0 in a constant
    feature's column. Then Z * std + mean gives X back. np.where(std > 0, std, 1), np.divide
    with ``where=std > 0`` and std + 1e-12 all meet this. The mean is checked first, then the
    std, then Z, so a hint names the first quantity that is wrong.

    ``gmmlib.painless.Whitener`` centres the same way but divides by a robust spread, the
    interquartile range / 1.349 (``gmmlib.painless.robust_scale``): for Gaussian data it
    estimates the same sigma, yet one outlier cannot inflate it. A constant feature there
    takes the typical spread of the other features rather than 1.
    """
    for label, X in _whiten_cases():
        Xf = X.astype(np.float64)
        constant = Xf.std(axis=0) == 0
        std0 = np.where(constant, 1.0, Xf.std(axis=0))
        expected = {"Z": (Xf - Xf.mean(axis=0)) / std0, "mean": Xf.mean(axis=0), "std": std0}
        got = s.call(fn, _Case(label, [("X", X)]))
        parts = dict(zip(("Z", "mean", "std"), _items(got, ("Z", "mean", "std"))))
        Z, mean, std = (_array(parts[p], expected[p].shape, p,
                               "one row per point, one column per feature" if p == "Z" else "")
                        for p in ("Z", "mean", "std"))
        if not _close(mean, expected["mean"]):
            raise _Fail("mean is the mean of each feature (axis=0): X.mean(axis=0).", expected["mean"], mean,
                        part="mean")
        hint = _whiten_std(std, Xf, constant)
        if hint:
            raise _Fail(hint, expected["std"], std, part="std")
        hint = _whiten_z(Z, Xf, mean, std, constant)
        if hint:  # the Z that goes with the student's own std
            raise _Fail(hint, np.where(constant, 0.0, (Xf - mean) / np.where(constant, 1.0, std)), Z, part="Z")


def _log_density(X, mixture):
    """log p(x_i) of a mixture, from ``gmmlib.steps.e_step``."""
    return steps.e_step(X, mixture.weights, mixture.means, mixture.covariances)[1]


@functools.lru_cache(maxsize=None)
def _ratio_cases():
    """(label, X, foreground, background, expected ratio), computed once: a student's function
    only ever sees copies."""
    fg = Mixture([0.7, 0.3], [[220.0, 60, 50], [240, 200, 180]], [np.eye(3) * 25.0, np.eye(3) * 30.0])
    bg = Mixture([0.5, 0.5], [[30.0, 30, 40], [90, 120, 200]], [np.eye(3) * 20.0, np.diag([40.0, 40, 60])])
    # skin under two lights, and a backdrop of two close greys: each pixel is near both components
    fg2 = Mixture([0.5, 0.5], [[200.0, 150, 120], [210, 160, 130]], [np.eye(3) * 100.0] * 2)
    bg2 = Mixture([0.6, 0.4], [[120.0, 120, 120], [130, 130, 130]], [np.eye(3) * 150.0] * 2)
    cases = [
        ("pixels near either model", np.array([[225.0, 65, 55], [32, 28, 45], [100, 110, 190]]), fg, bg),
        ("a pixel far from both (pure green)", np.array([[0.0, 255, 0], [240, 205, 175]]), fg, bg),
        ("models whose components overlap", np.array([[205.0, 155, 125], [125, 125, 125], [160, 140, 125]]),
         fg2, bg2),
    ]
    return [(label, X, fg, bg, _log_density(X, fg) - _log_density(X, bg)) for label, X, fg, bg in cases]


def _ratio_hint(g, expected, X, fg, bg):
    """Why the ratio g differs from log p_fg - log p_bg: the usual slips, recomputed."""
    by_max = (steps.log_joint(X, fg.weights, fg.means, fg.covariances).max(axis=1)
              - steps.log_joint(X, bg.weights, bg.means, bg.covariances).max(axis=1))
    if not np.isfinite(g).all():
        return ("not finite: a density underflowed to 0.0 (then log 0 = -inf, x / 0 = inf, 0 / 0 = "
                "NaN). Stay in logs: log p(x_i) = logsumexp_k (log pi_k + log N(x_i | mu_k, Sigma_k)), "
                "e.g. mixture.log_density(X), and subtract.")
    if _close(-g, expected):
        return "the sign is flipped: foreground minus background."
    if _close(g, by_max):
        return ("you kept only the largest term max_k (log pi_k + log N(x_i | mu_k, Sigma_k)) of each "
                "mixture. A mixture's density SUMS its components: log p(x_i) = logsumexp_k (...), which "
                "exceeds the max by up to log K where components overlap, as here.")
    return "compute log p_fg(x_i) - log p_bg(x_i) with each mixture's full log-density (all its components)."


@_checker("log_likelihood_ratio", 3)
def check_log_likelihood_ratio(s, fn):
    """Check ``fn(X, foreground, background) -> (N,)``: log p_fg(x_i) - log p_bg(x_i).

    ``foreground`` and ``background`` are ``gmmlib.Mixture`` objects; a pixel is foreground
    when the ratio is > 0. Use the mixtures' log-densities (``Mixture.log_density``) or your own
    logsumexp. The reference is ``gmmlib.steps.e_step``'s log p(x_i). The hostile cases: a pixel far from both models, where both densities are 0.0
    and the linear-domain ratio is 0/0 = NaN while the log ratio is a finite number, and models
    whose components overlap, where keeping only the largest component (max_k in place of
    logsumexp_k) is off by up to log K.
    """
    for label, X, fg, bg, expected in _ratio_cases():
        got = s.call(fn, _Case(label, [("X", X), ("foreground", fg), ("background", bg)]))
        g = _array(got, expected.shape, "your ratio")
        if _close(g, expected):
            continue
        raise _Fail(_ratio_hint(g, expected, X, fg, bg), expected, g)
