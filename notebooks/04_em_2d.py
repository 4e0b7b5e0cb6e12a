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
# # 04 · EM in two dimensions: ellipses, choosing K, sampling
#
# In two dimensions each Gaussian has a $2 \times 2$ covariance matrix, and the picture of a
# component becomes an ellipse: its size, its elongation and its tilt are all in $\Sigma_k$.
# The EM steps are the same as in notebook 01, with vectors and matrices in place of numbers.
# This notebook fits the seed's `GMMExample_2D` data, chooses $K$ with BIC and AIC, draws new
# points from the fitted model and checks the result against scikit-learn.
#
# **Learning goals**
#
# - read a covariance matrix as an ellipse (axes = eigenvectors, half-lengths = $\sqrt{\text{eigenvalues}}$)
#   and a mixture as density contours;
# - follow EM iteration by iteration with sliders for $K$ and the iteration;
# - choose $K$ with the Bayesian and Akaike information criteria;
# - use the fitted mixture as a generator of new data;
# - compare with `sklearn.mixture.GaussianMixture`, allowing for the arbitrary order of components.

# %%
# %matplotlib inline
import matplotlib.pyplot as plt
import numpy as np
from IPython.display import HTML
from scipy.optimize import linear_sum_assignment
from sklearn.mixture import GaussianMixture

from gmmlib import painless_em, plotting
from gmmlib.datasets import seed_2d
from gmmlib.exercises import check_bic, check_n_parameters
from gmmlib.quiz import ask
from gmmlib.views import EMView

np.set_printoptions(precision=3, suppress=True)
rng = np.random.default_rng(0)  # the data, the fits and the samples below are all seeded
X, true_labels = seed_2d(random_state=0)

# %% [markdown]
# ## The data
#
# 200 points around $\mu_1 = (1, 2)$ with $\Sigma_1 = \begin{pmatrix} 3 & 0.2 \\ 0.2 & 2 \end{pmatrix}$
# and 100 around $\mu_2 = (-1, -2)$ with $\Sigma_2 = \mathrm{diag}(2, 1)$. The two clouds
# overlap: some points could belong to either.

# %%
fig, ax = plt.subplots(figsize=(5, 4))
plotting.scatter_2d(ax, X)
ax.set(title="The seed's 2-D data (labels hidden)", xlabel="$x_1$", ylabel="$x_2$")
plt.show()

# %% [markdown]
# ## Fit every K from 1 to 6, once
#
# Everything below (pictures, sliders, BIC) reads these six runs; nothing is refitted later.

# %% tags=["nbval-check-output"]
results = {K: painless_em(X, K, random_state=0) for K in range(1, 7)}
for K, run in results.items():
    print(run)

# %% [markdown]
# ## Ellipses and contours
#
# For component $k$ the ellipse is the set of points at two "standard deviations" from
# $\mu_k$, i.e. $(x - \mu_k)^\top \Sigma_k^{-1} (x - \mu_k) = 2^2$. Its axes point along the
# eigenvectors of $\Sigma_k$ and its half-lengths are $2\sqrt{\lambda}$ for the eigenvalues
# $\lambda$. The thin lines are contours of the mixture's log-density $\log p(x)$, and each point is
# coloured by its most probable component.

# %% tags=["nbval-check-output"]
fit = results[2].mixture
for k in range(2):
    eigvals, eigvecs = np.linalg.eigh(fit.covariances[k])
    width, height, angle = plotting.ellipse_geometry(fit.covariances[k])
    print(f"component {k}: mean {fit.means[k]}, eigenvalues {eigvals}, "
          f"ellipse {width:.2f} x {height:.2f} at {angle:.1f} degrees")

# %%
xx, yy, _ = plotting.grid_2d(X)
fig, ax = plt.subplots(figsize=(5.5, 4.5))
plotting.scatter_2d(ax, X, labels=fit.predict(X))
plotting.covariance_ellipses(ax, fit)
contours = plotting.density_contours(ax, fit, xx, yy)
fig.colorbar(contours, ax=ax, label="log p(x)")
ax.set(title="K = 2 after EM: 2-sigma ellipses and log-density contours",
       xlabel="$x_1$", ylabel="$x_2$")
plt.show()

# %% [markdown]
# ## Every iteration, every K
#
# Move **iteration** to watch the ellipses settle and **K** to switch between the six runs
# (▶ plays the iterations). The right panel is the log-likelihood of the run, with the current
# iteration in red. The sliders need a running kernel; the animation after it does not.

