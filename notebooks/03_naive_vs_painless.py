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
# # 03 · Naive versus painless EM
#
# The EM formulas for a Gaussian mixture fit on one page, yet typing them in as written gives
# a program that breaks on ordinary data. This notebook breaks it on purpose, five times, and
# then repairs it one change at a time.
#
# **Learning goals**
#
# - reproduce each failure of the textbook EM and say *at which iteration and in which step*
#   it happens: underflow to NaN, a likelihood of exactly 0, a singular covariance, an empty
#   component, uint8 overflow;
# - explain why working with logarithms and `logsumexp` removes the first two;
# - read a reciprocal condition number (RCOND) and the guard events in an EM history;
# - see why the start (K-means with Forgy seeds and restarts) and the units (whitening) matter;
# - run the same data through both versions, one line apart.

# %%
# %matplotlib inline
import matplotlib.pyplot as plt
import numpy as np

import gmmlib
from gmmlib import Mixture, naive_em, painless_em, plotting, rcond
from gmmlib.datasets import failure_cases, seed_2d
from gmmlib.exercises import check_e_step, check_log_gaussian, check_logsumexp, check_rcond
from gmmlib.quiz import ask

np.set_printoptions(precision=4, suppress=True)
rng = np.random.default_rng(0)
cases = {case.name: case for case in failure_cases()}
list(cases)

# %% [markdown]
# ## Part 1 · Five ways to break the textbook EM
#
# `gmmlib.naive_em` is the textbook algorithm typed in literally: densities in the linear
# domain, an explicit inverse and determinant, the likelihood as a product over points.
# It does not crash: at the first bad number it stops and returns a `Failure` that says
# where and why. Each dataset in `gmmlib.datasets.failure_cases()` comes with a starting
# mixture, so every run below is reproducible to the iteration.
#
# ### 1. Underflow: responsibilities become 0/0 = NaN

# %% tags=["nbval-check-output"]
case = cases["underflow"]
print(case.story)
print(naive_em(case.X, case.K, init=case.init).failure)

# %% [markdown]
# What happened to one green pixel: its squared Mahalanobis distance to the red component
# is in the thousands, and `exp` of minus half of that is below the smallest float64.

# %% tags=["nbval-check-output"]
green = case.X[-1]
start = case.init
d2 = (green - start.means[0]) @ np.linalg.inv(start.covariances[0]) @ (green - start.means[0])
print(f"squared distance to the red component: {d2:.0f}")
print(f"exp(-d2 / 2) = {np.exp(-d2 / 2)}   (the smallest positive float64 is {np.nextafter(0, 1):.3g})")

# %% [markdown]
# ### 2. A likelihood of exactly 0
#
# Nothing is extreme here: 300 points, each with a density around 0.05. Their product is not.

# %% tags=["nbval-check-output"]
case = cases["zero likelihood"]
print(case.story)
print(naive_em(case.X, case.K, init=case.init).failure)

# %% [markdown]
# ### 3. A singular covariance from a constant patch

# %% tags=["nbval-check-output"]
case = cases["singular covariance"]
print(case.story)
print(naive_em(case.X, case.K, init=case.init).failure)

# %% [markdown]
# ### 4. An empty component

# %% tags=["nbval-check-output"]
case = cases["empty component"]
print(case.story)
print(naive_em(case.X, case.K, init=case.init).failure)

# %% [markdown]
# ### 5. uint8 overflow
#
# Images arrive as `uint8`. The textbook covariance E[z z^T] - mu mu^T squares the pixel
# values, and in `uint8` arithmetic 200 * 200 is 40000 mod 256 = 64.

# %% tags=["nbval-check-output"]
case = cases["uint8 overflow"]
print(case.story)
print(naive_em(case.X, case.K, init=case.init).failure)
print("np.uint8(200) * np.uint8(200) in an array:", (np.array([200], dtype=np.uint8) ** 2)[0])

# %% [markdown]
# ## Part 2 · Repairs, one at a time
#
# ### Fix 1 · Stay in the log domain
#
# Never compute a density and then take its log: compute the log-density directly,
#
# $$\log \mathcal N(z\mid\mu,\Sigma) = -\tfrac12\left[d\log 2\pi + \log\det\Sigma + (z-\mu)^\top\Sigma^{-1}(z-\mu)\right],$$
#
# with a Cholesky factor instead of an inverse. The green pixel that underflowed is now an
# ordinary negative number, and the total log-likelihood is a sum instead of a product.

