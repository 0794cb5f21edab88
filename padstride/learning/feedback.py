"""What the learner gets back: one feedback for every check and every answer shown.

A ``Feedback`` is truthy when the answer was right and its ``str()`` is the message. In
IPython it shows filled to ``WIDTH`` columns; a revealed answer given a ``Fold`` shows
folded instead, opened by a click in a notebook viewer. ``reveal`` is the one way an answer
is shown on request, ``invalid`` the one way to refuse what is not an answer at all,
``Answers`` shows several together and ``Hint`` is a hint's text.

>>> right = Feedback("3.1", True, "3.1: right.")
>>> bool(right), str(right)
(True, '3.1: right.')
>>> shown = reveal("3.1", "Exercise 3.1 (a size): 8", fold=Fold("Exercise 3.1", "print(...)"))
>>> print(repr(shown))
Exercise 3.1: answer folded [opens in a notebook viewer, or print(...)]
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from typing import Any

from ..folding import Folded

WIDTH = 100  # characters per line of text output


def fill(text: str, indent: str = "  ") -> str:
    """``text`` in lines of at most ``WIDTH`` characters, each of its lines filled on its own
    and continued with ``indent``; words are never broken.

    >>> print(fill("word " * 30, indent="    "))
    word word word word word word word word word word word word word word word word word word word word
        word word word word word word word word word word
    >>> fill("two\\n\\nparagraphs")
    'two\\n\\nparagraphs'
    """
    return "\n".join(
        textwrap.fill(line, WIDTH, break_long_words=False, subsequent_indent=indent) if line else ""
        for line in text.splitlines()
    )


@dataclass(frozen=True)
class Fold:
    """How a revealed answer stays out of sight: ``label`` names it ("Exercise 2.1") and
    ``call`` is the code that prints it where nothing can fold."""

    label: str
    call: str


@dataclass(frozen=True)
class Feedback:
    """What an answer, or a request for the answer, gets back.

    ``revealed`` says whether the message gives the right answer and ``choice`` is the letter
    a multiple-choice answer was read as; ``valid`` is False for what is not an answer at all
    (an unknown id, a letter the question does not offer, a value of the wrong kind), which
    never counts as a try. Its ``repr``, which IPython shows, is the message
    filled to ``WIDTH`` columns, continued lines indented by ``indent``; with a ``fold`` (a
    revealed answer), it is one line saying the answer is folded, and the HTML a notebook
    shows keeps the message folded until clicked.

    >>> wrong = Feedback("example", False, "Not A. Try again.", choice="A")
    >>> bool(wrong), wrong.revealed, str(wrong)
    (False, False, 'Not A. Try again.')
    """

    item_id: str
    correct: bool
    message: str
    revealed: bool = False
    choice: str | None = None
    indent: str = "  "
    fold: Fold | None = None
    valid: bool = True

    def __bool__(self) -> bool:
        return self.correct

    def __str__(self) -> str:
        return self.message

    @property
    def text(self) -> str:
        """The message, by the name a shown answer's text goes by.

        >>> reveal("1.2", "Exercise 1.2 (a number): 50").text
        'Exercise 1.2 (a number): 50'
        """
        return self.message

    def __repr__(self) -> str:
        if self.fold is None:
            return fill(self.message, self.indent)
        return f"{self.fold.label}: answer folded [opens in a notebook viewer, or {self.fold.call}]"

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        printer.text(repr(self))

    def _repr_html_(self) -> str | None:
        """A folded answer's click-to-open block (``padstride.folding.Folded``); None, so
        plain text only, for the rest."""
        if self.fold is None:
            return None
        return Folded(f"{self.fold.label}: click to show the answer", self.message)._repr_html_()


def reveal(
    item_id: str, text: str, *, choice: str | None = None, indent: str = "  ", fold: Fold | None = None
) -> Feedback:
    """The right answer, given: ``text`` as revealed feedback, never counted as right, folded
    under ``fold`` when one is given.

    >>> shown = reveal("example", "The answer is C, 9.")
    >>> shown.revealed, shown.correct, shown._repr_html_() is None
    (True, False, True)
    """
    return Feedback(item_id, False, text, revealed=True, choice=choice, indent=indent, fold=fold)


def invalid(item_id: str, text: str, *, indent: str = "  ") -> Feedback:
    """What an answer that is not one gets: ``text`` says what is allowed; never right,
    never a try.

    >>> refused = invalid("example", "'E' is not a choice: answer with A, B, C or D.")
    >>> bool(refused), refused.valid, str(refused)
    (False, False, "'E' is not a choice: answer with A, B, C or D.")
    """
    return Feedback(item_id, False, text, indent=indent, valid=False)


@dataclass(frozen=True)
class Answers:
    """Several answers shown together, each folded on its own.

    >>> two = Answers(tuple(reveal(i, f"{i}: 4", fold=Fold(f"Exercise {i}", "…")) for i in ("1.1", "1.2")))
    >>> print(two)
    1.1: 4
    <BLANKLINE>
    1.2: 4
    >>> two._repr_html_().count("<details")
    2
    """

    answers: tuple[Feedback, ...]

    def __str__(self) -> str:
        return "\n\n".join(answer.message for answer in self.answers)

    def __repr__(self) -> str:
        return "\n".join(repr(answer) for answer in self.answers)

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        printer.text(repr(self))

    def _repr_html_(self) -> str:
        return "\n".join(answer._repr_html_() or "" for answer in self.answers)


class Hint(str):
    """A hint: a str that shows in a notebook as its filled text, without quotes.

    >>> Hint("3.1, hint: count the windows").upper()
    '3.1, HINT: COUNT THE WINDOWS'
    """

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        printer.text(fill(self))
