"""Runs over several seeds and the paper's tables: mean ± std per ablation row and metric."""
from __future__ import annotations

import csv
import dataclasses
import json
from pathlib import Path

import numpy as np

ROWS = {  # ablation row -> label in the tables
    "random": "Random scores",
    "isolation_forest": "Isolation Forest",
    "autoencoder_all": "Autoencoder (all windows)",
    "autoencoder_cleaned": "Autoencoder (IF-cleaned)",
    "autoencoder_channel_mean": "Autoencoder, mean over channels",
    "autoencoder_channel_max": "Autoencoder, max over channels",
    "hybrid_mean": "Hybrid, mean fusion",
    "hybrid_max": "Hybrid, max fusion",
}
ATTRIBUTED = {  # detectors of the default run whose flagged events get a channel
    "autoencoder": "Autoencoder (default run)",
    "hybrid": "Hybrid (default run)",
}
LABELS = {**ROWS, **ATTRIBUTED}
METRICS = {"roc_auc": "ROC-AUC", "average_precision": "AP", "precision": "Precision",
           "recall": "Recall", "f1": "F1", "event_recall": "Event recall"}


def run_seeds(config, seeds: list[int], jobs: int = 1,
              write_to: Path | None = None) -> dict[int, dict]:
    """``main.main`` once per seed (in parallel with joblib); the first seed writes the figures
    and the GIF into ``config.out``, the others into ``results/seeds/seed_<s>/`` without a GIF.

    ``write_to`` replaces ``config.out`` as the folder written into (a staging folder), while
    each seed's metrics.json records the folder its files end up in.
    """
    from joblib import Parallel, delayed

    import main

    def folder(root, i, s):
        return Path(root) if i == 0 else Path(root) / "results" / "seeds" / f"seed_{s}"

    configs = [dataclasses.replace(config, seed=s, ablation=True, gif=config.gif and i == 0,
                                   out=str(folder(config.out, i, s)))
               for i, s in enumerate(seeds)]
    targets = [folder(write_to or config.out, i, s) for i, s in enumerate(seeds)]
    # draw in each seed's own process: seeds in parallel keep the cores busy already, and a
    # sweep has imported torch before its first seed (no fork after that)
    runs = Parallel(n_jobs=jobs)(delayed(main.main)(c, verbose=False, out=t,
                                                    draw_in_background=False)
                                 for c, t in zip(configs, targets))
    return {s: run["ablation"] for s, run in zip(seeds, runs)}


def aggregate(per_seed: dict[int, dict]) -> dict:
    """{row: {metric: {"values", "mean", "std"}}}, and per anomaly kind the recall likewise.

    std is the sample standard deviation (ddof=1) over seeds, None for a single value; a kind
    missing from a seed's test part is left out of that kind's values.
    """
    def stats(values):
        values = [v for v in values if v is not None]
        if not values:
            return {"values": [], "mean": None, "std": None}
        return {"values": values, "mean": float(np.mean(values)),
                "std": float(np.std(values, ddof=1)) if len(values) > 1 else None}

    seeds = list(per_seed)
    rows = [r for r in ROWS if r in per_seed[seeds[0]]]
    kinds = sorted({k for s in seeds for r in rows
                    for k in per_seed[s][r].get("recall_by_kind", {})})
    def attribution(r, kind):  # "all": each seed's overall accuracy (a mean of seed means)
        found = [per_seed[s][r].get("attribution") for s in seeds]
        return [None if a is None else a["overall"] if kind == "all" else a["by_kind"].get(kind)
                for a in found]

    attributed = [r for r in ATTRIBUTED
                  if any("attribution" in per_seed[s].get(r, {}) for s in seeds)]
    return {
        "seeds": seeds,
        "metrics": {r: {m: stats([per_seed[s][r][m] for s in seeds]) for m in METRICS}
                    for r in rows},
        "recall_by_kind": {r: {k: stats([per_seed[s][r].get("recall_by_kind", {}).get(k)
                                         for s in seeds]) for k in kinds} for r in rows},
        "attribution_by_kind": {r: {k: stats(attribution(r, k)) for k in [*kinds, "all"]}
                                for r in attributed},
        # pooled over seeds: every detected event counts once, however the seeds split them
        "attributed_events": {r: {key: sum(per_seed[s][r].get("attribution", {}).get(key, 0)
                                           for s in seeds)
                                  for key in ("events", "correct")} for r in attributed},
    }


def _cells(block: dict, columns: list[str], bold: callable) -> list[str]:
    best = {c: max((block[r][c]["mean"] for r in block if block[r][c]["mean"] is not None),
                   default=None) for c in columns}
    table = []
    for r in block:
        cells = []
        for c in columns:
            s = block[r][c]
            if s["mean"] is None:
                text = "n/a"
            elif s["std"] is None:
                text = f"{s['mean']:.3f} (1 seed)"
            else:
                text = f"{s['mean']:.3f} ± {s['std']:.3f}"
            cells.append(bold(text) if s["mean"] is not None and s["mean"] == best[c] else text)
        table.append(cells)
    return table


