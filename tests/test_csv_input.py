"""A user's CSV: column choice, parsing, every bad input, and outputs that are never half-written."""
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import csv_series
import main

REPO = Path(__file__).resolve().parents[1]
TINY = ["--epochs", "2", "--hidden", "16", "--bottleneck", "4", "--trees", "20", "--window", "8"]


def write_costs(path: Path, n: int = 300, labels: bool = True, seed: int = 0) -> Path:
    """Two hourly cost columns with a daily swing and noise; a spike at row 250 in ``rent``."""
    rng = np.random.default_rng(seed)
    hours = np.arange(n)
    rent = 100 + 10 * np.sin(2 * np.pi * hours / 24) + rng.normal(0, 1, n)
    rent[250] += 40
    table = pd.DataFrame({
        "timestamp": pd.date_range("2024-01-01", periods=n, freq="h"),
        "rent": rent.round(3),
        "energy": (50 + 5 * np.cos(2 * np.pi * hours / 24) + rng.normal(0, 1, n)).round(3),
    })
    if labels:
        table["is_anomaly"] = (hours == 250).astype(int)
    table.to_csv(path, index=False)
    return path


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def earlier_outputs(tmp_path):
    """An --out folder holding a previous run's outputs (stand-ins with known bytes)."""
    out = tmp_path / "out"
    for name in ("training_progress.gif", "results/metrics.json", "results/scores.csv",
                 "training_progress/epoch_001.png", "anomaly_detection_comparison.png"):
        (out / name).parent.mkdir(parents=True, exist_ok=True)
        (out / name).write_bytes(f"earlier {name}".encode())
    return out


# ------------------------------------------------------------------------ reading a good file
def test_default_columns_and_order(tmp_path):
    path = write_costs(tmp_path / "costs.csv")
    series = csv_series.load_csv(path, label_col="is_anomaly")
    assert series.channels == ("rent", "energy")
    assert series.values.shape == (300, 2)
    assert series.timestamps[0] == np.datetime64("2024-01-01T00:00")
    assert series.labels.sum() == 1 and series.labels[250] == 1
    assert series.kinds[250] == "anomaly" and series.kinds[0] == "normal"


def test_repeated_timestamps_keep_their_rows_in_order(tmp_path):
    path = tmp_path / "dst.csv"
    path.write_text("time,cost\n2024-10-27 01:00,1\n2024-10-27 02:00,2\n2024-10-27 02:00,3\n"
                    "2024-10-27 01:30,4\n")
    series = csv_series.load_csv(path)
    assert series.values[:, 0].tolist() == [1, 2, 3, 4]  # never sorted, never de-duplicated
    assert series.timestamps[1] == series.timestamps[2]


def test_time_column_fallbacks(tmp_path):
    first_dates = tmp_path / "first.csv"
    first_dates.write_text("day,cost\n2024-01-01,1\n2024-01-02,2\n")
    assert csv_series.load_csv(first_dates).timestamps[1] == np.datetime64("2024-01-02")
    no_time = tmp_path / "rows.csv"
    no_time.write_text("a,b\n1,2\n3,4\n5,6\n")
    series = csv_series.load_csv(no_time)
    assert series.channels == ("a", "b") and series.timestamps.tolist() == [0, 1, 2]
    named = csv_series.load_csv(first_dates, time_col="day", value_cols=["cost"])
    assert named.channels == ("cost",)


def test_numeric_time_saved_index_and_trailing_blank_lines(tmp_path):
    path = tmp_path / "unix.csv"
    path.write_text(",timestamp,cost\n0,1700000000,5\n1,1700003600,6\n\n\n")
    series = csv_series.load_csv(path)
    assert series.timestamps.tolist() == [1700000000, 1700003600]  # numbers stay numbers
    assert series.channels == ("cost",)  # the header-less index column is no channel


