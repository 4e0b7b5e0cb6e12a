"""The lecture plans of INSTRUCTOR.md fit their minutes, and its self-study minutes follow the rule.

The plans are the ```yaml block of INSTRUCTOR.md's "Lecture plans" section. Each session lists,
per notebook, the sections whose slides it shows (a section is a ``## `` heading; ``title`` is
the slides before the first heading; ``all`` is the whole deck) and ``other`` minutes spent off
the slides (a quiz answered by the room, questions).

Slides are counted as RISE and the static decks count them: a cell with slide_type "slide" or
"subslide" starts a slide; "fragment" and "-" cells add to it; "skip" and "notes" cells are not
shown. A slide costs 1.5 minutes, or 3 if a shown markdown cell of it holds display maths
(``$$``): that is how a derivation slide is recognised.

Self-study minutes of a notebook: its markdown words read at 175 a minute, plus the minutes each
exercise header states ("(about 20 minutes)"), rounded up to a multiple of 5.
"""
import math
import re
from pathlib import Path

import nbformat
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
INSTRUCTOR = ROOT / "INSTRUCTOR.md"
NOTEBOOKS = {p.stem: p for p in sorted((ROOT / "notebooks").glob("[0-9]*.ipynb"))}

SLIDE_MINUTES, DERIVATION_MINUTES = 1.5, 3.0
WORDS_PER_MINUTE = 175
EXERCISE_HEADER = re.compile(r"^#{2,4} Exercise .*$", re.M)
STATED_MINUTES = re.compile(r"\(about (\d+) minutes\)")
PLAN_SHAPES = {"lecture-50": (1, 1, 50), "two-sessions": (2, 2, 90), "full-course": (4, 5, 90)}


# ------------------------------------------------------------------ reading the decks

def deck(path):
    """The slides of a notebook, in order: dicts with the section and whether maths is displayed."""
    nb = nbformat.read(path, as_version=4)
    section, slides = "title", []
    for cell in nb.cells:
        kind = cell.metadata.get("slideshow", {}).get("slide_type", "-")
        if cell.cell_type == "markdown":
            heading = re.search(r"^## (.+)$", cell.source, re.M)
            if heading:
                section = heading.group(1).strip()
        if kind in ("skip", "notes"):
            continue
        if kind in ("slide", "subslide"):
            slides.append(dict(section=section, derivation=False))
        elif not slides:
            continue  # shown before any slide starts: RISE puts it nowhere
        if cell.cell_type == "markdown" and "$$" in cell.source:
            slides[-1]["derivation"] = True
    return slides


def minutes_of(slides):
    return sum(DERIVATION_MINUTES if s["derivation"] else SLIDE_MINUTES for s in slides)


def chosen_slides(slides, wanted, where):
    """The slides of the named sections; a name matches a heading it starts (one heading only)."""
    if wanted == "all":
        return list(slides), []
    picked, problems = [], []
    sections = list(dict.fromkeys(s["section"] for s in slides))
    for name in wanted:
        hits = [s for s in sections if s == name or (name != "title" and s.startswith(str(name)))]
        if len(hits) != 1:
            problems.append(f"{where}: {name!r} matches {len(hits)} section headings of {sections}")
            continue
        picked += [s for s in slides if s["section"] == hits[0]]
    return picked, problems


# ------------------------------------------------------------------ reading the plans

def plans_from(markdown):
    """The plans in the ```yaml block of the "Lecture plans" section."""
    section = markdown.split("## Lecture plans", 1)[1]
    block = re.search(r"```yaml\n(.*?)```", section, re.S)
    assert block, "INSTRUCTOR.md's 'Lecture plans' section has no ```yaml block"
    return yaml.safe_load(block.group(1))


