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
# # 05 · Segmenting the cameraman with histogram EM
#
# Dark coat, grey grass, bright sky: three bumps in the intensity histogram. A Gaussian mixture
# fitted to it says which bump each pixel belongs to.

# %% [markdown] slideshow={"slide_type": "notes"}
# A grayscale image is a pile of intensities between 0 and 255. If the dark coat, the grey grass
# and the bright sky each make a bump in the histogram, a Gaussian mixture fitted to the
# intensities can say which bump every pixel belongs to. This notebook segments the cameraman
# that way, step by step: an equal-range start, EM on the histogram, a lookup table.
#
# **Image credit.** `skimage.data.camera()`. Since scikit-image 0.18 this is a re-shoot of the
# classic scene by Lav Varshney, released under CC0 (public domain), not the image of the
# original papers; its numbers differ slightly from those printed in older texts.

# %% [markdown] slideshow={"slide_type": "subslide"}
# **Learning goals**
#
# - start EM from $K$ equal slices of [0, 255];
# - an M-step with counts;
# - segment with a 256-entry lookup table;
# - compare with Otsu's thresholds;
# - histogram EM is per-pixel EM, for far less work.

# %% [markdown] slideshow={"slide_type": "notes"}
# By the end you should be able to start EM from $K$ equal slices of [0, 255] and follow it
# iteration by iteration; write the M-step with counts, where each intensity level stands for
# all the pixels that have it; turn a fitted mixture into a segmentation with a 256-entry
# lookup table (the maximum posterior); compare the decision thresholds with Otsu's and
# explain why they differ; and check with numbers that EM on the 256-level histogram *is* EM
# on all the pixels, and count what that saves.

# %% [markdown] slideshow={"slide_type": "subslide"}
# **Notation**
#
# - levels $x_i$, with counts $c_i$;
# - components $k = 1 \dots K$: weights $\pi_k$, means $\mu_k$, variances $\sigma_k^2$;
# - responsibilities $r_{ik}$, and $N_k = \sum_i c_i\, r_{ik}$.

# %% [markdown] slideshow={"slide_type": "notes"}
# The notation is the same in every notebook. The count $c_i$ is the number of pixels at
# intensity level $x_i$. The code counts components from 0, as Python does: "component 0" is
# the first.

# %% slideshow={"slide_type": "skip"} tags=["nbval-check-output"]
# %matplotlib inline
import io
import time

import matplotlib.pyplot as plt
import numpy as np
import PIL.Image
from IPython.display import Image, display
from skimage import data
from skimage.filters import threshold_multiotsu, threshold_otsu

import gmmlib
from gmmlib import histogram_em, painless_em, plotting, segment_gray
from gmmlib.exercises import check_em_loop, check_histogram, check_threshold
from gmmlib.quiz import ask
from gmmlib.views import SegmentationView
from gmmlib.views_base import encode_small_png

plt.rcParams.update(plotting.STYLE)
np.set_printoptions(precision=2, suppress=True)
img = data.camera()
levels, counts = gmmlib.intensity_histogram(img)  # x_i = 0..255 and c_i
BINS = np.arange(257) - 0.5  # one bar per intensity level


def show(fig, photo=False):
    """Display a figure as a compact picture and close it: JPEG if it holds a photograph (a
    PNG of a photo is several times larger), else a PNG of at most 255 colours (sharp lines)."""
    fig.canvas.draw()
    rgba = np.asarray(fig.canvas.buffer_rgba())
    plt.close(fig)
    if photo:
        buf = io.BytesIO()
        PIL.Image.fromarray(rgba[..., :3]).save(buf, format="jpeg", quality=85)
        display(Image(data=buf.getvalue(), format="jpeg"))
    else:
        display(Image(data=encode_small_png(rgba), format="png"))


# Which image the numbers below come from (a different camera() would change all of them).
print(f"skimage.data.camera(): {img.shape[0]} x {img.shape[1]} {img.dtype}, {img.size:,} pixels, "
      f"mean level {img.mean():.1f}; tallest histogram bar at level {int(np.argmax(counts))}")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## The image and its histogram
#
# Divided by the number of pixels, the histogram gives the probability of each intensity: all
# that EM will look at.

# %% slideshow={"slide_type": "-"}
fig, (ax_img, ax_hist) = plt.subplots(1, 2, figsize=(10, 3.6), width_ratios=[1, 1.8])
plotting.segmented_image(ax_img, img, title="cameraman (CC0, L. Varshney)")
plotting.histogram_1d(ax_hist, levels, counts, bins=BINS, label="histogram")
ax_hist.set(title="normalised intensity histogram", xlabel="intensity",
            ylabel="fraction of pixels")
