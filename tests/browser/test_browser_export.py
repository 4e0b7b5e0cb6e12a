"""A notebook's stored animation plays in its nbconvert HTML export (what nbviewer shows): no
kernel, no network, just the exported file in chromium. A `to_jshtml()` player must play when
Play is pressed; an animated image (GIF/WebP/APNG, the form issue 8 asks for) must move on its
own. (With every script removed, test_browser_untrusted.py checks the same pictures.)"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

import labdriver as ld
import standins
import static_checks as sc


def _animation_kinds(path: Path) -> dict:
    if path.name == ld.SELFTEST_NAME:
        return {"jshtml": 1, "animated_images": 0}
    return sc.stored_views(json.loads(path.read_text(encoding="utf-8")))


def _animated(path: Path) -> bool:
    kinds = _animation_kinds(path)
    return bool(kinds["jshtml"] or kinds["animated_images"])


# The course's notebooks that store an animation, and the contract stand-in (an animated GIF) as
# the check that the animated-image branch works.
ANIMATED = [f"notebooks/{n}" for n in ld.notebook_names() if _animated(ld.REPO / "notebooks" / n)]


@pytest.mark.parametrize("rel", ld.params_or_failure(ANIMATED, "stored-animation") + [f"standins/{standins.CONTRACT_NAME}"])
def test_stored_animation_plays_in_html_export(rel, lab, chromium, workdir):
    if rel is None:
        pytest.fail("no notebook stores an animation (to_jshtml() player or animated image)", pytrace=False)
    nb_path = lab.root / Path(*rel.split("/"))
    name = nb_path.name
    # Beside the notebook (in the temporary copy), so that relative image links resolve.
    out_dir, stem = nb_path.parent, nb_path.stem
    t = ld.Timer()
    from nbconvert import HTMLExporter  # in this process: no interpreter start per notebook

    html = out_dir / f"{stem}.export.html"
    html.write_text(HTMLExporter().from_filename(str(nb_path))[0], encoding="utf-8")
    t_export = t()
    page = chromium.context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    # The export links CDN scripts (require.js, MathJax): refuse every request but the file itself.
    page.route("**/*", lambda route: route.continue_() if route.request.url.startswith("file:") else route.abort())
    try:
        page.goto(html.as_uri(), wait_until="load")
        if not _animation_kinds(nb_path)["jshtml"]:
            animated = sc.animated_images(page)
            moving = sc.moving_image(page, animated)
            assert moving, f"{name}: no animated image of the export moves: {animated}"
            ld.note(f"export: {name} -> {html.name} in {t_export:.1f} s; {moving['kind']} "
                    f"{moving['width']}x{moving['height']} px moves on its own")
            return
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
