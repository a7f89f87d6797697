"""Hostile input at every door: command lines, API calls, PNG files, settings.

Each bad input gets one line naming the problem and what would work (status 2 on the
command line), only the project's own exception types from the API, and no file.
"""

from __future__ import annotations

import json
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
from mnist_seq_gui.files import read_saved, write_png

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
    (["--width", HUGE], "use 28..100,000"),
    (["--rotation", HUGE, "0"], "use -45..45"),
    (["--noise", "nan"], "--noise nan is not finite; use 0..128"),
    (["--blur", "inf"], "--blur inf is not finite; use 0..4"),
    (
        ["--width", "200", "--spacing", "0", "40", "--rule", "random", "--length", "3-6"],
        "allow max spacing 58 or more",
    ),
    (["--count", "0"], "count 0 is out of range; use 1 or more"),
    (["--length", "9-3"], "reversed; write 3-9"),
    (["--format", "tiff"], "invalid choice"),
    (["--workers", "0"], "workers 0 is out of range"),
    (["--count", "3", "--shard", "1/4", "--seed", "1"], "use at most 3 shards"),
]


@pytest.mark.parametrize(("args", "words"), DATASET_CASES, ids=[w for _, w in DATASET_CASES])
def test_bad_dataset_arguments_are_one_line(tmp_path, capsys, args, words):
    out = tmp_path / "out"
    argv = ["--count", "10", "--out", str(out), *args]
    assert dataset_main(argv) == 2
    assert words in one_line_error(capsys)
    assert list(tmp_path.iterdir()) == []


SINGLE_CASES = [
    (["12", "0", "10", HUGE], "use 28..100,000"),
    (["12", HUGE, "10", "66"], "use -14..100,000"),
    (["12", "0", "10", "66", "--seed", HUGE], "seed has 5,000 digits"),
    (["12", "0", "10", "10"], "use 28..100,000"),
    ([HUGE, "0", "0", "28"], "use fewer digits"),
    (["12", "0", "10", "66", "-o", "newdir/"], "newdir/: that folder does not exist"),
    (["--examples", "-o", "-"], "-o - takes a single image"),
    (["12", "0", "10", "66", "--height", HUGE], "use 28..1,024"),
]


@pytest.mark.parametrize(("args", "words"), SINGLE_CASES, ids=[w for _, w in SINGLE_CASES])
def test_bad_single_image_arguments_are_one_line(tmp_path, capsys, monkeypatch, args, words):
    monkeypatch.chdir(tmp_path)
    assert cli_main(args) == 2
    assert words in one_line_error(capsys)
    assert list(tmp_path.iterdir()) == []


def test_dash_writes_the_png_to_standard_output_and_the_report_to_stderr(tmp_path):
    command = [sys.executable, "-m", "mnist_seq_gui.cli", "12", "0", "10", "66", "-o", "-"]
    done = subprocess.run([*command, "--seed", "5"], env=subprocess_env(), cwd=tmp_path,
                          capture_output=True, timeout=120)  # fmt: skip
    assert done.returncode == 0, done.stderr
    (tmp_path / "from-stdout.png").write_bytes(done.stdout)
    with Image.open(tmp_path / "from-stdout.png") as image:
        assert image.size == (66, 28) and image.text["seed"] == "5"
    assert done.stderr.decode() == "wrote standard output (66 x 28 px, seed 5)\n"
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
            timeout=120,
        )
    finally:
        os.close(follower)
        os.close(leader)
    assert done.returncode == 2
    assert "standard output is a terminal" in done.stderr.decode()
    assert list(tmp_path.iterdir()) == []


def test_progress_in_a_log_is_plain_lines(tmp_path):
    log = tmp_path / "log"
    args = ["--count", "3000", "--seed", "1", "--format", "png", "--workers", "1"]
    with open(log, "wb") as stderr:
        done = subprocess.run(
            [sys.executable, "-m", "mnist_seq_gui.cli", "dataset", *args, "--out",
             str(tmp_path / "out")],
            env=subprocess_env(), cwd=REPO_ROOT, stderr=stderr, stdout=subprocess.DEVNULL,
            timeout=300,
        )  # fmt: skip
    assert done.returncode == 0
    text = log.read_text()
    assert "\r" not in text
    lines = text.splitlines()
    assert 2 <= len(lines) <= 11 and lines[-1].startswith("3,000/3,000 100%")


