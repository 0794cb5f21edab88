"""content_masks: which pixels of each map carry the input, held against Keras."""

import pytest
from keras import layers

from padstride import keras_influence
from padstride.model.coverage import content_masks
from padstride.model.explain import explain


@pytest.mark.parametrize(
    "padding, kernel, strides",
    [(((0, 1), (2, 0)), 3, 2), ((3, 3), 7, 2), (1, 1, 1), (((2, 2), (0, 3)), 2, 3)],
)
def test_content_is_what_depends_on_the_input_in_keras(padding, kernel, strides):
    stack = [layers.ZeroPadding2D(padding), layers.Conv2D(1, kernel, strides=strides)]
    size = (9, 8)
    trace = explain(stack, size)
    content = content_masks(trace)
    # An output pixel carries the input exactly when some input pixel reaches it.
    reached = keras_influence(stack, input_shape=size).any(axis=(2, 3))
    assert content[trace.outputs[0]].tolist() == reached.tolist()
    assert content[trace[0].outputs[0]].sum() == 9 * 8  # the zeros added carry nothing
