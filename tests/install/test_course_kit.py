"""The course kit as an instructor and a learner use it, outside this checkout.

The sdist and the wheel are built as a release would build them (the wheel from the sdist),
installed into a fresh virtual environment with nothing of the checkout on its path, and
used as the README says: ``padstride notebooks`` writes a course, and the course's own README
checks it under nbval, offline once MNIST is cached; the hand-out runs; nbgrader's own
``generate_assignment`` and ``autograde`` grade a right, a wrong and a blank submission. The
README's set-up without make runs literally in a copy of the checkout. ``make course`` runs
these (``make test`` includes it).
"""

from __future__ import annotations

import csv
import json
import re
import subprocess
import time
import urllib.request
import zipfile
from pathlib import Path

import pytest

from tests.install.places import (
    CHECKOUT,
    code_blocks,
    offline,
    run,
    section,
    start,
    wait,
)

pytestmark = pytest.mark.course

COURSE = ["00_start_here.ipynb", "02_padding.ipynb", "03_stride.ipynb", "07_fields_pooling_transpose.ipynb"]


def test_the_sdist_and_the_wheel_carry_the_notebooks_their_sanitizers_and_the_pinned_versions(dist):
    with zipfile.ZipFile(dist.wheel) as wheel:
        names = set(wheel.namelist())
        bundled = "padstride/course/files/"
        for path in sorted((CHECKOUT / "notebooks").glob("*.ipynb")):
            assert wheel.read(f"{bundled}notebooks/{path.name}") == path.read_bytes()
        assert (
            wheel.read(f"{bundled}notebooks/sanitize.cfg")
            == (CHECKOUT / "notebooks/sanitize.cfg").read_bytes()
        )
        assert wheel.read(f"{bundled}constraints.txt") == (CHECKOUT / "constraints.txt").read_bytes()
        assert not any("__pycache__" in name or name.startswith("tests/") for name in names)
        extras = {
            line.split(":", 1)[1].strip()
            for line in wheel.read("padstride-0.1.0.dist-info/METADATA").decode().splitlines()
            if line.startswith("Provides-Extra:")
        }
    assert {"notebooks", "test", "onnx"} <= extras


def code_cells(folder, names) -> int:
    """How many code cells the notebooks ``names`` in ``folder`` hold."""
    cells = [
        cell for name in names for cell in json.loads((folder / name).read_text(encoding="utf-8"))["cells"]
    ]
    return sum(cell["cell_type"] == "code" for cell in cells)


def test_the_instructor_flow_passes_nbval_offline_and_the_hand_out_runs(instructor, tmp_path):
    env = instructor.env
    # As the README says: padstride notebooks, then the course README's check commands.
    written = run(
        [env.padstride, "notebooks", "course", "--only", "02", "03", "07", "--ci", "github"],
        cwd=tmp_path,
        env=env.vars,
    )
    course = tmp_path / "course"
    assert sorted(p.name for p in course.iterdir()) == sorted(
        [*COURSE, ".github", "README.md", "constraints.txt", "sanitize.cfg", "wheels"]
    ), written
    readme = (course / "README.md").read_text(encoding="utf-8")
    install, data, nbval = code_blocks(section(readme, "## Check them"))[0]
    assert (
        install
        == 'python -m pip install -c constraints.txt "./wheels/padstride-0.1.0-py3-none-any.whl[notebooks,test]"'
    )
    assert nbval.endswith(" ".join(COURSE))
    run(install, cwd=course, env=env.vars, shell=True)
    run(data, cwd=course, env=env.vars, shell=True, wrap=offline)
    run(
        [env.padstride, "notebooks", "handout", "--only", "02", "03", "07", "--student"],
        cwd=tmp_path,
        env=env.vars,
    )
    checks = [
        start(nbval, cwd=course, env=env.vars, shell=True, wrap=offline),
        start(nbval, cwd=tmp_path / "handout", env=env.vars, shell=True, wrap=offline),
    ]
    # nbval runs each code cell as one test
    cells = [code_cells(folder, COURSE) for folder in (course, tmp_path / "handout")]
    for process, expected in zip(checks, cells):
        out = wait(process)
        assert f"{expected} passed" in out.splitlines()[-1], out[-3000:]
    workflow = (course / ".github/workflows/notebooks.yml").read_text(encoding="utf-8")
    assert f"run: {install}" in workflow and f"run: {nbval}" in workflow and "run: padstride data" in workflow
    run([instructor.actionlint, ".github/workflows/notebooks.yml"], cwd=course)


