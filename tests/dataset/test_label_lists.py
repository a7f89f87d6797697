"""Label strings from a list (drawn per item or in order), weighted length mixes, the
labels file's checks, config.json with both, and the note on layouts that give the
length away."""

from __future__ import annotations

import hashlib
import json
import os

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mnist_seq_gui.core import sequences
from mnist_seq_gui.dataset import (
    CONFIG_NAME,
    NPZ_NAME,
    DatasetConfig,
    DatasetError,
    SequenceDataset,
    export,
    load_npz,
)
from mnist_seq_gui.dataset.cli import main
from mnist_seq_gui.dataset.labels import MAX_LABELS_BYTES, read_labels

SEED = st.integers(0, 2**63 - 1)
LABEL = st.text("0123456789", min_size=1, max_size=9)
DATES = ["20240131", "20240229", "20241224", "20250101"]
VAL = ["--length", "3-8", "--spacing", "0", "80", "--rule", "random"]  # the README's val recipe
LEAK = (
    "lengths 3-8 all span the width in fill placement (first digit at x = 0, last ending "
    "at x = 224), so the gaps give each item's length away"
)


# --- the draws ----------------------------------------------------------------------


@settings(max_examples=150, deadline=None)
@given(seed=SEED, item=st.integers(0, 2**40), low=st.integers(1, 6), span=st.integers(1, 6),
       scale=st.sampled_from([1, 3, 0.25, 10**9]))  # fmt: skip
def test_even_weights_draw_exactly_the_lengths_of_no_weights(seed, item, low, span, scale):
    lengths = range(low, low + span)
    even = (scale,) * span
    assert sequences(seed, item, lengths, even) == sequences(seed, item, lengths)
    items = np.array([item, 0, 7], dtype=np.uint64)
    for got, today in zip(sequences(seed, items, lengths, even), sequences(seed, items, lengths)):
        np.testing.assert_array_equal(got, today)


@settings(max_examples=150, deadline=None)
@given(seed=SEED, item=st.integers(0, 2**40), data=st.data())
def test_a_weighted_items_draw_is_its_row_of_the_batch_and_never_a_zero_weight(seed, item, data):
    weights = tuple(data.draw(st.lists(st.sampled_from([0, 0.5, 1, 2, 7]), min_size=2, max_size=6)))
    if not any(weights):
        weights = (*weights[:-1], 1)
    lengths = range(3, 3 + len(weights))
    n, digits = sequences(seed, item, lengths, weights)
    counts, rows = sequences(seed, np.array([5, item], dtype=np.uint64), lengths, weights)
    assert (int(counts[1]), tuple(rows[1, :n].tolist())) == (n, digits)
    assert weights[n - 3] > 0 and len(digits) == n


def test_weights_give_the_lengths_their_shares():
    config = DatasetConfig(40_000, 3, 8, length_weights=(1, 1, 2, 2, 4, 0), spacing=(0, 80),
                           rule="random", placement="free", seed=9)  # fmt: skip
    lengths = SequenceDataset(config).batch(np.arange(40_000))["length"]
    shares = np.bincount(lengths, minlength=9)[3:] / len(lengths)
    np.testing.assert_allclose(shares, [0.1, 0.1, 0.2, 0.2, 0.4, 0.0], atol=0.01)


@settings(max_examples=100, deadline=None)
@given(seed=SEED, item=st.integers(0, 2**40), labels=st.lists(LABEL, min_size=1, max_size=12),
       in_order=st.booleans())  # fmt: skip
def test_an_items_label_is_its_row_of_the_batch(seed, item, labels, in_order):
    config = DatasetConfig(10, labels=labels, labels_in_order=in_order, seed=seed,
                           placement="free")  # fmt: skip
    n, digits = sequences(seed, item, config.lengths, labels=config.label_table, in_order=in_order)
    assert "".join(map(str, digits)) in labels and len(digits) == n
    if in_order:
        assert "".join(map(str, digits)) == labels[item % len(labels)]
    counts, rows = sequences(seed, np.array([item, 1], dtype=np.uint64), config.lengths,
                             labels=config.label_table, in_order=in_order)  # fmt: skip
    assert rows.shape == (2, config.max_length) and rows.dtype == np.int64
    assert (int(counts[0]), tuple(rows[0, :n].tolist())) == (n, digits)


