"""Checkers for the notebooks' exercises: feedback without a teacher.

Each ``check_*`` function calls your function on a few cases, the friendly ones first and then
hostile ones (numbers that underflow, a singular matrix, uint8 pixels...), compares the answer
with a trusted reference (scipy, or gmmlib itself) and prints either a short "correct" line or
which case failed, what was expected, what your function returned and a hint about where to look.

    >>> from gmmlib.exercises import check_logsumexp
    >>> _ = check_logsumexp(lambda a: np.log(np.sum(np.exp(a))))  # doctest: +ELLIPSIS
    ✗ logsumexp, case 'two tiny terms...

Every checker returns a ``Feedback`` (truthy when all cases pass) and takes ``quiet=True`` to
print nothing and ``strict=True`` to raise ``ExerciseError`` instead of printing. Your function
runs with numpy warnings silenced: a wrong answer is reported as a wrong answer, not as a warning.

Which notebook uses which checker:
01/03 ``check_e_step``, ``check_m_step``, ``check_logsumexp``;
02 ``check_logsumexp``, ``check_log_gaussian``, ``check_e_step``, ``check_rcond``;
04 ``check_histogram``, ``check_threshold``;
05 ``check_whiten``, ``check_log_likelihood_ratio``.
"""
import warnings
from dataclasses import dataclass

import numpy as np
from scipy.special import logsumexp as scipy_logsumexp
from scipy.stats import multivariate_normal

__all__ = ["ExerciseError", "Feedback", "check_e_step", "check_histogram", "check_log_gaussian",
           "check_log_likelihood_ratio", "check_logsumexp", "check_m_step", "check_rcond",
           "check_threshold", "check_whiten"]


class ExerciseError(AssertionError):
    """Raised by a checker called with ``strict=True`` when a case fails."""


@dataclass
class Feedback:
    """The verdict of a checker: ``passed``, and on failure the case, expected, got and hint."""
    exercise: str
    passed: bool
    n_cases: int
    case: str = ""
    expected: object = None
    got: object = None
    hint: str = ""
    printed: bool = False

    def __bool__(self):
        return self.passed

    @property
    def message(self):
        if self.passed:
            return f"✓ {self.exercise}: correct on all {self.n_cases} cases."
        lines = [f"✗ {self.exercise}, case '{self.case}':"]
        if self.expected is not None or self.got is not None:
            lines += [f"    expected {_show(self.expected)}", f"    got      {_show(self.got)}"]
        lines.append(f"  Hint: {self.hint}")
        return "\n".join(lines)

    def __str__(self):
        return self.message

    def __repr__(self):
        return f"Feedback({self.exercise!r}, passed={self.passed})"

    def _ipython_display_(self):
        # The checker has printed the message already; a notebook cell ending with the call
        # should not show it a second time.
        if not self.printed:
            print(self.message)


def _show(value):
    if isinstance(value, str):
        return value
    if isinstance(value, tuple):
        return "(" + ", ".join(_show(v) for v in value) + ")"
    a = np.asarray(value)
    if a.dtype == object:
        return repr(value)
    with np.printoptions(precision=6, suppress=False, threshold=12, edgeitems=3, linewidth=100):
        text = np.array2string(a, separator=", ") if a.ndim else f"{a.item()!r}"
    text = text.replace("\n", "\n             ")
    return text + (f"  (shape {a.shape})" if a.ndim else "")


def _call(fn, *args):
    """Call the student's function on fresh copies, numpy warnings off; (result, exception)."""
    args = tuple(a.copy() if isinstance(a, np.ndarray) else a for a in args)
    try:
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            return fn(*args), None
    except Exception as exc:  # the student's code may raise anything; report it as feedback
        return None, exc


def _close(got, expected, rtol=1e-6, atol=1e-8):
    try:
        g = np.asarray(got, dtype=np.float64)
    except (TypeError, ValueError):
        return False
    e = np.asarray(expected, dtype=np.float64)
    return g.shape == e.shape and bool(np.allclose(g, e, rtol=rtol, atol=atol, equal_nan=False))


def _finish(feedback, quiet, strict):
    if strict and not feedback.passed:
        raise ExerciseError(feedback.message)
    if not quiet:
        print(feedback.message)
        feedback.printed = True
    return feedback


