"""``salesagent eval ranking``: the metrics, the table, the ALS seed spread and one-line errors (synthetic data;
the Online Retail figures themselves come from the command, docs/ranking.md)."""

from __future__ import annotations

import gzip
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from core.errors import InputError
from evals.ranking_eval import Split, _metrics, parse_seeds
from ranking.interactions import Interactions
from salesagent.cli import app

HEADER = "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n"


def months_csv(path: Path) -> Path:
    """12 customers in two groups of 6 products; each orders 2 of its group's products every month, Jan-May,
    moving one product on per month, so May brings each customer one product new to them."""
    rows = []
    for c in range(12):
        group = [f"{'AB'[c // 6]}{k}" for k in range(6)]
        for month in range(1, 6):
            for k in range(2):
                sku = group[(c + month + k) % 6]
                rows.append(f"{c}-{month},{sku},item {sku},2,2011-0{month}-1{c % 10} 10:00:00,1.5,{1000 + c}.0,UK")
    with gzip.open(path, "wt") as fh:
        fh.write(HEADER + "\n".join(rows) + "\n")
    return path


def test_metrics_perfect_run_and_the_new_items_view() -> None:
    inter = Interactions(users=np.array(["u"], dtype=object), items=np.array(["a", "b", "c"], dtype=object),
                         user=np.zeros(1, np.int32), item=np.zeros(1, np.int32), basket=np.zeros(1, np.int64),
                         t=np.ones(1), kind=np.zeros(1, np.int8), qty=np.ones(1, np.float32))
    split = Split(inter, [0], [{"a", "b"}], [{"a"}])
    m = _metrics(split, [["a", "b", "c"]], n_items=3)
    assert m["recall@10"] == pytest.approx(1.0) and m["coverage@10"] == pytest.approx(1.0)
    assert m["recall@10 new"] == pytest.approx(1.0)  # "a" was known: only "b" counts, and it is found
    m = _metrics(split, [["a", "c"]], n_items=3)
    assert m["recall@10"] == pytest.approx(0.5) and m["recall@10 new"] == pytest.approx(0.0)
    with pytest.raises(InputError, match="recall@10 on new items is undefined"):
        _metrics(Split(inter, [0], [{"a"}], [{"a"}]), [["a"]], n_items=3)


def test_eval_ranking_prints_the_table_and_the_seed_spread(tmp_path: Path) -> None:
    orders = months_csv(tmp_path / "orders.csv.gz")
    res = CliRunner().invoke(app, ["eval", "ranking", "--orders", str(orders), "--train-end", "2011-05-01",
                                   "--test-end", "2011-06-01", "--seeds", "0,1"])
    assert res.exit_code == 0, res.output
    out = res.output
    for system in ("popularity", "buy-again", "vanilla ALS", "blender"):
        assert f"| {system} |" in out
    assert "blender vs best baseline on recall@10:" in out
    assert "ALS seed spread (the table above uses seed 0):" in out
    assert "  seed 0: blender recall@10" in out and "  seed 1: blender recall@10" in out
    assert "gain on recall@10 over 2 seeds: mean" in out and "gain on recall@10 new over 2 seeds" in out
    table_blender = next(line for line in out.splitlines() if line.startswith("| blender |"))
    seed0 = next(line for line in out.splitlines() if line.startswith("  seed 0:"))
    assert table_blender.split(" | ")[1] in seed0  # seed 0 of the spread is the table's own run


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", "from salesagent.cli import main; main()", *args], check=False,
                          capture_output=True, text=True, timeout=300, env={**os.environ, "COLUMNS": "400"})


def test_bad_seeds_and_empty_periods_are_one_line_and_exit_2(tmp_path: Path) -> None:
    assert parse_seeds("0-3") == [0, 1, 2, 3] and parse_seeds("0,3,7") == [0, 3, 7]
    proc = _cli("eval", "ranking", "--seeds", "a-b")
    assert proc.returncode == 2 and proc.stderr.strip().count("\n") == 0
    assert "expected a range like 0-4 or a list like 0,3,7" in proc.stderr
    orders = str(months_csv(tmp_path / "orders.csv.gz"))
    proc = _cli("eval", "ranking", "--orders", orders, "--train-end", "2012-01-01", "--test-end", "2012-03-01")
    assert proc.returncode == 2 and proc.stderr.strip().count("\n") == 0
    assert "ordered in [2012-01-01, 2012-03-01): nothing to score" in proc.stderr



class RecordingEmbedder:
    """Deterministic stand-in for the sentence model: one-hot-ish vectors by text, and the texts it saw."""

    def __init__(self) -> None:
        self.texts: list[str] = []

    def encode(self, texts: list[str]) -> np.ndarray:
        self.texts += texts
        out = np.zeros((len(texts), 8), dtype=np.float32)
        for k, t in enumerate(texts):
            out[k, sum(map(ord, t)) % 8] = 1.0
            out[k, len(t) % 8] += 0.5
        return out


def test_description_vectors_embed_each_codes_most_frequent_description() -> None:
    import pandas as pd

    from evals.ranking_eval import description_vectors

    df = pd.DataFrame({"sku": ["A", "A", "A", "B", "C"],
                       "description": ["RED MUG ", "RED MUG ", "red mug (damaged)", "BLUE TIN", "  "]})
    emb = RecordingEmbedder()
    vecs = description_vectors(df, log=lambda _: None, embedder=emb)
    assert sorted(emb.texts) == ["blue tin", "red mug"] and set(vecs) == {"A", "B"}  # C has no text
    with pytest.raises(InputError, match="no product descriptions"):
        description_vectors(df[df.sku == "C"], log=lambda _: None, embedder=emb)


def test_blender_with_catalogue_vectors_fills_the_exploration_slot(tmp_path: Path) -> None:
    """With vectors the eval's blender is the deployed one: every top 10 that has room holds one never-bought
    item (the exploration slot); without vectors it has no exploration slot."""
    from evals.ranking_eval import blender_runs, description_vectors, make_split
    from ranking.blender import BlendConfig
    from ranking.interactions import read_online_retail_frame
    from ranking.pipeline import PipelineConfig

    df = read_online_retail_frame(months_csv(tmp_path / "orders.csv.gz"))
    split = make_split(df, "2011-05-01", "2011-06-01")
    vecs = description_vectors(df, log=lambda _: None, embedder=RecordingEmbedder())
    only_repeats = PipelineConfig(blend=BlendConfig(weights={"buy_again": 1.0}, bestseller_top=0))
    with_vectors = blender_runs(split, only_repeats, vectors=vecs)
    without = blender_runs(split, only_repeats)
    for known, top, plain in zip(split.known, with_vectors, without, strict=True):
        assert all(s in known for s in plain[:10])  # buy-again alone proposes only what they bought
        assert sum(s not in known for s in top[:10]) == 1  # ... plus the exploration slot


def test_eval_ranking_vectors_choice(tmp_path: Path) -> None:
    orders = months_csv(tmp_path / "orders.csv.gz")
    args = ["eval", "ranking", "--orders", str(orders), "--train-end", "2011-05-01", "--test-end", "2011-06-01"]
    res = CliRunner().invoke(app, args)
    assert res.exit_code == 0, res.output
    assert "catalogue vectors: 12 product descriptions embedded" in res.output
    res = CliRunner().invoke(app, [*args, "--vectors", "none"])
    assert res.exit_code == 0 and "catalogue vectors: none" in res.output
    proc = _cli(*args, "--vectors", "names")
    assert proc.returncode == 2 and proc.stderr.strip().count("\n") == 0
    assert "expected one of descriptions, none" in proc.stderr
