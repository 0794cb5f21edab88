"""The hand-out: answer cells removed, the quiz asked without its answers, everything else kept."""

import ast
import json
from pathlib import Path

from padstride.course.handout import ANSWER_TAG, hand_out, without_answers

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"


def _tags(cell):
    return cell.get("metadata", {}).get("tags", [])


def _read(path):
    return json.loads(Path(path).read_text(encoding="utf-8"))


def _code(cell):
    return "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]


def _defined_and_used(source):
    tree = ast.parse(source)
    defined, used = set(), set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            (defined if isinstance(node.ctx, ast.Store) else used).add(node.id)
        elif isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            defined.add(node.name)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            defined.update((alias.asname or alias.name).split(".")[0] for alias in node.names)
    return defined, used


def test_every_notebook_loses_exactly_its_answer_cells_and_keeps_the_rest_in_order():
    for path in sorted(NOTEBOOKS.glob("*.ipynb")):
        notebook = _read(path)
        kept = without_answers(notebook)["cells"]
        assert kept == [cell for cell in notebook["cells"] if ANSWER_TAG not in _tags(cell)], path.name
        assert notebook["cells"], path.name


def test_the_exercise_notebooks_and_the_quiz_have_answer_cells_and_keep_their_checks():
    for number in range(1, 10):
        (path,) = NOTEBOOKS.glob(f"{number:02d}_*.ipynb")
        notebook = _read(path)
        removed = [cell for cell in notebook["cells"] if ANSWER_TAG in _tags(cell)]
        assert removed, path.name
        kept = "\n".join(_code(cell) for cell in without_answers(notebook)["cells"])
        assert ("exercises.check(" in kept) if number < 9 else ("ask(" in kept), path.name
        assert "show_answers(" not in kept and "with folded(" not in kept, path.name


def test_no_kept_cell_needs_a_name_that_only_a_removed_cell_defines():
    for path in sorted(NOTEBOOKS.glob("*.ipynb")):
        notebook = _read(path)
        code_cells = [cell for cell in notebook["cells"] if cell["cell_type"] == "code"]
        kept_defined, removed_defined, kept_used = set(), set(), set()
        for cell in code_cells:
            defined, used = _defined_and_used(_code(cell))
            if ANSWER_TAG in _tags(cell):
                removed_defined |= defined
            else:
                kept_defined |= defined
                kept_used |= used
        assert not (kept_used & removed_defined) - kept_defined, path.name


def _defines_only(code):
    return all(
        isinstance(node, (ast.Import, ast.ImportFrom, ast.FunctionDef)) for node in ast.parse(code).body
    )


def test_every_stored_answer_output_is_folded_in_html_and_in_plain_text():
    for path in sorted(NOTEBOOKS.glob("*.ipynb")):
        for cell in _read(path)["cells"]:
            if cell["cell_type"] != "code" or ANSWER_TAG not in _tags(cell):
                continue
            if 'show_answer("example")' in _code(cell):
                continue  # the quiz's worked example, answered in the cells before it
            if _defines_only(_code(cell)):
                continue  # a helper the proofs after it use: it shows nothing
            assert cell["outputs"], (path.name, _code(cell))
            for output in cell["outputs"]:
                if output.get("metadata", {}).get("padstride", {}).get("progress"):
                    continue  # a progress bar's last line: how far the work went, not an answer
                data = output.get("data", {})
                page = "".join(data.get("text/html", ""))
                assert output["output_type"] in ("display_data", "execute_result"), (path.name, output)
                assert page.startswith("<details") and page.count("<details") == page.count("</details>")
                assert "folded" in "".join(data["text/plain"]), (path.name, data["text/plain"])


POINTERS = ("cell after", "show_answer", "show answer", "collapsed cell", "proof", "answer_key", "folded")


def test_no_hand_out_keeps_a_reveal_or_a_pointer_at_a_removed_cell():
    for path in sorted(NOTEBOOKS.glob("*.ipynb")):
        kept = hand_out(_read(path))["cells"]
        for cell in kept:
            text = _code(cell)
            if cell["cell_type"] == "markdown":
                assert not any(word in text.lower() for word in POINTERS), (path.name, text)
            elif path.name.startswith("09"):
                assert "show_answer" not in text and "answer_key" not in text, (path.name, text)
                tree = ast.parse(text)
                for node in ast.walk(tree):
                    if isinstance(node, ast.Call) and getattr(node.func, "id", None) in ("ask", "check"):
                        assert any(k.arg == "reveal" and k.value.value is False for k in node.keywords), text


def test_the_quiz_hand_out_asks_every_question_without_its_answer():
    (path,) = NOTEBOOKS.glob("09_*.ipynb")
    notebook = _read(path)
    kept = hand_out(notebook)["cells"]
    asked = [_code(cell) for cell in kept if _code(cell).startswith("ask(")]
    assert len(asked) == 19 and all(text.endswith(", reveal=False)") for text in asked)
    for before, after in zip(
        [cell for cell in notebook["cells"] if ANSWER_TAG not in _tags(cell)], kept, strict=True
    ):
        assert (
            before["outputs" if before["cell_type"] == "code" else "source"]
            == after["outputs" if after["cell_type"] == "code" else "source"]
            or before["cell_type"] == "code"
        )


def test_reveal_false_is_added_to_every_quiz_call_and_only_to_those():
    cells = [
        {"cell_type": "code", "metadata": {}, "source": "from padstride.quiz import ask, check as c\n"},
        {"cell_type": "code", "metadata": {}, "source": 'ask("a",)\nprint(c("é", "B"))  # ü\n'},
        {"cell_type": "code", "metadata": {}, "source": 'check(model)\nexercises.check("1.1", x)\n'},
        {"cell_type": "code", "metadata": {}, "source": 'ask(\n    "b",\n)\nc("d", "A", reveal=True)\n'},
    ]
    sources = ["".join(cell["source"]) for cell in hand_out({"cells": cells})["cells"]]
    assert sources[1] == 'ask("a", reveal=False)\nprint(c("é", "B", reveal=False))  # ü\n'
    assert sources[2] == cells[2]["source"]  # not the quiz's check
    assert sources[3] == 'ask(\n    "b", reveal=False\n)\nc("d", "A", reveal=True)\n'
