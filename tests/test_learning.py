"""The learner engine itself: one registry, one feedback (truthiness, text, repr, HTML), one filler."""

from dataclasses import dataclass

import pytest
from IPython.core.formatters import format_display_data

from padstride import exercises, quiz
from padstride.folding import Folded
from padstride.learning import WIDTH, Answers, Feedback, Fold, Hint, Registry, fill, reveal


@dataclass(frozen=True)
class Item:
    id: str


def shown(obj):
    data, _ = format_display_data(obj)
    return data


def test_a_registry_keeps_the_order_and_names_a_wrong_id_with_the_ids_allowed():
    items = Registry("exercise")
    for item_id in ("1.1", "1.2", "10.3"):
        items.add(Item(item_id))
    assert items.ids() == ("1.1", "1.2", "10.3") and len(items) == 3
    assert [item.id for item in items] == list(items.by_id()) == ["1.1", "1.2", "10.3"]
    assert items.get("1.2") == Item("1.2")
    for wrong in ("9.9", 1.2, None):
        with pytest.raises(ValueError) as info:
            items.get(wrong)
        assert str(info.value) == f"exercise_id={wrong!r} is not allowed: use one of 1.1, 1.2, 10.3"
    with pytest.raises(ValueError, match=r"exercise_id='1\.1' is registered twice"):
        items.add(Item("1.1"))


def test_the_quiz_and_the_exercises_stand_on_the_one_engine():
    assert type(quiz.check("example", "C")) is type(exercises.check("1.2", 50)) is Feedback
    assert type(quiz.show_answer("example")) is type(exercises.show_answer("1.2")) is Feedback
    assert isinstance(exercises.show_answers("1"), Answers) and isinstance(exercises.hint("1.2"), Hint)
    ids = list(exercises.EXERCISES)
    assert ids[0] == "1.1" and ids[-1] == "10.3"
    assert ids == sorted(ids, key=lambda i: (int(i.split(".")[0]), i.split(".")[1]))  # notebook order


def test_feedback_is_truthy_when_right_and_its_str_is_the_message():
    long = "Not B. " + "The answer is a long one " * 6
    right, wrong = Feedback("1.2", True, "1.2: right."), Feedback("q", False, long, choice="B", indent="")
    assert right and not wrong and str(wrong) == long and wrong.text == long
    assert shown(right) == {"text/plain": "1.2: right."}
    assert shown(wrong) == {"text/plain": fill(long, indent="")}
    assert "\n  " in repr(Feedback("1.2", False, long))  # continued lines indented by default
    revealed = reveal("q", "The answer is C.")
    assert not revealed and revealed.revealed and shown(revealed) == {"text/plain": "The answer is C."}


def test_a_revealed_answer_with_a_fold_stays_folded_until_opened():
    text = "Exercise 3.1 (a size): 8\n⌊(28 − 5) / 3⌋ + 1 = 8 <&>"
    answer = reveal("3.1", text, fold=Fold("Exercise 3.1", "print(exercises.show_answer('3.1'))"))
    assert str(answer) == text and not answer
    assert repr(answer) == (
        "Exercise 3.1: answer folded [opens in a notebook viewer, or print(exercises.show_answer('3.1'))]"
    )
    data = shown(answer)
    assert data["text/plain"] == repr(answer)
    assert (
        data["text/html"]
        == format_display_data(Folded("Exercise 3.1: click to show the answer", text))[0]["text/html"]
    )
    assert "&lt;&amp;&gt;" in data["text/html"] and text.splitlines()[1] not in data["text/plain"]
    both = Answers((answer, answer))
    assert str(both) == f"{text}\n\n{text}" and repr(both) == f"{answer!r}\n{answer!r}"
    assert shown(both)["text/html"].count("<details") == 2


def test_fill_keeps_lines_to_the_width_and_paragraphs_apart():
    text = " ".join(["word"] * 60) + "\n\nsecond " + "x" * 120
    filled = fill(text)
    lines = filled.splitlines()
    assert WIDTH == 100 and all(len(line) <= WIDTH for line in lines if "x" * 120 not in line)
    assert lines[1].startswith("  word") and "" in lines and "x" * 120 in filled  # words never break
    assert not any(line.startswith(" ") for line in fill(text, indent="").splitlines())
    assert shown(Hint(text)) == {"text/plain": filled}
