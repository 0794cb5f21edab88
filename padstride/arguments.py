"""Argument checks shared by every public function: one place, public names.

Each check returns the value normalised (plain ints, tuples) or raises a ValueError that
names the argument, the value given and what is allowed. Pure Python at import time;
``image_2d`` imports NumPy when called.

>>> positive_int(3, "kernel_size")
3
>>> positive_pair((2, 1), "strides")
(2, 1)
>>> axis_padding(1), axis_padding("SAME")
((1, 1), 'same')
>>> positive_int(0, "strides")
Traceback (most recent call last):
...
ValueError: strides=0 is not allowed: strides must be a positive integer (1 or more)
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from numbers import Integral
from typing import Any

PADDING_WORDS = ("valid", "same")

AxisPadding = str | tuple[int, int]  # "valid", "same" or (before, after)


def is_int(value: object) -> bool:
    """True for whole numbers (Python or NumPy integers), False for bool, float and str."""
    return isinstance(value, Integral) and not isinstance(value, bool)


def positive_int(value: object, name: str) -> int:
    """``value`` as an int of 1 or more.

    >>> positive_int(28, "size")
    28
    """
    if not is_int(value):
        raise ValueError(f"{name}={value!r} is not allowed: {name} must be a positive integer")
    if value < 1:
        raise ValueError(f"{name}={value!r} is not allowed: {name} must be a positive integer (1 or more)")
    return int(value)


def pixel_count(value: object, name: str = "padding") -> int:
    """A number of padding pixels: an int of 0 or more.

    >>> pixel_count(0)
    0
    """
    if not is_int(value):
        raise ValueError(f"{name}={value!r} is not allowed: padding must be whole numbers of pixels")
    if value < 0:
        raise ValueError(f"{name}={value!r} is not allowed: padding cannot be negative")
    return int(value)


def is_pair(value: object) -> bool:
    """True for a tuple or list (a (height, width) or (before, after) pair, if of length 2)."""
    return isinstance(value, (tuple, list))


def any_pair(*values: object) -> bool:
    """True when any of the values is a pair: the caller then answers for (height, width).

    >>> any_pair(28, (3, 5)), any_pair(28, 3)
    (True, False)
    """
    return any(is_pair(v) for v in values)


def pair(value: object, name: str) -> tuple[Any, Any]:
    """One value for both axes, or a (height, width) pair; the items are not checked.

    >>> pair(3, "kernel_size"), pair((3, 5), "kernel_size")
    ((3, 3), (3, 5))
    """
    if is_pair(value):
        if len(value) != 2:
            raise ValueError(f"{name}={value!r} is not allowed: give one number or a (height, width) pair")
        return (value[0], value[1])
    return (value, value)


def positive_pair(value: object, name: str) -> tuple[int, int]:
    """One positive int or a (height, width) pair of them, as a pair.

    >>> positive_pair(2, "strides")
    (2, 2)
    """
    first, second = pair(value, name)
    if not (is_int(first) and is_int(second)):
        raise ValueError(
            f"{name}={value!r} is not allowed: {name} must be a positive integer or a (height, width) pair of them"
        )
    return (positive_int(first, name), positive_int(second, name))


def padding_word(value: object, *, exact_case: bool = False, name: str = "padding") -> str:
    """ "valid" or "same"; Conv2D takes any case, Keras' pooling layers lower case only.

    >>> padding_word("Same")
    'same'
    """
    word = value if exact_case or not isinstance(value, str) else value.lower()
    if not isinstance(word, str) or word not in PADDING_WORDS:
        if exact_case:
            allowed = "'valid' or 'same' (lower case: Keras' pooling layers take no other spelling)"
        else:
            allowed = "'valid' or 'same' (any case)"
        raise ValueError(f"{name}={value!r} is not allowed: use {allowed}")
    return word


def _plain(value: object) -> object:
    """A NumPy array or number as the list or int it holds; anything else as it is."""
    return value.tolist() if hasattr(value, "tolist") and not isinstance(value, str) else value


def axis_padding(value: object) -> AxisPadding:
    """One axis' padding, as Keras' ZeroPadding1D reads it: "valid" or "same" (any case),
    p zeros on each side, or (before, after).

    >>> axis_padding((0, 1))
    (0, 1)
    """
    value = _plain(value)
    if isinstance(value, str):
        try:
            return padding_word(value)
        except ValueError:
            pass
    elif is_int(value):
        p = pixel_count(value)
        return (p, p)
    elif is_pair(value) and len(value) == 2 and all(is_int(v) for v in value):
        return (pixel_count(value[0]), pixel_count(value[1]))
    raise ValueError(
        f"padding={value!r} is not allowed: use 'valid', 'same', an int or a (before, after) pair (one axis)"
    )


PADDING_2D_ALLOWED = (
    "use 'valid', 'same', an int (zeros on every side), a (height, width) pair (each axis "
    "symmetric, as in Keras' ZeroPadding2D) or ((top, bottom), (left, right))"
)


def padding_2d(value: object) -> tuple[AxisPadding, AxisPadding]:
    """Padding for (height, width), as Keras' ZeroPadding2D reads numbers: an int p pads
    every side by p; a pair (h, w) pads h on top and bottom and w left and right; each
    item may also be a (before, after) pair, as in ((top, bottom), (left, right)).
    "valid" and "same" (any case) apply to both axes.

    >>> padding_2d((0, 1))
    ((0, 0), (1, 1))
    >>> padding_2d(((0, 1), (2, 3)))
    ((0, 1), (2, 3))
    >>> padding_2d("same")
    ('same', 'same')
    """
    value = _plain(value)
    if is_int(value):
        p = pixel_count(value)
        return ((p, p), (p, p))
    if isinstance(value, str):
        try:
            word = padding_word(value)
        except ValueError:
            raise ValueError(f"padding={value!r} is not allowed: {PADDING_2D_ALLOWED}") from None
        return (word, word)
    if is_pair(value) and len(value) == 2:
        return (_pixel_axis(value[0], value), _pixel_axis(value[1], value))
    raise ValueError(f"padding={value!r} is not allowed: {PADDING_2D_ALLOWED}")


def _pixel_axis(item: object, whole: object) -> tuple[int, int]:
    """One item of a 2-D padding pair: p (p before and after) or (before, after)."""
    item = _plain(item)
    if is_int(item):
        item = (item, item)
    if not (is_pair(item) and len(item) == 2 and all(is_int(v) for v in item)):
        raise ValueError(f"padding={whole!r} is not allowed: {PADDING_2D_ALLOWED}")
    if min(item) < 0:
        raise ValueError(f"padding={whole!r} is not allowed: padding cannot be negative")
    return (int(item[0]), int(item[1]))


def is_nested_padding(value: object) -> bool:
    """True for padding given per axis, ((top, bottom), (left, right))."""
    value = _plain(value)
    return is_pair(value) and any(is_pair(p) for p in value)


def pixel_padding_2d(value: object) -> tuple[tuple[int, int], tuple[int, int]]:
    """Padding in pixels only (no "valid"/"same"), as ((top, bottom), (left, right)).

    >>> pixel_padding_2d(2)
    ((2, 2), (2, 2))
    >>> pixel_padding_2d((1, 2))
    ((1, 1), (2, 2))
    """
    axes = padding_2d(value) if not isinstance(value, str) else None
    if axes is None or any(isinstance(a, str) for a in axes):
        raise ValueError(
            f"padding={value!r} is not allowed: give pixel counts (an int, a (height, width) pair or "
            "((top, bottom), (left, right))), not 'valid' or 'same'"
        )
    return axes  # type: ignore[return-value]


def no_strides_with_dilation(strides: Sequence[int], dilation_rate: Sequence[int]) -> None:
    """Keras' Conv2D refuses a stride above 1 together with a dilation above 1."""
    if max(strides) > 1 and max(dilation_rate) > 1:
        raise ValueError(
            f"strides={_show(strides)} with dilation_rate={_show(dilation_rate)} is not allowed: "
            "Keras' Conv2D refuses a stride above 1 together with a dilation rate above 1"
        )


