"""Metrics of scores and flags against ground-truth labels."""
from __future__ import annotations

import numpy as np
from sklearn.metrics import (average_precision_score, classification_report,
                             precision_recall_fscore_support, roc_auc_score)


def evaluate(labels: np.ndarray, scores: np.ndarray, flags: np.ndarray,
             threshold: float) -> dict[str, float | None]:
    """ROC-AUC and average precision of the scores, precision/recall/F1 of the flags.

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
    }


def report(labels: np.ndarray, flags: np.ndarray) -> str:
    """scikit-learn's classification report of the flags."""
    return classification_report(labels, flags, labels=[0, 1], target_names=["normal", "anomaly"],
                                 digits=3, zero_division=0)
