"""Questions about padding and stride, each with an answer key that Keras can prove.

A question is data: prompt, choices, the answer's letter, an explanation, and (where
possible) ``solve``, which computes the right choice with real Keras layers, so the key
cannot drift from what TensorFlow does. ``ask`` shows buttons in a notebook; ``check``
answers in plain code; ``answer_key`` proves every key at once.

>>> check("metrics-5x5", "b").correct
True
>>> print(question("metrics-5x5").text().splitlines()[0])
9. A 5×5 input, a 3×3 filter, 1 pixel of zero padding on each side and stride 2: what is the output?
"""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from ._keras import keras

LETTERS = "ABCD"


@dataclass(frozen=True)
class Question:
    """One multiple-choice question; ``answer`` is the letter of the right choice."""

    id: str
    prompt: str
    choices: tuple[str, ...]
    answer: str
    explanation: str
    source: str  # where the question comes from: a seed document, or "padstride"
    solve: Callable[[], str] | None = None  # returns the right choice's text, computed with Keras

    @property
    def number(self) -> int:
        return QUESTIONS.index(self) + 1

    def text(self) -> str:
        """The question and its lettered choices as plain text."""
        lines = [f"{self.number}. {self.prompt}"]
        lines += [f"   {letter}. {choice}" for letter, choice in zip(LETTERS, self.choices)]
        return "\n".join(lines)


@dataclass(frozen=True)
class Feedback:
    """What ``check`` says about one answer."""

    question_id: str
    choice: str
    correct: bool
    message: str

    def __str__(self) -> str:
        return self.message

    def _repr_pretty_(self, printer, cycle) -> None:
        printer.text(self.message)


# --- proofs: each computes the right choice's text from real Keras layers -------------


def _width(layers: list[Any], size: int) -> int:
    """Width of the output of a stack of layers on a size×size one-channel image."""
    x = np.zeros((1, size, size, 1), dtype="float32")
    for layer in layers:
        x = layer(x)
    return int(x.shape[2])


def _square(width: int) -> str:
    return f"{width}×{width}"


def _solve_padding_grows() -> str:
    L = keras().layers
    x = np.ones((1, 28, 28, 1), dtype="float32")
    padded = np.asarray(L.ZeroPadding2D(1)(x))[0, :, :, 0]
    border = np.concatenate([padded[0], padded[-1], padded[:, 0], padded[:, -1]])
    if padded.shape == (30, 30) and not border.any():
        return "It grows to 30×30: a border of zeros goes around it"
    return f"unexpected: {padded.shape}"


def _solve_padding_keeps_or_grows() -> str:
    L = keras().layers
    one, two = (_width([L.ZeroPadding2D(p), L.Conv2D(1, 3)], 28) for p in (1, 2))
    return f"It depends: 1 pixel a side keeps {one}, 2 a side give {two}"


def _solve_not_only_zeros() -> str:
    import tensorflow as tf

    row = tf.constant([[1.0, 2.0, 3.0]])
    modes = [m for m in ("REFLECT", "SYMMETRIC") if np.asarray(tf.pad(row, [[0, 0], [1, 1]], m))[0, 0] != 0]
    return f"No: tf.pad can also mirror the image ({' and '.join(modes)} modes)"


def _unseen_pixels(kernel: int, stride: int, size: int) -> int:
    from .probes import keras_influence

    seen = keras_influence([keras().layers.Conv2D(1, kernel, strides=stride)], (size, size))
    return int((~seen.any(axis=(0, 1))).sum())


def _solve_stride_accuracy() -> str:
    if _unseen_pixels(2, 3, 8) > 0:
        return "No: a stride longer than the kernel skips pixels that no later layer can get back"
    return "unexpected: nothing skipped"


