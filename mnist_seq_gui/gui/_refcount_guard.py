"""Guard against PySide6 releasing references to None, True and False it never took.

PySide6 6.12 on CPython 3.11 returns None from every void method, and True from
Signal.emit, without taking a reference, so each call leaves the interpreter one
reference short. From CPython 3.12 these objects are immortal and nothing happens;
on 3.10/3.11 the count reaches zero after a few thousand calls and the interpreter
aborts ("Fatal Python error: none_dealloc" / "bool_dealloc"). When a quick probe shows
the fault, the three singletons get a reference count far beyond what any session can
spend, which is what CPython 3.12 does for them anyway.
"""

from __future__ import annotations

import ctypes
import sys

_RESERVE = 1 << 48  # references added to each singleton; calls would take centuries to spend
_PROBE_CALLS = 16
_guarded = False


def _void_calls_lose_none() -> bool:
    from PySide6.QtCore import QObject

    probe = QObject()
    before = sys.getrefcount(None)
    for _ in range(_PROBE_CALLS):
        probe.setObjectName("refcount-probe")
    return sys.getrefcount(None) < before


def guard_singletons() -> bool:
    """Apply the guard if this interpreter and PySide6 need it; True if applied."""
    global _guarded
    if _guarded:
        return True
    if sys.implementation.name != "cpython" or sys.version_info >= (3, 12):
        return False
    if not _void_calls_lose_none():
        return False
    for obj in (None, True, False):
        # ob_refcnt is the first field of every CPython object (non-debug builds).
        ctypes.c_ssize_t.from_address(id(obj)).value += _RESERVE
    _guarded = True
    return True
