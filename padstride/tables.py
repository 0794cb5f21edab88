"""Plain-text tables: one renderer for every table the package prints.

>>> print(render_table(("layer", "params"), [("conv", "320"), ("dense", "1,290")], right=(1,)))
layer  params
-------------
conv      320
dense   1,290
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence


def render_table(
    headers: Sequence[str],
    rows: Iterable[Sequence[str]],
    right: Iterable[int] = (),
    footer: Sequence[str] = (),
) -> str:
    """Columns two spaces apart, a rule under the headers; the columns in ``right`` are
    aligned right. ``footer`` lines follow a second rule.

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
    if footer:
        lines += [rule, *footer]
    return "\n".join(lines)
