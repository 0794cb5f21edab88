import matplotlib

matplotlib.use("Agg")

import re

import matplotlib.pyplot as plt
import pytest

from padstride.demo.models import mnist_variant
from padstride.measure.probes import keras_influence
from padstride.model.receptive import receptive_field
from padstride.pictures.fields import nearest_pixel
from padstride.plots import alt_text, draw_receptive_field
from tests.picture_checks import assert_legible


def test_receptive_field_squares_nest_and_are_what_keras_reads(keras):
    model = mnist_variant("stride")
    fig = draw_receptive_field(model)
    squares = [p for p in fig.axes[0].patches if p.get_gid().startswith("field-")]
    rows = receptive_field(model)
    assert [(p.get_width(), p.get_height()) for p in squares] == [row.size for row in rows]
    for inner, outer in zip(squares, squares[1:]):
        assert (
            outer.get_x() <= inner.get_x()
            and inner.get_x() + inner.get_width() <= outer.get_x() + outer.get_width()
        )
    # the last square is the field of one real output pixel, as Keras reads it
    last = rows[-1]
    r, c = nearest_pixel(last, (13.5, 13.5))
    seen = keras_influence(model)[r, c]
    span_rows, span_cols = last.span(r, c)
    inside_rows = [y for y in span_rows if 0 <= y < 28]
    inside_cols = [x for x in span_cols if 0 <= x < 28]
    assert seen.any(axis=1).nonzero()[0].tolist() == inside_rows
    assert seen.any(axis=0).nonzero()[0].tolist() == inside_cols
    assert (squares[-1].get_x() + 0.5, squares[-1].get_y() + 0.5) == (span_cols.start, span_rows.start)
    assert_legible(fig)
    plt.close(fig)


def test_receptive_field_picture_has_a_pixel_grid_and_each_width_written(keras):
    fig = draw_receptive_field(mnist_variant("stride"))
    ax = fig.axes[0]
    assert len(ax.get_xticks(minor=True)) == len(ax.get_yticks(minor=True)) == 29  # 28 pixels
    assert [t.get_text() for t in ax.texts] == ["3", "7", "15"]
    plt.close(fig)


@pytest.mark.parametrize("variant", ["stride", "valid"])
def test_receptive_field_alt_states_the_squares_keras_reads(keras, variant):
    """Each square the alt text states has the size and jump of the recurrence over the
    layers' own configs, and is exactly what Keras reads for one output pixel of its layer."""
    model = mnist_variant(variant)
    alt = alt_text(draw_receptive_field(model))
    plt.close("all")
    assert alt.startswith(
        "Receptive fields on the 28×28 input, one square per layer, nested around the centre: "
    )
    stated = re.findall(
        r"(\w+) (\d+)×(\d+) \(jump (\d+)\), rows (\d+) to (\d+) and columns (\d+) to (\d+)", alt
    )
    size, jump = 1, 1
    for index, layer in enumerate(model.layers[: len(stated)]):
        name, height, width, step, top, bottom, left, right = stated[index]
        config = layer.get_config()
        size, jump = size + (config["kernel_size"][0] - 1) * jump, jump * config["strides"][0]
        assert (name, int(height), int(width), int(step)) == (layer.name, size, size, jump)
        assert int(bottom) - int(top) + 1 == size and int(right) - int(left) + 1 == size
        seen = keras_influence(model.layers[: index + 1], (28, 28))
        wanted = ([y for y in range(int(top), int(bottom) + 1) if 0 <= y < 28],
                  [x for x in range(int(left), int(right) + 1) if 0 <= x < 28])  # fmt: skip
        found = [
            (seen[r, c].any(axis=1).nonzero()[0].tolist(), seen[r, c].any(axis=0).nonzero()[0].tolist())
            for r in range(seen.shape[0])
            for c in range(seen.shape[1])
        ]
        assert wanted in found, (
            f"{name}: no output pixel reads rows {top} to {bottom}, columns {left} to {right}"
        )
    assert len(stated) == len([layer for layer in model.layers if "conv" in layer.name])
