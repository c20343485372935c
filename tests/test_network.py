import numpy as np
import torch

import network


def _train(seed, windows, epochs=5):
    torch.manual_seed(seed)
    model = network.Autoencoder(windows.shape[1] * windows.shape[2], hidden=32, bottleneck=4)
    history = network.train_autoencoder(model, windows[:400], windows[400:], epochs=epochs,
                                        batch_size=64, lr=3e-3, seed=seed,
                                        device=torch.device("cpu"))
    return model, history


def _sine_windows(n=500, w=8, c=3, seed=0):
    rng = np.random.default_rng(seed)
    t = np.arange(n + w)[:, None] + np.arange(c)[None, :]
    series = 0.5 + 0.4 * np.sin(2 * np.pi * t / 24) + rng.normal(0, 0.01, (n + w, c))
    return np.lib.stride_tricks.sliding_window_view(series, w, axis=0).transpose(0, 2, 1)[:n]


def test_shapes():
    model = network.Autoencoder(24, hidden=16, bottleneck=3)
    x = torch.zeros(7, 24)
    assert model(x).shape == (7, 24)
    assert model.encoder(x).shape == (7, 3)
    errors = network.squared_errors(model, np.zeros((7, 8, 3), dtype=np.float32))
    assert errors.shape == (7, 24) and (errors >= 0).all()


def test_training_lowers_the_loss_and_is_deterministic():
    windows = _sine_windows()
    model_a, hist_a = _train(0, windows, epochs=10)
    model_b, hist_b = _train(0, windows, epochs=10)
    assert hist_a.train_loss[-1] < hist_a.train_loss[0] / 3
    assert len(hist_a.val_loss) == 10
    assert hist_a.train_loss == hist_b.train_loss
    for p, q in zip(model_a.parameters(), model_b.parameters()):
        assert torch.equal(p, q)


def test_anomalous_windows_reconstruct_worse():
    windows = _sine_windows()
    model, _ = _train(0, windows, epochs=30)
    broken = windows[:50].copy()
    broken[:, -2:, 1] += 0.5  # a level shift in one channel
    normal_error = network.squared_errors(model, windows[:50]).mean(axis=1)
    broken_error = network.squared_errors(model, broken).mean(axis=1)
    assert (broken_error > normal_error).mean() > 0.95


def test_auto_device_falls_back_to_cpu_without_cuda():
    expected = "cuda" if torch.cuda.is_available() else "cpu"
    assert network.resolve_device("auto").type == expected