def _raised(exercise, n, case, exc, hint=""):
    if isinstance(exc, NotImplementedError):
        return Feedback(exercise, False, n, case, hint="not written yet: replace the "
                        "`raise NotImplementedError` with your code and run the check again.")
    return Feedback(exercise, False, n, case, hint=(f"your function raised {type(exc).__name__}: {exc}. "
                                                     + (hint or "Run it on this case by hand and read the traceback.")))


def _shape_hint(got, expected):
    try:
        g = np.shape(got)
    except Exception:
        g = None
    e = np.shape(expected)
    if g != e:
        if g is not None and len(g) == 2 and g[::-1] == e:
            return f"the shape is {g}, the transpose of {e}: return one row per point, one column per component."
        return f"the result has shape {g} but should have shape {e}."
    return None


# -------------------------------------------------------------------------------------------
# logsumexp (notebooks 01, 02, 03)

def check_logsumexp(fn, quiet=False, strict=False):
    """Check ``fn(a) -> float``: log(sum_k exp(a_k)) of a 1-D array ``a``, without underflow or overflow.

    The reference is ``scipy.special.logsumexp``. The hostile cases: [-1000, -1001] must give
    -999.687 (the direct form gives log 0 = -inf), [1000, 1000] must give 1000.693 (the direct
    form gives inf), and a -inf entry (a component of weight 0) must simply not count.
    """
    name = "logsumexp"
    cases = [
        ("two zeros", np.array([0.0, 0.0])),
        ("ordinary numbers", np.array([1.0, 2.0, 3.0])),
        ("a single number", np.array([-5.0])),
        ("two tiny terms", np.array([-1000.0, -1001.0])),
        ("two huge terms", np.array([1000.0, 1000.0])),
        ("one term of weight zero (-inf)", np.array([-np.inf, -2.0, -3.0])),
        ("tiny terms of very different size", np.array([-800.0, -1200.0, -1000.0])),
    ]
    for label, a in cases:
        expected = float(scipy_logsumexp(a))
        got, exc = _call(fn, a)
        if exc is not None:
            return _finish(_raised(name, len(cases), f"{label}: a = {a.tolist()}", exc), quiet, strict)
        if np.size(got) != 1:
            fb = Feedback(name, False, len(cases), f"{label}: a = {a.tolist()}", expected, got,
                          "return one number (sum over the whole 1-D array), not an array.")
            return _finish(fb, quiet, strict)
        if not _close(np.ravel(got)[0], expected, rtol=1e-9, atol=1e-9):
            g = float(np.ravel(got)[0])
            if g == -np.inf:
                hint = ("every exp(a_k) underflowed to 0.0, and log 0 = -inf. Subtract m = max(a) first: "
                        "log sum exp(a) = m + log sum exp(a - m); the largest term becomes exp(0) = 1.")
            elif g == np.inf:
                hint = ("exp(1000) overflows to inf. Subtract m = max(a) before exponentiating and add it "
                        "back after the log: m + log sum exp(a - m).")
            elif np.isnan(g):
                hint = ("NaN: look for inf - inf or 0/0. If you subtract the max, make sure -inf entries "
                        "(weight 0) just give exp(-inf) = 0.")
            elif _close(g, np.max(a)):
                hint = "you returned max(a); the other terms still add log(1 + ...). Add log sum exp(a - max(a))."
            elif _close(g, np.log(np.sum(np.exp(a - np.max(a))))):
                hint = "you forgot to add the maximum back: the result is m + log sum exp(a - m)."
            else:
                hint = "compare with the formula m + log(sum(exp(a - m))) with m = max(a), term by term."
            return _finish(Feedback(name, False, len(cases), f"{label}: a = {a.tolist()}", expected, g, hint),
                           quiet, strict)
    return _finish(Feedback(name, True, len(cases)), quiet, strict)


# -------------------------------------------------------------------------------------------
# component log-density (notebook 02)

