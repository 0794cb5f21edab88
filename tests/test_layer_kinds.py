"""The table of layer kinds agrees with what the shape rules and Keras do."""

import pytest
from keras import layers

from padstride import explain
from padstride.keras.layer_kinds import (
    ALONG_AN_AXIS,
    CONVOLUTIONS,
    GLOBAL_POOLING,
    JOIN_LAYERS,
    MOVES_PIXELS,
    POINTWISE,
    SUPPORTED_LAYERS,
    acts_per_pixel,
)

ONE_INPUT = {
    "Conv2D": layers.Conv2D(2, 3),
    "DepthwiseConv2D": layers.DepthwiseConv2D(3),
    "SeparableConv2D": layers.SeparableConv2D(2, 3),
    "MaxPooling2D": layers.MaxPooling2D(2),
    "AveragePooling2D": layers.AveragePooling2D(2),
    "ZeroPadding2D": layers.ZeroPadding2D(1),
    "Cropping2D": layers.Cropping2D(1),
    "Conv2DTranspose": layers.Conv2DTranspose(2, 3),
    "UpSampling2D": layers.UpSampling2D(),
    "BatchNormalization": layers.BatchNormalization(),
    "Activation": layers.Activation("relu"),
    "Dense": layers.Dense(2),
    "GlobalAveragePooling2D": layers.GlobalAveragePooling2D(),
}


def test_every_group_is_supported():
    for group in (CONVOLUTIONS, MOVES_PIXELS, POINTWISE, ALONG_AN_AXIS, GLOBAL_POOLING, JOIN_LAYERS):
        assert set(group) <= set(SUPPORTED_LAYERS)


@pytest.mark.parametrize("kind", sorted(ONE_INPUT))
def test_the_layers_with_an_arithmetic_per_axis_are_those_that_move_pixels(kind):
    (row,) = explain([ONE_INPUT[kind]], input_shape=(8, 8, 3))
    assert (row.axes is not None) == (kind in MOVES_PIXELS)


def test_normalising_along_the_channels_acts_per_pixel():
    assert acts_per_pixel("Softmax", {"axis": -1}, 3)
    assert acts_per_pixel("LayerNormalization", {"axis": [3]}, 3)
    assert not acts_per_pixel("LayerNormalization", {"axis": [1, 2]}, 3)
    assert not acts_per_pixel("Conv2D", {}, 3)
    with pytest.raises(ValueError, match="axis 4 is not an axis of a 4-dimensional input"):
        acts_per_pixel("Softmax", {"axis": 4}, 3, "soft")
