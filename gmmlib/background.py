"""Per-pixel Gaussian mixtures for video: the Stauffer-Grimson background model.

Every pixel keeps its own small mixture of K Gaussians over the values it has seen. A value
that fits one of the heavy, narrow Gaussians is background; anything else is foreground.
The notebook on background subtraction uses this module; ``gmmlib.synthetic`` makes scenes
with exact ground truth for it and ``gmmlib.metrics`` scores the masks.

Reference: C. Stauffer and W. E. L. Grimson, "Adaptive background mixture models for
real-time tracking", CVPR 1999. The fast start follows P. KaewTraKulPong and R. Bowden,
"An improved adaptive background mixture model for real-time tracking with shadow
detection", 2001 (OpenCV's ``bgsegm`` MOG).
"""
from dataclasses import dataclass

import numpy as np
from scipy import stats

from . import stauffer_grimson as sg
from ._validate import (InputIndexError, ieee_errstate, validate_bool, validate_float, validate_frame,
                        validate_frame_values, validate_int, validate_options)
from .stauffer_grimson import background_components

__all__ = ["BackgroundModel", "PixelMixture", "LEARNING_RATES"]

#: The ways to set rho, the step of the matched component's mean and variance.
LEARNING_RATES = ("inverse_weight", "paper", "constant")
#: The most Gaussians a pixel may keep (the paper uses 3 to 5).
MAX_K = 64


@dataclass(frozen=True)
class PixelMixture:
    """The mixture of one pixel, sorted by w / sigma (most reliable first).

    Attributes
    ----------
    weights : ndarray, shape (K,)
    means : ndarray, shape (K, C)
        C = 1 for gray frames.
    variances : ndarray, shape (K,)
        One variance per component, shared by the channels.
    is_background : ndarray of bool, shape (K,)
        True for the first B components whose weights sum past T.
    """

    weights: np.ndarray
    means: np.ndarray
    variances: np.ndarray
    is_background: np.ndarray