def test_the_examples_are_all_or_nothing_on_a_full_disk(small_disk, capsys):
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
    compose = api.compose
    return {
        "seed -1": lambda: api.generate_mnist_sequence("12", (0, 10), 66, seed=-1),
        "seed '7'": lambda: api.generate_mnist_sequence("12", (0, 10), 66, seed="7"),
        "seed 1.5": lambda: api.generate_mnist_sequence("12", (0, 10), 66, seed=1.5),
        "seed 2**64": lambda: api.generate_mnist_sequence("12", (0, 10), 66, seed=2**64),
        "seed True": lambda: api.generate_mnist_sequence("12", (0, 10), 66, seed=True),
        "seed 10**5000": lambda: compose("12", (0, 10), 66, seed=10**5000),
        "dtype banana": lambda: api.generate_mnist_sequence("12", (0, 10), 66, dtype="banana"),
        "dtype int64": lambda: compose("12", (0, 10), 66, dtype=np.int64),
        "dtype []": lambda: compose("12", (0, 10), 66, dtype=[]),
        "constructor seed 'abc'": lambda: MNIST_Sequence_API(seed="abc"),
        "constructor data_dir 123": lambda: MNIST_Sequence_API(123),  # type: ignore[arg-type]
        "constructor pool 5": lambda: MNIST_Sequence_API(pool=5),  # type: ignore[arg-type]
        "save an object": lambda: api.save_image(object(), "1", folder),
        "save a string": lambda: api.save_image("abc", "1", folder),
        "save an empty array": lambda: api.save_image(np.zeros((28, 0)), "1", folder),
        "save 3-D": lambda: api.save_image(np.zeros((2, 28, 28)), "1", folder),
        "save NaN": lambda: api.save_image(np.full((28, 28), np.nan), "1", folder),
        "save complex": lambda: api.save_image(image.astype(complex), "12", folder),
        "save into a number": lambda: api.save_image(image, "12", 5),
        "save as a path": lambda: api.save_image(image, "1/../x", folder),
        "save a non-composition": lambda: api.save_composition("x", folder),
        "10**12 samples": lambda: api.generate_data(10**12, 5),
        "10**5000 samples": lambda: api.generate_data(10**5000, 5),
        "seq_len 0": lambda: api.generate_data(5, 0),
        "more than memory": lambda: api.generate_data(
            MAX_SAMPLES, 3, (0, 50_000), 100_000, rule="random"
        ),
        "white_on_black 'no'": lambda: compose("12", (0, 10), 66, white_on_black="no"),
        "spacing 'ab'": lambda: compose("12", "ab", 66),
        "spacing 10**5000": lambda: compose("12", (0, 10**5000), 66),
        "width '66'": lambda: compose("12", (0, 10), "66"),
        "width nan": lambda: compose("12", (0, 10), float("nan")),
        "rule 1": lambda: compose("12", (0, 10), 66, rule=1),
        "variation 5": lambda: compose("12", (0, 10), 66, variation=5),
        "variation wobble": lambda: compose("12", (0, 10), 66, variation={"wobble": 1}),
        "variation nested": lambda: compose("12", (0, 10), 66, variation={"rotation": [[1]] * 2}),
        "variation nan": lambda: compose("12", (0, 10), 66, variation={"noise": float("nan")}),
        "digits None": lambda: compose(None, (0, 10), 66),
        "200,000 digits": lambda: compose("1" * 200_000, (0, 10), 66),
    }


def test_every_api_entry_point_raises_only_the_projects_errors(tmp_path):
    api = MNIST_Sequence_API(seed=1)
    for what, call in api_calls(api, tmp_path).items():
        with pytest.raises(MnistSeqError) as raised:
            call()
        assert isinstance(raised.value, InputError), what  # bad input: also a ValueError
        assert "\n" not in str(raised.value), what
    assert list(tmp_path.iterdir()) == []


def test_a_huge_digit_is_refused_in_a_short_line():
    api = MNIST_Sequence_API()
    for huge in (10**400, 10**5000):
        with pytest.raises(InputError, match="is not a digit") as info:
            api.compose([1, huge], (0, 10), 56)
        assert len(str(info.value)) < 200


def chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_with(chunks: bytes, width: int = 28, height: int = 28) -> bytes:
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    pixels = zlib.compress(b"\0" * (width + 1))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunks + chunk(b"IDAT", pixels)
            + chunk(b"IEND", b""))  # fmt: skip


def text_chunks(text: dict[str, str]) -> bytes:
    return b"".join(
        chunk(b"tEXt", k.encode() + b"\0" + v.encode("latin-1")) for k, v in text.items()
    )


