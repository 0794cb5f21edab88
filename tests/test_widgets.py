import base64

from IPython.core.formatters import format_display_data

from padstride.widgets import fallback_box, slider_with_field


def test_a_slider_comes_with_a_number_field_of_the_same_name_and_value():
    row = slider_with_field("kernel_size", 3, 1, 7)
    slider, field = row.slider, row.field
    assert list(row.children) == [field, slider]
    assert (field.description, slider.description) == ("kernel_size", "")
    assert (field.min, field.max, slider.min, slider.max) == (1, 7, 1, 7)
    assert slider.readout is False  # the field shows the value
    field.value = 6
    assert slider.value == 6
    slider.value = 2
    assert field.value == 2


def test_the_fallback_carries_html_only_when_asked_for():
    box = fallback_box([], lambda: "a question", lambda: b"\x89PNG fake", html=lambda: "<p>a question</p>")
    data, _ = format_display_data(box)
    assert data["text/plain"] == "a question" and data["text/html"] == "<p>a question</p>"
    assert base64.b64decode(data["image/png"]) == b"\x89PNG fake"
    assert "application/vnd.jupyter.widget-view+json" in data
    plain, _ = format_display_data(fallback_box([], lambda: "text only"))
    assert "text/html" not in plain
