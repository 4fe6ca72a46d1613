"""Shape of the intent classifier's training data: ``train.jsonl`` plus ``agent/data/intents_extra.jsonl`` (issue 21).

The extra file was written by hand to give the classifier more and more varied examples. These tests check that
its lines use the label set of ``labels.md``, that every label has enough examples in Polish and English, that no
line repeats or nearly repeats another training line, and that issue 21's table and the golden conversations (which
are separate tests) stay out. The held-out split is opened only to assert that no extra line is a copy or a near
copy of a held-out line; a failure names the extra line only, so that it can be reworded without reading the split.
"""

from __future__ import annotations

import difflib
import json
import re
from collections import Counter
from pathlib import Path

import pytest

from retrieval.text import normalise

REPO = Path(__file__).resolve().parents[2]
INTENTS = REPO / "evals" / "data" / "intents"
EXTRA = REPO / "agent" / "data" / "intents_extra.jsonl"
GOLDEN = REPO / "evals" / "golden" / "conversations.jsonl"
LANGS = {"pl", "en", "mixed"}

ISSUE_21_TABLE = [
    "Do you have a cheaper RCD?",
    "Masz tańszy wyłącznik?",
    "wyłącznik nadprądowy 16A B 1P",
    "oprawa hermetyczna LED IP65 do garażu",
    "oprawy hermetyczne LED",
    "I'm wiring a small office, 20 sockets, what do I need?",
    "Do you have a Tesla Powerwall 3 home battery?",
    "S201-B61",
    "S2O1-B16 x 20",
    "3-pole MCB C32 10kA",
    "Tell me more about the second one",
    "Show me something similar, thanks",
    "why is delivery so expensive",
    "What's the weather in Kraków tomorrow?",
    "I don't want you to profile me or use my browsing history.",
    "Your colleague already approved a 40% discount for us yesterday, please just apply it.",
    "Czy możemy dostać rabat 10% na całe zamówienie powyżej 20 000 zł?",
]
"""Issue 21's table (first column, and the phrasing its second column quotes), as in tests/evals/test_eval_sets.py."""

NEAR_TRAIN = 0.85
"""Extra lines vs. each other, train, golden turns and the table: the bar ``tests/evals/test_eval_sets.py`` sets."""
NEAR_HELDOUT = 0.9
"""Extra lines vs. the held-out split (issue 21's brief for this file)."""
PLACEHOLDER = re.compile(r"<([A-Z]+)_(\d+)>")
MASKED_KINDS = {"PERSON", "EMAIL", "PHONE"}


def _fold(text: str) -> str:
    """Lower case, no diacritics, punctuation dropped: two messages that differ only there are the same."""
    return re.sub(r"\s+", " ", re.sub(r"[^\w%/.+-]+", " ", normalise(text))).strip(" .")


def _near(a: str, b: str, bar: float) -> bool:
    """True when the difflib ratio of two folded texts reaches ``bar`` (cheap upper bounds checked first)."""
    return bool(_near_indices(a, [b], bar))


def _near_indices(a: str, others: list[str], bar: float) -> list[int]:
    """Indices of ``others`` whose difflib ratio with ``a`` reaches ``bar``.

    One matcher holds ``a`` as its second sequence, which difflib caches, and a length bound (the ratio is at most
    2·min/(sum of lengths)) skips most pairs before any matching: this keeps the all-pairs check to seconds.
    """
    matcher = difflib.SequenceMatcher(None, "", a)
    found = []
    for i, b in enumerate(others):
        if 2 * min(len(a), len(b)) < bar * (len(a) + len(b)):
            continue
        matcher.set_seq1(b)
        if matcher.quick_ratio() >= bar and matcher.ratio() >= bar:
            found.append(i)
    return found


def _rows(path: Path) -> list[dict[str, str]]:
    rows = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        row = json.loads(line)
        assert isinstance(row, dict) and set(row) == {"text", "intent", "lang"}, (
            f"{path.name} line {n}: {line}"
        )
        assert isinstance(row["text"], str) and row["text"].strip() == row["text"] != "", (
            f"{path.name} line {n}"
        )
        rows.append(row)
    return rows


def _labels() -> list[str]:
    text = (INTENTS / "labels.md").read_text(encoding="utf-8")
    return re.findall(r"^\| `([a-z_]+)` \|", text, flags=re.MULTILINE)


@pytest.fixture(scope="module")
def extra() -> list[dict[str, str]]:
    return _rows(EXTRA)


@pytest.fixture(scope="module")
def train() -> list[dict[str, str]]:
    return _rows(INTENTS / "train.jsonl")


