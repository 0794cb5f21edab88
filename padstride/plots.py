"""Pictures of padding and stride: grids, windows, feature maps, an animation, an explorer.

Every function returns its matplotlib Figure (or Animation), so it can be shown, saved
or inspected. The geometry comes from ``window_positions``, the same arithmetic the
numbers use, so a picture cannot disagree with them. Patches carry a ``gid``: "input",
"pad", "window", "output" or "output-filled", which the tests read.

>>> fig = draw_windows(8, 3, strides=2, padding="same")
>>> fig.axes[0].get_title().splitlines()[0]
'input 8×8, kernel 3×3, stride 2, padding "same"'
"""

from __future__ import annotations

import base64
import html
import io
from typing import Any

import numpy as np

from .arithmetic import IntOrPair, Padding, WindowGrid, describe_axes, window_positions

# Okabe–Ito colours: distinguishable with the common forms of colour blindness.
COLORS = {
    "input": "#FFFFFF",
    "pad": "#E69F00",  # orange
    "window": "#0072B2",  # blue
    "output": "#F0F0F0",
    "filled": "#56B4E9",  # sky blue
    "edge": "#555555",
    "text": "#000000",
}
HEATMAP = "cividis"
MAX_LABELLED = 16  # write values in the cells up to this many rows and columns


def _pyplot():
    import matplotlib.pyplot as plt

    return plt


def _padding_text(padding: Padding) -> str:
    return f'"{padding.lower()}"' if isinstance(padding, str) else str(padding)


def _pair_text(value: IntOrPair) -> str:
    if isinstance(value, (tuple, list)):
        return str(value[0]) if value[0] == value[1] else f"{value[0]}×{value[1]}"
    return str(value)


def _cell(ax, row: float, col: float, color: str, gid: str, **kwargs: Any):
    from matplotlib.patches import Rectangle

    patch = Rectangle((col, row), 1, 1, facecolor=color, edgecolor=COLORS["edge"], linewidth=0.6, **kwargs)
    patch.set_gid(gid)
    ax.add_patch(patch)
    return patch


def _grid_axes(ax, top: float, left: float, height: float, width: float, title: str) -> None:
    ax.set_xlim(left - 0.1, left + width + 0.1)
    ax.set_ylim(top + height + 0.1, top - 0.1)
    ax.set_aspect("equal")
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_visible(False)
    ax.set_title(title, fontsize=10)


def _frame_input(ax, grid: WindowGrid, title: str) -> None:
    """Axes limits and title for an input drawn with its padding."""
    _grid_axes(ax, -grid.pad_top, -grid.pad_left, *grid.padded_shape, title)


def _draw_input(ax, grid: WindowGrid, values: np.ndarray | None = None) -> None:
    """The input with its padding cells, in unpadded coordinates (padding at negative indices)."""
    label = values is not None and max(grid.height, grid.width) <= MAX_LABELLED
    for r in range(-grid.pad_top, grid.height + grid.pad_bottom):
        for c in range(-grid.pad_left, grid.width + grid.pad_right):
            inside = 0 <= r < grid.height and 0 <= c < grid.width
            _cell(ax, r, c, COLORS["input"] if inside else COLORS["pad"], "input" if inside else "pad")
            if label:
                value = values[r, c] if inside else 0
                ax.text(
                    c + 0.5, r + 0.5, f"{value:g}", ha="center", va="center", fontsize=7, color=COLORS["text"]
                )


def _window(ax, grid: WindowGrid, row: int, col: int, alpha: float = 0.35):
    """Outline the taps of the window for output cell (row, col)."""
    patches = []
    for r, c in grid.cells(row, col):
        patch = _cell(ax, r, c, COLORS["window"], "window", alpha=alpha)
        patches.append(patch)
    return patches


def draw_padding(image: np.ndarray, padding: Padding, title: str | None = None):
    """The image as a grid with its zero padding in orange; values written when small.

    ``padding`` is an int, (before, after), ((top, bottom), (left, right)), or "same"
    with a 3×3 kernel in mind. Returns the Figure.
    """
    image = np.asarray(image, dtype=float)
    if image.ndim != 2:
        raise ValueError(f"image has shape {image.shape}: a 2-D array is needed")
    kernel = 3 if isinstance(padding, str) else 1
    grid = window_positions(image.shape, kernel, 1, padding)
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(4.2, 4.2))
    _draw_input(ax, grid, image)
    rows, cols = grid.padded_shape
    text = title or (
        f"{grid.height}×{grid.width} image padded to {rows}×{cols}\n"
        f"top {grid.pad_top}, bottom {grid.pad_bottom}, left {grid.pad_left}, right {grid.pad_right}"
    )
    _frame_input(ax, grid, text)
    return fig


