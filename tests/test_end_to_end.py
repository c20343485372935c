"""`main` on a tiny config: every artifact, the GIF, reproducibility, the command line."""
import json
import os
import subprocess
import sys
from pathlib import Path

import imageio.v3 as iio
import numpy as np
import pandas as pd
import pytest

import main

REPO = Path(__file__).resolve().parents[1]
TINY = dict(steps=1500, epochs=3, batch_size=128, hidden=32, bottleneck=4, trees=50)


@pytest.fixture(scope="module")
def tiny_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("run")
    # a stale frame from an earlier, longer run must not survive into this one
    (out / "training_progress").mkdir()
    iio.imwrite(out / "training_progress" / "epoch_009.png", np.zeros((2, 2, 3), np.uint8))
    result = main.main(main.Config(out=str(out), seed=1, **TINY))
    return out, result


def test_every_artifact_is_written(tiny_run):
    out, _ = tiny_run
    expected = ["anomaly_detection_comparison.png", "anomaly_detection_comparison.pdf",
                "training_progress.gif", "results/metrics.json", "results/scores.csv",
                "results/cost_series_detections.png", "results/cost_series_detections.pdf",
                "results/roc_pr_curves.png", "results/roc_pr_curves.pdf", "results/events.csv",
                "results/events.png", "results/events.pdf"]
    for name in expected:
        assert (out / name).stat().st_size > 0, name
    for name in expected:
        if name.endswith(".png"):
            assert iio.imread(out / name).ndim == 3
        if name.endswith(".pdf"):
            assert (out / name).read_bytes().startswith(b"%PDF")


def test_pdfs_embed_truetype_fonts(tiny_run):
    out, _ = tiny_run
    pdf = (out / "anomaly_detection_comparison.pdf").read_bytes()
    # fonttype 42 embeds TrueType outlines as CIDFontType2; Type 3 would be bitmap-like glyphs
    assert b"/CIDFontType2" in pdf and b"/Type3" not in pdf


def test_one_frame_per_epoch_and_no_stale_frames(tiny_run):
    out, _ = tiny_run
    frames = sorted((out / "training_progress").glob("epoch_*.png"))
    assert [f.name for f in frames] == ["epoch_001.png", "epoch_002.png", "epoch_003.png"]
    gif = iio.imread(out / "training_progress.gif", index=None)
    assert gif.shape[0] == TINY["epochs"]


def test_metrics_json_shape(tiny_run):
    out, result = tiny_run
    metrics = json.loads((out / "results" / "metrics.json").read_text())
    assert metrics["config"]["seed"] == 1 and metrics["config"]["steps"] == 1500
    for key in ("python", "packages", "git_commit", "device", "seed"):
        assert key in metrics["provenance"]
    assert metrics["provenance"]["packages"]["torch"].startswith("2.13.0")
    assert metrics["timings_s"]["total"] >= metrics["timings_s"]["autoencoder"] > 0
    for detector in ("isolation_forest", "autoencoder", "hybrid"):
        block = metrics["detectors"][detector]
        assert set(block) >= {"roc_auc", "average_precision", "precision", "recall", "f1",
                              "threshold"}
        assert 0 <= block["roc_auc"] <= 1
    assert metrics["detectors"] == json.loads(json.dumps(result["detectors"]))


def test_scores_csv_has_one_row_per_step(tiny_run):
    out, _ = tiny_run
    scores = pd.read_csv(out / "results" / "scores.csv")
    assert len(scores) == TINY["steps"]
    assert list(scores.columns[:4]) == ["timestamp", "split", "label", "kind"]
    for detector in ("isolation_forest", "autoencoder", "hybrid"):
        assert f"score_{detector}" in scores and f"flag_{detector}" in scores
    assert set(scores["split"]) == {"warmup", "train", "test"}
    assert scores.loc[scores.split != "warmup", "score_hybrid"].notna().all()
    assert scores.loc[scores.split == "warmup", "score_hybrid"].isna().all()
    # each channel's share of the autoencoder's error: they sum to 1, the largest names the step
    share_columns = [f"share_{c}" for c in ("material", "labour", "logistics", "energy",
                                            "maintenance")]
    scored = scores[scores.split != "warmup"]
    np.testing.assert_allclose(scored[share_columns].sum(axis=1), 1.0, rtol=1e-5)
    top = scored[share_columns].to_numpy().argmax(axis=1)
    assert (scored["top_channel"] == [share_columns[i][6:] for i in top]).all()
    # the 95 % threshold is a training quantile: about 5 % of training steps are flagged
    flagged = scores.loc[scores.split == "train", "flag_hybrid"].mean()
    assert 0.04 <= flagged <= 0.06


