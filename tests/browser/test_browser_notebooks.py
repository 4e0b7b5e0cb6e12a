"""Every notebook opens in JupyterLab, runs without errors, and its interactive views respond,
in the notebook and in its RISE slideshow.

One module-scoped fixture per notebook opens it once (kernel idle, run all cells, widgets
rendered); the tests below then drive each ``gmm-view`` on that page through the DOM contract
of gmmlib.views: the iteration slider by keyboard and by drag, the K slider, Play, and the time
from a slider step to the new figure. Each check reads what was drawn from the caption
(``K=3 iteration=5 ...``) and from the figure's PNG bytes (a SHA-256 of the blob shown).
Last, the notebook is saved and presented with jupyterlab-rise at 1280x720 (same kernel, so
its views are live): every slide is stepped through and must fit, and each view's slider must
still redraw its figure in slide mode (rise.py).

The contract stand-in (standins.py: a gmm-view and slide metadata) runs with the notebooks: the
checks must pass on it, so a failure on a notebook is the notebook's.

Each notebook's number of views is stated (EXPECTED_VIEWS, checked against the notebooks' sources
without a browser): if the widget front end fails, JupyterLab shows each view's stored PNG, no
``gmm-view`` is on the page, and a check that looped over the views it found would check nothing.
"""
from __future__ import annotations

import json
import re
import shutil
import statistics

import sys

import nbformat
import pytest

import labdriver as ld
import rise
import standins
from labdriver import View, settle

sys.path.insert(0, str(ld.REPO / "tests"))
import slide_text  # noqa: E402  (the deck as tests/slide_text.py and the static decks cut it)

CONTRACT = f"standins/{standins.CONTRACT_NAME}"
# The stand-in comes first: its redraw time is this machine's floor, against which the course's
# views are judged (test_slider_redraw_time).
NOTEBOOKS = [CONTRACT] + ld.course_notebooks(solutions=False) + (
    [f"notebooks/{ld.SELFTEST_NAME}"] if ld.SELFTEST else [])
REDRAW_STEPS = 24               # slider steps timed per view: enough for a 95th percentile
REDRAW_MEDIAN_LIMIT_MS = 80.0   # issue 10: slider step to redrawn figure, per view
REDRAW_P95_LIMIT_MS = 150.0
REDRAW_MEDIAN_ALLOWANCE_MS = 20.0  # above the machine's own round trip (the stand-in's time)
REDRAW_P95_ALLOWANCE_MS = 60.0
REDRAW_ROUNDS = 3               # a view's best round counts: load only ever adds time
SLOW_STEPS = 5                  # steps timed on the stand-in's slow view (300 ms each)

# The live gmm-views each notebook shows once run (test_expected_views_match_the_sources checks
# the course's numbers against the notebooks' cells). A notebook missing here fails.
EXPECTED_VIEWS = {
    standins.CONTRACT_NAME: 1,
    "00_before_you_start.ipynb": 0,
    "01_em_1d.ipynb": 1,            # EMView of the 1-D seed
    "02_em_theory.ipynb": 0,
    "03_naive_vs_painless.ipynb": 0,
    "04_em_2d.ipynb": 1,            # EMView of the 2-D seed
    "05_cameraman.ipynb": 1,        # SegmentationView
    "06_colour.ipynb": 0,
    "07_background.ipynb": 1,       # BackgroundView
    ld.SELFTEST_NAME: 1,
}
VIEW_CLASSES = ("EMView", "SegmentationView", "BackgroundView")


def views_in_source(cells: list[str]) -> int:
    """Views a notebook displays: cells that make a view and show it as their last line
    (``view = EMView(...)`` then ``view``, or ``display(view)``)."""
    n = 0
    for source in cells:
        names = re.findall(rf"^(\w+)\s*=\s*(?:{'|'.join(VIEW_CLASSES)})\(", source, re.M)
        lines = [ln.split("#")[0].strip() for ln in source.splitlines()]
        lines = [ln for ln in lines if ln]
        last = lines[-1] if lines else ""
        n += any(last in (name, f"display({name})") for name in names)
    return n


