import re

import numpy as np
import pytest

from padstride import arguments


@pytest.mark.parametrize("value", [0, -1, 1.0, "3", True, None, (3,)])
def test_positive_int_refuses_with_the_name_and_value(value):
    with pytest.raises(ValueError, match="^" + re.escape(f"kernel_size={value!r} is not allowed")):
        arguments.positive_int(value, "kernel_size")


def test_positive_int_takes_numpy_integers():
    assert arguments.positive_int(np.int64(5), "size") == 5
    assert type(arguments.positive_int(np.int64(5), "size")) is int


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("valid", ("valid", "valid")),
        ("SAME", ("same", "same")),
        (1, ((1, 1), (1, 1))),
        ((0, 1), ((0, 0), (1, 1))),  # (height, width), as ZeroPadding2D reads it
        ([2, (0, 1)], ((2, 2), (0, 1))),
        (np.array([3, 3]), ((3, 3), (3, 3))),
        (((0, 1), (2, 3)), ((0, 1), (2, 3))),
    ],
)
def test_padding_2d(value, expected):
    assert arguments.padding_2d(value) == expected


@pytest.mark.parametrize(
    "value", ["full", -1, (1, -1), (1, 2, 3), 1.5, None, ((1, 2, 3), 3), ((1,), 2), ("same", 1), True]
)
def test_padding_2d_refuses(value):
    with pytest.raises(ValueError, match="padding="):
        arguments.padding_2d(value)


def test_pixel_padding_refuses_words():
    with pytest.raises(ValueError, match="not 'valid' or 'same'"):
        arguments.pixel_padding_2d("same")
    assert arguments.pixel_padding_2d((0, 1)) == ((0, 0), (1, 1))


def test_padding_word_exact_case():
    assert arguments.padding_word("same", exact_case=True) == "same"
    with pytest.raises(ValueError, match="lower case"):
        arguments.padding_word("SAME", exact_case=True)


def test_no_strides_with_dilation():
    arguments.no_strides_with_dilation((2, 2), (1, 1))
    with pytest.raises(ValueError, match="strides=2 with dilation_rate=2"):
        arguments.no_strides_with_dilation((2, 2), (2, 2))


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ([[1, 2], [3]], "rows differ"),
        ([[1j, 2]], "complex"),
        ([1, 2], "2-D"),
        ([["a"]], "dtype"),
        (np.zeros((0, 3)), "non-empty"),
    ],
)
def test_image_2d_refuses(value, message):
    with pytest.raises(ValueError, match=message):
        arguments.image_2d(value)


def test_input_shape_hwc():
    assert arguments.input_shape_hwc((5, 7)) == (5, 7, 1)
    assert arguments.input_shape_hwc([5, 7, 3]) == (5, 7, 3)
    for bad in (28, None, (28, 28, 0), (1, 2, 3, 4)):
        with pytest.raises(ValueError, match="input_shape="):
            arguments.input_shape_hwc(bad)


def test_model_or_layers_refuses_what_is_not_keras(keras):
    conv = keras.layers.Conv2D(1, 3)
    assert arguments.model_or_layers([conv]) == [conv]
    for bad in ("abc", 42, {}, None):
        with pytest.raises(ValueError, match="give a Keras model"):
            arguments.model_or_layers(bad)
    with pytest.raises(ValueError, match=r"model\[1\]=None"):
        arguments.model_or_layers([conv, None])


def test_any_pair_and_nested_padding():
    assert arguments.any_pair(28, [3, 5]) and not arguments.any_pair(28, 3, None)
    assert arguments.is_nested_padding(((0, 1), (2, 3))) and not arguments.is_nested_padding((0, 1))


def test_conv_axis_and_conv_settings_2d():
    assert arguments.conv_axis(np.int64(8), 3, 1, 2) == (8, 3, 1, 2)
    assert arguments.conv_settings_2d((8, 9), [3, 1], 2, 1) == ((8, 9), (3, 1), (2, 2), (1, 1))
    with pytest.raises(ValueError, match="^output=0 is not allowed"):
        arguments.conv_axis(0, 3, 1, 1, size_name="output")
    with pytest.raises(ValueError, match=r"^strides=\(2, 1\) with dilation_rate=\(1, 2\) is not allowed"):
        arguments.conv_settings_2d(8, 3, (2, 1), (1, 2))
    with pytest.raises(ValueError, match="^kernel_size='3' is not allowed: kernel_size must be a positive"):
        arguments.conv_settings_2d(8, "3", 1, 1)


@pytest.mark.parametrize("value", [28, None, (28, 28), (28, 28, 0), (28, 28, 1, 1), (28.0, 28, 1), "28"])
def test_keras_input_shape_refuses_with_the_name_and_value(value):
    with pytest.raises(ValueError, match="^" + re.escape(f"input_shape={value!r} is not allowed")):
        arguments.keras_input_shape(value)


def test_real_number():
    assert arguments.real_number(np.float32(0.5), "bias") == 0.5
    for bad in ([1, 2], "1", None, True, float("nan"), float("inf"), 10**400, 1j, np.array([1.0])):
        with pytest.raises(ValueError, match="^" + re.escape(f"bias={bad!r} is not allowed")):
            arguments.real_number(bad, "bias")


def test_image_array_keeps_the_dtype_and_takes_the_allowed_axes():
    assert arguments.image_array(np.zeros((2, 3, 4), dtype=np.uint8), ndims=(2, 3)).dtype == np.uint8
    with pytest.raises(
        ValueError, match=re.escape("image of shape (2,) is not allowed: give a non-empty 2-D")
    ):
        arguments.image_array([1, 2], ndims=(2, 3))
    with pytest.raises(ValueError, match=re.escape("kernel=[[1, 2], [3]] is not allowed: its rows differ")):
        arguments.image_2d([[1, 2], [3]], "kernel")


def test_int32_refuses_what_tensorflow_cannot_hold():
    arguments.int32(((0, 2**31 - 1), (1, 1)), "padding")
    arguments.int32("same", "padding")
    with pytest.raises(ValueError, match=re.escape(f"padding=((0, {2**31}), 1) is not allowed: TensorFlow")):
        arguments.int32(((0, 2**31), 1), "padding")
