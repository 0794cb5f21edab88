"""The notebooks for a course: any subset, the hand-out, nbgrader source notebooks and a CI
workflow, written by ``padstride notebooks`` from the notebooks an installed padstride carries.

>>> sorted(course_files(only=["02"]))
['00_start_here.ipynb', '02_padding.ipynb', 'README.md', 'constraints.txt', 'sanitize.cfg']
"""

from .files import NotebookError, course_root, notebook_paths, read_notebook
from .handout import hand_out, without_answers
from .writer import course_files, write_notebooks

__all__ = [
    "NotebookError",
    "course_files",
    "course_root",
    "hand_out",
    "notebook_paths",
    "read_notebook",
    "without_answers",
    "write_notebooks",
]
