"""Session fixtures for the browser suite: one JupyterLab over a temporary copy of the repository,
one chromium, and a report (timings, redraw medians, screenshot paths) printed at the end.

Environment knobs:
  GMM_CHROMIUM=/path            the chromium binary (default /usr/bin/chromium; missing = failure)
  GMM_BROWSER_ARTIFACTS=dir     where screenshots and logs go (default build/browser)
  GMM_SCREENSHOTS_DIR=dir       also write one screenshot per notebook there (`make screenshots`)
  GMM_BROWSER_SELFTEST=1        add the stand-in notebook of selftest_notebook.py (temp copy only)

The stand-ins of standins.py (contract and legacy) are always written into the temporary copy:
they check the untrusted/stripped/RISE/slides checks themselves.
"""
from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

import labdriver as ld

ARTIFACTS = ld.ARTIFACTS
SELFTEST = ld.SELFTEST

TIMINGS: list[tuple[str, float]] = []
FAMILY_TIMES: dict[str, float] = {}  # every phase of every test, summed by test function
# On 2 cores: about 125 s for the notebooks in JupyterLab, at most 3 minutes for the untrusted
# open, scripts-stripped HTML, RISE, static slides and p95 timing, and about 30 s for the course
# site and formgrader (measured 301 s in a clean CI run; printed, not enforced).
STAGE_BUDGET_S = 330.0
_STAGE_T0 = time.perf_counter()
note = ld.note


@pytest.fixture(scope="session")
def workdir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("browser")


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for old in ARTIFACTS.glob("*.png"):  # what is listed is what this run made
        old.unlink()
    return ARTIFACTS


@pytest.fixture(scope="session")
def extra_notebooks(workdir) -> list[Path]:
    if not SELFTEST:
        return []
    import selftest_notebook
    d = workdir / "selftest"
    d.mkdir()
    return [selftest_notebook.write(d)]


@pytest.fixture(scope="session")
def stand_ins(workdir) -> dict:
    """The stand-in notebooks of standins.py ({name: path}), pristine; the lab serves copies."""
    import standins
    return standins.write(workdir / "standins")


@pytest.fixture(scope="session")
def lab(chromium, workdir, extra_notebooks, stand_ins, artifacts):  # chromium first: a missing one fails at once
    t = ld.Timer()
    server = ld.LabServer(workdir / "lab", extra_notebooks,
                          extra_files={f"standins/{name}": path for name, path in stand_ins.items()})
    note(f"browser: JupyterLab {server.url} over a copy at {server.root} started in {t():.1f} s")
    try:
        yield server
    finally:
        server.stop()
        log = artifacts / "jupyterlab.log"
        log.write_bytes(server.log_path.read_bytes())
        note(f"browser: server log {log}")


@pytest.fixture(scope="session")
def chromium(workdir):
    if not (os.path.isfile(ld.CHROMIUM) and os.access(ld.CHROMIUM, os.X_OK)):
        # A failure of the whole stage (exit status 1), not a skip and not one error per test.
        pytest.exit(f"FAILED: {ld.CHROMIUM} is missing: the browser tests need Debian's chromium. "
                    "Run `python tests/ensure_browser.py` (or `make browser-deps`): it finds a Chromium or installs one.", returncode=1)
    from playwright.sync_api import sync_playwright
    t = ld.Timer()
    pw = sync_playwright().start()
    try:
        browser = ld.Chromium(workdir / "chromium", pw)
    except BaseException:
        pw.stop()
        raise
    note(f"browser: chromium {browser.browser.version} started in {t():.1f} s")
    try:
        yield browser
    finally:
        browser.stop()
        pw.stop()


class LabPage:
    """One chromium tab with JupyterLab loaded once; tests open and close documents in it."""

    def __init__(self, page):
        self.page = page
        self.errors: list[str] = []            # uncaught exceptions: a test fails on these
        self.console_errors: list[str] = []    # console.error lines: reported, not failed on
        page.on("pageerror", lambda e: self.errors.append(str(e)))
        page.on("console", lambda m: m.type == "error" and self.console_errors.append(
            f"{m.text} ({m.location.get('url') or 'no url'})"))
        page.set_default_timeout(30_000)

    def errors_since(self, n: int) -> list[str]:
        return self.errors[n:]


@pytest.fixture(scope="session")
def lab_page(lab, chromium):
    t = ld.Timer()
    page = chromium.context.new_page()
    lab_page = LabPage(page)
    try:
        ld.open_lab(page, lab)
        note(f"browser: JupyterLab page loaded in {t():.1f} s")
        yield lab_page
    finally:
        for line in lab_page.console_errors:
            note(f"browser: console error (reported, not a failure): {line[:300]}")
        page.close()


@pytest.fixture(scope="session")
def rise_page(lab, chromium):
    """A second tab, at a projector's 1280x720, for RISE slideshows (rise.py)."""
    page = chromium.context.new_page()
    page.set_viewport_size({"width": 1280, "height": 720})
    rise_page = LabPage(page)
    try:
        yield rise_page
    finally:
        for line in rise_page.console_errors:
            note(f"browser: console error in a slideshow (reported, not a failure): {line[:300]}")
        page.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """A failed browser test leaves a screenshot of the page it failed on."""
    outcome = yield
    rep = outcome.get_result()
    args = getattr(item, "funcargs", {})  # the fixture closure's values
    shown = args.get("rise_page") if "deck" in args else args.get("lab_page")
    if rep.failed and rep.when == "call" and shown is not None and len(_FAILURE_SHOTS) < MAX_FAILURE_SHOTS:
        name = "".join(c if c.isalnum() or c in "-_." else "_" for c in item.name)
        out = ARTIFACTS / f"failure-{name}.png"
        _FAILURE_SHOTS.append(out)
        try:
            # The viewport, not the full page: a whole notebook with every cell attached takes
            # seconds to draw on 2 busy cores, and the view in front is what failed.
            ld.to_front(shown.page)
            shown.page.screenshot(path=str(out))
            note(f"screenshot: {out} (failure)")
        except Exception as e:  # the page may be gone; the failure itself is what matters
            note(f"browser: no failure screenshot for {item.name}: {e}")


MAX_FAILURE_SHOTS = 10
_FAILURE_SHOTS: list = []


def pytest_runtest_logreport(report):
    rep = report
    family = rep.nodeid.split("::", 1)[-1].split("[", 1)[0]
    FAMILY_TIMES[family] = FAMILY_TIMES.get(family, 0.0) + rep.duration
    if rep.when == "call" or rep.duration > 1.0 or rep.outcome != "passed":
        TIMINGS.append((f"{rep.nodeid.split('::', 1)[-1]} [{rep.when}, {rep.outcome}]", rep.duration))


def pytest_terminal_summary(terminalreporter):
    if not (ld.REPORT or TIMINGS):
        return
    tr = terminalreporter
    tr.section("browser suite")
    for name, secs in TIMINGS:
        tr.write_line(f"time {secs:6.1f} s  {name}")
    for line in ld.REPORT:
        tr.write_line(line)
    for family, secs in sorted(FAMILY_TIMES.items(), key=lambda kv: -kv[1]):
        tr.write_line(f"browser: time by test: {secs:6.1f} s  {family}")
    stage = time.perf_counter() - _STAGE_T0
    verdict = "within" if stage <= STAGE_BUDGET_S else "OVER"
    tr.write_line(f"browser: stage time {stage:.1f} s ({verdict} the {STAGE_BUDGET_S:.0f} s budget)")
