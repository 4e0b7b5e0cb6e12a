"""What a viewer without a kernel shows of a notebook's stored outputs, read from the rendered page.

Used on a notebook opened untrusted in JupyterLab and on its nbconvert HTML with every script
removed (what GitHub shows). :func:`problems` lists, for the page under ``root``:

- ``widget_repr``: an output showing a widget's text repr (``VBox(children=...``) or a widget
  placeholder (``Loading widget...``, ``Error displaying widget``) instead of a picture;
- ``broken_images``: an ``<img>`` that did not decode (``naturalWidth == 0`` once loaded; an
  ``<img>`` whose ``src`` a script was to fill counts too);
- ``missing_glyphs``: a character drawn as the font's "no glyph" box. Each distinct character
  of the page's text (and of ``::before``/``::after`` content, where icon fonts live) is drawn on
  a canvas in the font the page computes for it and compared, pixel for pixel, with the drawing
  of two code points no font has (U+10FFFD, U+10FFFC): the same picture means a missing glyph;
- ``dead_controls``: buttons, sliders, inputs or ``onclick`` elements in an output: with no
  kernel and no script nothing answers them (the to_jshtml() player's buttons);
- ``empty_outputs``: an output area (other than printed text) with no text and no visible
  picture: whatever was to draw it was a script (an HTML export's widget view, scripts removed).

:func:`animated_images` finds the ``<img>`` whose bytes are an animation (GIF with several frames,
WebP with an ANIM chunk, PNG with an acTL chunk); :func:`moving_image` then screenshots each 2 s
apart and returns the first one whose pixels changed: a picture that moves on its own.
"""
from __future__ import annotations

import base64
import json
import re

# An ipywidgets repr: a widget class name and one of the traits its repr starts with.
WIDGET_REPR = re.compile(
    r"\b[A-Z][A-Za-z]*\((?:children|value|layout|description|options|outputs|min|max|format|style|_dom_classes)=")
WIDGET_PLACEHOLDER = re.compile(r"Loading widget|Error displaying widget|Error rendering output|Javascript Error")

