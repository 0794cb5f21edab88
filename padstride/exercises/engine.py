"""The exercise engine: an exercise, what an answer gets back, and the three calls.

``check`` reads the learner's answer as the exercise asks for it (a number, a size, a
padding pair, a small table or a function) and says whether it is right; a wrong one
names the likely misconception where one is known, without giving the answer away, and
a wrong function gets its smallest counterexample. Only ``show_answer`` reveals.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ..checks import brief
from ..folding import Folded
from ..text import one_if_same

WIDTH = 100  # characters per line of text output


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

    def solution_code(self, name: str) -> str:
        """Python that gives ``name`` the reference answer: the function's source for a
        function exercise (defining ``name``), else an assignment of the value.

        >>> exercise("2.1").solution_code("answer_1")
        'answer_1 = (1, 2)'
        """
        if self.code is None:
            return f"{name} = {plain(self.solve())!r}"
        defined = self.code.split("(", 1)[0].removeprefix("def ")
        if defined != name:
            raise ValueError(f"name={name!r} is not allowed: exercise {self.id} defines {defined}")
        return self.code.rstrip("\n")


@dataclass(frozen=True)
class Result:
    """What ``check`` gives back: truthy when right."""

    exercise_id: str
    correct: bool
    message: str

    def __bool__(self) -> bool:
        return self.correct

    def __str__(self) -> str:
        return self.message

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        printer.text(fill(self.message))


@dataclass(frozen=True)
class Answer:
    """What ``show_answer`` gives: the answer with its reasoning, folded in a notebook.

    Its HTML is a click-to-open block, so the answer stays out of sight in JupyterLab,
    Notebook 7, static viewers and the site until the reader opens it.
    """

    exercise_id: str
    text: str

    def __str__(self) -> str:
        return self.text

    def _folded(self) -> Folded:
        return Folded(f"Exercise {self.exercise_id}: click to show the answer", self.text)

    def __repr__(self) -> str:
        shown = f"print(exercises.show_answer({self.exercise_id!r}))"
        return f"Exercise {self.exercise_id}: answer folded [it opens in a notebook viewer, or {shown}]"

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        printer.text(repr(self))

    def _repr_html_(self) -> str:
        return self._folded()._repr_html_()


@dataclass(frozen=True)
class Answers:
    """Several answers shown together, each folded on its own."""

    answers: tuple[Answer, ...]

    def __str__(self) -> str:
        return "\n\n".join(answer.text for answer in self.answers)

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        printer.text(repr(self))

    def __repr__(self) -> str:
        return "\n".join(repr(answer) for answer in self.answers)

    def _repr_html_(self) -> str:
        return "\n".join(answer._repr_html_() for answer in self.answers)


def fill(text: str) -> str:
    """``text`` in lines of at most 100 characters, each paragraph on its own."""
    return "\n".join(
        textwrap.fill(line, WIDTH, break_long_words=False, subsequent_indent="  ") if line else ""
        for line in text.splitlines()
    )


# --- reading answers ------------------------------------------------------------------------


def plain(value: Any) -> Any:
    """``value`` with NumPy scalars and arrays as Python numbers and tuples, lists as tuples,
    and whole floats as ints, so that answers compare by value.

    >>> plain([1.0, (2, 3.5)])
    (1, (2, 3.5))
    """
    if hasattr(value, "tolist") and not isinstance(value, (str, bytes)):
        value = value.tolist()
    if isinstance(value, Mapping):
        return {plain(key): plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return tuple(plain(item) for item in value)
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def number(value: Any) -> int | float:
    """A number (an int or a float)."""
    value = plain(value)
    if not _is_number(value):
        raise ValueError("a number")
    return value


def size(value: Any) -> int | tuple[int, int]:
    """A side: one number, or a (height, width) pair (read as one number when they agree)."""
    value = plain(value)
    if isinstance(value, tuple) and len(value) == 2 and all(_is_number(v) for v in value):
        return one_if_same(value)
    return number(value)


def numbers(count: int) -> Callable[[Any], tuple[Any, ...]]:
    """A reader of ``count`` numbers in a tuple or list."""

    def read(value: Any) -> tuple[Any, ...]:
        value = plain(value)
        if not (isinstance(value, tuple) and len(value) == count and all(_is_number(v) for v in value)):
            raise ValueError(f"{count} numbers in a tuple, (" + ", ".join("…" * count) + ")")
        return value

    return read


def yes_no(count: int) -> Callable[[Any], tuple[bool, ...]]:
    """A reader of ``count`` True/False values in a tuple or list."""

    def read(value: Any) -> tuple[bool, ...]:
        value = plain(value)
        if not (isinstance(value, tuple) and len(value) == count and all(isinstance(v, bool) for v in value)):
            raise ValueError(f"{count} True/False values in a tuple, (" + ", ".join("…" * count) + ")")
        return value

    return read


def pairs(count: int) -> Callable[[Any], tuple[tuple[Any, Any], ...]]:
    """A reader of ``count`` (before, after) pairs in a tuple or list."""

    def read(value: Any) -> tuple[tuple[Any, Any], ...]:
        value = plain(value)
        pair = numbers(2)
        try:
            if not (isinstance(value, tuple) and len(value) == count):
                raise ValueError
            return tuple(pair(item) for item in value)
        except ValueError:
            raise ValueError(f"{count} (before, after) pairs in a tuple, ((…, …), …)") from None

    return read


def number_list(value: Any) -> tuple[int, ...]:
    """Numbers in any order, read as a sorted tuple without repeats."""
    value = plain(value)
    if isinstance(value, (set, frozenset)):
        value = tuple(value)
    if not (isinstance(value, tuple) and all(_is_number(v) for v in value)):
        raise ValueError("a list of numbers")
    return tuple(sorted(set(value)))


def table(
    read_key: Callable[[Any], Any], read_item: Callable[[Any], Any], what: str
) -> Callable[[Any], dict]:
    """A reader of a dict whose keys and values ``read_key`` and ``read_item`` read."""

    def read(value: Any) -> dict:
        if not isinstance(value, Mapping):
            raise ValueError(what)
        try:
            return {read_key(key): read_item(item) for key, item in value.items()}
        except ValueError:
            raise ValueError(what) from None

    return read


def function(value: Any) -> Callable[..., Any]:
    """A function (``def …``)."""
    if not callable(value):
        raise ValueError("a function, written with def")
    return value


def within(share: float) -> Callable[[Any, Any], bool]:
    """Numbers that agree to ``share`` of the reference (a rounded ratio, a learning rate)."""

    def close(given: Any, reference: Any) -> bool:
        return _is_number(given) and math.isclose(given, reference, rel_tol=share)

    return close


# --- the registry and the three calls ---------------------------------------------------------

_BANK: dict[str, Exercise] = {}


def register(exercise: Exercise) -> Exercise:
    if exercise.id in _BANK:
        raise ValueError(f"exercise_id={exercise.id!r} is registered twice")
    _BANK[exercise.id] = exercise
    return exercise


def exercise(exercise_id: str) -> Exercise:
    """The exercise with this id, such as "3.1" (notebook 3, exercise 1)."""
    if not isinstance(exercise_id, str) or exercise_id not in _BANK:
        raise ValueError(f"exercise_id={exercise_id!r} is not allowed: use one of {', '.join(_BANK)}")
    return _BANK[exercise_id]


def all_exercises() -> dict[str, Exercise]:
    """Every exercise by id, in the order of the notebooks (``exercises.bank`` registers them)."""
    return dict(_BANK)


def _not_answered(value: Any) -> bool:
    return value is Ellipsis


def check(exercise_id: str, answer: Any) -> Result:
    """Whether ``answer`` is right. ``...`` is "not answered yet"; a wrong answer names a
    likely misconception where one is known; retries are fine, nothing is revealed.

    >>> print(check("1.2", ...))
    1.2: not answered yet. Replace the ... with your answer (exercises.hint('1.2') gives a hint).
    """
    ex = exercise(exercise_id)
    waiting = Result(
        ex.id,
        False,
        f"{ex.id}: not answered yet. Replace the ... with your answer "
        f"(exercises.hint({ex.id!r}) gives a hint).",
    )
    if _not_answered(answer):
        return waiting
    try:
        given = ex.read(answer)
    except ValueError:
        return Result(ex.id, False, f"{ex.id} takes {ex.asks}; yours is {brief(answer)}. Try again.")
    if ex.judge is not None:
        return _check_function(ex, given, waiting)
    if ex.close(given, ex.solve()):
        return Result(ex.id, True, f"{ex.id}: right.")
    for known in ex.misconceptions:
        if ex.close(given, ex.read(known.wrong())):
            return Result(ex.id, False, f"{ex.id}: not yet. {known.message} Try again.")
    return Result(ex.id, False, f"{ex.id}: not yet. Try again, or exercises.hint({ex.id!r}) gives a hint.")


def _check_function(ex: Exercise, given: Callable[..., Any], waiting: Result) -> Result:
    problem = ex.judge(given)
    if problem is None:
        return Result(ex.id, True, f"{ex.id}: right on every case Keras was asked.")
    if problem == "unanswered":
        return waiting
    message = f"{ex.id}: not yet. {problem[0].upper()}{problem[1:]}."
    for known in ex.misconceptions:
        if ex.judge(known.wrong()) == problem:
            message += f" {known.message}"
            break
    return Result(ex.id, False, message + " Try again.")


def hint(exercise_id: str) -> str:
    """A hint that does not give the answer away.

    >>> hint("1.2").startswith("1.2, hint:")
    True
    """
    ex = exercise(exercise_id)
    return HintText(f"{ex.id}, hint: {ex.hint}")


class HintText(str):
    """A str that shows in a notebook as its text, without quotes."""

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        printer.text(fill(self))


def show_answer(exercise_id: str) -> Answer:
    """The answer and how it comes, folded until opened in a notebook.

    >>> print(show_answer("1.2").text.splitlines()[0])
    Exercise 1.2 (a number): 50
    """
    ex = exercise(exercise_id)
    return Answer(ex.id, fill(ex.explain(ex.solve())))


def show_answers(notebook: str) -> Answers:
    """The answers of every exercise of one notebook ("3" or "03"), each folded on its own."""
    number_text = str(notebook).lstrip("0") or "0"
    chosen = [ex for ex in all_exercises().values() if ex.id.split(".")[0] == number_text]
    if not chosen:
        known = sorted({ex.id.split(".")[0] for ex in all_exercises().values()}, key=int)
        raise ValueError(f"notebook={notebook!r} is not allowed: use one of {', '.join(known)}")
    return Answers(tuple(show_answer(ex.id) for ex in chosen))
