"""Fast builders of Arrow columns from numpy arrays (no per-row Python objects)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ingestion.demo_crm.schema import SCHEMAS, TS

_DIGITS4 = (
    np.array([[ord(c) for c in f"{i:04d}"] for i in range(10_000)], dtype=np.uint8)
    .view(np.uint32)
    .ravel()
)  # the ASCII bytes of every 4-digit group, packed in one uint32 each


def ids(prefix: str, numbers: np.ndarray, width: int) -> pa.Array:
    """Fixed-width string ids ``prefix + zero-padded number``, built byte-wise in numpy.

    >>> ids("deal-", np.array([7, 123]), 6).to_pylist()
    ['deal-000007', 'deal-000123']
    """
    numbers = np.asarray(numbers, dtype=np.int64)
    n = len(numbers)
    groups = -(-width // 4)
    words = np.empty((groups, n), dtype=np.uint32)
    rest = numbers.copy()
    for g in range(groups - 1, -1, -1):
        words[g] = _DIGITS4[rest % 10_000]
        rest //= 10_000
    digits = np.ascontiguousarray(words.T).view(np.uint8).reshape(n, 4 * groups)
    head = np.frombuffer(prefix.encode("ascii"), dtype=np.uint8)
    buf = np.empty((n, len(head) + width), dtype=np.uint8)
    buf[:, : len(head)] = head
    buf[:, len(head) :] = digits[:, 4 * groups - width :]
    row = buf.shape[1]
    offsets = np.arange(0, (n + 1) * row, row, dtype=np.int32)
    return pa.StringArray.from_buffers(n, pa.py_buffer(offsets), pa.py_buffer(buf))


def labels(values: Sequence[str], codes: np.ndarray, null: np.ndarray | None = None) -> pa.Array:
    """Strings looked up by integer code; ``null`` marks rows that are null.

    >>> labels(["a", "b"], np.array([1, 0]), np.array([False, True])).to_pylist()
    ['b', None]
    """
    index = pa.array(np.asarray(codes, dtype=np.int32), mask=null)
    return pc.take(pa.array(list(values), pa.string()), index)


def take(values: pa.Array, index: np.ndarray, null: np.ndarray | None = None) -> pa.Array:
    """``values[index]`` with optional null mask."""
    return pc.take(values, pa.array(np.asarray(index, dtype=np.int64), mask=null))


def timestamps(us: np.ndarray, null: np.ndarray | None = None) -> pa.Array:
    """UTC timestamps from int64 microseconds since the epoch."""
    return pa.array(np.asarray(us, dtype=np.int64), type=pa.int64(), mask=null).cast(TS)


def dates(epoch_days: np.ndarray, null: np.ndarray | None = None) -> pa.Array:
    """date32 from int days since the epoch."""
    return pa.array(np.asarray(epoch_days, dtype=np.int32), type=pa.int32(), mask=null).cast(
        pa.date32()
    )


def ints(values: np.ndarray, null: np.ndarray | None = None) -> pa.Array:
    return pa.array(np.asarray(values, dtype=np.int32), type=pa.int32(), mask=null)


def floats(values: np.ndarray, null: np.ndarray | None = None) -> pa.Array:
    return pa.array(np.asarray(values, dtype=np.float64), type=pa.float64(), mask=null)


def bools(values: np.ndarray) -> pa.Array:
    return pa.array(np.asarray(values, dtype=bool), type=pa.bool_())


def join(*parts: pa.Array | str, sep: str = "") -> pa.Array:
    """Element-wise string concatenation of arrays and scalars."""
    return pc.binary_join_element_wise(*parts, sep)


def table(name: str, columns: dict[str, pa.Array]) -> pa.Table:
    """Build raw table ``name`` with exactly its contract schema (cast at the end)."""
    schema = SCHEMAS[name]
    if set(columns) != set(schema.names):
        raise ValueError(f"{name}: columns {sorted(columns)} != schema {sorted(schema.names)}")
    arrays = [columns[f.name] for f in schema]
    return pa.Table.from_arrays(arrays, names=schema.names).cast(schema)