# %% tags=["nbval-check-output"]
case = cases["underflow"]
print(f"log N(green | red component) = {case.init.component_log_density(green[None, :])[0, 0]:.1f}")
case = cases["zero likelihood"]
point_density = np.exp(case.init.log_density(case.X))
with np.errstate(under="ignore"):  # the product underflows: that is the point of this cell
    print("product of densities:", np.prod(point_density))
print(f"sum of log-densities: {case.init.log_likelihood(case.X):.2f}")

# %% [markdown]
# ### Fix 2 · logsumexp
#
# The mixture density is a *sum* of component densities, so logs alone are not enough: we
# need log(e^a + e^b) without computing e^a. Pull out the largest term,
# log Σ e^{a_k} = m + log Σ e^{a_k - m} with m = max a_k, so the biggest term is e^0 = 1 and
# the sum can never be 0. The classic example:

# %% tags=["nbval-check-output"]
a = np.array([-1000.0, -1001.0])
with np.errstate(divide="ignore"):  # log(0) warns; we want to see the -inf it returns
    direct = np.log(np.sum(np.exp(a)))
m = a.max()
by_hand = m + np.log(np.sum(np.exp(a - m)))
print(f"direct:            log(e^-1000 + e^-1001) = {direct}")
print(f"max pulled out:    {by_hand:.4f}")
print(f"gmmlib.logsumexp:  {gmmlib.logsumexp(a):.4f}")

# %% [markdown]
# With both fixes the E-step is `a_ki = log pi_k + log N(z_i|k)`, `p_ki = exp(a_ki - logsumexp_k a_ki)`.
# Here is the underflow case through both implementations, with the same start, one line apart:

# %% tags=["nbval-check-output"]
case = cases["underflow"]
start = case.init
print(naive_em(case.X, case.K, init=start))
print(painless_em(case.X, case.K, init=start))

# %% [markdown]
# ### Fix 3 · Guard the covariances (RCOND)
#
# The reciprocal condition number RCOND(Σ) = 1 / (‖Σ‖₁ ‖Σ⁻¹‖₁) is 1 for a perfectly round
# covariance and 0 for a singular one. The covariance of the 12 saturated pixels, all equal to
# (255, 255), is the zero matrix:

# %% tags=["nbval-check-output"]
case = cases["singular covariance"]
sky = case.X[:12]
print("covariance of the saturated patch:\n", np.cov(sky.T, bias=True))
print("RCOND:", rcond(np.cov(sky.T, bias=True)))
print("RCOND of a healthy covariance diag(1, 100):", rcond(np.diag([1.0, 100.0])))

# %% [markdown]
# After every M-step the painless EM checks RCOND ≤ 1e-10 and replaces such a covariance by a
# small diagonal one (a variance floor of 1e-6 of each feature's variance). It writes down when
# and where in `history.events`:

# %% tags=["nbval-check-output"]
def side_by_side(case):
    """The same data and start through both versions, one line apart."""
    print(naive_em(case.X, case.K, init=case.init))
    result = painless_em(case.X, case.K, init=case.init)
    print(result)
    for event in result.history.events:
        print("  guard:", event)


side_by_side(case)

# %% [markdown]
# The empty component gets a similar treatment: it is restarted on the point the mixture
# explains worst, and the history says so.

# %% tags=["nbval-check-output"]
side_by_side(cases["empty component"])

# %% [markdown]
# The uint8 case needs no guard at all, only a conversion to float before any arithmetic
# (`painless_em` converts; `naive_em` keeps the type on purpose):

# %% tags=["nbval-check-output"]
case = cases["uint8 overflow"]
start = case.init
print(naive_em(case.X, case.K, init=start))
print(naive_em(case.X.astype(float), case.K, init=start))
print(painless_em(case.X, case.K, init=start))

# %% [markdown]
# ### Fix 4 · Start from K-means (Forgy seeds, restarts)
#
# So far every run started from a hand-made mixture. In practice the start comes from the
# data: pick K distinct data points at random (Forgy), run K-means from them, keep the
# restart with the smallest within-cluster sum of squares, and turn the clusters into a
# mixture. EM only climbs to the nearest hill, so the start decides where it ends. On the
# colour data of case 1 with K = 3 (red, blue and 20 green pixels), a single K-means run often
# merges the small green group into another; more restarts find it.

