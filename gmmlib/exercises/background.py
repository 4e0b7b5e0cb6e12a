"""The checkers of notebook 07: frames until a stopped object is absorbed, the first matching
Gaussian of a pixel (the match step of Stauffer and Grimson's model) and OpenCV MOG2's masks."""
import functools
import math

import numpy as np

from .. import stauffer_grimson as sg
from .answers import _Fail, _floats, _integer, _kind, _shaped
from .feedback import _num, _show
from .session import _Case, _checker

__all__ = ["check_first_match", "check_frames_to_absorb", "check_mog2_masks"]


@functools.lru_cache(maxsize=None)
def _absorbed_after(alpha, T, w0, steady=200, after=120):
    """Frames until gmmlib's BackgroundModel stops calling a still object foreground (one pixel)."""
    from ..background import BackgroundModel
    rng = np.random.default_rng(1)
    values = np.where(np.arange(steady + after) < steady, 100.0, 200.0) + rng.normal(0, 2, steady + after)
    pixel = np.clip(np.rint(values), 0, 255).astype(np.uint8).reshape(-1, 1, 1)
    model = BackgroundModel(K=3, alpha=alpha, T=T, initial_weight=w0)
    foreground = np.array([model.apply(frame)[0, 0] for frame in pixel])[steady:]
    return int(np.argmin(foreground))  # the first frame (the stop is frame 0) that is background


@_checker("frames_to_absorb", 5)
def check_frames_to_absorb(s, fn):
    """Check ``fn(alpha, T, w0) -> int``: frames until a stopped object becomes background.

    A pixel showed one value for a long time (one Gaussian of weight 1); at frame 0 an object
    stops on it. The reference runs ``gmmlib.background.BackgroundModel`` (K = 3) on one noisy
    pixel that shows 100 for 200 frames and then 200, with learning rate alpha, threshold T and
    a new Gaussian's starting weight ``initial_weight = w0``, and returns the first frame
    (counting the stop as frame 0) at which the pixel is no longer foreground.
    """
    cases = [(0.01, 0.7, 0.05), (0.02, 0.5, 0.05), (0.01, 0.9, 0.05), (0.05, 0.7, 0.05), (0.02, 0.7, 0.2)]
    for alpha, T, w0 in cases:
        expected = _absorbed_after(alpha, T, w0)
        got = s.call(fn, _Case(f"alpha = {alpha}, T = {T}, w0 = {w0}", [("alpha", alpha), ("T", T), ("w0", w0)]))
        g = _integer(got, "your frame count", low=0)
        if g == expected:
            continue
        a = 1 - alpha
        naive = math.ceil(math.log(T) / math.log(a))
        first = next(n for n in range(1, 10_000) if a ** (n - 1) / (1 + w0) <= T)
        if g == naive:
            hint = ("that is ceil(log T / log(1 - alpha)), which forgets the new Gaussian: at the stop "
                    "it gets weight w0 and the weights are renormalised, so the old background starts "
                    "below 1, at (1 - alpha) / (1 - alpha + w0).")
        elif g == first:
            hint = ("close: at the stop frame the old background's weight is first multiplied by "
                    "(1 - alpha) (no match), and only then is the new Gaussian added and the weights "
                    "renormalised, so it is (1 - alpha) / (1 - alpha + w0), not 1 / (1 + w0).")
        elif abs(g - expected) == 1:
            hint = ("off by one. Frame n >= 1 is classified with the weights from before its own update: "
                    "W_n = (1 - alpha)^(n - 1) (1 - alpha) / (1 - alpha + w0). Return the first n with "
                    "W_n <= T.")
        else:
            hint = ("follow the old background's weight: (1 - alpha) / (1 - alpha + w0) just after the "
                    "stop, then times (1 - alpha) per frame; the object is background at the first "
                    "frame n at which the weight ranked ahead of its Gaussian is <= T.")
        raise _Fail(hint, expected, g)


def _first_match(x, weights, means, variances, k=2.5):
    """BackgroundModel's own match step (``gmmlib.stauffer_grimson``) on one pixel, in float64:
    the index of the first component in rank order within k sigma of x, or -1."""
    weights, means, variances = (np.asarray(a, dtype=np.float64) for a in (weights, means, variances))
    key = sg.rank_key(weights, variances)
    _, sq = sg.squared_distances(np.array([float(x)]), means[:, None])
    hit = sg.match(sq, variances, key, sg.rank(key), k * k)
    return int(hit.argmax()) if hit.any() else -1


