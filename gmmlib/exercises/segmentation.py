"""The checkers of notebook 05: the intensity histogram, the two-class threshold and weighted
EM on a histogram (the loop, and its E- and M-step parts)."""
import functools

import numpy as np

from .. import steps
from .answers import _Fail, _array, _close, _floats, _integer, _items
from .em import _e_step_hint
from .feedback import _num
from .session import _Case, _checker

__all__ = ["check_em_loop", "check_histogram", "check_threshold"]


@_checker("histogram", 3)
def check_histogram(s, fn):
    """Check ``fn(image) -> counts``: the (256,) pixel counts c_i of each level 0..255 of a uint8 image.

    The reference is ``np.bincount(image.ravel(), minlength=256)``. Hostile cases: an image
    without any 255 (the array must still have 256 entries) and an image using only two levels
    (``np.histogram(image, bins=256)`` then spreads its bins over that narrow range).
    """
    rng = np.random.default_rng(2)
    cases = [
        ("random 8 x 8 image using 0..255", np.r_[0, 255, rng.integers(0, 256, 62)].astype(np.uint8).reshape(8, 8)),
        ("dark image, no level above 99", rng.integers(0, 100, (6, 6)).astype(np.uint8)),
        ("two levels only: 10 and 20", np.array([[10, 20], [20, 20]], dtype=np.uint8)),
    ]
    for label, img in cases:
        expected = np.bincount(img.ravel(), minlength=256)
        got = s.call(fn, _Case(label, [("image", img)]))
        a = _floats(got, "your histogram")
        if a.shape != (256,):
            raise _Fail(f"return 256 counts, one per level 0..255; got shape {a.shape}. "
                        "np.bincount(image.ravel(), minlength=256) does it.", expected, got)
        if np.array_equal(a, expected):
            continue
        shown = (_levels(expected), _levels(a))
        if not np.isfinite(a).all() or (a < 0).any() or not np.array_equal(a, np.round(a)):
            hint = "counts are whole numbers >= 0: how many pixels have each level."
        elif a.sum() != img.size:
            hint = f"the counts add up to {_num(a.sum())}, not to the {img.size} pixels."
        else:
            hint = ("the counts land in the wrong levels. np.histogram(image, bins=256) fits its bins "
                    "to the image's own min and max: add range=(0, 256), or use np.bincount.")
        raise _Fail(hint, *shown)


def _levels(counts):
    """The non-zero entries of a 256-level histogram, as 'level: count' pairs."""
    nz = np.flatnonzero(counts)
    pairs = [f"{i}: {_num(counts[i])}" for i in nz[:8]]
    more = f", ... ({nz.size} levels in all)" if nz.size > 8 else ""
    return "non-zero levels {" + ", ".join(pairs) + more + "}" if nz.size else "all 256 counts 0"


def _first_flip(weights, means, variances):
    """The first level from the darker mean up whose maximum-posterior class is the brighter one."""
    means = np.asarray(means, dtype=np.float64)
    levels = np.arange(256.0)[:, None]
    a = steps.log_joint(levels, np.asarray(weights, dtype=np.float64), means[:, None],
                        np.reshape(variances, (-1, 1, 1)))
    bright = int(np.argmax(means))
    labels = np.argmax(a, axis=1)  # ties go to the lower index, as Mixture.predict
    dark_side = int(np.ceil(means.min()))
    return int(dark_side + np.argmax(labels[dark_side:] == bright))


