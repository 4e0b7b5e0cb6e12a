"""Painless EM: the textbook algorithm (``steps.py``) made robust. Notebook 03 builds it up.

What changes with respect to ``naive.py``, and why:
1. densities stay in the log domain (a Cholesky factor, never an inverse), so nothing underflows;
2. the mixture density is a logsumexp, so a point far from every component still gets finite
   responsibilities;
3. every covariance carries a small ridge (below), so no component can collapse onto a point
   and the quantity EM climbs has a maximum;
4. after each M-step a covariance whose reciprocal condition number is <= 1e-10 (or whose
   variance fell under a floor) is replaced by a well-conditioned diagonal one, and the
   history says where (``guard.py``; with the ridge on it is a last resort for rounding);
5. a component that owns no point is restarted on the worst-explained point;
6. the start comes from K-means with Forgy seeds and restarts (``init.py``);
7. the data are whitened (centred, divided by each feature's robust spread: ``whitening.py``)
   before all of this and the result is mapped back, so pixel values and tiny measurements
   behave alike. The steps themselves run through the one-product kernels of ``fast.py``.

The objective
-------------
The likelihood of a Gaussian mixture has no maximum: a component centred on one data point
whose covariance shrinks to 0 sends log N(x_i | mu_k, Sigma_k), hence the log-likelihood, to
+infinity. Painless EM therefore maximises a penalised log-likelihood

    F(theta) = sum_i c_i log p(x_i | theta)  -  1/2 sum_k tr(Lambda Sigma_k^-1),
    Lambda = prior * (sum_i c_i) * diag(s_1^2, ..., s_d^2),

where s_j is the robust spread of feature j. The penalty goes to -infinity as any Sigma_k
becomes singular, so F is bounded above. Maximising the lower bound of EM's E-step over Sigma_k
(set the derivative of -N_k/2 log det Sigma - 1/2 tr(Sigma^-1 (N_k S_k + Lambda)) to zero) gives

    Sigma_k = S_k + Lambda / N_k = S_k + (prior / pi_k) diag(s^2),

S_k being the usual weighted scatter (``steps.m_step`` with ``ridge``). So the penalty acts as
a ridge: like scikit-learn's ``reg_covar`` (default 1e-6, added to every variance in data units),
but measured in each feature's spread and scaled by 1 / pi_k. It does not fade as N grows: a
component of weight pi_k can never be narrower than prior / pi_k of the data's robust variance.
It is the log of an inverse-Wishart density without its log-det term. Fraley and Raftery (2007,
"Bayesian regularization for normal mixture estimation and model-based clustering") use a
conjugate prior on the means and the covariances, whose M-step also shrinks the means and has
a different denominator; ours keeps the means of maximum likelihood and changes only Sigma_k.

Why EM never decreases F: after the E-step, the lower bound B(theta, r) = sum_i c_i sum_k
r_ik log(pi_k N(x_i | k) / r_ik) - penalty touches F (Jensen's inequality, notebook 02), and
the M-step maximises B exactly. Only two things can lower F, and both are recorded as guard
events: the guard replacing a covariance, and the restart of an empty component. ``reg_covar``
(kept to compare with scikit-learn) is not the M-step of any fixed objective, so with
``reg_covar > 0`` F is not guaranteed to rise; use ``prior``.

The stopping rule
-----------------
A run is ``converged`` when an iteration raised F by less than ``tol`` per unit of weight
(per point for unweighted data), by a non-negative amount up to rounding, with no guard event
in that iteration. The gain per point does not depend on the data's units (changing units adds
the same constant to every iteration's F) nor on whether weights are counts or fractions:
X, X * 1e3 + 7 and X * 1e-6 stop at the same iteration with the same fit. With the default
1e-4, EM stops once the geometric mean of the points' likelihoods grows by less than 0.01 %.
"""
import numpy as np

from ._validate import n_distinct, validate_bool, validate_float, validate_int
from .arguments import ROUNDING, gain_is_small, resolve_init, validate_em_arguments, validate_init  # noqa: F401 (public)
from .fast import QuadraticFeatures, e_step, m_step, prior_penalty
from .guard import RCOND_MIN, cholesky, guard_covariances, rcond  # noqa: F401 (public)
from .history import EMResult, GuardEvent, History
from .mixture import Mixture, constrain_covariances
from .whitening import MIN_SPREAD, Whitener, robust_scale


