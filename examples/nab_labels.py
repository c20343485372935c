"""Label a Numenta Anomaly Benchmark (NAB) series point by point from NAB's anomaly windows.

NAB gives each series as ``timestamp,value`` and its anomalies separately, as ``[start, end]``
timestamp windows in ``labels/combined_windows.json``. This writes one CSV with
``timestamp,value,label``: label 1 when the row's timestamp lies inside a window (both ends
included), else 0. Rows keep their file order and text; repeated timestamps stay as they are.

    python examples/nab_labels.py examples/nab/data/realKnownCause/nyc_taxi.csv nyc_taxi.csv
    python examples/nab_labels.py my/copy.csv out.csv --key realKnownCause/nyc_taxi.csv
    python examples/nab_labels.py --help
"""
from __future__ import annotations

import argparse
import json
from pathlib import Path

import pandas as pd

NAB = Path(__file__).resolve().parent / "nab"
DEFAULT_WINDOWS = NAB / "labels" / "combined_windows.json"


def window_key(csv_path: str | Path) -> str:
    """NAB's key for a file: its path relative to NAB's ``data/`` folder, which for NAB's own
    layout is the last two parts, e.g. ``realKnownCause/nyc_taxi.csv``."""
    path = Path(csv_path)
    return f"{path.parent.name}/{path.name}"


def label(csv_path: str | Path, windows_path: str | Path = DEFAULT_WINDOWS,
          key: str | None = None) -> pd.DataFrame:
    """The series with a 0/1 ``label`` column appended, in file order."""
    key = key or window_key(csv_path)
    windows = json.loads(Path(windows_path).read_text())
    if key not in windows:
        raise KeyError(f"{key!r} is not in {windows_path}; pass the key explicitly "
                       f"(one of: {', '.join(sorted(windows))})")
    # Read every column as text so values are written back byte for byte; parse only to compare.
    frame = pd.read_csv(csv_path, dtype=str)
    # ISO8601 covers both the CSVs' "2014-07-01 00:00:00" and the windows' ".000000" suffix,
    # without pandas guessing a format (and warning about it).
    times = pd.to_datetime(frame["timestamp"], format="ISO8601")
    inside = pd.Series(False, index=frame.index)
    for start, end in windows[key]:
        inside |= times.between(pd.to_datetime(start, format="ISO8601"),
                                pd.to_datetime(end, format="ISO8601"), inclusive="both")
    return frame.assign(label=inside.astype(int))


def convert(csv_path: str | Path, out_path: str | Path,
            windows_path: str | Path = DEFAULT_WINDOWS, key: str | None = None) -> pd.DataFrame:
    """Write the labelled series to ``out_path`` (folders created) and return it."""
    frame = label(csv_path, windows_path, key)
    Path(out_path).parent.mkdir(parents=True, exist_ok=True)
    frame.to_csv(out_path, index=False)
    return frame


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0],
                                     formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    parser.add_argument("csv", help="a NAB series, columns timestamp,value")
    parser.add_argument("out", help="where to write timestamp,value,label")
    parser.add_argument("--windows", default=str(DEFAULT_WINDOWS),
                        help="NAB's combined_windows.json (or a subset of it)")
    parser.add_argument("--key", default=None,
                        help="the file's key in the windows JSON, e.g. realKnownCause/nyc_taxi.csv "
                             "(default: the CSV's folder and file name)")
    args = parser.parse_args(argv)
    frame = convert(args.csv, args.out, args.windows, args.key)
    n, k = len(frame), int(frame["label"].sum())
    print(f"{args.out}: {n} rows, {k} labelled anomalous ({k / n:.1%})")


if __name__ == "__main__":
    main()
