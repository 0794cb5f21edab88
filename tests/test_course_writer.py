"""``padstride notebooks``: a course folder written whole, from checked sources, never over a
user's file; each bad input named in one line."""

import json
import re
from pathlib import Path

import pytest

from padstride.cli import main
from padstride.course import NotebookError, course_files, write_notebooks
from padstride.course.files import notebook_paths, source_text
from padstride.course.selection import links

SERIES = [path.name for path in notebook_paths()]


def _notebook(data: bytes) -> dict:
    return json.loads(data)


def _markdown(notebook: dict) -> str:
    return "\n".join(source_text(c) for c in notebook["cells"] if c["cell_type"] == "markdown")


def test_a_subset_has_its_contents_page_and_no_link_to_a_notebook_left_out(tmp_path):
    written = write_notebooks(tmp_path / "course", only=["02", "3", "fields_pooling_transpose"])
    names = sorted(path.name for path in written)
    assert names == sorted(
        ["00_start_here.ipynb", "02_padding.ipynb", "03_stride.ipynb", "07_fields_pooling_transpose.ipynb"]
        + ["README.md", "constraints.txt", "sanitize.cfg"]
    )
    for path in written:
        if path.suffix == ".ipynb":
            notebook = json.loads(path.read_text(encoding="utf-8"))
            assert set(links(notebook)) <= set(names), path.name
    contents = json.loads((tmp_path / "course" / "00_start_here.ipynb").read_text(encoding="utf-8"))
    rows = re.findall(r"^\| \[(\d\d) ", _markdown(contents), re.M)
    assert rows == ["02", "03", "07"]
    assert "This course has 3 of the series' 10 notebooks" in _markdown(contents)
    assert "**Start:** [02 Padding](02_padding.ipynb)" in _markdown(contents)
    ends = {
        name: source_text(json.loads((tmp_path / "course" / name).read_text(encoding="utf-8"))["cells"][-1])
        for name in names
        if name.endswith(".ipynb") and not name.startswith("00")
    }
    assert ends["02_padding.ipynb"].startswith("**Next:** [3. Stride](03_stride.ipynb)")  # kept as it was
    assert ends["03_stride.ipynb"] == (
        "**Next:** [07 Fields and pooling](07_fields_pooling_transpose.ipynb). "
        "Back to the [contents](00_start_here.ipynb)."
    )
    assert ends["07_fields_pooling_transpose.ipynb"] == (
        "This is the last notebook of this course. Back to the [contents](00_start_here.ipynb)."
    )
    # a link to a notebook left out keeps its words
    padding = json.loads((tmp_path / "course" / "02_padding.ipynb").read_text(encoding="utf-8"))
    assert "Notebook 6 shows where" in _markdown(padding).replace("\n", " ")


def test_the_whole_series_is_written_unchanged_but_for_its_set_up(tmp_path):
    files = course_files(package="padstride==0.1.0")
    for name in SERIES:
        original = json.loads((notebook_paths()[0].parent / name).read_text(encoding="utf-8"))
        copy = _notebook(files[name])
        if name != "00_start_here.ipynb":
            assert copy == original, name
    contents = _markdown(_notebook(files["00_start_here.ipynb"]))
    assert '.venv/bin/python -m pip install -c constraints.txt "padstride[notebooks]==0.1.0"' in contents
    assert (
        '.venv\\Scripts\\python -m pip install -c constraints.txt "padstride[notebooks]==0.1.0"' in contents
    )
    assert ".[notebooks]" not in contents and "make lab" not in contents


def test_the_hand_out_keeps_no_answer(tmp_path):
    files = course_files(only=["02", "09"], student=True)
    for name in ("02_padding.ipynb", "09_quiz.ipynb", "00_start_here.ipynb"):
        notebook = _notebook(files[name])
        assert all("answer" not in c.get("metadata", {}).get("tags", []) for c in notebook["cells"])
        text = json.dumps(notebook["cells"])
        assert "show_answer" not in text and "cell after it" not in text, name


def test_nbgrader_notebooks_have_a_solution_and_a_locked_graded_check_per_exercise():
    notebook = _notebook(course_files(only=["02"], nbgrader=True)["02_padding.ipynb"])
    graded = [c for c in notebook["cells"] if "nbgrader" in c.get("metadata", {})]
    kinds = [
        (
            "solution"
            if c["metadata"]["nbgrader"]["solution"]
            else "test"
            if c["metadata"]["nbgrader"]["grade"]
            else "setup"
        )
        for c in graded
    ]
    assert kinds == ["setup"] + ["solution", "test"] * 4
    ids = [c["metadata"]["nbgrader"]["grade_id"] for c in graded]
    assert len(set(ids)) == len(ids) and ids[1:3] == ["exercise-2-1", "exercise-2-1-check"]
    assert all(c["metadata"]["nbgrader"]["locked"] for c, kind in zip(graded, kinds) if kind != "solution")
    assert [c["metadata"]["nbgrader"].get("points") for c, k in zip(graded, kinds) if k == "test"] == [1] * 4
    solution = source_text(graded[7])
    assert "def same_split(n, kernel_size):\n    ### BEGIN SOLUTION\n    total = " in solution
    assert "exercises.show_answers" not in json.dumps(notebook)
    assert "the locked cell after it checks the answer" in _markdown(notebook)


