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
# # 00 · Before you start
#
# Five tools the course leans on: Bayes' rule, the multivariate Gaussian, logarithms,
# Lagrange multipliers and a few numpy idioms.

# %% [markdown] slideshow={"slide_type": "notes"}
# The course leans on five tools: Bayes' rule, the multivariate Gaussian, logarithms, Lagrange
# multipliers and a handful of numpy idioms. Each part below recalls one tool, shows it at work
# in a few lines of code, and ends with a self-check and where to learn more.
#
# **How to use this notebook.** If every self-check comes out right at the first try, go
# straight to notebook 01. If one does not, read that part and its reference first: the later
# notebooks use these tools without stopping to explain them. The section "Going further", at
# the end, is optional: it shows how the library computes a Gaussian's density safely.

# %% slideshow={"slide_type": "skip"}
# %matplotlib inline
import matplotlib.pyplot as plt
import numpy as np
from scipy.special import logsumexp
from scipy.stats import chi2, multivariate_normal, norm

from gmmlib import plotting
from gmmlib.quiz import ask

plt.rcParams.update(plotting.STYLE)  # 12 pt text, colour-blind-safe component colours
np.set_printoptions(precision=3, suppress=True)
rng = np.random.default_rng(0)  # seeded: every run shows the same numbers

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 1 · Probability and Bayes' rule
#
# From $p(A, B) = p(A)\, p(B \mid A)$:
#
# $$p(A \mid B) = \frac{p(A)\, p(B \mid A)}{p(B)}, \qquad p(B) = \sum_{A'} p(A')\, p(B \mid A').$$

# %% [markdown] slideshow={"slide_type": "notes"}
# For two events $A$ and $B$, the joint probability factors as $p(A, B) = p(A)\, p(B \mid A)$.
# Solving for $p(A \mid B)$ gives Bayes' rule. The sum in the denominator runs over every
# alternative $A'$; it is what makes the posteriors of all the alternatives sum to 1.

# %% [markdown] slideshow={"slide_type": "subslide"}
# In a mixture: prior $\pi_k$, likelihood $\mathcal N(x \mid \mu_k, \sigma_k^2)$, posterior =
# responsibility.

# %% slideshow={"slide_type": "-"} tags=["nbval-check-output"]
weights = np.array([0.3, 0.7])                 # the priors pi_k
means, stds = np.array([0.0, 4.0]), np.array([1.0, 2.0])
for x in (-1.0, 2.0, 6.0):
    joint = weights * norm.pdf(x, means, stds)  # pi_k N(x | mu_k, sigma_k^2), one per k
    posterior = joint / joint.sum()             # Bayes: divide by p(x)
    print(f"x = {x:4.1f}: p(x) = {joint.sum():.4f}, posterior {posterior}")

# %% [markdown] slideshow={"slide_type": "notes"}
# In a mixture, $A$ is "the point came from component $k$", with prior probability $\pi_k$, and
# $B$ is "we saw $x$", with likelihood $\mathcal N(x \mid \mu_k, \sigma_k^2)$ (a density, not a
# probability, but Bayes' rule works the same). The posterior is what notebook 01 calls a
# responsibility. The code takes two 1-D components and three points: the point at $-1$
# belongs almost surely to the narrow component at 0, the point at 6 to the wide one at 4, and
# the point at 2 is shared.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Self-check 1
#
# Set `response=` to your number and run the cell.

# %% slideshow={"slide_type": "-"} tags=["quiz", "nbval-check-output"]
ask("00.bayes-posterior", response=None)

# %% [markdown] slideshow={"slide_type": "notes"}
# **Where to learn it.** C. M. Bishop (2006), *Pattern Recognition and Machine Learning*,
# section 1.2 (probability theory, Bayes' theorem). J. K. Blitzstein and J. Hwang (2019),
# *Introduction to Probability*, chapter 2 (conditional probability).

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 2 · The multivariate Gaussian
#
# $$\mathcal N(x \mid \mu, \Sigma) = \frac{1}{(2\pi)^{d/2} \lvert\Sigma\rvert^{1/2}}
# \exp\!\Big(-\tfrac12\, \Delta^2\Big), \qquad \Delta^2 = (x - \mu)^\top \Sigma^{-1} (x - \mu)$$
#
# $\Delta$ is the **Mahalanobis distance** of $x$ from $\mu$.

