"""Questions about padding and stride, each with an answer key that Keras can prove.

The engine (``ask``, ``check``, ``show_answer``, ``verify``, ``answer_key``) is in
``padstride.quiz.engine``, the questions with their proofs in ``padstride.quiz.questions``.

>>> print(QUESTIONS[8].text().splitlines()[0])
9. A 5×5 input, a 3×3 filter, 1 pixel of zero padding on each side and stride 2: what is the output?
"""

from .engine import (
    LETTERS,
    Attempt,
    Feedback,
    Question,
    answer_key,
    ask,
    check,
    forget_answers,
    question,
    show_answer,
    verify,
)
from .questions import EXAMPLE, QUESTIONS

__all__ = [
    "EXAMPLE",
    "LETTERS",
    "QUESTIONS",
    "Attempt",
    "Feedback",
    "Question",
    "answer_key",
    "ask",
    "check",
    "forget_answers",
    "question",
    "show_answer",
    "verify",
]
