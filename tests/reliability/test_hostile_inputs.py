"""Hostile input at every door: command lines, API calls, PNG files, settings.

Each bad input gets one line naming the problem and what would work (status 2 on the
command line), only the project's own exception types from the API, and no file.
"""

from __future__ import annotations

import os
import struct
import subprocess
import sys
import zlib
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from mnist_seq_gui.api import MAX_SAMPLES, MNIST_Sequence_API
from mnist_seq_gui.cli import main as cli_main
from mnist_seq_gui.core import InputError, MnistSeqError
from mnist_seq_gui.dataset.cli import main as dataset_main
from mnist_seq_gui.files import read_composition_text, write_png

from ._helpers import REPO_ROOT, fill_disk, subprocess_env

HUGE = "9" * 5000  # past Python's 4,300-digit limit for int(str)


def one_line_error(capsys) -> str:
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err, err
    return err


DATASET_CASES = [
    # (arguments, words the one line must hold)
    (["--length", HUGE], "length has 5,000 digits"),
    (["--length", f"3-{HUGE}"], "length has 5,000 digits"),
    (["--length", f"{HUGE}-3"], "length has 5,000 digits"),
    (["--shard", f"{HUGE}/4", "--seed", "1"], "shard numbers that large"),
    (["--shard", f"1/{HUGE}", "--seed", "1"], "shard numbers that large"),
    (["--shard", "-1/4", "--seed", "1"], "numbered 1..4"),
    (["--count", HUGE], "count has 5,000 digits"),
    (["--seed", HUGE], "seed has 5,000 digits"),
    (["--seed", "-1"], "seed -1 is out of range"),
    (["--width", "100001"], "use 28..100,000"),
    (["--width", "10"], "use 28..100,000"),
    (["--width", "x" * 5000], "is not a whole number"),
    (
        ["--width", "200", "--spacing", "0", "40", "--rule", "random", "--length", "3-6"],
        "allow max spacing 58 or more",
    ),
    (["--count", "0"], "count 0 is out of range; use 1 or more"),
    (["--length", "9-3"], "reversed; write 3-9"),
    (["--format", "tiff"], "invalid choice"),
    (["--workers", "0"], "workers 0 is out of range"),
]


@pytest.mark.parametrize(("args", "words"), DATASET_CASES, ids=[w for _, w in DATASET_CASES])
def test_bad_dataset_arguments_are_one_line(tmp_path, capsys, args, words):
    out = tmp_path / "out"
    argv = ["--count", "10", "--out", str(out), *args]
    assert dataset_main(argv) == 2
    assert words in one_line_error(capsys)
    assert list(tmp_path.iterdir()) == []


SINGLE_CASES = [
    (["12", "0", "10", HUGE], "width has 5,000 digits"),
    (["12", HUGE, "10", "66"], "min spacing has 5,000 digits"),
    (["12", "0", "10", "66", "--seed", HUGE], "seed has 5,000 digits"),
    (["12", "0", "10", "10"], "use 28..100,000"),
    (["12", "0", "10", "66", "-o", "newdir/"], "newdir/: that folder does not exist"),
    (["--examples", "-o", "-"], "-o - takes a single image"),
]


@pytest.mark.parametrize(("args", "words"), SINGLE_CASES, ids=[w for _, w in SINGLE_CASES])
def test_bad_single_image_arguments_are_one_line(tmp_path, capsys, monkeypatch, args, words):
    monkeypatch.chdir(tmp_path)
    assert cli_main(args) == 2
    assert words in one_line_error(capsys)
    assert list(tmp_path.iterdir()) == []


def test_dataset_version(capsys):
    assert dataset_main(["--version"]) == 0
    assert capsys.readouterr().out.startswith("mnist-seq dataset ")


def test_dash_writes_the_png_to_standard_output_and_the_report_to_stderr(tmp_path):
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "mnist_seq_gui.cli",
            "12",
            "0",
            "10",
            "66",
            "-o",
            "-",
            "--seed",
            "5",
        ],
        env=subprocess_env(),
        cwd=tmp_path,
        capture_output=True,
    )
    assert done.returncode == 0, done.stderr
    (tmp_path / "from-stdout.png").write_bytes(done.stdout)
    with Image.open(tmp_path / "from-stdout.png") as image:
        assert image.size == (66, 28) and image.text["seed"] == "5"
    assert done.stderr.decode().startswith("wrote standard output (66 x 28 px, seed 5)")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["from-stdout.png"]  # no file "-"


