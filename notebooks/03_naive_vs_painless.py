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
# # 03 · Naive versus painless EM
#
# The textbook EM breaks on ordinary data. We break it five times, repair it, then meet what no
# arithmetic repairs: the likelihood has no maximum.

# %% [markdown] slideshow={"slide_type": "notes"}
# The EM formulas for a Gaussian mixture fit on one page, yet typing them in as written gives
# a program that breaks on ordinary data. This notebook breaks it on purpose, five times, and
# repairs it one change at a time. Then it meets the problem that no arithmetic can repair:
# the likelihood of a Gaussian mixture has no maximum.

# %% [markdown] slideshow={"slide_type": "subslide"}
# **Learning goals**
#
# - reproduce each failure: its iteration and step
# - why logs and logsumexp fix two of them; what RCOND measures
# - why the likelihood is unbounded; three remedies
# - read a run's history
# - when whitening matters

# %% [markdown] slideshow={"slide_type": "notes"}
# In full, after this notebook you can:
#
# - reproduce each failure of the textbook EM and say *at which iteration and in which step*
#   it happens: underflow to NaN, a likelihood of exactly 0, a singular covariance, an empty
#   component, uint8 overflow;
# - explain why logarithms and logsumexp remove the first two, and what RCOND measures;
# - explain why the likelihood is unbounded, and what a variance floor, a covariance prior and
#   restarts each do to the likelihood and to the fit;
# - read a run's history: the objective painless EM climbs, its guard events, its stop reason;
# - see when whitening the data changes the answer.
#
# The core path ends with the Quiz. The section "Going further", after it, is for self-study:
# how RCOND is computed and estimated, what guard events do to the convergence curve, restarts
# under the prior, the penalty beside other regularisers, and why whitening uses a robust spread.

# %% slideshow={"slide_type": "skip"}
# %matplotlib inline
import matplotlib.pyplot as plt
import numpy as np

import gmmlib
from gmmlib import Mixture, naive_em, painless_em, plotting, rcond
from gmmlib.datasets import (crossing_clusters, failure_cases, isolated_point, points_on_a_line,
                             repeated_value)
from gmmlib.exercises import check_e_step, check_log_gaussian, check_logsumexp, check_rcond
from gmmlib.whitening import robust_scale
from gmmlib.quiz import ask

plt.rcParams.update(plotting.STYLE)
np.set_printoptions(precision=4, suppress=True)
cases = {case.name: case for case in failure_cases()}


def agreement(labels, truth):
    """Share of points labelled as in the truth, for the better of the two label orders."""
    return max(np.mean(labels == truth), np.mean(labels != truth))


# %% [markdown] slideshow={"slide_type": "slide"}
# ## Part 1 · Five ways to break the textbook EM
#
# `naive_em` types the formulas in literally. At the first bad number it stops and returns a
# `Failure` that says where and why.

# %% [markdown] slideshow={"slide_type": "notes"}
# `gmmlib.naive_em` is the textbook algorithm typed in literally: densities in the linear
# domain, an explicit inverse and determinant, the likelihood as a product over points.
# It does not crash: at the first bad number it stops and returns a `Failure` that says
# where and why. Each dataset in `gmmlib.datasets.failure_cases()` comes with a starting
# mixture, so every run below is reproducible to the iteration.
#
# Notation, as in every notebook: points $x_i$ with counts $c_i$ (1 for plain data);
# components with weights $\pi_k$, means $\mu_k$ and covariances $\Sigma_k$; responsibilities
# $r_{ik}$ and $N_k = \sum_i c_i r_{ik}$; the log-likelihood $\log L = \sum_i c_i \log p(x_i)$.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### 1. Underflow: responsibilities become 0/0 = NaN

# %% tags=["nbval-check-output"]
case = cases["underflow"]
print(case.story)
print(naive_em(case.X, case.K, init=case.init).failure)

# %% [markdown]
# One green pixel's squared Mahalanobis distance $d^2$ to the red component is in the
# thousands, and $e^{-d^2/2}$ underflows:

# %% tags=["nbval-check-output"]
green = case.X[-1]
start = case.init
diff = green - start.means[0]
d2 = diff @ np.linalg.inv(start.covariances[0]) @ diff
print(f"squared distance to the red component: {d2:.0f}")
tiny = np.nextafter(0, 1)
print(f"exp(-d2 / 2) = {np.exp(-d2 / 2)}   (the smallest positive float64 is {tiny:.3g})")

# %% [markdown] slideshow={"slide_type": "notes"}
# The squared **Mahalanobis distance** $d^2 = (x - \mu)^\top \Sigma^{-1} (x - \mu)$ is the
# squared distance measured in standard deviations along each axis of the component's ellipse.
# For the green pixel it is in the thousands, so $e^{-d^2/2}$ is below the smallest positive
# float64 and becomes 0. Every component gives those 20 pixels a density of 0, and their
# responsibilities, a density divided by the sum of densities, are 0/0 = NaN.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### 2. A likelihood of exactly 0
#
# 300 ordinary points, a reasonable start: the product of their densities underflows.

# %% tags=["nbval-check-output"]
case = cases["zero likelihood"]
print(case.story)
log_dens = case.init.log_density(case.X)  # log p(x_i) at the start, computed safely
print(f"median density {np.exp(np.median(log_dens)):.3f}, geometric mean "
      f"{np.exp(log_dens.mean()):.3f}; their product is 10^{log_dens.sum() / np.log(10):.0f}")
print(naive_em(case.X, case.K, init=case.init).failure)

# %% [markdown] slideshow={"slide_type": "notes"}
# Nothing is extreme here: 300 ordinary points and a reasonable start. The product of their
# densities is another matter. A typical (median) point has density 0.050, but a product is
# governed by the geometric mean, here 0.029, which the few points in the tails pull down:
# $0.029^{300} \approx 10^{-463}$, far below the smallest float64. The naive likelihood is 0.0,
# its log is $-\infty$, and the stopping rule can only compare 0 with 0.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### 3. A singular covariance from a constant patch

# %% tags=["nbval-check-output"]
case = cases["singular covariance"]
print(case.story)
print(naive_em(case.X, case.K, init=case.init).failure)

# %% [markdown] slideshow={"slide_type": "notes"}
# Saturated pixels all share one value. The component that owns them gets their covariance,
# which is the zero matrix: its determinant is 0 and its inverse does not exist, so the next
# E-step cannot evaluate the density. The naive code stops in the M-step that produced it.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### 4. An empty component