class BackgroundModel:
    """Stauffer-Grimson background subtraction with K Gaussians per pixel, in numpy.

    For each new value x of a pixel (one value, or C channel values):

    1. **match**: the first component in order of decreasing w / sigma with
       ``||x - mu||^2 < t_C^2 sigma^2``. For gray frames ``t_1`` is ``match_threshold``
       (|x - mu| < 2.5 sigma). For C channels the squared distance summed over the channels
       follows a chi-square law with C degrees of freedom, so a fixed 2.5^2 would reject
       10 % of true background values in colour against 1.2 % in gray; ``t_C^2`` is the
       chi-square quantile with the same tail probability as ``match_threshold`` in one
       dimension (about 3.3 sigma for C = 3). Gray and colour then make the same number of
       noise false alarms.
    2. **weights**: ``w_k <- (1 - alpha) w_k + alpha M_k`` (M = 1 for the matched component).
    3. **matched component**: ``mu <- mu + rho (x - mu)``,
       ``sigma^2 <- sigma^2 + rho (||x - mu||^2 / C - sigma^2)`` (old mean: one pass over
       the data), floored at ``variance_floor``.
    4. **no match**: the component with the smallest w / sigma is replaced by one centred on
       x with ``initial_variance`` and ``initial_weight``; the weights are renormalised.
    5. **background**: sorted by w / sigma, the first B components whose weights sum past
       ``T``. A value is foreground when it matches none of them.

    Each step is a function of :mod:`gmmlib.stauffer_grimson` (``rank``, ``match``,
    ``background_components``, ``classify``, ``update``, ``replace``) working on all pixels at
    once, and ``apply`` calls them in the paper's order. The components stay where they are
    in memory: ``rank`` gives each one its place in the order of decreasing w / sigma (the
    order of a stable sort), by comparing pairs of components over the whole image. The
    state lives in arrays allocated with the first frame, so memory does not grow with the
    number of frames.

    Parameters
    ----------
    K : int, default 3
        Components per pixel (3 to 5 in the paper).
    alpha : float in (0, 1], default 0.005
        Learning rate of the weights; about 1 / alpha frames of memory. A still object
        gets a new component of weight ``w0 = initial_weight / (1 - alpha + initial_weight)``
        (after renormalisation), which then grows as ``1 - (1 - w0) (1 - alpha)^n``; for
        T >= 0.5 the object is background from the frame after the weight of the old
        components, ``(1 - w0) (1 - alpha)^n``, drops to T or below:
        ``1 + ceil(log(T / (1 - w0)) / log(1 - alpha))`` frames after it stopped (63 for the
        defaults, 6 s at 10 frames a second). For T < 0.5 the ranking by w / sigma decides.
    T : float in (0, 1), default 0.7
        Fraction of the weight that the background components must cover. A pixel that
        shows several values (leaves, water) is background only if T exceeds the share of all
        its modes but the most reliable one: at T = 0.5 a pixel flipping evenly between two
        values is flagged about a fifth of the time, at 0.7 almost never.
    match_threshold : float > 0, default 2.5
        Match distance in standard deviations (for one channel; see step 1 above).
    initial_variance : float > 0, default 400.0
        Variance of a new component, in squared grey levels (sigma = 20): wide, so that a new
        component first catches its neighbourhood and then narrows down.
    initial_weight : float in (0, 1), default 0.05
        Weight of a new component, before renormalisation.
    variance_floor : float > 0, default 16.0
        Smallest allowed variance (sigma = 4 grey levels). Without a floor the variance of a
        very steady pixel shrinks until the 8-bit rounding and a little noise make it
        foreground all the time.
    learning_rate : {"inverse_weight", "paper", "constant"}, default "inverse_weight"
        How rho, the step of the matched mean and variance, is set:
        ``"paper"``: ``rho = alpha N(x | mu, sigma^2)`` (Stauffer and Grimson; tiny, so a
        component adapts very slowly); ``"inverse_weight"``: ``rho = alpha / w`` after the
        weight update (a component learns as fast as it gains weight, like a running mean;
        OpenCV's MOG2 does this); ``"constant"``: ``rho = alpha``.
    fast_start : bool, default True
        Use ``max(alpha, 1 / t)`` instead of alpha at frame t (KaewTraKulPong and Bowden;
        OpenCV's MOG uses ``1 / min(t, history)``): the first frames are averaged instead of
        being learnt at the slow rate, so the model is usable after a few frames.

    Attributes
    ----------
    n_frames_ : int
        Frames seen so far.
    shape_, dtype_ : tuple, numpy dtype
        Shape and dtype of the first frame; later frames must match them.

    Examples
    --------
    >>> import numpy as np
    >>> from gmmlib.background import BackgroundModel
    >>> rng = np.random.default_rng(0)
    >>> model = BackgroundModel()
    >>> for _ in range(50):
    ...     mask = model.apply(rng.normal(100, 3, (24, 32)).clip(0, 255).astype(np.uint8))
    >>> mask.shape, mask.dtype
    ((24, 32), dtype('bool'))
    >>> bool(mask.mean() < 0.05)
    True
    """

    def __init__(self, K=3, alpha=0.005, T=0.7, match_threshold=2.5, initial_variance=400.0,
                 initial_weight=0.05, variance_floor=16.0, learning_rate="inverse_weight",
                 fast_start=True):
        K = validate_int(K, "K", "[1, inf)", expected="an integer >= 1",
                      hint="the number of Gaussians per pixel; 3 to 5 is usual")
        if K > MAX_K:
            raise ValueError(f"K must be a whole number in [1, {MAX_K}], got {K}; each pixel "
                             "keeps K Gaussians in memory and 3 to 5 is usual")
        alpha = validate_float(alpha, "alpha", "(0, 1]",
                            hint="it is a learning rate; 0.001 to 0.05 is usual")
        T = validate_float(T, "T", "(0, 1)", hint="it is the share of the weight the background "
                        "must cover; 0.5 to 0.9 is usual")
        match_threshold = validate_float(match_threshold, "match_threshold", "(0, 1000]",
                                      hint="it is a distance in standard deviations; 2.5 is "
                                      "the paper's value")
        initial_variance = validate_float(initial_variance, "initial_variance", "(0, 1e6]",
                                       hint="it is in squared grey levels, e.g. 400 for sigma = 20")
        initial_weight = validate_float(initial_weight, "initial_weight", "(0, 1)",
                                     hint="a new component should start light, e.g. 0.05")
        variance_floor = validate_float(variance_floor, "variance_floor", "(0, 1e6]",
                                     hint="it is in squared grey levels, e.g. 16 for sigma = 4")
        if variance_floor > initial_variance:
            raise ValueError(f"variance_floor ({variance_floor}) is larger than initial_variance "
                             f"({initial_variance}); lower the floor or raise the initial variance")
        validate_options(learning_rate, "learning_rate", LEARNING_RATES)
        fast_start = validate_bool(fast_start, "fast_start")
        self.K = int(K)
        self.alpha = float(alpha)
        self.T = float(T)
        self.match_threshold = float(match_threshold)
        self.initial_variance = float(initial_variance)
        self.initial_weight = float(initial_weight)
        self.variance_floor = float(variance_floor)
        self.learning_rate = learning_rate
        self.fast_start = bool(fast_start)
        self.reset()

    # ------------------------------------------------------------------ state
    def reset(self):
        """Forget everything: the next frame starts a new model (and may have a new size)."""
        self.n_frames_ = 0
        self.shape_ = None
        self.dtype_ = None
        self._w = self._mu = self._var = None

    def _allocate(self, frame):
        """Create the state and the scratch arrays for frames like ``frame``."""
        H, W = frame.shape[:2]
        C = 1 if frame.ndim == 2 else frame.shape[2]
        K, N = self.K, H * W
        self.shape_, self.dtype_ = frame.shape, frame.dtype
        self._C, self._N = C, N
        # float32 halves the memory traffic, which is what limits these element-wise loops;
        # 24 bits of mantissa are plenty for grey levels.
        f4 = np.float32
        self._w = np.zeros((K, N), f4)
        self._mu = np.zeros((K, C, N), f4)
        self._var = np.full((K, N), self.initial_variance, f4)
        # The squared threshold on the distance summed over C channels: the chi-square
        # quantile with the same tail probability as match_threshold in one dimension.
        tail = 2 * stats.norm.sf(self.match_threshold)
        self._thr2 = float(stats.chi2.isf(tail, C)) if C > 1 else self.match_threshold ** 2
        self._x = np.empty((C, N), f4)
        # The floor as a full array: numpy's maximum against a scalar is about 4x slower.
        self._floor = np.full((K, N), self.variance_floor, f4).T

    # ------------------------------------------------------------------ input checks
    def _check_frame(self, frame):
        name = f"frame {self.n_frames_}"
        frame = validate_frame(frame, "frame")
        if self.shape_ is not None and (frame.shape != self.shape_ or frame.dtype != self.dtype_):
            raise ValueError(
                f"{name} has shape {frame.shape} and dtype {frame.dtype}, but "
                f"the model was built for shape {self.shape_} and dtype {self.dtype_} (its first "
                "frame); resize or convert the frames the same way, or call reset() to start "
                "a new model")
        # Float frames must hold grey levels: a frame scaled to [0, 1] would never differ
        # from the background by 2.5 sigma (sigma >= 4 levels), and values beyond float32
        # would turn the parameters into NaN.
        peak = 0.0 if self.shape_ is None else self._peak  # judged on the video so far
        frame = validate_frame_values(frame, name, peak=peak)
        self._peak = max(peak, float(frame.max())) if frame.dtype.kind == "f" else 255.0
        return frame

    # ------------------------------------------------------------------ one frame
    @ieee_errstate  # learning_rate="paper" relies on exp(-large) underflowing to 0
    def apply(self, frame):
        """Classify a frame against the model, then update the model with it.

        Parameters
        ----------
        frame : ndarray, shape (H, W) or (H, W, C), uint8 or float in [0, 255]
            Every frame must have the shape and dtype of the first one.

        Returns
        -------
        ndarray of bool, shape (H, W)
            True where the pixel is foreground (it matched no background component).
        """
        frame = self._check_frame(frame)
        if self.shape_ is None:
            self._allocate(frame)
        # The steps want each pixel's K components on the last axis: (N, K), (N, K, C), (N, C)
        # views of the (K, N) storage, whose rows keep every whole-image step a flat loop.
        w, mu, var, x = self._w.T, self._mu.transpose(2, 0, 1), self._var.T, self._x.T
        x[...] = frame.reshape(self._N, self._C)
        self.n_frames_ += 1
        t = self.n_frames_
        alpha = max(self.alpha, 1.0 / t) if self.fast_start else self.alpha
        if t == 1:  # the first frame is the first component of every pixel
            w[:, 0] = 1.0
            mu[:, 0] = x
            return np.zeros(self.shape_[:2], bool)

        key = sg.rank_key(w, var)
        ranks = sg.rank(key)
        x_minus_mu, sq_dist = sg.squared_distances(x, mu)
        matched = sg.match(sq_dist, var, key, ranks, self._thr2)
        foreground = sg.classify(matched, background_components(w, None, self.T, ranks=ranks))
        sg.update(w, mu, var, x_minus_mu, sq_dist, matched, alpha, self.learning_rate,
                  self._floor)
        sg.replace(w, mu, var, x, key, ~matched.any(axis=-1), self.initial_weight,
                   self.initial_variance)
        return foreground.reshape(self.shape_[:2])

    # ------------------------------------------------------------------ reading the model
    def _require_fitted(self):
        if self.n_frames_ == 0:
            raise ValueError("the model has seen no frame yet; call apply(frame) first")

    def background(self):
        """The mean of each pixel's most reliable component (largest w / sigma), as uint8.

        Returns
        -------
        ndarray of uint8, shape (H, W) or (H, W, C) like the frames
        """
        self._require_fitted()
        first = sg.rank(sg.rank_key(self._w.T, self._var.T)) == 0  # (N, K), one True a row
        mean = self._mu.transpose(2, 0, 1)[first]  # (N, C)
        img = np.clip(np.rint(mean), 0, 255).astype(np.uint8)
        return img.reshape(self.shape_[:2] + ((self._C,) if len(self.shape_) == 3 else ()))

    @property
    def weights_(self):
        """Copy of the weights, shape (H, W, K), in storage order (not sorted)."""
        self._require_fitted()
        return self._w.T.reshape(self.shape_[:2] + (self.K,)).copy()

    @property
    def means_(self):
        """Copy of the means, shape (H, W, K, C) (C = 1 for gray), in storage order."""
        self._require_fitted()
        return np.moveaxis(self._mu, 2, 0).reshape(self.shape_[:2] + (self.K, self._C)).copy()

    @property
    def variances_(self):
        """Copy of the variances, shape (H, W, K), in storage order."""
        self._require_fitted()
        return self._var.T.reshape(self.shape_[:2] + (self.K,)).copy()

    def mixture_at(self, row, col):
        """The mixture of pixel (row, col), sorted by decreasing w / sigma.

        Handy for plotting one pixel's Gaussians while a video plays: call it after each
        ``apply``.

        Raises
        ------
        IndexError (also a ValueError)
            When (row, col) is outside the frame.

        Returns
        -------
        PixelMixture
            Float64 copies: weights (K,), means (K, C), variances (K,), is_background (K,).
        """
        self._require_fitted()
        row, col = validate_int(row, "row", "(-inf, inf)"), validate_int(col, "col", "(-inf, inf)")
        H, W = self.shape_[:2]
        if not (-H <= row < H and -W <= col < W):
            raise InputIndexError(f"pixel ({row}, {col}) is outside the {H}x{W} frame; row must "
                                  f"be in [0, {H - 1}] and col in [0, {W - 1}]")
        i = (row % H) * W + (col % W)
        w = self._w[:, i].astype(float)
        var = self._var[:, i].astype(float)
        mu = self._mu[:, :, i].astype(float)
        ranks = sg.rank(sg.rank_key(w, var))
        is_background = background_components(w, None, self.T, ranks=ranks)
        order = np.argsort(ranks)
        return PixelMixture(weights=w[order], means=mu[order], variances=var[order],
                            is_background=is_background[order])

    def __repr__(self):
        return (f"BackgroundModel(K={self.K}, alpha={self.alpha}, T={self.T}, "
                f"match_threshold={self.match_threshold}, initial_variance={self.initial_variance}, "
                f"initial_weight={self.initial_weight}, variance_floor={self.variance_floor}, "
                f"learning_rate={self.learning_rate!r}, fast_start={self.fast_start})")
