"""Honest convergence: the objective painless EM climbs, why a run stops, and the singularities
of the likelihood with their remedies (variance floor, prior, restarts)."""
import numpy as np
import pytest
from skimage import data

from gmmlib import Mixture, datasets, histogram_em, painless_em
from gmmlib.painless import ROUNDING, robust_scale


def never_falls(result, rel=1e-9):
    """The objective never fell by more than ``rel`` relative, except where the guard acted."""
    obj, guarded = result.history.objective, set(result.history.guard_iterations())
    drops = [t for t in range(1, len(obj)) if t not in guarded and obj[t] < obj[t - 1] - rel * abs(obj[t - 1])]
    return not drops


def honest(result):
    """converged=True only after a non-negative gain below tol, with no guard event in that step."""
    if not result.converged:
        return True
    obj = result.history.objective
    return obj[-1] - obj[-2] >= -ROUNDING * abs(obj[-2]) and not result.history.events_at(result.n_iter)


# ------------------------------------------------------------------ runs that must not claim convergence

@pytest.mark.parametrize("K", [3, 5])
def test_astronaut_pixels_converge_without_a_fall(K):
    """Saturated pixels can pull a component onto one colour; the prior keeps every covariance
    away from singular, so the run converges with no guard event and no fall of the objective
    (a guard that replaced such a component right before 'converged' would hide a fall of 1e5)."""
    X = data.astronaut().reshape(-1, 3)
    res = painless_em(X, K, random_state=0)
    assert res.status == "converged" and res.converged and honest(res)
    assert not res.history.events
    assert np.all(res.history.gains() >= 0)
    assert "converged" in repr(res) and "no guard event" in res.stop_reason


@pytest.mark.parametrize("K, steps", [(3, 24), (5, 14)])
def test_astronaut_stepped_one_iteration_at_a_time_never_falls(K, steps):
    """One EM iteration per call, each from the last call's mixture, past the iterations (23
    for K=3, 13 for K=5) where main's guard made the log-likelihood fall: every step raises the
    objective, and the steps retrace the single run."""
    X = data.astronaut().reshape(-1, 3)
    whole = painless_em(X, K, random_state=0, max_iter=steps, tol=None)
    mixture, objective = whole.history.mixture(0), [whole.history.objective[0]]
    for _ in range(steps):
        step = painless_em(X, K, init=mixture, max_iter=1, tol=None)
        before, after = step.history.objective
        assert not step.history.events and after >= before - 1e-12 * abs(before)
        mixture = step.mixture
        objective.append(after)
    np.testing.assert_allclose(objective, whole.history.objective, rtol=1e-9)


def hostile_images():
    flat = np.full((96, 96), 255, np.uint8)  # saturated sky above, black below, texture inside
    flat[48:] = 0
    flat[24:72, 24:72] = data.camera()[::8, ::8][8:56, 8:56]
    return {"astronaut": data.astronaut()[::8, ::8].reshape(-1, 3),
            "coffee": data.coffee()[::8, ::8].reshape(-1, 3),
            "camera": data.camera()[::4, ::4].ravel(),
            "saturated and flat": flat.ravel()}


@pytest.mark.parametrize("name", list(hostile_images()))
def test_hostile_images_never_claim_convergence_after_a_fall(name):
    X = hostile_images()[name]
    for K in range(2, 9):
        res = painless_em(X, K, random_state=0)
        assert honest(res), f"{name}, K={K}: {res}"
        assert never_falls(res), f"{name}, K={K}: the objective fell"
        assert res.status in ("converged", "max_iter")


def test_a_guard_event_in_the_last_iteration_is_not_convergence():
    """prior=0 on 12 identical saturated pixels: the guard fires in every iteration and the
    likelihood stays flat. Such a run must not say 'converged': it says what happened."""
    case = {c.name: c for c in datasets.failure_cases()}["singular covariance"]
    res = painless_em(case.X, case.K, init=case.init, prior=0, max_iter=30)
    assert res.history.guard_iterations() == list(range(1, 31))
    assert not res.converged and res.status == "max_iter"
    assert "the guard changed the last iteration" in res.stop_reason
    assert "component 0" in res.stop_reason and "singular covariance" in repr(res)
    # with the default prior the same data need no guard and converge
    ok = painless_em(case.X, case.K, init=case.init)
    assert ok.converged and not ok.history.events


def test_stop_reasons_in_plain_words():
    X, _ = datasets.gmm_example_1d()
    assert painless_em(X, 2, max_iter=0).stop_reason == "max_iter=0: only the start was evaluated"
    assert painless_em(X, 2, max_iter=3, tol=None).stop_reason == "ran all max_iter=3 iterations (tol=None)"
    short = painless_em(X, 2, max_iter=1)
    assert short.status == "max_iter" and short.stop_reason == "stopped at max_iter=1 before converging"


# ------------------------------------------------------------------ the objective itself