def _cells_of(notebook):
    return [source_text(c) for c in notebook["cells"] if "nbgrader" in c.get("metadata", {})]


def _grade(cells, answers, lesson):
    """Run the graded cells as nbgrader's autograde would, each solution region replaced by
    ``answers[id]`` (None: nbgrader's stub); the points scored."""
    namespace = dict(lesson)
    points = 0
    for text in cells:
        if "### BEGIN SOLUTION" in text:
            exercise_id = text.split(":", 1)[0].removeprefix("# ")
            region = re.search(r"( *)### BEGIN SOLUTION\n.*### END SOLUTION", text, re.S)
            stub = answers.get(exercise_id) or "# YOUR CODE HERE\nraise NotImplementedError()"
            stub = "\n".join(region[1] + line for line in stub.splitlines())
            text = text[: region.start()] + stub + text[region.end() :]
        try:
            exec(text, namespace)
        except Exception:
            continue
        points += text.startswith("result = exercises.check")
    return points


def test_a_blank_submission_scores_zero_even_where_the_lesson_defined_a_right_function():
    from padstride.exercises.bank_1_to_3 import SAME_SPLIT_CODE

    cells = _cells_of(_notebook(course_files(only=["02"], nbgrader=True)["02_padding.ipynb"]))
    lesson = {}
    exec(SAME_SPLIT_CODE, lesson)  # the lesson's own, right, same_split
    lesson["answer_1"] = (1, 2)  # and a right value under an answer's name
    assert _grade(cells, {}, lesson) == 0
    body = SAME_SPLIT_CODE.split("\n", 1)[1].replace("\n    ", "\n").strip()  # the function's body
    right = {
        "2.1": "answer_1 = (1, 2)",
        "2.2": "answer_2 = ((2, 3), (3, 2))",
        "2.4": body,
        "2.3": "answer_3 = 24",
    }
    assert _grade(cells, right, lesson) == 4
    wrong = {"2.1": "answer_1 = (2, 1)", "2.2": "answer_2 = ((3, 2), (2, 3))", "2.3": "answer_3 = 28"}
    assert _grade(cells, wrong | {"2.4": "return kernel_size // 2, kernel_size // 2"}, lesson) == 0


