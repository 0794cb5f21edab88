import dataclasses
import html
import re
import subprocess
import sys
from collections import Counter

import pytest
from IPython.core.formatters import format_display_data

from padstride import quiz
from padstride.pictures.palette import SERIES
from padstride.quiz import (
    EXAMPLE,
    QUESTIONS,
    answer_key,
    ask,
    check,
    forget_answers,
    question,
    show_answer,
    verify,
)
from padstride.quiz.card import RIGHT, WRONG
from padstride.quiz.questions import MNIST_INK_AT_EDGE, mnist_ink_at_edge


@pytest.fixture(autouse=True)
def fresh_answers():
    forget_answers()
    yield
    forget_answers()


def test_enough_well_formed_questions():
    assert len(QUESTIONS) >= 12
    ids = [q.id for q in QUESTIONS]
    assert len(set(ids)) == len(ids) and EXAMPLE.id not in ids
    assert [q.number for q in QUESTIONS] == list(range(1, len(QUESTIONS) + 1))
    for q in QUESTIONS:
        assert 2 <= len(q.choices) <= 4 and len(set(q.choices)) == len(q.choices)
        assert q.answer in quiz.LETTERS[: len(q.choices)]
        assert q.explanation and q.solve is not None


def test_no_right_choice_stands_out_by_its_length():
    for q in QUESTIONS:
        lengths = [len(choice) for choice in q.choices]
        right = lengths[quiz.LETTERS.index(q.answer)]
        wrong = [length for letter, length in zip(quiz.LETTERS, lengths) if letter != q.answer]
        assert right <= max(wrong), f"{q.id}: the right choice is the longest"
        if min(lengths) > 10:  # choices in words: of comparable length
            assert max(lengths) <= 1.5 * min(lengths), f"{q.id}: choices of {lengths} characters"


def test_answers_are_spread_over_every_letter():
    counts = Counter(q.answer for q in QUESTIONS)
    assert set(counts) == set("ABCD") and min(counts.values()) >= 3


def test_nothing_the_learner_sees_mentions_where_questions_came_from():
    for q in (EXAMPLE, *QUESTIONS):
        shown = " ".join([q.id, q.prompt, *q.choices, q.explanation]).lower()
        assert "seed" not in shown and "from:" not in shown
    assert not hasattr(QUESTIONS[0], "source")


@pytest.mark.parametrize("q", [EXAMPLE, *QUESTIONS], ids=lambda q: q.id)
def test_every_answer_key_is_proved_with_keras(q):
    assert verify(q) == q.answer


def test_the_mnist_count_in_question_seven_is_measured():
    assert mnist_ink_at_edge() == MNIST_INK_AT_EDGE
    assert f"{MNIST_INK_AT_EDGE:,} of the 70,000" in question("stride-three").explanation


def test_a_wrong_key_is_caught():
    q = question("pool-same")
    wrong = dataclasses.replace(q, answer="A")
    with pytest.raises(AssertionError, match="the key says A but Keras gives B, 4×4"):
        verify(wrong)
    off_list = dataclasses.replace(q, choices=("1×1", "2×2", "5×5", "7×7"))
    with pytest.raises(AssertionError, match="none of the choices"):
        verify(off_list)


def test_check_lets_the_learner_try_again_then_shows_the_answer():
    first = check("same-split-even-kernel", "A")
    assert not first.correct and not first.revealed
    assert str(first) == "Not A. Try again."
    assert "1 top, 2 bottom" not in str(first)
    again = check("same-split-even-kernel", "a")  # the same wrong letter is not a second try
    assert not again.revealed
    second = check("same-split-even-kernel", "B")
    assert second.revealed and str(second).startswith(
        "Not B. The answer is C, 1 top, 2 bottom. An even kernel"
    )
    right = check("same-split-even-kernel", "c")
    assert right.correct and str(right).startswith("Right: C, 1 top, 2 bottom. An even kernel")