def draw_windows(
    size: IntOrPair,
    kernel_size: IntOrPair,
    strides: IntOrPair = 1,
    padding: Padding = "valid",
    dilation_rate: IntOrPair = 1,
    show: str = "corners",
):
    """Input grid with padding, the windows the filter visits, and the output grid.

    ``show`` picks the windows outlined: "corners" (first, last and the other two
    corners), "first-row" or "all". The title carries the formula with its numbers.
    """
    if show not in ("corners", "first-row", "all"):
        raise ValueError(f"show={show!r} is not allowed: use 'corners', 'first-row' or 'all'")
    grid = window_positions(size, kernel_size, strides, padding, dilation_rate)
    out_h, out_w = grid.output_shape
    if show == "all":
        chosen = [(r, c) for r in range(out_h) for c in range(out_w)]
    elif show == "first-row":
        chosen = [(0, c) for c in range(out_w)]
    else:
        chosen = sorted({(0, 0), (0, out_w - 1), (out_h - 1, 0), (out_h - 1, out_w - 1)})
    plt = _pyplot()
    cols = grid.padded_shape[1]
    fig, (ax_in, ax_out) = plt.subplots(
        1, 2, figsize=(8.5, 4.6), gridspec_kw={"width_ratios": [max(cols, 1), max(out_w, 1) + 1]}
    )
    _draw_input(ax_in, grid)
    from matplotlib.patches import Rectangle

    for r, c in chosen:
        top, left = grid.rows[r], grid.cols[c]
        span_h = grid.taps_rows[-1] + 1
        span_w = grid.taps_cols[-1] + 1
        frame = Rectangle((left, top), span_w, span_h, fill=False, edgecolor=COLORS["window"], linewidth=2.2)
        frame.set_gid("window-frame")
        ax_in.add_patch(frame)
        _window(ax_in, grid, r, c, alpha=0.25)
    h, w = grid.axes
    kernel = f"{h.kernel_size}×{w.kernel_size}"
    head = (
        f"input {grid.height}×{grid.width}, kernel {kernel}, stride {_pair_text(strides)}, "
        f"padding {_padding_text(padding)}"
    )
    if max(h.dilation, w.dilation) > 1:
        head += f", dilation {_pair_text(dilation_rate)}"
    _frame_input(ax_in, grid, head + "\n" + _wrap(describe_axes(h, w)))
    for r in range(out_h):
        for c in range(out_w):
            color, gid = (
                (COLORS["filled"], "output-filled") if (r, c) in chosen else (COLORS["output"], "output")
            )
            _cell(ax_out, r, c, color, gid)
    _grid_axes(ax_out, 0, 0, out_h, out_w, f"output {out_h}×{out_w}")
    fig.legend(
        handles=_legend_handles(),
        loc="lower center",
        ncol=3,
        frameon=False,
        fontsize=9,
    )
    fig.tight_layout(rect=(0, 0.07, 1, 1))
    return fig


def _wrap(text: str, width: int = 60) -> str:
    import textwrap

    return "\n".join(textwrap.wrap(text, width))


def _legend_handles():
    from matplotlib.patches import Patch

    return [
        Patch(facecolor=COLORS["input"], edgecolor=COLORS["edge"], label="input"),
        Patch(facecolor=COLORS["pad"], edgecolor=COLORS["edge"], label="zero padding"),
        Patch(facecolor=COLORS["window"], edgecolor=COLORS["edge"], alpha=0.4, label="window (kernel taps)"),
    ]


def draw_feature_map(array: np.ndarray, title: str = "feature map", ax=None):
    """Heat map with the values written in the cells (when at most 16×16)."""
    array = np.asarray(array, dtype=float)
    if array.ndim != 2:
        raise ValueError(f"array has shape {array.shape}: a 2-D array is needed")
    plt = _pyplot()
    if ax is None:
        fig, ax = plt.subplots(figsize=(3.6, 3.6))
    else:
        fig = ax.figure
    image = ax.imshow(array, cmap=HEATMAP, interpolation="nearest")
    image.set_gid("heatmap")
    if max(array.shape) <= MAX_LABELLED:
        low, high = float(array.min()), float(array.max())
        middle = (low + high) / 2
        for (r, c), value in np.ndenumerate(array):
            color = "black" if value > middle or low == high else "white"
            ax.text(c, r, f"{value:g}", ha="center", va="center", fontsize=8, color=color)
    ax.set_title(f"{title} ({array.shape[0]}×{array.shape[1]})", fontsize=10)
    ax.set_xlabel("column")
    ax.set_ylabel("row")
    ax.set_xticks(range(array.shape[1]) if array.shape[1] <= MAX_LABELLED else [])
    ax.set_yticks(range(array.shape[0]) if array.shape[0] <= MAX_LABELLED else [])
    return fig


