"""Quiz questions that check themselves: the wrap-up at the end of each notebook.

The notebooks ask questions of the course's bank (:mod:`gmmlib.quiz_bank`) by id, so the key is
never in the cell a student reads: ``ask("01.row-sums")`` prints the question, and
``ask("01.row-sums", response=3)`` says right or wrong (why, for a wrong option; the explanation,
once right). ``response="?"`` shows the answer. Plain text, no widget: the same output in
JupyterLab, in a static export and under nbval.

A teacher can also ask a question of their own, key included:

    >>> _ = ask("How many weights does a mixture of K = 3 components have?", None,
    ...         answer=3, explain="One pi_k per component.", response=3)
    Question: How many weights does a mixture of K = 3 components have?
    Your answer: 3. ✓ Right. One pi_k per component.
    >>> _ = ask("Each row of the responsibilities r_ik sums to", ["0", "1", "K"],
    ...         answer=2, explain="r_ik is a probability over the components k.", response=3)
    Question: Each row of the responsibilities r_ik sums to
      1. 0
      2. 1
      3. K
    Your answer: 3. ✗ Not this one. Think again and try another option ("?" shows the answer).

How a typed answer is read. An int (``response=2``) is always an option number. A string is read
every way it can mean an option: as an option number ("2", "②", full-width digits), as a letter
("b") and as an option's text ("K", any case); when two readings name different options (``"1"``
with the options "0", "1", "K") nothing is guessed: the verdict asks for the int, or for the text
after an ``=`` (``response="=1"`` is the option whose text is 1). A number with a decimal comma
("0,5") is refused with the point spelled out; it is never read as 5. Nothing a student types makes
``ask()`` raise: what cannot be read gets a verdict saying so. The author's mistakes (a key out of
range, two options a student could not tell apart) are errors.
"""
import difflib
import math
import re
import textwrap
import unicodedata
from dataclasses import dataclass

import numpy as np

from ._validate import validate_bool, validate_float, validate_int, show

__all__ = ["Verdict", "ask"]

REVEAL_WORDS = ("show", "answer")  # like "?", unless an option has that text
WIDTH = 92
LETTERS = "abcdefghij"
QUESTION_ID = re.compile(r"\d\d\.[a-z0-9]+(?:-[a-z0-9]+)*")
COMMA_NUMBER = re.compile(r"[+-]?\d+(?:,\d+)+")


@dataclass
class Verdict:
    """The outcome of one question: ``correct`` is True, False, or None (no answer yet, or none read)."""
    question: str
    response: object
    correct: object
    message: str
    printed: bool = False
    id: object = None

    def __bool__(self):
        return self.correct is True

    def __str__(self):
        return self.message

    def __repr__(self):
        return f"Verdict(correct={self.correct})"

    def _ipython_display_(self):
        # ask() has printed the message; a cell ending with the call must not show it twice.
        if not self.printed:
            print(self.message)


def _wrap(text, first, rest):
    return textwrap.fill(" ".join(str(text).split()), WIDTH, initial_indent=first, subsequent_indent=rest,
                         break_on_hyphens=False)


def _key(text):
    """What a typed text is compared by: compatibility forms folded (full-width, superscripts),
    case ignored, runs of spaces as one."""
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def _number(text):
    """The number a string spells, or None. Decimal digits of any script count (full-width "２",
    Arabic-Indic "٢"), as float() reads them; so does a lone character with a numeric value ("②",
    "²", "½"). Anything else ("①②", "2²", a decimal comma) is not read: no guess at what was meant."""
    text = text.strip()
    try:
        return float(text)
    except (ValueError, OverflowError):
        pass
    if len(text) == 1:
        try:
            return float(unicodedata.numeric(text))
        except (TypeError, ValueError):
            return None
    return None


def _same_option(a, b):
    """Two option texts a typed answer could not tell apart: equal by _key, or the same number."""
    if _key(a) == _key(b):
        return True
    x, y = _number(a), _number(b)
    return x is not None and y is not None and x == y


