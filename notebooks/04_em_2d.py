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
# # 04 · EM in two dimensions: ellipses, covariance types, choosing K
#
# The EM of notebooks 01 and 02, with vectors and matrices: each component becomes an ellipse.

# %% [markdown] slideshow={"slide_type": "notes"}
# In two dimensions each Gaussian has a $2 \times 2$ covariance matrix $\Sigma_k$, and the
# picture of a component becomes an ellipse: its size, its elongation and its tilt are all in
# $\Sigma_k$. The EM steps are those of notebooks 01 and 02, with vectors and matrices in place
# of numbers. This notebook fits the `GMMExample_2D` data, compares the four covariance types of
# scikit-learn, chooses $K$ and the type with BIC and AIC, draws new points from the fitted
# model and checks the result against scikit-learn.

# %% [markdown] slideshow={"slide_type": "subslide"}
# **Learning goals**
#
# - read a covariance as an ellipse
# - follow EM with sliders
# - four covariance types and their costs
# - choose $K$ and the type with BIC and AIC
# - sample from a fitted mixture
# - compare with scikit-learn

# %% [markdown] slideshow={"slide_type": "notes"}
# In full, after this notebook you can:
#
# - read a covariance matrix as an ellipse (axes = eigenvectors, half-lengths $\propto \sqrt{\text{eigenvalues}}$)
#   and a mixture as density contours;
# - follow EM iteration by iteration with sliders for $K$ and the iteration;
# - say what the covariance types `full`, `diag`, `spherical` and `tied` allow, and count the
#   free parameters each costs;
# - choose $K$ and the covariance type with the Bayesian and Akaike information criteria, and
#   explain the choice as fit against parameters;
# - use the fitted mixture as a generator of new data;
# - compare with `sklearn.mixture.GaussianMixture`, allowing for the arbitrary order of components.
#
# **Notation** (as in every notebook): points $x_i \in \mathbb{R}^d$ ($d = 2$ here), weights
# $\pi_k$, means $\mu_k$, covariances $\Sigma_k$, responsibilities $r_{ik}$, $N$ points.

# %% slideshow={"slide_type": "skip"}
# %matplotlib inline
import textwrap
import warnings
from collections import Counter

import matplotlib.pyplot as plt
import numpy as np
from IPython.display import Image, display
from scipy.optimize import linear_sum_assignment
from sklearn.exceptions import ConvergenceWarning
from sklearn.mixture import GaussianMixture

from gmmlib import painless_em, plotting
from gmmlib.datasets import gmm_example_2d, tilted_clusters
from gmmlib.exercises import check_bic, check_n_parameters, check_n_parameters_by_type
from gmmlib.quiz import ask
from gmmlib.views import EMView
from gmmlib.views_base import encode_small_png

plt.rcParams.update(plotting.STYLE)  # 12 pt text, constrained layout, colour-blind-safe colours
np.set_printoptions(precision=3, suppress=True)
X, true_labels = gmm_example_2d(random_state=0)  # seeded: the same 300 points on every machine
TYPES = ["full", "diag", "spherical", "tied"]


def show(fig):
    """Display a figure as a 255-colour PNG and close it: the same to the eye as plt.show(),
    about three times smaller, so the stored notebook stays quick to open."""
    fig.canvas.draw()
    display(Image(data=encode_small_png(np.asarray(fig.canvas.buffer_rgba()))))
    plt.close(fig)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## The data
#
# 200 points around $\mu_1 = (1, 2)$ with $\Sigma_1 = \begin{pmatrix} 3 & 0.2 \\ 0.2 & 2 \end{pmatrix}$
# and 100 around $\mu_2 = (-1, -2)$ with $\Sigma_2 = \mathrm{diag}(2, 1)$. The two clouds
# overlap: some points could belong to either.

# %% [markdown] slideshow={"slide_type": "notes"}
# This is `GMMExample_2D`, the two-dimensional data set of the Matlab EM demos, regenerated from
# its stated parameters with a fixed seed. Two thirds of the points come from the first cloud,
# so the true weights are $2/3$ and $1/3$. Where the clouds overlap, no method can say for sure
# which cloud a point came from; EM will give such points a responsibility for each component.

# %% [markdown] slideshow={"slide_type": "subslide"}
# EM sees only the left picture.

