"""A user's CSV file as a ``dataset.Series``: which columns mean what, and every check of them.

    python main.py --csv costs.csv                                # timestamp + numeric columns
    python main.py --csv costs.csv --value-cols rent,energy --label-col is_anomaly --ffill

Columns:

- time: ``--time-col``; by default a column named ``timestamp``, ``time`` or ``date`` (any case),
  else the first column if its cells are dates, else the row order. Dates in ISO 8601 or in one
  format pandas infers from the first cell; a numeric time column (Unix seconds, a step count)
  is kept as numbers. Timestamps may repeat (a daylight-saving hour) and are never sorted: the
  row order *is* the time order.
- values: ``--value-cols a,b``; by default every other column whose first cell is a number
  (not a header-less column, which is usually a saved row index).
- labels: ``--label-col`` (optional), 0 or 1 per row.

Every problem with the file raises ``InputError`` with one line naming the file, the line (the
header is line 1) and the column, so that ``main.py`` can print it and exit with status 2. Empty
cells (and ``nan``/``NA``/``null``) are an error unless ``ffill`` is set, which forward-fills the
value columns; infinite values are always an error.
"""
from __future__ import annotations

import io
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

from dataset import NORMAL, Series

TIME_NAMES = ("timestamp", "time", "date")
MISSING = {"", "nan", "na", "n/a", "null", "none"}
INFINITE = {"inf", "+inf", "-inf", "infinity", "+infinity", "-infinity"}
FIRST_DATA_LINE = 2  # the header is line 1 of the file


class InputError(ValueError):
    """A problem with the user's input, in one line."""


def load_csv(path: str | Path, time_col: str | None = None, value_cols: list[str] | None = None,
             label_col: str | None = None, ffill: bool = False) -> Series:
    """Read ``path`` into a Series; labels, kinds and event channels are None without labels."""
    path = Path(path)
    table = _read_table(path)
    where = f"{path.name}:"
    for name in [time_col, label_col, *(value_cols or [])]:
        if name is not None and name not in table.columns:
            raise InputError(f"{where} no column {name!r} (columns: {', '.join(table.columns)})")

    time_col = time_col or _default_time_column(table)
    timestamps = (_parse_times(table[time_col], where, time_col) if time_col
                  else np.arange(len(table)))
    if value_cols is None:
        # "Unnamed: 0" is pandas' name for a column without a header: a saved row index
        value_cols = [c for c in table.columns
                      if c not in (time_col, label_col) and not c.startswith("Unnamed: ")
                      and _looks_numeric(table[c])]
        if not value_cols:
            raise InputError(f"{where} no numeric value column (columns: "
                             f"{', '.join(table.columns)}); name them with --value-cols")
    overlap = {time_col, label_col} & set(value_cols)
    if overlap:
        raise InputError(f"{where} column {overlap.pop()!r} cannot be both a value column and "
                         f"the time or label column")
    values = np.column_stack([_parse_values(table[c], where, c, ffill) for c in value_cols])

    labels = kinds = event_channel = None
    if label_col is not None:
        labels = _parse_labels(table[label_col], where, label_col)
        kinds = np.where(labels == 1, "anomaly", NORMAL)
        event_channel = np.full(len(labels), -1)  # a label does not say which column it concerns
    return Series(values=values, channels=tuple(value_cols), labels=labels, kinds=kinds,
                  event_channel=event_channel, timestamps=timestamps)


def _read_table(path: Path) -> pd.DataFrame:
    """Every cell as a stripped string; blank lines kept, so row i is line i + 2 of the file."""
    try:
        raw = path.read_bytes()
    except IsADirectoryError:
        raise InputError(f"{path} is a directory, not a CSV file") from None
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except OSError as err:
        raise InputError(f"{path}: cannot read it ({err.strerror})") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = raw[:err.start].count(b"\n") + 1
        raise InputError(f"{path.name}: line {line} is not UTF-8 text (byte "
                         f"0x{raw[err.start]:02x}); save the file as UTF-8") from None
    if not text.strip():
        raise InputError(f"{path.name} is empty")
    try:
        with warnings.catch_warnings():
            # index_col=False: never take the first column as an index (a trailing comma would
            # otherwise shift every column); extra fields then warn, and that is an error here
            warnings.simplefilter("error", pd.errors.ParserWarning)
            table = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False,
                                skip_blank_lines=False, index_col=False)
    except pd.errors.ParserError as err:
        raise InputError(f"{path.name}: not a well-formed CSV file "
                         f"({str(err).strip().splitlines()[-1]})") from None
    except pd.errors.ParserWarning:
        raise InputError(f"{path.name}: some rows have more fields than the header (a trailing "
                         f"comma?)") from None
    table.columns = [str(c).strip() for c in table.columns]
    repeated = table.columns[table.columns.duplicated()]
    if len(repeated):
        raise InputError(f"{path.name}: column name {repeated[0]!r} appears twice")
    table = table.fillna("").apply(lambda column: column.str.strip())
    filled = np.flatnonzero((table != "").any(axis=1).to_numpy())
    table = table.iloc[:filled[-1] + 1] if len(filled) else table.iloc[:0]  # blank lines at the end
    if table.empty:
        raise InputError(f"{path.name} has a header but no data rows")
    return table