def _comma_hint(text):
    """How to type a number written with a comma, both readings spelled out."""
    sign = text[0] if text[0] in "+-" else ""
    groups = text.lstrip("+-").split(",")
    hints = []
    if len(groups) == 2:
        hints.append(f"use a point for a decimal: {sign}{groups[0]}.{groups[1]}")
    if all(len(g) == 3 for g in groups[1:]):
        hints.append(f"leave the comma out for thousands: {sign}{''.join(groups)}")
    if not hints:
        hints.append("use a point for a decimal and no separator for thousands")
    return f"{text!r} has a comma, which Python does not read in a number; " + ", or ".join(hints) + "."


def _check_question(question, options, answer, explain, why, tol):
    """The quiz author's mistakes are errors (the student's never are).

    Returns (options, answer, why, tol): options as a tuple or None, the answer as an option
    number or a float, why as a dict, tol as a float.
    """
    if not isinstance(question, str) or not question.strip():
        raise TypeError(f"question must be a non-empty string, got {show(question)}")
    if not isinstance(explain, str):
        raise TypeError(f"explain must be a string (shown once the answer is right), got {show(explain)}")
    if why is not None and not isinstance(why, dict):
        raise TypeError(f"why must be a dict {{wrong option number: hint}} or None, got {show(why)}")
    if options is None:
        if why:
            raise ValueError("why gives hints for wrong options, but options=None (a numeric question); "
                             "drop why or give the options")
        answer = validate_float(answer, "answer", expected="a finite number (options=None makes a numeric question)")
        tol = validate_float(tol, "tol", "[0, inf)", hint="the accepted distance to the answer")
        return None, answer, {}, tol
    if not isinstance(options, (list, tuple)) or len(options) < 2 \
            or not all(isinstance(o, str) for o in options):
        raise TypeError(f"options must be a list of at least two strings (or None for a numeric "
                        f"question), got {show(options)}")
    if len(options) > len(LETTERS):
        raise ValueError(f"options: at most {len(LETTERS)} choices (a to j), got {len(options)}")
    for i, option in enumerate(options, 1):
        if not _key(option) or _key(option) == "?" or _key(option).startswith("="):
            raise ValueError(f"option {i} is {option!r}: a student types '?' for the answer and '=' before an "
                             f"option's text, so an option's text must be non-empty and start with neither")
        for j in range(1, i):
            if _same_option(options[j - 1], option):
                raise ValueError(f"options {j} and {i} ({options[j - 1]!r} and {option!r}) are the same up to "
                                 f"case, spaces or the way the number is written: a typed answer could not tell "
                                 f"them apart; reword one")
    answer = validate_int(answer, "answer", f"[1, {len(options)}]",
                          expected=f"the number of the right option, 1 to {len(options)}")
    for key, hint in (why or {}).items():
        if isinstance(key, (bool, np.bool_)) or not isinstance(key, (int, np.integer)) \
                or not 1 <= key <= len(options) or key == answer:
            raise ValueError(f"why must map wrong option numbers (1 to {len(options)}, not the answer "
                             f"{answer}) to a hint, got the key {show(key)}")
        if not isinstance(hint, str):
            raise TypeError(f"why[{key}] must be a string (the hint for that option), got {show(hint)}")
    return tuple(options), answer, dict(why or {}), 0.0


def _how_to(options):
    n = len(options)
    return (f"set response= to an option number, 1 to {n} (response={n}), or to an option's text after "
            f"an '=' (response='={min(options, key=len)}')")


def _read_choice(response, options):
    """The option number the student meant, or a string saying why it cannot be read."""
    n = len(options)
    if isinstance(response, (bool, np.bool_)):
        return f"{response} is not an option number; {_how_to(options)}."
    if isinstance(response, str):
        return _read_choice_text(response, options)
    if isinstance(response, (int, np.integer)):
        k = int(response)
        return k if 1 <= k <= n else f"there is no option {k}; the options are numbered 1 to {n}."
    if isinstance(response, (float, np.floating)) and math.isfinite(response) and float(response).is_integer():
        return _read_choice(int(response), options)
    return f"{_short(response)} is not an option number; {_how_to(options)}."


