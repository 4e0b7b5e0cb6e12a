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
# # 05 · Segmenting the cameraman with histogram EM
#
# A grayscale image is a pile of intensities between 0 and 255. If the dark coat, the grey
# grass and the bright sky each produce a bump in the histogram, a Gaussian mixture fitted to
# the intensities can say which bump every pixel belongs to. This notebook follows the seed
# text step by step, figure by figure, on the cameraman.
#
# **Image credit.** `skimage.data.camera()`. Since scikit-image 0.18 this is a re-shoot of the
# classic scene by Lav Varshney, released under CC0 (public domain), not the MIT image of the
# original papers; the numbers below differ slightly from the ones printed in older texts.
#
# **Learning goals**
#
# - start EM the seed's way, from K equal slices of [0, 255], and follow it iteration by iteration;
# - turn a fitted mixture into a segmentation with a 256-entry lookup table (max posterior);
# - compare the decision thresholds with Otsu's and explain why they differ;
# - check with numbers that EM on the 256-level histogram *is* EM on all 262,144 pixels, at a
#   fraction of the cost.

# %%
# %matplotlib inline
import time

import matplotlib.pyplot as plt
import numpy as np
from IPython.display import HTML, display
from skimage import data
from skimage.filters import threshold_multiotsu, threshold_otsu

import gmmlib
from gmmlib import histogram_em, painless_em, plotting, segment_gray
from gmmlib.exercises import check_em_loop, check_histogram, check_threshold
from gmmlib.quiz import ask
from gmmlib.views import SegmentationView

np.set_printoptions(precision=2, suppress=True)
rng = np.random.default_rng(0)  # nothing below is random; seeded by habit
img = data.camera()
levels, counts = gmmlib.intensity_histogram(img)
BINS = np.arange(257) - 0.5  # one bar per intensity level
print(img.shape, img.dtype, f"{img.size} pixels")

# %% [markdown]
# ## The image and its histogram
#
# Normalised by the number of pixels, the histogram is the intensity's probability density:
# this is the only thing EM will look at.

# %%
fig, (ax_img, ax_hist) = plt.subplots(1, 2, figsize=(10, 3.8), gridspec_kw={"width_ratios": [1, 1.6]})
plotting.segmented_image(ax_img, img, title="cameraman (CC0, L. Varshney)")
plotting.histogram_1d(ax_hist, levels, counts, bins=BINS, label="histogram")
ax_hist.set_title("normalised intensity histogram")
ax_hist.set_xlabel("intensity")
ax_hist.set_ylabel("fraction of pixels")
plt.show()

# %% [markdown]
# ## Step 1 · The equal-range start
#
# With K = 2, fit one Gaussian to the pixels in [0, 127] and one to those in [128, 255]:
# their means, variances and pixel fractions are the starting mixture (dashed).

# %% tags=["nbval-check-output"]
run2 = histogram_em(img, 2)
start = run2.history.mixture(0)
print("weights  ", start.weights)
print("means    ", start.means.ravel())
print("std devs ", np.sqrt(start.covariances.ravel()))


# %%
def mixture_on_histogram(ax, mixtures, styles, title):
    """The histogram with each given mixture's weighted components drawn on it."""
    plotting.histogram_1d(ax, levels, counts, bins=BINS, label="histogram")
    for mixture, style, prefix in zip(mixtures, styles, ("start: ", "", "")):
        plotting.mixture_curves_1d(ax, mixture, levels, linestyle=style, label_prefix=prefix, total=False)
    ax.set_title(title)
    ax.set_xlabel("intensity")
    ax.set_ylabel("density")
    ax.legend(fontsize="small")


fig, ax = plt.subplots(figsize=(7, 3.5))
mixture_on_histogram(ax, [start], ["--"], "K = 2: the equal-range start")
plt.show()

# %% [markdown]
# ## Step 2 · One EM iteration
#
# The E-step gives every intensity level a responsibility for each Gaussian; the M-step refits
# each Gaussian to the histogram weighted by those responsibilities. After one iteration the
# dark Gaussian has moved onto the coat's narrow peak and the bright one has widened over the
# sky and the grass.

# %%
fig, ax = plt.subplots(figsize=(7, 3.5))
mixture_on_histogram(ax, [start, run2.history.mixture(1)], ["--", "-"], "K = 2: start (dashed) and iteration 1")
plt.show()

# %% [markdown]
# ## Step 3 · The evolution until convergence
#
# Each iteration can only raise the log-likelihood; EM stops when it grows by less than
# 0.01 % (relative).

