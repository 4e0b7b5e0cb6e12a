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
# # 01 · EM on one-dimensional data
#
# Three hundred numbers, two bumps, no labels. EM finds the two Gaussians anyway, by
# alternating two simple steps.

# %% [markdown] slideshow={"slide_type": "notes"}
# Three hundred numbers, two bumps in their histogram, and no label saying which bump a number
# came from. The expectation-maximisation (EM) algorithm finds the two Gaussians anyway, by
# alternating two simple steps. This notebook takes those steps one at a time, on the
# `GMMExample_1D` data (300 points drawn from two Gaussians, the 1-D data of Matlab EM
# demos), and then lets you replay the whole run with sliders.

# %% [markdown] slideshow={"slide_type": "subslide"}
# **Learning goals**
#
# - read a mixture as weighted bumps, $p(x) = \sum_k \pi_k\, \mathcal N(x \mid \mu_k, \sigma_k^2)$;
# - say what the E-step and the M-step compute;
# - match one iteration by hand with `gmmlib.painless_em`;
# - watch the log-likelihood climb; replay the run.

# %% [markdown] slideshow={"slide_type": "notes"}
# By the end of this notebook you can read a Gaussian mixture as a weighted sum of bumps; say
# what the E-step computes (the responsibilities $r_{ik}$: how much component $k$ explains point
# $x_i$) and what the M-step does with them (weighted means, variances and weights); check that
# one E-step plus one M-step by hand equals one iteration of `gmmlib.painless_em`; and see the
# log-likelihood climb at every iteration, then replay the run for several numbers of
# components $K$.

# %% slideshow={"slide_type": "skip"}
# %matplotlib inline
import textwrap

import matplotlib.pyplot as plt
import numpy as np
from scipy.stats import multivariate_normal

from gmmlib import painless_em, plotting
from gmmlib.datasets import gmm_example_1d
from gmmlib.exercises import check_e_step, check_m_step
from gmmlib.quiz import ask
from gmmlib.views import EMView

plt.rcParams.update(plotting.STYLE)  # 12 pt text, colour-blind-safe component colours
np.set_printoptions(precision=3, suppress=True)
X, true_labels = gmm_example_1d(random_state=0)  # seeded: every run shows the same numbers
BINS = 30
grid = plotting.grid_1d(X)
OUTSIDE = dict(loc="upper left", bbox_to_anchor=(1.01, 1.0))  # legends beside the axes

# %% [markdown] slideshow={"slide_type": "slide"}
# ## The data
#
# 100 points from $\mathcal N(10, 1)$ and 200 from $\mathcal N(20, 3^2)$, mixed. EM sees only `X`.

# %% slideshow={"slide_type": "-"}
fig, ax = plt.subplots(figsize=(9, 3.4))
plotting.histogram_1d(ax, X, bins=BINS, label="300 points")
ax.set(title="GMMExample_1D: a narrow bump and a wide one", xlabel="$x$", ylabel="density")
ax.legend()
plt.show()

# %% [markdown] slideshow={"slide_type": "notes"}
# The data are 100 points drawn from $\mathcal N(10, 1)$ and 200 from $\mathcal N(20, 3^2)$,
# shuffled together. EM only sees the numbers `X`; the generating labels, `true_labels`, are
# kept aside to compare with at the end.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Step 0 · A starting mixture
#
# The equal-range start: cut the range of the data into $K$ equal parts, fit one Gaussian to
# each part.

# %% slideshow={"slide_type": "-"} tags=["nbval-check-output"]
run = painless_em(X, 2, init="equal-range", prior=0)
history = run.history
start = history.mixture(0)
print("start weights  ", start.weights)
print("start means    ", start.means.ravel())
print("start variances", start.covariances.ravel())

