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
# # 02 · Why EM works: hidden labels, the M-step derived, and a lower bound
#
# Why the log-likelihood of notebook 01 has to climb, and where the update formulas come from.

# %% [markdown] slideshow={"slide_type": "notes"}
# Notebook 01 ran EM and watched the log-likelihood climb. This notebook explains why it has
# to climb, and where the update formulas come from. Every claim is checked with numbers on
# the same 300 points, so it can be seen, not only read.

# %% [markdown] slideshow={"slide_type": "subslide"}
# **Learning goals**
#
# - a mixture as a two-stage experiment with a hidden label $z_i$;
# - the M-step derived, the weights with a Lagrange multiplier;
# - Jensen's inequality: EM never lowers $\log L$;
# - K-means as a limit of EM.

# %% [markdown] slideshow={"slide_type": "notes"}
# By the end of this notebook you should be able to:
#
# - describe a Gaussian mixture as a two-stage random experiment with a hidden label $z_i$,
#   and write the complete-data likelihood;
# - derive the M-step for weighted data (counts $c_i$), including the Lagrange multiplier that
#   makes the weights $\pi_k$ sum to one;
# - explain with Jensen's inequality why one EM iteration never lowers the log-likelihood, and
#   read EM as coordinate ascent on a lower bound;
# - see K-means appear as the limit of EM when every variance shrinks to zero.

# %% [markdown] slideshow={"slide_type": "subslide"}
# **Notation (the same in every notebook)**
#
# - data $x_i$ with counts $c_i$, $i = 1 \dots N$;
# - components $k = 1 \dots K$: $\pi_k$, $\mu_k$, $\Sigma_k$, together $\theta$;
# - responsibilities $r_{ik}$, and $N_k = \sum_i c_i\, r_{ik}$;
# - $\log L(\theta) = \sum_i c_i \log p(x_i \mid \theta)$.

# %% [markdown] slideshow={"slide_type": "notes"}
# The counts are $c_i = 1$ for plain data, and the number of pixels at a level for a histogram.
# Component $k$ has the weight $\pi_k$, the mean $\mu_k$ and the covariance $\Sigma_k$ (the
# variance $\sigma_k^2$ in 1-D); all of them together form the parameters
# $\theta = (\pi_k, \mu_k, \Sigma_k)_{k}$. $\log L(\theta)$ is the log-likelihood.
#
# The code numbers components from 0, as Python does: `means[0]` is $\mu_1$.

# %% slideshow={"slide_type": "skip"}
# %matplotlib inline
import matplotlib.pyplot as plt
import numpy as np
from scipy.special import logsumexp
from scipy.stats import norm
from sklearn.cluster import KMeans

from gmmlib import Mixture, painless_em, plotting
from gmmlib.datasets import gmm_example_1d, gmm_example_2d
from gmmlib.exercises import check_lower_bound
from gmmlib.quiz import ask

plt.rcParams.update(plotting.STYLE)  # 12 pt text, colour-blind-safe component colours
np.set_printoptions(precision=3, suppress=True)
X, true_labels = gmm_example_1d(random_state=0)  # 100 points from N(10, 1), 200 from N(20, 3^2)
counts = np.ones_like(X)                  # c_i = 1: plain data

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 1 · A mixture is a random experiment with a hidden step
#
# Pick a label $z_i = k$ with probability $\pi_k$, then draw $x_i$ from that Gaussian. Summing
# the hidden label out gives the density:
#
# $$p(x_i) = \sum_{k=1}^{K} p(z_i = k)\, p(x_i \mid z_i = k)
#          = \sum_{k=1}^{K} \pi_k\, \mathcal N(x_i \mid \mu_k, \Sigma_k).$$

# %% [markdown] slideshow={"slide_type": "notes"}
# To draw one point from a mixture, first pick a component $z_i = k$ with probability $\pi_k$,
# then draw $x_i$ from that component's Gaussian. The label $z_i$ is a **latent** (hidden)
# variable: it exists in the story that generated the data, but we only observe $x_i$.
# Summing the hidden step out, over every value the label could have taken, gives the mixture
# density above.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The two stages in code: `Mixture.sample` returns $x_i$ and $z_i$

# %% slideshow={"slide_type": "-"}
truth = Mixture([1 / 3, 2 / 3], [[10.0], [20.0]], [[[1.0]], [[9.0]]])
x_new, z_new = truth.sample(300, random_state=1)

fig, ax = plt.subplots(figsize=(9, 3.0))
bins = np.linspace(0, 32, 40)
for k in range(2):
    ax.hist(x_new[z_new == k, 0], bins=bins, color=plotting.colour(k), alpha=0.7,
            label=f"hidden label $z = {k + 1}$")
ax.set(title="Sampling a mixture: first a label, then a Gaussian", xlabel="$x$", ylabel="count")
ax.legend()
plt.show()

