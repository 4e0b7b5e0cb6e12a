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

from gmmlib import stauffer_grimson as sg, video
from gmmlib.background import BackgroundModel
from gmmlib.metrics import score_masks
from gmmlib.synthetic import make_scene

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


def flipping_pixels(seed=7, n=150, H=5, W=6):
    """Pixels that flip between two levels, with noise and an object passing through some of
    them: matches, misses, replacements and renormalisation all happen."""
    rng = np.random.default_rng(seed)
    levels = np.where(rng.random((n, H, W)) < 0.35, 150.0, 60.0)
    levels[60:75, 1:3, 2:5] = 230.0
    return np.clip(np.rint(levels + rng.normal(0, 5, levels.shape)), 0, 255).astype(np.uint8)


class Float64Model(BackgroundModel):
    """The model's own steps on float64 state (it keeps float32 for speed): then nothing but
    the order of a few additions separates it from the float64 scalar reference."""

    def _allocate(self, frame):
        super()._allocate(frame)
        self._w, self._mu, self._var, self._floor = (
            a.astype(np.float64) for a in (self._w, self._mu, self._var, self._floor))
        self._x = np.empty(self._x.shape)  # filled from each frame


@pytest.mark.parametrize("params", [{}, dict(T=0.5, alpha=0.02), dict(K=4, fast_start=False)])
def test_the_steps_in_float64_equal_the_scalar_reference(params):
    frames = flipping_pixels()
    ref_masks, w, mu, var = reference_masks(frames, **params)
    model = Float64Model(**params)
    masks = np.array(run(model, frames))
    assert model.weights_.dtype == np.float64
    assert masks[WARMUP:].any() and not masks[WARMUP:].all()
    np.testing.assert_array_equal(masks, ref_masks)
    np.testing.assert_allclose(model.weights_, w, rtol=0, atol=1e-12)
    np.testing.assert_allclose(model.means_[..., 0], mu, rtol=0, atol=1e-12)
    np.testing.assert_allclose(model.variances_, var, rtol=0, atol=1e-12)


def test_vectorised_model_equals_the_scalar_reference():
    frames = flipping_pixels()
    ref_masks, w, mu, var = reference_masks(frames)
    model = BackgroundModel()
    masks = np.array(run(model, frames))
    assert masks[WARMUP:].any() and not masks[WARMUP:].all()
    # float32 against float64: a value right on a 2.5 sigma boundary may fall either side.
    assert np.mean(masks != ref_masks) < 0.002
    np.testing.assert_allclose(model.weights_, w, atol=1e-4)
    np.testing.assert_allclose(model.means_[..., 0], mu, atol=1e-2)
    np.testing.assert_allclose(model.variances_, var, rtol=1e-3)


