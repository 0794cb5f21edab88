"""The server extension, on the jupyter_server contents manager and notary this environment runs:
a signed notebook read from disk keeps its trust, except in the cells whose widget output
carries a still form, which then shows in JupyterLab and Notebook 7 (tests/browser checks it)."""

import asyncio
import logging
from types import SimpleNamespace

import nbformat
from IPython.core.formatters import format_display_data
from jupyter_server.services.contents.largefilemanager import AsyncLargeFileManager
from nbformat.sign import NotebookNotary

from padstride.demo.filters import VERTICAL_LINE_DETECTOR, line_image
from padstride.pictures.animation import animate_conv
from padstride.plots import explore
from padstride.quiz import ask
from padstride.server_extension import _load_jupyter_server_extension, has_still_form


def output_of(value) -> nbformat.NotebookNode:
    """The execute_result a notebook stores for ``value``, as IPython formats it."""
    data, metadata = format_display_data(value)
    return nbformat.v4.new_output("execute_result", data=data, metadata=metadata, execution_count=1)


def notebook() -> nbformat.NotebookNode:
    movie = animate_conv(line_image(), VERTICAL_LINE_DETECTOR, strides=2)
    cells = [nbformat.v4.new_markdown_cell("# controls")]
    for source, value in [
        ("explore()", explore()),
        ("ask('example')", ask("example")),
        ("movie.player()", movie.player()),
        ("movie", movie),  # a GIF: no widget, no still form to show instead
        ("import ipywidgets; ipywidgets.IntSlider()", __import__("ipywidgets").IntSlider()),
    ]:
        cell = nbformat.v4.new_code_cell(source, execution_count=1)
        cell.outputs = [output_of(value)]
        cells.append(cell)
    return nbformat.v4.new_notebook(cells=cells)


def test_every_padstride_control_says_it_carries_a_still_form_and_nothing_else_does():
    marked = [has_still_form(cell) for cell in notebook().cells]
    assert marked == [False, True, True, True, False, False]


def test_a_signed_notebook_opens_with_its_controls_cells_untrusted(tmp_path):
    notary_dir = tmp_path / "data"
    notary_dir.mkdir()
    manager = AsyncLargeFileManager(root_dir=str(tmp_path))
    manager.notary = NotebookNotary(data_dir=str(notary_dir))
    nb = notebook()
    manager.notary.sign(nb)  # as JupyterLab's save of a run notebook signs it
    nbformat.write(nb, tmp_path / "saved.ipynb")

    def trust() -> list:
        model = asyncio.run(manager.get("saved.ipynb"))
        return [cell["metadata"].get("trusted") for cell in model["content"]["cells"][1:]]

    assert trust() == [True] * 5  # jupyter_server alone: every cell trusted, widgets drawn live
    _load_jupyter_server_extension(SimpleNamespace(contents_manager=manager, log=logging.getLogger()))
    # The explorer, the question and the player show their still forms; the rest keeps its trust.
    assert trust() == [False, False, False, True, True]
