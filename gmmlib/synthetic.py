"""Synthetic video scenes with exact ground-truth foreground masks.

No package ships real video with ground-truth masks, so the background notebook and the tests
score masks on scenes made here, where the truth is known pixel for pixel. A scene has what
makes background subtraction hard:

- a textured static background and Gaussian sensor noise;
- a "waving leaves" region whose pixels flip between two values (a multi-modal background);
- a slow global illumination drift;
- objects of non-rectangular shapes (ellipses, blobs, person-like silhouettes) that enter,
  cross, sometimes stop for a while, and leave.

The semi-synthetic mode pastes the same objects onto a real background: one still image (for
example the per-pixel median of a real clip's first frames) or a sequence of real frames.

A scene is a recipe, not a stack of frames: iterating over it renders the frames one at a time
from its seed, the same every time, so long or large scenes cost little memory. Call
``arrays()`` when a stack is more convenient.
"""
from dataclasses import dataclass, field

import numpy as np
from scipy import ndimage

from ._validate import validate_bool, validate_float, validate_image, validate_int, validate_iterable

__all__ = ["SyntheticScene", "ObjectTrack", "make_scene"]

#: Bounds of a scene (beyond them a scene takes gigabytes or hours, never what a lesson needs).
MAX_FRAMES = 1_000_000
MAX_SIDE = 4096
MAX_OBJECTS = 200


@dataclass(frozen=True)
class ObjectTrack:
    """One moving object: its sprite and where its top-left corner is at each frame.

    Attributes
    ----------
    kind : str
        "person", "ellipse" or "blob".
    shape : ndarray of bool, shape (h, w)
        The object's silhouette.
    texture : ndarray of float32, shape (h, w, C)
        Its appearance (grey levels before illumination and noise).
    start, stop : int
        First frame it may be visible, and one past the last.
    x, y : ndarray of float, shape (stop - start,)
        Position of the sprite's top-left corner at each of those frames.
    still : tuple of (int, int)
        Frames (first, one past last) during which it stands still; (0, 0) if it never stops.
    """

    kind: str
    shape: np.ndarray = field(repr=False)
    texture: np.ndarray = field(repr=False)
    start: int
    stop: int
    x: np.ndarray = field(repr=False)
    y: np.ndarray = field(repr=False)
    still: tuple


@dataclass(frozen=True, eq=False)
class SyntheticScene:
    """A seeded synthetic (or semi-synthetic) scene; iterate to get ``(frame, mask)`` pairs.

    Build it with :func:`make_scene`. Frames are uint8, shape (H, W) or (H, W, 3); masks are
    bool (H, W), True on object pixels. The waving region, the noise and the illumination
    changes are background (False).

    Attributes
    ----------
    n_frames, height, width : int
    color : bool
    seed : int
    tracks : list of ObjectTrack
    waving : ndarray of bool, shape (H, W)
        Where the multi-modal "leaves" are (all False when there are none).
    gain : ndarray, shape (n_frames,)
        Global illumination factor of each frame.
    """

    n_frames: int
    height: int
    width: int
    color: bool
    seed: int
    noise_sigma: float
    tracks: list = field(repr=False)
    waving: np.ndarray = field(repr=False)
    gain: np.ndarray = field(repr=False)
    _base: np.ndarray = field(repr=False)  # (H, W, C) static background, or None
    _leaves: tuple = field(repr=False)  # (second value (H, W, C), phase (H, W), period)
    _frames: object = field(repr=False)  # (n, H, W[, C]) real background frames, or None

    def __len__(self):
        return self.n_frames

    def __iter__(self):
        """Render the frames one by one: yields ``(frame, mask)``."""
        for t, (frame, mask) in enumerate(self._render()):
            yield frame, mask

    def arrays(self):
        """All frames and masks as two stacked arrays ``(frames, masks)``.

        Memory: ``n_frames * H * W * C`` bytes for the frames; 300 gray frames of 320x240
        take 23 MB.
        """
        shape = (self.n_frames, self.height, self.width)
        frames = np.empty(shape + ((3,) if self.color else ()), np.uint8)
        masks = np.empty(shape, bool)
        for t, (frame, mask) in enumerate(self):
            frames[t], masks[t] = frame, mask
        return frames, masks

    def _render(self):
        H, W = self.height, self.width
        C = 3 if self.color else 1
        # The noise has its own stream, derived from the seed, so every pass is identical.
        noise_rng = np.random.default_rng([self.seed, 1])
        flicker_rng = np.random.default_rng([self.seed, 2])
        for t in range(self.n_frames):
            if self._frames is not None:
                img = np.asarray(self._frames[t], np.float32).reshape(H, W, C).copy()
            else:
                img = self._base.copy()
                if self._leaves is not None:
                    other, phase, period = self._leaves
                    # Each leaf pixel shows one of its two values depending on where the sway
                    # is; a little random flicker keeps the switching irregular.
                    sway = np.sin(2 * np.pi * t / period + phase)
                    sway += 0.6 * flicker_rng.standard_normal((H, W), np.float32)
                    flip = self.waving & (sway > 0)
                    img[flip] = other[flip]
            mask = np.zeros((H, W), bool)
            for tr in self.tracks:
                if tr.start <= t < tr.stop:
                    _paste(img, mask, tr, t - tr.start)
            img *= self.gain[t]
            if self.noise_sigma > 0:
                img += self.noise_sigma * noise_rng.standard_normal(img.shape, np.float32)
            frame = np.clip(np.rint(img), 0, 255).astype(np.uint8)
            yield (frame if self.color else frame[..., 0]), mask


