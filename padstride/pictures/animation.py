"""The convolution as an animation: one frame per output position.

``animate_conv`` returns a ``ConvAnimation``: its ``figure``, its matplotlib
``animation``, every frame on demand, an animated GIF (an image any notebook viewer
shows, trusted or not) and, when a kernel runs, interactive frame controls.

>>> from padstride.demo.filters import VERTICAL_LINE_DETECTOR, line_image
>>> movie = animate_conv(line_image(), VERTICAL_LINE_DETECTOR, strides=2)
>>> movie.frames, movie.caption(8)
(9, 'output[2, 2] = 0·1 + 0·1 + 0·1 = 0')
"""

from __future__ import annotations

import io
from typing import Any

import numpy as np

from ..alt import Picture, img_html
from ..arguments import image_2d, positive_int
from ..conv.arithmetic import IntOrPair, Padding, WindowGrid, window_positions
from ..widgets import fallback_box, slider_with_field
from .cells import add_cell, dot_text, draw_input, draw_window, drawable, frame_input, grid_axes, wrap
from .palette import COLORS, SMALL, TEXT, figure, png_bytes
from .words import settings_words, values_words, zeros_words

GIF_DPI = 100  # 9 × 4.8 inches: a 900 × 480 px GIF, text 14 px and up
LISTED_FRAMES = 16  # the alt text writes out each frame's dot product up to this many frames
CAPTION_WIDTH = 90  # characters per line of the dot product