def _default_time_column(table: pd.DataFrame) -> str | None:
    for column in table.columns:
        if column.lower() in TIME_NAMES:
            return column
    first = table.columns[0]
    cells = table[first][~table[first].str.lower().isin(MISSING)]
    if len(cells) and not _looks_numeric(cells) and _to_datetime(cells).notna().all():
        return first
    return None


def _looks_numeric(column: pd.Series) -> bool:
    """Whether the first non-empty cell is a number (the column's cells are checked later)."""
    cells = column[~column.str.lower().isin(MISSING)]
    return len(cells) > 0 and not np.isnan(pd.to_numeric(cells.iloc[:1], errors="coerce")).all()


def _to_datetime(cells: pd.Series) -> pd.Series:
    """ISO 8601 first (fast, unambiguous), else the one format pandas infers from the first
    cell, applied to every cell (so 01/02 never means January in one row and February in the
    next); NaT where a cell does not match. Times with a UTC offset are converted to UTC; naive
    times are kept as they are."""
    parsed = pd.to_datetime(cells, format="ISO8601", errors="coerce", utc=True)
    if parsed.isna().any():
        with warnings.catch_warnings():
            warnings.simplefilter("error", UserWarning)  # "could not infer format"
            try:
                parsed = pd.to_datetime(cells, errors="coerce", utc=True)
            except UserWarning:
                parsed = pd.Series(pd.NaT, index=cells.index, dtype="datetime64[ns, UTC]")
    return parsed.dt.tz_convert(None)


def _parse_times(column: pd.Series, where: str, name: str) -> np.ndarray:
    """Dates and times, or plain numbers (e.g. Unix seconds or a step count) kept as numbers."""
    empty = column.str.lower().isin(MISSING)
    if empty.any():
        raise InputError(f"{where} line {_line(empty)}, column {name!r}: empty timestamp")
    if _looks_numeric(column):
        return _parse_values(column, where, name, ffill=False)
    parsed = _to_datetime(column)
    if parsed.isna().any():
        bad = parsed.isna()
        raise InputError(f"{where} line {_line(bad)}, column {name!r}: cannot read "
                         f"{column[bad].iloc[0]!r} as a date and time")
    return parsed.to_numpy(dtype="datetime64[ns]")


def _parse_values(column: pd.Series, where: str, name: str, ffill: bool) -> np.ndarray:
    lowered = column.str.lower()
    infinite = lowered.isin(INFINITE)
    if infinite.any():
        raise InputError(f"{where} line {_line(infinite)}, column {name!r}: infinite value "
                         f"{column[infinite].iloc[0]!r}")
    empty = lowered.isin(MISSING)
    numbers = pd.to_numeric(column.where(~empty), errors="coerce")
    not_number = numbers.isna() & ~empty
    if not_number.any():
        raise InputError(f"{where} line {_line(not_number)}, column {name!r}: "
                         f"{column[not_number].iloc[0]!r} is not a number")
    if np.isinf(numbers).any():  # e.g. 1e999
        raise InputError(f"{where} line {_line(np.isinf(numbers))}, column {name!r}: value "
                         f"too large for a float")
    if empty.any():
        if not ffill:
            raise InputError(f"{where} line {_line(empty)}, column {name!r}: missing value "
                             f"(--ffill fills it with the value above)")
        if empty.iloc[0]:
            raise InputError(f"{where} line {_line(empty)}, column {name!r}: missing value "
                             f"with no earlier value to forward-fill")
        numbers = numbers.ffill()
    return numbers.to_numpy(dtype=np.float64)


def _parse_labels(column: pd.Series, where: str, name: str) -> np.ndarray:
    numbers = pd.to_numeric(column, errors="coerce")
    bad = ~numbers.isin([0, 1])
    if bad.any():
        raise InputError(f"{where} line {_line(bad)}, column {name!r}: label "
                         f"{column[bad].iloc[0]!r} is not 0 or 1")
    return numbers.to_numpy().astype(np.int8)


def _line(mask: pd.Series) -> int:
    """The file line of the first True row of ``mask``."""
    return int(np.argmax(mask.to_numpy())) + FIRST_DATA_LINE
