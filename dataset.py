"""Synthetic multivariate cost series with labelled anomaly events.

Two generators, both seeded through ``np.random.default_rng(seed)`` alone.

``make_cost_series`` (the default, ``--dataset cost``)
------------------------------------------------------
Hourly costs of five categories (material, labour, logistics, energy, maintenance), starting
2024-01-01 00:00. Every channel is driven by one shared *production volume*

    v(t) = 1 + 0.05 t/8766                     trend: +5 % a year
             + 0.25 d(t)                        daily: busy at midday, quiet at night
             + 0.15 w(t)                        weekly: weekdays up, weekends down
             + 0.05 sin(2 pi t / 8766)          yearly
             + u(t)                             common AR(1) factor, phi=0.99, sd 0.03

and a channel c of base level b_c, loading a_c on the volume and own daily profile of amplitude
s_c is

    x_c(t) = b_c * (1 + a_c (v(t) - 1) + s_c d_c(t)) + e_c(t),

where e_c is AR(1) noise (phi = 0.5) of marginal standard deviation sigma_c = r_c b_c (2-5 % of the
base). The channels are therefore strongly correlated through v, and each has a seasonal swing of
several sigma_c that an autoencoder can learn. Values stay positive.

Anomalies are contiguous *events* in one channel each (channel drawn uniformly), at least 24 steps
apart and spread over the whole series (one event at a random place in each of equal slots), until ``contamination`` of all steps are covered.
The kinds come in shuffled rounds of the seven below, so each is equally frequent; sizes are in
units of the affected channel's noise sigma_c:

==================  ==========  ==============================================================
kind                length      what happens
==================  ==========  ==============================================================
spike               1-3         +-U(3, 6) sigma added (80 % upwards)
level_shift         12-48       +-U(2, 4) sigma added to every step
drift               24-72       a ramp from 0 to +-U(4, 8) sigma, so the first steps are tiny
variance_burst      6-24        noise sd multiplied by U(3, 5)
stuck               6-24        the value freezes at its value just before the event
correlation_break   12-48       the channel follows the volume of 3-8 hours earlier, so it
                                decouples from the other channels while staying in its range
contextual          12-48       the channel's daily swing (volume and own profile) is damped to
                                U(0, 0.3) of itself: night-like values by day, inside the range
==================  ==========  ==============================================================

Every step of an event is labelled 1 and carries its kind and channel; normal steps carry the kind
``"normal"`` and the channel -1. Spikes, level shifts and variance bursts of 2-4 sigma, the start
of a drift, a stuck value that happens to match the daily profile and a correlation break at night
are hard or impossible for a point-wise detector: that is intended.

``make_iid`` (``--dataset iid``, the original experiment)
---------------------------------------------------------
Five independent features N(100, 10); ``contamination`` of the samples are anomalies, half drawn
from N(200, 5) and half from U(20, 40) in every feature; the rows are shuffled.

Example
-------
>>> s = make_cost_series(n_steps=1000, seed=0)
>>> s.values.shape, s.labels.mean().round(2), s.channels[0]
((1000, 5), np.float64(0.05), 'material')
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.signal import lfilter

CHANNELS = ("material", "labour", "logistics", "energy", "maintenance")
HOURS_PER_YEAR = 8766.0
NORMAL = "normal"
ANOMALY_KINDS = (
    "spike", "level_shift", "drift", "variance_burst", "stuck", "correlation_break", "contextual",
)
# kind -> (shortest, longest) event length in steps
EVENT_LENGTHS = {
    "spike": (1, 3), "level_shift": (12, 48), "drift": (24, 72), "variance_burst": (6, 24),
    "stuck": (6, 24), "correlation_break": (12, 48), "contextual": (12, 48),
}
MIN_GAP = 24  # steps between two events, so every event is a separate, countable one

# channel -> (base level b_c, loading on volume a_c, own daily amplitude s_c, noise ratio r_c)
CHANNEL_PARAMS = {
    "material": (1000.0, 0.9, 0.00, 0.02),
    "labour": (800.0, 0.6, 0.10, 0.02),
    "logistics": (400.0, 0.8, 0.05, 0.03),
    "energy": (300.0, 0.5, 0.15, 0.03),
    "maintenance": (150.0, 0.3, 0.10, 0.05),
}


@dataclass(frozen=True)
class Series:
    """A multivariate series, with ground truth where it is known.

    ``values`` is (n_steps, n_channels) float64; ``labels`` (n_steps,) int8 in {0, 1};
    ``kinds`` (n_steps,) str, ``"normal"`` or an anomaly kind; ``event_channel`` (n_steps,) int,
    the channel an event affects or -1 (unknown); ``timestamps`` (n_steps,) datetime64 (or row
    numbers), None when the rows have no time order (i.i.d. data). Labels, kinds and event
    channels are None for a user's series without labels.
    """

    values: np.ndarray
    channels: tuple[str, ...]
    labels: np.ndarray | None
    kinds: np.ndarray | None
    event_channel: np.ndarray | None
    timestamps: np.ndarray | None

    @property
    def is_time_series(self) -> bool:
        return self.timestamps is not None


def _ar1(rng: np.random.Generator, n: int, phi: float, sd: float) -> np.ndarray:
    """AR(1) noise with marginal standard deviation ``sd``."""
    shocks = rng.normal(0.0, sd * np.sqrt(1.0 - phi**2), n)
    shocks[0] = rng.normal(0.0, sd)  # start in the stationary distribution
    return lfilter([1.0], [1.0, -phi], shocks)


def _daily_profile(hours: np.ndarray, peak_hour: float) -> np.ndarray:
    """A smooth daily swing in [-1, 1], highest at ``peak_hour``."""
    return np.cos(2 * np.pi * (hours % 24 - peak_hour) / 24)


def _weekly_profile(hours: np.ndarray) -> np.ndarray:
    """+0.4 on weekdays, -1 on Saturday and Sunday (2024-01-01 is a Monday); mean 0."""
    weekday = (hours // 24) % 7
    return np.where(weekday < 5, 0.4, -1.0)


def _volume(hours: np.ndarray, common: np.ndarray) -> np.ndarray:
    return (1.0 + 0.05 * hours / HOURS_PER_YEAR + 0.25 * _daily_profile(hours, 13.0)
            + 0.15 * _weekly_profile(hours) + 0.05 * np.sin(2 * np.pi * hours / HOURS_PER_YEAR)
            + common)


def _place_events(rng, n_steps, n_channels, contamination):
    """Draw events until they cover ``contamination`` of the steps, then spread them over time.

    Kinds come in shuffled rounds of all seven, so every kind is equally frequent; each event gets
    a slot of n_steps / n_events steps, so events are spread over the whole series and a
    chronological split sees about the same share of anomalies on either side.
    """
    target = int(round(contamination * n_steps))
    if target == 0:
        return []
    kinds, lengths = [], []
    while sum(lengths) < target:
        for kind in rng.permutation(ANOMALY_KINDS):
            lo, hi = EVENT_LENGTHS[kind]
            kinds.append(str(kind))
            lengths.append(int(min(rng.integers(lo, hi + 1), max(1, target - sum(lengths)))))
            if sum(lengths) >= target:
                break
    # one slot of equal width per event, in shuffled order; each event lies at a random place in
    # its slot, at least MIN_GAP from the slot's edges
    slot = n_steps // len(lengths)
    if slot < max(lengths) + 2 * MIN_GAP:
        raise ValueError(f"contamination {contamination} is too high for {n_steps} steps")
    order = rng.permutation(len(lengths))
    kinds, lengths = [kinds[i] for i in order], [lengths[i] for i in order]
    starts = [i * slot + MIN_GAP + int(rng.integers(0, slot - n - 2 * MIN_GAP + 1))
              for i, n in enumerate(lengths)]
    channels = rng.integers(n_channels, size=len(lengths))
    return [(k, int(s), n, int(c)) for k, s, n, c in zip(kinds, starts, lengths, channels)]


def make_cost_series(n_steps: int = 10_000, contamination: float = 0.05, seed: int = 0) -> Series:
    """Hourly cost series of five categories with injected anomaly events (see module doc)."""
    if n_steps < 2 * MIN_GAP:
        raise ValueError(f"n_steps must be at least {2 * MIN_GAP}, got {n_steps}")
    if not 0.0 <= contamination < 0.5:
        raise ValueError(f"contamination must be in [0, 0.5), got {contamination}")
    rng = np.random.default_rng(seed)
    hours = np.arange(n_steps, dtype=float)
    volume = _volume(hours, _ar1(rng, n_steps, 0.99, 0.03))

    params = [CHANNEL_PARAMS[c] for c in CHANNELS]
    peak_hours = rng.uniform(8.0, 18.0, len(CHANNELS))  # each category's own busiest hour
    sigma = np.array([base * ratio for base, _, _, ratio in params])
    noise = np.column_stack([_ar1(rng, n_steps, 0.5, s) for s in sigma])

    def clean(c: int, t: np.ndarray, vol: np.ndarray, damp: float | np.ndarray = 1.0):
        base, load, own, _ = params[c]
        daily = _daily_profile(t, peak_hours[c])
        return base * (1 + load * (vol - 1) + damp * own * daily)

    values = np.column_stack([clean(c, hours, volume) for c in range(len(CHANNELS))]) + noise

    labels = np.zeros(n_steps, dtype=np.int8)
    kinds = np.full(n_steps, NORMAL, dtype=object)
    event_channel = np.full(n_steps, -1, dtype=np.int64)
    for kind, start, length, c in _place_events(rng, n_steps, len(CHANNELS), contamination):
        span = slice(start, start + length)
        t = hours[span]
        s = sigma[c]
        sign = 1.0 if rng.random() < 0.8 else -1.0
        if kind == "spike":
            values[span, c] += sign * rng.uniform(3, 6) * s
        elif kind == "level_shift":
            values[span, c] += rng.choice([-1.0, 1.0]) * rng.uniform(2, 4) * s
        elif kind == "drift":
            values[span, c] += rng.choice([-1.0, 1.0]) * rng.uniform(4, 8) * s * (
                np.arange(1, length + 1) / length)
        elif kind == "variance_burst":
            extra_sd = s * np.sqrt(rng.uniform(3, 5) ** 2 - 1)
            values[span, c] += rng.normal(0.0, extra_sd, length)
        elif kind == "stuck":
            values[span, c] = values[start - 1, c]
        elif kind == "correlation_break":
            lag = int(rng.integers(3, 9))
            lagged = volume[np.maximum(np.arange(start, start + length) - lag, 0)]
            values[span, c] = clean(c, t, lagged) + noise[span, c]
        elif kind == "contextual":
            damp = rng.uniform(0.0, 0.3)
            damped = volume[span] - (1 - damp) * 0.25 * _daily_profile(t, 13.0)
            values[span, c] = clean(c, t, damped, damp) + noise[span, c]
        labels[span] = 1
        kinds[span] = kind
        event_channel[span] = c

    timestamps = np.datetime64("2024-01-01T00:00") + np.arange(n_steps).astype("timedelta64[h]")
    return Series(np.maximum(values, 0.01), CHANNELS, labels, kinds.astype(str), event_channel,
                  timestamps)


def make_iid(n_samples: int = 10_000, contamination: float = 0.05, seed: int = 0) -> Series:
    """The original experiment: i.i.d. Gaussian points with two clusters of anomalies."""
    if n_samples < 20:
        raise ValueError(f"n_samples must be at least 20, got {n_samples}")
    rng = np.random.default_rng(seed)
    n_features = 5
    n_anom = int(round(contamination * n_samples))
    n_high = n_anom // 2
    normal = rng.normal(100, 10, (n_samples - n_anom, n_features))
    high = rng.normal(200, 5, (n_high, n_features))
    low = rng.uniform(20, 40, (n_anom - n_high, n_features))
    values = np.vstack([normal, high, low])
    kinds = np.array([NORMAL] * len(normal) + ["high"] * n_high + ["low"] * len(low))
    order = rng.permutation(n_samples)
    kinds = kinds[order]
    labels = (kinds != NORMAL).astype(np.int8)
    channels = tuple(f"feature_{i}" for i in range(n_features))
    return Series(values[order], channels, labels, kinds, np.full(n_samples, -1), None)