def test_items_take_label_strings_by_a_keyed_draw_or_in_order(assert_same_item):
    labels = ["007", "31415926", "42", "20240131", "5"]
    ds = SequenceDataset(count=5000, labels=labels, seed=4, spacing=(0, 8), placement="free")
    batch = ds[:]
    assert set(batch["label"].tolist()) == set(labels)
    counts = np.unique(batch["label"], return_counts=True)[1]
    assert counts.min() > 0.9 * 1000 and counts.max() < 1.1 * 1000
    assert (batch["length"] == [len(s) for s in batch["label"]]).all()
    assert (batch["digits"][batch["length"] == 2][:, 2:] == 10).all()  # padded with BLANK
    for i in (0, 1, 4999, 1234):  # the one-item path and the batch path agree
        assert_same_item(ds[i], ds.__getitems__([3, i])[1])
    other_seed = SequenceDataset(count=5000, labels=labels, seed=5, spacing=(0, 8),
                                 placement="free")[:]["label"]  # fmt: skip
    assert (other_seed != batch["label"]).mean() > 0.5
    ordered = SequenceDataset(count=12, labels=labels, labels_in_order=True, placement="free")
    assert ordered[:]["label"].tolist() == [labels[i % 5] for i in range(12)]
    assert [ordered[i]["label"] for i in range(12)] == ordered[:]["label"].tolist()


def test_a_label_list_keeps_leading_zeros_and_exact_digits():
    ds = SequenceDataset(count=3, labels=["0070"], seed=1)
    item = ds[2]
    assert item["label"] == "0070" and item["digits"].tolist() == [0, 0, 7, 0]
    assert ds.config.lengths == range(4, 5) and ds.config.width == 112


# --- lengths and labels ---------------------------------------------------------------


def test_the_lengths_come_from_the_strings_unless_given_and_must_hold_them():
    config = DatasetConfig(10, labels=["123", "12345678"], placement="free")
    assert (config.min_length, config.max_length) == (3, 8)
    wider = DatasetConfig(10, 2, 10, labels=["123", "12345678"], placement="free")
    assert (wider.min_length, wider.max_length) == (2, 10)
    assert SequenceDataset(wider)[0]["digits"].shape == (10,)  # padded to the given longest
    with pytest.raises(DatasetError, match=r"length 5\.\.5 does not hold every label string "
                       r"\(they have 3\.\.8 digits\); leave the length out"):  # fmt: skip
        DatasetConfig(10, 5, 5, labels=["123", "12345678"])
    with pytest.raises(DatasetError, match="length weights do not apply to labels"):
        DatasetConfig(10, labels=["123"], length_weights=[1])


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"labels": "2024"}, "labels must be a list of strings of digits"),
        ({"labels": []}, "labels is empty"),
        ({"labels": ["12", 34]}, "labels[1] 34 is not a string"),
        ({"labels": ["12", ""]}, "labels[1] '' is empty"),
        ({"labels": ["1 2"]}, "labels[0] '1 2' is not a string of digits 0-9"),
        ({"labels": ["\u0661\u0662"]}, "is not a string of digits 0-9"),  # Arabic-Indic digits
        ({"labels": ["1" * 65]}, "has 65 digits, more than 64"),
        ({"labels_in_order": True}, "labels_in_order takes labels in order, and there are none"),
        ({"labels": ["1"], "labels_in_order": 1}, "labels_in_order 1 is not True or False"),
        ({"min_length": 3, "max_length": 5, "length_weights": [1, 1]},
         "2 length weights for the 3 lengths 3..5; give one weight per length"),
        ({"min_length": 3, "max_length": 4, "length_weights": [0, 0]}, "are all 0"),
        ({"min_length": 3, "max_length": 4, "length_weights": [1, -1]}, "weight -1 is not"),
        ({"min_length": 3, "max_length": 4, "length_weights": [1, float("inf")]}, "weight inf"),
        ({"min_length": 3, "max_length": 4, "length_weights": [1, True]}, "weight True is not"),
        ({"min_length": 3, "max_length": 4, "length_weights": "11"}, "a list of numbers"),
    ],
)  # fmt: skip
def test_bad_labels_and_weights_are_refused_in_one_sentence(fields, message):
    with pytest.raises(DatasetError) as caught:
        DatasetConfig(10, **{"placement": "free", **fields})
    assert message in str(caught.value) and "\n" not in str(caught.value)


# --- config.json ----------------------------------------------------------------------


def test_config_json_holds_the_strings_and_their_digest_and_reproduces_the_items(tmp_path):
    config = DatasetConfig(40, labels=DATES * 2, labels_in_order=True, seed=3, spacing=(0, 4))
    data = json.loads(config.to_json())
    assert data["labels"] == DATES * 2 and data["labels_in_order"] is True
    clean_file = ("\n".join(DATES * 2) + "\n").encode()
    assert data["labels_sha256"] == hashlib.sha256(clean_file).hexdigest()
    assert DatasetConfig.from_json(config.to_json()) == config
    weighted = DatasetConfig(9, 2, 4, length_weights=(1, 0.5, 2), spacing=(0, 60), rule="random")
    assert json.loads(weighted.to_json())["length_weights"] == [1, 0.5, 2]
    assert DatasetConfig.from_json(weighted.to_json()) == weighted
    export(SequenceDataset(config), tmp_path / "a", "png", workers=2)
    stored = json.loads((tmp_path / "a" / CONFIG_NAME).read_text())["config"]
    again = SequenceDataset(DatasetConfig.from_dict(stored))
    assert again[:]["label"].tolist() == (DATES * 10)[:40]
    lines = (tmp_path / "a" / "metadata.jsonl").read_text().splitlines()
    assert [json.loads(line)["label"] for line in lines] == again[:]["label"].tolist()