# %% [markdown] slideshow={"slide_type": "notes"}
# EM needs a first guess. The simplest one cuts the range of the data into $K$ equal parts and
# fits one Gaussian to each part (the "equal-range start"). With $K = 2$ the cut falls near the
# middle, so the left Gaussian grabs some points of the wide bump: a poor start, which makes
# the iterations worth watching.
#
# `prior=0` asks `painless_em` for plain maximum-likelihood EM, whose M-step is exactly the
# formulas of Step 2. Its default adds a tiny covariance prior that keeps a component from
# shrinking onto a single point (notebook 03 shows why that matters; Going further, at the end
# of this notebook, says what it changes here). Notebook 03 also calls the direct
# transcription of the formulas, without any safeguard, the naive EM, `naive_em`;
# `painless_em` computes the same steps safely. `run.history` records every iteration: entry 0
# is the start, entry $t$ the mixture after $t$ iterations.

# %% [markdown] slideshow={"slide_type": "subslide"}
# The start, dashed: the left Gaussian sits between the bumps, far too wide.

# %% slideshow={"slide_type": "-"}
fig, ax = plt.subplots(figsize=(9, 3.4))
plotting.histogram_1d(ax, X, bins=BINS)
plotting.mixture_curves_1d(ax, start, grid, linestyle="--", label_prefix="start: ")
ax.set(title="Iteration 0: the equal-range start (dashed)", xlabel="$x$", ylabel="density")
ax.legend(**OUTSIDE)
plt.show()

# %% [markdown] slideshow={"slide_type": "notes"}
# Dashed curves are the two starting Gaussians and their weighted sum. The left one sits
# between the two bumps and is far too wide: it has taken the narrow bump and the left flank
# of the wide one.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Step 1 · The E-step: who explains each point?
#
# The responsibility: the posterior probability that $x_i$ came from component $k$.
#
# $$r_{ik} = \frac{\pi_k\, \mathcal N(x_i \mid \mu_k, \sigma_k^2)}{\sum_j \pi_j\, \mathcal N(x_i \mid \mu_j, \sigma_j^2)}$$

# %% slideshow={"slide_type": "fragment"} tags=["nbval-check-output"]
resp = start.responsibilities(X)
for x in (9.0, 15.0, 17.0, 25.0):
    print(f"x = {x:4.1f}: responsibilities {start.responsibilities([x])[0]}")
print("every row sums to 1:", np.allclose(resp.sum(axis=1), 1.0))

# %% [markdown] slideshow={"slide_type": "notes"}
# For each point $x_i$ and component $k$ the **responsibility** $r_{ik}$ is the posterior
# probability that $x_i$ came from $k$: the component's weight times its density at $x_i$,
# divided by the same quantity summed over all components (Bayes' rule, notebook 00). Every row
# of $r$ therefore sums to 1: a point hands out one unit of "ownership" among the components. A
# point at 9 belongs almost wholly to the left component, a point at 25 to the right one, and
# points in between are shared. (The code numbers the components from 0, as Python does.)

# %% [markdown] slideshow={"slide_type": "subslide"}
# Each bar split by colour in proportion to the responsibilities.

# %% slideshow={"slide_type": "-"}
fig, ax = plt.subplots(figsize=(9, 3.4))
plotting.responsibility_histogram(ax, X, resp, bins=BINS)
plotting.mixture_curves_1d(ax, start, grid, linestyle="--", label_prefix="start: ", total=False)
ax.set(title="After the E-step: each bar split by responsibility", xlabel="$x$", ylabel="density")
ax.legend(**OUTSIDE)
plt.show()

# %% [markdown] slideshow={"slide_type": "notes"}
# Each histogram bar is split by colour in proportion to the responsibilities of its points.
# The coloured shares are exactly what the E-step hands to the M-step: each component will be
# refitted to its own colour.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Step 2 · The M-step: refit each Gaussian to its share
#
# With $N_k = \sum_i r_{ik}$:
#
# $$\pi_k = \frac{N_k}{N}, \qquad \mu_k = \frac{1}{N_k}\sum_i r_{ik}\, x_i, \qquad
#   \sigma_k^2 = \frac{1}{N_k}\sum_i r_{ik}\,(x_i - \mu_k)^2$$

# %% [markdown] slideshow={"slide_type": "notes"}
# Each component is refitted as if its coloured share of the histogram were its own data, with
# weighted averages: $N_k = \sum_i r_{ik}$ is the share's total weight and $N$ the number of
# points. The weight is the share of the data, the mean a weighted average of the points, and
# the variance a weighted average of the squared deviations from the new mean. The next slide
# computes these three lines by hand and compares them with entry 1 of the history.

