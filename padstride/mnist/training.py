"""Training the MNIST models fast on a CPU, reproducibly when asked, and comparing them.

>>> from padstride import load_mnist, mnist_variant
>>> table = train(mnist_variant("stride"), load_mnist(), epochs=1)  # doctest: +SKIP
"""

from __future__ import annotations

import contextlib
import math
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..arguments import (
    INT32_MAX,
    brief,
    class_labels,
    fraction,
    int_range,
    keras_model,
    positive_int,
    real_number,
    warmup_share,
)
from ..bars import Progress, Task
from ..runtime import load_keras
from ..tables import TextTable, render_table

# The settings that reached 98.5 % test accuracy fastest on a 2-core CPU (benchmarks/README.md).
FAST = {
    "batch_size": 128,
    "learning_rate": 3e-3,
    "steps_per_execution": 16,
    "jit_compile": False,
}
PRECISIONS = ("auto", "float32", "mixed_bfloat16")
# The test set is checked during an epoch only once the training batches since the last check
# come this close to ``stop_at_accuracy``: a full check of the valid model costs about a
# twentieth of an epoch, and early checks could not succeed.
CHECK_MARGIN = 0.01
TEST_BATCH = 1000
_PREFETCH = 2


@dataclass
class EpochRow:
    """One line of a History: the running training means over the epoch so far, the test
    (``val_``) figures at its end, and the seconds it took, test evaluations included."""

    epoch: int
    loss: float
    accuracy: float
    val_loss: float
    val_accuracy: float
    seconds: float
    images: int = 0  # training images seen since the start of training


@dataclass
class History(TextTable):
    """A per-epoch table; ``rows`` are EpochRow, ``str()`` prints it. When training stopped
    inside an epoch (``stop_at_accuracy``), the last row ends where it stopped."""

    model_name: str
    rows: list[EpochRow] = field(default_factory=list)
    # The dataclass' own __repr__ would come before TextTable's in IPython: show the table.
    _repr_pretty_ = TextTable._repr_pretty_
    images_per_epoch: int = 0
    settings: dict[str, Any] = field(default_factory=dict)
    # Every evaluation on the test set: (training images seen, test accuracy).
    evaluations: list[tuple[int, float]] = field(default_factory=list)

    @property
    def final(self) -> EpochRow:
        return self.rows[-1]

    def column(self, name: str) -> list[float]:
        return [getattr(row, name) for row in self.rows]

    def table(self, seconds: bool = True) -> str:
        headers = ["epoch", "images", "loss", "accuracy", "val_loss", "val_accuracy"]
        headers += ["seconds"] if seconds else []
        rows = []
        for r in self.rows:
            cells = [str(r.epoch), str(r.images), f"{r.loss:.4f}", f"{r.accuracy:.4f}", f"{r.val_loss:.4f}"]
            cells.append(f"{r.val_accuracy:.4f}")
            rows.append(cells + ([f"{r.seconds:.1f}"] if seconds else []))
        return render_table(headers, rows, right=range(len(headers)))


def prepare(images: np.ndarray) -> np.ndarray:
    """uint8 (n, 28, 28) → float32 (n, 28, 28, 1) in [0, 1]."""
    images = np.asarray(images)
    if images.ndim == 3:
        images = images[..., None]
    return images.astype("float32") / 255.0


def cpu_info() -> tuple[str, frozenset[str]]:
    """The CPU's model name and instruction-set flags as Linux reports them (empty elsewhere).

    >>> name, flags = cpu_info()
    >>> isinstance(name, str) and isinstance(flags, frozenset)
    True
    """
    name, flags = "", frozenset()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as info:
            for line in info:
                key, _, value = line.partition(":")
                if key.strip() == "model name" and not name:
                    name = value.strip()
                elif key.strip() == "flags" and not flags:
                    flags = frozenset(value.split())
    except OSError:
        pass
    return name, flags


def native_bfloat16() -> bool:
    """True when the CPU computes in bfloat16 natively (AVX512_BF16 or AMX), which oneDNN uses."""
    return bool(cpu_info()[1] & {"avx512_bf16", "amx_bf16"})