def test_a_right_first_answer_and_show_answer():
    right = check("pool-same", "B")
    assert right.correct and str(right) == f"Right: B, 4×4. {question('pool-same').explanation}"
    shown = show_answer("dilation")
    assert shown.revealed and str(shown).startswith("The answer is C, 24×24. Dilation 2 spreads")
    after = check("dilation", "A")
    assert after.revealed and str(after).startswith("Not A. The answer is C")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ("same-split-even-kernel", "E"),
            "'E' is not a choice of question 'same-split-even-kernel': answer with 'A', 'B', 'C' or 'D'.",
        ),
        (
            ("same-split-even-kernel", 2),
            "2 is not a choice of question 'same-split-even-kernel': answer with 'A', 'B', 'C' or 'D' "
            "(a letter in quotes).",
        ),
        (
            ("conv-params", "9,247"),
            "'9,247' is not a choice of question 'conv-params': answer with 'A', 'B', 'C' or 'D'.",
        ),
        (("example", "?"), "'?' is not a choice of question 'example': answer with 'A', 'B', 'C' or 'D'."),
        (
            ("no-such-question", "B"),
            "'no-such-question' is not a question: use the id shown under a question, from "
            "'padding-before-conv' (question 1) to 'transpose-back' (question 18), or 'example'.",
        ),
        (
            ("pool_same", "B"),
            "'pool_same' is not a question: did you mean 'pool-same'? Each question's id is shown under it.",
        ),
        ((7, "C"), "7 is not a question id: ids are names, and question 7's is 'stride-three'."),
        (("7", "C"), "'7' is not a question id: ids are names, and question 7's is 'stride-three'."),
        (
            (None, "C"),
            "None is not a question: use the id shown under a question, from 'padding-before-conv' (question 1) to 'transpose-back' (question 18), or 'example'.",
        ),
    ],
)
def test_what_is_not_an_answer_gets_one_line_saying_what_is_allowed_and_is_no_try(args, message):
    result = check(*args)
    assert str(result) == message and not result and not result.valid and not result.revealed
    assert "\n" not in repr(result) or len(message) > 100  # one line where it fits
    if args[0] == "same-split-even-kernel":  # not a try: the next wrong letter is the first
        assert str(check("same-split-even-kernel", "A")) == "Not A. Try again."
        assert not check(*args).valid  # nor after one
        assert check("same-split-even-kernel", "B").revealed  # the second wrong letter
    assert str(show_answer("no-such-question")).startswith("'no-such-question' is not a question")


@pytest.mark.parametrize(
    ("args", "letter"),
    [
        (("example", "C."), "C"),
        (("example", " (c) "), "C"),
        (("example", "c)"), "C"),
        (("example", "9"), "C"),
        (("conv-params", "9,248"), "D"),
        (("conv-params", "9248"), "D"),
        (("dilation", "24x24"), "C"),
        (("pool-same", "4×4."), "B"),
    ],
)
def test_a_letter_with_stray_punctuation_or_a_choices_own_text_reads_as_that_choice(args, letter):
    result = check(*args)
    assert result.valid and result.choice == letter
    assert result.correct == (letter == question(args[0]).answer)


def test_no_choice_can_be_read_as_another_or_as_a_letter():
    from padstride.learning import choice_letter

    for q in (EXAMPLE, *QUESTIONS):
        for letter, text in zip(quiz.LETTERS, q.choices):
            assert choice_letter(q, text) == letter, (q.id, text)
            assert choice_letter(q, letter.lower()) == letter


def test_answer_key_lists_every_question():
    lines = answer_key().splitlines()
    assert len(lines) == len(QUESTIONS)
    assert all(line.endswith("proved with Keras") for line in lines)


def styles(card):
    """How each choice is marked: "right", "wrong" or "" (sign, word and colour together)."""
    found = []
    for letter, button in zip("ABCD", card.buttons):
        marks = [m for m in (RIGHT, WRONG) if button.style.button_color == m.color]
        if not marks:
            assert button.description.startswith(f"{letter}. "), button.description
            found.append("")
            continue
        (mark,) = marks
        assert button.description.startswith(f"{mark.sign} {letter}. ") and button.description.endswith(
            f"({mark.word})"
        ), button.description
        found.append(mark.word)
    return found


def said(card) -> str:
    """The card's feedback as a learner reads it, after checking that it is a live region."""
    match = re.fullmatch(
        r'<div role="status" aria-live="polite" aria-atomic="true">(.*)</div>', card.feedback.value
    )
    assert match, f"the feedback is not in a live region: {card.feedback.value!r}"
    return html.unescape(match[1])


def test_ask_a_wrong_click_allows_another_try_and_a_right_one_confirms():
    card = ask("pool-same")
    assert [b.description[:2] for b in card.buttons] == ["A.", "B.", "C.", "D."]
    assert said(card) == ""  # the live region is there before anything is said in it
    card.buttons[0].click()
    assert styles(card) == ["wrong", "", "", ""]
    assert said(card) == "✗ Not A. Try again, or click “show answer”."
    # No button is switched off yet: the clicked one keeps the focus, and says the same again.
    assert not any(b.disabled for b in [*card.buttons, card.show_button])
    card.buttons[0].click()
    assert said(card) == "✗ Not A. Try again, or click “show answer”." and styles(card)[1] == ""
    card.buttons[1].click()
    assert styles(card) == ["wrong", "right", "", ""]
    assert said(card).startswith("✓ Right: B, 4×4. Pooling follows")
    # Answered: every other button is off; the clicked one stays on, with the focus.
    assert [b.disabled for b in [*card.buttons, card.show_button]] == [True, False, True, True, True]