JS_PROBLEMS = r"""
async ([root, outputSel, widgetRepr, placeholder]) => {
  root = root || document.body;
  const reprRe = new RegExp(widgetRepr), holderRe = new RegExp(placeholder);
  const out = {widget_repr: [], broken_images: [], missing_glyphs: [], dead_controls: [], empty_outputs: [],
               outputs: 0, images: 0, glyphs_checked: 0};
  const where = (el) => {
    const cell = el.closest('.jp-Cell, .jp-Notebook-cell, .cell');
    const cells = cell ? [...root.querySelectorAll('.jp-Cell, .jp-Notebook-cell, .cell')] : [];
    return cell ? `cell ${cells.indexOf(cell)}` : el.tagName.toLowerCase(); };
  // Images: every <img> is asked to load now (no lazy loading), then waited for.
  const imgs = [...root.querySelectorAll('img')];
  for (const img of imgs) img.loading = 'eager';
  await Promise.all(imgs.map(img => img.complete ? null : new Promise(r => {
    img.addEventListener('load', r, {once: true}); img.addEventListener('error', r, {once: true});
    setTimeout(r, 10000); })));
  out.images = imgs.length;
  for (const img of imgs) {
    if (!img.getAttribute('src') || !img.complete || img.naturalWidth === 0)
      out.broken_images.push(`${where(img)}: <img${img.id ? ' id=' + img.id : ''} src="${(img.getAttribute('src') || '').slice(0, 40)}"> did not load`);
  }
  const outputs = [...root.querySelectorAll(outputSel)];
  out.outputs = outputs.length;
  for (const o of outputs) {
    const text = (o.innerText || '').trim();
    const m = reprRe.exec(text) || holderRe.exec(text);
    if (m) out.widget_repr.push(`${where(o)}: ${text.slice(Math.max(0, m.index - 20), m.index + 60).replace(/\s+/g, ' ')}`);
    for (const c of o.querySelectorAll('button, input, select, textarea, [onclick]'))
      out.dead_controls.push(`${where(c)}: <${c.tagName.toLowerCase()}${c.title ? ' title="' + c.title + '"' : ''}${c.type ? ' type=' + c.type : ''}>`);
    const seen = [...o.querySelectorAll('img, svg, canvas, video, iframe')].some(e => {
      const r = e.getBoundingClientRect(); return r.width > 1 && r.height > 1; });
    const mime = o.getAttribute('data-mime-type') || '';
    const textual = /^(text\/plain|application\/vnd\.jupyter\.std(out|err))$/.test(mime);  // print('') is no fault
    if (!text && !seen && !textual) out.empty_outputs.push(`${where(o)}: an output with nothing to see (${(o.getAttribute('data-mime-type') || o.className).slice(0, 60)})`);
  }
  // Glyphs: draw each character and compare with the font's "no glyph" drawing.
  await document.fonts.ready;
  const canvas = document.createElement('canvas'); canvas.width = 64; canvas.height = 64;
  const ctx = canvas.getContext('2d', {willReadFrequently: true});
  const draw = (s, font) => { ctx.clearRect(0, 0, 64, 64); ctx.font = font; ctx.textBaseline = 'top';
    ctx.fillText(s, 4, 4); const d = ctx.getImageData(0, 0, 64, 64).data; let h = 0, ink = 0;
    for (let i = 3; i < d.length; i += 4) { h = (Math.imul(h, 31) + d[i]) | 0; ink += d[i] > 0; } return h + ':' + ink; };
  const seenGlyph = new Map();
  const check = (text, st, el) => {
    const font = `${st.fontStyle} ${st.fontWeight} 40px ${st.fontFamily}`;
    for (const ch of text) {
      if (/[\s\u0000-\u007f\u200b-\u200f\ufe0e\ufe0f]/u.test(ch)) continue;  // ASCII, spaces, selectors
      const key = ch + '|' + font; if (seenGlyph.has(key)) continue;
      const got = draw(ch, font);
      const bad = ['\u{10FFFD}', '\u{10FFFC}'].some(ref => draw(ref, font) === got);
      seenGlyph.set(key, bad);
      if (bad) out.missing_glyphs.push(`${where(el)}: U+${ch.codePointAt(0).toString(16).toUpperCase().padStart(4, '0')} '${ch}' in <${el.tagName.toLowerCase()}${el.title ? ' title="' + el.title + '"' : ''}> (${st.fontFamily.slice(0, 40)})`);
    }
  };
  const skip = 'mjx-container, .MathJax, .MathJax_Preview, .MathJax_SVG, script, style, .jp-InputArea-editor .cm-cursor';
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const el = n.parentElement;
    if (!el || !n.textContent.trim() || el.closest(skip)) continue;
    check(n.textContent, getComputedStyle(el), el);
  }
  for (const el of root.querySelectorAll('*')) {
    if (el.closest(skip)) continue;
    for (const pseudo of ['::before', '::after']) {
      const st = getComputedStyle(el, pseudo); const c = st.content;
      if (c && /^".+"$/.test(c)) { try { check(JSON.parse(c), st, el); } catch (e) { /* counters, attr() */ } }
    }
  }
  out.glyphs_checked = seenGlyph.size;
  return out;
}
"""

