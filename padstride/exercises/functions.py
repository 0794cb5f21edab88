"""Holding a learner's function against real Keras layers on many cases.

The cases run smallest first (input size, then kernel, stride, padding and dilation), so
the first disagreement is the smallest counterexample: odd and even sizes, even kernels,
strides that do not divide, ``same`` at stride 2 and dilation. What Keras does is asked of
Keras itself (``padstride.measure.layers``), once per case and process: its own
output-shape rule for sizes, and a run of a ``same`` convolution for the split of its zeros.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from ..measure.layers import keras_output_size, keras_split

SIZES = tuple(range(1, 13)) + (27, 28)
KERNELS = (1, 2, 3, 4, 5)
STRIDES = (1, 2, 3)
PADDINGS = ("valid", "same", 0, 1, 2)
DILATIONS = (1, 2, 3)


def _fits(size: int, kernel_size: int, padding: Any, dilation_rate: int) -> bool:
    zeros = 0 if isinstance(padding, str) else 2 * padding
    return padding == "same" or size + zeros >= (kernel_size - 1) * dilation_rate + 1


def size_cases(dilation: bool) -> Iterator[dict[str, Any]]:
    """Every (n, kernel_size, strides, padding[, dilation_rate]) case, smallest first;
    Keras takes no stride above 1 together with a dilation above 1."""
    for n in SIZES:
        for k in KERNELS:
            for s in STRIDES:
                for p in PADDINGS:
                    for d in DILATIONS if dilation else (1,):
                        if (s > 1 and d > 1) or not _fits(n, k, p, d):
                            continue
                        case = {"n": n, "kernel_size": k, "strides": s, "padding": p}
                        if dilation:
                            case["dilation_rate"] = d
                        yield case


def split_cases() -> Iterator[dict[str, Any]]:
    """Every (n, kernel_size, strides) case for the ``same`` split, smallest first."""
    for n in SIZES:
        for k in KERNELS:
            for s in STRIDES:
                yield {"n": n, "kernel_size": k, "strides": s}


def _case_text(case: dict[str, Any]) -> str:
    return ", ".join(f"{name}={value!r}" for name, value in case.items())


def _judge(
    given: Callable[..., Any],
    cases: Iterator[dict[str, Any]],
    truth: Callable[..., Any],
    read: Callable[[Any], Any],
) -> str | None:
    """None when ``given`` agrees with Keras on every case; "unanswered" when it returns
    None everywhere it is asked (a body of ``...``); else the first disagreement in words."""
    answered = False
    for case in cases:
        try:
            result = given(*case.values())
        except Exception as error:  # the learner's code: any error is part of the feedback
            return f"for {_case_text(case)} yours raised {type(error).__name__}: {error}"
        if result is None and not answered:
            return "unanswered"
        answered = True
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
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not float(value).is_integer():
        raise ValueError
    return int(value)


def _int_pair(value: Any) -> tuple[int, int]:
    """a (before, after) pair of whole numbers"""
    if not isinstance(value, (tuple, list)) or len(value) != 2:
        raise ValueError
    return (_one_int(value[0]), _one_int(value[1]))


def judge_output_size(given: Callable[..., Any]) -> str | None:
    """``output_size(n, kernel_size, strides, padding)`` against Keras."""
    return _judge(given, size_cases(dilation=False), keras_output_size, _one_int)


def judge_dilated_output_size(given: Callable[..., Any]) -> str | None:
    """``output_size(n, kernel_size, strides, padding, dilation_rate)`` against Keras."""
    return _judge(given, size_cases(dilation=True), keras_output_size, _one_int)


def judge_same_split(given: Callable[..., Any]) -> str | None:
    """``same_split(n, kernel_size, strides)`` against the zeros Keras' ``same`` adds."""
    return _judge(given, split_cases(), keras_split, _int_pair)