# %% [markdown] slideshow={"slide_type": "notes"}
# A point $x \in \mathbb R^d$ drawn from a Gaussian with mean $\mu$ (shape `(d,)`) and covariance
# $\Sigma$ (shape `(d, d)`, symmetric, positive definite) has this density. $\Delta$ is the
# **Mahalanobis distance** of $x$ from $\mu$: the distance measured in standard deviations along
# each direction of the cloud. The density depends on $x$ only through $\Delta$, so it is the
# same everywhere on a curve $\Delta = c$.

# %% [markdown] slideshow={"slide_type": "subslide"}
# Samples recover $\mu$ and $\Sigma$; the formula agrees with scipy.

# %% slideshow={"slide_type": "-"} tags=["nbval-check-output"]
mu = np.array([1.0, 2.0])
Sigma = np.array([[3.0, 1.2],
                  [1.2, 1.0]])
samples = rng.multivariate_normal(mu, Sigma, size=5000)
print("sample mean      ", samples.mean(axis=0))
print("sample covariance", np.cov(samples, rowvar=False).ravel())

x = np.array([2.0, 1.0])
diff = x - mu
delta2 = diff @ np.linalg.solve(Sigma, diff)   # solve instead of inverting Sigma
by_hand = np.exp(-0.5 * delta2) / np.sqrt((2 * np.pi) ** 2 * np.linalg.det(Sigma))
print(f"density by hand {by_hand:.6f}, scipy {multivariate_normal(mu, Sigma).pdf(x):.6f}")

# %% [markdown] slideshow={"slide_type": "notes"}
# The mean is the centre of the cloud; the diagonal of $\Sigma$ holds the variances of the
# coordinates and the off-diagonal entries their covariances. 5000 samples recover both to about
# two decimals, and the density computed from the formula agrees with scipy's. The code solves
# the linear system $\Sigma\, y = x - \mu$ rather than inverting $\Sigma$: it is cheaper and more
# accurate.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### What an ellipse shows
#
# The curve $\Delta = c$ is an ellipse: axes along the eigenvectors of $\Sigma$, half-lengths
# $c\sqrt{\lambda}$ for its eigenvalues $\lambda$.

# %% slideshow={"slide_type": "-"}
eigenvalues, eigenvectors = np.linalg.eigh(Sigma)
angle = np.linspace(0, 2 * np.pi, 200)
circle = np.stack([np.cos(angle), np.sin(angle)])       # the unit circle, shape (2, 200)
fig, ax = plt.subplots(figsize=(6.5, 3.2), subplot_kw={"aspect": "equal"})
ax.scatter(*samples[:1000].T, s=4, color="0.6", label="1000 samples")
for c, style in ((1, "-"), (2, "--"), (3, ":")):
    ellipse = mu[:, None] + eigenvectors @ (c * np.sqrt(eigenvalues)[:, None] * circle)
    ax.plot(*ellipse, style, color="C0", label=f"Mahalanobis distance {c}")
ax.set(title="A 2-D Gaussian: equal-density ellipses", xlabel="$x_1$", ylabel="$x_2$")
ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0))
plt.show()

# %% [markdown] slideshow={"slide_type": "notes"}
# The curve $\Delta = c$ is an ellipse. Its axes point along the eigenvectors of $\Sigma$, and
# its half-lengths are $c\sqrt{\lambda}$ for the eigenvalues $\lambda$: the code maps the unit
# circle through exactly that stretch and rotation. The picture draws the ellipses at distance
# 1, 2 and 3 over 1000 of the samples.

# %% [markdown] slideshow={"slide_type": "subslide"}
# For 2-D Gaussian samples $\Delta^2$ follows a $\chi^2$ law with 2 degrees of freedom.

# %% slideshow={"slide_type": "-"} tags=["nbval-check-output"]
centred = samples - mu
d2 = np.sum(centred * np.linalg.solve(Sigma, centred.T).T, axis=1)   # Delta^2 of every sample
print(f"share inside Delta = 2: samples {np.mean(d2 <= 4):.3f}, "
      f"chi2 law {chi2.cdf(4, df=2):.3f}, 1 - exp(-2) = {1 - np.exp(-2):.3f}")

# %% [markdown] slideshow={"slide_type": "fragment"}
# Of the 5000 samples, a share of 0.863 falls inside the ellipse $\Delta = 2$, close to the
# $\chi^2$ law's 0.865.

