"""The ``padstride`` command: ``main(argv)`` returns its exit status."""

from .commands import main

__all__ = ["main"]
