"""Pictures that carry a text alternative: what they show, in words and numbers.

An image output's alt text in its metadata alone is read by no notebook viewer we target
(JupyterLab and Notebook 7 ignore it, nbconvert's HTML and the site too). What all of them
show with its alt is one output holding the picture, an HTML ``<img alt>`` of the same
bytes, and the alt as plain text: ``picture_bundle`` makes it, and a ``Picture`` displays
as it.

A matplotlib figure gets its alt text with ``describe(fig, alt)``, or one panel's with
``describe(ax, alt)``; shown by ``plt.show()`` or as a cell's value, its output then
carries the alt. Every picture padstride draws is described this way.

>>> from matplotlib.figure import Figure
>>> fig = Figure()
>>> left, right = fig.subplots(1, 2)
>>> _ = describe(right, "Right: 3 bars, 2, 5 and 1 high.")
>>> _ = describe(left, "Left: a line rising from 0 to 4.")
>>> alt_text(fig)
'Left: a line rising from 0 to 4. Right: 3 bars, 2, 5 and 1 high.'
"""

from __future__ import annotations

import base64
import html
import io
import textwrap
from typing import Any

from .arguments import alt_words, figure_or_axes

TEXT_WIDTH = 100  # characters per line of the plain-text form, as every notebook output
Bundle = tuple[dict[str, str], dict[str, dict[str, str]]]


def img_html(data: bytes, alt: str, mime: str = "image/png") -> str:
    """An ``<img>`` holding ``data`` itself (a data: address), with ``alt`` as its alt text.

    >>> img_html(b"GIF89a", 'a "grid"', "image/gif")
    '<img src="data:image/gif;base64,R0lGODlh" alt="a &quot;grid&quot;" style="max-width: 100%">'
    """
    encoded = base64.b64encode(data).decode("ascii")
    return f'<img src="data:{mime};base64,{encoded}" alt="{html.escape(alt)}" style="max-width: 100%">'


def picture_bundle(data: bytes, alt: str, mime: str = "image/png") -> Bundle:
    """A display bundle and its metadata: the picture as ``mime``, an ``<img alt>`` of the
    same bytes as text/html, and ``alt`` as text/plain, in lines of at most TEXT_WIDTH
    characters (also as the picture's metadata, in one line).

    >>> data, metadata = picture_bundle(b"PNG", "one dot")
    >>> sorted(data), data["text/plain"], metadata
    (['image/png', 'text/html', 'text/plain'], 'one dot', {'image/png': {'alt': 'one dot'}})
    """
    encoded = base64.b64encode(data).decode("ascii")
    plain = textwrap.fill(alt, TEXT_WIDTH, break_long_words=False, break_on_hyphens=False)
    return (
        {mime: encoded, "text/html": img_html(data, alt, mime), "text/plain": plain},
        {mime: {"alt": alt}},
    )


class Picture:
    """Image bytes with their alt text; in a notebook it shows as ``picture_bundle`` makes it.

    >>> Picture(b"GIF89a", "a spinning square", "image/gif")
    <Picture image/gif, 6 bytes: a spinning square>
    """

    def __init__(self, data: bytes, alt: str, mime: str = "image/png") -> None:
        self.data, self.alt, self.mime = data, alt_words(alt), mime

    @property
    def format(self) -> str:
        """The format by its short name, as IPython's Image gives it: png or gif."""
        return self.mime.split("/")[1]

    def __repr__(self) -> str:
        return f"<Picture {self.mime}, {len(self.data)} bytes: {self.alt}>"

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> Bundle:
        return picture_bundle(self.data, self.alt, self.mime)


class FigureDescription:
    """What a figure says in words: a text for the whole, and one per described panel.

    It is the figure's ``_repr_mimebundle_`` (IPython's display protocol): shown in a
    notebook, the figure's output carries its PNG, an ``<img alt>`` of the same PNG and the
    text. Panels are read in the figure's order of axes.
    """

    def __init__(self, figure: Any) -> None:
        self.figure = figure
        self.whole = ""
        self.panels: dict[Any, str] = {}

    def text(self) -> str:
        parts = [self.whole] + [self.panels[ax] for ax in self.figure.axes if ax in self.panels]
        return " ".join(part for part in parts if part)

    def __call__(self, include: Any = None, exclude: Any = None) -> Bundle:
        return picture_bundle(figure_png(self.figure), self.text())


def describe(target: Any, alt: str) -> Any:
    """Give a matplotlib figure, or one panel (Axes) of it, its text alternative: what it
    shows, with its numbers, for a reader who cannot see it. Returns ``target``.

    A figure's alt is its own text followed by its panels' texts; describing the same
    figure or panel again replaces its text.

    >>> from matplotlib.figure import Figure
    >>> fig = describe(Figure(), "A peak of 5 in the middle of 9 points.")
    >>> alt_text(fig)
    'A peak of 5 in the middle of 9 points.'
    """
    target = figure_or_axes(target)
    alt = alt_words(alt)
    figure = target.get_figure(root=True)
    described = description(figure)
    if target is figure:
        described.whole = alt
    else:
        described.panels[target] = alt
    return target


def description(figure: Any) -> FigureDescription:
    """The figure's FigureDescription, made (empty) when it has none yet."""
    described = figure.__dict__.get("_repr_mimebundle_")
    if not isinstance(described, FigureDescription):
        described = FigureDescription(figure)
        # An instance attribute: IPython's formatters find it, and `%matplotlib inline`
        # (which resets the formatters registered for Figure) leaves it alone.
        figure._repr_mimebundle_ = described
    return described


def alt_text(target: Any) -> str | None:
    """The alt text of a figure (or of the figure an Axes is on); None when it has none.

    >>> from matplotlib.figure import Figure
    >>> alt_text(Figure()) is None
    True
    """
    figure = figure_or_axes(target).get_figure(root=True)
    described = figure.__dict__.get("_repr_mimebundle_")
    text = described.text() if isinstance(described, FigureDescription) else ""
    return text or None


def figure_png(figure: Any) -> bytes:
    """The figure as the notebook shows it: through the PNG formatter IPython has for it
    (the inline backend's, with its settings), else saved as a PNG cropped to its content."""
    printer = _png_printer(figure)
    if printer is not None:
        data = printer(figure)
        data = data[0] if isinstance(data, tuple) else data  # (data, metadata) from some formatters
        return base64.b64decode(data) if isinstance(data, str) else bytes(data)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", bbox_inches="tight")
    return buffer.getvalue()


def _png_printer(figure: Any) -> Any:
    try:
        from IPython import get_ipython
    except ImportError:
        return None
    shell = get_ipython()
    formatter = shell and shell.display_formatter.formatters.get("image/png")
    if formatter is None:
        return None
    try:
        return formatter.lookup(figure)
    except KeyError:
        return None
