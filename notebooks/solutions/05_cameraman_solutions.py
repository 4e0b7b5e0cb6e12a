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
# # Solutions · 05 · Segmenting the cameraman with histogram EM
#
# Worked solutions to the exercises of [05 · Segmenting the cameraman](../05_cameraman.ipynb),
# with the reasoning behind each. Try an exercise before reading its solution. The coding
# solutions end with the exercise's own checker call, and pass it. As in the notebook, every
# run here is plain maximum-likelihood EM (`prior=0`).

# %%
# %matplotlib inline
import numpy as np
from scipy.special import logsumexp
from skimage import data

import gmmlib
from gmmlib import histogram_em, segment_gray
from gmmlib.exercises import check_em_loop, check_histogram, check_threshold

np.set_printoptions(precision=2, suppress=True)
img = data.camera()
levels, counts = gmmlib.intensity_histogram(img)

# %% [markdown]
# ## Exercise 1 · The histogram
#
# `np.histogram(image, bins=256)` cuts the range *of the image*, from its smallest to its
# largest value, into 256 bins. For an image using all of 0..255 that happens to be one bin per
# level, which is why the first case passes. For a dark image with values up to 99 the 256
# bins are 0.39 levels wide, and for an image with only the levels 10 and 20 they are 0.04
# wide: the counts land in the wrong places.

# %% tags=["nbval-check-output"]
dark = np.array([[0, 50], [99, 99]], dtype=np.uint8)
_, edges = np.histogram(dark, bins=256)
print("bins of np.histogram(dark, bins=256): from", edges[0], "to", edges[-1], "in steps of", round(edges[1] - edges[0], 3))

# %% [markdown]
# Fix the range, `np.histogram(image, bins=256, range=(0, 256))` (the last bin is [255, 256)),
# or, simpler and faster for integers, count each level directly with `np.bincount`, asking for
# 256 entries even when the image has no 255.

# %% tags=["solution", "nbval-check-output"]
def my_histogram(image):
    return np.bincount(image.ravel(), minlength=256)


check_histogram(my_histogram)

# %% [markdown]
# ## Exercise 2 · The threshold
#
# A level $t$ goes to the component with the larger posterior, and the posteriors share the
# denominator $p(t)$, so we compare $\log \pi_k + \log \mathcal N(t \mid \mu_k, \sigma_k^2)$ for
# the two components (logs: the densities underflow far from a narrow component). Scan
# $t = 0 \dots 255$ and return the first level at or above the darker mean where the brighter
# component wins. It is not the midpoint of the means: a heavier or wider component pushes the
# threshold away from itself. "Brighter" means the larger mean, whatever its position in the
# arrays.

# %% tags=["solution", "nbval-check-output"]
def my_threshold(weights, means, variances):
    t = np.arange(256.0)[:, None]
    log_post = np.log(weights) - 0.5 * np.log(2 * np.pi * variances) - 0.5 * (t - means) ** 2 / variances
    bright, dark = np.argmax(means), np.argmin(means)
    wins = (log_post[:, bright] > log_post[:, dark]) & (t[:, 0] >= means[dark])
    return int(np.argmax(wins))


check_threshold(my_threshold)

# %% [markdown]
# On the cameraman the function finds the threshold that `segment_gray` reads off its lookup
# table:

# %%
seg2 = segment_gray(img, 2, prior=0)
mixture = seg2.result.mixture
print("on the cameraman:", my_threshold(mixture.weights, mixture.means[:, 0], mixture.covariances[:, 0, 0]),
      " segment_gray:", seg2.thresholds.tolist())

# %% [markdown]
# ## Exercise 3 · Another start
#
# EM climbs to the nearest maximum of the likelihood, so the start can decide where it ends.

# %%
for K in range(2, 6):
    for init in ("equal-range", "kmeans"):
        seg = segment_gray(img, K, init=init, prior=0)
        print(f"K={K} {init:11s}: log L {seg.result.log_likelihood:12,.0f}, {seg.result.n_iter:2d} iterations, "
              f"thresholds {seg.thresholds.tolist()}")

# %% [markdown]
# Two things happen. For $K = 5$ the two starts end on different maxima: the k-means start
# finds a much higher log-likelihood and other thresholds. EM guarantees a climb, not the top
# of the highest hill; that is why `painless_em` runs several k-means starts (`n_init`) and why
# it is worth trying more than one start.
#
# For $K = 2$ to $4$ the two runs give the same thresholds, but their log-likelihoods differ
# by a few units, and the reason is the stopping rule: EM stops when an iteration gains less
# than `tol` = $10^{-4}$ per point, which on 262,144 pixels is 26 units of log-likelihood (the
# table of Step 3 in the notebook). Each run stops a little short of the maximum, at its own
# distance from it. Let both go on with a much smaller `tol` and they meet at the same maximum.