# %%
view = EMView(X, results, K=2)
view

# %%
HTML(view.to_jshtml(K=2))

# %% [markdown]
# ## Choosing K: BIC and AIC
#
# The log-likelihood keeps rising with $K$ (more components can only fit better), so it
# cannot choose $K$ by itself. Both criteria add a penalty for the number of free parameters
# $p$ (for full covariances in $d$ dimensions $p = (K-1) + Kd + K\,d(d+1)/2$):
#
# $$\mathrm{BIC} = -2 \log L + p \log N, \qquad \mathrm{AIC} = -2 \log L + 2p .$$
#
# Lower is better. BIC's penalty grows with the amount of data and is the harsher of the two.

# %% tags=["nbval-check-output"]
Ks = np.array(list(results))
bic = np.array([results[K].mixture.bic(X) for K in Ks])
aic = np.array([results[K].mixture.aic(X) for K in Ks])
for K, b, a in zip(Ks, bic, aic):
    print(f"K = {K}: parameters {results[K].mixture.n_parameters:2d}, "
          f"log L {results[K].log_likelihood:9.2f}, BIC {b:8.2f}, AIC {a:8.2f}")
print("best K by BIC:", Ks[bic.argmin()], " by AIC:", Ks[aic.argmin()])

# %%
fig, ax = plt.subplots(figsize=(5, 3.2))
ax.plot(Ks, bic, "o-", label="BIC")
ax.plot(Ks, aic, "s-", label="AIC")
ax.axvline(Ks[bic.argmin()], color="0.6", linestyle=":", label="lowest BIC")
ax.set(title="Information criteria over K (lower is better)", xlabel="K", ylabel="criterion")
ax.legend()
plt.show()

# %% [markdown]
# Both pick $K = 2$, the number of clouds the data came from. Move the view's **K** slider to
# 4, 5 or 6 to see what the extra components do: they split a cloud, which buys a little
# likelihood for many more parameters.
#
# ## Sampling from the fitted mixture
#
# A mixture is a generative model: pick a component with probabilities $\pi_k$, then draw from
# its Gaussian. `Mixture.sample(n, random_state)` does exactly that and also returns the
# component of each point. If the fit is good, the samples look like the data.

# %% tags=["nbval-check-output"]
samples, sample_labels = fit.sample(300, random_state=1)
print("fraction from each component:", np.bincount(sample_labels) / len(sample_labels),
      " weights:", fit.weights)
print("sample mean", samples.mean(axis=0), " data mean", X.mean(axis=0))

# %%
fig, axes = plt.subplots(1, 2, figsize=(9, 4), sharex=True, sharey=True)
plotting.scatter_2d(axes[0], X, labels=fit.predict(X))
axes[0].set(title="the data, coloured by the fit", xlabel="$x_1$", ylabel="$x_2$")
plotting.scatter_2d(axes[1], samples, labels=sample_labels)
axes[1].set(title="300 new points drawn from the fit", xlabel="$x_1$")
for ax in axes:
    plotting.covariance_ellipses(ax, fit)
plt.show()

# %% [markdown]
# ## Our result beside scikit-learn's
#
# `GaussianMixture(covariance_type="full")` runs the same EM. Both are stopped with a tight
# tolerance and no regularisation so that they must reach the same maximum. Its component 0
# need not be our component 0, though: EM has no preferred order, and each library's start
# decides which cluster gets which number (**label permutation**). So we first match
# components by their means (the pairing with the smallest total distance), then compare.

# %% tags=["nbval-check-output"]
ours = painless_em(X, 2, tol=1e-10, max_iter=1000, random_state=0)
sk = GaussianMixture(n_components=2, covariance_type="full", tol=1e-10, max_iter=1000,
                     reg_covar=0.0, random_state=0).fit(X)
distance = np.linalg.norm(ours.mixture.means[:, None, :] - sk.means_[None, :, :], axis=2)
_, match = linear_sum_assignment(distance)  # our component k <-> scikit-learn's match[k]
print("scikit-learn component for each of ours:", match)
print("largest difference in weights:    ", f"{np.abs(ours.mixture.weights - sk.weights_[match]).max():.4f}")
print("largest difference in means:      ", f"{np.abs(ours.mixture.means - sk.means_[match]).max():.4f}")
print("largest difference in covariances:", f"{np.abs(ours.mixture.covariances - sk.covariances_[match]).max():.4f}")
print(f"log-likelihood: ours {ours.log_likelihood:.3f}, scikit-learn {sk.score(X) * len(X):.3f}")

