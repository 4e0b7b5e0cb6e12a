"""gmmlib: Gaussian mixture models from the EM formulas to pixels.

The notebooks in ``notebooks/`` import this package; each module is one idea. Start with
``steps`` (the E-step, the M-step and the log-likelihood as the textbook writes them), then
``naive`` (those steps in a loop, failing where the textbook fails) and ``painless`` (the
robust loop, running on the one-product kernels of ``fast``). Also ``mixture`` (densities),
``init`` (starting points), ``images`` (histogram and colour segmentation), ``datasets``
(the examples and the failure cases), ``stauffer_grimson`` and ``background`` (per-pixel
mixtures for video).
"""
from .history import EMResult, Failure, GuardEvent, History
from .mixture import Mixture, logsumexp
from .naive import naive_em
from .painless import painless_em, rcond

__all__ = ["EMResult", "Failure", "GuardEvent", "History", "Mixture", "logsumexp",
           "naive_em", "painless_em", "rcond"]

from . import datasets  # noqa: E402
from .images import histogram_em, intensity_histogram, segment_colour, segment_gray  # noqa: E402

__all__ += ["datasets", "histogram_em", "intensity_histogram", "segment_colour", "segment_gray"]

from .background import BackgroundModel  # noqa: E402

__all__ += ["BackgroundModel"]
