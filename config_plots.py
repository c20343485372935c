"""Figure style, the per-epoch training frames and their GIF, and the result figures.

Every function takes data and a path, writes its file(s) and closes its figure; nothing happens
at import time except choosing the headless Agg backend.
"""
from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # headless, always: no window, no display needed

import imageio.v3 as iio  # noqa: E402
import matplotlib.dates  # noqa: E402
from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402
from matplotlib.patches import Rectangle  # noqa: E402
import numpy as np  # noqa: E402
import seaborn as sns  # noqa: E402
from matplotlib import font_manager  # noqa: E402
from sklearn.metrics import precision_recall_curve, roc_curve  # noqa: E402

from evaluation import events  # noqa: E402

PREFERRED_SERIFS = ("Times New Roman", "Nimbus Roman", "TeX Gyre Termes", "Liberation Serif",
                    "DejaVu Serif")
_PALETTE = sns.color_palette("colorblind")
COLORS = {"normal": "#8c8c8c", "anomaly": _PALETTE[3], "isolation_forest": _PALETTE[0],
          "autoencoder": _PALETTE[1], "hybrid": _PALETTE[2], "threshold": "#222222"}
LABELS = {"isolation_forest": "Isolation Forest", "autoencoder": "Autoencoder",
          "hybrid": "Hybrid"}
COLUMN_WIDTH = 3.5  # inches: one column of a two-column paper
FULL_WIDTH = 7.0


def setup_style() -> None:
    """Paper style: serif text at 8 pt, TrueType fonts in PDFs, no missing-font warnings.

    The first installed font of ``PREFERRED_SERIFS`` is named explicitly, so matplotlib never
    searches for (and warns about) one that is missing.
    """
    installed = {f.name for f in font_manager.fontManager.ttflist}
    serif = next((name for name in PREFERRED_SERIFS if name in installed), None)
    sns.set_theme(context="paper", style="whitegrid", palette="colorblind")
    matplotlib.rcParams.update({
        "font.family": "serif" if serif else "sans-serif",
        "font.serif": [serif] if serif else matplotlib.rcParams["font.serif"],
        "mathtext.fontset": "dejavuserif",
        "font.size": 8, "axes.titlesize": 8, "axes.labelsize": 8, "legend.fontsize": 7,
        "xtick.labelsize": 7, "ytick.labelsize": 7,
        "axes.spines.top": False, "axes.spines.right": False,
        "axes.grid": True, "grid.alpha": 0.3, "grid.linewidth": 0.5,
        "lines.linewidth": 1.0, "legend.frameon": False,
        "pdf.fonttype": 42, "ps.fonttype": 42,  # TrueType, as journals and LaTeX expect
        "savefig.bbox": "tight", "savefig.dpi": 200,
    })


def _figure(**kwargs) -> Figure:
    """A figure of its own, outside pyplot's global state, so that figures drawn in threads of
    one process (seed sweeps on a Dask worker) cannot interfere."""
    fig = Figure(**kwargs)
    FigureCanvasAgg(fig)
    return fig


def save(fig: Figure, stem: Path) -> list[Path]:
    """Write ``stem``.png and ``stem``.pdf."""
    paths = [stem.with_suffix(".png"), stem.with_suffix(".pdf")]
    for path in paths:
        # no creation date in PDFs, so the same run writes the same bytes
        fig.savefig(path, metadata={"CreationDate": None} if path.suffix == ".pdf" else None)
    return paths