# %% [markdown] slideshow={"slide_type": "notes"}
# `Mixture.sample` performs exactly the two stages: it draws the labels, then each point from
# its label's Gaussian. The colours show the labels it returns. Real data come without them:
# we would see only the total histogram, and where the two groups overlap, the value of a
# point does not tell which component drew it.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 2 · If the labels were known, fitting would be easy
#
# The **complete-data** log-likelihood splits into one term per component:
#
# $$\log p(x, z \mid \theta) = \sum_i \sum_k [z_i = k]\,\big(\log \pi_k + \log \mathcal N(x_i \mid \mu_k, \Sigma_k)\big).$$
#
# Each group is fitted alone:

# %% slideshow={"slide_type": "fragment"} tags=["nbval-check-output"]
for k in range(2):
    group = X[true_labels == k]
    print(f"group {k + 1}: fraction {group.size / X.size:.3f}, mean {group.mean():6.2f}, "
          f"std {group.std():.2f}")

# %% [markdown] slideshow={"slide_type": "notes"}
# Suppose we saw the pairs $(x_i, z_i)$. Their joint probability is the
# **complete-data likelihood**
#
# $$p(x, z \mid \theta) = \prod_i \pi_{z_i}\, \mathcal N(x_i \mid \mu_{z_i}, \Sigma_{z_i}),$$
#
# and its logarithm is the sum on the slide, where $[z_i = k]$ is 1 when the statement is true
# and 0 otherwise. The sum splits into one term per component, so each Gaussian is fitted to
# its own points: the mean and variance of group $k$, and $\pi_k$ = the fraction of points in
# group $k$. The cell does this on the `GMMExample_1D` data, whose `true_labels` are known.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 3 · The E-step replaces the unknown labels by their probabilities
#
# Bayes' rule, with the current parameters $\theta^{\text{old}}$:
#
# $$r_{ik} = p(z_i = k \mid x_i, \theta^{\text{old}}) = \frac{\pi_k^{\text{old}}\, \mathcal N(x_i \mid \mu_k^{\text{old}}, \Sigma_k^{\text{old}})}{\sum_j \pi_j^{\text{old}}\, \mathcal N(x_i \mid \mu_j^{\text{old}}, \Sigma_j^{\text{old}})} .$$

# %% [markdown] slideshow={"slide_type": "notes"}
# We do not see $z_i$. Given the current parameters $\theta^{\text{old}}$, Bayes' rule gives
# the probability of each label: the prior probability $\pi_k$ of the label, times the
# density of $x_i$ under that label, divided by the density of $x_i$ under the mixture.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### What the M-step maximises
#
# Replace $[z_i = k]$ by its expected value $r_{ik}$:
#
# $$Q(\theta \mid \theta^{\text{old}}) = \sum_i c_i \sum_k r_{ik}\, \big(\log \pi_k + \log \mathcal N(x_i \mid \mu_k, \Sigma_k)\big)$$
#
# In the M-step, the $r_{ik}$ are fixed numbers.

# %% [markdown] slideshow={"slide_type": "notes"}
# Replacing the indicator $[z_i = k]$ by its expected value $r_{ik}$ turns the complete-data
# log-likelihood into the function $Q$ the M-step maximises over new parameters $\theta$ (with
# counts $c_i$ for weighted data). The $r_{ik}$ depend on $\theta^{\text{old}}$ only: in the
# M-step they are fixed numbers, and we differentiate with respect to $\theta$ alone.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 4 · The M-step, derived
#
# **Weights.** Maximise $\sum_k N_k \log \pi_k$ under $\sum_k \pi_k = 1$, with a Lagrange
# multiplier $\lambda$:
#
# $$\frac{\partial}{\partial \pi_k}\Big[\sum_j N_j \log \pi_j + \lambda\big(1 - \sum_j \pi_j\big)\Big]
#   = \frac{N_k}{\pi_k} - \lambda = 0
#   \;\Rightarrow\; \pi_k = \frac{N_k}{\lambda} = \frac{N_k}{\sum_i c_i}.$$

# %% [markdown] slideshow={"slide_type": "notes"}
# $Q$ separates into a part for the weights and one part per Gaussian, so each part is
# maximised on its own.
#
# The weights' part is $\sum_k N_k \log \pi_k$ (with $N_k = \sum_i c_i r_{ik}$), to be
# maximised under the constraints $\sum_k \pi_k = 1$ and $\pi_k \ge 0$. The equality is
# handled with a Lagrange multiplier $\lambda$, and the inequalities are checked afterwards.
# Setting the derivative to zero gives $\pi_k = N_k / \lambda$, and summing over $k$ gives
# $\lambda = \sum_k N_k = \sum_i c_i$ (the total count, $N$ for plain data), so
# $\pi_k = N_k / \sum_i c_i$. Every $N_k \ge 0$, so this $\pi_k \ge 0$: the inequalities hold
# without being imposed. (If some $N_k = 0$, its $\pi_k = 0$ sits on the boundary, where
# $\log \pi_k$ is $-\infty$ but $N_k \log \pi_k$ is taken as 0.)

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Means and variances, in 1-D
#
# Component $k$'s part of $Q$, with $v_k = \sigma_k^2$:
#
# $$Q_k = \sum_i c_i r_{ik} \Big(-\tfrac12 \log (2\pi v_k) - \frac{(x_i - \mu_k)^2}{2 v_k}\Big).$$
#
# Its zero derivatives give a weighted mean and a weighted variance:
#
# $$\mu_k = \frac{1}{N_k} \sum_i c_i r_{ik}\, x_i, \qquad v_k = \frac{1}{N_k} \sum_i c_i r_{ik}\, (x_i - \mu_k)^2 .$$

