"""What a run writes besides figures: provenance, metrics.json and scores.csv."""
from __future__ import annotations

import json
import platform
import subprocess
import time
from contextlib import contextmanager
from dataclasses import asdict
from importlib import metadata
from pathlib import Path

import numpy as np
import pandas as pd

PACKAGES = ("numpy", "scipy", "pandas", "scikit-learn", "torch", "matplotlib", "seaborn",
            "imageio", "joblib")
REPO = Path(__file__).resolve().parent


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


def provenance(seed: int, device: str) -> dict:
    versions = {}
    for name in PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    return {"python": platform.python_version(), "platform": platform.platform(),
            "packages": versions, "git_commit": git_commit(), "device": device, "seed": seed}


def write_metrics(path: Path, config, provenance_: dict, timings: dict[str, float],
                  detectors: dict[str, dict], extra: dict | None = None) -> None:
    payload = {"config": asdict(config), "provenance": provenance_,
               "timings_s": {k: round(v, 4) for k, v in timings.items()},
               "detectors": detectors, **(extra or {})}
    path.write_text(json.dumps(payload, indent=2) + "\n")


def write_scores(path: Path, timestamps: np.ndarray | None, split: np.ndarray,
                 labels: np.ndarray | None, kinds: np.ndarray | None,
                 scores: dict[str, np.ndarray], flags: dict[str, np.ndarray]) -> None:
    """One row per time step; warmup steps (no full window) have empty scores and flags."""
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
    pd.DataFrame(table).to_csv(path, index=False, float_format="%.6g")