# %% tags=["nbval-check-output"]
X = cases["underflow"].X
for n_init in (1, 5, 20):
    lls = [painless_em(X, 3, n_init=n_init, random_state=seed).log_likelihood for seed in range(6)]
    print(f"n_init={n_init:2d}: final log-likelihood for seeds 0..5:", np.round(lls, 1))

# %% [markdown]
# ### Fix 5 · Whiten the data
#
# Take the seed's 2-D example and measure the second feature in micro-units: the scales are
# now about 1 and 1e6. The geometry has not changed, but a covariance with variances 1 and
# 1e12 has RCOND about 1e-12, so without whitening the guard cannot tell honest units from a
# collapse, and K-means distances only see the large feature. Whitening (subtract each
# feature's mean, divide by its standard deviation, map the result back) makes the fit
# independent of the units.

# %% tags=["nbval-check-output"]
X, truth = seed_2d()
X_scaled = X * [1.0, 1e6]
for whiten in (True, False):
    result = painless_em(X_scaled, 2, whiten=whiten)
    labels = result.mixture.predict(X_scaled)
    agreement = max(np.mean(labels == truth), np.mean(labels != truth))
    print(f"whiten={whiten!s:5}: log L = {result.log_likelihood:.2f}, {result.n_iter} iterations, "
          f"{len(result.history.events)} guard events, agreement with the true labels {agreement:.3f}")
print("first guard event without whitening:", painless_em(X_scaled, 2, whiten=False).history.events[0])

# %% [markdown]
# The guard's replacement is diagonal, so without whitening the components lose their
# correlation. The picture, in the original units:

# %%
fig, axes = plt.subplots(1, 2, figsize=(9, 3.8), sharex=True, sharey=True)
for ax, whiten in zip(axes, (True, False)):
    mix = painless_em(X_scaled, 2, whiten=whiten).mixture
    unscaled = Mixture(mix.weights, mix.means / [1.0, 1e6], mix.covariances / np.outer([1.0, 1e6], [1.0, 1e6]))
    plotting.scatter_2d(ax, X, labels=unscaled.predict(X))
    plotting.covariance_ellipses(ax, unscaled)
    ax.set_title(f"whiten={whiten}")
    ax.set_xlabel("feature 1")
    ax.set_ylabel("feature 2 (drawn in units of 1e6)")
fig.suptitle("The same data, features on scales 1 and 1e6")
plt.show()

# %% [markdown]
# ## All five cases at a glance

# %% tags=["nbval-check-output"]
print(f"{'case':<20} {'naive fails at':<28} {'painless log L':>15} {'iterations':>10} {'guard events':>12}")
for case in failure_cases():
    naive = naive_em(case.X, case.K, init=case.init)
    good = painless_em(case.X, case.K, init=case.init)
    where = f"iteration {naive.failure.iteration}, {naive.failure.step}"
    print(f"{case.name:<20} {where:<28} {good.log_likelihood:>15.2f} {good.n_iter:>10} {len(good.history.events):>12}")

# %% [markdown]
# ## Exercises
#
# Each exercise has a checker from `gmmlib.exercises`: it calls your function on friendly and
# hostile cases and tells you which case failed (with its inputs) and where to look. A function
# that runs longer than 5 s is stopped; pass `timeout=30` to the checker if yours is just slow.
#
# Stuck? A worked solution for each exercise, with the reasoning, is in
# [`solutions/03_naive_vs_painless_solutions.ipynb`](solutions/03_naive_vs_painless_solutions.ipynb).
#
# ### Exercise 1 · logsumexp
#
# The function below is the textbook logsumexp. Run the check, read the hint, and fix it.
# Then ask yourself why the shift must be the maximum: the checker has cases where subtracting
# the minimum or the mean overflows.

# %% tags=["exercise"]
def my_logsumexp(a):
    return np.log(np.sum(np.exp(a)))


check_logsumexp(my_logsumexp)


