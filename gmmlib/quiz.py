"""Quiz questions that check themselves: the wrap-up at the end of each notebook.

A quiz cell asks one question and holds the student's answer in ``response=``. Run as shipped
(``response=None``) it prints the question and how to answer; with an answer it says right or
wrong, with the explanation once right. ``response="?"`` shows the answer. Plain text, no
widget: the same output in JupyterLab, in a static export and under nbval.

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
"""
import math
import textwrap
from dataclasses import dataclass

import numpy as np

from ._validate import validate_bool, validate_float, validate_int, show

__all__ = ["Verdict", "ask"]

REVEAL = ("?", "show", "answer")
WIDTH = 92


@dataclass
class Verdict:
    """The outcome of one question: ``correct`` is True, False, or None (no answer yet)."""
    question: str
    response: object
    correct: object
    message: str
    printed: bool = False

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


def _read_choice(response, options):
    """The option number the student meant, or a string saying why it cannot be read."""
    n = len(options)
    if isinstance(response, (bool, np.bool_)):
        return f"{response} is not an option number; set response= to one of 1 to {n}."
    if isinstance(response, str):
        text = response.strip()
        if text.isdigit():
            response = int(text)
        else:
            matches = [i for i, o in enumerate(options, 1) if text and text.lower() == o.strip().lower()]
            if matches:
                return matches[0]
            letters = "abcdefghij"[:n]
            if len(text) == 1 and text.lower() in letters:
                return letters.index(text.lower()) + 1
            return f"{response!r} is not one of the options; set response= to a number from 1 to {n}."
    if isinstance(response, (int, np.integer)):
        k = int(response)
        return k if 1 <= k <= n else f"there is no option {k}; the options are numbered 1 to {n}."
    if isinstance(response, (float, np.floating)) and math.isfinite(response) and float(response).is_integer():
        return _read_choice(int(response), options)
    return f"{_short(response)} is not an option number; set response= to one of 1 to {n}."


def _read_number(response):
    """A float from the student's numeric answer, or a string saying why it cannot be read."""
    if isinstance(response, (bool, np.bool_)):
        return f"{response} is a yes/no value; the answer is a number."
    if isinstance(response, str):
        try:
            response = float(response.replace(",", "").strip())
        except ValueError:
            return f"{_short(response)} is not a number."
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


def ask(question, options=None, answer=None, explain="", response=None, why=None, tol=0, quiet=False):
    """Print a quiz question and the verdict on ``response``; return a ``Verdict``.

    Parameters
    ----------
    question : str
        The question.
    options : list of str, or None
        The choices of a multiple-choice question, numbered from 1; None for a numeric question.
    answer : int or float
        The number of the right option, or the right number.
    explain : str
        Why the answer is right; shown once the student has it (or asks for it).
    response : the student's answer
        None (not answered yet), an option number (2 or "2"), the option's text, a letter
        ("b"), a number for a numeric question, or "?" to see the answer.
    why : dict {option number: str}, optional
        What to tell a student who picks that wrong option.
    tol : float, default 0
        A numeric answer within ``tol`` of ``answer`` counts as right.
    quiet : bool
        Print nothing (the verdict's ``message`` still holds the text).

    Returns
    -------
    Verdict
        Truthy when the answer is right.
    """
    options, answer, why, tol = _check_question(question, options, answer, explain, why, tol)
    quiet = validate_bool(quiet, "quiet")
    lines = [_wrap(question, "Question: ", "          ")]
    for i, option in enumerate(options or [], 1):
        lines.append(_wrap(option, f"  {i}. ", "     "))
    right_text = f"{answer} ({options[answer - 1]})" if options else f"{answer:g}"
    correct = None
    if response is None:
        how = f"1 to {len(options)}" if options else "a number"
        verdict = f"Your answer: none yet. Set response= to {how} and run the cell (\"?\" shows the answer)."
    elif isinstance(response, str) and response.strip().lower() in REVEAL:
        verdict = f"The answer is {right_text}. {explain}"
    else:
        read = _read_choice(response, options) if options else _read_number(response)
        if isinstance(read, str):
            verdict = f"Your answer: {read}"
        elif (read == answer) if options else abs(read - answer) <= tol:
            correct = True
            verdict = f"Your answer: {read if options else f'{read:g}'}. ✓ Right. {explain}"
        else:
            correct = False
            hint = why.get(read, "") if options else ""
            shown = read if options else f"{read:g}"
            again = "another option" if options else "again"
            verdict = (f"Your answer: {shown}. ✗ Not this one" + (f": {hint} Try {again}" if hint else
                       f". Think again and try {again}") + " (\"?\" shows the answer).")
    lines.append(_wrap(verdict, "", ""))
    result = Verdict(question, response, correct, "\n".join(lines))
    if not quiet:
        print(result.message)
        result.printed = True
    return result
