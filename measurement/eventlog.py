"""The event schema and event files: read a CSV or JSONL log (gzip accepted), validate it column-wise (pandas,
no Python loop per event) and count every bad row under one reason (the first failing check wins).

Columns (docs/measurement.md): ``event_id, ts (ISO 8601; no zone = UTC), session_id, company (external id),
type (impression|click|add_to_cart|order), sku, rec_request_id, position, surface, revenue, currency, variant
(treatment|control|outside, optional)``; optional extras ``segment`` and ``source``. Header names match
case-insensitively; other columns are ignored.
"""

from __future__ import annotations

import gzip
import io
import json
import zlib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from core.errors import InputError, NotFoundError
from measurement.schema import (
    COLUMNS,
    EXTRA_COLUMNS,
    MAX_LEN,
    REQUIRED,
    TYPES,
    VARIANTS,
    frame_of,
)

MAX_EXAMPLES = 5
READ_ERRORS = (OSError, EOFError, zlib.error, UnicodeDecodeError)


@dataclass
class BadRows:
    """Rows left out of a log, counted by reason, with the first few ``"line N (event X): ..."`` notes."""

    counts: Counter[str] = field(default_factory=Counter)
    examples: dict[str, list[str]] = field(default_factory=dict)

    def add(self, reason: str, notes: list[str], n: int) -> None:
        """Count ``n`` rows under ``reason``; keep up to five notes."""
        if n <= 0:
            return
        self.counts[reason] += n
        kept = self.examples.setdefault(reason, [])
        kept.extend(notes[: MAX_EXAMPLES - len(kept)])

    @property
    def total(self) -> int:
        """Number of rows left out."""
        return sum(self.counts.values())


@dataclass
class EventLog:
    """A validated log: one row per good event (dtypes below), what was read and what was left out.

    Columns: the :data:`COLUMNS` plus ``segment`` and ``source``; ``ts`` is ``datetime64[ns, UTC]``, ``position``
    and ``revenue`` are floats (NaN when absent), the text columns are strings with missing values as NA."""

    events: pd.DataFrame
    rows: int
    bad: BadRows


def check_file(path: Path) -> Path:
    """Return ``path`` if it is a readable file, else raise a one-line error."""
    if not path.exists():
        raise NotFoundError(f"file not found: {path}")
    if not path.is_file():
        raise InputError(f"not a file: {path}")
    return path


def _is_gzip(path: Path) -> bool:
    with path.open("rb") as fh:
        magic = fh.read(2)
    if magic != b"\x1f\x8b" and path.suffix == ".gz":
        raise InputError(f"{path.name} ends in .gz but is not a gzip file")
    return magic == b"\x1f\x8b"


def _read_bytes(path: Path) -> bytes:
    """Return the file's bytes, gunzipped when it is gzip (a corrupt or truncated one is one readable error)."""
    check_file(path)
    try:
        return gzip.decompress(path.read_bytes()) if _is_gzip(path) else path.read_bytes()
    except READ_ERRORS as err:
        raise InputError(f"{path.name} could not be read ({err}); nothing was read") from None


def file_format(path: Path, fmt: str | None = None) -> str:
    """Return ``csv`` or ``jsonl`` from ``fmt`` or the file name (``.csv``, ``.jsonl``/``.json``, with ``.gz``)."""
    if fmt:
        if fmt not in ("csv", "jsonl"):
            raise InputError(f"unknown event file format {fmt!r}: use csv or jsonl")
        return fmt
    suffixes = [s.lower() for s in path.suffixes if s.lower() != ".gz"]
    if suffixes and suffixes[-1] in (".jsonl", ".json", ".ndjson"):
        return "jsonl"
    if suffixes and suffixes[-1] in (".csv", ".txt"):
        return "csv"
    raise InputError(f"cannot tell the format of {path.name}: name it .csv or .jsonl (.gz accepted) or pass "
                     f"--format")


def read_events(path: Path, fmt: str | None = None) -> EventLog:
    """Return the validated events of a CSV or JSONL file (gzip by its magic bytes)."""
    kind = file_format(path, fmt)
    data = _read_bytes(path)
    bad = BadRows()
    raw, lines = (_read_csv(data, path.name, bad) if kind == "csv" else _read_jsonl(data, path.name, bad))
    return validate(raw, lines, bad)