def test_configs_without_the_new_keys_write_and_read_as_before():
    config = DatasetConfig(10, 3, 8, spacing=(0, 80), rule="random", seed=1)
    assert set(config.to_dict()) & {"labels", "labels_sha256", "labels_in_order",
                                    "length_weights"} == set()  # fmt: skip
    assert config.labels is None and config.length_weights is None
    assert not config.labels_in_order and config.labels_sha256 is None


def test_a_config_whose_labels_were_changed_is_refused():
    data = DatasetConfig(10, labels=DATES).to_dict()
    data["labels"] = [*DATES[:-1], "20250102"]
    with pytest.raises(DatasetError, match="do not match its labels_sha256"):
        DatasetConfig.from_dict(data)
    with pytest.raises(DatasetError, match="do not match"):
        DatasetConfig.from_dict({**DatasetConfig(10).to_dict(), "labels_sha256": "00"})


def test_replace_keeps_the_list_and_new_strings_bring_their_lengths():
    config = DatasetConfig(10, labels=DATES, seed=1)
    assert config.replace(seed=2).labels == tuple(DATES)
    postcodes = config.replace(labels=["75001", "10115"])
    assert (postcodes.min_length, postcodes.max_length, postcodes.width) == (5, 5, 140)


# --- the labels file -----------------------------------------------------------------


def test_a_labels_file_ignores_blank_lines_spaces_a_bom_and_crlf(tmp_path):
    path = tmp_path / "dates.txt"
    path.write_bytes(b"\xef\xbb\xbf20240131\r\n\n   007  \n\t\n42")
    assert read_labels(path) == ("20240131", "007", "42")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (b"123\n\n12a4\n", "line 3: '12a4' is not a string of digits 0-9"),
        (b"12 34\n", "line 1: '12 34' is not a string of digits"),
        (b"1\n-5\n", "line 2: '-5' is not"),
        (b"1\n\xff\xfe\n", "line 2: '\ufffd\ufffd' is not"),
        (b"1\n" + b"9" * 65 + b"\n", "line 2: '99999999999"),
        (b"\n \n", "holds no strings of digits (one per line)"),
        (b"", "holds no strings of digits"),
    ],
)
def test_a_bad_labels_file_is_named_with_its_line(tmp_path, text, message):
    path = tmp_path / "labels.txt"
    path.write_bytes(text)
    with pytest.raises(DatasetError) as caught:
        read_labels(path)
    said = str(caught.value)
    assert said.startswith(f"labels file {str(path)!r}") and message in said and "\n" not in said


def test_only_a_regular_file_of_bounded_size_is_read(tmp_path):
    big = tmp_path / "big.txt"
    with open(big, "wb") as file:
        file.truncate(MAX_LABELS_BYTES + 1)  # sparse: nothing is written
    with pytest.raises(DatasetError, match="is larger than 16 MB"):
        read_labels(big)
    with pytest.raises(DatasetError, match="is a folder, not a regular file"):
        read_labels(tmp_path)
    with pytest.raises(DatasetError, match="cannot be read: No such file"):
        read_labels(tmp_path / "missing.txt")
    if hasattr(os, "mkfifo"):  # a pipe nobody writes to: refused at once, never waited on
        os.mkfifo(tmp_path / "fifo")
        with pytest.raises(DatasetError, match="is a pipe, not a regular file"):
            read_labels(tmp_path / "fifo")


# --- the command line and the note on the layout ------------------------------------


def test_the_command_reads_a_labels_file_and_writes_what_the_library_writes(
    tmp_path, run_main, folder_bytes
):
    (tmp_path / "dates.txt").write_text("\n".join(DATES) + "\n")
    args = ["--count", "30", "--labels", str(tmp_path / "dates.txt"), "--seed", "2", "--quiet"]
    ran = run_main(main, [*args, "--pool", "test", "--out", str(tmp_path / "cli")])
    assert ran.status == 0 and ran.err == "", ran.err
    export(SequenceDataset(count=30, labels=DATES, seed=2, pool="test"), tmp_path / "lib")
    assert folder_bytes(tmp_path / "cli") == folder_bytes(tmp_path / "lib")
    stored = load_npz(tmp_path / "cli" / NPZ_NAME)
    assert set(stored["labels"].tolist()) == set(DATES)
    assert stored["config"]["config"]["labels"] == DATES
    ordered = [*args, "--labels-in-order", "--length", "8", "--out", str(tmp_path / "ordered")]
    assert run_main(main, ordered).status == 0
    labels = load_npz(tmp_path / "ordered" / NPZ_NAME)["labels"].tolist()
    assert labels == (DATES * 8)[:30]


