"""The steps of Stauffer and Grimson's background model, each for every pixel at once.

C. Stauffer and W. E. L. Grimson, "Adaptive background mixture models for real-time
tracking", CVPR 1999. Section 3.1 matches a new value to one of a pixel's K Gaussians and
updates the mixture (equations 4 to 7); section 3.2 orders the Gaussians by w / sigma and
takes the first B as the background (equation 8). ``BackgroundModel.apply`` in
``gmmlib.background`` calls these functions in the paper's order. :func:`background_components`
is the one place where the background rule is written: the model, its ``mixture_at`` and the
view of notebook 07 call it.

Shapes: a pixel's K components lie on the LAST axis, everything before it is pixels (any
number of axes: (N,), (H, W), (P, n_frames)):

    x          (..., C)      the new value (C = 1 for gray)
    weights    (..., K)
    variances  (..., K)      one variance per component, shared by the C channels
    means      (..., K, C)

Arithmetic happens in the dtype of the arrays (``BackgroundModel`` keeps float32), and sums
over the K components run in storage order (component 0 first), so that the result does
not depend on how the arrays are laid out in memory.
"""
import numpy as np

__all__ = ["rank_key", "rank", "squared_distances", "match", "background_components", "classify",
           "learning_rates", "update", "replace"]


def _sum_components(values):
    """values[..., 0] + values[..., 1] + ..., in that order (floating-point sums depend on it)."""
    if values.shape[-1] == 1:
        return values[..., 0]
    total = values[..., 0].copy(order="K")  # keep the memory layout of values
    for k in range(1, values.shape[-1]):
        total += values[..., k]
    return total


def rank_key(weights, variances):
    """The key of section 3.2, ``w / sigma``: large for a heavy, narrow Gaussian.

    "The Gaussians are ordered by the value of w / sigma": a Gaussian that has gathered much
    evidence (w) and varies little (sigma) is the most likely to be background. An empty slot
    (w = 0) gets key 0 and never matches.
    """
    key = np.sqrt(variances)
    return np.divide(weights, key, out=key)


def rank(key):
    """Each component's place in the order of decreasing ``key`` (section 3.2): 0 = first.

    Ties go to the lower index, as a stable sort does: ``rank(key)`` equals
    ``np.argsort(np.argsort(-key, axis=-1, kind="stable"), axis=-1)``. It is computed by
    comparing the K(K - 1) / 2 pairs (component j is ahead of k > j when key_j >= key_k)
    rather than by ``np.argsort``: for K = 3 to 5 the comparisons are whole-image operations,
    while argsort over a short axis sorts every pixel separately (about 40 times slower at
    320x240 with K = 3).

    Returns
    -------
    ndarray of uint8, shape of ``key``
    """
    K = key.shape[-1]
    ranks = np.zeros_like(key, dtype=np.uint8)
    for j in range(K):
        for k in range(j + 1, K):
            j_ahead = key[..., j] >= key[..., k]
            ranks[..., k] += j_ahead
            ranks[..., j] += ~j_ahead
    return ranks


def squared_distances(x, means):
    """``x - mu`` for every component, shape (..., K, C), and ``||x - mu||^2``, shape (..., K)."""
    diff = x[..., None, :] - means
    sq_dist = np.square(diff[..., 0])
    for c in range(1, diff.shape[-1]):
        sq_dist += np.square(diff[..., c])
    return diff, sq_dist


def match(sq_dist, variances, key, ranks, threshold2):
    """Section 3.1: the FIRST component in rank order with ``||x - mu||^2 < threshold2 sigma^2``.

    "Every new pixel value is checked against the existing K Gaussian distributions, until a
    match is found"; the paper's window is 2.5 standard deviations (``threshold2 = 2.5^2``
    for gray values). Empty slots (key 0) never match.

    Returns
    -------
    ndarray of bool, shape (..., K)
        M of equation 4: True for the matched component, all False where nothing matched.
    """
    hits = sq_dist < threshold2 * variances
    hits &= key > 0
    # The best rank among the hits; misses are pushed behind every rank (np.where would do
    # the same but is far slower).
    rank_or_behind = ~hits * np.uint8(key.shape[-1])
    rank_or_behind += ranks
    first = rank_or_behind.min(axis=-1, keepdims=True)
    return hits & (ranks == first)


