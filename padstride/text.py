"""The few ways the package writes numbers and lists: the × and − signs, a pair as one
value when both axes agree, a shape, and a list in words.

>>> one_if_same((3, 3)), one_if_same((3, 5)), pair_text((2, -1)), shape_text((28, 28, 1))
(3, (3, 5), '(2, −1)', '28×28×1')
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

TIMES = "×"  # as in "3×3"; the command line falls back to "x" where the terminal lacks it
MINUS = "−"


def one_if_same(pair: Any) -> Any:
    """``pair[0]`` when both entries agree, else the pair as a tuple; a single value as it is."""
    if isinstance(pair, (tuple, list)) and len(pair) == 2:
        return pair[0] if pair[0] == pair[1] else tuple(pair)
    return pair


def signed(value: int) -> str:
    """An integer with a true minus sign: "−2"."""
    return f"{MINUS}{-value}" if value < 0 else str(value)


def pair_text(pair: Any, number: Callable[[Any], str] = signed) -> str:
    """ "3" for (3, 3) or 3, "(3, 5)" for a pair that differs, each number written by ``number``."""
    value = one_if_same(pair)
    if isinstance(value, tuple):
        return f"({number(value[0])}, {number(value[1])})"
    return number(value)


def shape_text(shape: Sequence[Any]) -> str:
    """28×28×1; unknown sizes as ?.

    >>> shape_text((None, 8))
    '?×8'
    """
    return TIMES.join("?" if d is None else str(d) for d in shape)


def listed(items: Sequence[str], last: str = "or") -> str:
    """Items in words: "A, B, C or D".

    >>> listed(["'1.1'", "'1.2'", "'1.3'"]), listed(["A"]), listed(["x", "y"], "and")
    ("'1.1', '1.2' or '1.3'", 'A', 'x and y')
    """
    if len(items) < 2:
        return "".join(items)
    return f"{', '.join(items[:-1])} {last} {items[-1]}"