def expected_views(name: str) -> int:
    assert name in EXPECTED_VIEWS, (f"{name}: how many gmm-views does it show once run? Add it to "
                                    "EXPECTED_VIEWS in test_browser_notebooks.py")
    return EXPECTED_VIEWS[name]


def test_expected_views_match_the_sources():
    """No browser: the stated numbers are those of the notebooks' cells."""
    found = {}
    for path in ld.course_notebooks(solutions=False):
        cells = json.loads((ld.REPO / path).read_text(encoding="utf-8"))["cells"]
        found[path.rsplit("/", 1)[-1]] = views_in_source(
            ["".join(c["source"]) for c in cells if c["cell_type"] == "code"])
    assert found, "no course notebook found"
    assert sum(found.values()) >= 1, "the course notebooks show no view: views_in_source is broken"
    stated = {name: expected_views(name) for name in found}
    assert stated == found, f"EXPECTED_VIEWS says {stated}, the notebooks' cells show {found}"


class OpenNotebook:
    def __init__(self, path, lab_page, n_errors, views, problems):
        self.path, self.name = path, path.rsplit("/", 1)[-1]
        self.expected_views = expected_views(self.name)
        self.lab_page, self.page, self.views = lab_page, lab_page.page, views
        self.n_errors, self.problems = n_errors, problems
        self.deck: rise.Deck | None = None

    @property
    def stem(self) -> str:
        return self.name.rsplit(".", 1)[0]

    def check_page_errors(self):
        errors = self.lab_page.errors_since(self.n_errors)
        assert not errors, f"{self.name}: errors on the page: {errors}"


@pytest.fixture(scope="module", params=ld.params_or_failure(NOTEBOOKS, "notebooks"))
def notebook(request, lab, lab_page, artifacts):
    path = request.param
    if path is None:
        pytest.fail("notebooks/ holds no [0-9]*.ipynb: the browser stage has nothing to check", pytrace=False)
    name = path.rsplit("/", 1)[-1]
    page, n_errors = lab_page.page, len(lab_page.errors)
    t = ld.Timer()
    try:
        ld.open_document(page, path)
        t_open = t()
        ld.kernel_ready(page)
        t_kernel = t()
        ld.run_all(page)
        t_run = t()
        ld.wait_widgets_rendered(page)
        problems = ld.notebook_problems(page)
        views = page.locator(".gmm-view").count()
        ld.note(f"notebook {name}: opened {t_open:.1f} s, kernel idle {t_kernel:.1f} s, "
                f"ran all cells {t_run:.1f} s, {views} gmm-view(s)")
        nb = OpenNotebook(path, lab_page, n_errors, views, problems)
        _screenshot_main(nb, artifacts)
    except Exception:
        out = artifacts / f"failure-{name}.png"
        try:
            page.screenshot(path=str(out), full_page=True)
            ld.note(f"screenshot: {out} (failure)")
        finally:
            ld.note(f"notebook {name}: failed to open/run; server log tail:\n{lab.log_tail()}")
            ld.close_document(page, path)
        raise
    try:
        yield nb
    finally:
        ld.to_front(page)
        ld.close_document(page, path)


def _screenshot_main(nb: OpenNotebook, artifacts):
    """The notebook's main figure: its first view, else its largest image output."""
    page = nb.page
    if nb.views:
        target = page.locator(".gmm-view").first
    else:
        imgs = page.locator(".jp-OutputArea-output img")
        if not imgs.count():
            ld.note(f"notebook {nb.name}: no figure to screenshot")
            return
        areas = imgs.evaluate_all("els => els.map(e => e.naturalWidth * e.naturalHeight)")
        target = imgs.nth(max(range(len(areas)), key=areas.__getitem__))
    out = artifacts / f"{nb.stem}.png"
    target.screenshot(path=str(out))
    ld.note(f"screenshot: {out}")
    if ld.SCREENSHOTS_DIR and nb.path.startswith("notebooks/") and nb.name != ld.SELFTEST_NAME:
        dest = ld.Path(ld.SCREENSHOTS_DIR) / f"{nb.stem}.png"
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(out, dest)
        ld.note(f"screenshot: {dest}")


