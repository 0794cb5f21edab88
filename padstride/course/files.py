"""The notebooks padstride carries, and reading a notebook file with errors that name it.

An installed padstride carries its notebooks, their nbval sanitizers (``sanitize.cfg``) and
the pinned versions their stored outputs were made with (``constraints.txt``) as package data
in ``padstride/course/files/``; a checkout of the repository reads them from its own
``notebooks/`` and ``constraints.txt``.

>>> [path.name for path in notebook_paths()][:2]
['00_start_here.ipynb', '01_filters_and_feature_maps.ipynb']
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

from ..checkout import checkout_root

NOTEBOOK_NAME = re.compile(r"(?P<number>[0-9]{2})_(?P<slug>[a-z0-9_]+)\.ipynb")
CONTENTS = "00_start_here.ipynb"
SANITIZE = "sanitize.cfg"
CONSTRAINTS = "constraints.txt"
BUNDLED = Path(__file__).resolve().parent / "files"


class NotebookError(ValueError):
    """A notebook file that cannot be used: unreadable, not JSON, or not a notebook."""


def course_root() -> Path:
    """The folder holding ``notebooks/`` and ``constraints.txt``: the package data of an
    installed padstride, or the repository of a checkout."""
    if (BUNDLED / "notebooks").is_dir():
        return BUNDLED
    root = checkout_root()
    if root is None or not (root / "notebooks").is_dir():
        raise FileNotFoundError(
            f"this padstride carries no notebooks (neither {BUNDLED / 'notebooks'} nor a checkout's "
            "notebooks/ folder): reinstall it from a wheel, an sdist or a git URL"
        )
    return root


def notebook_paths(folder: str | os.PathLike | None = None) -> list[Path]:
    """The series' notebooks (``NN_name.ipynb``) in ``folder`` (default: the ones padstride
    carries), in order."""
    folder = course_root() / "notebooks" if folder is None else Path(folder)
    if not folder.is_dir():
        raise NotebookError(f"source={str(folder)!r} is not a folder of notebooks")
    paths = sorted(path for path in folder.iterdir() if NOTEBOOK_NAME.fullmatch(path.name))
    if not paths:
        raise NotebookError(f"source={str(folder)!r} holds no notebooks named like 02_padding.ipynb")
    return paths


def read_notebook(path: str | os.PathLike) -> dict[str, Any]:
    """The notebook at ``path`` as JSON data, checked to have the shape of a notebook (nbformat
    4: an object with a list of cells, each an object with a type and a source); a NotebookError
    names the file and what is wrong.

    >>> read_notebook("/nowhere/01_x.ipynb")
    Traceback (most recent call last):
    ...
    padstride.course.files.NotebookError: /nowhere/01_x.ipynb cannot be read: No such file or directory
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise NotebookError(f"{path} cannot be read: {error.strerror or error}") from None
    except UnicodeDecodeError:
        raise NotebookError(f"{path} is not a notebook: it is not UTF-8 text") from None
    try:
        notebook = json.loads(text)
    except json.JSONDecodeError as error:
        raise NotebookError(
            f"{path} is not a notebook: bad JSON at line {error.lineno}, column {error.colno} ({error.msg})"
        ) from None
    problem = _shape_problem(notebook)
    if problem:
        raise NotebookError(f"{path} is not a notebook: {problem}")
    return notebook


def _shape_problem(notebook: Any) -> str | None:
    if not isinstance(notebook, dict):
        return f"its JSON is a {type(notebook).__name__}, not an object"
    if notebook.get("nbformat") != 4:
        return f"nbformat is {notebook.get('nbformat')!r}, not 4"
    if not isinstance(notebook.get("metadata"), dict):
        return "its metadata is not an object"
    cells = notebook.get("cells")
    if not isinstance(cells, list):
        return "it has no list of cells"
    for index, cell in enumerate(cells):
        if not isinstance(cell, dict):
            return f"cell {index} is not an object"
        if cell.get("cell_type") not in ("code", "markdown", "raw"):
            return f"cell {index} has cell_type {cell.get('cell_type')!r}"
        source = cell.get("source")
        if not (
            isinstance(source, str) or (isinstance(source, list) and all(isinstance(s, str) for s in source))
        ):
            return f"cell {index} has no text source"
        if not isinstance(cell.get("metadata", {}), dict):
            return f"cell {index} has metadata that is not an object"
        tags = cell.get("metadata", {}).get("tags", [])
        if not (isinstance(tags, list) and all(isinstance(tag, str) for tag in tags)):
            return f"cell {index} has tags that are not a list of names"
    return None


def source_text(cell: dict[str, Any]) -> str:
    """A cell's source as one string (notebooks store it as a string or a list of lines)."""
    source = cell["source"]
    return source if isinstance(source, str) else "".join(source)


def set_source(cell: dict[str, Any], text: str) -> None:
    """Store ``text`` as the cell's source, as a list of lines the way Jupyter writes it."""
    cell["source"] = text.splitlines(keepends=True)


def tags(cell: dict[str, Any]) -> list[str]:
    """A cell's tags."""
    return cell.get("metadata", {}).get("tags", [])


def notebook_json(notebook: dict[str, Any]) -> bytes:
    """The notebook as Jupyter writes it: one-space indents, keys sorted, a final newline."""
    return (json.dumps(notebook, indent=1, ensure_ascii=False, sort_keys=True) + "\n").encode("utf-8")