def _dot_text(values: np.ndarray, kernel: np.ndarray) -> str:
    terms = [f"{v:g}·{k:g}" for v, k in zip(values.ravel(), kernel.ravel()) if k != 0 and v != 0]
    total = float((values * kernel).sum())
    return (" + ".join(terms) if terms else "0") + f" = {total:g}"


def draw_conv_steps(
    image: np.ndarray,
    kernel: np.ndarray,
    strides: IntOrPair = 1,
    padding: Padding = "valid",
    dilation_rate: IntOrPair = 1,
    steps: int | None = None,
):
    """Small multiples: the first window positions of the top row, each with its patch,
    the filter and the dot product written out."""
    from .filters import patches

    image = np.asarray(image, dtype=float)
    kernel = np.asarray(kernel, dtype=float)
    first_row = [p for p in patches(image, kernel, strides, padding, dilation_rate) if p.row == 0]
    if steps is not None:
        first_row = first_row[:steps]
    grid = window_positions(image.shape, kernel.shape, strides, padding, dilation_rate)
    plt = _pyplot()
    n = len(first_row)
    cols = min(n, 3)
    rows = -(-n // cols)
    fig, axes = plt.subplots(rows, cols, figsize=(3.4 * cols, 3.8 * rows), squeeze=False)
    for ax in axes.ravel()[n:]:
        ax.set_visible(False)
    for ax, patch in zip(axes.ravel(), first_row):
        _draw_input(ax, grid, image)
        _window(ax, grid, patch.row, patch.col, alpha=0.45)
        step = "start" if patch.col == 0 else f"moved right {patch.col * grid.axes[1].stride}"
        title = f"{step}: output[0, {patch.col}]\n{_wrap(_dot_text(patch.values, kernel), 40)}"
        _frame_input(ax, grid, title)
    fig.suptitle("the window slides along the first row; each stop is one dot product", fontsize=11)
    fig.tight_layout()
    return fig


def animate_conv(
    image: np.ndarray,
    kernel: np.ndarray,
    strides: IntOrPair = 1,
    padding: Padding = "valid",
    dilation_rate: IntOrPair = 1,
    interval: int = 600,
):
    """A matplotlib animation, one frame per output position: the window moves, the dot
    product is shown, the output cell fills in. Save with ``anim.save("conv.gif",
    writer="pillow")``; show inline with ``HTML(anim.to_jshtml())``."""
    from matplotlib.animation import FuncAnimation

    from .filters import patches

    image = np.asarray(image, dtype=float)
    kernel = np.asarray(kernel, dtype=float)
    grid = window_positions(image.shape, kernel.shape, strides, padding, dilation_rate)
    positions = list(patches(image, kernel, strides, padding, dilation_rate))
    out_h, out_w = grid.output_shape
    plt = _pyplot()
    fig, (ax_in, ax_out) = plt.subplots(1, 2, figsize=(8.5, 4.4), dpi=60)
    _draw_input(ax_in, grid, image)
    _frame_input(ax_in, grid, "input")
    out_cells = {}
    out_text = {}
    for r in range(out_h):
        for c in range(out_w):
            out_cells[r, c] = _cell(ax_out, r, c, COLORS["output"], "output")
            out_text[r, c] = ax_out.text(c + 0.5, r + 0.5, "", ha="center", va="center", fontsize=8)
    _grid_axes(ax_out, 0, 0, out_h, out_w, f"output {out_h}×{out_w}")
    window_patches: list[Any] = []
    caption = fig.text(0.5, 0.03, "", ha="center", fontsize=9)

    def frame(i: int):
        for patch in window_patches:
            patch.remove()
        window_patches.clear()
        p = positions[i]
        window_patches.extend(_window(ax_in, grid, p.row, p.col, alpha=0.45))
        out_cells[p.row, p.col].set_facecolor(COLORS["filled"])
        out_cells[p.row, p.col].set_gid("output-filled")
        out_text[p.row, p.col].set_text(f"{p.product:g}")
        caption.set_text(f"output[{p.row}, {p.col}] = {_dot_text(p.values, kernel)}")
        return [*window_patches, out_cells[p.row, p.col], out_text[p.row, p.col], caption]

    anim = FuncAnimation(fig, frame, frames=len(positions), interval=interval, blit=False, repeat=True)
    fig.tight_layout(rect=(0, 0.07, 1, 1))
    return anim


def draw_pipeline(digit: np.ndarray):
    """The seed pipeline as three panels: the 28×28 digit, padded to 30×30, and the 14×14
    feature map of a 3×3, stride-2 convolution (the vertical-line detector)."""
    from .training import pipeline_trace

    trace = pipeline_trace(np.asarray(digit, dtype="float32"))
    plt = _pyplot()
    fig, axes = plt.subplots(1, 3, figsize=(10, 3.8))
    titles = [
        "1. input digit",
        "2. ZeroPadding2D(1)",
        "3. Conv2D 3×3, stride 2",
    ]
    for ax, key, title in zip(axes, ("input", "padded", "feature_map"), titles):
        array = trace[key]
        image = ax.imshow(array, cmap="gray" if key != "feature_map" else HEATMAP, interpolation="nearest")
        image.set_gid(key)
        ax.set_title(f"{title}\n{array.shape[0]}×{array.shape[1]}×1", fontsize=10)
        ax.set_xticks([])
        ax.set_yticks([])
    axes[1].add_patch(_frame_rectangle(30))
    fig.suptitle("28×28 → pad 1 → 30×30 → 3×3 kernel, stride 2: floor((30 − 3)/2) + 1 = 14", fontsize=11)
    fig.tight_layout(rect=(0, 0, 1, 0.9))
    return fig


def draw_pad_modes(image: np.ndarray, padding: Padding = 1, kernel: np.ndarray | None = None, modes=None):
    """One panel per padding mode: the padded image with the original framed and, given a
    kernel, below it the "valid" feature map of the padded image (values written when
    small), where the border's edge effects show.

    >>> fig = draw_pad_modes(np.eye(4), 2)
    >>> [ax.get_title() for ax in fig.axes]
    ['zeros', 'reflect', 'symmetric', 'replicate']
    """
    from .filters import reference_conv2d
    from .padding import PAD_MODES, pad

    image = np.asarray(image, dtype=float)
    modes = tuple(PAD_MODES if modes is None else modes)
    padded = {mode: pad(image, padding, mode) for mode in modes}  # raises on a bad mode or size
    plt = _pyplot()
    rows = 1 if kernel is None else 2
    fig, axes = plt.subplots(rows, len(modes), figsize=(2.8 * len(modes), 2.9 * rows), squeeze=False)
    low, high = min(p.min() for p in padded.values()), max(p.max() for p in padded.values())
    (top, _), (left, _) = _sides(padding)
    for ax, mode in zip(axes[0], modes):
        shown = ax.imshow(padded[mode], cmap="gray", vmin=low, vmax=high, interpolation="nearest")
        shown.set_gid(f"padded-{mode}")
        _outline(ax, top, left, image.shape)
        ax.set_title(mode, fontsize=10)
        ax.set_xticks([])
        ax.set_yticks([])
    if kernel is not None:
        for ax, mode in zip(axes[1], modes):
            draw_feature_map(reference_conv2d(padded[mode], kernel), title=f"{mode}: feature map", ax=ax)
    fig.tight_layout()
    return fig


def _sides(padding: Padding) -> tuple[tuple[int, int], tuple[int, int]]:
    """((top, bottom), (left, right)) of a pixel padding, as pad() reads it."""
    from .arithmetic import _parse_axis_padding, _split_2d_padding

    return tuple(_parse_axis_padding(p) for p in _split_2d_padding(padding))


def _outline(ax, top: int, left: int, shape: tuple[int, int], color: str | None = None, gid: str = "input"):
    from matplotlib.patches import Rectangle

    frame = Rectangle(
        (left - 0.5, top - 0.5),
        shape[1],
        shape[0],
        fill=False,
        edgecolor=color or COLORS["pad"],
        linewidth=2.5,
    )
    frame.set_gid(gid)
    ax.add_patch(frame)
    return frame


def _nearest_pixel(row: Any, axis: int, target: float) -> int:
    """The output index (along one axis) whose receptive field is centred nearest ``target``."""

    def distance(p: int) -> float:
        return abs(row.start[axis] + p * row.jump[axis] + (row.size[axis] - 1) / 2 - target)

    return min(range(row.output_shape[axis]), key=distance)


def draw_receptive_field(model_or_layers: Any, input_shape: tuple[int, ...] | None = None):
    """The input grid with the receptive field of one output pixel of each spatial layer
    outlined, nested around the centre: each square is (k − 1)·jump wider than the last.

    >>> from padstride.models import mnist_variant
    >>> fig = draw_receptive_field(mnist_variant("stride"))
    >>> [p.get_gid() for p in fig.axes[0].patches]
    ['field-conv_1', 'field-conv_2', 'field-conv_3']
    """
    from .receptive import receptive_field

    rows = receptive_field(model_or_layers, input_shape)
    if not rows:
        raise ValueError("the model has no spatial layers (Conv2D, pooling, ZeroPadding2D) before Flatten")
    height, width = rows.input_shape[:2]
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(5, 5))
    ax.imshow(np.zeros((height, width)), cmap="gray_r", vmin=0, vmax=1, interpolation="nearest")
    palette = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9"]
    # From the last layer back: each layer's pixel is the one whose field is centred
    # nearest the centre of the field drawn after it, so the squares nest.
    centre = ((height - 1) / 2, (width - 1) / 2)
    spans = {}
    for row in reversed(rows):
        picked = [_nearest_pixel(row, axis, centre[axis]) for axis in (0, 1)]
        spans[row.name] = row.span(*picked)
        centre = tuple((span.start + span.stop - 1) / 2 for span in spans[row.name])
    labels = []
    for index, row in enumerate(rows):
        span_rows, span_cols = spans[row.name]
        color = palette[index % len(palette)]
        _outline(
            ax, span_rows.start, span_cols.start, (len(span_rows), len(span_cols)), color, f"field-{row.name}"
        )
        labels.append((color, f"{row.name}: {row.size[0]}×{row.size[1]}, jump {row.jump[0]}"))
    from matplotlib.lines import Line2D

    handles = [Line2D([], [], color=color, linewidth=2.5, label=text) for color, text in labels]
    ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.02), fontsize=9, frameon=False)
    ax.set_xlim(-0.5, width - 0.5)
    ax.set_ylim(height - 0.5, -0.5)
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_title(f"receptive fields on the {height}×{width} input", fontsize=10)
    fig.tight_layout()
    return fig


