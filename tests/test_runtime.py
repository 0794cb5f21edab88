"""An older Keras: refused by name, with what to install and that the kernel must restart;
what needs no Keras still works."""

import subprocess
import sys

import pytest

from padstride.runtime import KerasTooOld, check_keras_version

OLD_KERAS = """
import sys, types
keras = types.ModuleType("keras")
keras.__version__ = "3.13.2"
sys.modules["keras"] = keras
sys.modules["tensorflow"] = types.ModuleType("tensorflow")

import numpy as np
import padstride
from padstride import conv_output_size, pad, reference_conv2d, line_image, line_kernel, same_padding

print(conv_output_size(28, 3, strides=2, padding="same"), same_padding(28, 3, strides=2))
print(pad(np.arange(4.0).reshape(2, 2), 1, mode="reflect").shape, reference_conv2d(line_image(), line_kernel(3)).shape)
try:
    padstride.quiet_tensorflow()
except Exception as error:
    print(f"{type(error).__name__}: {error}")
"""


def test_an_older_keras_is_named_with_what_to_install_and_the_kernel_restart():
    from IPython.core.interactiveshell import InteractiveShell
    from IPython.utils.capture import capture_output

    with pytest.raises(KerasTooOld) as info:
        check_keras_version("3.13.2")
    message = str(info.value)
    assert "this Python has Keras 3.13.2" in message and "pip install -U 'keras>=3.15'" in message
    assert "%pip install -U 'keras>=3.15'" in message and "then restart the kernel" in message
    shell = InteractiveShell.instance()
    with capture_output() as shown:
        shell.run_cell("from padstride.runtime import check_keras_version\ncheck_keras_version('3.13.2')")
    assert shown.stdout.strip() == f"KerasTooOld: {message}"  # IPython shows this line, not a traceback
    assert check_keras_version("3.15.0") == "3.15.0" and check_keras_version("4.0.0.dev1") == "4.0.0.dev1"


def test_with_an_older_keras_the_arithmetic_pad_and_numpy_convolution_still_run():
    out = subprocess.run([sys.executable, "-c", OLD_KERAS], capture_output=True, text=True, check=True).stdout
    lines = out.splitlines()
    assert lines[:2] == ["14 (0, 1)", "(4, 4) (6, 6)"]
    assert lines[2].startswith(
        "KerasTooOld: padstride needs Keras 3.15 or newer, and this Python has Keras 3.13.2"
    )
