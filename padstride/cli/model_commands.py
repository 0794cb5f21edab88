"""The ``padstride explain`` and ``padstride receptive`` commands: any Keras model by name.

    padstride explain stride                   one of the MNIST models of notebook 4
    padstride explain MobileNetV2 --input 225  a keras.applications builder, weights=None
    padstride receptive saved.keras --csv      a saved model
    padstride check ResNet50 --json            padding and stride pitfalls; exit 1 on a warning
    padstride port MobileNetV2 --to torch      the explicit zeros that port each layer exactly

Bad input (a missing file, a file that is not a Keras model, an unknown name, an
unsupported layer, a bad --input) raises a ValueError with one line that says what and
why; the command line prints it and exits with status 2.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import warnings
import zipfile
from typing import Any

from ..demo.models import MNIST_VARIANTS, mnist_variant
from .numbers import input_size

MODEL_HELP = (
    "valid, same or stride (the MNIST models), a saved .keras (or .h5) file, or the name of a "
    "keras.applications builder such as ResNet50 or MobileNetV2 (built with weights=None)"
)

INPUT_HELP = (
    "input height and width, e.g. 225 or 225x200 (for keras.applications names, and saved models "
    "whose input size is open)"
)


def add_model_commands(commands: Any) -> None:
    """Add ``explain`` and ``receptive`` to the subparsers of the padstride command."""
    for name, help_text in (
        ("explain", "explain a model layer by layer: shapes, arithmetic, parameters, FLOPs"),
        ("receptive", "receptive field, jump and start of every layer of a model"),
    ):
        command = commands.add_parser(name, help=help_text)
        command.add_argument("model", metavar="MODEL", help=MODEL_HELP)
        command.add_argument(
            "--input",
            type=input_size,
            metavar="SIZE",
            help=INPUT_HELP,
        )
        command.add_argument("--csv", action="store_true", help="comma-separated values instead of a table")
    check = commands.add_parser(
        "check",
        help="padding and stride pitfalls of a model; exit status 1 when a warning is found, 0 when none",
    )
    port = commands.add_parser(
        "port",
        help="per layer, the explicit zeros and the ONNX or PyTorch spelling that gives TensorFlow's output",
    )
    port.add_argument("--to", choices=("onnx", "torch"), required=True, help="the framework to port to")
    for command in (check, port):
        command.add_argument("model", metavar="MODEL", help=MODEL_HELP)
        command.add_argument("--input", type=input_size, metavar="SIZE", help=INPUT_HELP)
        command.add_argument("--json", action="store_true", help="JSON instead of a table")


def run_explain(args: argparse.Namespace) -> str:
    """The text ``padstride explain`` prints."""
    from ..model.explain import explain

    return _report(args, explain)


def run_receptive(args: argparse.Namespace) -> str:
    """The text ``padstride receptive`` prints."""
    from ..model.receptive import receptive_field

    return _report(args, receptive_field)


def run_check(args: argparse.Namespace) -> tuple[str, int]:
    """The text ``padstride check`` prints, and its exit status: 1 when a warning is found."""
    from ..pitfalls import find_pitfalls

    findings = _traced(find_pitfalls, args)
    return (findings.to_json() if args.json else findings.table()), (1 if findings.warnings else 0)


def run_port(args: argparse.Namespace) -> str:
    """The text ``padstride port`` prints."""
    from ..export.port import port

    plan = _traced(port, args, to=args.to)
    return plan.to_json() if args.json else plan.table()


def _report(args: argparse.Namespace, trace: Any) -> str:
    """MODEL traced by ``trace`` (explain or receptive_field), as a table or as CSV."""
    rows = _traced(trace, args)
    return rows.to_csv().rstrip("\n") if args.csv else rows.table()


def _traced(trace: Any, args: argparse.Namespace, **options: Any) -> Any:
    """``trace(model, input_shape=size)`` for the MODEL and --input typed; an input size it
    refuses is worded for the command line, which sets it with ``--input``, not
    ``input_shape``."""
    from ..model.graph import InputShapeError

    model, shape = load_model(args.model, args.input)
    try:
        return trace(model, input_shape=shape, **options)
    except InputShapeError as error:
        if error.given is None:
            raise ValueError(f"{error.problem}; give its size with --input HxW, e.g. --input 224") from None
        if args.input is None:  # the model's own size
            raise ValueError(
                f"the model's own input size is not allowed: {error.problem} with --input"
            ) from None
        height, width = args.input
        raise ValueError(f"--input {height}x{width} is not allowed: {error.problem}") from None


def load_model(name: str, size: tuple[int, int] | None = None) -> tuple[Any, tuple[int, int] | None]:
    """The model MODEL names, and the input_shape to trace it with (None: its own).

    Names are tried in turn: the MNIST models, an existing path (or a name ending in
    .keras or .h5), a keras.applications builder (any capitalisation)."""
    if name in MNIST_VARIANTS:
        if size is not None:
            raise ValueError(
                f"--input is not allowed with {name!r}: the MNIST models take 28×28 images; --input is for "
                "keras.applications names and saved models"
            )
        return mnist_variant(name), None
    if os.path.exists(name) or name.lower().endswith((".keras", ".h5")):
        return _load_file(name), size
    return _build_application(name, size), None


def _load_file(path: str) -> Any:
    if not os.path.exists(path):
        raise ValueError(f"{path}: no such file")
    if os.path.isdir(path):
        raise ValueError(f"{path} is a directory, not a saved Keras model (.keras file)")
    if not os.path.isfile(path):  # a FIFO or a device would be read forever
        raise ValueError(f"{path} is not a regular file, so not a saved Keras model (.keras file)")
    if not path.lower().endswith((".keras", ".h5")):
        raise ValueError(f"{path} is not a saved Keras model: give a .keras file (or a legacy .h5 file)")
    if path.lower().endswith(".keras") and not zipfile.is_zipfile(path):
        raise ValueError(
            f"{path} is not a Keras model file: a .keras file is a zip archive, and this is not one"
        )
    from ..runtime import load_keras

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            model = load_keras().models.load_model(path, compile=False)
    except Exception as error:  # Keras raises many kinds, for many kinds of bad file
        why = _refused_code(path, error) or f"{path} is not a Keras model Keras can load: {_one_line(error)}"
        raise ValueError(why) from None
    if not hasattr(model, "layers"):
        raise ValueError(f"{path} holds a {type(model).__name__}, not a Keras model")
    return model


def _refused_code(path: str, error: BaseException) -> str | None:
    """What Keras refused to load from ``path``, in one line, when it refused code: Python
    code that runs only with ``safe_mode=False`` (a Lambda layer's function), or a custom
    class or function this Python does not know. None for any other failure.

    >>> _refused_code("m.keras", TypeError("Could not locate function 'act'. Make sure ..."))
    "m.keras uses a custom function 'act' that this Python does not know: Keras rebuilds it only where the code that defines it is imported; load the model there and pass it to padstride in Python"
    """
    text = " ".join(" ".join(str(e).split()) for e in _causes(error))
    if "safe_mode=False" in text:
        if "`Lambda` layer" in text:
            names = [repr(name) for kind, name in _saved_layers(path) if kind == "Lambda"]
            named = names if len(names) == 1 else []  # of several, Keras does not say which
            what = " ".join(["a Lambda layer", *named, "whose function is Python code"])
        elif "Python lambda" in text:
            what = "a Python lambda in a layer's settings"
        else:
            what = f"what Keras refuses in safe mode ({_one_line(error)})"
        return f"{path} holds {what}, which Keras loads only with safe_mode=False; padstride never runs code from a file"
    found = re.search(r"Could not locate (class|function) '([^']+)'|Unknown ([a-z ]+): '([^']+)'", text)
    if found is None:
        return None
    kind, name = (found[1], found[2]) if found[1] else (found[3], found[4])
    if kind == "layer" or (kind == "class" and name in {k for k, _ in _saved_layers(path)}):
        kind = "layer class"
    return (
        f"{path} uses a custom {kind} {name!r} that this Python does not know: Keras rebuilds it only where "
        "the code that defines it is imported; load the model there and pass it to padstride in Python"
    )


def _causes(error: BaseException) -> list[BaseException]:
    """The error and those it was raised from or during, each once."""
    chain: list[BaseException] = []
    while error is not None and all(error is not seen for seen in chain):
        chain.append(error)
        error = error.__cause__ or error.__context__
    return chain


def _saved_layers(path: str) -> list[tuple[str, str]]:
    """(class name, layer name) of every layer a saved model's configuration lists, nested
    models' too, read as JSON without building anything; none when it cannot be read.

    >>> _saved_layers("missing.keras")
    []
    """
    try:
        if path.lower().endswith(".keras"):
            with zipfile.ZipFile(path) as archive:
                config = json.loads(archive.read("config.json"))
        else:
            import h5py

            with h5py.File(path, "r") as file:
                config = json.loads(file.attrs["model_config"])
    except Exception:  # any unreadable file: the caller says what it can without the names
        return []
    found: list[tuple[str, str]] = []

    def visit(node: Any, is_layer: bool) -> None:
        if isinstance(node, dict):
            settings = node.get("config")
            if is_layer and "class_name" in node and isinstance(settings, dict):
                found.append((str(node["class_name"]), str(settings.get("name"))))
            for key, value in node.items():
                visit(value, key == "layers")
        elif isinstance(node, list):
            for item in node:
                visit(item, is_layer)

    visit(config, False)
    return found


def application_names() -> list[str]:
    """The builders in keras.applications (ResNet50, MobileNetV2, ...)."""
    from ..runtime import load_keras

    applications = load_keras().applications
    return sorted(n for n in dir(applications) if n[:1].isupper() and callable(getattr(applications, n)))


def _build_application(name: str, size: tuple[int, int] | None) -> Any:
    names = {n.lower(): n for n in application_names()}
    builder_name = names.get(name.lower())
    if builder_name is None:
        raise ValueError(
            f"MODEL {name!r} is not allowed: it is neither valid, same or stride, nor a file, nor a "
            "keras.applications name (for example ResNet50, MobileNetV2, VGG16, EfficientNetB0)"
        )
    from ..runtime import load_keras

    builder = getattr(load_keras().applications, builder_name)
    options: dict[str, Any] = {"weights": None}
    if size is not None:
        options["input_shape"] = (*size, 3)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return builder(**options)
    except Exception as error:  # e.g. an input smaller than the builder accepts
        where = f" with --input {size[0]}x{size[1]}" if size else ""
        raise ValueError(
            f"keras.applications.{builder_name}{where} cannot be built: {_one_line(error)}"
        ) from None


def _one_line(error: BaseException) -> str:
    """The error's type and first sentence, on one line."""
    text = " ".join(str(error).split()).split(". ")[0]
    text = text if len(text) <= 300 else text[:297] + "..."
    return f"{type(error).__name__}: {text}" if text else type(error).__name__