# %% slideshow={"slide_type": "-"}
fig, axes = plt.subplots(1, 2, figsize=(9, 3.7), sharex=True, sharey=True)
plotting.scatter_2d(axes[0], X)
axes[0].set(title="what EM sees", xlabel="$x_1$", ylabel="$x_2$")
plotting.scatter_2d(axes[1], X, labels=true_labels)
axes[1].set(title="the hidden labels", xlabel="$x_1$")
show(fig)

# %% [markdown] slideshow={"slide_type": "notes"}
# The right panel colours each point by the cloud it was drawn from. Those labels are hidden
# variables: EM receives only the coordinates (left) and has to recover the clouds, their
# weights, means and covariances from them.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Fit every K from 1 to 6, once
#
# One `painless_em` run per $K$; everything below reuses them.

# %% slideshow={"slide_type": "-"} tags=["nbval-check-output"]
results = {K: painless_em(X, K, random_state=0) for K in range(1, 7)}
print(" K  iterations  status     log L")
for K, run in results.items():
    print(f"{K:2d}  {run.n_iter:10d}  {run.status:9s}  {run.log_likelihood:7.1f}")
print(textwrap.fill("K = 2 stopped because: " + results[2].stop_reason, 88))

# %% [markdown] slideshow={"slide_type": "notes"}
# Each run uses full covariances, the default. Everything below (the pictures, the sliders, the
# information criteria) reads these six runs; nothing is refitted later. Every run converged:
# its last iteration raised the objective by less than `tol` per point with no guard event.
# $K = 2$ took 15 iterations. The log-likelihood keeps rising with $K$, which is why it cannot
# choose $K$ by itself (see the section on BIC and AIC).

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Ellipses and contours
#
# The $2\sigma$ ellipse $(x - \mu_k)^\top \Sigma_k^{-1} (x - \mu_k) = 2^2$: axes along the
# eigenvectors of $\Sigma_k$, half-lengths $2\sqrt{\lambda}$.

# %% slideshow={"slide_type": "-"} tags=["nbval-check-output"]
fit = results[2].mixture
for k in range(2):
    eigvals = np.linalg.eigvalsh(fit.covariances[k])
    width, height, angle = plotting.ellipse_geometry(fit.covariances[k])
    print(f"component {k}: mean {fit.means[k]}, eigenvalues {eigvals}, "
          f"ellipse {width:.2f} x {height:.2f} at {angle:.0f} degrees")

# %% [markdown] slideshow={"slide_type": "notes"}
# For component $k$ the ellipse is the set of points at two "standard deviations" from $\mu_k$,
# measured with $\Sigma_k$ (the Mahalanobis distance). Its axes point along the eigenvectors of
# $\Sigma_k$ and its half-lengths are $2\sqrt{\lambda}$ for the eigenvalues $\lambda$, so the
# printed width and height are $4\sqrt{\lambda}$. A large eigenvalue means a long axis; an angle
# near 0 means the ellipse is nearly aligned with the $x_1$ axis, as the data's clouds are.

# %% [markdown] slideshow={"slide_type": "subslide"}
# $K = 2$: points coloured by their most probable component, $2\sigma$ ellipses, contours of $\log p(x)$.

# %% slideshow={"slide_type": "-"}
xx, yy, _ = plotting.grid_2d(X)
fig, ax = plt.subplots(figsize=(7.5, 3.9))
plotting.scatter_2d(ax, X, labels=fit.predict(X))
plotting.covariance_ellipses(ax, fit)
contours = plotting.density_contours(ax, fit, xx, yy)
fig.colorbar(contours, ax=ax, label="$\\log p(x)$")
ax.set(title="K = 2 after EM", xlabel="$x_1$", ylabel="$x_2$", aspect="equal")
show(fig)

# %% [markdown] slideshow={"slide_type": "notes"}
# Two pictures of the same fit. The ellipses show each component on its own; the contours show
# the mixture $p(x) = \sum_k \pi_k \, \mathcal{N}(x; \mu_k, \Sigma_k)$, whose level lines bend
# where the two components meet. The colours are a hard assignment (the largest
# responsibility); points near the boundary have responsibilities close to one half for both.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Every iteration, every K
#
# Move **iteration** to watch the ellipses settle, **K** to switch runs (▶ plays); right: the
# run's log-likelihood. Without a running kernel the view shows its picture as saved.