def background_components(weights, sigmas, T, ranks=None):
    """Section 3.2, equation 8: the background is the first B components in the order of
    decreasing w / sigma, B the smallest number whose weights sum past ``T``.

    A component is background when the weight ranked ahead of it is still <= T (so the B-th,
    which takes the sum past T, is background too) and its own weight is positive.

    Parameters
    ----------
    weights, sigmas : array_like, shape (..., K)
        Weights and standard deviations of the components (any order).
    T : float in (0, 1)
    ranks : ndarray (..., K), optional
        ``rank(weights / sigmas)`` when the caller already has it (the model ranks once per
        frame); ``sigmas`` is then not read.

    Returns
    -------
    ndarray of bool, shape (..., K)
        True for the background components, in the order the arrays were given.

    Examples
    --------
    >>> background_components([0.2, 0.5, 0.3], [2.0, 2.0, 20.0], 0.6).tolist()
    [True, True, False]
    """
    weights = np.asarray(weights)
    if ranks is None:
        ranks = rank(weights / np.asarray(sigmas))
    # Weight ranked ahead of each component, added in storage order j = 0, 1, ...
    ahead = np.zeros_like(weights)
    K = weights.shape[-1]
    for j in range(K):
        for k in range(j + 1, K):
            j_ahead = ranks[..., j] < ranks[..., k]
            ahead[..., k] += weights[..., j] * j_ahead
            ahead[..., j] += weights[..., k] * ~j_ahead
    return (ahead <= T) & (weights > 0)


def classify(matched, background):
    """Section 3.2: a value is foreground when it matched none of the background components.

    ``matched`` is the one-hot M from :func:`match`, ``background`` the mask from
    :func:`background_components`; both (..., K). Returns the foreground mask, shape (...).
    """
    return ~(matched & background).any(axis=-1)


def learning_rates(kind, alpha_matched, weights, matched, sq_dist, variances, C):
    """rho, the step of the matched component's mean and variance, (..., K); 0 elsewhere.

    ``alpha_matched`` is ``alpha M``. ``"paper"``: equation 7, ``rho = alpha N(x | mu,
    sigma^2 I_C)`` (capped at 1); ``"inverse_weight"``: ``alpha / w`` with the updated weight
    (w >= alpha there, so rho <= 1: a running mean of the values the component has taken);
    ``"constant"``: ``alpha``.
    """
    if kind == "constant":
        return alpha_matched
    if kind == "inverse_weight":
        # 1 is added to the other components' weights, so that their rho is 0 / (w + 1) = 0
        # even for an empty slot (w = 0); numpy's masked division (where=) is slower.
        return alpha_matched / (weights + ~matched)
    rho = sq_dist / variances
    rho *= -0.5
    np.exp(rho, out=rho)
    norm = variances * (2 * np.pi)
    norm **= -0.5 * C
    rho *= norm
    rho *= alpha_matched
    return np.minimum(rho, 1.0, out=rho)


def update(weights, means, variances, x_minus_mu, sq_dist, matched, alpha, learning_rate,
           variance_floor):
    """Section 3.1, equations 4 to 7, in place: the weights, then the matched mean and variance.

    ``w <- (1 - alpha) w + alpha M`` (equation 4); when something matched, the weights still
    sum to 1 in exact arithmetic, so only :func:`replace` renormalises. With rho from
    :func:`learning_rates` (0 for the other components), ``mu <- mu + rho (x - mu)`` and
    ``sigma^2 <- sigma^2 + rho (||x - mu||^2 / C - sigma^2)``. Unlike equation 6 the variance
    uses the OLD mean (``sq_dist`` was measured before the mean moved), so one pass over the
    data suffices. The variance never falls below ``variance_floor`` (a number, or an array
    of the shape of ``variances``: numpy's maximum is several times faster against an array).
    """
    # alpha rounded to the weights' dtype once, whatever the numpy version's casting rules.
    alpha_matched = np.multiply(matched, alpha, dtype=weights.dtype)
    weights *= 1 - alpha
    weights += alpha_matched
    C = x_minus_mu.shape[-1]
    rho = learning_rates(learning_rate, alpha_matched, weights, matched, sq_dist, variances, C)
    means += rho[..., None] * x_minus_mu
    step = sq_dist * (1.0 / C)
    step -= variances
    step *= rho
    variances += step
    np.maximum(variances, variance_floor, out=variances)


def replace(weights, means, variances, x, key, lost, initial_weight, initial_variance):
    """Section 3.1, in place: where nothing matched, the least probable component is replaced.

    "The least probable distribution is replaced with a distribution with the current value as
    its mean value, an initially high variance, and low prior weight", then the weights are
    renormalised. The least probable is the one with the smallest ``key`` (w / sigma before
    this frame's update; ties to the lower index, so empty slots fill in order). ``lost`` is
    the boolean mask (...) of the pixels with no match; only those are touched.
    """
    where = np.nonzero(lost)
    if not where[0].size:
        return
    slot = where + (key[where].argmin(axis=-1),)
    weights[slot] = initial_weight
    means[slot] = x[where]
    variances[slot] = initial_variance
    w = weights[where]
    weights[where] = w / _sum_components(w)[:, None]