# %% [markdown] slideshow={"slide_type": "notes"}
# For points drawn from a 2-D Gaussian, $\Delta^2$ follows a $\chi^2$ law with 2 degrees of
# freedom, whose distribution function is $1 - e^{-t/2}$; so the ellipse $\Delta = 2$ (that is
# $\Delta^2 = 4$) should hold a share $1 - e^{-2}$ of them. Counting the samples confirms it.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Self-check 2
#
# $\mu = (0, 0)$, $\Sigma = \mathrm{diag}(4, 1)$ and $x = (2, 1)$. What is the Mahalanobis
# distance $\Delta$ of $x$ from $\mu$? Pick an option.

# %% slideshow={"slide_type": "-"} tags=["quiz", "nbval-check-output"]
ask("00.mahalanobis", response=None)

# %% [markdown] slideshow={"slide_type": "notes"}
# **Where to learn it.** Bishop (2006), section 2.3 (the Gaussian distribution, its geometry
# and the Mahalanobis distance). G. Strang, *Introduction to Linear Algebra* (5th ed., 2016),
# chapter 6 (eigenvalues, symmetric positive definite matrices).

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 3 · Logs and exponentials
#
# A likelihood is a product; its log is a sum:
# $\log \prod_{i=1}^N p(x_i) = \sum_{i=1}^N \log p(x_i)$.

# %% slideshow={"slide_type": "-"} tags=["nbval-check-output"]
densities = np.full(300, 0.02)        # 300 points, each with density 0.02
print("product of the densities:", np.prod(densities))           # underflows to 0
print(f"sum of their logs:        {np.sum(np.log(densities)):.4f}")
print("exp(-745) =", np.exp(-745.0), "  exp(-746) =", np.exp(-746.0))

# %% [markdown] slideshow={"slide_type": "notes"}
# Two rules do all the work: $\log(ab) = \log a + \log b$ and $\log e^{u} = u$. A likelihood is a
# product over $N$ points, so its log is a sum, which is easier to differentiate and to store.
# Storing the product itself fails: a float64 cannot hold a positive number below about
# $5 \times 10^{-324}$, and the product of a few hundred densities can be far smaller. Here 300
# densities of 0.02 multiply to 0, while the sum of their logs is an ordinary number;
# `exp` itself gives up between $-745$ and $-746$.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Adding numbers kept as logs
#
# $$\log \sum_j e^{a_j} = m + \log \sum_j e^{a_j - m}, \qquad m = \max_j a_j$$

# %% slideshow={"slide_type": "-"} tags=["nbval-check-output"]
a = np.array([-1000.0, -1001.0])
with np.errstate(divide="ignore"):  # we want to see log(0), not a warning
    print("log(sum(exp(a))):", np.log(np.sum(np.exp(a))))
m = a.max()
stable = m + np.log(np.sum(np.exp(a - m)))
print(f"m + log(sum(exp(a - m))): {stable:.6f}   logsumexp: {logsumexp(a):.6f}")

# %% [markdown] slideshow={"slide_type": "notes"}
# To get $\log(e^{a_1} + e^{a_2} + \dots)$ without leaving the log domain, pull out the largest
# term $m = \max_j a_j$. Every $e^{a_j - m}$ then lies in $(0, 1]$ and one of them is 1, so
# nothing underflows to a sum of zeros. The literal formula turns $-1000$ and $-1001$ into
# zeros and returns $-\infty$; the shifted one gives the right answer, as does
# `scipy.special.logsumexp`, which notebooks 01 and 03 use.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Self-check 3

# %% slideshow={"slide_type": "-"} tags=["quiz", "nbval-check-output"]
ask("00.exp-underflow", response=None)

# %% [markdown] slideshow={"slide_type": "notes"}
# **Where to learn it.** The numpy reference's pages on `numpy.exp`, `numpy.log` and
# `numpy.finfo` (the limits of float64); D. Goldberg (1991), "What every computer scientist
# should know about floating-point arithmetic", *ACM Computing Surveys* 23(1). Bishop (2006),
# section 1.2.4 (why likelihoods are handled as logs).

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 4 · Lagrange multipliers
#
# Maximise $\sum_k N_k \log \pi_k$ subject to $\sum_k \pi_k = 1$:
#
# $$\frac{\partial}{\partial \pi_k}\Big[\sum_j N_j \log \pi_j - \lambda\Big(\sum_j \pi_j - 1\Big)\Big]
# = \frac{N_k}{\pi_k} - \lambda = 0 \quad\Rightarrow\quad \pi_k = \frac{N_k}{\lambda}$$
#
# Summing over $k$: $\lambda = N$, so $\pi_k = N_k / N$.