def test_ffill_fills_from_the_row_above(tmp_path):
    path = tmp_path / "gaps.csv"
    path.write_text("timestamp,cost\n2024-01-01 00:00,1\n2024-01-01 01:00,\n"
                    "2024-01-01 02:00,NaN\n2024-01-01 03:00,4\n")
    assert csv_series.load_csv(path, ffill=True).values[:, 0].tolist() == [1, 1, 1, 4]


def test_csv_run_with_labels_writes_the_synthetic_outputs(tmp_path):
    path = write_costs(tmp_path / "costs.csv")
    out = tmp_path / "out"
    code = main.cli(["--csv", str(path), "--label-col", "is_anomaly", "--train-fraction", "1.0",
                     "--out", str(out), *TINY])
    assert code == 0
    scores = pd.read_csv(out / "results" / "scores.csv")
    assert len(scores) == 300 and list(scores.columns[:4]) == ["timestamp", "split", "label",
                                                                "kind"]
    assert set(scores["split"]) == {"warmup", "train"}  # train fraction 1: everything trains
    for name in ("results/metrics.json", "results/roc_pr_curves.png", "training_progress.gif",
                 "results/events.csv", "results/events.png",
                 "results/cost_series_detections.pdf", "anomaly_detection_comparison.png"):
        assert (out / name).stat().st_size > 0, name
    assert not list(out.glob(".run-*"))


def test_csv_run_without_labels_has_scores_and_flags_only(tmp_path, capsys):
    path = write_costs(tmp_path / "costs.csv", labels=False)
    out = tmp_path / "out"
    assert main.cli(["--csv", str(path), "--train-fraction", "1.0", "--out", str(out),
                     *TINY, "--epochs", "20"]) == 0
    assert "no --label-col" in capsys.readouterr().out
    scores = pd.read_csv(out / "results" / "scores.csv")
    assert "label" not in scores and scores["flag_hybrid"].sum() > 0
    assert (out / "results" / "cost_series_detections.png").exists()
    assert not (out / "results" / "roc_pr_curves.png").exists()
    # the spike at row 250 is the strongest point of the series (within the window's 8 steps)
    assert scores["score_hybrid"].idxmax() in range(250, 258)


def test_labels_of_one_class_give_no_roc_auc_and_no_crash(tmp_path, capsys):
    path = write_costs(tmp_path / "costs.csv")
    table = pd.read_csv(path).assign(is_anomaly=0)
    table.to_csv(path, index=False)
    out = tmp_path / "out"
    assert main.cli(["--csv", str(path), "--label-col", "is_anomaly", "--out", str(out),
                     *TINY]) == 0
    assert "one class only" in capsys.readouterr().out
    metrics = pd.read_json(out / "results" / "metrics.json", typ="series")
    assert metrics["detectors"]["hybrid"]["roc_auc"] is None


