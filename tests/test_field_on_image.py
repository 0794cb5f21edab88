import numpy as np
import pytest

from padstride.demo.models import mnist_variant
from padstride.measure.probes import keras_gradient_support
from padstride.model.receptive import receptive_field
from padstride.pictures.field_on_image import draw_field, field_row


def test_squares_are_the_fields_of_a_pixel_and_its_neighbour():
    model = mnist_variant("stride")
    field = receptive_field(model)
    seen = keras_gradient_support(model, (1, 2))
    fig = draw_field(field, pixel=(1, 2), measured=seen)
    patches = {p.get_gid(): p for p in fig.axes[0].patches}
    rows, cols = field[-1].span(1, 2)
    square = patches["field"]
    assert (square.get_x() + 0.5, square.get_y() + 0.5, square.get_width(), square.get_height()) == (
        cols.start,
        rows.start,
        len(cols),
        len(rows),
    )
    assert patches["neighbour"].get_x() - square.get_x() == field[-1].jump[1]
    assert len(fig.axes[0].images) == 2  # the input and the measured pixels
    assert fig.axes[0].get_title() == "conv_3: field 15×15, jump 8"


def test_rows_and_pixels_are_checked():
    field = receptive_field(mnist_variant("valid"))
    assert field_row(field, "conv_1").size == (3, 3)
    with pytest.raises(ValueError, match="layer='nope' is not allowed"):
        field_row(field, "nope")
    with pytest.raises(ValueError, match="pixel=\\(22, 0\\) is not allowed: conv_3 has 22×22 output pixels"):
        draw_field(field, pixel=(22, 0))
    fig = draw_field(field, "conv_2", image=np.zeros((28, 28)), legend=False)
    assert fig.axes[0].get_legend() is None