def _frame_rectangle(size: int):
    """The one-pixel padding ring of a padded image, outlined in the padding colour."""
    from matplotlib.patches import Rectangle

    frame = Rectangle((-0.5, -0.5), size, size, fill=False, edgecolor=COLORS["pad"], linewidth=4)
    frame.set_gid("pad")
    return frame


def _png(fig) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=80)
    return buffer.getvalue()


def explore(
    size: int = 8, kernel_size: int = 3, strides: int = 1, padding: str = "same", dilation_rate: int = 1
):
    """Sliders for input size, kernel, stride, dilation and padding that redraw the window
    picture with the formula; bad combinations show the package's message instead.

    Returns the widget box. Where no widget front-end renders it (a static notebook
    viewer, nbval), the same output carries a static picture and a line saying so. Without
    ipywidgets installed, returns a static Figure after saying so.
    """
    try:
        import ipywidgets as widgets
    except ImportError:
        print("ipywidgets is not installed: a static picture instead of the explorer")
        return draw_windows(size, kernel_size, strides, padding, dilation_rate)

    class Explorer(widgets.VBox):
        def _repr_mimebundle_(self, **kwargs):
            bundle = super()._repr_mimebundle_(**kwargs)
            data = bundle[0] if isinstance(bundle, tuple) else bundle
            if self.figure is not None:
                data["image/png"] = base64.b64encode(_png(self.figure)).decode()
            data["text/plain"] = (
                "padstride explorer: sliders need a widget front-end (JupyterLab 4, Notebook 7); "
                f"static picture of the current setting. {self.message.value}"
            ).strip()
            return bundle

    controls = {
        "size": widgets.IntSlider(value=size, min=1, max=16, description="input"),
        "kernel_size": widgets.IntSlider(value=kernel_size, min=1, max=7, description="kernel"),
        "strides": widgets.IntSlider(value=strides, min=1, max=4, description="strides"),
        "dilation_rate": widgets.IntSlider(value=dilation_rate, min=1, max=3, description="dilation_rate"),
        "padding": widgets.Dropdown(
            options=["valid", "same", "0", "1", "2", "(0, 1)", "(1, 0)"], value=padding, description="padding"
        ),
    }
    message = widgets.HTML()
    picture = widgets.Image(format="png")
    rows = [widgets.HBox(list(controls.values())[:3]), widgets.HBox(list(controls.values())[3:])]
    box = Explorer([*rows, message, picture])
    box.controls, box.message, box.picture, box.figure = controls, message, picture, None

    def redraw(_change: Any = None) -> None:
        values = {name: control.value for name, control in controls.items()}
        pad = values.pop("padding")
        if pad not in ("valid", "same"):
            pad = int(pad) if pad.isdigit() else tuple(int(v) for v in pad.strip("()").split(","))
        try:
            fig = draw_windows(
                values["size"], values["kernel_size"], values["strides"], pad, values["dilation_rate"]
            )
        except ValueError as error:
            message.value = f"<b>Not possible:</b> {html.escape(str(error))}"
            box.figure = None
            picture.value = b""
            return
        _pyplot().close(fig)  # shown through the Image widget, not by pyplot
        message.value = ""
        box.figure = fig
        picture.value = _png(fig)

    for control in controls.values():
        control.observe(redraw, names="value")
    box.redraw = redraw
    redraw()
    return box


