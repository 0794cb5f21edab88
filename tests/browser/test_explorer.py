"""The stride notebook, run in JupyterLab and in Notebook 7: every control of the explorer redraws
it, settings Keras refuses give the message with no broken picture, the explorer and the
animation's frame controls work from the keyboard alone (the notebook's shortcuts leave their
keys alone), and the notebook saved, closed and opened again shows its controls, not an error.

Console errors are not asserted here: every Notebook 7.6 page, the file tree included and with
no widget on it, logs "Cannot read properties of undefined (reading 'schema')" from Notebook's
own shortcuts extension, which reads the settings schema of a plugin that is not loaded yet. It
is not ours and changes nothing the tests look at.
"""

from __future__ import annotations

import json
import re
import time

import pytest

from padstride.pictures.explorer import DILATION_HELP
from tests.browser.conftest import save_screenshot
from tests.browser.pages import (
    ACTIVE_CELL_JS,
    APPS,
    BROKEN_IMAGES_JS,
    FOCUSED_JS,
    NOTEBOOK,
    OUTPUT,
    WIDGET_ERRORS_JS,
    open_in,
    run_all,
    save_and_reopen,
    shut_down_kernels,
)

pytestmark = pytest.mark.browser

# The controls, found by the start of their label (the names may follow Keras' own words): a
# number field (with a slider after it) for each size, a dropdown for the padding.
CONTROLS = {
    "size": r"^(input|size)",
    "kernel": r"^kernel",
    "strides": r"^stride",
    "dilation": r"^dilation",
    "padding": r"^padding",
}

PICTURE_DIGEST_JS = """
async (root) => {
    const img = root.querySelector('img');
    if (!img || !img.getAttribute('src')) return null;
    const bytes = await (await fetch(img.src)).arrayBuffer();
    const digest = await crypto.subtle.digest('SHA-256', bytes);
    return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}
"""


class Explorer:
    """The explorer's output in the page, with its controls."""

    def __init__(self, page):
        self.page = page
        # The animation's frame controls have a slider too; only the explorer has a dropdown.
        self.root = page.locator(OUTPUT).filter(has=page.locator(".widget-dropdown")).first
        self.root.wait_for(state="visible", timeout=60_000)
        self.root.locator("img").first.wait_for(state="attached")

    def control(self, name: str):
        """The control labelled ``name``: its number field, or the padding's dropdown."""
        found = self.root.get_by_label(re.compile(CONTROLS[name], re.IGNORECASE))
        assert found.count() == 1, f"the explorer has no single control labelled {CONTROLS[name]}"
        return found

    def slider(self, name: str):
        """The slider after the number field labelled ``name``."""
        row = self.control(name).locator("xpath=ancestor::div[contains(@class, 'widget-hbox')][1]")
        return row.locator(".widget-slider [aria-valuenow]")

    def set(self, name: str, value) -> None:
        if name == "padding":
            self.control(name).select_option(str(value))
            return
        field = self.control(name)
        field.fill(str(value))
        field.press("Enter")
        # The slider follows once the kernel has taken the value.
        self.wait_slider(name, int(value))

    def wait_slider(self, name: str, value: int) -> None:
        self.page.wait_for_function(
            "([el, value]) => Number(el.getAttribute('aria-valuenow')) === value",
            arg=[self.slider(name).element_handle(), value],
            timeout=30_000,
        )

    def digest(self) -> str | None:
        return self.root.evaluate(PICTURE_DIGEST_JS)

    def alt(self) -> str | None:
        """The picture's alt text (None without a picture)."""
        return self.root.evaluate("(root) => root.querySelector('img')?.getAttribute('alt') ?? null")

    def message(self) -> str:
        """What the explorer says about the setting (its HTML lines, less the fixed help)."""
        texts = [html.inner_text().strip() for html in self.root.locator(".widget-html").all()]
        return "\n".join(text for text in texts if text and text != DILATION_HELP)

    def wait_for_change(self, before: str | None, timeout: float = 30.0) -> str | None:
        """Wait until the picture differs from ``before`` (or is gone); its new digest."""
        deadline = time.monotonic() + timeout
        while (now := self.digest()) == before:
            if time.monotonic() > deadline:
                raise AssertionError(f"the picture did not change within {timeout:.0f} s")
            time.sleep(0.2)
        return now

    def wait_refusal(self, shown: bool = True) -> None:
        """Wait until the "Not possible" message is shown (or gone)."""
        self.page.wait_for_function(
            "([el, shown]) => /not possible/i.test(el.innerText) === shown",
            arg=[self.root.element_handle(), shown],
            timeout=30_000,
        )

    def broken_images(self) -> list[str]:
        """Pictures that failed to load, once every picture has finished loading."""
        self.page.wait_for_function(
            "(el) => [...el.querySelectorAll('img')].every((img) => img.complete)",
            arg=self.root.element_handle(),
        )
        return self.root.evaluate(BROKEN_IMAGES_JS)


