"""Exercises that check themselves: the exercises of notebooks 1 to 8 and 10 by id ("3.1").

``check(exercise_id, answer)`` says whether an answer is right (``...`` is "not answered
yet"), ``hint(exercise_id)`` helps without giving it away, and ``show_answer(exercise_id)``
reveals it; ``show_answers("3")`` gives a notebook's answers, each folded until opened.
``EXERCISES`` holds them all. The quiz's ``check`` (``padstride.quiz.check``) runs on the same engine.

>>> print(check("3.1", 9))
3.1: not yet. A window must fit whole: the division rounds down, not up. Try again.
"""

from ..learning import Answers, Exercise, Feedback, Misconception
from . import bank_1_to_3, bank_4_to_6, bank_7_to_10  # noqa: F401  (register the exercises, in notebook order)
from .checking import all_exercises, check, hint, show_answer, show_answers

EXERCISES = all_exercises()

__all__ = [
    "EXERCISES",
    "Answers",
    "Exercise",
    "Feedback",
    "Misconception",
    "check",
    "hint",
    "show_answer",
    "show_answers",
]
