"""Static reveal.js slides of the notebooks that work offline (`make slides`).

``jupyter nbconvert --to slides`` writes decks that load reveal.js, require.js, jQuery, mermaid
and MathJax from CDNs: in a lecture hall without network the deck stays blank. This builds the
same decks (nbconvert's own reveal template, the notebooks' slide metadata) with every script
taken from installed Python packages and copied next to the decks:

- reveal.js 5 (``dist/`` and the speaker-notes plugin) from the ``sphinx-revealjs`` wheel, which
  ships the official reveal.js release files as package data;
- MathJax 2.7 from ``jupyter-server-mathjax`` (the Jupyter project's packaging of MathJax for
  offline servers), configured as nbconvert's own HTML template configures it;
- no require.js, jQuery or mermaid: the template below loads reveal.js with plain script tags,
  and leaves out the widget-manager loader (a deck has no kernel; interactive views show the
  picture stored beside them).

Usage: ``python tests/browser/offline_slides.py OUT_DIR NOTEBOOK...`` (what ``make slides``
runs); the browser suite imports :func:`build` and opens every deck with the network refused.
"""
from __future__ import annotations

import argparse
import shutil
import sys
from importlib import resources
from pathlib import Path

ASSETS = "_assets"          # copied once next to the decks
REVEAL_FILES = ("dist", "plugin/notes", "LICENSE")
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"

TEMPLATE = r"""
{%- extends 'index.html.j2' -%}
{#- nbconvert's reveal template, with every script local (see offline_slides.py). -#}
{%- block html_head_js -%}{%- endblock html_head_js -%}
{%- block jupyter_widgets -%}{%- endblock jupyter_widgets -%}
{%- block html_head_js_mathjax -%}
<script type="text/x-mathjax-config">
MathJax.Hub.Config({
  tex2jax: {inlineMath: [['$', '$'], ['\\(', '\\)']], displayMath: [['$$', '$$'], ['\\[', '\\]']],
            processEscapes: true, processEnvironments: true},
  TeX: {equationNumbers: {autoNumber: "AMS", useLabelIds: true}},
  displayAlign: 'center', messageStyle: 'none', menuSettings: {zoom: 'None'},
  "HTML-CSS": {availableFonts: [], preferredFont: null, webFont: "STIX-Web", imageFont: null,
               linebreaks: {automatic: true}}
});
</script>
<script src="{{ resources.mathjax_url }}"></script>
{%- endblock html_head_js_mathjax -%}
{% block footer_js %}
<script src="{{ resources.reveal.url_prefix }}/dist/reveal.js"></script>
<script src="{{ resources.reveal.url_prefix }}/plugin/notes/notes.js"></script>
<script>
Reveal.initialize({
  controls: true, progress: true, history: true, hash: true,
  transition: "{{ resources.reveal.transition | default('slide', true) }}",
  width: {{ resources.reveal.width | default('1280', true) }},
  height: {{ resources.reveal.height | default('720', true) }},
  plugins: [RevealNotes]
});
Reveal.on('slidechanged', function (event) {
  if (window.MathJax && MathJax.Hub) { MathJax.Hub.Queue(['Rerender', MathJax.Hub, event.currentSlide]); }
});
</script>
{% endblock footer_js %}
"""


def reveal_dir() -> Path:
    """The reveal.js release shipped inside the sphinx-revealjs wheel."""
    try:
        root = resources.files("sphinx_revealjs") / "_static" / "revealjs"
    except ModuleNotFoundError:
        raise SystemExit("offline slides need reveal.js from the `sphinx-revealjs` package: "
                         "pip install sphinx-revealjs (it is in the project's `lab` extra)") from None
    root = Path(str(root))
    if not (root / "dist" / "reveal.js").is_file():
        raise SystemExit(f"no dist/reveal.js under {root}: is sphinx-revealjs installed completely?")
    return root


def mathjax_dir() -> Path:
    try:
        root = Path(str(resources.files("jupyter_server_mathjax") / "static"))
    except ModuleNotFoundError:
        raise SystemExit("offline slides need MathJax from the `jupyter-server-mathjax` package: "
                         "pip install jupyter-server-mathjax (it is in the project's `lab` extra)") from None
    if not (root / "MathJax.js").is_file():
        raise SystemExit(f"no MathJax.js under {root}")
    return root


def copy_assets(out_dir: Path) -> Path:
    """Copy reveal.js and MathJax next to the decks (once; an existing copy is replaced)."""
    dest = Path(out_dir) / ASSETS
    if dest.exists():
        shutil.rmtree(dest)
    reveal = reveal_dir()
    for rel in REVEAL_FILES:
        src = reveal / rel
        if src.is_dir():  # source maps and the ES-module build are never loaded by a deck
            shutil.copytree(src, dest / "reveal.js" / rel, ignore=shutil.ignore_patterns("*.map", "*.esm.js"))
        else:
            (dest / "reveal.js" / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dest / "reveal.js" / rel)
    # The localisation and accessibility files are never loaded for an English deck.
    shutil.copytree(mathjax_dir(), dest / "mathjax", ignore=shutil.ignore_patterns("localization", "a11y"))
    return dest


def exporter():
    from nbconvert.exporters import SlidesExporter
    from traitlets.config import Config

    c = Config()
    # A deck has no kernel: an interactive view shows the picture stored beside it (its
    # image/png), never the widget (whose loader would come from a CDN).
    priority = [m for m in SlidesExporter().default_config.NbConvertBase.display_data_priority if m != WIDGET_VIEW]
    c.NbConvertBase.display_data_priority = priority
    # Markdown images (imgs/...) go into the deck, which then needs nothing beside it but _assets.
    c.HTMLExporter.embed_images = True
    c.SlidesExporter.reveal_url_prefix = f"{ASSETS}/reveal.js"
    # "white" uses the fonts reveal.js ships; "simple" (the default) imports web fonts.
    c.SlidesExporter.reveal_theme = "white"
    c.HTMLExporter.mathjax_url = f"{ASSETS}/mathjax/MathJax.js?config=TeX-AMS-MML_HTMLorMML-full,Safe"
    return SlidesExporter(config=c, raw_template=TEMPLATE)


def build(notebooks, out_dir) -> list[Path]:
    """Write ``<stem>.slides.html`` for each notebook into ``out_dir``, with the assets beside."""
    import nbformat

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    copy_assets(out_dir)
    exp = exporter()
    decks = []
    for nb_path in map(Path, notebooks):
        nb = nbformat.read(nb_path, as_version=4)
        body, _ = exp.from_notebook_node(nb, resources={"metadata": {"name": nb_path.stem,
                                                                      "path": str(nb_path.parent)}})
        deck = out_dir / f"{nb_path.stem}.slides.html"
        deck.write_text(body, encoding="utf-8")
        decks.append(deck)
    return decks


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out_dir", type=Path)
    ap.add_argument("notebooks", nargs="+", type=Path)
    args = ap.parse_args(argv)
    for deck in build(args.notebooks, args.out_dir):
        print(deck)
    return 0


if __name__ == "__main__":
    sys.exit(main())
