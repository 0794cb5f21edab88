import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest

from padstride.demo.models import mnist_variant
from padstride.plots import alt_text, draw_feature_map_sizes, draw_pipeline, feature_map_sizes
from tests.picture_checks import assert_legible


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def models(keras):
    return [mnist_variant(v) for v in ("valid", "same", "stride")]


def test_the_numbers_drawn_are_keras_shapes_and_parameter_counts(models):
    fig = draw_feature_map_sizes(models)
    texts = {t.get_gid(): t.get_text() for ax in fig.axes for t in ax.texts if t.get_gid()}
    squares = {p.get_gid(): p for ax in fig.axes for p in ax.patches if p.get_gid()}
    for model, ax in zip(models, fig.axes):
        assert ax.get_title(loc="left") == f"{model.name}: {model.count_params():,} parameters"
        for layer in model.layers:
            shape = tuple(layer.output.shape[1:])
            params = layer.count_params()
            if len(shape) == 3:
                h, w, c = shape
                assert texts[f"shape-{model.name}-{layer.name}"] == f"{h}×{w}×{c}"
                assert texts[f"params-{model.name}-{layer.name}"] == f"{params:,} params"
                square = squares[f"map-{model.name}-{layer.name}"]
                assert (square.get_width(), square.get_height()) == (w, h)  # drawn to scale
            else:
                line = texts[f"params-{model.name}-{layer.name}"]
                assert line.startswith(f"{layer.name} {shape[0]:,}: ")
                assert line.endswith(f"{params:,} params" if params else "no weights")
    sizes = [[w for _, (h, w, *_), _ in feature_map_sizes(m)[:4]] for m in models]
    assert sizes == [[28, 26, 24, 22], [28, 28, 28, 28], [28, 14, 7, 4]]
    assert_legible(fig)


def test_one_model_and_bad_input(models):
    fig = draw_feature_map_sizes(models[2])
    assert len(fig.axes) == 1
    with pytest.raises(ValueError, match="give a Keras model or a non-empty list"):
        draw_feature_map_sizes([])
    with pytest.raises(ValueError, match="is not allowed: give a Keras model"):
        feature_map_sizes("valid")


def test_draw_pipeline_shows_what_keras_computes(keras):
    from padstride.demo.filters import pipeline_trace

    digit = np.zeros((28, 28))
    digit[4:24, 13:15] = 1.0
    fig = draw_pipeline(digit)
    titles = [ax.get_title() for ax in fig.axes]
    assert [t.splitlines()[-1] for t in titles] == ["28×28×1", "30×30×1", "14×14×1"]
    trace = pipeline_trace(digit)
    for ax, key in zip(fig.axes, ("input", "padded", "feature_map")):
        (image,) = ax.get_images()
        np.testing.assert_allclose(image.get_array(), trace[key], atol=1e-6)
    assert fig.get_suptitle().endswith("⌊(30 − 3)/2⌋ + 1 = 14")
    assert_legible(fig)
    with pytest.raises(ValueError, match=r"digit of shape \(28,\) is not allowed"):
        draw_pipeline(np.zeros(28))


def test_feature_map_sizes_alt_states_keras_shapes_and_parameter_counts(models):
    alt = alt_text(draw_feature_map_sizes(models))
    assert alt.startswith("Feature maps drawn to scale, one row per model. ")
    for model in models:
        part = alt.split(f"{model.name}, ", 1)[1]
        assert part.startswith(f"{model.count_params():,} parameters: input 28×28×1 → ")
        for layer in model.layers:
            shape, params = tuple(layer.output.shape[1:]), layer.count_params()
            size = "×".join(f"{d:,}" for d in shape) if len(shape) == 1 else "×".join(map(str, shape))
            weights = f"{params:,} params" if params else "no weights"
            assert f"{layer.name} {size} ({weights})" in part.split(". ")[0]


def test_draw_pipeline_alt_states_keras_sizes_and_range(keras):
    from padstride.demo.filters import VERTICAL_LINE_DETECTOR
    from padstride.measure.layers import conv_map, zero_pad

    digit = np.random.default_rng(1).random((28, 28))
    alt = alt_text(draw_pipeline(digit))
    padded = zero_pad(digit, 1)
    feature_map = conv_map(padded, VERTICAL_LINE_DETECTOR, "valid", strides=2)
    assert alt.startswith("Three panels: the 28×28 digit; ")
    assert f"zeros around it, {padded.shape[0]}×{padded.shape[1]};" in alt
    assert f"the {feature_map.shape[0]}×{feature_map.shape[1]} feature map" in alt
    assert f"values from {feature_map.min():.3g} to {feature_map.max():.3g}." in alt
