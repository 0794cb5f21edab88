"""Fixtures of the install tests: the release files, an instructor's fresh environment with the
wheel installed, and the README's set-up without make, started at once in the background."""

from __future__ import annotations

import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.install.places import (
    CHECKOUT,
    Environment,
    code_blocks,
    environment,
    fresh_vars,
    run,
    section,
    start,
)


@dataclass
class Dist:
    sdist: Path
    wheel: Path


@pytest.fixture(scope="session")
def dist(tmp_path_factory) -> Dist:
    """The sdist, and the wheel built from it, as ``python -m build`` makes a release."""
    out = tmp_path_factory.mktemp("dist")
    run([sys.executable, "-m", "build", "--outdir", str(out), str(CHECKOUT)], cwd=out)
    (sdist,) = out.glob("padstride-*.tar.gz")
    (wheel,) = out.glob("padstride-*.whl")
    return Dist(sdist, wheel)


@dataclass
class Instructor:
    env: Environment
    actionlint: Path


@pytest.fixture(scope="session")
def instructor(tmp_path_factory, dist, readme_setup) -> Instructor:
    """An empty folder with only the wheel, and ``pip install "<wheel>[notebooks,test]"`` run in
    a fresh environment there, as the README says. The versions are pinned by PIP_CONSTRAINT
    (what the index offers changes from day to day; the course's own install pins them too)."""
    folder = tmp_path_factory.mktemp("instructor")
    shutil.copy(dist.wheel, folder)
    env = environment(folder / "env", tmp_path_factory.mktemp("instructor-home"))
    pinned = dict(env.vars, PIP_CONSTRAINT=str(CHECKOUT / "constraints.txt"))
    run(
        [env.bin / "python", "-m", "pip", "install", "-q", f"{dist.wheel.name}[notebooks,test]"],
        cwd=folder,
        env=pinned,
    )
    actionlint = Path(sys.prefix) / "bin" / "actionlint"
    return Instructor(env, actionlint)


@dataclass
class ReadmeSetup:
    project: Path
    commands: list[str]
    env: dict[str, str]
    process: subprocess.Popen


@pytest.fixture(scope="session")
def readme_setup(tmp_path_factory) -> ReadmeSetup:
    """A copy of the checkout (its files under version control, and new ones not ignored) where
    the README's Linux and macOS set-up without make runs, every line but the last (which
    opens JupyterLab), started in the background so that it runs beside the other tests."""
    project = tmp_path_factory.mktemp("project")
    listed = (
        subprocess.run(
            ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
            cwd=CHECKOUT,
            capture_output=True,
            check=True,
        )
        .stdout.decode()
        .split("\0")
    )
    for name in filter(None, listed):
        source = CHECKOUT / name
        if source.is_file():
            (project / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, project / name)
    readme = (CHECKOUT / "README.md").read_text(encoding="utf-8")
    (commands,) = [
        block
        for block in code_blocks(section(readme, "## Start without make"))
        if "python3 -m venv .venv" in block[0]
    ]
    env = fresh_vars(tmp_path_factory.mktemp("learner-home"))
    process = start(" && ".join(commands[:-1]), cwd=project, env=env, shell=True)
    yield ReadmeSetup(project, commands, env, process)
    if process.poll() is None:
        process.kill()
        process.wait()
