"""Time to 98.5 % test accuracy for the MNIST models on this machine's CPU.

    .venv/bin/python benchmarks/train_speed.py [--runs 5] [--models stride valid]
    .venv/bin/python benchmarks/train_speed.py --levers [--runs 3] [--models stride valid]
    .venv/bin/python benchmarks/train_speed.py --fixed [--runs 5] [--models stride valid]

Every measurement runs in a fresh Python process; the time is the wall clock from the call
until it returns, everything included (compilation, the data pipeline, every test-set
evaluation, the tear-down). Configurations are interleaved (A B A B ...) so that the load of
other programs on the machine touches them alike, and the load averages are printed with
every run. The summary gives the median and the maximum of each configuration.

- naive: the plain Keras code of the first notebooks: compile with Adam's defaults,
  ``model.fit`` on NumPy arrays with batch 32 for one epoch, ``model.evaluate`` on the test
  set.
- train(): padstride's ``train(model, data, epochs=BUDGET, stop_at_accuracy=0.985)`` with its
  default settings; BUDGET (the epochs its learning-rate schedule spans) is 2 for the strided
  model and 1 for the others.

``--fixed`` is the headline: a fixed budget (FIXED_BUDGET epochs, the test set evaluated once,
after the last one, so nothing is chosen by it), one run per seed, the mean and the minimum
accuracy over the seeds; beside it, in the same rounds, the naive code and the early-stopping
run above (which does look at the test set). It ends with the compute floor: the training FLOPs
(3 × the forward FLOPs per image from ``explain``, × the images) over this CPU's measured matmul
peak in bfloat16 and float32.

``--levers`` switches one setting of train() at a time away from the defaults and reports the
same medians, for the table in benchmarks/README.md. These are measurements, not tests.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import statistics
import subprocess
import sys
import time

TARGET = 0.985
BUDGET = {"stride": 2, "valid": 1, "same": 1}
# Epochs of the fixed-budget runs: the fewest whose final accuracy is >= 98.5 % for every seed
# tried (stride: 2 epochs gave 98.36-98.69 % over seeds 0-4, 3 epochs 98.67-98.91 %).
FIXED_BUDGET = {"stride": 3, "valid": 1, "same": 1}
FLAGS_SHOWN = ("avx2", "avx512f", "avx512_vnni", "avx512_bf16", "amx_tile", "amx_bf16", "amx_int8")

# name → (train() options, child settings); the first is the default configuration.
LEVERS: dict[str, tuple[dict, dict]] = {
    "defaults": ({}, {}),
    "stop only at epoch ends": ({"eval_every": 10**9}, {}),
    "check test set every 1/8 epoch, no training-accuracy gate": ({}, {"check_margin": 1.0}),
    "float32 instead of bfloat16": ({"precision": "float32"}, {}),
    "batch 64": ({"batch_size": 64}, {}),
    "batch 256": ({"batch_size": 256}, {}),
    "peak learning rate 1e-3": ({"learning_rate": 1e-3}, {}),
    "peak learning rate 6e-3": ({"learning_rate": 6e-3}, {}),
    "warm-up over 10 % of the steps": ({"warmup": 0.1}, {}),
    "schedule spans 1 more epoch": ({"epochs": "+1"}, {}),
    "deterministic=True (op determinism)": ({"deterministic": True}, {}),
    "XLA (jit_compile=True)": ({"jit_compile": True}, {}),
    "steps_per_execution 1 instead of 16": ({"steps_per_execution": 1}, {}),
    "threads: intra-op 2, inter-op 1": ({}, {"threads": [2, 1]}),
    "threads: intra-op 1, inter-op 1": ({}, {"threads": [1, 1]}),
}


def _naive(variant: str, data, seed: int = 0) -> dict:
    from padstride import mnist_variant
    from padstride.runtime import load_keras

    k = load_keras()
    k.utils.set_random_seed(seed)
    (x_train, y_train), (x_test, y_test) = data
    model = mnist_variant(variant)
    x = x_train[..., None].astype("float32") / 255
    xt = x_test[..., None].astype("float32") / 255
    start = time.perf_counter()
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    model.fit(x, y_train, batch_size=32, epochs=1, verbose=0)
    _, accuracy = model.evaluate(xt, y_test, verbose=0)
    wall = time.perf_counter() - start
    return {"wall": wall, "accuracy": float(accuracy), "images": len(x), "reached": accuracy >= TARGET}


def _train(variant: str, data, options: dict, check_margin: float | None) -> dict:
    import padstride.mnist.training as training
    from padstride import mnist_variant

    if check_margin is not None:
        training.CHECK_MARGIN = check_margin
    options = dict(options)
    epochs = BUDGET[variant]
    if options.get("epochs") == "+1":
        epochs += 1
    options["epochs"] = epochs
    model = mnist_variant(variant)
    start = time.perf_counter()
    history = training.train(model, data, seed=0, quiet=True, stop_at_accuracy=TARGET, **options)
    wall = time.perf_counter() - start
    final = history.final
    return {
        "wall": wall,
        "accuracy": final.val_accuracy,
        "loss": final.loss,
        "images": final.images,
        "reached": final.val_accuracy >= TARGET,
        "settings": history.settings,
        "table": history.table(),
    }


def _fixed(variant: str, data, seed: int) -> dict:
    """train() for FIXED_BUDGET epochs, the test set evaluated once at the end."""
    from padstride import explain, mnist_variant, train

    model = mnist_variant(variant)
    start = time.perf_counter()
    history = train(model, data, epochs=FIXED_BUDGET[variant], seed=seed, quiet=True, test_each_epoch=False)
    wall = time.perf_counter() - start
    final = history.final
    return {
        "wall": wall,
        "accuracy": final.val_accuracy,
        "images": final.images,
        "reached": final.val_accuracy >= TARGET,
        "test_checks": len(history.evaluations),
        "forward_flops": explain(model).flops,
        "precision": history.settings["precision"],
    }


def _matmul_peak(dtype: str, n: int = 2048, repeats: int = 20) -> dict:
    """The best of ``repeats`` timed n×n matmuls (after a warm-up), in GFLOP/s."""
    import tensorflow as tf

    a = tf.random.normal((n, n), dtype="float32")
    a = tf.cast(a, dtype)
    product = tf.function(lambda x: tf.matmul(x, x))
    product(a).numpy()
    best = math.inf
    for _ in range(repeats):
        start = time.perf_counter()
        product(a).numpy()
        best = min(best, time.perf_counter() - start)
    return {"dtype": dtype, "gflops": 2 * n**3 / best / 1e9}


def _child(spec: dict) -> None:
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    from padstride.runtime import load_keras

    load_keras()
    if spec.get("threads"):
        import tensorflow as tf

        intra, inter = spec["threads"]
        tf.config.threading.set_intra_op_parallelism_threads(intra)
        tf.config.threading.set_inter_op_parallelism_threads(inter)
    from padstride import load_mnist

    if spec["kind"] == "peak":
        print(json.dumps(_matmul_peak(spec["dtype"])))
        return
    data = load_mnist()
    if spec["kind"] == "naive":
        result = _naive(spec["variant"], data, spec.get("seed", 0))
    elif spec["kind"] == "fixed":
        result = _fixed(spec["variant"], data, spec["seed"])
    else:
        result = _train(spec["variant"], data, spec.get("options", {}), spec.get("check_margin"))
    print(json.dumps(result))


def measure(spec: dict) -> dict:
    """One measurement in a fresh process, with the load averages before it."""
    load = os.getloadavg()
    run = subprocess.run(
        [sys.executable, __file__, "--child", json.dumps(spec)], capture_output=True, text=True
    )
    if run.returncode != 0:
        tail = run.stderr.strip().splitlines()[-1:] or ["(no message)"]
        return {"error": tail[0], "load": load}
    return {**json.loads(run.stdout.strip().splitlines()[-1]), "load": load}


def machine() -> str:
    from padstride.mnist.training import cpu_info
    from padstride.runtime import load_keras

    k = load_keras()
    import tensorflow as tf

    name, flags = cpu_info()
    shown = ", ".join(f for f in FLAGS_SHOWN if f in flags) or "none of " + ", ".join(FLAGS_SHOWN)
    return (
        f"CPU: {name or platform.processor() or 'unknown'}, {os.cpu_count()} logical CPUs; flags: {shown}\n"
        f"system: {platform.platform()}; Python {platform.python_version()}, "
        f"TensorFlow {tf.__version__}, Keras {k.__version__}"
    )


def _load(load: tuple[float, float, float]) -> str:
    return "load " + " ".join(f"{v:.1f}" for v in load)


def _summary(name: str, results: list[dict]) -> str:
    good = [r for r in results if "error" not in r]
    if not good:
        return f"{name}: every run failed ({results[0]['error']})"
    walls = [r["wall"] for r in good]
    reached = sum(r["reached"] for r in good)
    accuracies = [r["accuracy"] for r in good]
    images = statistics.median(r["images"] for r in good)
    rate = statistics.median(r["images"] / r["wall"] for r in good)
    return (
        f"{name}: median {statistics.median(walls):.1f} s, max {max(walls):.1f} s "
        f"over {len(good)} runs; reached {TARGET:.1%} in {reached}/{len(good)}; "
        f"accuracy {min(accuracies):.4f}–{max(accuracies):.4f}; median {images:,.0f} images, "
        f"{rate:,.0f} images per second of the whole call"
    )


def _print_run(label: str, result: dict) -> None:
    if "error" in result:
        print(f"  {label}: FAILED ({result['error']}) [{_load(result['load'])}]", flush=True)
        return
    print(
        f"  {label}: {result['wall']:.1f} s, accuracy {result['accuracy']:.4f} after "
        f"{result['images']:,} images [{_load(result['load'])}]",
        flush=True,
    )


def speed_table(models: list[str], runs: int) -> None:
    results: dict[tuple[str, str], list[dict]] = {}
    for run in range(1, runs + 1):
        print(f"round {run} of {runs}", flush=True)
        for variant in models:
            for kind in ("naive", "train"):
                result = measure({"kind": kind, "variant": variant})
                results.setdefault((variant, kind), []).append(result)
                _print_run(f"{variant} {kind}", result)
    print(f"\nafter the runs: {_load(os.getloadavg())}\n")
    for variant in models:
        naive, fast = results[(variant, "naive")], results[(variant, "train")]
        print(_summary(f"{variant} naive (1 epoch, batch 32)", naive))
        print(_summary(f"{variant} train()", fast))
        good = [r["wall"] for r in naive if "error" not in r], [r["wall"] for r in fast if "error" not in r]
        if all(good):
            print(
                f"{variant}: naive median / train() median = {statistics.median(good[0]) / statistics.median(good[1]):.1f}"
            )
        settings = next((r["settings"] for r in fast if "settings" in r), None)
        if settings:
            print(f"{variant} train() settings: {settings}")
        print()


def _mean_min(results: list[dict]) -> str:
    accuracies = [r["accuracy"] for r in results if "error" not in r]
    return f"accuracy mean {statistics.mean(accuracies):.2%}, min {min(accuracies):.2%} over {len(accuracies)} seeds"


def fixed_table(models: list[str], runs: int) -> None:
    """The headline: fixed-budget runs, one per seed, with the naive code and early stopping."""
    kinds = ("naive", "fixed", "train")
    results: dict[tuple[str, str], list[dict]] = {}
    for seed in range(runs):
        print(f"round {seed + 1} of {runs} (seed {seed})", flush=True)
        for variant in models:
            for kind in kinds:
                result = measure({"kind": kind, "variant": variant, "seed": seed})
                results.setdefault((variant, kind), []).append(result)
                _print_run(f"{variant} {kind}", result)
    peaks = {dtype: measure({"kind": "peak", "dtype": dtype}) for dtype in ("bfloat16", "float32")}
    print(f"\nafter the runs: {_load(os.getloadavg())}\n")
    for dtype, peak in peaks.items():
        print(f"matmul peak, {dtype}: {peak.get('gflops', float('nan')):.0f} GFLOP/s (2048×2048, best of 20)")
    print()
    for variant in models:
        naive, fixed = results[(variant, "naive")], results[(variant, "fixed")]
        print(_summary(f"{variant} naive (1 epoch, batch 32, seed as the round)", naive))
        print(f"    {_mean_min(naive)}")
        print(_summary(f"{variant} train(), fixed budget of {FIXED_BUDGET[variant]} epochs", fixed))
        print(f"    {_mean_min(fixed)}; test set evaluated once per run")
        print(
            _summary(
                f"{variant} train(), stopping at {TARGET:.1%} (uses the test set)",
                results[(variant, "train")],
            )
        )
        good = [r for r in fixed if "error" not in r]
        if good:
            wall = statistics.median(r["wall"] for r in good)
            work = 3 * good[0]["forward_flops"] * good[0]["images"]  # forward + two backward passes
            achieved = work / wall / 1e9
            print(
                f"    compute floor: {work / 1e12:.2f} TFLOP of training "
                f"(3 × {good[0]['forward_flops']:,} FLOPs × {good[0]['images']:,} images) in a median "
                f"{wall:.1f} s = {achieved:.1f} GFLOP/s, computed in {good[0]['precision']}"
            )
            for dtype, peak in peaks.items():
                if "gflops" in peak:
                    print(
                        f"      {dtype} peak {peak['gflops']:.0f} GFLOP/s: floor {work / peak['gflops'] / 1e9:.2f} s, "
                        f"train() runs at {achieved / peak['gflops']:.1%} of it"
                    )
        print()


def lever_table(models: list[str], runs: int, names: list[str]) -> None:
    results: dict[tuple[str, str], list[dict]] = {}
    for run in range(1, runs + 1):
        print(f"round {run} of {runs}", flush=True)
        for variant in models:
            for name in names:
                options, child = LEVERS[name]
                result = measure({"kind": "train", "variant": variant, "options": options, **child})
                results.setdefault((variant, name), []).append(result)
                _print_run(f"{variant} / {name}", result)
    print(f"\nafter the runs: {_load(os.getloadavg())}\n")
    for variant in models:
        for name in names:
            print(_summary(f"{variant} / {name}", results[(variant, name)]))
            losses = {round(r["loss"], 6) for r in results[(variant, name)] if "loss" in r}
            print(f"    final training losses over the runs: {len(losses)} distinct")
        print()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", nargs="+", default=["stride", "valid"], choices=list(BUDGET))
    parser.add_argument("--runs", type=int, default=None, help="rounds (default 5, with --levers 3)")
    parser.add_argument("--levers", action="store_true", help="switch one train() setting at a time")
    parser.add_argument(
        "--fixed", action="store_true", help="fixed budget over seeds, with the compute floor"
    )
    parser.add_argument("--only", nargs="+", choices=list(LEVERS), help="with --levers: these levers")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child(json.loads(args.child))
        return
    print(machine())
    print(f"start: {time.strftime('%Y-%m-%d %H:%M')}, {_load(os.getloadavg())}\n", flush=True)
    if args.levers:
        names = args.only or list(LEVERS)
        if "defaults" not in names:
            names = ["defaults", *names]
        lever_table(args.models, args.runs or 3, names)
    elif args.fixed:
        fixed_table(args.models, args.runs or 5)
    else:
        speed_table(args.models, args.runs or 5)


if __name__ == "__main__":
    main()
