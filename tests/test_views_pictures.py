"""What a viewer without a kernel sees: each view's stored picture, its animations, and the
readability of both on a projector (size, fonts, nothing clipped or overlapping)."""
import base64
import hashlib
import io
import itertools
import os
import subprocess
import sys

import matplotlib
import numpy as np
import PIL.Image
import pytest
from skimage import data

import gmmlib
from gmmlib.background import BackgroundModel
from gmmlib.synthetic import make_scene
from gmmlib.views import BackgroundView, EMView, SegmentationView, record_background
from gmmlib.views_background import BACKGROUND_ANIMATION_FIGSIZE, NOISE_TOLERANCE, BackgroundFigure
from gmmlib.codecs import MAX_FRAMES, Animation, encode_apng, hold_small_changes
from gmmlib.views_base import MIN_WIDTH_PX

matplotlib.use("Agg")

MIN_TEXT_PX = 16        # 12 pt at 96 dpi: the smallest text on a projector
MAX_ANIMATION_BYTES = 500_000


@pytest.fixture(scope="module")
def views():
    """The four kinds of view the notebooks show, on the notebooks' own data."""
    X1, _ = gmmlib.datasets.gmm_example_1d()
    X2, _ = gmmlib.datasets.gmm_example_2d()
    image = data.camera()
    frames, truths = make_scene(n_frames=40, height=60, width=80, seed=0).arrays()
    run = record_background(BackgroundModel(K=3, alpha=0.02), frames, [(30, 40), (10, 10)], truths)
    return {
        "em_1d": EMView(X1, {K: gmmlib.painless_em(X1, K, init="equal-range") for K in range(1, 5)}, K=2),
        "em_2d": EMView(X2, {K: gmmlib.painless_em(X2, K, random_state=0) for K in range(1, 7)}, K=2),
        "segmentation": SegmentationView(image, {K: gmmlib.histogram_em(image, K) for K in range(2, 6)}, K=2),
        "background": BackgroundView(run, frame=30, pixel=0),
    }


def rgb(image_bytes):
    return np.asarray(PIL.Image.open(io.BytesIO(image_bytes)).convert("RGB"))


def current_figure(view):
    """The view's figure rendered from scratch (not blitted), as RGB pixels."""
    buf = io.BytesIO()
    view.fig.savefig(buf, format="png")
    return rgb(buf.getvalue()).astype(int)


def same_picture(a, b):
    """Equal up to antialiasing and the drawing order of overlapping curves."""
    a, b = np.asarray(a, int), np.asarray(b, int)
    return a.shape == b.shape and np.mean(np.abs(a - b) > 40) < 0.005


# --- text on a projector --------------------------------------------------------------------

def shown_texts(fig):
    """Every text the figure draws: titles, axis and tick labels, offsets, legends, free texts."""
    texts = list(fig.texts)
    for ax in fig.axes:
        texts += [ax.title, ax._left_title, ax._right_title, ax.xaxis.label, ax.yaxis.label,
                  ax.xaxis.get_offset_text(), ax.yaxis.get_offset_text()]
        for axis in (ax.xaxis, ax.yaxis):
            # the ticks that are drawn (inside the view limits); get_ticklabels() lists stale ones too
            texts += [label for tick in axis._update_ticks() for label in (tick.label1, tick.label2)]
        texts += list(ax.texts)
        if ax.get_legend() is not None:
            texts += ax.get_legend().get_texts()
    return [t for t in texts if t.get_visible() and t.get_text().strip()]


