"""Under nbval: say which BLAS kernel the run used, and how long each notebook took (budget 20 s).

``make test-notebooks`` runs nbval twice, the second time with ``OPENBLAS_CORETYPE=Prescott
OPENBLAS_NUM_THREADS=1``; the kernel line shows that the variable really reached OpenBLAS (the
notebook kernels inherit this process's environment through ``--nbval-current-env``).
"""
import os
from collections import defaultdict

BUDGET_S = 20.0
_seconds = defaultdict(float)


def blas_kernels():
    """'SkylakeX x2' style description of every OpenBLAS loaded by numpy and scipy."""
    try:
        import numpy  # noqa: F401  (loads numpy's OpenBLAS)
        import scipy.linalg  # noqa: F401  (scipy's wheel bundles a second one)
        from threadpoolctl import threadpool_info
    except ImportError as error:
        return f"unknown ({error})"
    kernels = sorted({f"{lib.get('architecture')} x{lib['num_threads']}"
                      for lib in threadpool_info() if lib["internal_api"] == "openblas"})
    asked = " ".join(f"{v}={os.environ[v]}" for v in ("OPENBLAS_CORETYPE", "OPENBLAS_NUM_THREADS")
                     if v in os.environ)
    return ", ".join(kernels) + (f" ({asked})" if asked else " (default)")


def pytest_report_header(config):
    return f"BLAS kernel (OpenBLAS core x threads): {blas_kernels()}"


def pytest_runtest_logreport(report):
    path = report.nodeid.split("::")[0]
    if path.endswith(".ipynb"):
        _seconds[path] += report.duration  # setup (kernel start), call and teardown of each cell


def pytest_terminal_summary(terminalreporter):
    if not _seconds:
        return
    terminalreporter.section(f"time per notebook, BLAS kernel {blas_kernels()}")
    for path, seconds in sorted(_seconds.items()):
        flag = "" if seconds <= BUDGET_S else f"  OVER the {BUDGET_S:.0f} s budget"
        terminalreporter.write_line(f"{seconds:6.1f} s  {path}{flag}")
    terminalreporter.write_line(f"{sum(_seconds.values()):6.1f} s  all notebooks")