def _views(nb: OpenNotebook, what: str):
    """The notebook's views, after checking that as many are live as it makes."""
    assert nb.views == nb.expected_views, (
        f"{nb.name}: {nb.views} live gmm-view(s) on the page, the notebook makes {nb.expected_views}"
        + (": the widget front end did not draw them (JupyterLab shows each view's stored PNG instead)"
           if nb.views < nb.expected_views else ""))
    if not nb.views and what == "keyboard":
        ld.note(f"views: {nb.name} has no gmm-view (opened, run and checked for errors only)")
    for i in range(nb.views):
        v = View(nb.page, i)
        v.root.scroll_into_view_if_needed()
        yield v


def _home(v: View) -> tuple[int, int, str]:
    """Iteration slider to its minimum; returns (K, iteration, figure hash) once drawn."""
    lo, hi, now = v.slider_range(v.iteration)
    v.press(v.iteration, "Home")
    v.wait_caption(iteration=lo)
    settle(v.page)
    k, it = v.state()
    assert v.readout(v.iteration) == lo == it
    return k, it, v.figure_hash()


def test_runs_without_errors(notebook):
    assert not notebook.problems, f"{notebook.name}: {notebook.problems}"
    notebook.check_page_errors()


def test_every_view_is_live(notebook):
    list(_views(notebook, "count"))


def test_slider_keyboard(notebook):
    for v in _views(notebook, "keyboard"):
        lo, hi, _ = v.slider_range(v.iteration)
        assert hi - lo >= 2, f"view {v.index}: an iteration slider needs at least 3 positions, has {lo}..{hi}"
        k, _, h_home = _home(v)
        steps = min(3, hi - lo)
        v.iteration.locator(".noUi-handle").first.focus()
        for _ in range(steps):
            v.page.keyboard.press("ArrowRight")
        v.wait_caption(k=k, iteration=lo + steps)
        settle(v.page)
        assert v.readout(v.iteration) == lo + steps
        assert v.state() == (k, lo + steps)
        h_step = v.figure_hash()
        assert h_step != h_home, f"view {v.index}: caption says iteration {lo + steps} but the figure did not change"
        v.press(v.iteration, "End")
        v.wait_caption(k=k, iteration=hi)
        settle(v.page)
        h_end = v.figure_hash()
        assert h_end not in (h_home, h_step), f"view {v.index}: iteration {hi} drew the same figure as before"
        v.press(v.iteration, "Home")
        v.wait_caption(k=k, iteration=lo)
        settle(v.page)
        assert v.figure_hash() == h_home, f"view {v.index}: back at iteration {lo}, the figure differs from the first one"
        ld.note(f"keyboard: {notebook.stem}#view{v.index} Home/ArrowRight x{steps}/End/Home drew "
                f"iterations {lo},{lo + steps},{hi},{lo} (K={k})")
    notebook.check_page_errors()


def test_slider_drag(notebook):
    for v in _views(notebook, "drag"):
        lo, hi, _ = v.slider_range(v.iteration)
        k, _, h_home = _home(v)
        base = v.iteration.locator(".noUi-base").first.bounding_box()
        handle = v.iteration.locator(".noUi-handle").first.bounding_box()
        x0, y = handle["x"] + handle["width"] / 2, handle["y"] + handle["height"] / 2
        x1 = base["x"] + 0.75 * base["width"]
        mouse = v.page.mouse
        mouse.move(x0, y)
        mouse.down()
        mouse.move(x1, y, steps=8)
        mouse.up()
        settle(v.page)
        value = v.readout(v.iteration)
        expected = lo + 0.75 * (hi - lo)
        assert abs(value - expected) <= max(1.0, 0.1 * (hi - lo)), \
            f"view {v.index}: dragged to 75% of {lo}..{hi}, the slider reads {value}"
        v.wait_caption(k=k, iteration=value)
        assert v.figure_hash() != h_home, f"view {v.index}: dragged to {value}, the figure did not change"
        ld.note(f"drag: {notebook.stem}#view{v.index} dragged to 75% -> iteration {value} drawn")
    notebook.check_page_errors()


