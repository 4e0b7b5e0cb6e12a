"""The interactive views, driven without a kernel: move a slider, check what the figure shows.

Densities are checked against scipy.stats, not against gmmlib's own density code.
"""
import contextlib
import io
import re
import sys
import warnings

import matplotlib
import numpy as np
import PIL.Image
import pytest
from scipy import stats
from skimage import data

import gmmlib
from gmmlib import plotting
from gmmlib.background import BackgroundModel
from gmmlib.codecs import MAX_FRAMES_LIMIT, Animation
from gmmlib.history import EMResult, GuardEvent, History
from gmmlib.synthetic import make_scene
from gmmlib.views import BackgroundView, EMView, SegmentationView, as_results, caption, record_background
from gmmlib.views_base import BlitFigure
from gmmlib.views_segmentation import display_stride

matplotlib.use("Agg")


@pytest.fixture(scope="module")
def data_1d():
    X, _ = gmmlib.datasets.gmm_example_1d()
    # the seed's equal-range start takes a dozen iterations for K = 2: a real evolution to watch
    return X, {K: gmmlib.painless_em(X, K, init="equal-range") for K in range(1, 5)}


@pytest.fixture(scope="module")
def data_2d():
    X, _ = gmmlib.datasets.gmm_example_2d()
    return X, {K: gmmlib.painless_em(X, K) for K in range(1, 4)}


@pytest.fixture(scope="module")
def image():
    return data.camera()[::4, ::4]  # 128 x 128: every pixel still goes through the LUT


@pytest.fixture(scope="module")
def data_image(image):
    return image, {K: gmmlib.histogram_em(image, K) for K in range(2, 4)}


def expected_caption(result, t):
    K = result.mixture.n_components
    return f"K={K} iteration={t} log-likelihood={result.history.log_likelihood[t]:.1f}"


def reference_pdfs_1d(mixture, grid):
    """pi_k N(x | mu_k, sigma_k^2) from scipy.stats, shape (K, len(grid))."""
    return np.array([w * stats.norm.pdf(grid, m[0], np.sqrt(c[0, 0]))
                     for w, m, c in zip(mixture.weights, mixture.means, mixture.covariances)])


def pixels(image_bytes):
    return np.asarray(PIL.Image.open(io.BytesIO(image_bytes)).convert("RGB"), dtype=np.int16)


# --- the widget contract --------------------------------------------------------------------

def test_widgets_have_the_contract_classes_and_descriptions(data_1d):
    X, results = data_1d
    view = EMView(X, results, K=2)
    assert "gmm-view" in view.widget._dom_classes
    for w, cls in ((view.iteration, "gmm-iteration"), (view.K, "gmm-k"), (view.play, "gmm-play"),
                   (view.caption, "gmm-caption"), (view.image, "gmm-figure")):
        assert cls in w._dom_classes
    assert view.iteration.description == "iteration" and view.K.description == "K"
    assert (view.K.min, view.K.max, view.K.value) == (1, 4, 2)
    assert (view.iteration.min, view.iteration.max) == (0, len(results[2].history) - 1)
    # redraws go out as JPEG (5-10 times faster to encode than PNG)
    assert view.image.format == "jpeg" and view.image.value[:3] == b"\xff\xd8\xff"
    assert view.fig.canvas.get_width_height() == (840, 345)  # 8.75 x 3.6 in at 96 dpi


def test_displaying_the_view_displays_its_widget_and_a_picture(data_1d):
    X, results = data_1d
    view = EMView(X, results)
    bundle = view._repr_mimebundle_()
    assert bundle["application/vnd.jupyter.widget-view+json"]["model_id"] == view.widget.model_id
    assert set(bundle) == {"application/vnd.jupyter.widget-view+json", "image/png", "text/plain"}


def test_one_result_gives_no_K_slider(data_1d):
    X, results = data_1d
    view = EMView(X, results[3])
    assert view.K is None
    assert view.caption.value.startswith("K=3 iteration=0 ")
    assert all(w.description != "K" for w in view.widget.children[0].children)


def test_K_values_must_be_consecutive(data_1d):
    X, results = data_1d
    with pytest.raises(ValueError, match="consecutive"):
        as_results({1: results[1], 3: results[3]})


# --- 1-D ------------------------------------------------------------------------------------

