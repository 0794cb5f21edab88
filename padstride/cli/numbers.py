"""Numbers typed on the command line: one parser for sizes, kernels, strides and --input.

>>> whole_numbers("3"), whole_numbers("3x5"), input_size("225")
(3, (3, 5), (225, 225))
"""

from __future__ import annotations

import argparse
import re
import reprlib

from ..text import TIMES

# ASCII digits only: int() also reads "２８", "٣" and "1_0", which are not what a size
# typed on the command line means. Longer numbers than this are refused by name.
_DIGITS = re.compile(r"[0-9]+")
MAX_DIGITS = 1000


def whole_numbers(text: str) -> int | tuple[int, int]:
    """'3' → 3; '3x5', '3×5' or '3,5' → (3, 5); ASCII digits only."""
    parts = text.replace(TIMES, "x").replace(",", "x").lower().split("x")
    if not all(_DIGITS.fullmatch(p) for p in parts):
        raise argparse.ArgumentTypeError(
            f"{reprlib.repr(text)} is not a whole number or a pair like 3x5 (digits 0-9 only)"
        )
    if any(len(p) > MAX_DIGITS for p in parts):
        raise argparse.ArgumentTypeError(f"{reprlib.repr(text)} is longer than {MAX_DIGITS} digits")
    numbers = [int(p) for p in parts]
    if len(numbers) == 1:
        return numbers[0]
    if len(numbers) == 2:
        return (numbers[0], numbers[1])
    raise argparse.ArgumentTypeError(f"{reprlib.repr(text)}: give one number or two (height x width)")


def one_number(text: str) -> int:
    """One whole number, as whole_numbers reads it."""
    value = whole_numbers(text)
    if not isinstance(value, int):
        raise argparse.ArgumentTypeError(f"{reprlib.repr(text)}: give one number")
    return value


def input_size(text: str) -> tuple[int, int]:
    """--input: '225' (square) or '225x200' (height x width), positive, in ASCII digits.

    >>> input_size("225x200")
    (225, 200)
    """
    try:
        value = whole_numbers(text.replace(",", "?"))
    except argparse.ArgumentTypeError:
        value = None
    sizes = (value, value) if isinstance(value, int) else value
    if sizes is None or min(sizes) < 1:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a size: give a positive whole number of pixels, e.g. 225, or 225x200"
        )
    return sizes
