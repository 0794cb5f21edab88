import base64
import io
import re

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pytest
from PIL import Image

from padstride.alt import img_html
from padstride.demo.filters import VERTICAL_LINE_DETECTOR, line_image
from padstride.measure.layers import conv_map
from padstride.plots import ConvAnimation, animate_conv
from tests.picture_checks import assert_legible, img_parts, picture_alt, rows_in, sizes_in, zeros_in


@pytest.fixture(scope="module")
def movie() -> ConvAnimation:
    return animate_conv(line_image(), VERTICAL_LINE_DETECTOR, strides=2)


def filled(movie):
    ax_out = movie.figure.axes[-1]
    return {
        (int(t.get_position()[1]), int(t.get_position()[0])): float(t.get_text())
        for t in ax_out.texts
        if t.get_text()
    }


def test_one_frame_per_output_position_filled_with_keras_values(movie):
    assert movie.frames == 9
    expected = conv_map(line_image(), VERTICAL_LINE_DETECTOR, strides=2)
    movie.draw_frame(8)  # the last frame: every output cell filled
    assert filled(movie) == {(r, c): expected[r, c] for r in range(3) for c in range(3)}
    assert movie.caption(4) == "output[1, 1] = 1·1 + 1·1 + 1·1 = 3"
    movie.draw_frame(1)  # frames can be drawn in any order
    assert filled(movie) == {(0, 0): expected[0, 0], (0, 1): expected[0, 1]}
    window = [p for p in movie.figure.axes[0].patches if p.get_gid() == "window"]
    assert sorted((int(p.get_y()), int(p.get_x())) for p in window) == [
        (r, c) for r in range(3) for c in (2, 3, 4)
    ]
    with pytest.raises(ValueError, match="index=9 is not allowed: use 0 to 8"):
        movie.draw_frame(9)


def test_the_gif_is_large_legible_and_the_same_on_every_run(movie):
    data = movie.gif_bytes()
    again = animate_conv(line_image(), VERTICAL_LINE_DETECTOR, strides=2).gif_bytes()
    assert data == again
    gif = Image.open(io.BytesIO(data))
    assert gif.format == "GIF" and gif.n_frames == 9
    assert gif.size[0] >= 880
    for index in range(movie.frames):
        movie.draw_frame(index)
        assert_legible(movie.figure, min_px=13.5)
    image = movie.to_gif()
    assert image.format == "gif" and image.data == data


def test_frames_keep_one_layout(movie):
    positions = []
    for index in (0, 4, 8):
        movie.draw_frame(index)
        positions.append([ax.get_position().bounds for ax in movie.figure.axes])
    assert positions[0] == positions[1] == positions[2]


def test_save_gif_does_not_overwrite(movie, tmp_path):
    path = tmp_path / "conv.gif"
    movie.save_gif(path)
    assert Image.open(path).n_frames == 9
    path.write_bytes(b"mine")
    with pytest.raises(ValueError, match="it exists, and it is not overwritten"):
        movie.save_gif(path)
    assert path.read_bytes() == b"mine"


def test_save_gif_names_a_bad_path(movie, tmp_path):
    with pytest.raises(ValueError, match="path='/nowhere-padstride/x.gif' is not allowed: the folder"):
        movie.save_gif("/nowhere-padstride/x.gif")
    with pytest.raises(TypeError, match="path=123 is not allowed: give a file name"):
        movie.save_gif(123)
    with pytest.raises(ValueError, match="is not allowed: File name too long"):
        movie.save_gif(tmp_path / ("x" * 300 + ".gif"))


