"""The arithmetic of one convolution, pooling or transposed convolution: sizes, padding
splits and window positions, in pure Python (no NumPy, no TensorFlow)."""
