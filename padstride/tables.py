"""Plain-text tables: one renderer for every table the package prints.

>>> print(render_table(("layer", "params"), [("conv", "320"), ("dense", "1,290")], right=(1,)))
layer  params
-------------
conv      320
dense   1,290
"""

from __future__ import annotations

import csv
import io
import textwrap
from collections.abc import Iterable, Sequence

WIDTH = 100  # tables fit 100 columns; longer notes continue on the next line


class TextTable:
    """What every table of the package shares: ``str()`` and IPython show ``table()``.

    >>> class Two(TextTable):
    ...     def table(self) -> str:
    ...         return render_table(("a", "b"), [("1", "2")])
    >>> print(Two())
    a  b
    ----
    1  2
    """

    def table(self) -> str:
        raise NotImplementedError

    def __str__(self) -> str:
        return self.table()

    def _repr_pretty_(self, printer, cycle) -> None:  # IPython shows the table
        printer.text(self.table())


def render_table(
    headers: Sequence[str],
    rows: Iterable[Sequence[str]],
    right: Iterable[int] = (),
    footer: Sequence[str] = (),
    notes: Iterable[tuple[int, str]] = (),
) -> str:
    """Columns two spaces apart, a rule under the headers; the columns in ``right`` are
    aligned right. ``footer`` lines follow a second rule. Each ``(n, text)`` of ``notes``
    (in order of n) goes, indented and wrapped, under the first n rows.

    >>> print(render_table(("a", "b"), [("1", "2")], footer=["total 3"]))
    a  b
    ----
    1  2
    ----
    total 3
    """
    rows = [tuple(str(cell) for cell in row) for row in rows]
    for row in rows:
        if len(row) != len(headers):
            raise ValueError(f"row {row!r} has {len(row)} cells, the headers {len(headers)}")
    widths = [max(len(r[i]) for r in [tuple(headers), *rows]) for i in range(len(headers))]
    right = set(right)

    def line(cells: Sequence[str]) -> str:
        padded = [c.rjust(w) if i in right else c.ljust(w) for i, (c, w) in enumerate(zip(cells, widths))]
        return "  ".join(padded).rstrip()

    rule = "-" * (sum(widths) + 2 * (len(widths) - 1))
    lines = [line(headers), rule, *map(line, rows)]
    for end, note in reversed(list(notes)):  # from the bottom, so earlier places stay put
        lines[2 + end : 2 + end] = wrap(note)
    if footer:
        lines += [rule, *footer]
    return "\n".join(lines)


def wrap(text: str, indent: str = "    ") -> list[str]:
    """Indented lines of at most WIDTH columns; continuation lines indented further."""
    return textwrap.wrap(
        text, WIDTH, initial_indent=indent, subsequent_indent=indent + "  ", break_on_hyphens=False
    )


def render_csv(headers: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """The headers and rows as CSV text, one line each; text a spreadsheet would read as a
    formula is escaped (``spreadsheet_text``).

    >>> render_csv(("layer", "params"), [("conv", 320)])
    'layer,params\\nconv,320\\n'
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(map(spreadsheet_text, headers))
    writer.writerows(map(spreadsheet_text, row) for row in rows)
    return buffer.getvalue()


# What starts a formula in a spreadsheet (OWASP, "CSV Injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_text(cell: object) -> object:
    """A CSV cell as a spreadsheet should show it: text that starts with =, +, -, @, a tab or
    a carriage return gets a single quote in front, as OWASP advises against CSV injection,
    so that it is never run as a formula; numbers (negative ones too) stay numbers.

    >>> spreadsheet_text("=HYPERLINK(1)"), spreadsheet_text(-1), spreadsheet_text("conv")
    ("'=HYPERLINK(1)", -1, 'conv')
    """
    return "'" + cell if isinstance(cell, str) and cell.startswith(FORMULA_STARTS) else cell