def test_k_slider(notebook):
    for v in _views(notebook, "K"):
        if not v.has_k():
            ld.note(f"K: {notebook.stem}#view{v.index} has no K slider (optional in the contract)")
            continue
        klo, khi, k0 = v.slider_range(v.k)
        assert khi > klo, f"view {v.index}: K slider has one position"
        settle(v.page)
        assert v.state()[0] == k0 == v.readout(v.k)
        h0 = v.figure_hash()
        key, back, k1 = ("ArrowRight", "ArrowLeft", k0 + 1) if k0 < khi else ("ArrowLeft", "ArrowRight", k0 - 1)
        v.press(v.k, key)
        v.wait_caption(k=k1)
        settle(v.page)
        assert v.readout(v.k) == k1
        k, it = v.state()
        assert (k, it) == (k1, v.readout(v.iteration)), \
            f"view {v.index}: caption {v.caption()!r} disagrees with the sliders (K={k1}, iteration={v.readout(v.iteration)})"
        assert v.figure_hash() != h0, f"view {v.index}: K {k0}->{k1} left the figure unchanged"
        v.press(v.k, back)
        v.wait_caption(k=k0)
        settle(v.page)
        ld.note(f"K: {notebook.stem}#view{v.index} K {k0}->{k1}->{k0} drawn")
    notebook.check_page_errors()


def test_play(notebook):
    for v in _views(notebook, "Play"):
        assert v.play.count(), f"view {v.index}: no .gmm-play"
        lo, hi, _ = v.slider_range(v.iteration)
        k, _, h_home = _home(v)
        target = min(hi, lo + 2)
        v.play.locator("button:has(.fa-play)").first.click()
        v.page.wait_for_function(
            """([el, n]) => { const m = /iteration\\s*=\\s*(\\d+)/.exec(el.innerText); return !!m && +m[1] >= n; }""",
            arg=[v.caption_el.element_handle(), target], timeout=30_000, polling=20)
        pause = v.play.locator("button:has(.fa-pause)").first
        if pause.is_enabled():
            pause.click()
        settle(v.page)
        k_now, it = v.state()
        assert it >= target and k_now == k
        assert it == v.readout(v.iteration), f"view {v.index}: after Play the caption says {it}, the slider {v.readout(v.iteration)}"
        assert v.figure_hash() != h_home, f"view {v.index}: Play advanced to iteration {it}, the figure did not change"
        ld.note(f"play: {notebook.stem}#view{v.index} Play advanced {lo} -> {it}")
    notebook.check_page_errors()


def measure_redraw(v: View, steps: int = REDRAW_STEPS, rounds: int = REDRAW_ROUNDS, floor=None) -> list[tuple]:
    """Browser-measured: keydown on the slider handle to the `load` of the new figure image,
    over ``steps`` steps back and forth, up to ``rounds`` times (stopping at a round within the
    limits). Returns each round's (median, p95, samples) in ms."""
    lo, hi, _ = v.slider_range(v.iteration)
    k, _, _ = _home(v)
    handle = v.iteration.locator(".noUi-handle").first
    key = f"__gmmRedraw_{v.css_class}_{v.index}".replace("-", "_")
    v.page.evaluate("""([handle, img, key]) => {
        const T = {t0: null, src0: null, samples: []};
        handle.addEventListener('keydown', () => { T.t0 = performance.now(); T.src0 = img.src; }, true);
        img.addEventListener('load', () => {
          if (T.t0 !== null && img.src !== T.src0) { T.samples.push(performance.now() - T.t0); T.t0 = null; } });
        window[key] = T; }""", [handle.element_handle(), v.figure.element_handle(), key])
    value, direction, n, out = lo, +1, 0, []
    for _ in range(rounds):
        for _ in range(steps):
            if not lo <= value + direction <= hi:
                direction = -direction
            value += direction
            n += 1
            handle.focus()
            v.page.keyboard.press("ArrowRight" if direction > 0 else "ArrowLeft")
            v.wait_caption(k=k, iteration=value)
            v.page.wait_for_function(f"() => window.{key}.samples.length >= {n}", timeout=30_000, polling=10)
            ld.wait_idle(v.page)
        samples = v.page.evaluate(f"() => window.{key}.samples")[-steps:]
        out.append((statistics.median(samples),
                    statistics.quantiles(samples, n=20, method="inclusive")[18], samples))
        if judge_redraw(*out[-1][:2], floor) is None:
            break
    return out


