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


def channel_error_scale(train_errors: np.ndarray, n_channels: int) -> np.ndarray:
    """Mean squared training reconstruction error of each channel, shape (n_channels,).

    Min-max scaling leaves channels with very different noise levels; dividing each channel's
    error by its typical size keeps the noisiest channel from drowning the others.
    """
    return train_errors.reshape(len(train_errors), -1, n_channels).mean(axis=(0, 1)) + 1e-12


def autoencoder_scores(errors: np.ndarray, scale: np.ndarray, score_rows: int) -> np.ndarray:
    """Mean channel-normalised squared error over the last ``score_rows`` rows of each window.

    ``errors`` is (N, W*C) as returned by ``network.squared_errors``. Averaging the newest rows
    only keeps a window that merely *contains* an old event from scoring high long after it.
    """
    n_channels = len(scale)
    per_row = errors.reshape(len(errors), -1, n_channels) / scale   # (N, W, C)
    return per_row[:, -score_rows:].mean(axis=(1, 2))


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
