"""Random small stacks of spatial Keras layers, for the receptive-field and probe tests."""

from hypothesis import strategies as st

from padstride.runtime import load_keras

paddings = st.sampled_from(["valid", "same"])
conv = st.tuples(st.just("conv"), st.integers(1, 4), st.integers(1, 3), st.integers(1, 2), paddings)
pool = st.tuples(st.sampled_from(["max", "avg"]), st.integers(1, 3), st.integers(1, 3), paddings)
zero = st.tuples(st.just("zero"), st.integers(0, 2), st.integers(0, 2))


def stacks(with_max_pooling: bool = True):
    pools = pool if with_max_pooling else pool.filter(lambda spec: spec[0] != "max")
    return st.lists(st.one_of(conv, conv, pools, zero), min_size=1, max_size=3)


def build(specs) -> list:
    """Fresh Keras layers for a list of specs (one filter per convolution)."""
    layers = load_keras().layers
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


# Random small functional graphs: branches, merges, a layer called twice, global pooling
# gates (squeeze-and-excitation), padding and cropping. Each op names the tensors it reads
# by an index (taken modulo the tensors made so far); ops Keras refuses are left out.
tensor = st.integers(0, 99)
_graph_ops = (
    st.tuples(
        st.just("conv"),
        tensor,
        st.integers(1, 4),
        st.integers(1, 3),
        st.integers(1, 2),
        paddings,
        st.integers(1, 2),
    ),
    st.tuples(
        st.just("pool"),
        tensor,
        st.sampled_from(["max", "avg"]),
        st.integers(1, 3),
        st.integers(1, 3),
        paddings,
    ),
    st.tuples(st.just("zero"), tensor, st.integers(0, 2), st.integers(0, 2)),
    st.tuples(st.just("crop"), tensor, st.integers(0, 2), st.integers(0, 2)),
    st.tuples(
        st.just("merge"),
        tensor,
        tensor,
        st.sampled_from(["Add", "Subtract", "Multiply", "Average", "Maximum", "Concatenate"]),
    ),
    st.tuples(st.just("shared"), tensor, tensor),
    st.tuples(st.just("gate"), tensor),
    st.tuples(st.just("dense"), tensor),
    st.tuples(st.just("norm"), tensor),
)


graph_ops = st.one_of(*_graph_ops)


def graphs(max_ops: int = 6):
    """(height, width, channels, ops) for build_graph."""
    return st.tuples(
        st.integers(5, 11),
        st.integers(5, 11),
        st.integers(1, 2),
        st.lists(graph_ops, min_size=1, max_size=max_ops),
    )


class Refused(Exception):
    """Keras would not build this op."""


class BuiltGraph:
    """A functional model whose outputs are every tensor the ops made, with, per output,
    the layer that made it and which call of that layer it was (1, 2, ...)."""

    def __init__(self, model, made, holes):
        self.model = model
        self.made = made  # [(layer, call number, tensor)]
        # Some pixel within a field's span is not read: skipped (dilation, a stride above the
        # window), or cut off before later padding (cropping, a strided "valid" layer
        # dropping the rows its windows do not reach). Spans are then bounds.
        self.holes = holes

    def label(self, index: int) -> str:
        layer, call, _ = self.made[index]
        calls = sum(1 for other, _, _ in self.made if other is layer)
        return layer.name if calls == 1 else f"{layer.name} (call {call})"


def _drops(spatial, window: int, stride: int, padding: str) -> bool:
    return padding == "valid" and any((n - window) % stride for n in spatial)


def build_graph(spec) -> BuiltGraph:
    k = load_keras()
    layers = k.layers
    height, width, channels, ops = spec
    inputs = k.Input((height, width, channels), name="image")
    tensors = [inputs]
    made = []
    convs = []  # (layer, channels it reads)
    holes = False
    calls: dict[int, int] = {}

    def call(layer, *args):
        try:
            out = layer(*args)
        except ValueError as error:  # Keras refuses: the window does not fit
            raise Refused from error
        calls[id(layer)] = calls.get(id(layer), 0) + 1
        made.append((layer, calls[id(layer)], out))
        tensors.append(out)
        return out

    for number, (kind, *args) in enumerate(ops):
        x = tensors[args[0] % len(tensors)]
        spatial = tuple(x.shape[1:3])
        try:
            if kind == "conv":
                _, k_size, s, d, padding, filters = args
                d = d if s == 1 else 1
                layer = layers.Conv2D(
                    filters, k_size, strides=s, dilation_rate=d, padding=padding, name=f"conv{number}"
                )
                call(layer, x)
                convs.append((layer, x.shape[-1]))
                holes |= d > 1 or s > k_size or _drops(spatial, k_size, s, padding)
            elif kind == "pool":
                _, which, size, s, padding = args
                cls = layers.MaxPooling2D if which == "max" else layers.AveragePooling2D
                call(cls(size, strides=s, padding=padding, name=f"pool{number}"), x)
                holes |= s > size or _drops(spatial, size, s, padding)
            elif kind == "zero":
                _, before, after = args
                call(layers.ZeroPadding2D(((before, after), (after, before)), name=f"pad{number}"), x)
            elif kind == "crop":
                _, before, after = args
                if min(spatial) <= before + after:
                    continue
                call(layers.Cropping2D(((before, after), (after, before)), name=f"crop{number}"), x)
                holes |= before + after > 0
            elif kind == "merge":  # with a tensor of the same size, or a new "same" branch
                _, other, which = args
                alike = [y for y in tensors if y is not x and tuple(y.shape[1:3]) == spatial]
                if which != "Concatenate":
                    alike = [
                        y for y in alike if 1 in (y.shape[-1], x.shape[-1]) or y.shape[-1] == x.shape[-1]
                    ]
                if alike:
                    y = alike[other % len(alike)]
                else:
                    y = call(layers.Conv2D(x.shape[-1], 3, padding="same", name=f"branch{number}"), x)
                call(getattr(layers, which)(name=f"{which.lower()}{number}"), [x, y])
            elif kind == "shared":
                _, which = args
                if not convs:
                    continue
                layer, reads = convs[which % len(convs)]
                if x.shape[-1] != reads:
                    continue
                call(layer, x)
            elif kind == "gate":  # squeeze-and-excitation: every pixel times a global average
                squeeze = call(layers.GlobalAveragePooling2D(keepdims=True, name=f"squeeze{number}"), x)
                excite = call(layers.Conv2D(x.shape[-1], 1, name=f"excite{number}"), squeeze)
                call(layers.Multiply(name=f"gate{number}"), [x, excite])
            elif kind == "dense":
                call(layers.Dense(2, name=f"dense{number}"), x)
            else:
                call(layers.BatchNormalization(name=f"norm{number}"), x)
        except Refused:
            continue
    if not made:
        call(layers.Conv2D(1, 1, name="only"), inputs)
    model = k.Model(inputs, [tensor for _, _, tensor in made])
    return BuiltGraph(model, made, holes)
