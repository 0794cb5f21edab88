import math

import numpy as np
import pytest

from padstride import bars
from padstride.bars import Progress
from padstride.comparison import compare
from padstride.demo.models import conv_model, mnist_variant
from padstride.mnist.data import load_mnist
from padstride.mnist.training import evaluate, fit_progress, pipeline, prepare, train


@pytest.fixture(scope="module")
def small():
    """A few thousand real MNIST images keep these tests fast."""
    (x_train, y_train), (x_test, y_test) = load_mnist()
    return (x_train[:3000], y_train[:3000]), (x_test[:1000], y_test[:1000])


def test_prepare():
    x = prepare(np.full((2, 28, 28), 255, dtype=np.uint8))
    assert x.shape == (2, 28, 28, 1) and x.dtype == np.float32 and x.max() == 1.0


def test_a_seed_repeats_exactly_and_another_seed_differs(small, keras, capsys):
    runs = []
    for seed in (3, 3, 4):
        keras.utils.clear_session()
        runs.append(
            train(mnist_variant("stride"), small, epochs=2, seed=seed, deterministic=True, train_images=1000)
        )
    first, second, other = runs
    assert first.final.loss != other.final.loss
    assert [r.epoch for r in first.rows] == [1, 2]
    assert [r.images for r in first.rows] == [1000, 2000]
    for name in ("loss", "accuracy", "val_loss", "val_accuracy"):
        assert first.column(name) == second.column(name)
    assert first.settings["deterministic"] is True and first.settings["seed"] == 3
    assert first.final.val_accuracy > 0.5  # ten classes: chance is 0.1
    assert first.rows[1].loss < first.rows[0].loss
    assert all(r.seconds > 0 for r in first.rows)
    assert first.table().splitlines()[0].split() == [
        "epoch",
        "images",
        "loss",
        "accuracy",
        "val_loss",
        "val_accuracy",
        "seconds",
    ]
    captured = capsys.readouterr()
    assert "same_stride2 epoch 2/2, 2,000 images: loss" in captured.out  # a line per epoch unless quiet
    assert "images, epoch" not in captured.out + captured.err  # no bar outside a notebook unless asked


def test_stop_at_accuracy_stops_inside_the_epoch_where_the_test_set_reaches_it(small, keras, capsys):
    keras.utils.clear_session()
    model = mnist_variant("stride")
    history = train(
        model,
        small,
        epochs=3,
        batch_size=100,
        steps_per_execution=2,
        stop_at_accuracy=0.9,
        eval_every=4,
        precision="float32",
        quiet=True,
        progress=(task := Progress("stopping", show=False).task("stride")),
    )
    final = history.final
    *before, (images, accuracy) = history.evaluations
    assert accuracy >= 0.9 and all(a < 0.9 for _, a in before)  # the first check that reached it
    assert (final.images, final.val_accuracy) == (images, accuracy)  # ... is where training stopped
    assert [i for i, _ in history.evaluations] == sorted({i for i, _ in history.evaluations})
    for seen, _ in history.evaluations:  # inside an epoch every 4 steps of 100 images, or at its end
        assert seen % 3000 == 0 or (seen % 3000) % 400 == 0
    assert any(seen % 3000 for seen, _ in history.evaluations)  # some checks were inside an epoch
    assert evaluate(model, small) == final.val_accuracy  # the model is left as it was checked
    assert capsys.readouterr().out == ""
    # The bar counted the images up to the stop, of the three epochs it could have taken.
    assert (task.done, task.total, task.unit) == (final.images, 9000, "images")
    assert task.note == f"stopped at test accuracy {final.val_accuracy:.4f}"


