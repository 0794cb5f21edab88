"""The maps of one image through several models, drawn to one scale (one unit per pixel),
and the alt text made from the same numbers.

The arrays are given, not computed here: a notebook asks Keras for them
(``keras.Model(model.inputs[0], [layer.output, ...])``) and this module only draws them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from ..alt import describe
from ..arguments import image_2d
from .palette import COLORS, GRAY, HEATMAP, SMALL, TEXT, TITLE, figure

GAP = 0.3  # of the widest map: the space between two slots
TITLE_TEXT = "feature maps to scale (one unit per pixel); each shaded from its lowest to its highest value"


def _rows(rows: Any) -> dict[str, dict[str, np.ndarray]]:
    """``rows`` as {row: {label: 2-D array}}, each array checked; refused in one line."""
    example = "e.g. {'valid': {'input': image, 'conv_1': map_1}}"
    if not isinstance(rows, Mapping) or not rows:
        given = "rows={}" if isinstance(rows, Mapping) else f"rows as a {type(rows).__name__}"
        raise ValueError(f"{given} is not allowed: give a dict of {{row: {{label: 2-D array}}}}, {example}")
    checked = {}
    for name, maps in rows.items():
        if not isinstance(maps, Mapping) or not maps:
            raise ValueError(
                f"rows[{name!r}] is not allowed: give a non-empty dict of {{label: 2-D array}}, {example}"
            )
        checked[str(name)] = {
            str(label): image_2d(array, f"rows[{name!r}][{label!r}]") for label, array in maps.items()
        }
    return checked


def _size(array: np.ndarray) -> str:
    return f"{array.shape[0]}×{array.shape[1]}"


def draw_maps_to_scale(rows: Mapping[str, Mapping[str, Any]]):
    """One row per model, its maps left to right, all at one unit per pixel and each centred
    in its slot, so that a 4×4 map looks as small beside a 28×28 one as it is. The first
    array of a row is its input, drawn in gray; the maps after it use the heat map. Each
    array is shaded from its own lowest value (dark) to its highest (light).

    The images carry the gids "map-<row>-<label>", their labels "label-<row>-<label>"; the
    figure's alt text is ``maps_to_scale_alt(rows)``, made from the same arrays.

    >>> fig = draw_maps_to_scale({"strided": {"input": np.eye(8), "conv_1": np.eye(4)}})
    >>> [t.get_text() for t in fig.axes[0].texts]
    ['input\\n8×8', 'conv_1\\n4×4']
    """
    checked = _rows(rows)
    widest = max(a.shape[1] for maps in checked.values() for a in maps.values())
    tallest = max(a.shape[0] for maps in checked.values() for a in maps.values())
    slots = max(len(maps) for maps in checked.values())
    slot = widest * (1 + GAP)
    fig, axes = figure(9.0, 0.6 + 2.5 * len(checked), nrows=len(checked), squeeze=False)
    for ax, (name, maps) in zip(axes[:, 0], checked.items()):
        for index, (label, array) in enumerate(maps.items()):
            _draw_one(ax, name, label, array, slot * (index + 0.5), tallest / 2, first=index == 0)
        ax.set_xlim(0, slot * slots)
        ax.set_ylim(tallest / 2 + 2, -tallest / 2 - 14)  # rows counted downwards; room for labels
        ax.set_aspect("equal")
        ax.axis("off")
        ax.set_title(name, fontsize=TEXT, loc="left")
    fig.suptitle(TITLE_TEXT, fontsize=TITLE)
    return describe(fig, _alt(checked))


def _draw_one(
    ax: Any, name: str, label: str, array: np.ndarray, centre: float, half: float, first: bool
) -> None:
    from matplotlib.patches import Rectangle

    h, w = array.shape
    extent = (centre - w / 2, centre + w / 2, h / 2, -h / 2)
    image = ax.imshow(array, cmap=GRAY if first else HEATMAP, interpolation="nearest", extent=extent)
    image.set_gid(f"map-{name}-{label}")
    ax.add_patch(
        Rectangle((centre - w / 2, -h / 2), w, h, fill=False, edgecolor=COLORS["edge"], linewidth=0.8)
    )
    text = ax.text(centre, -half - 2, f"{label}\n{_size(array)}", ha="center", va="bottom", fontsize=SMALL)
    text.set_gid(f"label-{name}-{label}")


def maps_to_scale_alt(rows: Mapping[str, Mapping[str, Any]]) -> str:
    """The alt text of ``draw_maps_to_scale(rows)``: each row's maps with their sizes.

    >>> print(maps_to_scale_alt({"strided": {"input": np.eye(8), "conv_1": np.eye(4)}}))
    Feature maps drawn to one scale, one unit per pixel, each shaded from its lowest value \
(dark) to its highest (light). strided: input 8×8, conv_1 4×4.
    """
    return _alt(_rows(rows))


def _alt(checked: dict[str, dict[str, np.ndarray]]) -> str:
    lines = [
        f"{name}: " + ", ".join(f"{label} {_size(array)}" for label, array in maps.items()) + "."
        for name, maps in checked.items()
    ]
    start = (
        "Feature maps drawn to one scale, one unit per pixel, each shaded from its lowest value (dark) "
        "to its highest (light)."
    )
    return " ".join([start, *lines])
