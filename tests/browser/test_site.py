"""`make site` (issue 18): the course site works with no network at all.

The site is built once for this module as `make site` builds it (docs/build_site.py, into the
stage's temporary folder), served by Python's http.server on 127.0.0.1 (the search page fetches
searchindex.js and the pages it quotes, which a file:// page may not), and every page is opened
in chromium with every request that is not for that server aborted and counted: none may be
needed. On every page: no raw TeX left in the text (`\\(`, `\\[`, `$$`, or a formula MathJax did
not typeset), no broken image, no link to a missing file or anchor inside the site, no bare
widget repr in an output, no page error, no request answered 4xx/5xx; on each notebook page the
code is highlighted, the links to the notebook file, its slides, its pair (exercises <->
solutions) and the way to run it are there, and each page with an interactive view shows an
animated PNG whose first and last frames differ (its acTL chunk, frames decoded by Pillow; the
browser's own decoding of the same file is the image check). The search page finds
"responsibilities" and typesets the formulas its summaries quote.

The pages expected are listed here, not discovered: a notebook added or renamed must be added
below, and a page that silently disappears from the build fails the count.
Prints the build time, page count and size, and this module's own time.
"""
from __future__ import annotations

import functools
import html
import http.server
import importlib.util
import re
import threading
import time
from pathlib import Path
from urllib.parse import unquote, urldefrag, urlsplit

import pytest

import labdriver as ld
import static_checks as sc

NOTEBOOKS = ["01_em_1d", "02_em_theory", "03_naive_vs_painless", "04_em_2d", "05_cameraman",
             "06_colour", "07_background"]
# index, running, INSTRUCTOR, search, genindex, notebook 00 (no solutions: it has no exercises),
# 7 notebooks, 7 solutions
EXPECTED_PAGES = 20
PAGES = (["index.html", "running.html", "INSTRUCTOR.html", "search.html", "genindex.html",
          "notebooks/00_before_you_start.html"]
         + [f"notebooks/{n}.html" for n in NOTEBOOKS]
         + [f"notebooks/solutions/{n}_solutions.html" for n in NOTEBOOKS])
# The notebooks whose stored outputs hold an interactive view (and its animated PNG).
EXPECTED_WITH_VIEWS = 4
WITH_VIEWS = {f"notebooks/{n}.html" for n in ("01_em_1d", "04_em_2d", "05_cameraman", "07_background")}
assert len(PAGES) == EXPECTED_PAGES and len(WITH_VIEWS) == EXPECTED_WITH_VIEWS

_T0: list[float] = []  # when this module's first fixture started (collection is long before)

# MathJax 2 typesets after `load`; wait until its queue has run dry (no MathJax: nothing to wait for).
JS_MATH_DONE = """() => new Promise(done => {
  if (!window.MathJax) return done(true);
  const ready = () => window.MathJax.isReady ? MathJax.Hub.Queue(() => done(true)) : setTimeout(ready, 50);
  ready(); })"""

# Every <img> asked to load now (a lazy one below the fold would not have), then waited for.
JS_IMAGES_LOADED = """() => Promise.all([...document.images].map(img => {
  img.loading = 'eager';
  return img.complete ? null : new Promise(r => {
    img.addEventListener('load', r, {once: true}); img.addEventListener('error', r, {once: true}); setTimeout(r, 10000); });
}))"""