def check_log_gaussian(fn, quiet=False, strict=False):
    """Check ``fn(X, mean, cov) -> (N,)``: log N(x_i | mean, cov) for each row of X (N, d).

    The reference is ``scipy.stats.multivariate_normal.logpdf``. The formula:
    log N(x | mu, Sigma) = -1/2 [d log(2 pi) + log det Sigma + (x - mu)^T Sigma^-1 (x - mu)].
    The hostile case is an RGB pixel 100 standard deviations away, whose density is 0.0 in
    float64 but whose log-density (about -5000) is an ordinary number.
    """
    name = "log_gaussian"
    cov2 = np.array([[2.0, 0.8], [0.8, 1.0]])
    cases = [
        ("1-D standard normal", np.array([[0.0], [1.0], [-2.0]]), np.array([0.0]), np.array([[1.0]])),
        ("1-D, variance 9", np.array([[10.0], [13.0]]), np.array([10.0]), np.array([[9.0]])),
        ("2-D, correlated covariance", np.array([[0.0, 0.0], [1.0, -1.0], [3.0, 2.0]]), np.array([0.5, 0.0]), cov2),
        ("RGB pixel far from a tight component", np.array([[40.0, 200.0, 40.0], [201.0, 40.0, 41.0]]),
         np.array([200.0, 40.0, 40.0]), np.eye(3) * 4.0),
    ]
    for label, X, mean, cov in cases:
        expected = multivariate_normal(mean, cov).logpdf(X).reshape(-1)
        got, exc = _call(fn, X, mean, cov)
        if exc is not None:
            return _finish(_raised(name, len(cases), label, exc), quiet, strict)
        hint = _shape_hint(np.ravel(got) if np.size(got) == X.shape[0] else got, expected)
        g = np.ravel(got) if hint is None else got
        if hint is None and not _close(g, expected):
            g = np.asarray(g, dtype=np.float64)
            diff = g - expected
            d = X.shape[1]
            if np.isneginf(g).any():
                hint = ("-inf: you took the log of a density that had underflowed to 0.0. Never compute "
                        "the density itself: write the log-density directly from the formula.")
            elif _close(diff, np.full_like(diff, diff[0])):
                c = diff[0]
                if np.isclose(abs(c), 0.5 * d * np.log(2 * np.pi)) or np.isclose(abs(c), d * np.log(2 * np.pi)):
                    hint = "off by a constant equal to the d log(2 pi) term: check it is there, once, with the -1/2."
                else:
                    hint = ("off by the same constant for every point: check the normalising terms "
                            "-1/2 d log(2 pi) and -1/2 log det Sigma.")
            else:
                hint = ("the error depends on the point: check the quadratic form (x - mu)^T Sigma^-1 (x - mu) "
                        "(with the -1/2, the full inverse or a Cholesky solve, not just the diagonal).")
        if hint is not None:
            return _finish(Feedback(name, False, len(cases), label, expected, got, hint), quiet, strict)
    return _finish(Feedback(name, True, len(cases)), quiet, strict)


# -------------------------------------------------------------------------------------------
# E-step and M-step (notebooks 01, 02, 03)

def _responsibilities(X, weights, means, covs):
    a = np.column_stack([multivariate_normal(m, c).logpdf(X).reshape(-1) for m, c in zip(means, covs)])
    a = a + np.log(weights)
    ll = scipy_logsumexp(a, axis=1)
    return np.exp(a - ll[:, None]), ll