def drive(explorer: Explorer) -> list[str]:
    """Each control in turn redraws the picture, whose title carries the formula with the
    numbers; then the two refusals. Returns what went wrong without stopping the walk."""
    problems = []
    start = explorer.digest()
    assert start is not None, "the explorer shows no picture after the notebook ran"
    assert explorer.broken_images() == []
    seen = {start}
    for name, value in [("size", 11), ("kernel", 5), ("strides", 3), ("dilation", 2), ("padding", "valid")]:
        if name == "dilation":
            before = explorer.digest()
            explorer.set("strides", 1)  # Keras takes no stride above 1 together with a dilation
            seen.add(explorer.wait_for_change(before))
        before = explorer.digest()
        explorer.set(name, value)
        after = explorer.wait_for_change(before)
        assert after is not None and after not in seen, f"moving {name} to {value} drew no new picture"
        words = {"size": f"{value}×{value} input", "kernel": f"{value}×{value} kernel"}.get(name, "")
        words = words or {"strides": f"stride {value}", "dilation": f"dilation {value}"}.get(name, "")
        assert words in explorer.alt(), f"{name}={value}: the picture's alt text says {explorer.alt()!r}"
        assert explorer.message().strip() == "", f"{name}={value} is allowed, yet: {explorer.message()}"
        assert explorer.broken_images() == []
        seen.add(after)

    # Keras refuses a stride above 1 together with a dilation above 1.
    explorer.set("strides", 2)
    explorer.wait_refusal()
    if broken := explorer.broken_images():
        problems.append(f"a broken picture under the message for stride 2, dilation 2: {broken}")

    # A kernel larger than the input without padding.
    explorer.set("strides", 1)
    explorer.set("dilation", 1)
    explorer.set("padding", "valid")
    explorer.set("size", 3)
    explorer.set("kernel", 5)
    explorer.wait_refusal()
    if broken := explorer.broken_images():
        problems.append(f"a broken picture under the message for kernel 5 on input 3: {broken}")

    # Back to an allowed setting: the picture comes back.
    refused = explorer.digest()
    explorer.set("kernel", 3)
    explorer.wait_refusal(shown=False)
    assert explorer.wait_for_change(refused) is not None
    assert explorer.broken_images() == []
    return problems


@pytest.fixture(scope="module", params=list(APPS))
def stride_run(request, chromium, jupyter, notebook_stride):
    """The stride notebook run from the top in JupyterLab or in Notebook 7, one page for the
    module's tests of that app; the last test saves it and opens it again."""
    app = request.param
    tab = chromium[0].new_page()
    tab.set_default_timeout(30_000)
    path = jupyter.scratch_copy(notebook_stride, f"{app}-run")
    cells = len(json.loads(notebook_stride.read_text(encoding="utf-8"))["cells"])
    url = open_in(tab, jupyter, app, path, cells)
    try:
        run_all(tab, jupyter, path)
        yield tab, jupyter, path, url, cells
    finally:
        shut_down_kernels(jupyter)
        tab.close()


@pytest.fixture
def run(stride_run, request):
    yield stride_run
    if getattr(request.node, "browser_failed", False):
        save_screenshot(stride_run[0], request.node.name)


def test_every_control_redraws_and_refusals_show_no_broken_picture(run, traffic):
    traffic.clear()
    problems = drive(Explorer(run[0]))
    assert problems == []
    assert traffic.external == []


def focused(page) -> dict:
    return page.evaluate(FOCUSED_JS)


