"""The quiz engine: questions with lettered choices, feedback that lets the learner try
again, answer keys proved by computation, and buttons for notebooks.

A wrong answer says so and lets the learner try again; a second wrong answer, or asking
for it, shows the right answer; every shown answer comes with its explanation. ``check``
does this in code, ``ask`` with buttons. ``verify`` runs a question's proof (``solve``,
which computes the right choice with real Keras layers) and ``answer_key`` proves every
key at once. The questions themselves live in ``padstride.quiz.questions``.

>>> forget_answers()
>>> print(check("example", "A"))
Not A. Try again.
>>> print(check("example", "C"))
Right: C, 9. A 3×3 kernel has one weight per tap: 3·3 = 9 (a bias, if any, is one more number per filter).
"""

from __future__ import annotations

import html
import textwrap
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

LETTERS = "ABCD"
WIDTH = 100  # characters per line of text output


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
        return "Example" if self.number is None else str(self.number)

    @property
    def right_choice(self) -> str:
        return self.choices[LETTERS.index(self.answer)]

    def text(self) -> str:
        """The question and its lettered choices as plain text, lines of at most 100 characters."""
        lines = [_fill(f"{self.label}. {self.prompt}", "    ")]
        lines += [_fill(f"   {letter}. {choice}", "      ") for letter, choice in zip(LETTERS, self.choices)]
        return "\n".join(lines)


@dataclass(frozen=True)
class Feedback:
    """What one answer (or a request for the answer) gets back."""

    question_id: str
    choice: str | None
    correct: bool
    revealed: bool  # whether the message gives the right answer
    message: str

    def __str__(self) -> str:
        return self.message

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        printer.text(_fill(self.message))


def _fill(text: str, indent: str = "") -> str:
    """``text`` in lines of at most ``WIDTH`` characters, continued lines indented."""
    return textwrap.fill(text, WIDTH, subsequent_indent=indent, break_long_words=False)


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
        q = self.question
        letter = choice_letter(q, choice)
        if letter == q.answer:
            self.revealed = True
            return Feedback(q.id, letter, True, True, f"Right: {letter}, {q.right_choice}. {q.explanation}")
        if letter not in self.wrong:
            self.wrong.append(letter)
        if self.reveals and (len(self.wrong) >= 2 or self.revealed):
            self.revealed = True
            return Feedback(q.id, letter, False, True, f"Not {letter}. {self._answer_text()}")
        return Feedback(q.id, letter, False, False, f"Not {letter}. Try again{self.hint}.")

    def reveal(self) -> Feedback:
        if not self.reveals:
            raise ValueError(f"question {self.question.id!r} is asked without its answer (reveal=False)")
        self.revealed = True
        return Feedback(self.question.id, None, False, True, self._answer_text())

    def _answer_text(self) -> str:
        q = self.question
        return f"The answer is {q.answer}, {q.right_choice}. {q.explanation}"


def choice_letter(q: Question, choice: object) -> str:
    """``choice`` as an upper-case letter that the question offers, or a ValueError."""
    allowed = LETTERS[: len(q.choices)]
    letter = choice.strip().upper() if isinstance(choice, str) else choice
    if letter not in tuple(allowed):
        raise ValueError(
            f"choice={choice!r} is not allowed: question {q.id!r} takes one of {', '.join(allowed)}"
        )
    return letter


_BANK: list[Question] = []  # the example first, then the quiz's questions in order


def use_questions(example: Question, questions: tuple[Question, ...]) -> None:
    """Make ``example`` and ``questions`` the ones the engine asks (``quiz.questions`` calls it)."""
    _BANK[:] = [example, *questions]


def all_questions() -> tuple[Question, ...]:
    """The quiz's questions and the example, in order (the example first)."""
    return tuple(_BANK)


def question(question_id: str) -> Question:
    """The question with this id (a quiz question or "example")."""
    known = all_questions()
    for q in known:
        if q.id == question_id:
            return q
    raise ValueError(
        f"question_id={question_id!r} is not allowed: use one of {', '.join(q.id for q in known)}"
    )


def _resolve(question_or_id: Question | str) -> Question:
    return question_or_id if isinstance(question_or_id, Question) else question(question_or_id)


_ATTEMPTS: dict[tuple[str, bool], Attempt] = {}  # check()'s memory of wrong answers, per question


def _attempt(q: Question, reveal: bool = True) -> Attempt:
    key = (q.id, reveal)
    if key not in _ATTEMPTS or _ATTEMPTS[key].question != q:
        _ATTEMPTS[key] = Attempt(q, reveal)
    return _ATTEMPTS[key]


