"""Giving memory back to the operating system between the steps of a run.

The weekly job runs its steps in one process. Ingestion (Arrow tables) and the quality
checks free what they used, but the allocators keep the freed pages for reuse: the Dagster
process then sits on several hundred MB to a few GB while dbt's subprocess, the run's
largest user of memory, starts beside it. Releasing them first keeps the run's peak down
(docs/performance.md, Memory).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc

import psutil
import pyarrow as pa


def release_unused_memory() -> tuple[int, int]:
    """Collect garbage, then return freed memory to the OS: Arrow's memory pool and glibc's
    heap (``malloc_trim``; a no-op where there is no glibc). Returns this process's RSS in
    bytes before and after."""
    process = psutil.Process()
    before = process.memory_info().rss
    gc.collect()
    pa.default_memory_pool().release_unused()
    libc_name = ctypes.util.find_library("c")
    if libc_name:
        libc = ctypes.CDLL(libc_name)
        if hasattr(libc, "malloc_trim"):
            libc.malloc_trim(0)
    return before, process.memory_info().rss
