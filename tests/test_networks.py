import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest

from padstride.demo.models import mnist_variant
from padstride.plots import draw_feature_map_sizes, draw_pipeline, feature_map_sizes
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
