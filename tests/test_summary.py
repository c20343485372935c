"""Seed sweeps: aggregation, the LaTeX and Markdown tables, and the README's copy of them."""
import json
import re
from pathlib import Path

import numpy as np
import pytest

import main
import summary

REPO = Path(__file__).resolve().parents[1]
TINY = dict(steps=1500, epochs=2, batch_size=128, hidden=16, bottleneck=4, trees=20, gif=False)


@pytest.fixture(scope="module")
def swept(tmp_path_factory):
    out = tmp_path_factory.mktemp("sweep")
    config = main.Config(out=str(out), **TINY)
    return out, main.sweep(config, [3, 4], jobs=1)


def test_aggregation_is_mean_and_sample_std_of_the_seeds(swept):
    out, result = swept
    for seed in (3, 4):
        assert (out / "results" / "metrics.json").exists() if seed == 3 else \
            (out / "results" / "seeds" / f"seed_{seed}" / "results" / "metrics.json").exists()
    first = json.loads((out / "results" / "metrics.json").read_text())["ablation"]
    second = json.loads((out / "results" / "seeds" / "seed_4" / "results" /
                         "metrics.json").read_text())["ablation"]
    for row in summary.ROWS:
        values = [first[row]["roc_auc"], second[row]["roc_auc"]]
        stats = result["metrics"][row]["roc_auc"]
        assert stats["values"] == values
        assert stats["mean"] == pytest.approx(np.mean(values))
        assert stats["std"] == pytest.approx(np.std(values, ddof=1))


def test_summary_json_records_provenance(swept):
    out, _ = swept
    payload = json.loads((out / "results" / "summary.json").read_text())
    assert payload["provenance"]["seeds"] == [3, 4]
    assert payload["provenance"]["packages"]["torch"].startswith("2.13.0")
    assert payload["config"]["steps"] == 1500
    assert set(payload["metrics"]) == set(summary.ROWS)


def _numbers(text):
    return re.findall(r"\d+\.\d{3}", text)


def test_latex_is_well_formed_and_matches_markdown(swept):
    out, _ = swept
    tex = (out / "results" / "results.tex").read_text()
    md = (out / "results" / "results.md").read_text()
    assert tex.count("{") == tex.count("}")
    # metrics, recall per kind, attribution per kind
    assert tex.count(r"\begin{tabular}") == tex.count(r"\end{tabular}") == 3
    for rule in (r"\toprule", r"\midrule", r"\bottomrule"):
        assert tex.count(rule) == 3
    for line in tex.splitlines():
        if line.endswith(r"\\") and "&" in line:
            assert line.count("&") == len(line.split("&")) - 1
    md_tables = "\n".join(line for line in md.splitlines() if line.startswith("| "))
    assert _numbers(tex) == _numbers(md_tables)
    assert r"\textbf{" in tex and "**" in md


def test_csv_has_every_row_and_metric(swept):
    out, _ = swept
    lines = (out / "results" / "results.csv").read_text().splitlines()
    assert lines[0] == "detector,metric,mean,std,values"
    assert len([l for l in lines if ",roc_auc," in l]) == len(summary.ROWS)


def test_readme_tables_match_the_committed_results():
    readme = (REPO / "README.md").read_text()
    for path in ("results/results.md", "results/iid/results/results.md"):
        blocks = (REPO / path).read_text().split("\n\n")
        tables = [block.strip() for block in blocks if block.startswith("|")]
        assert len(tables) >= 2, path
        for table in tables:
            assert table in readme, f"README's copy of {path} is out of date"


def test_attribution_is_aggregated_per_kind_and_pooled(swept):
    out, result = swept
    per_seed = [json.loads(path.read_text())["ablation"]["hybrid"]["attribution"] for path in
                (out / "results" / "metrics.json",
                 out / "results" / "seeds" / "seed_4" / "results" / "metrics.json")]
    overall = result["attribution_by_kind"]["hybrid"]["all"]
    assert overall["values"] == [a["overall"] for a in per_seed if a["overall"] is not None]
    pooled = result["attributed_events"]["hybrid"]
    assert pooled == {"events": sum(a["events"] for a in per_seed),
                      "correct": sum(a["correct"] for a in per_seed)}
    assert "Attribution accuracy" in (out / "results" / "results.md").read_text()
