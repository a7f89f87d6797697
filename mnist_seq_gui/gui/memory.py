"""Keep the explorer's memory flat and its pauses short over a long session.

Render threads draw images of ever different sizes: with glibc's default of a heap per
thread the freed space fragments and resident memory creeps up, and freed blocks of a
few MB go back to the system, so the next draw faults every page in again. One shared
heap, blocks up to 32 MiB from it and 64 MiB of freed heap kept fix both.
"""

from __future__ import annotations

import ctypes
import gc
import sys

# glibc's mallopt parameter numbers and the values set
_M_TRIM_THRESHOLD, _KEEP_FREED = -1, 64 * 1024 * 1024
_M_MMAP_THRESHOLD, _FROM_HEAP = -3, 32 * 1024 * 1024  # glibc's largest allowed value
_M_ARENA_MAX = -8


def tune_malloc() -> bool:
    """Make threads started from now on share glibc's main heap, and keep freed memory
    for reuse (see the module docstring); False where the C library is not glibc (the
    settings are glibc's) or refused one of them."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL("libc.so.6")  # glibc's name (find_library would run ldconfig)
        mallopt = libc.mallopt
    except (OSError, AttributeError):  # musl and others: no mallopt
        return False
    mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    mallopt.restype = ctypes.c_int
    settings = (
        (_M_ARENA_MAX, 1),
        (_M_MMAP_THRESHOLD, _FROM_HEAP),
        (_M_TRIM_THRESHOLD, _KEEP_FREED),
    )
    return all([bool(mallopt(number, value)) for number, value in settings])


def freeze_start_up_objects() -> None:
    """Leave the objects alive once the window is up (Qt's wrappers, modules, the bank's
    tables) out of later full garbage collections, which walk them holding the GIL."""
    gc.collect()
    gc.freeze()
