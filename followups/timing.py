"""When an abandoned visit's e-mail falls due: by default the next working day at 09:00 in the shop's time zone
(Saturdays, Sundays and the country's public holidays off, from the maintained ``holidays`` package), or a fixed
number of hours after the visit. Pure functions of the settings."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from functools import cache
from zoneinfo import ZoneInfo

from core.config import Settings

MAX_DAYS_OFF = 14
"""No run of days off is longer (guards the loop against a misconfigured calendar)."""


@cache
def _holidays(country: str, year: int) -> frozenset[date]:
    import holidays

    return frozenset(holidays.country_holidays(country, years=year).keys())


def is_working_day(day: date, country: str | None) -> bool:
    """True for Monday to Friday that is no public holiday of ``country`` (None: no holidays)."""
    if day.weekday() >= 5:
        return False
    return country is None or day not in _holidays(country, day.year)


def next_working_day(day: date, country: str | None) -> date:
    """Return the first working day after ``day``."""
    for step in range(1, MAX_DAYS_OFF + 2):
        candidate = day + timedelta(days=step)
        if is_working_day(candidate, country):
            return candidate
    raise ValueError(f"no working day within {MAX_DAYS_OFF} days after {day}")


def due_time(visit_ended_at: datetime, settings: Settings) -> datetime:
    """Return when the e-mail of a visit that ended at ``visit_ended_at`` falls due (UTC): ``followup_delay_hours``
    after it, or (default) the next working day at ``followup_send_time`` in ``shop_timezone``."""
    ended = visit_ended_at if visit_ended_at.tzinfo else visit_ended_at.replace(tzinfo=UTC)
    if settings.followup_delay_hours is not None:
        return (ended + timedelta(hours=settings.followup_delay_hours)).astimezone(UTC)
    zone = ZoneInfo(settings.shop_timezone)
    local_day = ended.astimezone(zone).date()
    day = next_working_day(local_day, settings.shop_holidays)
    return datetime.combine(day, settings.followup_send_time, tzinfo=zone).astimezone(UTC)


def longest_delay(settings: Settings) -> timedelta:
    """Return an upper bound of the delay between a visit's end and its due time (the planner reads visits that
    ended this long before the planning window)."""
    if settings.followup_delay_hours is not None:
        return timedelta(hours=settings.followup_delay_hours)
    return timedelta(days=MAX_DAYS_OFF + 2)
