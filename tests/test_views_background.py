"""BackgroundView driven without a kernel: the frame slider shows the precomputed run."""
import io

import numpy as np
import PIL.Image
import pytest

from gmmlib.background import BackgroundModel
from gmmlib.synthetic import make_scene
from gmmlib.views import (BackgroundRun, BackgroundView, background_caption, mask_overlay,
                          record_background)

N_FRAMES = 24


@pytest.fixture(scope="module")
def run():
    frames, truths = make_scene(n_frames=N_FRAMES, height=36, width=48, seed=3,
                                object_size=14).arrays()
    pixels = [(18, 24), (5, 5)]
    return record_background(BackgroundModel(K=3, alpha=0.05, T=0.7), frames, pixels, truths)


def pixels(image_bytes):
    return np.asarray(PIL.Image.open(io.BytesIO(image_bytes)).convert("RGB"), dtype=np.int16)


def test_record_matches_a_second_run_of_the_model(run):
    model = BackgroundModel(K=3, alpha=0.05, T=0.7)
    for t, frame in enumerate(run.frames):
        assert np.array_equal(model.apply(frame), run.masks[t])
        assert np.array_equal(model.background(), run.backgrounds[t])
        mix = model.mixture_at(*run.pixels[0])
        # the run keeps storage order; compare as sorted multisets with the model's own view
        np.testing.assert_allclose(np.sort(run.weights[0, t]), np.sort(mix.weights), rtol=1e-6)
        assert run.is_background[0, t].sum() == mix.is_background.sum()


def test_widgets_have_the_contract_classes(run):
    view = BackgroundView(run)
    assert "gmm-view" in view.widget._dom_classes
    assert "gmm-iteration" in view.iteration._dom_classes
    assert view.iteration.description == "frame"
    assert (view.iteration.min, view.iteration.max) == (0, N_FRAMES - 1)
    assert "gmm-play" in view.play._dom_classes
    assert "gmm-caption" in view.caption._dom_classes
    assert "gmm-figure" in view.image._dom_classes
    assert "gmm-pixel" in view.pixel._dom_classes
    assert view.K is None
    assert view.image.format == "jpeg" and view.image.value[:3] == b"\xff\xd8\xff"


def test_one_pixel_gives_no_pixel_slider(run):
    one = record_background(BackgroundModel(K=3), run.frames[:5], [(1, 1)])
    view = BackgroundView(one)
    assert view.pixel is None and view.K is None
    assert "F=" not in view.caption.value  # no truth, no F-measure


def test_every_frame_shows_that_frame(run):
    view = BackgroundView(run)
    fig = view.figure
    seen = set()
    for t in range(view.iteration.min, view.iteration.max + 1):
        view.iteration.value = t
        assert view.caption.value == background_caption(run, t, 0)
        assert view.caption.value.startswith(f"K=3 iteration={t} frame={t} ")
        f = run.f_measure[t]
        assert (f"F={f:.2f}" if not np.isnan(f) else "F=n/a") in view.caption.value
        assert np.array_equal(fig.frame_image.get_array(), mask_overlay(run.frames[t], run.masks[t]))
        assert np.array_equal(fig.bg_image.get_array(), run.backgrounds[t])
        x, y = fig.trace.get_data()
        r, c = run.pixels[0]
        assert np.array_equal(x, np.arange(t + 1))
        assert np.array_equal(y, run.frames[: t + 1, r, c])
        for k, line in enumerate(fig.mean_lines):
            ydata = np.asarray(line.get_ydata())
            used = run.weights[0, : t + 1, k] > 0
            np.testing.assert_allclose(ydata[used], run.means[0, : t + 1, k][used])
            assert np.isnan(ydata[~used]).all()
            text = fig.weight_texts[k].get_text()
            if used[-1]:
                assert text.startswith(f"{run.weights[0, t, k]:.2f} ")
                assert text.endswith("bg" if run.is_background[0, t, k] else "fg")
            else:
                assert text == "empty"
        assert len(fig.bands) == run.K
        seen.add(view.image.value)
    assert len(seen) == N_FRAMES  # every frame drew a different picture


