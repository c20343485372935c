"""What a run writes besides figures: provenance, metrics.json and scores.csv."""
from __future__ import annotations

import json
import os
import platform
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict
from importlib import metadata
from pathlib import Path

import numpy as np
import pandas as pd

PACKAGES = ("numpy", "scipy", "pandas", "scikit-learn", "torch", "matplotlib", "seaborn",
            "imageio", "joblib")
REPO = Path(__file__).resolve().parent
# folders a run replaces as a whole, so that files of an earlier, longer run do not survive
REPLACED_FOLDERS = ("training_progress",)


class Stopwatch:
    """Wall time per named stage; ``finish()`` adds the total since construction."""

    def __init__(self):
        self.start = time.perf_counter()
        self.timings: dict[str, float] = {}

    @contextmanager
    def __call__(self, stage: str):
        begin = time.perf_counter()
        try:
            yield
        finally:
            self.timings[stage] = self.timings.get(stage, 0.0) + time.perf_counter() - begin

    def finish(self) -> dict[str, float]:
        return {**self.timings, "total": time.perf_counter() - self.start}


def git_commit() -> str | None:
    """The commit of this package's checkout, with "-dirty" if it has uncommitted changes."""
    try:
        commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=REPO, capture_output=True,
                                text=True, timeout=10, check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"],
                               cwd=REPO, capture_output=True, text=True, timeout=10).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    return commit + ("-dirty" if dirty.strip() else "")


def environment() -> dict:
    """Python, platform, package versions and git commit: what a result depends on besides its
    config."""
    versions = {}
    for name in PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    return {"python": platform.python_version(), "platform": platform.platform(),
            "packages": versions, "git_commit": git_commit()}


def provenance(seed: int, device: str) -> dict:
    return {**environment(), "device": device, "seed": seed}


def write_metrics(path: Path, config, provenance_: dict, timings: dict[str, float],
                  detectors: dict[str, dict], extra: dict | None = None) -> None:
    payload = {"config": asdict(config), "provenance": provenance_,
               "timings_s": {k: round(v, 4) for k, v in timings.items()},
               "detectors": detectors, **(extra or {})}
    path.write_text(json.dumps(payload, indent=2) + "\n")


def write_scores(path: Path, timestamps: np.ndarray | None, split: np.ndarray,
                 labels: np.ndarray | None, kinds: np.ndarray | None,
                 scores: dict[str, np.ndarray], flags: dict[str, np.ndarray],
                 channels: tuple[str, ...], shares: np.ndarray) -> None:
    """One row per time step; warmup steps (no full window) have empty scores and flags.

    ``shares`` (n, C) are each channel's share of the autoencoder's error at a step; they become
    a ``top_channel`` column and one ``share_<channel>`` column per channel.
    """
    n = len(split)
    table = {"timestamp": timestamps if timestamps is not None else np.arange(n),
             "split": split}
    if labels is not None:
        table["label"] = labels
    if kinds is not None:
        table["kind"] = kinds
    for name, score in scores.items():
        table[f"score_{name}"] = score
    for name, flag in flags.items():
        table[f"flag_{name}"] = pd.array(flag, dtype="Int8")
    scored = ~np.isnan(shares).any(axis=1)
    top = np.full(n, "", dtype=object)
    top[scored] = np.asarray(channels)[shares[scored].argmax(axis=1)]
    table["top_channel"] = top
    for c, name in enumerate(channels):
        table[f"share_{name}"] = shares[:, c]
    pd.DataFrame(table).to_csv(path, index=False, float_format="%.6g")


@contextmanager
def staged_outputs(out: Path, owned: tuple[str, ...] = ()) -> Iterator[Path]:
    """Yield a fresh folder inside ``out`` to write a run's outputs into; when the block finishes
    without an exception, move them into ``out``.

    Until then nothing in ``out`` changes, so a failed or interrupted run (Ctrl-C) leaves the
    previous run's figures, GIF and metrics as they were. Each file is moved with an atomic
    rename (the staging folder is on the same file system), and a Ctrl-C during the moves is
    ignored (with ``ctrl_c_guard`` installed): the run has finished by then. ``owned`` names the files (glob patterns relative to ``out``)
    that this kind of run writes: those an earlier run left and this one did not write are
    removed, so that ``out`` never mixes two runs' results.
    """
    if out.exists() and not out.is_dir():
        raise ValueError(f"--out {out} is a file, not a folder")
    created = not out.exists()
    try:
        out.mkdir(parents=True, exist_ok=True)
        stage = Path(tempfile.mkdtemp(prefix=".run-", dir=out))
    except OSError as err:
        raise ValueError(f"--out {out}: cannot write there ({err.strerror})") from None
    try:
        yield stage
        with critical(drop_interrupt=True):  # the run has finished: complete the renames
            _move_into_place(stage, out, owned)
    finally:
        shutil.rmtree(stage, ignore_errors=True)
        if created and out.exists() and not any(out.iterdir()):
            out.rmdir()


class _CtrlC:
    """Ctrl-C as usual (KeyboardInterrupt at once), except inside ``critical()`` blocks.

    A KeyboardInterrupt raised in the middle of, say, a process pool's ``submit`` leaves the
    pool's lock held, and shutting the pool down then waits forever. Inside a critical block a
    Ctrl-C is recorded and raised when the block ends (or dropped, for the final renames of a
    finished run).
    """

    depth = 0
    pending = False
    installed = False

    @classmethod
    def handler(cls, signum, frame):
        if cls.depth:
            cls.pending = True
        else:
            raise KeyboardInterrupt


@contextmanager
def ctrl_c_guard() -> Iterator[None]:
    """Install the Ctrl-C handler for a run (main thread only; elsewhere Python delivers no
    KeyboardInterrupt anyway)."""
    if threading.current_thread() is not threading.main_thread() or _CtrlC.installed:
        yield
        return
    previous = signal.signal(signal.SIGINT, _CtrlC.handler)
    _CtrlC.installed, _CtrlC.pending, _CtrlC.depth = True, False, 0
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
        _CtrlC.installed = False


@contextmanager
def critical(drop_interrupt: bool = False) -> Iterator[None]:
    """A block that a Ctrl-C does not cut short; see ``_CtrlC``."""
    _CtrlC.depth += 1
    try:
        yield
    finally:
        _CtrlC.depth -= 1
        if _CtrlC.pending and not _CtrlC.depth:
            _CtrlC.pending = False
            if not drop_interrupt and threading.current_thread() is threading.main_thread():
                raise KeyboardInterrupt


def _move_into_place(stage: Path, out: Path, owned: tuple[str, ...]) -> None:
    written = {path.relative_to(stage) for path in stage.rglob("*") if path.is_file()}
    for pattern in owned:
        for stale in out.glob(pattern):
            if stale.is_file() and stale.relative_to(out) not in written:
                stale.unlink()
    replaced = stage / ".replaced"
    for name in REPLACED_FOLDERS:
        if (stage / name).is_dir():
            if (out / name).exists():
                replaced.mkdir(exist_ok=True)
                os.replace(out / name, replaced / name)  # deleted with the stage
            os.replace(stage / name, out / name)
    for path in sorted(stage.rglob("*")):
        if path.is_file() and replaced not in path.parents:
            target = out / path.relative_to(stage)
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(path, target)
