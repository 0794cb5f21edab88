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


# --- alt texts ---------------------------------------------------------------------------


def img_parts(html_text: str) -> tuple[str, bytes, str]:
    """(mime type, bytes, alt text) of the one <img> in ``html_text``, read as a browser would."""
    import base64
    from html.parser import HTMLParser

    found = []

    class Images(HTMLParser):
        def handle_starttag(self, tag, attrs):
            if tag == "img":
                found.append(dict(attrs))

    Images().feed(html_text)
    assert len(found) == 1, f"{len(found)} <img> elements in {html_text[:200]!r}"
    head, _, data = found[0]["src"].partition(",")
    assert head.startswith("data:") and head.endswith(";base64"), head
    return head[5:-7], base64.b64decode(data), found[0].get("alt")


def picture_alt(data: dict, metadata: dict | None = None, mime: str = "image/png") -> str:
    """The alt text of a displayed picture, once its bundle is checked: the picture, an
    <img> of the same bytes with the alt, and the alt as plain text in lines of at most 100
    characters (and in the metadata, when given)."""
    import base64

    assert {mime, "text/html", "text/plain"} <= set(data), sorted(data)
    kind, picture, alt = img_parts(data["text/html"])
    assert kind == mime and picture == base64.b64decode(data[mime]), "the <img> holds other bytes"
    assert alt and " ".join(data["text/plain"].split()) == " ".join(alt.split())
    assert max(len(line) for line in data["text/plain"].splitlines()) <= 100
    if metadata is not None:
        assert metadata[mime]["alt"] == alt
    return alt


SIDES = {"on top": 0, "at the bottom": 1, "at the left": 2, "at the right": 3}


def zeros_in(alt: str) -> tuple[int, int, int, int]:
    """(top, bottom, left, right) zeros an alt text states: '1 row of zeros at the bottom, 2
    columns at the right'; sides it leaves out count 0."""
    import re

    zeros = [0, 0, 0, 0]
    pattern = r"(\d+) (?:rows?|columns?)(?: of zeros)? (on top|at the bottom|at the left|at the right)"
    for count, side in re.findall(pattern, alt):
        zeros[SIDES[side]] = int(count)
    return tuple(zeros)


def sizes_in(alt: str, what: str) -> list[tuple[int, ...]]:
    """Every 'H×W <what>' (or H×W×C) size the alt text states, in order."""
    import re

    return [tuple(int(n) for n in m.split("×")) for m in re.findall(rf"(\d+(?:×\d+)+) {what}", alt)]


def rows_in(text: str) -> list[list[float]]:
    """'values by row: 0 3 0; 0 2 0' read back as rows of numbers."""
    return [[float(v) for v in row.split()] for row in text.split("; ")]
