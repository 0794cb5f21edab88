"""The quiz's calls: ask a question with buttons (``ask()``), answer it in code (``check()``),
see its answer (``show_answer()``), and prove every key with Keras (``verify()``,
``answer_key()``), all on the one learner engine (``padstride.learning``).

A wrong answer says so and lets the learner try again; a second wrong answer, or asking
for it, shows the right answer; every shown answer comes with its explanation. The
questions themselves live in ``padstride.quiz.questions``, which registers them here.

>>> forget_answers()
>>> print(check("example", "A"))
Not A. Try again.
>>> print(check("example", "C"))
Right: C, 9. A 3×3 kernel has one weight per tap: 3·3 = 9 (a bias, if any, is one more number per filter).
"""

from __future__ import annotations

from ..arguments import brief
from ..bars import progress
from ..learning import Attempt, Feedback, Question, Registry, invalid, reveal_flag
from ..learning.question import FLUSH
from .card import answer_note, question_card

# The example first, then the quiz's questions in order (``padstride.quiz.questions`` adds them).
QUESTIONS_BY_ID: Registry[Question] = Registry("question")


def all_questions() -> tuple[Question, ...]:
    """The quiz's questions and the example, in order (the example first).

    >>> all_questions()[0].id
    'example'
    """
    return tuple(QUESTIONS_BY_ID)


def question(question_id: str) -> Question:
    """The question with this id (a quiz question or "example").

    >>> question("example").answer
    'C'
    """
    return QUESTIONS_BY_ID.get(question_id)


def _resolve(question_or_id: Question | str) -> Question:
    return question_or_id if isinstance(question_or_id, Question) else question(question_or_id)


def _find(question_or_id: object) -> Question | None:
    return question_or_id if isinstance(question_or_id, Question) else QUESTIONS_BY_ID.find(question_or_id)


def unknown(question_id: object) -> str:
    """What an id that names no question gets: the nearest id, or the ids allowed.

    >>> print(unknown("pool_same"))
    'pool_same' is not a question: did you mean 'pool-same'? Each question's id is shown under it.
    >>> print(unknown(7))
    7 is not a question id: ids are names, and question 7's is 'stride-three'.
    """
    import difflib

    numbered = [q for q in QUESTIONS_BY_ID if q.number is not None]
    number = str(question_id).strip() if isinstance(question_id, (int, str)) else ""
    if number.isdigit() and not isinstance(question_id, bool) and 1 <= int(number) <= len(numbered):
        found = numbered[int(number) - 1].id
        return f"{question_id!r} is not a question id: ids are names, and question {number}'s is {found!r}."
    if isinstance(question_id, str):
        near = difflib.get_close_matches(question_id, QUESTIONS_BY_ID.ids(), n=1, cutoff=0.75)
        if near:
            return f"{question_id!r} is not a question: did you mean {near[0]!r}? Each question's id is shown under it."
    shown = brief(question_id)
    return (
        f"{shown} is not a question: use the id shown under a question, from {numbered[0].id!r} "
        f"(question 1) to {numbered[-1].id!r} (question {len(numbered)}), or 'example'."
    )


_ATTEMPTS: dict[tuple[str, bool], Attempt] = {}  # check()'s memory of wrong answers, per question


def _attempt(q: Question, reveal: bool = True) -> Attempt:
    key = (q.id, reveal)
    if key not in _ATTEMPTS or _ATTEMPTS[key].question != q:
        _ATTEMPTS[key] = Attempt(q, reveal)
    return _ATTEMPTS[key]


def check(question_id: Question | str, choice: str, *, reveal: bool = True) -> Feedback:
    """Answer a question in code with a letter (any case). A wrong answer says "try
    again"; a second wrong answer to the same question shows the right one, unless
    ``reveal=False`` (a hand-out); a right answer is confirmed; the explanation comes with
    every answer shown.

    What is not an answer (an unknown id, a letter the question does not offer, a number)
    gets one line saying what is allowed, and is not a try; a choice's own text, or its
    letter with stray punctuation ("C."), is read as that choice.

    >>> forget_answers()
    >>> print(check("example", "b"))
    Not B. Try again.
    >>> print(check("example", "E"))
    'E' is not a choice of question 'example': answer with 'A', 'B', 'C' or 'D'.
    """
    reveal = reveal_flag(reveal)
    q = _find(question_id)
    if q is None:
        return invalid(str(question_id), unknown(question_id), indent=FLUSH)
    return _attempt(q, reveal).answer(choice)


def show_answer(question_id: Question | str) -> Feedback:
    """The right answer and its explanation, without answering (for an unknown id, what
    is allowed).

    >>> print(show_answer("example").message.split(".")[0])
    The answer is C, 9
    """
    q = _find(question_id)
    if q is None:
        return invalid(str(question_id), unknown(question_id), indent=FLUSH)
    return _attempt(q).reveal()


def forget_answers() -> None:
    """Forget every earlier ``check``, so each question starts with a fresh try.

    >>> forget_answers()
    """
    _ATTEMPTS.clear()


def verify(question_or_id: Question | str) -> str | None:
    """Compute the answer with Keras and return its letter; raise if the key disagrees.

    None for a question without a proof.
    """
    return _resolve(question_or_id).verify()


def answer_key() -> str:
    """Every quiz question's key, each proved with Keras first (raises on the first that fails).
    In a notebook a bar counts the questions proved (``padstride.progress``)."""
    lines = []
    quiz = [q for q in QUESTIONS_BY_ID if q.number is not None]  # the example is not part of it
    summary = f"answer key: {len(quiz)} questions, each key proved with Keras or explained"
    for q in progress(quiz, "answer key", unit="questions", summary=summary):
        proved = q.verify()
        status = "proved with Keras" if proved else "explained, no computation"
        lines.append(f"{q.number:>2}. {q.id:<24} {q.answer}  {status}")
    return "\n".join(lines)


def ask(question_or_id: Question | str, *, reveal: bool = True):
    """The question with one button per choice and a "show answer" button.

    A wrong click marks that choice and lets the learner try again; a second wrong click,
    or "show answer", marks the right choice; a right click confirms it. The explanation
    comes with every answer shown. With ``reveal=False`` (a hand-out) there is no "show
    answer" button and wrong clicks never show the right choice. Returns the widget
    (``buttons``, ``show_button`` (None without one), ``feedback``). Where no widget
    front-end renders it (a static viewer, a test run), the output is the question as HTML
    that wraps and as text, with the way to answer it in code.

    A marked choice says "right" or "wrong" with a sign as well as a colour; the feedback is
    in a live region, which a screen reader reads out; a clicked button keeps the focus (once
    the question is answered, the other buttons are switched off).
    """
    from ..widgets import widgets_available

    reveal = reveal_flag(reveal)
    q = _resolve(question_or_id)
    in_code = f"check({q.id!r}, '?')"  # no letter: a letter here would be a choice, right or not
    if not widgets_available():
        print(f"{q.text()}\n(ipywidgets is not installed: answer in code, e.g. {in_code})")
        return None

    attempt = Attempt(q, reveal, ", or click “show answer”" if reveal else "")
    return question_card(q, attempt, answer_note(in_code))
