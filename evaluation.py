"""Metrics of scores and flags against ground-truth labels."""
from __future__ import annotations

import numpy as np
from sklearn.metrics import (average_precision_score, classification_report,
                             precision_recall_fscore_support, roc_auc_score)


def events(labels: np.ndarray) -> list[tuple[int, int]]:
    """(start, end) of each run of consecutive 1s in ``labels``, end exclusive."""
    edges = np.diff(np.concatenate([[0], np.asarray(labels, dtype=np.int8), [0]]))
    return list(zip(np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)))


def event_recall(labels: np.ndarray, flags: np.ndarray) -> float | None:
    """Share of anomaly events (runs of 1s) with at least one flagged step.

    Unlike point-adjusted F1 this does not credit the other steps of a hit event.
    """
    found = [flags[start:end].any() for start, end in events(labels)]
    return float(np.mean(found)) if found else None


def recall_by_kind(kinds: np.ndarray, flags: np.ndarray) -> dict[str, float]:
    """Share of flagged steps among the steps of each anomaly kind."""
    return {str(k): float(flags[kinds == k].mean()) for k in np.unique(kinds) if k != "normal"}


def evaluate(labels: np.ndarray, scores: np.ndarray, flags: np.ndarray, threshold: float,
             kinds: np.ndarray | None = None) -> dict:
    """ROC-AUC and average precision of the scores, precision/recall/F1 of the flags, event
    recall, and with ``kinds`` the recall per anomaly kind.

    With one class only the ranking metrics are undefined and reported as None.
    """
    both_classes = len(np.unique(labels)) == 2
    precision, recall, f1, _ = precision_recall_fscore_support(
        labels, flags, average="binary", zero_division=0)
    return {
        "roc_auc": float(roc_auc_score(labels, scores)) if both_classes else None,
        "average_precision": float(average_precision_score(labels, scores)) if both_classes else None,
        "precision": float(precision),
        "recall": float(recall),
        "f1": float(f1),
        "threshold": float(threshold),
        "event_recall": event_recall(labels, flags),
        **({"recall_by_kind": recall_by_kind(kinds, flags)} if kinds is not None else {}),
    }


def report(labels: np.ndarray, flags: np.ndarray) -> str:
    """scikit-learn's classification report of the flags."""
    return classification_report(labels, flags, labels=[0, 1], target_names=["normal", "anomaly"],
                                 digits=3, zero_division=0)


def flag_summary(flags: np.ndarray, threshold: float) -> dict:
    """What can be said without labels: the threshold and how many steps it flags."""
    return {"threshold": float(threshold), "flagged": int(flags.sum()),
            "flagged_share": float(flags.mean())}


def table(results: dict[str, dict]) -> str:
    """One line per detector: the ranking and threshold metrics, or the flag counts without
    labels."""
    if "f1" not in next(iter(results.values())):
        lines = [f"{'detector':20s} {'threshold':>10s} {'flagged':>8s} {'share':>7s}"]
        lines += [f"{d:20s} {m['threshold']:10.4g} {m['flagged']:8d} {m['flagged_share']:7.3f}"
                  for d, m in results.items()]
        return "\n".join(lines)

    def fmt(value):
        return "n/a" if value is None else f"{value:.3f}"

    lines = [f"{'detector':20s} {'ROC-AUC':>8s} {'AP':>7s} {'prec':>7s} {'recall':>7s} "
             f"{'F1':>7s}"]
    lines += [f"{d:20s} {fmt(m['roc_auc']):>8s} {fmt(m['average_precision']):>7s} "
              f"{m['precision']:7.3f} {m['recall']:7.3f} {m['f1']:7.3f}"
              for d, m in results.items()]
    return "\n".join(lines)
