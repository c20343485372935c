"""Hybrid Isolation Forest + autoencoder anomaly detection on multivariate cost series.

    python main.py                  # synthetic cost series, every figure, the GIF, metrics
    python main.py --dataset iid    # the original i.i.d. experiment
    python main.py --help           # every option with its default
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from dataclasses import dataclass, fields
from pathlib import Path

REPO = Path(__file__).resolve().parent
DETECTORS = ("isolation_forest", "autoencoder", "hybrid")
# what one run writes (relative to --out); a run removes those an earlier run left behind and it
# did not write itself (e.g. ROC curves after a run without labels)
RUN_OUTPUTS = ("anomaly_detection_comparison.*", "results/cost_series_detections.*",
               "results/roc_pr_curves.*", "results/events.*", "results/scores.csv",
               "results/metrics.json")
GIF_OUTPUTS = ("training_progress.gif", "training_progress/epoch_*.png")


@dataclass(frozen=True)
class Config:
    """Everything that determines a run. Same config + same seed = the same metrics."""

    seed: int = 0
    """seeds the data, the split of i.i.d. rows, the forest and the network"""
    dataset: str = "cost"
    """'cost': synthetic multivariate cost series; 'iid': the original Gaussian experiment"""
    csv: str | None = None
    """run on this CSV file instead of synthetic data (one row per time step)"""
    time_col: str | None = None
    """CSV time column; default: 'timestamp', 'time' or 'date', else a first column of dates,
    else the row order"""
    value_cols: str | None = None
    """comma-separated CSV value columns; default: every other numeric column"""
    label_col: str | None = None
    """CSV column of 0/1 ground truth (optional; without it there is no ROC-AUC)"""
    ffill: bool = False
    """forward-fill missing CSV values instead of stopping with an error"""
    steps: int = 10_000
    """time steps (or i.i.d. samples) to generate"""
    contamination: float = 0.05
    """share of steps inside injected anomaly events"""
    window: int | None = None
    """steps per window; default 24 (one day of hourly data) for cost series, 1 for iid"""
    score_rows: int = 8
    """the autoencoder scores the error of the newest rows of each window only"""
    train_fraction: float = 0.8
    """share of steps for training (the first ones, for a time series)"""
    val_fraction: float = 0.1
    """share of the training windows held out for the validation loss (the last ones)"""
    epochs: int = 50
    """autoencoder training epochs (one GIF frame each)"""
    batch_size: int = 256
    """autoencoder mini-batch size"""
    max_train_windows: int = 100_000
    """the autoencoder trains on at most this many training windows, a seeded random subset
    (only long series have more; 0 = no limit)"""
    lr: float = 3e-3
    """Adam learning rate"""
    hidden: int = 128
    """width of the autoencoder's hidden layers"""
    bottleneck: int = 16
    """width of the autoencoder's bottleneck"""
    trees: int = 100
    """trees in the Isolation Forest"""
    quantile: float = 0.95
    """threshold = this quantile of a detector's training scores"""
    clean_train: bool = True
    """train the autoencoder only on training windows the Isolation Forest does not flag"""
    fusion: str = "max"
    """how the hybrid combines the detectors' robust z-scores: 'max' or 'mean'"""
    channel_score: str = "max"
    """how the autoencoder's score combines its channels' normalised errors: 'max' (the most
    unusual channel) or 'mean'"""
    ablation: bool = False
    """also evaluate random scores, the autoencoder trained on all windows and both fusions"""
    device: str = "auto"
    """'auto' (CUDA if available), 'cpu' or 'cuda'"""
    gif: bool = True
    """render one frame per epoch and the training GIF"""
    out: str = str(REPO)
    """output folder"""

    def __post_init__(self):
        checks = [
            (self.dataset in ("cost", "iid"), "--dataset must be 'cost' or 'iid'"),
            (self.steps > 0, "--steps must be positive"),
            (0 <= self.contamination < 0.5, "--contamination must be in [0, 0.5)"),
            (self.window is None or self.window > 0, "--window must be positive"),
            (self.dataset != "iid" or self.window in (None, 1),
             "--window must be 1 for --dataset iid (its rows have no order)"),
            (self.score_rows > 0, "--score-rows must be positive"),
            (0 < self.train_fraction <= 1, "--train-fraction must be in (0, 1]"),
            (0 <= self.val_fraction < 1, "--val-fraction must be in [0, 1)"),
            (self.epochs > 0, "--epochs must be positive"),
            (self.batch_size > 0, "--batch-size must be positive"),
            (self.max_train_windows >= 0, "--max-train-windows must be 0 or positive"),
            (self.lr > 0, "--lr must be positive"),
            (self.hidden > 0 and self.bottleneck > 0, "--hidden and --bottleneck must be positive"),
            (self.trees > 0, "--trees must be positive"),
            (0 < self.quantile < 1, "--quantile must be in (0, 1)"),
            (self.fusion in ("mean", "max"), "--fusion must be 'mean' or 'max'"),
            (self.channel_score in ("mean", "max"), "--channel-score must be 'mean' or 'max'"),
            (self.device in ("auto", "cpu", "cuda"), "--device must be 'auto', 'cpu' or 'cuda'"),
            (self.csv is not None or (self.time_col, self.value_cols, self.label_col,
                                      self.ffill) == (None, None, None, False),
             "--time-col, --value-cols, --label-col and --ffill need --csv"),
            (self.value_cols is None or all(self.value_col_list),
             "--value-cols must be a comma-separated list of column names"),
            (self.value_cols is None or len(set(self.value_col_list)) == len(self.value_col_list),
             "--value-cols names a column twice"),
        ]
        for ok, message in checks:
            if not ok:
                raise ValueError(message)

    @property
    def effective_window(self) -> int:
        return self.window or (1 if self.dataset == "iid" and not self.csv else 24)

    @property
    def value_col_list(self) -> list[str] | None:
        return None if self.value_cols is None else [
            c.strip() for c in self.value_cols.split(",")]


