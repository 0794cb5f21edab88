import csv
import io
import warnings

import pytest
from hypothesis import given, settings

from padstride.demo.models import conv_model, mnist_variant
from padstride.model.explain import explain
from tests.layer_stacks import build_graph, graphs


def keras_shapes(model):
    return [tuple(layer.output.shape[1:]) for layer in model.layers]


def models(keras):
    layers = keras.layers
    yield from (mnist_variant(v) for v in ("valid", "same", "stride"))
    yield conv_model(padding=((0, 1), (2, 0)), strides=(2, 1), kernel_size=(3, 4))
    yield keras.Sequential(
        [
            keras.Input((17, 9, 3)),
            layers.MaxPooling2D(2, padding="same"),
            layers.AveragePooling2D(3, strides=(2, 1)),
            layers.Conv2D(4, (2, 3), padding="same", use_bias=False, dilation_rate=(1, 2)),
            layers.ZeroPadding2D(((1, 0), (0, 2))),
            layers.Flatten(),
            layers.Dense(5, use_bias=False),
        ]
    )


def test_shapes_and_params_equal_keras(keras):
    for model in models(keras):
        trace = explain(model)
        assert [row.output_shape for row in trace] == keras_shapes(model)
        assert [row.params for row in trace] == [layer.count_params() for layer in model.layers]
        assert trace[0].input_shape == tuple(model.inputs[0].shape[1:])


@settings(max_examples=30)
@given(graphs())
def test_random_graphs_equal_keras_call_by_call(spec):
    built = build_graph(spec)
    rows = {row.name: row for row in explain(built.model)}
    assert len(rows) == len(built.made)
    for index, (layer, _, tensor) in enumerate(built.made):
        row = rows[built.label(index)]
        assert row.output_shape == tuple(tensor.shape[1:])
        assert row.params == layer.count_params()
    assert explain(built.model).params == built.model.count_params()


def test_two_branches_from_one_input(keras):
    # Once read as one chain: branch_b 26×26×8 → 22×22×4 with 804 parameters (total 884).
    layers = keras.layers
    image = keras.Input((28, 28, 1), name="image")
    a = layers.Conv2D(8, 3, name="branch_a")(image)
    b = layers.Conv2D(4, 5, name="branch_b")(image)
    model = keras.Model(image, [a, b])
    trace = explain(model)
    branch_b = trace[1]
    assert (branch_b.name, branch_b.input_shape, branch_b.output_shape) == (
        "branch_b",
        (28, 28, 1),
        (24, 24, 4),
    )
    assert (branch_b.params, trace.params) == (104, 184) == (model.get_layer("branch_b").count_params(), 184)
    assert branch_b.inbound == ("image",)
    assert "from image; valid, stride 1: floor((28 − 5)/1) + 1 = 24" in str(trace)


def test_one_layer_called_twice(keras):
    # Once read as one chain: one row, output 26×26, Flatten 5408.
    layers = keras.layers
    image = keras.Input((28, 28, 8), name="image")
    conv = layers.Conv2D(8, 3, name="conv")
    model = keras.Model(image, layers.Flatten(name="flat")(conv(conv(image))))
    trace = explain(model)
    assert [(row.name, row.output_shape) for row in trace] == [
        ("conv (call 1)", (26, 26, 8)),
        ("conv (call 2)", (24, 24, 8)),
        ("flat", (4608,)),
    ]
    assert trace[-1].output_shape == tuple(model.outputs[0].shape[1:])
    assert trace.params == model.count_params() == 3 * 3 * 8 * 8 + 8  # one layer, counted once
    assert trace.flops == 2 * 3 * 3 * 8 * (26 * 26 * 8 + 24 * 24 * 8)  # two calls, both computed
    assert "conv (Conv2D, call 2)" in trace.table()


def test_models_inside_models_equal_keras(keras):
    layers = keras.layers
    inner_in = keras.Input((None, None, 2))
    inner = keras.Model(
        inner_in, layers.Conv2D(3, 3, strides=2, padding="same", name="c")(inner_in), name="inner"
    )
    block = keras.Sequential([layers.ZeroPadding2D(1, name="p"), layers.Conv2D(2, 1, name="q")], name="block")
    image = keras.Input((11, 10, 2), name="image")
    a = inner(image)
    b = inner(block(image))
    model = keras.Model(
        image, [a, b, layers.Add(name="sum")([a, layers.Cropping2D(((1, 0), (1, 0)), name="crop")(b)])]
    )
    rows = {row.name: row for row in explain(model)}
    assert rows["inner (call 1)/c"].output_shape == tuple(a.shape[1:])
    assert rows["inner (call 2)/c"].output_shape == tuple(b.shape[1:])
    assert rows["inner (call 2)/c"].inbound == ("block/q",)
    assert rows["sum"].output_shape == tuple(model.outputs[2].shape[1:])
    assert explain(model).params == model.count_params()


