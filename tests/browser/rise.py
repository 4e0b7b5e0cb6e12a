"""A notebook as a RISE slideshow (jupyterlab-rise), stepped through in chromium.

jupyterlab-rise serves the slideshow of ``path`` at ``/rise/<path>`` (RISE:preview shows that
page in an iframe inside JupyterLab). Its notebook joins the kernel session of the same path,
so a notebook run and saved in JupyterLab presents with its live views, as a lecturer's does.

Stepping uses the presenter's key (Space: next fragment, else next slide, sub-slides included)
and reads the position from the DOM (``section.present``, visible fragments, the URL hash).

Overflow, as this suite defines it: at 1280x720, a slide overflows when its content does not fit
the viewport without scrolling: the union of the bounding boxes of the slide's cells (hidden
fragments included: Reveal keeps their place) reaches beyond 0..720 vertically or 0..1280
horizontally (1 px tolerance), or an element inside it needs its own scroll bar (its
scrollHeight/scrollWidth exceeds its client box while its overflow is auto or scroll: a code
line or an output cut off at the slide's width).
"""
from __future__ import annotations

import json
import time

import labdriver as ld

VIEWPORT = {"width": 1280, "height": 720}

JS_STATE = """() => {
  const secs = [...document.querySelectorAll('.reveal .slides section.present')];
  const s = secs[secs.length - 1];
  if (!s) return null;
  const ctl = (d) => !!document.querySelector(`.reveal .controls .navigate-${d}.enabled`);
  return {hash: location.hash, id: s.id || '', fragments: s.querySelectorAll('.fragment').length,
          shown: s.querySelectorAll('.fragment.visible').length,
          more: s.querySelectorAll('.fragment:not(.visible)').length > 0 || ctl('right') || ctl('down')};
}"""

# Waits until the present slide has stopped moving (no transform left from a transition) and
# its images have loaded, then measures it (see the module docstring).
JS_MEASURE = """async () => {
  const present = () => { const secs = [...document.querySelectorAll('.reveal .slides section.present')]; return secs[secs.length - 1]; };
  const frame = () => new Promise(r => requestAnimationFrame(() => r()));
  const s = present();
  for (let i = 0; i < 120; i++) {
    const t = getComputedStyle(s).transform;
    if (t === 'none' || t === 'matrix(1, 0, 0, 1, 0, 0)') break;
    await frame();
  }
  await Promise.all([...s.querySelectorAll('img')].map(img => img.complete ? null :
    new Promise(r => { img.addEventListener('load', r, {once: true}); img.addEventListener('error', r, {once: true}); setTimeout(r, 5000); })));
  await frame(); await frame();
  const W = innerWidth, H = innerHeight;
  let top = Infinity, bottom = -Infinity, left = Infinity, right = -Infinity, cells = 0;
  for (const c of s.querySelectorAll('.jp-Cell')) {
    if (getComputedStyle(c).display === 'none') continue;
    const r = c.getBoundingClientRect(); if (!r.height) continue;
    cells++; top = Math.min(top, r.top); bottom = Math.max(bottom, r.bottom); left = Math.min(left, r.left); right = Math.max(right, r.right);
  }
  const scrollers = [];
  for (const e of s.querySelectorAll('*')) {
    const st = getComputedStyle(e);
    const y = /auto|scroll/.test(st.overflowY) && e.scrollHeight > e.clientHeight + 1;
    const x = /auto|scroll/.test(st.overflowX) && e.scrollWidth > e.clientWidth + 1;
    if ((x || y) && e.clientHeight > 0) {
      const cell = e.closest('.jp-Cell');
      scrollers.push(`${x ? 'horizontal' : 'vertical'} scroll in ${e.className.toString().split(' ')[0] || e.tagName.toLowerCase()}` +
                     (cell ? ` of cell ${[...document.querySelectorAll('.jp-Cell')].indexOf(cell)}` : ''));
    }
  }
  if (!cells) return {cells, top: 0, bottom: 0, left: 0, right: 0, height: 0, scrollers, W, H, overflow: scrollers.length > 0};
  const overflow = bottom > H + 1 || top < -1 || right > W + 1 || left < -1 || scrollers.length > 0;
  return {cells, top, bottom, left, right, height: bottom - top, scrollers, W, H, overflow};
}"""