def make_deterministic(seed: int, ops: bool = True) -> None:
    """Seed Python, NumPy and TensorFlow; with ``ops`` TensorFlow's op determinism is turned on,
    otherwise off (it is a setting of the whole process)."""
    k = load_keras()
    import tensorflow as tf
    from tensorflow.python.framework import config as tf_config  # the only switch back off

    k.utils.set_random_seed(seed)
    if ops:
        tf.config.experimental.enable_op_determinism()
    else:
        tf_config.disable_op_determinism()


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


def pipeline(images: np.ndarray, labels: np.ndarray, batch_size: int, shuffle_seed: int | None = None) -> Any:
    """train()'s input: batches of ``(prepare(images), labels)`` from arrays held in memory,
    in a new order each epoch when given a seed.

    The order is a shuffle of the image numbers (not of 60,000 image tensors), and each batch
    is gathered and scaled to [0, 1] when it is needed. tf.data's autotuning is off: with it,
    deleting the iterator when fit() returns could wait up to a minute for its tuning thread
    (benchmarks/README.md), and batches already in memory need no tuning.

    >>> images, labels = next(iter(pipeline(np.full((5, 28, 28), 255, "uint8"), np.arange(5), 2)))
    >>> images.shape, float(images.numpy().max()), labels.numpy().tolist()
    (TensorShape([2, 28, 28, 1]), 1.0, [0, 1])
    """
    import tensorflow as tf

    images = np.asarray(images)
    if images.ndim == 3:
        images = images[..., None]
    stored_images, stored_labels = tf.constant(images), tf.constant(np.asarray(labels))

    def gather(numbers):
        batch = tf.cast(tf.gather(stored_images, numbers), tf.float32) / 255.0
        return batch, tf.gather(stored_labels, numbers)

    ds = tf.data.Dataset.range(len(images))
    if shuffle_seed is not None:
        ds = ds.shuffle(len(images), seed=shuffle_seed, reshuffle_each_iteration=True)
    options = tf.data.Options()
    options.autotune.enabled = False
    return ds.batch(batch_size).map(gather).prefetch(_PREFETCH).with_options(options)


def learning_rate_schedule(learning_rate: float, steps: int, warmup: float = 0.0) -> Any:
    """train()'s learning rate over ``steps`` optimizer steps: a linear rise from a tenth of
    ``learning_rate`` to all of it over the first ``warmup`` share of the steps, then half a
    cosine down to zero at the last step. A Keras schedule: call it with a step number.

    >>> schedule = learning_rate_schedule(0.003, steps=100)
    >>> [round(float(schedule(step)), 5) for step in (0, 50, 100)]
    [0.003, 0.0015, 0.0]
    """
    steps = positive_int(steps, "steps")
    return _schedule(learning_rate, steps, warmup_share(warmup, steps))


def _schedule(learning_rate: float, steps: int, warmup: float) -> Any:
    """learning_rate_schedule() of checked settings."""
    warm = int(round(warmup * steps))
    return load_keras().optimizers.schedules.CosineDecay(
        learning_rate / 10 if warm else learning_rate,
        decay_steps=steps - warm,
        alpha=0.0,
        warmup_target=learning_rate if warm else None,
        warmup_steps=warm,
    )


def _compute_in(model: Any, policy: str) -> list[tuple[Any, Any]]:
    """Switch every layer but the last (the softmax) to ``policy``; returns what to restore."""
    saved = [(layer, layer.dtype_policy) for layer in model.layers]
    if policy != "float32":
        for layer in model.layers[:-1]:
            layer.dtype_policy = policy
    return saved


class _TestSet:
    """Loss and accuracy of the model on the test images, in fixed batches (one traced function)."""

    def __init__(self, model: Any, images: np.ndarray, labels: np.ndarray):
        import tensorflow as tf

        x, y = prepare(images), np.asarray(labels).astype("int64")
        self.batches = [
            (tf.constant(x[i : i + TEST_BATCH]), y[i : i + TEST_BATCH]) for i in range(0, len(x), TEST_BATCH)
        ]
        self.count = len(x)
        self.predict = tf.function(lambda images: model(images, training=False), reduce_retracing=True)

    def evaluate(self) -> tuple[float, float]:
        """(mean cross-entropy, accuracy) over the test images."""
        loss, correct = 0.0, 0
        for images, labels in self.batches:
            probabilities = self.predict(images).numpy().astype("float64")
            picked = np.clip(probabilities[np.arange(len(labels)), labels], 1e-7, 1.0)
            loss -= float(np.sum(np.log(picked)))
            correct += int(np.sum(np.argmax(probabilities, axis=1) == labels))
        return loss / self.count, correct / self.count