def test_stop_at_accuracy_out_of_reach_trains_every_epoch(small, keras, capsys):
    keras.utils.clear_session()
    history = train(
        mnist_variant("stride"),
        small,
        epochs=2,
        stop_at_accuracy=1.0,
        quiet=True,
        train_images=1000,
        progress=True,
    )
    assert [r.images for r in history.rows] == [1000, 2000]
    assert history.final.val_accuracy < 1.0
    # Asked for outside a notebook, the bar is a line on standard error, redrawn in place.
    err = capsys.readouterr().err
    lines = [line.rstrip() for line in err.split("\r") if line.strip()]
    assert f"same_stride2 |{'█' * 24}| 2,000 of 2,000 images, epoch 2 of 2, testing" in lines
    assert lines[-1] == (
        "same_stride2: trained up to 2 epochs of 1,000 training images, stopping at 100 % test accuracy"
    )


def test_a_fixed_budget_evaluates_the_test_set_once_after_the_last_epoch(small, keras):
    keras.utils.clear_session()
    model = mnist_variant("stride")
    history = train(
        model, small, epochs=2, quiet=True, train_images=1000, test_each_epoch=False, precision="float32"
    )
    assert [r.images for r in history.rows] == [1000, 2000]
    assert len(history.evaluations) == 1 and history.evaluations[0][0] == 2000
    assert math.isnan(history.rows[0].val_accuracy)
    x_test, y_test = small[1]
    predicted = np.argmax(model.predict(prepare(x_test), verbose=0), axis=1)
    assert history.final.val_accuracy == pytest.approx(np.mean(predicted == y_test), abs=1e-9)


def test_precision_is_lent_to_the_model_only_while_it_trains(small, keras):
    keras.utils.clear_session()
    model = mnist_variant("stride")
    history = train(model, small, epochs=1, precision="mixed_bfloat16", quiet=True, train_images=1000)
    assert history.settings["precision"] == "mixed_bfloat16"
    assert {layer.dtype_policy.name for layer in model.layers} == {"float32"}


def test_the_pipeline_scales_like_prepare_and_has_no_autotuning_thread(small):
    (x_train, y_train), _ = small
    ds = pipeline(x_train[:10], y_train[:10], 4)
    assert ds.options().autotune.enabled is False  # no tuning thread to wait for (benchmarks/)
    batches = list(ds)
    assert [len(labels) for _, labels in batches] == [4, 4, 2]
    np.testing.assert_array_equal(np.concatenate([b.numpy() for b, _ in batches]), prepare(x_train[:10]))
    np.testing.assert_array_equal(np.concatenate([lab.numpy() for _, lab in batches]), y_train[:10])


def test_the_pipeline_shuffles_each_epoch_by_its_seed(small):
    (x_train, y_train), _ = small
    ds = pipeline(x_train[:50], np.arange(50), 50, shuffle_seed=1)
    first, second = ([labels.numpy().tolist() for _, labels in ds] for _ in range(2))
    assert sorted(first[0]) == list(range(50)) and first != second  # a permutation, new each epoch
    again = [
        labels.numpy().tolist() for _, labels in pipeline(x_train[:50], np.arange(50), 50, shuffle_seed=1)
    ]
    assert again == first


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"epochs": 0}, "epochs=0 is not allowed"),
        ({"batch_size": 2.5}, "batch_size=2.5 is not allowed"),
        ({"learning_rate": 0}, "learning_rate=0 is not allowed"),
        ({"train_images": 10**6}, "train_images=1000000 is not allowed: use 1 to 3000"),
        ({"precision": "half"}, "precision='half' is not allowed: use one of auto, float32, mixed_bfloat16"),
        ({"warmup": 1}, "warmup=1 is not allowed"),
        ({"stop_at_accuracy": 1.5}, "stop_at_accuracy=1.5 is not allowed"),
        ({"eval_every": 0}, "eval_every=0 is not allowed"),
        (
            {"progress": "yes"},
            r"^progress='yes' is not allowed: give True, False, None \(shown in a notebook",
        ),
        ({"deterministic": True, "jit_compile": True}, "jit_compile=True is not allowed with deterministic"),
        ({"deterministic": True, "seed": None}, "seed=None is not allowed with deterministic=True"),
        ({"test_each_epoch": "no"}, "test_each_epoch='no' is not allowed: give True or False"),
        (
            {"test_each_epoch": False, "stop_at_accuracy": 0.9},
            "stop_at_accuracy is not allowed with test_each_epoch=False",
        ),
        (
            {"steps_per_execution": 10**12},
            r"^steps_per_execution=1000000000000 is not allowed: use 1 to 2147483647 "
            r"\(TensorFlow counts steps in 32-bit integers\)$",
        ),
        ({"batch_size": 2**63}, "^batch_size=9223372036854775808 is not allowed: use 1 to 2147483647$"),
        (
            {"warmup": 0.99, "epochs": 1, "train_images": 200},
            "^warmup=0.99 is not allowed with 2 training steps: the warm-up takes all 2 and leaves 0 "
            "for the learning rate to fall; use a smaller warmup or train for more steps$",
        ),
    ],
)
def test_train_bad_input(small, kwargs, message):
    with pytest.raises(ValueError, match=message):
        train(conv_model(conv_layers=1), small, **kwargs)


