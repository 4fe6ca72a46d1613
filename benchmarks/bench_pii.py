"""Masking latency per ~200-character chat message (prints figures; no asserts).

Messages come from the committed eval set (evals/data/pii_chat.jsonl), trimmed or joined to 180-220 characters.
For each mode it reports median / p90 / mean milliseconds of ``PiiMasker.mask`` (analysis + anonymisation +
placeholders), after a warm-up. ``--profile`` prints the top functions of the slowest mode.

Run: ``.venv/bin/python benchmarks/bench_pii.py [--n 300] [--profile] [--baseline]``
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def messages(n: int, splits: list[str] | None = None) -> list[str]:
    """Return ``n`` chat messages of 180-220 characters from the eval set (only ``splits`` when given)."""
    from evals.pii_eval import load_records

    texts = [r["text"] for r in load_records() if not splits or r["split"] in splits]
    out: list[str] = []
    buf = ""
    for t in texts * 3:
        buf = (buf + " " + t).strip() if buf else t
        if len(buf) >= 180:
            out.append(buf[:220])
            buf = ""
        if len(out) == n:
            break
    return out


def timed(fn, texts: list[str]) -> tuple[list[float], list[float]]:  # type: ignore[no-untyped-def]
    """Return (wall-clock ms, CPU ms of this thread) per call; CPU time is what other processes cannot inflate."""
    for t in texts[:20]:
        fn(t)
    wall, cpu = [], []
    for t in texts:
        t0, c0 = time.perf_counter(), time.thread_time()
        fn(t)
        wall.append((time.perf_counter() - t0) * 1000)
        cpu.append((time.thread_time() - c0) * 1000)
    return wall, cpu


def report(name: str, times: tuple[list[float], list[float]]) -> None:
    wall, cpu = sorted(times[0]), sorted(times[1])
    p90 = wall[int(len(wall) * 0.9)]
    print(f"{name:<58} median {statistics.median(wall):6.2f} ms  p90 {p90:6.2f} ms  mean {statistics.mean(wall):6.2f} ms"
          f"  | CPU median {statistics.median(cpu):6.2f} ms")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=300)
    ap.add_argument("--profile", action="store_true")
    ap.add_argument("--baseline", action="store_true", help="also time Presidio out of the box")
    ap.add_argument("--splits", default="main,heldout,fresh",
                    help="chat-set splits the messages come from (the issue-22 ones: names,intl)")
    args = ap.parse_args()
    from core.config import apply_offline_env

    apply_offline_env()
    from evals.pii_eval import catalogue_codes
    from guardrails.pii import PiiVault, build_masker

    texts = messages(args.n, args.splits.split(","))
    print(f"{len(texts)} messages from splits {args.splits}, mean length {statistics.mean(map(len, texts)):.0f} chars, "
          f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} / {os.getloadavg()[1]:.1f} (1 / 5 min)")
    t0 = time.perf_counter()
    masker = build_masker(known_product_codes=catalogue_codes())
    print(f"build_masker (Presidio + spaCy load): {time.perf_counter() - t0:.1f} s")
    for mode in ("auto", "never", "always"):
        masker.ner = mode  # type: ignore[assignment]
        before = dict(masker.stats)
        vault = PiiVault("bench")
        times = timed(lambda t, v=vault: masker.mask(t, v), texts)
        runs = masker.stats["ner_runs"] - before["ner_runs"]
        report(f"ours, ner={mode} (spaCy NER on {runs} of {len(texts) + 20} calls)", times)
    if args.baseline:
        from presidio_anonymizer import AnonymizerEngine

        from evals.pii_eval import vanilla_analyzer

        analyzer, anonymizer = vanilla_analyzer(), AnonymizerEngine()
        report("Presidio out of the box (all default recognizers, full spaCy)", timed(
            lambda t: anonymizer.anonymize(text=t, analyzer_results=analyzer.analyze(text=t, language="en")), texts))
    if args.profile:
        masker.ner = "always"
        prof = cProfile.Profile()
        prof.enable()
        for t in texts:
            masker.mask(t)
        prof.disable()
        print("\nprofile, ner=always (cumulative time, top 15):")
        pstats.Stats(prof).sort_stats("cumulative").print_stats(15)


if __name__ == "__main__":
    main()
