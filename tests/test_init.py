"""The flat public API: every name in ``padstride.__all__`` is there, including the ones
loaded on first use."""

import importlib

import pytest

import padstride


@pytest.mark.parametrize("name", sorted(padstride._LAZY))
def test_every_lazy_name_resolves_to_its_module_s_object(name):
    module = importlib.import_module(f"padstride.{padstride._LAZY[name]}")
    assert getattr(padstride, name) is getattr(module, name)


def test_all_names_resolve_and_dir_lists_them():
    assert len(set(padstride.__all__)) == len(padstride.__all__)
    for name in padstride.__all__:
        assert getattr(padstride, name) is not None, name
    assert sorted(padstride.__all__) == dir(padstride)
    with pytest.raises(AttributeError, match="no attribute 'conv_output_sizes'"):
        padstride.conv_output_sizes  # noqa: B018