def test_train_names_bad_data_or_model(small):
    (x_train, y_train), (x_test, y_test) = small
    model = conv_model(conv_layers=1)
    cases = [
        (((x_train, y_train), (x_test[:0], y_test[:0])), "data is not allowed: its test set is empty"),
        (((x_train[:0], y_train[:0]), (x_test, y_test)), "data is not allowed: its training set is empty"),
        (
            ((x_train, y_train[:10]), (x_test, y_test)),
            "data is not allowed: its training set has 3000 images and 10 labels",
        ),
        (((x_train, y_train), (x_test, y_test[:5])), "its test set has 1000 images and 5 labels"),
        (None, r"data=None is not allowed: give \(\(x_train, y_train\), \(x_test, y_test\)\)"),
        ((1, 2), r"data=\(1, 2\) is not allowed"),
    ]
    for data, message in cases:
        with pytest.raises(ValueError, match=message):
            train(model, data, epochs=1, quiet=True)
    with pytest.raises(ValueError, match="model=None is not allowed: give a Keras model"):
        train(None, small)


LABEL_RANGE = r"must hold whole numbers from 0 to 9 \(the model has 10 outputs, one per class\)"


@pytest.mark.parametrize(
    ("where", "label", "message"),
    [
        ("train", 10, rf"^data is not allowed: y_train {LABEL_RANGE}, and y_train\[5\] is 10$"),
        ("train", -1, rf"^data is not allowed: y_train {LABEL_RANGE}, and y_train\[5\] is -1$"),
        ("train", 2.5, rf"^data is not allowed: y_train {LABEL_RANGE}, and y_train\[5\] is 2.5$"),
        ("test", 12, rf"^data is not allowed: y_test {LABEL_RANGE}, and y_test\[5\] is 12$"),
    ],
)
def test_labels_the_model_has_no_class_for_are_refused_before_training(small, where, label, message):
    (x_train, y_train), (x_test, y_test) = small
    labels = (y_train if where == "train" else y_test).astype(type(label))  # uint8 holds neither
    labels[5] = label
    data = (
        ((x_train, labels), (x_test, y_test)) if where == "train" else ((x_train, y_train), (x_test, labels))
    )
    model = conv_model(conv_layers=1)
    weights = [w.copy() for w in model.get_weights()]
    with pytest.raises(ValueError, match=message):
        train(model, data, epochs=1, quiet=True)
    assert all(np.array_equal(a, b) for a, b in zip(weights, model.get_weights()))  # before anything
    if where == "test":
        with pytest.raises(ValueError, match=message):
            evaluate(model, data)


