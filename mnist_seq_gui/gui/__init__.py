"""The desktop explorer: everything that imports Qt lives in this package."""

from ._refcount_guard import guard_singletons

# Before any other Qt call: see _refcount_guard for the PySide6 fault this works around.
guard_singletons()
