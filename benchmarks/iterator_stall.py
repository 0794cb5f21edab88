"""The stall after the last epoch: fit() returning seconds after on_train_end, before and after.

    .venv/bin/python benchmarks/iterator_stall.py [--runs 8] [--epochs 5]

Each run, in a fresh process, fits the strided MNIST model on the in-memory pipeline train()
used to build (from_tensor_slices → shuffle(60000) → batch(128) → prefetch, repeated
``--epochs`` times so that one iterator lives ten seconds or more; the test set as validation
data, batches of 1000) and measures the time from Keras' ``on_train_end`` until ``fit()``
returns. "before" is that pipeline as it was, with
tf.data's autotuning on (the default, which prefetch(AUTOTUNE) relies on); "after" is the same
pipeline with ``options.autotune.enabled = False`` and a fixed prefetch buffer, as train()
builds it now. Runs alternate before/after so that the machine's load touches both alike.

What happens: with autotuning on, the iterator owns a thread ("tf_data_model") that re-tunes
the pipeline, sleeping 10 ms, 20 ms, 40 ms, ... between tunings (the sleep doubles, up to
60 s). When fit() returns, its last reference to the iterator goes; the iterator's destructor
cancels that thread and joins it. In the runs that stall, the thread has slept through the
cancellation and is joined only when its current sleep ends, so fit() returns at the next
boundary, about 10 × (2^n − 1) ms after the first batch (…, 5.1 s, 10.2 s, 20.5 s, 41 s, 82 s,
plus the time each tuning took). Whether a run stalls is a race; the stall is as long as the
rest of the sleep. The script prints when each fit() returned, counted from its first batch.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time


def _run_here(autotune: bool, epochs: int) -> None:
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    from padstride import load_mnist, mnist_variant
    from padstride.runtime import load_keras

    k = load_keras()
    import tensorflow as tf

    (x, y), (x_test, y_test) = load_mnist()
    x, x_test = x[..., None].astype("float32") / 255, x_test[..., None].astype("float32") / 255
    ds = tf.data.Dataset.from_tensor_slices((x, y.astype("int32"))).shuffle(len(x), seed=0)
    ds = ds.batch(128).repeat(epochs)
    test = tf.data.Dataset.from_tensor_slices((x_test, y_test.astype("int32"))).batch(1000)
    if autotune:
        ds, test = ds.prefetch(tf.data.AUTOTUNE), test.prefetch(tf.data.AUTOTUNE)
    else:
        options = tf.data.Options()
        options.autotune.enabled = False
        ds, test = ds.prefetch(2).with_options(options), test.prefetch(2).with_options(options)
    times: dict[str, float] = {}

    class Clock(k.callbacks.Callback):
        def on_train_batch_begin(self, batch, logs=None):
            times.setdefault("first", time.perf_counter())

        def on_train_end(self, logs=None):
            times["end"] = time.perf_counter()

    k.utils.set_random_seed(0)
    model = mnist_variant("stride")
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", steps_per_execution=16)
    model.fit(ds, validation_data=test, epochs=1, verbose=0, callbacks=[Clock()])
    returned = time.perf_counter()
    print(
        json.dumps(
            {
                "fit": times["end"] - times["first"],
                "stall": returned - times["end"],
                "returned": returned - times["first"],
            }
        )
    )


def _run(autotune: bool, epochs: int) -> dict:
    run = subprocess.run(
        [sys.executable, __file__, "--child", "on" if autotune else "off", "--epochs", str(epochs)],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(run.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=8, help="runs of each kind (default 8)")
    parser.add_argument("--epochs", type=int, default=5, help="passes over the data in one fit() (default 5)")
    parser.add_argument("--child", choices=["on", "off"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _run_here(args.child == "on", args.epochs)
        return
    results: dict[str, list[float]] = {"before": [], "after": []}
    for run in range(1, args.runs + 1):
        for kind, autotune in (("before", True), ("after", False)):
            load = " ".join(f"{v:.1f}" for v in os.getloadavg())
            r = _run(autotune, args.epochs)
            results[kind].append(r["stall"])
            print(
                f"run {run} {kind:<6} training {r['fit']:5.1f} s, then {r['stall']:5.2f} s from "
                f"on_train_end to the return of fit() (returned {r['returned']:.1f} s after the "
                f"first batch) [load {load}]",
                flush=True,
            )
    for kind, stalls in results.items():
        count = sum(s > 0.5 for s in stalls)
        print(f"{kind:<6}: {count} of {len(stalls)} runs stalled over 0.5 s; longest {max(stalls):.2f} s")


if __name__ == "__main__":
    main()
