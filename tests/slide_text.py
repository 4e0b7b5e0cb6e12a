"""What a slide shows: the visible words and lines of code of every slide of a notebook's deck.

A deck is cut the way RISE and nbconvert's reveal.js export cut it: a cell whose
``slideshow.slide_type`` is "slide" or "subslide" starts a new slide, "fragment" and "-" (or
none) continue the current one, "skip" is not shown and "notes" goes to the speaker notes.
Visible words are the words of the markdown cells, titles included, without typeset formulas
($...$, $$...$$), image links and HTML tags; code is the non-blank source lines of code cells.

``python tests/slide_text.py notebooks/0*.ipynb`` prints, per deck, the number of slides, the
slides over 40 words or 12 lines of code, and the largest of each.
"""
import re
import sys
from dataclasses import dataclass, field

import nbformat

MAX_WORDS = 40
MAX_CODE_LINES = 12
STARTS = ("slide", "subslide")
# The deep-dive section every notebook ends with (tests/test_decks.py): not on the core path.
GOING_FURTHER = re.compile(r"^## Going further\b", re.M)
HIDDEN = ("skip", "notes")

_MATH = re.compile(r"\$\$.*?\$\$|\$[^$\n]+\$", re.S)
_IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)")
_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_TAG = re.compile(r"<[^>]+>")
_WORD = re.compile(r"[A-Za-z0-9][\w'’.,:;%/+-]*")


@dataclass
class Slide:
    index: int
    title: str = ""
    words: int = 0
    code_lines: int = 0
    notes_words: int = 0
    cells: list = field(default_factory=list)


def visible_words(markdown):
    """The words a reader sees in a markdown cell: formulas, images and tags removed, the text
    of links kept, a heading's '#' not counted."""
    text = _MATH.sub(" ", markdown)
    text = _IMAGE.sub(" ", text)
    text = _LINK.sub(r"\1", text)
    text = _TAG.sub(" ", text)
    return len(_WORD.findall(text))


def code_lines(source):
    return sum(1 for line in source.splitlines() if line.strip())


def slides(nb):
    """The deck of a notebook (an nbformat node) as a list of Slide."""
    out = []
    for i, cell in enumerate(nb.cells):
        kind = cell.metadata.get("slideshow", {}).get("slide_type", "-")
        if kind == "skip":
            continue
        if kind in STARTS or not out:
            out.append(Slide(len(out)))
        slide = out[-1]
        if kind == "notes":
            slide.notes_words += visible_words(cell.source) if cell.cell_type == "markdown" else 0
            continue
        slide.cells.append(i)
        if cell.cell_type == "markdown":
            slide.words += visible_words(cell.source)
            heading = re.search(r"^#+\s*(.+)$", cell.source, re.M)
            if heading and not slide.title:
                slide.title = heading.group(1).strip()
        elif cell.cell_type == "code":
            slide.code_lines += code_lines(cell.source)
    return out


def going_further_start(nb):
    """Index of the cell that opens the notebook's "## Going further" section (the end of its
    core path), or the number of cells when it has none."""
    return next((i for i, c in enumerate(nb.cells)
                 if c.cell_type == "markdown" and GOING_FURTHER.search(c.source)), len(nb.cells))


def over_budget(deck):
    return [s for s in deck if s.words > MAX_WORDS or s.code_lines > MAX_CODE_LINES]


def report(paths):
    for path in paths:
        deck = slides(nbformat.read(path, as_version=4))
        over = over_budget(deck)
        words = max(deck, key=lambda s: s.words)
        code = max(deck, key=lambda s: s.code_lines)
        print(f"{path}: {len(deck)} slides, {len(over)} over {MAX_WORDS} words or {MAX_CODE_LINES} "
              f"code lines; most words {words.words} ('{words.title[:40]}'), most code "
              f"{code.code_lines} lines ('{code.title[:40]}'); speaker notes on "
              f"{sum(1 for s in deck if s.notes_words)} slides")


if __name__ == "__main__":
    report(sys.argv[1:])
