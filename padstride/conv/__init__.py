"""One convolution, pooling or transposed convolution on one image: the size arithmetic and
padding splits in pure Python (``arithmetic``, ``transpose``: answers at once, no NumPy, no
TensorFlow), and what needs arrays in NumPy (``padding``: pad modes; ``windows``: which
pixels the windows read, and the convolution written as loops). Nothing here imports Keras."""