# %% slideshow={"slide_type": "-"}
view = EMView(X, results, K=2, figsize=(8.75, 3.3))  # lower, so the slide fits 720 px
view

# %% [markdown] slideshow={"slide_type": "notes"}
# EM in two dimensions is the one-dimensional algorithm with vectors and matrices: the E step
# computes responsibilities from the Gaussian densities, the M step recomputes weights, means
# and covariances from them. Each run keeps its history, the mixture after every iteration, so
# the sliders can show any iteration of any $K$ without refitting.

# %% [markdown] slideshow={"slide_type": "subslide"}
# The same $K = 2$ run as a moving picture, which plays in any viewer, with or without a kernel:

# %% slideshow={"slide_type": "-"}
view.animation(K=2)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Four covariance types
#
# | type | $\Sigma_k$ | ellipse | covariance parameters |
# |---|---|---|---|
# | `full` | any | any tilt | $K\,d(d+1)/2$ |
# | `diag` | diagonal | axis-aligned | $K\,d$ |
# | `spherical` | $\sigma_k^2 I$ | circle | $K$ |
# | `tied` | one $\Sigma$ for all $k$ | shared | $d(d+1)/2$ |
#
# Every type adds $K - 1$ weights and $K d$ mean coordinates.

# %% [markdown] slideshow={"slide_type": "notes"}
# A full $\Sigma_k$ (any symmetric, positive definite matrix) can take any size, shape and tilt.
# Constraining it saves parameters, as scikit-learn's `covariance_type` (and `painless_em`'s)
# does. A diagonal $\Sigma_k$ draws an ellipse whose axes lie along $x_1$ and $x_2$; a spherical
# one, $\sigma_k^2 I$, draws a circle; tied shares one full $\Sigma$ among all components, so every
# component has the same ellipse, moved to its own mean. The last column counts the free numbers
# in the covariances. The weights add $K - 1$, not $K$, because they sum to 1.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Choosing K and the type: BIC and AIC
#
# The log-likelihood alone always asks for more parameters. Both criteria charge for them:
#
# $$\mathrm{BIC} = -2 \log L + p \log N, \qquad \mathrm{AIC} = -2 \log L + 2p .$$
#
# Lower is better.

# %% [markdown] slideshow={"slide_type": "notes"}
# The best log-likelihood can only rise with $K$ (splitting a component in two can keep the
# same density), and a full covariance always fits at least as well as a constrained one. So the
# log-likelihood alone always asks for more components and freer covariances. Both criteria add
# a price for the number of free parameters $p$. BIC charges $\log N$ per parameter
# ($\log 300 \approx 5.7$ for the 300 points of `GMMExample_2D`), AIC a flat 2: BIC is the
# harsher once $N > e^2 \approx 7.4$. The criteria choose the covariance type first on clusters
# made to tell the types apart, then $K$ and the type together on `GMMExample_2D`.

# %% [markdown] slideshow={"slide_type": "subslide"}
# **Choosing the type.** Three clusters (`tilted_clusters`): two long and turned, one round.
# $K = 3$ with each type.

# %% slideshow={"slide_type": "-"} tags=["nbval-check-output"]
X_tilted, tilted_labels = tilted_clusters(random_state=0)  # 400 points, seeded
tilted = {ctype: painless_em(X_tilted, 3, random_state=0, covariance_type=ctype) for ctype in TYPES}
print("K = 3 on tilted_clusters   p     log L       BIC   status")
for ctype, run in tilted.items():
    m = run.mixture
    print(f"{ctype:9s}                {m.n_parameters:4d}  {m.log_likelihood(X_tilted):8.1f}  "
          f"{m.bic(X_tilted):8.1f}   {run.status}")
print("lowest BIC:", min(TYPES, key=lambda c: tilted[c].mixture.bic(X_tilted)))

# %% [markdown] slideshow={"slide_type": "notes"}
# The `GMMExample_2D` clouds are nearly axis-aligned, so there the types hardly differ. To see
# what each constraint costs, take three clusters of different shapes: one long and turned 35°,
# one long and turned −50°, one round, 400 points in all. Fit $K = 3$ with each covariance type
# and compare log-likelihood, parameter count $p$ and BIC.


