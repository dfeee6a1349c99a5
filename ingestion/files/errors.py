"""The one error type of the file importer: it names the file, line and column at fault."""

from __future__ import annotations


class FileImportError(Exception):
    """A file export (or its mapping) cannot be imported.

    ``file`` is the path at fault (a data file or the mapping), ``line`` the 1-based line
    in that file (the header is line 1 of a CSV; ``None`` when the problem is not tied to
    a line), ``column`` the source column (or mapping key) at fault. ``str(error)`` is a
    one-line message a CLI can print as it is.
    """

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        line: int | None = None,
        column: str | None = None,
    ) -> None:
        self.message = message
        self.file = file
        self.line = line
        self.column = column
        super().__init__(self.__str__())

    def __str__(self) -> str:
        where = []
        if self.file is not None:
            where.append(str(self.file))
        if self.line is not None:
            where.append(f"line {self.line}")
        if self.column is not None:
            where.append(f"column {self.column!r}")
        prefix = ", ".join(where)
        return f"{prefix}: {self.message}" if prefix else self.message