# %% [markdown] slideshow={"slide_type": "subslide"}
# By hand, compared with entry 1 of the history:

# %% slideshow={"slide_type": "-"} tags=["nbval-check-output"]
Nk = resp.sum(axis=0)
weights = Nk / len(X)
means = resp.T @ X / Nk
variances = (resp * (X[:, None] - means) ** 2).sum(axis=0) / Nk

after_one = history.mixture(1)
print("by hand:  weights", weights, " means", means, " variances", variances)
print("gmmlib:   weights", after_one.weights, " means", after_one.means.ravel(),
      " variances", after_one.covariances.ravel())
same = (np.allclose(weights, after_one.weights) and np.allclose(means, after_one.means.ravel())
        and np.allclose(variances, after_one.covariances.ravel()))
print("same mixture:", same)

# %% [markdown] slideshow={"slide_type": "notes"}
# The three formulas take three lines of numpy: `resp.sum(axis=0)` gives every $N_k$ at once
# and `resp.T @ X` every weighted sum of the points. The hand-made mixture and the one
# `painless_em` recorded after its first iteration agree to rounding.

# %% [markdown] slideshow={"slide_type": "subslide"}
# One iteration (solid) moves the Gaussians only a little from the start (dashed).

# %% slideshow={"slide_type": "-"}
fig, ax = plt.subplots(figsize=(9, 3.3))
plotting.histogram_1d(ax, X, bins=BINS)
plotting.mixture_curves_1d(ax, start, grid, linestyle="--", label_prefix="start: ", total=False)
plotting.mixture_curves_1d(ax, after_one, grid, label_prefix="iteration 1: ")
ax.set(title="After the M-step: the Gaussians move towards their bumps", xlabel="$x$",
       ylabel="density")
ax.legend(**OUTSIDE)
plt.show()

# %% [markdown] slideshow={"slide_type": "notes"}
# After one iteration the left Gaussian gives back some of the points it grabbed
# (its weight drops from 0.563 to 0.538) and the right one widens. The move is small: from this
# start EM needs many such steps.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Repeat until nothing changes: the log-likelihood
#
# E-step + M-step = one **iteration**. $\log L = \sum_i \log p(x_i)$ never decreases; the run
# stops when it rises by less than `tol` $= 10^{-4}$ per point.

# %% slideshow={"slide_type": "fragment"} tags=["nbval-check-output"]
ll = history.log_likelihood
print(textwrap.fill(f"stop reason: {run.stop_reason}", 88))
print("iterations:", run.n_iter, "  guard events:", len(run.guard_events))
print("log-likelihood per iteration:", ll.round(2))
print("gain of each iteration:      ", np.diff(ll).round(2))

# %% [markdown] slideshow={"slide_type": "notes"}
# One E-step plus one M-step is one **iteration**. For maximum-likelihood EM the log-likelihood
# $\log L = \sum_i \log p(x_i)$ can only go up (or stay) from one iteration to the next
# (notebook 02 proves it), and the run stops when an iteration raises it by less than `tol`
# $= 10^{-4}$ per point: the points' likelihoods then grow by less than 0.01 %, in whatever
# units $x$ is measured. The run says why it stopped. (With `prior=0` the "objective" in the
# stop reason is the log-likelihood itself.) A guard event would be a repair `painless_em` made
# on the way; this run needed none (Going further, below, says what they are).
#
# Every gain is positive: from $-904.68$ at the start to $-829.72$ after 12 iterations, where
# the last gain (0.02) fell below the tolerance.

# %% [markdown] slideshow={"slide_type": "subslide"}
# Slow at first, fast in iterations 6 to 9, then flat.

# %% slideshow={"slide_type": "-"}
fig, ax = plt.subplots(figsize=(7, 3.6))
plotting.log_likelihood_curve(ax, ll, t=run.n_iter)
ax.set_title("log-likelihood of GMMExample_1D, K = 2")
plt.show()