def _read_choice_text(response, options):
    """A typed string: every reading that names an option is collected; two different options
    from two readings is a question back to the student, never a guess."""
    n = len(options)
    text = response.strip()
    if not text:
        return f"an empty answer; {_how_to(options)}."
    if text.startswith("="):
        wanted = text[1:].strip()
        for i, option in enumerate(options, 1):
            if wanted and _same_option(option, wanted):
                return i
        return f"no option's text is {wanted!r}; after '=' type the text of one of the options shown."
    readings = {}  # option number -> how the text names it
    value = _number(text)
    if value is not None and math.isfinite(value) and value.is_integer() and 1 <= value <= n:
        readings.setdefault(int(value), f"option {int(value)} by its number")
    key = _key(text)
    if len(key) == 1 and key in LETTERS[:n]:
        k = LETTERS.index(key) + 1
        readings.setdefault(k, f"option {k} by its letter {key!r}")
    by_text = [i for i, option in enumerate(options, 1) if _same_option(option, text)]  # one at most
    for i in by_text:
        readings[i] = f"option {i} by its text {options[i - 1]!r}"
    if len(readings) == 1:
        return next(iter(readings))
    if readings:
        ways = " or ".join(readings[k] for k in sorted(readings))
        numbers = " or ".join(f"response={k}" for k in sorted(readings))
        return (f"{text!r} could mean {ways}, so it is not read either way. Choose by number with an int, "
                f"{numbers}" + (f", or by text after an '=': response='={options[by_text[0] - 1]}' is option "
                                f"{by_text[0]}" if by_text else "") + ".")
    if COMMA_NUMBER.fullmatch(unicodedata.normalize("NFKC", text)):
        return _comma_hint(unicodedata.normalize("NFKC", text)) + " An option is chosen by one whole number."
    if value is not None:
        if not math.isfinite(value):
            return f"{_short(response)} is not an option number; {_how_to(options)}."
        return f"there is no option {value:g}; the options are numbered 1 to {n}."
    return f"could not read {_short(response)} as one of the options; {_how_to(options)}."


def _read_number(response):
    """A float from the student's numeric answer, or a string saying why it cannot be read."""
    if isinstance(response, (bool, np.bool_)):
        return f"{response} is a yes/no value; the answer is a number."
    if isinstance(response, str):
        text = unicodedata.normalize("NFKC", response).strip()
        if not text:
            return "an empty answer; set response= to a number."
        if COMMA_NUMBER.fullmatch(text):
            return _comma_hint(text)
        value = _number(response)
        if value is None:
            return f"could not read {_short(response)} as a number; type digits with a point for decimals, e.g. 0.5."
    else:
        try:
            value = float(response)
        except Exception:  # anything a student may type: a list, a dict, an object that refuses
            return f"{_short(response)} is not a number."
    if not math.isfinite(value):
        return f"{value} is not a finite number."
    return value


def _short(value):
    try:
        text = repr(value)
    except Exception:
        text = f"a {type(value).__name__}"
    return text if len(text) <= 40 else text[:37] + "..."


def _from_bank(question, options, answer, explain, why, tol):
    """The stored question for an id, after checking the call gives nothing that the bank holds."""
    from . import quiz_bank
    qid = question.strip()
    given = [name for name, unset in (("options", options is None), ("answer", answer is None),
                                      ("explain", isinstance(explain, str) and explain == ""),
                                      ("why", why is None),
                                      ("tol", isinstance(tol, (int, float)) and not isinstance(tol, bool) and tol == 0))
             if not unset]
    if given:
        raise TypeError(f"ask({qid!r}, ...) asks a question of gmmlib.quiz_bank, which holds its options and key; "
                        f"give only your answer, as ask({qid!r}, response=2) (got {', '.join(given)})")
    if qid not in quiz_bank.QUESTIONS:
        close = difflib.get_close_matches(qid, quiz_bank.QUESTIONS, n=3)
        raise ValueError(f"no question {qid!r} in gmmlib.quiz_bank" +
                         (f"; did you mean {' or '.join(map(repr, close))}?" if close else
                          "; its ids are listed by gmmlib.quiz_bank.QUESTIONS.keys()"))
    entry = quiz_bank.QUESTIONS[qid]
    return (qid, entry["text"], entry.get("options"), entry["answer"], entry["explain"], entry.get("why"),
            entry.get("tol", 0))


