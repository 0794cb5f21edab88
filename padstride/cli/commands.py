"""The ``padstride`` command.

    padstride size 28 --kernel-size 3 --strides 2 --padding same
    padstride explain stride
    padstride check ResNet50
    padstride demo line --padding same --strides 2
    padstride notebooks course --only 02 03 07 --ci github

The flags carry Keras' names (``kernel_size``, ``strides``, ``padding``, ``dilation_rate``).
``padstride size`` imports no TensorFlow, so it answers at once. Bad input prints one
line on standard error and exits with status 2.
"""

from __future__ import annotations

import argparse
import ast
import contextlib
import errno
import os
import re
import reprlib
import sys
from collections.abc import Sequence
from typing import TextIO

from .. import __version__
from ..arguments import PADDING_WORDS
from ..conv.arithmetic import conv_arithmetic_2d, describe_axes, window_positions
from ..text import MINUS, TIMES
from .model_commands import add_model_commands, run_check, run_explain, run_port, run_receptive
from .numbers import one_number, whole_numbers

EXIT_USAGE = 2
EXIT_FAILURE = 1
EXIT_INTERRUPTED = 130

# Where the terminal's encoding lacks the arithmetic's symbols.
_ASCII = str.maketrans({TIMES: "x", MINUS: "-", "·": "*", "→": "->"})
# The line demo's 8×8 image with its padding: at most this many pixels a side.
DEMO_MAX_PADDED = 256


class UsageError(Exception):
    """Bad input from the command line."""


class _Parser(argparse.ArgumentParser):
    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("allow_abbrev", False)  # --kernel is not --kernel-size
        super().__init__(*args, **kwargs)

    def error(self, message: str) -> None:  # one line, no usage block
        raise UsageError(f"{message} (see '{self.prog} --help')")


# Padding written as Python (and Keras) writes it: digits, commas, spaces and parentheses.
_PADDING_LITERAL = re.compile(r"[0-9, ()]{1,200}")


def _padding(text: str) -> str | int | tuple:
    """'valid', 'same' (any case), '1', '0x1' or '0,1' (height, width, as ZeroPadding2D
    reads (0, 1)), or '((0, 1), (2, 3))' for ((top, bottom), (left, right)). Only the
    spelling is read here; the arithmetic checks the values, once."""
    if text.lstrip().startswith("("):
        if not _PADDING_LITERAL.fullmatch(text):
            raise argparse.ArgumentTypeError(f"{reprlib.repr(text)} is not a padding: {_PADDING_FORMS}")
        try:
            return ast.literal_eval(text)
        except (SyntaxError, ValueError, MemoryError, RecursionError):
            raise argparse.ArgumentTypeError(
                f"{reprlib.repr(text)} is not a padding: {_PADDING_FORMS}"
            ) from None
    if text.lower() in PADDING_WORDS:
        return text.lower()
    try:
        return whole_numbers(text)
    except argparse.ArgumentTypeError:
        raise argparse.ArgumentTypeError(f"{reprlib.repr(text)} is not a padding: {_PADDING_FORMS}") from None


_PADDING_FORMS = (
    "use valid, same, N (zeros on every side), HxW or H,W (height, width, as Keras' "
    "ZeroPadding2D reads (H, W)) or '((top, bottom), (left, right))'"
)
_PADDING_HELP = (
    "Keras' padding: valid (default) or same; or zeros as ZeroPadding2D reads them: N, "
    "HxW (or H,W) for height and width, or '((top, bottom), (left, right))'"
)


def _conv_flags(parser: argparse.ArgumentParser, kernel_type, kernel_help: str) -> None:
    parser.add_argument("--kernel-size", "-k", type=kernel_type, default=3, help=kernel_help)
    parser.add_argument(
        "--strides", "-s", type=whole_numbers, default=1, help="Keras' strides: 2, or 2x1 (default 1)"
    )
    parser.add_argument("--padding", "-p", type=_padding, default="valid", help=_PADDING_HELP)
    parser.add_argument(
        "--dilation-rate", "-d", type=whole_numbers, default=1, help="Keras' dilation_rate (default 1)"
    )


