"""One fallback for every widget the package shows (the explorer, the quiz's buttons).

A widget needs a live kernel and a widget front-end (JupyterLab 4, Notebook 7). Where
neither is there (a static viewer, a notebook reopened before it runs, a test run), the
same output offers plain text and, when there is a picture, a PNG with its alt text: its
mimebundle holds the widget view, ``text/plain``, ``image/png`` and an ``<img alt>`` of the
same PNG as ``text/html``, side by side.
"""

from __future__ import annotations

import base64
import threading
from collections.abc import Callable, Sequence
from functools import cache, wraps
from typing import Any

from .alt import img_html


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
                alt = self.fallback_alt()
                if alt:  # what an untrusted or static viewer shows: the picture with its alt
                    data["text/html"] = img_html(png, alt)
            else:
                data.pop("image/png", None)
            return bundle

    return FallbackBox


def fallback_box(
    children: Sequence[Any],
    text: Callable[[], str],
    png: Callable[[], bytes | None] | None = None,
    alt: Callable[[], str | None] | None = None,
) -> Any:
    """A vertical box of ``children`` whose output carries, besides the widget view,
    ``text()`` as plain text and ``png()`` (when it returns bytes) as a PNG, with ``alt()``
    as its alt text in an ``<img alt>`` of the same PNG. They are read when the box is
    displayed, so they show its current state.

    >>> box = fallback_box([], lambda: "three buttons, needs a running kernel")
    >>> box._repr_mimebundle_()["text/plain"]
    'three buttons, needs a running kernel'
    """
    box = _box_class()(list(children))
    box.fallback_text = text
    box.fallback_png = png or (lambda: None)
    box.fallback_alt = alt or (lambda: None)
    return box


def widgets_available() -> bool:
    """Whether ipywidgets can be imported."""
    try:
        import ipywidgets  # noqa: F401
    except ImportError:
        return False
    return True


def one_at_a_time(*handlers: Callable[..., Any]) -> tuple[Callable[..., Any], ...]:
    """The handlers, wrapped to share one lock, so that no two of them run at once.

    A kernel may run the handlers of two widgets' messages in two threads at the same time
    (ipykernel 7 with a front-end that sends widget messages on a subshell). A handler that
    reads the controls and redraws must then not overlap another: the last to run reads the
    last values.

    >>> calls = []
    >>> (log,) = one_at_a_time(calls.append)
    >>> log(1); calls
    [1]
    """
    lock = threading.Lock()

    def serialized(handler: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(handler)
        def run(*args: Any, **kwargs: Any) -> Any:
            with lock:
                return handler(*args, **kwargs)

        return run

    return tuple(serialized(handler) for handler in handlers)
