import atexit
import contextlib
import os
import sys

import pytest
from hypothesis import HealthCheck, settings

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

# Each example builds and runs real Keras layers: bounded, and no deadline (the first
# TensorFlow call of a process is slow).
settings.register_profile(
    "padstride",
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    derandomize=True,
)
settings.load_profile("padstride")


@pytest.fixture(scope="session")
def keras():
    from padstride.runtime import load_keras as load

    return load()


# Tests marked slow (each builds a keras.applications model) run with --run-slow, or with
# PADSTRIDE_SLOW=1; otherwise they are skipped and say so.
def pytest_addoption(parser):
    parser.addoption("--run-slow", action="store_true", help="also run the tests marked slow")


def pytest_configure(config):
    config.addinivalue_line("markers", "slow: builds keras.applications models (seconds each); --run-slow")
    if os.environ.get("PYTEST_XDIST_WORKER"):
        # A worker reaches Python's exit only after it has sent every result. Tearing down
        # TensorFlow and the hundreds of thousands of objects the tests made then takes about
        # 2 s, which the run would wait for: leave at once instead. (Coverage collected in a
        # worker at exit would be lost; this project collects none.)
        atexit.register(_leave_now)


def _leave_now():
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):  # a stream may be closed by now
            stream.flush()
    os._exit(0)


# The modules whose tests take seconds each (training, fresh processes, keras.applications),
# heaviest first. They run first, so that the last tests either worker takes are short ones
# and the two workers finish together.
HEAVY_FIRST = (
    "test_training.py",
    "test_bars.py",
    "test_model_commands.py",
    "test_pitfalls.py",
    "test_sources.py",
    "test_models.py",
    "test_probes.py",
    "test_animation.py",
    "test_onnx.py",
    "test_port.py",
)


def _weight(item):
    name = item.path.name
    return HEAVY_FIRST.index(name) if name in HEAVY_FIRST else len(HEAVY_FIRST)


def pytest_collection_modifyitems(config, items):
    items.sort(key=_weight)  # stable: each module keeps its own order
    if config.getoption("--run-slow") or os.environ.get("PADSTRIDE_SLOW") == "1":
        return
    skip = pytest.mark.skip(reason="slow: run with --run-slow or PADSTRIDE_SLOW=1")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)
