"""The NAB example's converter (examples/nab_labels.py): window labels, row order, real data."""
import csv
import importlib.util
import json
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def _load(name: str):
    # examples/ holds scripts, not a package: load the module from its file.
    spec = importlib.util.spec_from_file_location(name, EXAMPLES / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


nab_labels = _load("nab_labels")


@pytest.fixture
def tiny(tmp_path):
    """Six rows in NAB's layout, one window; 01:00 repeats (as in a daylight-saving hour)."""
    data = tmp_path / "nab" / "data" / "someKind" / "tiny.csv"
    data.parent.mkdir(parents=True)
    data.write_text("timestamp,value\n"
                    "2014-01-01 00:00:00,1\n"
                    "2014-01-01 01:00:00,2\n"   # window start: inside
                    "2014-01-01 02:00:00,3\n"   # window end: inside
                    "2014-01-01 01:00:00,4\n"   # repeated timestamp, inside, stays here
                    "2014-01-01 03:00:00,5\n"
                    "2014-01-01 00:59:59,6\n")
    windows = tmp_path / "windows.json"
    windows.write_text(json.dumps({
        "someKind/tiny.csv": [["2014-01-01 01:00:00.000000", "2014-01-01 02:00:00.000000"]],
        "someKind/other.csv": [["2014-01-01 00:00:00.000000", "2014-01-01 03:00:00.000000"]],
    }))
    return data, windows


def test_tiny_labels_inclusive_ends_and_row_order(tiny, tmp_path):
    data, windows = tiny
    out = tmp_path / "out" / "tiny.csv"
    nab_labels.convert(data, out, windows)
    with out.open() as f:
        rows = list(csv.reader(f))
    assert rows[0] == ["timestamp", "value", "label"]
    assert [(r[1], r[2]) for r in rows[1:]] == [("1", "0"), ("2", "1"), ("3", "1"), ("4", "1"),
                                                ("5", "0"), ("6", "0")]


def test_key_from_path_or_explicit(tiny, tmp_path):
    data, windows = tiny
    assert nab_labels.window_key(data) == "someKind/tiny.csv"
    # The same file under another name needs its key; the other file's window covers every row.
    copy = tmp_path / "copy.csv"
    copy.write_text(data.read_text())
    with pytest.raises(KeyError, match="copy.csv"):
        nab_labels.label(copy, windows)
    assert nab_labels.label(copy, windows, key="someKind/other.csv")["label"].tolist() == [1] * 6


def test_nyc_taxi_copy():
    source = EXAMPLES / "nab" / "data" / "realKnownCause" / "nyc_taxi.csv"
    windows = json.loads((EXAMPLES / "nab" / "labels" / "combined_windows.json").read_text())
    frame = nab_labels.label(source)

    with source.open() as f:
        stamps = [row[0] for row in list(csv.reader(f))[1:]]
    # Fixed-width timestamps compare as text: an independent count of the rows in a window.
    spans = [(start[:19], end[:19]) for start, end in windows["realKnownCause/nyc_taxi.csv"]]
    inside = sum(any(a <= t <= b for a, b in spans) for t in stamps)

    assert len(frame) == len(stamps)
    assert frame["timestamp"].tolist() == stamps
    assert inside > 0
    assert frame["label"].sum() == inside
