"""Reading a learner's answer as an exercise asks for it: each reader returns a value that
compares with the reference answer, or raises a ValueError whose message says, in words,
what it takes.

>>> numbers(2)([26, 22.0])
(26, 22)
>>> number("26")
Traceback (most recent call last):
ValueError: a number
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any

from ..text import one_if_same


def plain(value: Any) -> Any:
    """``value`` with NumPy scalars and arrays as Python numbers and tuples, lists as tuples,
    and whole floats as ints, so that answers compare by value.

    >>> plain([1.0, (2, 3.5)])
    (1, (2, 3.5))
    """
    if hasattr(value, "tolist") and not isinstance(value, (str, bytes)):
        value = value.tolist()
    if isinstance(value, Mapping):
        return {plain(key): plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return tuple(plain(item) for item in value)
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def number(value: Any) -> int | float:
    """A number (an int or a float).

    >>> number(2.0), number(0.25)
    (2, 0.25)
    """
    value = plain(value)
    if not _is_number(value):
        raise ValueError("a number")
    return value


def size(value: Any) -> int | tuple[int, int]:
    """A side: one number, or a (height, width) pair (read as one number when they agree).

    >>> size((8, 8)), size((8, 9)), size(8)
    (8, (8, 9), 8)
    """
    value = plain(value)
    if isinstance(value, tuple) and len(value) == 2 and all(_is_number(v) for v in value):
        return one_if_same(value)
    return number(value)


def each(readers: tuple[Callable[[Any], Any], ...], what: str) -> Callable[[Any], tuple[Any, ...]]:
    """A reader of a tuple or list whose items ``readers`` read in turn; ``what`` says what
    it takes.

    >>> two_sizes = each((size, size), "two sizes")
    >>> two_sizes(((26, 26), 22)), two_sizes([26.0, (22, 23)])
    ((26, 22), (26, (22, 23)))
    """

    def read(value: Any) -> tuple[Any, ...]:
        value = plain(value)
        if not (isinstance(value, tuple) and len(value) == len(readers)):
            raise ValueError(what)
        try:
            return tuple(reader(item) for reader, item in zip(readers, value))
        except ValueError:
            raise ValueError(what) from None

    return read


def numbers(count: int) -> Callable[[Any], tuple[Any, ...]]:
    """A reader of ``count`` numbers in a tuple or list.

    >>> numbers(3)([1, 2])
    Traceback (most recent call last):
    ValueError: 3 numbers in a tuple, (…, …, …)
    """

    def read(value: Any) -> tuple[Any, ...]:
        value = plain(value)
        if not (isinstance(value, tuple) and len(value) == count and all(_is_number(v) for v in value)):
            raise ValueError(f"{count} numbers in a tuple, (" + ", ".join("…" * count) + ")")
        return value

    return read


def yes_no(count: int) -> Callable[[Any], tuple[bool, ...]]:
    """A reader of ``count`` True/False values in a tuple or list.

    >>> yes_no(2)([True, False])
    (True, False)
    """

    def read(value: Any) -> tuple[bool, ...]:
        value = plain(value)
        if not (isinstance(value, tuple) and len(value) == count and all(isinstance(v, bool) for v in value)):
            raise ValueError(f"{count} True/False values in a tuple, (" + ", ".join("…" * count) + ")")
        return value

    return read


def pairs(count: int) -> Callable[[Any], tuple[tuple[Any, Any], ...]]:
    """A reader of ``count`` (before, after) pairs in a tuple or list.

    >>> pairs(2)([[0, 1], (1, 1)])
    ((0, 1), (1, 1))
    """

    def read(value: Any) -> tuple[tuple[Any, Any], ...]:
        value = plain(value)
        pair = numbers(2)
        try:
            if not (isinstance(value, tuple) and len(value) == count):
                raise ValueError
            return tuple(pair(item) for item in value)
        except ValueError:
            raise ValueError(f"{count} (before, after) pairs in a tuple, ((…, …), …)") from None

    return read


def number_list(value: Any) -> tuple[int, ...]:
    """Numbers in any order, read as a sorted tuple without repeats.

    >>> number_list({8, 6, 10}), number_list([3, 1, 3])
    ((6, 8, 10), (1, 3))
    """
    value = plain(value)
    if isinstance(value, (set, frozenset)):
        value = tuple(value)
    if not (isinstance(value, tuple) and all(_is_number(v) for v in value)):
        raise ValueError("a list of numbers")
    return tuple(sorted(set(value)))


def table(
    read_key: Callable[[Any], Any], read_item: Callable[[Any], Any], what: str
) -> Callable[[Any], dict]:
    """A reader of a dict whose keys and values ``read_key`` and ``read_item`` read; ``what``
    says what it takes.

    >>> table(number, number, "a dict {column: value}")({0: 3.0})
    {0: 3}
    """

    def read(value: Any) -> dict:
        if not isinstance(value, Mapping):
            raise ValueError(what)
        try:
            return {read_key(key): read_item(item) for key, item in value.items()}
        except ValueError:
            raise ValueError(what) from None

    return read


def function(value: Any) -> Callable[..., Any]:
    """A function (``def …``).

    >>> function(7)
    Traceback (most recent call last):
    ValueError: a function, written with def
    """
    if not callable(value):
        raise ValueError("a function, written with def")
    return value


def unwritten(value: Any) -> bool:
    """Whether ``value`` is a function still to be written: its body does nothing but
    return None (``...``, ``pass`` or a docstring), as the notebooks' placeholders do.

    >>> def same_split(n, kernel_size, strides): ...
    >>> def forgot(n, kernel_size, strides):
    ...     total = kernel_size - 1
    >>> unwritten(same_split), unwritten(forgot), unwritten(len)
    (True, False, False)
    """
    import dis

    code = getattr(value, "__code__", None)
    if code is None:
        return False
    for instruction in dis.get_instructions(code):
        if instruction.opname in ("RESUME", "NOP", "CACHE", "RETURN_VALUE"):
            continue
        if instruction.opname in ("LOAD_CONST", "RETURN_CONST") and instruction.argval is None:
            continue
        return False
    return True


def within(share: float) -> Callable[[Any, Any], bool]:
    """Numbers that agree to ``share`` of the reference (a rounded ratio, a learning rate).

    >>> within(0.01)(0.00149, 0.0015), within(0.01)(0.0014, 0.0015)
    (True, False)
    """

    def close(given: Any, reference: Any) -> bool:
        return _is_number(given) and math.isclose(given, reference, rel_tol=share)

    return close


def to_nearest(step: float) -> Callable[[Any, Any], bool]:
    """Numbers that round to the same multiple of ``step`` as the reference (halves up):
    the precision a question states ("to the nearest whole number").

    >>> to_nearest(1)(24.9, 24.77), to_nearest(1)(25, 24.77), to_nearest(1)(24.4, 24.77)
    (True, True, False)
    """

    def close(given: Any, reference: Any) -> bool:
        return _is_number(given) and math.floor(given / step + 0.5) == math.floor(reference / step + 0.5)

    return close