show(fig, photo=True)

# %% [markdown] slideshow={"slide_type": "notes"}
# Divided by the number of pixels $\sum_i c_i$, the histogram is the probability of each
# intensity: $c_i / \sum_j c_j$ is the fraction of pixels at level $x_i$. EM will never look at
# where a pixel sits in the image, only at this histogram. The narrow, tall peak on the left
# is the coat; the grass and the sky make the wide, lower hills on the right.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Step 1 · The equal-range start
#
# With $K = 2$: one Gaussian fitted to the pixels in [0, 127], one to those in [128, 255].
# Plain EM, `prior=0`.

# %% slideshow={"slide_type": "skip"}
def parameter_table(mixture):
    """One line per component, dark to bright: weight, mean and standard deviation."""
    for k in np.argsort(mixture.means[:, 0]):
        print(f"  component {k}: weight {mixture.weights[k]:.3f}, mean {mixture.means[k, 0]:5.1f}, "
              f"std {np.sqrt(mixture.covariances[k, 0, 0]):4.1f}")


def mixture_on_histogram(ax, mixtures, styles, title):
    """The histogram with each given mixture's weighted components drawn on it."""
    plotting.histogram_1d(ax, levels, counts, bins=BINS, label="histogram")
    for mixture, style, prefix in zip(mixtures, styles, ("start: ", "", "")):
        plotting.mixture_curves_1d(ax, mixture, levels, linestyle=style, label_prefix=prefix, total=False)
    ax.set(title=title, xlabel="intensity", ylabel="density")
    ax.legend(loc="upper center")


# %% slideshow={"slide_type": "-"} tags=["nbval-check-output"]
run2 = histogram_em(img, 2, prior=0)
start = run2.history.mixture(0)
print("start (iteration 0):")
parameter_table(start)

# %% [markdown] slideshow={"slide_type": "notes"}
# The two halves of the intensity range each get one Gaussian, with the mean, the variance
# and the fraction of the pixels of that half: that is the starting mixture, iteration 0.
#
# We run plain maximum-likelihood EM, `prior=0`, the algorithm of the formulas of Step 2. By
# default `histogram_em` adds a small ridge to each variance, `prior=1e-6`, which stops a
# component from shrinking onto a single level (notebook 03). On the cameraman it changes none
# of the thresholds, as the section on thresholds checks.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The start on the histogram

# %% slideshow={"slide_type": "-"}
fig, ax = plt.subplots(figsize=(9, 3.6))
mixture_on_histogram(ax, [start], ["--"], "K = 2: the equal-range start")
show(fig)

# %% [markdown] slideshow={"slide_type": "notes"}
# Each dashed curve is a starting Gaussian multiplied by its weight, so the two add up to the
# starting mixture's density. The dark one is far wider and lower than the coat's peak: the
# half [0, 127] also holds a spike near level 5 and a long, thin tail up to 127, and both
# widen the Gaussian fitted to it.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Step 2 · One EM iteration, with counts
#
# **E-step**, for each of the 256 levels:
# $\displaystyle r_{ik} = \frac{\pi_k\, \mathcal N(x_i \mid \mu_k, \sigma_k^2)}{\sum_j \pi_j\, \mathcal N(x_i \mid \mu_j, \sigma_j^2)}$.
#
# **M-step**, level $x_i$ counting $c_i$ times:
#
# $$N_k = \sum_i c_i\, r_{ik}, \qquad \pi_k = \frac{N_k}{\sum_i c_i}, \qquad
#   \mu_k = \frac{1}{N_k}\sum_i c_i\, r_{ik}\, x_i, \qquad
#   \sigma_k^2 = \frac{1}{N_k}\sum_i c_i\, r_{ik}\,(x_i - \mu_k)^2 .$$

# %% [markdown] slideshow={"slide_type": "notes"}
# The E-step gives, for each of the 256 levels, the posterior probability of each Gaussian,
# the responsibility $r_{ik}$. In the M-step, level $x_i$ stands for $c_i$ pixels, so every
# sum over pixels becomes a sum over levels in which level $i$ counts $c_i$ times: that is all
# that changes from the EM of notebooks 01 and 04.
#
# The log-likelihood that EM raises is $\log L = \sum_i c_i \log p(x_i)$, with
# $p(x) = \sum_k \pi_k\, \mathcal N(x \mid \mu_k, \sigma_k^2)$.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The iteration by hand
#
# In numpy, from the start of Step 1:

