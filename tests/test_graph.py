import pytest
from hypothesis import given, settings

from padstride.demo.models import mnist_variant
from padstride.model.graph import walk
from tests.layer_stacks import build_graph, graphs


def test_a_sequential_model_is_one_path(keras):
    graph = walk(mnist_variant("valid"))
    assert graph.chain
    assert [call.label for call in graph.calls] == [layer.name for layer in mnist_variant("valid").layers]
    assert graph.inputs[0].shape == (28, 28, 1)


@settings(max_examples=25)
@given(graphs())
def test_every_call_once_after_what_it_reads(spec):
    built = build_graph(spec)
    graph = walk(built.model)
    labels = [call.label for call in graph.calls]
    assert sorted(labels) == sorted(built.label(i) for i in range(len(built.made)))
    written = {graph.inputs[0].key}
    for call in graph.calls:
        assert set(call.inputs) <= written  # it reads only what was written before
        written |= set(call.outputs)
    # the model's outputs are the made tensors, in order: their producers' labels
    producer = {key: call.label for call in graph.calls for key in call.outputs}
    assert [producer[key] for key in graph.outputs] == [built.label(i) for i in range(len(built.made))]


def test_a_layer_called_twice_is_two_calls(keras):
    layers = keras.layers
    image = keras.Input((28, 28, 8), name="image")
    conv = layers.Conv2D(8, 3, name="conv")
    model = keras.Model(image, layers.Flatten(name="flat")(conv(conv(image))))
    graph = walk(model)
    assert [(c.label, c.inbound) for c in graph.calls] == [
        ("conv (call 1)", ("image",)),
        ("conv (call 2)", ("conv (call 1)",)),
        ("flat", ("conv (call 2)",)),
    ]
    assert graph.chain


def test_models_inside_models_are_walked_into(keras):
    layers = keras.layers
    inner_in = keras.Input((None, None, 2))
    inner = keras.Model(inner_in, layers.Conv2D(3, 3, name="c")(inner_in), name="inner")
    block = keras.Sequential([layers.ZeroPadding2D(1, name="p"), layers.Conv2D(2, 1, name="q")], name="block")
    image = keras.Input((10, 10, 2), name="image")
    a = inner(image)
    b = inner(block(image))
    model = keras.Model(image, [a, b])
    graph = walk(model)
    labels = [c.label for c in graph.calls]
    assert sorted(labels) == ["block/p", "block/q", "inner (call 1)/c", "inner (call 2)/c"]
    assert labels.index("block/q") < labels.index("inner (call 2)/c")
    second = graph.calls[labels.index("inner (call 2)/c")]
    assert second.inbound == ("block/q",)
    producer = {key: call.label for call in graph.calls for key in call.outputs}
    assert [producer[k] for k in graph.outputs] == ["inner (call 1)/c", "inner (call 2)/c"]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (None, "model=None is not allowed: give a Keras model, or a list of Keras layers"),
        ("abc", "model='abc' is not allowed"),
        (42, "model=42 is not allowed"),
        ({}, "model={} is not allowed"),
    ],
)
def test_what_is_not_a_model_is_named(value, message):
    with pytest.raises(ValueError, match=message):
        walk(value)


def test_lists_hold_layers_and_need_a_size(keras):
    conv = keras.layers.Conv2D(1, 3)
    with pytest.raises(
        ValueError, match=r"model\[1\]=None is not allowed: a list of layers holds Keras layers"
    ):
        walk([conv, None], input_shape=(8, 8))
    with pytest.raises(ValueError, match="input_shape=None is not allowed with a list of layers"):
        walk([conv])


def test_sizes_must_be_known(keras):
    layers = keras.layers
    unbuilt = keras.Sequential([layers.Conv2D(1, 3)])
    with pytest.raises(ValueError, match="has no input shape yet: give input_shape="):
        walk(unbuilt)
    assert walk(unbuilt, input_shape=(8, 8)).inputs[0].shape == (8, 8, 1)
    image = keras.Input((None, None, 1), name="any_size")
    open_model = keras.Model(image, layers.Conv2D(1, 3)(image))
    with pytest.raises(
        ValueError, match="'any_size' has shape \\?×\\?×1: its height and width must be known"
    ):
        walk(open_model)
    assert walk(open_model, input_shape=(9, 7)).inputs[0].shape == (9, 7, 1)
    wide = keras.Input((12, None, 1), name="wide")
    with pytest.raises(ValueError, match="its width must be known"):
        walk(keras.Model(wide, layers.Conv2D(1, 3)(wide)))
    with pytest.raises(ValueError, match="is built for 28×28×1 inputs \\(height 28\\)"):
        walk(mnist_variant("valid"), input_shape=(30, 30))


def test_subclassed_models_are_refused(keras):
    class Mine(keras.Model):
        def call(self, x):
            return x

    with pytest.raises(ValueError, match="is a subclassed Mine, whose call\\(\\) is Python code"):
        walk(Mine())
