"""The exercises of notebooks 7, 8 and 10 (fields, pooling and transposed convolution; real
architectures; pitfalls and porting), in order.
"""

from __future__ import annotations

import math
from typing import Any

from ..conv.arithmetic import conv_output_size, effective_kernel_size, same_padding
from ..learning import Misconception
from ..learning.readers import each, function, number, number_list, numbers, pairs, size, within
from .bank import add, floor_same, pair, title
from .functions import judge_dilated_output_size

# The reference function of the dilated output-size exercise, as a learner would write it.
DILATED_OUTPUT_SIZE_CODE = """\
def output_size(n, kernel_size, strides, padding, dilation_rate):
    if padding == 'same':
        return -(-n // strides)
    span = (kernel_size - 1) * dilation_rate + 1
    zeros = 0 if padding == 'valid' else 2 * padding
    return (n + zeros - span) // strides + 1
"""


# --- 7. Fields, pooling, transposed convolution ---------------------------------------------


def _field_and_map() -> tuple[int, int]:
    from ..model.receptive import receptive_field
    from ..runtime import load_keras

    layers = load_keras().layers
    stack = [
        layers.Conv2D(1, 3, strides=2, padding="same"),
        layers.Conv2D(1, 3, strides=2, padding="same"),
        layers.Conv2D(1, 3, dilation_rate=2, padding="same"),
    ]
    last = receptive_field(stack, input_shape=(28, 28))[-1]
    return last.size[0], last.output_shape[0]


