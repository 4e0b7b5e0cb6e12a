"""Every deck is designed as slides, and every notebook has a core path and a deep-dive path.

- A slide shows at most 40 visible words (titles included, typeset formulas not counted) and at
  most 12 non-blank lines of code (tests/slide_text.py counts them as RISE and nbconvert cut the
  deck). What the lecturer says lives in speaker notes: markdown cells whose slide type is
  "notes" (RISE shows them with T, the static decks with S; in JupyterLab a student reads them
  as ordinary text).
- The deep-dive path is one section per notebook, ``## Going further: ...``, after every core
  section (Summary and Quiz included); only ``## References`` may follow it. All its cells are
  skipped in slide mode, so a lecture never shows it, and since it comes last, the core path
  never needs it: running the core alone is running the notebook up to that heading.
"""
import re

import nbformat
import pytest

import slide_text
from test_notebook_claims import NOTEBOOKS

SECTION = re.compile(r"^## (.+)$", re.M)
# A slide without notes is allowed only where there is nothing to say aloud that the slide does
# not show; at least this share of each deck's slides carries notes.
MIN_NOTES_SHARE = 0.5


def _deck(path):
    return slide_text.slides(nbformat.read(path, as_version=4))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_slide_fits_the_word_and_code_budget(path):
    deck = _deck(path)
    over = slide_text.over_budget(deck)
    noted = sum(1 for s in deck if s.notes_words)
    print(f"\nfigure: deck_{path.stem} = {len(deck)} slides, {noted} with speaker notes, "
          f"most words {max(s.words for s in deck)}, most code lines {max(s.code_lines for s in deck)}")
    assert not over, (f"{path.name}: {len(over)} of {len(deck)} slides show more than "
                      f"{slide_text.MAX_WORDS} words or {slide_text.MAX_CODE_LINES} lines of code "
                      "(move the explanation into a 'notes' cell, split the slide, or shorten the "
                      "code):\n  " + "\n  ".join(
                          f"slide {s.index} '{s.title[:50]}': {s.words} words, {s.code_lines} code lines"
                          for s in over[:15]))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_what_the_lecturer_says_is_in_speaker_notes(path):
    deck = _deck(path)
    noted = [s for s in deck if s.notes_words]
    assert len(noted) >= MIN_NOTES_SHARE * len(deck), (
        f"{path.name}: speaker notes on {len(noted)} of {len(deck)} slides; give the slides' "
        "explanations a markdown cell with slide type 'notes' right after them")


def _sections(nb):
    """[(index of the cell, heading)] of the notebook's ``## `` headings, in order."""
    out = []
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "markdown":
            out.extend((i, h.strip()) for h in SECTION.findall(cell.source))
    return out


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_going_further_comes_after_the_core_and_is_skipped_in_slides(path):
    nb = nbformat.read(path, as_version=4)
    sections = _sections(nb)
    further = [(i, h) for i, h in sections if slide_text.GOING_FURTHER.match(f"## {h}")]
    assert len(further) == 1, (f"{path.name}: expected one '## Going further: ...' section (the "
                               f"deep-dive path), found {[h for _, h in further]}")
    start, _ = further[0]
    after = [h for i, h in sections if i > start]
    assert all(h == "References" for h in after), (
        f"{path.name}: core sections after 'Going further' ({after}); the deep dive comes last, "
        "only References may follow it")
    shown = [i for i in range(start, len(nb.cells))
             if nb.cells[i].metadata.get("slideshow", {}).get("slide_type") != "skip"]
    assert not shown, (f"{path.name}: cells {shown[:10]} of 'Going further' or References are not "
                       "skipped in slide mode (slide_type 'skip')")
    core = sum(1 for c in nb.cells[:start] if c.cell_type == "markdown")
    assert core, f"{path.name}: no core path before 'Going further'"
