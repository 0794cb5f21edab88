"""The exercises of notebooks 1 to 3 (filters and feature maps, padding, stride), in order.

The function exercises' reference answers are written here as a learner would write them.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..conv.arithmetic import conv_output_size, same_padding
from ..learning import Misconception
from ..learning.readers import each, function, number, numbers, pairs, plain, size, table
from .bank import add, floor_same, pair, title
from .functions import judge_output_size, judge_same_split, judge_stride_one_split

# The reference functions of the function exercises, as a learner would write them.
SAME_SPLIT_CODE = """\
def same_split(n, kernel_size):
    total = kernel_size - 1  # n windows of k pixels, one pixel apart, span n + k − 1
    return total // 2, total - total // 2
"""
STRIDED_SPLIT_CODE = """\
def same_split(n, kernel_size, strides):
    out = -(-n // strides)  # ⌈n / s⌉
    total = max((out - 1) * strides + kernel_size - n, 0)
    return total // 2, total - total // 2
"""
OUTPUT_SIZE_CODE = """\
def output_size(n, kernel_size, strides, padding):
    if padding == 'same':
        return -(-n // strides)  # ⌈n / s⌉
    zeros = 0 if padding == 'valid' else 2 * padding
    return (n + zeros - kernel_size) // strides + 1
"""


# --- 1. Filters and feature maps --------------------------------------------------------------


def _sizes_after_3x3() -> tuple[int, int]:
    one = conv_output_size(28, 3)
    return one, conv_output_size(conv_output_size(one, 3), 3)


TWO_SIZES = "two sizes: (one layer, three layers), each a number or a (height, width) pair"

add(
    "1.1",
    TWO_SIZES,
    "What height and width does one 3×3 layer (padding='valid', any number of filters) give on a "
    "28×28 MNIST digit? And three such layers in a row?",
    "A k-wide window has n − k + 1 places along a side of n pixels.",
    _sizes_after_3x3,
    lambda a: (
        f"{title('1.1', 'two sizes')}: {a}\n"
        f"One 3×3 window has 28 − 3 + 1 = {a[0]} places per side; each further layer takes 2 more: "
        f"{a[0]} → {a[0] - 2} → {a[1]}. The maps are {a[0]}×{a[0]} and {a[1]}×{a[1]}: ({a[0]}, {a[1]}), "
        f"or (({a[0]}, {a[0]}), ({a[1]}, {a[1]}))."
    ),
    each((size, size), TWO_SIZES),
    (
        Misconception(
            lambda: (28, 28),
            "That is what padding='same' keeps; without padding every layer loses a border.",
        ),
        Misconception(
            lambda: (28 - 3, 28 - 3 * 3),
            "A k-wide window loses k − 1 positions, not k: it still has a place at the very start.",
        ),
    ),
)


def _params_7x7() -> int:
    return 7 * 7 * 1 * 1 + 1


add(
    "1.2",
    "a number",
    "Parameters of a Conv2D layer with one 7×7 filter on a one-channel image.",
    "One weight per tap of the filter, on each input channel; and then one more number.",
    _params_7x7,
    lambda a: (
        f"{title('1.2', 'a number')}: {a}\n7·7 weights on one channel, and one bias: {a - 1} + 1 = {a}."
    ),
    number,
    (Misconception(lambda: 7 * 7, "The weights are right; a Conv2D layer has a bias for each filter too."),),
)


def _moved_line_map() -> dict[int, float]:
    from ..demo.filters import VERTICAL_LINE_DETECTOR, apply_filter

    moved = np.zeros((8, 8))
    moved[:, 0:2] = 1
    row = apply_filter(moved, VERTICAL_LINE_DETECTOR)[0]
    return {int(column): float(row[column]) for column in np.nonzero(row)[0]}


add(
    "1.3",
    "a dict {column: value} of the columns that light up",
    "The line moved to columns 0 and 1 of the 8×8 image: which columns of the 6×6 map light up, "
    "and with what value?",
    "Output column j reads image columns j, j + 1 and j + 2, and only the middle one has weights.",
    _moved_line_map,
    lambda a: (
        f"{title('1.3', 'a dict')}: {a}\n"
        "Output column j puts the detector's middle column on image column j + 1. Only column 0 does "
        "that to a line pixel (image column 1); image column 0 is never under a middle column, so the "
        "map lights up once, with the three ones of the middle column."
    ),
    table(number, number, "a dict {column: value}"),
    (
        Misconception(
            lambda: {0: 3.0, 1: 3.0},
            "Two line columns need two windows whose middle column lands on them; is image column 0 "
            "ever under a window's middle column?",
        ),
        Misconception(
            lambda: {0: 6.0}, "Only the filter's middle column has weights: it reads one image column."
        ),
    ),
)

# --- 2. Padding ----------------------------------------------------------------------------


add(
    "2.1",
    "a (before, after) pair",
    "Zeros padding='same' adds before and after a 28-pixel side with a 4×4 filter at stride 1.",
    "The total is k − 1 at stride 1; when it is odd, TensorFlow puts the odd zero after.",
    lambda: same_padding(28, 4),
    lambda a: (
        f"{title('2.1', 'a (before, after) pair')}: {a}\n"
        f"At stride 1 'same' adds k − 1 = {sum(a)} zeros; {sum(a)} does not split evenly, and TensorFlow "
        f"puts the odd one after: {a}."
    ),
    pair,
    (
        Misconception(
            lambda: tuple(reversed(same_padding(28, 4))),
            "Right total; TensorFlow puts the odd zero on the other side.",
        ),
        Misconception(
            lambda: (2, 2), "A symmetric split would add a zero too many: the total is what keeps the size."
        ),
        Misconception(lambda: (1, 1), "A symmetric split here adds one zero too few to keep 28."),
    ),
)


def _two_rules() -> tuple[tuple[int, int], tuple[int, int]]:
    tensorflow = same_padding(28, 6)  # at stride 1 the split does not depend on the size
    return tensorflow, tensorflow[::-1]


def _both_sides(zeros: int) -> tuple[tuple[int, int], tuple[int, int]]:
    """A wrong answer: ``zeros`` on each side, under both rules."""
    return (zeros, zeros), (zeros, zeros)


TWO_PAIRS = "two (before, after) pairs: (TensorFlow's, the extra zero first)"

add(
    "2.2",
    TWO_PAIRS,
    "A 6×6 filter with padding='same' at stride 1: TensorFlow's (before, after), and the "
    "(before, after) of the rule that puts the extra zero before the input.",
    "Count the zeros a 6-wide filter needs in all to keep the size; then share them out once for each rule.",
    _two_rules,
    lambda a: (
        f"{title('2.2', 'two (before, after) pairs')}: {a}\n"
        f"At stride 1 'same' adds k − 1 = {sum(a[0])} zeros, which do not split evenly.\n"
        f"TensorFlow: ⌊{sum(a[0])}/2⌋ = {a[0][0]} before the input, the other {a[0][1]} after: {a[0]}.\n"
        f"The extra zero first: {a[1]}, the mirror image.\n"
        f"In Keras: Conv2D(1, 6, padding='same') = ZeroPadding2D(({a[0]}, {a[0]})), then Conv2D(1, 6)."
    ),
    pairs(2),
    (
        Misconception(
            lambda: _two_rules()[::-1],
            "Right pairs, in the other order: TensorFlow's puts the extra zero after the input.",
        ),
        Misconception(
            lambda: (_two_rules()[0], _two_rules()[0]),
            "The two rules put the extra zero on different sides: their pairs cannot be the same.",
        ),
        Misconception(
            lambda: (_two_rules()[1], _two_rules()[1]),
            "The two rules put the extra zero on different sides: their pairs cannot be the same.",
        ),
        Misconception(
            lambda: _both_sides(6 // 2),
            "6 zeros is one too many: at stride 1 'same' needs k − 1 in all to keep the size.",
        ),
        Misconception(
            lambda: _both_sides((6 - 1) // 2),
            "4 zeros is one too few: at stride 1 'same' needs k − 1 in all to keep the size.",
        ),
    ),
)


def _full_width() -> int:
    return conv_output_size(20, 5, padding=5 - 1)


add(
    "2.3",
    "a width",
    "With 'full' padding (k − 1 zeros on each side), how wide is the output of a 5-wide filter on "
    "a 20-pixel side?",
    "Pad first: how long is the side with its zeros at both ends? Then count the places a 5-wide "
    "window has on it, as in notebook 1.",
    _full_width,
    lambda a: (
        f"{title('2.3', 'a width')}: {a}\n"
        f"Full padding puts 5 − 1 = 4 zeros on each side: 20 + 2·4 = {20 + 2 * 4} pixels, on which a "
        f"5-wide window has {20 + 2 * 4} − 5 + 1 = {a} places (n + k − 1 = 20 + 5 − 1). In Keras: "
        f"ZeroPadding2D(4), then Conv2D(1, 5)."
    ),
    size,
    (
        Misconception(
            lambda: conv_output_size(20, 5, padding="same"),
            "That is the width padding='same' keeps; full padding adds more zeros than 'same' does.",
        ),
        Misconception(
            lambda: 20 + 2 * (5 - 1),
            "That is the length of the padded side; the output counts the places a 5-wide window has on it.",
        ),
        Misconception(
            lambda: conv_output_size(20, 5),
            "That is the width without padding ('valid'); full padding adds zeros on both sides.",
        ),
    ),
)


def _odd_zero_first(n: int, kernel_size: int) -> tuple[int, int]:
    total = kernel_size - 1
    return (total - total // 2, total // 2)


def _half_each_side(n: int, kernel_size: int) -> tuple[int, int]:
    return (kernel_size // 2, kernel_size // 2)


add(
    "2.4",
    "a function same_split(n, kernel_size) → (before, after)",
    "Write same_split(n, kernel_size) giving the zeros padding='same' adds before and after at stride 1.",
    "Work two cases by hand first, a 3×3 and a 4×4 filter on 8 pixels: how many zeros in all keep "
    "8 outputs, and where does TensorFlow put one that does not split evenly? Then write down the "
    "steps you took.",
    lambda: same_padding,
    lambda a: (
        f"{title('2.4', 'a function')}: one way:\n{SAME_SPLIT_CODE}"
        "At stride 1 the n windows, one pixel apart, span n + k − 1 pixels: k − 1 zeros, whatever n "
        "is; TensorFlow puts the smaller half before. It agrees with Keras: "
        f"same_split(28, 4) = {a(28, 4)}, same_split(8, 3) = {a(8, 3)}, same_split(8, 2) = {a(8, 2)}."
    ),
    function,
    (
        Misconception(lambda: _odd_zero_first, "TensorFlow puts the odd zero after the input, not before."),
        Misconception(
            lambda: _half_each_side,
            "k // 2 zeros on each side keep the size for an odd kernel only; an even one gets a zero "
            "too many.",
        ),
    ),
    judge=judge_stride_one_split,
    code=SAME_SPLIT_CODE,
)


# --- 3. Stride ----------------------------------------------------------------------------------

add(
    "3.1",
    "a size",
    "A 5×5 filter with stride 3 on a 28×28 image without padding: what size?",
    "Count the windows that fit whole: a first one, then one more every 3 pixels.",
    lambda: conv_output_size(28, 5, strides=3),
    lambda a: f"{title('3.1', 'a size')}: {a}\n⌊(28 − 5) / 3⌋ + 1 = {a}: the map is {a}×{a}.",
    size,
    (
        Misconception(
            lambda: math.ceil((28 - 5) / 3) + 1,
            "A window must fit whole: the division rounds down, not up.",
        ),
        Misconception(
            lambda: math.ceil(28 / 3), "⌈n / s⌉ is padding='same''s size; here there is no padding."
        ),
        Misconception(lambda: (28 - 5) / 3 + 1, "A size counts whole windows: it is a whole number."),
    ),
    close=lambda given, reference: given == reference,
)


def _size_and_split(value: Any) -> tuple[Any, tuple[Any, Any]]:
    value = plain(value)
    if not (isinstance(value, tuple) and len(value) == 2):
        raise ValueError("(output size, (before, after))")
    return size(value[0]), pair(value[1])


def _stride_two_same() -> dict[int, tuple[int, tuple[int, int]]]:
    return {
        n: (conv_output_size(n, 5, strides=2, padding="same"), same_padding(n, 5, strides=2))
        for n in (11, 12)
    }


add(
    "3.2",
    "a dict {n: (output size, (before, after))} for n = 11 and 12",
    "A 5×5 filter with padding='same' and stride 2, on an 11-pixel and on a 12-pixel side: the "
    "output size and the (before, after) split of each.",
    "First the number of outputs 'same' gives at stride 2; then how far past the input the last "
    "of their windows reaches, and where TensorFlow puts a zero that does not split evenly.",
    _stride_two_same,
    lambda a: (
        f"{title('3.2', 'a dict')}: {a}\n"
        + "\n".join(
            f"{n} pixels: ⌈{n} / 2⌉ = {out} windows, spanning ({out} − 1)·2 + 5 = "
            f"{(out - 1) * 2 + 5} pixels, {sum(split)} more than {n}: {split}."
            for n, (out, split) in a.items()
        )
    ),
    table(number, _size_and_split, "a dict {n: (output size, (before, after))}"),
    (
        Misconception(
            lambda: {11: _stride_two_same()[11], 12: (_stride_two_same()[12][0], (2, 2))},
            "At stride 2 the windows may need fewer zeros than at stride 1: count how far the last one "
            "reaches on 12 pixels.",
        ),
        Misconception(
            lambda: {
                n: (conv_output_size(n, 5, strides=2), split) for n, (_, split) in _stride_two_same().items()
            },
            "Those sizes are valid's; 'same' rounds n / s up.",
        ),
        Misconception(
            lambda: {11: _stride_two_same()[11], 12: (_stride_two_same()[12][0], (2, 1))},
            "The zero that does not split evenly goes after the input in TensorFlow, not before.",
        ),
    ),
)


def _first_layer() -> tuple[int, int]:
    from ..conv.windows import unread_pixels

    return conv_output_size(28, 5, strides=4), int(unread_pixels(28, 5, strides=4).sum())


add(
    "3.3",
    "two numbers: (output width, pixels never read)",
    "Conv2D(32, 5, strides=4) without padding on 28×28: output width, and how many of the 784 "
    "pixels it never reads.",
    "Find the last column a window reaches; the pixels past it, on either axis, are never read.",
    _first_layer,
    lambda a: (
        f"{title('3.3', 'two numbers')}: {a}\n"
        f"⌊(28 − 5) / 4⌋ + 1 = {a[0]} windows per side; the last starts at {(a[0] - 1) * 4} and ends at "
        f"{(a[0] - 1) * 4 + 4}, so the last {28 - (a[0] - 1) * 4 - 5} rows and columns are never read: "
        f"784 − {(a[0] - 1) * 4 + 5}² = {a[1]} pixels."
    ),
    numbers(2),
    (
        Misconception(
            lambda: (_first_layer()[0], (28 - ((_first_layer()[0] - 1) * 4 + 5)) * 28),
            "Right width; the pixels past the last window are missed along both axes: count the "
            "bottom rows as well as the right columns.",
        ),
        Misconception(
            lambda: (math.ceil(28 / 4), _first_layer()[1]),
            "⌈n / s⌉ is padding='same''s width; without padding windows must fit whole.",
        ),
    ),
)


def _ceil_valid(n: int, kernel_size: int, strides: int, padding: Any) -> int:
    if padding == "same":
        return math.ceil(n / strides)
    zeros = 0 if padding == "valid" else 2 * padding
    return math.ceil((n + zeros - kernel_size) / strides) + 1


add(
    "3.4",
    "a function output_size(n, kernel_size, strides, padding) → int",
    "Write output_size(n, kernel_size, strides, padding) for padding 'valid', 'same' or p zeros on each side.",
    "Take the three kinds of padding one at a time. For 'valid' and for p zeros, draw a side and "
    "count the windows that fit whole, as in the pictures of this notebook; for 'same', recall what "
    "this notebook's section on 'same' at stride 2 says it promises. Test your function on a case you can count, such as 7 pixels, "
    "3×3, stride 2.",
    lambda: conv_output_size,
    lambda a: (
        f"{title('3.4', 'a function')}: one way:\n{OUTPUT_SIZE_CODE}"
        f"It agrees with Keras: output_size(7, 4, 2, 'same') = {conv_output_size(7, 4, 2, 'same')}, "
        f"output_size(28, 5, 3, 'valid') = {conv_output_size(28, 5, 3)}."
    ),
    function,
    (
        Misconception(
            lambda: _ceil_valid, "Without 'same', a window must fit whole: the division rounds down."
        ),
        Misconception(
            lambda: floor_same, "'same' rounds n / s up: a last window partly over zeros still counts."
        ),
    ),
    judge=judge_output_size,
    code=OUTPUT_SIZE_CODE,
)


def _symmetric_split(n: int, kernel_size: int, strides: int) -> tuple[int, int]:
    total = max((math.ceil(n / strides) - 1) * strides + kernel_size - n, 0)
    return (total - total // 2, total // 2)


def _stride_one_total(n: int, kernel_size: int, strides: int) -> tuple[int, int]:
    total = kernel_size - 1
    return (total // 2, total - total // 2)


add(
    "3.5",
    "a function same_split(n, kernel_size, strides) → (before, after)",
    "Write same_split(n, kernel_size, strides) giving the zeros padding='same' adds before and after.",
    "Work two cases by hand first, 8 pixels with a 3×3 kernel at stride 2 and 7 pixels with a 4×4 "
    "kernel at stride 2: what does 'same' fix first, and what must the zeros make possible? Then "
    "write down the steps you took.",
    lambda: same_padding,
    lambda a: (
        f"{title('3.5', 'a function')}: one way:\n{STRIDED_SPLIT_CODE}"
        f"It agrees with Keras: same_split(7, 4, 2) = {same_padding(7, 4, strides=2)}, "
        f"same_split(8, 3, 2) = {same_padding(8, 3, strides=2)}."
    ),
    function,
    (
        Misconception(lambda: _symmetric_split, "The odd zero goes after in TensorFlow, not before."),
        Misconception(
            lambda: _stride_one_total, "k − 1 zeros is the stride-1 total; at stride s it depends on n."
        ),
    ),
    judge=judge_same_split,
    code=STRIDED_SPLIT_CODE,
)