# %% [markdown] slideshow={"slide_type": "notes"}
# The climb is slow at first, while the left Gaussian gives back the points it grabbed, fast
# in iterations 6 to 9, once the two components have each found their bump, then flat: the
# last iterations only polish the fit.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Replay the run: sliders for K and the iteration
#
# Move **iteration** (or press ▶) to see entry $t$; move **K** to switch run. Needs a running
# kernel.

# %% [markdown] slideshow={"slide_type": "notes"}
# All runs for $K = 1 \dots 4$ are computed once, in the next cell. The view only looks their
# histories up: move the **iteration** slider (or press ▶) to see entry $t$, move **K** to
# switch run. Dashed: the start; black: the mixture $p(x)$; the dot marks the iteration on the
# log-likelihood curve. The sliders need a running kernel; without one the view shows a
# picture of its first frame.

# %% slideshow={"slide_type": "subslide"}
results = {K: painless_em(X, K, init="equal-range", prior=0) for K in range(1, 5)}
view = EMView(X, results, K=2)
view

# %% [markdown] slideshow={"slide_type": "slide"}
# ## The same run without a kernel
#
# An animated PNG stored in the notebook: it plays in any viewer.

# %% slideshow={"slide_type": "-"}
view.animation(K=2)

# %% [markdown] slideshow={"slide_type": "notes"}
# The animation is an animated PNG stored in the notebook itself, so it plays wherever the
# notebook is opened: JupyterLab before anything runs, GitHub, nbviewer, an HTML export. It
# needs no kernel and no script.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Did EM find the truth?
#
# The final $K = 2$ mixture against the generating one; hard labels against `true_labels`.

# %% slideshow={"slide_type": "-"} tags=["nbval-check-output"]
final = results[2].mixture
print("weights  ", final.weights, "  (true 1/3, 2/3)")
print("means    ", final.means.ravel(), "  (true 10, 20)")
print("std devs ", np.sqrt(final.covariances.ravel()), "  (true 1, 3)")
agreement = np.mean(final.predict(X) == true_labels)
print(f"hard labels agree with the truth for {max(agreement, 1 - agreement):.1%} of the points")

# %% [markdown] slideshow={"slide_type": "notes"}
# The final mixture is compared with the one that generated the data, and its hard labels (for
# each point, the component with the largest responsibility) with the hidden `true_labels`.
# Component numbers are arbitrary (EM could have called the narrow bump "1"), hence the
# `max(agreement, 1 - agreement)`. The few disagreements are points of the wide bump that fall
# under the narrow one: no method could label those with certainty.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ## Another start: K-means
#
# Pick $K$ points as centres; give each point to its nearest centre; move each centre to its
# points' mean; repeat. `painless_em`'s default start (`init="kmeans"`).

# %% [markdown] slideshow={"slide_type": "notes"}
# `painless_em`'s default start (`init="kmeans"`) runs **K-means** first (Lloyd's algorithm):
# pick $K$ data points at random as centres; give every point to its nearest centre; move each
# centre to the mean of its points; repeat until no point changes centre. (`painless_em` does
# this from 5 random picks and keeps the tightest grouping.) It is EM's hard-label cousin: each
# point belongs wholly to one centre and there are no variances. EM then starts from the
# K-means groups (their means, variances and shares of the points). Exercise 4 compares the
# two starts.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Exercises
#
# Each exercise ends with a checker: ✓, or the first failing case with a hint. Worked solutions:
# [`solutions/01_em_1d_solutions.ipynb`](solutions/01_em_1d_solutions.ipynb).

# %% [markdown] slideshow={"slide_type": "notes"}
# Each coding exercise ends with a checker from `gmmlib.exercises`: it runs your function on
# easy and on hostile inputs and prints ✓, or the first case that failed with its inputs, what
# was expected, what you returned and a hint. A function that runs longer than 5 s is stopped
# (an endless loop, usually); pass `timeout=30` to the checker if yours is just slow.
#
# Stuck? Each exercise has a worked solution, with the reasoning, in
# [`solutions/01_em_1d_solutions.ipynb`](solutions/01_em_1d_solutions.ipynb). Try first: the
# checker's hints are meant to get you there.

