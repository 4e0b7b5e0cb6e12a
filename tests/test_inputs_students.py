"""Input the way students really pass it (issue 16): rare colours, masked arrays, PIL images,
img_as_float graphics, float videos, a student's np.seterr, a clip cache on a shared server.

Where gmmlib refuses an input, the message suggests a fix; these tests take the suggested code
out of the message, run it, and check that the call then succeeds (a fix that does not work
is worse than no fix). Everything is seeded.
"""
import os
import re
import tempfile
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, example, given, settings, strategies as st
from PIL import Image

from gmmlib import Mixture, metrics, painless_em, video
from gmmlib._validate import as_data, as_weights, validate_image
from gmmlib.background import BackgroundModel
from gmmlib.images import histogram_em, intensity_histogram, segment_colour, segment_gray
from gmmlib.init import kmeans_init

# The long searches belong to test_properties.py; here a few examples per family suffice.
EXAMPLES = min(25, int(os.environ.get("GMMLIB_HYPOTHESIS_EXAMPLES", 250)))
SETTINGS = dict(max_examples=EXAMPLES, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])


def suggested(message, pattern):
    """The piece of code the message suggests, found by ``pattern`` (a regex); fails if absent."""
    found = re.findall(pattern, message)
    assert found, f"no fix matching {pattern!r} in the message: {message}"
    return found[0]


def apply_fix(message, pattern, **names):
    """Evaluate the suggested code with the variables it names (np is numpy)."""
    import skimage.util
    return eval(suggested(message, pattern), {"np": np, "skimage": skimage}, names)


# ---------------------------------------------------------------- K-means starts, rare values

def page_with_a_red_dot(side, dot):
    img = np.full((side, side, 3), 255, np.uint8)
    img[10:10 + dot, 10:10 + dot] = [255, 0, 0]
    return img


@pytest.mark.parametrize("random_state", range(3))
def test_kmeans_start_finds_a_colour_the_sample_missed(random_state):
    # The page: 640,000 white pixels and 4 red ones. A 20,000-pixel sample almost never
    # holds a red one; the start used to crash drawing 2 distinct centres from 1 colour.
    X = page_with_a_red_dot(800, 2).reshape(-1, 3).astype(float)
    start = kmeans_init(X, np.ones(X.shape[0]), 2, np.random.default_rng(random_state), 1e-6)
    assert sorted(map(tuple, start.means)) == [(255, 0, 0), (255, 255, 255)]
    assert start.weights.min() == pytest.approx(4 / X.shape[0])


@pytest.mark.parametrize("random_state", range(3))
def test_segment_colour_of_a_page_with_one_red_pixel(random_state):
    img = page_with_a_red_dot(300, 1)  # 90,000 pixels: a 20,000 sample misses the dot 4 times in 5
    seg = segment_colour(img, 2, random_state=random_state)
    dot = seg.labels[10, 10]
    assert (seg.labels == dot).sum() == 1
    assert tuple(seg.mean_colour_image()[10, 10]) == (255, 0, 0)
    assert tuple(seg.mean_colour_image()[0, 0]) == (255, 255, 255)


@pytest.mark.parametrize("random_state", range(3))
def test_a_million_equal_points_and_one_other(random_state):
    X = np.zeros(1_000_000)
    X[123_456] = 1.0
    start = kmeans_init(X[:, None], np.ones(X.size), 2, np.random.default_rng(random_state), 1e-6)
    assert sorted(start.means[:, 0]) == [0.0, 1.0]
    if random_state == 0:  # the whole fit once, on 200,000 points (2 to 7 s on a million)
        result = painless_em(X[:200_000], 2, random_state=random_state)
        assert sorted(result.mixture.predict(np.array([0.0, 1.0]))) == [0, 1]


# ---------------------------------------------------------------- masked arrays

