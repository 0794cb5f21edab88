"""Port's spellings run as printed: each is pasted after its plan's preamble, given its
layer's weights in the target's layout, and run on the layer's input; Keras' own layer, its
activation taken off (the spellings leave it out, and say so), gives what it must print."""

from __future__ import annotations

import numpy as np

KERNEL_KINDS = ("Conv2D", "DepthwiseConv2D", "SeparableConv2D", "Conv2DTranspose")


def keras_without_activation(layer, images: np.ndarray) -> np.ndarray:
    """What the layer computes before its activation, by a copy of it with the same weights."""
    config = layer.get_config()
    if "activation" in config:
        config["activation"] = "linear"
    copy = type(layer).from_config(config)
    copy.build(images.shape)
    copy.set_weights(layer.get_weights())
    return np.asarray(copy(images))


def _depthwise(kernel: np.ndarray) -> np.ndarray:
    kh, kw, channels, multiplier = kernel.shape
    return kernel.reshape(kh, kw, channels * multiplier).transpose(2, 0, 1)[:, None]


def onnx_weights(layer) -> dict[str, np.ndarray]:
    """The layer's weights by the names the ONNX spellings read, in ONNX's layout."""
    kind, weights = type(layer).__name__, [np.asarray(w, dtype=np.float32) for w in layer.get_weights()]
    if kind == "SeparableConv2D":
        named = {"W_depthwise": _depthwise(weights[0]), "W_pointwise": weights[1].transpose(3, 2, 0, 1)}
        rest = weights[2:]
    elif kind == "DepthwiseConv2D":
        named, rest = {"W": _depthwise(weights[0])}, weights[1:]
    elif kind in KERNEL_KINDS:  # (kh, kw, in, out) for Conv2D, (kh, kw, out, in) for the transpose
        named, rest = {"W": weights[0].transpose(3, 2, 0, 1)}, weights[1:]
    else:
        named, rest = {}, []
    if rest:
        named["B"] = rest[0]
    return named


def run_onnx_spelling(
    preamble: str, spelling: str, layer, images: np.ndarray, out_shape: tuple
) -> np.ndarray:
    """The spelling's nodes as a graph, checked by onnx's checker and run by onnxruntime."""
    import onnx
    import onnxruntime
    from onnx import TensorProto, helper, numpy_helper

    namespace: dict = {}
    exec(preamble, namespace)
    parts = eval(spelling, namespace)
    nodes = [p for p in parts if isinstance(p, onnx.NodeProto)]
    constants = [p for p in parts if isinstance(p, onnx.TensorProto)]
    read = {name for node in nodes for name in node.input}
    weights = [numpy_helper.from_array(a, n) for n, a in onnx_weights(layer).items() if n in read]
    x = images.transpose(0, 3, 1, 2)
    graph = helper.make_graph(
        nodes,
        "spelling",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, list(x.shape))],
        [
            helper.make_tensor_value_info(
                "y", TensorProto.FLOAT, [out_shape[0], out_shape[3], *out_shape[1:3]]
            )
        ],
        weights + constants,
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    onnx.checker.check_model(model, full_check=True)
    session = onnxruntime.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])
    return session.run(None, {"x": x})[0].transpose(0, 2, 3, 1)


def run_torch_spelling(preamble: str, spelling: str, layer, images: np.ndarray, torch) -> np.ndarray:
    """The spelling's module, given the layer's weights, run by PyTorch."""
    namespace: dict = {}
    exec(preamble, namespace)
    module = eval(spelling, namespace)
    assert isinstance(module, torch.nn.Module), spelling
    _torch_weights(layer, module, torch)
    with torch.no_grad():
        return module(torch.from_numpy(images.transpose(0, 3, 1, 2).copy())).numpy().transpose(0, 2, 3, 1)


def _torch_weights(layer, module, torch) -> None:
    """Keras' kernels in PyTorch's layout, into the module's convolutions in order."""
    kind, weights = type(layer).__name__, layer.get_weights()
    convolutions = [m for m in module.modules() if isinstance(m, (torch.nn.Conv2d, torch.nn.ConvTranspose2d))]
    if kind in ("DepthwiseConv2D", "SeparableConv2D"):
        kh, kw, channels, multiplier = weights[0].shape
        weights[0] = weights[0].reshape(kh, kw, 1, channels * multiplier)  # output c·m + j
    for conv, kernel in zip(convolutions, weights[: len(convolutions)]):
        conv.weight.data = torch.from_numpy(kernel.transpose(3, 2, 0, 1).copy())
    bias = weights[len(convolutions) :]
    if convolutions and bias:
        convolutions[-1].bias.data = torch.from_numpy(bias[0])
    elif convolutions and convolutions[-1].bias is not None:
        convolutions[-1].bias.data.zero_()


def layer_of(model, name: str):
    """The layer a port row names, nested models searched too ("outer/inner")."""
    for part in name.split(" (call ")[0].split("/"):
        model = model.get_layer(part)
    return model


def random_input(row, seed: int) -> np.ndarray:
    return np.random.default_rng(seed).normal(size=(2, *row.input_shape)).astype("float32")


def assert_spellings_run(model, to: str, torch=None) -> int:
    """Every spelling of ``port(model, to)`` runs as printed and gives Keras' numbers;
    returns how many ran."""
    from padstride import explain, port

    plan = port(model, to=to)
    rows = {row.name: row for row in explain(model)}
    for index, ported in enumerate(plan):
        row = rows[ported.layer]
        layer, images = layer_of(model, ported.layer), random_input(row, index)
        want = keras_without_activation(layer, images)
        if to == "onnx":
            got = run_onnx_spelling(plan.preamble, ported.spelling, layer, images, want.shape)
        else:
            got = run_torch_spelling(plan.preamble, ported.spelling, layer, images, torch)
        scale = max(float(np.abs(want).max()), 1.0)
        assert got.shape == want.shape, (ported.layer, ported.spelling, got.shape, want.shape)
        assert float(np.abs(got - want).max()) <= 2e-5 * scale, (ported.layer, ported.spelling)
    return len(plan)