# %% [markdown] slideshow={"slide_type": "notes"}
# The derivative by the mean is
# $\partial Q_k / \partial \mu_k = \sum_i c_i r_{ik} (x_i - \mu_k) / v_k$; it vanishes at the
# weighted mean. The derivative by the variance is
# $\partial Q_k / \partial v_k = \sum_i c_i r_{ik} \big(-\frac{1}{2 v_k} + \frac{(x_i - \mu_k)^2}{2 v_k^2}\big)$;
# multiplied by $2 v_k^2$ and set to zero, it gives the weighted variance around the new mean.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Means and covariances, in $d$ dimensions
#
# The square becomes an outer product:
#
# $$\mu_k = \frac{1}{N_k} \sum_i c_i\, r_{ik}\, x_i , \qquad
#   \Sigma_k = \frac{1}{N_k} \sum_i c_i\, r_{ik}\, (x_i - \mu_k)(x_i - \mu_k)^\top .$$
#
# The matrix-calculus derivation is in *Going further*, at the end.

# %% [markdown] slideshow={"slide_type": "notes"}
# In $d$ dimensions the same steps need derivatives by a vector and by a matrix. The result
# has the same shape as in 1-D: a weighted mean, and a weighted covariance around it. *Going
# further: the M-step in d dimensions*, at the end of the notebook, derives it with two rules
# of matrix calculus; the lecture takes the result.
#
# These are the formulas of notebook 01, now with counts. For an image histogram, $x_i$ is an
# intensity level and $c_i$ the number of pixels at that level, so the sums run over 256 levels
# instead of every pixel (notebook 05 relies on this).

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The E-step in code
#
# In 1-D, from the log joint
# $a_{ik} = \log \pi_k + \log \mathcal N(x_i \mid \mu_k, \sigma_k^2) = \log p(x_i, z_i = k \mid \theta)$:

# %% slideshow={"slide_type": "-"}
def log_joint_1d(data, weights, means, variances):
    """a_ik = log pi_k + log N(x_i | mu_k, sigma_k^2), shape (N, K)."""
    return np.log(weights) + norm.logpdf(data[:, None], means, np.sqrt(variances))


def posterior(a):
    """r_ik = exp(a_ik - log p(x_i)), computed without leaving the logs."""
    return np.exp(a - logsumexp(a, axis=1, keepdims=True))


# %% [markdown] slideshow={"slide_type": "notes"}
# The log joint $a_{ik}$ holds everything the E-step, $Q$ and $\log L$ need, and the code
# works with it instead of the densities themselves: a density far out in a tail is 0.0 in
# floating point, while its logarithm is an ordinary number. A parameter set $\theta$ is the
# triple `(weights, means, variances)`.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### $Q$ and the M-step in code
#
# The derived formulas, for 1-D data with counts:

# %% slideshow={"slide_type": "-"}
def q_function(resp, a, counts):
    """Q = sum_i c_i sum_k r_ik a_ik."""
    return float(counts @ (resp * a).sum(axis=1))


def m_step(resp, counts, data):
    """The derived M-step for 1-D data with counts c_i: theta = (weights, means, variances)."""
    cr = resp * counts[:, None]
    Nk = cr.sum(axis=0)
    means = cr.T @ data / Nk
    variances = (cr * (data[:, None] - means) ** 2).sum(axis=0) / Nk
    return Nk / counts.sum(), means, variances


# %% [markdown] slideshow={"slide_type": "notes"}
# `m_step` is the slide's formulas, line by line: `cr` holds the products $c_i r_{ik}$, their
# column sums are the $N_k$, and the weights, means and variances follow.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### A check of the derivation
#
# $Q$ at the M-step's result against $Q$ at 2000 random perturbations of it:

# %% slideshow={"slide_type": "-"} tags=["nbval-check-output"]
start = painless_em(X, 2, init="equal-range", max_iter=0).mixture
resp = posterior(log_joint_1d(X, start.weights, start.means.ravel(), start.covariances.ravel()))
w_best, mu_best, var_best = m_step(resp, counts, X)
q_best = q_function(resp, log_joint_1d(X, w_best, mu_best, var_best), counts)