def text_problems(fig):
    """Texts smaller than 12 pt at 96 dpi, outside the figure, or overlapping another text."""
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    width, height = fig.canvas.get_width_height()
    problems = []
    boxes = []
    for text in shown_texts(fig):
        label = repr(text.get_text())
        if text.get_fontsize() * fig.dpi / 72 < MIN_TEXT_PX - 1e-6:
            problems.append(f"{label} is {text.get_fontsize():.1f} pt at {fig.dpi:g} dpi")
        box = text.get_window_extent(renderer)
        if box.x0 < -0.5 or box.y0 < -0.5 or box.x1 > width + 0.5 or box.y1 > height + 0.5:
            problems.append(f"{label} is clipped: {box.bounds} in a {width}x{height} figure")
        boxes.append((label, box))
    for (la, a), (lb, b) in itertools.combinations(boxes, 2):
        overlap_x = min(a.x1, b.x1) - max(a.x0, b.x0)
        overlap_y = min(a.y1, b.y1) - max(a.y0, b.y0)
        if overlap_x > 1 and overlap_y > 1:  # a pixel of antialiasing may touch
            problems.append(f"{la} overlaps {lb}")
    return problems


def test_the_checker_catches_small_clipped_and_overlapping_text():
    from gmmlib.views_base import new_figure
    fig = new_figure((6.67, 3))
    ax = fig.add_subplot()
    ax.set_title("a title", fontsize=8)
    ax.text(0.5, 0.5, "here", transform=ax.transAxes, fontsize=12)
    ax.text(0.5, 0.5, "and here", transform=ax.transAxes, fontsize=12)
    ax.text(1.5, 0.5, "outside", transform=ax.transAxes, fontsize=12)
    problems = " | ".join(text_problems(fig))
    assert "'a title' is 8.0 pt" in problems
    assert "'here' overlaps 'and here'" in problems
    assert "'outside' is clipped" in problems