def parse_args(argv: list[str] | None = None) -> tuple[Config, list[int] | None, int]:
    """A flag per Config field, its docstring as help, its default shown; plus ``--seeds`` and
    ``--jobs`` for a sweep. Returns (config, seeds or None, jobs)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[1],
                                     formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    parser.add_argument("--seeds", type=int, nargs="+", default=None, metavar="SEED",
                        help="run every seed (with --ablation) and write the summary tables")
    parser.add_argument("--jobs", type=int, default=1,
                        help="seeds run in parallel (joblib; -1 = all cores)")
    docs = _field_docs()
    for f in fields(Config):
        flag = "--" + f.name.replace("_", "-")
        if f.type in ("bool", bool):
            parser.add_argument(flag, action=argparse.BooleanOptionalAction, default=f.default,
                                help=docs[f.name])
        else:
            kind = {"int": int, "float": float, "str": str, "int | None": int,
                    "str | None": str}[str(f.type)]
            parser.add_argument(flag, type=kind, default=f.default, help=docs[f.name],
                                metavar=f.name.upper())
    args = vars(parser.parse_args(argv))
    seeds, jobs = args.pop("seeds"), args.pop("jobs")
    if jobs == 0:
        raise ValueError("--jobs must not be 0")
    if seeds and len(set(seeds)) != len(seeds):
        raise ValueError("--seeds names a seed twice")
    return Config(**args), seeds, jobs


def _field_docs() -> dict[str, str]:
    """The string under each Config field (attribute docstrings are not kept at run time)."""
    import ast
    import inspect
    body = ast.parse(inspect.getsource(Config)).body[0].body
    docs = {}
    for node, after in zip(body, body[1:]):
        if isinstance(node, ast.AnnAssign) and isinstance(after, ast.Expr):
            docs[node.target.id] = after.value.value
    return docs


def main(config: Config, verbose: bool = True, out: str | Path | None = None,
         draw_in_background: bool = True) -> dict:
    """Run the whole method once; write figures, GIF and results under ``out`` (default
    ``config.out``; a sweep passes its staging folder here, and the config keeps the real one).

    Outputs are written into a staging folder and moved into place only when the run has
    finished, so a bad input or an interrupted run never changes an earlier run's outputs.
    Figures and the GIF are drawn by worker processes while the main process works on
    (``background.py``); ``draw_in_background=False`` draws them in this process.
    """
    from reporting import Stopwatch
    clock = Stopwatch()
    with clock("imports"):  # here, not at the top: `--help` and flag errors stay instant
        import background
        import reporting

    # 1. Data: a seeded synthetic series with labels and anomaly kinds, or the user's CSV.
    with clock("data"):
        series = load_series(config)
    if verbose and config.csv:  # say which columns were taken, so a wrong guess is seen
        print(f"{Path(config.csv).name}: {len(series.values)} rows; values: "
              f"{', '.join(series.channels)}; labels: {config.label_col or 'none'}")
    out = Path(out or config.out)
    owned = RUN_OUTPUTS + (GIF_OUTPUTS if config.gif else ())  # --no-gif keeps an earlier GIF
    with reporting.ctrl_c_guard(), reporting.staged_outputs(out, owned) as stage, \
            background.Painter(draw_in_background) as painter:
        return run(config, series, stage, out, clock, verbose, painter)


def load_series(config: Config):
    """The series of ``config``: the user's CSV or a synthetic one; at least one full window."""
    import dataset
    if config.csv:
        import csv_series
        series = csv_series.load_csv(config.csv, config.time_col, config.value_col_list,
                                     config.label_col, config.ffill)
        source = f"{Path(config.csv).name} has {len(series.values)} rows"
    else:
        make = dataset.make_cost_series if config.dataset == "cost" else dataset.make_iid
        series = make(config.steps, config.contamination, config.seed)
        source = f"the series has {len(series.values)} steps"
    W = config.effective_window
    if len(series.values) < W + 1:
        raise ValueError(f"{source}; --window {W} needs at least {W + 1}")
    return series