@dataclass(frozen=True)
class _Plan:
    """What the recorder is told: the epochs, their steps, when to look at the test set and
    the accuracy to stop at."""

    steps_per_epoch: int
    batch_size: int
    target: float | None
    every: int
    quiet: bool
    epochs: int
    test_each_epoch: bool


class _RecorderSteps:
    """What the recorder does at each step of training: time epochs, look at the test set
    every ``plan.every`` steps and stop at the target accuracy. Joined with Keras' Callback
    by :func:`_recorder`."""

    def __init__(self, history: History, test: _TestSet, plan: _Plan, task: Task) -> None:
        super().__init__()
        self.history, self.test, self.plan, self.task = history, test, plan, task

    def images(self, epoch: int, steps: int) -> int:
        seen = self.history.images_per_epoch
        return epoch * seen + min(steps * self.plan.batch_size, seen)

    def on_epoch_begin(self, epoch, logs=None):
        self.epoch = epoch  # on_train_batch_end is not told the epoch
        self.start = time.perf_counter()
        self.last_check = (0, 0.0)  # (steps, running accuracy) at the last look
        self.next_check = self.plan.every
        self.task.update(note=self.stage(epoch), force=True)

    def stage(self, epoch: int) -> str:
        return f"epoch {epoch + 1} of {self.plan.epochs}"

    def row(self, epoch: int, steps: int, logs: dict, val: tuple[float, float]) -> EpochRow:
        seconds = time.perf_counter() - self.start
        row = EpochRow(
            epoch + 1,
            float(logs["loss"]),
            float(logs["accuracy"]),
            val[0],
            val[1],
            seconds,
            self.images(epoch, steps),
        )
        self.history.rows.append(row)
        if not self.plan.quiet:
            print(
                f"{self.history.model_name} epoch {row.epoch}/{self.plan.epochs}, {row.images:,} images: loss "
                f"{row.loss:.4f}, accuracy {row.accuracy:.4f}, val_accuracy {row.val_accuracy:.4f}, "
                f"{row.seconds:.1f} s",
                flush=True,
            )
        return row

    def on_train_batch_end(self, batch, logs=None):
        steps, plan = batch + 1, self.plan
        self.task.update(self.images(self.epoch, steps))
        if plan.target is None or steps < self.next_check or steps >= plan.steps_per_epoch:
            return
        self.next_check = steps + plan.every
        # Accuracy of the batches since the last look, from Keras' running mean.
        before_steps, before_accuracy = self.last_check
        now = float(logs["accuracy"])
        recent = (now * steps - before_accuracy * before_steps) / (steps - before_steps)
        self.last_check = (steps, now)
        if recent < plan.target - CHECK_MARGIN:
            return
        val = self.evaluate(self.epoch, steps)
        if val[1] >= plan.target:
            self.row(self.epoch, steps, logs, val)
            self.stop(val[1])

    def on_epoch_end(self, epoch, logs=None):
        if self.model.stop_training:
            return  # the row was written where training stopped
        plan = self.plan
        last = epoch + 1 == plan.epochs
        val = (
            self.evaluate(epoch, plan.steps_per_epoch)
            if plan.test_each_epoch or last
            else (math.nan, math.nan)
        )
        row = self.row(epoch, plan.steps_per_epoch, logs or {}, val)
        if plan.target is not None and row.val_accuracy >= plan.target:
            self.stop(row.val_accuracy)
        elif not math.isnan(row.val_accuracy):
            self.task.update(note=f"{self.stage(epoch)}, test accuracy {row.val_accuracy:.4f}", force=True)

    def stop(self, accuracy: float) -> None:
        self.model.stop_training = True
        self.task.update(note=f"stopped at test accuracy {accuracy:.4f}", force=True)

    def evaluate(self, epoch: int, steps: int) -> tuple[float, float]:
        self.task.update(self.images(epoch, steps), note=f"{self.stage(epoch)}, testing", force=True)
        val = self.test.evaluate()
        self.history.evaluations.append((self.images(epoch, steps), val[1]))
        return val


