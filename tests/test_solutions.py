"""Every exercise has a worked solution that passes its checker, every exercise as shipped fails
its checker with a helpful message (never an exception), and every notebook ends with a quiz.

Notebooks are found by globbing ``notebooks/[0-9]*.ipynb`` and cells by their tags, never by a
list of names: a notebook's solutions live in ``notebooks/solutions/<its name>_solutions.ipynb``
(paired with a .py like the notebooks), exercise cells carry the tag ``exercise``, worked
solutions ``solution`` and quiz questions ``quiz``. Exercises are numbered by markdown headings
``Exercise N · Title``; the solutions notebook repeats each heading over its solution.

The cells run in this process (no kernel): an exercise cell with only the imports of its
notebook, a solution cell after its notebook's first code cell and the solution cells before it.
nbval runs every notebook, solutions included, top to bottom in a kernel.
"""
import ast
import contextlib
import io
import re
from pathlib import Path

import jupytext
import matplotlib
import nbformat
import pytest

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402  (after choosing the backend)

import slide_text  # noqa: E402  (tests/slide_text.py: where a notebook's core path ends)
from gmmlib.exercises import Feedback  # noqa: E402
from gmmlib.quiz import Verdict  # noqa: E402

NOTEBOOK_DIR = Path(__file__).resolve().parents[1] / "notebooks"
NOTEBOOKS = sorted(NOTEBOOK_DIR.glob("[0-9]*.ipynb"))
# the notebook's heading may end with its expected time, "(about 20 minutes)"; the solution's need not
HEADING = re.compile(r"^#+\s*(Exercise\s+(\d+)\s*·\s*(.+?))(?:\s*\(about \d+ minutes\))?\s*$", re.MULTILINE)


def solutions_path(notebook):
    """Where a notebook's worked solutions live: the name follows the notebook's."""
    return notebook.parent / "solutions" / f"{notebook.stem}_solutions.ipynb"


def read(path):
    return nbformat.read(path, as_version=4)


def tags(cell):
    return cell.metadata.get("tags", [])


def code(cell):
    """A code cell's source without IPython magics (``%matplotlib inline``), ready for exec."""
    return "\n".join(line for line in cell.source.splitlines() if not line.lstrip().startswith(("%", "!")))


def run(source, namespace):
    """exec ``source``; returns the value of its last line when that is an expression (as IPython)."""
    tree = ast.parse(source)
    last = tree.body[-1] if tree.body and isinstance(tree.body[-1], ast.Expr) else None
    if last is not None:
        tree.body = tree.body[:-1]
    exec(compile(tree, "<cell>", "exec"), namespace)
    if last is not None:
        return eval(compile(ast.Expression(last.value), "<cell>", "eval"), namespace)
    return None


def imports_of(cells):
    """The top-level import statements of the given code cells, as one source."""
    lines = []
    for cell in cells:
        for node in ast.parse(code(cell)).body:
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                lines.append(ast.unparse(node))
    return "\n".join(lines)


def last_call(cell):
    """Name of the function called on the cell's last line (the checker), or None."""
    body = ast.parse(code(cell)).body
    if body and isinstance(body[-1], ast.Expr) and isinstance(body[-1].value, ast.Call):
        func = body[-1].value.func
        return func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
    return None


def headings(nb, after_exercises=True):
    """{N: 'Exercise N · Title'} of the markdown headings (of the exercise section)."""
    text = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    if after_exercises and "## Exercises" in text:
        text = text[text.index("## Exercises"):]
    return {int(m.group(2)): m.group(1) for m in HEADING.finditer(text)}


def exercise_cells(nb):
    return [(i, c) for i, c in enumerate(nb.cells) if c.cell_type == "code" and "exercise" in tags(c)]


def quiz_cells(nb):
    return [(i, c) for i, c in enumerate(nb.cells) if c.cell_type == "code" and "quiz" in tags(c)]


@contextlib.contextmanager
def quiet_figures():
    """Figures drawn by a cell are closed, never shown; printed output is captured."""
    show = plt.show
    plt.show = lambda *args, **kwargs: plt.close("all")
    out = io.StringIO()
    try:
        with contextlib.redirect_stdout(out):
            yield out
    finally:
        plt.show = show
        plt.close("all")


EXERCISE_CELLS = [(nb, i) for nb in NOTEBOOKS for i, _ in exercise_cells(read(nb))]
QUIZ_CELLS = [(nb, i) for nb in NOTEBOOKS for i, _ in quiz_cells(read(nb))]


