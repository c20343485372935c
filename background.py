"""Figures and the training GIF, drawn in worker processes beside the main process's work.

Drawing costs about as much as everything else in a default run. Two workers, started when a run
begins, import matplotlib and seaborn while the main process imports torch; then one draws each
epoch's frame while the network trains (``TrainingFrames`` has epoch-independent axes, so a frame
needs no later epoch), and the other draws the result figures while the main process evaluates
and writes its tables. Each worker runs its jobs in the order given; a failure in a worker is
raised in the main process by ``wait()``.

``Painter(background=False)`` draws in the calling process instead, with the same calls: for
seed sweeps, whose parallelism is over seeds already, and whenever other Python threads run.
"""
from __future__ import annotations

import ctypes
import multiprocessing
import signal
import sys
import threading
import time
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path

from reporting import critical

_frames = None  # a worker's TrainingFrames (each worker process draws one run's frames)
# matplotlib keeps some state per process (its mathtext parser, font caches) that is not safe
# to use from two threads at once: runs drawing in-process in threads take turns
_IN_PROCESS_DRAWING = threading.Lock()


def _start_worker() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the main process's to handle
    try:  # Linux: end with the main process even when it is killed outright (SIGKILL)
        ctypes.CDLL(None).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG = 1
    except (OSError, AttributeError):
        pass
    import config_plots
    config_plots.setup_style()


def _timed(category: str, fn, *args) -> tuple[str, float]:
    begin = time.perf_counter()
    fn(*args)
    return category, time.perf_counter() - begin


def _figure(name: str, *args) -> tuple[str, float]:
    import config_plots
    return _timed("figures", getattr(config_plots, name), *args)


def _frames_start(*args) -> tuple[str, float]:
    global _frames
    import config_plots
    _frames = config_plots.TrainingFrames(*args)
    return "frames", 0.0


def _frames_add(*args) -> tuple[str, float]:
    return _timed("frames", _frames.add, *args)


def _frames_finish(gif: Path | None) -> tuple[str, float]:
    return _timed("gif", _frames.finish, gif)


def _peak_rss_mb() -> float:
    import resource
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


class Painter:
    """Two drawing queues: ``frame_*`` for the training frames and GIF, ``figure`` for the rest."""

    def __init__(self, background: bool = True):
        # Fork, not spawn: a spawned worker would re-run the caller's script if it lacks an
        # `if __name__ == "__main__":` guard. Forking is safe while this process runs no other
        # Python thread (one could hold a lock the child then waits for forever), so with other
        # threads (a run inside a thread pool or a Dask worker) drawing stays in this process.
        # The workers only draw; they never touch torch.
        self.background = background and threading.active_count() == 1
        self.pending: list[Future] = []
        self._frames = None  # the in-process TrainingFrames
        if self.background:
            sys.stdout.flush()  # or each worker would print what is still buffered
            sys.stderr.flush()
            context = multiprocessing.get_context("fork")
            self.frames = ProcessPoolExecutor(1, context, initializer=_start_worker)
            self.figures = ProcessPoolExecutor(1, context, initializer=_start_worker)
            # start both now, so that their imports overlap the main process's work
            with critical():
                self.frames.submit(int)
                self.figures.submit(int)
        else:
            import config_plots
            config_plots.setup_style()
            self.frames = self.figures = None

    def _submit(self, pool, fn, *args) -> Future:
        if self.background:
            with critical():  # never leave the pool's lock held (see reporting.critical)
                future = pool.submit(fn, *args)
        else:
            future = Future()
            with _IN_PROCESS_DRAWING:
                future.set_result(fn(*args))
        self.pending.append(future)
        return future

    def frames_start(self, n_epochs: int, labels, part: str, folder: Path,
                     quantile: float) -> None:
        if self.background:
            self._submit(self.frames, _frames_start, n_epochs, labels, part, folder, quantile)
        else:
            import config_plots
            with _IN_PROCESS_DRAWING:
                self._frames = config_plots.TrainingFrames(n_epochs, labels, part, folder,
                                                           quantile)

    def frame(self, scores, threshold: float, train_loss: float, val_loss: float | None) -> None:
        if self.background:
            self._submit(self.frames, _frames_add, scores, threshold, train_loss, val_loss)
        else:
            self._submit(None, _timed, "frames", self._frames.add, scores, threshold, train_loss,
                         val_loss)

    def frames_finish(self, gif: Path | None) -> None:
        if self.background:
            self._submit(self.frames, _frames_finish, gif)
        else:
            self._submit(None, _timed, "gif", self._frames.finish, gif)

    def figure(self, name: str, *args, after_frames: bool = False) -> None:
        """``config_plots.<name>(*args)``, in the figures worker, or with ``after_frames`` in the
        frames worker once the GIF is written (to share the drawing between both)."""
        self._submit(self.frames if after_frames else self.figures, _figure, name, *args)

    def wait(self) -> dict[str, float]:
        """Until every job has finished; the first failure is raised here. Returns the seconds
        spent drawing frames, the GIF and the figures (in the workers: beside other work)."""
        spent = {"frames": 0.0, "gif": 0.0, "figures": 0.0}
        for future in self.pending:
            result = future.result()
            if result is not None:
                category, seconds = result
                spent[category] += seconds
        self.pending.clear()
        return spent

    def peak_rss_mb(self) -> list[float]:
        """Each worker's peak resident memory so far (forked workers count the pages they
        share with the main process too); empty when drawing in this process."""
        if not self.background:
            return []
        with critical():
            futures = [pool.submit(_peak_rss_mb) for pool in (self.frames, self.figures)]
        return [future.result() for future in futures]

    def __enter__(self) -> Painter:
        return self

    def __exit__(self, kind, error, trace) -> None:
        # after a failure or Ctrl-C, queued drawings are dropped; a running one is waited for
        if self.background:
            with critical():
                for pool in (self.frames, self.figures):
                    pool.shutdown(wait=True, cancel_futures=kind is not None)
