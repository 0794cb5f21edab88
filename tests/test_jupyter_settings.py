"""jupyter-settings/: the shortcut defaults padstride gives JupyterLab and Notebook 7, read as the
installed jupyterlab_server reads them, against the installed JupyterLab's own shortcuts; and
the server extension's configuration, as the installed jupyter_server finds it."""

import importlib.util
import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = ROOT / "jupyter-settings" / "overrides.d" / "padstride.json"
INSTALLED = Path(sys.prefix) / "share/jupyter/lab/settings/overrides.d/padstride.json"
SERVER_CONFIG = "jupyter_server_config.d/padstride.json"
# The selectors that match whatever element has the focus in a notebook (JupyterLab 4.6): a
# focused slider, dropdown or button in an output included.
FOCUS_SELECTORS = {
    ".jp-Notebook.jp-mod-commandMode:not(.jp-mod-readWrite) :focus",
    "[data-jp-kernel-user]:not(.jp-mod-readWrite) :focus:not(:read-write)",
}
NOT_IN_WIDGETS = ":not(.jupyter-widgets *)"


def load_script():
    spec = importlib.util.spec_from_file_location(
        "make_overrides", ROOT / "jupyter-settings/make_overrides.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def app_dir() -> Path:
    from jupyterlab.commands import get_app_dir

    return Path(get_app_dir())


def setting(app_dir: Path, plugin: str) -> dict:
    """The plugin's settings schema as the installed jupyterlab_server serves it."""
    from jupyterlab_server.settings_utils import get_settings

    with tempfile.TemporaryDirectory() as user_settings:
        found, _ = get_settings(
            str(app_dir / "settings"),
            str(app_dir / "schemas"),
            user_settings,
            schema_name=plugin,
            labextensions_path=[str(Path(sys.prefix) / "share/jupyter/labextensions")],
        )
    return found["schema"]["properties"]


def installed_bindings(app_dir: Path) -> list[dict]:
    bindings = []
    for path in sorted((app_dir / "schemas").rglob("*.json")):
        bindings += json.loads(path.read_text(encoding="utf-8")).get("jupyter.lab.shortcuts", [])
    return bindings


def test_the_file_is_what_the_script_makes_from_this_jupyterlab(app_dir):
    assert SHIPPED.read_text(encoding="utf-8") == load_script().text(app_dir / "schemas"), (
        "run .venv/bin/python jupyter-settings/make_overrides.py"
    )


def test_they_are_installed_in_the_environment_as_shipped():
    # make setup copies them (an editable install leaves data_files out); a wheel installs them.
    assert INSTALLED.read_bytes() == SHIPPED.read_bytes()
    installed = Path(sys.prefix) / "etc/jupyter" / SERVER_CONFIG
    assert installed.read_bytes() == (ROOT / "jupyter-settings" / SERVER_CONFIG).read_bytes()


def test_the_jupyter_server_loads_the_extension():
    listed = subprocess.run(
        [sys.executable, "-m", "jupyter", "server", "extension", "list"], capture_output=True, text=True
    )
    plain = re.sub(r"\x1b\[[0-9;]*m", "", listed.stdout + listed.stderr)  # no colours
    lines = " ".join(plain.split())
    assert "padstride.server_extension enabled" in lines and "padstride.server_extension OK" in lines


def test_widget_state_is_not_saved_with_the_notebook(app_dir):
    # Reopened, JupyterLab 4.6 rebuilds saved widgets only until the notebook is saved again (it
    # saves only the models of a live kernel): the still forms are what a reopened notebook shows.
    assert setting(app_dir, "@jupyter-widgets/jupyterlab-manager:plugin")["saveState"]["default"] is False


def test_every_focus_shortcut_is_kept_away_from_widgets_and_nothing_else_changes(app_dir):
    defaults = setting(app_dir, "@jupyterlab/shortcuts-extension:shortcuts")["shortcuts"]["default"]
    switched_off = [b for b in defaults if b.get("disabled")]
    added = [b for b in defaults if not b.get("disabled")]
    focus = [
        b
        for b in installed_bindings(app_dir)
        if b["selector"] in FOCUS_SELECTORS and any(key.strip() for key in b["keys"])
    ]
    assert len(focus) >= 40  # ArrowUp/Down, the cell letters, I I, 0 0, Notebook 7's O, ...
    key = lambda b: (b["command"], tuple(b["keys"]), b["selector"], json.dumps(b.get("args")))  # noqa: E731
    assert sorted(map(key, switched_off)) == sorted(map(key, focus))
    again = [{**b, "selector": b["selector"] + NOT_IN_WIDGETS} for b in focus]
    assert sorted(map(key, added)) == sorted(map(key, again))
    for binding in added:  # the same keys on every platform as the binding it replaces
        (twin,) = [
            b
            for b in focus
            if b["selector"] + NOT_IN_WIDGETS == binding["selector"] and key(b)[:2] == key(binding)[:2]
        ]
        assert {k: v for k, v in binding.items() if k != "selector"} == {
            k: v for k, v in twin.items() if k not in ("selector", "disabled")
        }