def masked_sensor_data():
    rng = np.random.default_rng(0)
    X = np.concatenate([rng.normal(0, 1, 150), rng.normal(6, 1, 150)])
    missing = np.zeros(X.size, bool)
    missing[::25] = True
    X[missing] = -999.0  # the sentinel of a missing reading
    return np.ma.masked_array(X, mask=missing), X[~missing]


def test_masked_array_is_refused_and_compressed_gives_the_clean_fit():
    X, clean = masked_sensor_data()
    with pytest.raises(ValueError, match="masked array with 12 masked entries") as err:
        painless_em(X, 2)
    fixed = apply_fix(str(err.value), r"X\.compressed\(\)", X=X)
    np.testing.assert_array_equal(painless_em(fixed, 2).mixture.means,
                                  painless_em(clean, 2).mixture.means)


def test_masked_rows_of_a_table_are_dropped_by_the_suggested_fix():
    X, _ = masked_sensor_data()
    table = np.ma.column_stack([X, X.data * 2])  # the mask spreads to the whole row
    with pytest.raises(ValueError, match="masked") as err:
        as_data(table)
    fixed = apply_fix(str(err.value), r"X\[~X\.mask\.any\(axis=1\)\]", X=table)
    assert as_data(fixed).shape == (288, 2) and as_data(fixed).min() > -100


def test_masked_image_is_refused_and_filled_works():
    img = np.ma.masked_array(np.full((20, 20), 200, np.uint8))
    img[:, :10] = 40
    img[0, 0] = np.ma.masked
    with pytest.raises(ValueError, match="masked") as err:
        segment_gray(img, 2)
    fixed = apply_fix(str(err.value), r"image\.filled\(value\)", image=img, value=40)
    assert segment_gray(fixed, 2).labels.sum() == 200


def test_masked_array_without_masked_entries_is_plain_data():
    X = np.ma.masked_array([1.0, 2.0, 5.0, 6.0])
    np.testing.assert_array_equal(as_data(X), [[1.0], [2.0], [5.0], [6.0]])


# ---------------------------------------------------------------- weights whose scale is tiny

def test_subnormal_weights_are_refused_and_the_fix_gives_the_unit_weight_fit():
    rng = np.random.default_rng(0)
    X = np.concatenate([rng.normal(0, 1, 100), rng.normal(6, 1, 100)])
    weights = np.full(X.size, 5e-324)
    with pytest.raises(ValueError, match="tiny") as err:
        painless_em(X, 2, weights=weights)
    fixed = apply_fix(str(err.value), r"weights / weights\.max\(\)", weights=weights)
    unit = painless_em(X, 2).mixture
    fit = painless_em(X, 2, weights=fixed).mixture
    np.testing.assert_array_equal(fit.means, unit.means)
    np.testing.assert_array_equal(fit.covariances, unit.covariances)


def test_small_but_normal_weights_still_pass():
    w = as_weights(np.full(4, 1e-12), 4)  # probabilities of a million points are ~1e-6
    assert w.tolist() == [1e-12] * 4


# ---------------------------------------------------------------- PIL images

def two_tone_rgb(seed=0):
    rng = np.random.default_rng(seed)
    img = np.zeros((24, 32, 3), np.uint8)
    img[:, :16] = [200, 30, 30]
    img[:, 16:] = [20, 40, 220]
    return np.clip(img + rng.integers(-8, 9, img.shape), 0, 255).astype(np.uint8)


@pytest.mark.parametrize("mode", ["P", "CMYK", "1", "LA", "YCbCr"])
def test_pil_modes_that_would_be_misread_are_refused_with_a_working_convert(mode):
    pil = Image.fromarray(two_tone_rgb()).convert(mode)
    with pytest.raises(ValueError, match=f"mode '{mode}'") as err:
        segment_colour(pil, 2)
    assert "astype(float)" not in str(err.value)
    fixed = apply_fix(str(err.value), r'image\.convert\("RGB"\)', image=pil)
    seg = segment_colour(fixed, 2)
    if mode != "1":  # a 1-bit image is dithered: its two halves are patterns, not flat
        assert len(np.unique(seg.labels[:, :16])) == 1 and seg.labels[0, 0] != seg.labels[0, -1]

    with pytest.raises(ValueError, match=f"mode '{mode}'") as err:
        segment_gray(pil, 2)
    fixed = apply_fix(str(err.value), r'image\.convert\("L"\)', image=pil)
    assert segment_gray(fixed, 2).labels.shape == (24, 32)