def check_e_step(fn, quiet=False, strict=False):
    """Check ``fn(X, weights, means, covariances) -> responsibilities``.

    X (N, d); weights (K,); means (K, d); covariances (K, d, d). Return the responsibilities
    p_ki = pi_k N(x_i | k) / sum_j pi_j N(x_i | j) as an (N, K) array whose rows sum to 1, or
    the tuple (responsibilities, log_likelihood) where log_likelihood is the total
    sum_i log p(x_i) (a number) or the per-point log p(x_i) (N,); it is checked too.
    The hostile case holds points more than 100 standard deviations from both components: in the
    linear domain their responsibilities are 0/0 = NaN; in the log domain they are fine.
    """
    name = "e_step"
    rng = np.random.default_rng(0)
    X1 = np.r_[rng.normal(0, 1, 6), rng.normal(5, 1, 6)][:, None]
    X2 = rng.normal(0, 2, (8, 2))
    red = np.array([[200.0, 40, 40], [198, 41, 39]])
    green = np.array([[40.0, 200, 40], [41, 199, 42]])
    cases = [
        ("1-D, two equal components", X1, np.array([0.5, 0.5]), np.array([[0.0], [5.0]]),
         np.array([[[1.0]], [[1.0]]])),
        ("2-D, unequal weights", X2, np.array([0.8, 0.2]), np.array([[0.0, 0.0], [1.0, 1.0]]),
         np.array([np.eye(2), [[2.0, 0.5], [0.5, 1.0]]])),
        ("three components, one almost weightless", X1, np.array([0.6, 0.39, 0.01]),
         np.array([[0.0], [5.0], [2.5]]), np.array([[[1.0]], [[2.0]], [[0.5]]])),
        ("RGB pixels far from both tight components", np.vstack([red, green]), np.array([0.5, 0.5]),
         np.array([[200.0, 40, 40], [40, 40, 200]]), np.array([np.eye(3) * 4.0] * 2)),
    ]
    for label, X, w, mu, cov in cases:
        expected, ll = _responsibilities(X, w, mu, cov)
        got, exc = _call(fn, X, w, mu, cov)
        if exc is not None:
            return _finish(_raised(name, len(cases), label, exc), quiet, strict)
        got_ll = None
        if isinstance(got, tuple):
            got, got_ll = got[0], (got[1] if len(got) > 1 else None)
        hint = _shape_hint(got, expected)
        if hint is None and not _close(got, expected):
            g = np.asarray(got, dtype=np.float64)
            uniform, _ = _responsibilities(X, np.full(len(w), 1 / len(w)), mu, cov)
            dens = np.exp(np.column_stack([multivariate_normal(m, c).logpdf(X).reshape(-1)
                                           for m, c in zip(mu, cov)]))
            if np.isnan(g).any():
                hint = ("NaN: for some points every pi_k N(x|k) underflowed to 0.0 and you divided 0 by 0. "
                        "Work in logs: a_ki = log pi_k + log N(x_i|k), then p_ki = exp(a_ki - logsumexp_k a_ki).")
            elif not np.allclose(g.sum(axis=1), 1.0):
                if _close(g, dens * w) or _close(g, dens):
                    hint = "the rows do not sum to 1: divide each row by its sum over components (the mixture density p(x_i))."
                else:
                    hint = "the rows do not sum to 1: responsibilities are a probability over components for each point."
            elif not np.allclose(w, w[0]) and _close(g, uniform):
                hint = "you forgot the mixing weights: the numerator is pi_k N(x_i | k), not N(x_i | k)."
            else:
                hint = "compare one row by hand with pi_k N(x_i|k) / sum_j pi_j N(x_i|j)."
        if hint is None and got_ll is not None:
            exp_ll = ll if np.size(got_ll) == X.shape[0] else float(ll.sum())
            if not _close(np.reshape(got_ll, np.shape(exp_ll)) if np.size(got_ll) == np.size(exp_ll) else got_ll,
                          exp_ll):
                fb = Feedback(name, False, len(cases), label + " (log-likelihood)", exp_ll, got_ll,
                              "the responsibilities are right but the log-likelihood is not: it is "
                              "sum_i logsumexp_k (log pi_k + log N(x_i | k)).")
                return _finish(fb, quiet, strict)
        if hint is not None:
            return _finish(Feedback(name, False, len(cases), label, expected, got, hint), quiet, strict)
    return _finish(Feedback(name, True, len(cases)), quiet, strict)


def _m_step(X, resp):
    X = np.asarray(X, dtype=np.float64)
    Nk = resp.sum(axis=0)
    means = resp.T @ X / Nk[:, None]
    covs = np.stack([(resp[:, k, None] * (X - means[k])).T @ (X - means[k]) / Nk[k] for k in range(resp.shape[1])])
    return Nk / Nk.sum(), means, covs


