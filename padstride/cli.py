"""The ``padstride`` command.

    padstride size 28 --kernel 3 --stride 2 --padding same
    padstride explain stride
    padstride demo line --padding same --stride 2

``padstride size`` imports no TensorFlow, so it answers at once. Bad input prints one
line on standard error and exits with status 2.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from .arithmetic import conv_arithmetic_2d, describe_axes

EXIT_USAGE = 2


class UsageError(Exception):
    """Bad input from the command line."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line, no usage block
        raise UsageError(f"{message} (see '{self.prog} --help')")


def _ints(text: str) -> int | tuple[int, int]:
    """'3' → 3; '3x5' or '3,5' → (3, 5)."""
    parts = text.replace("×", "x").replace(",", "x").lower().split("x")
    try:
        numbers = [int(p) for p in parts]
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number or a pair like 3x5") from None
    if len(numbers) == 1:
        return numbers[0]
    if len(numbers) == 2:
        return (numbers[0], numbers[1])
    raise argparse.ArgumentTypeError(f"{text!r}: give one number or two (height x width)")


def _padding(text: str) -> str | int | tuple[int, int]:
    """'valid', 'same', '1' or '0,1' (before, after)."""
    if text.lower() in ("valid", "same"):
        return text
    try:
        value = _ints(text)
    except argparse.ArgumentTypeError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a padding: use valid, same, a number or a before,after pair"
        ) from None
    return value


def _build_parser() -> _Parser:
    parser = _Parser(
        prog="padstride", description="Padding and stride arithmetic, exactly as TensorFlow does it."
    )
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser, metavar="COMMAND")

    size = commands.add_parser("size", help="output size of a convolution, with the arithmetic")
    size.add_argument("size", type=_ints, help="input size: 28, or 28x20 for height x width")
    size.add_argument("--kernel", "-k", type=_ints, default=3, help="kernel size (default 3)")
    size.add_argument("--stride", "-s", type=_ints, default=1, help="stride (default 1)")
    size.add_argument(
        "--padding", "-p", type=_padding, default="valid", help="valid (default), same, N or before,after"
    )
    size.add_argument("--dilation", "-d", type=_ints, default=1, help="dilation (default 1)")

    explain = commands.add_parser("explain", help="explain one of the seed's three MNIST models")
    explain.add_argument("model", choices=["valid", "same", "stride"], help="stride = same padding, stride 2")

    demo = commands.add_parser("demo", help="the 8x8 vertical-line demo")
    demo.add_argument("name", choices=["line"], help="the demo to run")
    demo.add_argument(
        "--padding", "-p", type=_padding, default="valid", help="valid (default), same, N or a,b"
    )
    demo.add_argument("--stride", "-s", type=_ints, default=1, help="stride (default 1)")
    demo.add_argument(
        "--kernel",
        "-k",
        type=int,
        default=3,
        help="kernel size: 3 is the line detector, other sizes use a centre column of ones (default 3)",
    )
    data = commands.add_parser("data", help="fetch MNIST and verify it (data/mnist.npz)")
    data.add_argument(
        "--path", help="an .npz to use or to write (default: data/mnist.npz or $PADSTRIDE_DATA)"
    )
    return parser


def _run_data(args: argparse.Namespace) -> str:
    import warnings

    from .data import MnistNotSaved, MnistUnavailable, UnusablePath, load_mnist

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
    h, w = conv_arithmetic_2d(args.size, args.kernel, args.stride, args.padding, args.dilation)
    answer = f"output: {h.output}×{w.output}"
    if h.formula != w.formula:
        answer += " (height × width)"
    return f"{describe_axes(h, w)}\n{answer}"


def _run_explain(args: argparse.Namespace) -> str:
    from .models import mnist_variant
    from .tracing import explain

    return str(explain(mnist_variant(args.model)))


def _run_demo(args: argparse.Namespace) -> str:
    import numpy as np

    from .filters import apply_filter, line_image, line_kernel

    kernel = line_kernel(args.kernel)
    feature_map = apply_filter(line_image(), kernel, strides=args.stride, padding=args.padding)
    rows = "\n".join(" ".join(f"{v:g}" for v in row) for row in np.asarray(feature_map))
    shape = "×".join(str(d) for d in feature_map.shape)
    return f"8×8 line image, {kernel.shape[0]}×{kernel.shape[1]} kernel → {shape} feature map\n{rows}"


_RUNNERS = {"size": _run_size, "explain": _run_explain, "demo": _run_demo, "data": _run_data}
EXIT_FAILURE = 1


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point; returns the exit status."""
    parser = _build_parser()
    try:
        args = parser.parse_args(argv)
        print(_RUNNERS[args.command](args))
    except (UsageError, ValueError) as error:
        print(f"padstride: error: {error}", file=sys.stderr)
        return EXIT_USAGE
    except RuntimeError as error:  # something outside the input failed, e.g. no MNIST anywhere
        print(f"padstride: error: {error}", file=sys.stderr)
        return EXIT_FAILURE
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