def markdown(summary: dict) -> str:
    """The tables as Markdown; the best mean per column in bold."""
    def table(block, columns, header):
        lines = ["| detector | " + " | ".join(header) + " |",
                 "|---|" + "---|" * len(columns)]
        for r, cells in zip(block, _cells(block, columns, lambda t: f"**{t}**")):
            lines.append(f"| {LABELS[r]} | " + " | ".join(cells) + " |")
        return "\n".join(lines)

    kinds = list(next(iter(summary["recall_by_kind"].values())))
    n = len(summary["seeds"])
    return (f"Mean ± std over {n} seeds ({', '.join(map(str, summary['seeds']))}), test part, "
            f"threshold at the 95% quantile of training scores.\n\n"
            + table(summary["metrics"], list(METRICS), list(METRICS.values()))
            + "\n\nRecall at the threshold per anomaly kind:\n\n"
            + table(summary["recall_by_kind"], kinds, [k.replace("_", " ") for k in kinds])
            + "\n" + _attribution_markdown(summary, table))


def _attribution_columns(summary: dict) -> list[str]:
    return list(next(iter(summary["attribution_by_kind"].values())))


def _attribution_markdown(summary: dict, table) -> str:
    if not summary.get("attribution_by_kind"):
        return ""
    columns = _attribution_columns(summary)
    pooled = "; ".join(f"{LABELS[r].split(' (')[0].lower()} {c['correct']} of {c['events']}"
                       for r, c in summary["attributed_events"].items())
    return ("\nAttribution accuracy per anomaly kind: share of detected events (at least one "
            "flagged step) whose top channel, the largest mean share of the autoencoder's error "
            "over the flagged steps, is the channel the event was injected into; n/a: none "
            "detected; \"all\" is the mean of the seeds' overall accuracies. "
            f"Pooled over all seeds, right of detected: {pooled}.\n\n"
            + table(summary["attribution_by_kind"], columns,
                    [k.replace("_", " ") for k in columns]) + "\n")


def latex(summary: dict) -> str:
    """The tables as LaTeX (booktabs); the best mean per column in bold."""
    def table(block, columns, header, caption):
        rows = []
        for r, cells in zip(block, _cells(block, columns, lambda t: rf"\textbf{{{t}}}")):
            cells = [c.replace("±", r"$\pm$") for c in cells]
            rows.append(f"{LABELS[r]} & " + " & ".join(cells) + r" \\")
        return "\n".join([
            r"\begin{table}[t]", r"\centering", rf"\caption{{{caption}}}",
            r"\begin{tabular}{l" + "c" * len(columns) + "}", r"\toprule",
            "Detector & " + " & ".join(header) + r" \\", r"\midrule", *rows, r"\bottomrule",
            r"\end{tabular}", r"\end{table}"])

    kinds = list(next(iter(summary["recall_by_kind"].values())))
    n = len(summary["seeds"])
    return (table(summary["metrics"], list(METRICS), list(METRICS.values()),
                  f"Test metrics, mean $\\pm$ std over {n} seeds.") + "\n\n"
            + table(summary["recall_by_kind"], kinds, [k.replace("_", " ") for k in kinds],
                    f"Recall per anomaly kind, mean $\\pm$ std over {n} seeds.") + "\n"
            + ("" if not summary.get("attribution_by_kind") else "\n" + table(
                summary["attribution_by_kind"], _attribution_columns(summary),
                [k.replace("_", " ") for k in _attribution_columns(summary)],
                f"Attribution accuracy (share of detected events whose top channel is the true "
                f"one) per anomaly kind, mean $\\pm$ std over {n} seeds.") + "\n"))


def write(summary: dict, results_dir: Path, provenance: dict, config) -> None:
    """summary.json, results.md, results.tex and results.csv in ``results_dir``."""
    results_dir.mkdir(parents=True, exist_ok=True)
    payload = {"config": dataclasses.asdict(config), "provenance": provenance, **summary}
    (results_dir / "summary.json").write_text(json.dumps(payload, indent=2) + "\n")
    (results_dir / "results.md").write_text(markdown(summary))
    (results_dir / "results.tex").write_text(latex(summary))
    with open(results_dir / "results.csv", "w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["detector", "metric", "mean", "std", "values"])
        for block, prefix in ((summary["metrics"], ""), (summary["recall_by_kind"], "recall_"),
                              (summary.get("attribution_by_kind", {}), "attribution_")):
            for r, metrics in block.items():
                for m, s in metrics.items():
                    writer.writerow([r, prefix + m, s["mean"], s["std"],
                                     " ".join(f"{v:.6g}" for v in s["values"])])
