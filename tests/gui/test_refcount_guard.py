"""PySide6 6.12 on CPython < 3.12 drops references to None/True it never took; the guard
keeps a long session (many thousand Qt calls) from aborting the interpreter."""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject, Signal

from mnist_seq_gui.gui._refcount_guard import guard_singletons


class _Emitter(QObject):
    ping = Signal(int)


def test_many_void_calls_and_emits_do_not_exhaust_none_or_true():
    guard_singletons()
    obj = _Emitter()
    received = []
    obj.ping.connect(received.append)
    before = sys.getrefcount(None), sys.getrefcount(True)
    for i in range(20_000):
        obj.setObjectName("x")  # a void method
        obj.ping.emit(i)  # returns True
    assert len(received) == 20_000
    # Without the guard, 20,000 lost references would have freed None and True already.
    assert sys.getrefcount(None) > 0 and sys.getrefcount(True) > 0
    assert before[0] - sys.getrefcount(None) <= 20_000
