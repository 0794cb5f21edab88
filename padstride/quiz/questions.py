"""The quiz's questions, each written next to its proof.

A question is registered by decorating its proof: the function computes the right
choice's text with real Keras layers, so the key cannot drift from what TensorFlow does.
Questions are numbered in the order they appear here.

>>> [q.id for q in QUESTIONS][:3]
['padding-before-conv', 'padding-keeps-or-grows', 'padding-not-only-zeros']
>>> QUESTIONS[0].number, EXAMPLE.label
(1, 'Example')
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ..learning import Question
from ..measure.layers import ones_conv, stack_width, unseen_pixels
from ..runtime import load_keras
from .asking import QUESTIONS_BY_ID

_BANK: list[Question] = []  # the quiz's questions in order (the example is registered, not numbered)


def _question(
    id: str, prompt: str, choices: tuple[str, ...], answer: str, explanation: str, *, in_quiz: bool = True
) -> Callable[[Callable[[], str]], Question]:
    """Turn the decorated proof into a Question (numbered next in the quiz, unless it is
    an example) and register it with the quiz."""

    def register(solve: Callable[[], str]) -> Question:
        q = Question(id, prompt, choices, answer, explanation, solve, len(_BANK) + 1 if in_quiz else None)
        if in_quiz:
            _BANK.append(q)
        return QUESTIONS_BY_ID.add(q)

    return register


# --- helpers the proofs share ------------------------------------------------------------


def _square(width: int) -> str:
    return f"{width}×{width}"


# --- the example (not part of the quiz) --------------------------------------------------


@_question(
    "example",
    "How many weights has a 3×3 kernel that reads one channel (the bias not counted)?",
    ("3", "6", "9", "12"),
    "C",
    "A 3×3 kernel has one weight per tap: 3·3 = 9 (a bias, if any, is one more number per filter).",
    in_quiz=False,
)
def example() -> str:
    layer = load_keras().layers.Conv2D(1, 3, use_bias=False)
    layer.build((None, 8, 8, 1))
    return str(layer.count_params())


EXAMPLE = example


# --- the questions ------------------------------------------------------------------------


@_question(
    "padding-before-conv",
    "A 28×28 digit passes through ZeroPadding2D(1) before a convolution. What happens to it?",
    (
        "It shrinks to 26×26: its edge pixels are cropped",
        "Nothing: it stays 28×28 until the convolution",
        "It grows to 30×30: a zero border goes around it",
        "It stays 28×28, but its pixel values are rescaled",
    ),
    "C",
    "Padding adds pixels around the edges, here one on every side: 28 + 1 + 1 = 30 rows and "
    "columns. The digit itself is untouched; the new border holds zeros, so a 3×3 window can "
    "now be centred on an edge pixel.",
)
def padding_before_conv() -> str:
    x = np.ones((1, 28, 28, 1), dtype="float32")
    padded = np.asarray(load_keras().layers.ZeroPadding2D(1)(x))[0, :, :, 0]
    border = np.concatenate([padded[0], padded[-1], padded[:, 0], padded[:, -1]])
    inside = padded[1:-1, 1:-1]
    if padded.shape == (30, 30) and not border.any() and (inside == 1).all():
        return "It grows to 30×30: a zero border goes around it"
    return f"unexpected: {padded.shape}"


@_question(
    "padding-keeps-or-grows",
    "A 3×3 convolution with stride 1 reads a 28×28 image. Is its output larger than the "
    "28×28 input whenever zero padding is added on each side?",
    (
        "Yes: any zeros on each side make it larger than 28×28",
        "No: zeros around the image never change its size",
        "Yes: with zeros on each side it is always 30×30",
        "No: 1 zero a side keeps 28×28; 2 or more enlarge it",
    ),
    "D",
    "The output is ⌊(n + p_before + p_after − k)/s⌋ + 1. A 3×3 kernel alone takes 2 pixels "
    "off (28 → 26); 1 pixel on each side gives them back (28, no larger than the input), and "
    "2 on each side overshoot (30), 3 more so (32). For an odd kernel size k, (k − 1)/2 a side "
    "is the amount that keeps the size at stride 1.",
)
def padding_keeps_or_grows() -> str:
    L = load_keras().layers
    widths = [stack_width([L.ZeroPadding2D(p), L.Conv2D(1, 3)], 28) for p in (0, 1, 2, 3)]
    if widths == [26, 28, 30, 32]:
        return "No: 1 zero a side keeps 28×28; 2 or more enlarge it"
    return f"unexpected: {widths}"


@_question(
    "padding-not-only-zeros",
    "Is padding always made of zeros?",
    (
        "No: tf.pad can also mirror the image at its edges",
        "Yes: Keras and tf.pad can only add zeros around it",
        "No: but only pooling layers can pad with other values",
        "Yes: any other value would change the output's size",
    ),
    "A",
    "Conv2D's own padding='same' adds zeros, but tf.pad (and keras.ops.pad) can also mirror "
    "the image: REFLECT without repeating the edge pixel (3 2 | 1 2 3 | 2 1), SYMMETRIC with "
    "it (2 1 | 1 2 3 | 3 2). Repeating the edge pixel ('replicate', NumPy's mode 'edge') is a "
    "third way, which tf.pad does not offer. Mirrored borders avoid the artificial dark frame "
    "that zeros put around a bright image.",
)
def padding_not_only_zeros() -> str:
    import tensorflow as tf

    row = tf.constant([[1.0, 2.0, 3.0]])
    padded = {m: np.asarray(tf.pad(row, [[0, 0], [2, 2]], m))[0].tolist() for m in ("REFLECT", "SYMMETRIC")}
    ops_pad = load_keras().ops.pad
    by_keras = {m.upper(): np.asarray(ops_pad(row, [[0, 0], [2, 2]], mode=m))[0].tolist() for m in padded}
    if padded == by_keras == {"REFLECT": [3, 2, 1, 2, 3, 2, 1], "SYMMETRIC": [2, 1, 1, 2, 3, 3, 2]}:
        return "No: tf.pad can also mirror the image at its edges"
    return f"unexpected: {padded}"


@_question(
    "stride-accuracy",
    "Does a larger stride always improve accuracy, because the layer focuses on bigger features?",
    (
        "Yes: fewer window positions can only mean less noise",
        "Yes: as long as the padding is 'same', nothing is lost",
        "No: it samples more coarsely, and detail can be lost",
        "No: stride can change the speed, but never what is read",
    ),
    "C",
    "In the usual case, a 3×3 kernel at stride 2 with padding 'same', nothing is skipped: "
    "neighbouring windows overlap by a column, so every pixel is read (with 'valid', an even "
    "size loses only its last row and column). What changes is how densely the output "
    "samples the input: outputs sit 2 pixels apart and the map has about a quarter of the "
    "positions. A pattern finer than the stride can then become invisible: stripes one pixel "
    "wide give the same stride-2 output as a flat grey image (the proof builds the pair), "
    "while stride 1 tells them apart. A stride longer than the kernel (2×2 kernel, stride 3) "
    "also skips pixels between the windows. A larger stride saves computation; whether "
    "accuracy holds has to be measured.",
)
def stride_accuracy() -> str:
    stripes = np.tile([1.0, 0.0], 5)[None, :9].repeat(9, axis=0)  # columns 1 0 1 0 … 1
    flat = np.full((9, 9), 2 / 3)
    alike_at_two = np.allclose(ones_conv(stripes, 2), ones_conv(flat, 2))
    alike_at_one = np.allclose(ones_conv(stripes, 1), ones_conv(flat, 1))
    reads_all = unseen_pixels(3, 2, 28, padding="same") == 0
    loses_the_end = unseen_pixels(3, 2, 28) == 28 + 28 - 1  # the last row and column
    skips = unseen_pixels(2, 3, 8) > 0
    if reads_all and loses_the_end and alike_at_two and not alike_at_one and skips:
        return "No: it samples more coarsely, and detail can be lost"
    return "unexpected"


@_question(
    "same-keeps-size",
    "Does padding='same' always give an output exactly as large as the input?",
    (
        "Yes: at any stride, for every input size and kernel size",
        "No: at stride 1 an odd input size loses one pixel",
        "No: at stride 1 an even kernel size loses one pixel",
        "No: at stride 1 it does; at stride s it gives ceil(n/s)",
    ),
    "D",
    "TensorFlow first fixes the output at ceil(n/s) and then adds just enough zeros for "
    "that many windows, so at stride 1 every input and kernel size, odd or even, keeps its "
    "size. At stride 2, 28 gives 14 and 27 gives 14 too. An odd total of zeros is split "
    "unevenly, but that changes where the windows sit, not how many there are.",
)
def same_keeps_size() -> str:
    L = load_keras().layers
    sizes, kernels = range(1, 13), range(1, 6)
    stride_one = all(stack_width([L.Conv2D(1, k, padding="same")], n) == n for n in sizes for k in kernels)
    strided = all(
        stack_width([L.Conv2D(1, k, strides=s, padding="same")], n) == -(-n // s)
        for n in sizes
        for k in kernels
        for s in (2, 3)
    )
    if stride_one and strided:
        return "No: at stride 1 it does; at stride s it gives ceil(n/s)"
    return "unexpected"


def _largest_field(stride: int) -> int:
    from ..measure.probes import keras_influence

    stack = [load_keras().layers.Conv2D(1, 3, strides=stride) for _ in range(3)]
    seen = keras_influence(stack, (32, 32))
    rows = [
        np.flatnonzero(seen[i, j].any(axis=1)) for i in range(seen.shape[0]) for j in range(seen.shape[1])
    ]
    return max(r.max() - r.min() + 1 for r in rows)


@_question(
    "stride-receptive-field",
    "Does stride change only the speed, not how much of the input each output pixel sees?",
    (
        "No: three 3×3 layers see 7×7 pixels at stride 1, 15×15 at stride 2",
        "Yes: three 3×3 layers see 7×7 pixels at stride 1 and also at stride 2",
        "No: three 3×3 layers see 7×7 pixels at stride 1, 4×4 at stride 2",
        "Yes: three 3×3 layers see 9×9 pixels at stride 1 and at stride 2",
    ),
    "A",
    "After a stride-2 layer, neighbouring outputs are 2 input pixels apart, so a 3×3 kernel "
    "on top of it spans 2·2 more input pixels instead of 2. The receptive field grows by "
    "(k − 1)·jump per layer, where the jump is the product of the strides of the layers before "
    "it (1, 2, 4 here): 3, 7, 15 instead of 3, 5, 7.",
)
def stride_receptive_field() -> str:
    one, two = _largest_field(1), _largest_field(2)
    return f"No: three 3×3 layers see {_square(one)} pixels at stride 1, {_square(two)} at stride 2"


MNIST_INK_AT_EDGE = 905  # digits (of 70,000) with ink in row 27 or column 27; the proof counts them


def mnist_ink_at_edge() -> int:
    """How many MNIST digits (training and test) have ink in their last row or column."""
    from ..mnist.data import load_mnist

    (x_train, _), (x_test, _) = load_mnist()
    digits = np.concatenate([x_train, x_test])
    return int(((digits[:, 27, :] > 0).any(axis=1) | (digits[:, :, 27] > 0).any(axis=1)).sum())


@_question(
    "stride-three",
    "A 3×3 convolution with stride 3 and padding 'valid' reads a 28×28 image. How many of "
    "the 784 pixels does no output ever read?",
    ("0", "28", "55", "81"),
    "C",
    "Windows start at 0, 3, …, 24 and end at row 26: the output is ⌊(28 − 3)/3⌋ + 1 = 9 wide, "
    "and row 27 and column 27 are never read, 28 + 28 − 1 = 55 pixels. On MNIST few digits "
    f"have any ink there ({MNIST_INK_AT_EDGE:,} of the 70,000), so little of the data is hidden, "
    "but the layer is blind to anything that appears only in that row or column, and a good "
    "test score would not reveal it.",
)
def stride_three() -> str:
    if mnist_ink_at_edge() != MNIST_INK_AT_EDGE:
        return "unexpected: the MNIST count differs from the explanation"
    return str(unseen_pixels(3, 3, 28))


@_question(
    "pad-then-stride",
    "A 28×28 digit is padded by 1 on each side and read by a 3×3 convolution with stride 2. "
    "How wide is the output?",
    ("13", "14", "14.5", "15"),
    "B",
    "⌊(28 + 1 + 1 − 3)/2⌋ + 1 = ⌊13.5⌋ + 1 = 14. Sizes are whole numbers: the division is "
    "floored before adding 1, never written as 14.5. This is also what Keras' padding='same' "
    "gives at stride 2, ceil(28/2) = 14, though it places its zeros differently (0 before, "
    "1 after).",
)
def pad_then_stride() -> str:
    L = load_keras().layers
    return str(stack_width([L.ZeroPadding2D(1), L.Conv2D(1, 3, strides=2)], 28))


@_question(
    "five-by-five-stride-two",
    "A 5×5 input, a 3×3 filter, 1 pixel of zero padding on each side and stride 2: what is the output?",
    ("2×2", "3×3", "4×4", "5×5"),
    "B",
    "⌊(5 + 2 − 3)/2⌋ + 1 = 3. The windows start at padded columns 0, 2 and 4; one more would "
    "need columns 6 to 8, past the 7 padded columns.",
)
def five_by_five_stride_two() -> str:
    L = load_keras().layers
    return _square(stack_width([L.ZeroPadding2D(1), L.Conv2D(1, 3, strides=2)], 5))


def _split(size: int, kernel: int, stride: int, sides: tuple[str, str]) -> str:
    from ..measure.probes import keras_same_padding

    before, after = keras_same_padding(size, kernel, strides=stride)
    return f"{before} {sides[0]}, {after} {sides[1]}"


@_question(
    "same-split-stride-two",
    "Conv2D(kernel_size=3, strides=2, padding='same') reads 28 columns. Where does TensorFlow put its zeros?",
    ("1 left, 1 right", "1 left, 0 right", "0 left, 0 right", "0 left, 1 right"),
    "D",
    "The output is ceil(28/2) = 14; 14 windows 2 apart need (14 − 1)·2 + 3 = 29 columns, one "
    "more than there are. A total of 1 is split as 1 // 2 = 0 before and the rest, 1, after.",
)
def same_split_stride_two() -> str:
    return _split(28, 3, 2, ("left", "right"))


@_question(
    "same-split-even-kernel",
    "Conv2D(kernel_size=4, padding='same') reads 8 rows. How many zeros go on top and at the bottom?",
    ("2 top, 1 bottom", "1 top, 1 bottom", "1 top, 2 bottom", "2 top, 2 bottom"),
    "C",
    "An even kernel needs an odd total, k − 1 = 3. TensorFlow puts the smaller half before "
    "(top, left) and the extra zero after (bottom, right). A framework that put the extra "
    "zero first would shift the feature map by one pixel against TensorFlow's.",
)
def same_split_even_kernel() -> str:
    return _split(8, 4, 1, ("top", "bottom"))


@_question(
    "conv-params",
    "How many parameters has Conv2D(32, 3) on an input with 32 channels?",
    ("288", "320", "9,216", "9,248"),
    "D",
    "Each of the 32 filters has 3·3·32 = 288 weights and one bias: 32·(288 + 1) = 9,248. The "
    "first layer of the MNIST models reads 1 channel and has 32·(3·3·1 + 1) = 320.",
)
def conv_params() -> str:
    layer = load_keras().layers.Conv2D(32, 3)
    layer.build((None, 26, 26, 32))
    return f"{layer.count_params():,}"


@_question(
    "padding-params",
    "How does switching a Conv2D from padding 'valid' to 'same' change its parameter count?",
    (
        "Not at all: kernel and biases do not depend on the padding",
        "It grows: the kernel gets a weight for each padded pixel",
        "It grows: the kernel widens to read the zeros as well",
        "It shrinks: the zeros need no bias, so 'same' has fewer of them",
    ),
    "A",
    "The same kernel slides over more positions; the number of weights does not depend on "
    "the image size at all. What padding does change is the feature map size, and with it "
    "the parameters of a Dense layer after Flatten.",
)
def padding_params() -> str:
    counts = set()
    for padding in ("valid", "same"):
        layer = load_keras().layers.Conv2D(32, 3, padding=padding)
        layer.build((None, 28, 28, 1))
        counts.add(layer.count_params())
    if len(counts) == 1:
        return "Not at all: kernel and biases do not depend on the padding"
    return "unexpected"


# The model's layer names (mnist_variant's), and how the question's choices describe them.
_PARAMS_WHERE_CHOICES = {
    "dense": "the Dense layer of 128 units",
    "conv_1": "the first convolution",
    "conv_3": "the last convolution",
    "output": "the Dense layer of 10 outputs",
}


@_question(
    "params-where",
    "The 'same' MNIST model (three 3×3 convolutions with 32 filters and padding 'same', "
    "Flatten, Dense 128, Dense 10) has 3,231,498 parameters. Which layer holds most of them?",
    tuple(_PARAMS_WHERE_CHOICES.values()),
    "A",
    "With 'same' padding the last feature map is still 28×28×32 = 25,088 values, and the "
    "Dense layer after Flatten connects each to 128 units: 25,088·128 + 128 = 3,211,392. "
    "The three convolutions together have 18,816. Stride 2 shrinks that map to 4×4×32 and "
    "the whole model to 85,770.",
)
def params_where() -> str:
    from ..demo.models import mnist_variant

    model = mnist_variant("same")
    if model.count_params() != 3_231_498:
        return "unexpected: another parameter count"
    name = max(model.layers, key=lambda layer: layer.count_params()).name
    return _PARAMS_WHERE_CHOICES.get(name, f"unexpected: {name}")


@_question(
    "dilation",
    "Conv2D(kernel_size=3, dilation_rate=2, padding='valid') reads a 28×28 image. What is the output?",
    ("14×14", "22×22", "24×24", "26×26"),
    "C",
    "Dilation 2 spreads the 3 taps over (3 − 1)·2 + 1 = 5 pixels, so the kernel behaves like "
    "a 5×5 one with holes: 28 − 5 + 1 = 24.",
)
def dilation() -> str:
    return _square(stack_width([load_keras().layers.Conv2D(1, 3, dilation_rate=2)], 28))


@_question(
    "stride-with-dilation",
    "What does Keras do with Conv2D(32, 3, strides=2, dilation_rate=2)?",
    (
        "It builds the layer, with stride 2 and dilation 2",
        "It builds the layer, but quietly ignores the dilation",
        "It builds the layer, but quietly ignores the stride",
        "It refuses: creating the layer raises a ValueError",
    ),
    "D",
    "Keras' Conv1D, Conv2D and Conv3D, and their Transpose versions, refuse a stride above 1 "
    "together with a dilation rate above 1, with a ValueError when the layer is created. "
    "(DepthwiseConv2D and SeparableConv2D accept the pair.)",
)
def stride_with_dilation() -> str:
    L = load_keras().layers
    refused = []
    for layer in (L.Conv1D, L.Conv2D, L.Conv3D, L.Conv1DTranspose, L.Conv2DTranspose, L.Conv3DTranspose):
        try:
            layer(1, 3, strides=2, dilation_rate=2)
        except ValueError:
            refused.append(layer)
    separable = L.SeparableConv2D(1, 3, strides=2, dilation_rate=2)
    depthwise = L.DepthwiseConv2D(3, strides=2, dilation_rate=2)
    if len(refused) != 6 or stack_width([separable], 28) != 12 or stack_width([depthwise], 28) != 12:
        return "unexpected: another set of layers refuses the pair"
    try:
        stack_width([L.Conv2D(1, 3, strides=2, dilation_rate=2)], 28)
    except ValueError:
        return "It refuses: creating the layer raises a ValueError"
    return "It builds the layer, with stride 2 and dilation 2"


@_question(
    "pool-same",
    "MaxPooling2D(pool_size=2, padding='same') reads a 7×7 feature map. What is the output?",
    ("3×3", "4×4", "6×6", "7×7"),
    "B",
    "Pooling follows the convolution arithmetic, with the stride defaulting to the pool size: "
    "'same' gives ceil(7/2) = 4, while 'valid' gives ⌊(7 − 2)/2⌋ + 1 = 3 and drops the last "
    "row and column.",
)
def pool_same() -> str:
    return _square(stack_width([load_keras().layers.MaxPooling2D(2, padding="same")], 7))


@_question(
    "transpose-back",
    "Conv2D(kernel_size=3, strides=2, padding='same') turns both 27 and 28 into 14. What "
    "does Conv2DTranspose(kernel_size=3, strides=2, padding='same') turn 14 into?",
    ("27", "28", "29", "27 or 28, at random"),
    "B",
    "Without output_padding, a 'same' transposed convolution gives n·s = 28. The size lost "
    "by the forward convolution cannot be read from 14; output_padding=0 asks for "
    "(14 − 1)·2 + 1 = 27 instead.",
)
def transpose_back() -> str:
    layer = load_keras().layers.Conv2DTranspose(1, 3, strides=2, padding="same")
    return str(int(layer(np.zeros((1, 14, 14, 1), dtype="float32")).shape[1]))


QUESTIONS: tuple[Question, ...] = tuple(_BANK)