def test_every_iteration_shows_that_history_entry_1d(data_1d):
    X, results = data_1d
    view = EMView(X, results, K=2)
    history = results[2].history
    grid = view.figure.grid
    assert view.iteration.max >= 10
    for t in range(view.iteration.max + 1):
        view.iteration.value = t
        expected = reference_pdfs_1d(history.mixture(t), grid)
        lines = view.figure.component_artists
        assert len(lines) == 2
        for line, pdf in zip(lines, expected):
            np.testing.assert_allclose(line.get_ydata(), pdf, rtol=1e-9, atol=1e-15)
        np.testing.assert_allclose(view.figure.mixture_line.get_ydata(), expected.sum(axis=0),
                                   rtol=1e-9, atol=1e-15)
        assert view.figure.ll_marker.get_data()[0] == [t]
        assert view.figure.ll_marker.get_data()[1][0] == history.log_likelihood[t]
        assert view.caption.value == expected_caption(results[2], t)
        assert view.figure.ax_data.get_title() == f"K=2, iteration {t}"
    # the dashed curve stays on the start
    np.testing.assert_allclose(view.figure.start_line.get_ydata(),
                               reference_pdfs_1d(history.mixture(0), grid).sum(axis=0), rtol=1e-9)


def test_every_K_and_its_last_iteration_work(data_1d):
    X, results = data_1d
    view = EMView(X, results, K=2)
    for K in range(view.K.min, view.K.max + 1):
        view.K.value = K
        last = len(results[K].history) - 1
        assert view.iteration.max == last and view.play.max == last
        view.iteration.value = last
        assert len(view.figure.component_artists) == K
        assert view.caption.value == expected_caption(results[K], last)
        np.testing.assert_allclose(view.figure.ll_line.get_ydata(), results[K].history.log_likelihood)
        np.testing.assert_allclose(view.figure.mixture_line.get_ydata(),
                                   reference_pdfs_1d(results[K].mixture, view.figure.grid).sum(axis=0),
                                   rtol=1e-9, atol=1e-15)


def test_changing_K_clamps_the_iteration(data_1d):
    X, results = data_1d
    long_K, short_K = 2, 1
    assert len(results[short_K].history) < len(results[long_K].history)
    view = EMView(X, results, K=long_K)
    view.iteration.value = view.iteration.max
    view.K.value = short_K
    last = len(results[short_K].history) - 1
    assert view.iteration.value == last == view.play.value
    assert view.caption.value == expected_caption(results[short_K], last)
    # growing the range again keeps the value and lets the slider reach the new end
    view.K.value = long_K
    assert view.iteration.value == last and view.iteration.max == len(results[long_K].history) - 1
    assert view.caption.value == expected_caption(results[long_K], last)


def test_a_K_slider_set_beyond_the_computed_K_goes_back(data_1d):
    X, results = data_1d   # K = 1 to 4
    view = EMView(X, results, K=2)
    view.K.value = 7       # the slider's own range clamps this to the largest computed K
    assert view.K.value == 4 and view.caption.value == expected_caption(results[4], 0)
    view.K.value = 2
    view.iteration.value = 3
    view.K.max = 9         # widened by hand: now the slider can reach a K with no run
    with pytest.warns(UserWarning, match="K=7 was not computed; the view stays at K=2"):
        view.K.value = 7
    assert (view.K.value, view.K.min, view.K.max) == (2, 1, 4)
    assert view.caption.value == expected_caption(results[2], 3) + \
        " (K=7 was not computed, so the view stays at K=2)"
    # and the view still works: the next step draws and the note goes
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        view.iteration.value = 4
        assert view.caption.value == expected_caption(results[2], 4)
        view.K.value = 3
        assert view.caption.value == expected_caption(results[3], min(4, view.iteration.max))


def test_animations_are_bounded_for_every_view_kind(data_1d, data_image, monkeypatch):
    X, results = data_1d
    image, histogram_results = data_image
    frames, truths = make_scene(n_frames=4, height=12, width=16, seed=0).arrays()
    run = record_background(BackgroundModel(), frames, [(2, 2)], truths)
    views = [EMView(X, results), SegmentationView(image, histogram_results), BackgroundView(run)]

    def no_drawing(self):
        raise AssertionError("a frame was drawn before max_frames was checked")
    monkeypatch.setattr(BlitFigure, "render", no_drawing)
    assert MAX_FRAMES_LIMIT == 60
    for view in views:
        for make in (view.animation, view.to_jshtml):
            with pytest.raises(ValueError, match=r"max_frames must be a whole number in \[2, 60\], "
                                                 r"got 1000;.*60 is the most"):
                make(max_frames=1000)
        with pytest.raises(ValueError, match=r"in \[2, 60\], got 61"):
            view.animation(max_frames=61)
    # the encoder refuses a longer list of frames too, whoever made it
    tiny = [np.full((4, 6, 3), i, np.uint8) for i in range(61)]
    with pytest.raises(ValueError, match=r"number of frames must be a whole number in \[1, 60\]"):
        Animation.from_frames(tiny, "too long")
    assert Animation.from_frames(tiny[:60], "longest").n_frames == 60


