"""The exercises' calls: ``check``, ``hint``, ``show_answer`` and ``show_answers``, on the
one learner engine (``padstride.learning``), and the registry the bank fills.

``check`` reads the learner's answer as the exercise asks for it and says whether it is
right, naming a likely misconception where one is known; only ``show_answer`` reveals.
"""

from __future__ import annotations

from typing import Any

from .. import arguments
from ..learning import Answers, Exercise, Feedback, Hint, Registry, invalid
from ..text import listed

EXERCISES_BY_ID: Registry[Exercise] = Registry("exercise")  # in the order of the notebooks


def register(exercise: Exercise) -> Exercise:
    """Add ``exercise`` to the exercises (its id must be new); the bank's modules call it."""
    return EXERCISES_BY_ID.add(exercise)


def exercise(exercise_id: str) -> Exercise:
    """The exercise with this id, such as "3.1" (notebook 3, exercise 1).

    >>> exercise("2.1").solution_code("answer_1")
    'answer_1 = (1, 2)'
    """
    return EXERCISES_BY_ID.get(exercise_id)


def all_exercises() -> dict[str, Exercise]:
    """Every exercise by id, in the order of the notebooks (the bank's modules register them).

    >>> list(all_exercises())[:3]
    ['1.1', '1.2', '1.3']
    """
    return EXERCISES_BY_ID.by_id()


def unknown(exercise_id: object) -> str:
    """What an id that names no exercise gets: the ids allowed, those of its notebook
    where it names one.

    >>> print(unknown("1.9"))
    '1.9' is not an exercise: notebook 1's are '1.1', '1.2' or '1.3'.
    >>> print(unknown(1.2))
    1.2 is not an exercise id: write it as a string, '1.2'.
    """
    ids = EXERCISES_BY_ID.ids()
    if not isinstance(exercise_id, str):
        if isinstance(exercise_id, (int, float)) and str(exercise_id) in ids:
            return f"{exercise_id!r} is not an exercise id: write it as a string, {str(exercise_id)!r}."
        return f"{exercise_id!r} is not an exercise id: ids are strings such as {ids[0]!r}."
    notebook = exercise_id.split(".")[0].strip().lstrip("0")
    same = [repr(i) for i in ids if i.split(".")[0] == notebook]
    if same:
        return f"{exercise_id!r} is not an exercise: notebook {notebook}'s are {listed(same)}."
    notebooks = listed(sorted({i.split(".")[0] for i in ids}, key=int), "and")
    return (
        f"{exercise_id!r} is not an exercise: ids are notebook.exercise, from {ids[0]!r} to "
        f"{ids[-1]!r}, in notebooks {notebooks}."
    )


def check(exercise_id: str, answer: Any) -> Feedback:
    """Whether ``answer`` is right. ``...`` is "not answered yet"; a wrong answer names a
    likely misconception where one is known; retries are fine, nothing is revealed. An
    unknown id, or an answer of the wrong kind, gets one line saying what is allowed.

    >>> print(check("1.2", ...))
    1.2: not answered yet. Replace the ... with your answer (exercises.hint('1.2') gives a hint).
    >>> print(check("1.9", 3))
    '1.9' is not an exercise: notebook 1's are '1.1', '1.2' or '1.3'.
    """
    ex = EXERCISES_BY_ID.find(exercise_id)
    if ex is None:
        return invalid(str(exercise_id), unknown(exercise_id))
    return ex.check(answer)


def hint(exercise_id: str) -> Hint:
    """A hint that does not give the answer away (for an unknown id, the ids allowed).

    >>> hint("1.2").startswith("1.2, hint:")
    True
    """
    ex = EXERCISES_BY_ID.find(exercise_id)
    if ex is None:
        return Hint(unknown(exercise_id))
    return Hint(f"{ex.id}, hint: {ex.hint}")


def show_answer(exercise_id: str) -> Feedback:
    """The answer and how it comes, folded until opened in a notebook (for an unknown id,
    the ids allowed).

    >>> print(show_answer("1.2").message.splitlines()[0])
    Exercise 1.2 (a number): 50
    """
    ex = EXERCISES_BY_ID.find(exercise_id)
    if ex is None:
        return invalid(str(exercise_id), unknown(exercise_id))
    return ex.answer()


def show_answers(notebook: str, going_further: bool = False) -> Answers:
    """The answers of the exercises of one notebook ("3" or "03"), each folded on its own:
    those of its main path, or with ``going_further=True`` those of its "Going further" part.

    >>> print(repr(show_answers("01")).splitlines()[0])
    Exercise 1.1: answer folded [opens in a notebook viewer, or print(exercises.show_answer('1.1'))]
    """
    going_further = arguments.flag("going_further", going_further)
    number_text = str(notebook).lstrip("0") or "0"
    in_notebook = [ex for ex in EXERCISES_BY_ID if ex.id.split(".")[0] == number_text]
    if not in_notebook:
        known = sorted({ex.id.split(".")[0] for ex in EXERCISES_BY_ID}, key=int)
        raise ValueError(f"notebook={notebook!r} is not allowed: use one of {', '.join(known)}")
    chosen = [ex for ex in in_notebook if ex.going_further == going_further]
    if not chosen:
        part = "its Going further part" if going_further else "its main path"
        raise ValueError(
            f"going_further={going_further} is not allowed for notebook {notebook!r}: {part} has no exercises"
        )
    return Answers(tuple(ex.answer() for ex in chosen))