@_checker("threshold", 5)
def check_threshold(s, fn):
    """Check ``fn(weights, means, variances) -> int``: where a two-class segmentation switches.

    For a 1-D mixture of two Gaussians (arrays of length 2), return the smallest intensity t
    between the two means at which the brighter component has the larger posterior
    pi_k N(t | mu_k, sigma_k^2). The reference scans the 256 levels with ``gmmlib.steps.log_joint``.
    Hostile cases: unequal weights (the threshold moves away from the heavier component),
    unequal variances (it is no longer the midpoint of the means), and a narrow dark component
    beside a wide bright one (means 10 and 100, variances 4 and 2500): the wide one's heavier
    tail also wins far below the dark mean, at levels 0..3, so a scan that starts at level 0
    returns 0 instead of the switch between the means, 17.
    """
    cases = [
        ("equal weights and variances", [0.5, 0.5], [50.0, 151.0], [400.0, 400.0]),
        ("unequal weights", [0.9, 0.1], [50.0, 150.0], [400.0, 400.0]),
        ("unequal variances", [0.5, 0.5], [40.0, 160.0], [100.0, 900.0]),
        ("components listed bright first", [0.3, 0.7], [180.0, 60.0], [300.0, 600.0]),
        ("a narrow dark and a wide bright component", [0.5, 0.5], [10.0, 100.0], [4.0, 2500.0]),
    ]
    for label, w, mu, var in cases:
        w, mu, var = np.array(w), np.array(mu), np.array(var)
        expected = _first_flip(w, mu, var)
        got = s.call(fn, _Case(label, [("weights", w), ("means", mu), ("variances", var)]))
        g = _integer(got, "your threshold", low=0, high=255)
        if g == expected:
            continue
        mid = mu.mean()
        if w[0] != w[1] and g == _first_flip([0.5, 0.5], mu, var):
            hint = "you forgot the weights pi_k: the posterior is proportional to pi_k N(t | mu_k, sigma_k^2)."
        elif abs(g - mid) <= 1 and abs(expected - mid) > 1:
            hint = ("that is the midpoint of the means; the posteriors also depend on the weights and "
                    "the variances: compare pi_1 N(t | mu_1, sigma_1^2) with pi_2 N(t | mu_2, sigma_2^2).")
        elif g < mu.min():
            hint = (f"level {g} lies below the darker mean {_num(mu.min())}: the wide bright component's "
                    "tail is heavier there, so its posterior wins far out in the dark too, but that is "
                    "not where the two classes switch. Start the scan at the darker mean.")
        elif abs(g - expected) == 1:
            hint = ("off by one: return the FIRST level t (scanning up from the darker mean) where the "
                    "brighter component's posterior is larger.")
        else:
            hint = ("scan t = 0..255, between the means, for the first level where the brighter "
                    "component wins; 'brighter' means larger mean, whatever its position in the arrays.")
        raise _Fail(hint, expected, g)


def _e_step_1d(x, weights, means, variances):
    """``steps.e_step`` on levels x: (resp (N, K), log_p (N,), log joint a (N, K))."""
    X, mu, cov = x[:, None], np.reshape(means, (-1, 1)), np.reshape(variances, (-1, 1, 1))
    resp, log_p = steps.e_step(X, weights, mu, cov)
    return resp, log_p, steps.log_joint(X, weights, mu, cov)


def _m_step_1d(x, c, resp):
    """``steps.m_step`` on levels x with counts c: (weights, means, variances), each (K,)."""
    weights, means, covs = steps.m_step(x[:, None], resp, sample_weight=c)
    return weights, means[:, 0], covs[:, 0, 0]


def _em_1d_reference(x, c, weights, means, variances, max_iter, tol):
    """The exercise's loop written with gmmlib.steps: (weights, means, variances, [L_0..L_T]).

    From the given start: an E-step gives L_t = sum_i c_i log p(x_i); stop at the first t >= 1
    with L_t - L_{t-1} < tol sum_i c_i (the gain per pixel below tol, as gmmlib's own rule), or at
    t = max_iter; otherwise an M-step with the counts. The parameters returned are those L_T was
    computed with.
    """
    params, L, total = (weights, means, variances), [], float(np.sum(c))
    for t in range(max_iter + 1):
        resp, log_p, _ = _e_step_1d(x, *params)
        L.append(float(c @ log_p))
        if t == max_iter or t > 0 and L[t] - L[t - 1] < tol * total:
            break
        params = _m_step_1d(x, c, resp)
    return (*params, np.array(L))


def _unweighted_fit_log_likelihoods(x, c, start, n):
    """L_0..L_{n-1} (with the counts) of the iterates of an EM whose M-step forgets the counts."""
    params, L = start, []
    for _ in range(n):
        resp, log_p, _ = _e_step_1d(x, *params)
        L.append(float(c @ log_p))
        params = _m_step_1d(x, np.ones_like(c), resp)
    return np.array(L)


@functools.lru_cache(maxsize=None)
def _cameraman_histogram():
    from skimage import data
    counts = np.bincount(data.camera().ravel(), minlength=256).astype(np.float64)
    keep = counts > 0
    return np.arange(256.0)[keep], counts[keep]