# --------------------------------------------------------------------------- training frames
class TrainingFrames:
    """Draws each epoch's frame as soon as the epoch is recorded, so frames can be drawn while
    the network trains (in a worker process, see ``background.py``).

    The axes do not depend on the epoch: scores are shown relative to that epoch's threshold
    (log10(score / threshold), so the threshold is always at 0 and the range is fixed), and the
    loss axis only widens when a loss leaves it. Only the changing artists are redrawn on a
    saved background (blitting), which keeps a frame to a few milliseconds.
    """

    SCORE_RANGE = (-1.25, 1.25)  # decades below and above the threshold

    def __init__(self, n_epochs: int, labels: np.ndarray | None, part: str, folder: Path,
                 quantile: float = 0.95, dpi: int = 110):
        self.n_epochs, self.folder = n_epochs, folder
        self.anomalous = None if labels is None else labels.astype(bool)
        self.edges = np.linspace(*self.SCORE_RANGE, 61)
        self.train_loss: list[float] = []
        self.val_loss: list[float] = []
        self.paths: list[Path] = []  # frames stay on disk, so memory does not grow with epochs
        folder.mkdir(parents=True, exist_ok=True)

        self.fig = _figure(figsize=(FULL_WIDTH, 2.6), dpi=dpi)
        self.ax_hist, self.ax_loss = self.fig.subplots(1, 2,
                                                       gridspec_kw={"width_ratios": [1.4, 1]})
        ax = self.ax_hist
        zeros = np.zeros(len(self.edges) - 1)
        labelled = labels is not None
        self.stairs = [ax.stairs(zeros, self.edges, fill=True, alpha=0.5, color=COLORS["normal"],
                                 label="normal" if labelled else f"{part} windows",
                                 animated=True)]
        if labelled:
            self.stairs.append(ax.stairs(zeros, self.edges, fill=True, alpha=0.5,
                                         color=COLORS["anomaly"], label="anomalous",
                                         animated=True))
        ax.axvline(0.0, ls="--", color=COLORS["threshold"], lw=0.8,
                   label=f"threshold ({quantile:.0%} of train)")
        ax.set(xlim=self.SCORE_RANGE, ylim=(0, 1.0), ylabel="density",
               xlabel=r"$\log_{10}$(autoencoder score / threshold)",
               title=f"Reconstruction errors, {part} windows")
        ax.legend(loc="upper right")
        # a marker on the newest point, so that epoch 1 (a single point) is visible too
        self.train_line, = self.ax_loss.plot([], [], color=COLORS["autoencoder"], label="train",
                                             marker="o", ms=3, markevery=[-1], animated=True)
        self.val_line, = self.ax_loss.plot([], [], color=COLORS["isolation_forest"],
                                           label="validation", marker="o", ms=3,
                                           markevery=[-1], animated=True)
        self.ax_loss.set(xlim=(0.5, n_epochs + 0.5), yscale="log", ylim=(1e-3, 1.0),  # for now
                         xlabel="epoch",
                         ylabel="MSE (min-max units)", title="Loss")
        self.ax_loss.legend(loc="upper right")
        self.epoch_text = self.fig.suptitle("", fontsize=9, animated=True)
        self.fig.tight_layout()
        self.background = None

    def _density(self, relative: np.ndarray) -> np.ndarray:
        counts, _ = np.histogram(np.clip(relative, *self.SCORE_RANGE), bins=self.edges)
        return counts / max(counts.sum(), 1) / np.diff(self.edges)

    def add(self, scores: np.ndarray, threshold: float, train_loss: float,
            val_loss: float | None) -> None:
        """Draw and write the next epoch's frame (``epoch_001.png``, ...)."""
        self.train_loss.append(train_loss)
        if val_loss is not None:
            self.val_loss.append(val_loss)
        relative = np.log10(np.maximum(scores, 1e-12) / max(threshold, 1e-12))
        groups = [~self.anomalous, self.anomalous] if self.anomalous is not None else \
            [np.ones(len(relative), bool)]
        densities = [self._density(relative[g]) for g in groups]
        losses = self.train_loss + self.val_loss
        # Axes start with room (the loss usually falls by one or two decades) and widen only
        # when a frame leaves them; the background is then redrawn once.
        peak = max(d.max() for d in densities)
        if self.background is None:
            self.ax_hist.set_ylim(0, peak * 1.6)
            self.ax_loss.set_ylim(min(losses) / 100, max(losses) * 1.5)
        lo, hi = self.ax_loss.get_ylim()
        if self.background is None or peak > self.ax_hist.get_ylim()[1] or min(losses) < lo \
                or max(losses) > hi:
            self.ax_hist.set_ylim(0, max(peak * 1.3, self.ax_hist.get_ylim()[1]))
            self.ax_loss.set_ylim(min(min(losses) / 3, lo), max(max(losses) * 1.5, hi))
            self.fig.canvas.draw()
            self.background = self.fig.canvas.copy_from_bbox(self.fig.bbox)
        self.fig.canvas.restore_region(self.background)
        for stairs, density in zip(self.stairs, densities):
            stairs.set_data(density)
        epochs = np.arange(1, len(self.train_loss) + 1)
        self.train_line.set_data(epochs, self.train_loss)
        self.val_line.set_data(epochs[:len(self.val_loss)], self.val_loss)
        self.epoch_text.set_text(f"epoch {len(self.train_loss)} / {self.n_epochs}")
        for artist in (*self.stairs, self.train_line, self.val_line):
            artist.axes.draw_artist(artist)
        self.fig.draw_artist(self.epoch_text)
        frame = np.asarray(self.fig.canvas.buffer_rgba())[..., :3].copy()
        path = self.folder / f"epoch_{len(self.train_loss):03d}.png"
        iio.imwrite(path, frame, compress_level=3)
        self.paths.append(path)

    def finish(self, gif: Path | None) -> None:
        """Stitch the frames into ``gif`` unless it is None."""
        if gif is not None and self.paths:
            write_gif([iio.imread(path) for path in self.paths], gif)


