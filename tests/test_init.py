"""The flat public API: every name in ``padstride.__all__`` is there, including the ones
loaded on first use."""

import importlib

import pytest

import padstride


@pytest.mark.parametrize("name", sorted(padstride.__all__))
def test_every_name_resolves_to_the_object_of_the_module_that_defines_it(name):
    value = getattr(padstride, name)
    home = getattr(value, "__module__", None)
    if home is not None and home.startswith("padstride"):  # functions and classes
        assert getattr(importlib.import_module(home), name) is value


def test_all_names_resolve_and_dir_lists_them():
    assert len(set(padstride.__all__)) == len(padstride.__all__)
    for name in padstride.__all__:
        assert getattr(padstride, name) is not None, name
    assert sorted(padstride.__all__) == dir(padstride)
    with pytest.raises(AttributeError, match="no attribute 'conv_output_sizes'"):
        padstride.conv_output_sizes  # noqa: B018
