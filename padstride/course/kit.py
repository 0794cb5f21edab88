"""What a course folder says and runs: where padstride is installed from, the set-up commands,
the nbval command, the course's README and its GitHub Actions workflow.

>>> package_spec("0.1.0").requirement("notebooks")
'padstride[notebooks]==0.1.0'
>>> nbval_command(["00_start_here.ipynb", "02_padding.ipynb"])
'python -m pytest -p no:randomly --nbval --nbval-current-env --nbval-sanitize-with sanitize.cfg 00_start_here.ipynb 02_padding.ipynb'
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from urllib.parse import unquote, urlparse

from .. import __version__
from ..checkout import checkout_root
from .files import CONSTRAINTS, SANITIZE

WHEELS = "wheels"
WORKFLOW = ".github/workflows/notebooks.yml"
PYTHON = "3.11"
_VERSION = re.compile(r"[0-9]+(\.[0-9]+)*([a-z]+[0-9]*)?")
_GIT_URL = re.compile(r"git\+(https|ssh)://[^\s\"'`$\\]+")
PACKAGE_FORMS = (
    "give a wheel file (padstride-0.1.0-py3-none-any.whl, copied into the course), "
    "a git URL (git+https://…), or a version on the package index (padstride==0.1.0)"
)


@dataclass(frozen=True)
class PackageSpec:
    """Where a course installs padstride from: a wheel committed to the course (``wheel``, the
    file to copy there), a git URL, or a version on the package index."""

    kind: str  # "wheel", "git" or "index"
    value: str  # the wheel's name, the URL or the version
    wheel: Path | None = None

    def requirement(self, extras: str) -> str:
        """The pip requirement with ``extras``, as the course's commands write it."""
        if self.kind == "wheel":
            return f"./{WHEELS}/{self.value}[{extras}]"
        if self.kind == "git":
            return f"padstride[{extras}] @ {self.value}"
        return f"padstride[{extras}]=={self.value}"

    def described(self) -> str:
        if self.kind == "wheel":
            return f"padstride comes from the wheel {WHEELS}/{self.value}, kept in this folder"
        if self.kind == "git":
            return f"padstride comes from the git repository {self.value}"
        return f"padstride {self.value} comes from the Python package index"


def package_spec(value: str | os.PathLike | None) -> PackageSpec:
    """``--package``, checked: a wheel file (it must exist), a git URL or a version.

    >>> package_spec("git+https://example.org/padstride.git").requirement("test")
    'padstride[test] @ git+https://example.org/padstride.git'
    >>> package_spec("padstride")
    Traceback (most recent call last):
    ...
    ValueError: package='padstride' is not allowed: give a wheel file (padstride-0.1.0-py3-none-any.whl, copied into the course), a git URL (git+https://…), or a version on the package index (padstride==0.1.0)
    """
    text = os.fspath(value) if value is not None else ""
    shown = f"package={text!r}"
    if text.endswith(".whl"):
        path = Path(text).expanduser()
        if not re.fullmatch(r"padstride-[^-]+-[^-]+-[^-]+-[^-]+\.whl", path.name):
            raise ValueError(
                f"{shown} is not allowed: a padstride wheel is named padstride-VERSION-py3-none-any.whl"
            )
        if not path.is_file():
            raise ValueError(f"{shown} is not allowed: there is no such file")
        return PackageSpec("wheel", path.name, path)
    if _GIT_URL.fullmatch(text):
        return PackageSpec("git", text)
    version = text.removeprefix("padstride==")
    if _VERSION.fullmatch(version):
        return PackageSpec("index", version)
    raise ValueError(f"{shown} is not allowed: {PACKAGE_FORMS}")


