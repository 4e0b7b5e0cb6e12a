"""Scores of foreground masks (against hand counts and scikit-learn) and the synthetic scenes
whose exact masks those scores rely on."""
import numpy as np
import pytest
from sklearn.metrics import f1_score, precision_score, recall_score

from gmmlib.metrics import MaskScorer, precision_recall_f, score_masks
from gmmlib.synthetic import make_scene


# ----------------------------------------------------------------- metrics
def test_scores_of_a_small_case_counted_by_hand():
    truth = np.array([[1, 1, 0, 0],
                      [1, 0, 0, 0]], bool)
    mask = np.array([[1, 0, 1, 0],
                     [1, 0, 1, 0]], bool)
    # TP 2 (both left cells), FP 2 (third column), FN 1 (top second cell), TN 3.
    s = score_masks([mask], [truth])
    assert (s.tp, s.fp, s.fn, s.tn) == (2, 2, 1, 3)
    assert s.precision == pytest.approx(2 / 4)
    assert s.recall == pytest.approx(2 / 3)
    assert s.f_measure == pytest.approx(2 * 2 / (2 * 2 + 2 + 1))  # 4/7


def test_overall_scores_sum_counts_and_skip_the_warmup():
    truth = np.zeros((3, 3), bool)
    truth[0, 0] = True
    big_truth = np.ones((3, 3), bool)
    frames = [(np.ones((3, 3), bool), truth),        # warm-up: would be 1 TP, 8 FP
              (truth.copy(), truth),                 # 1 TP
              (np.zeros((3, 3), bool), big_truth)]   # 9 FN
    s = score_masks(*zip(*frames), warmup=1)
    assert (s.tp, s.fp, s.fn, s.n_scored) == (1, 0, 9, 2)
    assert s.recall == pytest.approx(1 / 10)  # not the mean of 1 and 0 per frame
    np.testing.assert_allclose(s.per_frame_recall, [1.0, 0.0])
    assert np.isnan(s.per_frame_precision[1])  # nothing detected: precision undefined


def test_precision_recall_f_are_nan_when_undefined():
    p, r, f = precision_recall_f(0, 0, 0)
    assert np.isnan(p) and np.isnan(r) and np.isnan(f)
    p, r, f = precision_recall_f(0, 0, 5)
    assert np.isnan(p) and r == 0 and f == 0


@pytest.mark.parametrize("seed", range(5))
def test_scores_equal_scikit_learn_on_flattened_masks(seed):
    rng = np.random.default_rng(seed)
    truths = rng.random((6, 12, 10)) < rng.uniform(0.05, 0.5)
    # Predictions that agree with the truth most of the time, with errors both ways.
    masks = truths ^ (rng.random(truths.shape) < rng.uniform(0.05, 0.3))
    s = score_masks(masks, truths, warmup=2)
    y_true, y_pred = truths[2:].ravel(), masks[2:].ravel()
    assert s.precision == pytest.approx(precision_score(y_true, y_pred))
    assert s.recall == pytest.approx(recall_score(y_true, y_pred))
    assert s.f_measure == pytest.approx(f1_score(y_true, y_pred))
    for i in range(2, 6):
        assert s.per_frame_f[i - 2] == pytest.approx(f1_score(truths[i].ravel(), masks[i].ravel()))


def test_opencv_style_masks_are_accepted_and_shadows_must_be_thresholded():
    truth = np.array([[True, False], [False, False]])
    s = score_masks([np.array([[255, 0], [0, 0]], np.uint8)], [truth])
    assert s.f_measure == 1.0
    with pytest.raises(ValueError, match=r"other than 0/1 or 0/255.*mask == 255"):
        score_masks([np.array([[255, 127], [0, 0]], np.uint8)], [truth])
    with pytest.raises(ValueError, match=r"must be bool .*got dtype float64"):
        score_masks([np.zeros((2, 2))], [truth])


def test_shape_and_length_mismatches_are_refused_with_a_fix():
    with pytest.raises(ValueError, match=r"masks have shape \(2, 4, 4\) but truths have shape "
                                         r"\(2, 4, 5\).*one \(H, W\) mask per"):
        score_masks(np.zeros((2, 4, 4), bool), np.zeros((2, 4, 5), bool))
    with pytest.raises(ValueError, match=r"frame 0: the mask has shape \(4, 4\) but the ground "
                                         r"truth has shape \(4, 5\)"):
        score_masks([np.zeros((4, 4), bool)], [np.zeros((4, 5), bool)])
    with pytest.raises(ValueError, match=r"different lengths.*after 1 frames"):
        score_masks([np.zeros((4, 4), bool)] * 2, [np.zeros((4, 4), bool)])
    with pytest.raises(ValueError, match=r"2-D \(H, W\) mask.*colour mask|2-D \(H, W\) mask"):
        score_masks([np.zeros((4, 4, 3), bool)], [np.zeros((4, 4), bool)])
    with pytest.raises(ValueError, match=r"no frame was scored.*shorter warm-up"):
        score_masks([np.zeros((4, 4), bool)], [np.zeros((4, 4), bool)], warmup=3)
    with pytest.raises(ValueError, match=r"warmup must be an integer >= 0"):
        MaskScorer(warmup=-1)