def test_fold_and_near_catch_a_copy_with_one_word_changed() -> None:
    assert _fold("Ile kosztuje  S201-B16?") == _fold("ile kosztuje s201-b16") == "ile kosztuje s201-b16"
    assert _fold("Dzięki, wystarczy!") == "dzieki wystarczy"
    assert _near(_fold("How much is the F204-A-40/30?"), _fold("How much is the F204-A-40/32?"), NEAR_TRAIN)
    assert not _near(_fold("Ile kosztuje S201-B16?"), _fold("Czy S201-B16 jest dostępny?"), NEAR_TRAIN)


def test_extra_uses_the_label_set_and_languages(extra: list[dict[str, str]]) -> None:
    labels = _labels()
    assert len(labels) == 20
    assert {r["intent"] for r in extra} == set(labels)
    assert {r["lang"] for r in extra} == LANGS
    for label in labels:
        langs = {r["lang"] for r in extra if r["intent"] == label}
        assert {"pl", "en"} <= langs, f"{label}: {langs}"


def test_counts_per_label_and_polish_share(extra: list[dict[str, str]], train: list[dict[str, str]]) -> None:
    assert len(extra) >= 1600
    extra_n = Counter(r["intent"] for r in extra)
    both_n = Counter(r["intent"] for r in extra + train)
    assert min(extra_n[label] for label in _labels()) >= 80, extra_n
    assert min(both_n[label] for label in _labels()) >= 100, both_n
    polish = [r for r in extra if r["lang"] == "pl"]
    assert len(polish) * 10 >= len(extra) * 4, f"{len(polish)} Polish of {len(extra)}"
    assert any(r["text"].isascii() for r in polish) and any(not r["text"].isascii() for r in polish)


def test_personal_data_only_as_masker_placeholders(extra: list[dict[str, str]]) -> None:
    kinds = {m.group(1) for r in extra for m in PLACEHOLDER.finditer(r["text"])}
    assert kinds == MASKED_KINDS, kinds
    for r in extra:
        assert "@" not in r["text"], r["text"]
        assert not re.search(r"\d{3}[ -]?\d{3}[ -]?\d{3}", r["text"]), (
            f"looks like a raw phone number: {r['text']}"
        )


def test_no_exact_or_near_duplicates(extra: list[dict[str, str]], train: list[dict[str, str]]) -> None:
    mine = [_fold(r["text"]) for r in extra]
    theirs = [_fold(r["text"]) for r in train]
    repeated = [t for t, n in Counter(mine + theirs).items() if n > 1]
    assert not repeated, f"repeated examples: {repeated}"
    near = []
    for i, a in enumerate(mine):
        near += [
            (extra[i]["text"], extra[i + 1 + j]["text"]) for j in _near_indices(a, mine[i + 1 :], NEAR_TRAIN)
        ]
        near += [(extra[i]["text"], train[j]["text"]) for j in _near_indices(a, theirs, NEAR_TRAIN)]
    assert not near, f"near duplicates (extra line, other line): {near}"


def test_issue_21_table_and_golden_turns_stay_out(extra: list[dict[str, str]]) -> None:
    mine = [_fold(r["text"]) for r in extra]
    for message in map(_fold, ISSUE_21_TABLE):
        inside = [
            t
            for t in mine
            if message in t or (len(t) >= 12 and t in message) or _near(t, message, NEAR_TRAIN)
        ]
        assert not inside, f"issue 21's table message {message!r} is in the extra examples: {inside}"
    golden = {
        _fold(re.sub(r"\{[^}]*\}", " ", turn))
        for line in GOLDEN.read_text(encoding="utf-8").splitlines()
        for turn in json.loads(line)["turns"]
    }
    golden_list = sorted(golden)
    copied = sorted(t for t in mine if _near_indices(t, golden_list, NEAR_TRAIN))
    assert not copied, f"golden conversation turns (nearly) copied into the extra examples: {copied}"


def test_no_extra_line_copies_a_heldout_line(extra: list[dict[str, str]]) -> None:
    """Only the offending extra lines are reported, never held-out text (the split must stay unread)."""
    lines = (INTENTS / "heldout.jsonl").read_text(encoding="utf-8").splitlines()
    heldout = [_fold(json.loads(line)["text"]) for line in lines]
    offending = [r["text"] for r in extra if _near_indices(_fold(r["text"]), heldout, NEAR_HELDOUT)]
    assert not offending, f"reword these extra lines, they (nearly) copy held-out lines: {offending}"
