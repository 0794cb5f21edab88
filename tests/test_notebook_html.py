"""The stored notebooks as `jupyter nbconvert --to html` writes them, with no option given:
what a learner gets offline, and what GitHub and nbviewer start from."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pytest

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
STORED = sorted(NOTEBOOKS.glob("[01]*.ipynb"))


def _html(path: Path) -> str:
    import nbformat
    from nbconvert import HTMLExporter

    body, _ = HTMLExporter().from_notebook_node(nbformat.read(path, as_version=4))
    return body


@pytest.mark.parametrize("path", STORED, ids=[p.stem for p in STORED])
def test_no_widget_needs_a_script_from_another_host(path):
    """No widget state is stored, so nbconvert shows each widget's still form (its text, its
    picture or its HTML) and adds no widget manager fetched from unpkg."""
    notebook = json.loads(path.read_text(encoding="utf-8"))
    assert "widgets" not in notebook["metadata"]
    page = _html(path)
    assert "unpkg.com" not in page and "@jupyter-widgets/html-manager" not in page
    assert 'type="application/vnd.jupyter.widget-view+json"' not in page


def test_the_quiz_proof_code_is_not_printed():
    """The proofs' code, hidden in JupyterLab, is left out of the HTML; their outputs stay folded."""
    (path,) = NOTEBOOKS.glob("09_*.ipynb")
    notebook = json.loads(path.read_text(encoding="utf-8"))
    hidden = [cell for cell in notebook["cells"] if "hide-input" in cell["metadata"].get("tags", [])]
    assert len(hidden) == 19  # the helper and one proof per question
    page = _html(path)
    text = html.unescape(re.sub(r"<[^>]+>", "", page))  # the source as highlighted, in words
    for cell in hidden:
        first_line = "".join(cell["source"]).splitlines()[0]
        assert first_line not in text, first_line
    shown = re.findall(r"<summary[^>]*>([^<]*)</summary>", page)
    assert sum("click to show the proof" in summary for summary in shown) == 18
