"""The exercises of notebooks 1 to 8 and 10, in order, each with its computed answer.

Ids are "notebook.exercise" ("3.1"); an exercise in two parts has a letter ("6.1a").
Every reference answer is computed here with the package's arithmetic or its Keras
models; the tests measure each one with Keras layers.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..conv.arithmetic import conv_output_size, effective_kernel_size, same_padding
from .engine import (
    Exercise,
    Misconception,
    function,
    number,
    number_list,
    numbers,
    pairs,
    plain,
    register,
    size,
    table,
    within,
    yes_no,
)
from .functions import judge_dilated_output_size, judge_output_size, judge_same_split

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


def _pair(value: Any) -> tuple[int, int]:
    return numbers(2)(value)


def _add(
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
    register(
        Exercise(
            id, NB[int(id.split(".")[0])], asks, prompt, hint, solve, explain, read, misconceptions, **more
        )
    )


# The reference functions of the function exercises, as a learner would write them.
SAME_SPLIT_CODE = """\
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
DILATED_OUTPUT_SIZE_CODE = """\
def output_size(n, kernel_size, strides, padding, dilation_rate):
    if padding == 'same':
        return -(-n // strides)
    span = (kernel_size - 1) * dilation_rate + 1
    zeros = 0 if padding == 'valid' else 2 * padding
    return (n + zeros - span) // strides + 1
"""


def _title(id: str, asks: str) -> str:
    return f"Exercise {id} ({asks})"


# --- 1. Filters and feature maps --------------------------------------------------------------


def _sizes_after_3x3() -> tuple[int, int]:
    one = conv_output_size(28, 3)
    return one, conv_output_size(conv_output_size(one, 3), 3)


