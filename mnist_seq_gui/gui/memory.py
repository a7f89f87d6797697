"""Keep the explorer's memory flat and its pauses short over a long session.

glibc gives each new thread a heap ("arena") of its own, up to eight per core. The
explorer draws images of ever different sizes on its render threads and the core's
worker threads, and the freed space in those heaps fragments: in a soak of 10,000 random
recipe changes resident memory grew about 4 MiB per 2,500 changes, and by 16 to 20 MiB
over 12,500 changes with two to four arenas. With one arena it stayed within 1 MiB, and
the gallery drew as fast (the threads seldom allocate at the same time). Fixing the mmap
threshold instead also kept memory flat, but made the varied gallery five times slower:
its temporaries were then mapped and faulted in afresh on every draw.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
import sys

_M_ARENA_MAX = -8  # glibc's mallopt parameter number


def share_one_malloc_arena() -> bool:
    """Make threads started from now on share glibc's main heap; False where the C
    library is not glibc (the setting is glibc's)."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        mallopt = libc.mallopt
    except (OSError, AttributeError):  # musl and others: no mallopt
        return False
    mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    mallopt.restype = ctypes.c_int
    return bool(mallopt(_M_ARENA_MAX, 1))


def freeze_start_up_objects() -> None:
    """Leave the objects alive once the window is up (Qt's wrappers, modules, the digit
    bank's tables: about 46,000) out of later garbage collections.

    Python's full collections walk every tracked object while holding the GIL; with
    these in the walk, one in about ten gallery rerolls waited 20 to 30 ms for it (worst
    of 200: 33 ms, 10 ms with them frozen). They live as long as the window anyway.
    """
    gc.collect()
    gc.freeze()
