"""The golden conversations on the real demo data with the rule planner (acceptance: >= 95% of properties)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from evals.golden.runner import ALWAYS, format_reports, load_cases, run_golden
from salesagent.config import Settings, apply_offline_env


@pytest.fixture(scope="module")
def demo_resources(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    from salesagent.wiring import build_resources
    from store.db import create_all, make_engine
    from store.demo import generate_demo

    settings = Settings(data_dir=Path(tmp_path_factory.mktemp("golden")) / "var", _env_file=None,  # type: ignore[call-arg]
                        llm_base_url=None)
    settings.ensure_dirs()
    apply_offline_env(settings)
    engine = make_engine(settings)
    create_all(engine)
    generate_demo(settings, engine, seed=42)
    res = build_resources(settings, engine=engine)
    yield res
    res.close()


@pytest.mark.slow
@pytest.mark.timeout(1800)
def test_planner_passes_the_golden_set(demo_resources: Any, capsys: pytest.CaptureFixture[str]) -> None:
    cases = load_cases()
    assert len(cases) >= 40
    report = run_golden(demo_resources, cases, label="planner")
    with capsys.disabled():
        print("\n" + format_reports([report]))
    assert report.overall() >= 0.95, report.as_dict()["failures"]
    rates = report.rates()
    for prop in ALWAYS:
        passed, checked = rates[prop]
        assert passed == checked == len(cases), f"{prop}: {report.as_dict()['failures']}"
