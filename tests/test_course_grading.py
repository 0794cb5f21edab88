"""An exercise cell as nbgrader cells: a solution region and a graded check per exercise."""

import pytest

from padstride.course.files import NotebookError
from padstride.course.grading import Blank, blanks, graded_cells

CELL = """from padstride import exercises

answer_1 = ...  # a size
answer_2 = ...  # a dict {n: (output size, (before, after))} for n = 11 and 12


def output_size(n, kernel_size, strides, padding): ...  # return the output size


def same_split(n, kernel_size, strides): ...  # return (before, after)


print(exercises.check("3.2", answer_2))
print(exercises.check("3.1", answer_1))
print(exercises.check("3.5", same_split))
print(exercises.check("3.4", output_size))
"""


def test_the_blanks_are_read_in_the_order_they_are_checked():
    assert blanks(CELL) == [
        Blank("3.2", "answer_2", "a dict {n: (output size, (before, after))} for n = 11 and 12"),
        Blank("3.1", "answer_1", "a size"),
        Blank("3.5", "same_split", "return (before, after)", "def same_split(n, kernel_size, strides):"),
        Blank(
            "3.4",
            "output_size",
            "return the output size",
            "def output_size(n, kernel_size, strides, padding):",
        ),
    ]


def test_a_check_of_a_name_the_cell_does_not_define_is_refused():
    with pytest.raises(NotebookError, match="does not check a name the cell defines"):
        blanks('print(exercises.check("1.1", answer_9))\n')
    with pytest.raises(NotebookError, match="checks no answer"):
        blanks("answer_1 = ...\n")


def test_functions_keep_their_signature_outside_the_solution():
    cells = graded_cells(
        CELL,
        lambda exercise_id, name: (
            f"def {name}(a):\n    return 1" if name in ("output_size", "same_split") else f"{name} = 1"
        ),
    )
    sources = ["".join(cell["source"]) for cell in cells]
    assert sources[0].endswith(
        "for name in ('answer_2', 'answer_1', 'same_split', 'output_size'):\n    globals().pop(name, None)"
    )
    assert sources[1] == (
        "# 3.2: answer_2 = a dict {n: (output size, (before, after))} for n = 11 and 12\n"
        "### BEGIN SOLUTION\nanswer_2 = 1\n### END SOLUTION"
    )
    assert sources[5] == (
        "# 3.5: return (before, after)\ndef same_split(n, kernel_size, strides):\n"
        "    ### BEGIN SOLUTION\n    return 1\n    ### END SOLUTION"
    )
    assert sources[7] == (
        "# 3.4: return the output size\ndef output_size(n, kernel_size, strides, padding):\n"
        "    ### BEGIN SOLUTION\n    return 1\n    ### END SOLUTION"
    )
    assert sources[8] == 'result = exercises.check("3.4", output_size)\nassert result, result'