def every_state(view):
    """(name, set-state) pairs covering every K, the first and last iteration, every pixel."""
    if isinstance(view, BackgroundView):
        last = view.iteration.max
        return [(f"frame {t}, pixel {p}", {"iteration": t, "pixel": p})
                for t in (0, last // 2, last) for p in range(view.pixel.max + 1)]
    out = []
    for K in range(view.K.min, view.K.max + 1):
        last = view.last_iteration(K)
        out += [(f"K={K} t={t}", {"K": K, "iteration": t}) for t in (0, last)]
    return out


def set_state(view, state):
    for name, value in state.items():
        getattr(view, name).value = value


@pytest.mark.parametrize("name", ["em_1d", "em_2d", "segmentation", "background"])
def test_view_figures_are_projector_sized_and_their_text_fits(views, name):
    view = views[name]
    width, _ = view.fig.canvas.get_width_height()
    assert width >= MIN_WIDTH_PX
    assert view.fig.get_layout_engine() is not None  # constrained layout, not hand-placed
    for label, state in every_state(view):
        set_state(view, state)
        assert text_problems(view.fig) == [], f"{name} at {label}"


@pytest.mark.parametrize("name", ["em_1d", "em_2d", "segmentation", "background"])
def test_animation_figures_are_projector_sized_and_their_text_fits(views, name):
    view = views[name]
    if isinstance(view, BackgroundView):
        figure = BackgroundFigure(view.run, figsize=BACKGROUND_ANIMATION_FIGSIZE)
        states = [(t, p) for t in (0, len(view.run) - 1) for p in range(len(view.run.pixels))]
    else:
        figure = view._make_figure(figsize=view.animation_figsize)
        states = [(K, t) for K in view.results for t in (0, view.last_iteration(K))]
    assert figure.size[0] >= MIN_WIDTH_PX
    for state in states:
        figure.draw(*state)
        figure.render()
        assert text_problems(figure.fig) == [], f"{name} at {state}"


# --- the picture next to the widget ---------------------------------------------------------

@pytest.mark.parametrize("name", ["em_1d", "em_2d", "segmentation", "background"])
def test_mime_bundle_holds_the_current_figure_and_follows_the_sliders(views, name):
    view = views[name]
    first_state, last_state = every_state(view)[0][1], every_state(view)[-1][1]
    set_state(view, first_state)
    bundle = view._repr_mimebundle_()
    assert set(bundle) == {"application/vnd.jupyter.widget-view+json", "image/png", "text/plain"}
    before = rgb(base64.b64decode(bundle["image/png"]))
    assert same_picture(before, current_figure(view))
    set_state(view, last_state)
    after = rgb(base64.b64decode(view._repr_mimebundle_()["image/png"]))
    assert same_picture(after, current_figure(view))
    assert not same_picture(before, after)


@pytest.mark.parametrize("name", ["em_1d", "em_2d", "segmentation", "background"])
def test_text_plain_says_what_the_view_is_not_a_widget_repr(views, name):
    view = views[name]
    text = view._repr_mimebundle_()["text/plain"]
    assert not text.startswith(("VBox", "HBox")) and "children=" not in text
    assert text.startswith(type(view).__name__)
    assert f"{view.iteration.value} of {view.iteration.max}" in text
    assert "run the notebook" in text


def test_include_and_exclude_are_passed_on(views):
    view = views["em_1d"]
    bundle = view._repr_mimebundle_(include=None, exclude=None)
    assert bundle["application/vnd.jupyter.widget-view+json"]["model_id"] == view.widget.model_id


def test_ipython_formats_a_view_with_its_picture(views):
    from IPython.core.formatters import DisplayFormatter
    data, _ = DisplayFormatter().format(views["segmentation"])
    assert {"application/vnd.jupyter.widget-view+json", "image/png", "text/plain"} <= set(data)
    assert "text/html" not in data  # nothing that a viewer would prefer to the picture
    assert base64.b64decode(data["image/png"])[:8] == b"\x89PNG\r\n\x1a\n"


# --- animations -----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def animations(views):
    return {
        "em_1d": views["em_1d"].animation(K=2),
        "em_2d": views["em_2d"].animation(K=6),    # the longest run: 41 iterations, 30 frames
        "segmentation": views["segmentation"].animation(K=5),
        "background": views["background"].animation(),
    }


@pytest.mark.parametrize("name", ["em_1d", "em_2d", "segmentation", "background"])
def test_animation_moves_is_wide_and_small(animations, name):
    animation = animations[name]
    frames = animation.frames()
    assert 2 <= animation.n_frames == len(frames) <= MAX_FRAMES
    assert all(np.any(a != b) for a, b in zip(frames, frames[1:])), "a frame repeats the one before"
    width, height = animation.size
    assert frames[0].shape == (height, width, 3) and width >= MIN_WIDTH_PX
    assert len(animation.data) <= MAX_ANIMATION_BYTES
    durations = animation.durations()
    assert len(durations) == animation.n_frames and durations[-1] > 2 * durations[0]  # a hold
    with PIL.Image.open(io.BytesIO(animation.data)) as still:
        assert still.format == "PNG" and still.info.get("loop") == 0  # loops forever
        # a viewer that does not animate PNGs shows the end of an EM run, not its start (for
        # video, whose every full frame costs 50 KB, the first frame)
        expected = frames[0] if name == "background" else frames[-1]
        assert np.array_equal(np.asarray(still.convert("RGB")), expected)


def test_animation_frames_show_the_iterations(views):
    view = views["em_1d"]
    animation = view.animation(K=3, max_frames=4)
    last = view.last_iteration(3)
    steps = [0, round(last / 3), round(2 * last / 3), last]
    figure = view._make_figure(figsize=view.animation_figsize)
    for frame, t in zip(animation.frames(), steps):
        figure.draw(3, t)
        # the same picture up to the 255-colour palette
        assert np.abs(frame.astype(int) - figure.render()[..., :3]).mean() < 2.0
    assert "K=3" in animation.description and f"0 to {last} in 4 frames" in animation.description


def test_animation_bundle_holds_only_the_moving_picture(animations):
    bundle = animations["em_1d"]._repr_mimebundle_()
    assert set(bundle) == {"image/png", "text/plain"}
    assert base64.b64decode(bundle["image/png"]) == animations["em_1d"].data
    assert bundle["text/plain"].startswith("<animation: EM on 1-D data with K=2")


def test_small_changes_are_held_and_large_ones_shown():
    rng = np.random.default_rng(1)
    frames = [rng.integers(0, 256, (30, 40, 3)).astype(np.uint8) for _ in range(6)]
    for tolerance in (0, 12):
        held = hold_small_changes(frames, tolerance)
        shown = held[0].astype(int)
        for raw, h in zip(frames, held):
            diff = np.abs(raw.astype(int) - h.astype(int))
            assert diff.max() <= tolerance
            # a pixel is either shown exactly or kept as before
            exact = (diff == 0).all(axis=-1)
            kept = (h.astype(int) == shown).all(axis=-1)
            assert (exact | kept).all()
            shown = h.astype(int)
    assert all(np.array_equal(a, b) for a, b in zip(hold_small_changes(frames, 0), frames))


def test_video_animation_holds_noise_and_stays_close_to_the_frames(views):
    view = views["background"]
    exact = view.animation(max_frames=10, tolerance=0)
    held = view.animation(max_frames=10)
    assert len(held.data) < 0.8 * len(exact.data)
    figure = BackgroundFigure(view.run, figsize=BACKGROUND_ANIMATION_FIGSIZE)
    for frame, t in zip(held.frames(), range(0, len(view.run), 4)):
        figure.draw(t, view.current_pixel)
        diff = np.abs(frame.astype(int) - figure.render()[..., :3])
        assert np.median(diff) <= NOISE_TOLERANCE and diff.mean() < NOISE_TOLERANCE / 2


def test_animation_bytes_are_the_same_every_time(views, animations):
    again = views["em_1d"].animation(K=2)
    assert again.data == animations["em_1d"].data


ANIMATION_SCRIPT = """
import hashlib, gmmlib
from gmmlib.views import EMView
X, _ = gmmlib.datasets.gmm_example_2d()
view = EMView(X, {3: gmmlib.painless_em(X, 3, random_state=0)})
print(hashlib.sha256(view.animation(max_frames=6).data).hexdigest())
"""


def test_animation_bytes_are_the_same_in_a_fresh_process(views):
    X, _ = gmmlib.datasets.gmm_example_2d()
    here = EMView(X, {3: gmmlib.painless_em(X, 3, random_state=0)}).animation(max_frames=6)
    out = subprocess.run([sys.executable, "-c", ANIMATION_SCRIPT], capture_output=True, text=True,
                         check=True, env=dict(os.environ, MPLBACKEND="Agg"))
    assert out.stdout.strip() == hashlib.sha256(here.data).hexdigest()


def test_apng_encoder_round_trips_exactly_for_few_colours():
    rng = np.random.default_rng(0)
    frames = [np.zeros((40, 64, 3), np.uint8) for _ in range(5)]
    for i, f in enumerate(frames):
        f[:] = (255, 255, 255)
        f[5:15, 3 + 10 * i: 13 + 10 * i] = (200, 30, 30)       # a square that moves
        f[30:35, :] = rng.integers(0, 2, (5, 64, 1)) * 80       # two-level noise strip
    animation = Animation(encode_apng(frames, 100, 1000), 5, (64, 40), "test")
    for a, b in zip(animation.frames(), frames):
        np.testing.assert_array_equal(a, b)
    assert animation.durations() == [100, 100, 100, 100, 1000]


def test_the_encoders_are_still_importable_from_views_base():
    """Notebooks 04 and 05 import encode_small_png from gmmlib.views_base (cells written before
    the encoders moved to gmmlib.codecs)."""
    from gmmlib import codecs, views_base
    for name in ("encode", "encode_small_png", "encode_apng", "Animation", "MAX_FRAMES"):
        assert getattr(views_base, name) is getattr(codecs, name)
