# ---
# jupyter:
#   jupytext:
#     cell_metadata_filter: tags,slideshow,-all
#     formats: ipynb,py:percent
#     notebook_metadata_filter: kernelspec,-jupytext.text_representation.jupytext_version
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 07 · Background subtraction with one Gaussian mixture per pixel
#
# A fixed camera films a scene. Most pixels show the same thing frame after frame (the
# *background*); a few are covered for a while by something that moves (the *foreground*).
# Stauffer and Grimson (1999) give every pixel its own small Gaussian mixture over the values
# it has seen, updated online, one frame at a time. A value that fits a heavy, narrow Gaussian
# is background; anything else is foreground. A swaying branch that shows leaf, sky, leaf,
# sky... simply gets two background Gaussians.
#
# **Learning goals**
#
# - write down the online update of one pixel's mixture and say what alpha and T control;
# - follow one pixel's Gaussians over time, and see a stopped object being absorbed;
# - measure masks against exact ground truth (precision, recall, F-measure) on a synthetic scene;
# - compare with OpenCV's MOG2 and know its defaults.

# %% tags=["nbval-check-output"]
# %matplotlib inline
import time

import cv2
import matplotlib.pyplot as plt
import numpy as np
from IPython.display import HTML, display
from skimage import data, transform

from gmmlib.background import BackgroundModel
from gmmlib.exercises import check_first_match, check_frames_to_absorb, check_mog2_masks
from gmmlib.metrics import score_masks
from gmmlib.quiz import ask
from gmmlib.synthetic import make_scene
from gmmlib.views import BackgroundView, mask_overlay, record_background

np.set_printoptions(precision=3, suppress=True)
rng = np.random.default_rng(0)  # the scenes below carry their own seeds
cv2.setRNGSeed(0)
WARMUP = 30  # frames not scored while a model is still learning the background
scene = make_scene(n_frames=150, height=120, width=160, seed=0)
frames, truths = scene.arrays()
print(frames.shape, frames.dtype, f"{truths.mean():.1%} of the pixels are foreground")

# %% [markdown]
# ## The model, one pixel at a time
#
# Pixel $i$ keeps $K$ Gaussians (here $K = 3$) with weights $w_k$, means $\mu_k$ and variances
# $\sigma_k^2$. For each new value $x_t$:
#
# 1. **Match.** Rank the Gaussians by $w_k / \sigma_k$ (heavy and narrow first) and take the
#    first with $|x_t - \mu_k| < 2.5\,\sigma_k$.
# 2. **Weights.** $w_k \leftarrow (1 - \alpha)\, w_k + \alpha\, M_k$, with $M_k = 1$ for the
#    matched Gaussian and 0 for the others. $\alpha$ is the learning rate: the model remembers
#    roughly the last $1/\alpha$ frames.
# 3. **The matched Gaussian moves** towards the value:
#    $\mu \leftarrow (1 - \rho)\,\mu + \rho\, x_t$ and
#    $\sigma^2 \leftarrow (1 - \rho)\,\sigma^2 + \rho\,(x_t - \mu)^2$. The paper takes
#    $\rho = \alpha\, \mathcal N(x_t \mid \mu, \sigma^2)$, which is so small that a Gaussian barely
#    moves; `gmmlib` uses $\rho = \alpha / w_k$ by default, a running mean over the frames that
#    component has explained.
# 4. **No match:** the least reliable Gaussian is replaced by a new one centred on $x_t$, wide
#    and light.
# 5. **Background** = the first $B$ Gaussians in the ranking whose weights add up past $T$.
#    The pixel is foreground when $x_t$ matched none of them.
#
# The scene below is synthetic, so the truth is known pixel for pixel: textured walls, sensor
# noise, a slow change of light, a patch of "leaves" flipping between two values, and objects
# of several shapes, some of which stop for a while.

# %%
fig, axes = plt.subplots(2, 4, figsize=(10, 4))
for col, t in enumerate([20, 60, 100, 140]):
    axes[0, col].imshow(frames[t], cmap="gray", vmin=0, vmax=255)
    axes[0, col].set_title(f"frame {t}")
    axes[1, col].imshow(truths[t], cmap="gray")
    axes[1, col].set_title("ground truth")
for ax in axes.flat:
    ax.set_axis_off()