# ----------------------------------------------------------------- synthetic scenes
@pytest.mark.parametrize("color", [False, True])
def test_same_seed_gives_identical_frames_and_masks(color):
    a_frames, a_masks = make_scene(n_frames=40, height=48, width=64, seed=11, color=color).arrays()
    b_frames, b_masks = make_scene(n_frames=40, height=48, width=64, seed=11, color=color).arrays()
    c_frames, _ = make_scene(n_frames=40, height=48, width=64, seed=12, color=color).arrays()
    np.testing.assert_array_equal(a_frames, b_frames)
    np.testing.assert_array_equal(a_masks, b_masks)
    assert not np.array_equal(a_frames, c_frames)
    assert a_frames.dtype == np.uint8 and a_frames.shape == (40, 48, 64) + ((3,) if color else ())
    # Iterating twice over one scene gives the same frames too (a recipe, not a stream).
    scene = make_scene(n_frames=5, height=48, width=64, seed=11, color=color)
    np.testing.assert_array_equal(scene.arrays()[0], scene.arrays()[0])


def _drawn_by_hand(scene, t):
    """The mask and object pixels of frame t, redrawn from the tracks independently."""
    H, W = scene.height, scene.width
    mask = np.zeros((H, W), bool)
    img = np.full((H, W), np.nan)
    for tr in scene.tracks:
        if not tr.start <= t < tr.stop:
            continue
        i = t - tr.start
        top, left = int(np.rint(tr.y[i])), int(np.rint(tr.x[i]))
        for r, c in zip(*np.nonzero(tr.shape)):
            if 0 <= top + r < H and 0 <= left + c < W:
                mask[top + r, left + c] = True
                img[top + r, left + c] = tr.texture[r, c, 0]  # later tracks are drawn on top
    return mask, img


def test_masks_are_exactly_where_the_objects_are_pasted():
    # No noise, no drift, no leaves: every change to the background is an object.
    kw = dict(n_frames=120, height=60, width=80, seed=5, noise_sigma=0.0, drift=0.0,
              waving=False)
    scene = make_scene(n_objects=4, **kw)
    empty = make_scene(n_objects=0, **kw)  # same seed: the same background is drawn first
    frames, masks = scene.arrays()
    background = empty.arrays()[0][0]
    assert masks.any(axis=(1, 2)).sum() > 60  # objects are on screen most of the time
    for t in range(scene.n_frames):
        mask, img = _drawn_by_hand(scene, t)
        np.testing.assert_array_equal(masks[t], mask)
        np.testing.assert_array_equal(frames[t][~mask], background[~mask])
        np.testing.assert_array_equal(frames[t][mask], np.clip(np.rint(img[mask]), 0, 255))


def test_objects_stop_for_a_while_with_a_constant_mask():
    scene = make_scene(n_frames=300, height=60, width=80, seed=2, n_objects=3,
                       stop_fraction=1.0)
    _, masks = scene.arrays()
    stopped = 0
    for tr in scene.tracks:
        first, end = tr.still
        end = min(end, tr.stop)
        # 300 frames: pauses of 300/8 to 300/4 frames.
        assert 37 <= tr.still[1] - tr.still[0] <= 75
        if end - first < 10:
            continue  # the scene ended during this pause
        stopped += 1
        xs, ys = tr.x[first - tr.start:end - tr.start], tr.y[first - tr.start:end - tr.start]
        assert np.ptp(xs) == 0 and np.ptp(ys) == 0
        # This object's pixels do not move; ignore pixels where another object passes.
        own, _ = _drawn_by_hand(_only(scene, tr), first)
        others_ever = np.zeros_like(own)
        for t in range(first, end):
            others_ever |= _drawn_by_hand(_without(scene, tr), t)[0]
        steady = own & ~others_ever
        assert steady.sum() > 50
        assert masks[first:end][:, steady].all()
        assert not masks[first:end][:, ~own & ~others_ever].any()
    assert stopped >= 2


def _only(scene, track):
    return _with_tracks(scene, [track])


def _without(scene, track):
    return _with_tracks(scene, [tr for tr in scene.tracks if tr is not track])


def _with_tracks(scene, tracks):
    from dataclasses import replace
    return replace(scene, tracks=tracks)


def test_bad_scene_parameters_are_refused():
    with pytest.raises(ValueError, match="n_frames must be a positive integer"):
        make_scene(n_frames=0)
    with pytest.raises(ValueError, match=r"stop_fraction must be in \[0, 1\]"):
        make_scene(stop_fraction=1.5)
    with pytest.raises(ValueError, match="at least 8x8"):
        make_scene(height=4, width=4)
    with pytest.raises(ValueError, match="background_frames has 3 frames but n_frames=10"):
        make_scene(n_frames=10, background_frames=[np.zeros((20, 20), np.uint8)] * 3)