def test_the_strided_seed_model_written_out():
    trace = explain(mnist_variant("stride"))
    assert trace[0].arithmetic == (
        "same, stride 2: ceil(28/2) = 14, padding 0 top/left, 1 bottom/right; params 3·3·1·32 + 32"
    )
    assert trace[2].arithmetic.startswith("same, stride 2: ceil(7/2) = 4, padding 1 top/left, 1 bottom/right")
    lines = str(trace).splitlines()
    assert lines[0].split() == ["layer", "input", "output", "params", "FLOPs", "(2×MACs)"]
    assert lines[2].split() == ["conv_1", "(Conv2D)", "28×28×1", "14×14×32", "320", "112,896"]
    assert lines[3] == "    " + trace[0].arithmetic
    assert lines[-2] == "total params: 85,770"
    assert lines[-1].startswith(f"total FLOPs per image: {trace.flops:,} (2 per multiply-add")
    assert not any(line.lstrip().startswith("from ") for line in lines)  # one path: no "from" notes


def test_tables_fit_100_columns(keras):
    layers = keras.layers
    image = keras.Input((64, 64, 3), name="an_input_with_a_rather_long_name")
    x = layers.Conv2D(16, 3, strides=2, padding="same", name="a_convolution_with_a_long_name")(image)
    y = layers.DepthwiseConv2D(3, padding="same", name="depthwise_convolution_with_a_long_name")(x)
    z = layers.Concatenate(name="join")([x, y, x, y])
    trace = explain(keras.Model(image, z))
    assert max(len(line) for line in str(trace).splitlines()) <= 100
    assert "    from a_convolution_with_a_long_name, depthwise_convolution_with_a_long_name," in str(trace)


def test_csv_has_a_line_per_call(keras):
    trace = explain(mnist_variant("same"))
    rows = list(csv.DictReader(io.StringIO(trace.to_csv())))
    assert [r["layer"] for r in rows] == [row.name for row in trace]
    assert sum(int(r["params"]) for r in rows) == trace.params
    assert rows[0]["input_shapes"] == "28x28x1" and rows[0]["output_shape"] == "28x28x32"
    assert rows[0]["arithmetic"] == trace[0].arithmetic


def test_unsupported_layers_are_named(keras):
    model = keras.Sequential(
        [keras.Input((8, 8, 1)), keras.layers.Conv2D(2, 3), keras.layers.GaussianNoise(0.5, name="noise")]
    )
    with pytest.raises(
        ValueError, match="layer 'noise' is a GaussianNoise, which is not supported; supported: Conv2D"
    ):
        explain(model)
    first = keras.Sequential(
        [keras.Input((1, 8, 8)), keras.layers.Conv2D(2, 3, data_format="channels_first")]
    )
    with pytest.raises(ValueError, match="only 'channels_last' is supported"):
        explain(first)
    image = keras.Input((8, 8, 1))
    with_ops = keras.Model(image, keras.ops.add(image, image))
    with pytest.raises(ValueError, match="is keras.ops.Add, an operation rather than a layer"):
        explain(with_ops)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (None, "model=None is not allowed"),
        ([1, 2], r"model\[0\]=1 is not allowed: a list of layers holds Keras layers only"),
        ("abc", "model='abc' is not allowed"),
    ],
)
def test_what_is_not_a_model_is_named(value, message):
    with pytest.raises(ValueError, match=message):
        explain(value)


def test_sizes_must_be_known(keras):
    with pytest.raises(ValueError, match="has no input shape yet"):
        explain(keras.Sequential([keras.layers.Conv2D(1, 3)]))
    image = keras.Input((None, None, 1), name="image")
    model = keras.Model(image, keras.layers.Conv2D(1, 3)(image))
    with pytest.raises(
        ValueError, match="model input 'image' has shape \\?×\\?×1: its height and width must be known"
    ):
        explain(model)
    assert explain(model, input_shape=(10, 12))[0].output_shape == (8, 10, 1)