def write_gif(frames: list[np.ndarray], path: Path, seconds_per_frame: float = 0.15) -> None:
    """Stitch the frames of this run into a looping GIF; the last frame is held longer."""
    durations = [seconds_per_frame * 1000] * len(frames)
    durations[-1] = 2000
    iio.imwrite(path, np.stack(frames), duration=durations, loop=0)


# --------------------------------------------------------------------------- result figures
def plot_score_comparison(stem: Path, x: np.ndarray, scores: dict[str, np.ndarray],
                          labels: np.ndarray | None, thresholds: dict[str, float],
                          part: str = "test part", quantile: float = 0.95) -> list[Path]:
    """One panel per detector: its scores over time, true anomalies in red (with labels), its
    threshold. ``part`` names the steps shown in the axis label."""
    fig = _figure(figsize=(FULL_WIDTH, 1.55 * len(scores)))
    axes = fig.subplots(len(scores), 1, sharex=True)
    anomalous = labels.astype(bool) if labels is not None else np.zeros(len(x), bool)
    for ax, (name, score) in zip(np.atleast_1d(axes), scores.items()):
        ax.scatter(x[~anomalous], score[~anomalous], s=1.5, color=COLORS["normal"],
                   label="normal" if labels is not None else "score", rasterized=True,
                   linewidths=0)
        if labels is not None:
            ax.scatter(x[anomalous], score[anomalous], s=3, color=COLORS["anomaly"],
                       label="anomaly (truth)", rasterized=True, linewidths=0)
        ax.axhline(thresholds[name], color=COLORS["threshold"], ls="--", lw=0.8,
                   label=f"threshold ({quantile:.0%} of train)")
        # heavy tails (anomalies orders of magnitude above the bulk) need a log axis to show
        # the bulk; z-scores can be negative, so they get a symmetric log
        q25, q75, top = np.percentile(score, [25, 75, 99.9])
        if top - q75 > 30 * max(q75 - q25, 1e-12):
            if score.min() > 0:
                ax.set_yscale("log")
            else:
                linthresh = max(q75 - q25, 1e-3)
                ax.set_yscale("symlog", linthresh=linthresh)
                # autoscaling pads a symlog axis by decades below the smallest (negative) score
                ax.set_ylim(bottom=score.min() - linthresh)
        ax.set_ylabel("score")
        ax.set_title(LABELS.get(name, name), loc="left")
    np.atleast_1d(axes)[0].legend(loc="lower right", bbox_to_anchor=(1, 1.0), ncols=3,
                                  markerscale=4)
    np.atleast_1d(axes)[-1].set_xlabel(f"time ({part})" if x.dtype.kind == "M" else
                                       f"sample ({part})")
    fig.autofmt_xdate() if x.dtype.kind == "M" else None
    fig.tight_layout()
    return save(fig, stem)


def plot_series(stem: Path, x: np.ndarray, values: np.ndarray, channels: tuple[str, ...],
                labels: np.ndarray | None, flags: np.ndarray,
                event_channel: np.ndarray | None = None) -> list[Path]:
    """Each channel over time, true anomaly spans shaded, the hybrid's flags as a rug below.

    With ``event_channel`` (the channel each true event affects) a span is shaded only in the
    channel it affects; without it, in every channel.
    """
    n = len(channels)
    if event_channel is not None and not (event_channel >= 0).any():
        event_channel = None  # labels without channels (a user's CSV): shade every channel
    fig = _figure(figsize=(FULL_WIDTH, 0.95 * n + 0.6))
    axes = fig.subplots(n, 1, sharex=True)
    axes = np.atleast_1d(axes)
    truth_spans = events(labels) if labels is not None else []
    flagged = flags.astype(bool)
    for c, ax in enumerate(axes):
        ax.plot(x, values[:, c], color="#333333", lw=0.5)
        for start, end in truth_spans:
            if event_channel is not None and event_channel[start] != c:
                continue
            ax.axvspan(x[start], x[min(end, len(x) - 1)], color=COLORS["anomaly"], alpha=0.3,
                       lw=0)
        lo, hi = np.nanmin(values[:, c]), np.nanmax(values[:, c])
        ax.set_ylim(lo - 0.15 * (hi - lo), hi + 0.05 * (hi - lo))
        ax.plot(x[flagged], np.full(flagged.sum(), lo - 0.09 * (hi - lo)), "|",
                color=COLORS["hybrid"], ms=4, mew=0.6)
        ax.set_ylabel(channels[c], rotation=0, ha="right", va="center")
        ax.grid(False)
    handles = [Rectangle((0, 0), 1, 1, color=COLORS["anomaly"], alpha=0.3),
               Line2D([], [], marker="|", ls="", color=COLORS["hybrid"])]
    names = ["true anomaly (in the affected channel)" if event_channel is not None
             else "true anomaly", "hybrid flag"]
    axes[0].legend(handles[labels is None:], names[labels is None:], loc="lower left",
                   bbox_to_anchor=(0, 1.0), ncols=2)
    if x.dtype.kind == "M":
        fig.autofmt_xdate()
    fig.tight_layout(h_pad=0.2)
    return save(fig, stem)