def check(question_id: Question | str, choice: str, *, reveal: bool = True) -> Feedback:
    """Answer a question in code with a letter (any case). A wrong answer says "try
    again"; a second wrong answer to the same question shows the right one, unless
    ``reveal=False`` (a hand-out); a right answer is confirmed; the explanation comes with
    every answer shown.

    >>> forget_answers()
    >>> print(check("example", "b"))
    Not B. Try again.
    """
    return _attempt(_resolve(question_id), _reveal_flag(reveal)).answer(choice)


def _reveal_flag(value: object) -> bool:
    if not isinstance(value, bool):
        raise ValueError(f"reveal={value!r} is not allowed: use True or False")
    return value


def show_answer(question_id: Question | str) -> Feedback:
    """The right answer and its explanation, without answering.

    >>> print(show_answer("example").message.split(".")[0])
    The answer is C, 9
    """
    return _attempt(_resolve(question_id)).reveal()


def forget_answers() -> None:
    """Forget every earlier ``check``, so each question starts with a fresh try."""
    _ATTEMPTS.clear()


def verify(question_or_id: Question | str) -> str | None:
    """Compute the answer with Keras and return its letter; raise if the key disagrees.

    None for a question without a proof.
    """
    q = _resolve(question_or_id)
    if q.solve is None:
        return None
    computed = q.solve()
    if computed not in q.choices:
        raise AssertionError(f"question {q.id!r}: Keras gives {computed!r}, which is none of the choices")
    letter = LETTERS[q.choices.index(computed)]
    if letter != q.answer:
        raise AssertionError(
            f"question {q.id!r}: the key says {q.answer} but Keras gives {letter}, {computed}"
        )
    return letter


def answer_key() -> str:
    """Every quiz question's key, each proved with Keras first (raises on the first that fails)."""
    lines = []
    for q in all_questions()[1:]:
        proved = verify(q)
        status = "proved with Keras" if proved else "explained, no computation"
        lines.append(f"{q.number:>2}. {q.id:<24} {q.answer}  {status}")
    return "\n".join(lines)


def ask(question_or_id: Question | str, *, reveal: bool = True):
    """The question with one button per choice and a "show answer" button.

    A wrong click marks that choice and lets the learner try again; a second wrong click,
    or "show answer", marks the right choice; a right click confirms it. The explanation
    comes with every answer shown. With ``reveal=False`` (a hand-out) there is no "show
    answer" button and wrong clicks never show the right choice. Returns the widget
    (``buttons``, ``show_button`` (None without one), ``feedback``). Where no widget
    front-end renders it (a static viewer, a test run), the output is the question as text,
    with the way to answer it in code.
    """
    from ..widgets import fallback_box, one_at_a_time, widgets_available

    reveal = _reveal_flag(reveal)
    q = _resolve(question_or_id)
    in_code = f"check({q.id!r}, 'A')"
    if not widgets_available():
        print(f"{q.text()}\n(ipywidgets is not installed: answer in code, e.g. {in_code})")
        return None
    import ipywidgets as widgets

    attempt = Attempt(q, reveal, ", or click “show answer”" if reveal else "")
    feedback = widgets.HTML()
    buttons = [
        widgets.Button(description=f"{letter}. {choice}", layout=widgets.Layout(width="auto"))
        for letter, choice in zip(LETTERS, q.choices)
    ]
    show_button = widgets.Button(description="show answer", layout=widgets.Layout(width="auto"))
    controls = [*buttons, show_button] if reveal else buttons

    def finish() -> None:
        buttons[LETTERS.index(q.answer)].button_style = "success"
        for button in controls:
            button.disabled = True

    def answer(button: Any) -> None:
        result = attempt.answer(button.description[0])
        if not result.correct:
            button.button_style = "danger"
            button.disabled = True
        if result.revealed:
            finish()
        feedback.value = html.escape(result.message)

    def show(_button: Any) -> None:
        feedback.value = html.escape(attempt.reveal().message)
        finish()

    answer, show = one_at_a_time(answer, show)  # two clicks never change the attempt at once
    for button in buttons:
        button.on_click(answer)
    show_button.on_click(show)
    card = fallback_box(
        [widgets.HTML(f"<b>{html.escape(f'{q.label}. {q.prompt}')}</b>"), *controls, feedback],
        lambda: f"{q.text()}\n(answer with the buttons when the notebook runs, or in code: {in_code})",
    )
    card.question, card.buttons, card.feedback = q, buttons, feedback
    card.show_button = show_button if reveal else None
    return card
