"""Training the seed's models on MNIST, reproducibly and fast on a CPU, and comparing them.

>>> from padstride import load_mnist, mnist_variant
>>> table = train(mnist_variant("stride"), load_mnist(), epochs=1)  # doctest: +SKIP
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ._keras import keras
from .tracing import explain

# The settings that reached ≥ 98.5 % test accuracy fastest on a 2-core CPU (benchmarks/README.md).
FAST = {
    "batch_size": 128,
    "learning_rate": 3e-3,
    "steps_per_execution": 16,
    "jit_compile": False,
}


@dataclass
class EpochRow:
    epoch: int
    loss: float
    accuracy: float
    val_loss: float
    val_accuracy: float
    seconds: float


@dataclass
class History:
    """A per-epoch table; ``rows`` are EpochRow, ``str()`` prints it."""

    model_name: str
    rows: list[EpochRow] = field(default_factory=list)
    images_per_epoch: int = 0

    @property
    def final(self) -> EpochRow:
        return self.rows[-1]

    def column(self, name: str) -> list[float]:
        return [getattr(row, name) for row in self.rows]

    def table(self, seconds: bool = True) -> str:
        head = f"{'epoch':>5}  {'loss':>7}  {'accuracy':>8}  {'val_loss':>8}  {'val_accuracy':>12}"
        head += f"  {'seconds':>7}" if seconds else ""
        lines = [head]
        for r in self.rows:
            line = f"{r.epoch:>5}  {r.loss:>7.4f}  {r.accuracy:>8.4f}  {r.val_loss:>8.4f}  {r.val_accuracy:>12.4f}"
            lines.append(line + (f"  {r.seconds:>7.1f}" if seconds else ""))
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.table()


def prepare(images: np.ndarray) -> np.ndarray:
    """uint8 (n, 28, 28) → float32 (n, 28, 28, 1) in [0, 1]."""
    images = np.asarray(images)
    if images.ndim == 3:
        images = images[..., None]
    return images.astype("float32") / 255.0


def make_deterministic(seed: int) -> None:
    """Seed Python, NumPy and TensorFlow, and ask TensorFlow for deterministic ops."""
    k = keras()
    import tensorflow as tf

    k.utils.set_random_seed(seed)
    tf.config.experimental.enable_op_determinism()


def reinitialize(model: Any, seed: int) -> None:
    """Draw every kernel and bias afresh from initializers seeded by ``seed`` and the
    layer's position, so the starting weights depend on the seed alone, not on what ran
    before the model was built."""
    for index, layer in enumerate(model.layers):
        for attr in ("kernel", "bias"):
            variable = getattr(layer, attr, None)
            initializer = getattr(layer, f"{attr}_initializer", None)
            if variable is None or initializer is None:
                continue
            config = initializer.get_config()
            if "seed" in config:
                config["seed"] = seed * 1009 + index * 2 + (attr == "bias")
            fresh = type(initializer).from_config(config)
            variable.assign(fresh(tuple(variable.shape), dtype=variable.dtype))


def _dataset(x: np.ndarray, y: np.ndarray, batch_size: int, shuffle_seed: int | None):
    import tensorflow as tf

    ds = tf.data.Dataset.from_tensor_slices((x, y))
    if shuffle_seed is not None:
        ds = ds.shuffle(len(x), seed=shuffle_seed, reshuffle_each_iteration=True)
    return ds.batch(batch_size).prefetch(tf.data.AUTOTUNE)


def _callbacks(history: History, quiet: bool, total_epochs: int):
    k = keras()

    class Clock(k.callbacks.Callback):
        def on_epoch_begin(self, epoch, logs=None):
            self.start = time.perf_counter()

        def on_epoch_end(self, epoch, logs=None):
            logs = logs or {}
            row = EpochRow(
                epoch + 1,
                float(logs["loss"]),
                float(logs["accuracy"]),
                float(logs.get("val_loss", math.nan)),
                float(logs.get("val_accuracy", math.nan)),
                time.perf_counter() - self.start,
            )
            history.rows.append(row)
            if not quiet:
                print(
                    f"{history.model_name} epoch {row.epoch}/{total_epochs}: loss {row.loss:.4f}, "
                    f"accuracy {row.accuracy:.4f}, val_accuracy {row.val_accuracy:.4f}, {row.seconds:.1f} s",
                    flush=True,
                )

    return [Clock()]


def train(
    model: Any,
    data: Any,
    epochs: int = 3,
    batch_size: int = FAST["batch_size"],
    seed: int | None = 0,
    learning_rate: float = FAST["learning_rate"],
    steps_per_execution: int = FAST["steps_per_execution"],
    jit_compile: bool = FAST["jit_compile"],
    train_images: int | None = None,
    stop_at_accuracy: float | None = None,
    quiet: bool = False,
) -> History:
    """Compile and fit ``model`` on MNIST-like ``data`` (as ``load_mnist()`` returns it);
    the test images serve as validation data. Returns the per-epoch table.

    Adam with a cosine-decayed learning rate; an in-memory ``tf.data`` pipeline. With a
    ``seed`` the weights are drawn afresh from it and the run is deterministic on one
    machine; ``seed=None`` trains the weights the model has. ``train_images`` trains on the first
    n images (for quick runs); ``stop_at_accuracy`` stops after the first epoch whose
    validation accuracy reaches it.
    """
    for value, name in (
        (epochs, "epochs"),
        (batch_size, "batch_size"),
        (steps_per_execution, "steps_per_execution"),
    ):
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ValueError(f"{name}={value!r} is not allowed: it must be a positive integer")
    if not learning_rate > 0:
        raise ValueError(f"learning_rate={learning_rate!r} is not allowed: it must be positive")
    (x_train, y_train), (x_test, y_test) = data
    if train_images is not None:
        if not 1 <= train_images <= len(x_train):
            raise ValueError(f"train_images={train_images!r} is not allowed: use 1 to {len(x_train)}")
        x_train, y_train = x_train[:train_images], y_train[:train_images]
    if seed is not None:
        make_deterministic(seed)
        reinitialize(model, seed)
    k = keras()
    steps = math.ceil(len(x_train) / batch_size) * epochs
    schedule = k.optimizers.schedules.CosineDecay(learning_rate, decay_steps=steps, alpha=0.02)
    model.compile(
        optimizer=k.optimizers.Adam(schedule),
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
        steps_per_execution=steps_per_execution,
        jit_compile=jit_compile,
    )
    history = History(model.name, images_per_epoch=len(x_train))
    train_data = _dataset(
        prepare(x_train), y_train.astype("int32"), batch_size, seed if seed is not None else 0
    )
    test_data = _dataset(prepare(x_test), y_test.astype("int32"), 1000, None)
    callbacks = _callbacks(history, quiet, epochs)
    # One fit() call per epoch: stopping early inside a multi-epoch fit() left Keras tearing
    # down a half-started epoch for seconds (13 s for the valid model) before returning.
    for epoch in range(epochs):
        model.fit(
            train_data,
            validation_data=test_data,
            initial_epoch=epoch,
            epochs=epoch + 1,
            shuffle=False,  # the dataset shuffles itself, with the seed
            verbose=0,
            callbacks=callbacks,
        )
        if stop_at_accuracy is not None and history.final.val_accuracy >= stop_at_accuracy:
            break
    return history


def evaluate(model: Any, data: Any) -> float:
    """Test accuracy of a compiled, trained model."""
    _, (x_test, y_test) = data
    _, accuracy = model.evaluate(prepare(x_test), y_test.astype("int32"), batch_size=1000, verbose=0)
    return float(accuracy)


@dataclass
class Comparison:
    """One row per model: the trade-off between size, cost and accuracy."""

    name: str
    params: int
    flops: int
    seconds_per_epoch: float
    images_per_second: float
    test_accuracy: float
    history: History

    @staticmethod
    def header(timings: bool = True) -> str:
        head = f"{'model':<13}  {'params':>9}  {'MFLOPs/image':>12}  {'test_accuracy':>13}"
        return head + (f"  {'s/epoch':>7}  {'images/s':>8}" if timings else "")

    def line(self, timings: bool = True) -> str:
        text = f"{self.name:<13}  {self.params:>9,}  {self.flops / 1e6:>12.2f}  {self.test_accuracy:>13.4f}"
        return text + (f"  {self.seconds_per_epoch:>7.1f}  {self.images_per_second:>8.0f}" if timings else "")


class ComparisonTable(list):
    """A list of Comparison rows that prints as a table."""

    def table(self, timings: bool = True) -> str:
        return "\n".join([Comparison.header(timings), *(row.line(timings) for row in self)])

    def __str__(self) -> str:
        return self.table()


def compare(
    data: Any,
    variants: Sequence[str] = ("valid", "same", "stride"),
    epochs: int = 2,
    seed: int = 0,
    quiet: bool = False,
    **train_options: Any,
) -> ComparisonTable:
    """Train the seed's models (valid, same, same + stride 2) alike and tabulate parameters,
    forward FLOPs per image, seconds per epoch, images per second and test accuracy."""
    from .models import mnist_variant

    rows = ComparisonTable()
    for variant in variants:
        keras().utils.clear_session()
        model = mnist_variant(variant)
        trace = explain(model)
        history = train(model, data, epochs=epochs, seed=seed, quiet=quiet, **train_options)
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
