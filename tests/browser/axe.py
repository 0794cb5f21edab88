"""axe-core in a page: the WCAG 2.1 A and AA rules, from the version tests/browser/package.json
pins (package-lock.json holds its digest; `make browser` installs it with `npm ci`).

The script is read from node_modules and put into the page by Playwright, so checking a page
makes no request. Any browser test can call it::

    from tests.browser.axe import assert_no_violations
    assert_no_violations(page)                                   # the whole page
    assert_no_violations(page, include=[".jp-Cell"], exclude=[".cm-content"])
    assert_no_violations(desktop_tab, phone_tab)                 # both at once
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
AXE_JS = HERE / "node_modules" / "axe-core" / "axe.min.js"
PINNED = json.loads((HERE / "package.json").read_text(encoding="utf-8"))["devDependencies"]["axe-core"]
WCAG_21_AA = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa")
INSTALL_HINT = "install it with make browser (npm ci in tests/browser; Debian: sudo apt-get install npm)"

# axe.run's promise is kept in the page, so that axe can run in several tabs at once (each tab
# has its own renderer process) before the test collects the answers one by one.
START_JS = """
([context, tags]) => {
    window.__padstrideAxe = axe.run(context, {
        runOnly: {type: 'tag', values: tags},
        resultTypes: ['violations'],
    });
}
"""
RESULT_JS = """
async () => (await window.__padstrideAxe).violations.map((rule) => ({
    id: rule.id,
    impact: rule.impact,
    help: rule.help,
    nodes: rule.nodes.map((node) => ({
        target: node.target.join(' '),
        html: node.html.slice(0, 200),
        summary: node.failureSummary,
    })),
}))
"""


def axe_script() -> Path:
    """The installed axe.min.js; without it the test is skipped (failed in CI) with a hint."""
    if not AXE_JS.exists():
        message = f"no axe-core at {AXE_JS}: {INSTALL_HINT}"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return AXE_JS


def start(page, include: list[str] | None = None, exclude: list[str] = ()) -> None:
    """Start axe in ``page`` (put in first if need be): the whole document, or only the elements
    matching the CSS selectors in ``include`` less those in ``exclude``; ``result`` collects."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.add_script_tag(path=str(axe_script()))  # inlined: no request leaves the page
        version = page.evaluate("() => axe.version")
        if version != PINNED:
            raise AssertionError(f"axe-core {version} installed, package.json pins {PINNED}: {INSTALL_HINT}")
    context = {
        "include": [[s] for s in include] if include else [["html"]],
        "exclude": [[s] for s in exclude],
    }
    page.evaluate(START_JS, [context, list(WCAG_21_AA)])


def result(page) -> list[dict]:
    """The WCAG 2.1 A/AA violations of the run ``start`` began in ``page``."""
    return page.evaluate(RESULT_JS)


def violations(page, include: list[str] | None = None, exclude: list[str] = ()) -> list[dict]:
    """axe's WCAG 2.1 A/AA violations in ``page`` (or its ``include`` part less ``exclude``)."""
    start(page, include, exclude)
    return result(page)


def describe(found: list[dict], nodes: int = 3) -> str:
    """The violations, one rule a paragraph, each with its first few elements."""
    lines = []
    for rule in found:
        lines.append(f"{rule['id']} ({rule['impact']}, {len(rule['nodes'])} element(s)): {rule['help']}")
        for node in rule["nodes"][:nodes]:
            why = " | ".join(node["summary"].splitlines())[:300]
            lines.append(f"    {node['target'][:120]}\n      {node['html'][:160]}\n      {why}")
    return "\n".join(lines)


def assert_no_violations(*pages, include: list[str] | None = None, exclude: list[str] = ()) -> None:
    """Fail with axe's own words when a page (or its ``include`` part) breaks a WCAG 2.1 A/AA
    rule; several pages are checked side by side."""
    for page in pages:
        start(page, include, exclude)
    reports = []
    for page in pages:
        found = result(page)
        if found:
            size = page.viewport_size or {}
            where = f"{page.url} at {size.get('width')}×{size.get('height')}"
            reports.append(f"axe-core {PINNED}, WCAG 2.1 A/AA, on {where}:\n{describe(found)}")
    assert not reports, "\n\n".join(reports)