def painless_em(X, K, weights=None, init="kmeans", max_iter=100, tol=1e-4, random_state=0,
                whiten=True, reg_covar=0.0, var_floor=1e-7, n_init=1, init_range=None,
                covariance_type="full", prior=1e-6, guard=True):
    """Fit a K-component Gaussian mixture by robust EM (maximising the penalised log-likelihood).

    Parameters
    ----------
    X : (N, d) or (N,) data; uint8 pixels and float16/32 are fine (computed in float64)
    K : number of components, 1 <= K <= number of distinct points
    weights : (N,) counts per point (e.g. a histogram), default all 1
    init : "kmeans" (Forgy starts, 5 K-means restarts, the best inertia wins),
        "equal-range" (1-D: cut the range into K equal parts; ``init_range=(0, 255)`` for
        intensities), a Mixture, or a (K, d) array of starting means (scikit-learn's
        ``means_init``: each point joins its nearest mean to give weights and variances).
        The start's covariances are projected onto ``covariance_type``.
    max_iter : at most this many EM iterations (M-steps)
    tol : stop when an iteration raises the objective by less than ``tol`` per point (per unit
        of weight; and by a non-negative amount, with no guard event, in that iteration); the
        rule ignores the data's units. None never stops early
    random_state : seed (int >= 0), None or a numpy Generator, for the K-means starts
    whiten : fit in whitened coordinates (recommended; the result is mapped back)
    reg_covar : added to every covariance diagonal after each M-step, in data units
        (scikit-learn's ``reg_covar``; for comparisons: it breaks the monotonicity of EM)
    var_floor : the guard's variance floor, as a fraction of each feature's robust variance;
        at least 1e-12 while ``guard`` is on (0 is allowed with ``guard=False``)
    n_init : number of EM runs, each from its own K-means start; the run with the highest
        objective wins, preferring runs that did not stop on a singular or empty component
        (all runs are in ``result.restarts``). Needs ``init="kmeans"`` when above 1.
    init_range : (low, high) for ``init="equal-range"``
    covariance_type : "full" (default), "diag", "spherical" or "tied" (see ``gmmlib.mixture``)
    prior : strength of the covariance ridge (the module text): every component's variance
        stays above prior / pi_k of the data's robust variance. 0 gives plain maximum
        likelihood, which is unbounded: with ``guard=False`` a collapsing component then stops
        the run ("singular")
    guard : replace unhealthy covariances (RCOND <= 1e-10, a variance below the floor) and
        restart empty components; with False the run stops there instead and says why

    Returns
    -------
    EMResult with ``.mixture``, ``.history`` (``.log_likelihood``, ``.objective``, ``.events``
    per iteration), ``.log_likelihood``, ``.objective``, ``.converged``, ``.status``,
    ``.stop_reason``, ``.n_iter``, ``.restarts`` and ``.failure`` (always None here).

    Examples
    --------
    >>> X = np.r_[np.zeros(50), np.ones(50) * 10] + np.random.default_rng(0).normal(size=100)
    >>> result = painless_em(X, 2)
    >>> sorted(result.mixture.means.ravel().round(1).tolist()), result.status
    ([0.1, 10.0], 'converged')
    """
    # The library relies on IEEE arithmetic (exp underflows to 0, log 0 = -inf): a student's
    # np.seterr(all="raise") must not change what it computes.
    with np.errstate(all="ignore"):
        args = validate_em_arguments(X, K, weights, init, max_iter, tol, random_state, init_range,
                                     covariance_type)
        setup = _prepare(args, whiten=validate_bool(whiten, "whiten"), guard=validate_bool(guard, "guard"),
                         reg_covar=reg_covar, var_floor=var_floor, prior=prior, n_init=n_init)
        runs = [_em_run(setup, *_start(setup, args)) for _ in range(setup.n_init)]
    if len(runs) == 1:
        return runs[0]
    healthy = [r for r in runs if r.status in ("converged", "max_iter")] or runs
    best = max(healthy, key=lambda r: r.objective)
    best.restarts = runs
    best.stop_reason += (f" (best of n_init={len(runs)} runs by objective; objectives "
                         + ", ".join(f"{r.objective:.6g}" for r in runs) + ")")
    return best


class _Setup:
    """Everything one fit computes once and every restart shares (all in whitened units)."""

    def __init__(self, **kw):
        self.__dict__.update(kw)