# ----------------------------------------------------------------- the model before the steps
class FrozenModel(BackgroundModel):
    """BackgroundModel.apply as it was before it was split into the paper's steps (one method
    on scratch buffers, ranking by ``score > best``), kept to check that the split changed no
    mask and no parameter. It shares the model's state arrays, so the public attributes read
    the same way."""

    def _allocate(self, frame):
        super()._allocate(frame)
        K, C, N, f4 = self.K, self._C, self._N, np.float32
        self._diff = np.empty((K, C, N), f4)
        self._d2 = np.empty((K, N), f4)
        self._tmp = np.empty((K, N), f4)
        self._score = np.empty((K, N), f4)
        self._rho = np.zeros((K, N), f4)
        self._bool = np.empty((K, N), bool)
        self._onehot = np.empty((K, N), bool)
        self._taken = np.empty(N, bool)

    def apply(self, frame):  # verbatim from commit 2eef38e, docstring dropped
        frame = self._check_frame(frame)
        if self.shape_ is None:
            self._allocate(frame)
        K, C, N = self.K, self._C, self._N
        w, mu, var = self._w, self._mu, self._var
        diff, d2, tmp, score, rho = self._diff, self._d2, self._tmp, self._score, self._rho
        x = self._x
        # (H, W, C) -> (C, N): each channel contiguous, so every step below is a flat loop.
        if C == 1:
            x[0] = frame.reshape(N)
        else:
            x[:] = frame.reshape(N, C).T

        self.n_frames_ += 1
        t = self.n_frames_
        a = max(self.alpha, 1.0 / t) if self.fast_start else self.alpha

        if t == 1:
            # The first frame is the first component of every pixel.
            w[0] = 1.0
            mu[0] = x
            return np.zeros(self.shape_[:2], bool)

        # Squared distances to every component, summed over the channels.
        np.subtract(x, mu, out=diff)
        if C == 1:
            np.square(diff[:, 0], out=d2)
        else:
            np.square(diff[:, 0], out=d2)
            for c in range(1, C):
                np.square(diff[:, c], out=tmp)
                d2 += tmp
        # Rank key w / sigma; empty components (w = 0) get 0 and can never be chosen.
        np.sqrt(var, out=tmp)
        np.divide(w, tmp, out=score)
        # Matches, then the first match in w / sigma order = the best matching score.
        np.multiply(var, self._thr2, out=tmp)
        np.less(d2, tmp, out=self._bool)
        np.multiply(score, self._bool, out=tmp)
        best = tmp.max(axis=0)  # 0 where nothing matched
        matched = best > 0
        # One-hot M of the matched component: the first row reaching the best score. (Not
        # argmax(axis=0), which walks the K rows with a stride and took a third of the time.)
        onehot, taken = self._onehot, self._taken
        np.logical_not(matched, out=taken)
        for k in range(K):
            np.equal(tmp[k], best, out=onehot[k])
            np.greater(onehot[k], taken, out=onehot[k])  # and not already taken
            taken |= onehot[k]
        # Weight of the components ranked ahead of the match; the match is background when
        # that weight has not yet passed T. With no match every positive weight is "ahead",
        # the sum is 1 > T, and the pixel is foreground with no special case.
        np.greater(score, best, out=self._bool)
        np.multiply(w, self._bool, out=tmp)
        ahead = tmp.sum(axis=0)
        fg = ahead > self.T

        # Weights: w <- (1 - a) w + a M.
        w *= 1.0 - a
        np.multiply(onehot, a, out=tmp)
        w += tmp

        # rho, non-zero only for the matched component.
        if self.learning_rate == "inverse_weight":
            np.divide(a, w, out=rho, where=onehot)  # w >= a there, so rho <= 1
            rho *= onehot
        elif self.learning_rate == "constant":
            np.multiply(onehot, a, out=rho)
        else:  # "paper": rho = a N(x | mu, sigma^2 I_C)
            np.divide(d2, var, out=rho)
            rho *= -0.5
            np.exp(rho, out=rho)
            np.multiply(var, 2 * np.pi, out=tmp)
            tmp **= -0.5 * C
            rho *= tmp
            rho *= a
            rho *= onehot
            np.minimum(rho, 1.0, out=rho)
        # Mean and variance of the matched component (rho = 0 leaves the others unchanged).
        diff *= rho[:, None, :]
        mu += diff
        np.multiply(d2, 1.0 / C, out=tmp)
        tmp -= var
        tmp *= rho
        var += tmp
        np.maximum(var, self.variance_floor, out=var)

        # No match: replace the least reliable component (smallest w / sigma). Only these
        # pixels are touched, through fancy indexing: usually a few percent of the image.
        lost = np.flatnonzero(~matched)
        if lost.size:
            k_low = score[:, lost].argmin(axis=0)
            w[k_low, lost] = self.initial_weight
            mu[k_low, :, lost] = x[:, lost].T
            var[k_low, lost] = self.initial_variance
            w[:, lost] /= w[:, lost].sum(axis=0)
        mask = fg.reshape(self.shape_[:2])
        return mask


