"""Bad input to a view gets a TypeError or ValueError that names the argument and the fix,
at the call, never an AttributeError or a traceback from deep inside matplotlib."""
import numpy as np
import pytest
from skimage import data

import gmmlib
from gmmlib.background import BackgroundModel
from gmmlib.synthetic import make_scene
from gmmlib.views import BackgroundView, EMView, SegmentationView, record_background


@pytest.fixture(scope="module")
def one_d():
    X, _ = gmmlib.datasets.gmm_example_1d()
    return X, {K: gmmlib.painless_em(X, K) for K in (1, 2)}


@pytest.fixture(scope="module")
def scene():
    return make_scene(n_frames=6, height=24, width=32, seed=0).arrays()


@pytest.fixture(scope="module")
def run(scene):
    frames, truths = scene
    return record_background(BackgroundModel(), frames, [(5, 5), (10, 10)], truths)


def raises(kind, *words):
    """pytest.raises for ``kind`` whose message contains every one of ``words``."""
    class Check:
        def __enter__(self):
            self.ctx = pytest.raises(kind)
            self.info = self.ctx.__enter__()
            return self.info

        def __exit__(self, *exc):
            out = self.ctx.__exit__(*exc)
            message = str(self.info.value)
            for word in words:
                assert word in message, f"{word!r} not in {message!r}"
            return out
    return Check()


# --- EMView ---------------------------------------------------------------------------------

def test_results_that_are_not_runs(one_d):
    X, results = one_d
    with raises(TypeError, "results[1]", "EMResult", "painless_em"):
        EMView(X, {1: "x"})           # was an AttributeError deep inside
    with raises(TypeError, "results must be one EMResult or a dict"):
        EMView(X, "results")
    with raises(TypeError, "results must be one EMResult or a dict"):
        EMView(X, [results[1], results[2]])
    with raises(ValueError, "empty"):
        EMView(X, {})
    with raises(TypeError, "keys", "'2'"):
        EMView(X, {"2": results[2]})
    with raises(ValueError, "results[3] has 2 components, not 3"):
        EMView(X, {3: results[2]})
    with raises(ValueError, "consecutive", "[1, 3]"):
        EMView(X, {1: results[1], 3: gmmlib.painless_em(X, 3)})


def test_a_segmentation_in_place_of_its_run_points_to_the_run():
    image = data.camera()[::8, ::8]
    seg = gmmlib.segment_gray(image, 2)
    with raises(TypeError, "results[2]", ".result"):
        SegmentationView(image, {2: seg})


def test_data_that_does_not_fit_the_view(one_d):
    X, results = one_d
    X3 = np.random.default_rng(0).normal(size=(50, 3))
    with raises(ValueError, "1-D or 2-D", "3 features", "principal components"):
        EMView(X3, gmmlib.painless_em(X3, 2))
    X2, _ = gmmlib.datasets.gmm_example_2d()
    with raises(ValueError, "X has 2 feature(s)", "fitted on 1"):
        EMView(X2, results)
    with raises(ValueError, "NaN"):
        EMView(np.r_[X.ravel(), np.nan], results)
    with raises(ValueError, "weights"):
        EMView(X, results, weights=np.ones(3))


def test_K_iteration_and_figsize(one_d):
    X, results = one_d
    with raises(ValueError, "K=7 was not computed", "[1, 2]"):
        EMView(X, results, K=7)
    with raises(TypeError, "K must be a whole number", "'2'"):
        EMView(X, results, K="2")
    with raises(ValueError, "iteration must be a whole number >= 0"):
        EMView(X, results, iteration=-1)
    with raises(TypeError, "iteration must be a whole number"):
        EMView(X, results, iteration=1.5)
    with raises(ValueError, "figsize", "640 px"):
        EMView(X, results, figsize=(4, 3))
    with raises(TypeError, "figsize must be (width, height)"):
        EMView(X, results, figsize="big")
    with raises(ValueError, "figsize"):
        EMView(X, results, figsize=(10, np.nan))


def test_animation_arguments(one_d):
    X, results = one_d
    view = EMView(X, results)
    with raises(ValueError, "K=9 was not computed"):
        view.animation(K=9)
    with raises(ValueError, "max_frames must be a whole number in [2, 60]"):
        view.animation(max_frames=1)
    with raises(ValueError, "frame_ms", "milliseconds"):
        view.animation(frame_ms=0)
    with raises(ValueError, "hold_ms", "milliseconds"):
        view.animation(hold_ms="long")
    with raises(ValueError, "figsize", "640 px"):
        view.animation(figsize=(5, 2))


# --- SegmentationView -----------------------------------------------------------------------

def test_segmentation_wants_a_gray_uint8_image_and_histogram_runs():
    image = data.camera()[::8, ::8]
    results = {2: gmmlib.histogram_em(image, 2)}
    with raises(ValueError, "uint8"):
        SegmentationView(image / 255.0, results)
    with raises(ValueError, "grayscale"):
        SegmentationView(np.dstack([image] * 3), results)
    X2, _ = gmmlib.datasets.gmm_example_2d()
    with raises(ValueError, "histogram_em"):
        SegmentationView(image, gmmlib.painless_em(X2, 2))


# --- BackgroundView and record_background ---------------------------------------------------

def test_background_view_arguments(run):
    with raises(TypeError, "run must be the BackgroundRun", "record_background"):
        BackgroundView(run.frames)
    with raises(ValueError, "frame must be a whole number in [0, 5]", "6 frames"):
        BackgroundView(run, frame=6)
    with raises(ValueError, "pixel must be a whole number in [0, 1]", "(5, 5)"):
        BackgroundView(run, pixel=2)
    with raises(ValueError, "interval"):
        BackgroundView(run, interval=0)
    with raises(ValueError, "pixel must be a whole number in [0, 1]"):
        BackgroundView(run).animation(pixel=3)


def test_record_background_arguments(scene):
    frames, truths = scene
    with raises(TypeError, "model must be a gmmlib.background.BackgroundModel"):
        record_background("MOG2", frames, [(1, 1)])
    with raises(ValueError, "floats in [0, 1]", "0..255"):
        record_background(BackgroundModel(), frames / 255.0, [(1, 1)])
    with raises(ValueError, "colour"):
        record_background(BackgroundModel(), np.stack([frames] * 3, axis=-1), [(1, 1)])
    with raises(ValueError, "empty"):
        record_background(BackgroundModel(), frames[:0], [(1, 1)])
    with raises(TypeError, "pixels must be a list of (row, col) pairs"):
        record_background(BackgroundModel(), frames, 5)
    with raises(ValueError, "(row, col) pair", "(1, 2, 3)"):
        record_background(BackgroundModel(), frames, [(1, 2, 3)])
    with raises(TypeError, "pixel coordinate", "1.5"):
        record_background(BackgroundModel(), frames, [(1.5, 2)])
    with raises(ValueError, "outside the 24x32 frames"):
        record_background(BackgroundModel(), frames, [(24, 0)])
    with raises(ValueError, "at least one"):
        record_background(BackgroundModel(), frames, [])
    with raises(ValueError, "truths has shape"):
        record_background(BackgroundModel(), frames, [(1, 1)], truths[:3])
    with raises(ValueError, "foreground masks"):
        record_background(BackgroundModel(), frames, [(1, 1)], truths * 7)


def test_integer_frames_in_range_are_accepted(scene):
    frames, truths = scene
    run = record_background(BackgroundModel(), frames.astype(np.int32), [(1, 1)], truths.astype(int))
    assert run.frames.dtype == np.uint8 and run.truths.dtype == bool
    np.testing.assert_array_equal(run.frames, frames)
