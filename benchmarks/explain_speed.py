"""How long explain() and receptive_field() take on keras.applications models, once built.

    .venv/bin/python benchmarks/explain_speed.py [--models ResNet50 VGG16] [--repeats 5]

Each model is built once with weights=None (the build time is printed too, for scale);
then explain() and receptive_field() run ``--repeats`` times and the best time is printed.
Both are shape arithmetic over the layer graph: no image goes through the model. A
measurement, not a test.
"""

from __future__ import annotations

import argparse
import os
import platform
import time
import warnings

MODELS = ["VGG16", "ResNet50", "MobileNetV2", "DenseNet121", "InceptionV3", "EfficientNetB0"]


def best_of(repeats: int, work) -> float:
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        work()
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", nargs="+", default=MODELS)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()

    from padstride import explain, receptive_field
    from padstride.runtime import load_keras

    k = load_keras()
    import tensorflow as tf

    print(f"machine: {platform.machine()}, {os.cpu_count()} CPUs, {platform.platform()}")
    print(f"versions: Python {platform.python_version()}, TensorFlow {tf.__version__}, Keras {k.__version__}")
    print(f"{'model':<16} {'layers':>6} {'build':>8} {'explain':>9} {'receptive_field':>16}")
    for name in args.models:
        k.utils.clear_session()
        start = time.perf_counter()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            model = getattr(k.applications, name)(weights=None)
        build = time.perf_counter() - start
        explained = best_of(args.repeats, lambda model=model: explain(model))
        fields = best_of(args.repeats, lambda model=model: receptive_field(model))
        print(
            f"{name:<16} {len(model.layers):>6} {build:>7.2f}s {explained * 1000:>7.1f}ms {fields * 1000:>14.1f}ms"
        )


if __name__ == "__main__":
    main()