def installed_spec() -> PackageSpec | None:
    """Where this padstride was installed from, when a course can install it the same way: the
    wheel file (if it is still there), the git URL at its commit, or the package index. None
    for a checkout or a folder."""
    if checkout_root() is not None:
        return None
    try:
        distribution = metadata.distribution("padstride")
    except metadata.PackageNotFoundError:
        return None
    direct = distribution.read_text("direct_url.json")
    if direct is None:
        return PackageSpec("index", distribution.version)
    try:
        record = json.loads(direct)
        url = record["url"]
    except (ValueError, KeyError, TypeError):
        return None
    if "vcs_info" in record and record["vcs_info"].get("vcs") == "git":
        commit = record["vcs_info"].get("commit_id")
        found = f"git+{url}" + (f"@{commit}" if commit else "")
        return PackageSpec("git", found) if _GIT_URL.fullmatch(found) else None
    parsed = urlparse(url)
    if parsed.scheme == "file" and parsed.path.endswith(".whl"):
        path = Path(unquote(parsed.path))
        return PackageSpec("wheel", path.name, path) if path.is_file() else None
    return None


def nbval_command(notebooks: list[str]) -> str:
    """The command that runs ``notebooks`` under nbval, every stored output compared."""
    return (
        "python -m pytest -p no:randomly --nbval --nbval-current-env "
        f"--nbval-sanitize-with {SANITIZE} " + " ".join(notebooks)
    )


def refresh_command(notebook: str) -> str:
    """The command that runs ``notebook`` from a fresh kernel and stores its new outputs."""
    return (
        "jupyter nbconvert --to notebook --execute --inplace --ExecutePreprocessor.timeout=900 "
        f"--ExecutePreprocessor.record_timing=False --ExecutePreprocessor.store_widget_state=False {notebook}"
    )


def setup_commands(spec: PackageSpec | None, extras: str, windows: bool) -> list[str]:
    """Create a virtual environment in ``.venv``, install padstride with ``extras`` and the
    pinned versions into it, fetch MNIST and open JupyterLab; no activation needed."""
    requirement = spec.requirement(extras) if spec else f"PADSTRIDE[{extras}]"
    bin = ".venv\\Scripts\\" if windows else ".venv/bin/"
    return [
        "py -m venv .venv" if windows else "python3 -m venv .venv",
        f'{bin}python -m pip install -c {CONSTRAINTS} "{requirement}"',
        f"{bin}padstride data",
        f"{bin}jupyter lab",
    ]


def _block(lines: list[str], language: str) -> str:
    return f"```{language}\n" + "\n".join(lines) + "\n```"


def _where_from(spec: PackageSpec | None) -> str:
    if spec is not None:
        return f"{spec.described()}."
    return (
        f"These notebooks need padstride {__version__}. In the commands, write in place of PADSTRIDE "
        f"where your course installs it from: a wheel file (`./{WHEELS}/padstride-{__version__}-py3-none-any.whl`) "
        "or a git URL (`padstride @ git+https://…`)."
    )


def readme(notebooks: list[str], spec: PackageSpec | None, *, student: bool, nbgrader: bool, ci: bool) -> str:
    """The course folder's README.md: what is here, how to open the notebooks, how to check
    them, what to do when a check fails, and (for nbgrader notebooks) how to grade."""
    names = ", ".join(f"`{name}`" for name in notebooks)
    kind = "the hand-out, without the answers" if student else "the notebooks"
    if nbgrader:
        kind = "nbgrader source notebooks: each exercise's answer between solution markers, a locked test cell per exercise"
    text = [
        "# Padding and stride: course notebooks",
        "",
        f"Written by `padstride notebooks` (padstride {__version__}): {kind}. The notebooks: {names}.",
        f"Each runs in Jupyter, and each is a regression test too: a fresh run must print what it stores. {_where_from(spec)}",
        "",
        *_open_section(spec),
        "",
        *_check_section(notebooks, spec, ci),
        "",
        *_failing_section(notebooks[1] if len(notebooks) > 1 else notebooks[0]),
    ]
    if nbgrader:
        text += ["", *_nbgrader_section()]
    return "\n".join(text) + "\n"


def _open_section(spec: PackageSpec | None) -> list[str]:
    return [
        "## Open them",
        "",
        "Python 3.11 or newer. On Linux and macOS, in this folder:",
        "",
        _block(setup_commands(spec, "notebooks", windows=False), "sh"),
        "",
        "On Windows, in PowerShell:",
        "",
        _block(setup_commands(spec, "notebooks", windows=True), "powershell"),
        "",
        "`padstride data` fetches the MNIST digits once and keeps them in your cache folder; after "
        "that no network is needed. The versions in `constraints.txt` are the ones the stored "
        "outputs were made with. Later, the last line alone opens JupyterLab again.",
    ]


