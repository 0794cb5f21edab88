import matplotlib

matplotlib.use("Agg")

import re
import types

import matplotlib.pyplot as plt
import pytest

from padstride.pictures.curves import accuracy_range
from padstride.plots import alt_text, plot_history, plot_tradeoff
from tests.picture_checks import assert_legible


class FakeHistory:
    """Only what plot_history reads: the pictures module knows no training classes."""

    model_name = "demo"

    def __init__(self):
        self.rows = [types.SimpleNamespace(epoch=1), types.SimpleNamespace(epoch=2)]
        self.values = {
            "loss": [0.5, 0.3],
            "val_loss": [0.4, 0.35],
            "accuracy": [0.8, 0.9],
            "val_accuracy": [0.85, 0.9],
        }

    def column(self, name):
        return self.values[name]


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def test_plot_history_labels_say_what_each_line_is():
    fig = plot_history(FakeHistory())
    loss_ax, acc_ax = fig.axes
    assert [line.get_label() for line in acc_ax.lines] == ["demo: training", "demo: test"]
    assert list(loss_ax.lines[1].get_ydata()) == [0.4, 0.35]
    assert "lower is better" in loss_ax.get_ylabel() and acc_ax.get_xlabel() == "epoch"
    assert_legible(fig)
    with pytest.raises(ValueError, match="needs at least one History"):
        plot_history()


def test_plot_history_names_what_is_not_a_history():
    with pytest.raises(ValueError) as refused:
        plot_history(FakeHistory(), 2)
    assert str(refused.value) == (
        "histories[1]=2 is not allowed: give a History, as train() returns it (anything with model_name, "
        "rows and column())"
    )


def test_plot_tradeoff_names_what_is_not_a_table_or_a_row():
    fields = "each with name, params, seconds_per_epoch and test_accuracy"
    with pytest.raises(ValueError) as refused:
        plot_tradeoff(None)
    assert str(refused.value) == (
        "table=None is not allowed: give a ComparisonTable, as compare() returns it, or a list of rows as "
        f"compare() makes them, {fields}"
    )
    with pytest.raises(ValueError) as refused:
        plot_tradeoff([types.SimpleNamespace(name="a", params=1)])
    assert str(refused.value) == (
        f"table[0]=namespace(name='a', params=1) is not allowed: give rows as compare() makes them, {fields}"
    )


def test_plot_tradeoff_does_not_inflate_small_differences():
    rows = [
        types.SimpleNamespace(name="valid", params=2_002_698, seconds_per_epoch=20.0, test_accuracy=0.9807),
        types.SimpleNamespace(name="same", params=3_231_498, seconds_per_epoch=30.0, test_accuracy=0.989),
        types.SimpleNamespace(name="same_stride2", params=85_770, seconds_per_epoch=5.0, test_accuracy=0.977),
    ]
    fig = plot_tradeoff(rows)
    ax_params, ax_time = fig.axes
    assert [ax.get_title() for ax in fig.axes] == ["accuracy against size", "accuracy against time"]
    assert ax_params.collections[1].get_offsets().tolist() == [[3_231_498.0, 0.989]]
    low, high = ax_params.get_ylim()
    assert (low, high) == (0.9, 1.0) and ax_time.get_ylim() == (0.9, 1.0)
    assert ax_params.get_ylabel() == "test accuracy (axis from 0.90 to 1.00)"
    assert {t.get_text() for t in ax_params.texts} == {"0.9807", "0.9890", "0.9770"}
    assert_legible(fig)


def test_accuracy_range_reaches_lower_values():
    assert accuracy_range([0.977, 0.989]) == (0.9, 1.0)
    assert accuracy_range([0.42, 0.95]) == (0.42, 1.0)
    assert accuracy_range([0.876]) == (0.87, 1.0)


def test_plot_history_alt_states_every_value_drawn():
    other = FakeHistory()
    other.model_name, other.values = "other", {k: [v / 2 for v in vs] for k, vs in other.values.items()}
    fig = plot_history(FakeHistory(), other)
    alt = alt_text(fig)
    assert alt.startswith("Two line charts by epoch, loss (lower is better) and accuracy (fraction correct)")
    for history in (FakeHistory(), other):
        part = alt.split(f"{history.model_name}, epochs 1 to 2: ")[1].split(".\n")[0]
        for label, column in (("training loss", "loss"), ("test accuracy", "val_accuracy")):
            stated = re.search(rf"{label} ([\d., ]+?)(;|\.$|\. )", part)[1]
            assert [float(v) for v in stated.split(", ")] == history.column(column)
    drawn = [list(line.get_ydata()) for line in fig.axes[0].lines]
    assert drawn[2] == other.column("loss")


def test_plot_tradeoff_alt_states_each_model():
    rows = [
        types.SimpleNamespace(name="valid", params=2002698, seconds_per_epoch=20.94, test_accuracy=0.9884),
        types.SimpleNamespace(name="strided", params=85770, seconds_per_epoch=5.31, test_accuracy=0.9768),
    ]
    alt = alt_text(plot_tradeoff(rows))
    assert "the accuracy axis from 0.90 to 1.00:" in alt
    assert "valid 0.9884 with 2,002,698 parameters and 20.9 s per epoch" in alt
    assert "strided 0.9768 with 85,770 parameters and 5.3 s per epoch." in alt
