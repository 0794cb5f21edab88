import re

import matplotlib.pyplot as plt
import numpy as np
import pytest

from padstride.demo.models import mnist_variant
from padstride.measure.probes import keras_gradient_support
from padstride.model.receptive import receptive_field
from padstride.pictures.field_on_image import draw_field, field_row
from padstride.plots import alt_text


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


@pytest.mark.parametrize(
    ("layer", "pixel"), [("conv_3", (1, 2)), ("conv_2", (0, 0)), ("conv_3", (0, 0)), ("conv_3", (3, 3))]
)
def test_draw_field_alt_states_the_field_keras_measures(layer, pixel):
    model = mnist_variant("stride")
    seen = keras_gradient_support(model, pixel, output=layer)
    fig, (ax, other) = plt.subplots(1, 2)
    draw_field(receptive_field(model), layer, pixel, measured=seen, ax=ax, title="measured")
    alt = alt_text(fig)
    plt.close(fig)
    assert alt.startswith(
        f"“measured”: on the 28×28 input, the receptive field of {layer}'s output pixel {pixel}"
    )
    top, bottom, left, right = (
        int(n) for n in re.search(r"rows (-?\d+) to (-?\d+) and columns (-?\d+) to (-?\d+)", alt).groups()
    )
    assert seen.any(axis=1).nonzero()[0].tolist() == [y for y in range(top, bottom + 1) if 0 <= y < 28]
    assert seen.any(axis=0).nonzero()[0].tolist() == [x for x in range(left, right + 1) if 0 <= x < 28]
    outside = {"above": -top, "below": bottom - 27, "to the left": -left, "to the right": right - 27}
    clause = re.search(r"where padding would be: ([^;]*);", alt)
    stated = re.findall(r"(\d+) pixels? (above|below|to the left|to the right)", clause[1] if clause else "")
    assert {where: int(count) for count, where in stated} == {w: n for w, n in outside.items() if n > 0}
    assert f"shaded, the {int(seen.sum()):,} pixels the gradient reaches" in alt
