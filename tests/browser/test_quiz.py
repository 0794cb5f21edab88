"""The quiz run in JupyterLab and in Notebook 7: a wrong click says so and leaves the question
open for another try, a button shows the answer on request, and a right click confirms; what a
click gets is said in a live region, marked by more than colour, and the focus stays on the
clicked button; saved and opened again, every question shows its text and choices."""

from __future__ import annotations

import json
import re

import pytest

from padstride.quiz import EXAMPLE, LETTERS, QUESTIONS
from tests.browser.pages import (
    APPS,
    NOTEBOOK,
    OUTPUT,
    WIDGET_ERRORS_JS,
    open_in,
    run_all,
    save_and_reopen,
    shut_down_kernels,
)

pytestmark = pytest.mark.browser

# A choice button's text: its letter first, or after the sign of a mark (✓ right, ✗ wrong).
CHOICE = re.compile(r"^\s*(?:[✓✗]\s*)?([A-D])\.\s")
CONFIRMS = re.compile(r"\bright\b|\bcorrect\b|\byes\b|well done|✓|✔", re.IGNORECASE)


class Card:
    """One question's output: its prompt, its choice buttons, and whatever else it shows."""

    def __init__(self, root):
        self.root = root
        text = root.inner_text()
        matches = [q for q in (EXAMPLE, *QUESTIONS) if q.prompt in text]
        assert matches, f"no question of padstride.quiz in this card: {text[:200]!r}"
        self.question = max(matches, key=lambda q: len(q.prompt))

    def choice(self, letter: str):
        return self.root.locator("button").filter(has_text=re.compile(rf"^\s*(?:[✓✗]\s*)?{letter}\.\s"))

    def choices(self) -> list:
        return [b for b in self.root.locator("button").all() if CHOICE.match(b.inner_text())]

    def other_buttons(self) -> list:
        return [b for b in self.root.locator("button").all() if not CHOICE.match(b.inner_text())]

    def text(self) -> str:
        return self.root.inner_text()

    def click(self, button) -> str:
        """Click and return the card's new text once it changed."""
        before = self.text()
        button.click()
        self.root.page.wait_for_function(
            "([el, before]) => el.innerText !== before",
            arg=[self.root.element_handle(), before],
            timeout=20_000,
        )
        return self.text()

    @property
    def right(self) -> str:
        return self.question.answer

    @property
    def wrong(self) -> str:
        return next(letter for letter in LETTERS[: len(self.question.choices)] if letter != self.right)

    @property
    def right_text(self) -> str:
        return self.question.choices[LETTERS.index(self.right)]


def feedback(card_text: str, before: str) -> str:
    """What a click added to the card: the lines that were not there before."""
    old = set(before.splitlines())
    return "\n".join(line for line in card_text.splitlines() if line not in old).strip()


@pytest.fixture(scope="module", params=list(APPS))
def quiz_run(request, chromium, jupyter, notebook_quiz):
    """The quiz notebook run from the top in JupyterLab or in Notebook 7, with its cards."""
    app = request.param
    context, _ = chromium
    tab = context.new_page()
    tab.set_default_timeout(30_000)
    path = jupyter.scratch_copy(notebook_quiz, f"quiz-{app}")
    cells = len(json.loads(notebook_quiz.read_text(encoding="utf-8"))["cells"])
    url = open_in(tab, jupyter, app, path, cells)
    run_all(tab, jupyter, path)
    roots = tab.locator(OUTPUT).filter(has=tab.locator("button"))
    roots.first.wait_for(state="visible", timeout=30_000)
    yield tab, [Card(roots.nth(i)) for i in range(roots.count())], (jupyter, path, url, cells)
    shut_down_kernels(jupyter)
    tab.close()


@pytest.fixture
def quiz_cards(quiz_run):
    return quiz_run[:2]


@pytest.fixture
def cards(quiz_cards, request):
    tab, found = quiz_cards
    assert len(found) >= 2, "the quiz shows fewer than two question cards"
    yield found
    if getattr(request.node, "browser_failed", False):
        from tests.browser.conftest import save_screenshot

        save_screenshot(tab, request.node.name)