def _build_parser() -> _Parser:
    parser = _Parser(
        prog="padstride", description="Padding and stride arithmetic, exactly as TensorFlow does it."
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser, metavar="COMMAND")

    size = commands.add_parser("size", help="output size of a convolution, with the arithmetic")
    size.add_argument("size", type=whole_numbers, help="input size: 28, or 28x20 for height x width")
    _conv_flags(size, whole_numbers, "Keras' kernel_size: 3, or 3x5 for height x width (default 3)")

    add_model_commands(commands)  # explain, receptive, check and port

    demo = commands.add_parser("demo", help="the 8x8 vertical-line demo, run by a Keras Conv2D")
    demo.add_argument("name", choices=["line"], help="the demo to run")
    _conv_flags(
        demo,
        one_number,
        "Keras' kernel_size: 3 is the line detector, other sizes a centre column of ones (default 3)",
    )
    _add_notebooks_command(commands)
    data = commands.add_parser("data", help="fetch MNIST and verify it (data/mnist.npz in a checkout)")
    data.add_argument(
        "--path",
        help="an .npz to use or to write (default: $PADSTRIDE_DATA, else data/mnist.npz in a "
        "checkout or mnist.npz in the user's cache folder)",
    )
    return parser


def _add_notebooks_command(commands) -> None:
    notebooks = commands.add_parser(
        "notebooks",
        help="write the notebooks into a course folder",
        description="Write the notebooks (any subset) into a course folder, with the contents page, "
        "sanitize.cfg, constraints.txt and a README saying how to open, check and refresh them. "
        "Nothing there is replaced without --overwrite.",
    )
    notebooks.add_argument("dest", help="the course folder (its root, when --ci adds a workflow)")
    notebooks.add_argument(
        "--only", nargs="+", metavar="NOTEBOOK", help="a subset, by number or name: --only 02 03 07"
    )
    kind = notebooks.add_mutually_exclusive_group()
    kind.add_argument("--student", action="store_true", help="the hand-out: no answer, no reveal")
    kind.add_argument(
        "--nbgrader", action="store_true", help="nbgrader source notebooks: solution cells and graded checks"
    )
    notebooks.add_argument(
        "--ci", choices=["github"], help="add a workflow that runs the notebooks under nbval"
    )
    notebooks.add_argument(
        "--package",
        metavar="SPEC",
        help="where the course installs padstride from: a wheel file (copied into the course), "
        "git+https://... or padstride==VERSION (default: where this padstride came from)",
    )
    notebooks.add_argument("--source", metavar="FOLDER", help="notebooks to use instead of padstride's own")
    notebooks.add_argument("--overwrite", action="store_true", help="replace files that are there")


def _run_notebooks(args: argparse.Namespace) -> str:
    from ..course import write_notebooks

    try:
        written = write_notebooks(
            args.dest,
            only=args.only,
            student=args.student,
            nbgrader=args.nbgrader,
            ci=args.ci,
            package=args.package,
            source=args.source,
            overwrite=args.overwrite,
        )
    except FileExistsError as error:
        raise UsageError(
            f"{error.filename} {error.strerror}: nothing was written (--overwrite replaces it)"
        ) from None
    except OSError as error:
        raise RuntimeError(
            f"{error.filename or args.dest}: {error.strerror or error}; nothing was written"
        ) from None
    return "\n".join(str(path) for path in written)


def _run_data(args: argparse.Namespace) -> str:
    import warnings

    from ..mnist.data import MnistNotSaved, MnistUnavailable, UnusablePath, load_mnist

    def progress(line: str) -> None:
        print(line, file=sys.stderr, flush=True)

    # This command is there to leave a saved copy, so not saving one fails it (before any fetch
    # where the target can be seen to be unwritable). Every failure becomes one line.
    with warnings.catch_warnings():
        warnings.simplefilter("error", MnistNotSaved)
        try:
            (x_train, _), (x_test, _) = load_mnist(args.path, progress=progress)
        except UnusablePath as error:  # the path the user named
            raise UsageError(str(error)) from None
        except MnistUnavailable as error:
            raise RuntimeError(error.one_line()) from None
        except MnistNotSaved as error:
            raise RuntimeError(str(error)) from None
        except Exception as error:  # anything else, still one line
            raise RuntimeError(" ".join(f"{type(error).__name__}: {error}".split())) from None
        except KeyboardInterrupt:
            raise RuntimeError("interrupted; no partly written file was left behind") from None
    return f"MNIST ready: {len(x_train)} training and {len(x_test)} test images, digests verified"


