"""mnist-seq: images of handwritten digit sequences composed from MNIST digits."""

__version__ = "0.2.0"