def _paste(img, mask, track, i):
    """Draw ``track`` at its i-th position into img (H, W, C) and mask (H, W), clipped."""
    H, W = mask.shape
    h, w = track.shape.shape
    top, left = int(round(track.y[i])), int(round(track.x[i]))
    r0, r1 = max(top, 0), min(top + h, H)
    c0, c1 = max(left, 0), min(left + w, W)
    if r0 >= r1 or c0 >= c1:
        return
    sub = track.shape[r0 - top:r1 - top, c0 - left:c1 - left]
    img[r0:r1, c0:c1][sub] = track.texture[r0 - top:r1 - top, c0 - left:c1 - left][sub]
    mask[r0:r1, c0:c1] |= sub


def _smooth_field(rng, shape, sigma):
    """Gaussian-filtered white noise rescaled to zero mean and unit standard deviation."""
    f = ndimage.gaussian_filter(rng.standard_normal(shape), sigma, mode="wrap")
    return (f - f.mean()) / f.std()


def _textured_background(rng, H, W, C):
    """A static scene: a brightness gradient, smooth blotches, fine texture and a few edges."""
    yy, xx = np.mgrid[0:H, 0:W] / max(H, W)
    base = 90 + 60 * yy + 25 * xx
    out = np.empty((H, W, C), np.float32)
    for c in range(C):
        tint = rng.uniform(-25, 25) if C > 1 else 0.0
        out[..., c] = (base + tint + 25 * _smooth_field(rng, (H, W), max(H, W) / 12)
                       + 6 * _smooth_field(rng, (H, W), 1.0))
    # A few flat rectangles (buildings, windows): sharp edges are where noise hurts most.
    for _ in range(4):
        h, w = rng.integers(H // 8, H // 3), rng.integers(W // 8, W // 3)
        r, c = rng.integers(0, H - h), rng.integers(0, W - w)
        out[r:r + h, c:c + w] = rng.uniform(40, 220, C)
    return np.clip(out, 10, 245)


def _sprite(kind, rng, size):
    """Boolean silhouette of about ``size`` pixels tall for one object kind."""
    if kind == "person":
        h = size
        w = max(int(0.45 * h), 5)
        yy, xx = np.mgrid[0:h, 0:w] + 0.5
        cx = w / 2
        head_r = 0.11 * h
        head = (xx - cx) ** 2 + (yy - head_r * 1.1) ** 2 < head_r ** 2
        torso = ((xx - cx) / (0.45 * w)) ** 2 + ((yy - 0.42 * h) / (0.22 * h)) ** 2 < 1
        legs = np.zeros_like(head)
        for side in (-1, 1):
            lx = cx + side * 0.13 * w
            legs |= ((xx - lx) / (0.11 * w + 1)) ** 2 + ((yy - 0.77 * h) / (0.22 * h)) ** 2 < 1
        return head | torso | legs
    if kind == "ellipse":
        a, b = size / 2, size / 2 * rng.uniform(0.45, 0.8)
        yy, xx = np.mgrid[0:int(2 * b) + 1, 0:int(2 * a) + 1] + 0.5
        return ((xx - a) / a) ** 2 + ((yy - b) / b) ** 2 < 1
    # "blob": a star-convex shape whose radius wobbles with the angle.
    r0 = size / 2
    n = int(2 * r0 * 1.4) + 1
    yy, xx = np.mgrid[0:n, 0:n] - n / 2 + 0.5
    theta = np.arctan2(yy, xx)
    radius = np.full_like(theta, 1.0)
    for k in (2, 3, 5):
        radius += rng.uniform(0.05, 0.15) * np.cos(k * theta + rng.uniform(0, 2 * np.pi))
    return np.hypot(xx, yy) < r0 * radius


def _track(rng, kind, H, W, C, n_frames, stops, size):
    """Place one object: a crossing from one side to the other, maybe with a stop."""
    shape = _sprite(kind, rng, size)
    h, w = shape.shape
    base = rng.uniform(20, 235, C).astype(np.float32)
    texture = base + 8 * _smooth_field(rng, (h, w), 1.5)[..., None].astype(np.float32)
    speed = rng.uniform(1.0, 2.5)
    left_to_right = rng.random() < 0.5
    x_from, x_to = (-w, W) if left_to_right else (W, -w)
    y0 = rng.uniform(0.1 * H, max(0.9 * H - h, 0.1 * H + 1))
    y1 = np.clip(y0 + rng.uniform(-0.15, 0.15) * H, 0, max(H - h, 1))
    travel = int(np.ceil(abs(x_to - x_from) / speed))
    # (a scene under 4 frames is too short for a stop)
    pause = int(rng.integers(n_frames // 8, n_frames // 4)) if stops and n_frames >= 4 else 0
    duration = travel + pause
    start = int(rng.integers(0, max(n_frames - duration // 2, 1)))
    # Path parameter s in [0, 1]: it advances, holds still at s_stop for `pause` frames, goes on.
    s = np.minimum(np.arange(duration + 1) / travel, 1.0)
    still = (0, 0)
    if pause:
        s_stop = rng.uniform(0.35, 0.65)
        k = int(np.ceil(s_stop * travel))
        s = np.concatenate([s[:k], np.full(pause, s[k]), s[k:travel + 1]])
        still = (start + k, start + k + pause)
    x = x_from + s * (x_to - x_from)
    y = y0 + s * (y1 - y0)
    stop = min(start + len(s), n_frames)
    return ObjectTrack(kind, shape, np.clip(texture, 0, 255), start, stop,
                       x[:stop - start], y[:stop - start], still)


def make_scene(n_frames=300, height=120, width=160, color=False, seed=0, noise_sigma=None,
               n_objects=6, stop_fraction=0.5, waving=True, drift=None, object_size=None,
               background=None, background_frames=None):
    """Make a seeded synthetic scene with exact ground-truth masks.

    Parameters
    ----------
    n_frames, height, width : int
        Length (1 to 1,000,000) and frame size (8 to 4096 pixels a side; height and width
        come from the background when one is given).
    color : bool
        Three channels instead of one (taken from the background when one is given).
    seed : int >= 0
        Everything random (layout, objects, noise, leaf flicker) derives from it.
    noise_sigma : float in [0, 255], optional
        Standard deviation of the Gaussian sensor noise, in grey levels, per channel; default
        4 (0 with ``background_frames``, which carry their own noise).
    n_objects : int in [0, 200]
        Number of objects that cross the scene; their kinds cycle through person, ellipse,
        blob.
    stop_fraction : float in [0, 1]
        Share of the objects that stop on their way for n_frames / 8 to n_frames / 4 frames
        (at least one stops when this is positive). The ground truth keeps a stopped object
        foreground, as changedetection.net does.
    waving : bool
        Add a "leaves" region whose pixels flip between two values (synthetic background
        only).
    drift : float in [-1, 10], optional
        Amplitude of the illumination change: the gain goes from 1 to 1 + drift and back
        over the scene; default 0.08 (0 with ``background_frames``).
    object_size : float, optional
        Object height in pixels, from 2 to twice the frame's longer side; default 35 % of
        the frame height.
    background : ndarray, shape (H, W) or (H, W, 3), optional
        Grey levels 0..255 (uint8, or float in [0, 255]). A real still background (e.g. ``np.median(frames[:50], axis=0)``) used instead of
        the generated texture; noise, drift and objects are added on top.
    background_frames : sequence of arrays (H, W) or (H, W, 3), optional
        Real frames used as they are (their own noise and motion, no added noise or drift
        unless asked): the objects are pasted on them. Needs at least ``n_frames`` frames,
        none of which may contain a real foreground object (the truth would not know it).

    Returns
    -------
    SyntheticScene
        Iterate over it for ``(frame, mask)`` pairs, or call ``.arrays()``.

    Raises
    ------
    TypeError, ValueError
        At the call, for a value of the wrong type or out of its range (the message names
        the argument and the allowed values).

    Examples
    --------
    >>> from gmmlib.synthetic import make_scene
    >>> scene = make_scene(n_frames=20, height=48, width=64, seed=1)
    >>> frame, mask = next(iter(scene))
    >>> frame.shape, frame.dtype, mask.dtype
    ((48, 64), dtype('uint8'), dtype('bool'))
    """
    if background is not None and background_frames is not None:
        raise ValueError("pass either background (one still image) or background_frames "
                         "(a sequence of real frames), not both")
    n_frames = validate_int(n_frames, "n_frames", f"[1, {MAX_FRAMES}]",
                         expected=f"a positive integer (at most {MAX_FRAMES})")
    side = f"an integer in [8, {MAX_SIDE}] (frames are at least 8x8 pixels)"
    height = validate_int(height, "height", f"[8, {MAX_SIDE}]", expected=side)
    width = validate_int(width, "width", f"[8, {MAX_SIDE}]", expected=side)
    color = validate_bool(color, "color")
    seed = validate_int(seed, "seed", "[0, inf)", hint="pass an integer seed such as 0")
    real = background_frames is not None
    noise_sigma = validate_float(noise_sigma, "noise_sigma", "[0, 255]", allow_none=True,
                              hint="it is the sensor noise in grey levels, e.g. 4")
    drift = validate_float(drift, "drift", "[-1, 10]", allow_none=True,
                        hint="the light changes by a factor 1 + drift, e.g. 0.08")
    noise_sigma = (0.0 if real else 4.0) if noise_sigma is None else noise_sigma
    drift = (0.0 if real else 0.08) if drift is None else drift
    n_objects = validate_int(n_objects, "n_objects", f"[0, {MAX_OBJECTS}]",
                          hint="it is the number of objects that cross the scene")
    stop_fraction = validate_float(stop_fraction, "stop_fraction", "[0, 1]", expected="in [0, 1]",
                                hint="it is the share of the objects that stop")
    waving = validate_bool(waving, "waving")
    object_size = validate_float(object_size, "object_size", "[2, inf)", allow_none=True,
                              hint="it is the object height in pixels")
    rng = np.random.default_rng([seed, 0])
    base, frames, height, width, color = _scene_source(background, background_frames, n_frames,
                                                       height, width, color)
    waving = waving and background is None and background_frames is None
    if object_size is not None and object_size > 2 * max(height, width):
        raise ValueError(f"object_size must be a number in [2, {2 * max(height, width)}] (twice "
                         f"the frame's longer side), got {object_size:g}; it is the object "
                         "height in pixels")
    C = 3 if color else 1
    if base is None and frames is None:
        base = _textured_background(rng, height, width, C)

    waving_mask, leaves = (_waving_leaves(rng, base, height, width, C) if waving
                           else (np.zeros((height, width), bool), None))

    size = object_size if object_size is not None else 0.35 * height
    kinds = ("person", "ellipse", "blob")
    n_stop = int(np.ceil(stop_fraction * n_objects))
    tracks = [_track(rng, kinds[i % 3], height, width, C, n_frames, i < n_stop,
                     size * (rng.uniform(0.8, 1.2) if kinds[i % 3] != "person" else 1.0))
              for i in range(n_objects)]
    t = np.arange(n_frames)
    gain = (1 + drift * np.sin(np.pi * t / max(n_frames - 1, 1))).astype(np.float32)
    return SyntheticScene(n_frames=int(n_frames), height=int(height), width=int(width),
                          color=bool(color), seed=seed, noise_sigma=float(noise_sigma),
                          tracks=tracks, waving=waving_mask, gain=gain, _base=base,
                          _leaves=leaves, _frames=frames)


def _scene_source(background, background_frames, n_frames, height, width, color):
    """(base image or None, real frames or None, height, width, color) of the scene's background."""
    base = frames = None
    if background_frames is not None:
        frames = _check_background_frames(background_frames, n_frames)
        height, width = frames[0].shape[:2]
        color = frames[0].ndim == 3
    elif background is not None:
        background = validate_image(background, "background", channels=(1, 3))
        height, width = background.shape[:2]
        color = background.ndim == 3
        base = background.astype(np.float32).reshape(height, width, 3 if color else 1)
    if not (8 <= height <= MAX_SIDE and 8 <= width <= MAX_SIDE):
        source = "background" if background is not None else "background_frames[0]"
        raise ValueError(f"{source} has shape {height}x{width}, but frames must be at least 8x8 "
                         f"pixels and at most {MAX_SIDE} on a side")
    return base, frames, height, width, color


def _waving_leaves(rng, base, height, width, C):
    """An irregular patch in the upper right, like a tree crown, whose pixels flip between two
    values; paints the first into ``base``. Returns (mask, (other image, phase, period))."""
    cy, cx = 0.3 * height, 0.75 * width
    yy, xx = np.mgrid[0:height, 0:width]
    r = np.hypot((yy - cy) / (0.22 * height), (xx - cx) / (0.18 * width))
    mask = r + 0.25 * _smooth_field(rng, (height, width), 3) < 1
    leaves_a = np.clip(70 + 30 * _smooth_field(rng, (height, width), 1.0), 0, 255)
    leaves_b = np.clip(140 + 30 * _smooth_field(rng, (height, width), 1.0), 0, 255)
    base[mask] = leaves_a[mask, None] * np.ones(C, np.float32)
    other = base.copy()
    other[mask] = leaves_b[mask, None] * np.ones(C, np.float32)
    # Neighbouring leaves sway together: a smooth phase field, period about 9 frames.
    phase = (np.pi * _smooth_field(rng, (height, width), 4)).astype(np.float32)
    return mask, (other, phase, 9.0)


def _check_background_frames(frames, n_frames):
    """The first n_frames real frames, each checked like an image, all of one shape."""
    validate_iterable(frames, "background_frames", "frames (a list of (H, W) or (H, W, 3) arrays, "
                   "or one array (n, H, W[, 3]))", sized=True)
    if len(frames) < n_frames:
        raise ValueError(f"background_frames has {len(frames)} frames but n_frames={n_frames}; "
                         "pass fewer n_frames or more frames")
    checked = []
    for t in range(n_frames):
        frame = validate_image(frames[t], f"background_frames[{t}]", channels=(1, 3))
        if checked and frame.shape != checked[0].shape:
            raise ValueError(f"background_frames[{t}] has shape {frame.shape} but "
                             f"background_frames[0] has shape {checked[0].shape}; every frame "
                             "must have the same size")
        checked.append(frame)
    return checked
