import os

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
    from padstride._keras import keras as load

    return load()