_add(
    "1.1",
    "two sizes: (one layer, three layers)",
    "Height and width after one 3×3 valid layer on 28×28, and after three such layers.",
    "A k-wide window has n − k + 1 places along a side of n pixels.",
    _sizes_after_3x3,
    lambda a: (
        f"{_title('1.1', 'two sizes')}: {a}\n"
        f"One 3×3 window has 28 − 3 + 1 = {a[0]} places per side; each further layer takes 2 more: "
        f"{a[0]} → {a[0] - 2} → {a[1]}. The maps are {a[0]}×{a[0]} and {a[1]}×{a[1]}."
    ),
    numbers(2),
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


_add(
    "1.2",
    "a number",
    "Parameters of a Conv2D layer with one 7×7 filter on a one-channel image.",
    "One weight per tap of the filter, on each input channel; and then one more number.",
    _params_7x7,
    lambda a: (
        f"{_title('1.2', 'a number')}: {a}\n7·7 weights on one channel, and one bias: {a - 1} + 1 = {a}."
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


_add(
    "1.3",
    "a dict {column: value} of the columns that light up",
    "The line moved to columns 0 and 1 of the 8×8 image: which columns of the 6×6 map light up, "
    "and with what value?",
    "Output column j reads image columns j, j + 1 and j + 2, and only the middle one has weights.",
    _moved_line_map,
    lambda a: (
        f"{_title('1.3', 'a dict')}: {a}\n"
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


_add(
    "2.1",
    "a (before, after) pair",
    "Zeros padding='same' adds before and after a 28-pixel side with a 4×4 filter at stride 1.",
    "The total is k − 1 at stride 1; when it is odd, TensorFlow puts the odd zero after.",
    lambda: same_padding(28, 4),
    lambda a: (
        f"{_title('2.1', 'a (before, after) pair')}: {a}\n"
        f"At stride 1 'same' adds k − 1 = {sum(a)} zeros; {sum(a)} does not split evenly, and TensorFlow "
        f"puts the odd one after: {a}."
    ),
    _pair,
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


def _size_and_split(value: Any) -> tuple[Any, tuple[Any, Any]]:
    value = plain(value)
    if not (isinstance(value, tuple) and len(value) == 2):
        raise ValueError("(output size, (before, after))")
    return number(value[0]), _pair(value[1])


def _stride_two_same() -> dict[int, tuple[int, tuple[int, int]]]:
    return {
        n: (conv_output_size(n, 3, strides=2, padding="same"), same_padding(n, 3, strides=2)) for n in (9, 10)
    }


_add(
    "2.2",
    "a dict {n: (output size, (before, after))} for n = 9 and 10",
    "A 3×3 filter, padding='same', stride 2, on 9 and on 10 pixels: output size and split of each.",
    "'same' gives ⌈n / s⌉ outputs; the zeros are whatever those windows need beyond the input.",
    _stride_two_same,
    lambda a: (
        f"{_title('2.2', 'a dict')}: {a}\n"
        + "\n".join(
            f"{n} pixels: ⌈{n} / 2⌉ = {out} outputs; their windows span ({out} − 1)·2 + 3 = {(out - 1) * 2 + 3} "
            f"pixels, {sum(split)} more than {n}: {split}."
            for n, (out, split) in a.items()
        )
    ),
    table(number, _size_and_split, "a dict {n: (output size, (before, after))}"),
    (
        Misconception(
            lambda: {9: _stride_two_same()[9], 10: (_stride_two_same()[10][0], (1, 1))},
            "At stride 2 the windows may need fewer zeros than at stride 1: count how far the last one "
            "reaches on 10 pixels.",
        ),
        Misconception(
            lambda: {
                n: (conv_output_size(n, 3, strides=2), split) for n, (_, split) in _stride_two_same().items()
            },
            "Those sizes are valid's; 'same' rounds n / s up.",
        ),
    ),
)


def _symmetric_sizes() -> tuple[int, ...]:
    return tuple(n for n in range(5, 11) if len(set(same_padding(n, 5, strides=2))) == 1)


_add(
    "2.3",
    "a list of input sizes",
    "With a 5×5 filter at stride 2 and padding='same', which input sizes from 5 to 10 get a symmetric split?",
    "Work out ⌈n / 2⌉, the span of those windows, and the total of zeros for each n: even totals split evenly.",
    _symmetric_sizes,
    lambda a: (
        f"{_title('2.3', 'a list')}: {list(a)}\n"
        + "\n".join(f"n = {n}: split {same_padding(n, 5, strides=2)}" for n in range(5, 11))
    ),
    number_list,
    (
        Misconception(
            lambda: tuple(n for n in range(5, 11) if n % 2 == 0),
            "Even inputs are the lopsided ones for a 3×3 kernel; this is a 5×5 kernel: work the totals out.",
        ),
    ),
)


def _symmetric_split(n: int, kernel_size: int, strides: int) -> tuple[int, int]:
    total = max((math.ceil(n / strides) - 1) * strides + kernel_size - n, 0)
    return (total - total // 2, total // 2)


def _stride_one_total(n: int, kernel_size: int, strides: int) -> tuple[int, int]:
    total = kernel_size - 1
    return (total // 2, total - total // 2)


_add(
    "2.4",
    "a function same_split(n, kernel_size, strides) → (before, after)",
    "Write same_split(n, kernel_size, strides) giving the zeros padding='same' adds before and after.",
    "out = ⌈n / s⌉; the windows span (out − 1)·s + k pixels; the zeros are the difference, never "
    "negative, with the odd one after.",
    lambda: same_padding,
    lambda a: (
        f"{_title('2.4', 'a function')}: one way:\n{SAME_SPLIT_CODE}"
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
    code=SAME_SPLIT_CODE,
)

# --- 3. Stride ----------------------------------------------------------------------------------

_add(
    "3.1",
    "a size",
    "A 5×5 filter with stride 3 on a 28×28 image without padding: what size?",
    "Count the windows that fit whole: a first one, then one more every 3 pixels.",
    lambda: conv_output_size(28, 5, strides=3),
    lambda a: f"{_title('3.1', 'a size')}: {a}\n⌊(28 − 5) / 3⌋ + 1 = {a}: the map is {a}×{a}.",
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


def _stride_for_four() -> tuple[int, ...]:
    return tuple(s for s in range(1, 9) if conv_output_size(9, 3, strides=s) == 4)


_add(
    "3.2",
    "a stride",
    "Which stride makes a 3×3 filter on a 9×9 image give exactly 4×4 without padding?",
    "Try the formula ⌊(9 − 3) / s⌋ + 1 for a few strides, starting at 1.",
    lambda: _stride_for_four()[0],
    lambda a: (
        f"{_title('3.2', 'a stride')}: {a}\n⌊(9 − 3) / {a}⌋ + 1 = 4, and no other stride gives 4 "
        f"(the strides that do: {list(_stride_for_four())})."
    ),
    number,
    (Misconception(lambda: 3, "With stride 3 only 3 windows fit: ⌊6 / 3⌋ + 1."),),
)


def _first_layer() -> tuple[int, int]:
    from ..conv.windows import unread_pixels

    return conv_output_size(28, 5, strides=4), int(unread_pixels(28, 5, strides=4).sum())


_add(
    "3.3",
    "two numbers: (output width, pixels never read)",
    "Conv2D(32, 5, strides=4) without padding on 28×28: output width, and how many of the 784 "
    "pixels it never reads.",
    "Find the last column a window reaches; the pixels past it, on either axis, are never read.",
    _first_layer,
    lambda a: (
        f"{_title('3.3', 'two numbers')}: {a}\n"
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


def _floor_same(n: int, kernel_size: int, strides: int, padding: Any) -> int:
    if padding == "same":
        return n // strides
    zeros = 0 if padding == "valid" else 2 * padding
    return (n + zeros - kernel_size) // strides + 1


_add(
    "3.4",
    "a function output_size(n, kernel_size, strides, padding) → int",
    "Write output_size(n, kernel_size, strides, padding) for padding 'valid', 'same' or p zeros on each side.",
    "'same' gives ⌈n / s⌉; otherwise the padded side n + 2p holds ⌊(n + 2p − k) / s⌋ + 1 windows.",
    lambda: conv_output_size,
    lambda a: (
        f"{_title('3.4', 'a function')}: one way:\n{OUTPUT_SIZE_CODE}"
        f"It agrees with Keras: output_size(7, 4, 2, 'same') = {conv_output_size(7, 4, 2, 'same')}, "
        f"output_size(28, 5, 3, 'valid') = {conv_output_size(28, 5, 3)}."
    ),
    function,
    (
        Misconception(
            lambda: _ceil_valid, "Without 'same', a window must fit whole: the division rounds down."
        ),
        Misconception(
            lambda: _floor_same, "'same' rounds n / s up: a last window partly over zeros still counts."
        ),
    ),
    judge=judge_output_size,
    code=OUTPUT_SIZE_CODE,
)

# --- 4. MNIST models ----------------------------------------------------------------------------


def _strided_params(dense_units: int = 64) -> int:
    from ..demo.models import conv_model

    return int(conv_model(padding="same", strides=2, dense_units=dense_units).count_params())


def _flatten_length(padding: str) -> int:
    from ..demo.models import conv_model

    return int(conv_model(padding=padding, strides=2).get_layer("flatten").output.shape[1])


_add(
    "4.1",
    "a number",
    "Parameters of the strided model (padding='same', strides=2) with a Dense layer of 64 units.",
    "Only the Dense layers change: count the hidden layer's weights from Flatten's length, and its biases.",
    _strided_params,
    lambda a: (
        f"{_title('4.1', 'a number')}: {a:,}\nconv_model(padding='same', strides=2, dense_units=64)"
        f".count_params() = {a:,}."
    ),
    number,
    (
        Misconception(
            lambda: _strided_params() - 64, "The hidden Dense layer has a bias for each of its 64 units."
        ),
    ),
)

_add(
    "4.2",
    "a number",
    "What would Flatten give if the strided model used padding='valid'?",
    "Follow the size through each layer with ⌊(n − k) / s⌋ + 1, then multiply by the filters.",
    lambda: _flatten_length("valid"),
    lambda a: (
        f"{_title('4.2', 'a number')}: {a}\nWith valid, stride 2: 28 → 13 → 6 → 2, and 2·2·32 = {a} numbers."
    ),
    number,
    (
        Misconception(
            lambda: _flatten_length("same"), "That is the 'same' model's length; valid loses borders."
        ),
    ),
)


def _conv_8_5_params() -> int:
    return 5 * 5 * 3 * 8 + 8


_add(
    "4.3",
    "a number",
    "Parameters of Conv2D(8, 5) on a 32×32 colour image (3 channels).",
    "Each filter has a 5×5 grid of weights on every input channel, and a bias.",
    _conv_8_5_params,
    lambda a: f"{_title('4.3', 'a number')}: {a}\n5·5·3·8 + 8 = {a}: the image's size does not count.",
    number,
    (
        Misconception(lambda: 5 * 5 * 8 + 8, "Each filter spans all 3 input channels: 5·5 weights on each."),
        Misconception(lambda: 5 * 5 * 3 * 8, "The weights are right; each filter has a bias too."),
        Misconception(
            lambda: 28 * 28 * 8,
            "A layer's parameters do not depend on the image's size: only kernel and channels.",
        ),
    ),
)

# --- 5. Training trade-offs ---------------------------------------------------------------------


def _flops(**settings: Any) -> int:
    from ..demo.models import mnist_model
    from ..model.explain import explain

    return explain(mnist_model(**settings)).flops


def _flops_ratio() -> float:
    return _flops(padding="same") / _flops(padding="same", strides=2)


_add(
    "5.1",
    "a number (rounded to one decimal is fine)",
    "How many times fewer FLOPs per image does the strided model need than the 'same' model?",
    "explain(model).flops gives each model's FLOPs; divide the larger by the smaller.",
    _flops_ratio,
    lambda a: (
        f"{_title('5.1', 'a number')}: {a:.1f}\n"
        f"explain(...).flops: 'same' {_flops(padding='same'):,}, strided "
        f"{_flops(padding='same', strides=2):,}; the ratio is {a:.1f}."
    ),
    number,
    (
        Misconception(
            lambda: 1 / _flops_ratio(),
            "That is the strided model's share; the question asks how many times fewer.",
        ),
    ),
    close=within(0.005),
)


def _flatten_lengths() -> dict[str, int]:
    from ..demo.models import mnist_model

    return {
        f"{p}, stride {s}": int(mnist_model(strides=s, padding=p).get_layer("flatten").output.shape[1])
        for p, s in (("valid", 1), ("same", 1), ("same", 2))
    }


_add(
    "5.2",
    "a number: the shortest Flatten length",
    "How long is the shortest Flatten output of the three models (and which model has it)?",
    "Flatten's length is the last map's height · width · channels.",
    lambda: min(_flatten_lengths().values()),
    lambda a: (
        f"{_title('5.2', 'a number')}: {a}\n"
        + ", ".join(f"{name}: {length:,}" for name, length in _flatten_lengths().items())
        + f". The strided model's is the shortest, {a}."
    ),
    number,
    (Misconception(lambda: max(_flatten_lengths().values()), "That is the longest one."),),
)


def _three_epoch_steps() -> int:
    from ..mnist.training import FAST

    return 3 * math.ceil(60_000 / FAST["batch_size"])


def _halfway_rate() -> float:
    from ..mnist.training import learning_rate_schedule

    steps = _three_epoch_steps()
    return float(learning_rate_schedule(0.003, steps=steps)(steps // 2))


_add(
    "5.3",
    "a learning rate",
    "In a three-epoch train() run with the default peak rate of 0.003, the learning rate halfway through.",
    "The rate follows half a cosine from the peak down to zero: what is cos(π/2)?",
    _halfway_rate,
    lambda a: (
        f"{_title('5.3', 'a learning rate')}: {a:.5f}\n"
        f"The rate falls along half a cosine from 0.003 to 0 over {_three_epoch_steps():,} steps; at step "
        f"{_three_epoch_steps() // 2:,}, 0.003 · (1 + cos(π/2)) / 2 ≈ {a:.5f}: half the peak."
    ),
    number,
    (
        Misconception(lambda: 0.003, "train() does not keep the rate fixed: it falls along half a cosine."),
        Misconception(lambda: 0.0, "Zero is where it ends, at the last step."),
    ),
    close=within(0.01),
)

# --- 6. same and pad modes ---------------------------------------------------------------------

_add(
    "6.1a",
    "a (before, after) pair",
    "Conv2D(16, 3, strides=2, padding='same') on 28×28: what (before, after) split must a port write out?",
    "At stride 2 on an even side the windows need one zero in all: where does TensorFlow put it?",
    lambda: same_padding(28, 3, strides=2),
    lambda a: (
        f"{_title('6.1a', 'a (before, after) pair')}: {a}\n"
        f"⌈28 / 2⌉ = 14 windows span 13·2 + 3 = 29 pixels: one zero, after: {a}; "
        "ZeroPadding2D(((0, 1), (0, 1))) or F.pad(x, (0, 1, 0, 1))."
    ),
    _pair,
    (
        Misconception(lambda: (1, 1), "padding=1 keeps the size, but TensorFlow adds just one zero here."),
        Misconception(lambda: (1, 0), "Right total; TensorFlow puts it after, not before."),
    ),
)


def _padding_one_same() -> tuple[bool, bool]:
    keeps_size = conv_output_size(28, 3, strides=2, padding=1) == conv_output_size(
        28, 3, strides=2, padding="same"
    )
    return keeps_size, same_padding(28, 3, strides=2) == (1, 1)


_add(
    "6.1b",
    "two True/False answers: (same size?, same numbers?)",
    "Would padding=1 give the same output size as TensorFlow's 'same' there? The same numbers?",
    "Compare the output sizes first; then ask where each puts the windows' first column.",
    _padding_one_same,
    lambda a: (
        f"{_title('6.1b', 'two True/False answers')}: {a}\n"
        f"Size: ⌊(30 − 3) / 2⌋ + 1 = {conv_output_size(28, 3, strides=2, padding=1)} either way. Numbers: "
        "padding=1 starts every window one pixel earlier, so the windows read other pixels."
    ),
    yes_no(2),
    (Misconception(lambda: (True, True), "The size matches; do the windows start at the same pixel?"),),
)


def _pad_modes_row() -> dict[str, tuple[int, ...] | None]:
    from ..conv.padding import PAD_MODES, pad

    row = np.array([[1, 2, 3, 4]])
    result: dict[str, tuple[int, ...] | None] = {}
    for mode in PAD_MODES:
        try:
            result[mode] = plain(pad(row, ((0, 0), (4, 4)), mode)[0])
        except ValueError:
            result[mode] = None
    return result


def _one_row(item: Any) -> Any:
    """A padded row as numbers: a flat list, or the one row of what pad returns; None stays."""
    if item is None:
        return None
    item = plain(item)
    if isinstance(item, tuple) and len(item) == 1 and isinstance(item[0], tuple):
        return item[0]  # pad(row, ...) on a one-row image gives a 1×12 array
    return item


def _read_modes(value: Any) -> dict[str, Any]:
    from ..conv.padding import PAD_MODES

    read = table(str, _one_row, "a dict {mode: row, or None}")(value)
    if set(read) != set(PAD_MODES):
        raise ValueError(f"a dict with one entry per mode: {', '.join(PAD_MODES)} (None where refused)")
    return read


_add(
    "6.2",
    'a dict {"zeros": row, "reflect": row, "symmetric": row, "replicate": row}, each row its 12 '
    "numbers, or None where pad refuses",
    "Pad the row 1 2 3 4 by 4 pixels on its left and right in each of the four modes.",
    "reflect mirrors without repeating the edge, symmetric mirrors with it; how many pixels does each "
    "have to mirror?",
    _pad_modes_row,
    lambda a: (
        f"{_title('6.2', 'a dict')}:\n"
        + "\n".join(f"{mode:<10} {'refused' if row is None else list(row)}" for mode, row in a.items())
        + "\nreflect can add at most width − 1 = 3 pixels per side; the others can add 4."
    ),
    _read_modes,
    (
        Misconception(
            lambda: {**_pad_modes_row(), "reflect": (0, 4, 3, 2, 1, 2, 3, 4, 3, 2, 1, 0)},
            "reflect does not repeat the edge pixel: how many pixels can it mirror on a row of 4?",
        ),
    ),
)


def _truth(value: Any) -> bool:
    value = plain(value)
    if not isinstance(value, bool):
        raise ValueError("True or False")
    return value


def _lopsided() -> dict[int, bool]:
    return {n: len(set(same_padding(n, 5, strides=2))) > 1 for n in (7, 8)}


_add(
    "6.3",
    "a dict {7: True/False, 8: True/False}: lopsided?",
    "With padding='same' and stride 2, is a 5×5 kernel lopsided on 7 pixels? On 8?",
    "Work out the total of zeros for each: an odd total cannot split evenly.",
    _lopsided,
    lambda a: (
        f"{_title('6.3', 'a dict')}: {a}\n"
        + ", ".join(f"{n} pixels: split {same_padding(n, 5, strides=2)}" for n in a)
    ),
    table(number, _truth, "a dict {7: True/False, 8: True/False}"),
    (
        Misconception(
            lambda: {n: not lopsided for n, lopsided in _lopsided().items()},
            "Odd inputs are not the rule for every kernel: work the totals out for 5×5.",
        ),
    ),
)

# --- 7. Fields, pooling, transposed convolution ---------------------------------------------


def _field_and_map() -> tuple[int, int]:
    from ..model.receptive import receptive_field
    from ..runtime import keras

    layers = keras().layers
    stack = [
        layers.Conv2D(1, 3, strides=2, padding="same"),
        layers.Conv2D(1, 3, strides=2, padding="same"),
        layers.Conv2D(1, 3, dilation_rate=2, padding="same"),
    ]
    last = receptive_field(stack, input_shape=(28, 28))[-1]
    return last.size[0], last.output_shape[0]


_add(
    "7.1",
    "two numbers: (field width, map width)",
    "Two 3×3 stride-2 layers, then a 3×3 layer with dilation rate 2, all 'same', on 28×28: the last "
    "layer's field width and map width.",
    "Each layer adds (k_eff − 1)·jump to the field, then the jump grows by the stride.",
    _field_and_map,
    lambda a: (
        f"{_title('7.1', 'two numbers')}: {a}\n"
        f"Field: 1 + 2·1 = 3, + 2·2 = 7, then k_eff = 5 at jump 4: 7 + 4·4 = {a[0]}. Map: 28 → 14 → 7 → {a[1]} "
        "(with 'same', dilation keeps the size)."
    ),
    numbers(2),
    (
        Misconception(
            lambda: (7 + 2 * 4, _field_and_map()[1]), "The dilated kernel spans k_eff = 5 pixels, not 3."
        ),
        Misconception(
            lambda: (_field_and_map()[0], 4), "With 'same' only stride changes the size; dilation keeps it."
        ),
    ),
)


def _dilated_sizes() -> tuple[int, int, int]:
    return (
        effective_kernel_size(5, dilation_rate=3),
        conv_output_size(28, 5, dilation_rate=3),
        conv_output_size(28, 5, padding="same", dilation_rate=3),
    )


_add(
    "7.2",
    "three numbers: (k_eff, valid size, same size)",
    "A 5×5 kernel with dilation rate 3 on 28×28: k_eff, and the output size with 'valid' and with 'same'.",
    "k_eff = (k − 1)·d + 1; valid then works as a k_eff-wide kernel.",
    _dilated_sizes,
    lambda a: (
        f"{_title('7.2', 'three numbers')}: {a}\n"
        f"k_eff = 4·3 + 1 = {a[0]}; valid: 28 − {a[0]} + 1 = {a[1]}; same keeps {a[2]}."
    ),
    numbers(3),
    (
        Misconception(
            lambda: (15, 28 - 15 + 1, 28), "k·d counts one gap too many: k taps have k − 1 gaps between them."
        ),
    ),
)


def _transpose_back() -> tuple[int | None, int]:
    from ..conv.transpose import conv_transpose_output_size, output_padding_for

    down = conv_output_size(13, 4, strides=2, padding="same")
    return output_padding_for(13, 4, strides=2, padding="same"), conv_transpose_output_size(
        down, 4, 2, "same"
    )


_add(
    "7.3",
    "two numbers: (output_padding, size without one)",
    "Conv2D(8, 4, strides=2, padding='same') made 13×13 into 7×7: which output_padding gives 13×13 "
    "back with Conv2DTranspose(8, 4, strides=2, padding='same'), and what does it give without one?",
    "Without output_padding, 'same' transposed gives n·s; output_padding takes away or adds what differs.",
    _transpose_back,
    lambda a: (
        f"{_title('7.3', 'two numbers')}: {a}\n"
        f"Without output_padding, 'same' gives 7·2 = {a[1]}. With one, Keras computes (7 − 1)·2 + 4 − 2·2 + "
        f"output_padding (same takes kernel_size // 2 = 2 off each side): output_padding={a[0]} gives 13."
    ),
    numbers(2),
    (
        Misconception(
            lambda: (0, _transpose_back()[1]),
            "output_padding=0 is not the same as none: it asks for 12, which TensorFlow refuses to run.",
        ),
    ),
)

_add(
    "7.4",
    "a function output_size(n, kernel_size, strides, padding, dilation_rate) → int",
    "Extend output_size with dilation_rate: kernel_size becomes k_eff = (kernel_size − 1)·dilation_rate + 1.",
    "Only the kernel's span changes: use k_eff where kernel_size was; 'same' still gives ⌈n / s⌉.",
    lambda: conv_output_size,
    lambda a: (
        f"{_title('7.4', 'a function')}: one way:\n{DILATED_OUTPUT_SIZE_CODE}"
        f"It agrees with Keras: output_size(28, 5, 1, 'valid', 3) = {conv_output_size(28, 5, dilation_rate=3)}."
    ),
    function,
    (
        Misconception(
            lambda: lambda n, k, s, p, d: _floor_same(n, k * d, s, p),
            "k·d counts one gap too many: k taps have k − 1 gaps.",
        ),
        Misconception(
            lambda: lambda n, k, s, p, d: _floor_same(n, k, s, p) if p != "same" else math.ceil(n / s),
            "dilation widens the kernel: valid loses (k − 1)·d pixels, not k − 1.",
        ),
    ),
    judge=judge_dilated_output_size,
    code=DILATED_OUTPUT_SIZE_CODE,
)

# --- 8. Real architectures ---------------------------------------------------------------------


def _resnet_last_map(n: int) -> int:
    from ..conv.arithmetic import pool_output_size

    n = conv_output_size(n, 7, strides=2, padding=3)
    n = pool_output_size(n + 2, 3, strides=2)
    for _ in range(3):
        n = conv_output_size(n, 1, strides=2)
    return n


_add(
    "8.1",
    "a list of input sizes",
    "For which input sizes from 224 to 232 is ResNet50's last map 7×7?",
    "Each stride-2 step gives ⌈n / 2⌉: what does five of them give?",
    lambda: tuple(n for n in range(224, 233) if _resnet_last_map(n) == 7),
    lambda a: (
        f"{_title('8.1', 'a list')}: {list(a)}\n"
        + ", ".join(f"{n}: {_resnet_last_map(n)}" for n in range(224, 233))
        + "\nEach step gives ⌈n / 2⌉, so the last map is ⌈n / 32⌉."
    ),
    number_list,
    (
        Misconception(
            lambda: tuple(n for n in range(224, 233) if n // 32 == 7),
            "Each stride-2 step rounds up, not down: an odd size keeps its last pixel.",
        ),
    ),
)


def _mobilenet_pads() -> tuple[tuple[int, int], tuple[int, int]]:
    n = conv_output_size(227, 3, strides=2, padding="same")  # Conv1
    first = same_padding(n, 3, strides=2)
    n = conv_output_size(n, 3, strides=2, padding=first)
    return first, same_padding(n, 3, strides=2)


_add(
    "8.2",
    "two (before, after) pairs: (block_1_pad, block_3_pad)",
    "MobileNetV2 on 227×227: which zeros does block_1_pad add, and which block_3_pad?",
    "Follow the size: Conv1 is 'same' at stride 2; each pad is TensorFlow's split for the size it meets.",
    _mobilenet_pads,
    lambda a: (
        f"{_title('8.2', 'two pairs')}: {a}\n"
        f"227 → {conv_output_size(227, 3, strides=2, padding='same')} after Conv1: even, so block_1_pad "
        f"adds {a[0]}; block_1 halves it to {conv_output_size(114, 3, strides=2, padding=a[0])}: odd, so "
        f"block_3_pad adds {a[1]}."
    ),
    pairs(2),
    (
        Misconception(
            lambda: ((1, 1), (1, 1)),
            "227 is odd, but Conv1 has already halved it: what size does block_1_pad meet?",
        ),
        Misconception(
            lambda: ((0, 1), (0, 1)), "block_1 halves the map again: is the size block_3_pad meets even?"
        ),
    ),
)


def _vgg_block4_pool() -> tuple[int, int]:
    from ..model.receptive import receptive_field
    from ..runtime import keras

    layers = keras().layers
    stack: list[Any] = []
    for convs in (2, 2, 3, 3):
        stack += [layers.Conv2D(1, 3, padding="same") for _ in range(convs)] + [layers.MaxPooling2D(2)]
    last = receptive_field(stack, input_shape=(224, 224))[-1]
    return last.jump[0], last.size[0]


_add(
    "8.3",
    "two numbers: (jump, field width)",
    "How far apart are neighbouring outputs of VGG16's block4_pool, in input pixels, and how wide is "
    "each one's field?",
    "Four 2×2 pools double the jump each time; each 3×3 convolution adds 2·jump to the field.",
    _vgg_block4_pool,
    lambda a: (
        f"{_title('8.3', 'two numbers')}: {a}\n"
        f"Four pools: jump 2⁴ = {a[0]}. Field: 10 convolutions of 3×3 and 4 pools give {a[0]} apart, {a[1]} wide."
    ),
    numbers(2),
    (
        Misconception(
            lambda: (32, 212), "Those are the last pool's, block5_pool; block4_pool comes one block before."
        ),
    ),
)


def _share_read() -> float:
    from ..conv.windows import unread_pixels

    return float(1 - unread_pixels(56, 1, strides=2).mean())


_add(
    "8.4",
    "a share between 0 and 1",
    "ResNet50's conv3_block1_1_conv, a 1×1 convolution with stride 2, on a 56×56 map: what share of "
    "the map's positions does it read?",
    "A 1×1 window reads one position; stride 2 keeps every other one along each axis.",
    _share_read,
    lambda a: f"{_title('8.4', 'a share')}: {a}\nEvery other row times every other column: ½ · ½ = {a}.",
    number,
    (Misconception(lambda: 0.5, "Stride 2 skips along both axes: rows and columns."),),
    close=within(1e-9),
)


# --- 10. Pitfalls and porting -------------------------------------------------------------------


def _unread_2_by_3() -> int:
    read = len(range(conv_output_size(30, 2, strides=3))) * 2  # each window reads 2 rows of its own
    return 30 * 30 - read * read


_add(
    "10.1",
    "a number",
    "A Conv2D with kernel_size=2 and strides=3 on a 30×30 image: how many of the 900 pixels does no "
    "output depend on?",
    "Count the rows the windows read (each reads 2, none overlap), then rows × columns.",
    _unread_2_by_3,
    lambda a: (
        f"{_title('10.1', 'a number')}: {a}\n"
        f"{conv_output_size(30, 2, strides=3)} windows per axis, 2 rows each: "
        f"{2 * conv_output_size(30, 2, strides=3)} of 30 rows are read, and as many columns; "
        f"900 − {900 - a} = {a} pixels are never read."
    ),
    number,
    (
        Misconception(
            lambda: 30 * 30 // 3,
            "A third of the rows is unread, and a third of the columns: count the pixels in either.",
        ),
        Misconception(
            lambda: 30 - 2 * conv_output_size(30, 2, strides=3), "That is rows; the question counts pixels."
        ),
        Misconception(
            lambda: (2 * conv_output_size(30, 2, strides=3)) ** 2,
            "That is the pixels the windows read; the question asks for the ones no output depends on.",
        ),
    ),
)


def _conv1_zeros() -> tuple[int, int, int, int]:
    (top, bottom), (left, right) = same_padding(225, 3, strides=2), same_padding(224, 3, strides=2)
    return left, right, top, bottom


_add(
    "10.2",
    "four numbers: (left, right, top, bottom)",
    "MobileNetV2's Conv1 (3×3, strides 2, padding='same') on an image 225 high and 224 wide: which "
    "zeros does it add, in the order nn.ZeroPad2d takes them?",
    "Each axis on its own: TensorFlow's split for 225 and for 224; nn.ZeroPad2d starts with the width.",
    _conv1_zeros,
    lambda a: (
        f"{_title('10.2', 'four numbers')}: {a}\n"
        f"Height 225 (odd) gets (top, bottom) = {same_padding(225, 3, strides=2)}; width 224 (even) gets "
        f"(left, right) = {same_padding(224, 3, strides=2)}, the odd zero after. nn.ZeroPad2d reads "
        "(left, right, top, bottom)."
    ),
    numbers(4),
    (
        Misconception(
            lambda: (1, 1, 0, 1), "That is (top, bottom, left, right): nn.ZeroPad2d starts with the width."
        ),
        Misconception(
            lambda: (1, 1, 1, 1),
            "PyTorch's padding=1 is symmetric; TensorFlow puts an even size's odd zero after.",
        ),
        Misconception(
            lambda: (0, 1, 0, 1),
            "That is the split of an even side, on both axes; the height, 225, is odd: work out its total.",
        ),
    ),
)


_add(
    "10.3",
    "a kernel size",
    "A Conv2DTranspose with strides=3 and kernel_size=4 gives its output pixels uneven numbers of "
    "kernel taps. What is the smallest kernel_size larger than 4 that gives them all the same number "
    "(away from the edges)?",
    "Every output pixel must receive the same number of kernel taps: a kernel that the stride divides.",
    lambda: next(k for k in range(5, 13) if k % 3 == 0),
    lambda a: (
        f"{_title('10.3', 'a kernel size')}: {a}\n"
        f"With stride 3, a kernel of {a} gives every output row and column {a // 3} taps; 5 gives 2, 2 "
        "and 1 in turn."
    ),
    number,
    (Misconception(lambda: 5, "5 taps over a stride of 3 land 2, 2 and 1 times: still uneven."),),
)
