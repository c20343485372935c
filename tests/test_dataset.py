import numpy as np
import pytest

import dataset


@pytest.fixture(scope="module")
def series():
    return dataset.make_cost_series(n_steps=10_000, contamination=0.05, seed=3)


def _events(labels):
    edges = np.diff(np.concatenate([[0], labels, [0]]))
    return list(zip(np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)))


def test_shapes_and_channels(series):
    assert series.values.shape == (10_000, 5)
    assert series.channels == dataset.CHANNELS
    assert series.labels.shape == series.kinds.shape == series.event_channel.shape == (10_000,)
    assert np.all(series.values > 0) and np.isfinite(series.values).all()
    assert np.all(np.diff(series.timestamps) == np.timedelta64(1, "h"))


def test_labels_kinds_and_channels_agree(series):
    anomalous = series.labels == 1
    assert abs(anomalous.mean() - 0.05) < 0.005
    assert set(series.kinds[anomalous]) <= set(dataset.ANOMALY_KINDS)
    assert set(series.kinds[~anomalous]) == {dataset.NORMAL}
    assert np.all(series.event_channel[~anomalous] == -1)
    assert np.all((series.event_channel[anomalous] >= 0) & (series.event_channel[anomalous] < 5))
    for start, end in _events(series.labels):  # one kind and one channel per event
        assert len(set(series.kinds[start:end])) == 1
        assert len(set(series.event_channel[start:end])) == 1
        kind = series.kinds[start]
        lo, hi = dataset.EVENT_LENGTHS[kind]
        assert end - start <= hi


def test_every_kind_appears_and_events_are_spread(series):
    assert set(series.kinds) == set(dataset.ANOMALY_KINDS) | {dataset.NORMAL}
    # a chronological 80/20 split sees anomalies on both sides
    assert series.labels[:8000].mean() > 0.02 and series.labels[8000:].mean() > 0.02


def test_same_seed_same_series_other_seed_other_series():
    a, b = (dataset.make_cost_series(2000, seed=7) for _ in range(2))
    c = dataset.make_cost_series(2000, seed=8)
    assert np.array_equal(a.values, b.values) and np.array_equal(a.kinds, b.kinds)
    assert not np.array_equal(a.values, c.values)


def test_channels_share_a_driver(series):
    corr = np.corrcoef(series.values[series.labels == 0].T)
    assert corr[np.triu_indices(5, 1)].min() > 0.3


def test_spike_size_is_a_few_sigma():
    """A spike adds 3-6 noise sigma: compare with the same seed and no anomalies."""
    for seed in range(6):
        s = dataset.make_cost_series(5000, 0.05, seed)
        clean = dataset.make_cost_series(5000, 0.0, seed)
        for start, end in _events(s.labels):
            if s.kinds[start] == "spike":
                c = s.event_channel[start]
                sigma = dataset.CHANNEL_PARAMS[dataset.CHANNELS[c]][0] * \
                    dataset.CHANNEL_PARAMS[dataset.CHANNELS[c]][3]
                jump = np.abs(s.values[start:end, c] - clean.values[start:end, c]) / sigma
                assert np.all((jump >= 3 - 1e-9) & (jump <= 6 + 1e-9))
                return
    pytest.fail("no spike in six seeds")


def test_iid_matches_the_original_experiment():
    s = dataset.make_iid(10_000, 0.05, seed=0)
    assert s.values.shape == (10_000, 5) and s.timestamps is None
    assert s.labels.sum() == 500
    normal = s.values[s.labels == 0]
    assert abs(normal.mean() - 100) < 0.5 and abs(normal.std() - 10) < 0.5
    high = s.values[s.kinds == "high"]
    low = s.values[s.kinds == "low"]
    assert len(high) == len(low) == 250
    assert abs(high.mean() - 200) < 1 and low.min() >= 20 and low.max() <= 40


@pytest.mark.parametrize("kwargs", [{"n_steps": 10}, {"contamination": 0.6},
                                    {"contamination": -0.1}])
def test_bad_parameters_raise(kwargs):
    with pytest.raises(ValueError):
        dataset.make_cost_series(**kwargs)
