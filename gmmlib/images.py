"""EM on pixels: a grayscale image through its 256-level histogram, a colour image through its pixels.

Seed 000's observation: the normalised histogram is the intensity PDF, so EM on the 256 levels
weighted by their counts is exactly EM on every pixel, at a cost that does not grow with the
image.
"""
from dataclasses import dataclass

import numpy as np

from ._validate import InputTypeError, ieee_errstate, validate_image, show
from .history import EMResult
from .mixture import Mixture
from .painless import painless_em

LEVELS = np.arange(256, dtype=np.float64)


def as_gray_uint8(image, name="image"):
    """Check that ``image`` holds 2-D grayscale levels 0..255 and return it as uint8.

    Integer images with values in 0..255 are converted; float images are refused with the
    fix (the histogram has 256 integer levels, and a float image may be scaled to [0, 1]).
    """
    img = validate_image(image, name, channels=(1,))
    if img.dtype.kind == "f":
        fix = (f"skimage.util.img_as_ubyte({name}) (its values are in [0, 1]: scale float "
               "images to 0..255 or pass uint8)" if float(img.max()) <= 1
               else f"np.rint({name}).astype(np.uint8)")
        raise ValueError(f"{name} must hold uint8 grey levels 0..255 (the histogram has 256 "
                         f"levels), got dtype {img.dtype}; convert it with {fix}")
    return img


@ieee_errstate
def intensity_histogram(image):
    """(levels (256,), counts (256,)): the data and weights of histogram EM."""
    img = as_gray_uint8(image)
    return LEVELS.copy(), np.bincount(img.ravel(), minlength=256).astype(np.float64)


@ieee_errstate
def histogram_em(image, K, init="equal-range", **kwargs):
    """Painless EM on the intensity histogram (weighted EM on 256 levels).

    The default start cuts [0, 255] into K equal parts (one Gaussian fitted to each part). Levels with count 0 are
    dropped (they weigh nothing). Returns an EMResult like ``painless_em``, which checks
    ``K``, ``init`` and the other keyword arguments.
    """
    if "weights" in kwargs:
        raise InputTypeError("histogram_em takes no weights: the histogram counts are the "
                             "weights; call painless_em(levels, K, weights=counts) yourself")
    levels, counts = intensity_histogram(image)
    keep = counts > 0
    if isinstance(init, str) and init == "equal-range":
        kwargs.setdefault("init_range", (0, 255))
    return painless_em(levels[keep], K, weights=counts[keep], init=init, **kwargs)


@ieee_errstate
def label_lut(mixture):
    """A 256-entry lookup table: each intensity's most probable component (max posterior)."""
    if not isinstance(mixture, Mixture) or mixture.n_features != 1:
        raise InputTypeError(f"mixture must be a 1-D gmmlib.Mixture (e.g. histogram_em(...)"
                             f".mixture), got {show(mixture)}")
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


@ieee_errstate
def segment_gray(image, K, **kwargs):
    """Segment a uint8 grayscale image by histogram EM; labels ordered dark to bright."""
    img = as_gray_uint8(image)
    result = histogram_em(img, K, **kwargs)
    rank = np.argsort(np.argsort(result.mixture.means[:, 0]))  # component -> rank by brightness
    lut = rank[label_lut(result.mixture)].astype(np.uint8)
    return GraySegmentation(lut[img], lut, result)


def as_colour_pixels(image, name="image"):
    """The (H * W, 3) RGB pixels of a colour image with levels 0..255 (an alpha channel is dropped).

    uint8, integers in 0..255 and floats in [0, 255] are accepted; a float image in [0, 1]
    is refused with the fix (its mean colours would all round to black).
    """
    img = validate_image(image, name, channels=(3, 4))
    return img[:, :, :3].reshape(-1, 3)


@dataclass
class ColourSegmentation:
    labels: np.ndarray   # (H, W)
    result: EMResult

    @ieee_errstate
    def mean_colour_image(self):
        """Every pixel painted with its component's mean colour (uint8)."""
        means = np.clip(np.rint(self.result.mixture.means), 0, 255).astype(np.uint8)
        return means[self.labels]


@ieee_errstate
def segment_colour(image, K, **kwargs):
    """Full-covariance painless EM on the RGB pixels; each pixel gets its max-posterior component.

    ``image`` is (H, W, 3) or (H, W, 4) with levels 0..255 (uint8, or float in [0, 255]);
    ``K`` and the keyword arguments go to ``painless_em``.
    """
    pixels = as_colour_pixels(image)
    result = painless_em(pixels, K, **kwargs)
    labels = result.mixture.predict(pixels).reshape(np.shape(image)[:2])
    return ColourSegmentation(labels, result)
