"""Peak resident memory of this process and all its children (dbt runs as a subprocess of
the refresh, which runs as a subprocess of the benchmark), sampled in a thread."""

from __future__ import annotations

import threading
import time

import psutil


def tree_rss(root: psutil.Process) -> int:
    """Bytes resident in ``root`` and every descendant right now."""
    total = 0
    try:
        procs = [root, *root.children(recursive=True)]
    except psutil.Error:
        return 0
    for proc in procs:
        try:
            total += proc.memory_info().rss
        except psutil.Error:
            continue
    return total


class RssSampler:
    """Samples the process tree's RSS every ``interval`` seconds until stopped."""

    def __init__(self, interval: float = 0.2) -> None:
        self.interval = interval
        self.samples: list[tuple[float, int]] = []
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
            self.samples.append((time.time(), tree_rss(self._root)))
            self._stop.wait(self.interval)

    def peak_mb(self, start: float | None = None, end: float | None = None) -> float | None:
        """Peak RSS (MB) over the samples between ``start`` and ``end`` (epoch seconds)."""
        values = [
            rss
            for t, rss in list(self.samples)
            if (start is None or t >= start) and (end is None or t <= end)
        ]
        return max(values) / 2**20 if values else None