@functools.lru_cache(maxsize=None)
def _recorded_mixtures():
    """(weights, means, variances) of a few pixels of a BackgroundModel run, in storage order."""
    from ..background import BackgroundModel
    rng = np.random.default_rng(5)
    n = 60
    leaves = np.where(rng.random(n) < 0.6, 80.0, 170.0)          # a pixel flipping between two values
    passer = np.where((np.arange(n) > 20) & (np.arange(n) < 35), 230.0, 60.0)  # an object passes
    pixels = np.stack([leaves, passer, np.full(n, 120.0)], axis=1) + rng.normal(0, 3, (n, 3))
    frames = np.clip(np.rint(pixels), 0, 255).astype(np.uint8).reshape(n, 1, 3)
    model = BackgroundModel(K=3, alpha=0.05, T=0.7)
    out = []
    for t, frame in enumerate(frames):
        model.apply(frame)
        if t in (12, 30, 59):
            w, mu, var = model.weights_[0], model.means_[0, :, :, 0], model.variances_[0]
            out += [(w[p].astype(float), mu[p].astype(float), var[p].astype(float)) for p in range(3)]
    return out


@_checker("first_match", 6)
def check_first_match(s, fn):
    """Check ``fn(x, weights, means, variances, k) -> int``: the Gaussian a pixel value matches.

    Rank the K Gaussians by w_k / sigma_k (largest first, ties to the lower index); the match is
    the first in that order with |x - mu_k| < k sigma_k (strictly), skipping empty slots
    (w_k = 0, which never match); return its index in the given arrays, or -1 when nothing
    matches. This is step 1 of ``gmmlib.background.BackgroundModel``.
    """
    def arrays(*rows):
        return tuple(np.array(r, dtype=np.float64) for r in rows)

    hand = [
        ("the heaviest, narrowest Gaussian matches", 101.0, *arrays([0.7, 0.2, 0.1], [100, 150, 30], [16, 100, 400]), 2.5),
        ("ranked order differs from storage order", 152.0, *arrays([0.1, 0.2, 0.7], [30, 100, 150], [400, 100, 16]), 2.5),
        ("the first match in rank is not the nearest mean", 115.0,
         *arrays([0.8, 0.2, 0.0], [100, 118, 0], [64, 16, 400]), 2.5),
        ("a light but narrow Gaussian ranks first", 100.0, *arrays([0.0, 0.6, 0.4], [0, 104, 101], [400, 100, 4]), 2.5),
        ("an empty slot (weight 0) would match", 50.0, *arrays([0.9, 0.1, 0.0], [200, 120, 50], [16, 64, 400]), 2.5),
        ("exactly k sigma away is not a match", 110.0, *arrays([1.0, 0.0, 0.0], [100, 0, 0], [16, 400, 400]), 2.5),
        ("nothing within k sigma", 0.0, *arrays([0.6, 0.4, 0.0], [100, 200, 0], [16, 25, 400]), 2.5),
        ("a narrower match window, k = 1", 104.0, *arrays([0.5, 0.5, 0.0], [100, 106, 0], [9, 36, 400]), 1.0),
        ("equal w / sigma: the lower index first", 100.0, *arrays([0.3, 0.6, 0.1], [98, 102, 0], [16, 64, 400]), 2.5),
    ]
    recorded = []
    for i, (w, mu, var) in enumerate(_recorded_mixtures()):
        for x in (float(mu[0]), float(mu[-1]) + 3.0, 0.0, 255.0):
            recorded.append((f"a recorded pixel mixture ({i}), x = {_num(x)}", x, w, mu, var, 2.5))
    s.n_cases = len(hand) + len(recorded)
    for label, x, w, mu, var, k in hand + recorded:
        expected = _first_match(x, w, mu, var, k)
        got = s.call(fn, _Case(label, [("x", x), ("weights", w), ("means", mu), ("variances", var), ("k", k)]))
        g = _integer(got, "your index", low=-1, high=len(w) - 1)
        if g == expected:
            continue
        raise _Fail(_first_match_hint(g, expected, x, w, mu, var, k), expected, g)


