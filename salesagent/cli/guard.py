"""CLI commands of this area; registered on import by ``salesagent.cli``.

``salesagent mask``: JSON lines ``{"text": ...}`` on stdin -> ``{"text": masked, "entities": [...]}`` on stdout,
in the same order, offsets in the input text. Blank lines are skipped. A line that is not a JSON object with a
string ``text`` stops the run: earlier results stay written, one error line naming the line number goes to
stderr, and the exit code is 2 (InputError).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from core.errors import InputError
from salesagent.cli._app import app


def _read_codes(path: Path | None) -> list[str]:
    if path is None:
        return []
    try:
        return [ln.strip() for ln in path.read_text(encoding="utf-8").splitlines() if ln.strip()]
    except OSError as exc:
        raise InputError(f"cannot read product codes from {path}: {exc.strerror}") from exc


@app.command("mask")
def mask_command(
    codes: Annotated[Path | None, typer.Option(help="File with the catalogue's SKUs/EANs, one per line (kept verbatim).")] = None,
    per_line: Annotated[bool, typer.Option("--per-line", help="Number placeholders per line instead of per stream.")] = False,
    ner: Annotated[str, typer.Option(help="spaCy NER: auto | always | never.")] = "auto",
) -> None:
    """Mask personal data in JSON lines read from stdin; product codes survive."""
    from core.config import get_settings
    from guardrails.pii import PiiVault, build_masker

    if ner not in ("auto", "always", "never"):
        raise InputError(f"--ner must be auto, always or never (got {ner!r})")
    masker = build_masker(get_settings(), known_product_codes=_read_codes(codes), ner=ner)  # type: ignore[arg-type]
    vault = PiiVault("cli")
    out = sys.stdout
    for lineno, raw in enumerate(sys.stdin, start=1):
        if not raw.strip():
            continue
        try:
            obj = json.loads(raw)
        except json.JSONDecodeError as exc:
            raise InputError(f"line {lineno}: not valid JSON ({exc.msg} at column {exc.colno})") from exc
        if not isinstance(obj, dict) or not isinstance(obj.get("text"), str):
            raise InputError(f'line {lineno}: expected an object like {{"text": "..."}}')
        result = masker.mask(obj["text"], PiiVault("line") if per_line else vault)
        out.write(json.dumps(result.model_dump(), ensure_ascii=False) + "\n")
        out.flush()
