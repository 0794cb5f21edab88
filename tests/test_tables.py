import pytest

from padstride.tables import render_table


def test_columns_fit_the_widest_cell_and_align():
    text = render_table(("name", "n"), [("a", "1"), ("bbb", "22")], right=(1,))
    assert text.splitlines() == ["name   n", "--------", "a      1", "bbb   22"]


def test_a_row_of_the_wrong_length_is_refused():
    with pytest.raises(ValueError, match="has 1 cells, the headers 2"):
        render_table(("a", "b"), [("1",)])