# %% slideshow={"slide_type": "skip"}
def draw_types(X, mixtures):
    """One panel per covariance type: the fit's points, ellipses and means."""
    fig, axes = plt.subplots(2, 2, figsize=(8.4, 5.2), sharex=True, sharey=True)
    for ax, ctype in zip(axes.flat, TYPES):
        m = mixtures[ctype]
        plotting.scatter_2d(ax, X, labels=m.predict(X))
        plotting.covariance_ellipses(ax, m)
        ax.plot(*m.means.T, "kx", markersize=9, markeredgewidth=2)
        ax.set(title=f"{ctype}: p = {m.n_parameters}, log L = {m.log_likelihood(X):.1f}", aspect="equal")
    for ax in axes[1]:
        ax.set_xlabel("$x_1$")
    for ax in axes[:, 0]:
        ax.set_ylabel("$x_2$")
    show(fig)


# %% [markdown] slideshow={"slide_type": "subslide"}
# **Only full follows every cluster.**

# %% slideshow={"slide_type": "-"}
draw_types(X_tilted, {ctype: run.mixture for ctype, run in tilted.items()})

# %% [markdown] slideshow={"slide_type": "notes"}
# Only full follows every cluster: log L = −1597.4, BIC = 3296.7. Diag can draw ellipses only
# along the axes, spherical only circles, and tied one ellipse shared by clusters turned
# opposite ways (a compromise, nearly upright). None of them covers a long tilted cluster, and
# the top component reaches down over the upper ends of both: log L = −1871.2 (diag),
# −1896.4 (spherical), −1895.0 (tied). Full's 3 to 6 extra parameters cost at most
# $6 \log 400 \approx 36$ in BIC, against a gain of more than 270 in log L: BIC chooses full.

# %% [markdown] slideshow={"slide_type": "subslide"}
# Back to `GMMExample_2D`: $K = 1, \dots, 6$ for the other three types too, 24 runs in all.

# %% slideshow={"slide_type": "-"} tags=["nbval-check-output"]
fits = {"full": results}  # the runs above; now K = 1..6 for the other three types
for ctype in TYPES[1:]:
    fits[ctype] = {K: painless_em(X, K, random_state=0, covariance_type=ctype)
                   for K in range(1, 7)}
statuses = Counter(run.status for runs in fits.values() for run in runs.values())
print("status of the 24 runs:", dict(statuses))
Ks = np.arange(1, 7)
bic = {ctype: np.array([fits[ctype][K].mixture.bic(X) for K in Ks]) for ctype in TYPES}
aic = {ctype: np.array([fits[ctype][K].mixture.aic(X) for K in Ks]) for ctype in TYPES}
print("BIC   " + "".join(f"{ctype:>11s}" for ctype in TYPES))
for i, K in enumerate(Ks):  # 0.1 is all the choice needs
    print(f"K = {K} " + "".join(f"{bic[ctype][i]:11.1f}" for ctype in TYPES))

# %% [markdown] slideshow={"slide_type": "notes"}
# The full runs are the six fitted at the start (`results`); nothing is refitted. Read the table
# down a column to choose $K$ for one type, across a row to compare the types at one $K$.

# %% [markdown] slideshow={"slide_type": "subslide"}
# The lowest BIC and AIC, per type and overall:

# %% slideshow={"slide_type": "-"} tags=["nbval-check-output"]
for name, table in (("BIC", bic), ("AIC", aic)):
    lowest = {c: int(Ks[table[c].argmin()]) for c in TYPES}
    print(f"K with the lowest {name} for each type:", lowest)
    ctype = min(TYPES, key=lambda c: table[c].min())
    print(f"lowest {name} overall: K = {Ks[table[ctype].argmin()]}, "
          f"covariance_type={ctype!r} ({table[ctype].min():.1f})")


# %% slideshow={"slide_type": "skip"}
def draw_criteria(Ks, tables):
    """BIC and AIC against K, one line per covariance type, the lowest value ringed."""
    fig, axes = plt.subplots(1, 2, figsize=(10, 3.9), sharex=True)
    markers = ["o", "s", "^", "D"]  # shapes as well as colours tell the types apart
    for ax, (name, table) in zip(axes, tables.items()):
        for i, ctype in enumerate(TYPES):
            ax.plot(Ks, table[ctype], marker=markers[i], color=plotting.colour(i), label=ctype)
        best = min(TYPES, key=lambda c: table[c].min())
        ax.plot(Ks[table[best].argmin()], table[best].min(), "o", markersize=18, markerfacecolor="none",
                markeredgecolor="k", markeredgewidth=1.5, label="lowest")
        ax.set(title=f"{name} (lower is better)", xlabel="K", ylabel=name)
    axes[1].legend(ncols=2)
    show(fig)


