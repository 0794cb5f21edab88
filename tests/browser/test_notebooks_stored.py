"""Every notebook as a learner first sees it: opened in JupyterLab as stored, untrusted, not run."""

from __future__ import annotations

import json

import pytest

from tests.browser.axe import assert_no_violations
from tests.browser.conftest import save_screenshot
from tests.browser.pages import (
    BROKEN_IMAGES_JS,
    LOADED_IMAGES_JS,
    MISSING_ALT_JS,
    NOTEBOOK,
    NOTEBOOKS,
    WIDGET_ERRORS_JS,
    notebook_named,
    open_notebook,
    shut_down_kernels,
    wait_for_images,
)

pytestmark = pytest.mark.browser

IMAGE_TYPES = ("image/png", "image/gif", "image/jpeg")


def stored_pictures(notebook) -> tuple[int, int]:
    """How many outputs carry a picture, and how many of those are animations (GIF)."""
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    outputs = [output.get("data", {}) for cell in cells for output in cell.get("outputs", [])]
    pictures = sum(any(kind in data for kind in IMAGE_TYPES) for data in outputs)
    return pictures, sum("image/gif" in data for data in outputs)


@pytest.fixture(scope="module")
def lab(chromium, jupyter):
    """One JupyterLab page for the module; each notebook opens from its file browser."""
    tab = chromium[0].new_page()
    tab.set_default_timeout(60_000)
    tab.goto(jupyter.url("lab") + "&reset")
    tab.locator(".jp-DirListing-item").first.wait_for()
    yield tab
    tab.close()
    shut_down_kernels(jupyter)  # each notebook opened started one


@pytest.fixture
def page(lab, request):
    """The module's JupyterLab page, with a screenshot when the test fails."""
    yield lab
    if getattr(request.node, "browser_failed", False):
        save_screenshot(lab, request.node.name)


def open_stored(page, jupyter, name: str) -> None:
    """Open ``name`` from the file browser (as stored, untrusted) and wait for its pictures."""
    page.locator(".jp-DirListing-itemText", has_text=name).first.dblclick()
    page.locator(".lm-TabBar-tab.lm-mod-current", has_text=name).first.wait_for()
    cells = len(json.loads((jupyter.root / name).read_text(encoding="utf-8"))["cells"])
    page.wait_for_function(
        "(n) => document.querySelectorAll('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-Cell').length >= n",
        arg=cells,
    )
    # Outputs render after their cells appear: wait for the network to settle.
    page.wait_for_load_state("networkidle")
    wait_for_images(page, ".jp-NotebookPanel:not(.lm-mod-hidden)")


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=[nb.stem for nb in NOTEBOOKS])
def test_stored_notebook_shows_every_picture(page, jupyter, traffic, notebook):
    traffic.clear()
    open_stored(page, jupyter, notebook.name)
    panel = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden)").first
    assert panel.evaluate(BROKEN_IMAGES_JS) == [], "broken images"
    assert panel.evaluate(WIDGET_ERRORS_JS) == [], "outputs that show a widget error"
    pictures, animations = stored_pictures(notebook)
    loaded = panel.evaluate(LOADED_IMAGES_JS)
    assert loaded >= pictures, f"{loaded} pictures loaded, the notebook stores {pictures}"
    gifs = panel.evaluate(
        "(root) => [...root.querySelectorAll('img')].filter((img) => img.naturalWidth > 0"
        " && (img.src || '').startsWith('data:image/gif')).length"
    )
    assert gifs >= animations
    assert panel.evaluate(MISSING_ALT_JS, True) == [], "pictures without an alt text stating their numbers"
    assert traffic.external == [], "requests to other hosts"


def test_stride_animation_is_a_picture(page, jupyter, notebook_stride):
    """The stride animation shows in an untrusted notebook: a stored GIF, not JavaScript."""
    _, animations = stored_pictures(notebook_stride)
    assert animations >= 1, f"{notebook_stride.name} stores no GIF animation"
    open_stored(page, jupyter, notebook_stride.name)
    panel = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden)").first
    gifs = panel.evaluate(
        "(root) => [...root.querySelectorAll('img')].filter((img) => img.naturalWidth > 0"
        " && (img.src || '').startsWith('data:image/gif')).length"
    )
    assert gifs >= 1


@pytest.mark.parametrize(
    ("name", "summary", "revealed"),
    [
        (
            "02_padding.ipynb",
            "Exercise 2.1: click to show the answer",
            "Exercise 2.1 (a (before, after) pair)",
        ),
        ("09_quiz.ipynb", "Question 1: click to show the proof", "border all zero: True"),
    ],
)
def test_stored_answers_stay_folded_until_clicked(page, jupyter, traffic, name, summary, revealed):
    open_stored(page, jupyter, name)
    panel = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden)").first
    line = panel.locator("summary", has_text=summary).first
    line.scroll_into_view_if_needed()
    text = panel.get_by_text(revealed, exact=False).first
    assert not text.is_visible(), f"{revealed!r} shows before a click"
    line.click()
    text.wait_for(state="visible", timeout=10_000)


# axe checks the notebook's own cells: their text, pictures and outputs. JupyterLab's parts
# inside them are upstream and left out, each for what axe 4.14 finds in JupyterLab 4.6:
LAB_PARTS = [
    ".cm-content",  # CodeMirror's editable code is role="textbox" with no name (aria-input-field-name)
    ".jp-collapseHeadingButton",  # a heading's fold button has no text or label (button-name)
]
# Not in .jp-Cell, so out of scope without a rule: the cells' role="feed" list, whose children are
# not role="article" (aria-required-children), and the toolbars' aria-pressed (aria-allowed-attr).


# The two notebooks with every kind of output: pictures, the GIF, widgets' still forms, folded
# answers and hidden code (the site's test checks every notebook's outputs at two widths).
@pytest.mark.parametrize("pattern", ["*_stride.ipynb", "*_quiz.ipynb"])
def test_stored_notebook_passes_axe(page, jupyter, traffic, pattern):
    """axe-core's WCAG 2.1 A/AA rules on every cell of the notebook as stored (untrusted)."""
    traffic.clear()
    open_stored(page, jupyter, notebook_named(pattern).name)
    assert_no_violations(page, include=[".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Cell"], exclude=LAB_PARTS)
    assert traffic.external == [], "requests to other hosts"


@pytest.fixture(scope="module")
def notebook7(chromium, jupyter):
    """One tab for Notebook 7's pages; the kernels its notebooks start are ended after."""
    tab = chromium[0].new_page()
    tab.set_default_timeout(60_000)
    yield tab
    tab.close()
    shut_down_kernels(jupyter)


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=[nb.stem for nb in NOTEBOOKS])
def test_notebook7_pictures_say_what_they_show(notebook7, jupyter, traffic, request, notebook):
    """Notebook 7 shows the stored pictures with their alt texts, as JupyterLab does."""
    traffic.clear()
    cells = len(json.loads(notebook.read_text(encoding="utf-8"))["cells"])
    try:
        open_notebook(notebook7, jupyter.url(f"notebooks/{notebook.name}"), cells)
        notebook7.wait_for_load_state("networkidle")
        wait_for_images(notebook7, NOTEBOOK)
        root = notebook7.locator(NOTEBOOK).first
        pictures, _ = stored_pictures(notebook)
        assert root.evaluate(LOADED_IMAGES_JS) >= pictures
        assert root.evaluate(MISSING_ALT_JS, True) == [], "pictures without an alt text stating their numbers"
    except AssertionError:
        save_screenshot(notebook7, request.node.name)
        raise
    assert traffic.external == [], "requests to other hosts"
