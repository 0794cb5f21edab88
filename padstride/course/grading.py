"""Notebooks as nbgrader source notebooks: each exercise graded by the package's checker.

A notebook's exercise cell (``answer_1 = ...``, ``def same_split(...): ...`` and one
``exercises.check`` line per exercise) becomes, for nbgrader:

- a locked cell that imports the checker and removes the names the answers will define, so
  that nothing the lesson defined (its own ``same_split``, say) can pass a check in place of
  the learner's answer;
- per exercise, a solution cell whose answer (the reference answer, computed by the package)
  sits between nbgrader's ``### BEGIN SOLUTION`` and ``### END SOLUTION`` markers, which
  ``nbgrader generate_assignment`` replaces with a stub for the learner;
- per exercise, a locked, autograded test cell worth one point: ``exercises.check`` on the
  answer, which raises (no point) unless the answer is right.

The rest is the hand-out (:mod:`padstride.course.handout`). A blank or wrong answer scores 0
on its exercise; a right one scores its point. Run as they are, with the reference answers,
the test cells print nothing, so the source notebooks pass nbval too.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .files import NotebookError, set_source, source_text
from .handout import hand_out

SCHEMA_VERSION = 3
POINTS = 1
BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"
INSTRUCTIONS = re.compile(
    r"Write each answer (?:in the cell below|in place of its `\.\.\.` in the cell below).*?(?=\n\n|\Z)", re.S
)
GRADED_INSTRUCTIONS = (
    "Write each answer in its cell below, in place of the code between the markers (or the stub "
    "nbgrader leaves there), and run it; the locked cell after it checks the answer with "
    '`exercises.check` and is worth one point. `exercises.hint("{first}")` gives a hint.'
)


@dataclass(frozen=True)
class Blank:
    """One exercise of an exercise cell: its id, the name the answer defines, and what the
    placeholder says the answer is."""

    exercise_id: str
    name: str
    asks: str
    header: str | None = None  # a function's "def name(arguments):", kept outside the solution


def is_exercise_cell(cell: dict[str, Any]) -> bool:
    """Whether ``cell`` is a notebook's exercise cell (it calls ``exercises.check``)."""
    return cell["cell_type"] == "code" and "exercises.check(" in source_text(cell)


def blanks(text: str) -> list[Blank]:
    """The exercises an exercise cell asks for, in the order it checks them.

    >>> text = 'answer_1 = ...  # a number\\nprint(exercises.check("1.2", answer_1))\\n'
    >>> blanks(text)
    [Blank(exercise_id='1.2', name='answer_1', asks='a number', header=None)]
    """
    tree = ast.parse(text)
    lines = text.splitlines()
    placeholders: dict[str, tuple[str, str | None]] = {}
    for node in tree.body:
        name, header = None, None
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            name = node.targets[0].id
        elif isinstance(node, ast.FunctionDef):
            name = node.name
            header = "def " + lines[node.lineno - 1].partition("def ")[2].partition("):")[0] + "):"
        if name is not None:
            comment = lines[node.end_lineno - 1].partition("#")[2].strip()
            placeholders[name] = (comment or "your answer", header)
    found = []
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "check"
            and isinstance(node.func.value, ast.Name)
            and node.func.value.id == "exercises"
        ):
            if not (
                len(node.args) == 2
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)
                and isinstance(node.args[1], ast.Name)
                and node.args[1].id in placeholders
            ):
                raise NotebookError(
                    f"exercises.check at line {node.lineno} does not check a name the cell defines"
                )
            asks, header = placeholders[node.args[1].id]
            found.append((node.lineno, Blank(node.args[0].value, node.args[1].id, asks, header)))
    if not found:
        raise NotebookError("the exercise cell checks no answer")
    return [blank for _, blank in sorted(found, key=lambda item: item[0])]


def _grade_id(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]", "-", text)


def _nbgrader(grade_id: str, *, solution: bool = False, grade: bool = False, locked: bool = False) -> dict:
    metadata = {
        "grade": grade,
        "grade_id": _grade_id(grade_id),
        "locked": locked,
        "schema_version": SCHEMA_VERSION,
        "solution": solution,
        "task": False,
    }
    if grade:
        metadata["points"] = POINTS
    return {"nbgrader": metadata}


def _code_cell(source: str, metadata: dict) -> dict[str, Any]:
    cell_id = metadata["nbgrader"]["grade_id"]
    return {
        "cell_type": "code",
        "execution_count": None,
        "id": cell_id,
        "metadata": metadata,
        "outputs": [],
        "source": source.splitlines(keepends=True),
    }


Solution = Callable[[str, str], str]  # (exercise id, name) → source giving name the answer


def graded_cells(text: str, solution: Solution) -> list[dict[str, Any]]:
    """The nbgrader cells that replace an exercise cell; ``solution(exercise_id, name)`` is
    the source that gives ``name`` the exercise's reference answer."""
    found = blanks(text)
    names = ", ".join(repr(blank.name) for blank in found) + ("," if len(found) == 1 else "")
    first = found[0].exercise_id
    setup = (
        "from padstride import exercises\n\n"
        "# Only your own answers are checked: the names they define start undefined.\n"
        f"for name in ({names}):\n"
        "    globals().pop(name, None)"
    )
    cells = [_code_cell(setup, _nbgrader(f"exercises-{first}-setup", locked=True))]
    for blank in found:
        answer = solution(blank.exercise_id, blank.name)
        asks = blank.asks if blank.header else f"{blank.name} = {blank.asks}"
        code = f"# {blank.exercise_id}: {asks}\n" + _solution_region(blank, answer)
        test = f'result = exercises.check("{blank.exercise_id}", {blank.name})\nassert result, result'
        cells.append(_code_cell(code, _nbgrader(f"exercise-{blank.exercise_id}", solution=True)))
        cells.append(
            _code_cell(test, _nbgrader(f"exercise-{blank.exercise_id}-check", grade=True, locked=True))
        )
    return cells


def _solution_region(blank: Blank, answer: str) -> str:
    """The answer between nbgrader's markers; for a function, only its body, under the
    notebook's own ``def`` line, so that the learner keeps the signature asked for."""
    if blank.header is None:
        return f"{BEGIN}\n{answer}\n{END}"
    body = answer.split("\n", 1)[1]
    return f"{blank.header}\n    {BEGIN}\n{body}\n    {END}"


def for_nbgrader(notebook: dict[str, Any], solution: Solution) -> dict[str, Any]:
    """The hand-out of ``notebook`` as an nbgrader source notebook (see the module's text)."""
    result = hand_out(notebook)
    cells: list[dict[str, Any]] = []
    first = None
    for cell in result["cells"]:
        if is_exercise_cell(cell):
            replacement = graded_cells(source_text(cell), solution)
            first = first or blanks(source_text(cell))[0].exercise_id
            cells.extend(replacement)
        else:
            cells.append(cell)
    if first is not None:
        for cell in cells:
            if cell["cell_type"] == "markdown":
                set_source(cell, INSTRUCTIONS.sub(GRADED_INSTRUCTIONS.format(first=first), source_text(cell)))
    result["cells"] = cells
    return result