def _read_csv(data: bytes, name: str, bad: BadRows) -> tuple[pa.Table, np.ndarray]:
    end = data.find(b"\n")
    first = data[: end if end >= 0 else len(data)].decode("utf-8", errors="replace").strip().lstrip("\ufeff")
    if not first:
        raise InputError(f"{name} is empty: an event file needs a header line")
    header = next(iter(pd.read_csv(io.StringIO(first), header=None, dtype=str).itertuples(index=False)))
    names = [str(h).strip().lower() for h in header]
    invalid: list[tuple[int | None, str]] = []

    def on_invalid(row: Any) -> str:
        invalid.append((row.number, str(row.text)))
        return "skip"

    try:
        table = pacsv.read_csv(
            pa.BufferReader(data),
            read_options=pacsv.ReadOptions(column_names=names, skip_rows=1, use_threads=True),
            parse_options=pacsv.ParseOptions(invalid_row_handler=on_invalid, newlines_in_values=False),
            convert_options=pacsv.ConvertOptions(column_types={n: pa.string() for n in names},
                                                 strings_can_be_null=True, quoted_strings_can_be_null=True,
                                                 null_values=[""]))
    except (pa.ArrowInvalid, pa.ArrowTypeError, UnicodeDecodeError) as err:
        raise InputError(f"{name} is not a readable CSV event file ({str(err).splitlines()[0][:200]})") from None
    malformed = _line_numbers(invalid, data)
    bad.add("malformed_row", [f"line {n}: wrong number of fields" for n in sorted(malformed)[:MAX_EXAMPLES]],
            len(malformed))
    # the line of each good row: rows are in file order; skipped ones are missing from the count
    lines = np.arange(2, 2 + table.num_rows + len(malformed))
    if malformed:
        lines = np.setdiff1d(lines, np.asarray(malformed))[: table.num_rows]
    return table, lines


def _line_numbers(invalid: list[tuple[int | None, str]], data: bytes) -> list[int]:
    """Return the file lines of the rows the CSV reader skipped (its threads do not know them: find each text)."""
    if all(n is not None for n, _ in invalid):
        return [int(n) for n, _ in invalid if n is not None]
    lines = data.decode("utf-8", errors="replace").split("\n")
    wanted: dict[str, list[int]] = {}
    for i, line in enumerate(lines[1:], start=2):
        wanted.setdefault(line.rstrip("\r"), []).append(i)
    out = []
    for _, text in invalid:
        found = wanted.get(text.rstrip("\r"))
        out.append(found.pop(0) if found else -1)
    return out


def _read_jsonl(data: bytes, name: str, bad: BadRows) -> tuple[pa.Table, np.ndarray]:
    records: list[dict[str, Any]] = []
    lines: list[int] = []
    notes: list[str] = []
    n_bad = 0
    for number, line in enumerate(data.decode("utf-8", errors="replace").splitlines(), start=1):
        text = line.strip()
        if not text:
            continue
        try:
            obj = json.loads(text)
        except json.JSONDecodeError as err:
            obj, detail = None, f"not JSON ({err.msg})"
        else:
            detail = "not a JSON object"
        if not isinstance(obj, dict):
            n_bad += 1
            if len(notes) < MAX_EXAMPLES:
                notes.append(f"line {number}: {detail}")
            continue
        records.append({str(k).strip().lower(): v for k, v in obj.items()})
        lines.append(number)
    bad.add("malformed_row", notes, n_bad)
    names = list(dict.fromkeys(k for r in records for k in r))
    table = pa.table({k: pa.array([_text(r.get(k)) for r in records], type=pa.string()) for k in names})
    return table, np.asarray(lines, dtype=np.int64)


def _text(v: Any) -> str | None:
    if v is None:
        return None
    return json.dumps(v) if isinstance(v, dict | list) else str(v)


def text_table(frame: pd.DataFrame) -> pa.Table:
    """Return a frame's columns as an Arrow table of strings (what the readers give :func:`validate`)."""
    columns = {}
    for c in frame.columns:
        values = frame[c]
        missing = values.isna().to_numpy()
        text = values.astype(object).map(_text) if values.dtype == object else values.astype(str)
        columns[str(c).strip().lower()] = pa.array(np.where(missing, None, text.to_numpy(dtype=object)),
                                                   type=pa.string())
    return pa.table(columns)


