"""What an EM run returns: the final mixture, every iteration's parameters, and what went wrong.

The history keeps parameters only (K weights, K means, K covariances and one number per
iteration), never the N x K responsibilities, so it stays small for a million pixels.
The sliders in the notebooks index it.
"""
from dataclasses import dataclass, field

import numpy as np

from .mixture import Mixture


@dataclass(frozen=True)
class GuardEvent:
    """The covariance guard replaced a covariance after an M-step (painless EM only)."""
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

    ``log_likelihood[t]`` is the (weighted) log-likelihood of the data under entry t, or NaN
    where it could not be computed (the naive EM after a failure).
    """
    weights: list = field(default_factory=list)
    means: list = field(default_factory=list)
    covariances: list = field(default_factory=list)
    log_likelihood: list = field(default_factory=list)
    events: list = field(default_factory=list)

    def append(self, weights, means, covariances, log_likelihood=np.nan):
        self.weights.append(np.array(weights, dtype=np.float64))
        self.means.append(np.array(means, dtype=np.float64))
        self.covariances.append(np.array(covariances, dtype=np.float64))
        self.log_likelihood.append(float(log_likelihood))

    def freeze(self):
        """Stack the lists into arrays (T+1, K, ...) once the run is over."""
        self.weights = np.stack(self.weights)
        self.means = np.stack(self.means)
        self.covariances = np.stack(self.covariances)
        self.log_likelihood = np.asarray(self.log_likelihood, dtype=np.float64)
        return self

    def __len__(self):
        return len(self.weights)

    def mixture(self, t):
        """The mixture after iteration t (0 = the start); negative t counts from the end."""
        return Mixture(self.weights[t], self.means[t], self.covariances[t])

    def guard_iterations(self):
        """Iterations at which the covariance guard fired."""
        return sorted({e.iteration for e in self.events})

    @property
    def nbytes(self):
        return sum(np.asarray(a).nbytes for a in (self.weights, self.means, self.covariances,
                                                  self.log_likelihood))


@dataclass
class EMResult:
    """The outcome of ``naive_em`` or ``painless_em`` (the same type for both).

    Attributes
    ----------
    mixture : the final mixture (for a failed naive run: the last one that was still valid)
    history : History of every iteration
    log_likelihood : total weighted log-likelihood of the data under ``mixture``
    converged : True when the relative gain fell below ``tol`` before ``max_iter``
    n_iter : number of EM iterations (M-steps) done
    failure : None, or a Failure saying at which iteration and step it broke
    method : "naive" or "painless"
    """
    mixture: Mixture
    history: History
    log_likelihood: float
    converged: bool
    n_iter: int
    failure: Failure | None = None
    method: str = "painless"

    @property
    def succeeded(self):
        return self.failure is None

    def __repr__(self):
        state = f"failed at {self.failure}" if self.failure else (
            "converged" if self.converged else "stopped at max_iter")
        return (f"EMResult({self.method}, K={self.mixture.n_components}, n_iter={self.n_iter}, "
                f"log_likelihood={self.log_likelihood:.6g}, {state})")
