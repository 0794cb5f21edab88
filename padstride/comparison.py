"""The notebooks' three MNIST models trained alike and compared: parameters, forward FLOPs
per image, time per epoch and test accuracy (notebook 05).

>>> from padstride import load_mnist
>>> table = compare(load_mnist(), epochs=1, quiet=True)  # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from .arguments import positive_int
from .bars import Progress
from .demo.models import MNIST_VARIANTS, mnist_variant
from .mnist.training import History, train
from .model.explain import explain
from .runtime import load_keras
from .tables import TextTable, render_table

__all__ = ["Comparison", "ComparisonTable", "compare"]


@dataclass
class Comparison:
    """One row per model: the trade-off between size, cost and accuracy. ``flops`` counts
    the forward pass for one image, 2 FLOPs per multiply-add."""

    name: str
    params: int
    flops: int
    seconds_per_epoch: float
    images_per_second: float
    test_accuracy: float
    history: History

    def cells(self, timings: bool = True) -> list[str]:
        cells = [self.name, f"{self.params:,}", f"{self.flops / 1e6:.2f}", f"{self.test_accuracy:.4f}"]
        return cells + ([f"{self.seconds_per_epoch:.1f}", f"{self.images_per_second:.0f}"] if timings else [])


class ComparisonTable(TextTable, list):
    """A list of Comparison rows that prints as a table."""

    def table(self, timings: bool = True) -> str:
        headers = ["model", "params", "forward_MFLOPs", "test_accuracy"]
        headers += ["s/epoch", "images/s"] if timings else []
        return render_table(headers, [row.cells(timings) for row in self], right=range(1, len(headers)))


def compare(
    data: Any,
    variants: Sequence[str] = ("valid", "same", "stride"),
    epochs: int = 2,
    seed: int = 0,
    quiet: bool = False,
    progress: bool | None = None,
    **train_options: Any,
) -> ComparisonTable:
    """Train the MNIST models (valid, same, same + stride 2) alike and tabulate parameters,
    forward FLOPs per image, seconds per epoch (the test evaluation included), images per
    second and test accuracy.

    ``progress``: one bar per model, counting its images, that ends on one line naming the
    models and the epochs (None: in a notebook only; True: also in a terminal; False: never).
    """
    if progress not in (None, True, False):
        raise ValueError(
            f"progress={progress!r} is not allowed: give True, False or None (in a notebook only)"
        )
    positive_int(epochs, "epochs")
    for variant in variants:
        if variant not in MNIST_VARIANTS:
            mnist_variant(variant)  # refuses it, in its own words, before any training
    span = f"{epochs} epoch{'s' if epochs != 1 else ''} each"
    with Progress(f"{', '.join(variants)}: trained {span}", show=progress) as board:
        tasks = [board.task(variant) for variant in variants]
        return _compare(data, variants, tasks, epochs, seed, quiet, train_options)


def _compare(data, variants, tasks, epochs, seed, quiet, train_options) -> ComparisonTable:
    """compare()'s training, each model counting its images in its task."""
    rows = ComparisonTable()
    for variant, task in zip(variants, tasks, strict=True):
        load_keras().utils.clear_session()
        model = mnist_variant(variant)
        task.label = model.name
        trace = explain(model)
        history = train(model, data, epochs=epochs, seed=seed, quiet=quiet, progress=task, **train_options)
        seconds = float(np.mean(history.column("seconds")))
        rows.append(
            Comparison(
                model.name,
                trace.params,
                trace.flops,
                seconds,
                history.images_per_epoch / seconds,
                history.final.val_accuracy,
                history,
            )
        )
    return rows
