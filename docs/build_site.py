"""Build the course site into build/site/ (what `make site` runs): no kernel, no network.

Steps:
1. Lay out a staging copy of the sources in build/site-src/: README.md becomes index.md (the
   landing page), INSTRUCTOR.md, notebooks/[0-9]*.ipynb, notebooks/solutions/*.ipynb, imgs/,
   and the pages of docs/ (running.md). The copy keeps the repository's layout, so the links the
   files already have resolve unchanged.
2. Sphinx with myst-nb and sphinx-book-theme (docs/conf.py) renders the stored outputs.
3. Beside the pages: each notebook file itself (the page's download link), the offline reveal.js
   slides of each notebook (tests/browser/offline_slides.py, as `make slides` builds them) and a
   local MathJax 2.7 (the jupyter-server-mathjax package).

Prints the build time, the number of HTML pages and the size of the site.
Usage: python docs/build_site.py [OUT_DIR]   (default build/site)
"""
from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DOCS = REPO / "docs"
PAGES = ("running.md",)  # the site's own pages, beside README and INSTRUCTOR

# The sidebar's order: the course, its solutions, then the pages about running and teaching it.
TOCTREE = """

```{{toctree}}
:hidden:
:caption: Notebooks

{notebooks}
```

```{{toctree}}
:hidden:
:caption: Worked solutions

{solutions}
```

```{{toctree}}
:hidden:
:caption: Running and teaching

running
INSTRUCTOR
```
"""


def notebooks() -> list[Path]:
    return sorted((REPO / "notebooks").glob("[0-9]*.ipynb"))


def solutions() -> list[Path]:
    return sorted((REPO / "notebooks" / "solutions").glob("*.ipynb"))


def github_repo() -> str:
    """owner/name of a GitHub `origin` remote, for the Binder links; "" when there is none."""
    try:
        url = subprocess.run(["git", "-C", str(REPO), "remote", "get-url", "origin"],
                             capture_output=True, text=True, timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return ""
    m = re.match(r"(?:https://github\.com/|git@github\.com:)([\w.-]+/[\w.-]+?)(?:\.git)?/?$", url)
    return m.group(1) if m else ""


def stage(src: Path) -> None:
    if src.exists():
        shutil.rmtree(src)
    (src / "notebooks" / "solutions").mkdir(parents=True)
    for nb in notebooks() + solutions():
        shutil.copy2(nb, src / nb.relative_to(REPO))
    shutil.copytree(REPO / "imgs", src / "imgs")
    shutil.copy2(REPO / "INSTRUCTOR.md", src / "INSTRUCTOR.md")
    for page in PAGES:
        shutil.copy2(DOCS / page, src / page)
    toc = TOCTREE.format(notebooks="\n".join(p.relative_to(REPO).with_suffix("").as_posix() for p in notebooks()),
                         solutions="\n".join(p.relative_to(REPO).with_suffix("").as_posix() for p in solutions()))
    # The toctree only exists in the copy: on GitHub README.md would show it as a code block.
    (src / "index.md").write_text((REPO / "README.md").read_text(encoding="utf-8") + toc, encoding="utf-8")


def mathjax_dir() -> Path:
    from importlib import resources
    try:
        return Path(str(resources.files("jupyter_server_mathjax") / "static"))
    except ModuleNotFoundError:
        raise SystemExit("the site's MathJax comes from the `jupyter-server-mathjax` package: "
                         'pip install -e ".[site]"') from None


def size_mb(path: Path) -> float:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 1e6


def build(out: Path, src: Path | None = None, doctrees: Path | None = None, quiet: bool = True) -> dict:
    """Build the site into ``out`` (replaced); returns {"seconds", "pages", "mb"}."""
    t0 = time.perf_counter()
    out = Path(out).resolve()
    src = Path(src or out.parent / (out.name + "-src")).resolve()
    doctrees = Path(doctrees or out.parent / (out.name + "-doctrees")).resolve()
    stage(src)
    if out.exists():
        shutil.rmtree(out)
    env = dict(os.environ)
    env.setdefault("GMMLIB_REPO", github_repo())
    # -W: a warning (a link to nothing, an image not found, an unknown output type) fails the build.
    # -j auto: reading the notebooks is most of the time, and it splits over the cores.
    cmd = [sys.executable, "-m", "sphinx", "-b", "html", "-W", "--keep-going", "-j", "auto", "-c", str(DOCS),
           "-d", str(doctrees), *(["-q"] if quiet else []), str(src), str(out)]
    subprocess.run(cmd, check=True, env=env)
    for nb in notebooks() + solutions():  # the download link beside each page
        shutil.copy2(nb, out / nb.relative_to(REPO))
    shutil.copytree(mathjax_dir(), out / "_static" / "mathjax",
                    ignore=shutil.ignore_patterns("localization", "a11y"))
    sys.path.insert(0, str(REPO / "tests" / "browser"))
    import offline_slides
    offline_slides.build(notebooks(), out / "slides")
    pages = [p for p in out.rglob("*.html") if p.relative_to(out).parts[0] not in ("_static", "slides")]
    stats = {"seconds": time.perf_counter() - t0, "pages": len(pages), "mb": size_mb(out)}
    print(f"site: built {out} in {stats['seconds']:.1f} s: {stats['pages']} HTML pages "
          f"(+ {len(notebooks())} slide decks), {stats['mb']:.1f} MB", flush=True)
    return stats


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out", nargs="?", type=Path, default=REPO / "build" / "site")
    args = ap.parse_args(argv)
    build(args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
