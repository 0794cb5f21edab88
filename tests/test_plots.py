import matplotlib

matplotlib.use("Agg")

import subprocess
import sys

import matplotlib.pyplot as plt
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import padstride
from padstride import plots
from padstride.conv.arithmetic import conv_output_size, window_positions
from padstride.measure.layers import conv_map


def test_window_positions_same_stride_two_is_asymmetric():
    g = window_positions(8, 3, strides=2, padding="same")
    assert (g.pad_top, g.pad_bottom, g.pad_left, g.pad_right) == (0, 1, 0, 1)
    assert tuple(g.rows) == tuple(g.cols) == (0, 2, 4, 6)
    assert g.cells(3, 3)[-1] == (8, 8)  # the last tap sits in the bottom-right padding
    valid = window_positions(8, 3, strides=2)
    assert tuple(valid.cols) == (0, 2, 4)
    dilated = window_positions(9, 3, dilation_rate=2, padding="same")
    assert tuple(dilated.taps_rows) == (0, 2, 4) and dilated.rows[0] == -2


@given(
    st.integers(1, 12),
    st.integers(1, 12),
    st.integers(1, 4),
    st.integers(1, 4),
    st.integers(1, 3),
    st.sampled_from(["valid", "same"]),
    st.integers(0, 2**32 - 1),
)
def test_window_positions_reproduce_keras_feature_maps(h, w, k, s, d, padding, seed):
    """Summing image × kernel over each window's cells gives Keras' feature map exactly."""
    if s > 1 and d > 1:
        d = 1
    rng = np.random.default_rng(seed)
    image = rng.integers(-3, 4, size=(h, w)).astype(float)
    kernel = rng.integers(-3, 4, size=(k, k)).astype(float)
    try:
        grid = window_positions((h, w), k, s, padding, d)
    except ValueError:
        with pytest.raises(ValueError):
            conv_map(image, kernel, padding, s, d)
        return
    assert grid.output_shape == conv_output_size((h, w), k, s, padding, d)
    by_geometry = np.zeros(grid.output_shape)
    taps = [(i, j) for i in range(k) for j in range(k)]
    for r in range(grid.output_shape[0]):
        for c in range(grid.output_shape[1]):
            for (y, x), (i, j) in zip(grid.cells(r, c), taps):
                if 0 <= y < h and 0 <= x < w:  # padding cells hold zeros
                    by_geometry[r, c] += image[y, x] * kernel[i, j]
    np.testing.assert_array_equal(by_geometry, conv_map(image, kernel, padding, s, d))


def test_every_public_picture_is_reachable_from_padstride():
    for name in (
        "draw_windows",
        "draw_feature_map_sizes",
        "draw_coverage",
        "draw_maps",
        "animate_conv",
        "explore",
    ):
        assert getattr(padstride, name) is getattr(plots, name)
    assert set(plots.__all__) <= set(dir(plots))


def test_the_pictures_import_no_training_and_no_tensorflow():
    code = (
        "import sys, padstride.plots, padstride.pictures.explorer; "
        "print('padstride.mnist.training' in sys.modules, 'tensorflow' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "False"]


def test_gallery_writes_pngs(tmp_path):
    paths = plots.gallery(str(tmp_path / "images"))
    assert len(paths) == 4
    for path in paths:
        with open(path, "rb") as f:
            assert f.read(4) == b"\x89PNG"
    plt.close("all")


def test_gallery_leaves_a_users_pictures_and_files_alone(tmp_path):
    mine = tmp_path / "conv_steps.png"
    mine.write_bytes(b"my picture")
    with pytest.raises(ValueError, match="already holds conv_steps.png; they are left as they are"):
        plots.gallery(tmp_path)
    assert mine.read_bytes() == b"my picture" and sorted(p.name for p in tmp_path.iterdir()) == [mine.name]
    assert len(plots.gallery(tmp_path, overwrite=True)) == 4 and mine.read_bytes()[:4] == b"\x89PNG"
    a_file = tmp_path / "a_file"
    a_file.write_text("x")
    with pytest.raises(ValueError, match="is not allowed: it is a file, not a folder"):
        plots.gallery(a_file)
    plt.close("all")
