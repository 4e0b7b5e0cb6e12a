"""Reading video, and fetching OpenCV's sample clips through the routes that work here."""
import numpy as np
import pytest

from gmmlib import video
from gmmlib.background import BackgroundModel


@pytest.fixture(scope="module")
def tree():
    # The real clip, fetched for real (the registry routes work in CI); cached after the first run.
    return video.fetch_clip("tree.avi")


def test_fetch_clip_gives_the_checked_tree_clip(tree):
    size, digest, _ = video.CLIPS["tree.avi"]
    assert tree.stat().st_size == size and video.sha256(tree) == digest
    assert video.cache_dir() in tree.parents  # outside the repository, in the cache


def test_tree_clip_decodes_to_449_frames(tree):
    frames = list(video.read_frames(tree, gray=True))
    assert len(frames) == 449
    assert frames[0].shape == (240, 320) and frames[0].dtype == np.uint8


def test_the_hand_entering_the_tree_clip_is_foreground(tree):
    model = BackgroundModel(K=3)
    fractions = np.array([model.apply(f).mean() for f in video.read_frames(tree, gray=True, scale=0.5)])
    # Measured with the defaults: 0.14 of the pixels while only the tree sways (frames 250-330:
    # a hard multi-modal background), 0.38-0.50 once the hand covers the camera (380-449).
    before = fractions[250:330].mean()
    during = fractions[380:449].mean()
    assert before < 0.2, f"the swaying tree should be mostly background, got {before:.3f}"
    assert during > 2 * before, f"foreground {before:.3f} -> {during:.3f}: the hand was not seen"


def test_gray_conversion_matches_opencv(tree):
    cv2 = pytest.importorskip("cv2")  # opencv is a test dependency: always there under make test
    rgb = next(video.read_frames(tree))
    gray = next(video.read_frames(tree, gray=True))
    assert np.abs(gray.astype(int) - cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY).astype(int)).max() <= 1


def test_read_frames_scale_start_and_max_frames(tmp_path):
    import imageio.v3 as iio
    rng = np.random.default_rng(0)
    clip = (rng.integers(0, 255, (1, 32, 48, 3)) + np.arange(12)[:, None, None, None] * 10).clip(0, 255)
    path = tmp_path / "clip.mp4"
    iio.imwrite(path, clip.astype(np.uint8), plugin="FFMPEG", fps=10, codec="libx264",
                output_params=["-crf", "0", "-pix_fmt", "yuv444p"])
    frames = list(video.read_frames(path))
    assert len(frames) == 12 and frames[0].shape == (32, 48, 3)
    half = list(video.read_frames(path, gray=True, scale=0.5, start=2, max_frames=3))
    assert len(half) == 3 and half[0].shape == (16, 24)
    expected = video._to_gray(frames[2]).reshape(16, 2, 24, 2).mean(axis=(1, 3))
    assert np.abs(half[0].astype(float) - expected).max() <= 0.5 + 1e-9


def test_missing_and_unreadable_files_say_what_to_do(tmp_path):
    with pytest.raises(FileNotFoundError, match="fetch_clip"):
        next(video.read_frames(tmp_path / "nowhere.avi"))
    junk = tmp_path / "junk.avi"
    junk.write_bytes(b"this is not a video" * 100)
    with pytest.raises(ValueError, match="could not decode .* is it a video file"):
        next(video.read_frames(junk))
    with pytest.raises(ValueError, match="scale"):
        next(video.read_frames(junk, scale=2))


def test_frames_that_change_size_are_refused(tmp_path, monkeypatch):
    import imageio.v3 as iio
    path = tmp_path / "x.avi"
    path.write_bytes(b"placeholder")
    frames = [np.zeros((8, 8, 3), np.uint8), np.zeros((8, 8, 3), np.uint8), np.zeros((6, 8, 3), np.uint8)]
    monkeypatch.setattr(iio, "imiter", lambda *a, **k: iter(frames))
    with pytest.raises(ValueError, match="frame 2 .* one size"):
        list(video.read_frames(path))


def test_fetch_clip_lists_every_failed_route(tmp_path, monkeypatch):
    monkeypatch.setenv("GMMLIB_DATA", str(tmp_path))

    def offline(name, dest, workdir):
        raise OSError("network is unreachable")

    def corrupt(name, dest, workdir):
        dest.write_bytes(b"not the clip")
        return "a corrupt mirror"

    with pytest.raises(RuntimeError) as info:
        video.fetch_clip("vtest.avi", routes=[("the web", offline), ("a mirror", corrupt)])
    text = str(info.value)
    assert "the web: OSError: network is unreachable" in text
    assert "a mirror: wrong sha256" in text
    assert "copy it to" in text and str(tmp_path / "vtest.avi") in text
    assert not (tmp_path / "vtest.avi").exists()  # nothing unchecked lands in the cache


def test_fetch_clip_uses_a_valid_cache_and_refuses_unknown_names(tmp_path, monkeypatch, tree):
    monkeypatch.setenv("GMMLIB_DATA", str(tmp_path))
    (tmp_path / "tree.avi").write_bytes(tree.read_bytes())

    def never(name, dest, workdir):
        raise AssertionError("the cache should have been used")

    assert video.fetch_clip("tree.avi", routes=[("never", never)]) == tmp_path / "tree.avi"
    with pytest.raises(ValueError, match="unknown clip"):
        video.fetch_clip("nope.avi")


def test_vtest_clip_is_fetched_checked_and_decodes():
    path = video.fetch_clip("vtest.avi")  # the plaza scene: 8 MB, from the same routes as tree.avi
    size, digest, _ = video.CLIPS["vtest.avi"]
    assert path.stat().st_size == size and video.sha256(path) == digest
    frames = list(video.read_frames(path, gray=True, scale=0.25, max_frames=20))
    assert len(frames) == 20 and frames[0].shape == (144, 192) and frames[0].dtype == np.uint8