class ConvAnimation:
    """An animation of a convolution, one frame per output position in reading order.

    ``figure`` is the matplotlib Figure the frames are drawn on and ``draw_frame(i)``
    shows frame i on it; ``animation`` is a matplotlib FuncAnimation over it (for
    ``animation.to_jshtml()`` or ``animation.save(...)``), made when first asked for.
    """

    def __init__(
        self,
        figure: Any,
        grid: WindowGrid,
        kernel: np.ndarray,
        positions: list[Any],
        interval: int,
        cells: dict[tuple[int, int], Any],
        values: dict[tuple[int, int], Any],
        caption_text: Any,
        padding: Padding = "valid",
    ) -> None:
        self.figure = figure
        self.grid = grid
        self.kernel = kernel
        self.positions = positions
        self.interval = interval
        self.cells = cells
        self.values = values
        self.caption_text = caption_text
        self.padding = padding
        self.window: list[Any] = []
        self._animation: Any = None

    @property
    def animation(self) -> Any:
        """A matplotlib FuncAnimation that draws the frames on ``figure``."""
        if self._animation is None:
            from matplotlib.animation import FuncAnimation

            self._animation = FuncAnimation(
                self.figure, self.draw_frame, frames=self.frames, interval=self.interval, repeat=True
            )
        return self._animation

    @property
    def frames(self) -> int:
        return len(self.positions)

    def caption(self, index: int) -> str:
        """What frame ``index`` says under the picture: the output cell and its dot product."""
        p = self.positions[index]
        return f"output[{p.row}, {p.col}] = {dot_text(p.values, self.kernel)}"

    @property
    def settings(self) -> str:
        """The convolution in words: '8×8 input, 3×3 kernel, stride 2, padding "valid"'."""
        return settings_words(self.grid, self.padding)

    @property
    def alt(self) -> str:
        """The GIF's alt text: what the frames show, with their numbers."""
        out_h, out_w = self.grid.output_shape
        output = np.zeros((out_h, out_w))
        for p in self.positions:
            output[p.row, p.col] = p.product
        text = (
            f"Animation in {self.frames} frames of {self.interval / 1000:g} s, looping: "
            f"{self.settings}: {zeros_words(self.grid)}. Three panels: the input with its values, the "
            f"{self.kernel.shape[0]}×{self.kernel.shape[1]} kernel ({values_words(self.kernel)}) and the "
            f"{out_h}×{out_w} output. Frame by frame the window moves in reading order, shaded on the input, "
            "one output cell fills in and its dot product is written below"
        )
        if self.frames <= LISTED_FRAMES:
            text += ": " + "; ".join(self.caption(index) for index in range(self.frames))
        return text + f". The output's {values_words(output)}."

    def frame_alt(self, index: int) -> str:
        """Frame ``index`` in words: the settings and its caption."""
        return f"Frame {index + 1} of {self.frames} ({self.settings}): {self.caption(index)}."

    def draw_frame(self, index: int) -> list[Any]:
        """Draw frame ``index`` (0 to frames − 1): the window on the input, the output
        cells up to this one filled in. Returns the artists that changed."""
        if not 0 <= index < self.frames:
            raise ValueError(f"index={index!r} is not allowed: use 0 to {self.frames - 1}")
        for patch in self.window:
            patch.remove()
        self.window.clear()
        current = self.positions[index]
        self.window.extend(draw_window(self.figure.axes[0], self.grid, current.row, current.col, alpha=0.45))
        for number, p in enumerate(self.positions):
            done = number <= index
            self.cells[p.row, p.col].set_facecolor(COLORS["filled"] if done else COLORS["output"])
            self.cells[p.row, p.col].set_gid("output-filled" if done else "output")
            self.values[p.row, p.col].set_text(f"{p.product:g}" if done else "")
        self.caption_text.set_text(wrap(self.caption(index), CAPTION_WIDTH))
        return [*self.window, *self.cells.values(), *self.values.values(), self.caption_text]

    def frame_png(self, index: int) -> bytes:
        """Frame ``index`` as PNG bytes."""
        self.draw_frame(index)
        return png_bytes(self.figure, GIF_DPI)

    def gif_bytes(self) -> bytes:
        """Every frame as one looping animated GIF; the same input gives the same bytes."""
        from PIL import Image

        frames = []
        for index in range(self.frames):
            self.draw_frame(index)
            self.figure.canvas.draw()
            rgba = np.asarray(self.figure.canvas.buffer_rgba())
            frames.append(Image.fromarray(rgba[..., :3].copy()).quantize(colors=32, dither=Image.Dither.NONE))
        buffer = io.BytesIO()
        frames[0].save(
            buffer,
            format="GIF",
            save_all=True,
            append_images=frames[1:],
            duration=self.interval,
            loop=0,
            optimize=True,
        )
        return buffer.getvalue()

    def to_gif(self) -> Picture:
        """The animation as a GIF with its alt text, shown by any notebook viewer (its output
        holds ``image/gif``, an ``<img alt>`` of the same GIF, and the alt as text)."""
        return Picture(self.gif_bytes(), self.alt, "image/gif")

    def save_gif(self, path: Any) -> None:
        """Write the GIF to ``path``, whole or not at all, refusing to overwrite a file that
        exists; the folder must exist."""
        from ..safe_files import new_file, write_bytes_atomically

        target = new_file(path)
        try:
            write_bytes_atomically(self.gif_bytes(), target)
        except OSError as error:  # a full disk, a file that appeared meanwhile: nothing is left
            raise ValueError(
                f"path={str(path)!r}: the GIF was not written: {error.strerror or error}"
            ) from None

    def player(self):
        """Play, pause and step through the frames with widgets (needs a running kernel);
        elsewhere the output is a picture of the current frame, and says so in text.

        Every control has a name and a key: "play" (which becomes "pause" while playing) and
        "stop" are buttons with words; the frame slider has a number field beside it. The
        frames are timed in the browser by a hidden ``Play`` widget (``box.clock``), whose own
        buttons are icons without names.
        """
        import ipywidgets as widgets

        # An <img> with its alt text in an HTML widget: the Image widget has no alt.
        pictures = [img_html(self.frame_png(i), self.frame_alt(i)) for i in range(self.frames)]
        image = widgets.HTML(value=pictures[0], layout=widgets.Layout(max_width="100%"))
        frame = slider_with_field("frame", 0, 0, self.frames - 1)
        slider = frame.slider
        clock = widgets.Play(
            value=0,
            min=0,
            max=self.frames - 1,
            interval=self.interval,
            layout=widgets.Layout(display="none"),
        )
        widgets.jslink((clock, "value"), (slider, "value"))
        auto = widgets.Layout(width="auto")
        play = widgets.Button(
            description="play", icon="play", tooltip="play the frames from this one", layout=auto
        )
        stop = widgets.Button(description="stop", icon="stop", tooltip="stop at the first frame", layout=auto)

        def show(change: Any) -> None:
            image.value = pictures[change["new"]]

        def toggle(_button: Any) -> None:
            clock.playing = not clock.playing

        def rewind(_button: Any) -> None:
            clock.playing = False
            clock.value = slider.value = 0

        def label(change: Any) -> None:
            play.description, play.icon = ("pause", "pause") if change["new"] else ("play", "play")

        slider.observe(show, names="value")
        clock.observe(label, names="playing")
        play.on_click(toggle)
        stop.on_click(rewind)
        box = fallback_box(
            [widgets.HBox([play, stop, frame, clock], layout=widgets.Layout(align_items="center")), image],
            lambda: (
                f"frame controls for the animation, at frame {slider.value} of 0 to {self.frames - 1}:\n"
                "they work when the notebook runs; a picture of that frame follows"
            ),
            lambda: self.frame_png(slider.value),
            lambda: self.frame_alt(slider.value),
        )
        box.clock, box.play_button, box.stop_button = clock, play, stop
        box.slider, box.field, box.image = slider, frame.field, image
        return box

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> Any:
        return self.to_gif()._repr_mimebundle_(include, exclude)