def test_dash_refuses_a_terminal(tmp_path):
    leader, follower = os.openpty()
    try:
        done = subprocess.run(
            [sys.executable, "-m", "mnist_seq_gui.cli", "12", "0", "10", "66", "-o", "-"],
            env=subprocess_env(),
            cwd=tmp_path,
            stdout=follower,
            stderr=subprocess.PIPE,
        )
    finally:
        os.close(follower)
        os.close(leader)
    assert done.returncode == 2
    assert "standard output is a terminal" in done.stderr.decode()
    assert list(tmp_path.iterdir()) == []


PNG_3000 = ("--count", "3000", "--seed", "1", "--format", "png", "--workers", "1", "--out")


def test_progress_in_a_log_is_plain_lines(tmp_path):
    log = tmp_path / "log"
    with open(log, "wb") as stderr:
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "mnist_seq_gui.cli",
                "dataset",
                *PNG_3000,
                str(tmp_path / "out"),
            ],
            env=subprocess_env(),
            cwd=REPO_ROOT,
            stderr=stderr,
            stdout=subprocess.DEVNULL,
        )
    assert done.returncode == 0
    text = log.read_text()
    assert "\r" not in text
    lines = text.splitlines()
    assert 2 <= len(lines) <= 11 and lines[-1].startswith("3,000/3,000 100%")


def test_examples_are_all_or_nothing_on_a_full_disk(small_disk, capsys):
    old = small_disk / "0-1-2-3-4-5-6-7.png"
    old.write_bytes(b"an earlier example")
    fill_disk(small_disk, leave=5000)  # room for one example PNG (2 kB), not three
    probes = [small_disk / "probe1", small_disk / "probe2"]
    probes[0].write_bytes(bytes(2100))
    with pytest.raises(OSError):
        probes[1].write_bytes(bytes(2100))
    for probe in probes:
        probe.unlink()
    assert cli_main(["--examples", "--seed", "1", "-o", str(small_disk)]) == 2
    assert "No space left on device" in one_line_error(capsys)
    assert sorted(p.name for p in small_disk.iterdir()) == ["0-1-2-3-4-5-6-7.png", "filler"]
    assert old.read_bytes() == b"an earlier example"


def api_calls(api: MNIST_Sequence_API, folder: Path):
    image = api.generate_mnist_sequence("12", (0, 10), 66, seed=1)
    return {
        "seed -1": lambda: api.generate_mnist_sequence("12", (0, 10), 66, seed=-1),
        "seed '7'": lambda: api.generate_mnist_sequence("12", (0, 10), 66, seed="7"),
        "seed 1.5": lambda: api.generate_mnist_sequence("12", (0, 10), 66, seed=1.5),
        "seed 2**64": lambda: api.generate_mnist_sequence("12", (0, 10), 66, seed=2**64),
        "seed True": lambda: api.generate_mnist_sequence("12", (0, 10), 66, seed=True),
        "dtype banana": lambda: api.generate_mnist_sequence("12", (0, 10), 66, dtype="banana"),
        "dtype int64": lambda: api.compose("12", (0, 10), 66, dtype=np.int64),
        "constructor seed 'abc'": lambda: MNIST_Sequence_API(seed="abc"),
        "constructor data_dir 123": lambda: MNIST_Sequence_API(123),  # type: ignore[arg-type]
        "save an object": lambda: api.save_image(object(), "1", folder),
        "save a string": lambda: api.save_image("abc", "1", folder),
        "save an empty array": lambda: api.save_image(np.zeros((28, 0)), "1", folder),
        "save NaN": lambda: api.save_image(np.full((28, 28), np.nan), "1", folder),
        "save complex": lambda: api.save_image(image.astype(complex), "12", folder),
        "save into a number": lambda: api.save_image(image, "12", 5),
        "save a non-composition": lambda: api.save_composition("x", folder),
        "10**12 samples": lambda: api.generate_data(10**12, 5),
        "10**5000 samples": lambda: api.generate_data(10**5000, 5),
        "more than memory": lambda: api.generate_data(MAX_SAMPLES, 3, image_width=100_000),
        "white_on_black 'no'": lambda: api.compose("12", (0, 10), 66, white_on_black="no"),
        "spacing 'ab'": lambda: api.compose("12", "ab", 66),
        "width '66'": lambda: api.compose("12", (0, 10), "66"),
        "rule 1": lambda: api.compose("12", (0, 10), 66, rule=1),
        "digits None": lambda: api.compose(None, (0, 10), 66),
    }


