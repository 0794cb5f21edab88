import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest

from padstride.demo.models import mnist_variant
from padstride.plots import alt_text, draw_maps_to_scale, maps_to_scale_alt
from tests.picture_checks import assert_legible


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def rows(keras):
    """One digit-like image through the three MNIST models, each convolution's output as
    Keras computes it (the mean of its channels)."""
    keras.utils.set_random_seed(0)
    image = np.zeros((1, 28, 28, 1), "float32")
    image[0, 5:23, 12:16, 0] = 1.0
    found = {}
    for model in (mnist_variant(v) for v in ("valid", "same", "stride")):
        convs = [model.get_layer(f"conv_{i}") for i in (1, 2, 3)]
        probe = keras.Model(model.inputs[0], [conv.output for conv in convs])
        maps = [np.asarray(m)[0].mean(axis=-1) for m in probe(image)]
        found[model.name] = {"input": image[0, :, :, 0]} | {c.name: m for c, m in zip(convs, maps)}
    return found


def test_every_map_is_drawn_at_its_keras_size_with_its_values(rows):
    fig = draw_maps_to_scale(rows)
    assert [ax.get_title(loc="left") for ax in fig.axes] == ["valid", "same", "same_stride2"]
    sizes = {}
    for ax, (name, maps) in zip(fig.axes, rows.items()):
        images = {image.get_gid(): image for image in ax.get_images()}
        labels = {text.get_gid(): text.get_text() for text in ax.texts}
        for label, array in maps.items():
            image = images[f"map-{name}-{label}"]
            left, right, bottom, top = image.get_extent()
            assert (right - left, bottom - top) == pytest.approx(array.shape[::-1])  # one unit per pixel
            np.testing.assert_array_equal(image.get_array(), array)
            assert labels[f"label-{name}-{label}"] == f"{label}\n{array.shape[0]}×{array.shape[1]}"
        sizes[name] = [maps[f"conv_{i}"].shape[0] for i in (1, 2, 3)]
    assert sizes == {"valid": [26, 24, 22], "same": [28, 28, 28], "same_stride2": [14, 7, 4]}
    assert_legible(fig)


def test_all_rows_share_one_scale(rows):
    fig = draw_maps_to_scale(rows)
    spans = {(ax.get_xlim(), ax.get_ylim()) for ax in fig.axes}
    assert len(spans) == 1  # the same window on every row, so equal sizes look equal
    strided = fig.axes[2].get_images()
    centres = [(left + right) / 2 for left, right, *_ in (i.get_extent() for i in strided)]
    firsts = [(left + right) / 2 for left, right, *_ in (i.get_extent() for i in fig.axes[0].get_images())]
    assert centres == firsts  # the maps of every row sit in the same slots


def test_the_alt_text_says_every_size_drawn(rows):
    alt = maps_to_scale_alt(rows)
    assert alt.startswith("Feature maps drawn to one scale, one unit per pixel")
    assert "valid: input 28×28, conv_1 26×26, conv_2 24×24, conv_3 22×22." in alt
    assert "same: input 28×28, conv_1 28×28, conv_2 28×28, conv_3 28×28." in alt
    assert "same_stride2: input 28×28, conv_1 14×14, conv_2 7×7, conv_3 4×4." in alt
    assert alt_text(draw_maps_to_scale(rows)) == alt  # the picture carries it when shown


@pytest.mark.parametrize(
    "bad, message",
    [
        ({}, r"rows=\{\} is not allowed: give a dict"),
        ([np.eye(3)], "rows as a list is not allowed: give a dict"),
        ({"a": {}}, r"rows\['a'\] is not allowed: give a non-empty dict"),
        ({"a": np.eye(3)}, r"rows\['a'\] is not allowed: give a non-empty dict"),
        ({"a": {"m": np.zeros(3)}}, r"rows\['a'\]\['m'\]"),
    ],
)
def test_bad_rows_are_refused_in_one_line(bad, message):
    for function in (draw_maps_to_scale, maps_to_scale_alt):
        with pytest.raises(ValueError, match=message) as error:
            function(bad)
        assert "\n" not in str(error.value)
