"""``python -m evals.search_replicates``: one replicate on a tiny catalogue prints the table; bad input exits 2."""

from __future__ import annotations

from pathlib import Path

import pytest


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_replicate_table_on_a_tiny_catalogue(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from evals.search_replicates import main

    cat = _write(tmp_path / "c.csv", "sku,name\nA1,red office chair\nA2,oak dining table\nA3,led desk lamp\n"
                                     "A4,zephyrix standing lamp\n")
    qs = _write(tmp_path / "q.csv", "query_id,query\nq1,office chair\nq2,zephyrix lamp\n")
    qrels = _write(tmp_path / "r.csv", "query_id,sku,relevance\nq1,A1,1\nq2,A4,1\n")
    assert main(["--catalog", str(cat), "--queries", str(qs), "--qrels", str(qrels), "--batches", "2",
                 "--no-float32"]) == 0
    out = capsys.readouterr().out
    assert "4 products, 2 judged queries" in out
    row = next(line for line in out.splitlines() if line.startswith("| int8 batch 2 |"))
    assert row.count("|") == 8 and row.split("|")[3].strip() == "1.0000"  # hybrid puts both relevant products first


def test_bad_paths_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from evals.search_replicates import main

    assert main(["--catalog", str(tmp_path / "missing.csv"), "--batches", "2"]) == 2
    assert "not found" in capsys.readouterr().err
