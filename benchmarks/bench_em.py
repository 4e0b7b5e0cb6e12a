"""EM speed against scikit-learn, and histogram EM against per-pixel EM, measured in one run.

    python benchmarks/bench_em.py [--repeats 5] [--compare-with REV]

Prints the conditions (library versions, BLAS threads, CPU), every timing, and as its last lines:
    figure: em_iteration_ratio_vs_sklearn = <gmmlib s per iteration / scikit-learn's>
    figure: histogram_vs_pixel_speedup = <per-pixel EM time / histogram EM time incl. bincount>
Machines here are shared and noisy: only ratios measured in the same run mean anything.
``--compare-with REV`` also times the gmmlib of git revision REV (e.g. main) in the same run,
interleaved with today's, to show whether a change made the EM iteration slower.
"""
import argparse
import importlib
import pathlib
import platform
import subprocess
import sys
import tempfile
import time
import warnings

import numpy as np
import sklearn
from skimage import data
from sklearn.exceptions import ConvergenceWarning
from sklearn.mixture import GaussianMixture
from threadpoolctl import threadpool_info, threadpool_limits

import gmmlib


def median_time(fn, repeats):
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return float(np.median(times))


def sklearn_fit(X, start, n_iter):
    gm = GaussianMixture(start.n_components, covariance_type="full", max_iter=n_iter, tol=0.0,
                         reg_covar=0.0, weights_init=start.weights, means_init=start.means,
                         precisions_init=np.linalg.inv(start.covariances))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return gm.fit(X)


def per_iteration(fit, repeats, n_long=11, n_short=1):
    """Marginal seconds per EM iteration: (time of n_long - time of n_short) / (n_long - n_short).

    Subtracting a short run removes what both libraries do once (input checks, scikit-learn's
    k-means, which it runs even when given a start) and keeps what the iterations cost.
    """
    long_, short = median_time(lambda: fit(n_long), repeats), median_time(lambda: fit(n_short), repeats)
    return (long_ - short) / (n_long - n_short)


def import_revision(rev):
    """gmmlib as it was at git revision ``rev``, imported under the name gmmlib_<rev>."""
    root = pathlib.Path(__file__).resolve().parents[1]
    name = "gmmlib_" + "".join(ch if ch.isalnum() else "_" for ch in rev)
    tmp = pathlib.Path(tempfile.mkdtemp(prefix="bench_em_"))
    archive = subprocess.run(["git", "-C", str(root), "archive", rev, "gmmlib"], check=True,
                             capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(tmp)], input=archive, check=True)
    (tmp / "gmmlib").rename(tmp / name)  # its imports are relative: the new name is enough
    sys.path.insert(0, str(tmp))
    return importlib.import_module(name)


def bench_pixels(repeats, before=None):
    X = data.astronaut().reshape(-1, 3).astype(np.float64)  # N = 262,144, d = 3
    K = 5
    start = gmmlib.painless_em(X, K, max_iter=0, random_state=0).mixture  # one start for all

    def ours(n):
        return gmmlib.painless_em(X, K, init=start, max_iter=n, tol=None)

    def theirs(n):
        return sklearn_fit(X, start, n)

    fits = {"gmmlib": ours}
    if before is not None:
        old_start = before.Mixture(start.weights, start.means, start.covariances)
        fits[f"gmmlib@{args_rev}"] = lambda n: before.painless_em(X, K, init=old_start, max_iter=n, tol=None)

    # Same answer first: the speed of a wrong result means nothing. scikit-learn has no prior,
    # so the check runs with prior=0; the timings use the defaults (the prior costs nothing).
    a, b = gmmlib.painless_em(X, K, init=start, max_iter=5, tol=None, prior=0), theirs(5)
    print(f"astronaut N={len(X)} d=3 K={K}: max |mean difference| after 5 iterations "
          f"{np.abs(a.mixture.means - b.means_).max():.2e} (data 0..255), guard events "
          f"{len(ours(5).history.events)}")
    results = {}
    for threads in (None, 1):
        with threadpool_limits(limits=threads):
            label = "default threads" if threads is None else "1 BLAS thread"
            t_sk = per_iteration(theirs, repeats)
            times = {name: per_iteration(fit, repeats) for name, fit in fits.items()}
            t_sk = (t_sk + per_iteration(theirs, repeats)) / 2  # before and after ours: load drifts
            results[threads] = times["gmmlib"] / t_sk
            print(f"{label:>16}: scikit-learn {t_sk * 1e3:7.1f} ms/iteration; " + "; ".join(
                f"{name} {t * 1e3:7.1f} ms/iteration, ratio {t / t_sk:.3f}" for name, t in times.items()))
    return results[None], results[1]