def check_m_step(fn, quiet=False, strict=False):
    """Check ``fn(X, resp) -> (weights, means, covariances)``.

    X (N, d) data (may be uint8 pixels!), resp (N, K) responsibilities. Return
    weights (K,) = N_k / N, means (K, d) = sum_i p_ik x_i / N_k and covariances (K, d, d) =
    sum_i p_ik (x_i - mu_k)(x_i - mu_k)^T / N_k with N_k = sum_i p_ik (the maximum-likelihood
    estimate: divide by N_k, not N_k - 1). The hostile case gives uint8 pixels: 200 * 200
    wraps around in uint8.
    """
    name = "m_step"
    rng = np.random.default_rng(1)
    X1 = np.r_[rng.normal(0, 1, 5), rng.normal(6, 2, 5)][:, None]
    r1 = np.r_[np.full(5, 0.9), np.full(5, 0.2)]
    X2 = rng.normal(0, 1, (12, 2)) @ np.array([[2.0, 0.0], [0.7, 1.0]]) + [3.0, -1.0]
    r2 = rng.dirichlet([1.0, 1.0, 1.0], 12)
    X3 = np.array([[60, 70, 80], [62, 71, 79], [200, 210, 190], [199, 205, 195], [61, 69, 85]], dtype=np.uint8)
    r3 = np.array([[1.0, 0.0], [0.9, 0.1], [0.05, 0.95], [0.0, 1.0], [0.8, 0.2]])
    cases = [
        ("1-D, soft responsibilities", X1, np.column_stack([r1, 1 - r1])),
        ("2-D, three components", X2, r2),
        ("uint8 RGB pixels", X3, r3),
    ]
    for label, X, resp in cases:
        expected = _m_step(X, resp)
        got, exc = _call(fn, X, resp)
        if exc is not None:
            return _finish(_raised(name, len(cases), label, exc), quiet, strict)
        if not (isinstance(got, (tuple, list)) and len(got) == 3):
            fb = Feedback(name, False, len(cases), label, "(weights, means, covariances)", repr(type(got)),
                          "return a tuple of three arrays: weights (K,), means (K, d), covariances (K, d, d).")
            return _finish(fb, quiet, strict)
        Xf = X.astype(np.float64)
        Nk = resp.sum(axis=0)
        for part, g, e in zip(("weights", "means", "covariances"), got, expected):
            hint = _shape_hint(g, e)
            if hint is None and not _close(g, e):
                g = np.asarray(g, dtype=np.float64)
                if part == "weights":
                    hint = ("weights must sum to 1: pi_k = N_k / N." if _close(g, Nk)
                            else "pi_k = N_k / N with N_k = sum_i p_ik (sum each column of resp).")
                elif part == "means":
                    hint = ("you forgot to divide by N_k = sum_i p_ik." if _close(g, resp.T @ Xf)
                            else "mu_k = sum_i p_ik x_i / N_k: a weighted average of the points.")
                else:
                    uncentred = np.einsum("nk,na,nb->kab", resp, Xf, Xf) / Nk[:, None, None]
                    if X.dtype == np.uint8:
                        hint = ("the data are uint8 and products like 200 * 200 wrap around: convert "
                                "with X = X.astype(float) before squaring.")
                    elif _close(g, e * Nk[:, None, None] / (Nk[:, None, None] - 1)):
                        hint = "divide by N_k, not N_k - 1: EM needs the maximum-likelihood covariance."
                    elif _close(g, uncentred):
                        hint = "you forgot to subtract the mean: use (x_i - mu_k)(x_i - mu_k)^T with the NEW mu_k."
                    elif _close(g, e * Nk[:, None, None]):
                        hint = "you forgot to divide the covariance by N_k."
                    else:
                        hint = "Sigma_k = sum_i p_ik (x_i - mu_k)(x_i - mu_k)^T / N_k, an outer product per point."
            if hint is not None:
                return _finish(Feedback(name, False, len(cases), f"{label}: {part}", e, g, hint), quiet, strict)
    return _finish(Feedback(name, True, len(cases)), quiet, strict)


# -------------------------------------------------------------------------------------------
# the covariance guard (notebook 02)

