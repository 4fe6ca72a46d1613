"""When a visit's e-mail falls due: the next working day at 09:00 in the shop's time zone (weekends and Polish
public holidays off, summer and winter time), or a fixed delay."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from fu_world import make_settings

from followups.timing import due_time, is_working_day, next_working_day


@pytest.mark.parametrize(("ended", "due"), [
    (datetime(2026, 11, 16, 13, 0, tzinfo=UTC), datetime(2026, 11, 17, 8, 0, tzinfo=UTC)),  # Mon -> Tue 09:00 CET
    (datetime(2026, 11, 20, 15, 0, tzinfo=UTC), datetime(2026, 11, 23, 8, 0, tzinfo=UTC)),  # Fri -> Mon
    (datetime(2026, 11, 10, 12, 0, tzinfo=UTC), datetime(2026, 11, 12, 8, 0, tzinfo=UTC)),  # 11 Nov is a holiday
    (datetime(2026, 12, 23, 12, 0, tzinfo=UTC), datetime(2026, 12, 28, 8, 0, tzinfo=UTC)),  # 24-26 Dec, weekend
    (datetime(2026, 6, 15, 12, 0, tzinfo=UTC), datetime(2026, 6, 16, 7, 0, tzinfo=UTC)),  # summer time: 07:00 UTC
    (datetime(2026, 11, 16, 23, 30, tzinfo=UTC), datetime(2026, 11, 18, 8, 0, tzinfo=UTC)),  # already Tue in Warsaw
])
def test_next_working_day_at_nine_in_warsaw(tmp_path: Path, ended: datetime, due: datetime) -> None:
    assert due_time(ended, make_settings(tmp_path)) == due


def test_a_fixed_delay_and_another_time_zone_and_no_holidays(tmp_path: Path) -> None:
    ended = datetime(2026, 11, 10, 12, 0, tzinfo=UTC)
    assert due_time(ended, make_settings(tmp_path, followup_delay_hours=4)) == datetime(2026, 11, 10, 16, 0, tzinfo=UTC)
    no_holidays = make_settings(tmp_path, shop_holidays="", shop_timezone="Europe/London", followup_send_time="10:30")
    assert due_time(ended, no_holidays) == datetime(2026, 11, 11, 10, 30, tzinfo=UTC)


def test_working_days() -> None:
    assert not is_working_day(date(2026, 5, 1), "PL") and not is_working_day(date(2026, 5, 3), "PL")
    assert is_working_day(date(2026, 5, 4), "PL") and is_working_day(date(2026, 11, 11), None)
    assert next_working_day(date(2026, 4, 3), "PL") == date(2026, 4, 7)  # Easter Monday 6 April


def test_a_bad_time_zone_is_refused_with_one_line(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="is no time zone"):
        make_settings(tmp_path, shop_timezone="Mars/Olympus")
