"""The static site (`make site`) opened page by page from a local server: every picture loads,
no console error, no request leaves the machine, the notebooks in reading order, search works."""

from __future__ import annotations

import json

import pytest

from tests.browser.pages import (
    BROKEN_IMAGES_JS,
    LOADED_IMAGES_JS,
    MISSING_ALT_JS,
    NOTEBOOKS,
    SITE_PAGES,
    wait_for_images,
)

pytestmark = pytest.mark.browser

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def stored(notebook) -> dict[str, int]:
    """How many pictures, GIF animations and widgets the notebook stores."""
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    outputs = [output.get("data", {}) for cell in cells for output in cell.get("outputs", [])]
    return {
        "pictures": sum(any(k in d for k in ("image/png", "image/gif", "image/jpeg")) for d in outputs),
        "gifs": sum("image/gif" in d for d in outputs),
        "widgets": sum(WIDGET_VIEW in d for d in outputs),
    }


@pytest.mark.parametrize("path", SITE_PAGES or ["(no site built)"])
def test_site_page(page, traffic, site_url, path):
    page.goto(f"{site_url}/{path}", wait_until="networkidle")
    wait_for_images(page)
    assert page.evaluate(BROKEN_IMAGES_JS, page.locator("body").element_handle()) == []
    notebook_page = path.startswith("notebooks/")
    missing = page.locator("body").evaluate(MISSING_ALT_JS, notebook_page)
    assert missing == [], "pictures whose alt text is missing, a file name or states no number"
    assert traffic.external == [], "requests to other hosts"
    assert traffic.console_errors == [], f"console errors; failed requests: {traffic.failed}"
    text = page.locator("body").inner_text()
    assert "\\frac" not in text and "\\text{" not in text, "formulas shown as raw LaTeX"
    notebook = next((nb for nb in NOTEBOOKS if path == f"notebooks/{nb.stem}.html"), None)
    if notebook is None:
        return
    body = page.locator("body").element_handle()
    counts = stored(notebook)
    loaded = page.evaluate(LOADED_IMAGES_JS, body)
    assert loaded >= counts["pictures"], f"{loaded} pictures loaded, the notebook stores {counts['pictures']}"
    gifs = page.evaluate(
        "(root) => [...root.querySelectorAll('img')].filter((img) => img.naturalWidth > 0"
        " && /\\.gif$|^data:image\\/gif/.test(img.currentSrc)).length",
        body,
    )
    assert gifs >= counts["gifs"], "an animation is missing"
    notes = page.locator(".widget-note").count()
    assert notes == counts["widgets"], f"{counts['widgets']} widgets, {notes} notes that they need a kernel"


def test_site_reading_order_and_search(page, traffic, site_url):
    page.goto(f"{site_url}/index.html", wait_until="networkidle")
    assert page.url.endswith("README.html"), "index.html does not lead to the README"
    links = page.locator("nav.bd-docs-nav a.reference.internal").evaluate_all(
        "(links) => links.map((a) => a.getAttribute('href'))"
    )
    notebook_links = [link for link in links if link.startswith("notebooks/")]
    assert notebook_links == [f"notebooks/{nb.stem}.html" for nb in NOTEBOOKS]
    page.goto(f"{site_url}/search.html?q=stride", wait_until="networkidle")
    results = page.locator("#search-results ul.search li")
    results.first.wait_for(timeout=15_000)
    assert results.count() >= 1
    assert traffic.console_errors == [] and traffic.external == []


def _answer_line(exercise_id: str) -> str:
    from padstride.exercises import show_answer

    return show_answer(exercise_id).text.splitlines()[0]


FOLDED = [
    # (notebook page, summary to click, text the click reveals)
    ("02_padding", "Exercise 2.1: click to show the answer", lambda: _answer_line("2.1")),
    ("07_fields_pooling_transpose", "Exercise 7.4: click to show the answer", lambda: _answer_line("7.4")),
    ("09_quiz", "Question 1: click to show the proof", lambda: "border all zero: True"),
    ("09_quiz", "The answer key: click to show it", lambda: "padding-before-conv      C"),
]


def assert_folded_until_clicked(page, summary: str, revealed: str) -> None:
    """No text of the answer shows until its summary line is clicked; then it does."""
    hidden = page.get_by_text(revealed, exact=False)
    assert hidden.count() >= 1, f"{revealed!r} is not on the page at all"
    assert not any(hidden.nth(i).is_visible() for i in range(hidden.count())), f"{revealed!r} shows unasked"
    page.locator("summary", has_text=summary).first.click()
    assert any(hidden.nth(i).is_visible() for i in range(hidden.count())), (
        f"{revealed!r} hidden after a click"
    )


def open_nbconvert_html(page, tmp_path, notebook) -> str:
    """`jupyter nbconvert --to html` of the stored notebook, with no option, opened offline
    (every request to another host refused); returns what nbconvert said on stderr."""
    import subprocess
    import sys

    run = subprocess.run(
        [sys.executable, "-m", "jupyter", "nbconvert", "--to", "html", "--output-dir", str(tmp_path)]
        + [str(notebook)],
        check=True,
        capture_output=True,
        text=True,
    )
    page.route(
        "**/*",
        lambda route: route.abort() if not route.request.url.startswith("file:") else route.continue_(),
    )
    page.goto((tmp_path / f"{notebook.stem}.html").as_uri(), wait_until="domcontentloaded")
    return run.stderr


@pytest.mark.parametrize(("notebook", "summary", "revealed"), FOLDED, ids=[f"{n}:{s}" for n, s, _ in FOLDED])
def test_nbconvert_html_keeps_answers_folded(page, tmp_path, notebook, summary, revealed):
    """`jupyter nbconvert --to html`, the static form GitHub and nbviewer also start from."""
    (source,) = [nb for nb in NOTEBOOKS if nb.stem == notebook]
    open_nbconvert_html(page, tmp_path, source)
    assert_folded_until_clicked(page, summary, revealed())


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=[nb.stem for nb in NOTEBOOKS])
def test_nbconvert_html_pictures_say_what_they_show(page, tmp_path, notebook):
    """`jupyter nbconvert --to html` as it comes: every picture shows (the animation as a GIF,
    not as text; a control as its still form), each with an alt text stating its numbers;
    nbconvert has none to add."""
    assert "Alternative text is missing" not in open_nbconvert_html(page, tmp_path, notebook)
    wait_for_images(page)
    body = page.locator("body")
    counts = stored(notebook)
    # No widget state is stored: a control's output shows its still form, picture included.
    assert body.evaluate(LOADED_IMAGES_JS) >= counts["pictures"]
    gifs = body.evaluate(
        "(root) => [...root.querySelectorAll('img')].filter((img) => img.naturalWidth > 0"
        " && (img.src || '').startsWith('data:image/gif')).length"
    )
    assert gifs >= counts["gifs"], "an animation is missing"
    assert body.evaluate(MISSING_ALT_JS, True) == [], "pictures without an alt text stating their numbers"