# %% [markdown] slideshow={"slide_type": "notes"}
# The M-step chooses mixture weights $\pi_k$ that maximise $\sum_k N_k \log \pi_k$, where
# $N_k = \sum_i r_{ik} \ge 0$ is how many points component $k$ explains, subject to
# $\sum_k \pi_k = 1$ and $\pi_k \ge 0$. Add the equality constraint with a multiplier $\lambda$
# and set the derivative in each $\pi_k$ to zero: $\pi_k = N_k / \lambda$. Summing over $k$
# gives $\lambda = \sum_k N_k = N$, hence $\pi_k = N_k / N$: each weight is the share of the
# points its component explains.

# %% [markdown] slideshow={"slide_type": "subslide"}
# **And $\pi_k \ge 0$?** It never binds. 100,000 random weights do no better than $N_k / N$:

# %% slideshow={"slide_type": "-"} tags=["nbval-check-output"]
N_k = np.array([12.0, 30.0, 0.0, 58.0])


def objective(pi):
    used = N_k > 0  # 0 log 0 counts as 0: an empty component adds nothing
    return np.sum(N_k[used] * np.log(pi[..., used]), axis=-1)


candidates = rng.dirichlet(np.ones(4), size=100_000)  # rows >= 0, each sums to 1
best = candidates[np.argmax(objective(candidates))]
print("best of 100,000 random weights:", best.round(2),
      f"objective {objective(best):.2f}")
share = N_k / N_k.sum()
print("N_k / N:                       ", share, f"objective {objective(share):.2f}")

# %% [markdown] slideshow={"slide_type": "notes"}
# Why the inequality $\pi_k \ge 0$ never binds: for $N_k > 0$, $\log \pi_k \to -\infty$ as
# $\pi_k \to 0$, so the maximum stays inside, where $\pi_k > 0$. A component with $N_k = 0$
# contributes nothing to the sum, and its best weight is $0$, which $N_k / N$ also gives. As a
# check, no weight vector that meets both constraints does better: the best of 100,000 random
# ones comes close to $N_k / N$ but stays below it.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Self-check 4

# %% slideshow={"slide_type": "-"} tags=["quiz", "nbval-check-output"]
ask("00.lagrange-weight", response=None)

# %% [markdown] slideshow={"slide_type": "notes"}
# **Where to learn it.** Bishop (2006), appendix E (Lagrange multipliers, with inequality
# constraints). S. Boyd and L. Vandenberghe (2004), *Convex Optimization*, chapter 5
# (duality and the KKT conditions).

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 5 · The numpy you need
#
# `X`: `(N, d)`; means: `(K, d)`; covariances: `(K, d, d)`; responsibilities: `(N, K)`.
# `[:, None]` inserts an axis; broadcasting stretches it.

# %% [markdown] slideshow={"slide_type": "notes"}
# The course stores $N$ points in $d$ dimensions as `X` of shape `(N, d)`, $K$ means as
# `(K, d)`, $K$ covariances as `(K, d, d)` and responsibilities as `(N, K)`. `axis=` names the
# axis a reduction removes; `[:, None]` inserts an axis of length 1, and broadcasting stretches
# length-1 axes to match. Shapes are lined up from the right: dividing a `(K, d)` array by
# `N_k` of shape `(K,)` needs `N_k[:, None]`.

# %% slideshow={"slide_type": "subslide"} tags=["nbval-check-output"]
X = rng.normal(size=(6, 2))                        # N = 6 points, d = 2
centres = np.array([[0.0, 0.0], [1.0, 1.0], [3.0, 0.0]])   # K = 3 means
diffs = X[:, None, :] - centres[None, :, :]        # (6, 1, 2) - (1, 3, 2) -> (6, 3, 2)
sq_dist = np.sum(diffs**2, axis=2)                 # sum over d: shape (N, K)
print("diffs", diffs.shape, " squared distances", sq_dist.shape)
resp = np.exp(-sq_dist) / np.exp(-sq_dist).sum(axis=1, keepdims=True)
N_k = resp.sum(axis=0)                             # sum over points: shape (K,)
print("rows sum to 1:", np.allclose(resp.sum(axis=1), 1), "  N_k", N_k)
print("weighted means (K, d):\n", resp.T @ X / N_k[:, None])   # @ sums over the N points

