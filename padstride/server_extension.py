"""A Jupyter server extension: a notebook opened again shows padstride's controls in their
still form (the explorer's picture, the question and its choices, the current frame), never
"Error displaying widget: model not found".

A widget output lives only as long as the kernel that made it. Opened again, a notebook JupyterLab
or Notebook 7 saved and signed is trusted, and a trusted widget output is drawn by the widget
manager alone, which has no model for it any more (JupyterLab keeps none unless "Save Widget State
Automatically" is on, and then drops them again at the next save of a reopened notebook). An
untrusted output shows the best of its other representations instead: the still form every
padstride control carries (``padstride.widgets.fallback_box``). So, as a notebook is read from
disk, each code cell with such an output is marked untrusted; its other cells keep the trust the
notebook's signature gives them. Running a cell trusts it again, as always.

The wheel installs ``etc/jupyter/jupyter_server_config.d/padstride.json``, which enables it in
every Jupyter server of the environment (JupyterLab and Notebook 7 alike).

>>> cell = {"cell_type": "code", "metadata": {"trusted": True},
...         "outputs": [{"output_type": "display_data", "data": {}, "metadata": STILL_FORM}]}
>>> distrust_still_forms({"cells": [cell]}), cell["metadata"]["trusted"]
(1, False)
"""

from __future__ import annotations

from typing import Any

from .widgets import STILL_FORM

_KEY = next(iter(STILL_FORM))


def has_still_form(cell: Any) -> bool:
    """Whether a code cell holds a widget output that carries its own still form."""
    return cell.get("cell_type") == "code" and any(
        (output.get("metadata") or {}).get(_KEY) == STILL_FORM[_KEY] for output in cell.get("outputs", [])
    )


def distrust_still_forms(nb: Any) -> int:
    """Mark untrusted every code cell of ``nb`` that ``has_still_form``; how many there were."""
    cells = [cell for cell in nb["cells"] if has_still_form(cell)]
    for cell in cells:
        cell["metadata"]["trusted"] = False
    return len(cells)


def _jupyter_server_extension_points() -> list[dict[str, str]]:
    return [{"module": "padstride.server_extension"}]


def _load_jupyter_server_extension(serverapp: Any) -> None:
    manager = serverapp.contents_manager
    mark_trusted_cells = manager.mark_trusted_cells

    def mark_and_distrust(nb: Any, path: str = "") -> None:
        mark_trusted_cells(nb, path)
        distrust_still_forms(nb)

    # An instance attribute: this server's contents manager alone reads notebooks this way.
    manager.mark_trusted_cells = mark_and_distrust
    serverapp.log.info("padstride: notebooks opened again show padstride's controls in their still form")