def _prepare(args, whiten, guard, reg_covar, var_floor, prior, n_init):
    """Check painless EM's own arguments, whiten the data and build the shared _Setup."""
    X, c, K, d = args.X, args.weights, args.K, args.X.shape[1]
    reg_covar = validate_float(reg_covar, "reg_covar", "[0, 1e150]",
                               hint="scikit-learn's default is 1e-6 (added to each variance, in data units)")
    var_floor = validate_float(var_floor, "var_floor", "[0, 1]" if not guard else "[1e-12, 1]",
                               hint="a fraction of each feature's variance, e.g. 1e-7"
                               + ("; var_floor=0 needs guard=False" if guard else ""))
    prior = validate_float(prior, "prior", "[0, 1000]", hint="e.g. 1e-6; 0 is plain maximum likelihood")
    n_init = validate_int(n_init, "n_init", "[1, 1000]", hint="the number of EM runs, e.g. 1 or 10")
    if n_init > 1 and not (isinstance(args.init, str) and args.init == "kmeans"):
        raise ValueError(f"n_init={n_init} restarts need random starts (init='kmeans'); a given "
                         "start or init='equal-range' gives the same run every time: use n_init=1")
    spread = robust_scale(X, c)
    W = Whitener(X, c, enabled=whiten, scale=spread, isotropic=args.covariance_type == "spherical")
    Z = W.forward(X)
    _check_scale(X, Z, c, K, spread, whiten)
    ratio2 = (spread / W.std) ** 2  # a variance in units of the robust spread -> whitened units
    total = float(c.sum())
    reg = np.diag(np.full(d, reg_covar) / W.std ** 2)
    if not np.isfinite(reg).all() or reg.max() > 1e150:
        raise ValueError(f"reg_covar={reg_covar!r} is enormous next to the data's spread "
                         f"({spread.min():.3g}); use a value on the scale of the data's variance or smaller")
    floor = var_floor * ratio2 if args.covariance_type != "spherical" else var_floor * ratio2.mean()
    floor = float(np.ravel(floor)[0]) if d == 1 else floor  # the guard's 1-D test compares numbers
    return _Setup(feat=QuadraticFeatures(Z, c), W=W, c=c, Z=Z, total=total, K=K, spread=spread,
                  ll_shift=-total * W.log_det,  # log-likelihood in data units = whitened one + this
                  reg=reg, lam=prior * total * ratio2 if prior > 0 else None, floor=floor,
                  start_floor=max(var_floor, prior, 1e-6), ratio2=ratio2, n_init=n_init,
                  covariance_type=args.covariance_type, tol=args.tol, max_iter=args.max_iter, guard=guard)


def _check_scale(X, Z, c, K, spread, whiten):
    """Refuse data whose squares float64 cannot hold, with the fix for each case."""
    reach = float(np.abs(Z).max())
    if whiten and not reach < 1e100:
        raise ValueError(
            f"X reaches {reach:.3g} times its typical spread from its centre (spread {spread.min():.3g}"
            f" in the narrowest feature): squares of such numbers overflow float64. Remove the extreme "
            "points, or fit them separately")
    # after the reach: next to an extreme point, rescaling X (the advice below) would not help
    if spread.min() < MIN_SPREAD:
        raise ValueError(f"X has a spread of only {spread.min():.3g} (feature {int(spread.argmin())}): "
                         f"its variance, the square of that (below {MIN_SPREAD ** 2:.0e}), is too "
                         "small for float64 (whose smallest normal number is 2.2e-308). Rescale X "
                         "first, e.g. X / np.abs(X).max()")
    if not whiten and not (spread.min() > 1e-100 and spread.max() < 1e100):
        raise ValueError(f"whiten=False fits in the data's own units, but their spread (from "
                         f"{spread.min():.3g} to {spread.max():.3g}) puts variances outside what "
                         "float64 holds safely; use whiten=True")
    if whiten and n_distinct(Z, c, enough=K) < K:
        raise ValueError(
            f"whitening (x - mean) / spread maps distinct points of X onto the same values, leaving "
            f"fewer than K={K} distinct points: their differences are below float64's resolution "
            "at the data's scale. Subtract a typical value from X first, or pass whiten=False")


def _start(s, args):
    """A starting (weights, means, covariances) in whitened units, projected onto the type."""
    init, W = args.init, s.W
    if isinstance(init, Mixture) or (isinstance(init, str) and init == "equal-range"):
        start = resolve_init(init, args.X, s.c, s.K, args.rng, s.start_floor * s.spread ** 2,
                             low=args.low, high=args.high)
        weights_k, means, covs = W.to_white(start)
    else:  # K-means, or starting means given in data units, run on the whitened data
        means0 = W.forward(init) if isinstance(init, np.ndarray) else init
        start = resolve_init(means0, s.Z, s.c, s.K, args.rng, s.start_floor * s.ratio2)
        weights_k, means, covs = start.weights, start.means, start.covariances
    covs = constrain_covariances(np.array(covs, dtype=np.float64), weights_k, s.covariance_type)
    return np.array(weights_k, dtype=np.float64), np.array(means), covs.copy()