def run(config: Config, series, out: Path, final_out: Path, clock, verbose: bool,
        painter) -> dict:
    """Steps 2-10 of the method on ``series``; files go to ``out``, messages name ``final_out``,
    figures are drawn by ``painter`` (a ``background.Painter``)."""
    with clock("imports"):
        import numpy as np

        import detectors
        import evaluation
        import events
        import network
        import preprocessing
        import reporting

        # counted as imports: asking for deterministic kernels imports torch._dynamo (0.8 s)
        device = network.resolve_device(config.device)
        network.seed_everything(config.seed)
    W = config.effective_window
    labelled = series.labels is not None

    # 2-3. Split (chronological for a time series), scale on the training part, window.
    with clock("windows"):
        split = preprocessing.split_steps(len(series.values), W, config.train_fraction,
                                          series.is_time_series, config.seed)
        scaler = preprocessing.fit_scaler(series.values, split, series.channels)
        windows = preprocessing.make_windows(scaler.transform(series.values), W)
        win_split = split[W - 1:]                    # the split of the step each window ends at
        is_train, is_test = win_split == preprocessing.TRAIN, win_split == preprocessing.TEST
        if not is_train.any():
            raise ValueError("no training windows: raise --train-fraction or --steps")
        labels = series.labels[W - 1:] if labelled else None

    # 4. Isolation Forest on the training windows.
    with clock("isolation_forest"):
        scores = {"isolation_forest": detectors.isolation_forest_scores(
            windows[is_train], windows, config.seed, config.trees)}

    # 5. Autoencoder on the training windows (those the forest flags left out), one GIF frame
    #    recorded per epoch.
    with clock("autoencoder"):
        ae_train = is_train.copy()
        if config.clean_train:
            forest_scores = scores["isolation_forest"]
            ae_train &= forest_scores <= detectors.threshold(forest_scores[is_train],
                                                             config.quantile)
        autoencoder = train_and_score_autoencoder(config, windows, ae_train, is_train, is_test,
                                                  labels, device, painter, out)
        scores["autoencoder"] = autoencoder["scores"]

    # 6. Hybrid: robust z-scores from each detector's training scores, fused.
    standardised = [detectors.robust_zscore(scores[d], scores[d][is_train])
                    for d in ("isolation_forest", "autoencoder")]
    scores["hybrid"] = detectors.fuse(standardised, config.fusion)
    if config.ablation:
        with clock("ablation"):
            scores.update(ablation_scores(config, windows, is_train, is_test, labels, device,
                                          scores, standardised, autoencoder))

    # 7. Thresholds from the training scores; flags everywhere.
    thresholds = {d: detectors.threshold(scores[d][is_train], config.quantile) for d in scores}
    flags = {d: scores[d] > thresholds[d] for d in scores}

    # 8. Evaluation on the test part (on all steps when everything trains).
    evaluated = is_test if is_test.any() else is_train
    if labelled:
        kinds = series.kinds[W - 1:][evaluated]
        all_results = {d: evaluation.evaluate(labels[evaluated], scores[d][evaluated],
                                              flags[d][evaluated], thresholds[d], kinds)
                       for d in scores}
    else:
        all_results = {d: evaluation.flag_summary(flags[d][evaluated], thresholds[d])
                       for d in scores}
    # The channel each step's error falls on (the hybrid's attribution is the autoencoder's),
    # checked against the channel the generator put each event in.
    shares = autoencoder["shares"]
    if labelled and (series.event_channel >= 0).any():
        for d in ("autoencoder", "hybrid"):
            all_results[d]["attribution"] = events.attribution_accuracy(
                labels[evaluated], kinds, series.event_channel[W - 1:][evaluated],
                flags[d][evaluated], shares[evaluated])
    results = {d: all_results[d] for d in DETECTORS}
    both_classes = labelled and len(np.unique(labels[evaluated])) == 2

    # 9. Figures (drawn by the painter's workers while this process goes on) and tables.
    x = (series.timestamps if series.is_time_series else np.arange(len(split)))[W - 1:]
    results_dir = out / "results"
    results_dir.mkdir(parents=True, exist_ok=True)
    part = "test part" if is_test.any() else "all steps"
    test_scores = {d: scores[d][evaluated] for d in DETECTORS}
    painter.figure("plot_score_comparison", out / "anomaly_detection_comparison",
                   x[evaluated], test_scores, labels[evaluated] if labelled else None,
                   thresholds, part, config.quantile)
    if series.is_time_series:
        painter.figure("plot_series", results_dir / "cost_series_detections", x[evaluated],
                       series.values[W - 1:][evaluated], series.channels,
                       labels[evaluated] if labelled else None, flags["hybrid"][evaluated],
                       series.event_channel[W - 1:][evaluated] if labelled else None,
                       after_frames=True)
    if both_classes:
        painter.figure("plot_roc_pr", results_dir / "roc_pr_curves", labels[evaluated],
                       test_scores, after_frames=True)

    # 10. Events: runs of consecutive hybrid flags, strongest first, with their channel.
    event_table = None
    with clock("events"):
        if series.is_time_series:
            steps = np.arange(W - 1, len(split))
            event_table = events.flagged_events(
                flags["hybrid"][evaluated], scores["hybrid"][evaluated], shares[evaluated],
                series.channels, x[evaluated], steps[evaluated],
                {d: flags[d][evaluated] for d in ("isolation_forest", "autoencoder")},
                series.kinds[W - 1:][evaluated] if labelled else None)
            event_table.to_csv(results_dir / "events.csv", index=False, float_format="%.6g")
            if len(event_table):
                painter.figure("plot_events", results_dir / "events", event_views(
                    event_table, series, windows, scaler, autoencoder["model"], labelled))

    with clock("outputs"):
        pad = np.full(W - 1, np.nan)
        reporting.write_scores(
            results_dir / "scores.csv", series.timestamps, split, series.labels, series.kinds,
            {d: np.concatenate([pad, scores[d]]) for d in DETECTORS},
            {d: np.concatenate([pad, flags[d]]) for d in DETECTORS}, series.channels,
            np.concatenate([np.full((W - 1, len(series.channels)), np.nan), shares]))
    with clock("drawing"):  # what is left of the workers' drawing when this process is done
        drawn = painter.wait()
        workers_rss = painter.peak_rss_mb()
    timings = {**clock.finish(), **{f"drawn_{k}": v for k, v in drawn.items()}}
    history = autoencoder["history"]
    extra = {"training": {"train_loss": history.train_loss, "val_loss": history.val_loss},
             "drawing_workers_peak_rss_mb": workers_rss}
    if config.ablation:
        extra["ablation"] = all_results
    reporting.write_metrics(results_dir / "metrics.json", config,
                            reporting.provenance(config.seed, str(device)), timings, results,
                            extra)

    if verbose:
        if not labelled:
            print("note: no --label-col: scores and flags only, no ROC-AUC")
        elif not both_classes:
            print(f"note: the {part} has one class only: no ROC-AUC, AP or ROC/PR figure")
        if labelled:
            print(evaluation.report(labels[evaluated], flags["hybrid"][evaluated]))
        print(evaluation.table(all_results))
        if event_table is not None:
            print(events.format_top(event_table))
        print(f"total {timings['total']:.1f} s; outputs in {final_out}")
    return {"detectors": results, "ablation": all_results if config.ablation else None,
            "timings_s": timings, "drawing_workers_peak_rss_mb": workers_rss}