# %% slideshow={"slide_type": "-"}
w, mu, var = start.weights, start.means[:, 0], start.covariances[:, 0, 0]
a = np.log(w) - 0.5 * np.log(2 * np.pi * var) - 0.5 * (levels[:, None] - mu) ** 2 / var
r = np.exp(a - a.max(axis=1, keepdims=True))    # E-step, in the log domain
r /= r.sum(axis=1, keepdims=True)               # r_ik: each row sums to 1
Nk = counts @ r                                 # N_k = sum_i c_i r_ik
w1, mu1 = Nk / counts.sum(), (counts * levels) @ r / Nk
var1 = (counts[:, None] * r * (levels[:, None] - mu1) ** 2).sum(axis=0) / Nk

# %% [markdown] slideshow={"slide_type": "notes"}
# The E-step stays in the log domain: $\log \pi_k + \log \mathcal N(x_i \mid \mu_k, \sigma_k^2)$
# is computed for every level and component, and the largest value of each row is subtracted
# before the exponential, so that narrow components far from a level do not underflow to 0.
# The M-step is the three formulas above, with the counts as weights.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Checked against `histogram_em`
#
# The result, beside `histogram_em`'s own iteration 1:

# %% slideshow={"slide_type": "-"} tags=["nbval-check-output"]
one = run2.history.mixture(1)
print("iteration 1, by hand:")
for k in np.argsort(mu1):
    print(f"  component {k}: weight {w1[k]:.3f}, mean {mu1[k]:5.1f}, "
          f"std {np.sqrt(var1[k]):4.1f}")
mine = np.r_[w1, mu1, var1]
theirs = np.r_[one.weights, one.means[:, 0], one.covariances[:, 0, 0]]
print("the same as histogram_em's iteration 1 (to 1e-9):", np.allclose(mine, theirs, rtol=1e-9))

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Start and iteration 1
#
# The dark Gaussian heads for the coat's peak:

# %% slideshow={"slide_type": "-"}
fig, ax = plt.subplots(figsize=(9, 3.6))
mixture_on_histogram(ax, [start, one], ["--", "-"], "K = 2: start (dashed) and iteration 1")
show(fig)

# %% [markdown] slideshow={"slide_type": "notes"}
# After one iteration the dark Gaussian's mean moved from 38.8 to 32.4 and its standard
# deviation shrank from 32.5 to 24.6: it is moving towards the coat's narrow peak (the tallest
# bar, at level 27) but is not on it yet. The bright one widened a little over the grass and
# the sky.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Step 3 · Until EM stops
#
# No iteration lowers $\log L$. `histogram_em` stops after the first one that raises it by less
# than `tol` = $10^{-4}$ per pixel.

# %% [markdown] slideshow={"slide_type": "notes"}
# No EM iteration can lower $\log L$ (notebook 02), so the gains are never negative. With
# `tol` = $10^{-4}$ per pixel, EM stops once the pixels' likelihoods grow by less than 0.01 %
# in an iteration. The rule is per pixel so that it is the same whether the intensities run
# from 0 to 255 or from 0 to 1: a change of units shifts $\log L$, not its gains.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Every iteration, and $\log L$

# %% slideshow={"slide_type": "-"}
fig, (ax, ax_ll) = plt.subplots(1, 2, figsize=(10, 3.3), width_ratios=[3, 2])
plotting.histogram_1d(ax, levels, counts, bins=BINS)
T = len(run2.history)
for t in range(T):
    for k, p in enumerate(plotting.component_pdfs(run2.history.mixture(t), levels)):
        ax.plot(levels, p, color=plotting.colour(k), alpha=0.25 + 0.75 * t / (T - 1),
                linestyle="--" if t == 0 else "-")
ax.set(title=f"K = 2, iterations 0 to {T - 1} (darker = later)",
       xlabel="intensity", ylabel="density")
plotting.log_likelihood_curve(ax_ll, run2.history.log_likelihood)
show(fig)

# %% [markdown] slideshow={"slide_type": "notes"}
# Left, every iteration of the $K = 2$ run, faint for the early ones and dark for the late
# ones: the dark Gaussian narrows onto the coat's peak. Right, $\log L$ after each iteration:
# it climbs fast at first, then flattens.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Gains and the threshold
#
# Each iteration's gain against $10^{-4}$ times the number of pixels:

