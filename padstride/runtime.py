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
    load_keras()


# The oldest Keras whose behaviour the package reproduces: Keras 3.13 and older return a map
# where a kernel does not fit (instead of refusing) and skip the output_padding check; 3.14 and
# older refuse strides with dilation in SeparableConv2D and DepthwiseConv2D.
OLDEST_KERAS = (3, 15)


class KerasTooOld(RuntimeError):
    """The installed Keras is older than the one whose behaviour padstride reproduces. In a
    notebook it shows as its message alone, without a traceback."""

    def _render_traceback_(self) -> list[str]:  # IPython shows these lines instead of a traceback
        return [f"{type(self).__name__}: {self}"]


def check_keras_version(version: str) -> str:
    """Return ``version`` if it is Keras 3.15 or newer; refuse an older Keras by name, saying
    what to install and that a running kernel must be restarted to use it.

    >>> check_keras_version("3.15.1")
    '3.15.1'
    >>> check_keras_version("3.12.4")
    Traceback (most recent call last):
    ...
    padstride.runtime.KerasTooOld: padstride needs Keras 3.15 or newer, and this Python has Keras 3.12.4. Install it with pip install -U 'keras>=3.15' (in a notebook: %pip install -U 'keras>=3.15'; Keras 3.15 needs Python 3.11 or newer), then restart the kernel (in Jupyter: Kernel → Restart Kernel) so that the new Keras is the one imported. Without it, padstride's size arithmetic, pad() and reference_conv2d() still work.
    """
    major_minor = tuple(int(number) for number in re.findall(r"\d+", version)[:2])
    if major_minor < OLDEST_KERAS:
        oldest = ".".join(map(str, OLDEST_KERAS))
        raise KerasTooOld(
            f"padstride needs Keras {oldest} or newer, and this Python has Keras {version}. Install it "
            f"with pip install -U 'keras>={oldest}' (in a notebook: %pip install -U 'keras>={oldest}'; "
            f"Keras {oldest} needs Python 3.11 or newer), then restart the kernel (in Jupyter: Kernel → "
            "Restart Kernel) so that the new Keras is the one imported. Without it, padstride's size "
            "arithmetic, pad() and reference_conv2d() still work."
        )
    return version


def load_keras() -> ModuleType:
    """Return the ``keras`` module, importing TensorFlow quietly the first time."""
    if "keras" not in sys.modules:
        os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
        with _silenced_stderr():
            import keras as _keras  # noqa: F401
            import tensorflow  # noqa: F401
    import keras as module

    check_keras_version(module.__version__)
    return module