def test_a_full_disk_leaves_no_truncated_gif(movie, tmp_path, monkeypatch):
    import errno

    from padstride import safe_files

    def full(fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(safe_files.os, "fsync", full)
    with pytest.raises(ValueError, match="the GIF was not written: No space left on device"):
        movie.save_gif(tmp_path / "conv.gif")
    assert list(tmp_path.iterdir()) == []  # neither the GIF nor its temporary


def test_matplotlib_animation_and_player(movie):
    assert "<script" in movie.animation.to_jshtml()
    player = movie.player()
    assert player.slider.max == 8
    player.slider.value = 5
    movie.draw_frame(5)
    mime, picture, alt = img_parts(player.image.value)  # an <img> with its alt: Image has none
    assert (mime, picture) == ("image/png", movie.frame_png(5))
    assert alt == 'Frame 6 of 9 (8×8 input, 3×3 kernel, stride 2, padding "valid"): ' + movie.caption(5) + "."
    from IPython.core.formatters import format_display_data

    data, _ = format_display_data(player)
    assert data["text/plain"].startswith("frame controls for the animation, at frame 5 of 0 to 8:")
    assert base64.b64decode(data["image/png"]) == movie.frame_png(5)  # the still form: that frame


def test_the_players_controls_have_names_and_drive_the_hidden_clock(movie):
    player = movie.player()
    play, stop, clock = player.play_button, player.stop_button, player.clock
    # Buttons named by words (their icons are decoration), the frame slider's field named "frame".
    assert (play.description, stop.description, player.field.description) == ("play", "stop", "frame")
    assert clock.layout.display == "none" and (clock.min, clock.max) == (0, movie.frames - 1)
    play.click()
    assert clock.playing and (play.description, play.icon) == ("pause", "pause")
    play.click()
    assert not clock.playing and play.description == "play"
    player.field.value = 4  # typed into the field: the slider and the picture follow
    assert player.slider.value == 4 and player.image.value == img_html(movie.frame_png(4), movie.frame_alt(4))
    play.click()
    stop.click()
    assert not clock.playing and clock.value == player.slider.value == 0
    assert player.image.value == img_html(movie.frame_png(0), movie.frame_alt(0))


def test_padding_shows_and_bad_input_is_refused():
    padded = animate_conv(np.ones((4, 4)), np.ones((3, 3)), padding="same")
    assert padded.figure.axes[0].get_title() == "input 4×4 with its padding"
    assert padded.frames == 16
    with pytest.raises(ValueError, match="interval=0 is not allowed"):
        animate_conv(line_image(), VERTICAL_LINE_DETECTOR, interval=0)
    with pytest.raises(ValueError, match=r"kernel of shape \(3,\) is not allowed"):
        animate_conv(line_image(), np.ones(3))


@pytest.mark.parametrize(("strides", "padding"), [(2, "valid"), (2, "same"), (2, 1)])
def test_the_gif_output_carries_the_alt_with_keras_numbers(strides, padding):
    """The GIF shows in every viewer with its alt text: image/gif, an <img alt> of the same
    GIF, the alt as text; the alt states the settings, Keras' zeros and its output values."""
    from IPython.core.formatters import format_display_data

    from padstride.measure.layers import keras_split, zero_pad

    image, kernel = line_image(), VERTICAL_LINE_DETECTOR
    movie = animate_conv(image, kernel, strides, padding)
    gif = movie.to_gif()
    data, metadata = format_display_data(gif)
    alt = picture_alt(data, metadata, "image/gif")
    assert alt == movie.alt and data["image/gif"] == base64.b64encode(gif.data).decode()
    assert format_display_data(movie)[0]["text/html"] == data["text/html"]
    if padding == "same":
        expected = conv_map(image, kernel, "same", strides)
        zeros = (*keras_split(8, 3, strides), *keras_split(8, 3, strides))
    elif padding == "valid":
        expected, zeros = conv_map(image, kernel, "valid", strides), (0, 0, 0, 0)
    else:
        expected, zeros = conv_map(zero_pad(image, padding), kernel, "valid", strides), (padding,) * 4
    assert sizes_in(alt, "input") == [(8, 8)] and sizes_in(alt, "output") == [expected.shape]
    assert zeros_in(alt) == zeros
    assert rows_in(alt.split("The output's values by row: ")[1].rstrip(".")) == expected.tolist()
    assert alt.startswith(f"Animation in {expected.size} frames of 0.9 s, looping: ")
    captions = re.findall(r"output\[(\d+), (\d+)\] = [^;.]*= (-?\d+)", alt)
    assert {(int(r), int(c)): float(v) for r, c, v in captions} == {
        (r, c): expected[r, c] for r in range(expected.shape[0]) for c in range(expected.shape[1])
    }
