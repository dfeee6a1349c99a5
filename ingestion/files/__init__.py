"""File exports (CSV, XLSX, Parquet) -> the canonical raw tables of ``raw_files``.

>>> from ingestion.files import load_mapping, import_tables
>>> result = import_tables("ingestion/files/presets/maven_crm.yaml")  # doctest: +SKIP
>>> result.tables["deals"].num_rows  # doctest: +SKIP
8800

See docs/connectors/files.md for the mapping format and the presets.
"""

from ingestion.files.errors import FileImportError
from ingestion.files.mapping import Mapping, load_mapping


def __getattr__(name: str):
    # dlt is imported lazily (about a second); validation does not need it.
    if name in ("files_source", "import_tables", "files_pipeline"):
        from ingestion.files import source

        return getattr(source, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "FileImportError",
    "Mapping",
    "files_pipeline",
    "files_source",
    "import_tables",
    "load_mapping",
]
