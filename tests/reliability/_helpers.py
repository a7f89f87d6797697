"""Shared helpers for the reliability tests: hostile files made on the spot, real processes."""

from __future__ import annotations

import contextlib
import os
import struct
import subprocess
import sys
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
_MB = 1 << 20


def subprocess_env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO_ROOT), env.get("PYTHONPATH")]))
    return env


def signal_at_numpy_import(signal_name: str, then: str) -> str:
    """Python code for a child process that sends itself `signal_name` the moment numpy
    starts to load, then runs `then` (which must load numpy inside the entry point)."""
    return f"""
import importlib.abc, os, signal, sys

class SignalAtImport(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path, target=None):
        if name == "numpy":
            sys.meta_path.remove(self)
            os.kill(os.getpid(), signal.{signal_name})
        return None

sys.meta_path.insert(0, SignalAtImport())
{then}
"""


def idx_header(magic: int, *dims: int) -> bytes:
    return struct.pack(f">I{len(dims)}I", magic, *dims)


def gzip_bomb(path: Path, prefix: bytes, zeros: int, recorded_size: int | None = None) -> Path:
    """A valid gzip file of `prefix` followed by `zeros` zero bytes, about 1000:1 smaller.

    The deflate stream is reset (full flush) after every megabyte of zeros, so one
    compressed megabyte is repeated instead of compressing gigabytes. `recorded_size`
    forges the length in the gzip trailer (the real one when None).
    """
    deflate = zlib.compressobj(9, zlib.DEFLATED, -15)
    head = deflate.compress(prefix) + deflate.flush(zlib.Z_FULL_FLUSH)
    unit = deflate.compress(bytes(_MB)) + deflate.flush(zlib.Z_FULL_FLUSH)
    tail = deflate.compress(bytes(zeros % _MB)) + deflate.flush()
    crc = zlib.crc32(prefix)
    block = bytes(16 * _MB)
    for start in range(0, zeros, len(block)):
        crc = zlib.crc32(block[: min(len(block), zeros - start)], crc)
    size = len(prefix) + zeros if recorded_size is None else recorded_size
    with open(path, "wb") as f:
        f.write(b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff")  # gzip header, no name
        f.write(head)
        for _ in range(zeros // _MB):
            f.write(unit)
        f.write(tail)
        f.write(struct.pack("<II", crc, size % 2**32))
    return path


def sparse_file(path: Path, prefix: bytes, size: int) -> Path:
    """`prefix` followed by holes up to `size` bytes: huge on paper, nothing on disk."""
    with open(path, "wb") as f:
        f.write(prefix)
        f.truncate(size)
    return path


@dataclass
class Measured:
    returncode: int
    stdout: str
    stderr: str
    peak_rss: int  # bytes


def run_measured(
    args: list[str], cwd: Path, timeout: float = 120, stdin: bytes | None = None
) -> Measured:
    """Run `python ARGS`, returning its output and its own peak resident memory."""
    proc = subprocess.Popen(
        [sys.executable, *args],
        cwd=cwd,
        env=subprocess_env(),
        stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        out, err = proc.communicate(stdin, timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate()
        raise
    # A script made by measured_script() reports its own peak on a marked stderr line.
    peak, lines = -1, []
    for line in err.decode().splitlines(keepends=True):
        if line.startswith(PEAK_MARK):
            peak = int(line[len(PEAK_MARK) :]) * 1024
        else:
            lines.append(line)
    return Measured(proc.returncode, out.decode(), "".join(lines), peak)


PEAK_MARK = "peak-rss-kib:"


def measured_script(body: str) -> list[str]:
    """`-c` arguments running `body`, then printing the process's peak RSS (kiB) to stderr."""
    # VmHWM is the peak of this process image; ru_maxrss would include the parent's peak
    # at fork time on Linux.
    wrapper = (
        "import atexit, sys\n"
        "def _peak():\n"
        "    for line in open('/proc/self/status'):\n"
        "        if line.startswith('VmHWM:'):\n"
        f"            print('{PEAK_MARK}' + line.split()[1], file=sys.stderr)\n"
        "atexit.register(_peak)\n"
    )
    return ["-c", wrapper + body]


@contextlib.contextmanager
def umask(value: int) -> Iterator[None]:
    """The process umask set to `value` for the block."""
    old = os.umask(value)
    try:
        yield
    finally:
        os.umask(old)


def tree(folder: Path) -> dict[str, bytes]:
    """Every file under `folder`: relative path -> bytes."""
    return {
        str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


def fill_disk(folder: Path, leave: int = 0) -> None:
    """Fill the file system of `folder` up to `leave` bytes (to the last block if 0)."""
    free = os.statvfs(folder)
    target = max(0, free.f_bavail * free.f_frsize - leave)
    with open(folder / "filler", "wb", buffering=0) as f, contextlib.suppress(OSError):
        while f.tell() < target:
            f.write(bytes(min(4096, target - f.tell())))