# %% slideshow={"slide_type": "-"} tags=["nbval-check-output"]
L = np.array(run2.history.log_likelihood)
print("iteration      log L     gain   threshold")
for t in range(T):
    gain = f"{L[t] - L[t - 1]:8,.0f} {1e-4 * img.size:8,.0f}" if t else ""
    print(f"{t:9d} {L[t]:12,.0f} {gain}")
print(run2.stop_reason)

# %% [markdown] slideshow={"slide_type": "notes"}
# At iteration 8 the gain, 9, falls below the threshold, 26, and EM stops. "Converged"
# means exactly this: the gains became small, not that the maximum was reached.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### "Converged" is not "exact"
#
# Running longer still moves the answer a little:

# %% slideshow={"slide_type": "-"} tags=["nbval-check-output"]
for tol in (1e-4, 1e-10):
    run = histogram_em(img, 2, prior=0, tol=tol, max_iter=1000)
    dark = np.argmin(run.mixture.means[:, 0])
    mean, std = run.mixture.means[dark, 0], np.sqrt(run.mixture.covariances[dark, 0, 0])
    print(f"tol={tol:.0e}: {run.n_iter:2d} iterations, log L {run.log_likelihood:12,.0f}, "
          f"dark Gaussian: mean {mean:.1f}, std {std:.1f}")

# %% [markdown] slideshow={"slide_type": "notes"}
# With a million times smaller `tol`, EM runs 19 iterations and the dark Gaussian moves from
# mean 25.6, std 12.7 to mean 25.5, std 12.6: on the coat's peak either way. Here the default
# stop is good enough; exercise 3 meets a case where it is not.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Step 4 · The segmented image
#
# Each level $x$ goes to the component with the largest $\pi_k\, \mathcal N(x \mid \mu_k, \sigma_k^2)$:
# a 256-entry lookup table, applied to every pixel at once.

# %% [markdown] slideshow={"slide_type": "notes"}
# The component with the largest $\pi_k\, \mathcal N(x \mid \mu_k, \sigma_k^2)$ is the one with
# the largest posterior probability at level $x$ (the denominator of $r_{ik}$ is the same for
# every $k$). There are only 256 levels, so the decision is made once per level and stored in
# a lookup table; indexing the table with the image labels every pixel at once. Below, each
# pixel is painted with the mean intensity of its component.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### $K = 2$, each pixel painted with its component's mean

# %% slideshow={"slide_type": "-"}
seg2 = segment_gray(img, 2, prior=0)
means = np.sort(seg2.result.mixture.means.ravel())
fig, axes = plt.subplots(1, 2, figsize=(7.5, 3.6))
plotting.segmented_image(axes[0], img, title="original")
plotting.segmented_image(axes[1], means[seg2.labels], title="K = 2, painted with the means")
show(fig, photo=True)

# %% [markdown] slideshow={"slide_type": "notes"}
# Two grey levels remain: the dark one takes the coat, the hair and most of the camera and the
# tripod; the grass, the sky, the buildings and most of the face go to the bright one. Only
# intensities count, never neighbours: the face lands with the sky because its pixels are as
# light, not because of where they are.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## $K$ from 2 to 5
#
# The same recipe with more components: each column shows the fitted Gaussians on the
# histogram and the image painted with their means.

# %% slideshow={"slide_type": "skip"}
def fits_and_segmentations(segs):
    """One column per K: the fitted Gaussians on the histogram, and the image painted with
    the means of the components."""
    fig, axes = plt.subplots(2, len(segs), figsize=(10, 5), height_ratios=[1, 1.15], sharey="row")
    for (K, seg), ax_h, ax_i in zip(segs.items(), axes[0], axes[1]):
        mixture = seg.result.mixture
        plotting.histogram_1d(ax_h, levels, counts, bins=BINS)
        plotting.mixture_curves_1d(ax_h, mixture, levels, total=False)
        ax_h.set(title=f"K = {K}", xlabel="intensity", xticks=[0, 128, 255])
        ax_h.tick_params(axis="y", labelleft=False)
        plotting.segmented_image(ax_i, np.sort(mixture.means.ravel())[seg.labels], title="")
    axes[0, 0].set_ylabel("density")
    return fig


# %% slideshow={"slide_type": "subslide"}
segs = {K: segment_gray(img, K, prior=0) for K in range(2, 6)}
show(fits_and_segmentations(segs))

# %% [markdown] slideshow={"slide_type": "notes"}
# Each added component paints one more grey level. The coat's narrow peak keeps its own
# Gaussian for every $K$; the new components go to the bright side, where they pick out the
# grass and the sky peaks. From $K = 4$ on, one component is very wide and low: it takes the
# levels between the peaks, under the narrow components.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Decision thresholds versus Otsu
#
# A threshold is where the most probable component changes. Otsu's method maximises the
# between-class variance of the classes it makes.