def test_wrong_click_then_another_try_then_right(cards, traffic):
    card = cards[0]
    start = card.text()
    after_wrong = card.click(card.choice(card.wrong))
    said = feedback(after_wrong, start)
    assert said, "a wrong click shows no feedback"
    # Another try means the answer is not given away by the wrong click.
    assert card.question.explanation not in after_wrong, f"a wrong click gave the answer away: {said!r}"
    assert f"{card.right}. {card.right_text}" not in said, f"a wrong click named the answer: {said!r}"
    # The choice just tried may be marked and switched off; every other one stays open.
    others = [b for b in card.choices() if CHOICE.match(b.inner_text())[1] != card.wrong]
    assert len(others) == len(card.question.choices) - 1
    assert all(button.is_enabled() for button in others), "no other try: choices disabled"

    after_right = card.click(card.choice(card.right))
    confirmed = feedback(after_right, start)
    assert confirmed and confirmed != said, "a right click after a wrong one confirms nothing new"
    assert CONFIRMS.search(confirmed), f"a right click does not confirm: {confirmed!r}"
    assert traffic.external == []


def test_right_click_confirms(cards):
    card = cards[1]
    start = card.text()
    confirmed = feedback(card.click(card.choice(card.right)), start)
    assert CONFIRMS.search(confirmed), f"a right click does not confirm: {confirmed!r}"


def test_show_answer_after_a_wrong_click(cards):
    card = cards[-1]
    start = card.text()
    card.click(card.choice(card.wrong))
    shows = [b for b in card.other_buttons() if re.search(r"answer", b.inner_text(), re.IGNORECASE)]
    assert len(shows) == 1, "after a wrong click there is no single button to show the answer"
    shown = feedback(card.click(shows[0]), start)
    assert card.right_text in shown, f"'show answer' does not show {card.right_text!r}: {shown!r}"


STATUS_TEXT_JS = "([el, start]) => (el.querySelector('[role=status]')?.innerText || '').startsWith(start)"


def test_a_click_is_announced_marked_by_more_than_colour_and_keeps_the_focus(quiz_run):
    page, cards, _ = quiz_run
    card = cards[2]
    root = card.root
    status = root.locator("[role=status]")
    assert status.count() == 1 and status.get_attribute("aria-live") == "polite"
    assert status.inner_text().strip() == "", "the live region says something before any click"
    # Wrong, by the keyboard: Enter on the focused choice.
    card.choice(card.wrong).focus()
    page.keyboard.press("Enter")
    page.wait_for_function(STATUS_TEXT_JS, arg=[root.element_handle(), f"✗ Not {card.wrong}."])
    wrong = card.choice(card.wrong)
    assert wrong.inner_text().strip().startswith("✗") and "wrong" in wrong.inner_text()
    assert root.evaluate("(el) => el.contains(document.activeElement)"), "the focus left the card"
    assert page.evaluate("() => document.activeElement.innerText").strip() == wrong.inner_text().strip()
    others = {
        b.evaluate("(b) => getComputedStyle(b).backgroundColor")
        for b in card.choices()
        if CHOICE.match(b.inner_text())[1] != card.wrong
    }
    assert wrong.evaluate("(b) => getComputedStyle(b).backgroundColor") not in others
    # Right, by the keyboard: Tab to it, Space.
    right = card.choice(card.right)
    for _ in range(len(card.question.choices) + 1):
        if page.evaluate("() => document.activeElement.innerText").strip() == right.inner_text().strip():
            break
        page.keyboard.press("Tab")
    page.keyboard.press("Space")
    page.wait_for_function(STATUS_TEXT_JS, arg=[root.element_handle(), f"✓ Right: {card.right},"])
    assert right.inner_text().strip().startswith("✓") and "right" in right.inner_text()
    assert root.evaluate("(el) => el.contains(document.activeElement)"), "the focus left the card"
    assert right.is_enabled() and not wrong.is_enabled()  # answered: the other buttons are off


def test_saved_and_reopened_every_question_shows_its_text_and_choices(quiz_run, traffic):
    page, cards, (jupyter, path, url, cells) = quiz_run
    questions = [card.question for card in cards]
    save_and_reopen(page, jupyter, path, url, cells)
    notebook = page.locator(NOTEBOOK).first
    assert notebook.evaluate(WIDGET_ERRORS_JS) == []
    stills = notebook.locator(".padstride-question")
    assert stills.count() == len(questions), "a question shows no still form"
    for still, q in zip(stills.all(), questions):
        text = " ".join(still.inner_text().split())
        assert " ".join(q.prompt.split()) in text
        for letter, choice in zip(LETTERS, q.choices):
            assert " ".join(f"{letter}. {choice}".split()) in text
    assert notebook.locator(".jupyter-widgets").count() == 0
    assert traffic.external == []
