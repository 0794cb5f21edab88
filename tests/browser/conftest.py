"""Fixtures for the browser tests: Debian's Chromium driven by Playwright, a JupyterLab server
on a scratch copy of the notebooks, and the static site.

Every page runs in one Chromium profile made for the run. Chromium resolves no host but the
local one, and every request to another host is recorded, so a test can fail on it. A failing
test leaves a screenshot in build/browser-failures/ (git-ignored).
"""

from __future__ import annotations

import functools
import http.server
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.browser.pages import NOTEBOOKS, ROOT, SITE, SITE_PAGES, notebook_named

SCREENSHOTS = ROOT / "build" / "browser-failures"
CHROMIUM = Path(os.environ.get("PADSTRIDE_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    # Nothing but this machine can be reached, whatever a page asks for.
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost",
]
LOCAL_HOSTS = {"127.0.0.1", "localhost", "[::1]", "::1"}
INSTALL_HINT = "install Chromium to run them: sudo apt-get install chromium"

# JupyterLab user settings for the run: every cell in the page (no virtual scrolling, so every
# picture is in the document), no news or update checks.
LAB_SETTINGS = {
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
    # The scratch notebooks stay as they were copied, whatever the tests run in them.
    "@jupyterlab/docmanager-extension/plugin.jupyterlab-settings": {"autosave": False},
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {
        "fetchNews": "false",
        "checkForUpdates": False,
    },
}


@dataclass
class Traffic:
    """What pages asked for that this machine does not serve, and what they logged as errors."""

    external: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)  # answers 400 and above, with their address

    def clear(self) -> None:
        self.external.clear()
        self.console_errors.clear()
        self.failed.clear()


def pytest_runtest_makereport(item, call):
    if call.when == "call":
        item.browser_failed = call.excinfo is not None


@pytest.fixture(scope="session")
def chromium(tmp_path_factory) -> Iterator[tuple[object, Traffic]]:
    if not CHROMIUM.exists():
        message = f"no Chromium at {CHROMIUM}: the browser tests need it; {INSTALL_HINT}"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    traffic = Traffic()

    def on_request(request) -> None:
        host = urlsplit(request.url).hostname
        if request.url.startswith(("http:", "https:", "ws:", "wss:")) and host not in LOCAL_HOSTS:
            traffic.external.append(request.url)

    def on_console(message) -> None:
        if message.type == "error":
            traffic.console_errors.append(message.text)

    def on_response(response) -> None:
        if response.status >= 400:
            traffic.failed.append(f"{response.status} {response.url}")

    def on_page(page) -> None:
        page.on("console", on_console)
        page.on("pageerror", lambda error: traffic.console_errors.append(f"uncaught: {error}"))

    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            tmp_path_factory.mktemp("chromium-profile"),
            executable_path=str(CHROMIUM),
            headless=True,
            args=CHROMIUM_FLAGS,
            viewport={"width": 1280, "height": 900},
        )
        context.on("request", on_request)
        context.on("response", on_response)
        context.on("page", on_page)
        try:
            yield context, traffic
        finally:
            context.close()


def save_screenshot(tab, test_name: str) -> None:
    """A full-page screenshot of ``tab`` in build/browser-failures/, named after the test."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    name = re.sub(r"[^A-Za-z0-9_.-]+", "_", test_name)
    try:
        tab.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
    except Exception as error:  # a crashed tab must not hide the test's own failure
        print(f"no screenshot for {name}: {error}", file=sys.stderr)


@pytest.fixture
def page(chromium, request):
    """A fresh tab; on failure, a full-page screenshot named after the test."""
    context, traffic = chromium
    traffic.clear()
    tab = context.new_page()
    tab.set_default_timeout(30_000)
    yield tab
    if getattr(request.node, "browser_failed", False):
        save_screenshot(tab, request.node.name)
    tab.close()


@pytest.fixture
def traffic(chromium) -> Traffic:
    return chromium[1]


@pytest.fixture(scope="session")
def notebook_stride() -> Path:
    return notebook_named("*_stride.ipynb")


@pytest.fixture(scope="session")
def notebook_quiz() -> Path:
    return notebook_named("*_quiz.ipynb")


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


@pytest.fixture(scope="session")
def site_url() -> Iterator[str]:
    """The built site (build/site) served from this machine."""
    if not SITE_PAGES:
        pytest.fail(f"no site in {SITE}: build it first with make site")
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(QuietHandler, directory=str(SITE))
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass(frozen=True)
class Jupyter:
    """A running Jupyter server: its address, token and scratch folder of notebooks."""

    base: str
    token: str
    root: Path

    def url(self, path: str) -> str:
        return f"{self.base}/{path.lstrip('/')}?token={self.token}"

    def scratch_copy(self, notebook: Path, folder: str) -> str:
        """Copy ``notebook`` into its own folder under the server root; its path for URLs."""
        (self.root / folder).mkdir(exist_ok=True)
        shutil.copy2(notebook, self.root / folder / notebook.name)
        return f"{folder}/{notebook.name}"


@pytest.fixture(scope="session")
def jupyter(tmp_path_factory, chromium) -> Iterator[Jupyter]:
    """JupyterLab (with Notebook 7's pages) from this environment on a copy of the notebooks."""
    home = tmp_path_factory.mktemp("jupyter")
    root = home / "notebooks"
    root.mkdir()
    for notebook in NOTEBOOKS:
        shutil.copy2(notebook, root / notebook.name)
    settings = home / "lab-settings"
    for name, values in LAB_SETTINGS.items():
        target = settings / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(values))
    token, port = secrets.token_hex(16), _free_port()
    env = {
        **os.environ,
        # A clean Jupyter: no user config, no trusted-notebook database, no saved workspace.
        "JUPYTER_CONFIG_DIR": str(home / "config"),
        "JUPYTER_DATA_DIR": str(home / "data"),
        "JUPYTER_RUNTIME_DIR": str(home / "runtime"),
        "JUPYTERLAB_SETTINGS_DIR": str(settings),
        "JUPYTERLAB_WORKSPACES_DIR": str(home / "workspaces"),
        "PADSTRIDE_DATA": str(ROOT / "data" / "mnist.npz"),
        "TF_CPP_MIN_LOG_LEVEL": "3",
    }
    env.pop("MPLBACKEND", None)  # the kernel's own inline backend, as for a learner
    command = [
        sys.executable,
        "-m",
        "jupyterlab",
        "--no-browser",
        "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.port={port}",
        "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={root}",
        "--LabApp.news_url=",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
    ]
    if hasattr(os, "getuid") and os.getuid() == 0:
        command.append("--allow-root")
    log = (home / "server.log").open("wb")
    server = subprocess.Popen(
        command, cwd=root, env=env, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            if server.poll() is not None:
                raise RuntimeError(f"JupyterLab exited: {(home / 'server.log').read_text()[-2000:]}")
            try:
                with urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError("JupyterLab did not answer within 90 s") from None
                time.sleep(0.5)
        yield Jupyter(base, token, root)
    finally:
        server.send_signal(signal.SIGTERM)  # a clean stop: the server ends its kernels too
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()
