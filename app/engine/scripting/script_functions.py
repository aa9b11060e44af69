"""Date functions that diagram scripts may call (the only functions offered besides safe builtins).

Dates travel through task data as ISO strings ("2026-10-08"); timer expressions need an aware ISO
datetime, which ``end_of_day`` gives in Beijing time. None of these read the clock, so replaying a
history computes the same dates.
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta

_BEIJING_OFFSET = "+08:00"


def _as_date(value: str) -> date:
    return date.fromisoformat(str(value)[:10])


def add_months(day: str, months: int) -> str:
    """The same day `months` later (or earlier), kept within the month: 2026-01-31 + 1 → 2026-02-28."""
    start = _as_date(day)
    index = start.month - 1 + int(months)
    year, month = start.year + index // 12, index % 12 + 1
    last = calendar.monthrange(year, month)[1]
    return date(year, month, min(start.day, last)).isoformat()


def add_days(day: str, days: int) -> str:
    return (_as_date(day) + timedelta(days=int(days))).isoformat()


def months_inclusive(first_month: str, last_month: str) -> int:
    """Months from one YYYY-MM to another, both included: 2026-07 … 2028-06 is 24."""
    first_year, first = (int(part) for part in str(first_month)[:7].split("-"))
    last_year, last = (int(part) for part in str(last_month)[:7].split("-"))
    return (last_year - first_year) * 12 + (last - first) + 1


def end_of_day(day: str) -> str:
    """The last second of the day in Beijing time, as a timer's ISO datetime."""
    return f"{_as_date(day).isoformat()}T23:59:59{_BEIJING_OFFSET}"


SCRIPT_FUNCTIONS = {
    "add_months": add_months,
    "add_days": add_days,
    "months_inclusive": months_inclusive,
    "end_of_day": end_of_day,
}
