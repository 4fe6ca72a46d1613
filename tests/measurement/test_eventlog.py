"""Event files: CSV and JSONL (gzip accepted), every bad row counted under one reason with its line, readable
errors for unreadable files (issue 18)."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pandas as pd
import pytest

from core.errors import InputError, NotFoundError
from measurement.eventlog import read_catalog_skus, read_events, validate

HEADER = "event_id,ts,session_id,company,type,sku,rec_request_id,position,surface,revenue,currency,variant\n"
GOOD = [
    "e1,2026-11-02T10:00:00Z,s1,C1,impression,A,r1,1,widget,,,",
    "e2,2026-11-02T10:01:00+01:00,s1,C1,click,A,r1,1,widget,,,treatment",
    "e3,2026-11-02 10:05:00,s1,C1,order,A,,,,\"12,50\",pln,",
]
BAD = [  # (line, expected reason)
    ("e4,2026-11-02T10:00:00Z,s1,C1,impression,A,r1,1,widget,,,,extra", "malformed_row"),
    (",2026-11-02T10:00:00Z,s1,C1,click,A,,,,,,", "missing_event_id"),
    ("e6,yesterday,s1,C1,click,A,,,,,,", "bad_ts"),
    ("e7,2026-11-02T10:00:00Z,,C1,click,A,,,,,,", "missing_session_id"),
    ("e8,2026-11-02T10:00:00Z,s1,,click,A,,,,,,", "missing_company"),
    ("e9,2026-11-02T10:00:00Z,s1,C1,view,A,,,,,,", "bad_type"),
    ("e10,2026-11-02T10:00:00Z,s1,C1,click,,,,,,,", "missing_sku"),
    ("e11,2026-11-02T10:00:00Z,s1,C1,impression,A,,1,widget,,,", "missing_rec_request_id"),
    ("e12,2026-11-02T10:00:00Z,s1,C1,impression,A,r1,0,widget,,,", "bad_position"),
    ("e13,2026-11-02T10:00:00Z,s1,C1,impression,A,r1,1.5,widget,,,", "bad_position"),
    ("e14,2026-11-02T10:00:00Z,s1,C1,impression,A,r1,2,,,,", "missing_surface"),
    ("e15,2026-11-02T10:00:00Z,s1,C1,order,A,,,,,PLN,", "bad_revenue"),
    ("e16,2026-11-02T10:00:00Z,s1,C1,order,A,,,,-3,PLN,", "bad_revenue"),
    ("e17,2026-11-02T10:00:00Z,s1,C1,order,A,,,,10,zloty,", "bad_currency"),
    ("e18,2026-11-02T10:00:00Z,s1,C1,click,A,,,,,,maybe", "bad_variant"),
    ("e1,2026-11-02T10:00:00Z,s1,C1,click,A,,,,,,", "duplicate_event_id"),
    ("e20,2026-11-02T10:00:00Z,s1," + "C" * 65 + ",click,A,,,,,,", "field_too_long"),
]


def _csv(path: Path, lines: list[str]) -> Path:
    path.write_text(HEADER + "\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_good_rows_are_typed(tmp_path: Path) -> None:
    log = read_events(_csv(tmp_path / "ok.csv", GOOD))
    ev = log.events
    assert log.rows == 3 and log.bad.total == 0
    assert list(ev["event_id"]) == ["e1", "e2", "e3"]
    assert [str(t) for t in ev["ts"]] == ["2026-11-02 10:00:00+00:00", "2026-11-02 09:01:00+00:00",
                                          "2026-11-02 10:05:00+00:00"]  # offsets converted, no zone = UTC
    assert ev["revenue"].iloc[2] == 12.5 and ev["currency"].iloc[2] == "PLN"  # 12,50 and pln accepted
    assert ev["position"].iloc[0] == 1.0 and pd.isna(ev["position"].iloc[2])
    assert list(ev["variant"].astype(object).where(ev["variant"].notna(), None)) == [None, "treatment", None]


def test_every_bad_row_is_counted_under_its_reason_with_its_line(tmp_path: Path) -> None:
    log = read_events(_csv(tmp_path / "bad.csv", GOOD + [line for line, _ in BAD]))
    expected: dict[str, int] = {}
    for _, reason in BAD:
        expected[reason] = expected.get(reason, 0) + 1
    assert dict(log.bad.counts) == expected
    assert log.rows == len(GOOD) + len(BAD) and len(log.events) == len(GOOD)
    first_line = {reason: 2 + len(GOOD) + i for i, (_, reason) in reversed(list(enumerate(BAD)))}
    for reason, line in first_line.items():
        assert log.bad.examples[reason][0].startswith(f"line {line}"), (reason, log.bad.examples[reason])
    assert "(event e9)" in log.bad.examples["bad_type"][0]


def test_jsonl_and_gzip_read_the_same(tmp_path: Path) -> None:
    rows = [dict(zip(HEADER.strip().split(","), line.split(","), strict=True)) for line in GOOD[:2]]
    rows[0]["position"] = 1  # numbers as JSON numbers
    text = "\n".join(json.dumps(r) for r in rows) + "\nnot json\n[1, 2]\n"
    (tmp_path / "e.jsonl.gz").write_bytes(gzip.compress(text.encode()))
    log = read_events(tmp_path / "e.jsonl.gz")
    assert list(log.events["event_id"]) == ["e1", "e2"]
    assert log.bad.counts == {"malformed_row": 2}
    assert log.bad.examples["malformed_row"][0].startswith("line 3: not JSON")
    csv_gz = tmp_path / "e.csv.gz"
    csv_gz.write_bytes(gzip.compress((HEADER + "\n".join(GOOD)).encode()))
    assert list(read_events(csv_gz).events["event_id"]) == ["e1", "e2", "e3"]


def test_unreadable_files_are_one_line_errors(tmp_path: Path) -> None:
    with pytest.raises(NotFoundError, match="file not found"):
        read_events(tmp_path / "missing.csv")
    (tmp_path / "fake.csv.gz").write_text(HEADER)
    with pytest.raises(InputError, match="not a gzip file"):
        read_events(tmp_path / "fake.csv.gz")
    (tmp_path / "cut.csv.gz").write_bytes(gzip.compress((HEADER + "\n".join(GOOD)).encode())[:40])
    with pytest.raises(InputError, match="could not be read"):
        read_events(tmp_path / "cut.csv.gz")
    (tmp_path / "cols.csv").write_text("id,when\n1,2\n")
    with pytest.raises(InputError, match="lacks the column"):
        read_events(tmp_path / "cols.csv")
    (tmp_path / "empty.csv").write_text("")
    with pytest.raises(InputError, match="empty"):
        read_events(tmp_path / "empty.csv")
    (tmp_path / "x.parquet").write_text("x")
    with pytest.raises(InputError, match="cannot tell the format"):
        read_events(tmp_path / "x.parquet")
    assert len(read_events(_csv(tmp_path / "header.csv", [])).events) == 0


def test_values_are_not_taken_for_nulls(tmp_path: Path) -> None:
    """A SKU spelled NA or NULL is a SKU (only an empty field is missing)."""
    log = read_events(_csv(tmp_path / "na.csv", ["e1,2026-11-02T10:00:00Z,s1,C1,click,NA,,,,,,",
                                                 "e2,2026-11-02T10:00:00Z,s1,NULL,click,  ,,,,,,"]))
    assert list(log.events["sku"]) == ["NA"]
    assert log.bad.counts == {"missing_sku": 1}  # whitespace only is empty


def test_validate_takes_a_frame_too() -> None:
    frame = pd.DataFrame({"event_id": ["a", "b"], "ts": ["2026-01-01", None], "session_id": ["s", "s"],
                          "company": ["c", "c"], "type": ["click", "click"], "sku": ["x", "x"]})
    log = validate(frame)
    assert list(log.events["event_id"]) == ["a"] and log.bad.counts == {"bad_ts": 1}


def test_catalogue_file_gives_the_active_skus(tmp_path: Path) -> None:
    (tmp_path / "c.csv").write_text("SKU,name,active\nA,a,true\nB,b,false\nC,c,\n")
    assert read_catalog_skus(tmp_path / "c.csv") == ["A", "C"]
    (tmp_path / "c.jsonl").write_text('{"code": "X"}\n{"code": "Y", "active": "no"}\n')
    assert read_catalog_skus(tmp_path / "c.jsonl") == ["X"]
    (tmp_path / "n.csv").write_text("name\nx\n")
    with pytest.raises(InputError, match="no sku column"):
        read_catalog_skus(tmp_path / "n.csv")
