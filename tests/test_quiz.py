import dataclasses
import subprocess
import sys
from collections import Counter

import pytest
from IPython.core.formatters import format_display_data

from padstride import quiz
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
    return [b.button_style for b in card.buttons]


def test_ask_a_wrong_click_allows_another_try_and_a_right_one_confirms():
    card = ask("pool-same")
    assert [b.description[:2] for b in card.buttons] == ["A.", "B.", "C.", "D."]
    card.buttons[0].click()
    assert styles(card) == ["danger", "", "", ""] and card.buttons[0].disabled
    assert card.feedback.value == "Not A. Try again, or click “show answer”."
    assert not card.buttons[1].disabled and not card.show_button.disabled
    card.buttons[1].click()
    assert styles(card) == ["danger", "success", "", ""]
    assert card.feedback.value.startswith("Right: B, 4×4. Pooling follows")
    assert all(b.disabled for b in [*card.buttons, card.show_button])


def test_ask_a_second_wrong_click_shows_the_answer():
    card = ask("transpose-back")
    card.buttons[0].click()
    card.buttons[3].click()
    assert styles(card) == ["danger", "success", "", "danger"]
    assert card.feedback.value.startswith("Not D. The answer is B, 28. Without output_padding")
    assert all(b.disabled for b in card.buttons)


def test_ask_show_answer_on_request():
    card = ask("dilation")
    card.show_button.click()
    assert styles(card) == ["", "", "success", ""]
    assert card.feedback.value.startswith("The answer is C, 24×24. Dilation 2")
    assert all(b.disabled for b in card.buttons)


def test_ask_cards_are_independent_of_check_and_of_each_other():
    check("pool-same", "A")
    card = ask("pool-same")
    card.buttons[2].click()
    assert card.feedback.value.startswith("Not C. Try again")
    other = ask("pool-same")
    other.buttons[3].click()
    assert other.feedback.value.startswith("Not D. Try again")


def test_a_hand_out_never_reveals_the_answer():
    for wrong in ("A", "B", "D"):
        feedback = check("same-split-even-kernel", wrong, reveal=False)
        assert str(feedback) == f"Not {wrong}. Try again." and not feedback.revealed
    assert check("same-split-even-kernel", "C", reveal=False).correct
    card = ask("transpose-back", reveal=False)
    assert card.show_button is None
    card.buttons[0].click()
    card.buttons[3].click()
    assert styles(card) == ["danger", "", "", "danger"]
    assert card.feedback.value == "Not D. Try again."
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


def test_the_quiz_module_imports_no_tensorflow():
    code = "import sys, padstride.quiz; print('tensorflow' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"
