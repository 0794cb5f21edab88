"""Whether this package runs from a checkout of the padstride repository, and where that is.

A checkout keeps MNIST in its own data/ folder and its notebooks in notebooks/; an installed
copy keeps MNIST in the user's cache folder and carries its notebooks as package data.

>>> root = checkout_root()
>>> root is None or (root / "pyproject.toml").is_file()
True
"""

from __future__ import annotations

from pathlib import Path

PACKAGE = Path(__file__).resolve().parent


def checkout_root(package: Path = PACKAGE) -> Path | None:
    """The repository folder that holds ``package``, when its pyproject.toml names padstride;
    None for an installed copy (site-packages has no such file beside the package).

    >>> checkout_root(Path("/nowhere/padstride")) is None
    True
    """
    root = package.parent
    try:
        ours = 'name = "padstride"' in (root / "pyproject.toml").read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        ours = False
    return root if ours else None
