"""Text folded away until the reader opens it: exercise answers and quiz proofs.

A folded output is an HTML ``<details>`` block, which stays closed in JupyterLab,
Notebook 7, the site, nbconvert's HTML, nbviewer and GitHub; its plain-text form, which
text-only viewers show, says it is folded instead of giving the text away. Outside a
notebook there is nothing to fold: the text is printed.

>>> with folded("The proof") as proof:
...     print(2 + 2)
4
>>> proof.text
'4'
>>> print(repr(proof))
The proof [folded: it opens in a notebook viewer]
"""

from __future__ import annotations

import contextlib
import html
import io
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any


@dataclass
class Folded:
    """``text`` under a one-line ``summary``, shown closed until clicked."""

    summary: str
    text: str = ""

    def __str__(self) -> str:
        return self.text

    def __repr__(self) -> str:
        return f"{self.summary} [folded: it opens in a notebook viewer]"

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        printer.text(repr(self))

    def _repr_html_(self) -> str:
        return (
            f'<details class="padstride-folded"><summary>{html.escape(self.summary)}</summary>'
            f"<pre>{html.escape(self.text)}</pre></details>"
        )


@contextlib.contextmanager
def folded(summary: str) -> Iterator[Folded]:
    """Collect what the block prints and, in a notebook, show it folded under ``summary``
    afterwards; elsewhere (a terminal, a script) it is printed as usual.

    >>> with folded("Question 1: click to show the proof"):
    ...     print("(30, 30)")
    (30, 30)
    """
    if not isinstance(summary, str) or not summary.strip():
        raise ValueError(f"summary={summary!r} is not allowed: give a non-empty line of text")
    box = Folded(summary)
    printed = io.StringIO()
    try:
        with contextlib.redirect_stdout(printed):
            yield box
    finally:
        box.text = printed.getvalue().rstrip("\n")
        if in_notebook():
            from IPython.display import display

            display(box)
        elif box.text:
            print(box.text)


def in_notebook() -> bool:
    """Whether this runs in a Jupyter kernel, whose front-end can fold an output."""
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    shell = get_ipython()
    return getattr(shell, "kernel", None) is not None  # a terminal IPython has no kernel