def _equal_range_start(x, c, K):
    """histogram_em's default start: the levels [0, 255] cut into K equal slices."""
    from ..painless import painless_em
    m = painless_em(x, K, weights=c, init="equal-range", init_range=(0, 255), max_iter=0).history.mixture(0)
    return m.weights, m.means[:, 0], m.covariances[:, 0, 0]


@functools.lru_cache(maxsize=None)
def _em_cases(include_cameraman=True):
    x = np.array([0.0, 1.0, 2.0, 3.0, 7.0, 8.0, 9.0, 10.0])
    c = np.array([2.0, 9.0, 3.0, 1.0, 1.0, 2.0, 12.0, 4.0])
    cases = [("eight levels with counts, K = 2", x, c, np.array([0.5, 0.5]), np.array([2.0, 6.0]),
              np.array([4.0, 4.0]), 100, 1e-4)]
    if include_cameraman:
        xc, cc = _cameraman_histogram()
        for K, max_iter, name in ((2, 100, "the cameraman histogram, K = 2, equal-range start"),
                                  (3, 4, "the cameraman histogram, K = 3, max_iter = 4")):
            cases.append((name, xc, cc, *_equal_range_start(xc, cc, K), max_iter, 1e-4))
    return cases


@functools.lru_cache(maxsize=None)
def _em_references():
    """[(case, reference)] for every case of _em_cases, computed once (never shown to a student
    function, so never changed by one)."""
    return [(case, _em_1d_reference(*case[1:])) for case in _em_cases()]


def _check_e_step_1d(s, e_step):
    """Part 1 of the EM exercise: fn(x, weights, means, variances) -> (resp, log_p)."""
    cases = [("your E-step, eight levels", np.array([0.0, 1.0, 2.0, 3.0, 7.0, 8.0, 9.0, 10.0]),
              np.array([0.5, 0.5]), np.array([2.0, 6.0]), np.array([4.0, 4.0])),
             ("your E-step, 256 levels and two narrow components", np.arange(256.0),
              np.array([0.3, 0.7]), np.array([20.0, 200.0]), np.array([4.0, 9.0]))]
    for label, x, w, mu, var in cases:
        resp, log_p, a = _e_step_1d(x, w, mu, var)
        got = s.call(e_step, _Case(label, [("x", x), ("weights", w), ("means", mu), ("variances", var)]))
        r_got, lp_got = _items(got, ("resp", "log_p"), "your E-step")
        g = _array(r_got, resp.shape, "the responsibilities (first item)", "one row per level, one column per component")
        if not _close(g, resp):
            hint = _e_step_hint(g, a, resp, len(w))
            if hint is None and _close(g, _e_step_1d(x, w, mu, np.sqrt(var))[0]):
                hint = "the third argument holds variances sigma_k^2: the standard deviation is their square root."
            raise _Fail(hint or "r_ik = pi_k N(x_i | mu_k, sigma_k^2) / sum_j pi_j N(x_i | mu_j, sigma_j^2).",
                        resp, g, part="responsibilities")
        lp = _array(lp_got, log_p.shape, "log_p (second item)")
        if not _close(lp, log_p):
            hint = ("log_p holds one number per level: log p(x_i) = logsumexp_k (log pi_k + log N(x_i | mu_k, sigma_k^2))"
                    + (", never the log of an underflowed 0.0." if np.isneginf(lp).any() else "."))
            raise _Fail(hint, log_p, lp, part="log_p")