# %%
fig, (ax, ax_ll) = plt.subplots(1, 2, figsize=(11, 3.5), gridspec_kw={"width_ratios": [3, 2]})
plotting.histogram_1d(ax, levels, counts, bins=BINS)
T = len(run2.history)
for t in range(T):
    pdfs = plotting.component_pdfs(run2.history.mixture(t), levels)
    for k, p in enumerate(pdfs):
        ax.plot(levels, p, color=plotting.colour(k), alpha=0.25 + 0.75 * t / (T - 1),
                linestyle="--" if t == 0 else "-")
ax.set_title(f"K = 2, iterations 0..{T - 1} (darker = later)")
ax.set_xlabel("intensity")
ax.set_ylabel("density")
plotting.log_likelihood_curve(ax_ll, run2.history.log_likelihood)
plt.show()

# %% tags=["nbval-check-output"]
print(run2)
print("log-likelihood per iteration:", np.round(run2.history.log_likelihood, 1))

# %% [markdown]
# ## Step 4 · The segmented image
#
# Each intensity gets the component with the largest posterior π_k N(x | k); since there are
# only 256 intensities this is a lookup table, applied to every pixel at once. Below, each
# pixel is painted with the mean intensity of its component.

# %%
seg2 = segment_gray(img, 2)
means = np.sort(seg2.result.mixture.means.ravel())
fig, axes = plt.subplots(1, 2, figsize=(8, 4))
plotting.segmented_image(axes[0], img, title="original")
plotting.segmented_image(axes[1], means[seg2.labels], title="K = 2, pixels painted with their mean")
plt.show()

# %% [markdown]
# ## K from 2 to 5

# %%
segs = {K: segment_gray(img, K) for K in range(2, 6)}
fig, axes = plt.subplots(2, 4, figsize=(14, 6.5), gridspec_kw={"height_ratios": [1, 1.3]})
for (K, seg), ax_h, ax_i in zip(segs.items(), axes[0], axes[1]):
    mixture = seg.result.mixture
    plotting.histogram_1d(ax_h, levels, counts, bins=BINS)
    plotting.mixture_curves_1d(ax_h, mixture, levels)
    ax_h.set_title(f"K = {K}, {seg.result.n_iter} iterations")
    ax_h.set_xlabel("intensity")
    ax_h.set_ylabel("density")
    plotting.segmented_image(ax_i, np.sort(mixture.means.ravel())[seg.labels], title=f"K = {K}")
plt.show()

# %% [markdown]
# ## Decision thresholds versus Otsu
#
# Where the most probable component changes along 0..255 is a threshold
# (`segment_gray(...).thresholds`). Otsu's method picks the threshold that maximises the
# between-class variance of the two halves; multi-Otsu does the same for K classes (K = 5 is
# left out: the exhaustive search takes seconds).

# %% tags=["nbval-check-output"]
for K, seg in segs.items():
    otsu = [int(threshold_otsu(img))] if K == 2 else (threshold_multiotsu(img, classes=K).tolist() if K < 5 else "-")
    print(f"K={K}: EM thresholds {seg.thresholds.tolist()!s:<28} Otsu {otsu}")

# %%
fig, ax = plt.subplots(figsize=(7, 3.5))
mixture = segs[2].result.mixture
plotting.histogram_1d(ax, levels, counts, bins=BINS)
plotting.mixture_curves_1d(ax, mixture, levels)
ax.axvline(segs[2].thresholds[0], color="C3", label=f"EM threshold {segs[2].thresholds[0]}")
ax.axvline(threshold_otsu(img), color="C2", linestyle=":", label=f"Otsu {threshold_otsu(img)}")
ax.set_title("K = 2: where the two methods cut")
ax.set_xlabel("intensity")
ax.set_ylabel("density")
ax.legend(fontsize="small")
plt.show()

# %% [markdown]
# The two cuts differ by about 35 levels. Otsu treats the two classes symmetrically (it is
# the best cut for two classes of *equal* spread). EM knows the dark class is a narrow, tall
# peak and the bright class a wide one: a wide Gaussian keeps a higher density far from its
# mean, so it wins intensities much closer to the dark peak. Which cut is "right" depends on
# what you want; EM's follows from a model you can inspect.
#
# With K = 5 EM gives six thresholds for five components: a narrow component can win a short
# interval in the middle of a wide one, so the wide one owns intensities on both sides of it.
# Otsu's thresholds can never do that.
#
# ## Histogram EM is per-pixel EM
#
# The histogram is the data with repetitions counted. Weighted EM on the 256 levels with the
# counts as weights performs exactly the same arithmetic as EM on the 262,144 pixels, in a
# different order, so the two fits agree to rounding error, iteration by iteration.

