import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from padstride.conv.arithmetic import window_positions
from padstride.measure.layers import zero_pad
from padstride.pictures.words import listing, settings_words, span_words, values_words, zeros_words
from tests.picture_checks import rows_in, zeros_in


@given(st.tuples(*[st.integers(0, 3)] * 4))
def test_zeros_words_name_each_side_keras_pads(sides):
    top, bottom, left, right = sides
    grid = window_positions(5, 1, 1, ((top, bottom), (left, right)))
    padded = zero_pad(np.ones((5, 5)), ((top, bottom), (left, right)))
    rows, cols = np.flatnonzero(padded.any(axis=1)), np.flatnonzero(padded.any(axis=0))
    keras = (rows[0], padded.shape[0] - 1 - rows[-1], cols[0], padded.shape[1] - 1 - cols[-1])
    words = zeros_words(grid)
    assert zeros_in(words) == keras
    assert (words == "no padding") == (keras == (0, 0, 0, 0))
    assert words.count("of zeros") == (keras != (0, 0, 0, 0))


def test_settings_and_values_in_words():
    grid = window_positions((9, 7), (3, 2), (1, 1), "same", (2, 3))
    assert settings_words(grid, "same") == (
        '9×7 input, 3×2 kernel, stride 1, padding "same", dilation 2 down and 3 across '
        "(the taps span 5×4 pixels)"
    )
    values = np.array([[0, 1.5], [-2, 3]])
    assert rows_in(values_words(values).split(": ")[1]) == values.tolist()
    assert values_words(values, written=False) == "values from -2 to 3"
    assert values_words(np.zeros((9, 2))) == "values from 0 to 0"  # more than 8 rows: the range
    assert (span_words(range(3, 10)), span_words(range(4, 5))) == ("3 to 9", "4")
    assert (listing(["a"]), listing(["a", "b", "c"])) == ("a", "a, b and c")
