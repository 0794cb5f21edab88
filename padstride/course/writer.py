"""``padstride notebooks``: the notebooks written into a course folder, with what a course needs.

Everything is read and checked before anything is written, and the files are written all or
none, each whole (``safe_files.write_files``): a file that is there is never replaced without
``overwrite``, and an error, Ctrl-C or SIGTERM leaves nothing half-written behind.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from ..safe_files import user_path, write_files
from . import kit
from .files import (
    CONSTRAINTS,
    CONTENTS,
    SANITIZE,
    course_root,
    notebook_json,
    notebook_paths,
    read_notebook,
    set_source,
    source_text,
)
from .grading import for_nbgrader
from .handout import hand_out
from .selection import choose, for_subset, titles

CI_SERVICES = ("github",)
RUNNING_BULLET = re.compile(r"- \*\*Running them yourself:\*\*.*?(?=\n- )", re.S)


def course_files(
    *,
    only: Iterable[object] | None = None,
    student: bool = False,
    nbgrader: bool = False,
    ci: str | None = None,
    package: str | os.PathLike | None = None,
    source: str | os.PathLike | None = None,
) -> dict[str, bytes]:
    """What :func:`write_notebooks` writes, by path inside the course folder, built in memory
    (see there for the arguments)."""
    if student and nbgrader:
        raise ValueError(
            "student=True and nbgrader=True are not allowed together: nbgrader's generate_assignment "
            "makes the learners' copies from the nbgrader notebooks"
        )
    if ci is not None and ci not in CI_SERVICES:
        raise ValueError(f"ci={ci!r} is not allowed: use {', '.join(map(repr, CI_SERVICES))} or None")
    spec = kit.package_spec(package) if package is not None else kit.installed_spec()
    if ci is not None and spec is None:
        raise ValueError(
            "a CI workflow needs to know where padstride comes from, and this one was installed from a "
            f"folder, which a course's CI cannot reach: name it with package (--package); {kit.PACKAGE_FORMS}"
        )
    paths = {path.name: path for path in notebook_paths(source)}
    if CONTENTS not in paths:
        raise ValueError(f"source={str(source)!r} has no {CONTENTS}, the contents page a course starts from")
    chosen = choose(list(paths), only)
    notebooks = {name: read_notebook(paths[name]) for name in chosen}
    names = titles(notebooks[CONTENTS])
    files: dict[str, bytes] = {}
    for name, notebook in notebooks.items():
        notebook = for_subset(name, notebook, chosen, names)
        if name == CONTENTS:
            notebook = _course_setup(notebook, spec)
        if student:
            notebook = hand_out(notebook)
        if nbgrader:
            notebook = for_nbgrader(notebook, _solution)
        files[name] = notebook_json(notebook)
    root = course_root()
    sanitize = Path(source) / SANITIZE if source is not None else root / "notebooks" / SANITIZE
    if not sanitize.is_file():
        sanitize = root / "notebooks" / SANITIZE
    files[SANITIZE] = sanitize.read_bytes()
    files[CONSTRAINTS] = (root / CONSTRAINTS).read_bytes()
    files["README.md"] = kit.readme(
        chosen, spec, student=student, nbgrader=nbgrader, ci=ci is not None
    ).encode("utf-8")
    if ci is not None:
        files[kit.WORKFLOW] = kit.workflow(chosen, spec).encode("utf-8")
    if spec is not None and spec.kind == "wheel":
        files[f"{kit.WHEELS}/{spec.value}"] = spec.wheel.read_bytes()
    return files


def _solution(exercise_id: str, name: str) -> str:
    from ..exercises.checking import exercise

    return exercise(exercise_id).solution_code(name)


def _course_setup(contents: dict[str, Any], spec: kit.PackageSpec | None) -> dict[str, Any]:
    """The contents page with its set-up written for the course folder."""
    lines = kit.setup_commands(spec, "notebooks", windows=False)
    windows = kit.setup_commands(spec, "notebooks", windows=True)
    bullet = (
        "- **Running them yourself:** you need Python 3.11 or newer. In a terminal, in the folder that "
        "holds these notebooks, these commands make a virtual environment, install padstride with the "
        "versions the stored outputs were made with, fetch the MNIST digits and open JupyterLab "
        "(the folder's README.md says the same). On Linux and macOS:\n\n"
        "  ```sh\n" + "".join(f"  {line}\n" for line in lines) + "  ```\n\n"
        "  On Windows, in PowerShell:\n\n"
        "  ```powershell\n" + "".join(f"  {line}\n" for line in windows) + "  ```\n\n"
        "  The first time takes a few minutes; afterwards the last line alone opens JupyterLab again."
    )
    for cell in contents["cells"]:
        text = source_text(cell)
        if cell["cell_type"] == "markdown" and RUNNING_BULLET.search(text):
            set_source(cell, RUNNING_BULLET.sub(lambda _: bullet, text))
            return contents
    raise ValueError(f"{CONTENTS} has no set-up to write for the course ('- **Running them yourself:**')")


def write_notebooks(
    dest: str | os.PathLike,
    *,
    only: Iterable[object] | None = None,
    student: bool = False,
    nbgrader: bool = False,
    ci: str | None = None,
    package: str | os.PathLike | None = None,
    source: str | os.PathLike | None = None,
    overwrite: bool = False,
) -> list[Path]:
    """Write the notebooks into the course folder ``dest`` and return the files written.

    ``only`` names a subset (numbers or names, e.g. ``["02", "03", "07"]``); the contents page
    comes with it, rewritten for the subset. ``student`` writes the hand-out (no answer, no
    reveal); ``nbgrader`` writes nbgrader source notebooks; ``ci="github"`` adds a GitHub Actions
    workflow that runs them under nbval; ``package`` says where the course installs padstride
    from (a wheel file, copied into the course, a git URL, or ``padstride==VERSION``; default:
    where this padstride came from). ``source`` is a folder of notebooks to use instead of the
    ones padstride carries. Besides the notebooks: ``sanitize.cfg``, ``constraints.txt`` and a
    README.md saying how to open, check and refresh them.

    >>> write_notebooks("/nowhere/course", only=["99"])
    Traceback (most recent call last):
    ...
    ValueError: only='99' is not allowed: name notebooks by number or name: 00 (start_here), 01 (filters_and_feature_maps), 02 (padding), 03 (stride), 04 (mnist_models), 05 (training_tradeoffs), 06 (same_and_pad_modes), 07 (fields_pooling_transpose), 08 (real_architectures), 09 (quiz), 10 (pitfalls_and_porting)
    """
    folder = user_path(dest, "dest")
    if os.path.lexists(folder) and not folder.is_dir():
        raise ValueError(f"dest={str(dest)!r} is not allowed: it is a file, not a folder")
    files = course_files(only=only, student=student, nbgrader=nbgrader, ci=ci, package=package, source=source)
    return write_files({folder / name: data for name, data in files.items()}, overwrite=overwrite)
