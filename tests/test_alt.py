import matplotlib

matplotlib.use("Agg")

import base64

import matplotlib.pyplot as plt
import pytest
from IPython.core.formatters import format_display_data

from padstride import plots
from padstride.alt import Picture, alt_text, describe, img_html, picture_bundle
from tests.picture_checks import img_parts, picture_alt


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def test_the_bundle_holds_the_picture_an_img_of_the_same_bytes_and_the_words():
    alt = 'a 4×4 grid, "same" <padding> & ' + "one value per cell " * 10
    data, metadata = picture_bundle(b"\x89PNG and more", alt)
    assert picture_alt(data, metadata) == alt  # the alt survives HTML escaping whole
    assert img_parts(img_html(b"GIF89a", "a dot", "image/gif")) == ("image/gif", b"GIF89a", "a dot")
    gif = Picture(b"GIF89a...", "three frames", "image/gif")
    data, metadata = format_display_data(gif)
    assert picture_alt(data, metadata, "image/gif") == "three frames" and gif.format == "gif"


def test_describe_a_figure_and_its_panels_in_reading_order():
    fig, (left, right) = plt.subplots(1, 2)
    assert alt_text(fig) is None
    assert describe(right, "Right: 2 bars.") is right
    describe(left, "Left: a line from 0 to 4.")
    assert alt_text(fig) == alt_text(left) == "Left: a line from 0 to 4. Right: 2 bars."
    describe(fig, "Two panels.")
    describe(right, "Right: 3 bars.")  # the panel's text replaced, not added
    assert alt_text(fig) == "Two panels. Left: a line from 0 to 4. Right: 3 bars."
    data, metadata = format_display_data(fig)
    assert picture_alt(data, metadata) == alt_text(fig)
    assert base64.b64decode(data["image/png"])[:4] == b"\x89PNG"


def test_a_figure_without_words_shows_as_before():
    fig, ax = plt.subplots()
    data, _ = format_display_data(fig)
    assert "text/html" not in data and data["text/plain"].startswith("<Figure size")


@pytest.mark.parametrize(
    ("target", "alt", "message"),
    [
        ("fig.png", "a grid", "target='fig.png' is not allowed: give a matplotlib Figure or one of its Axes"),
        (None, "a grid", "target=None is not allowed"),
        ("figure", "  ", "alt='  ' is not allowed: give the words a reader hears in place of the picture"),
        ("figure", None, "alt=None is not allowed"),
    ],
)
def test_describe_refuses_in_one_line(target, alt, message):
    if target == "figure":
        target = plt.figure()
    with pytest.raises(ValueError) as error:
        describe(target, alt)
    assert str(error.value).startswith(message) and "\n" not in str(error.value)
    with pytest.raises(ValueError):
        Picture(b"GIF89a", "", "image/gif")


def test_reached_from_plots_and_padstride():
    import padstride

    assert padstride.describe is plots.describe is describe
    assert padstride.alt_text is plots.alt_text is alt_text


KERNEL_CELLS = [
    "import matplotlib.pyplot as plt\nfrom padstride.plots import describe, draw_windows",
    'draw_windows(8, 3, strides=2, padding="same")\nplt.show()',
    # The inline backend set up again (it resets the formatters registered for Figure).
    "%matplotlib inline\nfig, ax = plt.subplots(figsize=(3, 2))\nax.plot([0, 5, 0])\n"
    'describe(fig, "a peak of 5 in the middle of 3 points")\nplt.show()',
    "fig, ax = plt.subplots(figsize=(3, 2))\nax.plot([1, 0, 1])\nplt.show()",
    'fig, ax = plt.subplots(figsize=(3, 2))\ndescribe(ax, "an empty panel")\nfig',
]


def test_in_a_kernel_the_shown_figure_carries_its_alt_and_one_png(monkeypatch):
    """As a learner runs it: the inline backend, plt.show() and a figure as a cell's value.
    The <img> holds the very PNG the output stores; a figure without words is as before."""
    import nbformat
    from nbclient import NotebookClient

    monkeypatch.delenv("MPLBACKEND", raising=False)  # the kernel's own inline backend
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in KERNEL_CELLS])
    NotebookClient(notebook, timeout=120, kernel_name="python3").execute()
    outputs = [[o for o in cell.outputs if o.output_type != "stream"] for cell in notebook.cells]
    [windows], [peak], [plain], shown = outputs[1:]
    alt = picture_alt(windows.data, windows.metadata)
    assert alt.startswith('8×8 input, 3×3 kernel, stride 2, padding "same": 1 row of zeros at the bottom')
    assert picture_alt(peak.data, peak.metadata) == "a peak of 5 in the middle of 3 points"
    assert "text/html" not in plain.data and plain.data["text/plain"].startswith("<Figure size")
    assert [picture_alt(o.data, o.metadata) for o in shown] == ["an empty panel"] * len(shown)