def plan_report(plans, decks):
    """(rows, problems): per session its slides and minutes, and every way a plan does not fit."""
    rows, problems = [], []
    for name, plan in plans.items():
        low, high, length = PLAN_SHAPES.get(name, (1, 99, None))
        sessions = plan["sessions"]
        if not low <= len(sessions) <= high:
            problems.append(f"{name}: {len(sessions)} sessions, the plan is for {low}-{high}")
        for number, session in enumerate(sessions, 1):
            where = f"{name} session {number}"
            if length and session["minutes"] != length:
                problems.append(f"{where}: {session['minutes']} minutes, the plan is for {length}")
            used = []
            for stem, wanted in session["slides"].items():
                if stem not in decks:
                    problems.append(f"{where}: no notebook {stem}")
                    continue
                picked, found = chosen_slides(decks[stem], wanted, f"{where}, {stem}")
                problems += found
                used += picked
            on_slides = minutes_of(used)
            other = sum((session.get("other") or {}).values())
            rows.append((where, len(used), sum(s["derivation"] for s in used), on_slides, other,
                         session["minutes"]))
            if on_slides + other > session["minutes"]:
                problems.append(f"{where}: {len(used)} slides take {on_slides:g} minutes, plus {other:g} "
                                f"off the slides, in a session of {session['minutes']}: drop sections")
    return rows, problems


# ------------------------------------------------------------------ self-study

def self_study(path):
    """(reading minutes, exercise minutes, total rounded up to 5) of a notebook, by the rule."""
    nb = nbformat.read(path, as_version=4)
    markdown = [c.source for c in nb.cells if c.cell_type == "markdown"]
    words = sum(len(text.split()) for text in markdown)
    headers = [h for text in markdown for h in EXERCISE_HEADER.findall(text)]
    exercise = sum(int(m) for h in headers for m in STATED_MINUTES.findall(h))
    reading = words / WORDS_PER_MINUTE
    return reading, exercise, 5 * math.ceil((reading + exercise) / 5)


def overview_table(markdown):
    """{notebook stem: (slides, self-study minutes)} from INSTRUCTOR.md's sequence table."""
    rows = {}
    for line in markdown.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) >= 4 and re.fullmatch(r"`\d\d_\w+`", cells[0]):
            rows[cells[0].strip("`")] = (int(cells[-2]), int(cells[-1]))
    return rows


def plans_table(markdown):
    """{plan: (sessions, slides, [minutes used per session], available)} from INSTRUCTOR.md's table."""
    rows = {}
    for line in markdown.split("## Lecture plans", 1)[1].split("```", 1)[0].splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 4 and cells[0] in PLAN_SHAPES:
            used, available = cells[3].split("/")
            rows[cells[0]] = (int(cells[1]), int(cells[2]), [float(m) for m in used.split(",")],
                              int(available))
    return rows


# ------------------------------------------------------------------ the tests

DECKS = {stem: deck(path) for stem, path in NOTEBOOKS.items()}


def test_every_plan_fits_its_minutes():
    plans = plans_from(INSTRUCTOR.read_text(encoding="utf-8"))
    assert set(plans) == set(PLAN_SHAPES), f"plans {sorted(plans)}, expected {sorted(PLAN_SHAPES)}"
    rows, problems = plan_report(plans, DECKS)
    print(f"\n{'plan and session':28} slides (derivations)  minutes on slides + other / available")
    for where, n, derivations, on_slides, other, available in rows:
        print(f"{where:28} {n:6} ({derivations:2})          {on_slides:6.1f} + {other:3g} / {available}")
    for name in plans:
        mine = [r for r in rows if r[0].startswith(name + " ")]
        print(f"{name:28} {sum(r[1] for r in mine):6} slides, {sum(r[3] + r[4] for r in mine):.1f} "
              f"of {sum(r[5] for r in mine)} minutes")
    assert not problems, "\n".join(problems)
    stated = plans_table(INSTRUCTOR.read_text(encoding="utf-8"))
    for name in plans:
        mine = [r for r in rows if r[0].startswith(name + " ")]
        computed = (len(mine), sum(r[1] for r in mine), [r[3] + r[4] for r in mine], mine[0][5])
        assert stated.get(name) == computed, f"INSTRUCTOR.md's table says {stated.get(name)} for {name}, " \
                                             f"the decks give {computed}"


def test_the_full_course_shows_every_lecture_notebook():
    plans = plans_from(INSTRUCTOR.read_text(encoding="utf-8"))
    shown = {stem for session in plans["full-course"]["sessions"] for stem in session["slides"]}
    lectures = {stem for stem in NOTEBOOKS if not stem.startswith("00")}
    assert lectures <= shown, f"the full course never shows {sorted(lectures - shown)}"


def test_the_50_minute_lecture_chooses_slides():
    """Today's decks do not fit 50 minutes whole, so the short plan must name a subset."""
    plans = plans_from(INSTRUCTOR.read_text(encoding="utf-8"))
    for session in plans["lecture-50"]["sessions"]:
        assert all(wanted != "all" for wanted in session["slides"].values()) or \
            minutes_of([s for stem in session["slides"] for s in DECKS[stem]]) <= session["minutes"]


