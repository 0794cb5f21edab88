"""The notebooks' text as a learner reads it: the shape every lesson follows, a main path short
enough to finish (at most MAIN_PATH_WORDS words of prose before "Going further"), stored
outputs within 100 columns, and nothing of the project's machinery."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

NOTEBOOKS = sorted((Path(__file__).parent.parent / "notebooks").glob("*.ipynb"))
LESSONS = [path for path in NOTEBOOKS if path.name[:2] not in ("00", "09")]
MAIN_PATH_WORDS = 1500
GOING_FURTHER = re.compile(r"^#+\s*Going further", re.M)


def cells(path: Path) -> list[dict]:
    return json.loads(path.read_text())["cells"]


def text(cell: dict) -> str:
    return "".join(cell["source"])


def main_path_words(notebook: list[dict]) -> tuple[int, int]:
    """Words of markdown prose before the "Going further" heading and after it; cells tagged
    "answer" (folded answers, shown on request) are not counted."""
    main = further = 0
    past = False
    for cell in notebook:
        if cell["cell_type"] != "markdown" or "answer" in cell["metadata"].get("tags", []):
            continue
        source = text(cell)
        if not past and GOING_FURTHER.search(source):
            before, heading_and_after = (
                GOING_FURTHER.split(source, maxsplit=1)[0],
                GOING_FURTHER.search(source),
            )
            main += len(before.split())
            further += len(source[heading_and_after.start() :].split())
            past = True
        elif past:
            further += len(source.split())
        else:
            main += len(source.split())
    return main, further


def test_the_word_count_splits_at_going_further():
    notebook = [
        {"cell_type": "markdown", "metadata": {}, "source": ["one two three"]},
        {"cell_type": "markdown", "metadata": {"tags": ["answer"]}, "source": ["hidden words here"]},
        {"cell_type": "code", "metadata": {}, "source": ["print('not prose')"]},
        {"cell_type": "markdown", "metadata": {}, "source": ["four\n\n## Going further\n\nfive six"]},
        {"cell_type": "markdown", "metadata": {}, "source": ["seven"]},
    ]
    assert main_path_words(notebook) == (4, 6)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_the_main_path_is_short_enough_to_finish(path):
    main, _ = main_path_words(cells(path))
    assert main <= MAIN_PATH_WORDS, f"{path.name}: {main} words before 'Going further'"


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.stem)
def test_each_lesson_has_its_parts_in_order(path):
    notebook = [text(cell) for cell in cells(path)]
    first = notebook[0]
    assert first.startswith("# ") and "you will" in first.lower(), f"{path.name}: say what it teaches"
    headings = [
        i
        for i, source in enumerate(notebook)
        for heading in ("## Summary", "## Exercises")
        if heading in source
    ]
    assert len(headings) == 2 and headings[0] <= headings[1], path.name
    further = [i for i, source in enumerate(notebook) if GOING_FURTHER.search(source)]
    if further:
        assert further[0] > headings[1], f"{path.name}: Going further comes after the exercises"
        after_heading = GOING_FURTHER.split(notebook[further[0]], maxsplit=1)[1]
        assert "Nothing later in the series needs" in after_heading[:400], f"{path.name}: say it is optional"
    last = notebook[-1]
    assert "00_start_here.ipynb" in last and ("Next:" in last or "last notebook" in last)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_no_machinery_and_no_long_lines(path):
    for index, cell in enumerate(cells(path)):
        source = text(cell)
        assert not re.search(r"\bseed document|NBVAL|nbval|make notebooks|make test", source), (
            path.name,
            index,
        )
        for output in cell.get("outputs", []):
            lines = "".join(output.get("text", "")) + "".join(output.get("data", {}).get("text/plain", ""))
            for line in lines.splitlines():
                assert len(line) <= 100, f"{path.name} cell {index}: {len(line)} columns: {line[:60]}…"
