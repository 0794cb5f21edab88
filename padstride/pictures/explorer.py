"""The explorer: controls for a convolution's settings, redrawing the window picture.

Its labels are Keras' keyword names (``kernel_size``, ``strides``, ``padding``,
``dilation_rate``) and "input size"; settings Keras refuses show the reason and no
picture.
"""

from __future__ import annotations

import html
import textwrap
from typing import Any

from ..alt import alt_text, img_html
from ..arguments import padding_2d, positive_int
from ..widgets import fallback_box, one_at_a_time, slider_with_field, widgets_available
from .grids import draw_windows
from .palette import png_bytes, pyplot

# (label, value) pairs for the padding dropdown; the values go to draw_windows as they are.
# Uneven zeros are written ((top, bottom), (left, right)): Keras reads a flat (0, 1) as
# (height, width), 0 on top and bottom and 1 on the left and right.
PADDING_CHOICES: tuple[tuple[str, Any], ...] = (
    ("valid", "valid"),
    ("same", "same"),
    ("0", 0),
    ("1", 1),
    ("2", 2),
    ("((0, 1), (0, 1))", ((0, 1), (0, 1))),
    ("((1, 0), (1, 0))", ((1, 0), (1, 0))),
)
DILATION_HELP = (
    "dilation_rate spaces the kernel's taps apart: 1 reads neighbouring pixels, "
    "2 reads every other pixel, so a 3-wide kernel spans 5 pixels."
)


def padding_choices(padding: Any) -> tuple[list[tuple[str, Any]], Any]:
    """The dropdown's (label, value) pairs, and the value among them that means ``padding``
    (added as a choice of its own, in the ((top, bottom), (left, right)) form, when none
    does); a bad padding raises ValueError.

    >>> padding_choices((1, 1))[1]
    1
    >>> padding_choices(((0, 1), (2, 3)))[0][-1]
    ('((0, 1), (2, 3))', ((0, 1), (2, 3)))
    >>> padding_choices((0, 2))[1]
    ((0, 0), (2, 2))
    """
    wanted = padding_2d(padding)
    choices = list(PADDING_CHOICES)
    for _, value in choices:
        if padding_2d(value) == wanted:
            return choices, value
    # Written out in full, as Keras reads it: a flat (0, 2) shows as ((0, 0), (2, 2)).
    choices.append((str(wanted), wanted))
    return choices, wanted


def explore(
    size: int = 8, kernel_size: int = 3, strides: int = 1, padding: Any = "same", dilation_rate: int = 1
):
    """Controls for input size, kernel_size, strides, padding and dilation_rate that redraw
    the window picture with its formula; settings that are not possible show the reason
    instead, and no picture.

    Returns the widget box (``controls`` by Keras name, ``message``, ``picture``, and the
    current ``figure`` or None). Where no widget front-end renders it (a static notebook
    viewer, a test run), the same output carries a text line and a static picture of the
    current setting. Without ipywidgets installed, returns that static Figure.

    >>> box = explore(size=5, kernel_size=7, padding="valid")
    >>> box.figure is None, box.picture.layout.display
    (True, 'none')
    """
    values = {
        "size": positive_int(size, "size"),
        "kernel_size": positive_int(kernel_size, "kernel_size"),
        "strides": positive_int(strides, "strides"),
        "dilation_rate": positive_int(dilation_rate, "dilation_rate"),
    }
    choices, padding_value = padding_choices(padding)
    if not widgets_available():
        print("ipywidgets is not installed: a static picture instead of the explorer")
        return draw_windows(
            values["size"], values["kernel_size"], values["strides"], padding_value, values["dilation_rate"]
        )
    import ipywidgets as widgets

    rows = _controls(widgets, values, choices, padding_value)
    controls = {name: getattr(row, "field", row) for name, row in rows.items()}
    message = widgets.HTML()
    picture = widgets.HTML(layout=widgets.Layout(max_width="100%"))  # an <img alt>: Image has no alt
    state: dict[str, Any] = {"figure": None, "error": ""}
    wrap = widgets.Layout(flex_flow="row wrap")  # a narrow notebook puts the rest on a new line
    box = fallback_box(
        [
            widgets.HBox([rows["size"], rows["kernel_size"], rows["strides"]], layout=wrap),
            widgets.HBox([rows["padding"], rows["dilation_rate"]], layout=wrap),
            widgets.HTML(f"<small>{html.escape(DILATION_HELP)}</small>"),
            message,
            picture,
        ],
        lambda: _fallback_text(state["error"]),
        lambda: png_bytes(state["figure"]) if state["figure"] is not None else None,
        lambda: alt_text(state["figure"]) if state["figure"] is not None else None,
    )
    box.controls, box.message, box.picture = controls, message, picture

    def redraw(_change: Any = None) -> None:
        _redraw(box, state)

    # Each redraw reads the controls when it starts: one at a time, the last reads the last values.
    (redraw,) = one_at_a_time(redraw)
    for control in controls.values():
        control.observe(redraw, names="value")
    redraw()
    return box


def _controls(widgets: Any, values: dict[str, int], choices: list, padding_value: Any) -> dict[str, Any]:
    """The five controls by Keras name, set to the starting values: a slider with its number
    field (``slider_with_field``) for each size, the dropdown for the padding."""

    def slider(name: str, label: str, top: int) -> Any:
        return slider_with_field(label, values[name], 1, max(top, values[name]))

    return {
        "size": slider("size", "input size", 16),
        "kernel_size": slider("kernel_size", "kernel_size", 7),
        "strides": slider("strides", "strides", 4),
        "padding": widgets.Dropdown(
            options=choices,
            value=padding_value,
            description="padding",
            style={"description_width": "initial"},
            layout=widgets.Layout(width="auto", margin="0 1.5em 0 0"),
        ),
        "dilation_rate": slider("dilation_rate", "dilation_rate", 3),
    }


def _fallback_text(error: str) -> str:
    """What a viewer without widgets shows: the reason a setting is not possible, or a note."""
    head = "padstride explorer: the controls need a running kernel and a widget front-end"
    if error:
        return textwrap.fill(f"{head}. Not possible: {error}", 100)
    return f"{head};\na picture of the current setting follows."


def _redraw(box: Any, state: dict[str, Any]) -> None:
    """Draw the controls' current setting into the box, or say why it is not possible."""
    current = {name: control.value for name, control in box.controls.items()}
    try:
        fig = draw_windows(
            current["size"],
            current["kernel_size"],
            current["strides"],
            current["padding"],
            current["dilation_rate"],
        )
    except ValueError as error:
        state["figure"], state["error"] = None, str(error)
        box.message.value = f"<b>Not possible:</b> {html.escape(str(error))}"
        box.picture.layout.display = "none"  # no picture, and no broken-image icon
        box.picture.value = ""
    else:
        pyplot().close(fig)  # shown through the Image widget, not by pyplot
        state["figure"], state["error"] = fig, ""
        box.message.value = ""
        box.picture.value = img_html(png_bytes(fig), alt_text(fig))
        box.picture.layout.display = None
    box.figure = state["figure"]
