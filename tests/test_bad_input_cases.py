"""Hand-written cases of bad input across the library, each answered the way it must be.

"Wrong without a word", "crashes and unclear errors" and "checkers that crash on a student's
answer": each of them gets a ValueError/TypeError naming the argument and the fix, a
correct result, or (for a checker) feedback instead of an exception.
"""
import time

import numpy as np
import pytest

from gmmlib import Mixture, logsumexp, naive_em, painless_em, rcond, segment_colour
from gmmlib.background import BackgroundModel
from gmmlib.synthetic import make_scene


def two_clusters(seed=0, n=100):
    rng = np.random.default_rng(seed)
    return np.r_[rng.normal(0, 1, n), rng.normal(10, 1, n)]


def gray_frame(value=100.0, shape=(12, 16)):
    return np.full(shape, value)


# ================================================================ wrong without a word

@pytest.mark.parametrize("fit", [painless_em, naive_em])
def test_tol_nan_is_refused(fit):
    with pytest.raises(ValueError, match=r"\btol\b.*nan"):
        fit(two_clusters(), 2, tol=float("nan"))


def test_reg_covar_nan_is_refused():
    with pytest.raises(ValueError, match=r"\breg_covar\b.*nan"):
        painless_em(two_clusters(), 2, reg_covar=float("nan"))


def test_float_frames_in_0_1_are_refused_by_the_background_model():
    model = BackgroundModel()
    frame = np.random.default_rng(0).random((12, 16))  # skimage's img_as_float scale
    with pytest.raises(ValueError, match=r"frame 0 is a float frame with values in \[0, 1\].*"
                                         r"scale float frames to 0\.\.255.*uint8"):
        model.apply(frame)
    assert model.n_frames_ == 0  # refused before anything was learnt


def test_float_frames_in_0_255_are_still_accepted():
    model = BackgroundModel()
    for _ in range(5):
        mask = model.apply(gray_frame(100.0))
    assert not mask.any() and model.background().max() == 100


def test_float_images_in_0_1_are_refused_by_segment_colour():
    image = np.random.default_rng(0).random((8, 8, 3))
    with pytest.raises(ValueError, match=r"image is a float image with values in \[0, 1\].*"
                                         r"scale float images to 0\.\.255 or pass uint8"):
        segment_colour(image, 2)


def test_a_frame_of_1e39_is_refused_before_the_float32_cast():
    model = BackgroundModel()
    model.apply(gray_frame(100.0))
    with pytest.raises(ValueError, match=r"frame 1 has values from 1e\+39 to 1e\+39; grey levels "
                                         r"must lie in \[0, 255\]"):
        model.apply(gray_frame(1e39))
    assert np.isfinite(model.means_).all() and np.isfinite(model.variances_).all()


@pytest.mark.parametrize("cov", [np.ones((2, 3)), np.ones(3), np.ones((2, 2, 2))])
def test_rcond_of_a_non_square_matrix_is_refused(cov):
    with pytest.raises(ValueError, match=r"\bcov\b"):
        rcond(cov)


@pytest.mark.parametrize("kwargs, match", [
    (dict(n_objects=-3), r"n_objects must be a whole number in \[0, 200\], got -3"),
    (dict(noise_sigma=float("nan")), r"noise_sigma must be a number in \[0, 255\] or None, got nan"),
])
def test_make_scene_refuses_negative_objects_and_nan_noise(kwargs, match):
    with pytest.raises(ValueError, match=match):
        make_scene(n_frames=5, height=16, width=16, **kwargs)


def test_one_far_outlier_does_not_merge_two_real_clusters():
    X = np.r_[two_clusters(), 1e6]
    means = np.sort(painless_em(X, 3).mixture.means.ravel())
    assert abs(means[0] - 0) < 0.5 and abs(means[1] - 10) < 0.5 and abs(means[2] - 1e6) < 1


def test_a_mixture_does_not_follow_later_edits_of_the_callers_arrays():
    weights, means, covs = np.array([0.5, 0.5]), np.array([[0.0], [5.0]]), np.array([[[1.0]], [[1.0]]])
    m = Mixture(weights, means, covs)
    X = np.array([[0.0], [2.0], [5.0]])
    before = m.log_density(X)
    covs[0] *= 100.0
    means[1] = 50.0
    weights[:] = [0.9, 0.1]
    np.testing.assert_array_equal(m.log_density(X), before)
    np.testing.assert_array_equal(m.log_density(X), Mixture([0.5, 0.5], [[0.0], [5.0]],
                                                            [[[1.0]], [[1.0]]]).log_density(X))


def test_naive_em_on_float16_data_fails_naming_float16():
    """naive_em keeps float16 (documented: squares in the data's own type are a lesson), so
    300^2 overflows float16 and the failure names that cause, not a singular covariance."""
    rng = np.random.default_rng(0)
    X = np.r_[rng.normal(60, 8, 50), rng.normal(300, 10, 50)]  # 300^2 overflows float16
    half = naive_em(X.astype(np.float16), 2)
    assert half.failure is not None and half.failure.step == "M-step"
    assert "float16" in half.failure.message and "constant patch" not in half.failure.message
    assert naive_em(X.astype(np.float16).astype(np.float64), 2).failure is None  # the fix it gives works


