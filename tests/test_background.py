"""The Stauffer-Grimson background model: against a scalar reference, on scenes with exact
ground truth, against OpenCV's MOG2, and in the situations the paper was written for (noise,
leaves, an object that stops, a light that changes).

Measured numbers quoted in comments come from numpy 2.4 / OpenCV 5.0 on the project machine;
every threshold leaves a margin below (or above) them.
"""
import math
import tracemalloc

import numpy as np
import pytest

from gmmlib.background import BackgroundModel
from gmmlib.metrics import score_masks
from gmmlib.synthetic import make_scene

cv2 = pytest.importorskip("cv2")
WARMUP = 50  # frames not scored, as the changedetection.net protocol does


def run(model, frames):
    return [model.apply(f) for f in frames]


@pytest.fixture(scope="module")
def gray_scenes():
    """Three 300-frame 120x160 gray scenes (objects, leaves, drift, noise sigma 4)."""
    return [make_scene(n_frames=300, seed=seed).arrays() for seed in (0, 1, 2)]


# ----------------------------------------------------------------- a scalar reference
def reference_masks(frames, K=3, alpha=0.005, T=0.7, match_threshold=2.5, initial_variance=400.0,
                    initial_weight=0.05, variance_floor=16.0, fast_start=True):
    """Stauffer-Grimson written the slow, obvious way: one gray pixel at a time, in float64,
    components sorted explicitly. Returns the masks and the final (w, mu, var) per pixel."""
    n, H, W = frames.shape
    w = np.zeros((H, W, K))
    mu = np.zeros((H, W, K))
    var = np.full((H, W, K), initial_variance)
    masks = np.zeros((n, H, W), bool)
    for t in range(1, n + 1):
        a = max(alpha, 1 / t) if fast_start else alpha
        for i in range(H):
            for j in range(W):
                x = float(frames[t - 1, i, j])
                pw, pm, pv = w[i, j], mu[i, j], var[i, j]
                if t == 1:
                    pw[0], pm[0] = 1.0, x
                    continue
                order = np.argsort(-(pw / np.sqrt(pv)), kind="stable")
                hit = next((k for k in order
                            if pw[k] > 0 and (x - pm[k]) ** 2 < match_threshold ** 2 * pv[k]), None)
                if hit is None:
                    masks[t - 1, i, j] = True
                else:
                    rank = list(order).index(hit)
                    masks[t - 1, i, j] = pw[order[:rank]].sum() > T
                low = int(np.argmin(pw / np.sqrt(pv)))
                pw *= 1 - a
                if hit is None:
                    pw[low], pm[low], pv[low] = initial_weight, x, initial_variance
                    pw /= pw.sum()
                else:
                    pw[hit] += a
                    rho = a / pw[hit]
                    d2 = (x - pm[hit]) ** 2
                    pm[hit] += rho * (x - pm[hit])
                    pv[hit] = max(pv[hit] + rho * (d2 - pv[hit]), variance_floor)
    return masks, w, mu, var


def test_vectorised_model_equals_the_scalar_reference():
    # Pixels that flip between two levels, with noise and an object passing through some of
    # them: matches, misses, replacements and renormalisation all happen.
    rng = np.random.default_rng(7)
    n, H, W = 150, 5, 6
    levels = np.where(rng.random((n, H, W)) < 0.35, 150.0, 60.0)
    levels[60:75, 1:3, 2:5] = 230.0
    frames = np.clip(np.rint(levels + rng.normal(0, 5, levels.shape)), 0, 255).astype(np.uint8)
    ref_masks, w, mu, var = reference_masks(frames)
    model = BackgroundModel()
    masks = np.array(run(model, frames))
    assert masks[WARMUP:].any() and not masks[WARMUP:].all()
    # float32 against float64: a value right on a 2.5 sigma boundary may fall either side.
    assert np.mean(masks != ref_masks) < 0.002
    np.testing.assert_allclose(model.weights_, w, atol=1e-4)
    np.testing.assert_allclose(model.means_[..., 0], mu, atol=1e-2)
    np.testing.assert_allclose(model.variances_, var, rtol=1e-3)


# ----------------------------------------------------------------- quality on synthetic scenes
def test_f_measure_on_a_gray_synthetic_scene(gray_scenes):
    frames, truths = gray_scenes[0]
    f = score_masks(run(BackgroundModel(), frames), truths, warmup=WARMUP).f_measure
    # Measured 0.799 (seed 0; 0.812 and 0.749 on seeds 1 and 2); recall is lost mostly on
    # objects that stand still long enough to be absorbed. 0.05 of margin.
    assert f > 0.75


