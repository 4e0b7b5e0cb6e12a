"""Painless EM's engine: the E-step and M-step of ``steps.py`` as one matrix product each.

The textbook steps loop over components and recompute (x - mu) for each; here the data are
prepared once per fit (``QuadraticFeatures``: the products z_a z_b, z and 1 of every point) so
that all K quadratic forms are one (K x F) @ (F x N) product, and all the M-step's weighted sums
another. Points run along the last axis (responsibilities are (K, N) here, the transpose of the
textbook's (N, K)) because numpy reduces over K = 3..5 components far faster along the first
axis. tests/test_steps.py proves these functions equal to ``steps.py`` to 1e-12 (relative), for
every covariance type, with and without weights. Read ``steps.py`` first.
"""
import numpy as np

from .guard import rcond_batch
from .mixture import LOG_2PI, component_log_density

EPS = np.finfo(np.float64).eps


class QuadraticFeatures:
    """The data prepared once per fit: rows [z_a z_b for a <= b, z, 1], shape (F, N).

    With them the quadratic form of every component is one matrix product (E-step) and all the
    weighted sums of the M-step are another. Points run along the last axis (K x N layout)
    because numpy reduces over K = 3..5 components far faster along the first axis.
    """

    def __init__(self, Z, weights):
        N, d = Z.shape
        self.d = d
        self.a, self.b = np.triu_indices(d)
        self.n_pairs = self.a.size
        self.pair_factor = np.where(self.a == self.b, 1.0, 2.0)
        self.Z = Z
        self.PhiT = np.vstack([Z[:, self.a].T * Z[:, self.b].T, Z.T, np.ones((1, N))])
        self.weights = None if np.all(weights == 1) else weights
        # the M-step's sums are sum_i c_i r_ki phi_i = r @ (c phi)^T: the weights folded in once
        self.PhiT_weighted = self.PhiT if self.weights is None else self.PhiT * self.weights
        self.sqmax = float(np.einsum("ij,ij->i", Z, Z).max())
        # flat positions of (a, b) and (b, a) in a d x d matrix, to fill covariances in one go
        self.upper = self.a * d + self.b
        self.lower = self.b * d + self.a


def log_density_expanded(feat, means, chol, log_weights=0.0):
    """log pi_k + log N(z_i | mu_k, Sigma_k) for all components and points, shape (K, N).

    (z-mu)^T P (z-mu) = sum_ab P_ab z_a z_b - 2 (P mu)^T z + mu^T P mu with P = Sigma^-1 = L^-T L^-1,
    so, with the constants folded into the coefficient of the row of ones, all K components
    cost one (K x F) @ (F x N) product. Expanding loses digits when ||P|| |z|^2 is large;
    such a component (bound below) is recomputed in the Cholesky form.
    """
    K, d = means.shape
    if d == 1:  # P = 1 / sigma^2: the same expansion with scalars, no matrix inverse
        sd, mu = chol[:, 0, 0], means[:, 0]
        P = 1.0 / (sd * sd)
        Pmu = P * mu
        coef = np.empty((K, 3))
        coef[:, 0] = -0.5 * P
        coef[:, 1] = Pmu
        coef[:, 2] = log_weights - 0.5 * LOG_2PI - np.log(sd) - 0.5 * Pmu * mu
        out = coef @ feat.PhiT
        # the bound below with d = 1; mu . mu >= every mu_k^2 makes the first test cheap
        if P.max() * (feat.sqmax + mu @ mu) > 1e-7 / (8 * EPS):
            exact = P * (feat.sqmax + mu * mu) > 1e-7 / (8 * EPS)
            out[exact] = (component_log_density(feat.Z, means[exact], chol[exact]).T
                          + np.broadcast_to(log_weights, (K,))[exact, None])
        return out
    Linv = np.linalg.inv(chol)
    P = np.swapaxes(Linv, 1, 2) @ Linv
    Pmu = np.einsum("kab,kb->ka", P, means)
    log_det = 2.0 * np.log(np.diagonal(chol, axis1=1, axis2=2)).sum(axis=1)
    coef = np.empty((K, feat.PhiT.shape[0]))
    coef[:, : feat.n_pairs] = -0.5 * feat.pair_factor * P[:, feat.a, feat.b]
    coef[:, feat.n_pairs:-1] = Pmu
    coef[:, -1] = log_weights - 0.5 * (d * LOG_2PI + log_det + np.einsum("ka,ka->k", means, Pmu))
    out = coef @ feat.PhiT
    # Rounding error of the expanded sum is about eps * ||P|| (|z|^2 + |mu|^2) times a few.
    err = 8 * EPS * np.abs(P).sum(axis=(1, 2)) * (feat.sqmax + np.einsum("ka,ka->k", means, means))
    exact = err > 1e-7
    if exact.any():
        out[exact] = (component_log_density(feat.Z, means[exact], chol[exact]).T
                      + np.broadcast_to(log_weights, (K,))[exact, None])
    return out