def test_palette_image_converted_segments_like_its_rgb_array():
    rgb = two_tone_rgb()
    pil = Image.fromarray(rgb).convert("P")  # palette indices carry no order of brightness
    expected = np.asarray(pil.convert("RGB"))
    a = segment_colour(pil.convert("RGB"), 2, random_state=0)
    b = segment_colour(expected, 2, random_state=0)
    np.testing.assert_array_equal(a.labels, b.labels)


@pytest.mark.parametrize("mode", ["L", "RGB", "RGBA"])
def test_pil_modes_that_hold_levels_are_read_as_their_arrays(mode):
    pil = Image.fromarray(two_tone_rgb()).convert(mode)
    np.testing.assert_array_equal(validate_image(pil), np.asarray(pil))


def test_16_bit_png_opened_with_pil_gets_a_division_that_works(tmp_path):
    levels = np.zeros((8, 8), np.uint16)
    levels[:, 4:] = 50_000
    Image.fromarray(levels).save(tmp_path / "deep.png")
    pil = Image.open(tmp_path / "deep.png")
    with pytest.raises(ValueError, match="50000") as err:
        segment_gray(pil, 2)
    fixed = apply_fix(str(err.value), r"\(np\.asarray\(image\) // 257\)\.astype\(np\.uint8\)", image=pil)
    np.testing.assert_array_equal(segment_gray(fixed, 2).labels, levels > 0)


def test_boolean_image_gets_a_fix_that_is_not_refused_next():
    mask = np.zeros((10, 10), bool)
    mask[:, 5:] = True
    with pytest.raises(TypeError, match="boolean") as err:
        segment_gray(mask, 2)
    fixed = apply_fix(str(err.value), r"image\.astype\(np\.uint8\) \* 255", image=mask)
    assert segment_gray(fixed, 2).labels.sum() == 50


# ---------------------------------------------------------------- channels

@pytest.mark.parametrize("channels", [1, 2])
def test_one_and_two_channel_images_are_told_to_take_channel_0(channels):
    gray = np.zeros((12, 12), np.uint8)
    gray[:, 6:] = 200
    img = np.stack([gray] + [np.full_like(gray, 255)] * (channels - 1), axis=2)
    with pytest.raises(ValueError) as err:
        segment_gray(img, 2)
    assert "moveaxis" not in str(err.value)
    fixed = apply_fix(str(err.value), r"image\[\.\.\., 0\]", image=img)
    np.testing.assert_array_equal(segment_gray(fixed, 2).labels, gray > 100)
    with pytest.raises(ValueError, match=r"segment_gray") as err:
        segment_colour(img, 2)
    assert "moveaxis" not in str(err.value)


@pytest.mark.parametrize("layout, pattern", [("CHW", r"np\.moveaxis\(image, 0, -1\)"),
                                             ("1HW", r"image\[0\]")])
def test_channels_first_and_stacked_images_get_the_fix_for_their_layout(layout, pattern):
    rgb = two_tone_rgb()
    img = np.moveaxis(rgb, -1, 0) if layout == "CHW" else rgb[None, ..., 0]
    func = segment_colour if layout == "CHW" else segment_gray
    with pytest.raises(ValueError, match="channels last") as err:
        func(img, 2)
    assert func(apply_fix(str(err.value), pattern, image=img), 2).labels.shape == (24, 32)


# ---------------------------------------------------------------- [0, 1] scaling

