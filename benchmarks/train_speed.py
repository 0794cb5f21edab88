"""Training speed of the seed's MNIST models on this machine's CPU.

    .venv/bin/python benchmarks/train_speed.py [--models stride valid] [--skip-naive]

For each model it prints, in one run:
- the naive baseline: the seed notebook's plain code (model.fit on NumPy arrays, batch 32,
  Adam's defaults), one epoch;
- padstride's train() settings: time until the test accuracy first reaches 98.5 % (wall
  clock, compilation and the per-epoch evaluation included), images per second, achieved
  GFLOP/s, and that as a fraction of a float32 matrix-multiply peak measured in the same run.

Each measurement runs in a fresh Python process, so one cannot slow the next (a fast run
right after a naive one in the same process was seen to lose some 13 s outside its epochs).
Training FLOPs per image are taken as 3 × the forward FLOPs from explain() (the backward
pass costs about twice the forward one). Numbers vary from run to run by a few per cent;
they are a measurement, not a test.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time

TARGET = 0.985


def matmul_peak_gflops(keras_module, n: int = 2048, repeats: int = 10) -> float:
    """Best float32 matrix-multiply rate over a few tries, in GFLOP/s."""
    import tensorflow as tf

    a = tf.random.normal((n, n), dtype=tf.float32)
    b = tf.random.normal((n, n), dtype=tf.float32)
    tf.linalg.matmul(a, b).numpy()  # warm up
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        tf.linalg.matmul(a, b).numpy()
        best = min(best, time.perf_counter() - start)
    return 2 * n**3 / best / 1e9


def naive_epoch(variant: str, data) -> tuple[float, float]:
    """The seed notebook's way: fit on arrays, batch 32, default Adam; seconds and accuracy."""
    from padstride import mnist_variant
    from padstride._keras import keras

    k = keras()
    k.utils.clear_session()
    k.utils.set_random_seed(0)
    (x_train, y_train), (x_test, y_test) = data
    model = mnist_variant(variant)
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    x = x_train[..., None].astype("float32") / 255
    start = time.perf_counter()
    model.fit(x, y_train, batch_size=32, epochs=1, verbose=0)
    seconds = time.perf_counter() - start
    _, accuracy = model.evaluate(x_test[..., None].astype("float32") / 255, y_test, verbose=0)
    return seconds, accuracy


def fast_run(variant: str, data, max_epochs: int = 5):
    from padstride import explain, mnist_variant, train
    from padstride._keras import keras

    keras().utils.clear_session()
    model = mnist_variant(variant)
    flops = explain(model).flops
    start = time.perf_counter()
    history = train(model, data, epochs=max_epochs, seed=0, quiet=True, stop_at_accuracy=TARGET)
    wall = time.perf_counter() - start
    reached = history.final.val_accuracy >= TARGET
    steady = history.rows[1:] or history.rows  # leave out the first epoch's tracing where possible
    seconds = sum(r.seconds for r in steady) / len(steady)
    images_per_second = history.images_per_epoch / seconds
    return {
        "history": history,
        "wall": wall,
        "reached": reached,
        "epochs": len(history.rows),
        "images_per_second": images_per_second,
        "gflops": 3 * flops * images_per_second / 1e9,
    }


def _measure(kind: str, variant: str) -> dict:
    """Run one measurement in a fresh process and return what it printed as JSON."""
    run = subprocess.run(
        [sys.executable, __file__, "--measure", kind, variant], capture_output=True, text=True, check=True
    )
    return json.loads(run.stdout.strip().splitlines()[-1])


def _measure_here(kind: str, variant: str) -> None:
    from padstride import load_mnist
    from padstride._keras import keras

    k = keras()
    data = load_mnist()
    if kind == "peak":
        print(json.dumps({"peak": matmul_peak_gflops(k)}))
    elif kind == "naive":
        seconds, accuracy = naive_epoch(variant, data)
        print(json.dumps({"seconds": seconds, "accuracy": accuracy}))
    else:
        run = fast_run(variant, data)
        history = run.pop("history")
        print(json.dumps({**run, "table": history.table()}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--models", nargs="+", default=["stride", "valid"], choices=["valid", "same", "stride"]
    )
    parser.add_argument("--skip-naive", action="store_true", help="leave out the naive baseline")
    parser.add_argument("--measure", nargs=2, metavar=("KIND", "MODEL"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        _measure_here(*args.measure)
        return

    from padstride._keras import keras

    k = keras()
    import tensorflow as tf

    print(f"machine: {platform.machine()}, {os.cpu_count()} CPUs, {platform.platform()}")
    print(f"versions: Python {platform.python_version()}, TensorFlow {tf.__version__}, Keras {k.__version__}")
    peak = _measure("peak", "-")["peak"]
    print(f"float32 matmul peak (2048×2048, best of 10): {peak:.1f} GFLOP/s\n")
    for variant in args.models:
        if not args.skip_naive:
            naive = _measure("naive", variant)
            print(
                f"{variant:<7} naive: one epoch {naive['seconds']:.1f} s ({60000 / naive['seconds']:,.0f} images/s), "
                f"test accuracy {naive['accuracy']:.4f}"
            )
        run = _measure("fast", variant)
        state = (
            f"reached {TARGET:.1%} after {run['epochs']} epoch(s)"
            if run["reached"]
            else "did NOT reach target"
        )
        print(
            f"{variant:<7} fast:  {state} in {run['wall']:.1f} s wall clock; "
            f"{run['images_per_second']:,.0f} images/s, {run['gflops']:.1f} GFLOP/s "
            f"= {run['gflops'] / peak:.0%} of the matmul peak"
        )
        print(run["table"])
        print()


if __name__ == "__main__":
    main()
