"""Questions about padding and stride, each with an answer key that Keras can prove.

The calls (``ask``, ``check``, ``show_answer``, ``verify``, ``answer_key``) are in
``padstride.quiz.asking``, the questions with their proofs in ``padstride.quiz.questions``;
both stand on the learner engine, ``padstride.learning``.

>>> print(QUESTIONS[8].text().splitlines()[0])
9. A 5×5 input, a 3×3 filter, 1 pixel of zero padding on each side and stride 2: what is the output?
"""

from ..learning import LETTERS, Feedback, Question
from .asking import answer_key, ask, check, forget_answers, question, show_answer, verify
from .questions import EXAMPLE, QUESTIONS

__all__ = [
    "EXAMPLE",
    "LETTERS",
    "QUESTIONS",
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
