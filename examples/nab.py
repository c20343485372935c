"""Worked example on real data: three series of the Numenta Anomaly Benchmark (NAB).

For each series in ``examples/nab/`` this labels the rows from NAB's anomaly windows
(``nab_labels.py``), runs ``main.py`` on the labelled CSV, fitted on the whole series in windows
of 16 steps, and collects the detectors' ROC-AUC / average precision next to PyOD reference
figures in ``<out>/results.md``.

    python examples/nab.py                                   # all three series
    python examples/nab.py --series nyc_taxi --epochs 5      # one series, quicker
    python examples/nab.py --no-gif --device cpu             # unknown options go to main.py

Writes ``<out>/data/<series>.csv`` (labelled input), ``<out>/<series>/`` (main.py's outputs,
metrics in ``results/metrics.json``) and ``<out>/results.md``; ``<out>`` is ``results/nab``.
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

from nab_labels import NAB, convert

REPO = Path(__file__).resolve().parent.parent
SERIES = ("machine_temperature_system_failure", "ambient_temperature_system_failure", "nyc_taxi")
WINDOW = 16  # the window the reference figures below were computed with

# PyOD reference figures (ROC-AUC, average precision) distributed with the NAB copy this example
# was taken from: each PyOD detector fitted on all windows of length 16 of the min-max scaled
# series, scored point-wise against NAB's window labels. Random scores give about 0.5 / 0.10.
REFERENCE = {
    "machine_temperature_system_failure": {"IForest": (0.844, 0.586), "AutoEncoder": (0.808, 0.430),
                                           "ECOD": (0.804, 0.366)},
    "ambient_temperature_system_failure": {"IForest": (0.744, 0.352), "AutoEncoder": (0.657, 0.188),
                                           "ECOD": (0.820, 0.393)},
    "nyc_taxi": {"IForest": (0.553, 0.187), "AutoEncoder": (0.472, 0.158),
                 "ECOD": (0.490, 0.155)},
}
OURS = {"isolation_forest": "IF", "autoencoder": "AE", "hybrid": "hybrid"}


def run_series(series: str, out: Path, main_args: list[str]) -> dict:
    """Label one series, run main.py on it, return its ``detectors`` metrics."""
    labelled = out / "data" / f"{series}.csv"
    convert(NAB / "data" / "realKnownCause" / f"{series}.csv", labelled)
    command = [sys.executable, "main.py", "--csv", short(labelled),
               "--label-col", "label", "--train-fraction", "1.0", "--window", str(WINDOW),
               "--out", short(out / series), *main_args]
    print("$", " ".join(command), flush=True)
    status = subprocess.run(command, cwd=REPO).returncode
    if status != 0:  # main.py has printed why; its traceback is the useful one, not ours
        sys.exit(f"main.py failed on {series} (exit status {status})")
    metrics = json.loads((out / series / "results" / "metrics.json").read_text())
    return metrics["detectors"]


def short(path: Path) -> str:
    """``path`` relative to the repository (main.py's working folder) when inside it, so that
    metrics.json records ``results/nab/...`` rather than this machine's absolute path."""
    return str(path.relative_to(REPO)) if path.is_relative_to(REPO) else str(path)


def pair(auc: float | None, ap: float | None) -> str:
    # main.py reports None when the evaluated part has one class only.
    return " / ".join("n/a" if v is None else f"{v:.3f}" for v in (auc, ap))


def table(results: dict[str, dict]) -> str:
    refs = ("IForest", "AutoEncoder", "ECOD")
    lines = ["| series | " + " | ".join(f"{name} (ours)" for name in OURS.values())
             + " | " + " | ".join(f"PyOD {name}" for name in refs) + " |",
             "|---" * (1 + len(OURS) + len(refs)) + "|"]
    for series, detectors in results.items():
        ours = [pair(detectors[d]["roc_auc"], detectors[d]["average_precision"]) for d in OURS]
        theirs = [pair(*REFERENCE[series][name]) for name in refs]
        lines.append(f"| {series} | " + " | ".join(ours + theirs) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    # No abbreviations: an unknown option is passed on to main.py, so a prefix must not be
    # silently taken for one of ours.
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0], allow_abbrev=False,
                                     epilog="Any other option (e.g. --epochs 5, --seed 1, "
                                            "--no-gif) is passed on to main.py.")
    parser.add_argument("--series", nargs="+", choices=SERIES, default=list(SERIES),
                        metavar="SERIES", help="which series to run (default: all three: "
                                               + ", ".join(SERIES) + ")")
    parser.add_argument("--out", default=str(REPO / "results" / "nab"),
                        help="output root (default: results/nab in the repository)")
    args, main_args = parser.parse_known_args(argv)
    out = Path(args.out).resolve()

    results = {series: run_series(series, out, main_args) for series in args.series}
    text = (f"# NAB worked example\n\n"
            f"ROC-AUC / average precision, point-wise against NAB's anomaly windows; each detector "
            f"fitted on all windows of {WINDOW} steps of the min-max scaled series "
            f"(`--train-fraction 1.0 --window {WINDOW}`"
            + (f" `{' '.join(main_args)}`" if main_args else "") + "). "
            f"PyOD columns: reference figures for the same setup. Random scores: about 0.5 / 0.10."
            f"\n\n{table(results)}\n")
    (out / "results.md").write_text(text)
    print(f"\n{table(results)}\n\nwritten to {out / 'results.md'}")


if __name__ == "__main__":
    main()