JS_PAGE = r"""([widgetRepr, placeholder]) => {
  const main = document.querySelector('main') || document.body;
  // The visible prose: code may hold a backslash and a parenthesis (a regular expression), and
  // MathJax keeps each formula's source in a script and a hidden MathML copy for screen readers.
  const skip = 'pre, code, .highlight, script, style, .MathJax, .MJX_Assistive_MathML, .MathJax_Preview';
  const parts = [], walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode())
    if (n.parentElement && !n.parentElement.closest(skip)) parts.push(n.textContent);
  const text = parts.join(' ');
  const rawTex = [];
  for (const re of [/\\\(/g, /\\\)/g, /\\\[/g, /\$\$/g, /Math Processing Error/g]) {
    for (const m of text.matchAll(re)) rawTex.push(text.slice(Math.max(0, m.index - 40), m.index + 40).replace(/\s+/g, ' '));
  }
  // A formula MathJax did not reach: Sphinx's math element with no MathJax rendering inside.
  const untypeset = [...document.querySelectorAll('span.math.notranslate, div.math.notranslate')]
    .filter(el => !el.querySelector('.MathJax, .MathJax_Display, .MathJax_SVG, mjx-container'))
    .map(el => el.textContent.slice(0, 60));
  const outputs = [...main.querySelectorAll('.cell_output')];
  const widgetRe = new RegExp(widgetRepr), holderRe = new RegExp(placeholder);
  // An output with nothing to see: e.g. a widget reference drawn by no widget manager.
  const empty = outputs.filter(o => !o.innerText.trim() && ![...o.querySelectorAll('img, svg, canvas, video')]
    .some(e => { const r = e.getBoundingClientRect(); return r.width > 1 && r.height > 1; }))
    .map(o => o.innerHTML.slice(0, 120));
  const bareWidget = outputs.map(o => o.innerText.trim())
    .filter(t => widgetRe.test(t) || holderRe.test(t) || /^(Output|VBox|HBox|Box|Image)\(\)$/m.test(t))
    .map(t => t.slice(0, 80));
  const links = [...document.querySelectorAll('a[href]')].map(a => a.href);
  const imgs = [...document.querySelectorAll('img')].map(i => i.currentSrc || i.src);
  const brokenImgs = [...document.querySelectorAll('img')].filter(i => !i.complete || i.naturalWidth === 0)
    .map(i => (i.getAttribute('src') || '').slice(0, 80));
  const tokens = document.querySelectorAll('.cell_input .highlight span.k, .cell_input .highlight span.kn, .cell_input .highlight span.nn').length;
  const inBody = (sel) => [...main.querySelectorAll(sel)].map(a => a.href);
  return {rawTex, untypeset, empty, bareWidget, links, imgs, brokenImgs, tokens, outputs: outputs.length,
          codeCells: main.querySelectorAll('.cell_input').length,
          download: inBody('a.nb-download'), slides: inBody('a.nb-slides'), pair: inBody('a.nb-pair'),
          run: inBody('a.nb-run'), runText: main.querySelector('.gmm-notebook-links')?.innerText || '',
          // the notebook's own links (outside the box this site adds above it)
          bodyLinks: [...main.querySelectorAll('section a[href]')].filter(a => !a.closest('.gmm-notebook-links')).map(a => a.href)};
}"""


def _load_build_site():
    spec = importlib.util.spec_from_file_location("build_site", ld.REPO / "docs" / "build_site.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def site(workdir) -> Path:
    _T0.append(time.perf_counter())
    out = workdir / "site"
    stats = _load_build_site().build(out)
    built = sorted(p.relative_to(out).as_posix() for p in out.rglob("*.html")
                   if not p.relative_to(out).as_posix().startswith(("_static/", "slides/")))
    ld.note(f"site: build time {stats['seconds']:.1f} s, {len(built)} pages, {stats['mb']:.1f} MB in {out}")
    return out


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # one line per request would bury the test output
        pass


@pytest.fixture(scope="module")
def server(site):
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(site)))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    finally:
        httpd.shutdown()
        httpd.server_close()
        ld.note(f"site: build + browser checks took {time.perf_counter() - _T0[0]:.1f} s in all "
                "(what the site adds to the browser stage; target < 60 s)")


