import numpy as np
import pytest

from padstride.data import load_mnist
from padstride.models import conv_model, mnist_variant
from padstride.training import compare, prepare, train


@pytest.fixture(scope="module")
def small():
    """A few thousand real MNIST images keep these tests fast."""
    (x_train, y_train), (x_test, y_test) = load_mnist()
    return (x_train[:3000], y_train[:3000]), (x_test[:1000], y_test[:1000])


def test_prepare():
    x = prepare(np.full((2, 28, 28), 255, dtype=np.uint8))
    assert x.shape == (2, 28, 28, 1) and x.dtype == np.float32 and x.max() == 1.0


def test_train_table_and_determinism(small, keras, capsys):
    runs = []
    for _ in range(2):
        keras.utils.clear_session()
        runs.append(train(mnist_variant("stride"), small, epochs=2, seed=3))
    first, second = runs
    assert [r.epoch for r in first.rows] == [1, 2]
    assert first.column("loss") == second.column("loss")
    assert first.column("val_accuracy") == second.column("val_accuracy")
    assert first.final.val_accuracy > 0.8
    assert first.rows[1].loss < first.rows[0].loss
    assert all(r.seconds > 0 for r in first.rows)
    assert first.table().splitlines()[0].split() == [
        "epoch",
        "loss",
        "accuracy",
        "val_loss",
        "val_accuracy",
        "seconds",
    ]
    assert "same_stride2 epoch 2/2: loss" in capsys.readouterr().out  # progress unless quiet


def test_train_quiet_and_stop_at_accuracy(small, keras, capsys):
    keras.utils.clear_session()
    history = train(
        mnist_variant("stride"), small, epochs=5, stop_at_accuracy=0.5, quiet=True, train_images=2000
    )
    assert len(history.rows) == 1 and history.images_per_epoch == 2000
    assert capsys.readouterr().out == ""


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"epochs": 0}, "epochs=0 is not allowed"),
        ({"batch_size": 2.5}, "batch_size=2.5 is not allowed"),
        ({"learning_rate": 0}, "learning_rate=0 is not allowed"),
        ({"train_images": 10**6}, "train_images=1000000 is not allowed: use 1 to 3000"),
    ],
)
def test_train_bad_input(small, kwargs, message):
    with pytest.raises(ValueError, match=message):
        train(conv_model(conv_layers=1), small, **kwargs)


def test_compare_shape_and_ranges(small):
    table = compare(small, variants=("valid", "stride"), epochs=1, quiet=True, train_images=2000)
    assert [row.name for row in table] == ["valid", "same_stride2"]
    valid, strided = table
    assert (valid.params, strided.params) == (2_002_698, 85_770)
    assert valid.flops > 10 * strided.flops  # stride 2 shrinks every later layer
    for row in table:
        assert 0.5 < row.test_accuracy <= 1.0
        assert row.seconds_per_epoch > 0 and row.images_per_second > 0
    lines = table.table(timings=False).splitlines()
    assert lines[0].split() == ["model", "params", "MFLOPs/image", "test_accuracy"]
    assert lines[1].startswith("valid") and "2,002,698" in lines[1]
