"""Random small stacks of spatial Keras layers, for the receptive-field and probe tests."""

from hypothesis import strategies as st

from padstride._keras import keras

paddings = st.sampled_from(["valid", "same"])
conv = st.tuples(st.just("conv"), st.integers(1, 4), st.integers(1, 3), st.integers(1, 2), paddings)
pool = st.tuples(st.sampled_from(["max", "avg"]), st.integers(1, 3), st.integers(1, 3), paddings)
zero = st.tuples(st.just("zero"), st.integers(0, 2), st.integers(0, 2))


def stacks(with_max_pooling: bool = True):
    pools = pool if with_max_pooling else pool.filter(lambda spec: spec[0] != "max")
    return st.lists(st.one_of(conv, conv, pools, zero), min_size=1, max_size=3)


def build(specs) -> list:
    """Fresh Keras layers for a list of specs (one filter per convolution)."""
    layers = keras().layers
    built = []
    for kind, *args in specs:
        if kind == "conv":
            k, s, d, padding = args
            built.append(layers.Conv2D(1, k, strides=s, dilation_rate=d if s == 1 else 1, padding=padding))
        elif kind in ("max", "avg"):
            k, s, padding = args
            cls = layers.MaxPooling2D if kind == "max" else layers.AveragePooling2D
            built.append(cls(k, strides=s, padding=padding))
        else:
            before, after = args
            built.append(layers.ZeroPadding2D(((before, after), (after, before))))
    return built