def test_compare_shape_and_ranges(small, capsys):
    table = compare(
        small, variants=("valid", "stride"), epochs=1, quiet=True, train_images=2000, progress=True
    )
    err = capsys.readouterr().err
    lines = [line.rstrip() for line in err.split("\r") if line.strip()]
    assert lines[-1] == "valid, stride: trained 1 epoch each"  # one bar per model, then one line
    for name in ("valid", "same_stride2"):
        assert f"{name} |{'█' * 24}| 2,000 of 2,000 images, epoch 1 of 1, testing" in lines
    assert [row.name for row in table] == ["valid", "same_stride2"]
    valid, strided = table
    assert (valid.params, strided.params) == (2_002_698, 85_770)
    assert valid.flops > 10 * strided.flops  # stride 2 shrinks every later layer
    for row in table:
        assert 0.5 < row.test_accuracy <= 1.0
        assert row.seconds_per_epoch > 0 and row.images_per_second > 0
    lines = table.table(timings=False).splitlines()
    assert lines[0].split() == ["model", "params", "forward_MFLOPs", "test_accuracy"]
    assert set(lines[1]) == {"-"}  # the rule every table of the package has
    assert lines[2].startswith("valid") and "2,002,698" in lines[2]


def test_a_schedule_needs_a_step_after_its_warm_up():
    from padstride.mnist.training import learning_rate_schedule

    with pytest.raises(
        ValueError, match="^warmup=0.9 is not allowed with 4 training steps: the warm-up takes all 4"
    ):
        learning_rate_schedule(0.003, steps=4, warmup=0.9)
    with pytest.raises(ValueError, match="^steps=0 is not allowed"):
        learning_rate_schedule(0.003, steps=0)
    assert float(learning_rate_schedule(0.003, steps=4, warmup=0.5)(2)) == pytest.approx(0.003)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (
            {"variants": ("valid", "strided")},
            r"^variant='strided' is not allowed: use one of valid, same, stride$",
        ),
        ({"epochs": 0}, r"^epochs=0 is not allowed"),
        (
            {"progress": 1.5},
            r"^progress=1.5 is not allowed: give True, False or None \(in a notebook only\)$",
        ),
    ],
)
def test_compare_refuses_bad_settings_before_training(small, kwargs, message, capsys):
    with pytest.raises(ValueError, match=message):
        compare(small, **{"quiet": True, "progress": True, **kwargs})
    assert capsys.readouterr().err == ""  # no bar was started


def test_fit_progress_counts_keras_own_batches(small, keras, capsys, monkeypatch):
    import tensorflow as tf

    monkeypatch.setattr(bars, "INTERVAL", 0)  # every change drawn, whatever the machine's speed
    (x_train, y_train), _ = small
    model = conv_model(conv_layers=1)
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    x, y = prepare(x_train[:500]), y_train[:500]
    model.fit(x, y, batch_size=128, epochs=2, verbose=0, callbacks=[fit_progress()])
    assert capsys.readouterr() == ("", "")  # outside a notebook, silent unless asked
    model.fit(x, y, batch_size=128, epochs=2, verbose=0, callbacks=[fit_progress(show=True)])
    lines = [line.rstrip() for line in capsys.readouterr().err.split("\r") if line.strip()]
    name = model.name
    assert f"{name} |{'█' * 24}| 8 of 8 batches, epoch 2 of 2" in lines  # 4 batches of 500 images, twice
    assert lines[-1] == f"{name}: trained 2 epochs of 4 batches"
    # A dataset whose length Keras cannot know: the batch number instead of a bar.
    unknown = tf.data.Dataset.from_tensor_slices((x, y)).filter(lambda image, label: True).batch(128)
    model.fit(unknown, epochs=1, verbose=0, callbacks=[fit_progress(show=True)])
    lines = [line.rstrip() for line in capsys.readouterr().err.split("\r") if line.strip()]
    assert f"{name} epoch 1 of 1, batch 4" in lines and lines[-1] == f"{name}: trained 1 epoch"
    with pytest.raises(ValueError, match=r"^show='yes' is not allowed: give True, False or None"):
        fit_progress(show="yes")