# %% tags=["nbval-check-output"]
case = cases["empty component"]
print(case.story)
print(naive_em(case.X, case.K, init=case.init).failure)

# %% [markdown] slideshow={"slide_type": "notes"}
# A component that starts far from every point gets responsibility 0 from all of them, so
# $N_k = 0$. The M-step divides by $N_k$ to get its mean and covariance: 0/0 = NaN.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### 5. uint8 overflow
#
# The one-pass covariance squares the pixel values, and in `uint8` arithmetic
# $200 \times 200 = 40000 \bmod 256 = 64$.

# %% tags=["nbval-check-output"]
case = cases["uint8 overflow"]
print(case.story)
print(naive_em(case.X, case.K, init=case.init).failure)
print("np.uint8(200) * np.uint8(200) in an array:", (np.array([200], dtype=np.uint8) ** 2)[0])

# %% [markdown] slideshow={"slide_type": "notes"}
# Images arrive as `uint8`. The one-pass covariance
# $\frac{1}{N_k}\sum_i r_{ik}\, x_i x_i^\top - \mu_k \mu_k^\top$ squares the pixel values, and
# `uint8` arithmetic keeps only the last 8 bits of each product, without any warning. Every
# covariance is then wrong, though nothing is NaN: the most dangerous of the five failures.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Part 2 · Repairs, one at a time
#
# ### Fix 1 · Stay in the log domain
#
# Compute the log-density directly, with a Cholesky factor $\Sigma_k = L L^\top$ instead of an inverse:
#
# $$\log \mathcal N(x_i \mid \mu_k, \Sigma_k) = -\tfrac12\left[d\log 2\pi + \log\det\Sigma_k + (x_i-\mu_k)^\top\Sigma_k^{-1}(x_i-\mu_k)\right]$$

# %% tags=["nbval-check-output"]
case = cases["underflow"]
print(f"log N(green | red component) = {case.init.component_log_density(green[None, :])[0, 0]:.1f}")
case = cases["zero likelihood"]
point_density = np.exp(case.init.log_density(case.X))
with np.errstate(under="ignore"):  # the product underflows: that is the point of this cell
    print("product of densities:", np.prod(point_density))
print(f"sum of log-densities: {case.init.log_likelihood(case.X):.2f}")

# %% [markdown] slideshow={"slide_type": "notes"}
# Never compute a density and then take its log: compute the log-density directly. A
# symmetric positive definite $\Sigma$ factors as $\Sigma = L L^\top$ with $L$ lower triangular
# and a positive diagonal (the **Cholesky factor**, `np.linalg.cholesky`). Then
# $\log\det\Sigma = 2 \sum_j \log L_{jj}$, which cannot under- or overflow the way $\det\Sigma$
# can, and the Mahalanobis term is $\lVert z \rVert^2$ with $z$ the solution of the triangular
# system $L z = x - \mu$: no inverse is ever formed, and the factorisation fails loudly when
# $\Sigma$ is not positive definite. The green pixel that underflowed is now an ordinary
# negative number, and the log-likelihood is a sum instead of a product.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Fix 2 · logsumexp
#
# Pull the largest term out of the sum:
#
# $$\log \sum_k e^{a_k} = m + \log \sum_k e^{a_k - m}, \qquad m = \max_k a_k .$$

# %% tags=["nbval-check-output"]
a = np.array([-1000.0, -1001.0])
with np.errstate(divide="ignore"):  # log(0) warns; we want to see the -inf it returns
    direct = np.log(np.sum(np.exp(a)))
print(f"direct:            log(e^-1000 + e^-1001) = {direct}")
print(f"gmmlib.logsumexp:  {gmmlib.logsumexp(a):.4f}  "
      "(the maximum pulled out; exercise 1 writes it)")

# %% [markdown] slideshow={"slide_type": "notes"}
# The mixture density is a *sum*, $\log p(x_i) = \log \sum_k e^{a_{ik}}$ with
# $a_{ik} = \log \pi_k + \log \mathcal N(x_i \mid \mu_k, \Sigma_k)$, so logs alone are not
# enough: we need the log of a sum of exponentials without computing the exponentials.
# The identity above holds for any $m$; with the maximum, the largest term is $e^0 = 1$, so the
# sum is at least 1 and its log is finite. The classic example is $a = (-1000, -1001)$: both
# exponentials underflow to 0 and the direct formula returns $-\infty$.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Both fixes in the E-step
#
# $$\log p(x_i) = \operatorname{logsumexp}_k\, a_{ik}, \qquad r_{ik} = \exp\big(a_{ik} - \log p(x_i)\big)$$
#
# The underflow case, same start, both versions:

# %% tags=["nbval-check-output"]
case = cases["underflow"]
print(naive_em(case.X, case.K, init=case.init))
print(painless_em(case.X, case.K, init=case.init))

# %% [markdown] slideshow={"slide_type": "notes"}
# With both fixes the E-step never leaves the log domain until the very end. Every exponent
# $a_{ik} - \log p(x_i)$ is at most 0, so no exponential overflows, and the largest one is at
# least $-\log K$, so a point's responsibilities cannot all underflow to 0: no more 0/0. The
# naive run fails at iteration 1; the painless run, from the same start, converges in a few
# iterations.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Fix 3 · Convert to float before any arithmetic
#
# `X.astype(float)` before squaring (`painless_em` converts; `naive_em` keeps the type on purpose):

# %% tags=["nbval-check-output"]
case = cases["uint8 overflow"]
print(naive_em(case.X, case.K, init=case.init))
print(naive_em(case.X.astype(float), case.K, init=case.init))
print(painless_em(case.X, case.K, init=case.init))

# %% [markdown] slideshow={"slide_type": "notes"}
# The uint8 case needs no cleverness. Once the data are floats, even the naive code converges,
# to the same fit as painless EM.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Fix 4 · Check every covariance: RCOND
#
# $$\operatorname{RCOND}(\Sigma) = \frac{1}{\lVert\Sigma\rVert_1\, \lVert\Sigma^{-1}\rVert_1}$$
#
# 1 for a round covariance, 0 for a singular one. The saturated patch has covariance 0:

# %% tags=["nbval-check-output"]
case = cases["singular covariance"]
patch = np.cov(case.X[:12].T, bias=True)
print("covariance of the saturated patch is 0 (to rounding):", np.allclose(patch, 0, atol=1e-9))
verdict = "below 1e-10: numerically singular" if rcond(patch) <= 1e-10 else f"{rcond(patch):.3g}"
print("RCOND of the patch's covariance:", verdict)
print("RCOND of a healthy covariance diag(1, 100):", rcond(np.diag([1.0, 100.0])))

# %% [markdown] slideshow={"slide_type": "notes"}
# The reciprocal condition number uses the matrix 1-norm
# $\lVert A\rVert_1 = \max_j \sum_i |A_{ij}|$, the largest absolute column sum
# (`np.linalg.norm(A, 1)`). RCOND is 1 for a round covariance and 0 for a singular one; in
# float64 anything near $10^{-16}$ is numerically singular. The 12 saturated pixels, all equal
# to (255, 255), have the zero matrix as covariance, and the check flags it before anything
# divides by it. Going further, at the end, shows how libraries such as LAPACK estimate RCOND
# without forming the inverse.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The guard and its events
#
# After every M-step: a covariance with RCOND $\le 10^{-10}$ or a variance below a floor is
# replaced by a diagonal one; an empty component restarts. Each is a *guard event*.

# %% tags=["nbval-check-output"]
def side_by_side(case):
    """The same data and start through both versions, one line apart."""
    print(naive_em(case.X, case.K, init=case.init))
    result = painless_em(case.X, case.K, init=case.init)
    print(result)
    for event in result.history.events:
        print("  guard event:", event)


side_by_side(cases["singular covariance"])
side_by_side(cases["empty component"])

# %% [markdown] slideshow={"slide_type": "notes"}
# After every M-step `painless_em` checks each $\Sigma_k$: one with RCOND $\le 10^{-10}$, or
# with a variance below a floor, is replaced by a diagonal one (the *guard*), and a component
# that owns no point is restarted on the point the mixture explains worst. Each intervention is
# a *guard event*, recorded in `result.history.events`. The constant patch never even reaches
# the guard: by default `painless_em` adds a small ridge to the diagonal of every covariance
# (its covariance prior), so the patch's covariance is not zero. The empty component does
# reach the guard, in iteration 1, and the run then converges.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Part 3 · The likelihood has no maximum
#
# Put a mean on a data point, $\mu_k = x_j$, and shrink its variance:
#
# $$p(x_j) \;\ge\; \pi_k\, \mathcal N(x_j \mid x_j, \sigma_k^2) = \frac{\pi_k}{\sqrt{2\pi}\,\sigma_k} \;\longrightarrow\; \infty \quad (\sigma_k \to 0)$$

# %% [markdown] slideshow={"slide_type": "notes"}
# Exact arithmetic does not make maximum likelihood well posed for a Gaussian mixture. Put
# the mean of component $k$ on a data point, $\mu_k = x_j$, and shrink its variance
# $\sigma_k^2$ (one dimension). That point's density grows without bound, while every other
# point keeps the density the other components give it. So $\log L \to +\infty$: the "best"
# fit is a spike of zero width on a single point (Bishop 2006, §9.2.1). In $d$ dimensions a
# covariance that becomes singular (a point, a line, a plane) does the same. EM climbs
# $\log L$, and from some starts "up" leads into such a spike.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### A collapse, iteration by iteration
#
# Notebook 01's 300 points plus one at 33.0; a narrow third component starts on it.

# %% tags=["nbval-check-output"]
X1, start1 = isolated_point()
collapse = painless_em(X1, 3, init=start1, prior=0, guard=False)
history = collapse.history
print(" t     log L   mean_3   variance_3   weight_3")
for t in range(len(history)):
    print(f"{t:2d}  {history.log_likelihood[t]:8.2f}  {history.means[t, 2, 0]:7.2f}"
          f"  {history.covariances[t, 2, 0, 0]:11.3g}  {history.weights[t, 2]:9.4f}")
print(f"status: {collapse.status} (after iteration {collapse.n_iter})")

# %% [markdown] slideshow={"slide_type": "notes"}
# The data are the 300 `GMMExample_1D` points of notebook 01 plus one point at 33.0, and the
# start puts a narrow third component on that point. `prior=0` is plain maximum likelihood
# (the ridge met in Fix 4 is switched off); `guard=False` stops the run where the guard would
# have to act, instead of repairing it.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Every step was a correct EM step
#
# EM did its job, and its job has no finite answer. The stop reason, in the library's words:

# %%
print(collapse.stop_reason)

# %% [markdown] slideshow={"slide_type": "notes"}
# In two iterations the log-likelihood rose from -865.72 to -832.75 while the third
# component's variance fell from 1 to 1.02e-04; the next M-step makes it 0 to rounding. Every
# one of those steps was a correct EM step. (The stop reason's numbers are at the level of
# rounding, so that cell's output is not compared by the tests.) Three remedies follow. Watch
# what each does to the likelihood *and* to the fit.

# %% [markdown] slideshow={"slide_type": "slide"}
# ### Remedy 1 · A variance floor
#
# `prior=0`, guard on: a variance below `var_floor` times the feature's robust variance is
# replaced by the floor.

# %% tags=["nbval-check-output"]
spread2 = robust_scale(X1[:, None])[0] ** 2  # the feature's robust variance, (IQR / 1.349)^2
floors = 10.0 ** -np.arange(2, 13)
floored = [painless_em(X1, 3, init=start1, prior=0, var_floor=f, max_iter=50) for f in floors]
print("  floor   variance_3      log L   guard events   status")
for f, run in list(zip(floors, floored))[::2]:  # every other decade: 1e-2, 1e-4, ..., 1e-12
    print(f"{f:7.0e}  {run.mixture.covariances[2, 0, 0]:11.3g}  {run.log_likelihood:9.2f}"
          f"  {len(run.guard_events):13d}   {run.status}")
gain = np.diff([run.log_likelihood for run in floored]).mean()
print(f"log L gained per decade of floor: {gain:.3f}   (1/2 ln 10 = {0.5 * np.log(10):.3f})")

# %% [markdown] slideshow={"slide_type": "notes"}
# The floor is relative to each feature's **robust spread** $s_j = \mathrm{IQR}_j / 1.349$ (the
# interquartile range divided by 1.349): for Gaussian data it is the standard deviation, but
# one far outlier cannot inflate it. Its square is the robust variance. The guard replaces any
# variance below the floor, in every iteration where that happens, and counts a guard event
# each time.


