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
# # Solutions · 01 · EM on one-dimensional data
#
# Worked solutions to the exercises of [01 · EM on one-dimensional data](../01_em_1d.ipynb),
# with the reasoning behind each. Try an exercise before reading its solution: the checkers'
# hints are written to get you there. Every coding solution ends with the exercise's own
# checker call, and passes it.

# %%
# %matplotlib inline
import numpy as np
from scipy.special import logsumexp
from scipy.stats import multivariate_normal

from gmmlib import painless_em
from gmmlib.datasets import gmm_example_1d
from gmmlib.exercises import check_e_step, check_m_step

np.set_printoptions(precision=3, suppress=True)
X, true_labels = gmm_example_1d(random_state=0)
results = {K: painless_em(X, K, init="equal-range", prior=0) for K in range(1, 5)}  # as in the notebook

# %% [markdown]
# ## Exercise 1 · The M-step
#
# The M-step refits each component to its share of the data. Everything follows from one
# number per component, its total responsibility $N_k = \sum_i r_{ik}$ (the column sums of
# `resp`):
#
# - the weight is the share of the data: $\pi_k = N_k / N$;
# - the mean is a weighted average: $\mu_k = \sum_i r_{ik} x_i / N_k$, one matrix product
#   `resp.T @ X` for all components at once;
# - the covariance is the weighted average of the outer products of the deviations from the
#   NEW mean: $\Sigma_k = \sum_i r_{ik} (x_i - \mu_k)(x_i - \mu_k)^\top / N_k$. With the deviations
#   $D = X - \mu_k$ as rows, that is `(r[:, None] * D).T @ D / N_k`.
#
# Two traps. The divisor is $N_k$, not $N_k - 1$: EM needs the maximum-likelihood estimate,
# the one that maximises the expected log-likelihood, not the unbiased one. And `uint8` pixels
# must become floats before any product: in `uint8` arithmetic 200 × 200 wraps around to 64.

# %% tags=["solution", "nbval-check-output"]
def my_m_step(X, resp):
    X = np.asarray(X, dtype=float)          # uint8 pixels: square in float64, never in uint8
    Nk = resp.sum(axis=0)                   # total responsibility of each component
    weights = Nk / len(X)
    means = resp.T @ X / Nk[:, None]
    covariances = np.empty((len(Nk), X.shape[1], X.shape[1]))
    for k in range(len(Nk)):
        D = X - means[k]                    # deviations from the NEW mean
        covariances[k] = (resp[:, k, None] * D).T @ D / Nk[k]
    return weights, means, covariances


check_m_step(my_m_step)

# %% [markdown]
# ## Exercise 2 · An E-step that survives far-away points
#
# The literal version computes $\pi_k \mathcal N(x_i \mid \mu_k, \Sigma_k)$ and divides by the
# row sum. For a pixel more than about 38 standard deviations from every component, each of
# those densities is below the smallest float64 and becomes 0.0, so the row is 0/0 = NaN. The
# checker's hostile case has green pixels far from a red and a blue component: the numbers that
# matter are perfectly ordinary in the log domain.

# %%
green = np.array([[41.0, 199.0, 42.0]])
means = np.array([[200.0, 40, 40], [40, 40, 200]])
cov = np.eye(3) * 4.0
log_dens = np.array([multivariate_normal(m, cov).logpdf(green) for m in means])
print("densities:    ", np.exp(log_dens))
print("log-densities:", log_dens.round(1))

# %% [markdown]
# So we never leave the log domain: $a_{ik} = \log \pi_k + \log \mathcal N(x_i \mid \mu_k, \Sigma_k)$,
# then $r_{ik} = \exp(a_{ik} - \operatorname{logsumexp}_k a_{ik})$. The logsumexp subtracts the
# largest $a_{ik}$ of the row before exponentiating, so the largest term is $e^0 = 1$ and the
# row sum can never be 0.
#
# Adding a tiny number to the denominator (1e-300) is not a fix: the far pixel's row becomes
# all zeros instead of NaN, so the point belongs to no component and silently drops out of the
# M-step, while the log domain says it clearly belongs to the blue component (its distance to
# blue is a little smaller, and a difference of 40 in log-density is a factor $e^{40}$).

# %% tags=["solution", "nbval-check-output"]
def my_e_step(X, weights, means, covariances):
    a = np.column_stack([np.log(w) + multivariate_normal(m, c).logpdf(X)
                         for w, m, c in zip(weights, means, covariances)])
    return np.exp(a - logsumexp(a, axis=1, keepdims=True))


check_e_step(my_e_step)

# %% [markdown]
# ## Exercise 3 · Which K?
#
# The log-likelihood grows with $K$:

# %% tags=["nbval-check-output"]
for K, run in results.items():
    print(f"K = {K}: log-likelihood {run.log_likelihood:8.2f}")
print("largest at K =", max(results, key=lambda K: results[K].log_likelihood))
ll = {K: run.log_likelihood for K, run in results.items()}
print(f"gain from K = 1 to 2: {ll[2] - ll[1]:.1f}; from K = 2 to 4: {ll[4] - ll[2]:.1f}")

# %% [markdown]
# It cannot do otherwise, up to EM landing on a local maximum: a mixture of $K + 1$ Gaussians
# contains every mixture of $K$ (give the extra component weight zero, or split one component
# into two identical halves), so its best fit is at least as good. Picking the $K$ with the
# largest log-likelihood would always pick the largest $K$ you try, and the extra components
# then fit the noise of this particular sample. Notice the sizes: from $K = 1$ to 2 the
# log-likelihood jumps by 92.7, from 2 to 4 it gains 1.3. A criterion that charges for
# each extra parameter sees this; BIC (notebook 04) picks $K = 2$:

# %% tags=["nbval-check-output"]
bic = {K: run.mixture.bic(X) for K, run in results.items()}
print("BIC:", {K: round(float(b), 1) for K, b in bic.items()}, " lowest at K =", min(bic, key=bic.get))

# %% [markdown]
# ## Exercise 4 · A better start
#
# The K-means start begins near the two bumps, so EM needs far fewer iterations than from the
# equal-range start, whose left Gaussian first has to give back the points of the wide bump it
# grabbed.

# %%
kmeans_run = painless_em(X, 2, init="kmeans", prior=0)
equal_run = results[2]
print("iterations: equal-range", equal_run.n_iter, " k-means", kmeans_run.n_iter)
same_means = np.allclose(np.sort(kmeans_run.mixture.means.ravel()), np.sort(equal_run.mixture.means.ravel()))
print("same sorted means (default tolerances):", same_means)
print("largest difference of the sorted means:",
      f"{np.abs(np.sort(kmeans_run.mixture.means.ravel()) - np.sort(equal_run.mixture.means.ravel())).max():.4f}")

# %% [markdown]
# The two runs end close together but not at the same numbers. Both climb to the same maximum,
# but each stops as soon as an iteration gains less than `tol` = 1e-4 per point, and they
# approach the top from different sides. Tighten the stopping rule and the difference all but
# disappears: same maximum, different paths.

# %%
tight = {init: painless_em(X, 2, init=init, tol=1e-10, max_iter=1000, prior=0)
         for init in ("equal-range", "kmeans")}
for init, run in tight.items():
    print(f"{init:12s}: {run.n_iter:3d} iterations, sorted means {np.sort(run.mixture.means.ravel())}")
print("same sorted means now:", np.allclose(*[np.sort(run.mixture.means.ravel()) for run in tight.values()]))