def tab_to(page, name: str, limit: int = 20) -> dict:
    """Press Tab until the control named ``name`` has the focus (at most ``limit`` times)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        now = focused(page)
        if now["name"] == name:
            return now
    raise AssertionError(f"{limit} presses of Tab did not reach the control {name!r}")


def start_in_cell(page, text: str) -> int:
    """Select the code cell whose source holds ``text`` (command mode); its index."""
    cell = page.locator(f"{NOTEBOOK} .jp-CodeCell").filter(has_text=text).first
    page.evaluate("() => document.activeElement.blur()")  # a control an earlier test left focused
    cell.locator(".jp-InputPrompt").click()
    page.keyboard.press("Escape")
    return page.evaluate(ACTIVE_CELL_JS)


def press(page, key: str, wait_js: str, arg) -> None:
    """Press ``key`` and wait until ``wait_js(arg)`` holds."""
    page.keyboard.press(key)
    page.wait_for_function(wait_js, arg=arg, timeout=30_000)


FOCUSED_VALUE_IS = "(value) => String(document.activeElement.value ?? document.activeElement.getAttribute('aria-valuenow')).replace(/\\.0$/, '') === String(value)"


def test_the_explorer_works_from_the_keyboard_alone(run, traffic):
    page = run[0]
    explorer = Explorer(page)
    cell = start_in_cell(page, "explorer = explore(")
    field = tab_to(page, "input size")
    assert field["tag"] == "INPUT" and field["inWidget"]
    size = int(field["value"])
    before = explorer.digest()
    press(page, "ArrowUp", FOCUSED_VALUE_IS, size + 1)  # the number field steps up
    before = explorer.wait_for_change(before)
    page.keyboard.press("Tab")
    assert focused(page)["role"] == "slider"
    press(page, "ArrowLeft", FOCUSED_VALUE_IS, size)  # the slider's handle steps down
    before = explorer.wait_for_change(before)
    padding = tab_to(page, "padding")
    assert padding["tag"] == "SELECT"
    page.keyboard.press("ArrowDown")  # the next padding
    page.wait_for_function("(old) => document.activeElement.value !== old", arg=padding["value"])
    explorer.wait_for_change(before)
    # Keys the notebook binds on a focused element: D D deletes a cell, 0 0 restarts the kernel,
    # A inserts a cell. On a focused control they do nothing of the kind.
    for key in ["d", "d", "0", "0", "a", "m"]:
        page.keyboard.press(key)
    page.wait_for_timeout(500)
    assert page.locator(".jp-Dialog").count() == 0, "a notebook shortcut opened a dialog"
    assert page.evaluate(ACTIVE_CELL_JS) == cell, "the keys moved the active cell"
    assert focused(page)["inWidget"]
    assert explorer.broken_images() == []
    assert traffic.external == []


def test_the_animation_frames_work_from_the_keyboard_alone(run):
    page = run[0]
    player = page.locator(OUTPUT).filter(has=page.locator(".widget-play")).first
    frame = player.get_by_label("frame")
    cell = start_in_cell(page, "movie.player()")
    play = tab_to(page, "play")
    assert play["tag"] == "BUTTON"
    page.keyboard.press("Enter")
    page.wait_for_function("(el) => Number(el.value) >= 2", arg=frame.element_handle())
    assert focused(page)["name"] == "pause"  # the same button, now saying what it does
    page.keyboard.press("Space")
    page.wait_for_function("() => document.activeElement.innerText.trim() === 'play'")
    paused = frame.input_value()
    page.wait_for_timeout(2000)
    assert frame.input_value() == paused, "the frames go on after pause"
    assert tab_to(page, "stop")["tag"] == "BUTTON"
    page.keyboard.press("Enter")
    page.wait_for_function("(el) => el.value === '0'", arg=frame.element_handle())
    first = player.locator("img").first.get_attribute("src")
    assert tab_to(page, "frame")["tag"] == "INPUT"
    press(page, "ArrowUp", FOCUSED_VALUE_IS, 1)
    # The frame is an <img alt> in an HTML widget: each move writes a new <img>.
    page.wait_for_function(
        "([player, old]) => player.querySelector('img').getAttribute('src') !== old",
        arg=[player.element_handle(), first],
    )
    page.keyboard.press("Tab")
    press(page, "ArrowRight", FOCUSED_VALUE_IS, 2)
    assert page.evaluate(ACTIVE_CELL_JS) == cell and page.locator(".jp-Dialog").count() == 0


def test_saved_and_reopened_it_shows_the_still_forms_not_an_error(run, traffic):
    """After Run All, saved, the kernel ended, opened again from the file: where the explorer
    and the frame controls were, their still forms (the explorer's picture, the current frame),
    never "Error displaying widget: model not found"."""
    page, jupyter, path, url, cells = run
    save_and_reopen(page, jupyter, path, url, cells)
    notebook = page.locator(NOTEBOOK).first
    assert notebook.evaluate(WIDGET_ERRORS_JS) == []
    assert notebook.evaluate(BROKEN_IMAGES_JS) == []
    for source in ("explorer = explore(", "movie.player()"):
        output = (
            page.locator(f"{NOTEBOOK} .jp-CodeCell").filter(has_text=source).locator(".jp-OutputArea-output")
        )
        assert output.count() == 1, f"the cell {source!r} shows {output.count()} outputs"
        assert output.locator(".jupyter-widgets").count() == 0, (
            f"{source!r} shows a widget, not its still form"
        )
        picture = output.locator("img")
        assert picture.count() == 1 and picture.evaluate("(img) => img.naturalWidth > 400"), source
        assert picture.get_attribute("src").startswith("data:image/png;base64,")
    assert traffic.external == []