def test_same_seed_same_metrics(tiny_run, tmp_path):
    _, first = tiny_run
    second = main.main(main.Config(out=str(tmp_path), seed=1, gif=False, **TINY))
    assert second["detectors"] == first["detectors"]
    other = main.main(main.Config(out=str(tmp_path), seed=2, gif=False, **TINY))
    assert other["detectors"] != first["detectors"]


def _cli(*args, cwd=REPO):
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHONWARN")}
    return subprocess.run([sys.executable, "main.py", *args], cwd=cwd, capture_output=True,
                          text=True, timeout=300, env=env)


@pytest.mark.parametrize("dataset", ["cost", "iid"])
def test_cli_run_prints_no_warnings(dataset, tmp_path):
    run = _cli("--out", str(tmp_path), "--steps", "1200", "--epochs", "2", "--hidden", "16",
               "--dataset", dataset)
    assert run.returncode == 0, run.stderr
    assert run.stderr == ""
    assert "hybrid" in run.stdout and "ROC-AUC" in run.stdout


def test_help_shows_defaults():
    run = _cli("--help")
    assert run.returncode == 0
    assert "--epochs EPOCHS" in run.stdout and "(default: 50)" in run.stdout
    assert "--no-gif" in run.stdout


@pytest.mark.parametrize("args", [["--quantile", "1.5"], ["--epochs", "0"], ["--steps", "-3"],
                                  ["--dataset", "weekly"], ["--window", "0"],
                                  ["--epochs", "many"], ["--no-such-flag"],
                                  ["--steps", "20"]])
def test_bad_flags_give_one_error_line(args, tmp_path):
    run = _cli(*args, "--out", str(tmp_path))
    assert run.returncode == 2
    lines = run.stderr.strip().splitlines()
    assert "Traceback" not in run.stderr
    assert lines[-1].startswith("main.py: error:") or lines[-1].startswith("error:")
    assert not any(tmp_path.iterdir())  # nothing written


def test_events_csv_merges_the_hybrid_flags_of_the_test_part(tiny_run):
    out, _ = tiny_run
    scores = pd.read_csv(out / "results" / "scores.csv")
    table = pd.read_csv(out / "results" / "events.csv")
    test = scores[scores.split == "test"]
    assert table["duration"].sum() == test["flag_hybrid"].sum()
    assert list(table["peak_score"]) == sorted(table["peak_score"], reverse=True)
    for event in table.itertuples():
        steps = scores.iloc[event.start_step:event.end_step + 1]
        assert (steps["flag_hybrid"] == 1).all()
        assert steps["score_hybrid"].max() == pytest.approx(event.peak_score, rel=1e-5)


def test_runs_in_threads_of_one_process_do_not_change_each_other(tiny_run, tmp_path):
    # a Dask worker may run two seeds of a sweep in threads of one process at once
    from concurrent.futures import ThreadPoolExecutor
    _, first = tiny_run
    configs = [main.Config(out=str(tmp_path / str(s)), seed=s, **TINY) for s in (1, 2)]
    with ThreadPoolExecutor(2) as pool:
        runs = list(pool.map(lambda c: main.main(c, verbose=False, draw_in_background=False),
                             configs))
    assert runs[0]["detectors"] == first["detectors"]
    assert runs[1]["detectors"] == main.main(configs[1], verbose=False,
                                             draw_in_background=False)["detectors"]
    # and each drew its own frames: as many as epochs, the same as a run alone
    gifs = [iio.imread(tmp_path / str(s) / "training_progress.gif", index=None) for s in (1, 2)]
    assert [len(g) for g in gifs] == [TINY["epochs"]] * 2
    alone = iio.imread(tmp_path / "2" / "training_progress.gif", index=None)
    np.testing.assert_array_equal(gifs[1], alone)
    assert not np.array_equal(gifs[0], gifs[1])
