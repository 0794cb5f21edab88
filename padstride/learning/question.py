"""A multiple-choice question, and one learner's tries at it.

A wrong answer says so and lets the learner try again; a second wrong answer, or asking
for it, shows the right answer; every shown answer comes with its explanation. What is
not a choice at all (a letter the question does not offer, a number) is refused in one
line and is not a try. A question's ``solve`` (its proof) computes the right choice's
text, and ``verify`` holds the key to it.

>>> q = Question("sum", "1 + 1?", ("1", "2"), "B", "One and one make two.", lambda: "2")
>>> tries = Attempt(q)
>>> print(tries.answer("a"))
Not A. Try again.
>>> print(tries.answer("B"))
Right: B, 2. One and one make two.
>>> q.verify()
'B'
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from .. import arguments
from ..arguments import brief
from ..text import listed
from .feedback import Feedback, fill, invalid, reveal

LETTERS = "ABCD"
FLUSH = ""  # the quiz's feedback continues its lines without an indent


@dataclass(frozen=True)
class Question:
    """One multiple-choice question; ``answer`` is the letter of the right choice and
    ``solve`` (when there is one) computes the right choice's text."""

    id: str
    prompt: str
    choices: tuple[str, ...]
    answer: str
    explanation: str
    solve: Callable[[], str] | None = None
    number: int | None = None  # its place in the quiz; None for an example outside it

    @property
    def label(self) -> str:
        """How the question is numbered where it is shown: its number, or "Example"."""
        return "Example" if self.number is None else str(self.number)

    @property
    def right_choice(self) -> str:
        """The text of the right choice."""
        return self.choices[LETTERS.index(self.answer)]

    def text(self) -> str:
        """The question and its lettered choices as plain text, lines of at most 100 characters.

        >>> print(Question("sum", "1 + 1?", ("1", "2"), "B", "Two.", number=3).text())
        3. 1 + 1?
           A. 1
           B. 2
        """
        lines = [fill(f"{self.label}. {self.prompt}", "    ")]
        lines += [fill(f"   {letter}. {choice}", "      ") for letter, choice in zip(LETTERS, self.choices)]
        return "\n".join(lines)

    def answer_text(self) -> str:
        """The right answer with its explanation, as every shown answer gives it.

        >>> Question("sum", "1 + 1?", ("1", "2"), "B", "One and one.").answer_text()
        'The answer is B, 2. One and one.'
        """
        return f"The answer is {self.answer}, {self.right_choice}. {self.explanation}"

    def verify(self) -> str | None:
        """Compute the answer (``solve``, with Keras) and return its letter; raise if the key
        disagrees. None for a question without a proof.

        >>> Question("sum", "1 + 1?", ("1", "2"), "A", "?", lambda: "2").verify()
        Traceback (most recent call last):
        AssertionError: question 'sum': the key says A but Keras gives B, 2
        """
        if self.solve is None:
            return None
        computed = self.solve()
        if computed not in self.choices:
            raise AssertionError(
                f"question {self.id!r}: Keras gives {computed!r}, which is none of the choices"
            )
        letter = LETTERS[self.choices.index(computed)]
        if letter != self.answer:
            raise AssertionError(
                f"question {self.id!r}: the key says {self.answer} but Keras gives {letter}, {computed}"
            )
        return letter


def _as_written(text: str) -> str:
    """A choice's text as compared: any case, × as x, no thousands commas, no stray
    spaces, quotes or full stop."""
    text = re.sub(r"(?<=\d),(?=\d{3}\b)", "", text.casefold().replace("×", "x"))
    return " ".join(text.split()).strip("'\"").rstrip(".").strip()


def choice_letter(q: Question, choice: object) -> str:
    """``choice`` as the upper-case letter of one of the question's choices: a letter in
    any case, also with stray punctuation ("c.", "(C)"), or a choice's own text ("9,248");
    else a ValueError whose message says what is allowed.

    >>> q = Question("sum", "1 + 1?", ("1", "2,000"), "A", "Two.")
    >>> choice_letter(q, " b. "), choice_letter(q, "(A)"), choice_letter(q, "2000")
    ('B', 'A', 'B')
    >>> choice_letter(q, "C")
    Traceback (most recent call last):
    ValueError: 'C' is not a choice of question 'sum': answer with 'A' or 'B'.
    """
    allowed = LETTERS[: len(q.choices)]
    letters = listed([repr(letter) for letter in allowed])
    if not isinstance(choice, str):
        raise ValueError(
            f"{brief(choice)} is not a choice of question {q.id!r}: answer with {letters} (a letter in quotes)."
        )
    letter = choice.strip().strip("()[]").rstrip(".):").strip().upper()
    if len(letter) == 1 and letter in allowed:
        return letter
    by_text = {_as_written(text): letter for letter, text in zip(LETTERS, q.choices)}
    if _as_written(choice) in by_text:
        return by_text[_as_written(choice)]
    raise ValueError(f"{choice!r} is not a choice of question {q.id!r}: answer with {letters}.")


def reveal_flag(value: object) -> bool:
    """``reveal=`` as given, which must be True or False.

    >>> reveal_flag("no")
    Traceback (most recent call last):
    ValueError: reveal='no' is not allowed: use True or False
    """
    return arguments.flag("reveal", value)


class Attempt:
    """One learner's tries at one question. The first wrong answer gets "try again"; the
    second, or ``reveal()``, gets the answer; every answer shown carries the explanation.
    With ``reveal=False`` (a hand-out) wrong answers only ever get "try again". ``hint``
    follows "try again"."""

    def __init__(self, question: Question, reveal: bool = True, hint: str = "") -> None:
        self.question = question
        self.reveals = reveal
        self.hint = hint
        self.wrong: list[str] = []
        self.revealed = False

    def answer(self, choice: object) -> Feedback:
        """What answering ``choice`` (a letter, any case, or a choice's text) gets back;
        what is not a choice gets one line saying what is allowed, and is not a try.

        >>> q = Question("sum", "1 + 1?", ("1", "2", "3"), "B", "Two.")
        >>> tries = Attempt(q)
        >>> [str(tries.answer(letter)) for letter in "AC"]
        ['Not A. Try again.', 'Not C. The answer is B, 2. Two.']
        """
        q = self.question
        try:
            letter = choice_letter(q, choice)
        except ValueError as error:  # not an answer: never a try
            return invalid(q.id, str(error), indent=FLUSH)
        if letter == q.answer:
            self.revealed = True
            message = f"Right: {letter}, {q.right_choice}. {q.explanation}"
            return Feedback(q.id, True, message, revealed=True, choice=letter, indent=FLUSH)
        if letter not in self.wrong:
            self.wrong.append(letter)
        if self.reveals and (len(self.wrong) >= 2 or self.revealed):
            self.revealed = True
            return reveal(q.id, f"Not {letter}. {q.answer_text()}", choice=letter, indent=FLUSH)
        return Feedback(q.id, False, f"Not {letter}. Try again{self.hint}.", choice=letter, indent=FLUSH)

    def reveal(self) -> Feedback:
        """The right answer and its explanation, without answering.

        >>> print(Attempt(Question("sum", "1 + 1?", ("1", "2"), "B", "Two.")).reveal())
        The answer is B, 2. Two.
        """
        if not self.reveals:
            raise ValueError(f"question {self.question.id!r} is asked without its answer (reveal=False)")
        self.revealed = True
        return reveal(self.question.id, self.question.answer_text(), indent=FLUSH)