# %% [markdown] slideshow={"slide_type": "subslide"}
# Both criteria are lowest at two components, the number of clouds; AIC's lighter price lets
# spherical take more.

# %% slideshow={"slide_type": "-"}
draw_criteria(Ks, {"BIC": bic, "AIC": aic})

# %% [markdown] slideshow={"slide_type": "notes"}
# For every type BIC is lowest at $K = 2$, the number of clouds the data came from: beyond it
# a new component splits a cloud, which buys a little likelihood for several parameters.
# AIC's lighter price lets spherical drift to $K = 5$ (circles need more of themselves to cover
# elongated clouds), but its lowest value overall is also $K = 2$ with diag.

# %% [markdown] slideshow={"slide_type": "subslide"}
# **Why diag?** At $K = 2$, BIC's two terms, fit $-2 \log L$ and price $p \log N$:

# %% slideshow={"slide_type": "-"} tags=["nbval-check-output"]
N = len(X)
print("K = 2          p      log L   fit -2 log L   price p log N      BIC")
for ctype in TYPES:
    m = fits[ctype][2].mixture
    ll = m.log_likelihood(X)
    print(f"{ctype:9s}   {m.n_parameters:4d}   {ll:8.2f}   {-2 * ll:12.1f}   "
          f"{m.n_parameters * np.log(N):13.1f}   {m.bic(X):6.1f}")
full, diag = fits["full"][2].mixture, fits["diag"][2].mixture
extra = full.n_parameters - diag.n_parameters
print(f"full over diag: log L higher by {full.log_likelihood(X) - diag.log_likelihood(X):.2f}, "
      f"{extra} more parameters cost {extra * np.log(N):.2f} in BIC")

# %% [markdown] slideshow={"slide_type": "notes"}
# Full fits best, but its log-likelihood beats diag's by only 0.48: the two off-diagonal
# covariances (one per component) describe a correlation the data hardly have ($\Sigma_1$'s is
# $0.2 / \sqrt{3 \cdot 2} \approx 0.08$, $\Sigma_2$'s is 0). They cost 11.41 in BIC, so diag
# wins. Spherical and tied are cheaper still but fit worse: the clouds are neither round nor of
# one shape. AIC's lighter price makes the same choice here.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Sampling from the fitted mixture
#
# Pick a component with probabilities $\pi_k$, then draw from its Gaussian: `Mixture.sample`.

# %% slideshow={"slide_type": "-"} tags=["nbval-check-output"]
samples, sample_labels = fit.sample(300, random_state=1)
print("fraction from each component:", np.bincount(sample_labels) / len(sample_labels),
      " weights:", fit.weights)
print("sample mean", samples.mean(axis=0), " data mean", X.mean(axis=0))

# %% [markdown] slideshow={"slide_type": "notes"}
# A mixture is a generative model: it says how to make new data, not only how to score it.
# `Mixture.sample(n, random_state)` picks a component for each point with probabilities
# $\pi_k$, draws the point from that component's Gaussian, and also returns the component of
# each point. The fractions drawn from each component are close to the weights, and the
# sample mean is close to the data's, as they should be for 300 points.

# %% [markdown] slideshow={"slide_type": "subslide"}
# If the fit is good, the samples look like the data.

# %% slideshow={"slide_type": "-"}
fig, axes = plt.subplots(1, 2, figsize=(9, 3.9), sharex=True, sharey=True)
plotting.scatter_2d(axes[0], X, labels=fit.predict(X))
axes[0].set(title="the data, coloured by the fit", xlabel="$x_1$", ylabel="$x_2$")
plotting.scatter_2d(axes[1], samples, labels=sample_labels)
axes[1].set(title="300 new points drawn from the fit", xlabel="$x_1$")
for ax in axes:
    plotting.covariance_ellipses(ax, fit)
show(fig)