# ================================================================ crashes and unclear errors

def test_an_array_of_starting_means_as_init_is_used():
    """Documented: a (K, d) array as init holds the starting means (scikit-learn's means_init)."""
    X = two_clusters()
    result = painless_em(X, 2, init=np.array([[0.0], [10.0]]))
    assert np.allclose(np.sort(result.mixture.means.ravel()), [0, 10], atol=0.5)
    start = painless_em(X, 2, init=np.array([[0.0], [10.0]]), max_iter=0).mixture
    np.testing.assert_allclose(start.means.ravel(), [0.0, 10.0], atol=1e-12)  # the means stay as given


@pytest.mark.parametrize("call", [
    lambda: painless_em(two_clusters(), 2, random_state="abc"),
    lambda: naive_em(two_clusters(), 2, random_state="abc"),
    lambda: __import__("gmmlib").datasets.gmm_example_1d(random_state="abc"),
])
def test_random_state_abc_is_refused_with_the_fix(call):
    with pytest.raises(TypeError, match=r"random_state must be an integer seed >= 0.*'abc'"):
        call()


def test_weights_whose_sum_overflows_are_refused():
    with pytest.raises(ValueError, match=r"weights are too large.*weights / weights\.max\(\)"):
        painless_em([1.0, 2.0, 3.0], 1, weights=[1e308, 1e308, 1e308])


def test_n_init_zero_is_refused():
    with pytest.raises(ValueError, match=r"\bn_init\b.*0"):
        painless_em(two_clusters(), 2, n_init=0)


@pytest.mark.parametrize("a", [[], np.empty((0,))])
def test_logsumexp_of_nothing_is_refused_by_name(a):
    with pytest.raises(ValueError, match=r"\ba\b"):
        logsumexp(a)


def test_a_mixture_with_scalar_means_is_refused_by_name():
    with pytest.raises(ValueError, match=r"\bmeans\b"):
        Mixture([1.0], 0.0, [[[1.0]]])


def test_read_frames_checks_scale_at_the_call(tmp_path):
    from gmmlib.video import read_frames
    path = tmp_path / "clip.avi"
    path.write_bytes(b"not decoded: the argument is refused first")
    with pytest.raises(TypeError, match=r"scale must be a number in \(0, 1\] or None, got 'half'"):
        read_frames(path, scale="half")  # no iteration needed


def test_an_unreadable_video_is_refused_at_the_call(tmp_path):
    from gmmlib.video import read_frames
    path = tmp_path / "junk.avi"
    path.write_bytes(b"junk" * 100)
    with pytest.raises(ValueError, match=r"could not decode path .*junk\.avi as a video"):
        read_frames(path)


def test_gmmlib_data_pointing_at_a_file_says_so(tmp_path, monkeypatch):
    from gmmlib import video
    afile = tmp_path / "not-a-folder"
    afile.write_text("x")
    monkeypatch.setenv("GMMLIB_DATA", str(afile))

    def never(name, dest, workdir):
        raise AssertionError("no route must be tried")

    with pytest.raises(ValueError, match=r"cannot keep the clips in .*not-a-folder \(from "
                                         r"GMMLIB_DATA\): it is a file, not a folder; set GMMLIB_DATA"):
        video.fetch_clip("tree.avi", routes=[("never", never)])


def test_em_view_with_a_dict_of_strings_is_refused_by_name():
    from gmmlib.views import EMView
    with pytest.raises((ValueError, TypeError), match=r"\bresults\b"):
        EMView(two_clusters(), {1: "x"})


# ================================================================ checkers and students' answers

HOSTILE_ANSWERS = ["a string", ["a", "b"], [[1.0], [1.0, 2.0]], (), 10 ** 400, float("inf"),
                   None, {"a": 1}, np.array([np.nan]), object()]


@pytest.mark.parametrize("answer", HOSTILE_ANSWERS,
                         ids=["str", "list-of-str", "ragged", "empty-tuple", "10**400", "inf",
                              "None", "dict", "nan-array", "object"])
def test_checkers_turn_any_returned_value_into_feedback(answer):
    from gmmlib import exercises
    for name in exercises.__all__:
        if not name.startswith("check_"):
            continue
        feedback = getattr(exercises, name)(lambda *args, **kwargs: answer, quiet=True)
        assert isinstance(feedback, exercises.Feedback), name
        assert not feedback.passed and feedback.message, name


def test_a_student_function_that_never_returns_is_stopped():
    from gmmlib import exercises

    def forever(a):
        while True:
            pass

    start = time.perf_counter()
    feedback = exercises.check_logsumexp(forever, quiet=True, timeout=0.5)
    assert time.perf_counter() - start < 5
    assert not feedback.passed and "did not return within" in feedback.message