def event_views(table, series, windows, scaler, model, labelled: bool, n: int = 4,
                context: int = 72) -> list[dict]:
    """What the events figure shows for the ``n`` strongest events: ``context`` steps around
    each, every channel's values and the autoencoder's reconstruction of each step (the newest
    row of its window), in the data's own units."""
    import numpy as np

    import network

    W = windows.shape[1]
    views = []
    for event in table.head(n).itertuples():
        first = max(W - 1, event.start_step - context)
        last = min(len(series.values) - 1, event.end_step + context)
        steps = np.arange(first, last + 1)
        newest_rows = network.reconstruct(model, windows[steps - (W - 1)])[:, -1]
        x = series.timestamps[steps]
        views.append({
            "x": x, "values": series.values[steps],
            "reconstruction": scaler.inverse_transform(newest_rows),
            "channel": series.channels.index(event.top_channel),
            "span": (event.start_step - first, event.end_step - first),  # rows of x, inclusive
            "truth": series.labels[steps] if labelled else None,
            "title": f"{event.top_channel}: {event.duration} step"
                     f"{'s' if event.duration > 1 else ''} from {event.start}, "
                     f"peak score {event.peak_score:.1f}, {event.top_share:.0%} of the error",
        })
    return views


def ablation_scores(config: Config, windows, is_train, is_test, labels, device, scores,
                    standardised, autoencoder) -> dict:
    """The rows of the ablation table that the default run does not need.

    Random scores (the floor), the autoencoder trained on *all* training windows and on the
    windows the forest does not flag, the default autoencoder with its channels' errors
    averaged and maximised, and the hybrid fused by mean and by max.
    """
    import dataclasses

    import numpy as np

    import detectors

    rng = np.random.default_rng([config.seed, 3])
    rows = {"random": rng.random(len(windows))}
    other_clean = not config.clean_train
    other_train = is_train.copy()
    if other_clean:
        forest = scores["isolation_forest"]
        other_train &= forest <= detectors.threshold(forest[is_train], config.quantile)
    quiet = dataclasses.replace(config, gif=False)
    other = train_and_score_autoencoder(quiet, windows, other_train, is_train, is_test,
                                        labels, device)["scores"]
    cleaned, everything = (other, scores["autoencoder"]) if other_clean else \
        (scores["autoencoder"], other)
    rows["autoencoder_all"] = everything
    rows["autoencoder_cleaned"] = cleaned
    for how in ("mean", "max"):
        rows[f"autoencoder_channel_{how}"] = autoencoder["by_channel"][how]
    for how in ("mean", "max"):
        rows[f"hybrid_{how}"] = detectors.fuse(standardised, how)
    return rows