#: The stand-in's own (median, p95) in this run, once it has passed the plain limits: the
#: machine's slider -> kernel -> image round trip, which no view can beat.
ROUND_TRIP = {}


def redraw_limits(floor=None):
    """(median, p95) limits in ms: 80 and 150, or the measured round trip + 20 and + 60 where that
    alone uses up a limit. The floor is bounded: the stand-in itself must pass 80 / 150 (else the
    machine is too loaded to judge), so no limit exceeds 100 / 210 ms."""
    if floor is None:
        return REDRAW_MEDIAN_LIMIT_MS, REDRAW_P95_LIMIT_MS
    return (max(REDRAW_MEDIAN_LIMIT_MS, floor[0] + REDRAW_MEDIAN_ALLOWANCE_MS),
            max(REDRAW_P95_LIMIT_MS, floor[1] + REDRAW_P95_ALLOWANCE_MS))


def judge_redraw(median: float, p95: float, floor=None) -> str | None:
    """None if a view's redraw time is within the limits (``redraw_limits``), else what is over."""
    limit_median, limit_p95 = redraw_limits(floor)
    over = []
    if median > limit_median:
        over.append(f"median {median:.1f} ms > {limit_median:.0f} ms")
    if p95 > limit_p95:
        over.append(f"p95 {p95:.1f} ms > {limit_p95:.0f} ms")
    return ", ".join(over) or None


def test_slider_redraw_time(notebook, artifacts):
    """Every view's median and 95th percentile slider step -> new figure within 80 and 150 ms, or
    within 20 / 60 ms of this machine's own round trip where that alone uses up a limit.

    Other processes on the machine can only add time to a step, never remove it, so a view gets up
    to REDRAW_ROUNDS rounds and is judged by its best one (as timeit reports the best of its
    repeats); every round is printed. The contract stand-in draws in ~3 ms: its time is this
    machine's own slider -> kernel -> image round trip. It runs first and is held to the plain
    limits (over them, the machine is too loaded to judge the course's views), which bounds the
    allowance: no view passes above 100 / 210 ms. On the stand-in the check is also run on a view
    that sleeps 300 ms per redraw, and must fail it even with the largest allowance."""
    slow = {}
    standin = not notebook.path.startswith("notebooks/")
    floor = None if standin else ROUND_TRIP.get("floor")
    for v in _views(notebook, "redraw"):
        rounds = measure_redraw(v, floor=floor)
        med, p95, samples = min(rounds, key=lambda r: (r[0], r[1]))
        v.figure.screenshot(path=str(artifacts / f"{notebook.stem}-view{v.index}.png"))
        tried = ", ".join(f"{m:.1f}/{q:.1f}" for m, q, _ in rounds)
        where = (f"({notebook.stem}#view{v.index}, best of {len(rounds)} rounds of {REDRAW_STEPS} steps "
                 f"[median/p95 ms: {tried}], min {min(samples):.1f}, max {max(samples):.1f} ms"
                 + ("; stand-in drawing in ~3 ms: the floor of slider -> kernel -> image on this machine"
                    if standin else "") + ")")
        ld.note(f"figure: slider_redraw_ms_median = {med:.1f}  {where}")
        ld.note(f"figure: slider_redraw_ms_p95 = {p95:.1f}  {where}")
        problem = judge_redraw(med, p95, floor)
        if standin and not problem:
            ROUND_TRIP["floor"] = (med, p95)
            ld.note(f"figure: redraw_limits_ms = {redraw_limits((med, p95))}  (median, p95 for the "
                    "course's views: 80 / 150, or this round trip + 20 / + 60)")
        if problem:
            slow[v.index] = f"{problem}; rounds: {tried}" + (
                " (this is the stand-in, which draws in ~3 ms: the machine is too loaded to judge "
                "redraw times)" if standin else "")
    assert not slow, (f"{notebook.name}: slider step to new figure over the limits (median, p95 <= "
                      f"{redraw_limits(floor)} ms): {slow}")
    if standin:
        _check_the_check_on_a_slow_view(notebook)
    notebook.check_page_errors()


