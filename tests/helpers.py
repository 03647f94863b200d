"""Instants written the short way, shared by the tests of every app.

Two spellings, because the tests read two kinds of time: the ledger tests play out over
a few days of May 2025 during opening hours (``at(3)`` is 3 May 2025, 10:00), while the
report tests name calendar days around an as-of date (``moment("2025-07-01")`` is the
start of that day). Both are aware, in the installation's time zone.
"""

import datetime as dt

from django.utils import timezone


def at(day: int, hour: int = 10, *, month: int = 5, year: int = 2025) -> dt.datetime:
    """``hour`` o'clock on ``day`` of May 2025 (or of ``month`` and ``year``)."""
    return timezone.make_aware(dt.datetime(year, month, day, hour))


def moment(
    day: dt.date | str, hour: int = 0, minute: int = 0, second: int = 0, microsecond: int = 0
) -> dt.datetime:
    """An instant on ``day`` (a date or ``"YYYY-MM-DD"``)."""
    if isinstance(day, str):
        day = dt.date.fromisoformat(day)
    clock = dt.time(hour, minute, second, microsecond)
    return timezone.make_aware(dt.datetime.combine(day, clock))
