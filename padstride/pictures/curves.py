"""Training curves and the size/accuracy trade-off.

Duck-typed: a history is anything with ``model_name``, ``rows`` (each with ``epoch``)
and ``column(name)`` for "loss", "val_loss", "accuracy", "val_accuracy"; a comparison
row has ``name``, ``params``, ``seconds_per_epoch`` and ``test_accuracy``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from ..alt import describe
from ..arguments import brief, having
from .palette import MARKERS, SMALL, TEXT, figure, series_color

ACCURACY_SPAN = 0.10  # the accuracy axis spans at least 10 percentage points, ending at 1
HISTORY = "a History, as train() returns it (anything with model_name, rows and column())"
ROW_FIELDS = ("name", "params", "seconds_per_epoch", "test_accuracy")
ROWS = "rows as compare() makes them, each with name, params, seconds_per_epoch and test_accuracy"


def plot_history(*histories: Any):
    """Loss and accuracy per epoch for one or more training runs: training data solid
    with circles, test data dashed with squares, one colour per model.

    >>> from types import SimpleNamespace as Run
    >>> run = Run(model_name="m", rows=[Run(epoch=1)], column=lambda name: [0.5])
    >>> [line.get_label() for line in plot_history(run).axes[1].lines]
    ['m: training', 'm: test']
    """
    if not histories:
        raise ValueError("plot_history() needs at least one History")
    for index, history in enumerate(histories):
        having(history, f"histories[{index}]", ("model_name", "rows", "column"), HISTORY)
    fig, (ax_loss, ax_acc) = figure(9.0, 4.0, ncols=2)
    for index, history in enumerate(histories):
        color = series_color(index)
        epochs = [row.epoch for row in history.rows]
        for ax, column in ((ax_loss, "loss"), (ax_acc, "accuracy")):
            ax.plot(
                epochs, history.column(column), "-o", color=color, label=f"{history.model_name}: training"
            )
            ax.plot(
                epochs,
                history.column(f"val_{column}"),
                "--s",
                color=color,
                label=f"{history.model_name}: test",
            )
    ax_loss.set_ylabel("loss (cross-entropy, lower is better)", fontsize=SMALL)
    ax_acc.set_ylabel("accuracy (fraction correct)", fontsize=SMALL)
    ax_loss.set_title("loss per epoch", fontsize=TEXT)
    ax_acc.set_title("accuracy per epoch", fontsize=TEXT)
    for ax in (ax_loss, ax_acc):
        ax.set_xlabel("epoch", fontsize=SMALL)
        ax.tick_params(labelsize=SMALL)
        ax.grid(alpha=0.3)
        ax.xaxis.get_major_locator().set_params(integer=True)
    ax_acc.legend(fontsize=SMALL)
    runs = " ".join(history_words(history) for history in histories)
    return describe(
        fig,
        "Two line charts by epoch, loss (lower is better) and accuracy (fraction correct), training "
        f"data solid, test data dashed. {runs}",
    )


def history_words(history: Any) -> str:
    """One run's curves in words: each series' values, epoch by epoch, to 4 decimals."""
    epochs = [row.epoch for row in history.rows]
    series = [
        f"{label} {', '.join(f'{value:.4f}' for value in history.column(column))}"
        for label, column in (
            ("training loss", "loss"),
            ("test loss", "val_loss"),
            ("training accuracy", "accuracy"),
            ("test accuracy", "val_accuracy"),
        )
    ]
    span = f"epoch {epochs[0]}" if len(epochs) == 1 else f"epochs {epochs[0]} to {epochs[-1]}"
    return f"{history.model_name}, {span}: {'; '.join(series)}."


def accuracy_range(values: Sequence[float]) -> tuple[float, float]:
    """The accuracy axis: up to 1, and down to at least ``ACCURACY_SPAN`` below it (lower
    when a value is), in whole percentage points, so small differences are not inflated.

    >>> accuracy_range([0.977, 0.989])
    (0.9, 1.0)
    """
    low = min(min(values), 1 - ACCURACY_SPAN)
    return (math.floor(round(low * 100, 6)) / 100, 1.0)


def plot_tradeoff(table: Any):
    """Test accuracy against parameters and against seconds per epoch, one point per model,
    each labelled with its accuracy. The accuracy axis runs up to 1 and spans at least 10
    percentage points; its label says where it starts.

    >>> from types import SimpleNamespace as Row
    >>> fig = plot_tradeoff([Row(name="a", params=1000, seconds_per_epoch=2.0, test_accuracy=0.98)])
    >>> fig.axes[0].get_ylabel()
    'test accuracy (axis from 0.90 to 1.00)'
    """
    try:
        rows = list(table)
    except TypeError:
        raise ValueError(
            f"table={' '.join(brief(table).split())} is not allowed: give a ComparisonTable, as compare() "
            f"returns it, or a list of {ROWS}"
        ) from None
    if not rows:
        raise ValueError("plot_tradeoff() needs at least one row")
    for index, row in enumerate(rows):
        having(row, f"table[{index}]", ROW_FIELDS, ROWS)
    fig, (ax_params, ax_time) = figure(9.0, 4.0, ncols=2, sharey=True)
    for index, row in enumerate(rows):
        style = {
            "marker": MARKERS[index % len(MARKERS)],
            "color": series_color(index),
            "s": 60,
            "label": row.name,
        }
        ax_params.scatter(row.params, row.test_accuracy, **style)
        ax_time.scatter(row.seconds_per_epoch, row.test_accuracy, **style)
        # Labels below and above the points in turn: neighbouring points (models of similar
        # size and accuracy) keep their labels apart.
        offset = (0, -16) if index % 2 == 0 else (0, 9)
        for ax, x in ((ax_params, row.params), (ax_time, row.seconds_per_epoch)):
            ax.annotate(
                f"{row.test_accuracy:.4f}",
                (x, row.test_accuracy),
                textcoords="offset points",
                xytext=offset,
                ha="center",
                fontsize=SMALL,
            )
    low, high = accuracy_range([row.test_accuracy for row in rows])
    ax_params.set_ylim(low, high)
    ax_params.set_ylabel(f"test accuracy (axis from {low:.2f} to {high:.2f})", fontsize=SMALL)
    ax_params.set_xscale("log")
    ax_params.set_xlabel("parameters (log scale)", fontsize=SMALL)
    ax_time.set_xlabel("seconds per epoch", fontsize=SMALL)
    for ax, title in ((ax_params, "accuracy against size"), (ax_time, "accuracy against time")):
        ax.set_title(title, fontsize=TEXT)
        ax.tick_params(labelsize=SMALL)
        ax.grid(alpha=0.3)
        ax.margins(x=0.25)
    ax_time.legend(fontsize=SMALL, loc="lower right")
    return describe(fig, tradeoff_words(rows, low, high))


def tradeoff_words(rows: Sequence[Any], low: float, high: float) -> str:
    """plot_tradeoff's alt text: each model's point, with the numbers its labels and axes give."""
    points = [
        f"{row.name} {row.test_accuracy:.4f} with {row.params:,} parameters and {row.seconds_per_epoch:.1f} s "
        "per epoch"
        for row in rows
    ]
    return (
        "Two scatter plots of test accuracy, against parameters (log scale) and against seconds per "
        f"epoch, the accuracy axis from {low:.2f} to {high:.2f}: {'; '.join(points)}."
    )