def animate_conv(
    image: np.ndarray,
    kernel: np.ndarray,
    strides: IntOrPair = 1,
    padding: Padding = "valid",
    dilation_rate: IntOrPair = 1,
    interval: int = 900,
) -> ConvAnimation:
    """An animation with one frame per output position: the window moves over the input,
    the dot product is written under it, the output cell fills in.

    Show it with ``movie.to_gif()`` (an image) or ``movie.player()`` (controls); reach the
    figure as ``movie.figure`` and the matplotlib animation as ``movie.animation``.
    ``interval`` is the time per frame in milliseconds.
    """
    from ..conv.windows import patches

    image = image_2d(image)
    kernel = image_2d(kernel, "kernel")
    interval = positive_int(interval, "interval")
    grid = drawable(window_positions(image.shape, kernel.shape, strides, padding, dilation_rate))
    positions = list(patches(image, kernel, strides, padding, dilation_rate))
    out_h, out_w = grid.output_shape
    rows, cols = grid.padded_shape
    ratios = [max(rows, cols), max(kernel.shape) + 1, max(out_h, out_w) + 1]
    fig, (ax_in, ax_kernel, ax_out) = figure(9.0, 4.8, ncols=3, shown=False, width_ratios=ratios)
    draw_input(ax_in, grid, image, fontsize=TEXT)
    frame_input(
        ax_in, grid, f"input {grid.height}×{grid.width}" + (" with its padding" if rows > grid.height else "")
    )
    for (r, c), weight in np.ndenumerate(kernel):
        add_cell(ax_kernel, r, c, COLORS["window"], "kernel", alpha=0.45)
        ax_kernel.text(c + 0.5, r + 0.5, f"{weight:g}", ha="center", va="center", fontsize=TEXT)
    grid_axes(ax_kernel, 0, 0, *kernel.shape, f"kernel {kernel.shape[0]}×{kernel.shape[1]}")
    cells, values = {}, {}
    for r in range(out_h):
        for c in range(out_w):
            cells[r, c] = add_cell(ax_out, r, c, COLORS["output"], "output")
            values[r, c] = ax_out.text(c + 0.5, r + 0.5, "", ha="center", va="center", fontsize=TEXT)
    grid_axes(ax_out, 0, 0, out_h, out_w, f"output {out_h}×{out_w}")
    caption = fig.supxlabel("", fontsize=SMALL + 1)
    movie = ConvAnimation(fig, grid, kernel, positions, interval, cells, values, caption, padding)
    # Lay the figure out once, for the caption with the most lines, and keep that layout:
    # every frame then has the same geometry.
    longest = max(range(movie.frames), key=lambda i: wrap(movie.caption(i), CAPTION_WIDTH).count("\n"))
    movie.draw_frame(longest)
    fig.draw_without_rendering()
    fig.set_layout_engine("none")
    movie.draw_frame(0)
    return movie
