"""The one learner engine under the quiz and the exercises.

``registry.py`` holds items by id (``Registry``); ``feedback.py`` is what every check and
every shown answer gives back (``Feedback``, truthy when right, folded under a ``Fold`` when
it reveals an exercise's answer), the one way to show an answer (``reveal``), what an answer
that is not one gets (``invalid``), several answers (``Answers``), a hint's text (``Hint``)
and the one filler (``WIDTH``, ``fill``);
``question.py`` is a multiple-choice question and one learner's tries at it (``Question``,
``Attempt``); ``exercise.py`` an exercise that reads, checks and reveals its answer
(``Exercise``, ``Misconception``); ``readers.py`` reads the answers the exercises ask for.
The banks are ``padstride.quiz.questions`` and ``padstride.exercises``.

>>> print(fill("one line " * 12))
one line one line one line one line one line one line one line one line one line one line one line
  one line
"""

from .exercise import Exercise, Misconception
from .feedback import WIDTH, Answers, Feedback, Fold, Hint, fill, invalid, reveal
from .question import LETTERS, Attempt, Question, choice_letter, reveal_flag
from .registry import Registry

__all__ = [
    "LETTERS",
    "WIDTH",
    "Answers",
    "Attempt",
    "Exercise",
    "Feedback",
    "Fold",
    "Hint",
    "Misconception",
    "Question",
    "Registry",
    "choice_letter",
    "fill",
    "invalid",
    "reveal",
    "reveal_flag",
]