def test_every_api_entry_point_raises_only_the_projects_errors(tmp_path):
    api = MNIST_Sequence_API(seed=1)
    for what, call in api_calls(api, tmp_path).items():
        with pytest.raises(MnistSeqError) as raised:
            call()
        assert isinstance(raised.value, InputError), what  # bad input: also a ValueError
        assert "\n" not in str(raised.value), what
    assert list(tmp_path.iterdir()) == []


def png_with(chunks: bytes, width: int = 28, height: int = 28) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    pixels = zlib.compress(b"\0" * (width + 1))
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunks
        + chunk(b"IDAT", pixels)
        + chunk(b"IEND", b"")
    )


def text_chunk(key: str, value: bytes, compressed: bool = False) -> bytes:
    kind, data = (
        (b"zTXt", key.encode() + b"\0\0" + zlib.compress(value))
        if compressed
        else (
            b"tEXt",
            key.encode() + b"\0" + value,
        )
    )
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


GOOD_TEXT = {
    "sequence": "12",
    "min_spacing": "0",
    "max_spacing": "10",
    "width": "66",
    "rule": "uniform",
    "polarity": "dark-on-white",
    "seed": "1",
    "mnist_indices": "3,2",
}


def hostile_pngs(folder: Path) -> dict[str, Path]:
    made = {
        "claims 10^10 pixels": png_with(b"", 100_000, 100_000),
        "50 MB zTXt bomb": png_with(text_chunk("sequence", b"1" * 50_000_000, compressed=True)),
        "truncated": png_with(b"")[:40],
        "not a PNG": b"hello",
        "empty": b"",
    }
    paths = {}
    for name, data in made.items():
        paths[name] = folder / f"{len(paths)}.png"
        paths[name].write_bytes(data)
    for key, value in [
        ("width", "9" * 5000),
        ("seed", "-1"),
        ("sequence", "12a"),
        ("rule", "banana"),
        ("mnist_indices", "1,,2"),
        ("min_spacing", "50"),
    ]:
        paths[f"{key}={value[:10]}"] = folder / f"{len(paths)}.png"
        write_png(paths[f"{key}={value[:10]}"], np.zeros((28, 66)), {**GOOD_TEXT, key: value})
    return paths


def test_hostile_pngs_are_refused_in_one_line(tmp_path):
    for what, path in hostile_pngs(tmp_path).items():
        with pytest.raises(InputError) as raised:
            read_composition_text(path)
        assert str(path) in str(raised.value) and "\n" not in str(raised.value), what


def test_a_settings_file_of_binary_garbage_gives_the_defaults(qtbot):
    # Absurd values in a well-formed file are the explorer's own tests (tests/gui); this
    # is a file that is not INI at all: NUL bytes, invalid UTF-8, broken Qt variants.
    from mnist_seq_gui.gui.main_window import MainWindow
    from mnist_seq_gui.gui.settings import settings_store

    ini = Path(settings_store().fileName())
    ini.parent.mkdir(parents=True, exist_ok=True)
    ini.write_bytes(
        b"\x00\xff\xfe[params\nsequence=\xff\xfe\x00\nwidth=@Variant(\\0\\0\\xff)\n"
        + b"seed="
        + HUGE.encode()
        + b"\n[view]\nzoom=@ByteArray(\\x1)\n\x01\x02\x03"
        + bytes(range(256))
    )
    window = MainWindow()
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.result() is not None, timeout=10_000)
    composition = window.result().composition
    assert composition.spec.digits == (2, 0, 2, 4)  # the default recipe
    assert composition.pixels.shape == (28, composition.spec.width)
