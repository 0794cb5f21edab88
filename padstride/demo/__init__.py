"""The notebooks' models and the 8×8 line demo: Conv2D models with a chosen padding and
stride, the MNIST models, Keras summaries as text, and one hand-set filter run by Keras."""