def _check_the_check_on_a_slow_view(nb: OpenNotebook):
    """The stand-in's gmm-slow-view sleeps 300 ms per redraw: the redraw check must fail it."""
    assert nb.page.locator(f".{standins.SLOW_VIEW_CLASS}").count() == 1, \
        f"{nb.name}: the slow stand-in view is not live: the redraw check cannot be checked"
    v = View(nb.page, 0, standins.SLOW_VIEW_CLASS)
    v.root.scroll_into_view_if_needed()
    (med, p95, _), = measure_redraw(v, steps=SLOW_STEPS, rounds=1)
    verdict = judge_redraw(med, p95, ROUND_TRIP.get("floor", (REDRAW_MEDIAN_LIMIT_MS, REDRAW_P95_LIMIT_MS)))
    ld.note(f"figure: slow stand-in (sleeps 300 ms per redraw): median {med:.1f}, p95 {p95:.1f} ms -> "
            f"{'fails' if verdict else 'PASSES'} the redraw check")
    assert med >= 300, f"the slow stand-in redrew in {med:.1f} ms: it did not sleep, nothing was checked"
    assert verdict is not None, "the redraw check passed a view that takes 300 ms per redraw"


# ----------------------------------------------------------------------- slide mode (RISE)

@pytest.fixture(scope="module")
def deck(notebook, lab, rise_page):
    """The notebook (run above) saved and opened as a RISE slideshow, stepped through once."""
    ld.activate(notebook.page, notebook.path)
    ld.save_document(notebook.page)
    t = ld.Timer()
    d = rise.Deck(rise_page.page, lab, notebook.path)
    n_errors, n_console = len(rise_page.errors), len(rise_page.console_errors)
    try:
        d.open(views=notebook.expected_views, widgets_failed=lambda: any(
            "jupyterlab-manager" in e for e in rise_page.console_errors[n_console:]))
        t_open = t()
        d.step_through()
        d.page_errors = rise_page.errors_since(n_errors)
        ld.note(f"{d.summary()} (opened in {t_open:.1f} s, stepped in {t() - t_open:.1f} s)")
        yield d
    finally:
        ld.to_front(notebook.page)


def test_rise_slides_fit(notebook, deck):
    """Every slide of the RISE slideshow fits 1280x720 without scrolling (rise.py: overflow)."""
    over = [s for s in deck.slides if s.overflows]
    for s in over:
        ld.note(f"rise: {notebook.stem}: overflow: {s.describe()}")
    assert not over, (f"{notebook.name}: {len(over)} of {len(deck.slides)} slide(s) overflow 1280x720:\n  "
                      + "\n  ".join(s.describe() for s in over[:12]))
    if notebook.path.startswith("notebooks/"):  # RISE shows the slides the static deck shows
        nb = nbformat.read(ld.REPO / notebook.path, as_version=4)
        cut = slide_text.slides(nb)
        assert len(deck.slides) == len(cut), (f"{notebook.name}: RISE shows {len(deck.slides)} slides, "
                                              f"the static deck and tests/slide_text.py {len(cut)}")
        cells = sum(1 for c in nb.cells if c.metadata.get("slideshow", {}).get("slide_type") == "notes")
        asides = deck.page.locator(".reveal aside.notes").count()
        assert asides == cells, (f"{notebook.name}: RISE holds {asides} speaker notes (key T), the notebook "
                                 f"{cells} notes cells")
    assert not deck.page_errors, f"{notebook.name}: errors in the slideshow page: {deck.page_errors}"


