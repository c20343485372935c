"""Flags as events an analyst can read: which steps, which channel, how unusual.

Consecutive flagged steps of a detector merge into one *event*. Its channel is the one with the
largest mean share of the autoencoder's reconstruction error over the event's steps (the hybrid's
attribution is the autoencoder's: the Isolation Forest has no per-channel score). With the
synthetic generator's truth, ``attribution_accuracy`` measures how often that channel is right.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from evaluation import events as runs_of_ones

COLUMNS = ["start", "end", "start_step", "end_step", "duration", "peak_score", "mean_score",
           "top_channel", "top_share", "flagged_by"]


def flagged_events(flags: np.ndarray, scores: np.ndarray, shares: np.ndarray,
                   channels: tuple[str, ...], x: np.ndarray, steps: np.ndarray,
                   detector_flags: dict[str, np.ndarray],
                   kinds: np.ndarray | None = None) -> pd.DataFrame:
    """One row per run of consecutive ``flags``, strongest (highest peak score) first.

    ``shares`` (N, C) are the channels' shares of the error at each step; ``x`` the timestamps
    and ``steps`` the step numbers of the N scored steps; ``detector_flags`` the flags of every
    detector, to say which of them flagged any step of the event. With ``kinds`` (the truth of
    synthetic or labelled data) a ``true_kind`` column names the anomaly the event overlaps
    ("normal" for a false alarm).
    """
    rows = []
    for start, end in runs_of_ones(flags):
        channel_share = shares[start:end].mean(axis=0)
        top = int(channel_share.argmax())
        row = {
            "start": x[start], "end": x[end - 1],
            "start_step": int(steps[start]), "end_step": int(steps[end - 1]),
            "duration": int(end - start),
            "peak_score": float(scores[start:end].max()),
            "mean_score": float(scores[start:end].mean()),
            "top_channel": channels[top], "top_share": float(channel_share[top]),
            "flagged_by": " ".join(d for d, f in detector_flags.items() if f[start:end].any()),
        }
        if kinds is not None:
            overlapping = [k for k in pd.unique(kinds[start:end]) if k != "normal"]
            row["true_kind"] = " ".join(overlapping) or "normal"
        rows.append(row)
    columns = COLUMNS + (["true_kind"] if kinds is not None else [])
    table = pd.DataFrame(rows, columns=columns)
    return table.sort_values("peak_score", ascending=False, kind="stable", ignore_index=True)


def attribution_accuracy(labels: np.ndarray, kinds: np.ndarray, event_channel: np.ndarray,
                         flags: np.ndarray, shares: np.ndarray) -> dict:
    """Share of detected single-channel true events whose top channel is the true one.

    A true event (a run of label 1) is detected when at least one of its steps is flagged; its
    top channel is the largest mean share over its *flagged* steps, the ones an analyst sees.
    Returns ``{"overall": float | None, "by_kind": {kind: float}, "events": int,
    "correct": int}``.
    """
    hits: dict[str, list[bool]] = {}
    for start, end in runs_of_ones(labels):
        flagged = np.flatnonzero(flags[start:end]) + start
        if not len(flagged) or event_channel[start] < 0:
            continue
        top = int(shares[flagged].mean(axis=0).argmax())
        hits.setdefault(str(kinds[start]), []).append(top == int(event_channel[start]))
    every = [h for kind_hits in hits.values() for h in kind_hits]
    return {"overall": float(np.mean(every)) if every else None,
            "by_kind": {k: float(np.mean(v)) for k, v in sorted(hits.items())},
            "events": len(every), "correct": int(sum(every))}


def format_top(table: pd.DataFrame, n: int = 10) -> str:
    """The ``n`` strongest events as a short fixed-width table for the terminal."""
    if table.empty:
        return "no flagged events"
    shown = table.head(n)
    columns = ["start", "duration", "peak_score", "top_channel", "top_share", "flagged_by"]
    columns += ["true_kind"] if "true_kind" in table else []
    short = {"isolation_forest": "IF", "autoencoder": "AE"}
    shown = shown.assign(flagged_by=[" ".join(short.get(d, d) for d in names.split()) or "-"
                                     for names in shown["flagged_by"]])
    text = shown[columns].to_string(index=False, float_format=lambda v: f"{v:.3g}")
    return f"{len(table)} flagged events; the {len(shown)} strongest:\n{text}"