def plot_roc_pr(stem: Path, labels: np.ndarray, scores: dict[str, np.ndarray]) -> list[Path]:
    """ROC and precision-recall curves of every detector on the test part."""
    fig = _figure(figsize=(FULL_WIDTH, 2.8))
    ax_roc, ax_pr = fig.subplots(1, 2)
    for name, score in scores.items():
        fpr, tpr, _ = roc_curve(labels, score)
        precision, recall, _ = precision_recall_curve(labels, score)
        ax_roc.plot(fpr, tpr, color=COLORS.get(name), label=LABELS.get(name, name))
        ax_pr.step(recall, precision, where="post", color=COLORS.get(name),
                   label=LABELS.get(name, name))
    ax_roc.plot([0, 1], [0, 1], ls=":", color=COLORS["normal"], label="random")
    ax_pr.axhline(labels.mean(), ls=":", color=COLORS["normal"], label="random")
    ax_roc.set(xlabel="false positive rate", ylabel="true positive rate", title="ROC",
               xlim=(0, 1), ylim=(0, 1.01))
    ax_pr.set(xlabel="recall", ylabel="precision", title="Precision-recall", xlim=(0, 1),
              ylim=(0, 1.01))
    ax_roc.legend(loc="lower right")
    fig.tight_layout()
    return save(fig, stem)


def plot_events(stem: Path, views: list[dict]) -> list[Path]:
    """The strongest flagged events, one row each (``main.event_views`` prepares them).

    Left: every channel around the event, each scaled to its own range there, the attributed
    channel highlighted. Right: the attributed channel's values and the autoencoder's
    reconstruction of them. The flagged event is shaded green, true anomalies (if known) red.
    """
    fig = _figure(figsize=(FULL_WIDTH, 1.45 * len(views) + 0.4))
    axes = fig.subplots(len(views), 2, squeeze=False, gridspec_kw={"width_ratios": [1, 1.3]})
    for (ax_all, ax_channel), view in zip(axes, views):
        x, values, c = view["x"], view["values"], view["channel"]
        lo, hi = values.min(axis=0), values.max(axis=0)
        scaled = (values - lo) / np.where(hi > lo, hi - lo, 1.0)
        for other in range(values.shape[1]):
            if other != c:
                ax_all.plot(x, scaled[:, other], color=COLORS["normal"], lw=0.6, alpha=0.7)
        ax_all.plot(x, scaled[:, c], color=COLORS["hybrid"], lw=1.1)
        ax_channel.plot(x, values[:, c], color="#222222", lw=0.9, label="actual")
        ax_channel.plot(x, view["reconstruction"][:, c], color=COLORS["autoencoder"], lw=0.9,
                        ls="--", label="reconstruction")
        half = (x[-1] - x[0]) / max(len(x) - 1, 1) / 2  # half a step: one-step spans show too
        truth = events(view["truth"]) if view["truth"] is not None else []
        for ax in (ax_all, ax_channel):
            for start, end in truth:
                ax.axvspan(x[start] - half, x[end - 1] + half, color=COLORS["anomaly"],
                           alpha=0.15, lw=0)
            first, last = view["span"]
            ax.axvspan(x[first] - half, x[last] + half, color=COLORS["hybrid"], alpha=0.25, lw=0)
            ax.tick_params(axis="x", labelsize=6)
            if x.dtype.kind == "M":
                locator = matplotlib.dates.AutoDateLocator(minticks=2, maxticks=5)
                ax.xaxis.set_major_locator(locator)
                ax.xaxis.set_major_formatter(matplotlib.dates.ConciseDateFormatter(locator))
        ax_all.set_yticks([])
        ax_all.set_ylabel("channels\n(own range)")
        ax_channel.set_title(view["title"], loc="left", fontsize=7)
    axes[0, 0].set_title("all channels; attributed one in green", loc="left", fontsize=7)
    handles = [Line2D([], [], color="#222222"),
               Line2D([], [], color=COLORS["autoencoder"], ls="--"),
               Rectangle((0, 0), 1, 1, color=COLORS["hybrid"], alpha=0.25),
               Rectangle((0, 0), 1, 1, color=COLORS["anomaly"], alpha=0.15)]
    names = ["actual", "autoencoder reconstruction", "flagged event", "true anomaly"]
    has_truth = views[0]["truth"] is not None
    fig.legend(handles[:3 + has_truth], names[:3 + has_truth], loc="upper center", ncols=4,
               bbox_to_anchor=(0.5, 1.0))
    fig.tight_layout(rect=(0, 0, 1, 1 - 0.3 / fig.get_figheight()))
    return save(fig, stem)
