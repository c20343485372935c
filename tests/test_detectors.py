import numpy as np
import pytest

import detectors


def test_isolation_forest_scores_outliers_higher():
    rng = np.random.default_rng(0)
    train = rng.normal(size=(500, 3, 2))
    test = np.concatenate([rng.normal(size=(50, 3, 2)), rng.normal(8, 1, size=(5, 3, 2))])
    scores = detectors.isolation_forest_scores(train, test, seed=0)
    assert scores[50:].min() > scores[:50].max()


def test_autoencoder_score_is_channel_normalised_and_uses_newest_rows():
    # 4 windows, W=3 rows, C=2 channels; channel 1 is 100x noisier
    errors = np.ones((4, 3, 2))
    errors[..., 1] *= 100

    def summed(rows):
        return errors[:, -rows:].sum(axis=1), errors.sum(axis=1)

    newest, whole = summed(2)
    scale = detectors.channel_error_scale(whole, window=3)
    np.testing.assert_allclose(scale, [1, 100])
    np.testing.assert_allclose(detectors.autoencoder_scores(newest, scale, 2), 1.0)
    np.testing.assert_allclose(detectors.autoencoder_scores(newest, scale, 2, "mean"), 1.0)
    np.testing.assert_allclose(detectors.channel_shares(newest, scale), 0.5)
    errors[0, 0] = 50                     # a large error in the *oldest* row only
    newest, _ = summed(2)
    assert detectors.autoencoder_scores(newest, scale, 2)[0] == pytest.approx(1.0)
    newest, _ = summed(3)
    assert detectors.autoencoder_scores(newest, scale, 3)[0] > 1.0


def test_channel_shares_sum_to_one_and_name_the_broken_channel():
    rng = np.random.default_rng(0)
    newest = rng.random((100, 5))
    newest[7, 3] += 50
    shares = detectors.channel_shares(newest, np.ones(5))
    np.testing.assert_allclose(shares.sum(axis=1), 1.0)
    assert shares[7].argmax() == 3 and (shares >= 0).all()


def test_threshold_comes_from_training_scores_only():
    train = np.arange(100.0)
    assert detectors.threshold(train, 0.95) == pytest.approx(np.quantile(train, 0.95))
    with pytest.raises(ValueError):
        detectors.threshold(train, 1.0)


def test_robust_zscore_uses_training_statistics():
    train = np.array([1.0, 2.0, 3.0, 4.0, 5.0])
    z = detectors.robust_zscore(np.array([3.0, 3.0 + 1.4826]), train)
    np.testing.assert_allclose(z, [0.0, 1.0])
    # scores far outside the training range do not move the statistics
    z2 = detectors.robust_zscore(np.array([3.0, 1e6]), train)
    assert z2[0] == 0.0


def test_fuse_mean_and_max():
    a, b = np.array([1.0, -1.0]), np.array([3.0, 0.0])
    np.testing.assert_allclose(detectors.fuse([a, b], "mean"), [2.0, -0.5])
    np.testing.assert_allclose(detectors.fuse([a, b], "max"), [3.0, 0.0])
    with pytest.raises(ValueError):
        detectors.fuse([a, b], "median")


def test_max_over_channels_is_not_diluted_by_quiet_channels():
    newest = np.ones((2, 5))
    newest[1, 2] = 6.0                    # one channel of five is six times its usual error
    scale = np.ones(5)
    mean = detectors.autoencoder_scores(newest, scale, 1, "mean")
    peak = detectors.autoencoder_scores(newest, scale, 1, "max")
    assert peak[1] / peak[0] == pytest.approx(6.0) and mean[1] / mean[0] == pytest.approx(2.0)
    with pytest.raises(ValueError):
        detectors.autoencoder_scores(newest, scale, 1, "median")
