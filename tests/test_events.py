"""Flagged steps as events, and the channel each is attributed to."""
import numpy as np
import pytest

import dataset
import detectors
import events
import network
import preprocessing

CHANNELS = ("a", "b", "c")


def _table(flags, scores=None, shares=None, kinds=None):
    n = len(flags)
    scores = np.arange(n, dtype=float) if scores is None else scores
    shares = np.tile([0.2, 0.5, 0.3], (n, 1)) if shares is None else shares
    forest = np.zeros(n, bool)
    forest[1] = True
    return events.flagged_events(np.array(flags, bool), scores, shares, CHANNELS,
                                 np.arange(100, 100 + n), np.arange(10, 10 + n),
                                 {"isolation_forest": forest}, kinds)


def test_consecutive_flags_merge_into_events_with_gaps_single_steps_and_the_end():
    table = _table([0, 1, 1, 0, 0, 1, 0, 1, 1, 1])
    # strongest first: the run at the very end holds the highest scores
    assert table[["start_step", "end_step", "duration"]].values.tolist() == [
        [17, 19, 3], [15, 15, 1], [11, 12, 2]]
    assert table["start"].tolist() == [107, 105, 101] and table["end"].tolist() == [109, 105, 102]
    assert table["peak_score"].tolist() == [9.0, 5.0, 2.0]
    assert table["mean_score"].tolist() == [8.0, 5.0, 1.5]
    assert table["flagged_by"].tolist() == ["", "", "isolation_forest"]
    assert (table["top_channel"] == "b").all()


def test_no_flags_no_events_and_true_kinds():
    assert _table([0, 0, 0]).empty
    kinds = np.array(["normal", "spike", "normal", "normal"])
    table = _table([1, 1, 0, 1], kinds=kinds)
    assert dict(zip(table["start_step"], table["true_kind"])) == {10: "spike", 13: "normal"}


def test_top_channel_is_the_largest_mean_share_over_the_event():
    shares = np.array([[0.6, 0.3, 0.1], [0.1, 0.2, 0.7], [0.1, 0.1, 0.8]])
    table = _table([1, 1, 1], shares=shares)
    assert table["top_channel"].item() == "c"
    assert table["top_share"].item() == pytest.approx((0.1 + 0.7 + 0.8) / 3)


def test_attribution_accuracy_counts_detected_events_only():
    labels = np.array([0, 1, 1, 0, 1, 1, 0, 1, 0])
    kinds = np.array(["normal", "spike", "spike", "normal", "drift", "drift", "normal", "stuck",
                      "normal"])
    channel = np.array([-1, 0, 0, -1, 2, 2, -1, 1, -1])
    flags = np.array([0, 0, 1, 0, 1, 0, 0, 0, 0], bool)   # the stuck event is missed
    shares = np.tile([0.5, 0.2, 0.3], (9, 1))              # channel 0 everywhere
    result = events.attribution_accuracy(labels, kinds, channel, flags, shares)
    assert result == {"overall": 0.5, "by_kind": {"drift": 0.0, "spike": 1.0}, "events": 2,
                      "correct": 1}


@pytest.fixture(scope="module")
def trained():
    """An autoencoder fitted on clean seeded cost data (no anomalies)."""
    network.seed_everything(0)
    series = dataset.make_cost_series(n_steps=3000, contamination=0.0, seed=0)
    window = 24
    split = preprocessing.split_steps(3000, window, 0.8, True, seed=0)
    scaler = preprocessing.fit_scaler(series.values, split, series.channels)
    windows = preprocessing.make_windows(scaler.transform(series.values), window)
    train = split[window - 1:] == preprocessing.TRAIN
    model = network.Autoencoder(window * 5, hidden=64, bottleneck=8)
    network.train_autoencoder(model, windows[train], windows[:0], epochs=20, batch_size=128,
                              lr=3e-3, seed=0, device=network.resolve_device("cpu"))
    _, whole = network.channel_errors(model, windows[train], 8)
    scale = detectors.channel_error_scale(whole, window)
    return series, scaler, model, scale, window


@pytest.mark.parametrize("channel", range(5))
def test_a_level_shift_in_channel_k_is_attributed_to_channel_k(trained, channel):
    series, scaler, model, scale, window = trained
    values = series.values.copy()
    base, _, _, noise_ratio = dataset.CHANNEL_PARAMS[series.channels[channel]]
    event = slice(2700, 2724)
    values[event, channel] += 4 * noise_ratio * base        # +4 sigma of that channel, one day
    windows = preprocessing.make_windows(scaler.transform(values), window)
    newest, _ = network.channel_errors(model, windows[event.start - window + 1:
                                                      event.stop - window + 1], 8)
    shares = detectors.channel_shares(newest, scale)
    np.testing.assert_allclose(shares.sum(axis=1), 1.0)
    assert shares.mean(axis=0).argmax() == channel
