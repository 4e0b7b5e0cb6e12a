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

# %% [markdown] slideshow={"slide_type": "slide"}
# # Solutions · 06 · Colour: full-covariance EM on RGB pixels
#
# Worked solutions to the exercises of [06 · Colour](../06_colour.ipynb), with the reasoning
# behind each. Try an exercise before reading its solution. The coding solutions end with the
# exercise's own checker call, and pass it.

# %% slideshow={"slide_type": "skip"} tags=["nbval-check-output"]
# %matplotlib inline
import io

import matplotlib.pyplot as plt
import numpy as np
from IPython.display import Image, display
from skimage import data

from gmmlib import painless_em, plotting, segment_colour
from gmmlib.exercises import check_log_likelihood_ratio, check_whiten

plt.rcParams.update(plotting.STYLE)
np.set_printoptions(precision=2, suppress=True)
SEED = 0
img = data.astronaut()[::4, ::4]
pixels = img.reshape(-1, 3)
print(f"image: skimage.data.astronaut() every 4th row and column, {img.shape}")


def show_jpeg(fig, quality=88):
    """Display a figure of photographs as JPEG (a tenth of the PNG's size) and close it."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="jpeg", pil_kwargs={"quality": quality})
    plt.close(fig)
    display(Image(data=buffer.getvalue(), format="jpeg"))

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Exercise 1 · Whitening
#
# Per feature (down each column, `axis=0`): subtract the mean, divide by the standard deviation
# (the population one, `np.std`'s default `ddof=0`). numpy already promotes `uint8` pixels
# minus their (float64) mean to float64, so nothing wraps around here; `uint8` arithmetic
# only wraps between two `uint8` arrays, such as a squared pixel (notebook 03). (Painless EM divides by a robust spread, the interquartile range
# divided by 1.349, so that a few extreme pixels cannot squeeze the rest together; the
# mechanics are the same.)
#
# A constant feature has standard deviation 0, and dividing by it gives NaN ($0/0$). Its
# whitened values should simply be 0: every pixel sits exactly at the mean. Keeping `std = 1`
# for that feature does this, and the returned `std` stays usable to map back,
# `X = Z * std + mean`. Returning `std = 0` (or a tiny number) would break that inverse map
# and every covariance mapped back with it.

# %% slideshow={"slide_type": "-"} tags=["solution", "nbval-check-output"]
def my_whiten(X):
    X = np.asarray(X, dtype=float)
    mean = X.mean(axis=0)
    std = X.std(axis=0)
    std = np.where(std > 0, std, 1.0)     # a constant feature: Z is 0 there, and Z * std + mean = X
    return (X - mean) / std, mean, std


check_whiten(my_whiten)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Exercise 2 · The log-likelihood ratio
#
# The given version exponentiates each component's log-density and sums. For a pixel far from
# every component of a model, that density underflows to 0.0: the ratio becomes
# $\log(p / 0) = \infty$, or $\log(0 / 0)$ = NaN when the pixel is far from both models. Stay in
# logs: each mixture's log-density is a logsumexp over its components, which
# `Mixture.log_density` computes, and the log of a ratio of densities is a difference of
# log-densities. Pure green on the notebook's two models:

# %% slideshow={"slide_type": "-"}
fg_box = (slice(23, 125), slice(40, 75))
bg_box = (slice(0, 62), slice(83, 128))
foreground = painless_em(img[fg_box].reshape(-1, 3), 4, random_state=SEED).mixture
background = painless_em(img[bg_box].reshape(-1, 3), 4, random_state=SEED).mixture
green = np.array([[0.0, 255.0, 0.0]])
log_fg, log_bg = foreground.log_density(green)[0], background.log_density(green)[0]
with np.errstate(all="ignore"):
    p_fg, p_bg = np.exp(log_fg), np.exp(log_bg)
    print(f"densities: foreground {p_fg:.3g}, background {p_bg:.3g}; "
          f"in the linear domain log(p_fg / p_bg) = {np.log(p_fg / p_bg)}")
print(f"log-densities: foreground {log_fg:.1f}, background {log_bg:.1f}; "
      f"log ratio {log_fg - log_bg:.1f}")


# %% slideshow={"slide_type": "-"} tags=["solution", "nbval-check-output"]
def my_log_likelihood_ratio(X, foreground, background):
    return foreground.log_density(X) - background.log_density(X)


check_log_likelihood_ratio(my_log_likelihood_ratio)


# %% [markdown] slideshow={"slide_type": "slide"}
# ## Exercise 3 · Other boxes
#
# The colour model only knows the colours in its boxes. Its two big mistakes in the notebook
# are the black backdrop, called foreground because the foreground box holds the dark collar
# and nothing dark is in the background box, and the white straps, called background because
# they look like the white shuttle. Give the background model a second box on the black
# backdrop, then also give the foreground a box on the face, and follow the share of
# foreground pixels in each region (every fit is checked to have converged):

# %% slideshow={"slide_type": "subslide"} tags=["nbval-check-output"]
backdrop = (slice(66, 90), slice(100, 128))
face = (slice(10, 40), slice(45, 72))


def fit_boxes(boxes):
    result = painless_em(np.vstack([img[b].reshape(-1, 3) for b in boxes]), 4, random_state=SEED)
    assert result.converged, result.stop_reason
    return result.mixture


def classify(fg_boxes, bg_boxes):
    fg, bg = fit_boxes(fg_boxes), fit_boxes(bg_boxes)
    return (fg.log_density(pixels) - bg.log_density(pixels)).reshape(img.shape[:2])


variants = {"the notebook's boxes": ([fg_box], [bg_box]),
            "+ background box on the backdrop": ([fg_box], [bg_box, backdrop]),
            "+ foreground box on the face too": ([fg_box, face], [bg_box, backdrop])}
ratios = {name: classify(*boxes) for name, boxes in variants.items()}
for name, ratio in ratios.items():
    share = {region: (ratio[box] > 0).mean() for region, box in
             (("backdrop", backdrop), ("face", face), ("suit box", fg_box))}
    print(f"{name:34s} foreground share: " + ", ".join(f"{k} {v:.2f}" for k, v in share.items()))

# %% slideshow={"slide_type": "subslide"}
fig, axes = plt.subplots(1, 3, figsize=(12, 4.4))
for ax, (name, ratio) in zip(axes, ratios.items()):
    ax.imshow(np.where(ratio[:, :, None] > 0, img, 255 - (255 - img) // 4))
    ax.imshow(np.ma.masked_where(np.abs(ratio) >= 2, np.ones(ratio.shape)), cmap="autumn", alpha=0.8,
              vmin=0, vmax=1)
    ax.set_title(name)
    ax.set_axis_off()
fig.suptitle("Foreground (ratio > 0) in colour, background faded; |ratio| < 2 in yellow")
show_jpeg(fig)

# %% [markdown] slideshow={"slide_type": "subslide"}
# A box of dark background pixels teaches the background model that dark is common there too,
# and most of the backdrop moves to the background (its foreground share falls from 0.84 to
# 0.12), at the price of some dark pixels of the face and the suit (hair, shadows), which now
# look like the backdrop; a face box wins some of them back. The hardest pixels (yellow,
# $|\log p_{fg}(x_i) - \log p_{bg}(x_i)| < 2$) are those whose colour occurs in both regions:
# dark collar and black backdrop, white straps and white shuttle, edges where two colours mix
# in one pixel. No choice of boxes separates them by colour alone; that takes information
# about *where* a pixel is (its neighbours), as GrabCut adds.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Exercise 4 · Which K?
#
# Before comparing fits, check that each one is a fit: BIC,
# $-2 \log L + p \ln N$ with $p$ free parameters, compares the maximised likelihoods of
# models, so every run must have converged honestly (status `converged`, no guard event at its
# end).

# %% slideshow={"slide_type": "-"} tags=["nbval-check-output"]
fits = {K: segment_colour(img, K, random_state=SEED) for K in (3, 5, 8)}
for K, seg in fits.items():
    result = seg.result
    print(f"K = {K}: {result.status} after {result.n_iter} iterations, {len(result.guard_events)} "
          f"guard events; BIC {result.mixture.bic(pixels):,.0f} with "
          f"{result.mixture.n_parameters} parameters")

# %% slideshow={"slide_type": "subslide"}
fig, axes = plt.subplots(1, 3, figsize=(12, 4.4))
for ax, (K, seg) in zip(axes, fits.items()):
    ax.imshow(seg.mean_colour_image())
    ax.set_title(f"K = {K}")
    ax.set_axis_off()
show_jpeg(fig)

# %% [markdown] slideshow={"slide_type": "subslide"}
# All three runs converged with no guard event, so their BICs can be compared. BIC keeps
# falling as $K$ grows, so among these it picks the largest. That is a fair answer to the
# question BIC asks, which model describes the *distribution* of these 16384 colours best for
# its number of parameters: a photograph's colours are not a few Gaussian blobs, and with this
# many pixels each extra component pays for itself. It is not the question a segmentation
# asks. For regions a person would name (suit, skin, wall, shuttle, backdrop) a small $K$ reads
# best; for a faithful mean-colour compression a larger one. Pick $K$ for the use, and read
# BIC as one piece of evidence, not as the answer.
#
# And the `prior=0` run of the notebook? Its BIC beats every honest fit, even $K = 8$:

# %% slideshow={"slide_type": "-"} tags=["nbval-check-output"]
spike = painless_em(pixels, 5, prior=0.0, max_iter=20, random_state=SEED)
guarded = spike.history.guard_iterations()
print(f"K = 5, prior=0: {spike.status}, guard events in iterations {guarded}; "
      f"BIC {spike.mixture.bic(pixels):,.0f}")
print(f"guard events in {sum(t > spike.n_iter - 8 for t in guarded)} of the last 8 iterations")
colours, counts = np.unique(pixels, axis=0, return_counts=True)
print(f"the most frequent colour {colours[counts.argmax()].tolist()}: {counts.max()} identical pixels")

# %% [markdown] slideshow={"slide_type": "-"}
# Do not believe it. That run never converged (the guard acted in 7 of its last 8
# iterations), and its likelihood comes from a spike on the 1704 identical black pixels whose
# width is the variance floor: lower the floor and the BIC falls further, without limit. BIC
# inherits the unboundedness of the likelihood; it is only meaningful between honest fits,
# which is what the covariance prior gives.