rng = np.random.default_rng(0)
wins = 0
for _ in range(2000):
    w = np.clip(w_best + rng.normal(0, 0.05, 2), 0.01, None)
    mu, var = mu_best + rng.normal(0, 0.5, 2), var_best * np.exp(rng.normal(0, 0.2, 2))
    wins += q_function(resp, log_joint_1d(X, w / w.sum(), mu, var), counts) > q_best
print("perturbations with a larger Q:", wins, "of 2000")

# %% [markdown] slideshow={"slide_type": "notes"}
# A numerical check of the derivation: start from the equal-range mixture, compute $r_{ik}$,
# apply the formulas, and compare $Q$ at the result with $Q$ at 2000 random perturbations of
# it: the weights are jittered and renormalised so that they keep summing to one, the means
# shifted, the variances scaled. If the formulas maximise $Q$, no perturbation can win.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 5 · Why the log-likelihood never goes down
#
# For any probabilities $q_{ik}$ over the components, **Jensen's inequality** gives
#
# $$\log p(x_i \mid \theta) = \log \sum_k q_{ik} \frac{\pi_k \mathcal N(x_i \mid \mu_k, \Sigma_k)}{q_{ik}}
#   \;\ge\; \sum_k q_{ik} \log \frac{\pi_k \mathcal N(x_i \mid \mu_k, \Sigma_k)}{q_{ik}} .$$
#
# Summed with weights $c_i$: a **lower bound** $\mathcal B(q, \theta) \le \log L(\theta)$.

# %% [markdown] slideshow={"slide_type": "notes"}
# Pick, for each point, any probability vector $q_{i1}, \dots, q_{iK}$ (non-negative, summing
# to one). Multiplying and dividing by $q_{ik}$ writes $p(x_i \mid \theta)$ as an average of
# the ratios, weighted by $q_{ik}$. Since $\log$ is concave, Jensen's inequality says that
# the $\log$ of an average is at least the average of the $\log$s, which is the inequality on
# the slide, for every point. Weighting by $c_i$ and summing over the points defines the
# lower bound $\mathcal B(q, \theta)$; it holds for every choice of $q$.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The gap is a Kullback-Leibler divergence
#
# $$\log L(\theta) - \mathcal B(q, \theta) = \sum_i c_i\, \mathrm{KL}\big(q_i \,\|\, r_i\big),
# \qquad \mathrm{KL}(q_i \,\|\, r_i) = \sum_k q_{ik} \log \frac{q_{ik}}{r_{ik}}$$
#
# Never negative, and zero exactly when $q_i = r_i$.

# %% [markdown] slideshow={"slide_type": "notes"}
# Here $r_{ik} = p(z_i = k \mid x_i, \theta)$ is the posterior under $\theta$. To see the
# identity, substitute $\pi_k \mathcal N(x_i \mid \mu_k, \Sigma_k) = r_{ik}\, p(x_i \mid \theta)$
# in the bound: each point contributes
# $\sum_k q_{ik} \big(\log p(x_i \mid \theta) + \log r_{ik} - \log q_{ik}\big)
# = \log p(x_i \mid \theta) - \mathrm{KL}(q_i \,\|\, r_i)$, since the $q_{ik}$ sum to one.
# The Kullback-Leibler divergence is never negative (Jensen's inequality again, applied to
# $-\mathrm{KL}$), and it is zero exactly when $q_i = r_i$.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### EM is coordinate ascent on $\mathcal B$
#
# - E-step: maximise over $q$, so $q = r$ and the bound touches $\log L$;
# - M-step: maximise over $\theta$.
#
# $$\log L(\theta_{t+1}) \;\ge\; \mathcal B(r^{(t)}, \theta_{t+1}) \;\ge\; \mathcal B(r^{(t)}, \theta_t) = \log L(\theta_t).$$

# %% [markdown] slideshow={"slide_type": "notes"}
# The E-step maximises $\mathcal B$ over $q$ with $\theta$ fixed: by the gap formula the best
# $q$ is $r$, and there the bound touches $\log L$ at the current $\theta$. The M-step
# maximises $\mathcal B$ over $\theta$ with $q$ fixed: with $q$ fixed, $\mathcal B$ is $Q$
# plus a constant, the entropy $-\sum_i c_i \sum_k q_{ik} \log q_{ik}$ of $q$, so this is the
# M-step derived above.
#
# In the chain, $r^{(t)}$ are the responsibilities at $\theta_t$. The first $\ge$ is Jensen,
# the second the M-step, the $=$ the E-step. The log-likelihood cannot fall.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The bound in code
#
# In its gap form: $\log L$ minus the KL divergences.