# %%
pixel_runs, histogram_runs = {}, {}
for K in range(2, 6):
    histogram_runs[K] = histogram_em(img, K)
    pixel_runs[K] = painless_em(img.ravel(), K, init="equal-range", init_range=(0, 255))


def max_relative_difference(a, b):
    """The largest relative difference over the weights, means and covariances of two mixtures."""
    return max(np.max(np.abs(x - y) / np.abs(y)) for x, y in
               ((a.weights, b.weights), (a.means, b.means), (a.covariances, b.covariances)))


# %% tags=["nbval-check-output"]
for K in range(2, 6):
    h, p = histogram_runs[K], pixel_runs[K]
    diff = max_relative_difference(h.mixture, p.mixture)
    print(f"K={K}: iterations {h.n_iter} (histogram) and {p.n_iter} (pixels); "
          f"parameters agree to 1e-12: {diff < 1e-12}")

# %% [markdown]
# The differences themselves (rounding, so they may vary in the last digits between machines):

# %%
for K in range(2, 6):
    print(f"K={K}: max relative parameter difference {max_relative_difference(histogram_runs[K].mixture, pixel_runs[K].mixture):.1e}")

# %% [markdown]
# And the cost. The histogram version works on at most 256 points whatever the image size;
# the pixel version on all of them (times vary from machine to machine):

# %%
def best_time(fn, repeat=3):
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


for K in (2, 5):
    t_hist = best_time(lambda: histogram_em(img, K))
    t_pix = best_time(lambda: painless_em(img.ravel(), K, init="equal-range", init_range=(0, 255)))
    print(f"K={K}: histogram EM {1e3 * t_hist:6.1f} ms, per-pixel EM {1e3 * t_pix:6.1f} ms "
          f"({t_pix / t_hist:.0f}x slower)")

# %% [markdown]
# ## Interactive: K and the iteration
#
# The view below is built from the runs computed above; the sliders only look results up,
# they never refit. Press Play to watch EM converge. (Widgets need a running kernel.)

# %%
view = SegmentationView(img, histogram_runs, K=2)
view

# %% [markdown]
# The same evolution as a stored animation, which plays without a kernel (for example in
# an HTML export). In JupyterLab an untrusted notebook shows it after the cell is re-run.

# %%
display(HTML(view.to_jshtml(K=3, max_frames=7)))

# %% [markdown]
# ## Exercises
#
# The coding exercises end with a checker from `gmmlib.exercises` that prints ✓ or the case
# that failed, with its inputs and a hint; a function that runs longer than 5 s is stopped.
# Stuck? Worked solutions, with the reasoning, are in
# [`solutions/05_cameraman_solutions.ipynb`](solutions/05_cameraman_solutions.ipynb).
#
# ### Exercise 1 · The histogram
#
# The function below computes the histogram with `np.histogram`. Run the check: on which image
# does it go wrong, and why? Fix it.

# %% tags=["exercise"]
def my_histogram(image):
    counts, _ = np.histogram(image, bins=256)
    return counts


check_histogram(my_histogram)


# %% [markdown]
# ### Exercise 2 · The threshold
#
# For a two-component 1-D mixture given as arrays `weights`, `means`, `variances`, return the
# first intensity between the two means where the brighter component has the larger posterior
# $\pi_k \mathcal N(t \mid \mu_k, \sigma_k^2)$. Then check your function against
# `segs[2].thresholds` on the cameraman.

# %% tags=["exercise"]
def my_threshold(weights, means, variances):
    raise NotImplementedError("your code here")


check_threshold(my_threshold)

