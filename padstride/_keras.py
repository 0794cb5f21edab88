"""Import Keras once, quietly.

TensorFlow writes start-up lines (oneDNN, CUDA drivers) straight to the process'
standard error before any logging set-up can stop them; they mean nothing to a
learner, so the import runs with file descriptor 2 pointed at /dev/null.
"""

from __future__ import annotations

import contextlib
import os
import re
import sys
from types import ModuleType


@contextlib.contextmanager
def _silenced_stderr():
    # TensorFlow's C++ code writes to descriptor 2 whatever sys.stderr is (in a notebook
    # kernel, descriptor 2 is a pipe to the cell's output).
    fd = 2
    sys.stderr.flush()
    saved = os.dup(fd)
    try:
        with open(os.devnull, "w") as devnull:
            os.dup2(devnull.fileno(), fd)
        yield
    finally:
        os.dup2(saved, fd)
        os.close(saved)


def quiet_tensorflow() -> None:
    """Import TensorFlow and Keras with their C++ start-up lines hidden; later
    ``import keras`` statements then print nothing.

    >>> quiet_tensorflow()  # doctest: +SKIP
    """
    keras()


# The oldest Keras whose behaviour the package reproduces: Keras 3.13 and older return a map
# where a kernel does not fit (instead of refusing) and skip the output_padding check; 3.14 and
# older refuse strides with dilation in SeparableConv2D and DepthwiseConv2D.
OLDEST_KERAS = (3, 15)


def check_keras_version(version: str) -> str:
    """Return ``version`` if it is Keras 3.15 or newer; refuse an older Keras by name.

    >>> check_keras_version("3.15.1")
    '3.15.1'
    >>> check_keras_version("3.12.4")
    Traceback (most recent call last):
    ...
    RuntimeError: padstride needs Keras 3.15 or newer, and this is Keras 3.12.4 (Python 3.11 or newer installs it: pip install 'keras>=3.15')
    """
    major_minor = tuple(int(number) for number in re.findall(r"\d+", version)[:2])
    if major_minor < OLDEST_KERAS:
        oldest = ".".join(map(str, OLDEST_KERAS))
        raise RuntimeError(
            f"padstride needs Keras {oldest} or newer, and this is Keras {version} "
            f"(Python 3.11 or newer installs it: pip install 'keras>={oldest}')"
        )
    return version


def keras() -> ModuleType:
    """Return the ``keras`` module, importing TensorFlow quietly the first time."""
    if "keras" not in sys.modules:
        os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
        with _silenced_stderr():
            import keras as _keras  # noqa: F401
            import tensorflow  # noqa: F401
    import keras as module

    check_keras_version(module.__version__)
    return module