def test_f_measure_on_a_colour_synthetic_scene():
    frames, truths = make_scene(n_frames=300, seed=0, color=True).arrays()
    model = BackgroundModel()
    masks = run(model, frames)
    assert masks[-1].shape == frames.shape[1:3] and masks[-1].dtype == bool
    f = score_masks(masks, truths, warmup=WARMUP).f_measure
    assert f > 0.82  # measured 0.867
    assert model.background().shape == frames.shape[1:]
    assert model.means_.shape == frames.shape[1:3] + (3, 3)
    mix = model.mixture_at(10, 20)
    assert mix.means.shape == (3, 3) and mix.is_background[0]
    assert np.all(np.diff(mix.weights / np.sqrt(mix.variances)) <= 0)


@pytest.mark.parametrize("color", [False, True])
def test_static_scene_gives_an_essentially_empty_mask(color):
    # Noise sigma 8 is above the variance floor (sigma 4), so the model's sigma follows the
    # noise and a 2.5 sigma test flags P(|z| > 2.5) = 1.24 % of pure noise (colour uses the
    # chi-square quantile with the same tail). Measured 1.45 % gray, 1.10 % colour; at the
    # default noise sigma 4 the floor makes it rarer (0.77 %, 0.57 %).
    scene = make_scene(n_frames=200, seed=3, color=color, n_objects=0, waving=False, drift=0.0,
                       noise_sigma=8.0)
    model = BackgroundModel()
    rates = np.array([model.apply(frame).mean() for frame, _ in scene])[WARMUP:]
    assert rates.mean() < 0.025  # the expected 1.24 % plus room for 8-bit rounding
    assert rates.max() < 0.035
    assert rates.mean() > 0.003  # the test is not vacuous: the model does see the noise


# ----------------------------------------------------------------- multi-modal background
def test_pixel_alternating_between_two_levels_stays_background():
    rng = np.random.default_rng(0)
    t = np.arange(400)[:, None, None]
    phase = rng.integers(0, 2, (1, 6, 6))
    # Noise sigma 2 against the floored sigma 4: a miss needs a 5-sigma deviation, so any
    # foreground pixel here would come from the mixture, not the noise.
    frames = np.where((t + phase) % 2 == 0, 60.0, 160.0) + rng.normal(0, 2, (400, 6, 6))
    model = BackgroundModel(T=0.7)
    masks = np.array(run(model, np.clip(np.rint(frames), 0, 255).astype(np.uint8)))
    # Both modes weigh about 0.5: each is background as long as T exceeds the other's share.
    assert not masks[WARMUP:].any()
    mix = model.mixture_at(2, 3)
    assert mix.is_background[:2].all()
    np.testing.assert_allclose(np.sort(mix.means[:2, 0]), [60, 160], atol=2)


def test_pixel_cycling_through_three_levels_stays_background():
    rng = np.random.default_rng(1)
    frames = rng.choice([40.0, 120.0, 200.0], size=(600, 6, 6)) + rng.normal(0, 2, (600, 6, 6))
    # Each mode weighs 1/3 +- 0.024 (the spread of an exponential average of a Bernoulli(1/3)
    # with alpha 0.005), so the least reliable has about 2/3 ahead of it: T = 0.8 covers all
    # three with a margin of five of those spreads.
    model = BackgroundModel(T=0.8)
    masks = np.array(run(model, np.clip(np.rint(frames), 0, 255).astype(np.uint8)))
    assert not masks[100:].any()


def test_waving_leaves_are_background_unless_T_is_too_low():
    scene = make_scene(n_frames=250, seed=4, n_objects=0, drift=0.0)
    frames, _ = scene.arrays()
    leaves = scene.waving
    flagged = {}
    for T in (0.5, 0.7):
        masks = np.array(run(BackgroundModel(T=T), frames))[100:]
        flagged[T] = masks[:, leaves].mean()
    # Measured 0.54 % at T = 0.7 (the noise rate) and 21 % at T = 0.5, where a leaf pixel
    # flipping evenly between two values has about half the weight ahead of its current mode.
    assert flagged[0.7] < 0.02
    assert flagged[0.5] > 0.1


# ----------------------------------------------------------------- absorbing a stopped object
def predicted_absorption(alpha, T, initial_weight=0.05):
    """Frames after an object stops until its pixel is background again, from the weights.

    At the stop no component matches: the old ones are scaled by (1 - alpha), a new one gets
    initial_weight, and renormalising leaves the old ones
    u_0 = (1 - alpha) / (1 - alpha + initial_weight). Each later frame matches the new
    component, so u_n = (1 - alpha)^n u_0. Frame n is classified with the weights after n - 1
    updates and, for T >= 0.5 (the old component stays ranked first until u drops below
    0.5), the pixel is background once u_{n-1} <= T.
    """
    u0 = (1 - alpha) / (1 - alpha + initial_weight)
    return 1 + math.ceil(math.log(T / u0) / math.log(1 - alpha))