def test_notebooks_and_exercises_are_found():
    assert NOTEBOOKS, f"no notebooks in {NOTEBOOK_DIR}"
    assert EXERCISE_CELLS, "no cell tagged 'exercise' in any notebook"
    print(f"\n{len(NOTEBOOKS)} notebooks, {len(EXERCISE_CELLS)} exercise cells, "
          f"{sum(len(headings(read(nb))) for nb in NOTEBOOKS)} exercises, {len(QUIZ_CELLS)} quiz questions")


# ------------------------------------------------------------------ shipped exercises

@pytest.mark.parametrize("notebook, index", EXERCISE_CELLS,
                         ids=[f"{nb.stem}-cell{i}" for nb, i in EXERCISE_CELLS])
def test_shipped_exercise_fails_its_checker_with_a_helpful_message(notebook, index):
    nb = read(notebook)
    cell = nb.cells[index]
    namespace = {}
    exec(imports_of(c for c in nb.cells[:index] if c.cell_type == "code"), namespace)
    with quiet_figures() as out:
        feedback = run(code(cell), namespace)  # an exception here fails the test: it must not happen
    assert isinstance(feedback, Feedback), (
        f"the exercise cell must end with a checker call from gmmlib.exercises, got {feedback!r}")
    assert not feedback.passed, "the exercise as shipped already passes: there is nothing left to do"
    assert feedback.hint and "the checker could not read" not in feedback.hint, feedback.message
    assert out.getvalue().strip().endswith(feedback.message), "the checker must print its message"
    assert "Hint:" in feedback.message and feedback.case


def test_exercise_cells_need_nothing_but_imports():
    """So a student can re-run an exercise cell alone; the test above runs them exactly so."""
    for notebook, index in EXERCISE_CELLS:
        cell = read(notebook).cells[index]
        assert last_call(cell) and last_call(cell).startswith("check_"), (
            f"{notebook.name} cell {index}: an exercise cell ends with its checker call")


# ------------------------------------------------------------------ solutions

@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=[nb.stem for nb in NOTEBOOKS])
def test_every_exercise_has_a_worked_solution(notebook):
    exercises = headings(read(notebook))
    if not exercises:
        pytest.skip(f"{notebook.name} has no exercises")
    path = solutions_path(notebook)
    assert path.exists(), (f"{notebook.name} has exercises but no {path.relative_to(NOTEBOOK_DIR)}; the "
                           "solutions' file name follows the notebook's: <notebook name>_solutions.ipynb")
    solutions = read(path)
    assert headings(solutions, after_exercises=False) == exercises, (
        "the solutions notebook must have one 'Exercise N · Title' heading per exercise, same titles")
    # the reasoning, not only code: prose under each heading
    markdown = "\n".join(c.source for c in solutions.cells if c.cell_type == "markdown")
    parts = HEADING.split(markdown)
    for n, title in exercises.items():
        body = markdown[markdown.index(title) + len(title):]
        body = HEADING.split(body)[0]
        assert len(body.split()) >= 40, f"{path.name}, {title}: explain the reasoning (only {len(body.split())} words)"
    assert parts


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=[nb.stem for nb in NOTEBOOKS])
def test_solutions_pass_their_checkers(notebook):
    checked = {last_call(c) for _, c in exercise_cells(read(notebook))}
    if not checked:
        pytest.skip(f"{notebook.name} has no exercise cell")
    solutions = read(solutions_path(notebook))
    code_cells = [c for c in solutions.cells if c.cell_type == "code"]
    namespace = {}
    passed = set()
    with quiet_figures():
        run(code(code_cells[0]), namespace)  # imports and set-up
        for cell in code_cells[1:]:
            if "solution" not in tags(cell):
                continue
            value = run(code(cell), namespace)
            if isinstance(value, Feedback):
                assert value.passed, f"{solutions_path(notebook).name}: {value.message}"
                passed.add(last_call(cell))
    assert checked <= passed, f"exercises without a passing solution: {sorted(checked - passed)}"


def _pair_problems(ipynb):
    twin = ipynb.with_suffix(".py")
    if not twin.exists():
        return [f"{ipynb.name} has no twin {twin.name}"]
    a = [(c.cell_type, c.source.strip()) for c in jupytext.read(ipynb).cells]
    b = [(c.cell_type, c.source.strip()) for c in jupytext.read(twin).cells]
    return [] if a == b else [f"{ipynb.name} and {twin.name} differ; re-pair with jupytext --sync"]