def test_img_as_float_of_a_pure_colour_graphic_is_refused():
    from skimage.util import img_as_float
    graphic = np.zeros((16, 16, 3), np.uint8)
    graphic[:8] = [255, 0, 0]
    graphic[8:] = [0, 0, 255]
    flt = img_as_float(graphic)  # only 0.0 and 1.0: nothing fractional to give it away
    with pytest.raises(ValueError, match=r"\[0, 1\]") as err:
        segment_colour(flt, 2)
    fixed = apply_fix(str(err.value), r"skimage\.util\.img_as_ubyte\(image\)", image=flt)
    painted = segment_colour(fixed, 2).mean_colour_image()
    np.testing.assert_array_equal(painted, graphic)  # not black


def test_all_black_float_image_is_accepted():
    assert validate_image(np.zeros((4, 4))).max() == 0


def float_video(first_black=True, n=40, seed=0):
    """A [0, 1] video: a still grey scene, a bright square walking across from frame 20."""
    rng = np.random.default_rng(seed)
    frames = []
    for t in range(n):
        f = np.clip(0.4 + rng.normal(0, 0.01, (16, 16)), 0, 1)
        if t >= 20:
            f[4:8, t - 20:t - 16] = 0.95
        frames.append(f)
    if first_black:
        frames[0] = np.zeros((16, 16))
    return frames


def test_unit_float_video_that_opens_on_a_black_frame_is_refused_at_its_first_lit_frame():
    frames = float_video()
    model = BackgroundModel()
    model.apply(frames[0])  # black: nothing to judge yet
    with pytest.raises(ValueError, match=r"frame 1 .*\[0, 1\]") as err:
        model.apply(frames[1])
    model = BackgroundModel()
    masks = [model.apply(apply_fix(str(err.value), r"frame \* 255", frame=f)) for f in frames]
    assert masks[25][4:8, 5:9].all()  # the square is foreground once scaled


def test_a_0_255_float_video_with_a_dark_frame_later_is_not_refused():
    frames = [f * 255 for f in float_video(first_black=False)]
    frames[30] = frames[30] / 300  # a fade to black: every value <= 1
    model = BackgroundModel()
    for f in frames:
        model.apply(f)
    assert model.n_frames_ == len(frames)


# ---------------------------------------------------------------- read_frames past the end

def test_read_frames_start_past_the_end_names_the_clip_length(tmp_path):
    import imageio.v3 as iio
    path = tmp_path / "five.mp4"
    clip = np.repeat(np.arange(5, dtype=np.uint8)[:, None, None, None] * 40, 16, axis=1)
    iio.imwrite(path, np.repeat(np.repeat(clip, 16, axis=2), 3, axis=3), plugin="FFMPEG", fps=5)
    with pytest.raises(ValueError, match=r"start=100 .* 5 frames .*start < 5"):
        video.read_frames(path, start=100)
    assert len(list(video.read_frames(path, start=4))) == 1


# ---------------------------------------------------------------- a student's np.seterr

def _gray_image():
    rng = np.random.default_rng(0)
    levels = np.concatenate([rng.normal(60, 6, 1500), rng.normal(190, 9, 1500)])
    img = np.clip(np.rint(levels), 0, 255).astype(np.uint8).reshape(30, 100)
    img[0, :50] = 0  # two far-off level groups: their densities underflow in the E-step
    img[0, 50:] = 255
    return img


