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
# # Solutions · 04 · EM in two dimensions
#
# Worked solutions to the exercises of [03 · EM in two dimensions](../04_em_2d.ipynb), with the
# reasoning behind each. Try an exercise before reading its solution. The coding solutions end
# with the exercise's own checker call, and pass it.

# %%
# %matplotlib inline
import matplotlib.pyplot as plt
import numpy as np
from scipy.optimize import linear_sum_assignment

from gmmlib import painless_em, plotting
from gmmlib.datasets import seed_2d
from gmmlib.exercises import check_bic, check_n_parameters

np.set_printoptions(precision=3, suppress=True)
X, true_labels = seed_2d(random_state=0)
fit = painless_em(X, 2, random_state=0).mixture


def match(a, b):
    """Order of b's components that best matches a's (smallest total distance between means)."""
    _, order = linear_sum_assignment(np.linalg.norm(a.means[:, None] - b.means[None], axis=2))
    return order


# %% [markdown]
# ## Exercise 1 · BIC by hand
#
# $\mathrm{BIC} = -2 \log L + p \log N$ with the natural logarithm, $p$ the number of free
# parameters and $N$ the number of points. The first term rewards fit; the second charges
# $\log N$ per parameter, a price that grows with the amount of data (AIC charges a flat 2).
# BIC comes from an approximation of the evidence $p(\text{data} \mid K)$ for large $N$, which
# is why its penalty involves $N$.

# %% tags=["solution", "nbval-check-output"]
def my_bic(mixture, X):
    return -2 * mixture.log_likelihood(X) + mixture.n_parameters * np.log(len(X))


check_bic(my_bic)

# %% [markdown]
# ## Exercise 2 · Counting parameters
#
# - Weights: $K$ numbers, but they sum to 1, so the last is fixed by the others: $K - 1$.
# - Means: $K$ vectors of $d$ numbers: $K d$.
# - Covariances: each is a symmetric $d \times d$ matrix, so the entries below the diagonal
#   repeat those above: $d$ on the diagonal plus $d(d-1)/2$ off it, $d(d+1)/2$ in all, per
#   component.
#
# For RGB colours ($d = 3$) and $K = 3$: $2 + 9 + 3 \cdot 6 = 29$.

# %% tags=["solution", "nbval-check-output"]
def n_free(K, d):
    return (K - 1) + K * d + K * d * (d + 1) // 2


check_n_parameters(n_free)

# %%
print("K = 3 components of RGB colours:", n_free(3, 3), "free parameters")

# %% [markdown]
# ## Exercise 3 · Refit from samples
#
# A fitted mixture is a generator: draw from it, fit again, and compare the recovered means with
# the ones we drew from (after matching the components, whose order is arbitrary).

# %%
for n in (3000, 100):
    samples, _ = fit.sample(n, random_state=2)
    refit = painless_em(samples, 2).mixture
    recovered = refit.means[match(fit, refit)]
    print(f"{n:5d} points: largest error of a mean coordinate {np.abs(recovered - fit.means).max():.3f}, "
          f"within 0.2: {np.allclose(recovered, fit.means, atol=0.2)}")

# %% [markdown]
# With 3000 points the means come back within 0.2; with 100 they need not. A mean estimated
# from $n$ points has a standard error of about $\sigma / \sqrt n$, and here the two clouds
# overlap, so some points are shared between the components and the effective $n$ is smaller
# still. One draw is one draw: repeat over several seeds to see the trend, which falls roughly
# like $1 / \sqrt n$.

# %%
for n in (100, 300, 1000, 3000, 10000):
    errors = []
    for seed in range(2, 7):
        refit = painless_em(fit.sample(n, random_state=seed)[0], 2).mixture
        errors.append(np.abs(refit.means[match(fit, refit)] - fit.means).max())
    print(f"{n:6d} points: median error {np.median(errors):.3f} over 5 draws")

# %% [markdown]
# ## Exercise 4 · Label agreement
#
# `fit.predict(X)` numbers the components in its own way, so we count the agreement both ways
# and keep the better one (with two components there are only two ways to match them).

# %%
labels = fit.predict(X)
if np.mean(labels == true_labels) < 0.5:
    labels = 1 - labels                 # the other numbering of the two components
disagree = labels != true_labels
confidence = fit.responsibilities(X).max(axis=1)
print(f"agreement {np.mean(~disagree):.1%}: {disagree.sum()} points disagree")
print(f"mean largest responsibility: {confidence[disagree].mean():.2f} where they disagree, "
      f"{confidence[~disagree].mean():.2f} elsewhere")

# %%
fig, ax = plt.subplots(figsize=(5.5, 4.5))
plotting.scatter_2d(ax, X, labels=labels)
plotting.covariance_ellipses(ax, fit)
ax.scatter(*X[disagree].T, s=160, facecolors="none", edgecolors="black", linewidths=1.5,
           label="label differs from the truth")
ax.set(title="Where the fitted labels and the truth disagree", xlabel="$x_1$", ylabel="$x_2$")
ax.legend(loc="lower right", fontsize="small")
plt.show()

# %% [markdown]
# The disagreements sit where the two clouds overlap, between the ellipses, and the fit is
# much less sure of them than of the rest. A point drawn from one Gaussian can land where the
# other is more likely; the maximum-posterior label then names the other cloud, and no method
# that sees only the point's position could do better. These errors come from the data, not
# from EM.
