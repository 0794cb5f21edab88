"""The site for every reader, on a desktop (1280×900) and a phone (390×844): axe-core finds no
WCAG 2.1 A/AA violation on any page; the menu button opens and closes the navigation; pictures
keep their own size on a phone (their box scrolls sideways) and the quiz's text wraps; the
download button gives the notebook itself."""

from __future__ import annotations

import json
import re
import urllib.request

import pytest

from padstride.quiz import EXAMPLE, QUESTIONS
from tests.browser.axe import assert_no_violations
from tests.browser.conftest import save_screenshot
from tests.browser.pages import NOTEBOOKS, SITE, SITE_PAGES, notebook_named

pytestmark = pytest.mark.browser

VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}


def open_page(page, url: str, size: str) -> None:
    page.set_viewport_size(VIEWPORTS[size])
    # "load": the theme gives a box that scrolls its tab stop once every picture is in.
    page.goto(url, wait_until="load")


REFRESH = re.compile(r'<meta http-equiv="refresh"[^>]*>')


def open_site_page(page, site_url: str, path: str, size: str) -> None:
    """Open ``path``. A page that only leads on to another (index.html, at once: axe's
    meta-refresh rule allows that) is served without its refresh, so that it stays to be checked."""
    url, text = f"{site_url}/{path}", (SITE / path).read_text(encoding="utf-8")
    if REFRESH.search(text):
        page.route(url, lambda route: route.fulfill(body=REFRESH.sub("", text), content_type="text/html"))
    open_page(page, url, size)


@pytest.fixture
def second_tab(chromium, request):
    """Another tab, with its own screenshot when the test fails."""
    tab = chromium[0].new_page()
    tab.set_default_timeout(30_000)
    yield tab
    if getattr(request.node, "browser_failed", False):
        save_screenshot(tab, f"{request.node.name}-second-tab")
    tab.close()


@pytest.mark.parametrize("path", SITE_PAGES or ["(no site built)"])
def test_site_page_passes_axe(page, second_tab, traffic, site_url, path):
    """Every page on a desktop and on a phone, the two checked side by side."""
    open_site_page(page, site_url, path, "desktop")
    open_site_page(second_tab, site_url, path, "phone")
    assert_no_violations(page, second_tab)
    assert traffic.external == [], "axe or the page asked another host for something"


SIDEBAR_STATE_JS = """
() => {
    const sidebar = document.getElementById('pst-primary-sidebar');
    const box = sidebar.getBoundingClientRect();
    return {
        dialog: document.getElementById('pst-primary-sidebar-modal').open,
        shown: sidebar.checkVisibility() && box.width > 0 && box.right > 0 && box.left < innerWidth,
    };
}
"""


MENU_LINKS = "#pst-primary-sidebar-modal nav.bd-docs-nav a.reference.internal"


def menu_button(page):
    buttons = page.locator(".primary-toggle").filter(visible=True)
    assert buttons.count() == 1, f"{buttons.count()} visible menu buttons"
    return buttons.first


def test_site_menu_opens_and_closes_on_a_phone(page, traffic, site_url):
    open_page(page, f"{site_url}/notebooks/{notebook_named('*_stride.ipynb').stem}.html", "phone")
    assert page.evaluate(SIDEBAR_STATE_JS) == {"dialog": False, "shown": False}
    menu_button(page).click()
    page.wait_for_function("() => document.getElementById('pst-primary-sidebar-modal').open")
    links = page.locator(MENU_LINKS).filter(visible=True)
    links.first.wait_for()
    assert links.count() >= len(NOTEBOOKS), "the menu does not list every notebook"
    page.keyboard.press("Escape")
    page.wait_for_function("() => !document.getElementById('pst-primary-sidebar-modal').open")
    menu_button(page).click()
    quiz = notebook_named("*_quiz.ipynb").stem
    links.filter(has_text="Quiz").first.click()
    page.wait_for_url(f"**/{quiz}.html")
    assert traffic.console_errors == []


