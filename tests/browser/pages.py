"""What the browser tests share: where things are, and small checks run inside a page."""

from __future__ import annotations

import json
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
SITE = ROOT / "build" / "site"


def site_pages() -> list[str]:
    """The site's HTML pages, as paths under build/site (none before `make site`)."""
    if not (SITE / "index.html").exists():
        return []
    skip = ("_static/", "_sources/", "_images/")
    pages = (p.relative_to(SITE).as_posix() for p in SITE.rglob("*.html"))
    return sorted(p for p in pages if not p.startswith(skip))


SITE_PAGES = site_pages()


def notebook_named(pattern: str) -> Path:
    """The one notebook whose file name matches ``pattern`` (a glob such as '*_stride.ipynb')."""
    found = sorted((ROOT / "notebooks").glob(pattern))
    if len(found) != 1:
        raise AssertionError(f"expected one notebook matching {pattern}, found {[p.name for p in found]}")
    return found[0]


# A picture counts where it is shown: one hidden with display: none shows no broken icon.
BROKEN_IMAGES_JS = """
(root) => [...root.querySelectorAll('img')]
    .filter((img) => img.checkVisibility() && !(img.complete && img.naturalWidth > 0))
    .map((img) => (img.getAttribute('src') || '(no src)').slice(0, 80))
"""

# What the widget front-end writes in an output whose widget it cannot show ("Error displaying
# widget: model not found", ...). Only outputs count: the prose may quote the message.
WIDGET_ERRORS_JS = """
(root) => [...root.querySelectorAll('.jp-OutputArea-output')]
    .map((output) => output.innerText)
    .filter((text) => /Error displaying widget|Error rendering|Failed to load model class/i.test(text))
    .map((text) => text.slice(0, 200))
"""

# Every picture says what it shows: the <img> elements whose alt text is missing, empty, a
# file name or path, or nbconvert's placeholder, with the start of their address. With
# ``numbers`` set (a notebook's outputs), an alt without a digit counts too: the pictures'
# alt texts state their numbers.
MISSING_ALT_JS = """
(root, numbers) => [...root.querySelectorAll('img')]
    .map((img) => [img.getAttribute('alt'), (img.getAttribute('src') || '(no src)').slice(0, 60)])
    .filter(([alt]) => alt === null || !alt.trim()
        || /^[\\w./-]+\\.(png|gif|jpe?g|svg|webp)$/i.test(alt.trim()) || /_images\\//.test(alt)
        || /No description has been provided/i.test(alt) || (numbers && !/\\d/.test(alt)))
"""

LOADED_IMAGES_JS = """
(root) => [...root.querySelectorAll('img')]
    .filter((img) => img.complete && img.naturalWidth > 0).length
"""


def wait_for_images(page, selector: str = "body", timeout: float = 15.0) -> None:
    """Wait until every <img> under ``selector`` has finished loading, well or badly."""
    page.wait_for_function(
        "(sel) => [...document.querySelectorAll(sel + ' img')].every((img) => img.complete)",
        arg=selector,
        timeout=timeout * 1000,
    )


# --- JupyterLab and Notebook 7 (both are Lumino applications with the same menus) ---------

NOTEBOOK = ".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook"
OUTPUT = f"{NOTEBOOK} .jp-OutputArea-output"

CELLS_DONE_JS = """
(selector) => {
    const notebook = document.querySelector(selector);
    const errors = notebook.querySelectorAll('[data-mime-type="application/vnd.jupyter.stderr"]');
    for (const error of errors) {
        if (/Traceback|Error/.test(error.innerText)) return 'error: ' + error.innerText.slice(0, 2000);
    }
    // A cell whose code is hidden (an exercise's answer) shows no prompt: only shown ones count.
    const prompts = [...notebook.querySelectorAll('.jp-CodeCell')]
        .filter((cell) => !cell.querySelector('.jp-InputPlaceholder'))
        .map((cell) => cell.querySelector('.jp-InputPrompt'));
    const done = prompts.length > 0 && prompts.every((p) => p && /\\[\\d+\\]/.test(p.innerText));
    return done ? 'done' : false;
}
"""


def menu(page, top: str, item: str) -> None:
    """Click ``top`` in the menu bar, then ``item`` in the menu it opens."""
    page.locator(".lm-MenuBar-itemLabel", has_text=top).first.click()
    page.locator(".lm-Menu-item:not(.lm-mod-hidden) .lm-Menu-itemLabel").filter(has_text=item).first.click()


def open_notebook(page, url: str, cells: int) -> None:
    """Go to ``url`` and wait until the notebook shows its ``cells`` cells."""
    page.goto(url)
    page.wait_for_function(
        "([sel, n]) => document.querySelectorAll(sel + ' .jp-Cell').length >= n",
        arg=[NOTEBOOK, cells],
        timeout=90_000,
    )