def _show(values: Sequence[int]) -> str:
    return str(values[0]) if len(set(values)) == 1 else str(tuple(values))


def conv_axis(
    size: object, kernel_size: object, strides: object, dilation_rate: object, size_name: str = "size"
) -> tuple[int, int, int, int]:
    """(size, kernel_size, strides, dilation_rate) of one axis: positive ints, and not a
    stride above 1 together with a dilation above 1.

    >>> conv_axis(28, 3, 2, 1)
    (28, 3, 2, 1)
    """
    n = positive_int(size, size_name)
    k = positive_int(kernel_size, "kernel_size")
    s = positive_int(strides, "strides")
    d = positive_int(dilation_rate, "dilation_rate")
    no_strides_with_dilation((s,), (d,))
    return n, k, s, d


def conv_settings_2d(
    size: object,
    kernel_size: object,
    strides: object,
    dilation_rate: object,
    size_name: str = "size",
    *,
    strides_with_dilation: bool = False,
) -> tuple[tuple[int, int], tuple[int, int], tuple[int, int], tuple[int, int]]:
    """conv_axis for (height, width): each setting one positive int or a pair of them,
    returned as pairs. ``strides_with_dilation`` lets a stride and a dilation above 1
    pass together, as DepthwiseConv2D and SeparableConv2D take them.

    >>> conv_settings_2d((28, 20), 3, (2, 1), 1)
    ((28, 20), (3, 3), (2, 1), (1, 1))
    """
    sizes = positive_pair(size, size_name)
    kernels = positive_pair(kernel_size, "kernel_size")
    steps = positive_pair(strides, "strides")
    dilations = positive_pair(dilation_rate, "dilation_rate")
    if not strides_with_dilation:
        no_strides_with_dilation(steps, dilations)
    return sizes, kernels, steps, dilations


