"""The pictures behind ``padstride.plots``, one module per kind of picture.

Importing this package imports nothing heavy: each module loads matplotlib (and, where
needed, Keras or ipywidgets) itself. Use the functions through ``padstride.plots`` or
``padstride``.
"""