def wait_kernel_idle(jupyter, path: str, timeout: float = 90.0, polls: int = 1) -> None:
    """Wait until the server reports an idle kernel for the notebook at ``path`` in ``polls``
    answers in a row (a kernel running queued cells is idle for an instant between two)."""
    deadline = time.monotonic() + timeout
    idle = 0
    while time.monotonic() < deadline:
        with urllib.request.urlopen(jupyter.url("api/sessions"), timeout=5) as answer:
            sessions = json.load(answer)
        if any(s["path"] == path and s["kernel"]["execution_state"] == "idle" for s in sessions):
            idle += 1
            if idle >= polls:
                return
        else:
            idle = 0
        time.sleep(0.3)
    raise AssertionError(f"no idle kernel for {path} within {timeout:.0f} s")


def shut_down_kernels(jupyter) -> None:
    """End every kernel the server runs (each run notebook holds TensorFlow in memory)."""
    with urllib.request.urlopen(jupyter.url("api/sessions"), timeout=5) as answer:
        sessions = json.load(answer)
    for session in sessions:
        request = urllib.request.Request(jupyter.url(f"api/sessions/{session['id']}"), method="DELETE")
        urllib.request.urlopen(request, timeout=30).close()


def run_all(page, jupyter, path: str, timeout: float = 240.0) -> None:
    """Clear every output, run every cell in order, and wait until each has run (or one failed)."""
    wait_kernel_idle(jupyter, path)
    menu(page, "Edit", "Clear Outputs of All Cells")
    menu(page, "Run", "Run All Cells")
    state = page.wait_for_function(CELLS_DONE_JS, arg=NOTEBOOK, timeout=timeout * 1000).json_value()
    if state != "done":
        raise AssertionError(f"a cell failed:\n{state}")
    # The shown cells have run; hidden ones after the last shown one may still be queued.
    wait_kernel_idle(jupyter, path, timeout=timeout, polls=4)


# --- Saving, reopening and the keyboard -----------------------------------------------------

# The cells of the notebook shown, and the index of the active one.
ACTIVE_CELL_JS = f"""
() => [...document.querySelectorAll('{NOTEBOOK} .jp-Cell')]
    .findIndex((cell) => cell.classList.contains('jp-mod-active'))
"""
# What has the focus: its tag, its name (a <label for> or its text) and its value.
FOCUSED_JS = """
() => {
    const e = document.activeElement;
    const label = e.id && document.querySelector(`label[for="${e.id}"]`);
    return {
        tag: e.tagName,
        role: e.getAttribute('role'),
        name: (label ? label.innerText : e.innerText || '').trim(),
        value: e.value ?? e.getAttribute('aria-valuenow'),
        inWidget: !!e.closest('.jupyter-widgets'),
    };
}
"""
# Outputs whose widget is still being built ("Loading widget...").
WIDGETS_LOADING_JS = """
(root) => [...root.querySelectorAll('.jp-OutputArea-output')]
    .filter((output) => /Loading widget/i.test(output.innerText)).length
"""


# Where each app opens a notebook: JupyterLab, and Notebook 7's notebook page.
APPS = {"lab": "lab/tree/{path}", "nb7": "notebooks/{path}"}


def open_in(page, jupyter, app: str, path: str, cells: int) -> str:
    """Open the notebook at ``path`` in ``app`` as a learner does (Notebook 7 from its tree);
    its address."""
    url = jupyter.url(APPS[app].format(path=path)) + ("&reset" if app == "lab" else "")
    if app == "nb7":
        page.goto(jupyter.url("tree"))
        page.locator(".jp-DirListing").wait_for()
    open_notebook(page, url, cells)
    return url


def save_and_reopen(page, jupyter, path: str, url: str, cells: int) -> None:
    """Save the notebook (Ctrl+S), end its kernel, and open it again from the file as a learner
    would the next day."""
    before = (jupyter.root / path).stat().st_mtime_ns
    page.keyboard.press("Control+s")  # JupyterLab's and Notebook 7's save, wherever the focus is
    deadline = time.monotonic() + 30
    while (jupyter.root / path).stat().st_mtime_ns == before:
        if time.monotonic() > deadline:
            raise AssertionError(f"{path} was not saved within 30 s")
        time.sleep(0.2)
    shut_down_kernels(jupyter)  # the server writes a notebook whole: the new file is all there
    page.goto("about:blank")
    open_notebook(page, url, cells)
    page.wait_for_load_state("networkidle")
    page.wait_for_function(
        f"(sel) => ({WIDGETS_LOADING_JS})(document.querySelector(sel)) === 0", arg=NOTEBOOK, timeout=60_000
    )
    wait_for_images(page, NOTEBOOK)
