"""mnist-seq: images of handwritten digit sequences composed from MNIST digits."""

__version__ = "0.1.0"