def check_rcond(fn, quiet=False, strict=False):
    """Check ``fn(cov) -> float``: the reciprocal condition number 1 / (||S||_1 ||S^-1||_1).

    ||A||_1 is the largest ABSOLUTE column sum. A singular matrix must give 0 (or a number
    <= 1e-10), not an exception: that is exactly when the guard needs an answer.
    The reference is ``gmmlib.rcond``.
    """
    from .painless import rcond
    name = "rcond"
    cases = [
        ("identity", np.eye(3)),
        ("diagonal, scales 1 and 100", np.diag([1.0, 100.0])),
        ("negative correlation", np.array([[2.0, -1.5], [-1.5, 2.0]])),
        ("3-D, mixed-sign correlations", np.array([[4.0, -2.0, 0.5], [-2.0, 3.0, 1.0], [0.5, 1.0, 2.0]])),
        ("nearly singular", np.array([[1.0, 1.0 - 1e-12], [1.0 - 1e-12, 1.0]])),
        ("singular: a constant patch", np.zeros((2, 2))),
    ]
    for label, cov in cases:
        expected = rcond(cov)
        got, exc = _call(fn, cov)
        if exc is not None:
            return _finish(_raised(name, len(cases), label, exc,
                                   "A singular covariance has no inverse: catch np.linalg.LinAlgError "
                                   "(and a non-finite result) and return 0.0."), quiet, strict)
        try:
            g = float(np.ravel(got)[0]) if np.size(got) == 1 else None
        except (TypeError, ValueError):
            g = None
        ok = g is not None and (g <= 1e-10 if expected <= 1e-10 else _close(g, expected, rtol=1e-8))
        if not ok:
            inv = np.linalg.inv(cov) if expected > 0 else None
            if g is None:
                hint = "return a single number."
            elif np.isnan(g) or np.isinf(g):
                hint = "a singular covariance must give 0.0 (the worst possible conditioning), not NaN or inf."
            elif inv is not None and _close(g, 1 / (np.abs(cov.sum(axis=0)).max() * np.abs(inv.sum(axis=0)).max())):
                hint = "take absolute values BEFORE summing each column: ||A||_1 = max_j sum_i |a_ij|."
            elif inv is not None and _close(g, 1 / np.linalg.cond(cov, 2)):
                hint = "that is the 2-norm condition number; use the 1-norm (largest absolute column sum)."
            elif inv is not None and _close(g, 1 / g if g else np.inf):
                hint = "you returned the condition number; the guard wants its reciprocal."
            else:
                hint = "RCOND = 1 / (||S||_1 * ||S^-1||_1), ||A||_1 = np.abs(A).sum(axis=0).max()."
            return _finish(Feedback(name, False, len(cases), label, expected, got, hint), quiet, strict)
    return _finish(Feedback(name, True, len(cases)), quiet, strict)


# -------------------------------------------------------------------------------------------
# the intensity histogram and the decision threshold (notebook 04)

def check_histogram(fn, quiet=False, strict=False):
    """Check ``fn(image) -> counts``: the (256,) pixel counts of each level 0..255 of a uint8 image.

    The reference is ``np.bincount(image.ravel(), minlength=256)``. Hostile cases: an image
    without any 255 (the array must still have 256 entries) and an image using only two levels
    (``np.histogram(image, bins=256)`` then spreads its bins over that narrow range).
    """
    name = "histogram"
    rng = np.random.default_rng(2)
    cases = [
        ("random 8 x 8 image using 0..255", np.r_[0, 255, rng.integers(0, 256, 62)].astype(np.uint8).reshape(8, 8)),
        ("dark image, no level above 99", rng.integers(0, 100, (16, 16)).astype(np.uint8)),
        ("two levels only: 10 and 20", np.array([[10, 20], [20, 20]], dtype=np.uint8)),
    ]
    for label, img in cases:
        expected = np.bincount(img.ravel(), minlength=256)
        got, exc = _call(fn, img)
        if exc is not None:
            return _finish(_raised(name, len(cases), label, exc), quiet, strict)
        hint = None
        if np.shape(got) != (256,):
            hint = (f"return 256 counts, one per level 0..255, got shape {np.shape(got)}; "
                    "np.bincount(image.ravel(), minlength=256) does it.")
        elif not _close(got, expected, rtol=0, atol=0):
            g = np.asarray(got)
            if g.sum() != img.size:
                hint = f"the counts add up to {g.sum()}, not to the {img.size} pixels."
            else:
                hint = ("the counts land in the wrong levels. np.histogram(image, bins=256) fits its bins "
                        "to the image's own min and max: add range=(0, 256), or use np.bincount.")
        if hint is not None:
            return _finish(Feedback(name, False, len(cases), label, expected, got, hint), quiet, strict)
    return _finish(Feedback(name, True, len(cases)), quiet, strict)