class Offline:
    """A tab that may reach the local server only; everything else is aborted and counted."""

    def __init__(self, chromium, base: str):
        self.page = chromium.context.new_page()
        self.page.set_default_timeout(30_000)
        self.aborted, self.failed, self.bad_status, self.errors = [], [], [], []
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        # about:blank is MathJax probing for a font, not a request off the machine.
        self.page.on("requestfailed", lambda r: r.url != "about:blank" and self.failed.append(f"{r.url} ({r.failure})"))
        # The browser asks every site for /favicon.ico by itself; the pages never link one.
        self.page.on("response", lambda r: r.status >= 400 and not r.url.endswith("/favicon.ico")
                     and self.bad_status.append(f"{r.status} {r.url}"))
        self.page.route("**/*", lambda route: route.continue_() if route.request.url.startswith(base)
                        else (self.aborted.append(route.request.url), route.abort()))

    def open(self, url: str) -> None:
        self.page.goto(url, wait_until="load")
        self.page.evaluate(JS_IMAGES_LOADED)
        self.page.evaluate(JS_MATH_DONE)

    def close(self) -> None:
        self.page.close()


def _target(site: Path, base: str, url: str) -> tuple[Path, str] | None:
    """The file and anchor a link inside the site points at (None: a link off the site)."""
    if not url.startswith(base):
        return None
    path, frag = urldefrag(url)
    rel = unquote(urlsplit(path).path).lstrip("/")
    return site / (rel or "index.html"), frag


def _broken_links(site: Path, base: str, links: list[str]) -> list[str]:
    broken = []
    for url in sorted(set(links)):
        found = _target(site, base, url)
        if found is None:
            continue
        file, frag = found
        if file.is_dir():
            file = file / "index.html"
        if not file.is_file():
            broken.append(f"{url}: no such file")
        elif frag and file.suffix == ".html" and not re.search(
                rf'\sid="{re.escape(html.escape(frag))}"', file.read_text(encoding="utf-8")):
            broken.append(f"{url}: no element with id {frag!r}")
    return broken


def _animations(site: Path, base: str, srcs: list[str]) -> list[tuple[str, int, bool]]:
    """(file, frames, whether two frames differ) of each APNG the page shows (acTL chunk)."""
    import numpy as np
    from PIL import Image, ImageSequence
    found = []
    for src in sorted(set(srcs)):
        target = _target(site, base, src)
        if target is None or target[0].suffix != ".png" or b"acTL" not in target[0].read_bytes()[:4096]:
            continue
        with Image.open(target[0]) as im:
            # each frame copied out as it is decoded (a palette image's frames share one buffer)
            frames = [np.array(frame.convert("RGB")) for frame in ImageSequence.Iterator(im)]
        # Not first against last: the still default image repeats the last frame.
        found.append((target[0].name, len(frames), any(not np.array_equal(frames[0], f) for f in frames[1:])))
    return found


def test_the_site_has_the_expected_pages(site):
    built = sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html")
                   if not p.relative_to(site).as_posix().startswith(("_static/", "slides/")))
    assert built == sorted(PAGES), f"expected {EXPECTED_PAGES} pages, built {len(built)}: {built}"
    for name in NOTEBOOKS:  # what the links above each notebook page point at
        assert (site / "notebooks" / f"{name}.ipynb").is_file()
        assert (site / "notebooks" / "solutions" / f"{name}_solutions.ipynb").is_file()
        assert (site / "slides" / f"{name}.slides.html").is_file()
    assert (site / "_static" / "mathjax" / "MathJax.js").is_file()