def test_site_menu_hides_and_shows_the_sidebar_on_a_desktop(page, traffic, site_url):
    open_page(page, f"{site_url}/notebooks/{notebook_named('*_stride.ipynb').stem}.html", "desktop")
    assert page.evaluate(SIDEBAR_STATE_JS)["shown"]
    menu_button(page).click()
    page.wait_for_function(f"() => !({SIDEBAR_STATE_JS})().shown")
    menu_button(page).click()
    page.wait_for_function(f"() => ({SIDEBAR_STATE_JS})().shown")
    assert not page.evaluate(SIDEBAR_STATE_JS)["dialog"]
    assert traffic.console_errors == []


def test_site_download_gives_the_notebook(page, site_url, tmp_path):
    """The download button's ".ipynb" saves the notebook, byte for byte as in notebooks/, on
    every notebook page (clicked through on one, its link followed on each)."""
    stride = notebook_named("*_stride.ipynb")
    open_page(page, f"{site_url}/notebooks/{stride.stem}.html", "desktop")
    page.locator(".dropdown-download-buttons button.dropdown-toggle").click()
    link = page.locator("a.btn-download-source-button")
    assert link.inner_text().strip() == ".ipynb"
    with page.expect_download() as download:
        link.click()
    download.value.save_as(tmp_path / stride.name)
    assert (tmp_path / stride.name).read_bytes() == stride.read_bytes()
    for notebook in NOTEBOOKS:
        page.goto(f"{site_url}/notebooks/{notebook.stem}.html", wait_until="domcontentloaded")
        href = page.locator("a.btn-download-source-button").evaluate("(a) => a.href")
        with urllib.request.urlopen(href, timeout=10) as answer:
            assert answer.read() == notebook.read_bytes(), f"{href} is not {notebook.name}"


PICTURES_JS = """
() => [...document.querySelectorAll('.cell_output img')].map((img) => {
    const box = img.closest('.output');
    return {src: img.getAttribute('src').slice(-24), width: Math.round(img.getBoundingClientRect().width),
            natural: img.naturalWidth, column: box ? box.clientWidth : 0,
            scrolls: !!box && box.scrollWidth > box.clientWidth, tabStop: !!box && box.tabIndex === 0};
})
"""


def stores_pictures(notebook) -> bool:
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    outputs = [output.get("data", {}) for cell in cells for output in cell.get("outputs", [])]
    return any(kind.startswith("image/") for data in outputs for kind in data)


ILLUSTRATED = [nb for nb in NOTEBOOKS if stores_pictures(nb)]


@pytest.mark.parametrize("notebook", ILLUSTRATED, ids=[nb.stem for nb in ILLUSTRATED])
def test_site_pictures_keep_their_size_on_a_phone(page, site_url, notebook):
    """Shrunk to a phone's column a figure's labels are a few pixels high: each picture keeps
    its own width, and its box scrolls sideways and takes the keyboard when it is wider."""
    open_page(page, f"{site_url}/notebooks/{notebook.stem}.html", "phone")
    pictures = page.evaluate(PICTURES_JS)
    assert pictures, "no pictures on the page"
    shrunk = [p for p in pictures if p["width"] < p["natural"]]
    assert shrunk == [], "pictures shrunk below their own width"
    stuck = [p for p in pictures if p["natural"] > p["column"] and not (p["scrolls"] and p["tabStop"])]
    assert stuck == [], "wide pictures in a box that does not scroll or cannot take the keyboard"


# The output boxes that show a question (its still form) or a value's text (a verdict of check()),
# and each element in them that is wider than its box.
CUT_TEXT_JS = """
(prompts) => {
    const boxes = [...document.querySelectorAll('.cell_output .output')].filter((box) =>
        box.classList.contains('text_plain') || prompts.some((p) => box.innerText.includes(p)));
    const cut = boxes.flatMap((box) => [box, ...box.querySelectorAll('*')])
        .filter((el) => el.scrollWidth > el.clientWidth + 1)
        .map((el) => el.innerText.slice(0, 80));
    return {cut, shown: prompts.filter((p) => boxes.some((box) => box.innerText.includes(p)))};
}
"""


def test_site_quiz_text_wraps_on_a_phone(page, site_url):
    open_page(page, f"{site_url}/notebooks/{notebook_named('*_quiz.ipynb').stem}.html", "phone")
    prompts = [question.prompt[:40] for question in (EXAMPLE, *QUESTIONS)]
    found = page.evaluate(CUT_TEXT_JS, prompts)
    assert found["shown"] == prompts, "questions missing from the page"
    assert found["cut"] == [], "quiz text cut off at the right"
