"""The stride notebook's explorer, run in JupyterLab and in Notebook 7: every control redraws it,
and settings Keras refuses give the message with no broken picture."""

from __future__ import annotations

import json
import re
import time

import pytest

from padstride.pictures.explorer import DILATION_HELP
from tests.browser.pages import BROKEN_IMAGES_JS, OUTPUT, open_notebook, run_all, shut_down_kernels

pytestmark = pytest.mark.browser

# The controls, found by the start of their label (the names may follow Keras' own words).
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
        pattern = re.compile(CONTROLS[name], re.IGNORECASE)
        kind = ".widget-dropdown" if name == "padding" else ".widget-slider"
        found = self.root.locator(kind).filter(has=self.page.locator(".widget-label", has_text=pattern))
        assert found.count() == 1, f"the explorer has no single control labelled {CONTROLS[name]}"
        return found

    def set(self, name: str, value) -> None:
        if name == "padding":
            self.control(name).locator("select").select_option(str(value))
        else:
            readout = self.control(name).locator(".widget-readout")
            readout.click()
            self.page.keyboard.press("Control+A")
            self.page.keyboard.type(str(value))
            self.page.keyboard.press("Enter")
            # Typing alone changes the readout; the slider's handle moves once the value is taken.
            self.page.wait_for_function(
                "([el, value]) => [...el.querySelectorAll('[aria-valuenow]')]"
                ".some((handle) => Number(handle.getAttribute('aria-valuenow')) === value)",
                arg=[self.control(name).element_handle(), int(value)],
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


def test_explorer_in_jupyterlab(page, jupyter, traffic, notebook_stride):
    path = jupyter.scratch_copy(notebook_stride, "lab-run")
    cells = len(json.loads(notebook_stride.read_text(encoding="utf-8"))["cells"])
    open_notebook(page, jupyter.url(f"lab/tree/{path}") + "&reset", cells)
    try:
        run_all(page, jupyter, path)
        problems = drive(Explorer(page))
    finally:
        shut_down_kernels(jupyter)
    assert problems == []
    assert traffic.external == []


def test_explorer_in_notebook7(page, jupyter, traffic, notebook_stride):
    """The same explorer in Notebook 7's pages: one control redraws, one refusal shows.

    Console errors are not asserted here: every Notebook 7.6 page, the file tree included and
    with no widget on it, logs "Cannot read properties of undefined (reading 'schema')" from
    Notebook's own shortcuts extension, which reads the settings schema of a plugin that is not
    loaded yet. It is not ours and changes nothing the test looks at.
    """
    path = jupyter.scratch_copy(notebook_stride, "nb7-run")
    cells = len(json.loads(notebook_stride.read_text(encoding="utf-8"))["cells"])
    page.goto(jupyter.url("tree"))
    page.locator(".jp-DirListing").wait_for()
    open_notebook(page, jupyter.url(f"notebooks/{path}"), cells)
    try:
        run_all(page, jupyter, path)
        explorer = Explorer(page)
        before = explorer.digest()
        assert before is not None and explorer.broken_images() == []
        explorer.set("strides", 1)
        assert explorer.wait_for_change(before) is not None
        assert explorer.broken_images() == []
        explorer.set("dilation", 2)
        explorer.set("strides", 2)
        explorer.wait_refusal()
        broken = explorer.broken_images()
    finally:
        shut_down_kernels(jupyter)
    assert broken == [], "a broken picture under the message"
    assert traffic.external == []
