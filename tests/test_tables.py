import pytest

from padstride.tables import render_csv, render_table


def test_columns_fit_the_widest_cell_and_align():
    text = render_table(("name", "n"), [("a", "1"), ("bbb", "22")], right=(1,))
    assert text.splitlines() == ["name   n", "--------", "a      1", "bbb   22"]


def test_a_row_of_the_wrong_length_is_refused():
    with pytest.raises(ValueError, match="has 1 cells, the headers 2"):
        render_table(("a", "b"), [("1",)])


def test_every_table_prints_and_shows_its_table_in_ipython():
    from IPython.lib.pretty import pretty
    from keras import layers

    from padstride import explain, find_pitfalls, port, receptive_field
    from padstride.comparison import ComparisonTable
    from padstride.mnist.training import History

    model = [layers.Conv2D(2, 3, strides=4)]
    tables = [
        explain(model, input_shape=(9, 9)),
        receptive_field(model, input_shape=(9, 9)),
        find_pitfalls(model, input_shape=(9, 9)),
        port(model, input_shape=(9, 9)),
        History("m"),
        ComparisonTable(),
    ]
    for table in tables:
        assert str(table) == pretty(table) == table.table()


def test_csv_text_a_spreadsheet_would_run_is_escaped_and_numbers_stay_numbers():
    rows = [
        ("=HYPERLINK(1)", -1, "+1", "@sum", "-cmd", "\tx", "\rx"),
        ("conv", 0, "a=b", "x-1", 2.5, True, "−1"),
    ]
    assert render_csv(("layer", "start", "a", "b", "c", "d", "e"), rows) == (
        "layer,start,a,b,c,d,e\n'=HYPERLINK(1),-1,'+1,'@sum,'-cmd,'\tx,'\rx\nconv,0,a=b,x-1,2.5,True,−1\n"
    )