# %% slideshow={"slide_type": "skip"}
def draw_floor_line(floors, runs):
    """log L of the floored runs against the floor, with the slope of a collapsed component."""
    ll = np.array([run.log_likelihood for run in runs])
    fig, ax = plt.subplots(figsize=(8, 4))
    ax.semilogx(floors, ll, "o", color=plotting.colour(0), markersize=8, label="runs with a floor (prior = 0)")
    slope = ll[0] + 0.5 * np.log(10) * (np.log10(floors[0]) - np.log10(floors))
    ax.semilogx(floors, slope, "--", color="0.35", label=r"$+\frac{1}{2}\ln 10$ per decade")
    ax.invert_xaxis()  # a lower floor to the right: log L climbs without bound
    ax.set(xlabel="variance floor (fraction of the robust variance)", ylabel="log L",
           title="The floor, not the data, sets the log-likelihood")
    ax.legend(loc="upper left")
    plt.show()


# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The floor caps the spike, and sets $\log L$
#
# $\log L$ rises by $\tfrac12 \ln 10$ for every decade the floor is lowered. Each dot is one run:

# %%
draw_floor_line(floors, floored)

# %% [markdown] slideshow={"slide_type": "notes"}
# The floor stops the collapse but does not remove it: the third component sits *exactly* at
# the floor, the guard acts in almost every iteration, and no run is ever called converged
# (status `max_iter`). The log-likelihood is set by the floor, not by the data: it gains
# 1.151 for every decade the floor is lowered, $\tfrac12 \ln 10$, because the spike's
# log-density is $-\tfrac12 \log \sigma_3^2$ plus a constant.

# %% [markdown] slideshow={"slide_type": "slide"}
# ### Remedy 2 · A penalty on the covariances (the default)
#
# Maximise $F$ instead of $\log L$: as $\Sigma_k$ becomes singular, the penalty falls faster
# than $\log L$ rises.
#
# $$F(\theta) = \sum_i c_i \log p(x_i \mid \theta) \;-\; \tfrac12 \sum_k \operatorname{tr}\big(\Lambda\, \Sigma_k^{-1}\big),
# \qquad \Lambda = \texttt{prior} \cdot \Big(\sum_i c_i\Big) \operatorname{diag}(s_1^2, \dots, s_d^2)$$
#
# The M-step changes in one place:
#
# $$\Sigma_k = S_k + \Lambda / N_k, \qquad S_k = \frac{1}{N_k} \sum_i c_i\, r_{ik} (x_i - \mu_k)(x_i - \mu_k)^\top$$

# %% [markdown] slideshow={"slide_type": "notes"}
# Painless EM does not maximise $\log L$ but this penalised objective $F$, where $s_j$ is the
# robust spread of feature $j$. The penalty goes to $-\infty$ faster than $\log L$ goes to
# $+\infty$ as $\Sigma_k$ becomes singular, so $F$ has a maximum. In the M-step a component of
# weight $\pi_k$ is never narrower than $\texttt{prior} / \pi_k$ times the robust variance: this
# is the ridge on the diagonal met in Fix 4. The default is `prior=1e-6`; `prior=0` is the
# plain maximum-likelihood M-step. The ridge $\Lambda / N_k = \texttt{prior} \cdot s^2 / \pi_k$
# does not depend on the number of points, so it does not fade as data accumulate; Going
# further compares it with scikit-learn's `reg_covar` and with a Bayesian conjugate prior.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The prior on the lone point

# %% tags=["nbval-check-output"]
print("  prior  mean_3  variance_3    log L  objective F  iterations  guard events  status")
for prior in (1e-8, 1e-6, 1e-4, 1e-3):
    run = painless_em(X1, 3, init=start1, prior=prior)
    print(f"{prior:7.0e} {run.mixture.means[2, 0]:7.2f} {run.mixture.covariances[2, 0, 0]:11.3g}"
          f" {run.log_likelihood:8.2f} {run.objective:12.2f} {run.n_iter:11d}"
          f" {len(run.guard_events):13d}  {run.status}")
print(f"smallest variance allowed at prior=1e-6 for a component owning one point of {X1.size}:",
      f"{1e-6 * X1.size * spread2:.3g}")

# %% [markdown] slideshow={"slide_type": "notes"}
# With the default prior the run converges in 3 iterations with no guard event. The third
# component still sits on the lone point, but with a finite variance, 0.0163: just above the
# smallest the prior allows, 0.0162 ($\texttt{prior}/\pi_3$ times the robust variance, for
# $\pi_3 = 1/301$). A stronger prior widens it, and at `prior=1e-3` pulls it off the point
# (mean 28.24). The prior changes the question from "which spike is highest" to "which fit is
# most plausible": the answer is finite and EM converges to it.

# %% [markdown] slideshow={"slide_type": "slide"}
# ### Remedy 3 · Restarts
#
# `n_init=12` runs the whole EM from 12 K-means starts and keeps the best run that did not
# collapse. Data: two clusters and five copies of 11.0; `prior=0`.

# %% tags=["nbval-check-output"]
X3 = repeated_value()
restarted = painless_em(X3, 3, prior=0, guard=False, n_init=12)
print("run   status      iterations    log L   sorted means")
for i, run in enumerate(restarted.restarts):
    print(f"{i:3d}   {run.status:10s}  {run.n_iter:10d}  {run.log_likelihood:8.2f}   "
          f"{np.sort(run.mixture.means[:, 0]).round(2)}")

# %% [markdown] slideshow={"slide_type": "notes"}
# Where EM ends depends on where it starts. By default `painless_em` starts from K-means:
# K distinct data points chosen at random (Forgy seeds), K-means from them (5 times, the
# smallest within-cluster sum of squares wins), and a mixture made from the clusters.
# `n_init=12` runs the *whole* EM 12 times from 12 such starts and keeps the run with the
# highest objective, preferring runs that did not stop on a singular or empty component.
# The data are 60 points from $\mathcal N(0, 1)$, 60 from $\mathcal N(8, 1)$ and five copies of
# the value 11.0 (a stuck sensor, a saturated pixel); $K = 3$, plain maximum likelihood.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Keep the best run that did not collapse

# %% tags=["nbval-check-output"]
collapsed = [run for run in restarted.restarts if run.status == "singular"]
optima = {round(run.log_likelihood, 2) for run in restarted.restarts if run.status == "converged"}
print(f"{len(collapsed)} of {len(restarted.restarts)} runs stopped singular; "
      f"the converged runs ended at {len(optima)} different optima")