# %% [markdown]
# ### Exercise 2 · The log-density of one Gaussian
#
# Write the log-density $\log \mathcal N(x_i \mid \mu, \Sigma)$ of one Gaussian for every row
# $x_i$ of `X`, without ever computing the density itself. Hint: `np.linalg.cholesky` and
# `np.linalg.solve` (or `scipy.linalg.solve_triangular`); $\log\det\Sigma = 2 \sum \log \operatorname{diag} L$.

# %% tags=["exercise"]
def my_log_gaussian(X, mean, cov):
    raise NotImplementedError("your code here")


check_log_gaussian(my_log_gaussian)


# %% [markdown]
# ### Exercise 3 · A log-domain E-step
#
# Write a log-domain E-step: responsibilities $r_{ik}$, shape `(N, K)`, whose rows sum to 1,
# and optionally the total log-likelihood $\sum_i \log p(x_i)$ as a second return value. Reuse
# your two functions above (`scipy.special.logsumexp(..., axis=1)` is allowed for the rows).

# %% tags=["exercise"]
def my_e_step(X, weights, means, covariances):
    raise NotImplementedError("your code here")


check_e_step(my_e_step)


# %% [markdown]
# ### Exercise 4 · RCOND
#
# Write RCOND in the 1-norm, $1 / (\lVert\Sigma\rVert_1 \lVert\Sigma^{-1}\rVert_1)$. It must
# return 0.0 for a singular matrix, not raise. (The public C++ reference forgot the absolute
# values in the 1-norm: the checker has a case for that.)

# %% tags=["exercise"]
def my_rcond(cov):
    raise NotImplementedError("your code here")


check_rcond(my_rcond)

# %% [markdown]
# ## Summary
#
# - The textbook EM fails on ordinary data: at iteration 1, in the E-step (underflow to NaN),
#   in the likelihood (a product of 300 densities is 0.0) or in the M-step (a singular
#   covariance, an empty component, uint8 squares that wrap around).
# - Log-densities plus `logsumexp` remove the underflow: log(e^-1000 + e^-1001) = -999.69, not -inf.
# - A covariance guard on RCOND ≤ 1e-10, and a restart for empty components, keep every
#   iteration valid, and `history.events` records each intervention.
# - K-means with Forgy seeds and several restarts gives EM a good hill to climb; whitening
#   makes the fit, and the guard, independent of the units of the features.
# - `naive_em` and `painless_em` share one signature, so comparing them is a one-line change.
#
# ## Quiz
#
# Set `response=` to the number of an option and run the cell; `response="?"` shows the answer.

# %% tags=["quiz", "nbval-check-output"]
ask("In float64, np.log(np.exp(-1000) + np.exp(-1001)) gives",
    ["-999.69", "-1000", "-inf", "NaN"],
    response=None,
    answer=3, why={1: "That is the true value, and what logsumexp returns.",
                   4: "NaN comes from 0/0, as in the naive E-step; here there is no division."},
    explain="exp(-1000) underflows to 0.0 (the smallest positive float64 is about 5e-324), the sum "
            "is 0.0 and log 0 = -inf. Pulling out the maximum, -1000 + log(1 + e^-1) = -999.69.")

# %% tags=["quiz", "nbval-check-output"]
ask("The 12 saturated pixels all equal to (255, 255) have the zero matrix as covariance. Its "
    "RCOND is",
    ["1", "1e-10", "0", "infinity"],
    response=None,
    answer=3, why={1: "1 is a perfectly round covariance, such as the identity.",
                   4: "Infinity is the condition number of a singular matrix; RCOND is its reciprocal."},
    explain="A singular matrix has no inverse: RCOND = 1 / (||S||_1 ||S^-1||_1) is 0, the worst "
            "possible conditioning, and the guard (RCOND <= 1e-10) replaces the covariance.")

# %% tags=["quiz", "nbval-check-output"]
ask("Which of the five failures needs no guard at all, only a conversion to float before any "
    "arithmetic?",
    ["underflow of the responsibilities", "a singular covariance", "an empty component",
     "uint8 overflow"],
    response=None,
    answer=4, why={1: "That one needs the log domain and logsumexp.",
                   2: "That one needs the RCOND guard.",
                   3: "That one needs a restart of the component."},
    explain="In uint8 arithmetic 200 * 200 wraps around to 64; X.astype(float) before squaring is "
            "the whole fix, and painless_em does it for you.")