def assert_same_models(frozen, model, frames):
    for t, frame in enumerate(frames):
        np.testing.assert_array_equal(model.apply(frame), frozen.apply(frame), err_msg=f"frame {t}")
    # Bit for bit (stricter than any tolerance): the same float32 operations in the same order.
    for name in ("weights_", "means_", "variances_"):
        np.testing.assert_array_equal(getattr(model, name), getattr(frozen, name), err_msg=name)
    np.testing.assert_array_equal(model.background(), frozen.background())
    H, W = frames[0].shape[:2]
    for row, col in ((0, 0), (H // 2, W // 3), (H - 1, W - 1)):
        a, b = model.mixture_at(row, col), frozen.mixture_at(row, col)
        for field in ("weights", "means", "variances", "is_background"):
            np.testing.assert_array_equal(getattr(a, field), getattr(b, field))


@pytest.mark.parametrize("color, params", [
    (False, {}),
    (True, {}),
    (False, dict(learning_rate="paper", K=4)),
    (True, dict(learning_rate="constant", fast_start=False, T=0.5)),
    (False, dict(K=5, alpha=0.02, T=0.9, match_threshold=2.0, initial_weight=0.2)),
    (False, dict(K=1)),
])
def test_the_steps_give_the_masks_and_parameters_of_the_model_before_them(color, params):
    frames, _ = make_scene(n_frames=200, seed=5, color=color).arrays()
    assert_same_models(FrozenModel(**params), BackgroundModel(**params), frames)


def test_the_steps_give_the_masks_of_the_model_before_them_on_the_real_clip():
    # tree.avi: frames 230-449 hold the swaying tree (a multi-modal background) and then a
    # hand that covers the camera (most pixels miss: replacements everywhere).
    frames = list(video.read_frames(video.fetch_clip("tree.avi"), gray=True))[230:]
    assert_same_models(FrozenModel(), BackgroundModel(), frames)


# ----------------------------------------------------------------- the steps one by one
@pytest.mark.parametrize("K", [1, 2, 3, 5, 8])
def test_rank_is_the_place_in_a_stable_sort_by_decreasing_key(K):
    rng = np.random.default_rng(K)
    # Few distinct values, zeros included, so that ties are everywhere.
    key = rng.integers(0, 4, (200, 7, K)).astype(np.float32) / 8
    ranks = sg.rank(key)
    expected = np.argsort(np.argsort(-key, axis=-1, kind="stable"), axis=-1, kind="stable")
    np.testing.assert_array_equal(ranks, expected)
    assert ranks.dtype == np.uint8


def sorted_rule(weights, sigmas, T):
    """Equation 8 the obvious way, one pixel at a time: sort, add up, take the first B."""
    out = np.zeros(weights.shape, bool)
    for i in np.ndindex(weights.shape[:-1]):
        w, s = weights[i], sigmas[i]
        total = 0.0
        for k in sorted(range(len(w)), key=lambda k: -(w[k] / s[k])):  # sorted() is stable
            out[i + (k,)] = w[k] > 0 and total <= T
            total += w[k]
    return out


def test_background_components_are_the_first_B_whose_weights_pass_T():
    rng = np.random.default_rng(0)
    weights = rng.dirichlet(np.ones(4), (300,))
    weights[:40, 3] = 0.0  # empty slots
    weights /= weights.sum(axis=1, keepdims=True)
    sigmas = rng.choice([4.0, 8.0, 20.0], (300, 4))
    sigmas[40:60] = 4.0
    weights[40:60, :2] = 0.25  # ties in w / sigma
    for T in (0.3, 0.5, 0.7, 0.9):
        expected = sorted_rule(weights, sigmas, T)
        got = sg.background_components(weights, sigmas, T)
        np.testing.assert_array_equal(got, expected)
        assert expected.sum(axis=1).min() >= 1 and expected.sum(axis=1).max() >= 2
    # By hand (ranked 0, 1, 2, 3): the component that takes the sum past T counts, even
    # alone; with exactly T ahead a component still counts; an empty slot never does.
    w, s = np.array([0.5, 0.25, 0.25, 0.0]), np.array([4.0, 4.0, 20.0, 1.0])
    assert sg.background_components(w, s, 0.4).tolist() == [True, False, False, False]
    assert sg.background_components(w, s, 0.5).tolist() == [True, True, False, False]
    assert sg.background_components(w, s, 0.75).tolist() == [True, True, True, False]
    assert sg.background_components(w, s, 0.99).tolist() == [True, True, True, False]


def test_match_is_the_first_hit_in_rank_order():
    rng = np.random.default_rng(1)
    n, K = 2000, 4
    weights = rng.dirichlet(np.ones(K), n)
    weights[::7, 2] = 0.0  # empty slots, which never match
    variances = rng.choice([16.0, 64.0, 400.0], (n, K))
    means = rng.choice([50.0, 60.0, 70.0, 120.0], (n, K))
    x = rng.choice([55.0, 65.0, 120.0, 250.0], n)
    key = sg.rank_key(weights, variances)
    ranks = sg.rank(key)
    _, sq_dist = sg.squared_distances(x[:, None], means[..., None])
    got = sg.match(sq_dist, variances, key, ranks, 2.5 ** 2)
    for i in range(n):
        order = sorted(range(K), key=lambda k: -key[i, k])
        hits = [k for k in order
                if weights[i, k] > 0 and abs(x[i] - means[i, k]) < 2.5 * np.sqrt(variances[i, k])]
        assert got[i].tolist() == [k == (hits[0] if hits else -1) for k in range(K)], i
    matched = got.any(axis=1)
    assert 0.2 < matched.mean() < 0.9  # both cases are well represented
    # Foreground: matched nothing, or a component that is not background.
    background = sg.background_components(weights, np.sqrt(variances), 0.7)
    expected = ~matched | ~background[np.arange(n), got.argmax(axis=1)]
    np.testing.assert_array_equal(sg.classify(got, background), expected)
    assert expected[matched].any() and not expected[matched].all()


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
    cv2 = pytest.importorskip("cv2")  # only this test needs OpenCV
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
