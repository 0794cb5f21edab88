"""The exercises of notebooks 4 to 6 (the MNIST models, training trade-offs, same and pad
modes), in order.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..conv.arithmetic import conv_output_size, same_padding
from ..learning import Misconception
from ..learning.readers import number, plain, table, to_nearest, within, yes_no
from .bank import add, pair, title

# --- 4. MNIST models ----------------------------------------------------------------------------


def _strided_params(dense_units: int = 64) -> int:
    from ..demo.models import conv_model

    return int(conv_model(padding="same", strides=2, dense_units=dense_units).count_params())


def _flatten_length(padding: str) -> int:
    from ..demo.models import conv_model

    return int(conv_model(padding=padding, strides=2).get_layer("flatten").output.shape[1])


add(
    "4.1",
    "a number",
    "How many parameters would the strided model (padding='same', strides=2) have if its hidden "
    "Dense layer, the one after Flatten, had 64 units instead of 128?",
    "Only the Dense layers change: count the hidden layer's weights from Flatten's length, and its biases.",
    _strided_params,
    lambda a: (
        f"{title('4.1', 'a number')}: {a:,}\nconv_model(padding='same', strides=2, dense_units=64)"
        f".count_params() = {a:,}."
    ),
    number,
    (
        Misconception(
            lambda: _strided_params() - 64, "The hidden Dense layer has a bias for each of its 64 units."
        ),
    ),
)

add(
    "4.2",
    "a number",
    "What would Flatten give if the strided model used padding='valid'?",
    "Follow the size through each layer with ⌊(n − k) / s⌋ + 1, then multiply by the filters.",
    lambda: _flatten_length("valid"),
    lambda a: (
        f"{title('4.2', 'a number')}: {a}\nWith valid, stride 2: 28 → 13 → 6 → 2, and 2·2·32 = {a} numbers."
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


add(
    "4.3",
    "a number",
    "Parameters of Conv2D(8, 5) on a 32×32 colour image (3 channels).",
    "Each filter has a 5×5 grid of weights on every input channel, and a bias.",
    _conv_8_5_params,
    lambda a: f"{title('4.3', 'a number')}: {a}\n5·5·3·8 + 8 = {a}: the image's size does not count.",
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


def _table_ratio() -> float:
    """The ratio from the MFLOPs as notebook 5's table rounds them (two decimals)."""
    return round(_flops(padding="same") / 1e6, 2) / round(_flops(padding="same", strides=2) / 1e6, 2)


add(
    "5.1",
    "a number, to the nearest whole number",
    "How many times fewer FLOPs per image does the strided model need than the 'same' model? Give "
    "it to the nearest whole number (the table's rounded MFLOPs are precise enough for that).",
    "explain(model).flops gives each model's FLOPs; divide the larger by the smaller.",
    _flops_ratio,
    lambda a: (
        f"{title('5.1', 'a number')}: {math.floor(a + 0.5)}\n"
        f"explain(...).flops: 'same' {_flops(padding='same'):,}, strided "
        f"{_flops(padding='same', strides=2):,}; the ratio is {a:.2f}, {math.floor(a + 0.5)} to the "
        f"nearest whole number; the table's MFLOPs give {_table_ratio():.2f}, the same to that precision."
    ),
    number,
    (
        Misconception(
            lambda: 1 / _flops_ratio(),
            "That is the strided model's share; the question asks how many times fewer.",
        ),
    ),
    close=to_nearest(1),
)


STRIDED_INPUT = 36  # 5.2: the strided model built for a size the notebooks have not shown


def _strided_sides() -> list[int]:
    """The map sides of the strided model built for STRIDED_INPUT: the input, then each layer's."""
    sides = [STRIDED_INPUT]
    for _ in range(3):
        sides.append(conv_output_size(sides[-1], 3, strides=2, padding="same"))
    return sides


def _strided_flatten() -> int:
    from ..demo.models import conv_model

    model = conv_model((STRIDED_INPUT, STRIDED_INPUT, 1), strides=2, padding="same")
    return int(model.get_layer("flatten").output.shape[1])


