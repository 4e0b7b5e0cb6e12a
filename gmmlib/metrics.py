"""Scoring foreground masks against ground truth: precision, recall, F-measure.

As in the changedetection.net benchmark, the first frames (the warm-up, while a model is still
learning the background) are not scored, and the overall scores come from the true positives,
false positives and false negatives summed over all scored frames, not from averaging per-frame
scores (a frame with three foreground pixels would otherwise weigh as much as one with three
thousand).

    precision = TP / (TP + FP)     recall = TP / (TP + FN)
    F = 2 precision recall / (precision + recall) = 2 TP / (2 TP + FP + FN)
"""
from dataclasses import dataclass

import numpy as np

from ._validate import ieee_errstate, validate_array, validate_int, validate_iterable

__all__ = ["MaskScores", "MaskScorer", "score_masks", "precision_recall_f"]


@ieee_errstate
def precision_recall_f(tp, fp, fn):
    """Precision, recall and F-measure from counts (scalars or arrays).

    A ratio whose denominator is 0 (no detection, or no true foreground) is NaN: it is
    undefined, and 0 or 1 would both bias an average. Counts must be finite and >= 0, and
    arrays of counts must have shapes that broadcast together.
    """
    tp, fp, fn = (_counts(v, name) for v, name in ((tp, "tp"), (fp, "fp"), (fn, "fn")))
    try:
        np.broadcast_shapes(tp.shape, fp.shape, fn.shape)
    except ValueError:
        raise ValueError(f"tp, fp and fn have shapes {tp.shape}, {fp.shape} and {fn.shape}, "
                         "which do not broadcast together; pass counts of the same shape") from None
    with np.errstate(invalid="ignore", divide="ignore"):
        precision = tp / (tp + fp)
        recall = tp / (tp + fn)
        f = 2 * tp / (2 * tp + fp + fn)
    return precision, recall, f


@dataclass(frozen=True)
class MaskScores:
    """Scores of a sequence of masks after the warm-up.

    Attributes
    ----------
    precision, recall, f_measure : float
        Overall, from the summed counts (NaN when undefined).
    tp, fp, fn, tn : int
        Summed pixel counts over the scored frames.
    per_frame_precision, per_frame_recall, per_frame_f : ndarray, shape (n_scored,)
        The same per scored frame (NaN where undefined, e.g. no foreground at all).
    n_scored, warmup : int
    """

    precision: float
    recall: float
    f_measure: float
    tp: int
    fp: int
    fn: int
    tn: int
    per_frame_precision: np.ndarray
    per_frame_recall: np.ndarray
    per_frame_f: np.ndarray
    n_scored: int
    warmup: int


class MaskScorer:
    """Accumulate confusion counts frame by frame (no frame is kept in memory).

    Parameters
    ----------
    warmup : int, default 0
        Number of first frames passed to :meth:`update` that are not scored.

    Examples
    --------
    >>> import numpy as np
    >>> scorer = MaskScorer(warmup=1)
    >>> truth = np.array([[True, False], [False, False]])
    >>> scorer.update(np.zeros((2, 2), bool), truth)  # warm-up frame: ignored
    >>> scorer.update(np.array([[True, True], [False, False]]), truth)
    >>> s = scorer.result()
    >>> s.precision, s.recall, round(s.f_measure, 3)
    (0.5, 1.0, 0.667)
    """

    def __init__(self, warmup=0):
        self.warmup = validate_int(warmup, "warmup", "[0, inf)", expected="an integer >= 0",
                                hint="it is the number of first frames not scored")
        self._seen = 0
        self._counts = []  # (tp, fp, fn, tn) per scored frame: 4 ints a frame

    @ieee_errstate
    def update(self, mask, truth):
        """Add one frame: ``mask`` is the prediction, ``truth`` the ground truth (H, W)."""
        self._update(mask, truth, "mask", "truth")

    def _update(self, mask, truth, mask_name, truth_name):
        mask = _as_mask(mask, mask_name)
        truth = _as_mask(truth, truth_name)
        if mask.shape != truth.shape:
            raise ValueError(f"frame {self._seen}: the mask has shape {mask.shape} but the ground "
                             f"truth has shape {truth.shape} ({mask_name} and {truth_name}); "
                             "both must be (H, W) of the same frame (a colour mask? reduce it "
                             "with mask.any(axis=-1))")
        self._seen += 1
        if self._seen <= self.warmup:
            return
        tp = np.count_nonzero(mask & truth)
        fp = np.count_nonzero(mask) - tp
        fn = np.count_nonzero(truth) - tp
        self._counts.append((tp, fp, fn, mask.size - tp - fp - fn))

    @ieee_errstate
    def result(self):
        """The scores so far, as a :class:`MaskScores`."""
        if not self._counts:
            raise ValueError(f"no frame was scored: {self._seen} frames seen, warm-up "
                             f"{self.warmup}; pass more frames or a shorter warm-up "
                             f"(warmup < {max(self._seen, 1)})")
        c = np.array(self._counts, dtype=np.int64)
        tp, fp, fn, tn = (int(v) for v in c.sum(axis=0))
        p, r, f = precision_recall_f(tp, fp, fn)
        pp, rr, ff = precision_recall_f(c[:, 0], c[:, 1], c[:, 2])
        return MaskScores(precision=float(p), recall=float(r), f_measure=float(f), tp=tp, fp=fp,
                          fn=fn, tn=tn, per_frame_precision=pp, per_frame_recall=rr,
                          per_frame_f=ff, n_scored=len(c), warmup=self.warmup)


