"""The slide counter of tests/slide_text.py: it cuts decks as nbconvert's reveal.js export does,
and counts only the words a reader sees (issue 14 asks every slide to stay under 40 words and 12
lines of code; this is the measuring stick, and it prints where each deck stands)."""
from html.parser import HTMLParser

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

import slide_text
from test_notebook_claims import NOTEBOOKS


def cell(kind, source, slide_type=None):
    c = new_markdown_cell(source) if kind == "md" else new_code_cell(source)
    if slide_type:
        c.metadata["slideshow"] = {"slide_type": slide_type}
    return c


def test_words_formulas_links_and_notes_are_counted_as_a_reader_sees_them():
    nb = new_notebook(cells=[
        cell("md", "# A title\n\nFour words of text, $x^2 + y^2$ and $$\\sum_i r_{ik}$$ not.", "slide"),
        cell("code", "a = 1\n\nb = 2\n", "fragment"),
        cell("md", "A [link text](http://x) and ![alt text](imgs/a.png) <b>bold</b>", "-"),
        cell("md", "What the lecturer says, not shown.", "notes"),
        cell("md", "hidden words here", "skip"),
        cell("md", "## Second", "subslide"),
    ])
    first, second = slide_text.slides(nb)
    assert first.title == "A title" and second.title == "Second"
    # "A title" (2) + "Four words of text, and not." (6) + "A link text and bold" (5)
    assert first.words == 13 and first.code_lines == 2 and first.notes_words == 6
    assert second.words == 1


class _Sections(HTMLParser):
    """Leaf <section>s of a reveal.js deck: the slides a viewer steps through."""

    def __init__(self):
        super().__init__()
        self.stack, self.leaves = [], 0

    def handle_starttag(self, tag, attrs):
        if tag == "section":
            if self.stack:
                self.stack[-1] = False  # the parent holds a section: not a leaf
            self.stack.append(True)

    def handle_endtag(self, tag):
        if tag == "section" and self.stack:
            self.leaves += self.stack.pop()


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_the_counter_cuts_each_deck_like_nbconverts_slides(path):
    from nbconvert import SlidesExporter
    nb = nbformat.read(path, as_version=4)
    html, _ = SlidesExporter().from_notebook_node(nb)
    sections = _Sections()
    sections.feed(html)
    deck = slide_text.slides(nb)
    over = slide_text.over_budget(deck)
    print(f"\nfigure: slides_{path.stem} = {len(deck)} ({len(over)} over {slide_text.MAX_WORDS} words "
          f"or {slide_text.MAX_CODE_LINES} code lines)")
    assert len(deck) == sections.leaves