def _solve_same_size() -> str:
    L = keras().layers
    sizes = range(1, 13)
    kernels = range(1, 6)
    stride_one = all(_width([L.Conv2D(1, k, padding="same")], n) == n for n in sizes for k in kernels)
    strided = all(
        _width([L.Conv2D(1, k, strides=s, padding="same")], n) == -(-n // s)
        for n in sizes
        for k in kernels
        for s in (2, 3)
    )
    if stride_one and strided:
        return "At stride 1 always; at stride s the output is ceil(n/s)"
    return "unexpected"


def _largest_field(stride: int) -> int:
    from .probes import keras_influence

    stack = [keras().layers.Conv2D(1, 3, strides=stride) for _ in range(3)]
    seen = keras_influence(stack, (32, 32))
    rows = [
        np.flatnonzero(seen[i, j].any(axis=1)) for i in range(seen.shape[0]) for j in range(seen.shape[1])
    ]
    return max(r.max() - r.min() + 1 for r in rows)


def _solve_stride_receptive_field() -> str:
    one, two = _largest_field(1), _largest_field(2)
    return f"No: three 3×3 layers see {_square(one)} pixels at stride 1, {_square(two)} at stride 2"


def _solve_stride_three() -> str:
    return str(_unseen_pixels(3, 3, 28))


def _solve_seed_notebook() -> str:
    L = keras().layers
    return str(_width([L.ZeroPadding2D(1), L.Conv2D(1, 3, strides=2)], 28))


def _solve_five_by_five() -> str:
    L = keras().layers
    return _square(_width([L.ZeroPadding2D(1), L.Conv2D(1, 3, strides=2)], 5))


def _split(size: int, kernel: int, stride: int, sides: tuple[str, str]) -> str:
    from .probes import keras_same_padding

    before, after = keras_same_padding(size, kernel, strides=stride)
    return f"{before} {sides[0]}, {after} {sides[1]}"


def _solve_split_odd() -> str:
    return _split(28, 3, 2, ("left", "right"))


def _solve_split_even() -> str:
    return _split(8, 4, 1, ("top", "bottom"))


def _solve_conv_params() -> str:
    layer = keras().layers.Conv2D(32, 3)
    layer.build((None, 26, 26, 32))
    return f"{layer.count_params():,}"


def _solve_padding_params() -> str:
    counts = set()
    for padding in ("valid", "same"):
        layer = keras().layers.Conv2D(32, 3, padding=padding)
        layer.build((None, 28, 28, 1))
        counts.add(layer.count_params())
    if len(counts) == 1:
        return "None: the weights are the kernel and the biases, whatever the padding"
    return "unexpected"


def _solve_params_where() -> str:
    from .models import mnist_variant

    model = mnist_variant("same")
    biggest = max(model.layers, key=lambda layer: layer.count_params())
    return biggest.name


def _solve_dilation() -> str:
    return _square(_width([keras().layers.Conv2D(1, 3, dilation_rate=2)], 28))


def _solve_stride_with_dilation() -> str:
    try:
        _width([keras().layers.Conv2D(1, 3, strides=2, dilation_rate=2)], 28)
    except ValueError:
        return "It refuses: the layer raises a ValueError"
    return "It builds the layer"


def _solve_pool_same() -> str:
    return _square(_width([keras().layers.MaxPooling2D(2, padding="same")], 7))


def _solve_transpose() -> str:
    layer = keras().layers.Conv2DTranspose(1, 3, strides=2, padding="same")
    return str(int(layer(np.zeros((1, 14, 14, 1), dtype="float32")).shape[1]))


# --- the questions ---------------------------------------------------------------------

QUESTIONS: tuple[Question, ...] = (
    Question(
        "padding-before-conv",
        "A 28×28 digit passes through ZeroPadding2D(1) before a convolution. What happens to it?",
        (
            "It shrinks: its edges are cropped",
            "Nothing: its size stays 28×28",
            "It grows to 30×30: a border of zeros goes around it",
            "Its pixel values are rescaled",
        ),
        "C",
        "Padding adds pixels around the edges, here one on every side: 28 + 1 + 1 = 30 rows and "
        "columns. The digit itself is untouched; the new border holds zeros, so a 3×3 window can "
        "now be centred on an edge pixel.",
        "seed 000 (pipeline trace quiz)",
        _solve_padding_grows,
    ),
    Question(
        "padding-keeps-or-grows",
        "A 3×3 convolution reads a 28×28 image. Does zero padding always make its output larger?",
        (
            "Yes: every added pixel adds an output pixel",
            "No: padding never changes the output size",
            "Yes: always by exactly 2",
            "It depends: 1 pixel a side keeps 28, 2 a side give 30",
        ),
        "D",
        "The output is floor((n + p_before + p_after − k)/s) + 1. A 3×3 kernel alone takes 2 "
        "pixels off (28 → 26); 1 pixel on each side gives them back (28), and 2 on each side "
        "overshoot (30). Padding of (k − 1)/2 a side is the amount that keeps the size at stride 1.",
        "seed 001 (step 3)",
        _solve_padding_keeps_or_grows,
    ),
    Question(
        "padding-not-only-zeros",
        "Is padding always made of zeros?",
        (
            "No: tf.pad can also mirror the image (REFLECT and SYMMETRIC modes)",
            "Yes: to pad means to add zeros",
            "No, but only pooling layers use other values",
            "Yes, except in Dense layers",
        ),
        "A",
        "Conv2D's own padding='same' adds zeros, but tf.pad (and keras.ops.pad) can also mirror "
        "the image: REFLECT without repeating the edge pixel (3 2 | 1 2 3 | 2 1), SYMMETRIC with "
        "it (2 1 | 1 2 3 | 3 2). Repeating the edge pixel ('replicate') is a third choice. Mirrored "
        "borders avoid the artificial dark frame that zeros put around a bright image.",
        "seed 001 (myth 1)",
        _solve_not_only_zeros,
    ),
    Question(
        "stride-accuracy",
        "Does a larger stride always improve accuracy, because the layer focuses on bigger features?",
        (
            "Yes: fewer window positions mean less noise",
            "Yes, as long as the padding is 'same'",
            "No: a stride longer than the kernel skips pixels that no later layer can get back",
            "Stride has no effect on what the layer reads",
        ),
        "C",
        "Stride only decides where windows start. With a 2×2 kernel and stride 3, every third "
        "row and column falls between windows: those pixels reach no output, so nothing after "
        "the layer can learn from them. A larger stride saves computation; whether accuracy "
        "survives depends on whether the skipped detail mattered.",
        "seed 001 (myth 2)",
        _solve_stride_accuracy,
    ),
    Question(
        "same-keeps-size",
        "Does padding='same' always give an output exactly as large as the input?",
        (
            "Yes, always",
            "No: it can be one pixel off when the input or kernel size is odd",
            "Only for even input sizes",
            "At stride 1 always; at stride s the output is ceil(n/s)",
        ),
        "D",
        "TensorFlow first fixes the output at ceil(n/s) and then adds just enough zeros for "
        "that many windows, so at stride 1 every input and kernel size, odd or even, keeps its "
        "size. At stride 2, 28 gives 14 and 27 gives 14 too. An odd total of zeros is split "
        "unevenly, but that changes where the windows sit, not how many there are.",
        "seed 001 (myth 3)",
        _solve_same_size,
    ),
    Question(
        "stride-receptive-field",
        "Does stride change only the speed, not how much of the input each output pixel sees?",
        (
            "No: three 3×3 layers see 7×7 pixels at stride 1, 15×15 at stride 2",
            "Yes: stride only skips positions",
            "No: stride shrinks what each pixel sees",
            "Yes, unless the kernel is larger than 3×3",
        ),
        "A",
        "After a stride-2 layer, neighbouring outputs are 2 input pixels apart, so a 3×3 kernel "
        "on top of it spans 2·2 more input pixels instead of 2. The receptive field grows by "
        "(k − 1)·jump per layer, and the jump is the product of the strides so far: 3, 7, 15 "
        "instead of 3, 5, 7.",
        "seed 001 (myth 4)",
        _solve_stride_receptive_field,
    ),
    Question(
        "stride-three",
        "A 3×3 convolution with stride 3 and padding 'valid' reads a 28×28 image. How many of "
        "the 784 pixels does no output ever read?",
        ("0", "28", "55", "81"),
        "C",
        "Windows start at 0, 3, …, 24 and end at row 26: the output is floor((28 − 3)/3) + 1 = 9 "
        "wide, and row 27 and column 27 are never read, 28 + 28 − 1 = 55 pixels. A model like "
        "this can still score 98% on MNIST, whose borders are empty, and be blind to anything "
        "that appears only in that last row and column: a high score alone does not show that "
        "stride and padding are well chosen.",
        "seed 002 (self-check)",
        _solve_stride_three,
    ),
    Question(
        "seed-notebook",
        "A 28×28 digit is padded by 1 on each side and read by a 3×3 convolution with stride 2. "
        "How wide is the output?",
        ("13", "14", "14.5", "15"),
        "B",
        "floor((28 + 1 + 1 − 3)/2) + 1 = floor(13.5) + 1 = 14. Sizes are whole numbers: the "
        "division is floored before adding 1, never written as 14.5. This is also what Keras' "
        "padding='same' gives at stride 2, ceil(28/2) = 14, though it places its zeros "
        "differently (0 before, 1 after).",
        "seed 000 (pipeline trace) and seed 003 (its hand calculation)",
        _solve_seed_notebook,
    ),
    Question(
        "metrics-5x5",
        "A 5×5 input, a 3×3 filter, 1 pixel of zero padding on each side and stride 2: what is the output?",
        ("2×2", "3×3", "4×4", "5×5"),
        "B",
        "floor((5 + 2 − 3)/2) + 1 = 3. The windows start at padded columns 0, 2 and 4; one more "
        "would need columns 6 to 8, past the 7 padded columns.",
        "seed 002 (metrics)",
        _solve_five_by_five,
    ),
    Question(
        "same-split-odd",
        "Conv2D(kernel_size=3, strides=2, padding='same') reads 28 columns. Where does "
        "TensorFlow put its zeros?",
        ("1 left, 1 right", "1 left, 0 right", "0 left, 0 right", "0 left, 1 right"),
        "D",
        "The output is ceil(28/2) = 14; 14 windows 2 apart need (14 − 1)·2 + 3 = 29 columns, one "
        "more than there are. A total of 1 is split as 1 // 2 = 0 before and the rest, 1, after.",
        "padstride",
        _solve_split_odd,
    ),
    Question(
        "same-split-even",
        "Conv2D(kernel_size=4, padding='same') reads 8 rows. How many zeros go on top and at the bottom?",
        ("2 top, 1 bottom", "1 top, 1 bottom", "1 top, 2 bottom", "2 top, 2 bottom"),
        "C",
        "An even kernel needs an odd total, k − 1 = 3. TensorFlow puts the smaller half before "
        "(top, left) and the extra zero after (bottom, right). Some textbooks describe the "
        "opposite split; other libraries differ too, so weights moved between them can shift "
        "by a pixel.",
        "padstride",
        _solve_split_even,
    ),
    Question(
        "conv-params",
        "How many parameters has Conv2D(32, 3) on an input with 32 channels?",
        ("288", "320", "9,216", "9,248"),
        "D",
        "Each of the 32 filters has 3·3·32 = 288 weights and one bias: 32·(288 + 1) = 9,248. "
        "The first layer of the seed's models reads 1 channel and has 32·(9 + 1) = 320.",
        "padstride",
        _solve_conv_params,
    ),
    Question(
        "padding-params",
        "How does switching a Conv2D from padding 'valid' to 'same' change its parameter count?",
        (
            "None: the weights are the kernel and the biases, whatever the padding",
            "It adds one weight per padded pixel",
            "It doubles it",
            "It removes the biases",
        ),
        "A",
        "The same kernel slides over more positions; the number of weights does not depend on "
        "the image size at all. What padding does change is the feature map size, and with it "
        "the parameters of a Dense layer after Flatten.",
        "padstride",
        _solve_padding_params,
    ),
    Question(
        "params-where",
        "The seed's 'same' model has 3,231,498 parameters. Which layer holds most of them?",
        ("dense", "conv_1", "conv_3", "output"),
        "A",
        "With 'same' padding the last feature map is still 28×28×32 = 25,088 values, and the "
        "Dense layer after Flatten connects each to 128 units: 25,088·128 + 128 = 3,211,392. "
        "The three convolutions together have 18,816. Stride 2 shrinks that map to 4×4×32 and "
        "the whole model to 85,770.",
        "seed 003 (model summaries)",
        _solve_params_where,
    ),
    Question(
        "dilation",
        "Conv2D(kernel_size=3, dilation_rate=2, padding='valid') reads a 28×28 image. What is the output?",
        ("14×14", "22×22", "24×24", "26×26"),
        "C",
        "Dilation 2 spreads the 3 taps over (3 − 1)·2 + 1 = 5 pixels, so the kernel behaves like "
        "a 5×5 one with holes: 28 − 5 + 1 = 24.",
        "padstride",
        _solve_dilation,
    ),
    Question(
        "stride-with-dilation",
        "What does Keras do with Conv2D(32, 3, strides=2, dilation_rate=2)?",
        (
            "It builds the layer",
            "It quietly ignores the dilation",
            "It quietly ignores the stride",
            "It refuses: the layer raises a ValueError",
        ),
        "D",
        "Keras' convolution layers refuse a stride above 1 together with a dilation rate above 1 "
        "and say so in a ValueError when the layer is created.",
        "padstride",
        _solve_stride_with_dilation,
    ),
    Question(
        "pool-same",
        "MaxPooling2D(pool_size=2, padding='same') reads a 7×7 feature map. What is the output?",
        ("3×3", "4×4", "6×6", "7×7"),
        "B",
        "Pooling follows the convolution arithmetic, with the stride defaulting to the pool size: "
        "'same' gives ceil(7/2) = 4, while 'valid' gives floor((7 − 2)/2) + 1 = 3 and drops the "
        "last row and column.",
        "seed 001 (pooling)",
        _solve_pool_same,
    ),
    Question(
        "transpose-back",
        "Conv2D(kernel_size=3, strides=2, padding='same') turns both 27 and 28 into 14. What "
        "does Conv2DTranspose(kernel_size=3, strides=2, padding='same') turn 14 into?",
        ("27", "28", "29", "27 or 28, at random"),
        "B",
        "Without output_padding, a 'same' transposed convolution gives n·s = 28. The size lost "
        "by the forward convolution cannot be read from 14; output_padding=0 asks for "
        "(14 − 1)·2 + 1 = 27 instead.",
        "padstride",
        _solve_transpose,
    ),
)


def question(question_id: str) -> Question:
    """The question with this id."""
    for q in QUESTIONS:
        if q.id == question_id:
            return q
    raise ValueError(
        f"question_id={question_id!r} is not allowed: use one of {', '.join(q.id for q in QUESTIONS)}"
    )


def _resolve(question_or_id: Question | str) -> Question:
    return question_or_id if isinstance(question_or_id, Question) else question(question_or_id)


def check(question_id: Question | str, choice: str) -> Feedback:
    """Say whether ``choice`` (a letter, any case) answers the question, and why.

    >>> print(check("pool-same", "A"))
    Not A. The answer is B, 4×4. Pooling follows the convolution arithmetic, with the stride defaulting to the pool size: 'same' gives ceil(7/2) = 4, while 'valid' gives floor((7 − 2)/2) + 1 = 3 and drops the last row and column.
    """
    q = _resolve(question_id)
    allowed = LETTERS[: len(q.choices)]
    letter = choice.strip().upper() if isinstance(choice, str) else choice
    if letter not in tuple(allowed):
        raise ValueError(
            f"choice={choice!r} is not allowed: question {q.id!r} takes one of {', '.join(allowed)}"
        )
    right = q.choices[LETTERS.index(q.answer)]
    if letter == q.answer:
        return Feedback(q.id, letter, True, f"Right: {letter}, {right}. {q.explanation}")
    return Feedback(q.id, letter, False, f"Not {letter}. The answer is {q.answer}, {right}. {q.explanation}")


def verify(question_or_id: Question | str) -> str | None:
    """Compute the answer with Keras and return its letter; raise if the key disagrees.

    None for a question without a proof.
    """
    q = _resolve(question_or_id)
    if q.solve is None:
        return None
    computed = q.solve()
    if computed not in q.choices:
        raise AssertionError(f"question {q.id!r}: Keras gives {computed!r}, which is none of the choices")
    letter = LETTERS[q.choices.index(computed)]
    if letter != q.answer:
        raise AssertionError(
            f"question {q.id!r}: the key says {q.answer} but Keras gives {letter}, {computed}"
        )
    return letter


def answer_key() -> str:
    """Every question's key, each proved with Keras first (raises on the first that fails)."""
    lines = []
    for q in QUESTIONS:
        proved = verify(q)
        status = "proved with Keras" if proved else "explained, no computation"
        lines.append(f"{q.number:>2}. {q.id:<24} {q.answer}  {status}")
    return "\n".join(lines)


def ask(question_or_id: Question | str):
    """The question with one button per choice; a click shows whether it is right and why.

    Where no widget front-end renders it (a static viewer, nbval), the output is the
    question as text, with a pointer to ``check``.
    """
    import ipywidgets as widgets

    q = _resolve(question_or_id)

    class Card(widgets.VBox):
        def _repr_mimebundle_(self, **kwargs):
            bundle = super()._repr_mimebundle_(**kwargs)
            data = bundle[0] if isinstance(bundle, tuple) else bundle
            data["text/plain"] = f"{q.text()}\n(answer with the buttons, or with check({q.id!r}, 'A'))"
            return bundle

    feedback = widgets.HTML()
    buttons = [
        widgets.Button(description=f"{letter}. {choice}", layout=widgets.Layout(width="auto"))
        for letter, choice in zip(LETTERS, q.choices)
    ]

    def answer(button: Any) -> None:
        letter = button.description[0]
        result = check(q, letter)
        for other in buttons:
            other.button_style = ""
        button.button_style = "success" if result.correct else "danger"
        feedback.value = html.escape(result.message)

    for button in buttons:
        button.on_click(answer)
    card = Card([widgets.HTML(f"<b>{html.escape(f'{q.number}. {q.prompt}')}</b>"), *buttons, feedback])
    card.question, card.buttons, card.feedback = q, buttons, feedback
    return card