@ieee_errstate
def score_masks(masks, truths, warmup=0):
    """Score a sequence of predicted masks against ground-truth masks.

    Parameters
    ----------
    masks, truths : iterables of arrays (H, W), or arrays (n, H, W)
        Predictions and ground truth, frame by frame; bool, or 0/1 or 0/255 integers.
    warmup : int, default 0
        The first ``warmup`` frames are not scored.

    Returns
    -------
    MaskScores
    """
    for name, seq in (("masks", masks), ("truths", truths)):
        validate_iterable(seq, name, "(H, W) masks, or an array (n, H, W)")
        if isinstance(seq, np.ndarray) and seq.ndim != 3:
            raise ValueError(f"{name} must be a sequence of (H, W) masks or an array (n, H, W), "
                             f"got an array of shape {seq.shape}"
                             + ("; for a single frame pass [mask]" if seq.ndim == 2 else ""))
    if isinstance(masks, np.ndarray) and isinstance(truths, np.ndarray) \
            and masks.shape != truths.shape:
        raise ValueError(f"masks have shape {masks.shape} but truths have shape {truths.shape}; "
                         "pass one (H, W) mask per ground-truth frame")
    scorer = MaskScorer(warmup)
    sentinel = object()
    it_m, it_t = iter(masks), iter(truths)
    while True:
        m, t = next(it_m, sentinel), next(it_t, sentinel)
        if m is sentinel and t is sentinel:
            break
        if m is sentinel or t is sentinel:
            raise ValueError(f"masks and truths have different lengths (one ran out after "
                             f"{scorer._seen} frames); pass one mask per ground-truth frame")
        scorer._update(m, t, f"masks[{scorer._seen}]", f"truths[{scorer._seen}]")
    return scorer.result()


def _counts(v, name):
    """Confusion counts as float64: finite numbers >= 0."""
    a = validate_array(v, name, allow_empty=True, allow_bool=False, dtype=np.float64)
    if (a < 0).any():
        raise ValueError(f"{name} holds negative values (min {a.min():g}); counts are >= 0")
    return a


def _as_mask(a, name):
    """A bool (H, W) array from bool, or from integers holding only 0/1 or 0/255."""
    a = validate_array(a, name, allow_empty=True)
    if a.ndim != 2:
        raise ValueError(f"{name} must be a 2-D (H, W) mask, got shape {a.shape}")
    if a.dtype == bool:
        return a
    if a.dtype.kind in "iu":
        top = a.max(initial=0)
        if a.min(initial=0) >= 0 and top <= 1:
            return a != 0
        if top == 255 and not np.any((a != 0) & (a != 255)):
            return a != 0
        raise ValueError(f"{name} holds values other than 0/1 or 0/255 (max {top}); threshold it "
                         "yourself, e.g. mask == 255 to drop OpenCV MOG2's shadow value 127")
    raise ValueError(f"{name} must be bool (True = foreground) or 0/1 or 0/255 integers, got "
                     f"dtype {a.dtype}")