def test_play_moves_the_iteration_and_the_figure(data_1d):
    X, results = data_1d
    view = EMView(X, results, K=2)
    view.play.value = 3  # what the Play button does on each tick
    assert view.iteration.value == 3
    assert view.caption.value == expected_caption(results[2], 3)
    view.iteration.value = 5
    assert view.play.value == 5


def test_picture_changes_with_the_iteration_and_matches_a_full_render(data_1d):
    X, results = data_1d
    view = EMView(X, results, K=2)
    first = view.image.value
    view.iteration.value = 6
    assert view.image.value != first
    view.K.value = 3  # the blitted background must be rebuilt for the new K
    view.iteration.value = 2
    blitted = pixels(view.image.value)
    buf = io.BytesIO()
    view.fig.savefig(buf, format="png")
    full = pixels(buf.getvalue())
    assert blitted.shape == full.shape == (345, 840, 3)
    # same picture up to the drawing order of overlapping curves
    assert np.mean(np.abs(blitted - full) > 40) < 0.005


# A view is given finished runs and only looks them up. These are every way gmmlib can fit:
# counted wherever a gmmlib module has bound them (``from .painless import painless_em`` makes
# a second name for the same function), so a view cannot refit through any import path.
FIT_FUNCTIONS = ("painless_em", "naive_em", "histogram_em")


@contextlib.contextmanager
def counting_fits():
    """Every call of an EM fit (and of ``BackgroundModel.apply``) made inside the block, as a
    list of names that fills while the block runs."""
    calls = []
    originals = [(getattr(gmmlib, name), name) for name in FIT_FUNCTIONS]

    def counted(fn, name):
        def wrapper(*args, **kwargs):
            calls.append(name)
            return fn(*args, **kwargs)
        return wrapper
    with pytest.MonkeyPatch.context() as mp:
        modules = [m for n, m in list(sys.modules.items())
                   if m is not None and (n == "gmmlib" or n.startswith("gmmlib."))]
        bound = 0
        for module in modules:
            for attr, value in list(vars(module).items()):
                for fn, name in originals:
                    if value is fn:
                        mp.setattr(module, attr, counted(fn, name))
                        bound += 1
        assert bound >= len(FIT_FUNCTIONS), "the fit functions were not found to count"
        mp.setattr(BackgroundModel, "apply", counted(BackgroundModel.apply, "BackgroundModel.apply"))
        yield calls


def drive(view):
    """Every slider of the view, as a student would move them."""
    if view.K is not None:
        view.K.value = view.K.max
    view.iteration.value = view.iteration.max
    view.play.value = 0
    if view.K is not None:
        view.K.value = view.K.min
    view.iteration.value = 1


class RefittingEMView(EMView):
    """A view that refits on every iteration step: what the check below must catch."""

    def _on_iteration(self, change):
        from gmmlib import painless
        painless.painless_em(self.figure.X, self.current_K, max_iter=2)
        super()._on_iteration(change)


def test_sliders_never_refit(data_1d, data_image):
    X, results = data_1d
    image, histogram_results = data_image
    frames, truths = make_scene(n_frames=4, height=12, width=16, seed=0).arrays()
    run = record_background(BackgroundModel(), frames, [(2, 2), (5, 5)], truths)
    with counting_fits() as calls:
        for view in (EMView(X, results, K=2), SegmentationView(image, histogram_results),
                     BackgroundView(run)):
            drive(view)
            assert view.caption.value.startswith("K=")
    assert calls == []


def test_the_refit_check_catches_a_view_that_refits(data_1d):
    X, results = data_1d
    with counting_fits() as calls:
        drive(RefittingEMView(X, results, K=2))
    assert calls and set(calls) == {"painless_em"}
    with counting_fits() as calls:  # the counter itself sees each fit function
        gmmlib.naive_em(X, 2, max_iter=2)
        gmmlib.images.histogram_em(data.camera()[::16, ::16], 2, max_iter=2)
    assert calls[0] == "naive_em" and "histogram_em" in calls


