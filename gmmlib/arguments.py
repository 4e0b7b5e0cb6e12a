"""The arguments ``naive_em`` and ``painless_em`` share, checked once at the door.

Both EM loops take the same data, K, start, iteration budget and stopping rule; this module turns
what a caller passed into checked values (``validate_em_arguments``), or a clear error that says
what to pass instead, so that each loop's body is its algorithm. It also resolves the start
(``resolve_init``) into a Mixture.
"""
from dataclasses import dataclass

import numpy as np

from ._validate import (as_data, as_weights, show, validate_array, validate_float, validate_int,
                        validate_K, validate_options, validate_random_state)
from .init import INIT_METHODS, KMEANS_RESTARTS, equal_range_init, kmeans_init, means_init
from .mixture import COVARIANCE_TYPES, Mixture

#: A gain above -ROUNDING * (|F| + total weight) counts as non-negative (F is a sum of N terms,
#: each exact to about 1e-13 relative, so smaller changes are rounding, not a decrease).
ROUNDING = 1e-10

TOL_HINT = ("the smallest gain of the objective per point (per unit of weight) worth another "
            "iteration, such as 1e-4, or None to run all max_iter iterations")


@dataclass
class EMArguments:
    """What both EM loops need, checked: data (N, d) as float64, weights, K, the start, the rule."""
    X: np.ndarray
    weights: np.ndarray
    K: int
    init: object
    max_iter: int
    tol: float | None
    rng: np.random.Generator
    covariance_type: str
    low: float | None
    high: float | None


def validate_em_arguments(X, K, weights, init, max_iter, tol, random_state, init_range,
                          covariance_type, keep_dtype=False):
    """The checked arguments of an EM run (``EMArguments``); X keeps its dtype with ``keep_dtype``."""
    X = as_data(X, keep_dtype=keep_dtype)
    c = as_weights(weights, X.shape[0])
    K = validate_K(K, X.astype(np.float64, copy=False), c)
    max_iter = validate_int(max_iter, "max_iter", "[0, 1000000]", hint="e.g. max_iter=100")
    tol = validate_float(tol, "tol", "[0, 1)", allow_none=True, hint=TOL_HINT)
    rng = validate_random_state(random_state)
    covariance_type = validate_options(covariance_type, "covariance_type", COVARIANCE_TYPES)
    init = validate_init(init, K, X.shape[1])
    low, high = _validate_range(init_range)
    if init_range is not None and not (isinstance(init, str) and init == "equal-range"):
        raise ValueError("init_range only applies to init='equal-range'; drop it or pass "
                         "init='equal-range'")
    return EMArguments(X, c, K, init, max_iter, tol, rng, covariance_type, low, high)


def resolve_init(init, X, weights, K, rng, var_floor, n_init=KMEANS_RESTARTS, low=None, high=None):
    """A starting Mixture from a method name, a Mixture or a (K, d) array of starting means.

    ``init`` must already be checked (``validate_init``); the means of an array are in the
    units of X.
    """
    if isinstance(init, Mixture):
        return init
    if isinstance(init, np.ndarray):
        return means_init(X, weights, init, var_floor)
    if init == "kmeans":
        return kmeans_init(X, weights, K, rng, var_floor, n_init=n_init)
    return equal_range_init(X, weights, K, low=low, high=high, var_floor=var_floor)


def validate_init(init, K, d):
    """``init`` as a method name, a Mixture with K components in d dimensions, or a (K, d) float
    array of starting means (scikit-learn's ``means_init``); a clear error otherwise."""
    K = validate_int(K, "K", "[1, inf)", hint="the number of components")
    d = validate_int(d, "d", "[1, inf)", hint="the number of features of the data")
    if isinstance(init, Mixture):
        if init.n_components != K or init.n_features != d:
            raise ValueError(f"init is a starting mixture with K={init.n_components}, d={init.n_features} "
                             f"but K={K} and the data have d={d}; pass a start with K={K} "
                             f"components in {d} dimensions")
        return init
    if isinstance(init, str):
        return validate_options(init, "init", INIT_METHODS,
                             hint="or pass a gmmlib.Mixture or a (K, d) array of starting means")
    if init is None or isinstance(init, (dict, set, bool, np.bool_)) or np.isscalar(init):
        raise TypeError(f"init must be one of {INIT_METHODS}, a gmmlib.Mixture or a (K, d) array of "
                        f"starting means, got {show(init)}")
    means = validate_array(init, "init", dtype=np.float64, max_abs=1e150,
                        hint=f"an array given as init holds the K={K} starting means, shape ({K}, {d})")
    if means.ndim == 1 and d == 1:
        means = means[:, None]
    if means.shape != (K, d):
        raise ValueError(f"init as an array holds the starting means and must have shape (K, d) = "
                         f"({K}, {d}), got {means.shape}; or pass init='kmeans'")
    return means


def _validate_range(init_range):
    if init_range is None:
        return None, None
    try:
        low, high = init_range
    except (TypeError, ValueError):
        raise ValueError(f"init_range must be a pair (low, high), got {show(init_range)}; e.g. "
                         "init_range=(0, 255) for 8-bit intensities") from None
    low = validate_float(low, "init_range[0] (low)")
    high = validate_float(high, "init_range[1] (high)")
    if not low < high:
        raise ValueError(f"init_range must satisfy low < high, got ({low!r}, {high!r}); e.g. (0, 255)")
    return low, high


def gain_is_small(gain, previous, total, tol):
    """The stopping rule both EM loops share: the objective rose by less than ``tol`` per unit
    of weight, and by a non-negative amount up to rounding (a fall is never convergence)."""
    return -ROUNDING * (abs(previous) + total) <= gain < tol * total
