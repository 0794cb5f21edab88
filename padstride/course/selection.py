"""A subset of the series: which notebooks, and their links rewritten so that none points at a
notebook left out.

The contents page (00) is always part of a subset: its table keeps the rows of the notebooks
chosen, and its first link goes to the first of them. In the other notebooks a link to a
notebook left out becomes its plain text, and the "Next" line at the end goes to the next
notebook of the subset (or back to the contents after the last).

>>> choose(["00_start_here.ipynb", "02_padding.ipynb", "03_stride.ipynb"], ["3"])
['00_start_here.ipynb', '03_stride.ipynb']
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterable, Sequence
from typing import Any

from .files import CONTENTS, NOTEBOOK_NAME, set_source, source_text

LINK = re.compile(r"\[(?P<text>[^\]\n]*)\]\((?P<target>[0-9]{2}_[a-z0-9_]+\.ipynb)(?P<anchor>#[^)\s]*)?\)")
TABLE_ROW = re.compile(r"^\|\s*\[[^\]]*\]\((?P<target>[0-9]{2}_[a-z0-9_]+\.ipynb)\)[^\n]*\|\s*$", re.M)
NEXT_LINE = re.compile(r"^\s*(\*\*)?Next:?(\*\*)?:?\s")
START_LINE = re.compile(r"\*\*Start:\*\* \[[^\]]*\]\([0-9]{2}_[a-z0-9_]+\.ipynb\)")


def choose(available: Sequence[str], only: Iterable[object] | None) -> list[str]:
    """The notebooks of ``available`` (file names) that ``only`` names, in series order, with
    the contents page first; all of them when ``only`` is None. A notebook is named by its
    number ("2", "02"), its name ("02_padding", "padding") or its file name.

    >>> choose(["00_start_here.ipynb", "02_padding.ipynb"], ["4"])
    Traceback (most recent call last):
    ...
    ValueError: only='4' is not allowed: name notebooks by number or name: 00 (start_here), 02 (padding)
    """
    available = sorted(available)
    if only is None:
        return available
    chosen = {CONTENTS} & set(available)
    words = [word for item in only for word in re.split(r"[,\s]+", str(item).strip()) if word]
    if not words:
        raise ValueError("only is empty: name at least one notebook, e.g. 02")
    for word in words:
        matches = [name for name in available if _names(name, word)]
        if len(matches) != 1:
            known = ", ".join(f"{m['number']} ({m['slug']})" for m in map(NOTEBOOK_NAME.fullmatch, available))
            raise ValueError(f"only={word!r} is not allowed: name notebooks by number or name: {known}")
        chosen.add(matches[0])
    return sorted(chosen)


def _names(file_name: str, word: str) -> bool:
    match = NOTEBOOK_NAME.fullmatch(file_name)
    word = word.lower().removesuffix(".ipynb")
    if word.isdigit():
        return int(word) == int(match["number"])
    return word in (f"{match['number']}_{match['slug']}", match["slug"])


def titles(contents: dict[str, Any]) -> dict[str, str]:
    """Each notebook's short title, as the contents page's table links it ("02 Padding").

    >>> titles({"cells": [{"cell_type": "markdown", "source": "| [02 Padding](02_padding.ipynb) | x |"}]})
    {'02_padding.ipynb': '02 Padding'}
    """
    found: dict[str, str] = {}
    for cell in contents["cells"]:
        if cell["cell_type"] == "markdown":
            for row in TABLE_ROW.finditer(source_text(cell)):
                link = LINK.search(row.group(0))
                found.setdefault(link["target"], link["text"])
    return found


def for_subset(
    name: str, notebook: dict[str, Any], chosen: Sequence[str], names: dict[str, str]
) -> dict[str, Any]:
    """A copy of ``notebook`` (file ``name``) whose links fit the subset ``chosen``; ``names``
    are the short titles of :func:`titles`. The whole series needs no change."""
    result = copy.deepcopy(notebook)
    markdown = [cell for cell in result["cells"] if cell["cell_type"] == "markdown"]
    if name == CONTENTS:
        for cell in markdown:
            set_source(cell, _contents_text(source_text(cell), chosen, names))
    following = [other for other in chosen if other > name]
    for index, cell in enumerate(markdown):
        text = source_text(cell)
        is_last = index == len(markdown) - 1
        if is_last and name != CONTENTS and NEXT_LINE.match(text) and _leaves_out(text, chosen):
            text = _next_line(following[0] if following else None, names)
        if _unlink_left_out(text, chosen) != source_text(cell):
            set_source(cell, _unlink_left_out(text, chosen))
    return result


def _leaves_out(text: str, chosen: Sequence[str]) -> bool:
    return any(match["target"] not in chosen for match in LINK.finditer(text))


def _contents_text(text: str, chosen: Sequence[str], names: dict[str, str]) -> str:
    rows = list(TABLE_ROW.finditer(text))
    kept = [row for row in rows if row["target"] in chosen]
    if rows and len(kept) < len(rows):
        note = (
            f"\n\nThis course has {len(kept)} of the series' {len(rows)} notebooks. They keep the "
            "series' numbers, and a notebook of the series that is not here is named in the text "
            "without a link."
        )
        end = rows[-1].end()
        text = text[:end] + note + text[end:]
        text = TABLE_ROW.sub(lambda row: row.group(0) if row["target"] in chosen else "\0", text)
        text = text.replace("\0\n", "").replace("\0", "")
    first = next((name for name in chosen if name != CONTENTS), None)
    if first is not None:
        text = START_LINE.sub(f"**Start:** [{names.get(first, first)}]({first})", text)
    return text


def _next_line(following: str | None, names: dict[str, str]) -> str:
    back = f"Back to the [contents]({CONTENTS})."
    if following is None:
        return f"This is the last notebook of this course. {back}"
    return f"**Next:** [{names.get(following, following)}]({following}). {back}"


def _unlink_left_out(text: str, chosen: Sequence[str]) -> str:
    return LINK.sub(lambda link: link.group(0) if link["target"] in chosen else link["text"], text)


def links(notebook: dict[str, Any]) -> list[str]:
    """The notebook files that the notebook's markdown links to, in order."""
    return [
        match["target"]
        for cell in notebook["cells"]
        if cell["cell_type"] == "markdown"
        for match in LINK.finditer(source_text(cell))
    ]
