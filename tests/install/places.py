"""Fresh environments, folders and commands for the install tests: nothing of the checkout on
their path, HOME and the caches their own (pip's download cache shared, for speed), MNIST
cached as a course's CI caches it, and a way to run a command with no network at all."""

from __future__ import annotations

import functools
import os
import re
import shlex
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

CHECKOUT = Path(__file__).resolve().parents[2]
TIMEOUT = 900
# What a course's CI does not have: this repository's Makefile settings and test set-up.
NOT_IN_A_COURSE = (
    "VIRTUAL_ENV",
    "PYTHONPATH",
    "PYTHONHASHSEED",
    "TF_CPP_MIN_LOG_LEVEL",
    "MPLBACKEND",
    "PYTEST_ADDOPTS",
    "PYTHONDONTWRITEBYTECODE",
    "PIP_CONSTRAINT",
)


def pip_cache() -> str:
    found = subprocess.run(
        [sys.executable, "-m", "pip", "cache", "dir"], capture_output=True, text=True, check=False
    ).stdout.strip()
    return found or str(Path.home() / ".cache" / "pip")


def fresh_vars(home: Path) -> dict[str, str]:
    """Environment variables for a user whose HOME is ``home``, MNIST already in its cache."""
    env = {key: value for key, value in os.environ.items() if key not in NOT_IN_A_COURSE}
    env.update(
        HOME=str(home),
        XDG_CACHE_HOME=str(home / ".cache"),
        KERAS_HOME=str(home / ".keras"),
        JUPYTER_CONFIG_DIR=str(home / ".jupyter"),
        PIP_CACHE_DIR=pip_cache(),
        PIP_DISABLE_PIP_VERSION_CHECK="1",
    )
    mnist = home / ".cache" / "padstride" / "mnist.npz"
    mnist.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(CHECKOUT / "data" / "mnist.npz", mnist)  # as actions/cache restores it
    if os.geteuid() == 0:  # Jupyter refuses root unless told; a learner is not root
        (home / ".jupyter").mkdir(exist_ok=True)
        (home / ".jupyter" / "jupyter_server_config.json").write_text(
            '{"ServerApp": {"allow_root": true, "open_browser": false}}', encoding="utf-8"
        )
    return env


@dataclass
class Environment:
    """A virtual environment and the variables to use it as if it were activated."""

    folder: Path
    vars: dict[str, str]

    @property
    def bin(self) -> Path:
        return self.folder / "bin"

    @property
    def padstride(self) -> Path:
        return self.bin / "padstride"


def environment(folder: Path, home: Path) -> Environment:
    subprocess.run([sys.executable, "-m", "venv", str(folder)], check=True)
    env = fresh_vars(home)
    env["PATH"] = f"{folder / 'bin'}{os.pathsep}{env['PATH']}"
    return Environment(folder, env)


@functools.cache
def can_go_offline() -> bool:
    """Whether this machine lets a process run in a network namespace of its own."""
    probe = subprocess.run(
        ["unshare", "-rn", "sh", "-c", "ip link set lo up"], capture_output=True, check=False
    )
    return probe.returncode == 0


def offline(command: list[str] | str, shell: bool) -> list[str] | str:
    """``command`` run with no network but loopback (a kernel talks to Jupyter on it)."""
    if not can_go_offline():
        return command
    text = command if shell else shlex.join(map(str, command))
    return ["unshare", "-rn", "sh", "-c", f"ip link set lo up && {text}"]


def _prepared(command, shell, wrap):
    command = command if shell else [str(part) for part in command]
    if wrap is not None:
        command = wrap(command, shell)
        shell = isinstance(command, str)
    return command, shell


def run(command, *, cwd, env=None, shell=False, check=True, wrap=None) -> subprocess.CompletedProcess:
    """Run ``command``; a failure shows what it printed."""
    command, shell = _prepared(command, shell, wrap)
    result = subprocess.run(
        command, cwd=cwd, env=env, shell=shell, capture_output=True, text=True, timeout=TIMEOUT, check=False
    )
    if check and result.returncode != 0:
        raise AssertionError(
            f"{command} exited {result.returncode}:\n{result.stdout[-4000:]}\n{result.stderr[-4000:]}"
        )
    return result


def start(command, *, cwd, env=None, shell=False, wrap=None) -> subprocess.Popen:
    """Start ``command`` in the background, standard error merged into its output."""
    command, shell = _prepared(command, shell, wrap)
    return subprocess.Popen(
        command, cwd=cwd, env=env, shell=shell, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )


def wait(process: subprocess.Popen) -> str:
    """What a started command printed, once it has ended well."""
    out, _ = process.communicate(timeout=TIMEOUT)
    if process.returncode != 0:
        raise AssertionError(f"{process.args} exited {process.returncode}:\n{out[-6000:]}")
    return out


def section(markdown: str, heading: str) -> str:
    """The text under ``heading`` up to the next heading of the same level."""
    level = heading.split(" ", 1)[0]
    start_at = markdown.index(heading + "\n") + len(heading)
    end = re.search(rf"^{re.escape(level)} ", markdown[start_at:], re.M)
    return markdown[start_at : start_at + end.start()] if end else markdown[start_at:]


def code_blocks(markdown: str) -> list[list[str]]:
    """The lines of each fenced code block, in order (indentation of a list item removed)."""
    blocks = re.findall(r"^( *)```[a-z]*\n(.*?)^\1```", markdown, re.M | re.S)
    return [[line.removeprefix(indent) for line in body.splitlines()] for indent, body in blocks]