# %% [markdown] slideshow={"slide_type": "notes"}
# Left, the data coloured by the fit's most probable component; right, new points coloured by
# the component that drew them. The same ellipses cover both. Comparing samples with data is a
# quick check of a fit: a component that is too wide or in the wrong place shows at once.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Our result beside scikit-learn's
#
# `GaussianMixture` runs the same EM and reaches our mixture, but its component 0 need not be
# ours: match components by their means before comparing.


# %% slideshow={"slide_type": "skip"}
def own_starts(seeds):
    """Fit scikit-learn from its own start for each seed; match its components to ours."""
    run = painless_em(X, 2, prior=0, tol=1e-10, max_iter=1000)
    ours, lines, converged = run.mixture, [], []
    for seed in seeds:
        sk = GaussianMixture(2, tol=1e-10, max_iter=1000, reg_covar=0, random_state=seed).fit(X)
        distance = np.linalg.norm(ours.means[:, None, :] - sk.means_[None, :, :], axis=2)
        _, match = linear_sum_assignment(distance)  # match[k]: its number for our k (least total distance)
        close = np.allclose(ours.means, sk.means_[match], atol=1e-3) and \
            np.allclose(ours.covariances, sk.covariances_[match], atol=1e-3)
        lines.append(f"random_state={seed}: its numbers for our 0, 1: {match}; "
                     f"equal within 1e-3 after matching: {close}")
        converged.append(sk.converged_)
    lines.append(f"scikit-learn converged from every start: {all(converged)}")
    lines.append(textwrap.fill("ours stopped because: " + run.stop_reason, 88))
    return "\n".join(lines)


# %% slideshow={"slide_type": "-"} tags=["nbval-check-output"]
print(own_starts(seeds=(0, 3)))

# %% [markdown] slideshow={"slide_type": "notes"}
# **Label permutation.** scikit-learn's `sklearn.mixture.GaussianMixture` starts from its own
# k-means run, seeded by `random_state`, and the start decides which cluster gets which number.
# So we match components by their means (the assignment of least total distance) before
# comparing. Both libraries add a small ridge to each covariance by default, and the two ridges
# differ; `reg_covar=0` and `prior=0` switch them off, so both compute plain maximum likelihood.
#
# Both scikit-learn runs converged to our mixture; with `random_state=3` the numbers are
# swapped. Any comparison of labels meets the same issue: `fit.predict(X)` and `true_labels`
# can agree on the clusters and still swap the numbers 0 and 1. Going further, at the end,
# compares the two libraries iteration by iteration from one start, with and without the ridge.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Exercises
#
# 1. BIC by hand
# 2. Counting parameters
# 3. Parameters of each covariance type
# 4. A turn that diag cannot follow
# 5. Refit from samples
# 6. Label agreement

# %% [markdown] slideshow={"slide_type": "notes"}
# The coding exercises end with a checker from `gmmlib.exercises` that prints ✓ or the case
# that failed, with its inputs and a hint. Stuck? Worked solutions, with the reasoning, are in
# [`solutions/04_em_2d_solutions.ipynb`](solutions/04_em_2d_solutions.ipynb).

# %% [markdown] slideshow={"slide_type": "skip"}
# ### Exercise 1 · BIC by hand (about 5 minutes)
#
# Complete `my_bic(mixture, X)` from `mixture.log_likelihood(X)`, `mixture.n_parameters` and
# `len(X)`. The checker compares it with `mixture.bic(X)` on mixtures of its own.

# %% slideshow={"slide_type": "skip"} tags=["exercise", "points=2", "time_limit=10s"]
def my_bic(mixture, X):
    raise NotImplementedError("your code here")


check_bic(my_bic)


# %% [markdown] slideshow={"slide_type": "skip"}
# ### Exercise 2 · Counting parameters (about 10 minutes)
#
# Write `n_free(K, d)`, the number of free parameters of a full-covariance mixture of $K$
# components in $d$ dimensions (why $K - 1$ weights and not $K$? why $d(d+1)/2$ per
# covariance?). The checker compares with `Mixture.n_parameters`. How many parameters would a
# 3-component mixture of RGB colours ($d = 3$) have? (The quiz asks.)

# %% slideshow={"slide_type": "skip"} tags=["exercise", "points=1", "time_limit=10s"]
def n_free(K, d):
    raise NotImplementedError("your code here")


check_n_parameters(n_free)