# ------------------------------------------------------------------------ bad input
GOOD_HEAD = "timestamp,rent,is_anomaly\n"
BAD_FILES = {  # case -> (file bytes or None for "no file", extra flags, expected message part)
    "missing file": (None, [], "no such file"),
    "empty file": (b"", [], "is empty"),
    "header only": (GOOD_HEAD.encode(), [], "no data rows"),
    "non-numeric cell": (b"timestamp,rent\n2024-01-01 00:00,1\n2024-01-01 01:00,abc\n", [],
                         "line 3, column 'rent': 'abc' is not a number"),
    "missing cell": (b"timestamp,rent\n2024-01-01 00:00,1\n2024-01-01 01:00,\n", [],
                     "line 3, column 'rent': missing value"),
    "nan cell": (b"timestamp,rent\n2024-01-01 00:00,NaN\n2024-01-01 01:00,2\n", [],
                 "line 2, column 'rent': missing value"),
    "leading gap with ffill": (b"timestamp,rent\n2024-01-01 00:00,\n2024-01-01 01:00,2\n",
                               ["--ffill"], "no earlier value to forward-fill"),
    "infinite cell": (b"timestamp,rent\n2024-01-01 00:00,1\n2024-01-01 01:00,inf\n", [],
                      "line 3, column 'rent': infinite value"),
    "malformed row": (b"timestamp,rent\n2024-01-01 00:00,1\n2024-01-01 01:00,2,3\n", [],
                      "not a well-formed CSV"),
    "non-UTF-8 bytes": (b"timestamp,rent\n2024-01-01 00:00,1\n2024-01-01 01:00,\xff2\n", [],
                        "line 3 is not UTF-8"),
    "bad timestamp": (b"timestamp,rent\n2024-01-01 00:00,1\nyesterday,2\n", [],
                      "line 3, column 'timestamp': cannot read 'yesterday'"),
    "no numeric column": (b"timestamp,note\n2024-01-01 00:00,high\n", [],
                          "no numeric value column"),
    "trailing comma": (b"timestamp,rent\n2024-01-01 00:00,1,\n2024-01-01 01:00,2,\n", [],
                       "more fields than the header"),
    "repeated column name": (b"timestamp,rent, rent\n2024-01-01 00:00,1,2\n", [],
                             "column name 'rent' appears twice"),
    "dates in two formats": (b"day,rent\n12/01/2024,1\n13/01/2024,2\n", ["--time-col", "day"],
                             "line 3, column 'day': cannot read '13/01/2024'"),
    "value column named twice": ("costs", ["--value-cols", "rent,rent"],
                                 "--value-cols names a column twice"),
    "unknown value column": ("costs", ["--value-cols", "rent,water"], "no column 'water'"),
    "unknown label column": ("costs", ["--label-col", "truth"], "no column 'truth'"),
    "unknown time column": ("costs", ["--time-col", "when"], "no column 'when'"),
    "label other than 0/1": ("costs", ["--label-col", "rent"], "is not 0 or 1"),
    "constant column": ("constant", [], "column 'energy' is constant over the training rows"),
    "too few rows": ("short", [], "has 8 rows; --window 8 needs at least 9"),
    "window longer than the series": ("costs", ["--window", "400"],
                                      "has 300 rows; --window 400 needs at least 401"),
}


def _bad_file(case: str, tmp_path: Path) -> Path:
    content = BAD_FILES[case][0]
    path = tmp_path / "input.csv"
    if content is None:
        return path
    if isinstance(content, bytes):
        path.write_bytes(content)
    elif content == "costs":
        write_costs(path)
    elif content == "constant":
        write_costs(path, labels=False)
        pd.read_csv(path).assign(energy=7.0).to_csv(path, index=False)
    elif content == "short":
        write_costs(path, labels=False)
        pd.read_csv(path).head(8).to_csv(path, index=False)
    return path


def _run_and_check(args: list[str], expected: str, out: Path, capsys) -> None:
    before = snapshot(out)
    code = main.cli([*args, "--out", str(out)])
    err = capsys.readouterr().err
    assert code == 2
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), err
    assert expected in lines[0]
    assert snapshot(out) == before  # nothing already in --out changed
    assert not list(out.glob(".run-*"))


@pytest.mark.parametrize("case", list(BAD_FILES))
def test_bad_csv_gives_one_error_line_and_keeps_outputs(case, tmp_path, earlier_outputs,
                                                        capsys):
    path = _bad_file(case, tmp_path)
    _run_and_check(["--csv", str(path), *TINY, *BAD_FILES[case][1]], BAD_FILES[case][2],
                   earlier_outputs, capsys)


def test_a_directory_is_not_a_csv(tmp_path, earlier_outputs, capsys):
    _run_and_check(["--csv", str(tmp_path), *TINY], "is a directory", earlier_outputs, capsys)


BAD_FLAGS = {
    "quantile above 1": (["--quantile", "1.5"], "--quantile must be in (0, 1)"),
    "quantile 0": (["--quantile", "0"], "--quantile must be in (0, 1)"),
    "epochs 0": (["--epochs", "0"], "--epochs must be positive"),
    "steps 0": (["--steps", "0"], "--steps must be positive"),
    "window 0": (["--window", "0"], "--window must be positive"),
    "batch size -1": (["--batch-size", "-1"], "--batch-size must be positive"),
    "label column without csv": (["--label-col", "y"], "need --csv"),
    "empty value column name": (["--csv", "x.csv", "--value-cols", "a,,b"],
                                "comma-separated list"),
}