print(f"kept: a {restarted.status} run, log L {restarted.log_likelihood:.2f}, "
      f"means {np.sort(restarted.mixture.means[:, 0]).round(2)}")

# %% [markdown] slideshow={"slide_type": "notes"}
# In 4 of the 12 runs the five copies got a component of their own, which collapsed:
# those runs stopped "singular" with a log-likelihood of -251.45 to -242.61, already above the
# best healthy run (-259.01), and they would have kept climbing. By likelihood alone they would
# win. The rule "prefer runs that did not collapse" keeps the best healthy run. Restarts also
# matter among the healthy runs: they ended at 3 different optima. Going further shows what the
# same restarts do under the default prior.


# %% slideshow={"slide_type": "skip"}
def draw_remedies(X, fits):
    """Histogram of X with each fit's weighted components, one panel per remedy."""
    grid = np.sort(np.r_[plotting.grid_1d(X, 2000), 33.0 + np.linspace(-0.3, 0.3, 1201)])
    fig, axes = plt.subplots(2, 2, figsize=(11, 4.6), sharex=True, sharey=True)
    for ax, (title, mixture) in zip(axes.ravel(), fits.items()):
        plotting.histogram_1d(ax, X, bins=40)
        plotting.mixture_curves_1d(ax, mixture, grid)
        ax.plot([33.0], [0.0], "^", color=plotting.MARKER_COLOUR, markersize=10, clip_on=False)
        k = int(np.argmin(np.abs(mixture.means[:, 0] - 33.0)))
        if abs(mixture.means[k, 0] - 33.0) < 0.5:
            peak = mixture.weights[k] / np.sqrt(2 * np.pi * mixture.covariances[k, 0, 0])
            text = f"component on 33: peak {peak:.3g}"
        else:
            text = "no component on 33"
        ax.text(0.97, 0.93, text, transform=ax.transAxes, ha="right", va="top",
                bbox={"facecolor": "white", "edgecolor": "none"})
        ax.set(title=title, ylim=(0, 0.17))
    for ax in axes[1]:
        ax.set_xlabel("x")
    for ax in axes[:, 0]:
        ax.set_ylabel("density")
    plt.show()


remedy_fits = {"no remedy: collapsing (stopped)": collapse.mixture,
               "floor 1e-7, guard on: at the floor": floored[5].mixture,
               "prior 1e-6 (default): converged": painless_em(X1, 3, init=start1).mixture,
               "K-means restarts (n_init=10)": painless_em(X1, 3, prior=0, guard=False, n_init=10).mixture}

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### What each remedy does to the fit

# %%
draw_remedies(X1, remedy_fits)

# %% [markdown] slideshow={"slide_type": "notes"}
# The `GMMExample_1D` data plus the point at 33 (triangle), fitted four ways; black: the
# mixture; colours: its components, cut at 0.17, their peak printed. The floor keeps a spike
# whose height the floor decides; the prior keeps a narrow but finite component; the K-means
# starts never put a component on the lone point.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Part 4 · What painless EM climbs, and when a run has converged
#
# Painless EM never lowers $F$; only a guard event can. **Converged**: the last iteration
# raised $F$ by a non-negative amount below `tol` per point, with no guard event.

# %% [markdown] slideshow={"slide_type": "notes"}
# Notebook 02 showed why EM never lowers $\log L$; the same argument, with the penalty
# subtracted, shows that painless EM never lowers $F$, which it stores as `history.objective`
# (Going further writes it out). $\log L$ itself may dip slightly while $F$ rises. Only a
# guard event, which is not an EM step, can lower $F$: a run whose guard keeps acting can show
# a small change from one iteration to the next without being anywhere near a maximum.
#
# Hence the rule: a run is `converged` only when its last iteration raised $F$ by a
# non-negative amount below `tol` (a small number, per point) *and* had no guard event.
# Otherwise `result.status` says how it ended (`max_iter`, `singular`, `empty`), and
# `result.stop_reason` says why, in plain words.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Part 5 · Whitening
#
# EM ignores units; the K-means start and the guard's RCOND test do not. So `painless_em`
# first centres each feature and divides it by its robust spread.

# %% [markdown] slideshow={"slide_type": "notes"}
# EM itself does not care about units: the E- and M-steps give the same fit in metres or in
# micrometres. Two things around it do. K-means measures plain distances, so its start only
# sees the feature with the largest numbers. And the guard's test RCOND $\le 10^{-10}$ cannot
# tell honest units from a collapse: a covariance with variances 1 and $10^{12}$ looks singular.
# `painless_em` therefore *whitens* the data first: it centres each feature and divides it by
# its robust spread $s_j$ (Remedy 1), fits, and maps the result back to the original units.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Two crossing clusters, feature 2 in micro-units
#
# The same data; only the unit of feature 2 changes.

# %% tags=["nbval-check-output"]
X5, truth5 = crossing_clusters(scale=1.0)
X5_micro, _ = crossing_clusters(scale=1e6)
print(f"RCOND of cluster 1's true covariance: {rcond(np.array([[1, 0.98], [0.98, 1]])):.3f} in "
      f"the original units, {rcond(np.array([[1, 0.98e6], [0.98e6, 1e12]])):.0e} in micro-units")
runs5 = {"original units, whiten=False": painless_em(X5, 2, whiten=False),
         "micro-units,    whiten=True ": painless_em(X5_micro, 2),
         "micro-units,    whiten=False": painless_em(X5_micro, 2, whiten=False)}
for name, run in runs5.items():
    data = X5 if name.startswith("original") else X5_micro
    print(f"{name}: agreement with the truth {agreement(run.mixture.predict(data), truth5):.3f},\n"
          f"    {run.n_iter:3d} iterations, {len(run.guard_events):3d} guard events, {run.status}")

# %% [markdown] slideshow={"slide_type": "notes"}
# The two clusters cross, with correlations $+0.98$ and $-0.98$. Whitened, the micro-unit data
# give the fit of the original units (agreement with the true labels 0.943 against 0.943, no
# guard event). Unwhitened, the clusters' covariances have an RCOND of about 4e-14, far below
# $10^{-10}$: the guard replaces both components' covariances by diagonal ones
# in all 100 iterations (202 guard events), the correlation that tells the clusters apart is
# lost, and the agreement drops to 0.540, hardly better than a coin.