def test_a_failing_check_reads_as_the_course_readme_says_and_the_refresh_command_restores_it(
    instructor, tmp_path
):
    env = instructor.env
    run([env.padstride, "notebooks", "course", "--only", "02"], cwd=tmp_path, env=env.vars)
    course = tmp_path / "course"
    readme = (course / "README.md").read_text(encoding="utf-8")
    assert "`Cell 6` is the seventh code cell" in readme
    assert "the lines marked `+` are the stored output and the lines marked `-` the new one" in readme
    contents = course / "00_start_here.ipynb"
    stored = contents.read_text(encoding="utf-8")
    assert "padstride:  14\\n" in stored and stored.count("padstride:  14") == 1
    contents.write_text(stored.replace("padstride:  14", "padstride:  15"), encoding="utf-8")
    nbval = code_blocks(section(readme, "## Check them"))[0][2].replace("02_padding.ipynb", "")
    result = run(nbval, cwd=course, env=env.vars, shell=True, check=False, wrap=offline)
    assert result.returncode == 1
    assert "00_start_here.ipynb::Cell 0" in result.stdout  # its only code cell, the notebook's seventh cell
    assert re.search(r"^\s+- stride:  14$", result.stdout, re.M)  # the new output
    assert re.search(r"^\s+\+ stride:  15$", result.stdout, re.M)  # the stored one
    refresh = code_blocks(section(readme, "## When a check fails"))[0][0].replace(
        "02_padding.ipynb", contents.name
    )
    run(refresh, cwd=course, env=env.vars, shell=True, wrap=offline)
    refreshed = json.loads(contents.read_text(encoding="utf-8"))
    (code,) = [cell for cell in refreshed["cells"] if cell["cell_type"] == "code"]
    assert "".join(code["outputs"][0]["text"]).endswith("padstride:  14\n")
    assert code["execution_count"] == 1 and "execution" not in code["metadata"]