# %% [markdown] slideshow={"slide_type": "skip"}
# ### Exercise 1 · The M-step (about 20 minutes)
#
# Write `my_m_step(X, resp)` returning `(weights, means, covariances)` with shapes `(K,)`,
# `(K, d)`, `(K, d, d)` for data `X` of shape `(N, d)` and responsibilities `resp` $= r_{ik}$
# of shape `(N, K)`. The formulas are the ones above, with $(x_i - \mu_k)(x_i - \mu_k)^\top$
# in place of the square. Watch out: the checker also passes `uint8` pixels.

# %% slideshow={"slide_type": "skip"} tags=["exercise", "points=2", "time_limit=10s"]
def my_m_step(X, resp):
    raise NotImplementedError("your code here")


check_m_step(my_m_step)


# %% [markdown] slideshow={"slide_type": "skip"}
# ### Exercise 2 · An E-step that survives far-away points (about 20 minutes)
#
# Write `my_e_step(X, weights, means, covariances)` returning the responsibilities $r_{ik}$,
# shape `(N, K)`. The version below follows the formula literally and passes the easy cases;
# the checker finds the input that breaks it. Fix it by working with
# $a_{ik} = \log \pi_k + \log \mathcal N(x_i \mid \mu_k, \Sigma_k)$ (`multivariate_normal(...).logpdf`)
# and the **log-sum-exp trick**: with $m_i = \max_k a_{ik}$,
# $\log \sum_k e^{a_{ik}} = m_i + \log \sum_k e^{a_{ik} - m_i}$. Every exponent is now
# $\le 0$ and the largest term is $e^0 = 1$, so the sum neither overflows nor becomes 0
# (`scipy.special.logsumexp` computes it). Then $r_{ik} = \exp(a_{ik} - \log \sum_j e^{a_{ij}})$.
# Notebook 03 shows the failures in detail. A tiny number added to the denominator is not a
# fix: the checker explains why.

# %% slideshow={"slide_type": "skip"} tags=["exercise", "points=3", "time_limit=10s"]
def my_e_step(X, weights, means, covariances):
    dens = np.column_stack([w * multivariate_normal(m, c).pdf(X)
                            for w, m, c in zip(weights, means, covariances)])
    return dens / dens.sum(axis=1, keepdims=True)


check_e_step(my_e_step)

# %% [markdown] slideshow={"slide_type": "skip"}
# ### Exercise 3 · Which K? (about 5 minutes)
#
# Print `results[K].log_likelihood` for $K = 1 \dots 4$. Does it keep growing with $K$? Why is
# the largest log-likelihood not a good reason to pick the largest $K$? (The quiz below asks;
# notebook 04 answers the question with BIC.)
#
# ### Exercise 4 · A better start (about 5 minutes)
#
# Rerun the $K = 2$ fit with `init="kmeans"` (the default) and `prior=0`. How many iterations
# does it need, and does it end at the same mixture? Compare the sorted means with
# `np.allclose(...)`, and think about what the stopping rule `tol` has to do with the answer.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Summary
#
# - EM fits a weighted sum of Gaussians without labels.
# - E-step: responsibilities $r_{ik}$, rows summing to 1. M-step: weighted weights, means,
#   variances.
# - The log-likelihood never decreases; the run stops when it stops growing.
# - Choosing $K$ needs another criterion (notebook 04).

# %% [markdown] slideshow={"slide_type": "notes"}
# - A Gaussian mixture is a weighted sum of bumps; EM fits it without knowing which bump each
#   point came from.
# - The E-step computes responsibilities $r_{ik}$ (soft labels, rows summing to 1); the M-step
#   refits each Gaussian as a weighted mean, variance and share of the data.
# - `history.mixture(t)` and `history.log_likelihood[t]` record every iteration; maximum-likelihood
#   EM's log-likelihood never decreases, and the run stops when it no longer grows
#   (`run.stop_reason` says so).
# - A poor start costs iterations, and more components always fit the data at least about as
#   well: choosing $K$ needs another criterion (notebook 04).

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Quiz
#
# Set `response=` to the number of an option (or to a number) and run the cell;
# `response="?"` shows the answer.