def _colour_image():
    g = _gray_image()
    return np.stack([g, 255 - g, g // 2], axis=2)


TIGHT = Mixture([1e-300, 0.5, 0.5 - 1e-300], [[0.0], [50.0], [1e4]], [[[1e-4]], [[1.0]], [[1e-4]]])
FAR = np.array([[0.0], [50.0], [3e4], [-1e5], [1e150]])


def _bg_masks(learning_rate):
    frames = [np.zeros((6, 6), np.uint8)] * 300 + [np.full((6, 6), 255, np.uint8)] * 3
    model = BackgroundModel(K=3, learning_rate=learning_rate)
    return np.array([model.apply(f) for f in frames])


ENTRY_POINTS = {
    "segment_gray": lambda: segment_gray(_gray_image(), 3).labels,
    "segment_colour": lambda: segment_colour(_colour_image(), 3).mean_colour_image(),
    "histogram_em": lambda: histogram_em(_gray_image(), 3).mixture.means,
    "intensity_histogram": lambda: intensity_histogram(_gray_image())[1],
    "Mixture.log_density": lambda: TIGHT.log_density(FAR),
    "Mixture.responsibilities": lambda: TIGHT.responsibilities(FAR),
    "Mixture.predict": lambda: TIGHT.predict(FAR),
    "Mixture.score": lambda: TIGHT.score(FAR[:3]),
    "Mixture.bic": lambda: TIGHT.bic(FAR[:3]),
    "Mixture.sample": lambda: TIGHT.sample(50)[0],
    "kmeans_init": lambda: kmeans_init(FAR, np.ones(5), 2, np.random.default_rng(0), 1e-6).means,
    "precision_recall_f": lambda: metrics.precision_recall_f(np.array([0, 2]), np.array([0, 1]),
                                                             np.array([0, 0])),
    "score_masks": lambda: metrics.score_masks([np.zeros((3, 3), bool)], [np.zeros((3, 3), bool)]).f_measure,
    "BackgroundModel.apply[paper]": lambda: _bg_masks("paper"),
    "BackgroundModel.apply[inverse_weight]": lambda: _bg_masks("inverse_weight"),
}


def _same(a, b):
    if isinstance(a, tuple):
        return all(_same(x, y) for x, y in zip(a, b))
    return np.array_equal(np.asarray(a), np.asarray(b), equal_nan=True)


@pytest.mark.parametrize("name", ENTRY_POINTS)
def test_a_students_seterr_raise_changes_nothing(name):
    expected = ENTRY_POINTS[name]()
    with np.errstate(all="raise"):
        got = ENTRY_POINTS[name]()
        assert np.geterr()["under"] == "raise"  # and the student's state is back afterwards
    assert _same(got, expected)


# ---------------------------------------------------------------- the clip cache

FAKE = b"not really a video, but a file with a known digest\n" * 10


@pytest.fixture
def fake_clip(monkeypatch):
    """tree.avi replaced by a small file of known sha256, so no test here downloads anything."""
    import hashlib
    monkeypatch.setitem(video.CLIPS, "tree.avi", (len(FAKE), hashlib.sha256(FAKE).hexdigest(), "fake"))
    calls = []

    def route(name, dest, workdir):
        calls.append(Path(workdir))
        Path(dest).write_bytes(FAKE)
        return "a test route"
    return [("a test route", route)], calls


def deny_access(monkeypatch, path):
    """os.access says no for ``path`` (we run as root, and root ignores file modes)."""
    real_access = os.access
    monkeypatch.setattr(os, "access", lambda p, m, **k: False if Path(p) == path else real_access(p, m, **k))


def test_gmmlib_data_with_a_tilde_set_from_python_is_expanded(tmp_path, monkeypatch, fake_clip):
    routes, _ = fake_clip
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("GMMLIB_DATA", "~/clips")
    path = video.fetch_clip("tree.avi", routes=routes)
    assert path == tmp_path / "home" / "clips" / "tree.avi" and path.read_bytes() == FAKE
    assert not (tmp_path / "~").exists()
    monkeypatch.setenv("COURSE", str(tmp_path / "course"))
    monkeypatch.setenv("GMMLIB_DATA", "$COURSE/clips")
    assert video.cache_dir() == tmp_path / "course" / "clips"


def test_read_only_cache_is_refused_before_any_download(tmp_path, monkeypatch, fake_clip):
    # We run as root, which ignores file modes: os.access stands for a folder we may not write.
    routes, calls = fake_clip
    cache = tmp_path / "shared"
    cache.mkdir()
    monkeypatch.setenv("GMMLIB_DATA", str(cache))
    deny_access(monkeypatch, cache)
    with pytest.raises(PermissionError, match=f"cannot write to the clip cache {re.escape(str(cache))} "
                                              r"\(from GMMLIB_DATA\).*Set GMMLIB_DATA"):
        video.fetch_clip("tree.avi", routes=routes)
    assert calls == []  # nothing was fetched


def test_a_cache_that_cannot_be_created_is_refused_before_any_download(tmp_path, monkeypatch, fake_clip):
    # A path under a file stands for a folder we may not create (root may create any other).
    routes, calls = fake_clip
    (tmp_path / "afile").write_text("")
    monkeypatch.setenv("GMMLIB_DATA", str(tmp_path / "afile" / "sub"))
    with pytest.raises(ValueError, match="cannot keep the clips in .*afile.*GMMLIB_DATA"):
        video.fetch_clip("tree.avi", routes=routes)
    assert calls == []


def test_an_unusable_temp_folder_does_not_matter(tmp_path, monkeypatch, fake_clip):
    routes, calls = fake_clip
    monkeypatch.setenv("GMMLIB_DATA", str(tmp_path / "cache"))
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "no-such-tmp"))
    assert video.fetch_clip("tree.avi", routes=routes).read_bytes() == FAKE
    assert calls[0].parent == tmp_path / "cache"  # the work folder lived in the cache
    assert [p.name for p in (tmp_path / "cache").iterdir()] == ["tree.avi"]  # and is gone