JS_ANIMATED = r"""
async ([root]) => {
  root = root || document.body;
  const bytesOf = async (src) => {
    if (src.startsWith('data:')) {
      const comma = src.indexOf(','); const meta = src.slice(5, comma);
      const body = meta.endsWith(';base64') ? atob(src.slice(comma + 1)) : decodeURIComponent(src.slice(comma + 1));
      const a = new Uint8Array(body.length); for (let i = 0; i < body.length; i++) a[i] = body.charCodeAt(i); return a;
    }
    try { return new Uint8Array(await (await fetch(src)).arrayBuffer()); } catch (e) { return null; }
  };
  const count = (a, pat) => { let n = 0; outer: for (let i = 0; i + pat.length <= a.length; i++) {
      for (let j = 0; j < pat.length; j++) if (a[i + j] !== pat[j]) continue outer; n++; } return n; };
  const found = [];
  let k = 0;
  for (const img of root.querySelectorAll('img')) {
    if (!img.complete || !img.naturalWidth) continue;
    const src = img.currentSrc || img.src; const a = await bytesOf(src);
    let kind = null, frames = 0;
    if (a && a[0] === 0x47 && a[1] === 0x49 && a[2] === 0x46) { frames = count(a, [0x21, 0xF9, 0x04]); kind = 'GIF'; }
    else if (a && a[0] === 0x89 && a[1] === 0x50 && count(a.subarray(0, 4096), [0x61, 0x63, 0x54, 0x4C])) { kind = 'APNG'; frames = 2; }
    else if (a && a[8] === 0x57 && a[9] === 0x45 && count(a.subarray(0, 4096), [0x41, 0x4E, 0x49, 0x4D])) { kind = 'WebP'; frames = 2; }
    else if (!a && /\.(gif|webp|apng)([?#]|$)/i.test(src)) { kind = 'by name'; frames = 2; }
    if (kind && frames >= 2) {
      img.setAttribute('data-gmm-animated', String(k));
      found.push({index: k++, kind, frames, width: img.naturalWidth, height: img.naturalHeight, bytes: a ? a.length : null});
    }
  }
  return found;
}
"""


def problems(page, root=None, output_selector: str = ".jp-OutputArea-output") -> dict:
    """The faults listed in the module docstring, for the page (or the element handle ``root``)."""
    return page.evaluate(JS_PROBLEMS, [root, output_selector, WIDGET_REPR.pattern, WIDGET_PLACEHOLDER.pattern])


def animated_images(page, root=None) -> list[dict]:
    """The animated images under ``root`` (marked ``data-gmm-animated=i`` for :func:`moving_image`)."""
    return page.evaluate(JS_ANIMATED, [root])


def moving_image(page, animated: list[dict], interval_ms: int = 2000) -> dict | None:
    """The first animated image whose screenshots ``interval_ms`` apart differ, else None."""
    for info in animated:
        img = page.locator(f'[data-gmm-animated="{info["index"]}"]').first
        img.scroll_into_view_if_needed()
        before = img.screenshot(animations="allow")
        page.wait_for_timeout(interval_ms)
        after = img.screenshot(animations="allow")
        if before != after:
            return info
    return None


def is_apng(b64) -> bool:
    """An animated PNG: its acTL chunk comes before the first image data, near the start."""
    if not b64:
        return False
    b64 = "".join(b64) if isinstance(b64, list) else b64
    head = base64.b64decode(b64[:8192] + "=" * (-len(b64[:8192]) % 4), validate=False)
    return b"acTL" in head[:6144]


def stored_views(nb_json: dict) -> dict:
    """What a notebook file stores that is meant to move or respond: widget views, to_jshtml()
    players and animated images (a notebook with any of these must show a moving picture)."""
    counts = {"widget_views": 0, "jshtml": 0, "animated_images": 0}
    for cell in nb_json.get("cells", []):
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            html = data.get("text/html", "")
            html = "".join(html) if isinstance(html, list) else html
            if "application/vnd.jupyter.widget-view+json" in data:
                counts["widget_views"] += 1
            if 'class="animation"' in html and "anim-controls" in html:
                counts["jshtml"] += 1
            if ("image/gif" in data or "image/webp" in data or is_apng(data.get("image/png"))
                    or re.search(r"data:image/(gif|webp|apng)", html)):
                counts["animated_images"] += 1
        src = cell.get("source", "")
        src = "".join(src) if isinstance(src, list) else src
        if cell.get("cell_type") == "markdown" and re.search(r"\.(gif|webp|apng)\b", src):
            counts["animated_images"] += 1
    return counts


def summary(found: dict) -> str:
    keys = ("widget_repr", "broken_images", "missing_glyphs", "dead_controls", "empty_outputs")
    return ", ".join(f"{k} {len(found[k])}" for k in keys)


def describe(found: dict, limit: int = 6) -> str:
    lines = []
    for key in ("widget_repr", "broken_images", "missing_glyphs", "dead_controls", "empty_outputs"):
        items = found[key]
        if items:
            more = f" (+{len(items) - limit} more)" if len(items) > limit else ""
            lines.append(f"  {key}: " + json.dumps(items[:limit], ensure_ascii=False) + more)
    return "\n".join(lines)