# %% slideshow={"slide_type": "subslide"} tags=["quiz", "nbval-check-output"]
ask("01.row-sums", response=None)

# %% slideshow={"slide_type": "subslide"} tags=["quiz", "nbval-check-output"]
ask("01.log-likelihood-climbs", response=None)

# %% slideshow={"slide_type": "subslide"} tags=["quiz", "nbval-check-output"]
ask("01.largest-log-likelihood", response=None)

# %% [markdown] slideshow={"slide_type": "skip"}
# ## Going further: the stopping rule, the prior and guard events
#
# The core path ran plain maximum-likelihood EM (`prior=0`) and read three things off the run
# without explaining them: why `tol` is counted per point, what the default `prior` would
# change, and what a guard event is. This section takes them in turn.
#
# **Why per point.** The log-likelihood is a sum of $N$ terms, so its gains grow with $N$; a
# fixed threshold would stop a large data set too late and a small one too early. Dividing the
# gain by $N$ makes `tol` $= 10^{-4}$ mean the same thing everywhere: the geometric mean of the
# points' likelihoods grows by less than 0.01 %. Changing the units of $x$ multiplies every
# density by the same constant, which adds the same number to every iteration's log-likelihood
# and leaves the gains alone: the run below on $1000\,x + 7$ stops at the same iteration with the
# same (rescaled) fit. A gain counts as "small" only if it is non-negative up to rounding: a
# fall is never taken for convergence.

# %% slideshow={"slide_type": "skip"}
for scale, shift in ((1, 0), (1000, 7)):
    other = painless_em(scale * X + shift, 2, init="equal-range", prior=0)
    back = (np.sort(other.mixture.means.ravel()) - shift) / scale  # back to the units of x
    print(f"data {scale:4d} x + {shift}: {other.n_iter} iterations, means in x units {back}")

# %% [markdown] slideshow={"slide_type": "skip"}
# **The prior.** The likelihood of a mixture has no maximum: a component centred on one point
# whose variance shrinks to 0 sends it to $+\infty$. By default `painless_em` therefore
# maximises a penalised log-likelihood, the "objective" of its stop reason; in the M-step the
# penalty acts as a ridge that keeps every variance above `prior` $/ \pi_k$ times the data's
# robust variance. With the default `prior=1e-6` that floor is far below the variances of this
# data, so the fit barely moves:

# %% slideshow={"slide_type": "skip"}
default = painless_em(X, 2, init="equal-range")  # the default prior
print("iterations:", default.n_iter, "(prior=0:", run.n_iter, ")")
print(f"largest change of a mean: {np.abs(default.mixture.means - run.mixture.means).max():.1e}")

# %% [markdown] slideshow={"slide_type": "skip"}
# **Guard events.** After each M-step `painless_em` checks every covariance. One that has become
# nearly singular (its reciprocal condition number, RCOND, at most $10^{-10}$) or whose variance
# fell under a floor is replaced by a well-conditioned diagonal one, and a component that owns
# no point is restarted on the worst-explained point. Each such repair is a **guard event**,
# recorded in `run.guard_events` with its iteration. These are the only steps that can lower
# the objective, so a run never counts an iteration with a guard event as converged. On this
# data no repair was needed; notebook 03 builds data where they are.

# %% [markdown] slideshow={"slide_type": "skip"}
# ## References
#
# - A. P. Dempster, N. M. Laird, D. B. Rubin (1977). Maximum likelihood from incomplete data via
#   the EM algorithm. *Journal of the Royal Statistical Society, Series B* 39(1), 1–38.
# - C. M. Bishop (2006). *Pattern Recognition and Machine Learning*, chapter 9: mixture models
#   and EM. Springer.
# - `GMMExample_1D`: the 1-D data of Matlab EM demos, two Gaussians N(10, 1) (100 points) and
#   N(20, 3²) (200 points), regenerated here by `gmmlib.datasets.gmm_example_1d` from those parameters.