def _first_match_hint(g, expected, x, w, mu, var, k):
    """Why the index g differs from the expected first match."""
    sigma = np.sqrt(var)
    order = list(np.argsort(-(w / sigma), kind="stable"))
    near = [j for j in range(len(w)) if abs(x - mu[j]) < k * sigma[j]]
    ranked_by = (lambda key: next((int(j) for j in np.argsort(key, kind="stable")
                                   if w[j] > 0 and abs(x - mu[j]) < k * sigma[j]), -1))
    if k != 2.5 and g == _first_match(x, w, mu, var, 2.5):
        hint = f"this case uses k = {_num(k)}: the match window is |x - mu_k| < k sigma_k with the k you are given."
    elif expected >= 0 and g == order.index(expected):
        hint = ("you returned the match's RANK; return its index in the arrays you were given "
                "(the rank only decides which match comes first).")
    elif g >= 0 and w[g] == 0:
        hint = ("a Gaussian of weight 0 is an empty slot: it never matches (the model gives it the "
                "rank key w / sigma = 0). Skip it.")
    elif g >= 0 and abs(x - mu[g]) == k * sigma[g]:
        hint = "the match is strict: |x - mu_k| < k sigma_k; a value exactly k sigma away does not match."
    elif g >= 0 and expected >= 0 and w[g] / sigma[g] == w[expected] / sigma[expected]:
        hint = "ties in w_k / sigma_k go to the lower index (a stable sort: np.argsort(..., kind='stable'))."
    elif g >= 0 and near and g == min(near, key=lambda j: abs(x - mu[j])) and w[g] > 0:
        hint = ("you took the nearest mean; the model takes the FIRST match in the order of "
                "decreasing w_k / sigma_k, even when another mean is closer.")
    elif g >= 0 and abs(x - mu[g]) < k * var[g] and not abs(x - mu[g]) < k * sigma[g]:
        hint = "the window is k standard deviations: sigma_k = sqrt(variance_k), not the variance."
    elif g >= 0 and g == ranked_by(-w):
        hint = "rank by w_k / sigma_k (heavy AND narrow first), not by the weight alone."
    elif g >= 0 and g == ranked_by(-(w / var)):
        hint = "rank by w_k / sigma_k with sigma_k = sqrt(variance_k), not by w_k / variance_k."
    elif g == -1:
        hint = (f"Gaussian {expected} matches: |x - mu| = {_num(abs(x - mu[expected]))} < k sigma = "
                f"{_num(k * sigma[expected])}. Use the k you are given.")
    elif expected == -1:
        hint = "no Gaussian with weight > 0 is within k sigma_k of x here: return -1."
    else:
        hint = "rank by w_k / sigma_k, then return the first with w_k > 0 and |x - mu_k| < k sigma_k."
    return hint


def _mog2_labels(frames, **params):
    import cv2
    mog = cv2.createBackgroundSubtractorMOG2(**params)
    return np.array([mog.apply(f) for f in frames])


@functools.lru_cache(maxsize=None)
def _mog2_reference():
    """A short synthetic scene, MOG2's labels on it and the three reference masks."""
    from ..synthetic import make_scene
    frames, _ = make_scene(n_frames=40, height=48, width=64, seed=3).arrays()
    labels = _mog2_labels(frames)
    references = {"ignore": labels == 255, "count": labels > 0,
                  "off": _mog2_labels(frames, detectShadows=False) == 255}
    return frames, labels, references


@_checker("mog2_masks", 3)
def check_mog2_masks(s, fn):
    """Check ``fn(frames, shadows) -> masks``: OpenCV MOG2's foreground as a boolean (T, H, W) array.

    MOG2 (``cv2.createBackgroundSubtractorMOG2()`` with its defaults, a new one for each call)
    labels each pixel 0 (background), 127 (shadow) or 255 (foreground). ``shadows`` says what
    to do with 127: ``"ignore"`` counts only 255 as foreground, ``"count"`` counts 127 too, and
    ``"off"`` runs MOG2 with ``detectShadows=False``. The reference is OpenCV itself on a short
    synthetic scene (``gmmlib.synthetic.make_scene``).
    """
    frames, labels, references = _mog2_reference()
    for shadows, expected in references.items():
        got = s.call(fn, _Case(f'shadows = "{shadows}"', [("frames", frames), ("shadows", shadows)]))
        problem = _kind(got)
        if problem:
            raise _Fail(f"your function returned {problem}; return the masks, one boolean image per frame.", got=got)
        a = _floats(got, "your masks")
        a = _shaped(a, expected.shape, "your masks", got)
        if not np.isin(a, (0, 1)).all():
            values = np.unique(a)[:5]
            hint = (f"your masks hold the values {', '.join(_num(v) for v in values)}: return booleans "
                    "(True = foreground), e.g. labels == 255, not MOG2's labels themselves.")
            raise _Fail(hint, "booleans", _show(values))
        if np.array_equal(a.astype(bool), expected):
            continue
        a = a.astype(bool)
        if np.array_equal(a, labels == 255) and shadows == "count":
            hint = ("these masks count only 255: the 127 (shadow) pixels are left out. Count them too: "
                    "labels > 0, or np.isin(labels, (127, 255)).")
        elif np.array_equal(a, labels > 0) and shadows == "ignore":
            hint = "these masks also count the 127 (shadow) pixels; for \"ignore\" keep only labels == 255."
        elif np.array_equal(a, labels == 127):
            hint = "these are the shadow pixels alone (127); the foreground is 255 (and 127 with \"count\")."
        elif np.array_equal(a[1:], expected[1:]) or a.mean() < expected.mean() / 2:
            hint = ("your masks differ from MOG2 run fresh on these frames: create a NEW subtractor "
                    "(cv2.createBackgroundSubtractorMOG2()) inside the function, with the default "
                    "parameters" + (", detectShadows=False for \"off\"" if shadows == "off" else "")
                    + ", and call apply() once per frame in order.")
        else:
            hint = ("run cv2.createBackgroundSubtractorMOG2() with its defaults (detectShadows=False for "
                    "\"off\") on every frame in order; then 255 is foreground, 127 a shadow.")
        wrong = int((a != expected).sum())
        raise _Fail(hint, f"{int(expected.sum())} foreground pixels", f"{int(a.sum())} ({wrong} pixels differ)")


