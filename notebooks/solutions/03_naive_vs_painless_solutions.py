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
# # Solutions · 03 · Naive versus painless EM
#
# Worked solutions to the exercises of [03 · Naive versus painless EM](../03_naive_vs_painless.ipynb),
# with the reasoning behind each. Try an exercise before reading its solution. Every solution
# ends with the exercise's own checker call, and passes it.

# %% slideshow={"slide_type": "skip"}
# %matplotlib inline
import numpy as np
from scipy.linalg import solve_triangular
from scipy.special import logsumexp

from gmmlib.exercises import check_e_step, check_log_gaussian, check_logsumexp, check_rcond

np.set_printoptions(precision=4, suppress=True)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Exercise 1 · logsumexp
#
# The textbook version exponentiates first: $e^{-1000}$ underflows to 0.0 and $e^{1000}$
# overflows to inf. Pull a constant $m$ out of the sum:
#
# $$\log \sum_k e^{a_k} = m + \log \sum_k e^{a_k - m}.$$
#
# The identity holds for any $m$; the choice $m = \max_k a_k$ is what makes it safe. Then every
# exponent $a_k - m$ is at most 0, so nothing overflows, and the largest term is exactly
# $e^0 = 1$, so the sum is at least 1 and its log is finite. Terms far below the maximum
# underflow to 0.0, which is harmless: they are negligible next to 1.
#
# Other shifts fail. With the minimum, the exponents are all $\ge 0$ and a spread of more than
# about 709 overflows; with the mean, half the spread does. A component of weight 0 has
# $a_k = -\infty$, which makes the minimum and the mean $-\infty$ and the shifted values
# $-\infty - (-\infty)$ = NaN; the maximum stays finite unless every term is $-\infty$, and then
# the answer is simply $-\infty$ (no component can explain the point).

# %% slideshow={"slide_type": "subslide"}
with np.errstate(over="ignore", invalid="ignore"):
    for a in (np.array([0.0, -1400.0]), np.array([0.0, -2000.0]), np.array([-np.inf, -2.0])):
        shifted = {name: m + np.log(np.sum(np.exp(a - m)))
                   for name, m in (("max", a.max()), ("min", a.min()), ("mean", a.mean()))}
        print(f"a = {a}: " + ", ".join(f"shift by the {name} -> {value}" for name, value in shifted.items()))


# %% slideshow={"slide_type": "subslide"} tags=["solution", "nbval-check-output"]
def my_logsumexp(a):
    m = np.max(a)
    if not np.isfinite(m):       # every term is -inf (or there is an inf): nothing to shift by
        return m
    return m + np.log(np.sum(np.exp(a - m)))


check_logsumexp(my_logsumexp)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Exercise 2 · The log-density of one Gaussian
#
# Write $\Sigma = L L^\top$ with $L$ lower triangular (Cholesky). Then
# $(x - \mu)^\top \Sigma^{-1} (x - \mu) = \lVert L^{-1}(x - \mu) \rVert^2$, and $z = L^{-1}(x - \mu)$
# is one triangular solve, no inverse needed. The determinant comes for free:
# $\det\Sigma = (\prod_j L_{jj})^2$, so $\log\det\Sigma = 2 \sum_j \log L_{jj}$, which never
# overflows even when $\det\Sigma$ itself would. Putting the pieces into
#
# $$\log \mathcal N(x \mid \mu, \Sigma) = -\tfrac12\left[d \log 2\pi + \log\det\Sigma + \lVert z \rVert^2\right]$$
#
# gives an ordinary number (about -5000) for a pixel 100 standard deviations away, whose
# density is 0.0 in float64. Solving for all points at once, with the points as columns, keeps
# it to one call.

# %% slideshow={"slide_type": "subslide"} tags=["solution", "nbval-check-output"]
def my_log_gaussian(X, mean, cov):
    d = X.shape[1]
    L = np.linalg.cholesky(cov)
    z = solve_triangular(L, (X - mean).T, lower=True)     # (d, N): one column per point
    log_det = 2 * np.log(np.diag(L)).sum()
    return -0.5 * (d * np.log(2 * np.pi) + log_det + (z * z).sum(axis=0))


check_log_gaussian(my_log_gaussian)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Exercise 3 · A log-domain E-step
#
# With the two functions above the E-step is three lines: the log numerators
# $a_{ik} = \log\pi_k + \log \mathcal N(x_i \mid \mu_k, \Sigma_k)$, one column per component; the
# per-point log-likelihood $\ell_i = \operatorname{logsumexp}_k a_{ik} = \log p(x_i)$; and the
# responsibilities $r_{ik} = \exp(a_{ik} - \ell_i)$, whose exponents are all $\le 0$. The total
# log-likelihood $\sum_i \ell_i$ comes out of the same computation, so we return it too.

# %% slideshow={"slide_type": "subslide"} tags=["solution", "nbval-check-output"]
def my_e_step(X, weights, means, covariances):
    a = np.column_stack([np.log(w) + my_log_gaussian(X, m, c)
                         for w, m, c in zip(weights, means, covariances)])
    log_p = logsumexp(a, axis=1)
    return np.exp(a - log_p[:, None]), log_p.sum()


check_e_step(my_e_step)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Exercise 4 · RCOND
#
# The 1-norm of a matrix is its largest absolute column sum, $\lVert A\rVert_1 = \max_j \sum_i |a_{ij}|$:
# `np.abs(A).sum(axis=0).max()`. The absolute values go inside the sum: with a negative
# correlation, $\sum_i a_{ij}$ cancels and underestimates the norm (a common slip).
#
# A singular covariance, the one the guard exists for, has no inverse: `np.linalg.inv` raises
# `LinAlgError`, and that is the answer, RCOND = 0. A nearly singular one inverts to huge
# numbers and gives an RCOND of about 1e-12, below the guard's 1e-10. (The condition number
# $\lVert\Sigma\rVert_1 \lVert\Sigma^{-1}\rVert_1$ is `np.linalg.cond(cov, 1)`; RCOND is its
# reciprocal, 1 for a round covariance and 0 for a singular one.)

# %% slideshow={"slide_type": "subslide"} tags=["solution", "nbval-check-output"]
def my_rcond(cov):
    try:
        inverse = np.linalg.inv(cov)
    except np.linalg.LinAlgError:
        return 0.0                    # singular: the worst possible conditioning
    value = 1.0 / (np.abs(cov).sum(axis=0).max() * np.abs(inverse).sum(axis=0).max())
    return float(value) if np.isfinite(value) else 0.0


check_rcond(my_rcond)
