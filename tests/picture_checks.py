"""What every picture must satisfy: text legible at 100 % zoom, inside the figure, and no
two pieces of text overlapping."""

from __future__ import annotations

from itertools import combinations

MIN_TEXT_PX = 13.5  # 10 points at 100 dpi


def visible_texts(fig) -> list:
    """Every non-empty visible Text of the figure, axes, legends and tick labels."""
    fig.draw_without_rendering()
    hidden = set()  # the tick and axis labels of axes drawn without axes
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            low, high = sorted(axis.get_view_interval())
            margin = (high - low) * 1e-9
            for tick in axis.get_major_ticks() + axis.get_minor_ticks():
                if not ax.axison or not low - margin <= tick.get_loc() <= high + margin:  # not drawn
                    hidden.update((id(tick.label1), id(tick.label2)))
            if not ax.axison:
                hidden.add(id(axis.label))
    found = []
    for artist in fig.findobj(lambda a: hasattr(a, "get_text") and hasattr(a, "get_fontsize")):
        if artist.get_text().strip() and artist.get_visible() and _shown(artist) and id(artist) not in hidden:
            found.append(artist)
    return found


def _shown(artist) -> bool:
    axes = artist.axes
    return axes is None or axes.get_visible()


def assert_legible(fig, min_px: float = MIN_TEXT_PX) -> None:
    """No text smaller than ``min_px`` pixels, none outside the figure, none overlapping."""
    renderer = fig.canvas.get_renderer()
    texts = visible_texts(fig)
    width, height = fig.bbox.width, fig.bbox.height
    boxes = []
    for text in texts:
        size = text.get_fontsize() * fig.dpi / 72
        assert size >= min_px, f"{text.get_text()!r} is {size:.1f} px"
        box = text.get_window_extent(renderer)
        assert box.x0 >= -1 and box.y0 >= -1 and box.x1 <= width + 1 and box.y1 <= height + 1, (
            f"{text.get_text()!r} leaves the figure: {box}"
        )
        boxes.append((text, box.shrunk(0.98, 0.9)))
    for (a, box_a), (b, box_b) in combinations(boxes, 2):
        assert not box_a.overlaps(box_b), f"{a.get_text()!r} overlaps {b.get_text()!r}"