@pytest.mark.parametrize("case", list(BAD_FLAGS))
def test_bad_flags_give_one_error_line_and_keep_outputs(case, earlier_outputs, capsys):
    args, expected = BAD_FLAGS[case]
    _run_and_check(args, expected, earlier_outputs, capsys)


def test_out_that_is_a_file(tmp_path, capsys):
    path = write_costs(tmp_path / "costs.csv")
    target = tmp_path / "taken"
    target.write_text("keep me")
    code = main.cli(["--csv", str(path), *TINY, "--out", str(target)])
    assert code == 2 and "is a file, not a folder" in capsys.readouterr().err
    assert target.read_text() == "keep me"


@pytest.mark.parametrize("out", ["/proc/anomaly-out", "/dev/null/out"])
def test_out_that_cannot_be_written(out, tmp_path, capsys):
    # the tests may run as root, for whom permission bits do not stop a write: use paths that
    # no user can create a folder in
    path = write_costs(tmp_path / "costs.csv")
    code = main.cli(["--csv", str(path), *TINY, "--out", out])
    err = capsys.readouterr().err.strip()
    assert code == 2 and err.startswith(f"error: --out {out}") and "\n" not in err


# ------------------------------------------------------------------------ Ctrl-C
def test_ctrl_c_during_training_exits_130_and_keeps_outputs(earlier_outputs):
    before = snapshot(earlier_outputs)
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHONWARN")}
    run = subprocess.Popen(
        [sys.executable, "main.py", "--steps", "2000", "--epochs", "100000", "--hidden", "16",
         "--out", str(earlier_outputs)],
        cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        deadline = time.monotonic() + 120
        while not list(earlier_outputs.glob(".run-*")):  # the run has started writing
            assert run.poll() is None and time.monotonic() < deadline
            time.sleep(0.1)
        time.sleep(2.0)  # data, forest: well inside the 100000 epochs by now
        run.send_signal(signal.SIGINT)
        _, err = run.communicate(timeout=60)
    finally:
        if run.poll() is None:  # a hung run must not outlive the test
            run.kill()
            run.communicate()
    assert run.returncode == 130
    assert err.strip().splitlines() == [
        "error: interrupted; the outputs of earlier runs are unchanged"]
    assert snapshot(earlier_outputs) == before
    assert not list(earlier_outputs.glob(".run-*"))


def test_a_run_removes_what_an_earlier_run_left_and_it_did_not_write(tmp_path):
    path = write_costs(tmp_path / "costs.csv")
    out = tmp_path / "out"
    (out / "results").mkdir(parents=True)
    (out / "results" / "summary.json").write_text("{}")  # a sweep's table: not a run's file
    assert main.cli(["--csv", str(path), "--label-col", "is_anomaly", "--out", str(out),
                     *TINY]) == 0
    assert (out / "results" / "roc_pr_curves.png").exists()
    unlabelled = write_costs(tmp_path / "unlabelled.csv", labels=False)
    assert main.cli(["--csv", str(unlabelled), "--out", str(out), *TINY, "--no-gif"]) == 0
    assert not (out / "results" / "roc_pr_curves.png").exists()  # no labels: no ROC curves
    assert (out / "results" / "scores.csv").exists()
    assert (out / "training_progress.gif").exists()  # --no-gif keeps the earlier GIF
    assert (out / "results" / "summary.json").read_text() == "{}"


def test_a_diverging_network_stops_with_one_line(tmp_path, capsys):
    path = write_costs(tmp_path / "costs.csv", labels=False)
    code = main.cli(["--csv", str(path), "--out", str(tmp_path / "out"), *TINY, "--lr", "1e12"])
    err = capsys.readouterr().err.strip()
    assert code == 2 and err.startswith("error: ") and "not finite" in err and "\n" not in err