@pytest.mark.parametrize("alpha, T", [(0.002, 0.75), (0.005, 0.6), (0.01, 0.55), (0.01, 0.7),
                                      (0.02, 0.8), (0.05, 0.9)])
def test_stopped_object_is_absorbed_when_the_weights_say_so(alpha, T):
    model = BackgroundModel(alpha=alpha, T=T)
    background = np.full((4, 4), 50, np.uint8)
    obj = np.full((4, 4), 200, np.uint8)
    # Long enough for the fast start to be over (alpha > 1/t) and for the background's
    # variance to reach the floor, so that the new component cannot outrank it early.
    for _ in range(int(3 / alpha)):
        assert not model.apply(background).any()
    n = 0
    while model.apply(obj).all():
        n += 1
        assert n < 10_000
    assert not model.apply(obj).any()  # every pixel flips on the same frame, and stays
    # Measured: equal to the prediction for every pair here.
    assert abs(n - predicted_absorption(alpha, T)) <= 1


# ----------------------------------------------------------------- long runs
def test_ten_thousand_frames_keep_memory_flat_and_parameters_finite():
    rng = np.random.default_rng(0)
    frames = np.clip(rng.normal(100, 4, (50, 8, 8)), 0, 255).astype(np.uint8)
    frames[20:30, 2:5, 2:5] = 220  # now and then something passes: components are replaced
    model = BackgroundModel()
    tracemalloc.start()
    try:
        for i in range(10_000):
            model.apply(frames[i % 50])
            if i == 199:
                settled, _ = tracemalloc.get_traced_memory()
                tracemalloc.reset_peak()
        current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    # Measured: about 6 kB of peak above the settled state (one frame's temporaries). Keeping
    # anything per frame (a mask, a list entry) would add at least 1 MB over 9,800 frames.
    assert peak - settled < 64_000
    assert current - settled < 8_000
    w, mu, var = model.weights_, model.means_, model.variances_
    assert np.isfinite(w).all() and np.isfinite(mu).all() and np.isfinite(var).all()
    np.testing.assert_allclose(w.sum(axis=-1), 1, atol=1e-4)
    assert (w >= 0).all() and (var >= model.variance_floor).all()
    assert ((mu >= 0) & (mu <= 255)).all()


# ----------------------------------------------------------------- learning-rate modes
def _illumination_step(learning_rate, n_after):
    """Mean of the top component of a steady pixel n_after frames after it brightens 100->108."""
    rng = np.random.default_rng(2)
    model = BackgroundModel(alpha=0.01, learning_rate=learning_rate)
    level = np.r_[np.full(300, 100.0), np.full(n_after, 108.0)]
    frames = np.clip(np.rint(level[:, None, None] + rng.normal(0, 2, (level.size, 4, 4))), 0, 255)
    masks = np.array(run(model, frames.astype(np.uint8)))
    return float(model.background().mean()), masks[300:].mean()


def test_paper_learning_rate_adapts_more_slowly_than_inverse_weight():
    # 8 grey levels is inside 2.5 sigma (sigma floored at 4), so the same component follows
    # the step. With w ~ 1, rho = alpha / w ~ 0.01: the gap shrinks as 0.99^n, to 0.4 after
    # 300 frames (measured top mean 107.9). The paper's rho = alpha N(x | mu, 16) is at most 0.1
    # alpha: after 300 frames the mean has barely moved (measured 100.4).
    fast, fast_fg = _illumination_step("inverse_weight", 300)
    slow, slow_fg = _illumination_step("paper", 300)
    constant, _ = _illumination_step("constant", 300)
    assert fast > 107
    assert slow < 102
    assert abs(constant - fast) < 0.5  # alpha / w = alpha when one component has all the weight
    assert fast_fg < 0.01 and slow_fg < 0.01  # the step is small enough never to be foreground


def test_inverse_weight_settles_a_new_component_faster_than_constant():
    # A new component starts with weight ~0.05 and variance 400: with rho = alpha / w its
    # first steps are large (~0.2), with rho = alpha they are 0.01.
    rng = np.random.default_rng(3)
    level = np.r_[np.full(200, 60.0), np.full(40, 180.0)]
    frames = np.clip(np.rint(level[:, None, None] + rng.normal(0, 2, (level.size, 3, 3))), 0, 255)
    sigma = {}
    for rate in ("inverse_weight", "constant"):
        model = BackgroundModel(alpha=0.01, learning_rate=rate)
        run(model, frames.astype(np.uint8))
        mix = model.mixture_at(1, 1)
        new = np.argmin(np.abs(mix.means[:, 0] - 180))
        sigma[rate] = math.sqrt(mix.variances[new])
    assert sigma["inverse_weight"] < 8 < 15 < sigma["constant"]


