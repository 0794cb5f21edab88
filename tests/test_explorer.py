import matplotlib

matplotlib.use("Agg")

import base64

import pytest
from IPython.core.formatters import format_display_data

from padstride.arguments import padding_2d
from padstride.pictures.explorer import PADDING_CHOICES, padding_choices
from padstride.pictures.palette import png_bytes
from padstride.plots import alt_text, draw_windows, explore
from padstride.widgets import fallback_box
from tests.picture_checks import img_parts


def bundle(widget):
    data, _ = format_display_data(widget)
    return data


def test_labels_are_keras_names_and_padding_values_are_real_paddings():
    box = explore()
    labels = [control.description for control in box.controls.values()]
    assert labels == ["input size", "kernel_size", "strides", "padding", "dilation_rate"]
    assert list(box.controls) == ["size", "kernel_size", "strides", "padding", "dilation_rate"]
    options = box.controls["padding"].options
    assert [label for label, _ in options] == [label for label, _ in PADDING_CHOICES]
    for _, value in options:
        padding_2d(value)  # every value is a padding the package takes as it is
    assert dict(options)["((0, 1), (0, 1))"] == ((0, 1), (0, 1))


def test_every_control_has_a_name_and_a_keyboard_way_in_the_box():
    import ipywidgets as widgets

    box = explore(size=8, kernel_size=3, strides=2, padding="same")

    def walk(widget):
        yield widget
        for child in getattr(widget, "children", ()):
            yield from walk(child)

    shown = list(walk(box))
    sliders = [w for w in shown if isinstance(w, widgets.IntSlider)]
    fields = [w for w in shown if isinstance(w, widgets.BoundedIntText)]
    assert fields == [box.controls[name] for name in ("size", "kernel_size", "strides", "dilation_rate")]
    # Each labelled number field has a slider after it, holding its value.
    assert [(f.value, f.min, f.max) for f in fields] == [(s.value, s.min, s.max) for s in sliders]
    sliders[0].value = 11  # the "input size" slider moved: its field and the picture follow
    assert box.controls["size"].value == 11 and "input 11×11" in box.figure.get_suptitle()
    assert box.controls["padding"] in shown and box.controls["padding"].description == "padding"


def test_each_padding_label_means_to_keras_what_its_value_means_here():
    import ast

    from keras import layers

    for label, value in PADDING_CHOICES:
        if isinstance(value, str):
            continue
        assert layers.ZeroPadding2D(ast.literal_eval(label)).padding == padding_2d(value), label


def test_explore_redraws_valid_and_invalid_settings():
    box = explore()
    assert box.figure is not None and box.message.value == ""
    assert box.picture.layout.display != "none"
    box.controls["strides"].value = 2
    box.controls["dilation_rate"].value = 2
    assert box.figure is None and "strides=2 with dilation_rate=2 is not allowed" in box.message.value
    assert box.picture.layout.display == "none" and box.picture.value == ""
    box.controls["dilation_rate"].value = 1
    box.controls["padding"].value = "valid"
    box.controls["kernel_size"].value = 7
    box.controls["size"].value = 3
    assert "does not fit" in box.message.value and box.picture.layout.display == "none"
    box.controls["size"].value = 10
    box.controls["padding"].value = ((0, 1), (0, 1))
    assert box.figure is not None and box.message.value == ""
    assert box.picture.layout.display != "none"
    assert box.figure.get_suptitle().startswith(
        "input 10×10, kernel_size=7, strides=2, padding=((0, 1), (0, 1))"
    )


def test_two_controls_moved_in_two_threads_end_on_the_last_setting(monkeypatch):
    """A kernel may handle two controls' messages in two threads at once (ipykernel 7 with a
    subshell). The first redraw is slowed down until the second control has moved: the
    picture must still end on the setting both moves leave, here a refusal."""
    import threading

    from padstride.pictures import explorer as module

    box = explore(size=8, kernel_size=3, strides=1, padding="same")
    first_started, second_moved = threading.Event(), threading.Event()
    real_draw = module.draw_windows

    def slow_first_draw(*args, **kwargs):
        if not first_started.is_set():
            first_started.set()
            second_moved.wait(timeout=10)
        return real_draw(*args, **kwargs)

    monkeypatch.setattr(module, "draw_windows", slow_first_draw)
    first = threading.Thread(target=lambda: setattr(box.controls["dilation_rate"], "value", 2))
    first.start()
    assert first_started.wait(timeout=10)
    second = threading.Thread(target=lambda: setattr(box.controls["strides"], "value", 2))
    second.start()
    second.join(timeout=0.5)  # with the lock it waits for the first redraw
    second_moved.set()
    first.join(timeout=10)
    second.join(timeout=10)
    assert box.controls["strides"].value == 2 and box.controls["dilation_rate"].value == 2
    assert box.figure is None and "Not possible" in box.message.value
    assert box.picture.layout.display == "none"