# %% slideshow={"slide_type": "skip"}
def draw_whitening(X_micro, runs):
    """The micro-unit data coloured by each fit's labels, feature 2 drawn in units of 1e6."""
    units = np.array([1.0, 1e6])
    fig, axes = plt.subplots(1, 2, figsize=(11, 4.6), sharex=True, sharey=True)
    for ax, name in zip(axes, ("micro-units,    whiten=True ", "micro-units,    whiten=False")):
        mix = runs[name].mixture
        shown = Mixture(mix.weights, mix.means / units, mix.covariances / np.outer(units, units))
        plotting.scatter_2d(ax, X_micro / units, labels=mix.predict(X_micro))
        plotting.covariance_ellipses(ax, shown)
        ax.set(title=name.replace("micro-units,    ", "").strip(), xlabel="feature 1")
    axes[0].set_ylabel(r"feature 2 ($\times 10^6$ micro-units)")
    plt.show()


# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Unwhitened, the guard erases the correlation

# %%
draw_whitening(X5_micro, runs5)

# %% [markdown] slideshow={"slide_type": "notes"}
# The same micro-unit data, coloured by each fit's labels, with its components'
# 2-standard-deviation ellipses. Left, whitened: two crossing ellipses. Right, unwhitened: the
# guard's diagonal covariances can only draw upright ellipses, which cannot follow either arm
# of the cross.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## All five failure cases at a glance

# %% tags=["nbval-check-output"]
print(f"{'case':<20} {'naive fails at':<24} {'painless log L':>14} "
      f"{'iterations':>10} {'guard events':>12}")
for case in failure_cases():
    naive = naive_em(case.X, case.K, init=case.init)
    good = painless_em(case.X, case.K, init=case.init)
    where = f"iteration {naive.failure.iteration}, {naive.failure.step}"
    print(f"{case.name:<20} {where:<24} {good.log_likelihood:>14.2f} "
          f"{good.n_iter:>10} {len(good.history.events):>12}")

# %% [markdown] slideshow={"slide_type": "notes"}
# Every naive run fails in its first iteration, in the E-step, the likelihood or the M-step.
# Painless EM fits all five from the same starts, in a few iterations, with a guard event
# only where a component owned no point.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Exercises
#
# 1. logsumexp, 2. the log-density of one Gaussian, 3. a log-domain E-step, 4. RCOND.
#
# Worked solutions: [`solutions/03_naive_vs_painless_solutions.ipynb`](solutions/03_naive_vs_painless_solutions.ipynb).

# %% [markdown] slideshow={"slide_type": "notes"}
# Each exercise has a checker from `gmmlib.exercises`: it calls your function on friendly and
# hostile cases and tells you which case failed (with its inputs) and where to look. A function
# that runs longer than 5 s is stopped; pass `timeout=30` to the checker if yours is just slow.
# Stuck? The solutions notebook has a worked solution for each exercise, with the reasoning.

# %% [markdown] slideshow={"slide_type": "skip"}
# ### Exercise 1 · logsumexp (about 10 minutes)
#
# The function below is the textbook logsumexp. Run the check, read the hint, and fix it.
# Then ask yourself why the shift must be the maximum: the checker has cases where subtracting
# the minimum or the mean overflows.

# %% slideshow={"slide_type": "skip"} tags=["exercise", "points=2", "time_limit=10s"]
def my_logsumexp(a):
    return np.log(np.sum(np.exp(a)))


check_logsumexp(my_logsumexp)


# %% [markdown] slideshow={"slide_type": "skip"}
# ### Exercise 2 · The log-density of one Gaussian (about 25 minutes)
#
# Write the log-density $\log \mathcal N(x_i \mid \mu, \Sigma)$ of one Gaussian for every row
# $x_i$ of `X`, without ever computing the density itself. Hint: `np.linalg.cholesky` and
# `np.linalg.solve` (or `scipy.linalg.solve_triangular`); $\log\det\Sigma = 2 \sum_j \log L_{jj}$
# for the Cholesky factor $L$.

# %% slideshow={"slide_type": "skip"} tags=["exercise", "points=2", "time_limit=10s"]
def my_log_gaussian(X, mean, cov):
    raise NotImplementedError("your code here")


check_log_gaussian(my_log_gaussian)


# %% [markdown] slideshow={"slide_type": "skip"}
# ### Exercise 3 · A log-domain E-step (about 15 minutes)
#
# Write a log-domain E-step: responsibilities $r_{ik}$, shape `(N, K)`, whose rows sum to 1,
# and optionally the total log-likelihood $\sum_i \log p(x_i)$ as a second return value. Reuse
# your two functions above (`scipy.special.logsumexp(..., axis=1)` is allowed for the rows).

# %% slideshow={"slide_type": "skip"} tags=["exercise", "points=3", "time_limit=10s"]
def my_e_step(X, weights, means, covariances):
    raise NotImplementedError("your code here")


check_e_step(my_e_step)


# %% [markdown] slideshow={"slide_type": "skip"}
# ### Exercise 4 · RCOND (about 15 minutes)
#
# Write RCOND in the 1-norm, $1 / (\lVert\Sigma\rVert_1 \lVert\Sigma^{-1}\rVert_1)$. It must
# return 0.0 for a singular matrix, not raise. (Forgetting the absolute values in the 1-norm is
# a common slip: the checker has a case for it.)

# %% slideshow={"slide_type": "skip"} tags=["exercise", "points=2", "time_limit=10s"]
def my_rcond(cov):
    raise NotImplementedError("your code here")


check_rcond(my_rcond)


# %% [markdown] slideshow={"slide_type": "slide"}
# ## Summary
#
# - Textbook EM fails at iteration 1.
# - Logs, logsumexp, floats repair the arithmetic; RCOND and the guard catch bad covariances.
# - The likelihood has no maximum: floor, prior, restarts.
# - Converged: small gain, no guard event.
# - Whitening removes the units.

