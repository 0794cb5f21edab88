import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from padstride.arithmetic import same_padding
from padstride.probes import keras_influence, keras_same_padding
from tests.keras_oracle import jacobian_pattern
from tests.layer_stacks import build, stacks


@settings(max_examples=30)
@given(st.integers(1, 12), st.integers(1, 5), st.integers(1, 3), st.integers(1, 2))
def test_measured_same_split_equals_the_arithmetic(n, k, s, d):
    assume(s == 1 or d == 1)
    assert keras_same_padding(n, k, s, d) == same_padding(n, k, s, d)


def test_influence_by_hand(keras):
    layers = keras.layers
    seen = keras_influence([layers.Conv2D(3, 3, padding="same")], (5, 5))
    expected = np.zeros((5, 5), bool)
    expected[:2, :2] = True  # the corner output reads a 2×2 corner; the rest is padding
    assert (seen[0, 0] == expected).all()
    dilated = keras_influence([layers.Conv2D(1, 2, dilation_rate=2)], (4, 4))
    assert sorted(zip(*np.nonzero(dilated[0, 0]))) == [(0, 0), (0, 2), (2, 0), (2, 2)]
    pooled = keras_influence([layers.MaxPooling2D(2)], (5, 5))
    assert pooled.shape == (2, 2, 5, 5) and not pooled[..., 4, :].any()


@settings(max_examples=30)
@given(stacks(with_max_pooling=False), st.integers(5, 12))
def test_influence_matches_the_gradients(specs, size):
    layers = build(specs)
    try:
        seen = keras_influence(layers, (size, size))
    except ValueError:
        assume(False)
    assert (seen == jacobian_pattern(layers, (size, size))).all()


def test_unsupported_layers_are_named(keras):
    with pytest.raises(ValueError, match="is a Dropout"):
        keras_influence([keras.layers.Dropout(0.5)], (4, 4))
    with pytest.raises(ValueError, match="input_shape=None is not allowed"):
        keras_influence([keras.layers.Conv2D(1, 3)])