MAX_ARRAY_VALUES = 10**8  # 800 MB of float64: larger arrays are refused before they exist


def array_values(shape: Sequence[int], what: str) -> None:
    """Refuse, before anything is allocated, an array of more than MAX_ARRAY_VALUES values.

    >>> array_values((10**5, 10**5), "the padded image")
    Traceback (most recent call last):
    ...
    ValueError: the padded image would be 100000×100000 (10,000,000,000 values): at most 100,000,000 are made; use smaller sizes
    """
    count = math.prod(shape)
    if count > MAX_ARRAY_VALUES:
        text = "×".join(str(d) for d in shape)
        raise ValueError(
            f"{what} would be {text} ({count:,} values): at most {MAX_ARRAY_VALUES:,} are made; use smaller sizes"
        )


INT32_MAX = 2**31 - 1


def int32(value: object, name: str) -> None:
    """Refuse a setting TensorFlow cannot hold: it keeps layer settings in 32-bit
    integers, and a larger stride stops the whole process rather than raising.
    ``value`` is an int or nested pairs of them (already checked as such).

    >>> int32((2, 1), "strides")
    >>> int32(2**31, "strides")
    Traceback (most recent call last):
    ...
    ValueError: strides=2147483648 is not allowed: TensorFlow takes at most 2147483647 (a 32-bit integer)
    """
    values = [value]
    while any(is_pair(v) for v in values):
        values = [item for v in values for item in (v if is_pair(v) else [v])]
    if any(is_int(v) and v > INT32_MAX for v in values):
        raise ValueError(
            f"{name}={value!r} is not allowed: TensorFlow takes at most {INT32_MAX} (a 32-bit integer)"
        )


def int_range(value: object, name: str, low: int, high: int, why: str = "") -> int:
    """``value`` as an int from ``low`` to ``high``; ``why`` (if any) says where the bound
    comes from.

    >>> int_range(3, "steps", 1, 8)
    3
    >>> int_range(9, "steps", 1, 8, "the steps of one epoch")
    Traceback (most recent call last):
    ...
    ValueError: steps=9 is not allowed: use 1 to 8 (the steps of one epoch)
    """
    if not is_int(value) or not low <= value <= high:
        reason = f" ({why})" if why else ""
        raise ValueError(f"{name}={brief(value)} is not allowed: use {low} to {high}{reason}")
    return int(value)


def warmup_share(value: object, steps: int) -> float:
    """A warm-up's share of ``steps`` optimizer steps: from 0 to below 1, and leaving at
    least one step for the learning rate to fall after it.

    >>> warmup_share(0.1, 100)
    0.1
    >>> warmup_share(0.99, 3)
    Traceback (most recent call last):
    ...
    ValueError: warmup=0.99 is not allowed with 3 training steps: the warm-up takes all 3 and leaves 0 for the learning rate to fall; use a smaller warmup or train for more steps
    """
    if not isinstance(value, (int, float)) or isinstance(value, bool) or not 0 <= value < 1:
        raise ValueError(f"warmup={value!r} is not allowed: give the share of the steps, from 0 to below 1")
    warm = int(round(value * steps))
    if warm >= steps:
        raise ValueError(
            f"warmup={value!r} is not allowed with {steps} training steps: the warm-up takes all {warm} "
            f"and leaves {steps - warm} for the learning rate to fall; use a smaller warmup or train for "
            "more steps"
        )
    return float(value)


