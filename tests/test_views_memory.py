"""A view frees what it holds when it is closed (issue 16: long sessions on a shared server).

Before ``close()`` existed, 30 EMViews made and dropped in a session kept their 30 figures and
527 widgets: the kernel's widget registry holds every widget until it is closed, and each
slider callback holds its view. Here 30 views of each kind are made and closed; afterwards
the widget registry and pyplot are back where they started and the views, their figures and
their data are garbage.
"""
import gc
import warnings
import weakref

import ipywidgets
import matplotlib
import numpy as np
import pytest

import gmmlib
from gmmlib.background import BackgroundModel
from gmmlib.synthetic import make_scene
from gmmlib.views import BackgroundView, EMView, SegmentationView, record_background

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

N_VIEWS = 30
LOW = (6.7, 1.5)  # the smallest figure a view accepts: cheap to draw


def live_widgets():
    """How many widgets the kernel's registry holds (its name changed across ipywidgets)."""
    registry = getattr(ipywidgets.Widget, "widget_instances", None)   # ipywidgets >= 8.1.3
    if registry is None:
        registry = getattr(ipywidgets.widgets.widget, "_instances", None)  # 8.0 to 8.1.2
    if registry is None:
        registry = ipywidgets.Widget.widgets   # 7.x
    return len(registry)


@pytest.fixture(scope="module")
def makers():
    """One function per view kind that makes a small view (the runs are computed once)."""
    X, _ = gmmlib.datasets.gmm_example_1d()
    em = {K: gmmlib.painless_em(X, K, max_iter=4) for K in (1, 2)}
    image = np.random.default_rng(0).integers(0, 256, size=(24, 32), dtype=np.uint8)
    seg = {K: gmmlib.histogram_em(image, K, max_iter=4) for K in (2, 3)}
    frames, truths = make_scene(n_frames=5, height=16, width=20, seed=0).arrays()
    run = record_background(BackgroundModel(), frames, [(3, 3), (8, 8)], truths)
    return {"EMView": lambda: EMView(X, em, figsize=LOW),
            "SegmentationView": lambda: SegmentationView(image, seg, figsize=LOW),
            "BackgroundView": lambda: BackgroundView(run, figsize=LOW)}


KINDS = ["EMView", "SegmentationView", "BackgroundView"]


@pytest.mark.parametrize("kind", KINDS)
def test_closed_views_free_their_figures_and_widgets(makers, kind):
    make = makers[kind]
    gc.collect()
    widgets_before, figures_before = live_widgets(), plt.get_fignums()
    views, figures, created = [], [], 0
    for i in range(N_VIEWS):
        view = make()
        created = max(created, live_widgets() - widgets_before)
        # move a slider first: the callbacks and the picture cache are what used to hold on
        view.iteration.value = view.iteration.max
        views.append(weakref.ref(view))
        figures.append(weakref.ref(view.fig))
        if i % 2:
            view.close()
        else:
            with view:
                pass
        del view
    gc.collect()
    assert created > 0, "the views made no widgets: nothing was measured"
    assert live_widgets() == widgets_before, (
        f"{live_widgets() - widgets_before} widgets still registered after closing {N_VIEWS} {kind}s")
    assert plt.get_fignums() == figures_before
    assert sum(r() is not None for r in views) == 0, f"closed {kind}s were not collected"
    assert sum(r() is not None for r in figures) == 0, f"the figures of closed {kind}s were not collected"


@pytest.mark.parametrize("kind", KINDS)
def test_a_closed_view_that_is_still_referenced_holds_nothing_big(makers, kind):
    """A notebook keeps a displayed view in Out[]: closing must still let its figure go."""
    view = make = makers[kind]()
    figure = weakref.ref(view.fig)
    image = weakref.ref(view.image)
    view.close()
    gc.collect()
    assert figure() is None and image() is None
    assert view.closed and make is view  # the view itself is still here


@pytest.mark.parametrize("kind", KINDS)
def test_using_a_closed_view_says_so(makers, kind):
    view = makers[kind]()
    text = repr(view)
    view.close()
    view.close()  # twice is harmless
    assert repr(view) == f"{text} (closed)"
    assert view._repr_mimebundle_() == {"text/plain": f"{text} (closed)"}
    for use in (lambda: view.iteration, lambda: view.redraw(), lambda: view.picture(),
                lambda: view.animation(max_frames=2)):
        with pytest.raises(RuntimeError, match=f"this {kind} was closed.*make a new view"):
            use()
    with pytest.raises(RuntimeError, match="was closed"):
        with view:
            pass
    with pytest.raises(AttributeError):  # private names stay plain AttributeErrors (hasattr)
        view._no_such_thing
    assert not hasattr(view, "_repr_html_")


def test_a_with_block_closes_the_view_even_on_an_error(makers):
    with pytest.raises(ZeroDivisionError):
        with makers["EMView"]() as view:
            assert not view.closed
            1 / 0
    assert view.closed


def test_an_open_view_still_works_and_is_not_closed(makers):
    """The registry count above is not trivially equal: an open view keeps its widgets."""
    before = live_widgets()
    view = makers["EMView"]()
    assert live_widgets() > before and not view.closed
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        view.iteration.value = 1
    assert "iteration=1" in view.caption.value
    view.close()
    assert live_widgets() == before
