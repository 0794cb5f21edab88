"""An exercise cell as nbgrader cells: a solution region and a graded check per exercise."""

import pytest

from padstride.course.files import NotebookError
from padstride.course.grading import Blank, blanks, graded_cells

CELL = """from padstride import exercises

answer_1 = ...  # a number
answer_2 = ...  # two sizes


def output_size(n, kernel_size, strides, padding): ...  # return the output size


print(exercises.check("3.2", answer_2))
print(exercises.check("3.1", answer_1))
print(exercises.check("3.4", output_size))
"""


def test_the_blanks_are_read_in_the_order_they_are_checked():
    assert blanks(CELL) == [
        Blank("3.2", "answer_2", "two sizes"),
        Blank("3.1", "answer_1", "a number"),
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
        lambda exercise_id, name: f"def {name}(a):\n    return 1" if name == "output_size" else f"{name} = 1",
    )
    sources = ["".join(cell["source"]) for cell in cells]
    assert sources[0].endswith(
        "for name in ('answer_2', 'answer_1', 'output_size'):\n    globals().pop(name, None)"
    )
    assert sources[1] == "# 3.2: answer_2 = two sizes\n### BEGIN SOLUTION\nanswer_2 = 1\n### END SOLUTION"
    assert sources[5] == (
        "# 3.4: return the output size\ndef output_size(n, kernel_size, strides, padding):\n"
        "    ### BEGIN SOLUTION\n    return 1\n    ### END SOLUTION"
    )
    assert sources[6] == 'result = exercises.check("3.4", output_size)\nassert result, result'
