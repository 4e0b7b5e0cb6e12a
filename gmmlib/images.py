"""EM on pixels: a grayscale image through its 256-level histogram, a colour image through its pixels.

Seed 000's observation: the normalised histogram is the intensity PDF, so EM on the 256 levels
weighted by their counts is exactly EM on every pixel, at a cost that does not grow with the
image.
"""
from dataclasses import dataclass

import numpy as np

from .history import EMResult
from .painless import painless_em

LEVELS = np.arange(256, dtype=np.float64)


def as_gray_uint8(image):
    """Check that ``image`` is a 2-D uint8 grayscale image (the histogram has 256 levels)."""
    img = np.asarray(image)
    if img.ndim == 3 and img.shape[2] in (3, 4):
        raise ValueError(f"expected a grayscale image, got shape {img.shape} (colour); use "
                         "skimage.color.rgb2gray, then skimage.util.img_as_ubyte, or segment_colour")
    if img.ndim != 2:
        raise ValueError(f"expected a 2-D grayscale image, got shape {img.shape}")
    if img.size == 0:
        raise ValueError("the image is empty")
    if img.dtype != np.uint8:
        raise ValueError(f"expected uint8 intensities 0..255, got dtype {img.dtype}; convert with "
                         "skimage.util.img_as_ubyte(image)")
    return img


def intensity_histogram(image):
    """(levels (256,), counts (256,)): the data and weights of histogram EM."""
    img = as_gray_uint8(image)
    return LEVELS.copy(), np.bincount(img.ravel(), minlength=256).astype(np.float64)


def histogram_em(image, K, init="equal-range", **kwargs):
    """Painless EM on the intensity histogram (weighted EM on 256 levels).

    The default start is seed 000's: [0, 255] cut into K equal parts. Levels with count 0 are
    dropped (they weigh nothing). Returns an EMResult like ``painless_em``.
    """
    levels, counts = intensity_histogram(image)
    keep = counts > 0
    if init == "equal-range":
        kwargs.setdefault("init_range", (0, 255))
    return painless_em(levels[keep], K, weights=counts[keep], init=init, **kwargs)


def label_lut(mixture):
    """A 256-entry lookup table: each intensity's most probable component (max posterior)."""
    return mixture.predict(LEVELS).astype(np.uint8)


@dataclass
class GraySegmentation:
    labels: np.ndarray   # (H, W) component index of every pixel
    lut: np.ndarray      # (256,) component index of every intensity
    result: EMResult     # the EM run on the histogram

    @property
    def thresholds(self):
        """Intensities where the label changes (the decision thresholds along 0..255)."""
        return np.flatnonzero(np.diff(self.lut.astype(int)) != 0) + 1


def segment_gray(image, K, **kwargs):
    """Segment a uint8 grayscale image by histogram EM; labels ordered dark to bright."""
    result = histogram_em(image, K, **kwargs)
    rank = np.argsort(np.argsort(result.mixture.means[:, 0]))  # component -> rank by brightness
    lut = rank[label_lut(result.mixture)].astype(np.uint8)
    return GraySegmentation(lut[as_gray_uint8(image)], lut, result)


def as_colour_pixels(image):
    img = np.asarray(image)
    if img.ndim != 3 or img.shape[2] not in (3, 4):
        raise ValueError(f"expected a colour image of shape (H, W, 3), got {img.shape}")
    if img.shape[2] == 4:
        img = img[:, :, :3]
    return img.reshape(-1, 3)


@dataclass
class ColourSegmentation:
    labels: np.ndarray   # (H, W)
    result: EMResult

    def mean_colour_image(self):
        """Every pixel painted with its component's mean colour (uint8)."""
        means = np.clip(np.rint(self.result.mixture.means), 0, 255).astype(np.uint8)
        return means[self.labels]


def segment_colour(image, K, **kwargs):
    """Full-covariance painless EM on the RGB pixels; each pixel gets its max-posterior component."""
    pixels = as_colour_pixels(image)
    result = painless_em(pixels, K, **kwargs)
    labels = result.mixture.predict(pixels).reshape(np.asarray(image).shape[:2])
    return ColourSegmentation(labels, result)
