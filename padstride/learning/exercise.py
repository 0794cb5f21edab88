"""An exercise, and what checking an answer to it gives back.

``Exercise.check`` reads the learner's answer as the exercise asks for it (a number, a
size, a padding pair, a small table or a function) and says whether it is right; a wrong
one names the likely misconception where one is known, without giving the answer away,
and a wrong function gets its smallest counterexample. Only ``Exercise.answer`` reveals.

>>> from padstride.learning.readers import number
>>> ex = Exercise("1.2", "01_filters", "a number", "Parameters of one 7×7 filter?",
...               "One weight per tap, and one more.", lambda: 50,
...               lambda a: f"Exercise 1.2 (a number): {a}", number,
...               (Misconception(lambda: 49, "A Conv2D layer has a bias too."),))
>>> print(ex.check(49))
1.2: not yet. A Conv2D layer has a bias too. Try again.
>>> bool(ex.check(50.0)), str(ex.answer())
(True, 'Exercise 1.2 (a number): 50')
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ..arguments import brief
from .feedback import Feedback, Fold, fill, invalid, reveal
from .readers import plain, unwritten


@dataclass(frozen=True)
class Misconception:
    """A known wrong way to the answer: ``wrong()`` computes what it leads to (a value,
    or for a function exercise a wrong function), ``message`` names it."""

    wrong: Callable[[], Any]
    message: str


@dataclass(frozen=True)
class Exercise:
    """One exercise of a notebook.

    ``solve`` computes the reference answer; ``read`` turns a learner's answer into a value
    comparable with it (ValueError, naming what it takes, when it cannot); ``explain``
    writes the shown answer from the reference; ``judge`` (function exercises) returns None
    for a right function, else the smallest counterexample in words.
    """

    id: str
    notebook: str
    asks: str  # the kind of answer, in words: "a number", "a (before, after) pair", ...
    prompt: str
    hint: str
    solve: Callable[[], Any]
    explain: Callable[[Any], str]
    read: Callable[[Any], Any]
    misconceptions: tuple[Misconception, ...] = ()
    judge: Callable[[Callable[..., Any]], str | None] | None = None
    close: Callable[[Any, Any], bool] = field(default=lambda given, reference: given == reference)
    code: str | None = None  # a function exercise's reference answer, as source
    going_further: bool = False  # on the notebook's "Going further" part, not its main path

    def check(self, answer: Any) -> Feedback:
        """Whether ``answer`` is right. ``...`` is "not answered yet"; a wrong answer names
        a likely misconception where one is known; nothing is revealed.

        >>> from padstride.learning.readers import number
        >>> ex = Exercise("3.2", "03_stride", "a stride", "?", "?", lambda: 2, str, number)
        >>> print(ex.check("two"))
        3.2 takes a stride; yours is 'two'. Try again.
        """
        if answer is Ellipsis:
            return self._waiting()
        try:
            given = self.read(answer)
        except ValueError:
            return invalid(self.id, f"{self.id} takes {self.asks}; yours is {brief(answer)}. Try again.")
        if self.judge is not None:
            return self._check_function(given)
        if self.close(given, self.solve()):
            return Feedback(self.id, True, f"{self.id}: right.")
        for known in self.misconceptions:
            if self.close(given, self.read(known.wrong())):
                return Feedback(self.id, False, f"{self.id}: not yet. {known.message} Try again.")
        return Feedback(
            self.id, False, f"{self.id}: not yet. Try again, or exercises.hint({self.id!r}) gives a hint."
        )

    def _waiting(self) -> Feedback:
        return Feedback(
            self.id,
            False,
            f"{self.id}: not answered yet. Replace the ... with your answer "
            f"(exercises.hint({self.id!r}) gives a hint).",
        )

    def _check_function(self, given: Callable[..., Any]) -> Feedback:
        if unwritten(given):
            return self._waiting()
        problem = self.judge(given)
        if problem is None:
            return Feedback(self.id, True, f"{self.id}: right on every case Keras was asked.")
        message = f"{self.id}: not yet. {problem[0].upper()}{problem[1:]}."
        for known in self.misconceptions:
            if self.judge(known.wrong()) == problem:
                message += f" {known.message}"
                break
        return Feedback(self.id, False, message + " Try again.")

    def answer(self) -> Feedback:
        """The reference answer and how it comes, filled, folded until opened in a notebook.

        >>> from padstride.learning.readers import number
        >>> ex = Exercise("3.2", "03_stride", "a stride", "?", "?", lambda: 2, lambda a: f"{a}", number)
        >>> print(repr(ex.answer()))
        Exercise 3.2: answer folded [opens in a notebook viewer, or print(exercises.show_answer('3.2'))]
        """
        shown = f"print(exercises.show_answer({self.id!r}))"
        return reveal(self.id, fill(self.explain(self.solve())), fold=Fold(f"Exercise {self.id}", shown))

    def solution_code(self, name: str) -> str:
        """Python that gives ``name`` the reference answer: the function's source for a
        function exercise (defining ``name``), else an assignment of the value.

        >>> from padstride.learning.readers import numbers
        >>> ex = Exercise("2.1", "02_padding", "a pair", "?", "?", lambda: [1, 2], str, numbers(2))
        >>> ex.solution_code("answer_1")
        'answer_1 = (1, 2)'
        """
        if self.code is None:
            return f"{name} = {plain(self.solve())!r}"
        defined = self.code.split("(", 1)[0].removeprefix("def ")
        if defined != name:
            raise ValueError(f"name={name!r} is not allowed: exercise {self.id} defines {defined}")
        return self.code.rstrip("\n")