# %% slideshow={"slide_type": "-"}
def log_likelihood(a, counts):
    """log L = sum_i c_i log p(x_i), with log p(x_i) = logsumexp_k a_ik."""
    return float(counts @ logsumexp(a, axis=1))


def lower_bound(q, a, counts):
    """B(q, theta) = log L(theta) - sum_i c_i KL(q_i || r_i), from the log joint a under theta."""
    log_r = a - logsumexp(a, axis=1, keepdims=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        kl = np.where(q > 0, q * (np.log(q) - log_r), 0.0).sum(axis=1)  # 0 log 0 = 0
    return log_likelihood(a, counts) - float(counts @ kl)


# %% [markdown] slideshow={"slide_type": "notes"}
# The code computes $\mathcal B$ in its gap form, $\log L$ minus the KL divergences; in
# exercise 1 you write the Jensen form yourself, and the two must agree. A component with
# $q_{ik} = 0$ adds nothing to the divergence, since $0 \log 0$ is taken as 0.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The chain, iteration by iteration
#
# From a poor start (means 4 and 24):

# %% slideshow={"slide_type": "-"}
steps = [(np.array([0.5, 0.5]), np.array([4.0, 24.0]), np.array([4.0, 4.0]))]  # the poor start
for _ in range(4):
    steps.append(m_step(posterior(log_joint_1d(X, *steps[-1])), counts, X))

# %% slideshow={"slide_type": "-"} tags=["nbval-check-output"]
print(" t   log L(theta_t)   B(r_t, theta_t+1)   log L(theta_t+1)     gap")
for t in range(4):
    a_before, a_after = log_joint_1d(X, *steps[t]), log_joint_1d(X, *steps[t + 1])
    bound = lower_bound(posterior(a_before), a_after, counts)
    ll_before, ll_after = log_likelihood(a_before, counts), log_likelihood(a_after, counts)
    print(f"{t:2d}  {ll_before:14.2f}  {bound:16.2f}  {ll_after:17.2f}  {ll_after - bound:8.2f}")

# %% [markdown] slideshow={"slide_type": "notes"}
# The start is deliberately poor, so that the first steps are large enough to see. Each
# iteration uses the M-step derived above. The middle column is the bound after the M-step;
# the last is the gap $\sum_i c_i\, \mathrm{KL}(r^{(t)}_i \,\|\, r^{(t+1)}_i)$ between that
# bound and $\log L(\theta_{t+1})$, which the next E-step closes.
#
# From the poor start, the first iteration alone lifts the log-likelihood from $-1819.52$ to
# $-832.61$; after that the steps shrink, and in every row the three numbers keep the order
# $\log L(\theta_t) \le \mathcal B(r^{(t)}, \theta_{t+1}) \le \log L(\theta_{t+1})$.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## The bound, drawn under the log-likelihood
#
# Only $\mu_1$ varies; the other parameters stay at their values after iteration $t$.

# %% slideshow={"slide_type": "skip"}
def draw_bound(ax, t, mu_range, y_range):
    """log L and the bound B(r_t, .) along mu_1, the other parameters held at iteration t."""
    weights, means, variances = steps[t]
    r_t = posterior(log_joint_1d(X, weights, means, variances))
    mu_grid = np.linspace(*mu_range, 201)
    logL, bound = [], []
    for mu_1 in mu_grid:
        a = log_joint_1d(X, weights, np.array([mu_1, means[1]]), variances)
        logL.append(log_likelihood(a, counts))
        bound.append(lower_bound(r_t, a, counts))
    ax.plot(mu_grid, logL, color="black", label=r"$\log L(\mu_1)$")
    ax.plot(mu_grid, bound, color=plotting.colour(0), linestyle="--", linewidth=2,
            label=r"bound $\mathcal{B}(r^{(t)}, \mu_1)$")
    ax.axvline(means[0], color="grey", linewidth=1.5, label=r"current $\mu_1$")
    ax.axvline(steps[t + 1][1][0], color=plotting.colour(1), linewidth=2, label=r"M-step's new $\mu_1$")
    ax.set(title=f"iteration {t}: touches at $\\mu_1$ = {means[0]:.1f}",
           xlabel=r"$\mu_1$", ylabel="log-likelihood", ylim=y_range)


# %% slideshow={"slide_type": "-"}
fig, axes = plt.subplots(1, 2, figsize=(11, 3.9))
draw_bound(axes[0], t=0, mu_range=(0, 20), y_range=(-2000, -1050))
draw_bound(axes[1], t=1, mu_range=(7, 13.5), y_range=(-900, -820))
fig.legend(*axes[0].get_legend_handles_labels(), loc="outside lower center", ncols=4)
plt.show()

# %% [markdown] slideshow={"slide_type": "notes"}
# Hold every parameter except the first mean $\mu_1$ at its value after iteration $t$, and draw
# $\log L$ and the bound $\mathcal B(r^{(t)}, \cdot)$ as functions of $\mu_1$. The dashed bound
# lies below the black curve everywhere, touches it at the current $\mu_1$ (grey), and peaks
# at the M-step's new $\mu_1$ (orange).
#
# Left: the bound's peak is not the peak of $\log L$; EM only guarantees a step uphill (with
# the other parameters updated too, the new $\log L$ is at least the dashed peak's height).
# Right, one iteration later: the bound hugs $\log L$ near the top.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## What the guarantee covers, and what it does not
#
# - Any $Q$-increasing M-step keeps it.
# - `painless_em`'s prior: the penalised objective never falls.
# - Guard steps (notebook 03) can lower $\log L$.
# - Uphill, not to the top: local maxima; for $K \ge 2$, no top at all.

# %% [markdown] slideshow={"slide_type": "notes"}
# - **Generalised EM.** The argument never used the Gaussian form: any M-step that merely
#   *increases* $Q$ (a "generalised" EM) keeps the guarantee.
# - **A penalty.** `painless_em`'s default (`prior=1e-6`) maximises $\log L$ minus a small
#   penalty on each covariance, which acts as a ridge added to each $\Sigma_k$ (notebook 03
#   states it). Adding the same penalty to both sides of the chain changes nothing: EM then
#   never decreases that objective (`history.objective`), and convergence is judged on it.
#   Exercise 2, in *Going further*, derives the M-step this changes.
# - **Outside the argument.** A step that is not an E- or M-step, such as replacing a collapsed
#   covariance by a safe one (the guard of notebook 03), can lower the log-likelihood; gmmlib
#   records it as a guard event and never calls a run that ends on one converged.
# - **Up, not to the top.** EM stops at a local maximum (or a saddle point) that depends on the
#   start; restarts help. And with $K \ge 2$ plain maximum likelihood has no top at all: a
#   component that shrinks onto a single point sends $\log L$ to $+\infty$ while another
#   component keeps the other points' densities positive (notebook 03 shows it). With $K = 1$
#   the single Gaussian must cover every point, and the maximum (the sample mean and
#   covariance) exists as long as the points do not all lie in a lower-dimensional plane (in
#   1-D: are not all equal).

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 6 · K-means is EM with vanishing variances
#
# Fix $\Sigma_k = \sigma^2 I$ and $\pi_k = 1/K$:
# $r_{ik} \propto \exp\!\big(-\lVert x_i - \mu_k \rVert^2 / 2\sigma^2\big)$.
#
# As $\sigma \to 0$ the nearest mean takes all of a point's responsibility, and the M-step is
# one step of K-means.

# %% [markdown] slideshow={"slide_type": "notes"}
# Fix every covariance to the same $\sigma^2 I$ and every weight to $1/K$. Fixing the weights is
# not needed for the limit (as $\sigma \to 0$ they drop out of the responsibilities, as long
# as none is zero); it only keeps the formulas short. As $\sigma \to 0$ the nearest mean takes
# all of a point's responsibility ($r_{ik} \to 0$ or 1), and the M-step's means become the
# centroids of the points nearest to each mean: exactly one step of K-means (Lloyd's
# algorithm).

# %% slideshow={"slide_type": "skip"}
X2, _ = gmm_example_2d(random_state=0)
start_means = X2[[0, 150, 250]]


def fixed_variance_em(data, means, sigma, n_iter=100):
    """EM with Sigma_k = sigma^2 I and pi_k = 1/K held fixed: only the means are updated."""
    for _ in range(n_iter):
        d2 = ((data[:, None, :] - means[None]) ** 2).sum(axis=2)
        a = -d2 / (2 * sigma**2)
        r = np.exp(a - a.max(axis=1, keepdims=True))  # subtract the row maximum: no underflow
        r /= r.sum(axis=1, keepdims=True)
        means = (r.T @ data) / r.sum(axis=0)[:, None]
    return means, r


kmeans = KMeans(3, init=start_means, n_init=1, max_iter=300, tol=0).fit(X2)

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Shrinking $\sigma$
#
# On `GMMExample_2D`, from the starting means of scikit-learn's `KMeans`:

# %% slideshow={"slide_type": "-"} tags=["nbval-check-output"]
for sigma in (2.0, 0.5, 0.1):
    means, r = fixed_variance_em(X2, start_means, sigma)
    gap = np.abs(np.sort(means, axis=0) - np.sort(kmeans.cluster_centers_, axis=0)).max()
    hard = np.mean(r.max(axis=1) > 0.99)
    print(f"sigma = {sigma:3.1f}: points with some r_ik > 0.99: {hard:6.1%};  "
          f"largest distance to the K-means centroids: {'< 0.01' if gap < 0.01 else f'{gap:.2f}'}")

# %% [markdown] slideshow={"slide_type": "notes"}
# The cell runs this restricted EM (only the means are updated; the set-up cell above, hidden
# in the slides, defines it) on `GMMExample_2D` for shrinking $\sigma$, from the same three
# starting means as scikit-learn's `KMeans`, and compares the means it ends on with K-means'
# centroids.
#
# With $\sigma = 2$ no point (0.0%) belongs almost wholly (above 0.99) to one component, and
# the means lie up to 1.38 away from K-means' centroids; at $\sigma = 0.5$, 87.7% of the points do;
# by $\sigma = 0.1$ every point does and the means are the K-means centroids. EM for a Gaussian
# mixture is "soft K-means" with learned shapes and sizes; K-means is its hard, round,
# equal-size limit. (That is also why K-means makes a good start for EM: notebook 03.)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Exercises
#
# Exercise 1, below: Jensen's lower bound, with a checker. Exercise 2, the M-step with a
# prior, is in *Going further*.

# %% [markdown] slideshow={"slide_type": "notes"}
# Exercise 1 ends with a checker from `gmmlib.exercises`: it runs your function on easy and
# on hostile inputs and prints ✓, or the first case that failed with its inputs, what was
# expected, what you returned and a hint. Exercise 2, at the end of the notebook with the
# derivation it builds on, is for pen and paper, then one line of code to check it.
#
# Stuck? Each exercise has a worked solution, with the reasoning, in
# [`solutions/02_em_theory_solutions.ipynb`](solutions/02_em_theory_solutions.ipynb). Try
# first: the checker's hints are meant to get you there.

# %% [markdown] slideshow={"slide_type": "skip"}
# ### Exercise 1 · Jensen's lower bound (about 25 minutes)
#
# Write `my_lower_bound(q, log_joint, counts)` returning the number
# $\mathcal B = \sum_i c_i \sum_k q_{ik} \big(a_{ik} - \log q_{ik}\big)$, where
# `log_joint[i, k]` $= a_{ik} = \log \pi_k + \log \mathcal N(x_i \mid \mu_k, \Sigma_k)$
# $= \log p(x_i, z_i = k \mid \theta)$, `q` has shape `(N, K)` with rows summing to one, and
# `counts` holds $c_i$. The checker verifies that it equals $\log L$ at $q = r$ and is below it
# otherwise. Watch out for $q_{ik} = 0$ (what is $0 \log 0$?), for the counts, and for
# points so far away that $e^{a_{ik}}$ is 0.0. Then compare your Jensen form with the gap form
# `lower_bound(q, a, counts)` above, e.g. for `a = log_joint_1d(X, *steps[1])` with
# `q = posterior(a)` and with a uniform `q`.

# %% slideshow={"slide_type": "skip"} tags=["exercise", "points=2", "time_limit=10s"]
def my_lower_bound(q, log_joint, counts):
    return float(np.sum(counts[:, None] * q * log_joint))  # a start: is anything missing?


check_lower_bound(my_lower_bound)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Summary
#
# - The label $z_i$ is hidden; the E-step replaces it by $r_{ik}$.
# - M-step: $\pi_k = N_k / \sum_i c_i$; means and covariances weighted by $c_i r_{ik}$.
# - Jensen: $\mathcal B \le \log L$, tight at $q = r$; EM climbs it, so $\log L$ never falls.
# - K-means: EM's limit as $\sigma \to 0$.

# %% [markdown] slideshow={"slide_type": "notes"}
# - A mixture is a two-stage random experiment; the stage we do not see is the latent label
#   $z_i$. With the labels, fitting is per-group averaging; without them, the E-step
#   replaces each label by its posterior probabilities $r_{ik}$.
# - The M-step maximises $Q$: weights $\pi_k = N_k / \sum_i c_i$ (from a Lagrange multiplier),
#   means and covariances as $c_i r_{ik}$-weighted averages. Counts $c_i$ make histogram EM
#   exact.
# - Jensen's inequality gives a lower bound $\mathcal B(q, \theta) \le \log L(\theta)$ that is
#   tight at $q = r$; EM alternately maximises it over $q$ and $\theta$, so $\log L$ (or, with
#   a prior, the penalised objective) never decreases. A guard step is outside that guarantee.
# - K-means is the limit of EM with equal weights and variances shrinking to zero.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Quiz
#
# Check your understanding: set `response=` to the number of an option (or to a number) and
# run the cell. `response="?"` shows the answer.

# %% slideshow={"slide_type": "subslide"} tags=["quiz", "nbval-check-output"]
ask("02.gap-after-e-step", response=None)

# %% slideshow={"slide_type": "subslide"} tags=["quiz", "nbval-check-output"]
ask("02.lagrange-multiplier", response=None)

# %% slideshow={"slide_type": "subslide"} tags=["quiz", "nbval-check-output"]
ask("02.k-means-limit", response=None)

# %% [markdown] slideshow={"slide_type": "skip"}
# ## Going further: the M-step in d dimensions, and with a prior
#
# Section 4 gave the covariance M-step in $d$ dimensions without its derivation. Here it is,
# followed by an exercise that adds `painless_em`'s prior to it.
#
# The derivation needs two facts about derivatives by a matrix (the derivative of a number by
# a matrix $P$ is the matrix of its partial derivatives by each entry $P_{jl}$; see *The
# Matrix Cookbook*, Petersen and Pedersen, section 2):
#
# $$\frac{\partial \log\det P}{\partial P} = P^{-\top}, \qquad
#   \frac{\partial\, \mathrm{tr}(A P)}{\partial P} = A^{\top}.$$

# %% [markdown] slideshow={"slide_type": "skip"}
# **Means.** The gradient of $\sum_i c_i r_{ik} \log \mathcal N(x_i \mid \mu_k, \Sigma_k)$
# with respect to $\mu_k$ is $\Sigma_k^{-1} \sum_i c_i r_{ik} (x_i - \mu_k)$; it vanishes at
#
# $$\mu_k = \frac{1}{N_k} \sum_i c_i\, r_{ik}\, x_i .$$
#
# **Covariances.** Work with the precision $P_k = \Sigma_k^{-1}$ (symmetric) and write the
# quadratic form as a trace, $(x_i - \mu_k)^\top P_k (x_i - \mu_k) = \mathrm{tr}\big((x_i - \mu_k)(x_i - \mu_k)^\top P_k\big)$:
#
# $$Q_k = \tfrac12 N_k \log\det P_k - \tfrac12\, \mathrm{tr}(N_k S_k P_k) + \text{const}, \qquad
#   S_k = \frac{1}{N_k} \sum_i c_i r_{ik} (x_i - \mu_k)(x_i - \mu_k)^\top .$$
#
# The two facts give $\partial Q_k / \partial P_k = \tfrac12 N_k P_k^{-1} - \tfrac12 N_k S_k = 0$
# ($P_k$ and $S_k$ are symmetric), so
#
# $$\Sigma_k = P_k^{-1} = \frac{1}{N_k} \sum_i c_i\, r_{ik}\, (x_i - \mu_k)(x_i - \mu_k)^\top ,$$
#
# the 1-D formula with the square replaced by an outer product.

# %% [markdown] slideshow={"slide_type": "skip"}
# ### Exercise 2 · The M-step with a prior (about 35 minutes)
#
# `painless_em`'s default maximises $\log L - \tfrac12 \sum_k \operatorname{tr}(\Lambda \Sigma_k^{-1})$,
# where $\Lambda$ is a fixed diagonal matrix ($\Lambda = \lambda_0 \sum_i c_i \operatorname{diag}(s^2)$
# with $\lambda_0$ the argument `prior` and $s$ the data's robust spread,
# `gmmlib.whitening.robust_scale(X)`). Redo the covariance derivation above with this
# penalty added to $Q$ (with $P_k = \Sigma_k^{-1}$ the penalty is $-\tfrac12 \operatorname{tr}(\Lambda P_k)$,
# and the rule for $\partial\, \mathrm{tr}(A P)/\partial P$ applies). Show that $\Sigma_k = S_k + \Lambda / N_k$, where $S_k$ is the
# covariance M-step without the prior, and explain why no variance can then shrink to zero.
# Then check your formula against one iteration of
# `painless_em(X, 2, init="equal-range", max_iter=1, tol=None, prior=0.01)`.

# %% [markdown] slideshow={"slide_type": "skip"}
# ## References
#
# - A. P. Dempster, N. M. Laird, D. B. Rubin (1977). Maximum likelihood from incomplete data via
#   the EM algorithm. *Journal of the Royal Statistical Society, Series B* 39(1), 1–38.
# - R. M. Neal, G. E. Hinton (1998). A view of the EM algorithm that justifies incremental,
#   sparse, and other variants. In M. I. Jordan (ed.), *Learning in Graphical Models*, 355–368.
#   Kluwer (EM as coordinate ascent on a lower bound).
# - C. M. Bishop (2006). *Pattern Recognition and Machine Learning*, chapter 9: mixture models
#   and EM (K-means as a limit in section 9.3.2, the lower bound in section 9.4). Springer.
# - S. P. Lloyd (1982). Least squares quantization in PCM. *IEEE Transactions on Information
#   Theory* 28(2), 129–137 (the K-means iteration).
# - K. B. Petersen, M. S. Pedersen (2012). *The Matrix Cookbook*, section 2 (derivatives of
#   determinants and traces).
# - A. Collet, "Tutorial on Painless Gaussian Mixture Models" (the README of his C++
#   implementation, the GitHub repository `alvarocollet/painless_gmm`): EM as coordinate ascent, the robust steps of notebook 03.
# - `GMMExample_1D`, `GMMExample_2D`: the data of Matlab EM demos, regenerated from their stated
#   parameters by `gmmlib.datasets.gmm_example_1d` and `gmm_example_2d`.