def _run_size(args: argparse.Namespace) -> str:
    h, w = conv_arithmetic_2d(args.size, args.kernel_size, args.strides, args.padding, args.dilation_rate)
    answer = f"output: {h.output}{TIMES}{w.output}"
    if h.formula != w.formula:
        answer += f" (height {TIMES} width)"
    return f"{describe_axes(h, w)}\n{answer}"


def _run_demo(args: argparse.Namespace) -> str:
    # The arithmetic first, without TensorFlow: whether the kernel fits the 8×8 image
    # with this padding, and how large the padded image gets, before any array exists.
    padded = window_positions(
        (8, 8), args.kernel_size, args.strides, args.padding, args.dilation_rate
    ).padded_shape
    if max(padded) > DEMO_MAX_PADDED:
        raise ValueError(
            f"padding={args.padding!r} is not allowed in the demo: it pads the 8{TIMES}8 image to "
            f"{padded[0]}{TIMES}{padded[1]}; the demo keeps within {DEMO_MAX_PADDED}{TIMES}{DEMO_MAX_PADDED}"
        )
    import numpy as np

    from ..demo.filters import apply_filter, line_image, line_kernel

    kernel = line_kernel(args.kernel_size)
    feature_map = apply_filter(
        line_image(), kernel, strides=args.strides, padding=args.padding, dilation_rate=args.dilation_rate
    )
    rows = "\n".join(" ".join(f"{v:g}" for v in row) for row in np.asarray(feature_map))
    shape = TIMES.join(str(d) for d in feature_map.shape)
    return f"8{TIMES}8 line image, {kernel.shape[0]}{TIMES}{kernel.shape[1]} kernel → {shape} feature map\n{rows}"


_RUNNERS = {
    "size": _run_size,
    "explain": run_explain,
    "receptive": run_receptive,
    "check": run_check,
    "port": run_port,
    "demo": _run_demo,
    "notebooks": _run_notebooks,
    "data": _run_data,
}


def _writable(text: str, stream: TextIO) -> str:
    """``text`` as the stream's encoding can write it: × and − become x and - where it
    cannot (e.g. PYTHONIOENCODING=ascii), and anything else still missing becomes ?."""
    encoding = getattr(stream, "encoding", None) or "utf-8"
    try:
        text.encode(encoding)
    except UnicodeEncodeError:
        text = text.translate(_ASCII).encode(encoding, errors="replace").decode(encoding)
    return text


def _say(text: str, stream: TextIO | None) -> None:
    if stream is None:  # Python found the descriptor closed when it started (``>&-``)
        raise OSError(errno.EBADF, "standard output is closed")
    stream.write(_writable(text, stream) + "\n")
    stream.flush()


def _complain(text: str) -> None:
    """One line on standard error; nothing when standard error is closed (``2>&-``)."""
    if sys.stderr is not None:
        _say(text, sys.stderr)


def _run(argv: Sequence[str] | None) -> int:
    parser = _build_parser()
    try:
        args = parser.parse_args(argv)
        text, status = _RUNNERS[args.command](args), 0
        if isinstance(text, tuple):  # `check` says by its status whether it found a warning
            text, status = text
    except (UsageError, ValueError) as error:
        _complain(f"padstride: error: {error}")
        return EXIT_USAGE
    except RuntimeError as error:  # something outside the input failed, e.g. no MNIST anywhere
        _complain(f"padstride: error: {error}")
        return EXIT_FAILURE
    _say(text, sys.stdout)
    return status


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point; returns the exit status."""
    try:
        try:
            return _run(argv)
        finally:  # also after --help and --version, which leave by SystemExit
            if sys.stdout is not None:
                sys.stdout.flush()
    except BrokenPipeError:
        # The reader has gone (``padstride size 28 | true``): nothing left to say.
        _quiet_stdout()
        return EXIT_FAILURE
    except KeyboardInterrupt:
        with contextlib.suppress(OSError):
            _complain("padstride: interrupted")
        return EXIT_INTERRUPTED
    except OSError as error:  # standard output cannot be written, e.g. a full disk
        _quiet_stdout()
        with contextlib.suppress(OSError):  # standard error may be full too
            _complain(f"padstride: error: cannot write the output: {error.strerror or error}")
        return EXIT_FAILURE


def _quiet_stdout() -> None:
    """Point standard output at devnull, so that Python's own flush at exit fails no more
    (the recipe in the signal module's documentation, "Note on SIGPIPE"). A standard output
    closed before Python started is None, and needs nothing."""
    if sys.stdout is None:
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