class Slide:
    def __init__(self, state: dict, index: int):
        # The hash as the slide is entered (Reveal appends /n once fragment n is shown).
        self.hash, self.id, self.index = state["hash"], state["id"], index
        self.fragments = state["fragments"]
        self.measures: list[dict] = []

    @property
    def worst(self) -> dict:
        return max(self.measures, key=lambda m: (m["overflow"], m["height"]))

    @property
    def overflows(self) -> bool:
        return any(m["overflow"] for m in self.measures)

    def describe(self) -> str:
        m = self.worst
        parts = [f"slide {self.index} ({self.hash or self.id}): {m['cells']} cell(s), content "
                 f"{m['height']:.0f} px tall, from y={m['top']:.0f} to {m['bottom']:.0f} (viewport {m['H']})"]
        if m["right"] > m["W"] + 1 or m["left"] < -1:
            parts.append(f"x from {m['left']:.0f} to {m['right']:.0f} (viewport {m['W']})")
        if m["scrollers"]:
            parts.append("; ".join(sorted(set(m["scrollers"]))[:4]))
        return ", ".join(parts)


class Deck:
    """The RISE slideshow of one notebook, in ``page`` (kept at 1280x720)."""

    def __init__(self, page, server, path: str):
        self.page, self.server, self.path = page, server, path
        self.slides: list[Slide] = []
        self.steps = 0

    def open(self, views: int = 0, widgets_failed=lambda: False, timeout_ms: int = 90_000) -> None:
        """Load the slideshow; wait for ``views`` live gmm-views (restored from the kernel) to
        draw their figures, so that slides are measured as the class sees them (unless
        ``widgets_failed()`` says the widget manager could not load)."""
        page = self.page
        ld.to_front(page)
        page.set_viewport_size(VIEWPORT)
        page.goto(self.server.rise_url(self.path), wait_until="domcontentloaded", timeout=timeout_ms)
        page.wait_for_selector(".reveal.ready .slides section.present", timeout=timeout_ms)
        page.evaluate("async () => { await document.fonts.ready; }")
        deadline = time.monotonic() + 20
        while views and time.monotonic() < deadline and not widgets_failed():
            drawn = page.evaluate("""() => [...document.querySelectorAll('.gmm-view img.gmm-figure')]
                .filter(i => i.complete && i.naturalWidth > 0).length""")
            if drawn >= views:
                break
            page.wait_for_timeout(100)  # else test_rise_slider_redraws says what is shown instead
        page.keyboard.press("Escape")  # command mode: Space steps the deck, it does not type

    def state(self) -> dict:
        return self.page.evaluate(JS_STATE)

    def step_through(self, max_steps: int = 1000) -> list[Slide]:
        """Visit every slide and fragment from the first; measure each state (see the module doc)."""
        page = self.page
        state = self.state()
        by_hash: dict[str, Slide] = {}
        for _ in range(max_steps):
            key = state["id"] or state["hash"]  # one slide, whatever fragment the hash also names
            slide = by_hash.get(key)
            if slide is None:
                slide = by_hash[key] = Slide(state, len(by_hash))
                self.slides.append(slide)
            slide.measures.append(page.evaluate(JS_MEASURE))
            if not state["more"]:
                break
            page.keyboard.press("Space")
            self.steps += 1
            before = json.dumps([state["hash"], state["id"], state["shown"]])
            try:
                page.wait_for_function(
                    f"""() => {{ const s = ({JS_STATE})(); return !!s && JSON.stringify([s.hash, s.id, s.shown]) !== {json.dumps(before)}; }}""",
                    timeout=10_000, polling=20)
            except Exception:
                raise AssertionError(f"{self.path}: Space did not leave slide {slide.index} ({key}) although "
                                     "the deck shows more to come") from None
            state = self.state()
        return self.slides

    def slide_of(self, element) -> Slide | None:
        """The slide (as stepped through) that holds ``element`` (a locator)."""
        sid = element.evaluate("(e) => { const secs = []; for (let s = e.closest('section'); s; s = s.parentElement.closest('section')) secs.push(s.id); return secs[0]; }")
        return next((s for s in self.slides if s.id == sid), None)

    def go_to(self, slide: Slide) -> None:
        """Back to ``slide`` through the URL hash (Reveal follows it, as a bookmark would).

        Setting the hash the URL already holds fires no hashchange, so when the deck has not
        moved after 10 s the hash is cleared and set again (one more try, then the timeout stands).
        """
        arrived = f"() => ({JS_STATE})().id === {json.dumps(slide.id)}"
        self.page.evaluate("(h) => { location.hash = h; }", slide.hash)
        try:
            self.page.wait_for_function(arrived, timeout=10_000, polling=20)
        except Exception:
            self.page.evaluate("(h) => { location.hash = ''; location.hash = h; }", slide.hash)
            self.page.wait_for_function(arrived, timeout=10_000, polling=20)
        self.page.evaluate(JS_MEASURE)  # waits for the slide to settle

    @property
    def fragment_steps(self) -> int:
        return self.steps - (len(self.slides) - 1)

    def summary(self) -> str:
        over = [s for s in self.slides if s.overflows]
        return (f"rise: {self.path}: {len(self.slides)} slide(s), {self.fragment_steps} fragment step(s), "
                f"{len(over)} overflowing 1280x720")