def test_objective_is_the_log_likelihood_minus_the_prior_penalty():
    """F = sum_i c_i log p(x_i) - 1/2 sum_k tr(Lambda Sigma_k^-1), Lambda = prior N diag(s^2),
    computed here in data units from the fitted mixture, independently of the fit's whitening."""
    X, _ = datasets.gmm_example_2d()
    X = X * [3.0, 0.01] + [100.0, -5.0]
    res = painless_em(X, 3, prior=1e-3, random_state=1)
    m = res.mixture
    lam = 1e-3 * len(X) * robust_scale(X, np.ones(len(X))) ** 2
    penalty = 0.5 * sum(np.trace(np.diag(lam) @ np.linalg.inv(c)) for c in m.covariances)
    assert res.log_likelihood == pytest.approx(m.log_likelihood(X), rel=1e-10)
    assert res.objective == pytest.approx(m.log_likelihood(X) - penalty, rel=1e-10)


@pytest.mark.parametrize("covariance_type", ["full", "diag", "spherical", "tied"])
def test_one_step_is_the_map_m_step(covariance_type):
    """From a given start, one iteration equals the MAP formulas written out with numpy:
    Sigma_k = S_k + Lambda / N_k, projected onto the type (tied: sum_k N_k Sigma_k / N)."""
    rng = np.random.default_rng(0)
    X = np.vstack([rng.normal([0, 0, 0], [1, 2, 0.5], (60, 3)), rng.normal([4, 1, 2], 1.0, (40, 3))])
    c = rng.integers(1, 4, len(X)).astype(float)
    start = painless_em(X, 2, weights=c, max_iter=0, covariance_type=covariance_type).mixture
    prior = 0.05
    ours = painless_em(X, 2, weights=c, init=start, max_iter=1, tol=None, prior=prior,
                       covariance_type=covariance_type).mixture
    r = start.responsibilities(X) * c[:, None]
    Nk = r.sum(axis=0)
    means = r.T @ X / Nk[:, None]
    lam = prior * c.sum() * robust_scale(X, c) ** 2
    S = np.stack([(r[:, k, None] * (X - means[k])).T @ (X - means[k]) / Nk[k] + np.diag(lam) / Nk[k]
                  for k in range(2)])
    if covariance_type == "diag":
        S = S * np.eye(3)
    elif covariance_type == "spherical":
        S = np.trace(S, axis1=1, axis2=2)[:, None, None] / 3 * np.eye(3)
    elif covariance_type == "tied":
        S = np.broadcast_to(np.einsum("k,kab->ab", Nk / Nk.sum(), S), S.shape)
    np.testing.assert_allclose(ours.weights, Nk / Nk.sum(), rtol=1e-12)
    np.testing.assert_allclose(ours.means, means, rtol=1e-11, atol=1e-11)
    np.testing.assert_allclose(ours.covariances, S, rtol=1e-10, atol=1e-12)


def test_the_prior_does_not_depend_on_how_weights_are_scaled():
    """Counts or fractions: the same fit (Lambda grows with the total weight)."""
    levels, counts = np.arange(256.0), np.bincount(data.camera().ravel(), minlength=256).astype(float)
    keep = counts > 0
    a = painless_em(levels[keep], 3, weights=counts[keep])
    b = painless_em(levels[keep], 3, weights=counts[keep] / counts.sum())
    np.testing.assert_allclose(a.mixture.means, b.mixture.means, rtol=1e-9)
    np.testing.assert_allclose(a.mixture.covariances, b.mixture.covariances, rtol=1e-9)
    assert a.n_iter == b.n_iter


def test_histogram_em_still_equals_pixel_em_with_the_prior():
    img = data.camera()
    h = histogram_em(img, 3, max_iter=30, tol=None)
    p = painless_em(img.ravel(), 3, init="equal-range", init_range=(0, 255), max_iter=30, tol=None)
    np.testing.assert_allclose(h.mixture.means, p.mixture.means, rtol=1e-10)
    np.testing.assert_allclose(h.mixture.covariances, p.mixture.covariances, rtol=1e-9)
    np.testing.assert_allclose(h.history.objective, p.history.objective, rtol=1e-11)


# ------------------------------------------------------------------ one outlier

def two_clusters_and_an_outlier(d):
    rng = np.random.default_rng(2)
    X = np.vstack([rng.normal(0.0, 1.0, (100, d)), rng.normal(6.0, 1.0, (100, d)), np.full((1, d), 1e6)])
    return X


@pytest.mark.parametrize("d", [1, 2])
def test_one_outlier_does_not_merge_two_clusters(d):
    """A floor taken from the standard deviation, which the outlier at 1e6 inflates 7000-fold,
    would be about 5000 and merge the clusters 6 apart. The robust spread (IQR / 1.349) barely
    notices one point."""
    X = two_clusters_and_an_outlier(d)
    assert robust_scale(X, np.ones(len(X))).max() < 5
    res = painless_em(X, 3, random_state=0)
    means = np.sort(res.mixture.means[:, 0])
    np.testing.assert_allclose(means[:2], [0.0, 6.0], atol=0.3)
    assert means[2] == pytest.approx(1e6)
    assert res.converged and not res.history.events