# %% [markdown] slideshow={"slide_type": "notes"}
# - The textbook EM fails on ordinary data, at iteration 1: in the E-step (underflow to NaN),
#   in the likelihood (a product of 300 densities is 0.0) or in the M-step (a singular
#   covariance, an empty component, uint8 squares that wrap around).
# - Log-densities and logsumexp remove the underflow: $\log(e^{-1000} + e^{-1001}) = -999.69$,
#   not $-\infty$. Floats before arithmetic remove the wrap-around. RCOND finds singular
#   covariances; the guard replaces them and restarts empty components, and says so.
# - The likelihood of a Gaussian mixture has no maximum: a component shrinking onto a point
#   sends $\log L$ to $+\infty$. A variance floor only caps the spike (the floor sets $\log L$,
#   $\tfrac12 \ln 10$ per decade); a covariance prior makes the objective bounded and EM
#   converge; restarts that discard collapsed runs avoid it.
# - Painless EM climbs the penalised objective $F$ and never lowers it; a guard event can. A run is
#   `converged` only after a non-negative gain below `tol` with no guard event.
# - Whitening with a robust spread makes the start and the guard independent of the units.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Quiz
#
# Set `response=` to the number of an option and run the cell; `response="?"` shows the answer.

# %% slideshow={"slide_type": "subslide"} tags=["quiz", "nbval-check-output"]
ask("03.underflow", response=None)

# %% slideshow={"slide_type": "subslide"} tags=["quiz", "nbval-check-output"]
ask("03.rcond-of-zero", response=None)

# %% slideshow={"slide_type": "subslide"} tags=["quiz", "nbval-check-output"]
ask("03.variance-floor", response=None)

# %% slideshow={"slide_type": "subslide"} tags=["quiz", "nbval-check-output"]
ask("03.guard-and-convergence", response=None)

# %% [markdown] slideshow={"slide_type": "skip"}
# ## Going further: RCOND, guard events, restarts and whitening
#
# This section is not part of the lecture. It covers the numerical engineering behind the core
# path: how RCOND is computed and estimated, why painless EM never lowers $F$, what guard events
# do to the convergence curve, restarts under the prior, the penalty beside other regularisers,
# and why whitening divides by a robust spread.

# %% [markdown] slideshow={"slide_type": "skip"}
# ### How RCOND is computed, and how LAPACK estimates it
#
# `gmmlib.rcond` follows the definition: it forms $\Sigma^{-1}$ and multiplies the two
# 1-norms. For the 1 to 3 features of these notebooks an inverse costs nothing, but for large
# $d$ it costs $O(d^3)$ and is itself inaccurate when $\Sigma$ is nearly singular. LAPACK's
# condition estimators (`dpocon` for a symmetric positive definite matrix) reuse the Cholesky
# factor the density needs anyway and *estimate* $\lVert\Sigma^{-1}\rVert_1$ in $O(d^2)$: a few
# triangular solves with cleverly chosen right-hand sides (Hager 1984, Higham 1988). The
# estimate never exceeds the true norm of the inverse, so the estimated RCOND can only err on the
# high side, and in practice it is within a small factor, often exact. On the covariances of
# this notebook the two agree to rounding:

# %% slideshow={"slide_type": "skip"}
from scipy.linalg import cho_factor, lapack


def estimated_rcond(cov):
    """LAPACK's RCOND estimate from the (upper) Cholesky factor, without forming the inverse."""
    factor, _ = cho_factor(cov)
    estimate, info = lapack.dpocon(factor, np.linalg.norm(cov, 1))
    return estimate


examples = {"diag(1, 100)": np.diag([1.0, 100.0]),
            "cluster 1, original units": np.array([[1, 0.98], [0.98, 1]]),
            "cluster 1, micro-units": np.array([[1, 0.98e6], [0.98e6, 1e12]])}
for name, cov in examples.items():
    print(f"{name:26s}  exact {rcond(cov):.4g}   LAPACK estimate {estimated_rcond(cov):.4g}")

# %% [markdown] slideshow={"slide_type": "skip"}
# ### Why painless EM never lowers $F$
#
# Notebook 02 showed why EM never lowers $\log L$: Jensen's inequality gives a lower bound
# $\mathcal B(r, \theta) \le \log L(\theta)$, the E-step makes it touch, the M-step maximises it.
# Subtract the prior's penalty from both sides: $F(\theta) \ge \mathcal B(r, \theta) - \text{penalty}(\theta)$,
# with equality after the E-step, and the M-step of Remedy 2 ($\Sigma_k = S_k + \Lambda/N_k$,
# weights and means as usual) maximises the right-hand side exactly. So
#
# $$F(\theta_{t+1}) \;\ge\; \mathcal B(r^{(t)}, \theta_{t+1}) - \text{penalty}(\theta_{t+1}) \;\ge\; \mathcal B(r^{(t)}, \theta_t) - \text{penalty}(\theta_t) \;=\; F(\theta_t):$$
#
# painless EM never lowers $F$ (stored as `history.objective`). $\log L$ itself may dip slightly
# while $F$ rises. Only a guard event, which is not an EM step, can lower $F$.

# %% [markdown] slideshow={"slide_type": "skip"}
# ### What a guard event does to the curve
#
# 200 points from a round cloud and 40 points exactly on the line $x_2 = x_1$ (pixels whose two
# channels are equal). Without a prior, the component that takes the line collapses onto it,
# the guard replaces its covariance by a diagonal one, EM collapses it again, and so on:

# %% slideshow={"slide_type": "skip"} tags=["nbval-check-output"]
X4, _ = points_on_a_line()
guarded = painless_em(X4, 2, prior=0, max_iter=30)
print(f"prior=0, guard on: status {guarded.status}, converged={guarded.converged}, "
      f"guard events in iterations {guarded.history.guard_iterations()}")
gains = guarded.history.gains()
print("gain of each guarded iteration:", np.round(gains[np.array(guarded.history.guard_iterations()) - 1], 1)[:4], "...")
stopped = painless_em(X4, 2, prior=0, guard=False)
print(f"prior=0, guard off: status {stopped.status} after iteration {stopped.n_iter}")
default = painless_em(X4, 2)
print(f"default prior: status {default.status} after {default.n_iter} iterations, "
      f"{len(default.guard_events)} guard events, smallest gain of F >= 0: {bool(np.all(default.history.gains() >= 0))}")
print("stop reason:", default.stop_reason)

# %% [markdown] slideshow={"slide_type": "skip"}
# The guarded run's stop reason names the guard event of its last iteration (its RCOND is at
# the level of rounding, so this output is not compared by the tests):

# %% slideshow={"slide_type": "skip"}
print(guarded.stop_reason)