def test_nbgrader_grades_a_right_submission_full_a_wrong_one_partly_and_a_blank_one_zero(
    instructor, tmp_path
):
    env = instructor.env
    source = tmp_path / "source" / "ps1"
    run([env.padstride, "notebooks", str(source), "--only", "02", "--nbgrader"], cwd=tmp_path, env=env.vars)
    install = code_blocks(
        section((source / "README.md").read_text(encoding="utf-8"), "## Grading with nbgrader")
    )[0][0]
    run(
        install.replace("constraints.txt", str(source / "constraints.txt")),
        cwd=tmp_path,
        env=env.vars,
        shell=True,
    )
    (tmp_path / "nbgrader_config.py").write_text(
        'c = get_config()\nc.CourseDirectory.course_id = "padstride"\n', encoding="utf-8"
    )
    run([env.bin / "nbgrader", "generate_assignment", "ps1"], cwd=tmp_path, env=env.vars)
    released = json.loads((tmp_path / "release/ps1/02_padding.ipynb").read_text(encoding="utf-8"))
    stubs = [
        cell for cell in released["cells"] if cell.get("metadata", {}).get("nbgrader", {}).get("solution")
    ]
    assert len(stubs) == 4 and all("raise NotImplementedError()" in "".join(c["source"]) for c in stubs)
    assert "BEGIN SOLUTION" not in json.dumps(released) and "(1, 2)" not in json.dumps(stubs)
    same_split_body = "total = kernel_size - 1\nreturn total // 2, total - total // 2"
    answers = {
        "right": {
            "2.1": "answer_1 = (1, 2)",
            "2.2": "answer_2 = ((2, 3), (3, 2))",
            "2.3": "answer_3 = 24",
            "2.4": same_split_body,
        },
        "wrong": {
            "2.1": "answer_1 = (1, 2)",
            "2.2": "answer_2 = ((3, 2), (2, 3))",
            "2.3": "answer_3 = 28",
            "2.4": "return kernel_size // 2, kernel_size // 2",
        },
        "blank": {},
    }
    for student, filled in answers.items():
        folder = tmp_path / "submitted" / student / "ps1"
        folder.mkdir(parents=True)
        (folder / "02_padding.ipynb").write_text(json.dumps(_fill(released, filled)), encoding="utf-8")
    run(
        [env.bin / "nbgrader", "autograde", "ps1", "--CourseDirectory.notebook_id=02_padding"],
        cwd=tmp_path,
        env=env.vars,
    )
    run([env.bin / "nbgrader", "export"], cwd=tmp_path, env=env.vars)
    with open(tmp_path / "grades.csv", encoding="utf-8") as grades:
        scores = {
            row["student_id"]: (float(row["score"]), float(row["max_score"]))
            for row in csv.DictReader(grades)
        }
    assert scores == {"right": (4.0, 4.0), "wrong": (1.0, 4.0), "blank": (0.0, 4.0)}


def _fill(notebook: dict, answers: dict[str, str]) -> dict:
    """The released notebook with each exercise's stub replaced by ``answers[id]``, indented
    like the stub, as a learner would write it."""
    filled = json.loads(json.dumps(notebook))
    for cell in filled["cells"]:
        text = "".join(cell["source"])
        match = re.match(r"# ([0-9.a-z]+):", text)
        if not (
            cell.get("metadata", {}).get("nbgrader", {}).get("solution") and match and match[1] in answers
        ):
            continue
        stub = re.search(r"( *)# YOUR CODE HERE\n *raise NotImplementedError\(\)", text)
        answer = "\n".join(stub[1] + line for line in answers[match[1]].splitlines())
        cell["source"] = text[: stub.start()] + answer + text[stub.end() :]
    return filled


def _fetch(url: str, seconds: float = 60) -> bytes:
    """The page at ``url``, asked again while the server is still starting."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(url, timeout=30) as page:
                return page.read()
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)


def test_the_readme_set_up_without_make_runs_as_written(readme_setup):
    """The README's Linux and macOS commands, run literally in a copy of the checkout: the
    environment, the pinned install, MNIST, and JupyterLab serving the notebooks."""
    project, commands, env = readme_setup.project, readme_setup.commands, readme_setup.env
    out = wait(readme_setup.process)  # every line but the last, started when the session began
    assert "MNIST verified" in out, out[-3000:]
    assert commands[-1] == ".venv/bin/jupyter lab notebooks"
    lab = start(commands[-1], cwd=project, env=env, shell=True)
    try:
        url = None
        for line in lab.stdout:
            found = re.search(r"(http://127\.0\.0\.1:\d+/lab\?token=\w+)", line)
            if found:
                url = found[1]
                break
        assert url, "JupyterLab did not say where it serves"
        assert (
            json.loads(_fetch(url.replace("/lab?", "/api/contents/02_padding.ipynb?")))["type"] == "notebook"
        )
    finally:
        lab.terminate()
        try:
            lab.wait(timeout=30)
        except subprocess.TimeoutExpired:
            lab.kill()
    installed = subprocess.run(
        [project / ".venv/bin/python", "-c", "import padstride, sys; print(padstride.__file__)"],
        capture_output=True,
        text=True,
        env=env,
        cwd="/",
        check=True,
    ).stdout
    assert "site-packages" in installed and not Path(installed.strip()).is_relative_to(CHECKOUT)