def test_caption_is_what_the_browser_suite_parses(run):
    import re
    view = BackgroundView(run, frame=7)
    m = re.search(r"K\s*=\s*(\d+).*?iteration\s*=\s*(\d+)", view.caption.value, re.S)
    assert m and (int(m.group(1)), int(m.group(2))) == (3, 7)


def test_pixel_slider_switches_the_traced_pixel(run):
    view = BackgroundView(run, frame=10)
    png0 = view.image.value
    view.pixel.value = 1
    r, c = run.pixels[1]
    assert f"pixel=({r}, {c})" in view.caption.value
    assert np.array_equal(view.figure.trace.get_data()[1], run.frames[:11, r, c])
    np.testing.assert_array_equal(view.figure.pixel_marker.get_data(), ([c], [r]))
    assert view.image.value != png0


def test_play_moves_the_frame_and_the_figure(run):
    view = BackgroundView(run)
    png0 = view.image.value
    view.play.value = 5
    assert view.iteration.value == 5
    assert "iteration=5 frame=5" in view.caption.value
    assert view.image.value != png0
    view.iteration.value = 9
    assert view.play.value == 9


def test_blitted_picture_matches_a_full_render(run):
    view = BackgroundView(run, frame=15)
    blitted = pixels(view.image.value)
    buf = io.BytesIO()
    view.fig.savefig(buf, format="png")
    full = pixels(buf.getvalue())
    assert blitted.shape == full.shape == (297, 840, 3)
    # the same picture, up to JPEG's small errors around edges
    assert np.abs(blitted - full).mean() < 2.0
    assert np.mean(np.abs(blitted - full) > 40) < 0.005


def test_sliders_never_rerun_the_model(run, monkeypatch):
    view = BackgroundView(run)

    def refuse(*args, **kwargs):
        raise AssertionError("a slider ran the background model")
    monkeypatch.setattr(BackgroundModel, "apply", refuse)
    for t in (3, 20, 0):
        view.iteration.value = t
    view.pixel.value = 1


@pytest.mark.parametrize("max_frames", [5, 30])
def test_animation_frame_count(run, max_frames):
    import matplotlib.pyplot as plt
    before = plt.get_fignums()
    animation = BackgroundView(run).animation(max_frames=max_frames)
    assert animation.n_frames == min(max_frames, N_FRAMES) == len(animation.frames())
    assert plt.get_fignums() == before


def test_bad_input_says_what_to_pass(run):
    with pytest.raises(TypeError, match="BackgroundRun"):
        BackgroundView({"frames": run.frames})
    with pytest.raises(ValueError, match="fresh model"):
        model = BackgroundModel()
        model.apply(run.frames[0])
        record_background(model, run.frames, [(0, 0)])
    with pytest.raises(ValueError, match="outside"):
        record_background(BackgroundModel(), run.frames, [(100, 0)])
    assert isinstance(run, BackgroundRun) and len(run) == N_FRAMES


def test_bands_fill_what_fill_between_fills():
    from matplotlib.figure import Figure

    from gmmlib.views_background import band_polygons

    def area(xy):
        x, y = xy[:, 0], xy[:, 1]
        return 0.5 * abs(np.dot(x, np.roll(y, -1)) - np.dot(y, np.roll(x, -1)))

    rng = np.random.default_rng(0)
    x = np.arange(30.0)
    low = rng.normal(size=30)
    high = low + rng.uniform(0.5, 2, size=30)
    where = np.ones(30, bool)
    where[[0, 7, 8, 20]] = False   # gaps, and a lone point at 19..21 boundaries
    reference = Figure().add_subplot().fill_between(x, low, high, where=where)
    expected = sorted(area(p.vertices) for p in reference.get_paths())
    ours = band_polygons(x, low, high, where)
    assert len(ours) == len(expected) == 3
    np.testing.assert_allclose(sorted(area(p) for p in ours), expected, rtol=1e-12)
    assert band_polygons(x, low, high, np.zeros(30, bool)) == []
