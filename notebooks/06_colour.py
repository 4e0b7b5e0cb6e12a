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
# # 06 · Colour: full-covariance EM on RGB pixels
#
# In colour every pixel is a point in 3-D (red, green, blue), and the channels are strongly
# correlated: a brighter orange is more red *and* more green. A Gaussian with a full 3 x 3
# covariance captures that tilt; this is the setting the painless GMM was written for
# (colour models for foreground/background segmentation).
#
# **Image credit.** `skimage.data.astronaut()`: Eileen Collins, NASA astronaut, a NASA photograph
# in the public domain, shipped with scikit-image.
#
# **Learning goals**
#
# - fit a full-covariance mixture to RGB pixels and segment by maximum posterior;
# - read a segmentation through its mean-colour image;
# - see what whitening changes on pixel data (log-likelihood, iterations, guard events);
# - build a foreground/background colour model and classify pixels by the sign of the
#   log-likelihood ratio log p_fg(x) - log p_bg(x).

# %%
# %matplotlib inline
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.patches import Rectangle
from skimage import data

from gmmlib import painless_em, segment_colour
from gmmlib.exercises import check_log_likelihood_ratio, check_whiten
from gmmlib.quiz import ask

np.set_printoptions(precision=2, suppress=True)
SEED = 0  # every K-means start below uses it
full = data.astronaut()
img = full[::4, ::4]  # 128 x 128: a sixteenth of the pixels keeps every fit well under a second
pixels = img.reshape(-1, 3)
print(full.shape, "->", img.shape, f"({pixels.shape[0]} pixels)")

# %% [markdown]
# ## Segmentation by maximum posterior
#
# `segment_colour` runs painless EM (K-means start, whitening, full covariances) on the pixels
# and gives every pixel the component with the largest posterior π_k N(x | k).

# %%
K = 5
seg = segment_colour(img, K, random_state=SEED)
print(seg.result)
print("weights:", seg.result.mixture.weights)
print("mean colours (RGB):\n", seg.result.mixture.means.round(0))

# %%
fig, axes = plt.subplots(1, 3, figsize=(12, 4.2))
axes[0].imshow(img)
axes[0].set_title("astronaut (NASA, public domain)")
axes[1].imshow(seg.labels, cmap="tab10", vmin=0, vmax=9, interpolation="nearest")
axes[1].set_title(f"labels, K = {K}")
axes[2].imshow(seg.mean_colour_image())
axes[2].set_title("each pixel painted with its component's mean")
for ax in axes:
    ax.set_axis_off()
plt.show()

# %% [markdown]
# The covariances are not round: the correlation between channels inside each component shows
# how colours vary along a direction (mostly brightness) rather than independently per channel.
# One component is different: its mean is pure black (0, 0, 0). The black backdrop on the right
# is a constant patch, exactly the singular-covariance case of notebook 03; the covariance
# guard replaced that component's covariance by a small diagonal one (hence correlation 0).

# %% tags=["nbval-check-output"]
cov = seg.result.mixture.covariances
std = np.sqrt(np.diagonal(cov, axis1=1, axis2=2))
corr = cov / std[:, :, None] / std[:, None, :]
for k in range(K):
    r = corr[k]
    print(f"component {k}: correlation R-G {r[0, 1]:+.2f}, R-B {r[0, 2]:+.2f}, G-B {r[1, 2]:+.2f}")

# %% [markdown]
# ## What whitening changes
#
# Pixel values share one unit, so whitening (centre each channel, divide by its standard
# deviation) changes less here than with features on scales 1 and 1e6 (notebook 03). Still,
# it changes where K-means starts (distances are measured in standard deviations), and the
# guard's variance floor is relative to each channel's spread.

# %% tags=["nbval-check-output"]
for whiten in (True, False):
    result = painless_em(pixels, K, whiten=whiten, random_state=SEED)
    print(f"whiten={whiten!s:5}: log L = {result.log_likelihood:.1f}, {result.n_iter} iterations, "
          f"converged={result.converged}, {len(result.history.events)} guard events")
    for event in result.history.events:
        print("    guard:", event)

# %% [markdown]
# ## A foreground/background colour model
#
# Mark two boxes by hand: one inside the astronaut (face, suit) and one on the background
# (wall, shuttle, sky). Fit one mixture to the pixels of each box. A pixel x is then
# foreground when it is better explained by the foreground model:
#
# $$\log p_{fg}(x) - \log p_{bg}(x) > 0.$$
#
# Both log-densities are logsumexps over their components, so pixels far from both models
# still get a finite ratio.

# %%
fg_box = (slice(23, 125), slice(40, 75))   # rows, columns in the 128 x 128 image
bg_box = (slice(0, 62), slice(83, 128))
fg_pixels = img[fg_box].reshape(-1, 3)
bg_pixels = img[bg_box].reshape(-1, 3)
foreground = painless_em(fg_pixels, 4, random_state=SEED).mixture
background = painless_em(bg_pixels, 4, random_state=SEED).mixture
ratio = (foreground.log_density(pixels) - background.log_density(pixels)).reshape(img.shape[:2])
is_foreground = ratio > 0
print(f"{fg_pixels.shape[0]} foreground and {bg_pixels.shape[0]} background training pixels")

# %% tags=["nbval-check-output"]
print(f"share of pixels labelled foreground: {is_foreground.mean():.3f}")
print(f"inside the foreground box: {is_foreground[fg_box].mean():.3f}")
print(f"inside the background box: {is_foreground[bg_box].mean():.3f}")

