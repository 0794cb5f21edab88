"""The hand-out: a notebook without its answers.

Cells tagged ``answer`` (exercise answers, quiz proofs, the quiz's answer key, and the text
that points at them) are left out; the quiz's ``ask(...)`` and ``check(...)`` calls get
``reveal=False``, so that no button or second try shows an answer. Every other cell is kept
with its stored output, which a run of the hand-out reproduces.

>>> notebook = {"cells": [{"cell_type": "code", "metadata": {"tags": ["answer"]}, "source": ""}]}
>>> hand_out(notebook)["cells"]
[]
"""

from __future__ import annotations

import ast
import copy
from typing import Any

from .files import NotebookError, set_source, source_text, tags

ANSWER_TAG = "answer"
QUIZ_MODULE = "padstride.quiz"
QUIZ_CALLS = ("ask", "check")


def without_answers(notebook: dict[str, Any]) -> dict[str, Any]:
    """A copy of ``notebook`` without the cells tagged ``answer``."""
    kept = copy.deepcopy(notebook)
    kept["cells"] = [cell for cell in kept["cells"] if ANSWER_TAG not in tags(cell)]
    return kept


def hand_out(notebook: dict[str, Any]) -> dict[str, Any]:
    """``notebook`` without its answer cells, its quiz asked with ``reveal=False``."""
    kept = without_answers(notebook)
    quiz_names = _quiz_names(kept)
    for index, cell in enumerate(kept["cells"]):
        if cell["cell_type"] == "code" and quiz_names:
            text = source_text(cell)
            if _without_reveal(text, quiz_names, index) != text:
                set_source(cell, _without_reveal(text, quiz_names, index))
    return kept


def _parsed(text: str, index: int) -> ast.Module:
    try:
        return ast.parse(text)
    except SyntaxError as error:
        raise NotebookError(f"code cell {index} is not Python: {error.msg} (line {error.lineno})") from None


def _quiz_names(notebook: dict[str, Any]) -> set[str]:
    """The names the notebook imports from padstride.quiz for asking and checking."""
    names = set()
    for index, cell in enumerate(notebook["cells"]):
        if cell["cell_type"] != "code" or source_text(cell).lstrip().startswith(("%", "!")):
            continue
        for node in ast.walk(_parsed(source_text(cell), index)):
            if isinstance(node, ast.ImportFrom) and node.module == QUIZ_MODULE:
                names |= {alias.asname or alias.name for alias in node.names if alias.name in QUIZ_CALLS}
    return names


def _without_reveal(text: str, names: set[str], index: int) -> str:
    """``text`` with ``reveal=False`` added to each call of ``names`` that has no ``reveal``."""
    calls = [
        node
        for node in ast.walk(_parsed(text, index))
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id in names
        and not any(keyword.arg == "reveal" for keyword in node.keywords)
    ]
    lines = text.splitlines(keepends=True)
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line))
    for call in sorted(calls, key=lambda node: (node.end_lineno, node.end_col_offset), reverse=True):
        line = lines[call.end_lineno - 1]
        column = len(line.encode("utf-8")[: call.end_col_offset].decode("utf-8"))  # ast counts bytes
        closing = starts[call.end_lineno - 1] + column - 1  # the call's ")"
        before = text[:closing].rstrip()
        joint = "" if before.endswith("(") else " " if before.endswith(",") else ", "
        text = before + joint + "reveal=False" + text[len(before) : closing] + text[closing:]
    return text