def test_length_weights_on_the_command_line_are_the_librarys(tmp_path, run_main, folder_bytes):
    args = ["--count", "50", *VAL, "--placement", "free", "--seed", "6", "--quiet"]
    ran = run_main(
        main, [*args, "--length-weights", "1, 1,2,2,4,4.5", "--out", str(tmp_path / "a")]
    )
    assert ran.status == 0, ran.err
    config = DatasetConfig(50, 3, 8, length_weights=[1, 1, 2, 2, 4, 4.5], spacing=(0, 80),
                           rule="random", placement="free", seed=6)  # fmt: skip
    export(SequenceDataset(config), tmp_path / "b")
    assert folder_bytes(tmp_path / "a") == folder_bytes(tmp_path / "b")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--labels", "missing.txt"], "labels file 'missing.txt' cannot be read"),
        (["--labels", "bad.txt"], "labels file 'bad.txt', line 2: '2024-01-31' is not a string"),
        (["--labels", "."], "labels file '.' is a folder, not a regular file"),
        (["--labels-in-order"], "--labels-in-order needs --labels FILE"),
        (["--labels", "bad.txt", "--labels-in-order", "--length-weights", "1"], "line 2"),
        (
            ["--length", "3-4", "--length-weights", "1,x"],
            "length weights '1,x' are not numbers separated by commas",
        ),
        (["--length", "3-4", "--length-weights", "1"], "1 length weights for the 2 lengths"),
        (["--length-weights", "0"], "are all 0"),
    ],
)
def test_bad_label_options_get_one_line_and_status_2(tmp_path, run_main, args, message):
    (tmp_path / "bad.txt").write_text("20240131\n2024-01-31\n")
    ran = run_main(main, ["--count", "5", *args, "--out", "out"], cwd=tmp_path)
    assert ran.status == 2 and ran.out == ""
    assert ran.err.count("\n") == 1 and ran.err.startswith("mnist-seq dataset: error: ")
    assert message in ran.err
    assert not (tmp_path / "out").exists()


def test_the_layout_that_gives_the_length_away_is_named_on_stderr(tmp_path, run_main):
    ran = run_main(main, ["--count", "5", *VAL, "--seed", "1", "--quiet", "--out", "a"],
                   cwd=tmp_path)  # fmt: skip
    assert ran.status == 0
    assert ran.err == (
        f"mnist-seq dataset: note: {LEAK}; --placement free places each sequence anywhere in "
        "a width that holds the longest\n"
    )
    for k, more in enumerate((["--placement", "free"], ["--length-weights", "0,0,0,0,0,1"])):
        ran = run_main(main, ["--count", "5", *VAL, *more, "--seed", "1", "--quiet",
                              "--out", f"b{k}"], cwd=tmp_path)  # fmt: skip
        assert ran.status == 0 and ran.err == ""


@pytest.mark.parametrize(
    ("fields", "leak"),
    [
        ({"min_length": 3, "max_length": 8, "spacing": (0, 80), "rule": "random"}, LEAK),
        ({"min_length": 3, "max_length": 8, "spacing": (0, 80), "rule": "random",
          "length_weights": (1, 0, 0, 0, 0, 1)}, "lengths 3, 8 all span the width"),
        ({"labels": ["1234", "123456"], "spacing": (0, 60), "rule": "random"},
         "lengths 4, 6 all span the width in fill placement (first digit at x = 0, last "
         "ending at x = 168)"),
        ({"min_length": 3, "max_length": 4, "width": 118, "spacing": (0, 100)},
         "lengths 3-4 all span"),  # the uniform rule: gaps of 17 or 2 px
        ({"min_length": 3, "max_length": 8, "spacing": (0, 80), "rule": "random",
          "placement": "free"}, None),
        ({"min_length": 3, "max_length": 8, "spacing": (0, 60), "rule": "random"}, None),
        ({"min_length": 3, "max_length": 8, "spacing": (0, 80), "rule": "random",
          "length_weights": (0, 0, 3, 0, 0, 0)}, None),
        ({"labels": ["1234", "5678"]}, None),
        ({"min_length": 5, "max_length": 5}, None),
    ],
)  # fmt: skip
def test_the_length_leak_is_fill_placement_meeting_several_lengths(fields, leak):
    found = DatasetConfig(10, **fields).length_leak
    assert found == leak if leak is None or leak == LEAK else found.startswith(leak)