def test_flops_by_hand(keras):
    # 4×4×1 input, Conv2D 2 filters 3×3 valid → 2×2×2; Flatten 8; Dense 3.
    model = keras.Sequential(
        [keras.Input((4, 4, 1)), keras.layers.Conv2D(2, 3), keras.layers.Flatten(), keras.layers.Dense(3)]
    )
    trace = explain(model)
    assert [row.flops for row in trace] == [2 * (3 * 3 * 1) * (2 * 2 * 2), 0, 2 * 8 * 3]
    assert trace.flops == 144 + 48
    # the strided seed model: 14·14·32·9·1 + 7·7·32·9·32 + 4·4·32·9·32 + 512·128 + 128·10 multiply-adds
    macs = 14 * 14 * 32 * 9 + 7 * 7 * 32 * 288 + 4 * 4 * 32 * 288 + 512 * 128 + 128 * 10
    assert explain(mnist_variant("stride")).flops == 2 * macs


def test_a_list_of_layers_needs_no_built_model(keras):
    model = mnist_variant("stride")
    fresh = [keras.layers.Conv2D(32, 3, strides=2, padding="same") for _ in range(3)]
    rows = explain(fresh, input_shape=(28, 28, 1))
    assert [r.output_shape for r in rows] == [r.output_shape for r in explain(model)[:3]]
    assert [(a.pad_before, a.pad_after) for a in rows[0].axes] == [(0, 1), (0, 1)]
    assert not any(layer.built for layer in fresh)


APPLICATIONS = ["VGG16", "ResNet50", "MobileNetV2", "DenseNet121", "InceptionV3", "EfficientNetB0"]


@pytest.mark.slow
@pytest.mark.parametrize("name", APPLICATIONS)
@pytest.mark.parametrize("size", [None, 227])
def test_keras_applications_layer_by_layer(keras, name, size):
    """Every layer's output shape and parameters, and the total, as Keras builds them; at the
    default size and at 227, where correct_pad puts its odd zero first."""
    options = {} if size is None else {"input_shape": (size, size, 3), "include_top": False}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = getattr(keras.applications, name)(weights=None, **options)
    trace = explain(model)
    assert [row.name for row in trace] == [layer.name for layer in model.layers[1:]]
    assert [row.output_shape for row in trace] == keras_shapes(model)[1:]
    assert [row.params for row in trace] == [layer.count_params() for layer in model.layers[1:]]
    assert trace.params == model.count_params()
    assert max(len(line) for line in str(trace).splitlines()) <= 100
    keras.utils.clear_session()


def test_a_layer_built_for_another_input_is_refused_not_miscounted(keras):
    import numpy as np

    from padstride import receptive_field

    conv = keras.layers.Conv2D(2, 3, name="conv")
    conv.build((None, 8, 8, 3))
    with pytest.raises(ValueError):  # Keras cannot run it on one channel either
        conv(np.zeros((1, 8, 8, 1), "float32"))
    for function in (explain, receptive_field):
        with pytest.raises(ValueError, match="'conv' was built for another input: it holds 56 parameters"):
            function([conv], input_shape=(8, 8, 1))
    assert explain([conv], input_shape=(8, 8, 3)).params == conv.count_params() == 56
    dense = keras.layers.Dense(4)
    dense.build((None, 10))
    with pytest.raises(ValueError, match="holds 44 parameters, and an input of 16 needs 68"):
        explain([keras.layers.Flatten(), dense], input_shape=(4, 4, 1))


def test_rows_give_the_size_formula_and_the_zeros_as_fields(keras):
    from padstride.conv.arithmetic import describe_conv, same_padding

    layers = keras.layers
    model = keras.Sequential(
        [
            keras.Input((9, 8, 1)),
            layers.ZeroPadding2D(((0, 1), (2, 3)), name="pad"),
            layers.Conv2D(2, 3, strides=2, padding="same", name="conv"),
            layers.MaxPooling2D(2, name="pool"),
            layers.Flatten(name="flat"),
        ]
    )
    pad, conv, pool, flat = explain(model)
    assert pad.padding == model.get_layer("pad").padding == ((0, 1), (2, 3))
    assert conv.padding == same_padding((10, 13), 3, strides=2)
    assert pool.padding == ((0, 0), (0, 0)) and flat.padding is None
    assert conv.formula == describe_conv((10, 13), 3, strides=2, padding="same")
    assert pad.formula == "9 + 0 + 1 = 10 rows, 8 + 2 + 3 = 13 columns"
    for row in (pad, conv, pool):
        assert row.arithmetic.startswith(row.formula) and "params" not in row.formula
    assert flat.formula == ""
