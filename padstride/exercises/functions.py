"""Holding a learner's function against real Keras layers on many cases.

The cases run smallest first (input size, then kernel, stride, padding and dilation), so
the first disagreement is the smallest counterexample: odd and even sizes, even kernels,
strides that do not divide, ``same`` at stride 2 and dilation. What Keras does is asked of
Keras itself, once per case and process: its own output-shape rule for sizes, and a run of
a ``same`` convolution for the split of its zeros.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import cache
from typing import Any

import numpy as np

from ..runtime import keras

SIZES = tuple(range(1, 13)) + (27, 28)
KERNELS = (1, 2, 3, 4, 5)
STRIDES = (1, 2, 3)
PADDINGS = ("valid", "same", 0, 1, 2)
DILATIONS = (1, 2, 3)


@cache
def keras_output_size(n: int, kernel_size: int, strides: int, padding: Any, dilation_rate: int = 1) -> int:
    """The output length Keras gives: Conv1D's own shape rule, after ZeroPadding1D for
    zeros written as a number."""
    layers = keras().layers
    length = n
    word = padding if isinstance(padding, str) else "valid"
    if not isinstance(padding, str):
        length = layers.ZeroPadding1D(padding).compute_output_shape((1, n, 1))[1]
    conv = layers.Conv1D(1, kernel_size, strides=strides, padding=word, dilation_rate=dilation_rate)
    return int(conv.compute_output_shape((1, length, 1))[1])


@cache
def keras_split(n: int, kernel_size: int, strides: int) -> tuple[int, int]:
    """The (before, after) zeros of Keras' ``padding="same"``, measured on a run.

    The row holds 1, 2, …, n and filter t has one weight, 1, on tap t: output j of filter t
    is the pixel under tap t of window j, so a value v there means the window starts
    v − 1 − t pixels into the row, and ``before`` zeros come first. One run per case:
    ``probes.keras_same_padding`` finds the same split by trying paddings until the outputs
    agree, about five times slower over the whole sweep; the tests hold the two together.
    """
    layers = keras().layers
    conv = layers.Conv1D(kernel_size, kernel_size, strides=strides, padding="same", use_bias=False)
    conv.build((1, n, 1))
    conv.set_weights([np.eye(kernel_size, dtype="float32").reshape(kernel_size, 1, kernel_size)])
    out = np.asarray(conv(np.arange(1, n + 1, dtype="float32").reshape(1, n, 1)))[0]
    window, tap = (int(i[0]) for i in np.nonzero(out))
    before = window * strides + tap + 1 - int(out[window, tap])
    total = max((out.shape[0] - 1) * strides + kernel_size - n, 0)
    return before, total - before


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
