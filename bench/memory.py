"""Peak resident memory of this process and all its children (dbt runs as a subprocess of
the refresh, which runs as a subprocess of the benchmark), sampled in a thread.

The benchmark's own process holds what it generated for the floor; a stage that runs in a
subprocess (the refresh, the reports check) is measured over the children only, so its
peak is the refresh's, not the refresh's plus the benchmark's."""

from __future__ import annotations

import threading
import time

import psutil


def _rss(proc: psutil.Process) -> int:
    try:
        return proc.memory_info().rss
    except psutil.Error:
        return 0


def tree_rss(root: psutil.Process) -> tuple[int, int]:
    """Bytes resident right now in ``root`` itself and in all its descendants."""
    try:
        children = root.children(recursive=True)
    except psutil.Error:
        return 0, 0
    return _rss(root), sum(_rss(child) for child in children)


class RssSampler:
    """Samples the process tree's RSS every ``interval`` seconds until stopped."""

    def __init__(self, interval: float = 0.2) -> None:
        self.interval = interval
        self.samples: list[tuple[float, int, int]] = []  # time, own RSS, children's RSS
        self._root = psutil.Process()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="rss-sampler", daemon=True)

    def __enter__(self) -> RssSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._stop.is_set():
            self.samples.append((time.time(), *tree_rss(self._root)))
            self._stop.wait(self.interval)

    def peak_mb(
        self, start: float | None = None, end: float | None = None, children_only: bool = False
    ) -> float | None:
        """Peak RSS (MB) over the samples between ``start`` and ``end`` (epoch seconds), of
        the whole tree or (``children_only``) of the subprocesses alone."""
        values = [
            children if children_only else own + children
            for t, own, children in list(self.samples)
            if (start is None or t >= start) and (end is None or t <= end)
        ]
        return max(values) / 2**20 if values else None