def plot_history(*histories):
    """Loss and accuracy per epoch for one or more training runs (training solid, test dashed)."""
    if not histories:
        raise ValueError("plot_history() needs at least one History")
    plt = _pyplot()
    fig, (ax_loss, ax_acc) = plt.subplots(1, 2, figsize=(9, 3.6))
    palette = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#D55E00"]
    for color, history in zip(palette * 2, histories):
        epochs = [row.epoch for row in history.rows]
        ax_loss.plot(epochs, history.column("loss"), "-o", color=color, label=f"{history.model_name} train")
        ax_loss.plot(
            epochs, history.column("val_loss"), "--s", color=color, label=f"{history.model_name} test"
        )
        ax_acc.plot(
            epochs, history.column("accuracy"), "-o", color=color, label=f"{history.model_name} train"
        )
        ax_acc.plot(
            epochs, history.column("val_accuracy"), "--s", color=color, label=f"{history.model_name} test"
        )
    for ax, name in ((ax_loss, "loss"), (ax_acc, "accuracy")):
        ax.set_xlabel("epoch")
        ax.set_ylabel(name)
        ax.set_title(f"{name} per epoch", fontsize=10)
        ax.grid(alpha=0.3)
        ax.xaxis.get_major_locator().set_params(integer=True)
    ax_acc.legend(fontsize=8)
    fig.tight_layout()
    return fig