def test_an_overflowing_plan_is_reported():
    """The arithmetic can fail: one session asking for every deck, one misspelt section."""
    everything = {"sessions": [{"minutes": 50, "slides": {stem: "all" for stem in DECKS}}]}
    _, problems = plan_report({"lecture-50": everything}, DECKS)
    assert any("drop sections" in p for p in problems), problems
    first = next(iter(DECKS))
    tight = {"sessions": [{"minutes": 50, "other": {"quiz": 49},
                           "slides": {first: ["title"]}}]}
    _, problems = plan_report({"lecture-50": tight}, DECKS)
    assert minutes_of([s for s in DECKS[first] if s["section"] == "title"]) > 1 and problems
    _, problems = plan_report({"lecture-50": {"sessions": [{"minutes": 50, "slides": {first: ["No such"]}}]}},
                              DECKS)
    assert any("matches 0 section headings" in p for p in problems), problems


def test_slides_are_counted_as_rise_counts_them():
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_markdown_cell
    kinds = [("skip", "# setup"), ("slide", "# Title"), ("fragment", "more"), ("slide", "## A\n$$x$$"),
             ("subslide", "next"), ("notes", "$$y$$ said, not shown"), ("-", "same slide"),
             ("skip", "## B"), ("slide", "in B")]
    nb.cells = [cell(text, metadata={"slideshow": {"slide_type": kind}}) for kind, text in kinds]
    path = Path(__file__).with_name("_plans_probe.ipynb")
    try:
        nbformat.write(nb, path)
        slides = deck(path)
    finally:
        path.unlink()
    assert [(s["section"], s["derivation"]) for s in slides] == [
        ("title", False), ("A", True), ("A", False), ("B", False)]
    assert minutes_of(slides) == 3 * 1.5 + 3


def reveal_slide_count(path):
    """How many slides nbconvert's reveal.js export of a notebook shows (what `make slides` builds):
    a slide with subslides is a <section> of <section>s, so the innermost sections are counted."""
    from nbconvert import SlidesExporter
    html, _ = SlidesExporter(template_name="reveal").from_notebook_node(nbformat.read(path, as_version=4))
    open_has_child, leaves = [], 0
    for tag in re.findall(r"<section\b|</section>", html[html.index('<div class="slides">'):]):
        if tag == "</section>":
            leaves += not open_has_child.pop()
        else:
            if open_has_child:
                open_has_child[-1] = True
            open_has_child.append(False)
    return leaves


@pytest.mark.parametrize("stem", sorted(NOTEBOOKS))
def test_the_slide_count_agrees_with_the_reveal_export(stem):
    assert len(DECKS[stem]) == reveal_slide_count(NOTEBOOKS[stem])


def test_every_exercise_states_its_minutes():
    for stem, path in NOTEBOOKS.items():
        nb = nbformat.read(path, as_version=4)
        for cell in nb.cells:
            for header in EXERCISE_HEADER.findall(cell.source) if cell.cell_type == "markdown" else []:
                if header.lstrip("#").strip().startswith("Exercises"):
                    continue
                assert STATED_MINUTES.search(header), f"{stem}: '{header}' does not say '(about N minutes)'"


def test_the_self_study_table_follows_the_rule():
    table = overview_table(INSTRUCTOR.read_text(encoding="utf-8"))
    assert set(table) == set(NOTEBOOKS), f"the sequence table lists {sorted(table)}"
    print(f"\nself-study = markdown words / {WORDS_PER_MINUTE} + stated exercise minutes, "
          "rounded up to 5")
    wrong = []
    for stem, path in NOTEBOOKS.items():
        reading, exercise, total = self_study(path)
        slides = len(DECKS[stem])
        print(f"{stem:22} reading {reading:5.1f} + exercises {exercise:3} -> {total:3} min; "
              f"{slides} slides, {minutes_of(DECKS[stem]):.1f} min of deck")
        if table[stem] != (slides, total):
            wrong.append(f"{stem}: the table says {table[stem][0]} slides / {table[stem][1]} min, "
                         f"the rule gives {slides} / {total}")
    assert not wrong, "\n".join(wrong)