# %% [markdown]
# The parameters agree to at least four decimals; what is left is the difference between two
# stopping rules.
# The same permutation issue hits any comparison of labels: `fit.predict(X)` and
# `true_labels` may agree on the clusters and still swap the numbers 0 and 1.

# %% [markdown]
# ## Exercises
#
# The coding exercises end with a checker from `gmmlib.exercises` that prints ✓ or the case
# that failed, with its inputs and a hint. Stuck? Worked solutions, with the reasoning, are in
# [`solutions/04_em_2d_solutions.ipynb`](solutions/04_em_2d_solutions.ipynb).
#
# ### Exercise 1 · BIC by hand
#
# Complete `my_bic(mixture, X)` from `mixture.log_likelihood(X)`, `mixture.n_parameters` and
# `len(X)`. The checker compares it with `mixture.bic(X)` on mixtures of its own.

# %% tags=["exercise"]
def my_bic(mixture, X):
    raise NotImplementedError("your code here")


check_bic(my_bic)


# %% [markdown]
# ### Exercise 2 · Counting parameters
#
# Write `n_free(K, d)`, the number of free parameters of a full-covariance mixture of $K$
# components in $d$ dimensions (why $K - 1$ weights and not $K$? why $d(d+1)/2$ per
# covariance?). The checker compares with `Mixture.n_parameters`. How many parameters would a
# 3-component mixture of RGB colours ($d = 3$) have? (The quiz asks.)

# %% tags=["exercise"]
def n_free(K, d):
    raise NotImplementedError("your code here")


check_n_parameters(n_free)

# %% [markdown]
# ### Exercise 3 · Refit from samples
#
# Draw 3000 points from `fit` with `fit.sample(3000, random_state=2)`, fit
# `painless_em(..., 2)` to them and match the components as above. Are the recovered means
# within 0.2 of `fit.means` (`np.allclose(..., atol=0.2)`)? What happens with 100 points?
#
# ### Exercise 4 · Label agreement
#
# Compute the fraction of points where `fit.predict(X)` equals `true_labels`, taking the
# permutation into account. Which points disagree, and where are they on the scatter plot?
#
# ## Summary
#
# - In $d$ dimensions a component is a mean and a covariance; its 2-sigma ellipse shows the
#   covariance's eigenvectors and eigenvalues, and the mixture's contours show $\log p(x)$.
# - EM in 2-D is the 1-D algorithm with vectors and matrices; the history lets the sliders show
#   any iteration of any $K$ without refitting.
# - The log-likelihood cannot choose $K$; BIC and AIC trade it against the parameter count, and
#   both choose $K = 2$ here.
# - A fitted mixture generates new data with `sample`.
# - Our EM and scikit-learn's agree once components are matched: component numbers are arbitrary.
#
# ## Quiz
#
# Set `response=` to the number of an option (or a number) and run the cell; `response="?"`
# shows the answer.

# %% tags=["quiz", "nbval-check-output"]
ask("Which K does BIC choose for the seed's 2-D data (K = 1 to 6)?",
    None,
    response=None,
    answer=2,
    explain="K = 2, the number of clouds the data came from: beyond it the log-likelihood still "
            "rises a little, but each extra component costs 6 parameters times log N in BIC.")

# %% tags=["quiz", "nbval-check-output"]
ask("How many free parameters has a full-covariance mixture of K = 3 components in d = 3 "
    "dimensions (RGB colours)?",
    None,
    response=None,
    answer=29,
    explain="(K - 1) + K d + K d (d + 1) / 2 = 2 + 9 + 18 = 29: two free weights (the third is "
            "1 minus the others), three 3-D means, three symmetric 3 x 3 covariances of 6 entries each.")

# %% tags=["quiz", "nbval-check-output"]
ask("Our component 0 matches scikit-learn's component 1 (and 1 matches 0). What does that tell you?",
    ["the two fits disagree", "nothing: component numbers are arbitrary",
     "scikit-learn sorts components by weight"],
    response=None,
    answer=2, why={1: "Once matched, the weights, means and covariances agree to four decimals.",
                   3: "It does not sort them: the order comes from each library's start."},
    explain="A mixture is the same model whatever order its components are listed in (label "
            "permutation); each library's start decides the numbering, so compare after matching.")