def class_labels(labels: object, classes: int | None, name: str, argument: str = "data") -> None:
    """Refuse labels that are not class numbers: whole numbers from 0 to ``classes`` − 1
    (from 0 up, when the number of classes is not known). ``name`` is the labels' own
    name (y_train), ``argument`` the argument that holds them.

    >>> class_labels([0, 9, 3], 10, "y_train")
    >>> class_labels([0, -1], 10, "y_train")
    Traceback (most recent call last):
    ...
    ValueError: data is not allowed: y_train must hold whole numbers from 0 to 9 (the model has 10 outputs, one per class), and y_train[1] is -1
    """
    import numpy as np

    values = np.asarray(labels)
    allowed = (
        f"from 0 to {classes - 1} (the model has {classes} outputs, one per class)"
        if classes
        else "from 0 up"
    )
    lead = f"{argument} is not allowed: {name} must hold whole numbers {allowed}"
    if not (np.issubdtype(values.dtype, np.integer) or np.issubdtype(values.dtype, np.floating)):
        raise ValueError(f"{lead}, and it holds {values.dtype}")
    wrong = ~np.isfinite(values) | (values != np.round(values)) | (values < 0)
    if classes:
        wrong |= values > classes - 1
    if wrong.any():
        where = np.unravel_index(int(np.argmax(wrong)), values.shape)
        index = ", ".join(str(int(i)) for i in where)
        raise ValueError(f"{lead}, and {name}[{index}] is {values[where].item()!r}")


def input_shape_hwc(value: object, name: str = "input_shape") -> tuple[int, int, int]:
    """(height, width) or (height, width, channels), as (height, width, channels); one
    channel unless said.

    >>> input_shape_hwc((28, 28))
    (28, 28, 1)
    """
    if not is_pair(value) or len(value) not in (2, 3):
        raise ValueError(
            f"{name}={value!r} is not allowed: give (height, width) or (height, width, channels)"
        )
    shape = tuple(value) if len(value) == 3 else (*value, 1)
    return tuple(positive_int(v, name) for v in shape)  # type: ignore[return-value]


def keras_input_shape(value: object, name: str = "input_shape") -> tuple[int, int, int]:
    """(height, width, channels), as ``keras.Input(shape=...)`` takes it for a Conv2D.

    >>> keras_input_shape([28, 28, 1])
    (28, 28, 1)
    """
    if not is_pair(value) or len(value) != 3:
        raise ValueError(f"{name}={value!r} is not allowed: give (height, width, channels), e.g. (28, 28, 1)")
    if not all(is_int(v) and v >= 1 for v in value):
        raise ValueError(
            f"{name}={value!r} is not allowed: height, width and channels must each be a positive integer"
        )
    return tuple(int(v) for v in value)  # type: ignore[return-value]


def fraction(value: object, name: str) -> float:
    """A share above 0 and at most 1 (an accuracy to reach, say), as a float.

    >>> fraction(0.985, "stop_at_accuracy")
    0.985
    """
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 < value <= 1:
        raise ValueError(f"{name}={value!r} is not allowed: give a fraction above 0 and at most 1")
    return float(value)


def real_number(value: object, name: str) -> float:
    """A finite real number (int, float or a NumPy scalar of either), as a float.

    >>> real_number(1, "bias")
    1.0
    """
    from numbers import Real

    if isinstance(value, bool) or not isinstance(value, Real):
        raise ValueError(f"{name}={value!r} is not allowed: {name} must be one real number")
    try:
        number = float(value)
    except OverflowError:  # an int beyond the float range
        number = math.inf
    if not math.isfinite(number):
        raise ValueError(f"{name}={value!r} is not allowed: {name} must be a finite real number")
    return number


def flag(name: str, value: object) -> bool:
    """A keyword that must be True or False.

    >>> flag("going_further", "yes")
    Traceback (most recent call last):
    ValueError: going_further='yes' is not allowed: use True or False
    """
    if not isinstance(value, bool):
        raise ValueError(f"{name}={value!r} is not allowed: use True or False")
    return value


def brief(value: object) -> str:
    """A short repr for a message: arrays by dtype and shape, long lists cut.

    >>> brief(list(range(100)))
    '[0, 1, 2, 3, 4, 5, ...]'
    """
    import reprlib

    if hasattr(value, "shape") and hasattr(value, "dtype"):
        return f"<{value.dtype} array of shape {tuple(value.shape)}>"
    return reprlib.repr(value)


_IMAGE_SHAPES = {2: "(rows, columns)", 3: "(rows, columns, channels)"}