# %% slideshow={"slide_type": "-"} tags=["nbval-check-output"]
print("K  EM thresholds (how many)          Otsu            EM with prior=1e-6")
otsu = {K: threshold_multiotsu(img, classes=K).tolist() for K in (3, 4)}
otsu.update({2: [int(threshold_otsu(img))], 5: "-"})  # K = 5: the search would take seconds
for K, seg in segs.items():
    same = np.array_equal(seg.thresholds, segment_gray(img, K).thresholds)
    em = f"{seg.thresholds.tolist()} ({len(seg.thresholds)})"
    print(f"{K}  {em:<33} {otsu[K]!s:<15} {'the same' if same else 'different'}")
t_otsu = int(threshold_otsu(img))
dark, bright = img[img <= t_otsu].mean(), img[img > t_otsu].mean()
print(f"Otsu's two classes: mean {dark:.1f} and {bright:.1f}, "
      f"halfway between them {(dark + bright) / 2:.1f}")

# %% [markdown] slideshow={"slide_type": "notes"}
# Walking along the levels 0..255, a threshold is a level where the most probable component
# changes; `segment_gray(...).thresholds` lists them. Otsu's method (Otsu 1979) picks the
# threshold that maximises the between-class variance of the two classes it makes, and
# multi-Otsu does the same for $K$ classes. $K = 5$ is left out for Otsu: its exhaustive search
# takes seconds. The last column refits with the default ridge, `prior=1e-6`, and compares the
# thresholds with those of plain EM.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### $K = 2$: where EM and Otsu cut

# %% slideshow={"slide_type": "-"}
t_em = int(segs[2].thresholds[0])
fig, ax = plt.subplots(figsize=(10, 3.6))
plotting.histogram_1d(ax, levels, counts, bins=BINS, label="histogram")
plotting.mixture_curves_1d(ax, segs[2].result.mixture, levels, total=False)
ax.axvline(t_em, color=plotting.MARKER_COLOUR, linewidth=2, label=f"EM threshold {t_em}")
ax.axvline(t_otsu, color="k", linestyle=":", linewidth=2, label=f"Otsu threshold {t_otsu}")
ax.set(title="K = 2: where the two methods cut", xlabel="intensity", ylabel="density")
ax.legend(loc="center left", bbox_to_anchor=(1, 0.5))
show(fig)

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Why EM cuts darker
#
# Otsu cuts halfway between its classes' means, blind to their widths. A wide Gaussian keeps a
# high density far from its mean, so it wins levels close to the dark peak.

# %% [markdown] slideshow={"slide_type": "notes"}
# EM cuts at 66, Otsu at 102. Otsu's cut lies, to within a level, halfway between the means
# of its two classes (29.9 and 175.9): it is the cut of two-means clustering, blind to how
# wide or how heavy each class is. EM knows the dark class is a narrow, tall peak and the
# bright class a wide one; a wide Gaussian keeps a higher density far from its mean, so it
# wins intensities much closer to the dark peak. Which cut is "right" depends on what you
# want; EM's follows from a model you can inspect.
#
# With $K = 5$, EM gives 6 thresholds for five components: a narrow component can win a short
# interval in the middle of a wide one, so the wide one owns intensities on both sides of it.
# Otsu's thresholds can never do that.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Histogram EM is per-pixel EM
#
# Any sum over the pixels $y_n$ groups into a sum over levels:
# $\sum_n f(y_n) = \sum_i c_i\, f(x_i)$. So both fits must agree, iteration by iteration.

# %% [markdown] slideshow={"slide_type": "notes"}
# The histogram is the data with repetitions counted, so the formulas of Step 2 are per-pixel
# EM's formulas with equal terms grouped, and the two fits must agree iteration by iteration,
# up to rounding. The next table sets per-pixel EM (`painless_em` on all the pixels, from the
# same start, also with `prior=0`) beside histogram EM.

# %% slideshow={"slide_type": "skip"}
histogram_runs = {K: segs[K].result for K in range(2, 6)}
pixel_runs = {K: painless_em(img.ravel(), K, init="equal-range", init_range=(0, 255), prior=0)
              for K in range(2, 6)}


def max_relative_difference(a, b):
    """The largest relative difference over the weights, means and variances of two mixtures."""
    return max(np.max(np.abs(x - y) / np.abs(y)) for x, y in
               ((a.weights, b.weights), (a.means, b.means), (a.covariances, b.covariances)))