def test_an_unreadable_cached_clip_is_named_with_what_to_do(tmp_path, monkeypatch, fake_clip):
    routes, calls = fake_clip
    monkeypatch.setenv("GMMLIB_DATA", str(tmp_path))
    target = tmp_path / "tree.avi"
    target.write_bytes(FAKE)
    deny_access(monkeypatch, target)
    with pytest.raises(PermissionError, match=f"{re.escape(str(target))} cannot be read.*delete it"):
        video.fetch_clip("tree.avi", routes=routes)
    assert calls == []


def test_a_cached_clip_one_byte_short_is_called_damaged(tmp_path, monkeypatch, fake_clip):
    routes, _ = fake_clip
    monkeypatch.setenv("GMMLIB_DATA", str(tmp_path))
    target = tmp_path / "tree.avi"
    target.write_bytes(FAKE[:-1])

    def offline(name, dest, workdir):
        raise OSError("no network")
    with pytest.raises(RuntimeError, match=f"copy already at {re.escape(str(target))} is damaged "
                                           rf"\({len(FAKE) - 1:,} bytes instead of {len(FAKE):,}.*delete it"):
        video.fetch_clip("tree.avi", routes=[("offline", offline)])
    assert video.fetch_clip("tree.avi", routes=routes).read_bytes() == FAKE  # replaced when possible


# ---------------------------------------------------------------- properties

@st.composite
def points(draw):
    n = draw(st.integers(4, 30))
    d = draw(st.integers(1, 3))
    seed = draw(st.integers(0, 2**32 - 1))
    return np.random.default_rng(seed).normal(size=(n, d)) * 10 ** draw(st.integers(-3, 3))


@settings(**SETTINGS)
@given(X=points(), kind=st.sampled_from(["list", "tuple", "masked-nothing-masked", "float32"]))
def test_array_likes_give_the_same_densities_as_the_array(X, kind):
    mix = Mixture([0.3, 0.7], np.zeros((2, X.shape[1])) + [[-1.0], [1.0]],
                  [np.eye(X.shape[1])] * 2)
    like = {"list": lambda: X.tolist(), "tuple": lambda: tuple(map(tuple, X)),
            "masked-nothing-masked": lambda: np.ma.masked_array(X),
            "float32": lambda: X.astype(np.float32).astype(np.float64)}[kind]()
    np.testing.assert_array_equal(mix.log_density(like), mix.log_density(np.asarray(like, float)))