def test_the_stride_notebook_grades_right_answers_full_and_wrong_or_blank_ones_zero():
    from padstride.exercises.bank_1_to_3 import OUTPUT_SIZE_CODE, STRIDED_SPLIT_CODE

    cells = _cells_of(_notebook(course_files(only=["03"], nbgrader=True)["03_stride.ipynb"]))
    assert [text.split(":", 1)[0] for text in cells if "### BEGIN SOLUTION" in text] == [
        f"# 3.{i}" for i in range(1, 6)
    ]
    lesson = {}
    exec(STRIDED_SPLIT_CODE, lesson)  # a right same_split, defined before the exercises
    assert _grade(cells, {}, lesson) == 0

    def body(code):
        return code.split("\n", 1)[1].replace("\n    ", "\n").strip()

    right = {
        "3.1": "answer_1 = 8",
        "3.2": "answer_2 = {11: (6, (2, 2)), 12: (6, (1, 2))}",
        "3.3": "answer_3 = (6, 159)",
        "3.4": body(OUTPUT_SIZE_CODE),
        "3.5": body(STRIDED_SPLIT_CODE),
    }
    assert _grade(cells, right, lesson) == 5
    wrong = {
        "3.1": "answer_1 = 9",
        "3.2": "answer_2 = {11: (6, (2, 2)), 12: (6, (2, 1))}",
        "3.3": "answer_3 = (7, 159)",
        "3.4": "return -(-n // strides)",
        "3.5": "total = kernel_size - 1\nreturn total // 2, total - total // 2",
    }
    assert _grade(cells, wrong, lesson) == 0


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("null", "its JSON is a NoneType, not an object"),
        ("[1, 2]", "its JSON is a list, not an object"),
        ('{"nbformat": 4, "metadata": null, "cells": []}', "its metadata is not an object"),
        ('{"nbformat": 4, "metadata": {}, "cells": {}}', "it has no list of cells"),
        (
            '{"nbformat": 4, "metadata": {}, "cells": [{"cell_type": "code", "source": 3}]}',
            "cell 0 has no text source",
        ),
        (
            '{"nbformat": 4, "metadata": {}, "cells": [{"cell_type": "code", "source": "", "metadata": {"tags": "answer"}}]}',
            "cell 0 has tags that are not a list",
        ),
        ('{"cells": [', "bad JSON at line 1, column 12"),
    ],
)
def test_a_bad_source_notebook_is_named_in_one_line_and_nothing_is_written(tmp_path, capsys, text, message):
    source = tmp_path / "source"
    source.mkdir()
    for path in notebook_paths()[:4]:
        (source / path.name).write_bytes(path.read_bytes())
    (source / "02_padding.ipynb").write_text(text, encoding="utf-8")
    with pytest.raises(NotebookError, match=re.escape(message)):
        write_notebooks(tmp_path / "course", source=source)
    assert main(["notebooks", str(tmp_path / "course"), "--source", str(source)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and str(source / "02_padding.ipynb") in err and message in err
    assert not (tmp_path / "course").exists()


def test_nothing_is_replaced_without_overwrite_and_nothing_half_written(tmp_path, capsys):
    course = tmp_path / "course"
    write_notebooks(course, only=["02"])
    (course / "02_padding.ipynb").write_text("the instructor's edit", encoding="utf-8")
    (course / "02_padding.ipynb.partial").write_text("the instructor's notes", encoding="utf-8")
    before = {path.name: path.read_bytes() for path in course.iterdir()}
    assert main(["notebooks", str(course), "--only", "02", "03"]) == 2
    err = capsys.readouterr().err
    assert "already exists and was left as it is: nothing was written (--overwrite replaces it)" in err
    assert {path.name: path.read_bytes() for path in course.iterdir()} == before
    assert main(["notebooks", str(course), "--only", "02", "--overwrite"]) == 0
    assert (course / "02_padding.ipynb").read_text(encoding="utf-8").startswith("{")
    assert (course / "02_padding.ipynb.partial").read_text(encoding="utf-8") == "the instructor's notes"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--only", "11"], "only='11' is not allowed: name notebooks by number or name: 00 (start_here)"),
        (["--only", "padding,quizz"], "only='quizz' is not allowed"),
        (["--student", "--nbgrader"], "not allowed with argument"),
        (["--ci", "gitlab"], "invalid choice: 'gitlab'"),
        (["--package", "padstride"], "package='padstride' is not allowed: give a wheel file"),
        (["--package", "nowhere/padstride-0.1.0-py3-none-any.whl"], "there is no such file"),
        (["--package", "git+http://example.org/x"], "package='git+http://example.org/x' is not allowed"),
        (["--ci", "github"], "a CI workflow needs to know where padstride comes from"),
        (["--source", "/nowhere"], "source='/nowhere' is not a folder of notebooks"),
    ],
)
def test_bad_options_are_refused_in_one_line(tmp_path, capsys, args, message):
    assert main(["notebooks", str(tmp_path / "course"), *args]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and message in err, err
    assert not (tmp_path / "course").exists()


def test_a_file_where_the_course_folder_should_be_is_refused(tmp_path, capsys):
    (tmp_path / "course").write_text("mine")
    assert main(["notebooks", str(tmp_path / "course")]) == 2
    assert "dest=" in capsys.readouterr().err and (tmp_path / "course").read_text() == "mine"


def test_a_wheel_is_copied_into_the_course_and_the_workflow_installs_it(tmp_path):
    wheel = tmp_path / "padstride-0.1.0-py3-none-any.whl"
    wheel.write_bytes(b"PK a wheel")
    files = course_files(only=["02"], ci="github", package=wheel)
    assert files["wheels/padstride-0.1.0-py3-none-any.whl"] == b"PK a wheel"
    workflow = files[".github/workflows/notebooks.yml"].decode()
    assert (
        'python -m pip install -c constraints.txt "./wheels/padstride-0.1.0-py3-none-any.whl[notebooks,test]"'
        in workflow
    )
    assert "--nbval-sanitize-with sanitize.cfg 00_start_here.ipynb 02_padding.ipynb" in workflow
    assert "path: ~/.cache/padstride" in workflow


def test_notebook_cells_keep_valid_nbformat_ids(tmp_path):
    nbformat = pytest.importorskip("nbformat")
    for options in ({"student": True}, {"nbgrader": True}, {}):
        for name, data in course_files(only=["02", "03", "07", "09"], **options).items():
            if name.endswith(".ipynb"):
                nbformat.validate(nbformat.reads(data.decode(), as_version=4))
                ids = [cell["id"] for cell in _notebook(data)["cells"]]
                assert len(ids) == len(set(ids)), name


def test_the_command_lists_what_it_wrote(tmp_path, capsys):
    assert main(["notebooks", str(tmp_path / "c"), "--only", "01"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert sorted(Path(line).name for line in out) == sorted(
        [
            "00_start_here.ipynb",
            "01_filters_and_feature_maps.ipynb",
            "README.md",
            "constraints.txt",
            "sanitize.cfg",
        ]
    )


def test_ctrl_c_ends_the_command_in_one_line_without_a_traceback(tmp_path, capsys, monkeypatch):
    import padstride.course

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(padstride.course, "write_notebooks", interrupted)
    assert main(["notebooks", str(tmp_path / "course")]) == 130
    assert capsys.readouterr().err == "padstride: interrupted\n"