# %% [markdown] slideshow={"slide_type": "subslide"}
# Histogram EM and per-pixel EM, from the same start:

# %% slideshow={"slide_type": "-"} tags=["nbval-check-output"]
print("      iterations       means, dark to bright                  agree to 1e-9")
for K in range(2, 6):
    h, p = histogram_runs[K], pixel_runs[K]
    for name, run in (("histogram", h), ("pixels   ", p)):
        row = np.sort(run.mixture.means[:, 0]).round(2)
        print(f"K={K} {name} {run.n_iter:2d}  {row}", end="")
        print("" if run is h else f"   {max_relative_difference(h.mixture, p.mixture) < 1e-9}")

# %% [markdown] slideshow={"slide_type": "notes"}
# For every $K$ the two runs take the same number of iterations and end at the same means; the
# last column says whether the largest relative difference over all the weights, means and
# variances is below $10^{-9}$, that is, whether the two differ by rounding only.

# %% [markdown] slideshow={"slide_type": "subslide"}
# **What it saves.** An iteration's cost grows with the number of points:

# %% slideshow={"slide_type": "-"} tags=["nbval-check-output"]
print(f"points per iteration: {levels.size} levels instead of {img.size:,} pixels, "
      f"{img.size // levels.size:,} times fewer")

# %% [markdown] slideshow={"slide_type": "notes"}
# Each iteration evaluates $K$ Gaussians at every point and sums over the points, so its cost
# grows with the number of points: 256 levels instead of every pixel. What stays true on every
# machine is the scaling: histogram EM costs the same for a 512 × 512 image and a
# 50-megapixel photograph, while per-pixel EM grows with the pixels. A clock shows a smaller
# ratio than the count of points; Going further, at the end, times both and says why.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Interactive: $K$ and the iteration
#
# The sliders look up the runs computed above; press Play to watch EM converge.

# %% slideshow={"slide_type": "-"}
view = SegmentationView(img, histogram_runs, K=2)
view

# %% [markdown] slideshow={"slide_type": "notes"}
# The sliders never refit: they look up the histogram runs of the previous section, one per
# $K$, with every iteration stored. Without a kernel (a static deck, a page on the web), the
# cell shows the view as it was saved.

# %% [markdown] slideshow={"slide_type": "subslide"}
# The run for $K = 3$ as an animated PNG: it plays with no kernel and no script.

# %% slideshow={"slide_type": "-"}
view.animation(K=3)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Exercises
#
# 1. The histogram · 2. The threshold · 3. Another start · 4. Six thresholds for five
#    components · 5. Your own EM on the histogram.
#
# Worked solutions: [`solutions/05_cameraman_solutions.ipynb`](solutions/05_cameraman_solutions.ipynb).

# %% [markdown] slideshow={"slide_type": "notes"}
# The coding exercises end with a checker from `gmmlib.exercises` that prints ✓ or the case
# that failed, with its inputs and a hint; a function that runs longer than 5 s is stopped.
# Stuck? The worked solutions, linked above, give the reasoning as well as the code.

# %% [markdown] slideshow={"slide_type": "skip"}
# ### Exercise 1 · The histogram (about 10 minutes)
#
# The function below computes the histogram with `np.histogram`. Run the check: on which image
# does it go wrong, and why? Fix it.

# %% slideshow={"slide_type": "skip"} tags=["exercise", "points=1", "time_limit=20s"]
def my_histogram(image):
    counts, _ = np.histogram(image, bins=256)
    return counts


check_histogram(my_histogram)


# %% [markdown] slideshow={"slide_type": "skip"}
# ### Exercise 2 · The threshold (about 15 minutes)
#
# For a two-component 1-D mixture given as arrays `weights`, `means`, `variances`, return the
# first intensity between the two means where the brighter component has the larger posterior
# $\pi_k\, \mathcal N(t \mid \mu_k, \sigma_k^2)$. Then check your function against
# `segs[2].thresholds` on the cameraman.

# %% slideshow={"slide_type": "skip"} tags=["exercise", "points=2", "time_limit=20s"]
def my_threshold(weights, means, variances):
    raise NotImplementedError("your code here")


check_threshold(my_threshold)