add(
    "5.2",
    "a number: the Flatten length",
    f"The strided model (padding='same', strides=2) built for {STRIDED_INPUT}×{STRIDED_INPUT} "
    "images: how long is its Flatten output?",
    "Each stride-2 'same' layer gives ⌈n / 2⌉; Flatten's length is the last map's height · width · channels.",
    _strided_flatten,
    lambda a: (
        f"{title('5.2', 'a number')}: {a}\n"
        + " → ".join(map(str, _strided_sides()))
        + f", so {_strided_sides()[-1]}·{_strided_sides()[-1]}·32 = {a:,}."
    ),
    number,
    (
        Misconception(
            lambda: (STRIDED_INPUT // 8) ** 2 * 32,
            "Each stride-2 'same' layer rounds up: an odd side keeps its last pixel.",
        ),
    ),
)


def _three_epoch_steps() -> int:
    from ..mnist.training import FAST

    return 3 * math.ceil(60_000 / FAST["batch_size"])


def _halfway_rate() -> float:
    from ..mnist.training import learning_rate_schedule

    steps = _three_epoch_steps()
    return float(learning_rate_schedule(0.003, steps=steps)(steps // 2))


add(
    "5.3",
    "a learning rate",
    "In a three-epoch train() run with the default peak rate of 0.003, the learning rate halfway through.",
    "learning_rate_schedule (the section comparing one- and four-epoch runs uses it) gives train()'s "
    "rate at any step: count the steps of a three-epoch run, and ask it for the step halfway.",
    _halfway_rate,
    lambda a: (
        f"{title('5.3', 'a learning rate')}: {a:.5f}\n"
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

add(
    "6.1a",
    "a (before, after) pair",
    "Conv2D(16, 5, strides=2, padding='same') on 28×28: what (before, after) split must a port write out?",
    "Count the pixels that ⌈28 / 2⌉ windows of 5 span at stride 2; the zeros make up the rest.",
    lambda: same_padding(28, 5, strides=2),
    lambda a: (
        f"{title('6.1a', 'a (before, after) pair')}: {a}\n"
        f"⌈28 / 2⌉ = 14 windows span 13·2 + 5 = 31 pixels: {sum(a)} zeros, the odd one after: {a}; "
        f"ZeroPadding2D(({a}, {a})) or F.pad(x, ({a[0]}, {a[1]}, {a[0]}, {a[1]}))."
    ),
    pair,
    (
        Misconception(lambda: (2, 2), "padding=2 keeps the size, but TensorFlow adds one zero fewer here."),
        Misconception(lambda: (2, 1), "Right total; TensorFlow puts the odd zero after, not before."),
    ),
)


def _padding_two_same() -> tuple[bool, bool]:
    keeps_size = conv_output_size(28, 5, strides=2, padding=2) == conv_output_size(
        28, 5, strides=2, padding="same"
    )
    return keeps_size, same_padding(28, 5, strides=2) == (2, 2)


add(
    "6.1b",
    "two True/False answers: (same size?, same numbers?)",
    "Would PyTorch's padding=2 give the same output size as TensorFlow's 'same' there? The same numbers?",
    "Compare the output sizes first; then ask where each puts the windows' first column.",
    _padding_two_same,
    lambda a: (
        f"{title('6.1b', 'two True/False answers')}: {a}\n"
        f"Size: ⌊(32 − 5) / 2⌋ + 1 = {conv_output_size(28, 5, strides=2, padding=2)} either way. Numbers: "
        "padding=2 puts two zeros before the input where TensorFlow puts one, so every window starts one "
        "pixel earlier and reads other pixels."
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


add(
    "6.2",
    'a dict {"zeros": row, "reflect": row, "symmetric": row, "replicate": row}, each row its 12 '
    "numbers, or None where pad refuses",
    "Pad the row 1 2 3 4 by 4 pixels on its left and right in each of the four modes.",
    "reflect mirrors without repeating the edge, symmetric mirrors with it; how many pixels does each "
    "have to mirror?",
    _pad_modes_row,
    lambda a: (
        f"{title('6.2', 'a dict')}:\n"
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


add(
    "6.3",
    "a dict {7: True/False, 8: True/False}: lopsided?",
    "With padding='same' and stride 2, is a 5×5 kernel lopsided on 7 pixels? On 8?",
    "Work out the total of zeros for each: an odd total cannot split evenly.",
    _lopsided,
    lambda a: (
        f"{title('6.3', 'a dict')}: {a}\n"
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