def _first_flip(weights, means, variances):
    from .mixture import Mixture
    m = Mixture(weights, np.reshape(means, (-1, 1)), np.reshape(variances, (-1, 1, 1)))
    bright = int(np.argmax(m.means[:, 0]))
    labels = m.predict(np.arange(256.0))
    dark_side = int(np.ceil(m.means[:, 0].min()))
    return int(dark_side + np.argmax(labels[dark_side:] == bright))


def check_threshold(fn, quiet=False, strict=False):
    """Check ``fn(weights, means, variances) -> int``: where a two-class segmentation switches.

    For a 1-D mixture of two Gaussians (arrays of length 2), return the smallest intensity t
    between the two means at which the brighter component has the larger posterior
    pi_k N(t | mu_k, sigma_k^2). The reference scans the 256 levels with ``gmmlib.Mixture.predict``.
    Hostile cases: unequal weights (the threshold moves away from the heavier component) and
    unequal variances (it is no longer the midpoint of the means).
    """
    name = "threshold"
    cases = [
        ("equal weights and variances", np.array([0.5, 0.5]), np.array([50.0, 151.0]), np.array([400.0, 400.0])),
        ("unequal weights", np.array([0.9, 0.1]), np.array([50.0, 150.0]), np.array([400.0, 400.0])),
        ("unequal variances", np.array([0.5, 0.5]), np.array([40.0, 160.0]), np.array([100.0, 900.0])),
        ("components listed bright first", np.array([0.3, 0.7]), np.array([180.0, 60.0]), np.array([300.0, 600.0])),
    ]
    for label, w, mu, var in cases:
        expected = _first_flip(w, mu, var)
        got, exc = _call(fn, w, mu, var)
        if exc is not None:
            return _finish(_raised(name, len(cases), label, exc), quiet, strict)
        try:
            g = int(np.ravel(got)[0]) if np.size(got) == 1 else None
        except (TypeError, ValueError):
            g = None
        if g != expected:
            mid = mu.mean()
            if g is not None and w[0] != w[1] and g == _first_flip([0.5, 0.5], mu, var):
                hint = "you forgot the weights pi_k: the posterior is proportional to pi_k N(t | k)."
            elif g is not None and abs(g - mid) <= 1 and abs(expected - mid) > 1:
                hint = ("that is the midpoint of the means; the posteriors also depend on the weights and "
                        "the variances: compare pi_1 N(t | mu_1, s_1^2) with pi_2 N(t | mu_2, s_2^2).")
            else:
                hint = ("scan t = 0..255, between the means, for the first level where the brighter "
                        "component wins; 'brighter' means larger mean, whatever its position in the arrays.")
            return _finish(Feedback(name, False, len(cases), label, expected, got, hint), quiet, strict)
    return _finish(Feedback(name, True, len(cases)), quiet, strict)


# -------------------------------------------------------------------------------------------
# whitening and the colour model (notebook 05)