def test_ask_a_second_wrong_click_shows_the_answer():
    card = ask("transpose-back")
    card.buttons[0].click()
    card.buttons[3].click()
    assert styles(card) == ["wrong", "right", "", "wrong"]
    assert said(card).startswith("✗ Not D. The answer is B, 28. Without output_padding")
    assert [b.disabled for b in card.buttons] == [True, True, True, False]


def test_ask_show_answer_on_request():
    card = ask("dilation")
    card.show_button.click()
    assert styles(card) == ["", "", "right", ""]
    assert said(card).startswith("The answer is C, 24×24. Dilation 2")
    assert all(b.disabled for b in card.buttons) and not card.show_button.disabled


def test_right_and_wrong_differ_by_more_than_colour_and_use_the_palette():
    assert RIGHT.color in SERIES and WRONG.color in SERIES  # Okabe–Ito, as every picture
    assert RIGHT.sign != WRONG.sign and RIGHT.word != WRONG.word
    card = ask("example")
    card.buttons[0].click()
    card.buttons[2].click()
    right, wrong = card.buttons[2], card.buttons[0]
    assert (right.style.text_color, wrong.style.text_color) == ("#000000", "#000000")
    assert right.description == "✓ C. 9 (right)" and wrong.description.startswith("✗ A. ")


def test_ask_cards_are_independent_of_check_and_of_each_other():
    check("pool-same", "A")
    card = ask("pool-same")
    card.buttons[2].click()
    assert said(card).startswith("✗ Not C. Try again")
    other = ask("pool-same")
    other.buttons[3].click()
    assert said(other).startswith("✗ Not D. Try again")


def test_a_hand_out_never_reveals_the_answer():
    for wrong in ("A", "B", "D"):
        feedback = check("same-split-even-kernel", wrong, reveal=False)
        assert str(feedback) == f"Not {wrong}. Try again." and not feedback.revealed
    assert check("same-split-even-kernel", "C", reveal=False).correct
    card = ask("transpose-back", reveal=False)
    assert card.show_button is None
    card.buttons[0].click()
    card.buttons[3].click()
    assert styles(card) == ["wrong", "", "", "wrong"]
    assert said(card) == "✗ Not D. Try again."
    with pytest.raises(ValueError, match="reveal='no' is not allowed: use True or False"):
        check("example", "C", reveal="no")


@pytest.mark.parametrize("q", [EXAMPLE, *QUESTIONS], ids=lambda q: q.id)
def test_the_example_call_under_a_question_gives_no_letter(q):
    text = format_display_data(ask(q))[0]["text/plain"]
    assert f"check({q.id!r}, '?')" in text
    assert not any(f"check({q.id!r}, {letter!r})" in text for letter in quiz.LETTERS)
    assert all(len(line) <= 100 for line in text.splitlines())
    copied = check(q.id, "?")  # copied as it stands, it says what to write
    assert not copied.valid and "answer with 'A', 'B'" in str(copied)


def test_ask_without_widgets_shows_the_question_as_text():
    data, _ = format_display_data(ask("pool-same"))
    text = data["text/plain"]
    assert text.startswith("17. MaxPooling2D(pool_size=2") and "check('pool-same', '?')" in text
    assert "4×4" in text  # a choice, not the answer: the answer appears nowhere
    assert "Pooling follows" not in text
    assert "image/png" not in data
    assert max(map(len, text.splitlines())) <= 100


def test_the_still_form_is_also_html_that_wraps():
    q = question("five-by-five-stride-two")
    data, _ = format_display_data(ask(q))
    page = data["text/html"]
    assert "<pre" not in page and "white-space" not in page  # nothing keeps a line from wrapping
    shown = html.unescape(re.sub(r"<[^>]+>", "\n", page))
    lines = [line.strip() for line in shown.splitlines() if line.strip()]
    assert lines[0] == f"{q.number}. {q.prompt}"
    assert lines[1:-1] == [f"{letter}. {choice}" for letter, choice in zip("ABCD", q.choices)]
    assert (
        lines[-1] == data["text/plain"].splitlines()[-1]
        and "check('five-by-five-stride-two', '?')" in lines[-1]
    )
    assert q.explanation not in page


def test_the_quiz_module_imports_no_tensorflow():
    code = "import sys, padstride.quiz; print('tensorflow' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"
