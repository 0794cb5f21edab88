"""MNIST offline and verified (sources, arrays, the cache), and fast reproducible training."""