# %% [markdown] slideshow={"slide_type": "skip"}
# ### Exercise 3 · Another start (about 10 minutes)
#
# Run `histogram_em(img, 3, init="kmeans", prior=0)` and compare its thresholds
# (`segment_gray(img, 3, init="kmeans", prior=0)`) and log-likelihood with the equal-range
# start of `segs[3]`. Does EM always end at the same place? Try $K = 4$ and 5, and a much smaller
# `tol`.
#
# ### Exercise 4 · Six thresholds for five components (about 10 minutes)
#
# Why can EM with $K = 5$ produce six thresholds, while Otsu's $K = 5$ always gives four? Find the
# component that owns more than one interval in the $K = 5$ figure.
#
# ### Exercise 5 · Your own EM on the histogram (about 45 minutes)
#
# Assemble the whole EM loop from your own E- and M-steps, and run it on the cameraman's
# histogram: levels $x_i$ with counts $c_i$ (`levels` and `counts` above), with the formulas
# of Step 2 and $\log L = \sum_i c_i \log p(x_i)$.
#
# - `my_e_step(x, weights, means, variances)` returns `(resp, log_p)`: the responsibilities
#   $r_{ik}$, shape `(N, K)`, and $\log p(x_i)$, shape `(N,)` (stay in the log domain: the
#   narrow components of the cameraman underflow otherwise).
# - `my_m_step(x, c, resp)` returns `(weights, means, variances)` with the counts.
# - `my_em(x, c, weights, means, variances, max_iter=100, tol=1e-4)` starts from the given
#   mixture and repeats, for $t = 0, 1, 2, \dots$: an E-step, which gives $L_t$; stop if
#   $t \ge 1$ and $L_t - L_{t-1} < \mathrm{tol} \sum_i c_i$ (the gain per pixel below `tol`, the
#   rule of Step 3), or if $t$ = `max_iter`;
#   otherwise an M-step. It returns `(weights, means, variances, log_likelihoods)`, the
#   parameters $L_T$ was computed with and the list $[L_0, \dots, L_T]$.
#
# The checker tests your two steps first, then compares your loop with `gmmlib`'s plain EM
# from the same start (for the cameraman, `histogram_em`'s equal-range start). Once it passes,
# run `my_em(levels, counts, ...)` from `run2.history.mixture(0)` and compare with `run2` and
# with the table of Step 3.

# %% slideshow={"slide_type": "skip"} tags=["exercise", "points=4", "time_limit=20s"]
def my_e_step(x, weights, means, variances):
    raise NotImplementedError("your E-step here")


def my_m_step(x, c, resp):
    raise NotImplementedError("your M-step here, with the counts c_i")


def my_em(x, c, weights, means, variances, max_iter=100, tol=1e-4):
    log_likelihoods = []
    raise NotImplementedError("your loop here")
    return weights, means, variances, log_likelihoods


check_em_loop(my_em, e_step=my_e_step, m_step=my_m_step)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Summary
#
# - Equal slices start EM; EM refines the Gaussians on the histogram; a lookup table segments.
# - Counts weight every sum: $N_k = \sum_i c_i r_{ik}$.
# - "Converged": the gains became small.
# - EM cuts the cameraman at intensity 66, Otsu at 102: widths matter.

# %% [markdown] slideshow={"slide_type": "notes"}
# The recipe: $K$ equal slices of [0, 255] give the start; EM refines the Gaussians on the
# histogram; the max-posterior lookup table segments the image. Weighted EM is ordinary EM
# with every sum over points weighted by the counts: $N_k = \sum_i c_i r_{ik}$,
# $\pi_k = N_k / \sum_i c_i$, and $c_i r_{ik}$-weighted means and variances. On the histogram
# it gives the per-pixel fit, at a cost set by 256 levels. EM stops when the gains become
# small; "converged" is a statement about the gains, not about the maximum. With $K = 2$, EM
# accounts for the different widths and weights of the two classes, Otsu does not.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ## Quiz
#
# Set `response=` to the number of an option (or a number) and run the cell; `response="?"`
# shows the answer.

# %% slideshow={"slide_type": "subslide"} tags=["quiz", "nbval-check-output"]
ask("05.histogram-vs-pixels", response=None)

# %% slideshow={"slide_type": "subslide"} tags=["quiz", "nbval-check-output"]
ask("05.darker-than-otsu", response=None)

# %% slideshow={"slide_type": "subslide"} tags=["quiz", "nbval-check-output"]
ask("05.sum-of-nk", response=None)

# %% [markdown] slideshow={"slide_type": "skip"}
# ## Going further: the clock, and minimum-error thresholding
#
# Histogram EM visits 256 points per iteration instead of 262,144, about a thousand times
# fewer. A stopwatch shows a much smaller ratio. The cell below times both fits on this
# machine (times vary from machine to machine and from run to run, so the notebook quotes
# none).

