"""Anomaly scores, their standardisation and fusion, and thresholds.

One convention for every detector: a higher score means more anomalous. Everything that is fitted
here (the forest, the per-channel error scale, the z-score statistics, the thresholds) sees the
*training* scores only.
"""
from __future__ import annotations

import numpy as np
from sklearn.ensemble import IsolationForest

MAD_TO_SD = 1.4826  # MAD * this = standard deviation, for Gaussian data


def isolation_forest_scores(train_windows: np.ndarray, windows: np.ndarray, seed: int,
                            n_estimators: int = 100) -> np.ndarray:
    """Fit an IsolationForest on the flattened training windows and score all windows.

    scikit-learn's ``score_samples`` is higher for *normal* points; it is negated here.
    """
    forest = IsolationForest(n_estimators=n_estimators, random_state=seed)
    forest.fit(train_windows.reshape(len(train_windows), -1))
    return -forest.score_samples(windows.reshape(len(windows), -1))


def channel_error_scale(whole_errors: np.ndarray, window: int) -> np.ndarray:
    """Mean squared training reconstruction error of each channel per row, shape (C,).

    ``whole_errors`` is (N, C), each window's error summed over its rows (from
    ``network.channel_errors``). Min-max scaling leaves channels with very different noise
    levels; dividing each channel's error by its typical size keeps the noisiest channel from
    drowning the others.
    """
    scale = whole_errors.mean(axis=0) / window
    # a channel the network reconstructs almost perfectly (a counter, a constant-like column)
    # must not turn its tiny noise into the largest score: floor at 1/1000 of the median channel
    return np.maximum(scale, 1e-3 * np.median(scale)) + 1e-12


def autoencoder_scores(newest_errors: np.ndarray, scale: np.ndarray, score_rows: int,
                       channels: str = "max") -> np.ndarray:
    """Channel-normalised squared error over the newest ``score_rows`` rows of each window,
    averaged over those rows, then the largest channel's (``"max"``) or the channels' mean.

    ``newest_errors`` is (N, C), the error summed over those rows. Scoring the newest rows only
    keeps a window that merely *contains* an old event from scoring high long after it. The
    maximum over channels does not dilute an event that hits one cost category by the noise of
    all the others, as the mean does.
    """
    per_channel = newest_errors / scale / score_rows
    if channels == "max":
        return per_channel.max(axis=1)
    if channels == "mean":
        return per_channel.mean(axis=1)
    raise ValueError(f"unknown channel reduction {channels!r}; use 'max' or 'mean'")


def channel_shares(newest_errors: np.ndarray, scale: np.ndarray) -> np.ndarray:
    """Each channel's share of the autoencoder score, (N, C), rows summing to 1: the same
    channel-normalised errors of the same rows as the score, so the shares explain the score."""
    normalised = newest_errors / scale
    total = normalised.sum(axis=1, keepdims=True)
    return normalised / np.where(total > 0, total, 1.0)


def robust_zscore(scores: np.ndarray, train_scores: np.ndarray) -> np.ndarray:
    """(score - median) / (1.4826 MAD), with median and MAD of the training scores."""
    median = np.median(train_scores)
    spread = MAD_TO_SD * np.median(np.abs(train_scores - median))
    return (scores - median) / (spread if spread > 0 else 1.0)


def fuse(standardised: list[np.ndarray], how: str = "mean") -> np.ndarray:
    """Combine standardised scores of several detectors step by step ("mean" or "max")."""
    stacked = np.vstack(standardised)
    if how == "mean":
        return stacked.mean(axis=0)
    if how == "max":
        return stacked.max(axis=0)
    raise ValueError(f"unknown fusion {how!r}; use 'mean' or 'max'")


def threshold(train_scores: np.ndarray, quantile: float) -> float:
    """The ``quantile`` of the training scores: the only place a threshold is made."""
    if not 0.0 < quantile < 1.0:
        raise ValueError(f"quantile must be in (0, 1), got {quantile}")
    return float(np.quantile(train_scores, quantile))
