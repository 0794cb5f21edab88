"""axe-core in a page: the WCAG 2.1 A and AA rules, from the version tests/browser/package.json
pins (package-lock.json holds its digest; `make browser` installs it with `npm ci`).

The script is read from node_modules and put into the page by Playwright, so checking a page
makes no request. Any browser test can call it::

    from tests.browser.axe import assert_no_violations
    assert_no_violations(page)                                   # the whole page
    assert_no_violations(page, include=[".jp-Cell"], exclude=[".cm-editor"])
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

RUN_JS = """
async ([context, tags]) => {
    const result = await axe.run(context, {
        runOnly: {type: 'tag', values: tags},
        resultTypes: ['violations'],
    });
    return result.violations.map((rule) => ({
        id: rule.id,
        impact: rule.impact,
        help: rule.help,
        nodes: rule.nodes.map((node) => ({
            target: node.target.join(' '),
            html: node.html.slice(0, 200),
            summary: node.failureSummary,
        })),
    }));
}
"""


def axe_script() -> Path:
    """The installed axe.min.js; without it the test is skipped (failed in CI) with a hint."""
    if not AXE_JS.exists():
        message = f"no axe-core at {AXE_JS}: {INSTALL_HINT}"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return AXE_JS


def violations(page, include: list[str] | None = None, exclude: list[str] = ()) -> list[dict]:
    """axe's WCAG 2.1 A/AA violations in ``page``: the whole document, or only the elements
    matching the CSS selectors in ``include`` less those in ``exclude``."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.add_script_tag(path=str(axe_script()))  # inlined: no request leaves the page
        version = page.evaluate("() => axe.version")
        if version != PINNED:
            raise AssertionError(f"axe-core {version} installed, package.json pins {PINNED}: {INSTALL_HINT}")
    context = {
        "include": [[s] for s in include] if include else [["html"]],
        "exclude": [[s] for s in exclude],
    }
    return page.evaluate(RUN_JS, [context, list(WCAG_21_AA)])


def describe(found: list[dict], nodes: int = 3) -> str:
    """The violations, one rule a paragraph, each with its first few elements."""
    lines = []
    for rule in found:
        lines.append(f"{rule['id']} ({rule['impact']}, {len(rule['nodes'])} element(s)): {rule['help']}")
        for node in rule["nodes"][:nodes]:
            why = " | ".join(node["summary"].splitlines())[:300]
            lines.append(f"    {node['target'][:120]}\n      {node['html'][:160]}\n      {why}")
    return "\n".join(lines)


def assert_no_violations(page, include: list[str] | None = None, exclude: list[str] = ()) -> None:
    """Fail with axe's own words when the page (or the ``include`` part) breaks a WCAG 2.1 A/AA rule."""
    found = violations(page, include, exclude)
    assert not found, f"axe-core {PINNED}, WCAG 2.1 A/AA, on {page.url}:\n{describe(found)}"