def test_the_static_output_has_a_picture_only_when_there_is_one():
    box = explore(size=8, kernel_size=3, strides=2, padding="same")
    data = bundle(box)
    assert "application/vnd.jupyter.widget-view+json" in data
    assert data["text/plain"].startswith("padstride explorer: the controls need a running kernel")
    assert base64.b64decode(data["image/png"])[:4] == b"\x89PNG"
    box.controls["dilation_rate"].value = 2  # Keras refuses strides 2 with dilation 2
    data = bundle(box)
    assert "image/png" not in data
    assert "Not possible: strides=2 with dilation_rate=2 is not allowed" in " ".join(
        data["text/plain"].split()
    )
    assert max(len(line) for line in data["text/plain"].splitlines()) <= 100
    too_big = explore(size=4, kernel_size=5, padding="valid")
    assert "image/png" not in bundle(too_big) and "does not fit" in bundle(too_big)["text/plain"]


def test_start_values_are_checked_and_kept():
    box = explore(size=28, kernel_size=3, strides=2, padding=((0, 1), (0, 1)))
    assert box.controls["size"].value == 28  # the slider's range grows to take it
    assert box.controls["padding"].value == ((0, 1), (0, 1))
    assert explore(padding=(1, 1)).controls["padding"].value == 1  # the same padding, the short way
    # Keras reads a flat (0, 1) as (height, width): no choice says that, so it gets its own,
    # shown and drawn in the full form
    flat = explore(padding=(0, 1))
    assert flat.controls["padding"].value == ((0, 0), (1, 1)) == padding_2d((0, 1))
    assert flat.controls["padding"].label == "((0, 0), (1, 1))"
    assert "padding=((0, 0), (1, 1))" in flat.figure.get_suptitle()
    odd = explore(padding=((1, 0), (2, 2)))
    assert odd.controls["padding"].value == ((1, 0), (2, 2))
    with pytest.raises(ValueError, match="strides=0 is not allowed"):
        explore(strides=0)
    with pytest.raises(ValueError, match="padding='full' is not allowed"):
        explore(padding="full")
    assert padding_choices(2)[1] == 2 and padding_choices("SAME")[1] == "same"


def test_fallback_box_carries_text_and_png_of_the_moment():
    state = {"png": None}
    box = fallback_box([], lambda: "text now", lambda: state["png"])
    assert bundle(box)["text/plain"] == "text now" and "image/png" not in bundle(box)
    state["png"] = b"\x89PNG fake"
    assert base64.b64decode(bundle(box)["image/png"]) == b"\x89PNG fake"
    assert "text/html" not in bundle(box)  # no alt text given: no <img> without one
    described = fallback_box([], lambda: "text now", lambda: state["png"], lambda: "a fake picture")
    assert img_parts(bundle(described)["text/html"]) == ("image/png", b"\x89PNG fake", "a fake picture")


def test_the_live_picture_and_the_static_one_carry_the_alt_of_the_setting():
    """The live picture is an <img> whose alt is draw_windows' own for the controls' setting,
    redrawn at each move; the static output holds the same PNG with that alt."""
    box = explore(size=8, kernel_size=3, strides=2, padding="same")
    expected = draw_windows(8, 3, 2, "same")
    mime, picture, alt = img_parts(box.picture.value)
    assert (mime, picture) == ("image/png", png_bytes(box.figure)) and alt == alt_text(expected)
    assert alt.startswith('8×8 input, 3×3 kernel, stride 2, padding "same": 1 row of zeros at the bottom')
    data = bundle(box)
    html_mime, html_picture, html_alt = img_parts(data["text/html"])
    assert html_picture == base64.b64decode(data["image/png"]) and html_alt == alt
    box.controls["size"].value = 11
    box.controls["padding"].value = "valid"
    assert img_parts(box.picture.value)[2] == alt_text(draw_windows(11, 3, 2, "valid"))
    assert "5×5 output, floor((11 − 3)/2) + 1 = 5" in img_parts(box.picture.value)[2]
    box.controls["dilation_rate"].value = 2  # refused: no picture, no <img>, text only
    assert box.picture.value == "" and "text/html" not in bundle(box)