def _column(table: pa.Table, name: str) -> pa.Array:
    """Return a column trimmed, with empty strings as nulls (all nulls when the file lacks it)."""
    if name not in table.column_names:
        return pa.nulls(table.num_rows, pa.string())
    col = pc.utf8_trim_whitespace(table.column(name).combine_chunks())
    return pc.if_else(pc.equal(col, ""), pa.nulls(len(col), pa.string()), col)


def _times(col: pa.Array) -> pa.Array:
    """Return ISO 8601 texts as UTC timestamps (null when unreadable; no zone means UTC). Arrow parses a clean
    column at once; a column with a bad or a mixed value goes through pandas' ISO 8601 parser."""
    for target in (pa.timestamp("ns", tz="UTC"), pa.timestamp("ns")):
        try:
            parsed = pc.cast(col, target)
            return parsed if target.tz else pc.assume_timezone(parsed, "UTC")
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            continue
    values = pd.to_datetime(pd.Series(col.to_pandas(), dtype=object), utc=True, format="ISO8601", errors="coerce")
    return pa.array(values, type=pa.timestamp("ns", tz="UTC"), from_pandas=True)


def _numbers(col: pa.Array, *, comma: bool = False) -> pa.Array:
    """Return texts as floats (null when not a number; ``12,50`` reads 12.5 when ``comma``)."""
    if comma:
        col = pc.replace_substring(col, ",", ".")
    try:
        return pc.cast(col, pa.float64())
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        values = pd.to_numeric(pd.Series(col.to_pandas(), dtype=object), errors="coerce")
        return pa.array(values, type=pa.float64(), from_pandas=True)


def _mask(arr: pa.Array) -> np.ndarray:
    return np.asarray(pc.fill_null(arr, False).to_numpy(zero_copy_only=False), dtype=bool)


def validate(raw: pa.Table | pd.DataFrame, lines: np.ndarray | None = None, bad: BadRows | None = None
             ) -> EventLog:
    """Return the good rows of ``raw`` (every field text) as typed columns; count the others in ``bad``."""
    table = text_table(raw) if isinstance(raw, pd.DataFrame) else raw
    bad = bad or BadRows()
    lines = np.arange(2, 2 + table.num_rows) if lines is None else lines
    missing = [c for c in REQUIRED if c not in table.column_names]
    if missing and table.num_rows:
        raise InputError(f"the event file lacks the column(s) {', '.join(missing)} (needs {', '.join(REQUIRED)})")
    rows = table.num_rows + bad.total
    cols = {c: _column(table, c) for c in (*COLUMNS, *EXTRA_COLUMNS)}
    for c in ("type", "variant"):
        cols[c] = pc.utf8_lower(cols[c])
    cols["currency"] = pc.utf8_upper(cols["currency"])
    typed = {"ts": _times(cols["ts"]), "position": _numbers(cols["position"]),
             "revenue": _numbers(cols["revenue"], comma=True)}
    ok = np.ones(table.num_rows, dtype=bool)
    for reason, failed, detail in _checks(cols, typed):
        hit = ok & failed
        _note(bad, reason, hit, lines, cols["event_id"], detail)
        ok &= ~hit
    dup = _duplicates(cols["event_id"], ok)
    _note(bad, "duplicate_event_id", dup, lines, cols["event_id"], "an event_id seen earlier in the file")
    ok &= ~dup
    data = dict(cols) | typed
    if not ok.all():
        keep = pa.array(ok)
        data = {c: pc.filter(v, keep) for c, v in data.items()}
    data["source"] = pc.fill_null(data["source"], "file")
    return EventLog(frame_of(data), rows, bad)