def test_solutions_are_paired_like_the_notebooks():
    folder = NOTEBOOK_DIR / "solutions"
    found = sorted(folder.glob("*.ipynb"))
    assert found
    for ipynb in found:
        assert not _pair_problems(ipynb), _pair_problems(ipynb)
        assert ipynb.stem.endswith("_solutions")
        notebook = f"{ipynb.stem[:-len('_solutions')]}.ipynb"
        assert (NOTEBOOK_DIR / notebook).exists(), f"{ipynb.name} belongs to no notebook: rename it after its notebook"
        assert f"(../{notebook})" in read(ipynb).cells[0].source, f"{ipynb.name} should link back to ../{notebook}"
    orphans = [p.name for p in folder.glob("*.py") if not p.with_suffix(".ipynb").exists()]
    assert not orphans


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=[nb.stem for nb in NOTEBOOKS])
def test_the_exercise_section_says_where_the_solutions_are(notebook):
    nb = read(notebook)
    text = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    if not headings(nb):
        pytest.skip("no exercises")
    before, after = text.split("## Exercises", 1)
    target = f"solutions/{solutions_path(notebook).name}"
    assert target in after, f"the exercise section should point to {target}"
    assert "solutions/" not in before, "students meet the solutions' address only in the exercise section"


# ------------------------------------------------------------------ quiz

@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=[nb.stem for nb in NOTEBOOKS])
def test_every_notebook_ends_with_a_quiz(notebook):
    nb = read(notebook)
    quiz = quiz_cells(nb)
    assert len(quiz) >= 2, f"{notebook.name}: a few quiz questions (cells tagged 'quiz') at the end"
    # The quiz closes the core path; only the skipped "## Going further" deep dive (which may
    # run code) and References come after it.
    core_end = slide_text.going_further_start(nb)
    last_code = max(i for i, c in enumerate(nb.cells[:core_end]) if c.cell_type == "code")
    assert quiz[-1][0] == last_code, "the quiz comes last on the core path (before Going further)"


@pytest.mark.parametrize("notebook, index", QUIZ_CELLS, ids=[f"{nb.stem}-cell{i}" for nb, i in QUIZ_CELLS])
def test_quiz_question_runs_unanswered_and_accepts_the_banks_key(notebook, index):
    """A quiz cell names a question of gmmlib.quiz_bank and ships unanswered; given the bank's key
    in place of response=None it says right (tests/test_quizzes.py checks the keys themselves)."""
    from gmmlib.quiz_bank import QUESTIONS
    nb = read(notebook)
    cell = nb.cells[index]
    namespace = {}
    exec(imports_of(c for c in nb.cells[:index] if c.cell_type == "code"), namespace)
    with quiet_figures():
        verdict = run(code(cell), namespace)
    assert isinstance(verdict, Verdict) and verdict.correct is None, "shipped unanswered: response=None"
    call = ast.parse(code(cell)).body[-1].value
    keywords = {k.arg: k.value for k in call.keywords}
    assert set(keywords) == {"response"}, "a quiz cell holds the question's id and response=, nothing else"
    qid = ast.literal_eval(call.args[0])
    call.keywords = [ast.keyword("response", ast.Constant(QUESTIONS[qid]["answer"])),
                     ast.keyword("quiet", ast.Constant(True))]
    answered = eval(compile(ast.Expression(ast.fix_missing_locations(call)), "<quiz>", "eval"), namespace)
    assert answered.correct is True and "✓ Right." in answered.message


# ------------------------------------------------------------------ what students read

@pytest.mark.parametrize("path", NOTEBOOKS + sorted((NOTEBOOK_DIR / "solutions").glob("*.ipynb")),
                         ids=lambda p: p.stem)
def test_exercise_sections_keep_test_plumbing_out_of_sight(path):
    """nbval markers are cell tags there, and no '# noqa' sits in code a student reads."""
    nb = read(path)
    text = [c.source for c in nb.cells]
    start = next((i for i, s in enumerate(text) if "## Exercises" in s), 0)
    for cell in nb.cells[start:]:
        if cell.cell_type == "code":
            assert "NBVAL_" not in cell.source and "noqa" not in cell.source, cell.source[:80]
