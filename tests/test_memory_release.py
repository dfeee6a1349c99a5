"""The run gives freed memory back before dbt starts (orchestration.memory)."""

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from orchestration.memory import release_unused_memory


def test_freed_arrow_memory_goes_back_to_the_os() -> None:
    release_unused_memory()
    # ~380 MB through Arrow's memory pool (as dlt's Arrow extract allocates), then dropped:
    # the pool keeps the pages until asked to release them
    tables = [pa.table({"x": pc.add(np.arange(5_000_000, dtype=np.int64), i)}) for i in range(10)]
    assert pa.total_allocated_bytes() >= 350 * 2**20
    del tables
    before, after = release_unused_memory()
    assert before - after >= 200 * 2**20, (before, after)
