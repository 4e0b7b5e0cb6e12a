"""What an EM run returns: the final mixture, every iteration's parameters, and why it stopped.

The history keeps parameters only (K weights, K means, K covariances and two numbers per
iteration: the log-likelihood and the objective EM climbs), never the N x K responsibilities,
so it stays small for a million pixels. The sliders in the notebooks index it.
"""
from dataclasses import dataclass, field

import numpy as np

from ._validate import show
from .mixture import Mixture

#: ``EMResult.status`` values: how a run ended.
STATUSES = ("converged", "max_iter", "singular", "empty", "failed")


@dataclass(frozen=True)
class GuardEvent:
    """The painless EM changed a component by hand after an M-step (not an EM step).

    Either the covariance guard replaced a covariance (``rcond`` is its reciprocal condition
    number) or a component that owned no point was restarted (``rcond`` is NaN). Such a step
    may lower the log-likelihood and the objective: the history says where it happened.
    """
    iteration: int
    component: int
    rcond: float
    reason: str

    def __str__(self):
        return f"iteration {self.iteration}, component {self.component}: {self.reason}"


@dataclass(frozen=True)
class Failure:
    """Where and why the naive EM had to stop."""
    iteration: int
    step: str          # "E-step", "likelihood" or "M-step"
    quantity: str      # the quantity that broke, e.g. "responsibilities"
    message: str       # the whole story in plain words

    def __str__(self):
        return f"iteration {self.iteration}, {self.step}: {self.message}"


@dataclass
class History:
    """Per-iteration record. Entry 0 is the starting mixture, entry t the mixture after t M-steps.

    ``log_likelihood[t]`` is the (weighted) log-likelihood sum_i c_i log p(x_i) of the data
    under entry t, and ``objective[t]`` the quantity EM maximises (the log-likelihood minus the
    covariance prior's penalty; equal to the log-likelihood for the naive EM or with
    ``prior=0``); NaN where it could not be computed (the naive EM after a failure).
    ``events`` lists the guard's interventions (GuardEvent), each with its iteration.
    """
    weights: list = field(default_factory=list)
    means: list = field(default_factory=list)
    covariances: list = field(default_factory=list)
    log_likelihood: list = field(default_factory=list)
    events: list = field(default_factory=list)
    objective: list = field(default_factory=list)
    covariance_type: str = "full"

    def append(self, weights, means, covariances, log_likelihood=np.nan, objective=np.nan, copy=True):
        """Add one iteration; ``copy=False`` keeps the arrays themselves (an EM loop passes fresh
        float64 arrays it never changes afterwards)."""
        take = np.array if copy else np.asarray
        self.weights.append(take(weights, dtype=np.float64))
        self.means.append(take(means, dtype=np.float64))
        self.covariances.append(take(covariances, dtype=np.float64))
        self.log_likelihood.append(float(log_likelihood))
        self.objective.append(float(objective))

    def freeze(self):
        """Stack the lists into arrays (T+1, K, ...) once the run is over."""
        self.weights = np.stack(self.weights)
        self.means = np.stack(self.means)
        self.covariances = np.stack(self.covariances)
        self.log_likelihood = np.asarray(self.log_likelihood, dtype=np.float64)
        self.objective = np.asarray(self.objective, dtype=np.float64)
        return self

    def __len__(self):
        return len(self.weights)

    def _entry(self, t, name="t"):
        n = len(self)
        if isinstance(t, (bool, np.bool_)) or not isinstance(t, (int, np.integer)):
            raise TypeError(f"{name} must be a whole number (an iteration from 0 to {n - 1}, or "
                            f"negative to count from the end), got {show(t)}")
        if not -n <= t < n:
            raise ValueError(f"{name}={t} but this history has entries 0..{n - 1} (0 is the start, "
                             f"{n - 1} the last iteration); use -1 for the last")
        return int(t)

    def mixture(self, t):
        """The mixture after iteration t (0 = the start); negative t counts from the end."""
        t = self._entry(t)
        return Mixture(self.weights[t], self.means[t], self.covariances[t], self.covariance_type)

    def guard_iterations(self):
        """Iterations at which the guard changed a component (sorted, without repeats)."""
        return sorted({e.iteration for e in self.events})

    def events_at(self, iteration):
        """The guard events of one iteration (the M-step that produced entry ``iteration``)."""
        iteration = self._entry(iteration, "iteration") % len(self)
        return [e for e in self.events if e.iteration == iteration]

    def gains(self):
        """objective[t] - objective[t-1] for t = 1..T: what each iteration gained (EM: >= 0)."""
        return np.diff(np.asarray(self.objective, dtype=np.float64))

    @property
    def nbytes(self):
        return sum(np.asarray(a).nbytes for a in (self.weights, self.means, self.covariances,
                                                  self.log_likelihood, self.objective))


@dataclass
class EMResult:
    """The outcome of ``naive_em`` or ``painless_em`` (the same type for both).

    Attributes
    ----------
    mixture : the final mixture (for a run that stopped on a failure or a singularity: the
        last one that was still valid)
    history : History of every iteration
    log_likelihood : total weighted log-likelihood of the data under ``mixture``
    converged : True only when the last iteration raised the objective by a non-negative
        amount below ``tol`` (relative) and the guard did not touch that iteration
    n_iter : number of EM iterations (M-steps) done
    failure : None, or a Failure saying at which iteration and step the naive EM broke
    method : "naive" or "painless"
    objective : the objective EM maximised, under ``mixture`` (see ``painless_em``)
    status : how the run ended: "converged", "max_iter" (ran out of iterations),
        "singular" (a covariance collapsed and ``guard=False``), "empty" (a component owned
        no point and ``guard=False``) or "failed" (the naive EM broke; see ``failure``)
    stop_reason : the same in plain words, naming any guard event of the last iteration
    restarts : with ``n_init > 1``, the result of every restart (this one included)
    """
    mixture: Mixture
    history: History
    log_likelihood: float
    converged: bool
    n_iter: int
    failure: Failure | None = None
    method: str = "painless"
    objective: float = float("nan")
    status: str = ""
    stop_reason: str = ""
    restarts: list = field(default_factory=list, repr=False)

    @property
    def succeeded(self):
        return self.failure is None

    @property
    def guard_events(self):
        """All guard events of the run (the same list as ``history.events``)."""
        return list(self.history.events)

    def __repr__(self):
        state = self.stop_reason or (f"failed at {self.failure}" if self.failure else (
            "converged" if self.converged else "stopped at max_iter"))
        return (f"EMResult({self.method}, K={self.mixture.n_components}, n_iter={self.n_iter}, "
                f"log_likelihood={self.log_likelihood:.6g}, {state})")
