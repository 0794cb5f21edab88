import numpy as np
import pytest
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st

from padstride.conv.arithmetic import conv_output_size
from padstride.conv.transpose import conv_input_sizes, conv_transpose_output_size, output_padding_for
from padstride.measure.layers import conv_shape, run_layer, transpose_shape
from padstride.runtime import load_keras

sizes = st.integers(1, 12)
kernels = st.integers(1, 5)
strides = st.integers(1, 3)
dilations = st.integers(1, 3)
words = st.sampled_from(["valid", "same"])
output_paddings = st.one_of(st.none(), st.integers(0, 3))


@pytest.mark.parametrize(
    ("args", "kwargs", "expected"),
    [
        ((14, 3), {"strides": 2, "padding": "same"}, 28),
        ((14, 3), {"strides": 2, "padding": "same", "output_padding": 0}, 27),
        ((13, 3), {"strides": 2}, 27),
        ((13, 3), {"strides": 2, "output_padding": 1}, 28),
        ((5, 2), {"strides": 3}, 15),  # kernel shorter than stride: the default fills the gap
        ((5, 3), {"dilation_rate": 2}, 9),
        ((5, 4), {"strides": 2, "padding": "same", "output_padding": 1}, 9),
        ((7, 3), {"padding": "SAME"}, 7),
    ],
)
def test_conv_transpose_output_size_exact(args, kwargs, expected):
    assert conv_transpose_output_size(*args, **kwargs) == expected


def test_pairs_mean_height_and_width():
    assert conv_transpose_output_size((7, 5), (2, 3), strides=(2, 1)) == (14, 7)
    assert conv_transpose_output_size(7, 3, strides=2, padding="same", output_padding=(0, 1)) == (13, 14)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"output_padding": 2, "strides": 2}, "output_padding=2 is not allowed with stride 2"),
        ({"padding": 1}, "padding=1 is not allowed: use 'valid' or 'same'"),
        ({"padding": "full"}, "padding='full' is not allowed"),
        ({"strides": 2, "dilation_rate": 2}, "strides=2 with dilation_rate=2 is not allowed"),
        ({"kernel_size": 0}, "kernel_size=0 is not allowed"),
        ({"output_padding": -1, "strides": 2}, "output_padding=-1 is not allowed"),
        (
            {"kernel_size": 4, "strides": 2, "padding": "same", "output_padding": 0},
            "the output would be (5 − 1)·2 + (4 mod 2) + 0 = 8; Keras builds the layer, but TensorFlow",
        ),
        ({"output_padding": (0, 0, 0)}, "output_padding=(0, 0, 0) is not allowed: give one number or a"),
    ],
)
def test_bad_input_is_named(kwargs, message):
    args = {"size": 5, "kernel_size": 3, **kwargs}
    with pytest.raises(ValueError) as info:
        conv_transpose_output_size(**args)
    assert message in str(info.value)


@given(sizes, kernels, strides, words, output_paddings, dilations)
@example(1, 2, 1, "same", 0, 1)  # Keras' size is 0: TensorFlow returns an empty output (or stops)
@example(5, 4, 2, "same", 0, 1)  # TensorFlow stops when the layer runs
def test_matches_keras_conv2d_transpose(n, k, s, padding, op, d):
    try:
        ours = conv_transpose_output_size(n, k, s, padding, op, d)
    except ValueError:
        ours = None
    keras_shape = transpose_shape((n, n), k, s, padding, op, d)
    # An empty output is no size: we refuse it, and say so (next test).
    assert ours == (None if keras_shape is None or 0 in keras_shape else keras_shape[0])


