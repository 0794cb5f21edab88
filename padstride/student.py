"""Student copies of the notebooks: the answers removed, not hidden.

A cell tagged ``answer`` (exercise answers, quiz proofs, the quiz's answer key) is left
out; every other cell, the exercise checks included, is kept with its stored output.
``python -m padstride.student notebooks build/student`` writes the copies; nothing that
exists is overwritten unless ``--overwrite`` is given.

>>> notebook = {"cells": [{"cell_type": "code", "metadata": {"tags": ["answer"]}, "source": ""}]}
>>> without_answers(notebook)["cells"]
[]
"""

from __future__ import annotations

import argparse
import copy
import json
import sys
from pathlib import Path
from typing import Any

ANSWER_TAG = "answer"


def without_answers(notebook: dict[str, Any]) -> dict[str, Any]:
    """A copy of ``notebook`` (as read from JSON) without the cells tagged ``answer``."""
    kept = copy.deepcopy(notebook)
    kept["cells"] = [
        cell for cell in kept.get("cells", []) if ANSWER_TAG not in cell.get("metadata", {}).get("tags", [])
    ]
    return kept


def write_student_notebooks(source: Path, target: Path, *, overwrite: bool = False) -> list[Path]:
    """Write a copy of every notebook in ``source`` to ``target`` without its answer cells.

    Refuses before writing anything when a copy exists and ``overwrite`` is False.
    """
    source, target = Path(source), Path(target)
    notebooks = sorted(source.glob("*.ipynb"))
    if not notebooks:
        raise ValueError(f"source={str(source)!r} has no notebooks (*.ipynb)")
    if target.resolve() == source.resolve():
        raise ValueError(f"target={str(target)!r} is the source folder: choose another one")
    existing = [target / path.name for path in notebooks if (target / path.name).exists()]
    if existing and not overwrite:
        raise FileExistsError(f"{existing[0]} exists: remove it first, or pass overwrite=True (--overwrite)")
    target.mkdir(parents=True, exist_ok=True)
    written = []
    for path in notebooks:
        notebook = without_answers(json.loads(path.read_text(encoding="utf-8")))
        copy_path = target / path.name
        partial = copy_path.with_name(copy_path.name + ".partial")
        partial.write_text(
            json.dumps(notebook, indent=1, ensure_ascii=False, sort_keys=True) + "\n", encoding="utf-8"
        )
        partial.replace(copy_path)  # a copy is either whole or absent
        written.append(copy_path)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m padstride.student", description="Write the notebooks without their answer cells."
    )
    parser.add_argument("source", type=Path, help="the folder of notebooks, e.g. notebooks")
    parser.add_argument("target", type=Path, help="where the copies go, e.g. build/student")
    parser.add_argument("--overwrite", action="store_true", help="replace copies written before")
    args = parser.parse_args(argv)
    try:
        written = write_student_notebooks(args.source, args.target, overwrite=args.overwrite)
    except (ValueError, OSError) as error:
        print(f"padstride.student: {error}", file=sys.stderr)
        return 2
    for path in written:
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
