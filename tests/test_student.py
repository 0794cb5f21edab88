"""The student copies: answer cells removed, everything else kept, nothing overwritten."""

import ast
import json
from pathlib import Path

import pytest

from padstride.student import ANSWER_TAG, main, without_answers, write_student_notebooks

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


def test_the_copies_are_written_and_never_overwritten_unless_asked(tmp_path):
    source = tmp_path / "notebooks"
    source.mkdir()
    cells = [
        {"cell_type": "markdown", "metadata": {}, "source": "Exercise"},
        {"cell_type": "code", "metadata": {"tags": [ANSWER_TAG]}, "source": "show()", "outputs": []},
    ]
    (source / "01_a.ipynb").write_text(json.dumps({"cells": cells, "metadata": {}}), encoding="utf-8")
    target = tmp_path / "student"
    (written,) = write_student_notebooks(source, target)
    assert _read(written)["cells"] == cells[:1]
    written.write_text("the instructor's edit", encoding="utf-8")
    with pytest.raises(FileExistsError, match="01_a.ipynb exists"):
        write_student_notebooks(source, target)
    assert written.read_text(encoding="utf-8") == "the instructor's edit"
    write_student_notebooks(source, target, overwrite=True)
    assert _read(written)["cells"] == cells[:1]
    assert sorted(p.name for p in target.iterdir()) == ["01_a.ipynb"]


def test_bad_folders_are_refused_in_one_line(tmp_path, capsys):
    assert main([str(tmp_path / "missing"), str(tmp_path / "out")]) == 2
    assert "has no notebooks" in capsys.readouterr().err
    (tmp_path / "a.ipynb").write_text("{}", encoding="utf-8")
    assert main([str(tmp_path), str(tmp_path)]) == 2
    assert "is the source folder" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_every_stored_answer_output_is_folded_in_html_and_in_plain_text():
    for path in sorted(NOTEBOOKS.glob("*.ipynb")):
        for cell in _read(path)["cells"]:
            if cell["cell_type"] != "code" or ANSWER_TAG not in _tags(cell):
                continue
            assert cell["outputs"], (path.name, _code(cell))
            for output in cell["outputs"]:
                data = output.get("data", {})
                page = "".join(data.get("text/html", ""))
                assert output["output_type"] in ("display_data", "execute_result"), (path.name, output)
                assert page.startswith("<details") and page.count("<details") == page.count("</details>")
                assert "folded" in "".join(data["text/plain"]), (path.name, data["text/plain"])
