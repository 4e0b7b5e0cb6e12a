"""Under nbval, print how long each notebook took to run top to bottom (budget: 20 s each)."""
from collections import defaultdict

BUDGET_S = 20.0
_seconds = defaultdict(float)


def pytest_runtest_logreport(report):
    path = report.nodeid.split("::")[0]
    if path.endswith(".ipynb"):
        _seconds[path] += report.duration  # setup (kernel start), call and teardown of each cell


def pytest_terminal_summary(terminalreporter):
    if not _seconds:
        return
    terminalreporter.section("time per notebook")
    for path, seconds in sorted(_seconds.items()):
        flag = "" if seconds <= BUDGET_S else f"  OVER the {BUDGET_S:.0f} s budget"
        terminalreporter.write_line(f"{seconds:6.1f} s  {path}{flag}")
    terminalreporter.write_line(f"{sum(_seconds.values()):6.1f} s  all notebooks")
