"""One palette and one set of sizes for every picture the package draws.

Colours are Okabe–Ito, distinguishable with the common forms of colour blindness. Sizes
are chosen for a notebook about 800 px wide: figures are drawn at ``DPI`` dots per inch
and at most ``MAX_WIDTH`` inches wide, and no text is smaller than ``SMALL`` points
(14 px at 100 dpi).

>>> COLORS["pad"], series_color(1)
('#E69F00', '#E69F00')
"""

from __future__ import annotations

import io
from typing import Any

COLORS = {
    "input": "#FFFFFF",
    "pad": "#E69F00",  # orange
    "window": "#0072B2",  # blue
    "output": "#F0F0F0",
    "filled": "#56B4E9",  # sky blue
    "unread": "#D55E00",  # vermilion: pixels no window reads
    "edge": "#555555",
    "text": "#000000",
    "muted": "#555555",
}
SERIES = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#D55E00", "#56B4E9")
MARKERS = ("o", "s", "^", "D", "v", "P")
HEATMAP = "cividis"
GRAY = "gray"

DPI = 100
MAX_WIDTH = 9.0  # inches: 900 px at DPI
TITLE = 12  # points
TEXT = 11
SMALL = 10  # the smallest text in any picture: 14 px at DPI
PAD = 0.08  # inches of margin around every panel and title


def series_color(index: int) -> str:
    """The colour of the index-th line, model or field (repeats after six)."""
    return SERIES[index % len(SERIES)]


def pyplot() -> Any:
    """matplotlib.pyplot, imported on first use."""
    import matplotlib.pyplot as plt

    return plt


def figure(
    width: float, height: float, nrows: int = 1, ncols: int = 1, *, shown: bool = True, **kwargs: Any
) -> tuple[Any, Any]:
    """A Figure of ``width`` × ``height`` inches at ``DPI``, with constrained layout (no
    overlapping titles), and its axes (an array when ``squeeze=False`` or several).

    ``shown=False`` makes a figure pyplot does not know about: a notebook does not show
    it as a still at the end of the cell (the animation and the explorer show theirs as
    images of their own).
    """
    if width > MAX_WIDTH:
        raise ValueError(f"width={width} is not allowed: pictures are at most {MAX_WIDTH} inches wide")
    from matplotlib.layout_engine import ConstrainedLayoutEngine

    layout = ConstrainedLayoutEngine(h_pad=PAD, w_pad=PAD)
    if shown:
        return pyplot().subplots(nrows, ncols, figsize=(width, height), dpi=DPI, layout=layout, **kwargs)
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height), dpi=DPI, layout=layout)
    FigureCanvasAgg(fig)
    return fig, fig.subplots(nrows, ncols, **kwargs)


def png_bytes(fig: Any, dpi: float | None = None) -> bytes:
    """The figure as PNG bytes (at its own dpi unless given)."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi or fig.dpi)
    return buffer.getvalue()


def font_pixels(fig: Any, points: float = SMALL) -> float:
    """How many pixels a font of ``points`` takes on this figure."""
    return points * fig.dpi / 72
