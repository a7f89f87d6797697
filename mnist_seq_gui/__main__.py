"""`python -m mnist_seq_gui` starts the desktop explorer."""

from mnist_seq_gui.gui.app import main

if __name__ == "__main__":
    raise SystemExit(main())
