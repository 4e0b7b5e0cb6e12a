"""SegmentationView: histogram EM on a grayscale image, with sliders for K and the iteration
(notebook 05, the cameraman).

Three panels: the intensity histogram with the weighted Gaussians and their sum, the image
with every pixel painted with the mean intensity of its most probable component, and log L.
"""
from functools import partial

import numpy as np

from . import plotting
from ._validate import validate_array, validate_int
from .images import as_gray_uint8, intensity_histogram
from ._plot_arguments import validate_mixture
from .views_base import add_axes
from .views_em import EMFigure, KIterationView, as_results

SEGMENTATION_FIGSIZE = (8.75, 3.3)           # 840 x 317 px
SEGMENTATION_ANIMATION_FIGSIZE = (8, 3.0)    # 768 x 288 px
MAX_IMAGE_PX = 320  # the image panel is about 300 px: larger images are shown every s-th pixel


def display_stride(image, max_px=MAX_IMAGE_PX):
    """Show every s-th row and column so that the image is at most about ``max_px`` on a side.

    The panel has fewer pixels than a 512 x 512 image anyway: matplotlib would throw the rest
    away at every redraw, after colour-mapping all of them.
    """
    shape = validate_array(image, "image", ndim=(2, 3), hint="an (H, W) or (H, W, C) image").shape
    max_px = validate_int(max_px, "max_px", "[1, 1000000]", hint="pixels on a side, e.g. 320")
    return max(1, int(np.ceil(max(shape[:2]) / max_px)))


def painted_lut(mixture):
    """Intensity -> mean intensity of its most probable component, a 256-entry uint8 table.

    The most probable component maximises log pi_k + log N(x | mu_k, sigma_k^2); in the log
    domain, so that far in a tail (where every density underflows to 0) the argmax is still
    the right component.
    """
    validate_mixture(mixture, d=1)
    x = np.arange(256.0)[None, :]
    mu = mixture.means[:, :1]
    var = mixture.covariances[:, 0, :1]
    with np.errstate(divide="ignore", over="ignore"):  # a weight of 0 is log 0 = -inf: never chosen
        log_p = np.log(mixture.weights)[:, None] - 0.5 * np.log(2 * np.pi * var) - 0.5 * (x - mu) ** 2 / var
    means = np.clip(np.rint(mixture.means[:, 0]), 0, 255).astype(np.uint8)
    return means[log_p.argmax(axis=0)]


class SegmentationFigure(EMFigure):
    """Histogram EM on a grayscale image: the intensity histogram with the Gaussians, the image
    segmented by the current mixture and log L. ``results`` come from
    ``gmmlib.histogram_em(image, K)``."""

    def __init__(self, image, results, figsize=SEGMENTATION_FIGSIZE):
        self.image = as_gray_uint8(image)
        self.stride = display_stride(self.image)
        self.shown = self.image[::self.stride, ::self.stride]
        levels, counts = intensity_histogram(self.image)
        super().__init__(levels, results, weights=counts, figsize=figsize,
                         bins=np.arange(257) - 0.5)

    def _make_axes(self):
        ax_data, self.ax_image, ax_ll = add_axes(self.fig, 3, [3, 2, 2])
        return ax_data, ax_ll

    def _build_static(self):
        super()._build_static()
        self.ax_data.set_xlabel("intensity")
        self.ax_data.get_legend().remove()  # the panel is narrow; the markdown explains the curves
        self.segmented = plotting.segmented_image(self.ax_image, self.shown, title="segmentation")

    def moving_artists(self):
        return super().moving_artists() + [self.segmented]

    def draw(self, K, t):
        K = self._check_K(K)  # a 0-d array is a valid K, but not a dict key
        super().draw(K, t)
        self.segmented.set_data(painted_lut(self.results[K].history.mixture(t))[self.shown])


class SegmentationView(KIterationView):
    """Histogram EM on a grayscale uint8 image: Gaussians on the intensity histogram, the
    segmented image and log L, with sliders for K and the iteration.

    Parameters
    ----------
    image : (H, W) uint8 grayscale image
    results : {K: gmmlib.histogram_em(image, K)} for consecutive K, or one such EMResult
    K, iteration : what to show first (default: the smallest K, iteration 0)
    figsize : (width, height) in inches at 96 dpi, at least 640 px wide

    Examples
    --------
    >>> from skimage import data
    >>> from gmmlib import histogram_em
    >>> image = data.camera()[::4, ::4]
    >>> view = SegmentationView(image, {K: histogram_em(image, K) for K in (2, 3)})
    >>> view.K.value = 3
    >>> view.caption.value.split(" log")[0]
    'K=3 iteration=0'
    """

    animation_figsize = SEGMENTATION_ANIMATION_FIGSIZE

    def __init__(self, image, results, K=None, iteration=0, figsize=SEGMENTATION_FIGSIZE):
        image = as_gray_uint8(image)
        results = as_results(results)
        dims = next(iter(results.values())).mixture.means.shape[1]
        if dims != 1:
            raise ValueError(f"the results were fitted on {dims}-D data; SegmentationView shows "
                             "histogram EM on gray levels: pass {K: histogram_em(image, K) ...}")
        self.kind = "histogram EM on the image"
        make = partial(SegmentationFigure, image, results)
        super().__init__(make, K=K, iteration=iteration, figsize=figsize, results=results)