def _check_m_step_1d(s, m_step):
    """Part 2 of the EM exercise: fn(x, c, resp) -> (weights, means, variances), with counts."""
    x = np.array([0.0, 1.0, 2.0, 3.0, 7.0, 8.0, 9.0, 10.0])
    c = np.array([2.0, 9.0, 3.0, 1.0, 1.0, 2.0, 12.0, 4.0])
    resp = np.column_stack([np.r_[0.9, 0.9, 0.8, 0.6, 0.1, 0.05, 0.0, 0.0], np.zeros(8)])
    resp[:, 1] = 1 - resp[:, 0]
    expected = _m_step_1d(x, c, resp)
    got = s.call(m_step, _Case("your M-step, eight levels with counts", [("x", x), ("c", c), ("resp", resp)]))
    parts = _items(got, ("weights", "means", "variances"), "your M-step")
    plain = _m_step_1d(x, np.ones_like(c), resp)
    for i, (part, value, e) in enumerate(zip(("weights", "means", "variances"), parts, expected)):
        g = _array(value, e.shape, f"the {part}")
        if _close(g, e):
            continue
        if _close(g, plain[i]):
            hint = ("you forgot the counts c_i: level x_i stands for c_i pixels, so every sum over i "
                    "weighs it by c_i: N_k = sum_i c_i r_ik, mu_k = sum_i c_i r_ik x_i / N_k, "
                    "sigma_k^2 = sum_i c_i r_ik (x_i - mu_k)^2 / N_k, pi_k = N_k / sum_i c_i.")
        elif part == "weights" and _close(g, (resp * c[:, None]).sum(axis=0) / len(x)):
            hint = "pi_k = N_k / sum_i c_i: divide by the number of pixels, not the number of levels."
        elif part == "variances" and _close(g ** 2, e):
            hint = "return variances sigma_k^2, not standard deviations."
        else:
            hint = {"weights": "pi_k = N_k / sum_i c_i with N_k = sum_i c_i r_ik.",
                    "means": "mu_k = sum_i c_i r_ik x_i / N_k.",
                    "variances": "sigma_k^2 = sum_i c_i r_ik (x_i - mu_k)^2 / N_k, with the NEW mu_k."}[part]
        raise _Fail(hint, e, g, part=part)


@_checker("em_loop", 3)
def check_em_loop(s, fn, e_step=None, m_step=None):
    """Check ``fn(x, c, weights, means, variances, max_iter, tol) -> (weights, means, variances, log_likelihoods)``.

    Weighted EM for a 1-D mixture on levels x_i with counts c_i (a histogram). From the given
    start, repeat: an E-step gives r_ik and L_t = sum_i c_i log p(x_i); stop when t >= 1 and
    L_t - L_{t-1} < tol sum_i c_i (a gain per pixel below tol) or when t = max_iter; otherwise an
    M-step with the counts.
    Return the parameters L_T was computed with and the list [L_0, ..., L_T].

    The reference is this loop written with ``gmmlib.steps.e_step`` and ``m_step`` on the same
    levels and counts from the same start (for the cameraman: ``histogram_em``'s equal-range
    start). Pass your parts too,
    ``e_step=`` ``fn(x, weights, means, variances) -> (resp, log_p)`` and ``m_step=``
    ``fn(x, c, resp) -> (weights, means, variances)``, and they are checked first, so a
    failure points at the part that is wrong.
    """
    if e_step is not None:
        _check_e_step_1d(s, e_step)
    if m_step is not None:
        _check_m_step_1d(s, m_step)
    for (label, x, c, w, mu, var, max_iter, tol), (ew, emu, evar, eL) in _em_references():
        case = _Case(label, [("x", x), ("c", c), ("weights", w), ("means", mu), ("variances", var),
                             ("max_iter", max_iter), ("tol", tol)])
        got = s.call(fn, case)
        total = float(np.sum(c))
        parts = _items(got, ("weights", "means", "variances", "log_likelihoods"))
        L = _floats(parts[3], "log_likelihoods (fourth item)").reshape(-1) if np.ndim(parts[3]) else None
        if L is None or L.size == 0:
            raise _Fail("log_likelihoods must be the list [L_0, L_1, ..., L_T], one number per E-step "
                        "(L_0 for the start).", eL, parts[3], part="log_likelihoods")
        if not np.isfinite(L).all():
            t = int(np.flatnonzero(~np.isfinite(L))[0])
            raise _Fail(f"L_{t} is {_num(L[t])}: a log of a density that underflowed? Sum c_i log p(x_i) "
                        "with log p(x_i) from a logsumexp.", eL, L, part="log_likelihoods")
        n = min(L.size, eL.size)
        if not _close(L[:n], eL[:n], rtol=1e-7):
            raise _Fail(_em_trajectory_hint(x, c, w, mu, var, max_iter, tol, L, eL),
                        eL, L, part="log_likelihoods")
        if L.size != eL.size:
            raise _Fail(_em_length_hint(L.size - 1, eL, max_iter, tol, total), eL, L, part="log_likelihoods")
        for part, value, e in zip(("weights", "means", "variances"), parts[:3], (ew, emu, evar)):
            g = _array(value, e.shape, f"the {part}")
            if _close(g, e, rtol=1e-6):
                continue
            if part == "variances" and _close(g ** 2, e, rtol=1e-6):
                hint = "return variances sigma_k^2, not standard deviations."
            else:
                hint = (f"the log-likelihoods are right but the returned {part} are not those L_T was "
                        "computed with: after the last E-step (the one that stopped the loop) do not run "
                        "another M-step; return the parameters of that E-step.")
            raise _Fail(hint, e, g, part=part)