def e_step(feat, log_weights, means, chol):
    """Responsibilities (K, N) and per-point log-likelihoods (N,), all through logsumexp.

    a_ki = log pi_k + log N(z_i | k);  l_i = m_i + log sum_k exp(a_ki - m_i);  p_ki = exp(a_ki - l_i).
    Only non-positive numbers are exponentiated (exp is both safe and fastest there).
    """
    a = log_density_expanded(feat, means, chol, log_weights)
    m = a.max(axis=0)
    a -= m
    np.exp(a, out=a)
    s = a.sum(axis=0)
    a /= s
    log_p = np.log(s)
    log_p += m
    return a, log_p


def m_step(feat, resp, reg, prior=None):
    """Weighted M-step: N_k = sum c p;  mu = sum c p z / N_k;  Sigma = sum c p (z-mu)(z-mu)^T / N_k.

    ``reg`` (d, d) is added to every covariance (scikit-learn's reg_covar) and ``prior`` (d,),
    the diagonal of the prior's Lambda, as Lambda / N_k (the MAP M-step; see the module text).
    The sums come from one product (c p) Phi^T, i.e. second moments about the origin, which the
    whitening put at the data's centre. A component whose variance is small next to its squared
    distance from the centre would lose digits in E[zz^T] - mu mu^T, so it is recomputed about
    its own mean.
    """
    K, d = resp.shape[0], feat.d
    moments = resp @ feat.PhiT_weighted.T  # (K, F): [sums of z_a z_b, sums of z, sum of weights]
    if d == 1:  # the same moments with scalars: no d x d bookkeeping
        m2, m1, Nk = moments.T
        safe = np.maximum(Nk, 1e-300)  # an empty component: painless EM restarts it
        means = m1 / safe
        var = m2 / safe - means * means
        # E[z^2] - mu^2 loses digits when var is tiny next to mu^2: recompute about the mean
        if 1e-10 * var.min() < EPS * (means @ means + 1):  # rare (mu . mu >= every mu_k^2): look closer
            for k in np.flatnonzero((1e-10 * var < EPS * (means * means + 1)) & (Nk > 0)):
                D = feat.PhiT[1] - means[k]
                var[k] = (resp[k] * feat.PhiT_weighted[-1] * D) @ D / Nk[k]
        if prior is not None:
            var += prior[0] / safe
        if reg[0, 0]:
            var += reg[0, 0]
        return Nk, means[:, None], var[:, None, None]
    Nk = moments[:, -1].copy()
    safe = np.where(Nk > 0, Nk, 1.0)[:, None]
    means = moments[:, feat.n_pairs:-1] / safe
    flat = np.empty((K, d * d))
    flat[:, feat.upper] = moments[:, : feat.n_pairs] / safe
    flat[:, feat.lower] = flat[:, feat.upper]
    covs = flat.reshape(K, d, d)
    covs -= means[:, :, None] * means[:, None, :]
    # E[zz^T] - mu mu^T carries an absolute rounding error of about eps (|mu|^2 + 1); relative to
    # the thinnest direction of Sigma (eigenvalue ~ RCOND ||Sigma||_1) it must stay below 1e-10.
    thinnest = rcond_batch(covs) * np.abs(covs).sum(axis=1).max(axis=1)
    small = 1e-10 * thinnest < EPS * (np.einsum("ka,ka->k", means, means) + 1)
    small &= Nk > 0
    for k in np.flatnonzero(small) if small.any() else ():
        cr = resp[k] * feat.PhiT_weighted[-1]  # c_i r_ki
        owned = np.flatnonzero(cr)  # a tight component owns few points: sum over those only
        D = feat.Z[owned] - means[k]
        C = (D * cr[owned][:, None]).T @ D / Nk[k]
        covs[k] = 0.5 * (C + C.T)
    covs += reg
    if prior is not None:
        idx = np.arange(d)
        covs[:, idx, idx] += prior / safe
    return Nk, means, covs


def prior_penalty(chol, prior):
    """1/2 sum_k tr(Lambda Sigma_k^-1) for a diagonal Lambda = diag(prior), from Cholesky factors.

    (Sigma^-1)_aa = |L^-1 e_a|^2 is the squared norm of column a of L^-1.
    """
    if prior is None:
        return 0.0
    if chol.shape[-1] == 1:
        sd = chol[:, 0, 0]
        return 0.5 * prior[0] * float((1.0 / (sd * sd)).sum())
    inv_diag = (np.linalg.inv(chol) ** 2).sum(axis=1)
    return 0.5 * float((inv_diag @ prior).sum())
