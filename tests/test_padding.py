import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from padstride.conv.padding import PAD_MODES, pad


def test_each_mode_on_one_row():
    row = np.array([[1, 2, 3]])
    sides = ((0, 0), (2, 2))
    assert pad(row, sides, "zeros").tolist() == [[0, 0, 1, 2, 3, 0, 0]]
    assert pad(row, sides, "reflect").tolist() == [[3, 2, 1, 2, 3, 2, 1]]
    assert pad(row, sides, "symmetric").tolist() == [[2, 1, 1, 2, 3, 3, 2]]
    assert pad(row, sides, "replicate").tolist() == [[1, 1, 1, 2, 3, 3, 3]]


def test_forms_of_padding_and_channels():
    image = np.arange(12, dtype="float32").reshape(3, 4)
    assert pad(image, 1).shape == (5, 6)
    assert pad(image, (0, 2)).shape == (3, 8)  # (height, width), as ZeroPadding2D reads it
    assert pad(image, ((1, 0), (0, 3)), "replicate").shape == (4, 7)
    rgb = np.stack([image, -image], axis=-1)
    padded = pad(rgb, 1, "reflect")
    assert padded.shape == (5, 6, 2) and padded.dtype == rgb.dtype
    assert (padded[..., 1] == -padded[..., 0]).all()  # channels are padded alike, never mixed


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((np.ones((3, 3)), 3, "reflect"), "reflect padding of 3 is not allowed on a height of 3 pixels"),
        (
            (np.ones((3, 3)), ((0, 0), (0, 4)), "symmetric"),
            "symmetric padding of 4 is not allowed on a width",
        ),
        ((np.ones((3, 3)), 1, "edge"), "mode='edge' is not allowed: use one of 'zeros', 'reflect'"),
        ((np.ones((3, 3)), "same", "zeros"), "padding='same' is not allowed: give pixel counts"),
        ((np.ones((3, 3)), -1, "zeros"), "padding=-1 is not allowed"),
        ((np.ones(3), 1, "zeros"), "image of shape (3,) is not allowed: give a non-empty 2-D array"),
        ((np.ones((0, 3)), 1, "zeros"), "image of shape (0, 3) is not allowed"),
        # NumPy would say "inhomogeneous shape"; the argument and its value are named instead
        (([[1, 2], [3]], 1, "zeros"), "image=[[1, 2], [3]] is not allowed: its rows differ in length"),
        (([["a", "b"]], 1, "zeros"), "image=[['a', 'b']] is not allowed: its dtype is <U1; give numbers"),
        (
            (np.ones((2, 2)) * 1j, 1, "zeros"),
            "image=<complex128 array of shape (2, 2)> is not allowed: it is",
        ),
        ((np.ones((3, 3)), (1, 2, 3), "zeros"), "padding=(1, 2, 3) is not allowed"),
    ],
)
def test_bad_input_is_named(args, message):
    with pytest.raises(ValueError) as info:
        pad(*args)
    assert message in str(info.value)


# --- against TensorFlow ---------------------------------------------------------------------

TF_MODE = {"zeros": "CONSTANT", "reflect": "REFLECT", "symmetric": "SYMMETRIC"}


@st.composite
def padded_images(draw):
    h, w = draw(st.integers(1, 6)), draw(st.integers(1, 6))
    image = np.arange(1, h * w + 1, dtype="float32").reshape(h, w) * draw(st.sampled_from([1.0, -0.5]))
    sides = tuple(tuple(draw(st.integers(0, 7)) for _ in range(2)) for _ in range(2))
    return image, sides


@given(padded_images(), st.sampled_from(PAD_MODES))
def test_matches_tf_pad_and_refuses_what_it_refuses(case, mode):
    import tensorflow as tf

    image, sides = case
    try:
        ours = pad(image, sides, mode)
    except ValueError:
        ours = None
    if mode == "replicate":
        # no tf.pad mode: gather with indices clamped to the edge
        rows = tf.clip_by_value(tf.range(-sides[0][0], image.shape[0] + sides[0][1]), 0, image.shape[0] - 1)
        cols = tf.clip_by_value(tf.range(-sides[1][0], image.shape[1] + sides[1][1]), 0, image.shape[1] - 1)
        expected = tf.gather(tf.gather(image, rows, axis=0), cols, axis=1).numpy()
    else:
        try:
            expected = tf.pad(image, sides, TF_MODE[mode]).numpy()
        except tf.errors.InvalidArgumentError:
            expected = None
    if expected is None:
        assert ours is None
    else:
        np.testing.assert_array_equal(ours, expected)


@given(padded_images(), st.sampled_from(["zeros", "reflect", "symmetric"]))
def test_matches_keras_ops_pad_on_a_batch_of_channels(case, mode):
    from padstride.runtime import load_keras

    image, sides = case
    rgb = np.stack([image, image * 2], axis=-1)
    try:
        ours = pad(rgb, sides, mode)
    except ValueError:
        ours = None
    assume(ours is not None)  # tf.pad's refusal is covered above
    word = "constant" if mode == "zeros" else mode
    expected = load_keras().ops.pad(rgb[None], ((0, 0), *sides, (0, 0)), mode=word)
    np.testing.assert_array_equal(ours, np.asarray(expected)[0])