def train_and_score_autoencoder(config: Config, windows, ae_train, is_train, is_test, labels,
                                device, painter=None, out: Path | None = None) -> dict:
    """Train on the ``ae_train`` windows (the last ``val_fraction`` held out), score every window.

    The per-channel error scale comes from the ``ae_train`` windows, the frames' thresholds from
    all training windows (``is_train``), as every detector's threshold does.

    With ``--gif`` and a ``painter``, each epoch's frame (the test scores and threshold as they
    are at that epoch, and the losses) is drawn into ``out``/training_progress while training
    goes on, and the GIF after the last epoch.

    Returns a dict: ``history`` (losses), ``scores`` (N,), ``by_channel`` (the scores with
    either channel reduction, for the ablation), ``shares`` (N, C: each channel's share of the
    error), ``model`` and ``scale``.
    """
    import numpy as np

    import detectors
    import network

    train_idx = np.flatnonzero(ae_train)
    if 0 < config.max_train_windows < len(train_idx):
        # a bounded sample keeps an epoch's cost independent of the series' length, as the
        # forest's max_samples does for its trees; sorted, so the validation part stays last
        rng = np.random.default_rng([config.seed, 4])
        train_idx = np.sort(rng.choice(train_idx, config.max_train_windows, replace=False))
    n_val = int(config.val_fraction * len(train_idx))
    fit_idx, val_idx = train_idx[:len(train_idx) - n_val], train_idx[len(train_idx) - n_val:]
    _, width, n_channels = windows.shape
    model = network.Autoencoder(width * n_channels, config.hidden, config.bottleneck,
                                config.seed).to(device)
    rows = min(config.score_rows, width)

    on_epoch = None
    if config.gif and painter is not None:
        # fixed subsamples of 2000 windows keep the per-epoch scoring cheap (enough for a
        # histogram and a frame's threshold); with no test part (train fraction 1) the frames
        # show the training windows
        rng = np.random.default_rng([config.seed, 2])
        shown = np.flatnonzero(is_test) if is_test.any() else np.flatnonzero(is_train)
        shown = np.sort(rng.permutation(shown)[:2000])
        reference = np.sort(rng.permutation(np.flatnonzero(is_train))[:2000])
        painter.frames_start(config.epochs, labels[shown] if labels is not None else None,
                             "test" if is_test.any() else "all", out / "training_progress",
                             config.quantile)

        def on_epoch(epoch, history):
            ref_newest, ref_whole = network.channel_errors(model, windows[reference], rows)
            scale = detectors.channel_error_scale(ref_whole[ae_train[reference]], width)
            ref_scores = detectors.autoencoder_scores(ref_newest, scale, rows,
                                                      config.channel_score)
            shown_newest, _ = network.channel_errors(model, windows[shown], rows)
            painter.frame(detectors.autoencoder_scores(shown_newest, scale, rows,
                                                       config.channel_score),
                          detectors.threshold(ref_scores, config.quantile),
                          history.train_loss[-1],
                          history.val_loss[-1] if history.val_loss else None)

    history = network.train_autoencoder(
        model, windows[fit_idx], windows[val_idx], epochs=config.epochs,
        batch_size=config.batch_size, lr=config.lr, seed=config.seed, device=device,
        on_epoch=on_epoch)
    if on_epoch is not None:
        painter.frames_finish(out / "training_progress.gif")
    newest, whole = network.channel_errors(model, windows, rows)
    scale = detectors.channel_error_scale(whole[ae_train], width)
    by_channel = {how: detectors.autoencoder_scores(newest, scale, rows, how)
                  for how in ("mean", "max")}
    return {"history": history, "model": model, "scale": scale,
            "scores": by_channel[config.channel_score], "by_channel": by_channel,
            "shares": detectors.channel_shares(newest, scale)}