@pytest.mark.parametrize(("n", "k", "s"), [(1, 2, 1), (1, 4, 2), (1, 2, 3), (2, 2, 2), (5, 4, 2), (3, 2, 3)])
def test_the_refusal_says_what_keras_and_tensorflow_really_do(n, k, s, keras):
    """output_padding=0 with an even kernel and "same": the message says the size Keras
    computes, and whether TensorFlow then returns an empty output or stops with an error."""
    with pytest.raises(ValueError) as info:
        conv_transpose_output_size(n, k, s, "same", output_padding=0)
    message = str(info.value)
    layer = keras.layers.Conv2DTranspose(1, k, strides=s, padding="same", output_padding=0)
    keras_size = layer.compute_output_shape((1, n, n, 1))[1]
    assert f"= {keras_size};" in message
    assert "Keras builds the layer" in message
    try:
        out = run_layer(layer, np.zeros((n, n)))
    except Exception as error:
        assert type(error).__module__.startswith("tensorflow")
        assert "stops with an error" in message or "other kernels stop with an error" in message
    else:
        assert out.shape[:2] == (0, 0)
        assert "TensorFlow returns an empty output, 0 pixels wide" in message
    if keras_size > 0:
        assert "stops with an error when it runs" in message and "empty" not in message


@given(
    st.integers(1, 10**400),
    st.integers(1, 10**20),
    st.integers(1, 10**20),
    words,
)
@example(10**20 + 1, 3, 2, "same")
def test_huge_sizes_transpose_and_come_back_exactly(n, k, s, padding):
    """Integers throughout: at any size, the output_padding found leads back to n."""
    forward = conv_output_size(n, k, s, padding) if padding == "same" or n >= k else None
    assume(forward is not None)
    op = output_padding_for(n, k, s, padding)
    assert conv_transpose_output_size(forward, k, s, padding, op) == n
    assert n in conv_input_sizes(forward, k, s, padding)


@given(sizes, kernels, strides, words, output_paddings, dilations)
def test_a_transposed_size_always_convolves_back(m, k, s, padding, op, d):
    """Transposed, then convolved with the same settings: the size always comes back."""
    try:
        n = conv_transpose_output_size(m, k, s, padding, op, d)
    except ValueError:
        assume(False)
    assert conv_shape((n, n), k, s, padding, d)[0] == m


@settings(max_examples=30)
@given(sizes, kernels, strides, st.sampled_from(["valid", "same", 0, 1, (0, 2)]), dilations)
def test_conv_input_sizes_are_every_size_with_that_output(m, k, s, padding, d):
    assume(s == 1 or d == 1)
    expected = conv_input_sizes(m, k, s, padding, d)
    largest = m * s + (k - 1) * d + 2
    found = [n for n in range(1, largest + 1) if _conv_width(n, k, s, padding, d) == m]
    assert list(expected) == found
    if expected.start > 1:
        assert len(expected) == s  # several sizes share one output: only stride 1 is one-to-one


def _conv_width(n, k, s, padding, d):
    if isinstance(padding, str):
        shape = conv_shape((n, n), k, s, padding, d)
        return None if shape is None else shape[0]
    before, after = (padding, padding) if isinstance(padding, int) else padding
    layers = load_keras().layers
    padded = run_layer(layers.ZeroPadding2D(((before, after), (0, 0))), np.zeros((n, 1)))
    try:
        return run_layer(layers.Conv2D(1, (k, 1), strides=s, dilation_rate=(d, 1)), padded).shape[0]
    except ValueError:
        return None


@given(sizes, kernels, strides, words, dilations)
def test_output_padding_for_leads_back_through_keras(n, k, s, padding, d):
    assume(s == 1 or d == 1)
    forward = conv_shape((n, n), k, s, padding, d)
    assume(forward is not None)
    op = output_padding_for(n, k, s, padding, d)
    assert transpose_shape(forward, k, s, padding, op, d)[0] == n
    assert conv_output_size(n, k, s, padding, d) == forward[0]


def test_an_array_as_padding_is_named_not_ambiguous():
    import numpy as np

    from padstride.conv.arithmetic import pool_output_size
    from padstride.conv.transpose import conv_transpose_output_size, output_padding_for

    for call in (
        lambda: pool_output_size(8, 2, padding=np.array([3, 3])),
        lambda: conv_transpose_output_size(8, 3, padding=np.array([3, 3])),
        lambda: output_padding_for(8, 3, padding=np.array([3, 3])),
    ):
        with pytest.raises(
            ValueError, match=r"padding=array\(\[3, 3\]\) is not allowed: use 'valid' or 'same'"
        ):
            call()