def _check_section(notebooks: list[str], spec: PackageSpec | None, ci: bool) -> list[str]:
    requirement = spec.requirement("notebooks,test") if spec else "PADSTRIDE[notebooks,test]"
    text = [
        "## Check them",
        "",
        "In an environment with padstride and the test tools (a course's CI, or `.venv` above with "
        "its `python` put first on the PATH):",
        "",
        _block(
            [
                f'python -m pip install -c {CONSTRAINTS} "{requirement}"',
                "padstride data",
                nbval_command(notebooks),
            ],
            "sh",
        ),
        "",
        f"nbval runs each notebook from a fresh kernel and compares every output with the stored one, "
        f"with the narrow rules of `{SANITIZE}` (ids that change on every run).",
    ]
    if ci:
        text.append(
            f"`{WORKFLOW}` runs the same on every push and pull request, on GitHub Actions, "
            "with MNIST cached between runs."
        )
    return text


def _failing_section(example: str) -> list[str]:
    return [
        "## When a check fails",
        "",
        f"nbval names a failing cell as `{example}::Cell N`, where N counts the notebook's code cells "
        "from 0: `Cell 6` is the seventh code cell, the one Jupyter numbers `[7]` after a fresh Run All. "
        "In its comparison, the lines marked `+` are the stored output and the lines marked `-` the "
        "new one, the reverse of git's diff.",
        "",
        "To see the change as git shows it, run the notebook again, storing its new outputs, and ask git:",
        "",
        _block([refresh_command(example), f"git diff {example}"], "sh"),
        "",
        "If the new output is right (you changed the cell, or a pinned version), commit it; "
        f"otherwise `git checkout {example}` puts the stored one back.",
    ]


def _nbgrader_section() -> list[str]:
    return [
        "## Grading with nbgrader",
        "",
        "These are nbgrader source notebooks: put them in your course's `source/<assignment>/` folder. "
        "Each exercise has a solution cell (the answer between `### BEGIN SOLUTION` and "
        "`### END SOLUTION`, which `nbgrader generate_assignment` replaces with a stub) and a locked "
        "test cell worth one point that checks it with `exercises.check`. A blank or wrong answer "
        "scores 0 on its exercise; nothing the lesson defines can pass a check for the learner.",
        "",
        _block(
            [
                f"python -m pip install -c {CONSTRAINTS} nbgrader",
                "nbgrader generate_assignment ASSIGNMENT",
                "nbgrader autograde ASSIGNMENT",
            ],
            "sh",
        ),
    ]


def workflow(notebooks: list[str], spec: PackageSpec) -> str:
    """A GitHub Actions workflow that runs ``notebooks`` under nbval, as the README says."""
    return f"""\
# The course's notebooks under nbval on every push and pull request: each notebook runs from a
# fresh kernel and every stored output is compared. Written by `padstride notebooks`.
name: notebooks

on:
  push:
  pull_request:

permissions:
  contents: read

jobs:
  nbval:
    runs-on: ubuntu-latest
    timeout-minutes: 60
    steps:
      - uses: actions/checkout@v5

      - uses: actions/setup-python@v6
        with:
          python-version: "{PYTHON}"
          cache: pip
          cache-dependency-path: {CONSTRAINTS}

      - name: padstride and the test tools, at the versions the stored outputs were made with
        run: python -m pip install -c {CONSTRAINTS} "{spec.requirement("notebooks,test")}"

      # padstride keeps MNIST in ~/.cache/padstride and checks it against pinned digests on
      # every load.
      - name: MNIST cache
        uses: actions/cache@v5
        with:
          path: ~/.cache/padstride
          key: padstride-mnist

      - name: MNIST
        run: padstride data

      - name: the notebooks under nbval
        run: {nbval_command(notebooks)}
"""
