"""Write jupyter-settings/overrides.d/padstride.json from the installed JupyterLab's schemas.

The file is installed as ``{sys.prefix}/share/jupyter/lab/settings/overrides.d/padstride.json``,
where JupyterLab and Notebook 7 read it as the default of one setting,
``@jupyterlab/shortcuts-extension:shortcuts``: every notebook shortcut that fires on whatever
element has the focus (ArrowDown moves to the next cell, ``D D`` deletes it, ``0 0`` restarts
the kernel, ...) is switched off and added again with ``:not(.jupyter-widgets *)``, so a focused
slider, dropdown, number field or button of an ipywidget keeps its keys. The shortcuts work as
before everywhere else. (A user who sets shortcuts of their own in the Settings Editor replaces
this list with theirs.)

Run it after a JupyterLab upgrade (``make setup`` installs the file again):

    .venv/bin/python jupyter-settings/make_overrides.py          # rewrite the file
    .venv/bin/python jupyter-settings/make_overrides.py --check  # exit 1 if it is stale
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
TARGET = HERE / "overrides.d" / "padstride.json"
WIDGETS = ":not(.jupyter-widgets *)"
# A selector that ends in a bare ":focus" (optionally not on an editable element) matches any
# focused element inside its scope, an output's controls included.
ANY_FOCUSED = re.compile(r"\s:focus(:not\(:read-write\))?$")


def schemas_dir() -> Path:
    """The schemas of the JupyterLab application this Python runs (Notebook 7 reads the same)."""
    from jupyterlab.commands import get_app_dir

    return Path(get_app_dir()) / "schemas"


def focus_bindings(schemas: Path) -> list[dict]:
    """Every shortcut in ``schemas`` whose selector matches any focused element, with keys."""
    found = []
    for path in sorted(schemas.rglob("*.json")):
        for binding in json.loads(path.read_text(encoding="utf-8")).get("jupyter.lab.shortcuts", []):
            if ANY_FOCUSED.search(binding["selector"]) and any(key.strip() for key in binding["keys"]):
                found.append(binding)
    return found


def overrides(schemas: Path) -> dict:
    """The settings defaults: the focus shortcuts kept away from widgets."""
    shortcuts = []
    for binding in focus_bindings(schemas):
        same = {key: value for key, value in binding.items() if key != "disabled"}
        shortcuts.append({**same, "disabled": True})
        shortcuts.append({**same, "selector": binding["selector"] + WIDGETS})
    return {"@jupyterlab/shortcuts-extension:shortcuts": {"shortcuts": shortcuts}}


def text(schemas: Path) -> str:
    return json.dumps(overrides(schemas), indent=1, ensure_ascii=False) + "\n"


def main(argv: list[str]) -> int:
    wanted = text(schemas_dir())
    if argv == ["--check"]:
        if TARGET.read_text(encoding="utf-8") != wanted:
            print(f"{TARGET} is stale: run {Path(__file__).name} to rewrite it", file=sys.stderr)
            return 1
        return 0
    if argv:
        print(f"usage: {Path(__file__).name} [--check]", file=sys.stderr)
        return 2
    TARGET.write_text(wanted, encoding="utf-8")
    print(f"{TARGET}: {len(focus_bindings(schemas_dir()))} shortcuts kept away from widgets")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
