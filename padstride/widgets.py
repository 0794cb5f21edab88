"""One fallback for every widget the package shows (the explorer, the quiz's buttons).

A widget needs a live kernel and a widget front-end (JupyterLab 4, Notebook 7). Where
neither is there (a static viewer, a notebook reopened before it runs, a test run), the
same output offers plain text and, when there is a picture, a PNG with its alt text: its
mimebundle holds the widget view, ``text/plain``, ``image/png`` and an ``<img alt>`` of the
same PNG as ``text/html``, side by side (or, where the text reads better as HTML, such as a
question that must wrap on a narrow screen, that HTML).

Every control is reachable and named for the keyboard and a screen reader: a slider comes
with a number field beside it (``slider_with_field``), named as the slider is.
"""

from __future__ import annotations

import base64
import threading
from collections.abc import Callable, Sequence
from functools import cache, wraps
from typing import Any

from .alt import img_html

# The output metadata of every widget output that carries its still form: a Jupyter server
# with padstride's extension (padstride.server_extension) opens the cell untrusted, so a
# notebook opened again shows the still form, not "Error displaying widget: model not found".
STILL_FORM = {"padstride": {"still_form": True}}


@cache
def _box_class() -> type:
    import ipywidgets as widgets

    class FallbackBox(widgets.VBox):
        """A VBox whose output also carries text (and a PNG) for where widgets cannot show."""

        def _repr_mimebundle_(self, **kwargs: Any) -> Any:
            bundle = super()._repr_mimebundle_(**kwargs)
            data, metadata = bundle if isinstance(bundle, tuple) else (bundle, {})
            data["text/plain"] = self.fallback_text()
            png = self.fallback_png()
            if png:
                data["image/png"] = base64.b64encode(png).decode()
                alt = self.fallback_alt()
                if alt:  # what an untrusted or static viewer shows: the picture with its alt
                    data["text/html"] = img_html(png, alt)
            else:
                data.pop("image/png", None)
            html = self.fallback_html()
            if html:
                data["text/html"] = html
            return data, {**metadata, **STILL_FORM}

    return FallbackBox


def fallback_box(
    children: Sequence[Any],
    text: Callable[[], str],
    png: Callable[[], bytes | None] | None = None,
    alt: Callable[[], str | None] | None = None,
    html: Callable[[], str] | None = None,
) -> Any:
    """A vertical box of ``children`` whose output carries, besides the widget view,
    ``text()`` as plain text, ``png()`` (when it returns bytes) as a PNG with ``alt()`` as its
    alt text in an ``<img alt>`` of the same PNG, and ``html()`` (when given) as HTML instead.
    They are read when the box is displayed, so they show its current state.

    >>> box = fallback_box([], lambda: "three buttons, needs a running kernel")
    >>> data, metadata = box._repr_mimebundle_()
    >>> data["text/plain"], metadata
    ('three buttons, needs a running kernel', {'padstride': {'still_form': True}})
    """
    box = _box_class()(list(children))
    box.fallback_text = text
    box.fallback_png = png or (lambda: None)
    box.fallback_alt = alt or (lambda: None)
    box.fallback_html = html or (lambda: "")
    return box


def widgets_available() -> bool:
    """Whether ipywidgets can be imported."""
    try:
        import ipywidgets  # noqa: F401
    except ImportError:
        return False
    return True


def slider_with_field(label: str, value: int, low: int, high: int) -> Any:
    """A number field labelled ``label`` and, after it, an integer slider holding the same
    value: the field for the keyboard (type a number, or step it with the arrow keys) and for
    a screen reader (its label names it; ipywidgets 8 gives a slider's handle no name).

    Returns an HBox with ``field`` and ``slider``; the two follow each other in the kernel.

    >>> row = slider_with_field("strides", 2, 1, 4)
    >>> row.slider.value = 3; row.field.value, row.field.description
    (3, 'strides')
    """
    import ipywidgets as widgets

    # The field carries the label (a <label for> names it); the slider follows it unlabelled.
    field = widgets.BoundedIntText(
        value=value,
        min=low,
        max=high,
        description=label,
        style={"description_width": "initial"},
        layout=widgets.Layout(width="auto"),
    )
    slider = widgets.IntSlider(
        value=value, min=low, max=high, readout=False, layout=widgets.Layout(width="10em")
    )
    widgets.link((slider, "value"), (field, "value"))
    row = widgets.HBox([field, slider], layout=widgets.Layout(align_items="center", margin="0 1.5em 0 0"))
    row.slider, row.field = slider, field
    return row


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
