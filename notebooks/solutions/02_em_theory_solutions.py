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
# # Solutions · 02 · Why EM works
#
# Worked solutions to the exercises of [02 · Why EM works](../02_em_theory.ipynb), with the
# reasoning behind each. Try an exercise before reading its solution: the checker's hints are
# written to get you there. The coding solution ends with the exercise's own checker call, and
# passes it.

# %%
# %matplotlib inline
import numpy as np
from scipy.special import logsumexp, xlogy

from gmmlib import Mixture, painless_em
from gmmlib.datasets import gmm_example_1d
from gmmlib.exercises import check_lower_bound
from gmmlib.whitening import robust_scale

np.set_printoptions(precision=3, suppress=True)
X, _ = gmm_example_1d(random_state=0)
counts = np.ones_like(X)

# %% [markdown]
# ## Exercise 1 · Jensen's lower bound
#
# The bound is a double sum, over points $i$ (each weighted by its count $c_i$) and over
# components $k$ (each weighted by $q_{ik}$), of $a_{ik} - \log q_{ik}$ with
# $a_{ik} = \log p(x_i, z_i = k \mid \theta)$. Written as arrays: `q * (log_joint - log q)`
# summed over the components (axis 1), then the dot product with `counts`.
#
# The shipped start computed only $\sum_i c_i \sum_k q_{ik} a_{ik}$: that is $Q$, the expected
# complete-data log-likelihood, which lies below $\log L$ even at $q = r$. Jensen's bound adds
# the entropy of $q$, $-\sum_k q_{ik} \log q_{ik} \ge 0$, and it is this term that makes the
# bound touch $\log L$ at $q = r$: there $a_{ik} - \log r_{ik} = \log p(x_i)$ for every $k$,
# so the inner sum is $\log p(x_i) \sum_k r_{ik} = \log p(x_i)$.
#
# Two traps. A component with $q_{ik} = 0$ contributes nothing (the limit of $q \log q$ as
# $q \to 0$ is 0), but numpy computes `0 * np.log(0)` as `0 * -inf = nan`;
# `scipy.special.xlogy(q, q)` returns exactly 0 there. And $e^{a_{ik}}$ is never needed:
# for a point 1000 log-units away, `np.log(np.exp(a))` is `log(0) = -inf`, while the formula
# uses $a_{ik}$ as it is.

# %% tags=["solution", "nbval-check-output"]
def my_lower_bound(q, log_joint, counts):
    inner = (q * log_joint - xlogy(q, q)).sum(axis=1)  # sum_k q_ik (a_ik - log q_ik); 0 log 0 = 0
    return float(counts @ inner)                       # weighted by the counts c_i


check_lower_bound(my_lower_bound)

# %% [markdown]
# The two properties the lecture used, on the `GMMExample_1D` data: at $q = r$ the bound equals
# $\log L$; for any other $q$ it is lower, by exactly $\sum_i c_i\, \mathrm{KL}(q_i \,\|\, r_i)$
# (the gap form the notebook's `lower_bound` computes). A uniform $q$ and the hard labels of
# the largest responsibility (K-means' choice) both fall short:

# %% tags=["nbval-check-output"]
mixture = painless_em(X, 2, init="equal-range", max_iter=3, tol=None, prior=0).mixture
a = mixture.weighted_log_density(X)
r = mixture.responsibilities(X)
log_L = mixture.log_likelihood(X, counts)
choices = {"q = r (the E-step)": r, "q uniform": np.full_like(r, 0.5),
           "q = hard labels": np.eye(2)[r.argmax(axis=1)]}
print(f"log L = {log_L:.2f}")
for name, q in choices.items():
    bound = my_lower_bound(q, a, counts)
    kl = (xlogy(q, q) - q * (a - logsumexp(a, axis=1, keepdims=True))).sum(axis=1)
    gap, total_kl = round(log_L - bound, 2) + 0.0, round(counts @ kl, 2) + 0.0  # + 0.0: no "-0.00"
    print(f"{name:20s} B = {bound:8.2f}   log L - B = {gap:6.2f}   sum of KL(q_i || r_i) = {total_kl:6.2f}")

# %% [markdown]
# ## Exercise 2 · The M-step with a prior
#
# Only the covariance terms change. For one component, the part of the penalised $Q$ that
# depends on $\Sigma_k$ is, with $P = \Sigma_k^{-1}$ and $S_k$ the M-step without the prior,
#
# $$\tfrac12 N_k \log\det P - \tfrac12 \operatorname{tr}\big(P\, N_k S_k\big) - \tfrac12 \operatorname{tr}(\Lambda P),$$
#
# because $\sum_i c_i r_{ik} (x_i - \mu_k)^\top P (x_i - \mu_k) = \operatorname{tr}\big(P \sum_i c_i r_{ik}
# (x_i - \mu_k)(x_i - \mu_k)^\top\big) = \operatorname{tr}(P\, N_k S_k)$. The derivative with respect to $P$
# (symmetric) is $\tfrac12 N_k P^{-1} - \tfrac12 N_k S_k - \tfrac12 \Lambda$; setting it to zero gives
#
# $$\Sigma_k = P^{-1} = S_k + \frac{\Lambda}{N_k}.$$
#
# The means do not change: the penalty does not depend on $\mu_k$. Since $S_k$ is positive
# semi-definite, every variance is at least the diagonal of $\Lambda / N_k$, that is
# $\lambda_0 \frac{\sum_i c_i}{N_k} s^2 = \frac{\lambda_0}{\pi_k} s^2 \ge \lambda_0 s^2$ (using
# $N_k \le \sum_i c_i$): a component can no longer shrink onto one point, so the penalised
# objective is bounded and EM climbs to a real maximum.
#
# The check: one iteration of `painless_em` with `prior=0.01` against the formula, from the
# same start. $\Lambda = \lambda_0 \sum_i c_i\, s^2$ with $s$ from `robust_scale`.

# %% tags=["nbval-check-output"]
prior = 0.01
run = painless_em(X, 2, init="equal-range", max_iter=1, tol=None, prior=prior)
start, after = run.history.mixture(0), run.history.mixture(1)

r = start.responsibilities(X)
Nk = counts @ r
means = (counts[:, None] * r).T @ X / Nk
S = (counts[:, None] * r * (X[:, None] - means) ** 2).sum(axis=0) / Nk
Lam = prior * counts.sum() * robust_scale(X, counts)[0] ** 2
print("S_k (no prior):        ", S)
print("S_k + Lambda / N_k:    ", S + Lam / Nk)
print("painless_em, prior 0.01:", after.covariances.ravel())
print("same:", np.allclose(S + Lam / Nk, after.covariances.ravel()),
      "  means unchanged:", np.allclose(means, after.means.ravel()))