# %% [markdown]
# ### Exercise 3 · Another start
#
# Run `histogram_em(img, 3, init="kmeans")` and compare its thresholds and log-likelihood with
# the equal-range start. Does EM always end at the same place?
#
# ### Exercise 4 · Six thresholds for five components
#
# Why can EM with K = 5 produce six thresholds, while Otsu's K = 5 always gives four? Find the
# component that owns more than one interval in the K = 5 figure.
#
# ### Exercise 5 · Your own EM on the histogram
#
# Assemble the whole EM loop from your own E- and M-steps, and run it on the cameraman's
# histogram: levels $x_i$ with counts $c_i$ (`levels` and `counts` above). Each level stands
# for $c_i$ pixels, so every sum over points becomes a sum over levels weighted by $c_i$:
#
# $$N_k = \sum_i c_i\, r_{ik}, \quad \pi_k = \frac{N_k}{\sum_i c_i}, \quad
#   \mu_k = \frac{1}{N_k}\sum_i c_i\, r_{ik}\, x_i, \quad
#   \sigma_k^2 = \frac{1}{N_k}\sum_i c_i\, r_{ik}\,(x_i - \mu_k)^2, \quad
#   L = \sum_i c_i \log p(x_i).$$
#
# - `my_e_step(x, weights, means, variances)` returns `(resp, log_p)`: the responsibilities
#   $r_{ik}$, shape `(N, K)`, and $\log p(x_i)$, shape `(N,)` (stay in the log domain: the
#   narrow components of the cameraman underflow otherwise).
# - `my_m_step(x, c, resp)` returns `(weights, means, variances)` with the counts.
# - `my_em(x, c, weights, means, variances, max_iter=100, tol=1e-4)` starts from the given
#   mixture and repeats, for $t = 0, 1, 2, \dots$: an E-step, which gives $L_t$; stop if
#   $t \ge 1$ and $L_t - L_{t-1} < \mathrm{tol}\,\lvert L_{t-1}\rvert$, or if $t$ = `max_iter`;
#   otherwise an M-step. It returns `(weights, means, variances, log_likelihoods)`, the
#   parameters $L_T$ was computed with and the list $[L_0, \dots, L_T]$.
#
# The checker tests your two steps first, then compares your loop with `gmmlib`'s EM from the
# same start (for the cameraman, `histogram_em`'s equal-range start). Once it passes, run
# `my_em(levels, counts, ...)` from `run2.history.mixture(0)` and compare with `run2`.

# %% tags=["exercise"]
def my_e_step(x, weights, means, variances):
    raise NotImplementedError("your E-step here")


def my_m_step(x, c, resp):
    raise NotImplementedError("your M-step here, with the counts c_i")


def my_em(x, c, weights, means, variances, max_iter=100, tol=1e-4):
    log_likelihoods = []
    raise NotImplementedError("your loop here")
    return weights, means, variances, log_likelihoods


check_em_loop(my_em, e_step=my_e_step, m_step=my_m_step)

# %% [markdown]
# ## Summary
#
# - The seed's recipe: K equal slices of [0, 255] give the start; EM refines the Gaussians on
#   the normalised histogram; the max-posterior lookup table segments the image.
# - On the cameraman with K = 2, EM cuts at intensity 67, Otsu at 102: EM accounts for the
#   different widths and weights of the two classes, Otsu does not.
# - Histogram EM and per-pixel EM give the same mixture to about 1e-14 relative, in the same
#   number of iterations, and the histogram version costs the same whatever the image size.
# - Weighted EM is ordinary EM with every sum over points weighted by the counts $c_i$.
#
# ## Quiz
#
# Set `response=` to the number of an option (or a number) and run the cell; `response="?"`
# shows the answer.

# %% tags=["quiz", "nbval-check-output"]
ask("EM on the 256-level histogram (counts as weights) and EM on all 262,144 pixels, from the "
    "same start, end at",
    ["different mixtures: the histogram loses information",
     "the same mixture, up to rounding",
     "the same mixture only for K = 2"],
    response=None,
    answer=2, why={1: "A uint8 image has only 256 values: the histogram is the data with repetitions "
                      "counted, nothing is lost.",
                   3: "Nothing in the argument depends on K: look at the K = 2..5 comparison above."},
    explain="Every sum over pixels groups into a sum over levels, each term counted c_i times: "
            "weighted EM does the same arithmetic in a different order, at a cost set by 256 "
            "levels instead of the number of pixels.")

# %% tags=["quiz", "nbval-check-output"]
ask("With K = 2, EM's threshold (67) is much darker than Otsu's (102). Why?",
    ["EM ignores the weights of the classes",
     "the bright class is a wide Gaussian, whose density stays higher far from its mean",
     "Otsu's method only looks at half of the levels"],
    response=None,
    answer=2, why={1: "The posterior pi_k N(x | mu_k, sigma_k^2) includes the weights.",
                   3: "Otsu's method scans every level for the best cut."},
    explain="The dark coat is a narrow, tall peak and the rest a wide bump; a wide Gaussian keeps a "
            "higher density far from its mean, so it wins intensities close to the dark peak. "
            "Otsu's cut treats the two classes as equally spread.")

# %% tags=["quiz", "nbval-check-output"]
ask("In the weighted M-step on the cameraman's histogram, what is the sum over k of "
    "N_k = sum_i c_i r_ik?",
    None,
    response=None,
    answer=262144,
    explain="Each level's responsibilities sum to 1, so sum_k N_k = sum_i c_i, the number of pixels: "
            "512 x 512 = 262,144. That is why pi_k = N_k / sum_i c_i.")
