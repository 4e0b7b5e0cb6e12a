"""Interactive views: sliders over results computed beforehand, and animations that need no kernel.

A view never runs EM (or the background model). It is given the results and the data,
builds one matplotlib Figure, and when a slider moves it looks the step up, moves the artists
and sends a new picture to an ``ipywidgets.Image``. One module per view, beside a small
shared base and the encoders:

======================  ==============================================  ==========
``EMView``              1-D or 2-D data, sliders for K and iteration    views_em
``SegmentationView``    histogram EM on a gray image (cameraman)        views_segmentation
``BackgroundView``      frame and pixel sliders over a background run   views_background
(shared)                blitting, picture, widget shell, close()        views_base
``Animation``           PNG, JPEG and animated PNG bytes (no widgets)   codecs
======================  ==============================================  ==========

In a notebook
-------------
::

    from gmmlib.views import EMView

    results = {K: painless_em(X, K) for K in range(1, 5)}   # compute once
    view = EMView(X, results, K=2)
    view                      # sliders + figure; the saved notebook also keeps a PNG of it

    view.animation(K=2)       # a moving picture of the run: an animated PNG that plays in
                              # JupyterLab (trusted or not), on GitHub, in nbconvert HTML and
                              # in VS Code, with no kernel and no script

    view = SegmentationView(img, {K: histogram_em(img, K) for K in range(2, 6)}, K=2)
    view.animation(K=3)

    run = record_background(BackgroundModel(K=3), frames, pixels, truths)
    view = BackgroundView(run, frame=140, pixel=1)
    view.animation()          # 20 frames spread over the clip (max_frames=...)

    view.close()              # frees the figure and the widgets (a long session on a shared
                              # server keeps every view otherwise); or:
    with EMView(X, results) as view:
        anim = view.animation(K=2)

``view.animation(K=None, max_frames=30, frame_ms=400, hold_ms=2000, figsize=None)`` (EM and
segmentation; BackgroundView: ``max_frames=20, frame_ms=300, hold_ms=1500, pixel=None,
tolerance=16``) returns an :class:`Animation`; ``max_frames`` is at most 60 (each frame is a
whole picture held in memory until it is encoded). Displayed, its output is an ``image/png`` (an
APNG) and a one-line ``text/plain``; ``anim.save("imgs/name.png")`` writes the file for a
markdown image instead, ``anim.data`` is the bytes. ``view.to_jshtml(...)`` is kept only so
that old cells (``HTML(view.to_jshtml(K=2))``) still run: it returns an ``<img>`` of the same
animation.

Sizes: views are 840 px wide (they show 1:1 in JupyterLab on a 1280 px screen), animations
768 px, all with text of at least 12 pt at 96 dpi (16 px) and constrained layout; 30 frames by
default (60 at most) with a hold on the last one; the same bytes on every run. Slider redraws are sent as
JPEG (quality 90, no chroma subsampling), the kept picture as a 255-colour PNG.

Why a picture next to each widget: a widget needs its kernel. A notebook opened without
running it (a fresh clone in JupyterLab, which treats it as untrusted; GitHub; nbconvert HTML;
VS Code before a kernel starts) cannot draw the widget and falls back to the next type in the
output's mime bundle. Each view's bundle holds the widget view, an ``image/png`` of the figure
as it was when displayed, and a one-line ``text/plain`` summary.

For tests and the browser suite, each view exposes ``view.widget`` (VBox, CSS class
gmm-view), ``view.iteration`` (gmm-iteration), ``view.K`` (gmm-k) or ``view.pixel``
(gmm-pixel), ``view.play`` (gmm-play), ``view.caption`` (gmm-caption: "K=3 iteration=5 ...")
and ``view.image`` (gmm-figure), and ``view.fig`` (the matplotlib Figure).

A K slider moved to a K that was not computed (only possible after widening its range by hand)
goes back to the K it showed, with a warning and a note in the caption.
"""
from .views_background import (BackgroundFigure, BackgroundRun, BackgroundView, background_caption,
                               mask_overlay, record_background)
from .codecs import Animation
from .views_base import BlitFigure, SliderView
from .views_em import EMFigure, EMView, KIterationView, as_results, caption
from .views_segmentation import SegmentationFigure, SegmentationView

__all__ = ["Animation", "BackgroundFigure", "BackgroundRun", "BackgroundView", "BlitFigure",
           "EMFigure", "EMView", "KIterationView", "SegmentationFigure", "SegmentationView",
           "SliderView", "as_results", "background_caption", "caption", "mask_overlay",
           "record_background"]
