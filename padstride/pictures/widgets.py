"""One fallback for every widget the package shows (the explorer, the quiz's buttons).

A widget needs a live kernel and a widget front-end (JupyterLab 4, Notebook 7). Where
neither is there (a static viewer, a notebook reopened before it runs, a test run), the
same output offers plain text and, when there is a picture, a PNG: its mimebundle holds
the widget view, ``text/plain`` and ``image/png`` side by side.
"""

from __future__ import annotations

import base64
from collections.abc import Callable, Sequence
from functools import cache
from typing import Any


@cache
def _box_class() -> type:
    import ipywidgets as widgets

    class FallbackBox(widgets.VBox):
        """A VBox whose output also carries text (and a PNG) for where widgets cannot show."""

        def _repr_mimebundle_(self, **kwargs: Any) -> Any:
            bundle = super()._repr_mimebundle_(**kwargs)
            data = bundle[0] if isinstance(bundle, tuple) else bundle
            data["text/plain"] = self.fallback_text()
            png = self.fallback_png()
            if png:
                data["image/png"] = base64.b64encode(png).decode()
            else:
                data.pop("image/png", None)
            return bundle

    return FallbackBox


def fallback_box(
    children: Sequence[Any],
    text: Callable[[], str],
    png: Callable[[], bytes | None] | None = None,
) -> Any:
    """A vertical box of ``children`` whose output carries, besides the widget view,
    ``text()`` as plain text and ``png()`` (when it returns bytes) as a PNG. Both are read
    when the box is displayed, so they show its current state.

    >>> box = fallback_box([], lambda: "three buttons, needs a running kernel")
    >>> box._repr_mimebundle_()["text/plain"]
    'three buttons, needs a running kernel'
    """
    box = _box_class()(list(children))
    box.fallback_text = text
    box.fallback_png = png or (lambda: None)
    return box


def widgets_available() -> bool:
    """Whether ipywidgets can be imported."""
    try:
        import ipywidgets  # noqa: F401
    except ImportError:
        return False
    return True
