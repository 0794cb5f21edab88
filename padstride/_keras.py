"""Import Keras once, quietly.

TensorFlow writes start-up lines (oneDNN, CUDA drivers) straight to the process'
standard error before any logging set-up can stop them; they mean nothing to a
learner, so the import runs with file descriptor 2 pointed at /dev/null.
"""

from __future__ import annotations

import contextlib
import os
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


def keras() -> ModuleType:
    """Return the ``keras`` module, importing TensorFlow quietly the first time."""
    if "keras" not in sys.modules:
        os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
        with _silenced_stderr():
            import keras as _keras  # noqa: F401
            import tensorflow  # noqa: F401
    import keras as module

    return module
