"""Pictures of padding and stride: grids, windows, feature maps, an animation, an explorer,
models and their maps drawn to scale, and training curves.

Every drawing function returns its matplotlib Figure, so it can be shown, saved or
inspected; ``animate_conv`` returns a ConvAnimation (``.figure``, ``.to_gif()``,
``.player()``). The geometry comes from ``window_positions``, the arithmetic the numbers
use, so a picture cannot disagree with them. All pictures share one palette
(``padstride.pictures.palette``) and are legible at a notebook's width.

Every picture carries a text alternative written by the function that draws it, from the
values it draws (``alt_text(fig)``); a notebook shows it as the picture's alt text. Give
your own matplotlib figure one with ``describe(fig, "...")`` (or one panel with
``describe(ax, "...")``) before ``plt.show()``.

>>> fig = draw_windows(8, 3, strides=2, padding="same")
>>> fig.get_suptitle().splitlines()[0]
'input 8×8, kernel_size=3, strides=2, padding="same"'
>>> alt_text(fig).split(";")[0]
'8×8 input, 3×3 kernel, stride 2, padding "same": 1 row of zeros at the bottom, 1 column at the right'
"""

from __future__ import annotations

import os

from .alt import alt_text, describe
from .conv.windows import unread_pixels
from .pictures.animation import ConvAnimation, animate_conv
from .pictures.curves import plot_history, plot_tradeoff
from .pictures.explorer import explore
from .pictures.field_on_image import draw_field, field_row
from .pictures.fields import draw_receptive_field
from .pictures.grids import draw_conv_steps, draw_feature_map, draw_maps, draw_padding, draw_windows
from .pictures.networks import draw_feature_map_sizes, draw_pipeline, feature_map_sizes
from .pictures.padmodes import draw_pad_modes
from .pictures.palette import COLORS, HEATMAP
from .pictures.sampling import draw_coverage
from .pictures.scaled_maps import draw_maps_to_scale, maps_to_scale_alt

__all__ = [
    "COLORS",
    "HEATMAP",
    "ConvAnimation",
    "alt_text",
    "animate_conv",
    "describe",
    "draw_conv_steps",
    "draw_coverage",
    "draw_feature_map",
    "draw_feature_map_sizes",
    "draw_maps",
    "draw_maps_to_scale",
    "draw_pad_modes",
    "draw_padding",
    "draw_pipeline",
    "draw_receptive_field",
    "draw_field",
    "field_row",
    "draw_windows",
    "explore",
    "feature_map_sizes",
    "gallery",
    "maps_to_scale_alt",
    "plot_history",
    "plot_tradeoff",
    "unread_pixels",
]


def gallery(folder: str = "docs/images", overwrite: bool = False) -> list[str]:
    """Write a few PNGs (used by the README) to ``folder``, made if missing; returns their
    paths. Pictures already there are refused, before anything is drawn, unless
    ``overwrite=True``; each is written whole or not at all."""
    import io

    from .demo.filters import VERTICAL_LINE_DETECTOR, line_image
    from .pictures.palette import pyplot
    from .safe_files import user_path, write_bytes_atomically

    out = user_path(folder, "folder")
    if os.path.lexists(out) and not out.is_dir():
        raise ValueError(f"folder={str(folder)!r} is not allowed: it is a file, not a folder")
    pictures = {
        "same_stride2_windows.png": lambda: draw_windows(8, 3, strides=2, padding="same"),
        "valid_stride2_windows.png": lambda: draw_windows(8, 3, strides=2, show="first-row"),
        "conv_steps.png": lambda: draw_conv_steps(line_image(), VERTICAL_LINE_DETECTOR),
        "padding_ring.png": lambda: draw_padding(line_image(), 1),
    }
    there = [name for name in pictures if os.path.lexists(out / name)]
    if there and not overwrite:
        raise ValueError(
            f"folder={str(folder)!r} already holds {', '.join(there)}; they are left as they are: "
            "pass overwrite=True to redraw them"
        )
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, draw in pictures.items():
        fig, png = draw(), io.BytesIO()
        fig.savefig(png, format="png", dpi=90)
        pyplot().close(fig)
        written.append(str(write_bytes_atomically(png.getvalue(), out / name, overwrite=overwrite)))
    return written