# %% slideshow={"slide_type": "skip"}
for K in (2, 5):
    t0 = time.perf_counter()
    histogram_em(img, K, prior=0)
    t1 = time.perf_counter()
    painless_em(img.ravel(), K, init="equal-range", init_range=(0, 255), prior=0)
    t2 = time.perf_counter()
    print(f"K={K}: histogram EM {1e3 * (t1 - t0):6.1f} ms, per-pixel EM {1e3 * (t2 - t1):6.1f} ms "
          f"on this machine, this time")

# %% [markdown] slideshow={"slide_type": "skip"}
# With only 256 points, an iteration of histogram EM is dominated by its fixed cost: the
# Python statements of the loop, the checks of the arguments and the set-up of small arrays,
# which take the same time whatever the number of points. Per-pixel EM spends its time in
# numpy's loops over the pixels instead, which run at the speed of compiled code. So the
# measured ratio is the ratio of "fixed cost" to "fixed cost plus a quarter of a million
# pixels' worth of arithmetic", not the ratio of the points. Make the image larger and the
# per-pixel time grows in proportion, while the histogram time does not move: the count of
# points is what decides at scale.

# %% [markdown] slideshow={"slide_type": "skip"}
# ### A relative of EM's threshold: minimum-error thresholding
#
# Kittler and Illingworth (1986) also fit two Gaussians to the histogram, but choose the cut
# directly. For every candidate cut they fit one Gaussian to each side (its share $P$ of the
# pixels, its standard deviation $s$) and keep the cut with the smallest
# $J = 1 + 2 \sum_{\text{sides}} P\,(\log s - \log P)$, which is the cut under which the
# pixels, each given to the Gaussian of its own side, are most likely. There are no
# responsibilities and no iterations, only a search over the 255 cuts; but, like EM and unlike
# Otsu, the criterion weighs the widths of the classes.

# %% slideshow={"slide_type": "skip"} tags=["nbval-check-output"]
def minimum_error_cut(levels, counts):
    """Kittler and Illingworth's threshold, as the first level of the bright class."""
    x, N = levels.astype(float), counts.sum()
    J = np.full(256, np.inf)
    for t in range(1, 256):
        terms = []
        for side in (x < t, x >= t):
            n = counts[side].sum()
            mean = counts[side] @ x[side] / max(n, 1)
            s = np.sqrt(counts[side] @ (x[side] - mean) ** 2 / max(n, 1))
            terms.append(n / N * (np.log(s) - np.log(n / N)) if s > 0 else np.nan)
        if not np.isnan(terms).any():  # a side on one level (or none) has zero width: no fit
            J[t] = 1 + 2 * sum(terms)
    return int(np.argmin(J))


print(f"minimum-error cut: {minimum_error_cut(levels, counts)} (first level of the bright class); "
      f"EM's K = 2 threshold: {segs[2].thresholds[0]}")

# %% [markdown] slideshow={"slide_type": "skip"}
# On the cameraman the minimum-error cut is 66, the same as EM's: both models see a narrow
# dark class beside a wide bright one. A side that holds a single level has zero width and an
# infinitely likely "fit", the same collapse that the variance ridge guards EM against
# (notebook 03); the search skips such cuts.

# %% [markdown] slideshow={"slide_type": "skip"}
# ## References
#
# - A. P. Dempster, N. M. Laird, D. B. Rubin (1977). Maximum likelihood from incomplete data via
#   the EM algorithm. *Journal of the Royal Statistical Society B* 39(1), 1–38.
# - C. M. Bishop (2006). *Pattern Recognition and Machine Learning*, chapter 9 (mixtures of
#   Gaussians and EM). Springer.
# - N. Otsu (1979). A threshold selection method from gray-level histograms. *IEEE Transactions
#   on Systems, Man, and Cybernetics* 9(1), 62–66.
# - P.-S. Liao, T.-S. Chen, P.-C. Chung (2001). A fast algorithm for multilevel thresholding.
#   *Journal of Information Science and Engineering* 17(5), 713–727 (scikit-image's
#   `threshold_multiotsu`).
# - J. Kittler, J. Illingworth (1986). Minimum error thresholding. *Pattern Recognition*
#   19(1), 41–47 (a threshold from a mixture of two Gaussians fitted to the histogram).
# - S. van der Walt et al. (2014). scikit-image: image processing in Python. *PeerJ* 2:e453
#   (the cameraman image: `skimage.data.camera()`, photograph by Lav Varshney, CC0).