add(
    "7.1",
    "two numbers: (field width, map width)",
    "Two 3×3 stride-2 layers, then a 3×3 layer with dilation rate 2, all 'same', on 28×28: the last "
    "layer's field width and map width.",
    "Each layer adds (k_eff − 1)·jump to the field, then the jump grows by the stride.",
    _field_and_map,
    lambda a: (
        f"{title('7.1', 'two numbers')}: {a}\n"
        f"Field: 1 + 2·1 = 3, + 2·2 = 7, then k_eff = 5 at jump 4: 7 + 4·4 = {a[0]}. Map: 28 → 14 → 7 → {a[1]} "
        "(with 'same', dilation keeps the size)."
    ),
    each((size, size), "two numbers: (field width, map width)"),
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


add(
    "7.2",
    "three numbers: (k_eff, valid size, same size)",
    "A 5×5 kernel with dilation rate 3 on 28×28: k_eff, and the output size with 'valid' and with 'same'.",
    "k_eff = (k − 1)·d + 1; valid then works as a k_eff-wide kernel.",
    _dilated_sizes,
    lambda a: (
        f"{title('7.2', 'three numbers')}: {a}\n"
        f"k_eff = 4·3 + 1 = {a[0]}; valid: 28 − {a[0]} + 1 = {a[1]}; same keeps {a[2]}."
    ),
    each((number, size, size), "three numbers: (k_eff, valid size, same size)"),
    (
        Misconception(
            lambda: (15, 28 - 15 + 1, 28), "k·d counts one gap too many: k taps have k − 1 gaps between them."
        ),
    ),
)


def _pooled_sizes() -> tuple[int, int]:
    return conv_output_size(13, 3, strides=3), conv_output_size(13, 3, strides=3, padding="same")


add(
    "7.3",
    "two numbers: (size with 'valid', size with 'same')",
    "MaxPooling2D(3) on a 13×13 map: how wide is its output with padding='valid' (the default), and "
    "with padding='same'?",
    "A pooling layer's strides default to its pool_size; then the sizes follow the convolution's rules.",
    _pooled_sizes,
    lambda a: (
        f"{title('7.3', 'two numbers')}: {a}\n"
        f"strides defaults to pool_size = 3. valid: ⌊(13 − 3) / 3⌋ + 1 = {a[0]}; same: ⌈13 / 3⌉ = {a[1]}."
    ),
    numbers(2),
    (
        Misconception(
            lambda: (conv_output_size(13, 3), conv_output_size(13, 3, padding="same")),
            "Those are the sizes at stride 1; a pooling layer's strides default to its pool_size.",
        ),
        Misconception(
            lambda: (13 // 3, 13 // 3),
            "'same' rounds 13 / 3 up: a last window partly over the padding still counts.",
        ),
    ),
)

add(
    "7.4",
    "a function output_size(n, kernel_size, strides, padding, dilation_rate) → int",
    "Extend output_size with dilation_rate: kernel_size becomes k_eff = (kernel_size − 1)·dilation_rate + 1.",
    "Only the kernel's span changes: use k_eff where kernel_size was; 'same' still gives ⌈n / s⌉.",
    lambda: conv_output_size,
    lambda a: (
        f"{title('7.4', 'a function')}: one way:\n{DILATED_OUTPUT_SIZE_CODE}"
        f"It agrees with Keras: output_size(28, 5, 1, 'valid', 3) = {conv_output_size(28, 5, dilation_rate=3)}."
    ),
    function,
    (
        Misconception(
            lambda: lambda n, k, s, p, d: floor_same(n, k * d, s, p),
            "k·d counts one gap too many: k taps have k − 1 gaps.",
        ),
        Misconception(
            lambda: lambda n, k, s, p, d: floor_same(n, k, s, p) if p != "same" else math.ceil(n / s),
            "dilation widens the kernel: valid loses (k − 1)·d pixels, not k − 1.",
        ),
    ),
    judge=judge_dilated_output_size,
    code=DILATED_OUTPUT_SIZE_CODE,
)


def _transpose_back() -> tuple[int | None, int]:
    from ..conv.transpose import conv_transpose_output_size, output_padding_for

    down = conv_output_size(13, 4, strides=2, padding="same")
    return output_padding_for(13, 4, strides=2, padding="same"), conv_transpose_output_size(
        down, 4, 2, "same"
    )


add(
    "7.5",
    "two numbers: (output_padding, size without one)",
    "Conv2D(8, 4, strides=2, padding='same') made 13×13 into 7×7: which output_padding gives 13×13 "
    "back with Conv2DTranspose(8, 4, strides=2, padding='same'), and what does it give without one?",
    "Without output_padding, 'same' transposed gives n·s; output_padding takes away or adds what differs.",
    _transpose_back,
    lambda a: (
        f"{title('7.5', 'two numbers')}: {a}\n"
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
    going_further=True,
)

# --- 8. Real architectures ---------------------------------------------------------------------


RESNET_SIZES = range(190, 233)  # 8.1's input sizes


def _resnet_last_map(n: int) -> int:
    from ..conv.arithmetic import pool_output_size

    n = conv_output_size(n, 7, strides=2, padding=3)
    n = pool_output_size(n + 2, 3, strides=2)
    for _ in range(3):
        n = conv_output_size(n, 1, strides=2)
    return n


add(
    "8.1",
    "a list of input sizes",
    "For which input sizes from 190 to 232 is ResNet50's last map 7×7?",
    "Each stride-2 step gives ⌈n / 2⌉: what does five of them give?",
    lambda: tuple(n for n in RESNET_SIZES if _resnet_last_map(n) == 7),
    lambda a: (
        f"{title('8.1', 'a list')}: {a[0]} to {a[-1]}, list(range({a[0]}, {a[-1] + 1}))\n"
        + "Last map: "
        + ", ".join(
            f"{min(sizes)}–{max(sizes)}: {side}×{side}"
            for side in sorted({_resnet_last_map(n) for n in RESNET_SIZES})
            for sizes in [[n for n in RESNET_SIZES if _resnet_last_map(n) == side]]
        )
        + ". Each step gives ⌈n / 2⌉, so the last map is ⌈n / 32⌉."
    ),
    number_list,
    (
        Misconception(
            lambda: tuple(n for n in RESNET_SIZES if n // 32 == 7),
            "Each stride-2 step rounds up, not down: an odd size keeps its last pixel.",
        ),
    ),
)


def _mobilenet_pads() -> tuple[tuple[int, int], tuple[int, int]]:
    n = conv_output_size(227, 3, strides=2, padding="same")  # Conv1
    first = same_padding(n, 3, strides=2)
    n = conv_output_size(n, 3, strides=2, padding=first)
    return first, same_padding(n, 3, strides=2)


add(
    "8.2",
    "two (before, after) pairs: (block_1_pad, block_3_pad)",
    "MobileNetV2 built for 227×227 images (input_shape=(227, 227, 3)): which zeros does its "
    "block_1_pad add, and which its block_3_pad?",
    "Follow the size: Conv1 is 'same' at stride 2; each pad is TensorFlow's split for the size it meets.",
    _mobilenet_pads,
    lambda a: (
        f"{title('8.2', 'two pairs')}: {a}\n"
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
            lambda: ((0, 1), (0, 1)),
            "That is what MobileNetV2 built for any size, input_shape=(None, None, 3), writes everywhere; "
            "built for 227 it writes the split of the size each pad meets: is the one block_3_pad meets even?",
        ),
    ),
)


def _vgg_block4_pool() -> tuple[int, int]:
    from ..model.receptive import receptive_field
    from ..runtime import load_keras

    layers = load_keras().layers
    stack: list[Any] = []
    for convs in (2, 2, 3, 3):
        stack += [layers.Conv2D(1, 3, padding="same") for _ in range(convs)] + [layers.MaxPooling2D(2)]
    last = receptive_field(stack, input_shape=(224, 224))[-1]
    return last.jump[0], last.size[0]


add(
    "8.3",
    "two numbers: (jump, field width)",
    "How far apart are neighbouring outputs of VGG16's block4_pool, in input pixels, and how wide is "
    "each one's field?",
    "Four 2×2 pools double the jump each time; each 3×3 convolution adds 2·jump to the field.",
    _vgg_block4_pool,
    lambda a: (
        f"{title('8.3', 'two numbers')}: {a}\n"
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


add(
    "8.4",
    "a share between 0 and 1",
    "ResNet50's conv3_block1_1_conv, a 1×1 convolution with stride 2, on a 56×56 map: what share of "
    "the map's positions does it read?",
    "A 1×1 window reads one position; stride 2 keeps every other one along each axis.",
    _share_read,
    lambda a: f"{title('8.4', 'a share')}: {a}\nEvery other row times every other column: ½ · ½ = {a}.",
    number,
    (Misconception(lambda: 0.5, "Stride 2 skips along both axes: rows and columns."),),
    close=within(1e-9),
)


# --- 10. Pitfalls and porting -------------------------------------------------------------------


def _unread_2_by_3() -> int:
    read = len(range(conv_output_size(30, 2, strides=3))) * 2  # each window reads 2 rows of its own
    return 30 * 30 - read * read


add(
    "10.1",
    "a number",
    "A Conv2D with kernel_size=2 and strides=3 on a 30×30 image: how many of the 900 pixels does no "
    "output depend on?",
    "Count the rows the windows read (each reads 2, none overlap), then rows × columns.",
    _unread_2_by_3,
    lambda a: (
        f"{title('10.1', 'a number')}: {a}\n"
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


add(
    "10.2",
    "four numbers: (left, right, top, bottom)",
    "MobileNetV2's Conv1 (3×3, strides 2, padding='same') on an image 225 high and 224 wide: which "
    "zeros does it add, in the order nn.ZeroPad2d takes them?",
    "Each axis on its own: TensorFlow's split for 225 and for 224; nn.ZeroPad2d starts with the width.",
    _conv1_zeros,
    lambda a: (
        f"{title('10.2', 'four numbers')}: {a}\n"
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


add(
    "10.3",
    "a kernel size",
    "A Conv2DTranspose with strides=3 and kernel_size=4 gives its output pixels uneven numbers of "
    "kernel taps. What is the smallest kernel_size larger than 4 that gives them all the same number "
    "(away from the edges)?",
    "Draw one axis: each input pixel spreads a copy of the kernel's taps over the output, and the "
    "copies start 3 pixels apart. Count how many copies cover each output pixel for kernel_size=4, "
    "then try longer kernels the same way.",
    lambda: next(k for k in range(5, 13) if k % 3 == 0),
    lambda a: (
        f"{title('10.3', 'a kernel size')}: {a}\n"
        f"With stride 3, a kernel of {a} gives every output row and column {a // 3} taps; 5 gives 2, 2 "
        "and 1 in turn."
    ),
    number,
    (Misconception(lambda: 5, "5 taps over a stride of 3 land 2, 2 and 1 times: still uneven."),),
    going_further=True,
)


def _transposed_crop() -> tuple[int, int]:
    return same_padding(32, 5, strides=2)


add(
    "10.4",
    "a (top, bottom) pair",
    "Conv2DTranspose(kernel_size=5, strides=2, padding='same') turns 16×16 into 32×32; its full output, "
    "before cropping, has (16 − 1)·2 + 5 = 35 rows. How many rows does TensorFlow crop at the top, and "
    "how many at the bottom?",
    "The layer undoes a 5×5 stride-2 convolution that 'same' would pad from 32 rows to 16 outputs: "
    "think of where that convolution's zeros go.",
    _transposed_crop,
    lambda a: (
        f"{title('10.4', 'a (top, bottom) pair')}: {a}\n"
        f"TensorFlow crops what padding='same' adds to 32 rows for the 5×5, stride-2 convolution this layer "
        f"transposes: {sum(a)} rows, {a[0]} at the top and {a[1]} at the bottom. PyTorch's "
        "ConvTranspose2d(..., padding=1) crops (1, 1) and keeps 33 rows, so a port crops the last one "
        f"too (nn.ZeroPad2d((0, -1, 0, -1))); in ONNX it is ConvTranspose(pads=[{a[0]}, {a[0]}, {a[1]}, {a[1]}])."
    ),
    pair,
    (
        Misconception(
            lambda: (2, 1), "Right total; TensorFlow crops the odd row at the end, as 'same' pads it."
        ),
        Misconception(lambda: (1, 1), "That crops 2 of the 3 extra rows and leaves 33."),
    ),
    going_further=True,
)