# %% [markdown] slideshow={"slide_type": "skip"}
# ### Exercise 3 · Parameters of each covariance type (about 10 minutes)
#
# Extend the count to the four types: `n_free_typed(K, d, covariance_type)` with
# `covariance_type` one of `"full"`, `"diag"`, `"spherical"`, `"tied"`. Start from what every
# type shares (weights and means), then count the free numbers of the covariances from the
# table above, and explain each in a sentence: why does `tied` not grow with $K$? The checker
# compares with `Mixture(..., covariance_type=...).n_parameters`, which equals scikit-learn's.

# %% slideshow={"slide_type": "skip"} tags=["exercise", "points=2", "time_limit=10s"]
def n_free_typed(K, d, covariance_type):
    raise NotImplementedError("your code here")


check_n_parameters_by_type(n_free_typed)

# %% [markdown] slideshow={"slide_type": "skip"}
# ### Exercise 4 · A turn that diag cannot follow (about 15 minutes)
#
# Turn the data by 45 degrees: `a = np.radians(45)`,
# `R = np.array([[np.cos(a), -np.sin(a)], [np.sin(a), np.cos(a)]])`, `X_turned = X @ R.T`.
# Fit $K = 1, \dots, 4$ of each type to `X_turned` and find the lowest BIC. Which types keep
# (about) the same log-likelihood at $K = 2$, which one loses, and which type does BIC choose
# now? Explain with the table of the four types: which of them can describe a turned ellipse?
#
# ### Exercise 5 · Refit from samples (about 10 minutes)
#
# Draw 3000 points from `fit` with `fit.sample(3000, random_state=2)`, fit
# `painless_em(..., 2)` to them and match the components as above. Are the recovered means
# within 0.2 of `fit.means` (`np.allclose(..., atol=0.2)`)? What happens with 100 points?
#
# ### Exercise 6 · Label agreement (about 10 minutes)
#
# Compute the fraction of points where `fit.predict(X)` equals `true_labels`, taking the
# permutation into account. Which points disagree, and where are they on the scatter plot?

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Summary
#
# - A component's $2\sigma$ ellipse shows the eigenvectors and eigenvalues of $\Sigma_k$.
# - EM in 2-D: the 1-D steps with vectors and matrices.
# - `covariance_type` trades freedom for parameters.

# %% [markdown] slideshow={"slide_type": "notes"}
# - In $d$ dimensions a component is a mean and a covariance; its $2\sigma$ ellipse shows the
#   covariance's eigenvectors and eigenvalues, and the mixture's contours show $\log p(x)$.
# - EM in 2-D is the 1-D algorithm with vectors and matrices; the history lets the sliders show
#   any iteration of any $K$ without refitting.
# - `covariance_type` trades freedom for parameters: full (any ellipse), diag (axis-aligned),
#   spherical (circles), tied (one shared ellipse). On tilted clusters of different shapes
#   only full fits, and BIC chooses it; on nearly axis-aligned clouds diag is enough.

# %% [markdown] slideshow={"slide_type": "subslide"}
# **Summary, continued**
#
# - BIC and AIC trade the log-likelihood against the parameter count.
# - `sample` draws new data from a fit.
# - Component numbers are arbitrary: match them before comparing.

# %% [markdown] slideshow={"slide_type": "notes"}
# - The log-likelihood cannot choose $K$ or the type; BIC and AIC trade it against the parameter
#   count. Here both choose $K = 2$ with diagonal covariances: a full covariance's extra
#   parameters would describe a correlation the data hardly have.
# - A fitted mixture is a generative model: `sample` draws new data from it.
# - scikit-learn's `GaussianMixture`, from its own start, reaches the same mixture as our EM
#   once components are matched: component numbers are arbitrary.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Quiz
#
# Set `response=` to the number of an option (or a number) and run the cell; `response="?"`
# shows the answer.

# %% slideshow={"slide_type": "subslide"} tags=["quiz", "nbval-check-output"]
ask("04.bic-k", response=None)

# %% slideshow={"slide_type": "subslide"} tags=["quiz", "nbval-check-output"]
ask("04.bic-covariance-type", response=None)

# %% slideshow={"slide_type": "subslide"} tags=["quiz", "nbval-check-output"]
ask("04.parameter-count", response=None)

# %% slideshow={"slide_type": "subslide"} tags=["quiz", "nbval-check-output"]
ask("04.label-order", response=None)

