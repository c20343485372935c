"""Split, scale and window a series without letting test data leak into anything that is fitted.

Every step t is represented by the window of the last W steps of all channels, rows t-W+1 .. t.
The first W-1 steps have no full window: they are "warmup" steps, neither trained on nor scored.
"""
from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view
from sklearn.preprocessing import MinMaxScaler

WARMUP, TRAIN, TEST = "warmup", "train", "test"


def split_steps(n_steps: int, window: int, train_fraction: float, time_ordered: bool,
                seed: int) -> np.ndarray:
    """Label each step ``"warmup"``, ``"train"`` or ``"test"``.

    Time series are split chronologically: the first ``train_fraction`` of the steps train.
    Unordered (i.i.d.) rows are split by a shuffle with its own generator, so the training seed and
    the split stay independent (minGPT does the same).
    """
    n_train = int(round(train_fraction * n_steps))
    split = np.full(n_steps, TEST, dtype=object)
    if time_ordered:
        split[:n_train] = TRAIN
    else:
        order = np.random.default_rng([seed, 1]).permutation(n_steps)
        split[order[:n_train]] = TRAIN
    split[:window - 1] = WARMUP
    return split.astype(str)


def fit_scaler(values: np.ndarray, split: np.ndarray,
               channels: tuple[str, ...]) -> MinMaxScaler:
    """A min-max scaler fitted on the training rows (warmup included) only.

    A channel that is constant over those rows is rejected rather than scaled: it has no range
    to scale by, and any later change of it would be an arbitrarily large "anomaly".
    """
    fitted = values[split != TEST]
    constant = np.flatnonzero(fitted.min(axis=0) == fitted.max(axis=0))
    if len(constant):
        raise ValueError(f"column {channels[constant[0]]!r} is constant over the training rows; "
                         f"min-max scaling needs a range (leave it out with --value-cols)")
    return MinMaxScaler().fit(fitted)


def make_windows(scaled: np.ndarray, window: int) -> np.ndarray:
    """(n_steps - window + 1, window, n_channels) float32 view; row i ends at step i + window - 1.

    A strided view, not a copy: at a million steps a copy of all windows would cost gigabytes.
    """
    scaled = np.ascontiguousarray(scaled, dtype=np.float32)
    return sliding_window_view(scaled, window, axis=0).transpose(0, 2, 1)