# ------------------------------------------------------------------ singularities

def isolated_point_data():
    """Seed 000's 1-D example plus one point at 33, and a start that puts a third, narrow
    component on that point: EM shrinks it onto the point."""
    X, _ = datasets.gmm_example_1d()
    X = np.r_[X, 33.0]
    start = Mixture([0.3, 0.6, 0.1], [[10.0], [20.0], [33.0]], [[[1.0]], [[9.0]], [[1.0]]])
    return X, start


def test_without_prior_or_guard_a_component_collapses_and_the_run_says_so():
    X, start = isolated_point_data()
    res = painless_em(X, 3, init=start, prior=0, guard=False, var_floor=0, max_iter=100)
    assert res.status == "singular" and not res.converged
    var = res.history.covariances[:, 2, 0, 0]
    assert np.all(np.diff(var) < 0) and var[-1] < 1e-3  # shrinking onto the point
    assert np.all(np.diff(res.history.log_likelihood) > 0)  # while the likelihood climbs
    assert "component 2" in res.stop_reason and "grows without bound" in res.stop_reason
    assert "prior > 0" in res.stop_reason and "n_init" in res.stop_reason
    assert np.isfinite(res.mixture.covariances).all()  # the last valid mixture is kept
    # The likelihood of a component of variance v on one point grows like -1/2 log v:
    # nothing bounds it, whatever the rest of the fit.
    on_point = Mixture(res.mixture.weights, np.r_[res.mixture.means[:2, 0], 33.0],
                       np.r_[res.mixture.covariances[:2, 0, 0], 1e-200])
    assert on_point.log_likelihood(X) > res.log_likelihood + 200


def test_the_variance_floor_sets_the_likelihood():
    """With a floor (prior=0, guard on) the collapsed component sits at the floor, the guard
    fires every iteration, and log L grows by 1/2 log 10 per decade of the floor: the floor,
    not the data, decides the likelihood."""
    X, start = isolated_point_data()
    floors = [1e-2, 1e-4, 1e-6, 1e-8, 1e-10]
    runs = [painless_em(X, 3, init=start, prior=0, var_floor=f, max_iter=50) for f in floors]
    lls = np.array([r.log_likelihood for r in runs])
    assert all(r.status == "max_iter" and not r.converged and r.history.events for r in runs)
    spread2 = robust_scale(X, np.ones(len(X)))[0] ** 2
    for f, r in zip(floors[1:], runs[1:]):
        assert r.mixture.covariances[2, 0, 0] == pytest.approx(f * spread2, rel=1e-6)
    np.testing.assert_allclose(np.diff(lls), np.log(100) / 2, rtol=2e-3)  # 2 decades a step
    np.testing.assert_allclose(np.diff(lls)[1:], np.log(100) / 2, rtol=5e-4)


def test_the_prior_bounds_the_objective_and_converges():
    """With a prior the collapse stops at a variance of about prior / pi_k (robust units), the
    run converges without a guard event, and a weaker prior gives a higher likelihood but
    never an unbounded one."""
    X, start = isolated_point_data()
    runs = {p: painless_em(X, 3, init=start, prior=p) for p in (1e-3, 1e-5, 1e-7)}
    for p, r in runs.items():
        assert r.converged and not r.history.events and honest(r) and never_falls(r)
        assert r.objective <= r.log_likelihood
    lls = [runs[p].log_likelihood for p in (1e-3, 1e-5, 1e-7)]
    assert lls[0] < lls[1] < lls[2] < np.inf


def test_restarts_keep_the_best_objective_and_avoid_collapsed_runs():
    """n_init EM runs from different K-means starts; a run that collapsed (prior=0, no guard)
    is never chosen while a healthy one exists, and the best healthy objective wins."""
    rng = np.random.default_rng(1)
    X = np.r_[rng.normal(0, 1, 60), rng.normal(8, 1, 60), np.full(5, 11.0)]  # 5 equal points
    res = painless_em(X, 3, prior=0, guard=False, var_floor=0, n_init=12, random_state=0)
    statuses = {r.status for r in res.restarts}
    assert len(res.restarts) == 12 and "singular" in statuses and "converged" in statuses
    healthy = [r for r in res.restarts if r.status == "converged"]
    assert res.status == "converged" and res.objective == max(r.objective for r in healthy)
    # the collapsed runs stopped with a higher likelihood: "best likelihood" alone would pick one
    assert max(r.log_likelihood for r in res.restarts if r.status == "singular") > res.log_likelihood
    assert "best of n_init=12" in res.stop_reason
    single = painless_em(X, 3, prior=0, guard=False, var_floor=0, random_state=0)
    assert single.log_likelihood == res.restarts[0].log_likelihood  # restart 1 is the n_init=1 run
