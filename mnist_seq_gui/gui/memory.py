"""Keep the explorer's memory flat and its pauses short over a long session.

glibc gives each new thread a heap ("arena") of its own, up to eight per core. The
explorer draws images of ever different sizes on its render threads and the core's
worker threads, and the freed space in those heaps fragments: in a soak of 10,000 random
recipe changes resident memory grew about 4 MiB per 2,500 changes, and by 16 to 20 MiB
over 12,500 changes with two to four arenas. With one arena it stayed within 1 MiB, and
the gallery drew as fast (the threads seldom allocate at the same time). Fixing the mmap
threshold at a low value instead also kept memory flat, but made the varied gallery five
times slower: its temporaries were then mapped and faulted in afresh on every draw.

Page faults are what the varied gallery mostly waits for: its blur and noise work on
a few float32 and uint64 arrays of 4 to 8 MB per draw, and by default glibc hands memory
that size back to the system when it is freed (its trim threshold follows the largest
block freed, times two), so the next draw faults every page in again. On this project's
2-core test machine, blur and noise of 64 samples took 25 ms that way and 8 ms with the
freed memory kept in the heap, and bench_gui's varied gallery p99 fell from 44 ms to
23 to 26 ms. So blocks up to 32 MiB come from the heap, and up to 64 MiB of freed heap
is kept.
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
    """Leave the objects alive once the window is up (Qt's wrappers, modules, the digit
    bank's tables: about 46,000) out of later garbage collections.

    Python's full collections walk every tracked object while holding the GIL; with
    these in the walk, one in about ten gallery rerolls waited 20 to 30 ms for it (worst
    of 200: 33 ms, 10 ms with them frozen). They live as long as the window anyway.
    """
    gc.collect()
    gc.freeze()
