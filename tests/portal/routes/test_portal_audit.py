"""The staff page /ui/audit (issue 23): the stored equality audits, the latest month's flags, groups and plots as
PNG images (the pages' CSP allows no inline style), staff only; bad or unknown months are clear 4xx."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from page_client import login
from sqlmodel import Session

from core.config import Settings, apply_offline_env
from oversight.equality import AuditOptions, audit
from oversight.report import show, show_gap
from store import oversight as store
from store.db import create_all, make_engine
from tests.oversight.oversight_world import MONTH, NOW, Bias, build_audit_world


@pytest.fixture(scope="module")
def biased_report(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """An audit with one flag (śląskie's requests approved less often), computed on its own small store."""
    settings = Settings(data_dir=Path(tmp_path_factory.mktemp("audit-page")) / "var",  # type: ignore[call-arg]
                        _env_file=None)
    settings.ensure_dirs()
    apply_offline_env(settings)
    engine = make_engine(settings)
    create_all(engine)
    build_audit_world(engine, seed=12, bias=Bias("region", "śląskie", 0.35))
    with Session(engine) as s:
        report = audit(s, month=MONTH, options=AuditOptions(n_bootstrap=300, n_permutations=999), now=NOW)
    engine.dispose()
    data = report.to_dict()
    assert [(f["dimension"], f["metric"]) for f in data["flags"]] == [("region", "approval_share")]
    return data


def _store(world: Any, month: str, details: dict[str, Any]) -> int:
    with Session(world.engine) as s:
        row = store.add_equality_audit(s, month=month, report=details, actor="test")
        s.commit()
        assert row.id is not None
        return row.id


def test_the_audit_page_is_for_staff_and_says_when_nothing_is_stored(app: Any, world: Any, tokens: Any) -> None:
    with Session(world.engine) as s:
        assert store.equality_audits(s) == []  # this module is the only one storing audits in the portal world
    staff = login(app, tokens["sales"])
    page = staff.get("/ui/audit")
    assert page.status_code == 200, page.text
    assert 'id="audit-empty"' in page.text and "salesagent audit equality" in page.text
    assert login(app, tokens["a"]).get("/ui/audit").status_code == 403
    r = TestClient(app, follow_redirects=False).get("/ui/audit")
    assert r.status_code == 303 and r.headers["location"] == "/"


def test_the_page_shows_the_latest_months_flags_groups_and_plots(app: Any, world: Any, tokens: Any,
                                                                 biased_report: dict[str, Any]) -> None:
    older = dict(biased_report, month="2026-09", flags=[])
    old_id = _store(world, "2026-09", older)
    new_id = _store(world, MONTH, biased_report)
    staff = login(app, tokens["admin"])
    html = staff.get("/ui/audit").text
    assert f"Equality audit · {MONTH}" in html
    flag = biased_report["flags"][0]
    unit = biased_report["metrics"]["approval_share"]["unit"]
    box = re.search(r'<section class="audit-flag" id="flag-1"(.*?)</section>', html, re.DOTALL)
    assert box is not None, html
    body = box.group(1)
    assert f'data-gap="{flag["gap"]}"' in body
    assert f'<span class="gap">{show_gap(flag["gap"], unit)}</span>' in body
    assert f'<dd class="worse">{flag["disadvantaged"]}</dd>' in body
    assert 'id="fig-region-approval_share"><img src="data:image/png;base64,' in body
    assert 'id="fig-overview"><img src="data:image/png;base64,' in html
    assert "<svg" not in html and "style=" not in html  # nothing the CSP would block
    low = biased_report["groups"]["region"][flag["groups"][0]]["approval_share"]
    assert f'data-value="{low}">{show(low, unit)}</td>' in html
    # both runs listed, newest first, the shown one marked
    runs = re.findall(r'<tr data-run="(\d+)"( class="chosen")?>', html)
    assert [int(r) for r, _ in runs][:2] == [new_id, old_id] and runs[0][1]
    # an older month by its link
    html = staff.get("/ui/audit", params={"month": "2026-09", "run": old_id}).text
    assert "Equality audit · 2026-09" in html and 'id="audit-no-flags"' in html


@pytest.mark.parametrize(("params", "status"), [({"month": "2026-13"}, 422), ({"month": "October"}, 422),
                                                ({"month": "1999-01"}, 404), ({"run": "0"}, 422),
                                                ({"run": "2147483647"}, 404)])
def test_bad_or_unknown_months_are_clear_client_errors(app: Any, tokens: Any, params: dict[str, str],
                                                       status: int) -> None:
    r = login(app, tokens["sales"]).get("/ui/audit", params=params)
    assert r.status_code == status, r.text
    assert "Traceback" not in r.text


def test_a_stored_run_of_an_older_shape_is_reported_not_a_500(app: Any, world: Any, tokens: Any) -> None:
    run = _store(world, "2030-01", {"month": "2030-01", "flags": "not a list"})
    r = login(app, tokens["sales"]).get("/ui/audit", params={"month": "2030-01"})
    assert r.status_code == 200, r.text
    assert 'id="audit-error"' in r.text and f"stored audit {run} (2030-01) cannot be read" in r.text