fig.suptitle("The synthetic scene (seed 0) and its exact foreground masks")
plt.show()

# %% [markdown]
# We run the model **once** over the 150 frames and keep, for every frame, the mask, the
# background image and the mixtures of three chosen pixels: one in the waving leaves, one where
# an object stops, and one on a plain wall. The view below only looks these up.

# %% tags=["nbval-check-output"]
stopper = next(tr for tr in scene.tracks if tr.still[1] > tr.still[0])
s0, s1 = stopper.still
covered = truths[s0:min(s1, len(truths))].all(axis=0)  # under the object all the while it stands
times_covered = np.where(covered, truths.sum(axis=0), len(truths) + 1)
stop_pixel = tuple(int(v) for v in np.unravel_index(times_covered.argmin(), covered.shape))
leaf_pixel = tuple(int(v) for v in np.argwhere(scene.waving)[scene.waving.sum() // 2])
ever_foreground = truths.any(axis=0)
wall_pixel = tuple(int(v) for v in np.argwhere(~ever_foreground & ~scene.waving)[2000])
pixels = [leaf_pixel, stop_pixel, wall_pixel]

model = BackgroundModel(K=3, alpha=0.01, T=0.7)
run = record_background(model, frames, pixels, truths)
ours = score_masks(run.masks, truths, warmup=WARMUP)
print(model)
print(f"pixels: leaves {leaf_pixel}, stopped object {stop_pixel} (still from frame "
      f"{s0} to {s1}), wall {wall_pixel}")
print(f"after frame {WARMUP}: precision {ours.precision:.3f}  recall {ours.recall:.3f}  "
      f"F {ours.f_measure:.3f}")

# %% [markdown]
# ## One pixel over time
#
# Drag **frame**, or press Play; **pixel** picks one of the three pixels (0: leaves, 1: stopped
# object, 2: wall). Left: the frame with the model's foreground in red and the chosen pixel in
# a yellow box. Middle: the background image (the mean of each pixel's top Gaussian). Right:
# the pixel's values so far (black) and each Gaussian's mean with a band of $\pm 2.5\sigma$, the
# match window; the labels give each weight and whether that Gaussian counts as background.
#
# Things to look for: the leaf pixel ends up with two background Gaussians; where the object
# stands still, its new Gaussian gains weight frame after frame while the old background's
# weight decays (exercise 1 works out how many frames it takes before the object is absorbed).

# %%
view = BackgroundView(run, frame=140, pixel=1)
view

# %% [markdown]
# The same without a kernel (it plays on GitHub or nbviewer, 24 frames spread over the clip):

# %%
display(HTML(view.to_jshtml(max_frames=24, figsize=(7, 2.1), dpi=50)))

# %% [markdown]
# ## What alpha and T do
#
# $\alpha$ is how fast the model forgets: large, and it follows light changes quickly but also
# swallows an object that slows down; small, and a stopped object stays foreground longer but a
# change of light lingers as false foreground. $T$ is how much of the weight the background must
# cover: small, and only the dominant Gaussian is background (the leaves' second mode becomes
# foreground); large, and even a recent object's Gaussian counts as background.
# The grid runs the model nine times (about a second) and scores each run after the warm-up.

# %% tags=["nbval-check-output"]
alphas, Ts = [0.003, 0.01, 0.03], [0.5, 0.7, 0.9]
grid_f = np.empty((len(alphas), len(Ts)))
grid_masks = {}
for i, a in enumerate(alphas):
    for j, T in enumerate(Ts):
        m = BackgroundModel(K=3, alpha=a, T=T)
        masks = np.array([m.apply(f) for f in frames])
        grid_masks[a, T] = masks
        grid_f[i, j] = score_masks(masks, truths, warmup=WARMUP).f_measure
print("F-measure, rows alpha =", alphas, "columns T =", Ts)
print(grid_f.round(2))

# %%
show_t = 130
fig, axes = plt.subplots(len(alphas), len(Ts) + 1, figsize=(10, 6))
for i, a in enumerate(alphas):
    for j, T in enumerate(Ts):
        axes[i, j].imshow(grid_masks[a, T][show_t], cmap="gray")
        axes[i, j].set_title(f"alpha={a}, T={T}: F={grid_f[i, j]:.2f}", fontsize="small")
    axes[i, -1].imshow(truths[show_t], cmap="gray")
    axes[i, -1].set_title("ground truth", fontsize="small")
for ax in axes.flat:
    ax.set_axis_off()
fig.suptitle(f"Masks at frame {show_t} (F over frames {WARMUP}-{len(frames) - 1})")
plt.show()

# %% [markdown]
# ## Beside OpenCV's MOG2
#
# `cv2.createBackgroundSubtractorMOG2` (Zivkovic 2004/2006) is the same idea with an adaptive
# number of Gaussians per pixel. Its defaults: `history=500` (learning rate 1/500 = 0.002),
# `varThreshold=16` (a squared distance, i.e. 4 sigma), `detectShadows=True` (shadows are
# marked 127, objects 255), at most 5 Gaussians, `backgroundRatio=0.9` (its T). We count only
# 255 as foreground and score both models against the same exact truth.

# %%
def run_mog2(frames, **params):
    mog = cv2.createBackgroundSubtractorMOG2(**params)
    return np.array([mog.apply(f) == 255 for f in frames])


mog_masks = run_mog2(frames)
mog_tuned = run_mog2(frames, history=100, detectShadows=False)
rows_of_table = [("ours (alpha=0.01, T=0.7)", ours),
                 ("MOG2 defaults", score_masks(mog_masks, truths, warmup=WARMUP)),
                 ("MOG2 history=100, no shadows", score_masks(mog_tuned, truths, warmup=WARMUP))]
for name, s in rows_of_table:
    print(f"{name:30s} precision {s.precision:.3f}  recall {s.recall:.3f}  F {s.f_measure:.3f}")

# %%
fig, axes = plt.subplots(1, 4, figsize=(10, 2.4))
panels = [(frames[show_t], "frame"), (truths[show_t], "ground truth"),
          (run.masks[show_t], "ours"), (mog_masks[show_t], "MOG2 defaults")]
for ax, (img, title) in zip(axes, panels):
    ax.imshow(img, cmap="gray")
    ax.set_title(f"{title} (frame {show_t})", fontsize="small")
    ax.set_axis_off()
plt.show()

# %% [markdown]
# ## A real clip
#
# `tree.avi` from OpenCV's samples (credit: the OpenCV project) shows a swaying tree in front of
# a fixed camera, exactly the multi-modal background a mixture per pixel is for; a hand enters
# near frame 350. There is no ground truth for it, so we only look, and count where the two
# models agree (MOG2 is another opinion, not the truth). The clip is downloaded once into a
# cache outside the repository; when that is impossible the cell says why and the notebook goes
# on with a semi-synthetic scene below.

# %%
real = None
try:
    from gmmlib.video import fetch_clip, read_frames
    real = np.stack(list(read_frames(fetch_clip("tree.avi"), gray=True, scale=0.5)))
except Exception as exc:  # no network, no cache, no decoder: say so and carry on
    print(f"The real clip is not available here ({type(exc).__name__}: {exc}).")
    print("The notebook continues with the semi-synthetic scene below.")
if real is not None:
    real_model = BackgroundModel(K=3, alpha=0.01, T=0.7)
    real_ours = np.array([real_model.apply(f) for f in real])
    real_mog = run_mog2(real)
    agree = (real_ours == real_mog)[WARMUP:].mean()
    print("foreground share, ours, frames 250-330 (tree only) and 380-449 (the hand): "
          f"{real_ours[250:330].mean():.1%} and {real_ours[380:].mean():.1%}")
    print(f"tree.avi: {real.shape[0]} frames of {real.shape[2]}x{real.shape[1]}; "
          f"the two masks agree on {agree:.1%} of the pixels after the warm-up")
    fig, axes = plt.subplots(1, 3, figsize=(10, 2.6))
    last = 400  # the hand is in front of the tree
    for ax, img, title in zip(axes, [real[last], mask_overlay(real[last], real_ours[last]),
                                     mask_overlay(real[last], real_mog[last])],
                              ["tree.avi", "ours", "MOG2 defaults"]):
        ax.imshow(img, cmap="gray")
        ax.set_title(title)
        ax.set_axis_off()
    plt.show()

# %% [markdown]
# **Semi-synthetic.** A real background with an exact truth: the same kind of moving objects
# pasted on the per-pixel median of the first 200 frames of `tree.avi` (before the hand comes),
# with sensor noise and a slow drift of light added. If the clip could not be fetched, the
# cameraman photograph (`skimage.data.camera()`, a CC0 re-shoot by Lav Varshney) stands in.

# %%
if real is not None:
    still = np.median(real[:200], axis=0).astype(np.uint8)
    source = "median of tree.avi frames 0-199"
else:
    still = (transform.resize(data.camera()[:384], (120, 160), anti_aliasing=True) * 255).astype(np.uint8)
    source = "the cameraman photograph"
semi = make_scene(n_frames=120, background=still, seed=1, noise_sigma=3.0)
print(f"semi-synthetic background: {source}, {still.shape[1]}x{still.shape[0]}")
semi_frames, semi_truths = semi.arrays()
semi_model = BackgroundModel(K=3, alpha=0.01, T=0.7)
semi_ours = np.array([semi_model.apply(f) for f in semi_frames])
semi_mog = run_mog2(semi_frames)
for name, masks in [("ours", semi_ours), ("MOG2 defaults", semi_mog)]:
    s = score_masks(masks, semi_truths, warmup=WARMUP)
    print(f"semi-synthetic, {name:14s} precision {s.precision:.3f}  recall {s.recall:.3f}  "
          f"F {s.f_measure:.3f}")

# %% [markdown]
# ## Exercises
#
# Each coding exercise ends with a checker from `gmmlib.exercises` that prints ✓ or the case
# that failed, with its inputs and a hint; a function that runs longer than 5 s is stopped.
# Stuck? Worked solutions, with the reasoning, are in
# [`solutions/07_background_solutions.ipynb`](solutions/07_background_solutions.ipynb).
#
# ### Exercise 1 · How long until a stopped object is background?
#
# A pixel has shown one steady value for a long time: one Gaussian of weight 1, the other
# slots empty (weight 0). At frame 0 an object stops on it, and this is what the model does:
#
# - at frame 0 nothing matches. Every weight is multiplied by $(1 - \alpha)$ (no match, so
#   $M_k = 0$ for all), then an empty slot gets a new Gaussian centred on the object with
#   weight $w_0$ (`initial_weight`, 0.05 by default), and the weights are renormalised to sum 1;
# - from frame 1 on, every frame matches the new Gaussian: the old background's weight is
#   multiplied by $(1 - \alpha)$ at each frame, the new one's grows;
# - a frame is classified *before* its own update. The new Gaussian ranks second (it is
#   lighter than the old background and no narrower: both end at the variance floor), so the
#   object is background at frame $n$ as soon as the weight ranked ahead of its Gaussian, the
#   old background's, is at most $T$.
#
# Write `frames_to_absorb(alpha, T, w0=0.05)`: the first frame $n$ (the stop is frame 0) at
# which the object is no longer foreground. The checker runs `BackgroundModel` on one noisy
# pixel that shows 100 for 200 frames and 200 after, for several `alpha`, `T` and `w0`.

# %% tags=["exercise", "nbval-check-output"]
def frames_to_absorb(alpha, T, w0=0.05):
    raise NotImplementedError("your code here")


check_frames_to_absorb(frames_to_absorb)


# %% [markdown]
# ### Exercise 2 · The match test
#
# Write `first_match(x, weights, means, variances, k=2.5)`, step 1 of the model: rank the
# Gaussians by $w_k / \sigma_k$ (largest first; ties go to the lower index), and return the
# index, in the arrays you are given, of the first one with $|x - \mu_k| < k\,\sigma_k$
# (strictly), or `-1` if none matches. A Gaussian of weight 0 is an empty slot and never
# matches, however close its mean. The checker tries hand-made hostile cases, then mixtures
# recorded from a `BackgroundModel` run.

# %% tags=["exercise"]
def first_match(x, weights, means, variances, k=2.5):
    raise NotImplementedError("your code here")


check_first_match(first_match)


# %% [markdown]
# ### Exercise 3 · Fair peers: what MOG2 calls a shadow
#
# With its defaults MOG2 labels every pixel 0 (background), 255 (foreground) or 127 (shadow),
# and the comparison above counts only 255 as foreground. MOG2's shadow test is about
# brightness: a pixel that matches no background Gaussian, but whose value is between
# `shadowThreshold` = 0.5 and 1 times a background mean (and, in colour, of about the same
# hue), is called a shadow. The synthetic scene has no shadows at all.
#
# Write `mog2_masks(frames, shadows)` that runs a new `cv2.createBackgroundSubtractorMOG2()`
# on the frames and returns the boolean foreground masks, shape `(T, H, W)`, where `shadows`
# says what to do with 127: `"ignore"` counts only 255 (as above), `"count"` counts 127 as
# foreground too, and `"off"` runs MOG2 with `detectShadows=False`.
#
# Once the check passes, score the three variants on `frames` with
# `score_masks(..., truths, warmup=WARMUP)`, compare `"count"` with `"off"`, and look at
# `truths` where MOG2 said 127: what fraction of those pixels belong to an object? What has
# the shadow test labelled, which comparison is fair to MOG2 here, and what should the
# caption of the figure above say?

# %% tags=["exercise"]
def mog2_masks(frames, shadows):
    raise NotImplementedError("your code here")


check_mog2_masks(mog2_masks)

# %% [markdown]
# ### Exercise 4 · Fast start
#
# Set `fast_start=False` and score again with `warmup=0`. Which frames pay for it, and why
# does the rate $\max(\alpha, 1/t)$ fix them?
#
# ## Summary
#
# - One small mixture per pixel, updated online with learning rate $\alpha$, models a background
#   that is noisy, slowly changing and even multi-modal (leaves).
# - Background is the heaviest, narrowest Gaussians covering a share $T$ of the weight; a stopped
#   object is absorbed at the first frame $n$ at which the old background's weight,
#   $(1 - \alpha)^{n-1} (1 - \alpha) / (1 - \alpha + w_0)$, is at most $T$ (exercise 1): 32
#   frames for $\alpha = 0.01$, $T = 0.7$, $w_0 = 0.05$.
# - With exact ground truth, precision, recall and F-measure after a warm-up make the settings
#   and the models comparable; OpenCV's MOG2 is the same idea with an adaptive number of
#   Gaussians, a 4-sigma match and shadow detection, whose 127 label must be counted (or
#   switched off) for a fair comparison (exercise 3).
#
# ## Quiz
#
# Set `response=` to the number of an option and run the cell; `response="?"` shows the answer.

# %% tags=["quiz", "nbval-check-output"]
ask("With detectShadows=True (the default), MOG2 labels a pixel 127 when",
    ["it is not sure whether the pixel is foreground",
     "it matches no background Gaussian but is 0.5 to 1 times as bright as a background mean",
     "the pixel has been foreground for a long time"],
    response=None,
    answer=2, why={1: "MOG2 has no 'unsure' label: 127 is its shadow label.",
                   3: "A pixel that stays foreground long enough is absorbed into the background (label 0)."},
    explain="The shadow test only asks for a darker version of the background (and, in colour, the "
            "same hue). On gray frames any object darker than what it covers can pass it.")

# %% tags=["quiz", "nbval-check-output"]
ask("On the synthetic scene, which has no shadows, counting MOG2's 127 pixels as foreground makes "
    "its F-measure",
    ["go down: every 127 pixel is a false alarm",
     "go up: the 127 pixels are object pixels darker than the wall, which the shadow test mislabels",
     "stay the same: 127 pixels are rare"],
    response=None,
    answer=2, why={1: "Look at the truth where MOG2 said 127 (exercise 3): almost all of it is object.",
                   3: "They are not rare: about a fifth of the true foreground is labelled 127."},
    explain="Without shadows in the scene, the shadow label falls on object pixels; counting them "
            "raises recall at almost no cost in precision, and detectShadows=False gives the same "
            "masks. A fair comparison says which setting it uses.")

# %% tags=["quiz", "nbval-check-output"]
ask("You raise alpha from 0.01 to 0.05. A car that stops in front of the camera",
    ["becomes background sooner", "becomes background later", "never becomes background"],
    response=None,
    answer=1, why={2: "A larger alpha forgets faster: the old background's weight falls faster.",
                   3: "Any alpha > 0 eventually absorbs a still object."},
    explain="The old background's weight decays as (1 - alpha)^n: with alpha = 0.05 it falls below "
            "T = 0.7 after 7 frames instead of 32. The price: a slow-moving object is swallowed too.")
