"""`make slides`: the static reveal.js decks (offline_slides.py) work with no network at all.

Each deck is built as `make slides` builds it, opened from disk in chromium at 1280x720 with
every non-file request refused, and stepped through with reveal.js's own API (Reveal.next()
until the last fragment of the last slide). Required: reveal.js initialised, every slide
visited, no request refused or failed, no error on the page, no widget text repr, no broken
image and no missing glyph (static_checks.py; scripts run in a deck, so a to_jshtml() player's
controls are not dead here), and every slide fits the 1280x720 page it is shown on (a taller one
scrolls off a projector). Slide counts and any slide taller than 720 px are printed. Each deck has
as many slides as tests/slide_text.py cuts from the notebook (the count RISE shows, checked in
test_browser_notebooks.py), and the speaker view (S) has notes on exactly the slides whose
notebook cells include a "notes" cell.
"""
from __future__ import annotations

import sys

import nbformat
import pytest

import labdriver as ld
import offline_slides
import standins
import static_checks as sc

sys.path.insert(0, str(ld.REPO / "tests"))
import slide_text  # noqa: E402  (tests/slide_text.py: the deck as RISE and nbconvert cut it)

NOTEBOOKS = ld.course_notebooks(solutions=False)
CONTRACT = f"standins/{standins.CONTRACT_NAME}"

# Every code block of nbconvert's lab template is 15 px wider than its box (padding), cut or not;
# a line cut off at the slide's edge makes it wider by a character (~12 px) or more beyond that.
CLIP_SLACK_PX = 24

JS_STEP = """async () => {
  const CLIP_SLACK = %d;""" % CLIP_SLACK_PX + """
  Reveal.slide(0, 0, -1);
  const seen = new Set(), tall = [], clipped = []; let steps = 0;
  for (; steps < 5000; steps++) {
    const i = Reveal.getIndices(), key = `${i.h}.${i.v}`;
    if (!seen.has(key)) { seen.add(key); const s = Reveal.getCurrentSlide();
      if (s.scrollHeight > Reveal.getConfig().height + 1) tall.push(`${key}: ${s.scrollHeight} px`);
      for (const e of s.querySelectorAll('.highlight'))  // a code block wider than its box is cut off
        if (e.clientWidth > 0 && e.scrollWidth > e.clientWidth + CLIP_SLACK)
          clipped.push(`${key}: ${e.textContent.split('\\n').reduce((a, b) => a.length >= b.length ? a : b).trim().slice(0, 70)}`); }
    if (Reveal.isLastSlide() && !Reveal.availableFragments().next) break;
    Reveal.next();
    await new Promise(r => requestAnimationFrame(() => r()));
  }
  return {total: Reveal.getTotalSlides(), visited: seen.size, steps, tall, clipped, ready: Reveal.isReady()};
}"""


# What the speaker view (key S) would show for each slide, in deck order.
JS_NOTES = """() => Reveal.getSlides().map(s => (Reveal.getSlideNotes(s) || '').replace(/<[^>]+>/g, ' ').trim().length > 0)"""


@pytest.fixture(scope="module")
def decks(workdir, stand_ins) -> dict:
    t = ld.Timer()
    sources = [ld.REPO / rel for rel in NOTEBOOKS] + [stand_ins[standins.CONTRACT_NAME]]
    built = offline_slides.build(sources, workdir / "slides")
    ld.note(f"slides: {len(built)} deck(s) built offline in {t():.1f} s into {workdir / 'slides'}")
    return dict(zip(NOTEBOOKS + [CONTRACT], built))


@pytest.mark.parametrize("rel", NOTEBOOKS + [CONTRACT])
def test_static_deck_offline(rel, decks, chromium):
    deck = decks[rel]
    page = chromium.context.new_page()
    page.set_viewport_size({"width": 1280, "height": 720})
    refused, failed, errors = [], [], []
    page.on("pageerror", lambda e: errors.append(str(e)))
    # about:blank (an empty frame reveal.js makes) is no request off the disk.
    page.on("requestfailed", lambda r: r.url != "about:blank" and failed.append(f"{r.url[:120]} ({r.failure})"))
    page.route("**/*", lambda route: route.continue_() if route.request.url.startswith("file:")
               else (refused.append(route.request.url), route.abort()))
    try:
        page.goto(deck.as_uri(), wait_until="load")
        page.wait_for_function("() => !!window.Reveal && Reveal.isReady()", timeout=15_000)
        walk = page.evaluate(JS_STEP)
        found = sc.problems(page)
        notes = page.evaluate(JS_NOTES)
        ld.note(f"slides: {deck.name}: {walk['total']} slide(s), visited {walk['visited']} in {walk['steps']} "
                f"step(s); taller than 720 px: {len(walk['tall'])} {walk['tall'][:4]}")
        assert walk["ready"] and walk["visited"] == walk["total"], f"{deck.name}: {walk}"
        assert not walk["tall"], (f"{deck.name}: slides taller than 720 px (h.v: height): {walk['tall']}; "
                                  "split the slide (a subslide for the figure) or lower the figure")
        if rel != CONTRACT:  # the stand-in is a contract notebook, not a deck of the course
            expected = slide_text.slides(nbformat.read(ld.REPO / rel, as_version=4))
            assert walk["total"] == len(expected), (
                f"{deck.name}: the static deck has {walk['total']} slides, tests/slide_text.py (and "
                f"RISE) cut the notebook into {len(expected)}")
            want = [bool(s.notes_words) for s in expected]
            assert notes == want, (f"{deck.name}: speaker notes (key S) on slides "
                                   f"{[i for i, n in enumerate(notes) if n]}, the notebook has notes cells on "
                                   f"{[i for i, n in enumerate(want) if n]}")
        assert not walk["clipped"], (f"{deck.name}: code cut off at the right edge of the slide "
                                     f"(slide h.v: its longest line): {walk['clipped'][:6]}; wrap the line")
        assert not refused and not failed, f"{deck.name}: requests off the disk: refused {refused[:5]}, failed {failed[:5]}"
        assert not errors, f"{deck.name}: errors on the page: {errors[:5]}"
        shown = {k: found[k] for k in ("widget_repr", "broken_images", "missing_glyphs") if found[k]}
        assert not shown, f"{deck.name}:\n{sc.describe({**{k: [] for k in found if isinstance(found[k], list)}, **shown})}"
    finally:
        page.close()
