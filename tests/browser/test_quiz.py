"""The quiz run in JupyterLab: a wrong click says so and leaves the question open for another
try, a button shows the answer on request, and a right click confirms."""

from __future__ import annotations

import json
import re

import pytest

from padstride.quiz import EXAMPLE, LETTERS, QUESTIONS
from tests.browser.pages import OUTPUT, open_notebook, run_all, shut_down_kernels

pytestmark = pytest.mark.browser

CHOICE = re.compile(r"^\s*([A-D])\.\s")
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
        return self.root.locator("button").filter(has_text=re.compile(rf"^\s*{letter}\.\s"))

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


@pytest.fixture(scope="module")
def quiz_cards(chromium, jupyter, notebook_quiz):
    context, _ = chromium
    tab = context.new_page()
    tab.set_default_timeout(30_000)
    path = jupyter.scratch_copy(notebook_quiz, "quiz-run")
    cells = len(json.loads(notebook_quiz.read_text(encoding="utf-8"))["cells"])
    open_notebook(tab, jupyter.url(f"lab/tree/{path}") + "&reset", cells)
    run_all(tab, jupyter, path)
    roots = tab.locator(OUTPUT).filter(has=tab.locator("button"))
    roots.first.wait_for(state="visible", timeout=30_000)
    yield tab, [Card(roots.nth(i)) for i in range(roots.count())]
    shut_down_kernels(jupyter)
    tab.close()


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
    others = [b for b in card.choices() if not b.inner_text().strip().startswith(f"{card.wrong}.")]
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