OLD_TEXT = {  # as 0.1 and 0.2 wrote it
    "sequence": "12", "min_spacing": "0", "max_spacing": "10", "width": "66",
    "rule": "uniform", "polarity": "dark-on-white", "seed": "1", "mnist_indices": "3,2",
}  # fmt: skip
DEEP = "[" * 50_000 + "]" * 50_000  # past json's recursion limit


def hostile_pngs(folder: Path) -> dict[str, Path]:
    made = {
        "claims 10^10 pixels": png_with(text_chunks(OLD_TEXT), 100_000, 100_000),
        "50 MB zTXt bomb": png_with(
            chunk(b"zTXt", b"sequence\0\0" + zlib.compress(b"1" * 50_000_000))
        ),
        "600 kB text chunk": png_with(text_chunks({**OLD_TEXT, "comment": "x" * 600_000})),
        "600 kB iTXt chunk": png_with(
            text_chunks(OLD_TEXT) + chunk(b"iTXt", b"sequence\0\0\0\0\0" + b"1" * 600_000)
        ),
        "truncated": png_with(text_chunks(OLD_TEXT))[:60],
        "bad CRC": png_with(struct.pack(">I", 5) + b"tEXta\0bcd" + bytes(4)),
        "not a PNG": b"hello",
        "empty": b"",
    }
    paths = {}
    for name, data in made.items():
        paths[name] = folder / f"{len(paths)}.png"
        paths[name].write_bytes(data)
    for key, value in [
        ("width", HUGE), ("seed", HUGE), ("seed", "-1"), ("item", HUGE),
        ("mnist_indices", "1,,2"), ("mnist_indices", f"1,{HUGE}"), ("sequence", "12a"),
        ("rule", "banana"), ("min_spacing", "50"),
        ("variation", DEEP), ("variation", '{"a":' * 3000 + "1" + "}" * 3000),
        ("variation", json.dumps({"wobble": [1, 2]})), ("variation", json.dumps([1, 2])),
        ("variation", '{"height": ' + HUGE + "}"), ("variation", json.dumps({"height": 10**100})),
        ("variation", json.dumps({"rotation": "x"})), ("variation", '{"noise": NaN}'),
        ("variation", json.dumps({"rotation": [-90, 0]})), ("variation", "{not json"),
        ("variation", json.dumps({"height": 28, "jitter_y": [0, 40]})),
        ("variation", json.dumps({"height": 40, "jitter_y": 5})),
        ("variation", json.dumps({"slant": None})), ("variation", json.dumps({"noise": "x"})),
        ("variation", json.dumps({"height": True})), ("variation", '{"blur": Infinity}'),
        ("variation", json.dumps({"noise": [1, 2, 3]})),
        ("polarity", "x" * 70_000),
    ]:  # fmt: skip
        name = f"{len(paths)}: {key}={value[:20]}"
        paths[name] = folder / f"{len(paths)}.png"
        write_png(paths[name], np.zeros((28, 66)), {**OLD_TEXT, key: value})
    return paths


def test_hostile_pngs_are_refused_in_one_line(tmp_path):
    for what, path in hostile_pngs(tmp_path).items():
        with pytest.raises(InputError) as raised:
            read_saved(path)
        message = str(raised.value)
        assert str(path) in message and "\n" not in message and len(message) < 400, what


@pytest.mark.parametrize("sequence", ["123", HUGE])
def test_a_png_whose_mnist_indices_do_not_match_its_digits_is_refused(tmp_path, sequence):
    path = write_png(tmp_path / "x.png", np.zeros((28, 66)), {**OLD_TEXT, "sequence": sequence})
    with pytest.raises(InputError, match="damaged"):
        read_saved(path)


def test_an_old_variation_range_of_three_values_is_refused(tmp_path):
    path = write_png(tmp_path / "x.png", np.zeros((28, 66)),
                     {**OLD_TEXT, "variation": json.dumps({"rotation": [1, 2, 3]})})  # fmt: skip
    with pytest.raises(InputError, match="damaged"):
        read_saved(path)


def test_a_settings_file_of_binary_garbage_gives_the_defaults(qtbot):
    # Absurd values in a well-formed file are the explorer's own tests (tests/gui); this
    # is a file that is not INI at all: NUL bytes, invalid UTF-8, broken Qt variants.
    from mnist_seq_gui.gui.main_window import MainWindow
    from mnist_seq_gui.gui.settings import settings_store
    from mnist_seq_gui.gui.state.session import FIRST_RECIPE

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
    assert composition.digits == (2, 0, 2, 4) and composition.recipe == FIRST_RECIPE
    assert composition.pixels.shape == (28, FIRST_RECIPE.width)