def bare_histogram_loop(img, start, n_iter):
    """The least a numpy histogram EM can do per iteration: no checks, no guard, no history, no
    likelihood. Not a usable EM; it measures the per-call floor that bounds the speedup."""
    counts = np.bincount(img.ravel(), minlength=256).astype(np.float64)
    keep = counts > 0
    z, c = np.arange(256.0)[keep], counts[keep]
    Phi = np.vstack([z * z, z, np.ones_like(z)])
    w, mu, var = start.weights, start.means[:, 0], start.covariances[:, 0, 0]
    for _ in range(n_iter):
        coef = np.column_stack([-0.5 / var, mu / var,
                                np.log(w) - 0.5 * (np.log(2 * np.pi * var) + mu * mu / var)])
        a = coef @ Phi
        a -= a.max(axis=0)
        np.exp(a, out=a)
        a *= c / a.sum(axis=0)
        moments = a @ Phi.T
        Nk = moments[:, 2]
        mu = moments[:, 1] / Nk
        var = moments[:, 0] / Nk - mu * mu
        w = Nk / Nk.sum()
    return w, mu, var


def bench_histogram(repeats):
    img = data.camera()  # 512 x 512
    K, n_iter = 3, 100

    def hist():
        return gmmlib.histogram_em(img, K, max_iter=n_iter, tol=None)  # includes the bincount

    def pixels():
        return gmmlib.painless_em(img.ravel(), K, init="equal-range", init_range=(0, 255),
                                  max_iter=n_iter, tol=None)

    h, p = hist(), pixels()
    diff = max(np.max(np.abs(getattr(h.mixture, n) - getattr(p.mixture, n)) / np.abs(getattr(p.mixture, n)))
               for n in ("weights", "means", "covariances"))
    t_hist = median_time(hist, 5 * repeats)
    t_pix = median_time(pixels, repeats)
    print(f"cameraman 512x512 K={K}, {n_iter} iterations: histogram EM {t_hist * 1e3:.2f} ms "
          f"(incl. bincount), per-pixel EM {t_pix:.3f} s, parameters differ by {diff:.1e} relative")
    start = gmmlib.histogram_em(img, K, max_iter=0).mixture
    t_bare = median_time(lambda: bare_histogram_loop(img, start, n_iter), 5 * repeats)
    print(f"  floor: a bare numpy loop (no guard, history or likelihood, start given) takes "
          f"{t_bare * 1e3:.2f} ms, so no numpy histogram EM here beats about {t_pix / t_bare:.0f}x")
    return t_pix / t_hist


def cpu_name():
    try:
        info = pathlib.Path("/proc/cpuinfo").read_text()
    except OSError:
        return platform.processor() or "unknown CPU"
    model = next((line.split(":", 1)[1].strip() for line in info.splitlines()
                  if line.startswith("model name")), "unknown CPU")
    return model + (", AVX-512" if "avx512f" in info else ", no AVX-512")


args_rev = None


def main():
    global args_rev
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--compare-with", metavar="REV", default=None,
                        help="also time the gmmlib of this git revision, in the same run")
    args = parser.parse_args()
    blas = [(i["internal_api"], i["num_threads"]) for i in threadpool_info() if i["user_api"] == "blas"]
    print(f"python {platform.python_version()}, numpy {np.__version__}, scikit-learn {sklearn.__version__}, "
          f"BLAS {blas}, {cpu_name()}, float64, median of {args.repeats} runs")
    args_rev = args.compare_with
    before = import_revision(args.compare_with) if args.compare_with else None
    ratio_default, ratio_one = bench_pixels(args.repeats, before)
    speedup = bench_histogram(args.repeats)
    print(f"ratio vs sklearn (default threads): {ratio_default:.3f}; ratio vs sklearn (1 thread each): {ratio_one:.3f}")
    print(f"figure: em_iteration_ratio_vs_sklearn = {ratio_default:.3f}")
    print(f"figure: histogram_vs_pixel_speedup = {speedup:.0f}")


if __name__ == "__main__":
    main()
