"""Sphinx configuration of the course site (`make site`, built by docs/build_site.py).

Sphinx reads a staging copy that build_site.py lays out (README.md as index.md, INSTRUCTOR.md,
the notebooks and their solutions, imgs/, the pages of docs/), so every relative link the
repository's files already use (`notebooks/01_em_1d.ipynb`, `solutions/...ipynb`, `imgs/...`)
resolves in the site as it does on GitHub. Nothing is executed and nothing is fetched: the
stored outputs are shown, and MathJax is a local copy.
"""
from __future__ import annotations

import html
import os
import posixpath
from pathlib import Path

project = "gmmlib"
author = "the gmmlib authors"
copyright = "gmmlib authors, MIT licence"
root_doc = "index"
language = "en"

extensions = ["myst_nb"]
exclude_patterns = ["_build", "**.ipynb_checkpoints"]

# The stored outputs are the lesson: no kernel is started at build time.
nb_execution_mode = "off"
# A view's output holds a widget reference, the picture of the view, and a text repr. Without a
# kernel and without widget state a widget reference draws nothing, so the picture must win.
nb_mime_priority_overrides = [("html", "application/vnd.jupyter.widget-view+json", None)]
myst_enable_extensions = ["dollarmath", "amsmath"]
# README links to its own sections (#without-make) by GitHub's heading slugs.
myst_heading_anchors = 3

# MathJax 2.7 from the jupyter-server-mathjax package, copied into _static/mathjax by
# build_site.py; the default would load MathJax 3 from a CDN. The package ships one combined
# configuration (TeX input, HTML-CSS output) and the STIX-Web fonts only, as offline_slides.py
# configures it for the decks.
# The combined configuration is named in mathjax2_config, not as "?config=" on the path: Sphinx
# 7.2.0 refuses a local script path with a query string.
mathjax_path = "mathjax/MathJax.js"
# myst would add a MathJax 3 configuration (window.MathJax), which MathJax 2 would read as its own.
myst_update_mathjax = False
mathjax2_config = {
    "config": ["TeX-AMS-MML_HTMLorMML-full.js", "Safe.js"],
    # Only what Sphinx marked as math is typeset: a price like "$5" in an output stays text.
    "tex2jax": {"inlineMath": [["\\(", "\\)"]], "displayMath": [["\\[", "\\]"]],
                "processEscapes": False, "ignoreClass": "document", "processClass": "math"},
    "HTML-CSS": {"availableFonts": [], "preferredFont": None, "webFont": "STIX-Web", "imageFont": None},
    # The hidden MathML copy kept for screen readers is styled by the NativeMML output, whose
    # rules name MathJax's TeX web fonts for script, fraktur and double-struck letters: the
    # package ships none of them (a 404 for each \\mathcal on a page). Same rules, no web font.
    "NativeMML": {"styles": {
        f'[mathvariant="{variant}"]': {"font-family": family}
        for variant, family in [("double-struck", "MathJax_AMS"), ("script", "MathJax_Script"),
                                ("fraktur", "MathJax_Fraktur"), ("bold-script", "MathJax_Script"),
                                ("bold-fraktur", "MathJax_Fraktur")]}},
    "messageStyle": "none",
    "menuSettings": {"zoom": "None"},
}

html_theme = "sphinx_book_theme"
html_title = "gmmlib: Gaussian mixtures and EM"
html_theme_options = {
    "home_page_in_toc": True,
    "show_toc_level": 2,
    # The .ipynb sits beside each page, linked above it; the theme's button would point into
    # _sources, which is not copied (html_copy_source).
    "use_download_button": False,
    "use_fullscreen_button": False,
    "navigation_with_keys": False,
}
html_static_path = ["_static"]
html_css_files = ["site.css"]
# Deferred: it runs after searchtools.js is read and before the search page starts searching.
html_js_files = [("search-math.js", {"defer": "defer"})]
html_last_updated_fmt = None
# The notebooks are copied beside their pages (the download link); no second copy in _sources.
html_copy_source = False
html_show_sourcelink = False

# What the run box on each notebook page says; a Binder launch link needs the repository on
# GitHub (`make site GMMLIB_REPO=owner/name`, or a GitHub `origin` remote found by build_site.py).
GITHUB_REPO = os.environ.get("GMMLIB_REPO", "").strip().strip("/")


def _binder(docname: str) -> str:
    if GITHUB_REPO:
        url = f"https://mybinder.org/v2/gh/{GITHUB_REPO}/HEAD?labpath={docname}.ipynb"
        return f'<a class="reference external" href="{html.escape(url)}">Binder</a>'
    # No repository known at build time: say how, rather than link to a guess.
    return ('Binder (paste the repository\'s GitHub address into mybinder.org; it installs '
            '<code>environment.yml</code> and <code>postBuild</code>)')


def _run_box(app, docname: str) -> str:
    """The links above a notebook page: the file itself, its slides, its pair, how to run it."""
    name = posixpath.basename(docname)
    here = posixpath.dirname(docname)
    rel = lambda target: posixpath.relpath(target, here or ".")  # noqa: E731
    links = [f'<a class="reference internal nb-download" href="{name}.ipynb" download>'
             f'Download {name}.ipynb</a>']
    if docname.startswith("notebooks/solutions/"):
        exercise = name.removesuffix("_solutions")
        links.append(f'<a class="reference internal nb-pair" href="{rel("notebooks/" + exercise)}.html">'
                     f'Back to the exercises ({exercise})</a>')
    else:
        links.append(f'<a class="reference internal nb-slides" href="{rel("slides/" + name)}.slides.html">'
                     'Slides (reveal.js, offline)</a>')
        if (Path(app.srcdir) / "notebooks" / "solutions" / f"{name}_solutions.ipynb").exists():
            links.append(f'<a class="reference internal nb-pair" href="{rel("notebooks/solutions/" + name)}_solutions.html">'
                         'Worked solutions</a>')
    links.append(f'<a class="reference internal nb-run" href="{rel("running")}.html">Run it</a>: '
                 f'<code>make lab</code> opens it in JupyterLab, or {_binder(docname)}')
    items = "".join(f"<li>{link}</li>" for link in links)
    return (f'<nav class="admonition note gmm-notebook-links" aria-label="This notebook">'
            f'<p class="admonition-title">The notebook as it was saved: its outputs are stored '
            f'pictures and text. To run the code, change it or move a view\'s sliders, open it in '
            f'JupyterLab.</p><ul>{items}</ul></nav>')


def _add_run_box(app, pagename, templatename, context, doctree):
    if doctree is None or not pagename.startswith("notebooks/"):
        return
    context["body"] = _run_box(app, pagename) + context.get("body", "")


def setup(app):
    app.connect("html-page-context", _add_run_box)
    # MathJax on every page, the search page included: its summaries quote formulas.
    app.set_html_assets_policy("always")
    return {"parallel_read_safe": True, "parallel_write_safe": True}
