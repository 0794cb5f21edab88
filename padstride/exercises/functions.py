"""Holding a learner's function against real Keras layers on many cases.

First a grid, smallest first (input size, then kernel, stride, padding and dilation), so
the first disagreement there is the smallest counterexample: odd and even sizes, even
kernels, strides that do not divide, ``same`` at every stride, and every input size,
kernel, stride, padding and dilation the notebooks use (``tests/test_exercises.py`` holds
the grid to the notebooks). Then seeded random cases beyond the grid, the same on every
run. What Keras does is asked of Keras itself (``padstride.measure.layers``), once per case
and process: its own output-shape rule for sizes, and a run of a ``same`` convolution for
the split of its zeros.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from typing import Any

from ..learning.readers import numbers
from ..measure.layers import keras_output_size, keras_split

# Every size up to 16, and the sizes the notebooks use (MNIST's 28, the 56 … 7 maps of
# ResNet50, the 224, 225 and 227 of the applications), with their odd or even neighbours.
SIZES = tuple(range(1, 17)) + (27, 28, 29, 30, 32, 56, 57, 64, 112, 113, 200, 224, 225, 227, 232, 320, 576)
# The split is measured by a run per case: every size up to 16, and the sizes whose split the
# notebooks and exercises ask about (MobileNetV2's pads at 224, 225, 227 and 200, MNIST's 28).
SPLIT_SIZES = tuple(range(1, 17)) + (25, 27, 28, 29, 50, 56, 57, 100, 112, 113, 114, 200, 224, 225, 227)
KERNELS = (*range(1, 8), 11)  # up to ResNet50's 7×7 stem, and AlexNet's 11×11
STRIDES = (1, 2, 3, 4, 5)  # 3.3 uses strides=4
SPLIT_STRIDES = (1, 2, 3, 4)
PADDINGS = ("valid", "same", 0, 1, 2, 3)  # 3 zeros a side: ResNet50's stem
DILATIONS = (1, 2, 3)
RANDOM_CASES = 200  # beyond the grid: sizes to 1,000, kernels to 11, strides to 8, zeros to 8
SEED = 35


def _fits(size: int, kernel_size: int, padding: Any, dilation_rate: int) -> bool:
    zeros = 0 if isinstance(padding, str) else 2 * padding
    return padding == "same" or size + zeros >= (kernel_size - 1) * dilation_rate + 1


def _size_case(n: int, k: int, s: int, p: Any, d: int, dilation: bool) -> dict[str, Any] | None:
    """The case as the learner's function is called, or None where Keras refuses it (a
    stride above 1 with a dilation above 1, or a window larger than the padded input)."""
    if (s > 1 and d > 1) or not _fits(n, k, p, d):
        return None
    case = {"n": n, "kernel_size": k, "strides": s, "padding": p}
    if dilation:
        case["dilation_rate"] = d
    return case


def _random_size_cases(dilation: bool) -> Iterator[dict[str, Any]]:
    rng = random.Random(SEED)
    made = 0
    while made < RANDOM_CASES:
        s = rng.randint(1, 8)
        d = rng.randint(1, 5) if dilation and s == 1 else 1
        p = rng.choice(("valid", "same", rng.randint(0, 8)))
        case = _size_case(rng.randint(1, 1000), rng.randint(1, 11), s, p, d, dilation)
        if case is not None:
            made += 1
            yield case


def size_cases(dilation: bool) -> Iterator[dict[str, Any]]:
    """Every (n, kernel_size, strides, padding[, dilation_rate]) case of the grid, smallest
    first, then the random ones; Keras takes no stride above 1 together with a dilation
    above 1.

    >>> next(size_cases(dilation=False))
    {'n': 1, 'kernel_size': 1, 'strides': 1, 'padding': 'valid'}
    """
    for n in SIZES:
        for k in KERNELS:
            for s in STRIDES:
                for p in PADDINGS:
                    for d in DILATIONS if dilation else (1,):
                        case = _size_case(n, k, s, p, d, dilation)
                        if case is not None:
                            yield case
    yield from _random_size_cases(dilation)


def split_cases(strides: bool = True) -> Iterator[dict[str, Any]]:
    """Every (n, kernel_size, strides) case for the ``same`` split, smallest first, then
    the random ones; with ``strides=False``, the (n, kernel_size) cases at stride 1.

    >>> next(split_cases()), next(split_cases(strides=False))
    ({'n': 1, 'kernel_size': 1, 'strides': 1}, {'n': 1, 'kernel_size': 1})
    """
    for n in SPLIT_SIZES:
        for k in KERNELS:
            for s in SPLIT_STRIDES if strides else (1,):
                yield _split_case(n, k, s, strides)
    rng = random.Random(SEED)
    for _ in range(RANDOM_CASES // 4):  # fewer: each is a run of Keras
        n, k = rng.randint(1, 1000), rng.randint(1, 11)
        yield _split_case(n, k, rng.randint(1, 8) if strides else 1, strides)


def _split_case(n: int, k: int, s: int, strides: bool) -> dict[str, Any]:
    case = {"n": n, "kernel_size": k}
    if strides:
        case["strides"] = s
    return case


def _case_text(case: dict[str, Any]) -> str:
    return ", ".join(f"{name}={value!r}" for name, value in case.items())


def _judge(
    given: Callable[..., Any],
    cases: Iterator[dict[str, Any]],
    truth: Callable[..., Any],
    read: Callable[[Any], Any],
) -> str | None:
    """None when ``given`` agrees with Keras on every case, else the first disagreement in words."""
    for case in cases:
        try:
            result = given(*case.values())
        except Exception as error:  # the learner's code: any error is part of the feedback
            return f"for {_case_text(case)} yours raised {type(error).__name__}: {error}"
        if result is None:
            return f"for {_case_text(case)} yours returned None: check that every way through it ends in a return"
        expected = truth(**case)
        try:
            mine = read(result)
        except ValueError:
            return f"for {_case_text(case)} yours gives {result!r}, which is not {read.__doc__}"
        if mine != expected:
            return f"for {_case_text(case)} yours gives {result!r}, Keras gives {expected!r}"
    return None


def _one_int(value: Any) -> int:
    """a whole number"""
    (whole,) = _whole(numbers(1)((value,)))
    return whole


def _int_pair(value: Any) -> tuple[int, int]:
    """a (before, after) pair of whole numbers"""
    return _whole(numbers(2)(value))


def _whole(values: tuple[Any, ...]) -> tuple[int, ...]:
    """The numbers as ints; a ValueError for any that is not whole (``plain`` has made
    whole floats ints already)."""
    if not all(isinstance(value, int) for value in values):
        raise ValueError
    return tuple(values)


def judge_output_size(given: Callable[..., Any]) -> str | None:
    """``output_size(n, kernel_size, strides, padding)`` against Keras."""
    return _judge(given, size_cases(dilation=False), keras_output_size, _one_int)


def judge_dilated_output_size(given: Callable[..., Any]) -> str | None:
    """``output_size(n, kernel_size, strides, padding, dilation_rate)`` against Keras."""
    return _judge(given, size_cases(dilation=True), keras_output_size, _one_int)


def judge_same_split(given: Callable[..., Any]) -> str | None:
    """``same_split(n, kernel_size, strides)`` against the zeros Keras' ``same`` adds."""
    return _judge(given, split_cases(), keras_split, _int_pair)


def _keras_split_stride_one(n: int, kernel_size: int) -> tuple[int, int]:
    return keras_split(n, kernel_size, 1)


def judge_stride_one_split(given: Callable[..., Any]) -> str | None:
    """``same_split(n, kernel_size)`` against the zeros Keras' ``same`` adds at stride 1."""
    return _judge(given, split_cases(strides=False), _keras_split_stride_one, _int_pair)