def _checks(cols: dict[str, pa.Array], typed: dict[str, pa.Array]) -> list[tuple[str, np.ndarray, str]]:
    """Return the checks in order, each (reason, mask of the rows that fail it, what is wrong)."""
    kind, position, revenue = cols["type"], typed["position"], typed["revenue"]
    is_imp, is_order = _mask(pc.equal(kind, "impression")), _mask(pc.equal(kind, "order"))
    shown = _mask(pc.is_in(kind, value_set=pa.array(["impression", "click", "add_to_cart"])))
    null = {c: _mask(pc.is_null(v)) for c, v in cols.items()}
    too_long = np.zeros(len(kind), dtype=bool)
    for c, limit in MAX_LEN.items():
        too_long |= _mask(pc.greater(pc.utf8_length(cols[c]), limit))
    pos_bad = _mask(pc.is_null(position)) | _mask(pc.less(position, 1)) | _mask(
        pc.not_equal(pc.floor(position), position))
    rev_bad = _mask(pc.is_null(revenue)) | _mask(pc.less(revenue, 0))
    return [
        ("missing_event_id", null["event_id"], "no event_id"),
        ("field_too_long", too_long, "a text field is longer than its column (64; surface 32)"),
        ("bad_ts", _mask(pc.is_null(typed["ts"])), "ts is not an ISO 8601 time"),
        ("missing_session_id", null["session_id"], "no session_id"),
        ("missing_company", null["company"], "no company"),
        ("bad_type", ~_mask(pc.is_in(kind, value_set=pa.array(list(TYPES)))),
         "type is not impression|click|add_to_cart|order"),
        ("missing_sku", shown & null["sku"], "an impression, click or add_to_cart without sku"),
        ("missing_rec_request_id", is_imp & null["rec_request_id"], "an impression without rec_request_id"),
        ("bad_position", (is_imp | ~null["position"]) & pos_bad,
         "position is not a whole number >= 1 (required for impressions)"),
        ("missing_surface", is_imp & null["surface"], "an impression without surface"),
        ("bad_revenue", (is_order | ~null["revenue"]) & rev_bad,
         "revenue is not a number >= 0 (required for orders)"),
        ("bad_currency", ~null["currency"] & ~_mask(pc.match_substring_regex(cols["currency"], r"^[A-Z]{3}$")),
         "currency is not a 3-letter code"),
        ("bad_variant", ~null["variant"] & ~_mask(pc.is_in(cols["variant"], value_set=pa.array(list(VARIANTS)))),
         "variant is not treatment|control|outside"),
    ]


def _duplicates(ids: pa.Array, ok: np.ndarray) -> np.ndarray:
    """Return a mask of the rows (among ``ok``) whose event_id an earlier ``ok`` row has (a stable sort puts
    equal ids next to each other, the first one first)."""
    where = np.flatnonzero(ok)
    subset = ids if where.size == ok.size else pc.take(ids, pa.array(where))
    order = pc.sort_indices(subset).to_numpy()
    ordered = pc.take(subset, pa.array(order))
    same = _mask(pc.equal(ordered[1:], ordered[:-1])) if len(ordered) > 1 else np.zeros(0, dtype=bool)
    out = np.zeros(ok.size, dtype=bool)
    out[where[order[1:][same]]] = True
    return out


def _note(bad: BadRows, reason: str, hit: np.ndarray, lines: np.ndarray, ids: pa.Array, detail: str) -> None:
    n = int(hit.sum())
    if not n:
        return
    first = np.flatnonzero(hit)[:MAX_EXAMPLES]
    notes = []
    for i in first:
        event = ids[int(i)].as_py()
        notes.append(f"line {int(lines[i]) if i < len(lines) else '?'}" + (f" (event {event})" if event else "")
                     + f": {detail}")
    bad.add(reason, notes, n)


def read_catalog_skus(path: Path) -> list[str]:
    """Return the active SKUs of a catalogue file (the ``salesagent import catalog`` CSV/JSONL: ``sku`` or
    ``code``; an ``active`` column of false/no/0 drops a row): the coverage denominator."""
    kind = file_format(path)
    data = _read_bytes(path)
    if kind == "csv":
        try:
            frame = pd.read_csv(io.BytesIO(data), dtype=str, keep_default_na=False)
        except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as err:
            raise InputError(f"{path.name} is not a readable catalogue CSV ({str(err).splitlines()[0]})") from None
    else:
        recs = []
        for line in data.decode("utf-8", errors="replace").splitlines():
            try:
                obj = json.loads(line) if line.strip() else None
            except json.JSONDecodeError:
                obj = None
            if isinstance(obj, dict):
                recs.append({str(k).lower(): v for k, v in obj.items()})
        frame = pd.DataFrame.from_records(recs).astype(str) if recs else pd.DataFrame()
    frame.columns = [str(c).strip().lower() for c in frame.columns]
    key = "sku" if "sku" in frame.columns else "code" if "code" in frame.columns else None
    if key is None:
        raise InputError(f"{path.name} has no sku column (the catalogue file needs sku or code)")
    skus = frame[key].astype(str).str.strip()
    keep = skus != ""
    if "active" in frame.columns:
        keep &= ~frame["active"].astype(str).str.strip().str.lower().isin(["false", "no", "0", "n"])
    return sorted(set(skus[keep]))
