"""The desktop explorer: everything that imports Qt lives in this package.

Importing it has no side effects; `app.main` checks the environment, applies the
PySide6 guard and starts Qt.
"""