def _em_run(s, weights_k, means, covs):
    """One EM run from a start in whitened units; returns the EMResult in data units."""
    history = History(covariance_type=s.covariance_type)  # whitened units, mapped back at the end
    chol, events = _first_factors(s, covs)
    history.events.extend(GuardEvent(0, k, r, "the start: " + reason) for k, reason, r in events)
    history.append(weights_k, means, covs)
    status, why, n_iter, obj_prev = None, "", 0, None
    for it in range(1, s.max_iter + 2):
        log_weights = np.log(np.maximum(weights_k, 1e-300))  # a weight of 0 would give -inf
        resp, log_p = e_step(s.feat, log_weights, means, chol)
        ll = log_p.sum() if s.feat.weights is None else float(s.c @ log_p)  # whitened units
        obj = ll - prior_penalty(chol, s.lam)
        history.log_likelihood[-1], history.objective[-1] = ll + s.ll_shift, obj + s.ll_shift
        guarded = bool(history.events) and history.events[-1].iteration == it - 1
        if obj_prev is not None and _converged(s, obj - obj_prev, obj_prev, guarded):
            status = "converged"
            break
        if it > s.max_iter:
            status = "max_iter"
            break
        Nk, new_means, new_covs = m_step(s.feat, resp, s.reg, s.lam)
        empty = np.flatnonzero(Nk <= 1e-12 * s.total) if Nk.min() <= 1e-12 * s.total else ()
        if len(empty) and not s.guard:
            k = int(empty[0])
            status, why = "empty", (f"stopped after iteration {it - 1}: in iteration {it} component {k} "
                                    f"owned no point (N_{k} = {Nk[k]:.3g}); with guard=False nothing restarts it: "
                                    "use guard=True or another start")
            break
        for k in empty:
            # An empty component: restart it on the point the mixture explains worst.
            worst = int(np.argmin(np.where(s.c > 0, log_p, np.inf)))
            new_means[k], new_covs[k], Nk[k] = s.Z[worst], np.eye(s.Z.shape[1]), s.total / (s.K * s.Z.shape[0])
            history.events.append(GuardEvent(it, int(k), float("nan"),
                                             "owned no point; restarted on the worst-fitted point"))
        new_covs = constrain_covariances(new_covs, Nk, s.covariance_type)
        new_chol, events = guard_covariances(new_covs, s.floor, replace=s.guard)
        if new_chol is None:
            k, reason, r = events[0]
            status, why = "singular", (
                f"stopped after iteration {it - 1}: in iteration {it}, component {k}: {reason}; with "
                "guard=False nothing replaces it. The likelihood grows without bound as a component "
                "shrinks onto a point: use prior > 0, guard=True (a variance floor), or restarts (n_init)")
            break
        history.events.extend(GuardEvent(it, k, r, reason) for k, reason, r in events)
        means, covs, chol = new_means, new_covs, new_chol
        weights_k = Nk / Nk.sum()
        history.append(weights_k, means, covs, copy=False)  # fresh arrays, never changed again
        n_iter, obj_prev = it, obj
    history.freeze()
    history.means, history.covariances = s.W.from_white(history.means, history.covariances)
    why = why or _stop_reason(status, history, n_iter, s)
    return EMResult(history.mixture(-1), history, float(history.log_likelihood[-1]),
                    status == "converged", n_iter, None, "painless",
                    objective=float(history.objective[-1]), status=status, stop_reason=why)


def _first_factors(s, covs):
    """Cholesky factors of the start (guarded when the guard is on): (factors, events)."""
    try:  # every start is positive definite; the guard may still find it too thin
        chol, events = (None, []) if s.guard else (cholesky(covs), [])
    except np.linalg.LinAlgError:  # whitening a barely definite start can round it indefinite
        chol = None
    if chol is None:
        chol, events = guard_covariances(covs, np.maximum(s.floor, 1e-12), replace=True)
    return chol, events


def _converged(s, gain, obj_prev, guarded):
    """The stopping rule: a non-negative gain (up to rounding) below tol per unit of weight, and no
    guard event in the iteration that made it. ``gain`` and ``obj_prev`` are in whitened units,
    where rounding does not depend on the data's units either."""
    if s.tol is None or guarded:
        return False
    return gain_is_small(gain, obj_prev, s.total, s.tol)


def _stop_reason(status, history, n_iter, s):
    """The plain-words ending of a run that stopped by the rule or at max_iter."""
    if status == "converged":
        return (f"converged: in iteration {n_iter} the objective rose by less than tol={s.tol:g} "
                "per point, with no guard event")
    if n_iter == 0:
        return "max_iter=0: only the start was evaluated"
    text = (f"ran all max_iter={s.max_iter} iterations (tol=None)" if s.tol is None else
            f"stopped at max_iter={s.max_iter} before converging")
    last = history.events_at(n_iter)
    if last:
        text += ("; the guard changed the last iteration (" + "; ".join(
            f"component {e.component}: {e.reason}" for e in last) + ")")
    elif len(history.objective) > 1 and history.objective[-1] < history.objective[-2] - ROUNDING * (
            abs(history.objective[-2]) + s.total):
        text += "; the objective fell in the last iteration (reg_covar > 0?)"
    return text