def check_whiten(fn, quiet=False, strict=False):
    """Check ``fn(X) -> (Z, mean, std)``: whitened data Z = (X - mean) / std, feature by feature.

    X (N, d); mean and std (d,) are the per-feature mean and standard deviation (np.std,
    ddof=0). A constant feature has std 0: keep std = 1 for it so nothing divides by zero
    (its Z column is then 0). The reference is ``gmmlib.painless.Whitener``.
    """
    from .painless import Whitener
    name = "whiten"
    rng = np.random.default_rng(3)
    cases = [
        ("two features on scales 1 and 1e6", np.column_stack([rng.normal(5, 1, 20), rng.normal(0, 1e6, 20)])),
        ("uint8 RGB pixels", rng.integers(0, 256, (30, 3)).astype(np.uint8)),
        ("a constant feature (saturated channel)", np.column_stack([rng.normal(0, 3, 10), np.full(10, 255.0)])),
    ]
    for label, X in cases:
        Xf = X.astype(np.float64)
        W = Whitener(Xf, np.ones(X.shape[0]))
        expected = (W.forward(Xf), W.mean, W.std)
        got, exc = _call(fn, X)
        if exc is not None:
            return _finish(_raised(name, len(cases), label, exc), quiet, strict)
        if not (isinstance(got, (tuple, list)) and len(got) == 3):
            fb = Feedback(name, False, len(cases), label, "(Z, mean, std)", repr(type(got)),
                          "return a tuple (Z, mean, std).")
            return _finish(fb, quiet, strict)
        for part, g, e in zip(("Z", "mean", "std"), got, expected):
            hint = _shape_hint(g, e)
            if hint is None and not _close(g, e):
                g = np.asarray(g, dtype=np.float64)
                if not np.isfinite(g).all():
                    hint = "NaN or inf: a constant feature has std 0; use std = 1 for it (np.where(std > 0, std, 1))."
                elif part == "std" and _close(g, Xf.var(axis=0)):
                    hint = "that is the variance; divide by the standard deviation (its square root)."
                elif part == "Z" and _close(g, (Xf - Xf.mean(axis=0)) / np.where(Xf.var(axis=0) > 0, Xf.var(axis=0), 1)):
                    hint = ("you divided by the variance, not the standard deviation (the painless GMM "
                            "reference makes the same slip): the whitened features must have variance 1.")
                elif part == "Z" and _close(g, Xf / expected[2]):
                    hint = "subtract the mean before dividing, so every whitened feature has mean 0."
                elif part == "std" and _close(g, Xf.std(axis=0, ddof=1)):
                    hint = "use the population standard deviation (ddof=0), as np.std does by default."
                else:
                    hint = f"{part} should be {'(X - mean) / std' if part == 'Z' else 'computed per feature (axis=0)'}."
            if hint is not None:
                return _finish(Feedback(name, False, len(cases), f"{label}: {part}", e, g, hint), quiet, strict)
    return _finish(Feedback(name, True, len(cases)), quiet, strict)


def check_log_likelihood_ratio(fn, quiet=False, strict=False):
    """Check ``fn(X, foreground, background) -> (N,)``: log p_fg(x_i) - log p_bg(x_i).

    ``foreground`` and ``background`` are ``gmmlib.Mixture`` objects; a pixel is foreground
    when the ratio is > 0. Use the mixtures' log-densities (``Mixture.log_density``) or your own
    logsumexp: the hostile case is a pixel far from both models, where both densities are 0.0
    and the linear-domain ratio is 0/0 = NaN while the log ratio is a finite number.
    """
    from .mixture import Mixture
    name = "log_likelihood_ratio"
    fg = Mixture([0.7, 0.3], [[220.0, 60, 50], [240, 200, 180]], [np.eye(3) * 25.0, np.eye(3) * 30.0])
    bg = Mixture([0.5, 0.5], [[30.0, 30, 40], [90, 120, 200]], [np.eye(3) * 20.0, np.diag([40.0, 40, 60])])
    cases = [
        ("pixels near either model", np.array([[225.0, 65, 55], [32, 28, 45], [100, 110, 190]])),
        ("a pixel far from both (pure green)", np.array([[0.0, 255, 0], [240, 205, 175]])),
    ]
    for label, X in cases:
        expected = fg.log_density(X) - bg.log_density(X)
        got, exc = _call(fn, X, fg, bg)
        if exc is not None:
            return _finish(_raised(name, len(cases), label, exc), quiet, strict)
        hint = _shape_hint(np.ravel(got) if np.size(got) == X.shape[0] else got, expected)
        if hint is None and not _close(np.ravel(got), expected):
            g = np.ravel(np.asarray(got, dtype=np.float64))
            if not np.isfinite(g).all():
                hint = ("not finite: both densities underflowed to 0.0. Stay in logs: log p(x) = "
                        "logsumexp_k (log pi_k + log N(x | k)), e.g. mixture.log_density(X).")
            elif _close(-g, expected):
                hint = "the sign is flipped: foreground minus background."
            else:
                hint = "compute log p_fg(x) - log p_bg(x) with each mixture's full log-density (all its components)."
        if hint is not None:
            return _finish(Feedback(name, False, len(cases), label, expected, got, hint), quiet, strict)
    return _finish(Feedback(name, True, len(cases)), quiet, strict)
