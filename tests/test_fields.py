import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt

from padstride.demo.models import mnist_variant
from padstride.measure.probes import keras_influence
from padstride.model.receptive import receptive_field
from padstride.pictures.fields import nearest_pixel
from padstride.plots import draw_receptive_field
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