def _recorder(history: History, test: _TestSet, plan: _Plan, task: Task) -> list[Any]:
    """The callback that records training (see _RecorderSteps), as Keras takes it."""
    recorder = type("Recorder", (_RecorderSteps, load_keras().callbacks.Callback), {})
    return [recorder(history, test, plan, task)]


def _summary(name: str, epochs: int, images: int, target: float | None) -> str:
    """What train()'s progress display shows when it is done (and a stored notebook keeps)."""
    span = f"{epochs} epoch{'s' if epochs != 1 else ''} of {images:,} training images"
    if target is None:
        return f"{name}: trained {span}"
    return f"{name}: trained up to {span}, stopping at {target * 100:g} % test accuracy"


@contextlib.contextmanager
def _training_task(progress: bool | Task | None, summary: str) -> Iterator[Task]:
    """The row train() counts its images in: ``progress`` itself when it is a Task (a row
    of a display its caller made), else the one row of a new display (None: shown in a
    notebook only; True: also in a terminal; False: never) that ends on ``summary``."""
    if isinstance(progress, Task):
        yield progress
        return
    if progress not in (None, True, False):
        raise ValueError(
            f"progress={brief(progress)} is not allowed: give True, False, None (shown in a notebook "
            "only) or a Task of a padstride.Progress"
        )
    with Progress(summary, show=progress) as board:
        yield board.task(summary.partition(":")[0])


class _FitProgressSteps:
    """What fit_progress() does at each step of Keras' fit(); joined with Keras' Callback
    by :func:`fit_progress`."""

    def __init__(self, show: bool | None) -> None:
        super().__init__()
        self.show, self.board, self.epoch = show, None, 0

    def on_train_begin(self, logs=None):
        epochs, steps = self.params.get("epochs") or 1, self.params.get("steps")
        span = f"{epochs} epoch{'s' if epochs != 1 else ''}" + (f" of {steps:,} batches" if steps else "")
        self.board = Progress(f"{self.model.name}: trained {span}", show=self.show)
        self.task = self.board.task(self.model.name, epochs * steps if steps else None, "batches")
        self.epochs, self.steps = epochs, steps

    def on_epoch_begin(self, epoch, logs=None):
        self.epoch = epoch
        self.task.update(note=f"epoch {epoch + 1} of {self.epochs}", force=True)

    def on_train_batch_end(self, batch, logs=None):
        if self.steps:
            self.task.update(self.epoch * self.steps + batch + 1)
        else:  # a dataset of unknown length: the batch number alone
            self.task.update(note=f"epoch {self.epoch + 1} of {self.epochs}, batch {batch + 1:,}")

    def on_train_end(self, logs=None):
        self.board.finish()  # an error in fit() leaves the bar where it stopped