# %%
for K in (2, 3):
    for init in ("equal-range", "kmeans"):
        seg = segment_gray(img, K, init=init, prior=0, tol=1e-10, max_iter=2000)
        print(f"K={K} {init:11s}, tol=1e-10: log L {seg.result.log_likelihood:12,.0f}, "
              f"{seg.result.n_iter:3d} iterations, thresholds {seg.thresholds.tolist()}")

# %% [markdown]
# So "converged" (the status both runs report) says that the gains became small, not that
# the maximum was reached; a run that matters deserves a second look with a smaller `tol`, or
# several starts.

# %% [markdown]
# ## Exercise 4 · Six thresholds for five components
#
# Otsu's method places $K - 1$ cuts along the intensity axis, so each class is one interval by
# construction. EM's labels come from comparing posteriors, and nothing forces each component to
# win a single interval: a narrow component wins only near its mean, and a wide one can win on
# both sides of it. Listing the intervals of each component of the $K = 5$ fit (components
# numbered dark to bright, as in the figure):

# %%
seg5 = segment_gray(img, 5, prior=0)
starts = np.r_[0, seg5.thresholds]
ends = np.r_[seg5.thresholds - 1, 255]
order = np.argsort(seg5.result.mixture.means[:, 0])
stds = np.sqrt(seg5.result.mixture.covariances[order, 0, 0])
for k in range(5):
    owned = [f"{a}-{b}" for a, b, label in zip(starts, ends, seg5.lut[starts]) if label == k]
    print(f"component {k} (std {stds[k]:5.1f}): levels {', '.join(owned)}")

# %% [markdown]
# One component owns several separate intervals: it is wider than the components whose
# intervals it surrounds, so where those narrow peaks fade it takes over again. Five components
# then need more than four cuts.
#
# ## Exercise 5 · Your own EM on the histogram
#
# The E-step is notebook 03's log-domain E-step in one dimension. It returns both the
# responsibilities and $\log p(x_i)$, because the loop needs the log-likelihood
# $L = \sum_i c_i \log p(x_i)$ of the very parameters the responsibilities came from.

# %% tags=["solution"]
def my_e_step(x, weights, means, variances):
    a = np.log(weights) - 0.5 * np.log(2 * np.pi * variances) - 0.5 * (x[:, None] - means) ** 2 / variances
    log_p = logsumexp(a, axis=1)
    return np.exp(a - log_p[:, None]), log_p


# %% [markdown]
# The M-step is notebook 01's, with every sum over points weighted by the counts: the
# products $c_i r_{ik}$ are the responsibilities of level $i$ multiplied by the number of
# pixels it stands for. The weights divide by the number of pixels $\sum_i c_i$ (which is
# $\sum_k N_k$), not by the number of levels.

# %% tags=["solution"]
def my_m_step(x, c, resp):
    cr = resp * c[:, None]                 # c_i r_ik
    Nk = cr.sum(axis=0)
    means = cr.T @ x / Nk
    variances = (cr * (x[:, None] - means) ** 2).sum(axis=0) / Nk
    return Nk / Nk.sum(), means, variances


# %% [markdown]
# The loop alternates them. Three details decide whether it matches `histogram_em`
# iteration for iteration:
#
# - $L_0$ belongs to the start, so the loop begins with an E-step;
# - the stopping test comes right after each E-step, on the gain per pixel
#   $L_t - L_{t-1} < \mathrm{tol} \sum_i c_i$ (a `tol` compared with the whole gain would mean
#   nothing when $L$ is in the millions, and one relative to $L$ would change with the units);
# - when it stops, it returns the parameters $L_T$ was computed with, without one more M-step.

# %% tags=["solution", "nbval-check-output"]
def my_em(x, c, weights, means, variances, max_iter=100, tol=1e-4):
    log_likelihoods = []
    for t in range(max_iter + 1):
        resp, log_p = my_e_step(x, weights, means, variances)
        log_likelihoods.append(float(c @ log_p))
        if t > 0 and log_likelihoods[-1] - log_likelihoods[-2] < tol * c.sum():
            break
        if t == max_iter:
            break
        weights, means, variances = my_m_step(x, c, resp)
    return weights, means, variances, log_likelihoods


check_em_loop(my_em, e_step=my_e_step, m_step=my_m_step)

# %% [markdown]
# On the cameraman, from the start of `histogram_em(img, 2, prior=0)` (the notebook's `run2`),
# the two loops agree to rounding error, iteration by iteration, stop at the same iteration
# (the same rule: a gain below `tol` per pixel) and reproduce the table of Step 3:

# %%
run2 = histogram_em(img, 2, prior=0)
start = run2.history.mixture(0)
w, mu, var, L = my_em(levels, counts, start.weights, start.means[:, 0], start.covariances[:, 0, 0])
print("iterations: mine", len(L) - 1, " histogram_em", run2.n_iter)
print("log-likelihoods agree to 1e-9:", np.allclose(L, run2.history.log_likelihood, rtol=1e-9))
print("means agree to 1e-9:", np.allclose(mu, run2.mixture.means[:, 0], rtol=1e-9))
print("log L per iteration:", [f"{value:,.0f}" for value in L])