# %% [markdown] slideshow={"slide_type": "skip"}
# ## Going further: the same numbers as scikit-learn
#
# `GaussianMixture` runs the same EM. Given the same start and the same number of iterations,
# both must give the same numbers, for every type. Both add a small ridge to each covariance by
# default, and the two ridges differ: scikit-learn's `reg_covar=1e-6` adds $10^{-6}$ to every
# variance in the data's units; `painless_em`'s `prior=1e-6` adds $10^{-6} s_j^2 / \pi_k$, $s_j$
# the robust spread of feature $j$ (notebook 03). To compare the algorithms themselves we switch
# both off: `reg_covar=0` and `prior=0`, plain maximum likelihood. scikit-learn takes our
# k-means start as its `weights_init`, `means_init` and `precisions_init` (the inverse
# covariances), and `tol=0` makes it run all 30 iterations, as `tol=None` makes ours.


# %% slideshow={"slide_type": "skip"}
def precisions(mixture):
    """scikit-learn's precisions_init: the inverse covariances, in its layout for the type."""
    c = mixture.compact_covariances
    return np.linalg.inv(c) if mixture.covariance_type in ("full", "tied") else 1 / c


def largest_difference(ours, sk):
    return max(np.abs(ours.weights - sk.weights_).max(), np.abs(ours.means - sk.means_).max(),
               np.abs(ours.compact_covariances - sk.covariances_).max())


# %% slideshow={"slide_type": "skip"} tags=["nbval-check-output"]
lines = ["30 iterations from the same start; largest difference in weights, means, covariances:",
         "type        prior=0 (maximum likelihood)   prior=1e-6 (the default)   log L (ours, scikit-learn)"]
for ctype in TYPES:
    start = painless_em(X, 2, max_iter=0, covariance_type=ctype).mixture  # our K-means start
    sk = GaussianMixture(2, covariance_type=ctype, max_iter=30, tol=0, reg_covar=0,
                         weights_init=start.weights, means_init=start.means,
                         precisions_init=precisions(start),
                         init_params="random_from_data", random_state=0)  # ours replaces its start
    with warnings.catch_warnings():  # tol=0 asks for all 30 iterations: no need to warn
        warnings.simplefilter("ignore", ConvergenceWarning)
        sk.fit(X)
    ml = painless_em(X, 2, init=start, max_iter=30, tol=None, prior=0, covariance_type=ctype)
    map_ = painless_em(X, 2, init=start, max_iter=30, tol=None, covariance_type=ctype)
    same = largest_difference(ml.mixture, sk)
    lines.append(f"{ctype:9s}   {'below 1e-10' if same < 1e-10 else f'{same:.0e}':>28s}"
                 f"   {largest_difference(map_.mixture, sk):24.0e}"
                 f"   {ml.log_likelihood:.2f}, {sk.score(X) * N:.2f}")
print("\n".join(lines))

# %% [markdown] slideshow={"slide_type": "skip"}
# With `prior=0` the two agree to rounding error for all four types; the default prior moves
# the covariances by a few $10^{-5}$, a price paid for never collapsing.

# %% [markdown] slideshow={"slide_type": "skip"}
# ## References
#
# - A. P. Dempster, N. M. Laird, D. B. Rubin (1977). Maximum likelihood from incomplete data via
#   the EM algorithm. *Journal of the Royal Statistical Society B* 39(1), 1–38.
# - C. M. Bishop (2006). *Pattern Recognition and Machine Learning*, Springer, chapter 9
#   (mixtures of Gaussians and EM) and section 4.4.1 (BIC).
# - G. Schwarz (1978). Estimating the dimension of a model. *The Annals of Statistics* 6(2),
#   461–464 (BIC).
# - H. Akaike (1974). A new look at the statistical model identification. *IEEE Transactions on
#   Automatic Control* 19(6), 716–723 (AIC).
# - J. VanderPlas (2016). *Python Data Science Handbook*, O'Reilly, "In Depth: Gaussian Mixture
#   Models" (covariance types, BIC, a mixture as a generative model).
# - F. Pedregosa et al. (2011). Scikit-learn: machine learning in Python. *JMLR* 12, 2825–2830
#   (`sklearn.mixture.GaussianMixture`).
# - `GMMExample_2D`: the 2-D data of Matlab EM demos, regenerated from its stated parameters by
#   `gmmlib.datasets.gmm_example_2d`.