# %%
fig, axes = plt.subplots(1, 3, figsize=(13, 4.2), layout="constrained")
axes[0].imshow(img)
for box, colour, name in ((fg_box, "C1", "foreground"), (bg_box, "C0", "background")):
    rows, cols = box
    axes[0].add_patch(Rectangle((cols.start - 0.5, rows.start - 0.5), cols.stop - cols.start,
                                rows.stop - rows.start, fill=False, edgecolor=colour, linewidth=2, label=name))
axes[0].legend(loc="lower right", fontsize="small")
axes[0].set_title("training boxes")
limit = np.percentile(np.abs(ratio), 95)
im = axes[1].imshow(ratio, cmap="coolwarm", vmin=-limit, vmax=limit)
fig.colorbar(im, ax=axes[1], fraction=0.046).set_label("log p_fg(x) - log p_bg(x)", labelpad=2)
axes[1].set_title("log-likelihood ratio")
axes[2].imshow(np.where(is_foreground[:, :, None], img, 255 - (255 - img) // 4))
axes[2].set_title("foreground (ratio > 0), background faded")
for ax in axes:
    ax.set_axis_off()
plt.show()

# %% [markdown]
# The colour model knows nothing about shapes. The white straps of the suit look like the
# white shuttle and go to the background; the black backdrop on the right looks like the dark
# collar inside the foreground box and goes to the foreground; the red stripes of the flag look
# like the suit. That is the limit of a pure colour model, and why methods such as GrabCut add
# a smoothness term between neighbouring pixels.

# %% [markdown]
# ## Exercises
#
# The coding exercises end with a checker from `gmmlib.exercises` that prints ✓ or the case
# that failed, with its inputs and a hint. Stuck? Worked solutions, with the reasoning, are in
# [`solutions/06_colour_solutions.ipynb`](solutions/06_colour_solutions.ipynb).
#
# ### Exercise 1 · Whitening
#
# Write the whitening transform: return `(Z, mean, std)` with `Z = (X - mean) / std` per
# channel. A constant channel (a saturated sky, say) must not cause a division by zero, and
# the `std` you return must still map `Z` back to `X`.

# %% tags=["exercise"]
def my_whiten(X):
    raise NotImplementedError("your code here")


check_whiten(my_whiten)


# %% [markdown]
# ### Exercise 2 · The log-likelihood ratio
#
# The function below computes the log-likelihood ratio from the densities themselves. Run the
# check, then rewrite it in the log domain.

# %% tags=["exercise"]
def my_log_likelihood_ratio(X, foreground, background):
    p_fg = np.exp(foreground.weighted_log_density(X)).sum(axis=1)
    p_bg = np.exp(background.weighted_log_density(X)).sum(axis=1)
    return np.log(p_fg / p_bg)


check_log_likelihood_ratio(my_log_likelihood_ratio)

# %% [markdown]
# ### Exercise 3 · Other boxes
#
# Move the boxes (or add a second foreground box on the face) and watch the foreground share
# change. Which pixels are hardest to classify, and why?
#
# ### Exercise 4 · Which K?
#
# Fit the segmentation with K = 3, 5 and 8 and compare the mean-colour images and the BIC
# (`seg.result.mixture.bic(pixels)`). Which K would you pick?
#
# ## Summary
#
# - Painless EM with full covariances fits RGB pixels directly; max-posterior labels give a
#   segmentation and the component means a compressed, mean-colour version of the image.
# - Whitening puts the three channels on one scale before K-means and the guard; on pixels it
#   mostly changes the start, on features of very different scales it decides the result.
# - Two mixtures, one per region, and the sign of log p_fg(x) - log p_bg(x) make a simple,
#   fast colour classifier; working with log-densities keeps it finite for every pixel.
#
# ## Quiz
#
# Set `response=` to the number of an option and run the cell; `response="?"` shows the answer.

# %% tags=["quiz", "nbval-check-output"]
ask("A pixel x is labelled foreground when log p_fg(x) - log p_bg(x) is",
    ["greater than 0", "less than 0", "greater than 0.5"],
    response=None,
    answer=1, why={2: "That is where the background model explains the pixel better.",
                   3: "0.5 would be a threshold on a probability; this is a log-ratio of densities."},
    explain="The log-ratio is positive exactly when p_fg(x) > p_bg(x): the pixel is better explained "
            "by the foreground model (equal priors for the two regions).")

# %% tags=["quiz", "nbval-check-output"]
ask("In the K = 5 segmentation, one component has mean (0, 0, 0) and no correlation between "
    "channels. Why?",
    ["EM failed on that component",
     "the black backdrop is a constant patch: its covariance was singular and the guard replaced "
     "it by a diagonal one",
     "whitening removed its correlations"],
    response=None,
    answer=2, why={1: "The run converged; one covariance was repaired, as the guard events say.",
                   3: "Whitening rescales each channel; it cannot zero a correlation, and the result "
                      "is mapped back."},
    explain="Identical pixels have a zero covariance (RCOND 0): the covariance guard of notebook 03 "
            "swaps in a small diagonal covariance, hence correlations of exactly 0.")

# %% tags=["quiz", "nbval-check-output"]
ask("On which data does whitening change the fit the most?",
    ["RGB pixels, whose channels share one unit",
     "features measured on scales as different as 1 and 1e6",
     "it never changes the fit"],
    response=None,
    answer=2, why={1: "Pixel channels share a unit and similar spreads: whitening mostly moves the "
                      "K-means start.",
                   3: "Without whitening, notebook 03's guard cannot tell honest units from a collapse."},
    explain="With scales 1 and 1e6 a covariance has RCOND about 1e-12, so the guard fires on honest "
            "data and K-means distances see only the large feature; whitening puts both on one scale.")