def test_going_back_reuses_the_picture_but_still_moves_the_artists(data_1d):
    X, results = data_1d
    view = EMView(X, results, K=2)
    view.iteration.value = 5
    picture_5 = view.image.value
    view.iteration.value = 6
    renders = []
    original = view.figure.render
    view.figure.render = lambda: renders.append(1) or original()
    view.iteration.value = 5
    assert bytes(view.image.value) == bytes(picture_5) and renders == []  # no rendering
    np.testing.assert_allclose(view.figure.ll_marker.get_data()[0], [5])  # the figure moved
    assert view.caption.value == expected_caption(results[2], 5)
    view.iteration.value = 7                                # a new step is rendered
    assert renders == [1]


# --- 2-D ------------------------------------------------------------------------------------

def test_every_iteration_shows_ellipses_and_means_2d(data_2d):
    X, results = data_2d
    view = EMView(X, results, K=3)
    history = results[3].history
    for t in range(view.iteration.max + 1):
        view.iteration.value = t
        mixture = history.mixture(t)
        ellipses = view.figure.component_artists
        assert len(ellipses) == 3
        for patch, mu, cov in zip(ellipses, mixture.means, mixture.covariances):
            np.testing.assert_allclose(patch.get_center(), mu)
            # a 2-sigma ellipse: half-axes are 2 sqrt(eigenvalues)
            half_axes = np.sort([patch.width, patch.height]) / 2
            np.testing.assert_allclose(half_axes, 2 * np.sqrt(np.linalg.eigvalsh(cov)), rtol=1e-9)
            # its long axis points along the leading eigenvector
            v = np.linalg.eigh(cov)[1][:, -1]
            long_angle = np.radians(patch.angle + (0 if patch.width >= patch.height else 90))
            assert abs(abs(np.dot(v, [np.cos(long_angle), np.sin(long_angle)])) - 1) < 1e-9
        np.testing.assert_allclose(np.column_stack(view.figure.means_marker.get_data()), mixture.means)
        labels = np.argmax([w * stats.multivariate_normal(m, c).pdf(X) for w, m, c in
                            zip(mixture.weights, mixture.means, mixture.covariances)], axis=0)
        colours = view.figure.points.get_facecolors()[:, :3]
        np.testing.assert_allclose(colours, [matplotlib.colors.to_rgb(plotting.colour(k)) for k in labels])
        assert view.caption.value == expected_caption(results[3], t)


def test_contours_are_those_of_matplotlib_and_follow_the_iteration_2d(data_2d):
    from matplotlib.figure import Figure
    X, results = data_2d
    view = EMView(X, results, K=2)
    for t in (0, view.iteration.max):
        view.iteration.value = t
        reference = plotting.density_contours(Figure().add_subplot(), results[2].history.mixture(t),
                                              view.figure.xx, view.figure.yy, levels=view.figure.levels)
        # one path per level with a MOVETO per line (matplotlib >= 3.8); allsegs is not used:
        # matplotlib 3.8.0 returns each level's lines run together there
        per_level = [path.to_polygons(closed_only=False) for path in reference.get_paths()]
        expected = [seg for level in per_level for seg in level]
        ours = view.figure.contours.get_segments()
        assert len(ours) == len(expected) > 0
        for a, b in zip(ours, expected):
            np.testing.assert_allclose(a, b)
        colours = [c for level, segs in zip(reference.get_edgecolor(), per_level) for c in [level] * len(segs)]
        np.testing.assert_allclose(view.figure.contours.get_edgecolor(), colours)
    assert sum(c is view.figure.contours for c in view.figure.ax_data.collections) == 1  # not piled up
    view.K.value = 1
    assert len(view.figure.component_artists) == 1
    assert view.caption.value == expected_caption(results[1], view.iteration.value)


# --- segmentation ---------------------------------------------------------------------------

def test_segmentation_view_paints_each_pixel_with_its_component_mean(data_image):
    image, results = data_image
    view = SegmentationView(image, results)
    assert (view.K.min, view.K.max) == (2, 3)
    assert view.figure.stride == 1  # 128 x 128: every pixel is shown
    levels = np.arange(256.0)
    for K in (2, 3):
        view.K.value = K
        for t in range(view.iteration.max + 1):
            view.iteration.value = t
            mixture = results[K].history.mixture(t)
            log_resp = np.array([np.log(w) + stats.norm.logpdf(levels, m[0], np.sqrt(c[0, 0]))
                                 for w, m, c in zip(mixture.weights, mixture.means, mixture.covariances)])
            painted = np.clip(np.rint(mixture.means[:, 0]), 0, 255).astype(np.uint8)[log_resp.argmax(0)]
            np.testing.assert_array_equal(view.figure.segmented.get_array(), painted[image])
            assert view.caption.value == expected_caption(results[K], t)
    counts = np.bincount(image.ravel(), minlength=256)
    np.testing.assert_allclose(view.figure.hist.get_data().values, counts / counts.sum())


