import pytest

from padstride.models import conv_model, mnist_variant
from padstride.tracing import explain


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


def test_the_strided_seed_model_written_out():
    trace = explain(mnist_variant("stride"))
    assert trace[0].arithmetic == (
        "same, stride 2: ceil(28/2) = 14, padding 0 top/left, 1 bottom/right; params 3·3·1·32 + 32"
    )
    assert trace[2].arithmetic.startswith("same, stride 2: ceil(7/2) = 4, padding 1 top/left, 1 bottom/right")
    table = str(trace)
    assert table.splitlines()[0].split() == ["layer", "input", "output", "params", "arithmetic"]
    assert "conv_1 (Conv2D)    28×28×1   14×14×32     320" in table
    assert table.endswith("total params: 85,770")


def test_unsupported_layers_are_named(keras):
    model = keras.Sequential(
        [keras.Input((8, 8, 1)), keras.layers.Conv2D(2, 3), keras.layers.Dropout(0.5, name="drop")]
    )
    with pytest.raises(
        ValueError, match="layer 'drop' is a Dropout, which explain\\(\\) does not support; supported: Conv2D"
    ):
        explain(model)
    first = keras.Sequential(
        [keras.Input((1, 8, 8)), keras.layers.Conv2D(2, 3, data_format="channels_first")]
    )
    with pytest.raises(ValueError, match="supports 'channels_last' only"):
        explain(first)


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


def test_trace_layers_needs_no_built_model(keras):
    from padstride.tracing import trace_layers

    model = mnist_variant("stride")
    fresh = [keras.layers.Conv2D(32, 3, strides=2, padding="same") for _ in range(3)]
    rows = trace_layers(fresh, (28, 28, 1))
    assert [r.output_shape for r in rows] == [r.output_shape for r in explain(model)[:3]]
    assert [(a.pad_before, a.pad_after) for a in rows[0].axes] == [(0, 1), (0, 1)]
    assert not any(layer.built for layer in fresh)
