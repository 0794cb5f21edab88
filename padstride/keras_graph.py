"""Keras' own graph of a model, read where Keras has no public way to read it.

Keras 3 gives no public list of a functional model's layer calls in order, nor of the calls
of one layer, nor of the layer that made a symbolic tensor. This is the one module of the
package that reads the private attributes that hold them (``_nodes_by_depth``,
``_inbound_nodes``, ``_keras_history``), so that a change in Keras is mended here alone. The
graph walk (``padstride.model.graph``) and the probes (``padstride.measure.probes``) read
Keras' graph through these functions. Nothing here imports Keras.

>>> is_sequential(object())
False
"""

from __future__ import annotations

from typing import Any


def is_keras_class(name: str, value: object) -> bool:
    """An instance of Keras' class ``name`` (or of a subclass), without importing Keras."""
    return any(cls.__name__ == name and cls.__module__.startswith("keras") for cls in type(value).__mro__)


def is_sequential(value: object) -> bool:
    """Whether ``value`` is a keras.Sequential model (checked without importing Keras)."""
    return is_keras_class("Sequential", value)


def is_functional(value: object) -> bool:
    """Whether ``value`` is a functional Keras model (a graph of layer calls)."""
    return is_keras_class("Functional", value)


def tensor_layer(tensor: Any) -> Any:
    """The layer (or operation) whose call made a symbolic Keras tensor."""
    return tensor._keras_history.operation


def call_index(node: Any) -> int:
    """Which call of its layer a node of a functional graph is (0 for the first)."""
    return node.operation._inbound_nodes.index(node)


def layer_nodes(layer: Any) -> list:
    """The nodes (calls) of a layer, in the order they were made."""
    return list(layer._inbound_nodes)


def model_nodes(model: Any) -> list:
    """The nodes of a functional model's graph, input nodes excluded, deepest first."""
    return [
        node
        for depth in sorted(model._nodes_by_depth, reverse=True)
        for node in model._nodes_by_depth[depth]
        if not node.is_input
    ]
