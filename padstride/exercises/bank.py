"""The exercises of notebooks 1 to 8 and 10, each with its computed answer: what they share.

Ids are "notebook.exercise" ("3.1"); an exercise in two parts has a letter ("6.1a").
Every reference answer is computed with the package's arithmetic or its Keras models; the
tests measure each one with Keras layers. The exercises themselves are in ``bank_1_to_3``,
``bank_4_to_6`` and ``bank_7_to_10``, which ``padstride.exercises`` imports in that order,
so that they register in the order of the notebooks.
"""

from __future__ import annotations

from typing import Any

from ..learning import Exercise, Misconception
from ..learning.readers import numbers
from .checking import register

NB = {
    1: "01_filters_and_feature_maps",
    2: "02_padding",
    3: "03_stride",
    4: "04_mnist_models",
    5: "05_training_tradeoffs",
    6: "06_same_and_pad_modes",
    7: "07_fields_pooling_transpose",
    8: "08_real_architectures",
    10: "10_pitfalls_and_porting",
}


def pair(value: Any) -> tuple[int, int]:
    """A (before, after) pair of numbers.

    >>> pair([0, 1.0])
    (0, 1)
    """
    return numbers(2)(value)


def add(
    id: str,
    asks: str,
    prompt: str,
    hint: str,
    solve,
    explain,
    read,
    misconceptions: tuple[Misconception, ...] = (),
    **more: Any,
) -> None:
    """Register the exercise ``id`` of its notebook (``NB``); ``more`` gives ``close``,
    ``judge`` and ``code`` where the exercise needs them."""
    register(
        Exercise(
            id, NB[int(id.split(".")[0])], asks, prompt, hint, solve, explain, read, misconceptions, **more
        )
    )


def title(id: str, asks: str) -> str:
    """The first words of a shown answer.

    >>> title("3.1", "a size")
    'Exercise 3.1 (a size)'
    """
    return f"Exercise {id} ({asks})"


def floor_same(n: int, kernel_size: int, strides: int, padding: Any) -> int:
    """A wrong output size, for misconceptions: 'same' rounding n / s down.

    >>> floor_same(7, 3, 2, "same"), floor_same(7, 3, 2, "valid")
    (3, 3)
    """
    if padding == "same":
        return n // strides
    zeros = 0 if padding == "valid" else 2 * padding
    return (n + zeros - kernel_size) // strides + 1