def ask(question, options=None, answer=None, explain="", response=None, why=None, tol=0, quiet=False):
    """Print a quiz question and the verdict on ``response``; return a ``Verdict``.

    Parameters
    ----------
    question : str
        The id of a question in :mod:`gmmlib.quiz_bank` (``"01.row-sums"``), which holds its
        options, key and feedback; or the text of a question of your own, with ``answer=``.
    options : list of str, or None
        Your own question's choices, numbered from 1; None for a numeric question.
    answer : int or float
        Your own question's key: the number of the right option, or the right number.
    explain : str
        Why the answer is right; shown once the student has it (or asks for it).
    response : the student's answer
        None (not answered yet); an option number (2, or "2"); an option's text ("K", or "=K" to
        say it is the text); a letter ("b"); a number for a numeric question (0.5, "0.5"); or "?"
        to see the answer. A string that could name two different options is not guessed: the
        verdict asks again.
    why : dict {option number: str}, optional
        What to tell a student who picks that wrong option.
    tol : float, default 0
        A numeric answer within ``tol`` of ``answer`` counts as right.
    quiet : bool
        Print nothing (the verdict's ``message`` still holds the text).

    Returns
    -------
    Verdict
        Truthy when the answer is right. Whatever ``response`` is, ``ask`` returns a verdict.

    Raises
    ------
    ValueError, TypeError
        For the author's mistakes only: an unknown id, a key out of range, two options equal up
        to case or spaces, an id given with options or a key.
    """
    qid, misplaced = None, None
    if isinstance(question, str) and QUESTION_ID.fullmatch(question.strip()):
        if options is not None and not isinstance(options, (list, tuple)) and answer is None:
            # ask("01.row-sums", 3): a student's answer in the options' place; said, not graded
            misplaced, options = options, None
        qid, question, options, answer, explain, why, tol = _from_bank(question, options, answer, explain, why, tol)
    options, answer, why, tol = _check_question(question, options, answer, explain, why, tol)
    quiet = validate_bool(quiet, "quiet")
    lines = [_wrap(question, "Question: ", "          ")]  # the id is in the cell already
    for i, option in enumerate(options or [], 1):
        lines.append(_wrap(option, f"  {i}. ", "     "))
    if misplaced is not None:
        verdict, correct = (f"Your answer: {_short(misplaced)} is in the place of the options; give it after "
                            f"response=, as ask({qid!r}, response={_short(misplaced)})."), None
    else:
        verdict, correct = _judge(response, options, answer, explain, why, tol)
    lines.append(_wrap(verdict, "", ""))
    result = Verdict(question, response, correct, "\n".join(lines), id=qid)
    if not quiet:
        print(result.message)
        result.printed = True
    return result


def _judge(response, options, answer, explain, why, tol):
    """(the verdict's words, correct): correct is None when there is nothing to grade."""
    right_text = f"{answer} ({options[answer - 1]})" if options else f"{answer:g}"
    try:
        if response is None:
            how = f"1 to {len(options)}" if options else "a number"
            return (f"Your answer: none yet. Set response= to {how} and run the cell (\"?\" shows the answer)."), None
        if isinstance(response, str):
            key = _key(response)
            if key == "?":
                return f"The answer is {right_text}. {explain}", None
            if key in REVEAL_WORDS:
                named = [i for i, o in enumerate(options or [], 1) if _key(o) == key]
                if not named:
                    return f"The answer is {right_text}. {explain}", None
                return (f"Your answer: {response.strip()!r} is the text of option {named[0]} and also asks for the "
                        f"answer; type response={named[0]} for that option, or response='?' to see the answer."), None
        read = _read_choice(response, options) if options else _read_number(response)
        if isinstance(read, str):
            return f"Your answer: {read}", None
        if (read == answer) if options else abs(read - answer) <= tol:
            return f"Your answer: {read if options else f'{read:g}'}. ✓ Right. {explain}", True
        hint = why.get(read, "") if options else ""
        shown = read if options else f"{read:g}"
        again = "another option" if options else "again"
        return (f"Your answer: {shown}. ✗ Not this one" + (f": {hint} Try {again}" if hint else
                f". Think again and try {again}") + " (\"?\" shows the answer)."), False
    except Exception as error:  # a promise to the student: what they type is judged, never a traceback
        return f"Your answer: could not read {_short(response)} ({type(error).__name__}).", None
