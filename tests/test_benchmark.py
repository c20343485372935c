"""The benchmark script end to end at a tiny size (slow: it spawns a fresh interpreter)."""
import json
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
STAGES = ["imports", "data", "windows", "isolation_forest", "autoencoder", "events", "outputs",
          "drawing", "drawn_frames", "drawn_gif", "drawn_figures", "total"]


@pytest.mark.slow
def test_benchmark_writes_json_and_markdown(tmp_path):
    cmd = [sys.executable, str(REPO / "benchmarks" / "bench.py"), "--sizes", "2000",
           "--repeats", "1", "--out-dir", str(tmp_path),
           "--", "--epochs", "2", "--trees", "20", "--hidden", "16", "--bottleneck", "4"]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr

    report = json.loads((tmp_path / "benchmark.json").read_text())
    assert report["machine"]["cpu_count"] >= 1 and report["machine"]["packages"]["torch"]
    size = report["sizes"]["2000"]
    assert len(size["runs"]) == 1
    run = size["runs"][0]
    assert set(STAGES) <= set(run["stages_s"])
    assert all(v >= 0 for v in run["stages_s"].values())
    assert run["peak_rss_mb"] > 0 and len(run["workers_peak_rss_mb"]) == 2
    assert run["peak_rss_all_mb"] > run["peak_rss_mb"] and run["untimed_s"] > -1e-3
    assert run["process_wall_s"] >= run["stages_s"]["total"] > 0
    assert size["median"]["stages_s"] == run["stages_s"]

    table = (tmp_path / "benchmark.md").read_text()
    rows = [line for line in table.splitlines() if line.startswith("|")]
    assert len(rows) == 3 and rows[2].startswith("| 2,000 |")  # header, rule, one data row
    assert "peak RSS main (MB)" in rows[0] and rows[0].count("|") == rows[2].count("|")
    assert rows[0] in proc.stdout
