import dataclasses
import subprocess
import sys

import pytest

from padstride import quiz
from padstride.quiz import QUESTIONS, answer_key, ask, check, question, verify


def test_enough_well_formed_questions():
    assert len(QUESTIONS) >= 12
    ids = [q.id for q in QUESTIONS]
    assert len(set(ids)) == len(ids)
    for q in QUESTIONS:
        assert 2 <= len(q.choices) <= 4 and len(set(q.choices)) == len(q.choices)
        assert q.answer in quiz.LETTERS[: len(q.choices)]
        assert q.explanation and q.source


@pytest.mark.parametrize("q", QUESTIONS, ids=lambda q: q.id)
def test_every_answer_key_is_proved_with_keras(q):
    assert q.solve is not None
    assert verify(q) == q.answer


def test_a_wrong_key_is_caught():
    q = question("pool-same")
    wrong = dataclasses.replace(q, answer="A")
    with pytest.raises(AssertionError, match="the key says A but Keras gives B, 4×4"):
        verify(wrong)
    off_list = dataclasses.replace(q, choices=("1×1", "2×2", "5×5", "7×7"))
    with pytest.raises(AssertionError, match="none of the choices"):
        verify(off_list)


def test_check_says_why():
    right = check("same-split-even", "c")
    assert right.correct and str(right).startswith("Right: C, 1 top, 2 bottom.")
    wrong = check("same-split-even", "A")
    assert not wrong.correct and str(wrong).startswith("Not A. The answer is C, 1 top, 2 bottom.")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ("same-split-even", "E"),
            "choice='E' is not allowed: question 'same-split-even' takes one of A, B, C, D",
        ),
        (("same-split-even", 2), "choice=2 is not allowed"),
        (
            ("no-such-question", "A"),
            "question_id='no-such-question' is not allowed: use one of padding-before-conv",
        ),
    ],
)
def test_bad_answers_are_named(args, message):
    with pytest.raises(ValueError) as info:
        check(*args)
    assert message in str(info.value)


def test_answer_key_lists_every_question():
    lines = answer_key().splitlines()
    assert len(lines) == len(QUESTIONS)
    assert all(line.endswith("proved with Keras") for line in lines)


def test_ask_gives_feedback_on_a_click():
    card = ask("pool-same")
    assert [b.description[:2] for b in card.buttons] == ["A.", "B.", "C.", "D."]
    card.buttons[0].click()
    assert card.buttons[0].button_style == "danger" and "Not A" in card.feedback.value
    card.buttons[1].click()
    assert card.buttons[1].button_style == "success" and card.buttons[0].button_style == ""
    assert card.feedback.value.startswith("Right: B")
    bundle = card._repr_mimebundle_()
    text = (bundle[0] if isinstance(bundle, tuple) else bundle)["text/plain"]
    assert text.startswith("17. MaxPooling2D(pool_size=2") and "check('pool-same', 'A')" in text


def test_the_quiz_module_imports_no_tensorflow():
    code = "import sys, padstride.quiz; print('tensorflow' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"