# %% [markdown] slideshow={"slide_type": "notes"}
# Every point minus every centre in one line: `X[:, None, :]` has shape `(6, 1, 2)` and
# `centres[None, :, :]` shape `(1, 3, 2)`, so the difference is `(6, 3, 2)`. Summing over the
# last axis gives the `(N, K)` squared distances; normalising each row gives responsibility-like
# weights; summing them over the points gives `N_k`, shape `(K,)`; and `resp.T @ X` sums over the
# $N$ points at once, so dividing by `N_k[:, None]` gives the $K$ weighted means.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Self-check 5
#
# `X` has shape `(300, 2)` and `means` has shape `(3, 2)`. What is the shape of
# `X[:, None, :] - means`?

# %% slideshow={"slide_type": "-"} tags=["quiz", "nbval-check-output"]
ask("00.broadcast-shape", response=None)

# %% [markdown] slideshow={"slide_type": "notes"}
# **Where to learn it.** The NumPy user guide, "Broadcasting" and "Indexing on ndarrays";
# the numpy reference for `numpy.linalg.solve`.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Summary
#
# - Bayes' rule turns priors and densities into posteriors: EM's responsibilities.
# - A Gaussian's equal-density curves are ellipses, $\Delta = c$.
# - Keep likelihoods as logs; add them with logsumexp.
# - The best weights are $N_k / N$.
# - Shapes, `[:, None]`, `axis=`, `@`.

# %% [markdown] slideshow={"slide_type": "notes"}
# - Bayes' rule turns priors $\pi_k$ and densities into posteriors: the responsibilities of EM.
# - A Gaussian's density depends on $x$ only through the Mahalanobis distance; its equal-density
#   curves are ellipses set by the eigenvectors and eigenvalues of $\Sigma$.
# - Likelihoods are kept as logs; sums of exponentials go through logsumexp.
# - With a Lagrange multiplier, the best weights are the shares $N_k / N$.
# - Shapes `(N, d)`, `(K, d)`, `(K, d, d)`, `(N, K)`; `[:, None]`, `axis=` and `@` are all the
#   numpy the course needs. Going further, below, adds how the library evaluates a Gaussian
#   safely: Cholesky factors and `slogdet`.

# %% [markdown] slideshow={"slide_type": "skip"}
# ## Going further: Cholesky factors and log-determinants
#
# The density formula of part 2 needs $\Sigma^{-1}$ and $\lvert\Sigma\rvert$. Computed literally
# both can fail: the inverse loses accuracy when $\Sigma$ is nearly singular, and the
# determinant under- or overflows in many dimensions. Libraries, gmmlib included, go through a
# factor instead. A covariance factors as $\Sigma = L L^\top$ with $L$ lower triangular
# (`np.linalg.cholesky`; it exists exactly when $\Sigma$ is symmetric positive definite). Then
# $\Delta^2 = \lVert L^{-1}(x - \mu) \rVert^2$, found by solving a triangular system, and
# $\log\lvert\Sigma\rvert = 2 \sum_j \log L_{jj}$, an ordinary number even where the
# determinant is not; `np.linalg.slogdet` computes the same log directly.

# %% slideshow={"slide_type": "skip"} tags=["nbval-check-output"]
L = np.linalg.cholesky(Sigma)
print("L L^T equals Sigma:", np.allclose(L @ L.T, Sigma))
print(f"Delta^2 via L: {np.sum(np.linalg.solve(L, x - mu) ** 2):.6f}   via Sigma: {delta2:.6f}")
big = 0.01 * np.eye(200)                           # 200 dimensions, variance 0.01 each
sign, logdet = np.linalg.slogdet(big)
print(f"det: {np.linalg.det(big)}   slogdet: sign {sign:.0f}, log {logdet:.4f}   "
      f"2 sum log diag L: {2 * np.sum(np.log(np.diag(np.linalg.cholesky(big)))):.4f}")

# %% [markdown] slideshow={"slide_type": "skip"}
# $\lvert 0.01\, I_{200} \rvert = 10^{-400}$ is below what a float64 holds, so `det` returns 0;
# its log, $-921.0340$, is an ordinary number, and the two routes to it agree.
#
# **Where to learn it.** The numpy reference for `numpy.linalg.cholesky` and
# `numpy.linalg.slogdet`. Strang (2016), chapter 2 (elimination, triangular factors) and
# section 6.5 (positive definite matrices, Cholesky).