# ----------------------------------------------------------------- against OpenCV MOG2
def test_f_measure_at_least_that_of_opencv_mog2(gray_scenes):
    cv2.setNumThreads(1)
    ours, mog2, mog2_no_shadow = [], [], []
    for frames, truths in gray_scenes:
        ours.append(score_masks(run(BackgroundModel(), frames), truths, WARMUP).f_measure)
        for detect_shadows, out in ((True, mog2), (False, mog2_no_shadow)):
            # OpenCV defaults (history 500, varThreshold 16, backgroundRatio 0.9, nmixtures 5,
            # learning rate 1 / min(t, history)); its mask holds 255 for foreground and 127
            # for shadow: only 255 counts, as changedetection.net scores shadows as background.
            sub = cv2.createBackgroundSubtractorMOG2(history=500, varThreshold=16,
                                                     detectShadows=detect_shadows)
            masks = [sub.apply(f) == 255 for f in frames]
            out.append(score_masks(masks, truths, WARMUP).f_measure)
    ours, mog2, mog2_no_shadow = np.mean(ours), np.mean(mog2), np.mean(mog2_no_shadow)
    # Measured means over seeds 0-2: ours 0.787, MOG2 0.604 (dark objects pass as shadows),
    # MOG2 without shadows 0.746. Per scene the gap to the latter ranges from -0.01 (seed 1)
    # to +0.09, so the comparison uses the mean, with 0.03 of slack for it.
    assert ours >= mog2
    assert ours >= mog2_no_shadow - 0.03


# ----------------------------------------------------------------- bad input
@pytest.mark.parametrize("kwargs, match", [
    (dict(K=0), r"K must be an integer >= 1.*3 to 5 is usual"),
    (dict(K=2.5), r"K must be an integer >= 1"),
    (dict(alpha=0.0), r"alpha must be a number in \(0, 1\].*learning rate"),
    (dict(alpha=1.5), r"alpha must be a number in \(0, 1\]"),
    (dict(alpha=float("nan")), r"alpha must be a number in \(0, 1\]"),
    (dict(T=1.0), r"T must be a number in \(0, 1\).*share of the weight"),
    (dict(T=0), r"T must be a number in \(0, 1\)"),
    (dict(match_threshold=-1), r"match_threshold must be .*standard deviations"),
    (dict(initial_weight=1.0), r"initial_weight must be a number in \(0, 1\)"),
    (dict(variance_floor=500.0), r"variance_floor .* larger than initial_variance.*lower the"),
    (dict(learning_rate="fast"), r"learning_rate must be one of .*'inverse_weight'.*'fast'"),
])
def test_bad_parameters_are_refused_with_a_fix(kwargs, match):
    with pytest.raises(ValueError, match=match):
        BackgroundModel(**kwargs)


GRAY = np.zeros((6, 8), np.uint8)


@pytest.mark.parametrize("first, bad, match", [
    (None, np.zeros(8, np.uint8), r"shape \(H, W\) for gray or \(H, W, C\).*apply\(\) on each"),
    (None, np.zeros((2, 6, 8), np.uint8), r"C <= 4 channels last.*np\.moveaxis"),
    (None, np.zeros((6, 8), np.int16), r"uint8 or float.*convert"),
    (None, np.zeros((0, 8), np.uint8), r"empty"),
    (None, np.full((6, 8), np.nan), r"NaN or infinite.*np\.nan_to_num"),
    (GRAY, np.zeros((6, 9), np.uint8), r"shape \(6, 9\).*built for shape \(6, 8\).*reset\(\)"),
    (GRAY, np.zeros((6, 8), np.float32), r"dtype float32.*dtype uint8.*convert"),
    (GRAY, np.zeros((6, 8, 3), np.uint8), r"built for shape \(6, 8\)"),
])
def test_bad_frames_are_refused_with_a_fix(first, bad, match):
    model = BackgroundModel()
    if first is not None:
        model.apply(first)
    with pytest.raises(ValueError, match=match):
        model.apply(bad)


def test_reset_accepts_a_new_frame_size_and_reading_an_empty_model_is_refused():
    model = BackgroundModel()
    with pytest.raises(ValueError, match=r"no frame yet.*apply\(frame\)"):
        model.background()
    model.apply(GRAY)
    model.reset()
    assert model.apply(np.zeros((3, 4, 3), np.uint8)).shape == (3, 4)
    with pytest.raises(IndexError, match="outside the 3x4 frame"):
        model.mixture_at(3, 0)