# %% slideshow={"slide_type": "skip"}
def draw_guard_curves(guarded, default):
    """log L of a run whose guard acts (left, guard iterations marked) and F of a run with the prior."""
    fig, axes = plt.subplots(1, 2, figsize=(11, 4.2))
    ll = guarded.history.log_likelihood
    for t in guarded.history.guard_iterations():
        axes[0].axvline(t, color=plotting.MARKER_COLOUR, alpha=0.35, linewidth=3)
    axes[0].plot(ll, color="k", marker=".", label="log L (= F, prior = 0)")
    axes[0].plot([], [], color=plotting.MARKER_COLOUR, alpha=0.35, linewidth=3, label="guard event")
    axes[0].set(title=f"prior = 0: ends '{guarded.status}', never converged", xlabel="EM iteration",
                ylabel="log L", ylim=(-800, -280))
    axes[0].legend(loc="upper left", ncol=2)
    axes[1].plot(default.history.log_likelihood, color="k", marker=".", label="log L")
    axes[1].plot(default.history.objective, color=plotting.colour(0), marker="o", linestyle="--", label="objective F")
    axes[1].set(title=f"default prior: '{default.status}' after {default.n_iter} iterations",
                xlabel="EM iteration", ylabel="log L and F", ylim=axes[0].get_ylim())
    axes[1].legend(loc="upper left", ncol=2)
    for ax in axes:
        ax.xaxis.set_major_locator(plt.MaxNLocator(integer=True))
    plt.show()


draw_guard_curves(guarded, default)

# %% [markdown] slideshow={"slide_type": "skip"}
# Left: each guard event (shaded) throws the log-likelihood back down, by 248.0 to 356.6, and the
# EM steps between them climb again: a sawtooth that never converges. Right: with the prior,
# $F$ rises at every step and the run converges with no guard event.

# %% [markdown] slideshow={"slide_type": "skip"}
# ### Restarts under the prior
#
# Remedy 3 ran its restarts with `prior=0`. With the default prior the same restarts tell a
# different story:

# %% slideshow={"slide_type": "skip"} tags=["nbval-check-output"]
map_fit = painless_em(X3, 3, n_init=12)
k = int(np.argmax(map_fit.mixture.means[:, 0]))
print(f"kept: a {map_fit.status} run, objective {map_fit.objective:.2f}, "
      f"means {np.sort(map_fit.mixture.means[:, 0]).round(2)}")
print(f"the component at {map_fit.mixture.means[k, 0]:.2f}: weight {map_fit.mixture.weights[k]:.3f}, "
      f"variance {map_fit.mixture.covariances[k, 0, 0]:.2g}")
print("objectives of the 12 runs:", sorted({round(run.objective, 2) for run in map_fit.restarts}))

# %% [markdown] slideshow={"slide_type": "skip"}
# Under the prior the narrow component on the five copies is no longer a singularity but a
# legitimate optimum, with a finite objective (-243.76) that beats the two-cluster fits
# (-259.02). Whether five identical readings deserve a component of their own is a modelling
# question, not a numerical one; the prior makes it a question with an answer.

# %% [markdown] slideshow={"slide_type": "skip"}
# ### The penalty beside other regularisers: what it is, and is not
#
# - It is a **ridge**: $\Lambda / N_k = \texttt{prior} \cdot s^2 / \pi_k$ does not depend on the
#   number of points $N$, so it does not fade as data accumulate. scikit-learn's `reg_covar`
#   (default $10^{-6}$) is a ridge too, added to every variance in the data's units; ours is
#   measured in each feature's spread and grows as $1/\pi_k$ for small components.
# - The penalty is the log of an inverse-Wishart density without its log-det term, so $F$ can
#   be read as a log-posterior. It is **not** the prior of Fraley and Raftery (2007): theirs is a
#   conjugate prior on means and covariances, with the log-det term, so their M-step also
#   shrinks the means and divides by a different count. Ours keeps the maximum-likelihood
#   means and changes only $\Sigma_k$.

# %% [markdown] slideshow={"slide_type": "skip"}
# ### Why whitening divides by a robust spread
#
# Whitening divides by the robust spread, not by the standard deviation, because one far
# outlier (a dead pixel, a typing error) must not decide the scale of a feature. Add one point
# at $10^4$ to feature 1 of the crossing clusters:

# %% slideshow={"slide_type": "skip"} tags=["nbval-check-output"]
outlier = np.append(X5[:, 0], 1e4)[:, None]
print(f"one point at 1e4 added to feature 1: standard deviation {X5[:, 0].std():.2f} -> "
      f"{outlier.std():.1f}, robust spread {robust_scale(X5[:, :1])[0]:.2f} -> {robust_scale(outlier)[0]:.2f}")

# %% [markdown] slideshow={"slide_type": "skip"}
# One outlier takes the standard deviation of feature 1 from 1.03 to 575.4 but leaves the
# robust spread at 1.05: divided by the standard deviation, every other point of that feature
# would be squeezed into a sliver near 0.

# %% [markdown] slideshow={"slide_type": "skip"}
# ## References
#
# - A. P. Dempster, N. M. Laird, D. B. Rubin (1977). Maximum likelihood from incomplete data via
#   the EM algorithm. *Journal of the Royal Statistical Society B* 39(1), 1–38.
# - C. M. Bishop (2006). *Pattern Recognition and Machine Learning*, Springer, chapter 9
#   (§9.2.1: the singularities of the mixture likelihood; §9.4: EM in general).
# - C. Fraley, A. E. Raftery (2007). Bayesian regularization for normal mixture estimation and
#   model-based clustering. *Journal of Classification* 24, 155–181 (a conjugate prior on the
#   means and covariances that removes the singularities; a relative of the penalty used here,
#   with a different M-step).
# - P. Blanchard, D. J. Higham, N. J. Higham (2021). Accurate computation of the log-sum-exp and
#   softmax functions. *IMA Journal of Numerical Analysis* 41(4), 2311–2330.
# - W. W. Hager (1984). Condition estimates. *SIAM Journal on Scientific and Statistical
#   Computing* 5(2), 311–316.
# - N. J. Higham (1988). FORTRAN codes for estimating the one-norm of a real or complex matrix,
#   with applications to condition estimation. *ACM Transactions on Mathematical Software* 14(4),
#   381–396.
# - E. W. Forgy (1965). Cluster analysis of multivariate data: efficiency versus
#   interpretability of classifications. *Biometrics* 21, 768–769 (Forgy seeds).
# - A. Collet, "Tutorial on Painless Gaussian Mixture Models" (the README of his C++
#   implementation, the GitHub repository `alvarocollet/painless_gmm`): log-domain EM, logsumexp, RCOND, whitening and the
#   K-means start, the fixes this notebook builds up.
