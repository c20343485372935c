"""The autoencoder, its training loop and its reconstruction errors."""
from __future__ import annotations

import math
import os
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import torch
from torch import nn


class Autoencoder(nn.Module):
    """Fully connected encoder -> bottleneck -> decoder over a flattened window.

    The output layer is linear: min-max scaled test values may leave [0, 1], and a sigmoid would
    squash exactly the anomalous ones back into range.
    """

    def __init__(self, n_inputs: int, hidden: int = 128, bottleneck: int = 16, seed: int = 0):
        super().__init__()
        self.encoder = nn.Sequential(
            nn.Linear(n_inputs, hidden), nn.ReLU(),    # (B, W*C) -> (B, hidden)
            nn.Linear(hidden, bottleneck), nn.ReLU(),  # -> (B, bottleneck)
        )
        self.decoder = nn.Sequential(
            nn.Linear(bottleneck, hidden), nn.ReLU(),  # -> (B, hidden)
            nn.Linear(hidden, n_inputs),               # -> (B, W*C)
        )

        # PyTorch's default initialisation of a Linear layer, drawn from a generator of our own:
        # the weights depend on ``seed`` alone, not on torch's global generator, which other
        # runs in threads of the same process (a Dask worker) would share
        generator = torch.Generator().manual_seed(seed)
        for layer in self.modules():
            if isinstance(layer, nn.Linear):
                nn.init.kaiming_uniform_(layer.weight, a=math.sqrt(5), generator=generator)
                bound = 1 / math.sqrt(layer.in_features)
                nn.init.uniform_(layer.bias, -bound, bound, generator=generator)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.decoder(self.encoder(x))


def resolve_device(name: str) -> torch.device:
    """'auto' means CUDA when a GPU is present, else the CPU."""
    if name == "auto":
        name = "cuda" if torch.cuda.is_available() else "cpu"
    if name == "cuda" and not torch.cuda.is_available():
        raise ValueError("--device cuda was asked for, but no CUDA device is available")
    return torch.device(name)


def seed_everything(seed: int) -> None:
    """Seed torch's global generator and ask for deterministic kernels.

    Nothing in this package draws from a global generator: numpy, the forest, the weights and
    the batches all use generators seeded explicitly, so runs in threads of one process cannot
    change each other's numbers. The global seed is set for code that others add.
    """
    os.environ.setdefault("CUBLAS_WORKSPACE_CONFIG", ":4096:8")  # cuBLAS needs it to be deterministic
    torch.manual_seed(seed)
    torch.use_deterministic_algorithms(True)
    # One CPU thread: as fast as two for this network's small matrices (measured: 1.6 s for 50
    # epochs either way), it leaves the other core to the drawing workers, and CPU results do
    # not depend on how many cores a machine has.
    torch.set_num_threads(1)


@dataclass
class TrainingHistory:
    train_loss: list[float] = field(default_factory=list)
    val_loss: list[float] = field(default_factory=list)


def _as_tensor(windows: np.ndarray, device: torch.device) -> torch.Tensor:
    """(N, W, C) windows -> (N, W*C) float32 tensor on ``device`` (always a copy: the windows
    are a read-only strided view)."""
    n, width, channels = windows.shape
    return torch.tensor(np.asarray(windows, dtype=np.float32).reshape(n, width * channels),
                        device=device)


def train_autoencoder(model: Autoencoder, train_windows: np.ndarray, val_windows: np.ndarray,
                      *, epochs: int, batch_size: int, lr: float, seed: int,
                      device: torch.device,
                      on_epoch: Callable[[int, TrainingHistory], None] | None = None,
                      ) -> TrainingHistory:
    """Adam on the mean squared reconstruction error; ``on_epoch(k, history)`` after each epoch.

    The whole training set lives in one tensor on ``device`` and each epoch draws one permutation
    from a generator of its own, so the batches depend on ``seed`` alone.
    """
    x_train = _as_tensor(train_windows, device)
    x_val = _as_tensor(val_windows, device)
    generator = torch.Generator().manual_seed(seed)
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    history = TrainingHistory()
    for epoch in range(1, epochs + 1):
        model.train()
        order = torch.randperm(len(x_train), generator=generator).to(device)
        total = 0.0
        for start in range(0, len(x_train), batch_size):
            batch = x_train[order[start:start + batch_size]]
            loss = nn.functional.mse_loss(model(batch), batch)
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
            total += loss.item() * len(batch)
        if not math.isfinite(total):
            raise ValueError(f"the autoencoder's training loss is not finite in epoch {epoch}: "
                             f"lower --lr")
        history.train_loss.append(total / len(x_train))
        if len(x_val):
            history.val_loss.append(float(squared_errors(model, x_val).mean()))
        if on_epoch is not None:
            on_epoch(epoch, history)
    return history


@torch.no_grad()
def squared_errors(model: Autoencoder, windows: np.ndarray | torch.Tensor,
                   batch_size: int = 65_536) -> np.ndarray:
    """Squared reconstruction error per window, row and channel: (N, W, C) -> (N, W*C) float32."""
    model.eval()
    device = next(model.parameters()).device
    out = []
    for start in range(0, len(windows), batch_size):
        chunk = windows[start:start + batch_size]
        x = chunk if isinstance(chunk, torch.Tensor) else _as_tensor(chunk, device)
        out.append(((model(x) - x) ** 2).cpu().numpy())
    return np.concatenate(out) if out else np.empty((0, 0), dtype=np.float32)


@torch.no_grad()
def channel_errors(model: Autoencoder, windows: np.ndarray, newest_rows: int,
                   batch_size: int = 65_536) -> tuple[np.ndarray, np.ndarray]:
    """Squared reconstruction error of (N, W, C) windows per window and channel, summed over the
    newest ``newest_rows`` rows and over the whole window: two (N, C) float64 arrays.

    Chunk by chunk, so that a million windows never hold their (N, W*C) errors in memory at once.
    """
    model.eval()
    device = next(model.parameters()).device
    n, width, n_channels = windows.shape
    newest, whole = np.empty((n, n_channels)), np.empty((n, n_channels))
    for start in range(0, n, batch_size):
        x = _as_tensor(windows[start:start + batch_size], device)          # (B, W*C)
        errors = ((model(x) - x) ** 2).view(len(x), width, n_channels)     # (B, W, C)
        newest[start:start + len(x)] = errors[:, -newest_rows:].sum(dim=1).double().cpu().numpy()
        whole[start:start + len(x)] = errors.sum(dim=1).double().cpu().numpy()
    if not np.isfinite(whole).all():
        raise ValueError("the autoencoder's reconstruction errors are not finite (training "
                         "diverged): lower --lr")
    return newest, whole


@torch.no_grad()
def reconstruct(model: Autoencoder, windows: np.ndarray) -> np.ndarray:
    """The model's reconstruction of (N, W, C) windows, same shape, float32."""
    model.eval()
    x = _as_tensor(windows, next(model.parameters()).device)
    return model(x).cpu().numpy().reshape(windows.shape)
