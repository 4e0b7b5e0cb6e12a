"""The checkers of notebook 06: the whitening transform and the log-likelihood ratio of two
colour models."""

import numpy as np

from ..mixture import Mixture
from .answers import _Fail, _array, _close, _items
from .feedback import _num
from .session import _Case, _checker

__all__ = ["check_log_likelihood_ratio", "check_whiten"]


# ============================================================================================
# whitening and the colour model (notebook 06)

@_checker("whiten", 3)
def check_whiten(s, fn):
    """Check ``fn(X) -> (Z, mean, std)``: whitened data Z = (X - mean) / std, feature by feature.

    X (N, d); mean and std (d,) are the per-feature mean and standard deviation (np.std,
    ddof=0). A constant feature has std 0: keep std = 1 for it so nothing divides by zero
    (its Z column is then 0). This is the textbook transform, and the reference here.
    ``gmmlib.painless.Whitener`` centres the same way but divides by a robust spread, the
    interquartile range / 1.349 (``gmmlib.painless.robust_scale``): for Gaussian data it
    estimates the same sigma, yet one outlier cannot inflate it. A constant feature there
    takes the typical spread of the other features rather than 1.
    """
    rng = np.random.default_rng(3)
    cases = [
        ("two features on scales 1 and 1e6", np.column_stack([rng.normal(5, 1, 6), rng.normal(0, 1e6, 6)]).round(2)),
        ("uint8 RGB pixels", rng.integers(0, 256, (6, 3)).astype(np.uint8)),
        ("a constant feature (saturated channel)", np.column_stack([rng.normal(0, 3, 6).round(2), np.full(6, 255.0)])),
    ]
    for label, X in cases:
        Xf = X.astype(np.float64)
        mean, std = Xf.mean(axis=0), Xf.std(axis=0)
        std = np.where(std > 0, std, 1.0)
        expected = ((Xf - mean) / std, mean, std)
        got = s.call(fn, _Case(label, [("X", X)]))
        parts = _items(got, ("Z", "mean", "std"))
        constant = Xf.std(axis=0) == 0
        for part, value, e in zip(("Z", "mean", "std"), parts, expected):
            g = _array(value, e.shape, part)
            if _close(g, e):
                continue
            var = Xf.var(axis=0)
            if part == "std" and constant.any() and _close(g[~constant], e[~constant]):
                hint = (f"the constant feature (column {int(np.flatnonzero(constant)[0])}) has standard "
                        f"deviation 0 and you returned std = {_num(g[constant][0])} for it. Keep std = 1 "
                        "there (np.where(std > 0, std, 1)): Z = (X - mean) / std is then defined and its "
                        "column is 0, and mapping back with X = Z * std + mean still works.")
            elif not np.isfinite(g).all():
                hint = (f"{part} holds NaN or inf" + (": the constant feature has std 0 and you divided by "
                        "it; use std = 1 for it (np.where(std > 0, std, 1))." if constant.any() else
                        ": a division by zero or an overflow?"))
            elif part == "std" and _close(g, var):
                hint = "that is the variance; divide by the standard deviation (its square root)."
            elif part == "Z" and _close(g, (Xf - Xf.mean(axis=0)) / np.where(var > 0, var, 1)):
                hint = ("you divided by the variance, not the standard deviation (the painless GMM "
                        "reference makes the same slip): the whitened features must have variance 1.")
            elif part == "Z" and _close(g, Xf / expected[2]):
                hint = "subtract the mean before dividing, so every whitened feature has mean 0."
            elif part == "std" and _close(g, Xf.std(axis=0, ddof=1)):
                hint = "use the population standard deviation (ddof=0), as np.std does by default."
            else:
                hint = "Z = (X - mean) / std, with the mean and std of each feature (axis=0)."
            raise _Fail(hint, e, g, part=part)


@_checker("log_likelihood_ratio", 2)
def check_log_likelihood_ratio(s, fn):
    """Check ``fn(X, foreground, background) -> (N,)``: log p_fg(x_i) - log p_bg(x_i).

    ``foreground`` and ``background`` are ``gmmlib.Mixture`` objects; a pixel is foreground
    when the ratio is > 0. Use the mixtures' log-densities (``Mixture.log_density``) or your own
    logsumexp: the hostile case is a pixel far from both models, where both densities are 0.0
    and the linear-domain ratio is 0/0 = NaN while the log ratio is a finite number.
    """
    fg = Mixture([0.7, 0.3], [[220.0, 60, 50], [240, 200, 180]], [np.eye(3) * 25.0, np.eye(3) * 30.0])
    bg = Mixture([0.5, 0.5], [[30.0, 30, 40], [90, 120, 200]], [np.eye(3) * 20.0, np.diag([40.0, 40, 60])])
    cases = [
        ("pixels near either model", np.array([[225.0, 65, 55], [32, 28, 45], [100, 110, 190]])),
        ("a pixel far from both (pure green)", np.array([[0.0, 255, 0], [240, 205, 175]])),
    ]
    for label, X in cases:
        expected = fg.log_density(X) - bg.log_density(X)
        got = s.call(fn, _Case(label, [("X", X), ("foreground", fg), ("background", bg)]))
        g = _array(got, expected.shape, "your ratio")
        if _close(g, expected):
            continue
        if not np.isfinite(g).all():
            hint = ("not finite: a density underflowed to 0.0 (then log 0 = -inf, x / 0 = inf, 0 / 0 = "
                    "NaN). Stay in logs: log p(x_i) = logsumexp_k (log pi_k + log N(x_i | mu_k, Sigma_k)), "
                    "e.g. mixture.log_density(X), and subtract.")
        elif _close(-g, expected):
            hint = "the sign is flipped: foreground minus background."
        else:
            hint = "compute log p_fg(x_i) - log p_bg(x_i) with each mixture's full log-density (all its components)."
        raise _Fail(hint, expected, g)