def plot_tradeoff(table):
    """Test accuracy against parameters and against seconds per epoch, one point per model."""
    plt = _pyplot()
    fig, (ax_params, ax_time) = plt.subplots(1, 2, figsize=(9, 3.6))
    markers = ["o", "s", "^", "D", "v"]
    palette = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#D55E00"]
    for marker, color, row in zip(markers, palette, table):
        ax_params.scatter(row.params, row.test_accuracy, marker=marker, color=color, s=60, label=row.name)
        ax_time.scatter(
            row.seconds_per_epoch, row.test_accuracy, marker=marker, color=color, s=60, label=row.name
        )
    ax_params.set_xscale("log")
    ax_params.set_xlabel("parameters (log scale)")
    ax_time.set_xlabel("seconds per epoch")
    for ax, title in ((ax_params, "accuracy against size"), (ax_time, "accuracy against time")):
        ax.set_ylabel("test accuracy")
        ax.set_title(title, fontsize=10)
        ax.grid(alpha=0.3)
    ax_time.legend(fontsize=8)
    fig.tight_layout()
    return fig


def gallery(folder: str = "docs/images") -> list[str]:
    """Write a few PNGs (used by the README) to ``folder``; returns their paths."""
    from pathlib import Path

    from .filters import VERTICAL_LINE_DETECTOR, line_image

    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    pictures = {
        "same_stride2_windows.png": lambda: draw_windows(8, 3, strides=2, padding="same"),
        "valid_stride2_windows.png": lambda: draw_windows(8, 3, strides=2, show="first-row"),
        "conv_steps.png": lambda: draw_conv_steps(line_image(), VERTICAL_LINE_DETECTOR),
        "padding_ring.png": lambda: draw_padding(line_image(), 1),
    }
    written = []
    plt = _pyplot()
    for name, draw in pictures.items():
        fig = draw()
        fig.savefig(out / name, dpi=90)
        plt.close(fig)
        written.append(str(out / name))
    return written
