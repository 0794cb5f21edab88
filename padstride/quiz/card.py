"""The card ``ask`` shows a question on, and how it shows what happened: a choice marked right or wrong by a sign and a
word as well as a colour, feedback in a live region a screen reader announces, and the card's
still form (where no widget shows) as HTML that wraps on a narrow screen.

>>> print(live_region("Not A. Try again.", WRONG))
<div role="status" aria-live="polite" aria-atomic="true">✗ Not A. Try again.</div>
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import Any

from ..learning import LETTERS, Attempt, Question


@dataclass(frozen=True)
class Mark:
    """How a marked choice looks: a sign and a word before and after its text, and a
    background colour (Okabe–Ito, as in the pictures' palette) with black text on it."""

    sign: str
    word: str
    color: str


RIGHT = Mark("✓", "right", "#009E73")  # bluish green: black text on it has a contrast of 6.1
WRONG = Mark("✗", "wrong", "#D55E00")  # vermilion: 5.4


def choice_label(letter: str, choice: str) -> str:
    """A choice button's text before it is marked.

    >>> choice_label("B", "4×4")
    'B. 4×4'
    """
    return f"{letter}. {choice}"


def mark_button(button: Any, label: str, mark: Mark) -> None:
    """Mark a choice button: sign, label and word as its text, the mark's colour behind it.

    >>> from types import SimpleNamespace
    >>> button = SimpleNamespace(style=SimpleNamespace())
    >>> mark_button(button, "B. 4×4", RIGHT); button.description
    '✓ B. 4×4 (right)'
    """
    button.description = f"{mark.sign} {label} ({mark.word})"
    button.style.button_color = mark.color
    button.style.text_color = "#000000"


def live_region(message: str, mark: Mark | None = None) -> str:
    """The feedback as HTML in a polite live region (``role="status"``), which a screen
    reader reads out when it changes; a right or wrong answer starts with its sign."""
    sign = f"{mark.sign} " if mark else ""
    return f'<div role="status" aria-live="polite" aria-atomic="true">{sign}{html.escape(message)}</div>'


def answer_note(in_code: str) -> str:
    """The line under a question's still form: how to answer it.

    >>> answer_note("check('example', 'A')")
    "(answer with the buttons when the notebook runs, or in code: check('example', 'A'))"
    """
    return f"(answer with the buttons when the notebook runs, or in code: {in_code})"


def still_html(q: Question, note: str) -> str:
    """The question, its lettered choices and ``note`` as HTML that wraps to any width (the
    plain-text form keeps its lines of 100 characters, which a phone cuts off).

    >>> q = Question("sum", "1 + 1?", ("1", "2"), "B", "Two.", number=3)
    >>> print(still_html(q, "(answer in code)"))
    <div class="padstride-question">
    <p><strong>3. 1 + 1?</strong></p>
    <ul style="list-style: none; padding-left: 1.5em">
    <li>A. 1</li>
    <li>B. 2</li>
    </ul>
    <p>(answer in code)</p>
    </div>
    """
    choices = [
        f"<li>{html.escape(choice_label(letter, choice))}</li>" for letter, choice in zip(LETTERS, q.choices)
    ]
    return "\n".join(
        [
            '<div class="padstride-question">',
            f"<p><strong>{html.escape(f'{q.label}. {q.prompt}')}</strong></p>",
            '<ul style="list-style: none; padding-left: 1.5em">',
            *choices,
            "</ul>",
            f"<p>{html.escape(note)}</p>",
            "</div>",
        ]
    )


def question_card(q: Question, attempt: Attempt, note: str) -> Any:
    """The card ``ask`` shows: the question, a button per choice, a "show answer" button when
    ``attempt`` may reveal the answer, and the feedback; answered through ``attempt``.
    Where no widget shows, its output is the question with ``note``, as HTML and as text."""
    import ipywidgets as widgets

    from ..widgets import fallback_box, one_at_a_time

    feedback = widgets.HTML(live_region(""))
    labels = [choice_label(letter, choice) for letter, choice in zip(LETTERS, q.choices)]
    buttons = [widgets.Button(description=label, layout=widgets.Layout(width="auto")) for label in labels]
    show_button = widgets.Button(description="show answer", layout=widgets.Layout(width="auto"))
    controls = [*buttons, show_button] if attempt.reveals else buttons

    def finish(clicked: Any) -> None:
        right = LETTERS.index(q.answer)
        mark_button(buttons[right], labels[right], RIGHT)
        for button in controls:
            # The clicked button stays on: a focused button switched off drops the focus to the
            # page. Clicked again, it says the same again.
            button.disabled = button is not clicked

    def answer(button: Any) -> None:
        index = buttons.index(button)
        result = attempt.answer(LETTERS[index])
        if not result.correct:
            mark_button(button, labels[index], WRONG)
        if result.revealed:
            finish(button)
        feedback.value = live_region(result.message, RIGHT if result.correct else WRONG)

    def show(button: Any) -> None:
        result = attempt.reveal()
        finish(button)
        feedback.value = live_region(result.message)

    answer, show = one_at_a_time(answer, show)  # two clicks never change the attempt at once
    for button in buttons:
        button.on_click(answer)
    show_button.on_click(show)
    card = fallback_box(
        [widgets.HTML(f"<b>{html.escape(f'{q.label}. {q.prompt}')}</b>"), *controls, feedback],
        lambda: f"{q.text()}\n{note}",
        html=lambda: still_html(q, note),
    )
    card.question, card.buttons, card.feedback = q, buttons, feedback
    card.show_button = show_button if attempt.reveals else None
    return card