def _em_length_hint(T, eL, max_iter, tol, total):
    """The loop ran T iterations where the reference ran len(eL) - 1: which side of the rule."""
    eT = eL.size - 1
    if T < eT:
        return (f"your loop stopped after {T} iterations; the reference goes on to {eT}. Stop only "
                "when the gain per pixel is below tol, L_t - L_{t-1} < tol * c.sum() (or t = "
                "max_iter), and check that test "
                "after computing L_t.")
    if eT == max_iter:
        return (f"your loop ran {T} iterations but max_iter = {max_iter}: at most max_iter "
                "M-steps, so log_likelihoods has at most max_iter + 1 entries.")
    return (f"your loop ran {T} iterations; it should have stopped after {eT}, where the gain "
            f"L_{eT} - L_{eT - 1} = {_num(eL[-1] - eL[-2])} fell below tol * c.sum() = "
            f"{_num(tol * total)}. The tolerance is per pixel: compare the gain with "
            "tol * c.sum() (the number of pixels), not with tol itself.")


def _em_trajectory_hint(x, c, w, mu, var, max_iter, tol, L, eL):
    """Why the student's log-likelihoods differ from the reference's."""
    n = min(L.size, eL.size)
    t = int(np.flatnonzero(~np.isclose(L[:n], eL[:n], rtol=1e-7, atol=0))[0])
    _, log_p, _ = _e_step_1d(x, w, mu, var)
    if t == 0:
        if _close(L[0], log_p.sum()):
            return ("L_0 is the log-likelihood without the counts: L = sum_i c_i log p(x_i), each level "
                    "weighted by its number of pixels.")
        if L.size > 1 and _close(L[0], eL[1] if eL.size > 1 else np.nan):
            return ("your list starts one iteration late: L_0 is the log-likelihood of the START, computed "
                    "by the first E-step before any M-step.")
        return ("L_0, the log-likelihood of the start, is wrong: L_0 = sum_i c_i log p(x_i) with "
                "log p(x_i) = logsumexp_k (log pi_k + log N(x_i | mu_k, sigma_k^2)).")
    unweighted = _em_1d_reference(x, np.ones_like(c), w, mu, var, min(max_iter, L.size - 1), 0.0)
    # L of the unweighted fit's parameters, weighted: what a loop that forgets c_i in the M-step logs
    plain_L = _unweighted_fit_log_likelihoods(x, c, (w, mu, var), max(L.size, 2))
    m = min(L.size, len(plain_L))
    if m > 1 and _close(L[:m], plain_L[:m], rtol=1e-7) or (
            L.size == unweighted[3].size and _close(L, unweighted[3], rtol=1e-7)):
        return ("your M-step forgets the counts c_i: every level counts once instead of c_i times. Use "
                "N_k = sum_i c_i r_ik, mu_k = sum_i c_i r_ik x_i / N_k, sigma_k^2 = sum_i c_i r_ik "
                "(x_i - mu_k)^2 / N_k and pi_k = N_k / sum_i c_i.")
    drops = np.flatnonzero(np.diff(L) < -1e-9 * np.abs(L[:-1]))
    if drops.size:
        d = int(drops[0])
        return (f"your log-likelihood went DOWN from L_{d} = {_num(L[d])} to L_{d + 1} = {_num(L[d + 1])}. "
                "Exact EM never does that: check that each M-step uses the responsibilities of the "
                "E-step just before it, with the counts, and that L_t is computed from the same "
                "parameters as those responsibilities.")
    return (f"your log-likelihoods agree up to L_{t - 1} and differ from L_{t} on: the M-step between "
            "them is off. Check it against the formulas with the counts c_i, or pass e_step= and "
            "m_step= to the checker to test each part on its own.")