@settings(**SETTINGS)
@given(X=points(), n_masked=st.integers(1, 3))
def test_any_masked_entry_is_refused_and_compressed_rows_are_accepted(X, n_masked):
    mask = np.zeros(X.shape, bool)
    mask.flat[:n_masked] = True
    Xm = np.ma.masked_array(X, mask=mask)
    with pytest.raises(ValueError, match=f"{int(mask.sum())} masked entries") as err:
        as_data(Xm)
    pattern = r"X\[~X\.mask\.any\(axis=1\)\]" if X.ndim == 2 else r"X\.compressed\(\)"
    fixed = as_data(apply_fix(str(err.value), pattern, X=Xm))
    np.testing.assert_array_equal(fixed, X[~mask.any(axis=1)])


@settings(**SETTINGS)
@given(seed=st.integers(0, 2**32 - 1),
       mode=st.sampled_from(["P", "PA", "CMYK", "1", "LA", "La", "RGBa", "L", "RGB", "RGBA", "YCbCr",
                             "HSV", "LAB"]))
def test_pil_images_are_read_as_levels_or_refused_with_a_working_convert(seed, mode):
    rgb = np.random.default_rng(seed).integers(0, 256, (6, 7, 3)).astype(np.uint8)
    pil = Image.fromarray(rgb).convert(mode)
    for func, fix in ((segment_colour, r'image(?:\.convert\("\w+"\))*\.convert\("RGB"\)'),
                      (segment_gray, r'image(?:\.convert\("\w+"\))*\.convert\("L"\)')):
        try:
            got = validate_image(pil, channels=(3, 4) if func is segment_colour else (1,))
        except ValueError as err:
            assert mode not in ("L", "RGB", "RGBA") or "channels" in str(err) or "grayscale" in str(err) \
                or "colour image" in str(err)
            if mode in ("L", "RGB", "RGBA"):
                continue  # a grey image to segment_colour or colour to segment_gray: other tests
            func(apply_fix(str(err), fix, image=pil), 2)
        else:
            assert mode in ("L", "RGB", "RGBA")
            np.testing.assert_array_equal(got, np.asarray(pil))


@settings(**SETTINGS)
@given(seed=st.integers(0, 2**32 - 1), top=st.floats(1e-6, 1.0), binary=st.booleans())
@example(seed=0, top=1.0, binary=True)  # img_as_float of a two-colour graphic: only 0.0 and 1.0
def test_float_images_with_max_at_most_1_are_refused_and_the_fix_accepted(seed, top, binary):
    rng = np.random.default_rng(seed)
    img = rng.random((8, 9, 3))
    img = (img > 0.5).astype(float) if binary else img
    img = img / max(img.max(), 1e-300) * top
    img.flat[0] = top  # the maximum is there even when binary drew all zeros
    with pytest.raises(ValueError, match=r"\[0, 1\]") as err:
        validate_image(img)
    fixed = apply_fix(str(err.value), r"skimage\.util\.img_as_ubyte\(image\)", image=img)
    assert validate_image(fixed).max() == round(top * 255)


@settings(**SETTINGS)
@given(seed=st.integers(0, 2**32 - 1), kind=st.sampled_from(["list", "tuple", "int64", "float-levels"]))
def test_image_array_likes_give_the_histogram_of_the_array(seed, kind):
    img = np.random.default_rng(seed).integers(0, 256, (5, 6)).astype(np.uint8)
    like = {"list": img.tolist, "tuple": lambda: tuple(map(tuple, img.tolist())),
            "int64": lambda: img.astype(np.int64), "float-levels": lambda: img.astype(float)}[kind]()
    if kind == "float-levels":
        np.testing.assert_array_equal(validate_image(like), img)
    else:
        np.testing.assert_array_equal(intensity_histogram(like)[1], intensity_histogram(img)[1])