def test_rise_slider_redraws(notebook, deck, rise_page):
    """In slide mode, dragging a view's iteration slider redraws its figure (new PNG bytes), and
    the slideshow stays on the view's slide."""
    page = rise_page.page
    views = page.locator(".gmm-view").count()
    if notebook.expected_views == 0:
        assert views == 0, f"{notebook.name}: the slideshow shows {views} gmm-view(s) the notebook has not"
        ld.note(f"rise: {notebook.stem} has no view (slide mode checked for fit only)")
        return
    if views != notebook.expected_views:
        manager = [e for e in rise_page.console_errors if "jupyterlab-manager" in e]
        pytest.fail(f"{notebook.name}: the notebook makes {notebook.expected_views} live view(s), its slideshow shows {views}; "
                    f"the slideshow's outputs: {_rise_outputs(page)}"
                    + (f"; the widget manager did not load in the RISE app: {manager[0][:200]}" if manager else ""),
                    pytrace=False)
    for i in range(views):
        v = View(page, i)
        slide = deck.slide_of(v.root)
        assert slide is not None, f"{notebook.name}: view {i} is on no slide the slideshow stepped through"
        deck.go_to(slide)
        handle = v.iteration.locator(".noUi-handle").first
        box = handle.bounding_box()
        assert box and 0 <= box["y"] and box["y"] + box["height"] <= rise.VIEWPORT["height"], (
            f"{notebook.name}: view {i}'s slider is off the 1280x720 slide {slide.index} (at {box}): "
            "a presenter cannot reach it")
        k, it0 = v.state()
        h0 = v.figure_hash()
        lo, hi, _ = v.slider_range(v.iteration)
        base = v.iteration.locator(".noUi-base").first.bounding_box()
        target = 0.75 if it0 - lo < 0.5 * (hi - lo) else 0.25
        x1, y = base["x"] + target * base["width"], box["y"] + box["height"] / 2
        page.mouse.move(box["x"] + box["width"] / 2, y)
        page.mouse.down()
        page.mouse.move(x1, y, steps=8)
        page.mouse.up()
        value, expected = v.readout(v.iteration), lo + target * (hi - lo)
        assert abs(value - expected) <= max(1.0, 0.1 * (hi - lo)), (
            f"{notebook.name}: view {i}: dragged to {target:.0%} of {lo}..{hi} in slide mode, the slider reads {value}")
        v.wait_caption(k=k, iteration=value)
        h1 = v.figure_hash()
        assert h1 != h0, f"{notebook.name}: view {i}: the slider moved ({it0} -> {value}) but the figure did not change"
        assert deck.state()["id"] == slide.id, f"{notebook.name}: dragging view {i}'s slider left its slide"
        ld.note(f"rise: {notebook.stem}#view{i} on slide {slide.index}: slider dragged {it0} -> {value}, "
                f"figure redrawn (new PNG bytes)")


def _rise_outputs(page) -> dict:
    """Output mime types shown in the slideshow (with the widget reprs among them)."""
    return page.evaluate("""() => { const count = {}, reprs = [];
        for (const o of document.querySelectorAll('.jp-OutputArea-output')) {
          const m = o.getAttribute('data-mime-type') || (o.querySelector('.jupyter-widgets') ? 'widget' : '?');
          count[m] = (count[m] || 0) + 1;
          const t = (o.innerText || '').trim(); if (/\\w+\\((children|value)=/.test(t)) reprs.push(t.slice(0, 60)); }
        return {mime_types: count, widget_reprs: reprs}; }""")