def having(value: object, name: str, attributes: Sequence[str], what: str) -> Any:
    """``value`` when it has every attribute named; anything else refused, saying what to give.

    >>> having(None, "history", ("rows", "column"), "a History, as train() returns it")
    Traceback (most recent call last):
    ...
    ValueError: history=None is not allowed: give a History, as train() returns it
    """
    if not all(hasattr(value, attribute) for attribute in attributes):
        shown = " ".join(brief(value).split())
        raise ValueError(f"{name}={shown} is not allowed: give {what}")
    return value


def image_array(value: object, name: str = "image", ndims: tuple[int, ...] = (2,)) -> Any:
    """A non-empty array of real numbers with one of the given numbers of axes, its
    dtype kept.

    >>> image_array([[1, 2]], ndims=(2, 3)).dtype.kind
    'i'
    """
    import numpy as np

    wanted = "a non-empty " + " or ".join(f"{n}-D array {_IMAGE_SHAPES.get(n, '')}".rstrip() for n in ndims)
    try:
        array = np.asarray(value)
    except ValueError:  # ragged nested lists
        raise ValueError(
            f"{name}={brief(value)} is not allowed: its rows differ in length; give {wanted}"
        ) from None
    if array.dtype == object or not (
        np.issubdtype(array.dtype, np.number) or np.issubdtype(array.dtype, np.bool_)
    ):
        raise ValueError(f"{name}={brief(value)} is not allowed: its dtype is {array.dtype}; give numbers")
    if np.iscomplexobj(array):
        raise ValueError(
            f"{name}={brief(value)} is not allowed: it is complex ({array.dtype}); give real numbers"
        )
    if array.ndim not in ndims or 0 in array.shape:
        raise ValueError(f"{name} of shape {array.shape} is not allowed: give {wanted}")
    return array


def image_2d(value: object, name: str = "image") -> Any:
    """A real-valued 2-D array (rows, columns), as float64.

    >>> image_2d([[1, 2], [3, 4]]).shape
    (2, 2)
    """
    return image_array(value, name, (2,)).astype(float)


def is_keras_model(value: object) -> bool:
    """True for a Keras model (anything with ``layers`` and ``inputs``), without importing Keras."""
    return hasattr(value, "layers") and hasattr(value, "inputs") and hasattr(value, "get_config")


def is_keras_layer(value: object) -> bool:
    """True for a Keras layer, without importing Keras."""
    return hasattr(value, "get_config") and hasattr(value, "name") and hasattr(value, "compute_output_shape")


def keras_model(value: object, name: str = "model") -> Any:
    """A Keras model; anything else is refused by name.

    >>> keras_model(None)
    Traceback (most recent call last):
    ...
    ValueError: model=None is not allowed: give a Keras model, e.g. mnist_model() or keras.Sequential
    """
    if not is_keras_model(value):
        raise ValueError(
            f"{name}={brief(value)} is not allowed: give a Keras model, e.g. mnist_model() or keras.Sequential"
        )
    return value


def model_or_layers(value: object, name: str = "model") -> Any:
    """A Keras model, or a list of Keras layers; anything else is refused by name.

    >>> model_or_layers([])
    []
    """
    if is_keras_model(value):
        return value
    if isinstance(value, (list, tuple)):
        for index, item in enumerate(value):
            if not is_keras_layer(item):
                raise ValueError(
                    f"{name}[{index}]={item!r} is not allowed: a list of layers holds Keras layers only"
                )
        return list(value)
    raise ValueError(
        f"{name}={value!r} is not allowed: give a Keras model, or a list of Keras layers with input_shape"
    )


def alt_words(value: object, name: str = "alt") -> str:
    """A picture's text alternative: a string with some words in it, kept as given.

    >>> alt_words("   ")
    Traceback (most recent call last):
    ...
    ValueError: alt='   ' is not allowed: give the words a reader hears in place of the picture, e.g. "a 4×4 grid, values 0 to 9"
    """
    if not isinstance(value, str) or not value.strip():
        raise ValueError(
            f"{name}={brief(value)} is not allowed: give the words a reader hears in place of the picture, "
            'e.g. "a 4×4 grid, values 0 to 9"'
        )
    return value


def figure_or_axes(value: object, name: str = "target") -> Any:
    """A matplotlib Figure or Axes (one panel), as given; anything else refused by name."""
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    if not isinstance(value, (Figure, Axes)):
        raise ValueError(
            f"{name}={' '.join(brief(value).split())} is not allowed: give a matplotlib Figure or one "
            "of its Axes, e.g. fig or ax from fig, ax = plt.subplots()"
        )
    return value