def test_a_large_image_is_shown_every_other_pixel_and_fitted_on_all():
    image = data.camera()  # 512 x 512, shown in a panel of about 300 px
    results = {2: gmmlib.histogram_em(image, 2)}
    view = SegmentationView(image, results)
    assert display_stride(image) == 2 == view.figure.stride
    view.iteration.value = view.iteration.max
    lut = np.zeros(256, np.uint8)
    mixture = results[2].mixture
    labels = mixture.predict(np.arange(256.0)[:, None])
    lut[:] = np.clip(np.rint(mixture.means[:, 0]), 0, 255).astype(np.uint8)[labels]
    np.testing.assert_array_equal(view.figure.segmented.get_array(), lut[image[::2, ::2]])
    # the histogram is that of every pixel, not of the ones shown
    counts = np.bincount(image.ravel(), minlength=256)
    np.testing.assert_allclose(view.figure.hist.get_data().values, counts / counts.sum())


# --- caption and animation ------------------------------------------------------------------

def test_caption_counts_guard_events_up_to_the_iteration():
    history = History()
    for mean in (0.0, 1.0, 2.0):
        history.append([1.0], [[mean]], [[[1.0]]], -10.0 + mean)
    history.freeze()
    history.events.append(GuardEvent(1, 0, 0.0, "test"))
    result = EMResult(history.mixture(-1), history, -8.0, True, 2)
    assert caption(result, 0) == "K=1 iteration=0 log-likelihood=-10.0"
    assert caption(result, 2) == "K=1 iteration=2 log-likelihood=-8.0 guard events=1"
    assert re.fullmatch(r"K=\d+ iteration=\d+ log-likelihood=-?\d+\.\d( .*)?", caption(result, 1))


def test_to_jshtml_is_kept_for_old_cells_and_holds_the_animated_png(data_1d):
    X, results = data_1d
    view = EMView(X, results, K=2)
    html = view.to_jshtml(K=2, max_frames=4)
    assert html.startswith("<img ") and "data:image/png;base64," in html
    assert "<script" not in html and not re.search(r"https?://", html)


# --- drawing helpers the views rely on ------------------------------------------------------

def test_written_out_2d_density_matches_scipy():
    X, _ = gmmlib.datasets.gmm_example_2d()
    mixture = gmmlib.painless_em(X, 3, random_state=0).mixture
    points = np.random.default_rng(0).normal(scale=4, size=(500, 2))
    expected = np.array([np.log(w) + stats.multivariate_normal(m, c).logpdf(points)
                         for w, m, c in zip(mixture.weights, mixture.means, mixture.covariances)])
    np.testing.assert_allclose(plotting.weighted_log_densities_2d(mixture, points), expected, rtol=1e-10)
    np.testing.assert_allclose(plotting.log_density_2d(mixture, points),
                               np.logaddexp.reduce(expected, axis=0), rtol=1e-10)


def test_nearly_singular_covariance_falls_back_to_the_cholesky_form():
    cov = np.array([[[1.0, 1 - 1e-13], [1 - 1e-13, 1.0]]])
    mixture = gmmlib.Mixture([1.0], [[0.0, 0.0]], cov)
    points = np.array([[0.1, 0.1], [0.3, 0.3 + 1e-7]])
    np.testing.assert_allclose(plotting.weighted_log_densities_2d(mixture, points),
                               mixture.weighted_log_density(points).T, rtol=1e-12)


def test_large_log_likelihoods_are_labelled_in_powers_of_ten_not_offset():
    from matplotlib.figure import Figure
    fig = Figure()
    ax = fig.add_subplot()
    plotting.log_likelihood_curve(ax, [-1.416e6, -1.40e6, -1.383e6])
    fig.canvas.draw()
    assert "10^{6}" in ax.get_ylabel()
    assert ax.yaxis.get_offset_text().get_text() == ""
    labels = {t.get_text() for t in ax.get_yticklabels()}
    assert "\N{MINUS SIGN}1.4" in labels
    ax2 = fig.add_subplot(2, 1, 2)
    plotting.log_likelihood_curve(ax2, [-905.0, -830.0])
    assert ax2.get_ylabel() == "log L"
