"""Wall time per pipeline stage and peak memory of `main.main` at growing series lengths.

    python benchmarks/bench.py                                # 10k, 100k and 1M steps, 3 runs each
    python benchmarks/bench.py --sizes 10000 --repeats 1      # one quick run
    python benchmarks/bench.py --sizes 2000 -- --epochs 2     # flags after `--` go to main

Every run is a fresh interpreter (`bench.py --one N --out TMP`), so imports are measured cold
and peak RSS belongs to that run alone. Per run it records main's own stage timings
("timings_s"; "total" is measured inside `main.main`), the child's peak RSS
(`ru_maxrss` at the end) and the process wall time measured by the parent from spawn to
exit, which is what a user of `python main.py` waits for (interpreter start-up and tear-down
included). The median over the repeats is reported per stage. Outputs of the runs go to
temporary folders that are deleted afterwards; `results/benchmark.json` and
`results/benchmark.md` (or those under `--out-dir`) hold the results.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
# main's own stages in pipeline order ("drawing": its wait for the drawing workers at the end),
# then the time the workers spent drawing, in parallel with main (``drawn_*``)
KNOWN = ["imports", "data", "windows", "isolation_forest", "autoencoder", "events", "outputs",
         "drawing", "drawn_frames", "drawn_gif", "drawn_figures"]
HEADERS = {"isolation_forest": "isolation forest", "drawing": "wait for drawing",
           "drawn_frames": "(frames)", "drawn_gif": "(GIF)", "drawn_figures": "(figures)"}
MARK = "BENCH_RESULT "  # the child's result line; anything main prints stays distinguishable


def run_one(steps: int, out: str, extra: list[str]) -> None:
    """Child: one pipeline run; prints its timings and peak RSS as the last stdout line."""
    import os
    import resource
    sys.path.insert(0, str(REPO))  # the child runs in a temporary cwd, away from the repo
    import main
    # main's own parser turns the flags after `--` into a Config; ours come last and win
    config, _, _ = main.parse_args(extra + ["--steps", str(steps), "--out", out])
    result = main.main(config, verbose=False)
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    print(MARK + json.dumps({"stages_s": result["timings_s"], "peak_rss_mb": rss_mb,
                             "workers_peak_rss_mb": result["drawing_workers_peak_rss_mb"]}),
          flush=True)
    os._exit(0)  # as main.py does: no interpreter teardown, so process wall matches a real run


def spawn(steps: int, extra: list[str]) -> dict:
    """Parent: time one child from spawn to exit, in a temporary folder deleted afterwards."""
    import subprocess
    import tempfile
    import time
    with tempfile.TemporaryDirectory(prefix="bench_") as tmp:
        cmd = [sys.executable, str(Path(__file__).resolve()), "--one", str(steps), "--out", tmp,
               "--", *extra]
        begin = time.perf_counter()
        proc = subprocess.run(cmd, cwd=tmp, capture_output=True, text=True)
        wall = time.perf_counter() - begin
    if proc.returncode != 0:
        sys.exit(f"run with {steps} steps failed ({proc.returncode}):\n{proc.stderr[-3000:]}")
    line = [ln for ln in proc.stdout.splitlines() if ln.startswith(MARK)][-1]
    result = json.loads(line[len(MARK):])
    # main's total minus its named stages: the work no stage covers (hybrid, evaluation, CSV)
    stages = result["stages_s"]
    result["untimed_s"] = stages["total"] - sum(v for k, v in stages.items()
                                                if k != "total" and not k.startswith("drawn_"))
    # main and its drawing workers: an upper bound of the memory all of them hold at once
    # (peaks may not coincide, and pages a forked worker shares with main count twice)
    result["peak_rss_all_mb"] = result["peak_rss_mb"] + sum(result["workers_peak_rss_mb"])
    return {**result, "process_wall_s": wall}


def median_of(runs: list[dict]) -> dict:
    from statistics import median
    stages = {k: None for run in runs for k in run["stages_s"]}  # union, first-seen order
    return {"stages_s": {k: median(r["stages_s"][k] for r in runs if k in r["stages_s"])
                         for k in stages},
            "untimed_s": median(r["untimed_s"] for r in runs),
            "process_wall_s": median(r["process_wall_s"] for r in runs),
            "peak_rss_mb": median(r["peak_rss_mb"] for r in runs),
            "peak_rss_all_mb": median(r["peak_rss_all_mb"] for r in runs)}


def machine() -> dict:
    import os
    sys.path.insert(0, str(REPO))
    import reporting
    # git_commit ends in "-dirty" when the checkout has uncommitted changes
    return {**reporting.environment(), "cpu_count": os.cpu_count()}


def markdown(medians: dict[int, dict]) -> str:
    seen = {k: None for m in medians.values() for k in m["stages_s"]}
    # known stages in pipeline order, then any new ones main reports, then main's total
    stages = [s for s in KNOWN if s in seen] + [s for s in seen if s not in KNOWN + ["total"]]
    cols = ["steps", *(HEADERS.get(s, s.replace("_", " ")) for s in stages),
            "total (in main)", "process wall", "peak RSS main (MB)", "all processes (MB)"]
    lines = ["| " + " | ".join(cols) + " |", "|" + "---:|" * len(cols)]
    for steps, m in sorted(medians.items()):
        cells = [f"{steps:,}"] + [f"{m['stages_s'][s]:.2f}" if s in m["stages_s"] else "–"
                                  for s in stages]
        cells += [f"{m['stages_s'].get('total', float('nan')):.2f}",
                  f"{m['process_wall_s']:.2f}", f"{m['peak_rss_mb']:.0f}",
                  f"{m['peak_rss_all_mb']:.0f}"]
        lines.append("| " + " | ".join(cells) + " |")
    text = "\n".join(lines) + (
        "\n\nTimes in seconds, median per stage over the repeats. Stages in parentheses are the "
        "drawing workers' time, spent in parallel with main's stages; \"wait for drawing\" is "
        "what is left of it when main is done. \"All processes\" bounds the memory of main "
        "and its two drawing workers together: the sum of their peaks, pages a forked worker "
        "shares with main counted twice.\n")
    if 100_000 in medians and 1_000_000 in medians:
        growth = medians[1_000_000]["process_wall_s"] / medians[100_000]["process_wall_s"]
        text += f"\nProcess wall time from 100k to 1M steps: x{growth:.1f} (linear: x10).\n"
    return text


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    # everything after `--` is main's flags (e.g. `-- --epochs 5`), passed through untouched
    cut = argv.index("--") if "--" in argv else len(argv)
    own, extra = argv[:cut], argv[cut + 1:]
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--repeats", type=int, default=3, help="runs per size (median reported)")
    parser.add_argument("--out-dir", type=Path, default=REPO / "results",
                        help="where benchmark.json and benchmark.md go")
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)  # child mode: steps
    parser.add_argument("--out", help=argparse.SUPPRESS)            # child mode: output folder
    args = parser.parse_args(own)
    if args.one is not None:
        return run_one(args.one, args.out, extra)

    report = {"machine": machine(), "repeats": args.repeats, "main_args": extra, "sizes": {}}
    for steps in args.sizes:
        runs = []
        for i in range(args.repeats):
            runs.append(spawn(steps, extra))
            print(f"{steps:>9,} steps, run {i + 1}/{args.repeats}: "
                  f"{runs[-1]['process_wall_s']:.1f} s", file=sys.stderr)
        report["sizes"][str(steps)] = {"runs": runs, "median": median_of(runs)}
    table = markdown({int(n): s["median"] for n, s in report["sizes"].items()})
    args.out_dir.mkdir(parents=True, exist_ok=True)
    (args.out_dir / "benchmark.json").write_text(json.dumps(report, indent=2) + "\n")
    (args.out_dir / "benchmark.md").write_text(table)
    print(table)


if __name__ == "__main__":
    main()
