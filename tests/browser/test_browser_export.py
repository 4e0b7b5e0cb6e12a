"""The kernel-less animation stored in a notebook (matplotlib `to_jshtml()`) plays in the
nbconvert HTML export: no kernel, no network, just the exported file in chromium."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

import labdriver as ld


def _stores_animation(name: str) -> bool:
    if name == ld.SELFTEST_NAME:
        return True
    nb = json.loads((ld.REPO / "notebooks" / name).read_text())
    for cell in nb.get("cells", []):
        for out in cell.get("outputs", []):
            html = out.get("data", {}).get("text/html", "")
            html = "".join(html) if isinstance(html, list) else html
            if "play_animation" in html and 'class="animation"' in html:
                return True
    return False


ANIMATED = [n for n in ld.notebook_names() if _stores_animation(n)]


@pytest.mark.parametrize("name", ld.params_or_failure(ANIMATED, "stored-animation"))
def test_stored_animation_plays_in_html_export(name, lab, chromium, workdir):
    if name is None:
        pytest.fail("no notebook stores a to_jshtml() animation output", pytrace=False)
    out_dir = workdir / "export"
    t = ld.Timer()
    subprocess.run([sys.executable, "-m", "nbconvert", "--to", "html", "--output-dir", str(out_dir),
                    str(lab.root / "notebooks" / name)], check=True, capture_output=True, timeout=120)
    html = out_dir / (name.rsplit(".", 1)[0] + ".html")
    t_export = t()
    page = chromium.context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    # The export links CDN scripts (require.js, MathJax): refuse every request but the file itself.
    page.route("**/*", lambda route: route.continue_() if route.request.url.startswith("file:") else route.abort())
    try:
        page.goto(html.as_uri(), wait_until="load")
        anim = page.locator(".animation").first
        anim.wait_for(state="visible", timeout=15_000)
        img, slider = anim.locator("img").first, anim.locator("input[type=range]").first
        src0, frame0, frames = img.get_attribute("src"), int(slider.input_value()), int(slider.get_attribute("max"))
        assert frames >= 2, f"{name}: the stored animation has {frames + 1} frame(s)"
        page.evaluate("""(img) => { window.__gmmSrcs = new Set([img.src]);
            new MutationObserver(() => window.__gmmSrcs.add(img.src)).observe(img, {attributes: true}); }""",
                      img.element_handle())
        anim.locator("[onclick*='play_animation']").first.click()
        page.wait_for_function("() => window.__gmmSrcs.size >= 3", timeout=15_000, polling=20)
        anim.locator("[onclick*='pause_animation']").first.click()
        frame1 = int(slider.input_value())
        shown = page.evaluate("() => window.__gmmSrcs.size")
        assert img.get_attribute("src") != src0 and frame1 != frame0, f"{name}: Play did not move the animation"
        assert not errors, f"{name}: errors on the exported page: {errors}"
        ld.note(f"export: {name} -> {html.name} in {t_export:.1f} s; Play showed {shown} distinct frames "
                f"of {frames + 1} (frame {frame0} -> {frame1})")
    finally:
        page.close()