def fit_progress(show: bool | None = None) -> Any:
    """A Keras callback that shows ``model.fit()``'s progress as padstride's bar: the batches
    over all epochs, with the epoch, ending on one line without a timing ("same_stride2:
    trained 1 epoch of 313 batches"), so a stored notebook keeps no time. Give it with
    ``verbose=0``, whose own bar would be printed too. ``show`` as for ``train()``: None in
    a notebook only, True also in a terminal, False never.

    >>> fit = model.fit(x, y, epochs=1, verbose=0, callbacks=[fit_progress()])  # doctest: +SKIP
    """
    if show not in (None, True, False):
        raise ValueError(f"show={show!r} is not allowed: give True, False or None (in a notebook only)")
    callback = type("FitProgress", (_FitProgressSteps, load_keras().callbacks.Callback), {})
    return callback(show)


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
    *,
    deterministic: bool = False,
    precision: str = "auto",
    warmup: float = 0.0,
    eval_every: int | None = None,
    test_each_epoch: bool = True,
    progress: bool | Task | None = None,
) -> History:
    """Compile and fit ``model`` on MNIST-like ``data`` (as ``load_mnist()`` returns it) and
    return the per-epoch table; the test images are evaluated after every epoch.

    Adam with a learning rate that rises linearly over the first ``warmup`` share of the
    steps (if any) and then falls along a cosine to zero at the end of ``epochs``; an in-memory
    ``tf.data`` pipeline. ``precision="auto"`` computes in bfloat16 (weights stay float32, the
    softmax stays float32) when the CPU does so natively, else in float32; the model's layers
    get their own dtype policies back afterwards.

    With a ``seed`` the weights are drawn afresh from it and the data shuffled by it;
    ``deterministic=True`` also turns on TensorFlow's op determinism, so that a run repeats
    exactly on the same machine and versions (XLA is then unavailable). ``seed=None`` trains
    the weights the model has. ``train_images`` trains on the first n images (for quick
    runs). ``stop_at_accuracy`` stops as soon as the test accuracy reaches it: checked at each
    epoch's end and every ``eval_every`` training steps (default: an eighth of an epoch), the
    latter only while the training batches since the last check are within one point of it.
    Every evaluation of the test set is listed in ``History.evaluations`` and counted in the seconds.
    ``test_each_epoch=False`` evaluates the test set once, after the last epoch (a fixed
    budget, nothing chosen by the test set); the earlier rows then show nan for it.

    ``progress``: in a notebook a bar counts the images trained on, with the epoch, and ends
    on one line that says what was trained, without a timing (``padstride.bars``). None
    shows it in a notebook only, True also in a terminal, False never; ``quiet=True`` drops
    the printed line per epoch, not the bar.
    """
    keras_model(model)
    settings = _train_settings(epochs, batch_size, seed, learning_rate, steps_per_execution, jit_compile)
    run, target = _run_settings(
        stop_at_accuracy, deterministic, precision, warmup, seed, jit_compile, test_each_epoch
    )
    settings.update(run)
    (x_train, y_train), test_data = _train_data(data, train_images, model)
    steps_per_epoch = math.ceil(len(x_train) / settings["batch_size"])
    warmup_share(warmup, steps_per_epoch * epochs)
    if eval_every is None:
        eval_every = max(1, steps_per_epoch // 8)
    plan = _Plan(
        steps_per_epoch,
        settings["batch_size"],
        target,
        positive_int(eval_every, "eval_every"),
        quiet,
        epochs,
        test_each_epoch,
    )
    history = History(model.name, images_per_epoch=len(x_train), settings=settings)
    with _training_task(progress, _summary(model.name, epochs, len(x_train), target)) as task:
        task.start(epochs * len(x_train), "images", note="starting")
        if seed is not None:
            make_deterministic(seed, ops=deterministic)
            reinitialize(model, seed)
        _fit(model, (x_train, y_train), test_data, history, plan, task)
    return history


def _fit(model: Any, train_data: Any, test_data: Any, history: History, plan: _Plan, task: Task) -> None:
    """Compile and fit in train()'s precision, recording into ``history`` and ``task``."""
    (x_train, y_train), (x_test, y_test) = train_data, test_data
    settings = history.settings
    saved = _compute_in(model, settings["precision"])
    try:
        _compile(model, settings, plan.steps_per_epoch * plan.epochs)
        labels = np.asarray(y_train).astype("int32")
        seed = settings["seed"]
        batches = pipeline(x_train, labels, settings["batch_size"], seed if seed is not None else 0)
        callbacks = _recorder(history, _TestSet(model, x_test, y_test), plan, task)
        # shuffle=False: the dataset shuffles itself, with the seed
        model.fit(batches, epochs=plan.epochs, shuffle=False, verbose=0, callbacks=callbacks)
    finally:
        for layer, policy in saved:
            layer.dtype_policy = policy


def _train_settings(
    epochs, batch_size, seed, learning_rate, steps_per_execution, jit_compile
) -> dict[str, Any]:
    """train()'s optimiser settings checked, as the History records them."""
    positive_int(epochs, "epochs")
    if not real_number(learning_rate, "learning_rate") > 0:
        raise ValueError(f"learning_rate={learning_rate!r} is not allowed: it must be a positive number")
    steps = positive_int(steps_per_execution, "steps_per_execution")
    return {
        "batch_size": int_range(positive_int(batch_size, "batch_size"), "batch_size", 1, INT32_MAX),
        "learning_rate": learning_rate,
        "jit_compile": jit_compile,
        "steps_per_execution": int_range(
            steps, "steps_per_execution", 1, INT32_MAX, "TensorFlow counts steps in 32-bit integers"
        ),
        "seed": seed,
    }


def _run_settings(
    stop_at_accuracy, deterministic, precision, warmup, seed, jit_compile, test_each_epoch
) -> tuple[dict[str, Any], float | None]:
    """train()'s precision and determinism, checked, its settings as the History records them,
    and the stopping target (train() checks the warmup once it knows the steps)."""
    if precision not in PRECISIONS:
        raise ValueError(f"precision={precision!r} is not allowed: use one of {', '.join(PRECISIONS)}")
    if deterministic and jit_compile:
        raise ValueError(
            "jit_compile=True is not allowed with deterministic=True: Keras does not compile with "
            "XLA while TensorFlow's op determinism is on"
        )
    if deterministic and seed is None:
        raise ValueError("seed=None is not allowed with deterministic=True: a repeatable run needs a seed")
    if precision == "auto":
        precision = "mixed_bfloat16" if native_bfloat16() else "float32"
    target = None if stop_at_accuracy is None else fraction(stop_at_accuracy, "stop_at_accuracy")
    if not isinstance(test_each_epoch, bool):
        raise ValueError(f"test_each_epoch={test_each_epoch!r} is not allowed: give True or False")
    if not test_each_epoch and target is not None:
        raise ValueError(
            "stop_at_accuracy is not allowed with test_each_epoch=False: stopping needs the test checks"
        )
    return {"warmup": warmup, "precision": precision, "deterministic": deterministic}, target


def _train_data(data: Any, train_images: int | None, model: Any) -> tuple[tuple[Any, Any], tuple[Any, Any]]:
    """((x_train, y_train), (x_test, y_test)), each set non-empty with a label per image,
    each label one of the model's classes; the training set cut to ``train_images``."""
    try:
        (x_train, y_train), (x_test, y_test) = data
        counts = {"training": (len(x_train), len(y_train)), "test": (len(x_test), len(y_test))}
    except (TypeError, ValueError):
        raise ValueError(
            f"data={brief(data)} is not allowed: give ((x_train, y_train), (x_test, y_test)), "
            "as load_mnist() returns it"
        ) from None
    for name, (images, labels) in counts.items():
        if images == 0:
            raise ValueError(f"data is not allowed: its {name} set is empty")
        if images != labels:
            raise ValueError(f"data is not allowed: its {name} set has {images} images and {labels} labels")
    if train_images is not None:
        train_images = int_range(train_images, "train_images", 1, len(x_train))
        x_train, y_train = x_train[:train_images], y_train[:train_images]
    classes = _classes(model)
    class_labels(y_train, classes, "y_train")
    class_labels(y_test, classes, "y_test")
    return (x_train, y_train), (x_test, y_test)


def _classes(model: Any) -> int | None:
    """The number of classes a one-output model tells apart (its output's last size), if known."""
    outputs = getattr(model, "outputs", None) or []
    size = outputs[0].shape[-1] if len(outputs) == 1 and len(outputs[0].shape) > 1 else None
    return int(size) if size is not None else None


def _compile(model: Any, settings: dict[str, Any], steps: int) -> None:
    """Adam on the warm-up and cosine schedule, sparse cross-entropy, accuracy."""
    schedule = _schedule(settings["learning_rate"], steps, settings["warmup"])
    model.compile(
        optimizer=load_keras().optimizers.Adam(schedule),
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
        steps_per_execution=settings["steps_per_execution"],
        jit_compile=settings["jit_compile"],
    )


def evaluate(model: Any, data: Any) -> float:
    """Test accuracy of a trained model on ``data``, as ``load_mnist()`` returns it."""
    _, (x_test, y_test) = _train_data(data, None, keras_model(model))
    test = _TestSet(model, x_test, y_test)
    return test.evaluate()[1]