def sweep(config: Config, seeds: list[int], jobs: int) -> dict:
    """Every seed with the ablation rows; summary.json and the tables in ``results/``.

    The whole sweep is staged like a single run: nothing in ``config.out`` changes before every
    seed has finished.
    """
    import network
    import reporting
    import summary

    if config.csv and not config.label_col:
        raise ValueError("--seeds compares detectors against labels: add --label-col")
    load_series(config)  # a bad input fails here, before any seed starts
    owned = RUN_OUTPUTS + (GIF_OUTPUTS if config.gif else ()) + (
        "results/summary.json", "results/results.*", "results/seeds/**/*")
    with reporting.ctrl_c_guard(), reporting.staged_outputs(Path(config.out), owned) as stage:
        per_seed = summary.run_seeds(config, seeds, jobs, stage)
        result = summary.aggregate(per_seed)
        provenance = reporting.provenance(seeds[0],
                                          str(network.resolve_device(config.device)))
        provenance["seeds"] = seeds
        summary.write(result, stage / "results", provenance, config)
    print(summary.markdown(result))
    return result


def cli(argv: list[str] | None = None, fast_exit: bool = False) -> int:
    """The command line: 0 on success; 2 with one ``error:`` line for bad flags or input;
    130 on Ctrl-C. Earlier outputs are left as they were on every failure.

    With ``fast_exit`` a finished single run ends the process at once: every output is written,
    closed and moved into place by then, and Python's orderly teardown (freeing torch's and
    pandas' modules) would take another 0.7 s on 2 cores. A sweep exits normally, so that
    joblib cleans up after its workers.
    """
    try:
        config, seeds, jobs = parse_args(argv)
        if seeds:
            sweep(config, seeds, jobs)
        else:
            main(config)
            # not under a profiler or coverage tool, whose reports need the orderly exit
            if fast_exit and sys.getprofile() is None and sys.gettrace() is None:
                try:
                    sys.stdout.flush()
                    sys.stderr.flush()
                finally:
                    os._exit(0)
    except ValueError as err:  # bad flags or input (csv_series.InputError is one)
        print(f"error: {err}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("error: interrupted; the outputs of earlier runs are unchanged", file=sys.stderr)
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(cli(fast_exit=True))