@pytest.mark.parametrize("rel", PAGES)
def test_page_offline(rel, site, server, chromium):
    tab = Offline(chromium, server)
    try:
        tab.open(server + rel)
        found = tab.page.evaluate(JS_PAGE, [sc.WIDGET_REPR.pattern, sc.WIDGET_PLACEHOLDER.pattern])
        assert not tab.aborted, f"{rel}: {len(tab.aborted)} request(s) off the machine: {tab.aborted[:5]}"
        assert not tab.failed and not tab.bad_status, f"{rel}: failed {tab.failed[:5]}, answered {tab.bad_status[:5]}"
        assert not tab.errors, f"{rel}: errors on the page: {tab.errors[:5]}"
        assert not found["rawTex"], f"{rel}: raw TeX in the text: {found['rawTex'][:5]}"
        assert not found["untypeset"], f"{rel}: formulas MathJax did not typeset: {found['untypeset'][:5]}"
        assert not found["brokenImgs"], f"{rel}: images that did not load: {found['brokenImgs'][:5]}"
        assert not found["bareWidget"], f"{rel}: a widget's text instead of its picture: {found['bareWidget'][:3]}"
        assert not found["empty"], f"{rel}: outputs with nothing to see: {found['empty'][:3]}"
        broken = _broken_links(site, server, found["links"] + found["imgs"])
        assert not broken, f"{rel}: broken links inside the site: {broken[:8]}"
        if rel.startswith("notebooks/"):
            name = Path(rel).stem
            assert found["codeCells"] and found["tokens"], f"{rel}: {found['codeCells']} code cells, {found['tokens']} highlighted keywords"
            assert found["download"] == [server + rel.removesuffix(".html") + ".ipynb"], found["download"]
            assert found["run"] == [server + "running.html"], found["run"]
            assert "make lab" in found["runText"] and "Binder" in found["runText"], found["runText"]
            if "/solutions/" in rel:
                exercise = server + f"notebooks/{name.removesuffix('_solutions')}.html"
                assert found["pair"] == [exercise], found["pair"]
                assert exercise in found["bodyLinks"], f"{rel}: the notebook's own link back to its exercises does not resolve: {found['bodyLinks']}"
            elif name in NOTEBOOKS:
                solutions = server + f"notebooks/solutions/{name}_solutions.html"
                assert found["slides"] == [server + f"slides/{name}.slides.html"], found["slides"]
                assert found["pair"] == [solutions], found["pair"]
                assert solutions in found["bodyLinks"], f"{rel}: the exercises' link to the solutions does not resolve: {found['bodyLinks']}"
            else:  # notebook 00 has self-checks, no exercises: slides but no solutions to link
                assert found["slides"] == [server + f"slides/{name}.slides.html"], found["slides"]
                assert found["pair"] == [], f"{rel}: links to solutions it does not have: {found['pair']}"
        animations = _animations(site, server, found["imgs"])
        if rel in WITH_VIEWS:
            moving = [name for name, frames, differ in animations if differ]
            assert moving, f"{rel}: has an interactive view, but no animated image whose frames differ: {animations}"
            ld.note(f"site: {rel}: animated PNG {moving[0]} ({next(f for n, f, d in animations if n == moving[0])} frames)")
    finally:
        tab.close()


def test_search_finds_responsibilities(site, server, chromium):
    tab = Offline(chromium, server)
    try:
        tab.open(server + "search.html?q=responsibilities")
        tab.page.wait_for_function("() => /Search finished/.test(document.querySelector('.search-summary')?.innerText || '')")
        # Each hit's summary is fetched, then typeset: wait until every one is in and done.
        tab.page.wait_for_function("() => [...document.querySelectorAll('#search-results li')].every(li => li.querySelector('p.context'))")
        tab.page.evaluate(JS_MATH_DONE)
        hits = tab.page.eval_on_selector_all("#search-results li > a", "as => as.map(a => a.getAttribute('href'))")
        ld.note(f"site: search for 'responsibilities': {len(hits)} page(s)")
        assert "notebooks/01_em_1d.html" in hits, hits
        found = tab.page.evaluate(JS_PAGE, [sc.WIDGET_REPR.pattern, sc.WIDGET_PLACEHOLDER.pattern])
        assert not found["rawTex"], f"raw TeX in the search summaries: {found['rawTex'][:5]}"
        assert not tab.aborted and not tab.failed and not tab.bad_status and not tab.errors, \
            (tab.aborted[:5], tab.failed[:5], tab.bad_status[:5], tab.errors[:5])
    finally:
        tab.close()
