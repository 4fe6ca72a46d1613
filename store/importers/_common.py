"""What every importer shares: the report, opening plain or gzipped text, and chunked bulk writes."""

from __future__ import annotations

import csv
import gzip
import io
import time
import zlib
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from sqlalchemy import Table, bindparam, delete, select, update
from sqlalchemy.engine import Connection

from core.errors import InputError, NotFoundError

Progress = Callable[[str, int, int], None]
"""Progress callback: ``(stage description, steps done, total steps)``."""

MAX_EXAMPLES = 5
CHUNK = 500
READ_ERRORS = (OSError, EOFError, zlib.error, UnicodeDecodeError)


@dataclass
class ImportReport:
    """Counts of one import. ``skipped`` maps a reason to the number of rows dropped for it; ``examples`` keeps
    the first few ``"line N: ..."`` notes per reason so a user can find and fix them."""

    source: str
    path: str
    rows: int = 0
    orders: int = 0
    lines: int = 0
    customers: int = 0
    products: int = 0
    created: Counter[str] = field(default_factory=Counter)
    updated: Counter[str] = field(default_factory=Counter)
    skipped: Counter[str] = field(default_factory=Counter)
    examples: dict[str, list[str]] = field(default_factory=dict)
    ignored_columns: list[str] = field(default_factory=list)
    seconds: float = 0.0
    _started: float = field(default_factory=time.perf_counter, repr=False)

    def skip(self, reason: str, line: int, detail: str = "") -> None:
        """Count one bad row under ``reason``; keep a few examples."""
        self.skipped[reason] += 1
        notes = self.examples.setdefault(reason, [])
        if len(notes) < MAX_EXAMPLES:
            notes.append(f"line {line}: {detail}" if detail else f"line {line}")

    @property
    def skipped_total(self) -> int:
        """Number of rows not imported."""
        return sum(self.skipped.values())

    def finish(self) -> ImportReport:
        """Stamp the elapsed time and return self."""
        self.seconds = round(time.perf_counter() - self._started, 2)
        return self

    def as_dict(self) -> dict[str, Any]:
        """Plain data for JSON output."""
        return {"source": self.source, "path": self.path, "rows": self.rows, "orders": self.orders,
                "lines": self.lines, "customers": self.customers, "products": self.products,
                "created": dict(self.created), "updated": dict(self.updated), "skipped": dict(self.skipped),
                "skipped_total": self.skipped_total, "examples": self.examples,
                "ignored_columns": self.ignored_columns, "seconds": self.seconds}


def check_file(path: Path) -> Path:
    """Return ``path`` if it is a readable file, else raise a one-line error."""
    if not path.exists():
        raise NotFoundError(f"file not found: {path}")
    if not path.is_file():
        raise InputError(f"not a file: {path}")
    return path


def open_text(path: Path) -> IO[str]:
    """Open a UTF-8 text file, transparently gunzipping it (by magic bytes, or refusing a fake ``.gz``)."""
    check_file(path)
    with path.open("rb") as fh:
        magic = fh.read(2)
    if magic == b"\x1f\x8b":
        raw = gzip.GzipFile(path, "rb")
        try:
            raw.peek(1)
        except READ_ERRORS as err:
            raw.close()
            raise InputError(f"{path.name} is not a readable gzip file ({err})") from None
        return io.TextIOWrapper(raw, encoding="utf-8", errors="replace", newline="")
    if path.suffix == ".gz":
        raise InputError(f"{path.name} ends in .gz but is not a gzip file")
    return path.open("r", encoding="utf-8", errors="replace", newline="")


def clean_lines(fh: IO[str], name: str) -> Iterator[str]:
    """Yield the lines of ``fh`` without NUL bytes; a corrupt stream becomes one readable error."""
    try:
        for line in fh:
            yield line.replace("\0", "") if "\0" in line else line
    except READ_ERRORS as err:
        raise InputError(f"{name} could not be read to the end ({err}); nothing was imported") from None


def chunks(items: Sequence[Any], size: int = CHUNK) -> Iterator[Sequence[Any]]:
    """Yield consecutive slices of at most ``size`` items."""
    for i in range(0, len(items), size):
        yield items[i:i + size]


def bulk_update(conn: Connection, table: Table, rows: list[dict[str, Any]], columns: Sequence[str]) -> None:
    """Update ``columns`` of the rows whose ``id`` is given as ``_id`` in each dict (one executemany)."""
    if not rows:
        return
    stmt = update(table).where(table.c.id == bindparam("_id")).values(
        {c: bindparam(c) for c in columns})
    conn.execute(stmt, rows)


def delete_in(conn: Connection, table: Table, column: str, ids: Sequence[Any]) -> None:
    """Delete the rows whose ``column`` is in ``ids``, in chunks."""
    for part in chunks(ids):
        conn.execute(delete(table).where(table.c[column].in_(part)))


def existing_ids(conn: Connection, table: Table, key: str, values: Sequence[str],
                 extra: str | None = None) -> dict[str, Any]:
    """Return key -> id (or (id, extra column)) for the rows whose ``key`` is in ``values``."""
    out: dict[str, Any] = {}
    cols = [table.c[key], table.c.id] + ([table.c[extra]] if extra else [])
    for part in chunks(values):
        for row in conn.execute(select(*cols).where(table.c[key].in_(part))):
            out[row[0]] = (row[1], row[2]) if extra else row[1]
    return out


def describe_header(header: Sequence[str]) -> str:
    """Return the first column names for an error message, or a note that the file looks binary."""
    if not header:
        return "nothing"
    text = ", ".join(h[:30] for h in header[:10])
    if any(not (ch.isprintable() or ch in "\t") for ch in text) or "\ufffd" in text:
        return "unreadable bytes - is it a binary file?"
    return text


def csv_header(reader: Iterator[list[str]], name: str) -> list[str]:
    """Return the first row of a csv reader, or raise a one-line error for an empty or non-CSV file."""
    try:
        return next(reader)
    except StopIteration:
        raise InputError(f"{name} is empty") from None
    except csv.Error as err:
        raise InputError(f"{name} is not a CSV file ({err})") from None


def csv_records(reader: Iterator[list[str]], report: ImportReport) -> Iterator[tuple[int, list[str]]]:
    """Yield ``(line number, row)`` from a csv reader; a row the csv module cannot parse is counted as a
    ``malformed_row`` and skipped, never a crash."""
    line = 1
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as err:
            line += 1
            report.rows += 1
            report.skip("malformed_row", line, str(err))
            continue
        line += 1
        yield line, row
