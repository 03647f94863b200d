"""The horizon T of a report and the sell-off parameters of a SKU.

All figures are computed as of a date D: T is the instant at which D + 1 begins in the
installation's time zone, and events with ``occurred_at < T`` count. Windows are
counted back from T in whole days of 86,400 seconds (UTC arithmetic, so that summer
time does not move them).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.utils import timezone

from articles.rules import CLOCK_TOLERANCE
from skus.models import SKU

from .amounts import to_cent

# The as-of dates and windows the arithmetic is good for (T - W and T + W stay
# within the calendar of Python and of both databases).
FIRST_AS_OF = dt.date(1900, 1, 1)
LAST_AS_OF = dt.date(9000, 12, 31)
MAX_WINDOW_DAYS = 36_500
# dollar_utilization counts the revenue of the 365 days before T.
DOLLAR_UTILIZATION_DAYS = 365


@dataclass(frozen=True)
class Horizon:
    """The as-of date D and the instant T at which D + 1 begins, in UTC and epoch seconds."""

    day: dt.date
    end: dt.datetime
    epoch: int

    @classmethod
    def of(cls, as_of: dt.date | None) -> Horizon:
        zone = timezone.get_default_timezone()
        day = as_of or timezone.localdate(timezone=zone)
        if not FIRST_AS_OF <= day <= LAST_AS_OF:
            raise ValueError(
                f"The as-of date {day.isoformat()} is out of range; give a date from "
                f"{FIRST_AS_OF.isoformat()} to {LAST_AS_OF.isoformat()}."
            )
        end = timezone.make_aware(
            dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min), zone
        )
        end = end.astimezone(dt.UTC)
        return cls(day=day, end=end, epoch=int(end.timestamp()))

    def is_after_now(self) -> bool:
        """T lies after every moment the ledger may hold (the services refuse moments
        more than ``rules.CLOCK_TOLERANCE`` ahead), as it does for a report as of today."""
        return self.end > timezone.now() + CLOCK_TOLERANCE

    def before(self, days: int) -> dt.datetime:
        """T minus ``days`` × 86,400 seconds (UTC arithmetic, so DST does not move it)."""
        return self.end - dt.timedelta(days=days)


def checked_window(window_days: int | None) -> int | None:
    """``window_days`` if it is a whole number of days the arithmetic is good for."""
    if window_days is None:
        return None
    if (
        isinstance(window_days, bool)
        or not isinstance(window_days, int)
        or not 1 <= window_days <= MAX_WINDOW_DAYS
    ):
        raise ValueError(
            f"The window must be a whole number of days from 1 to {MAX_WINDOW_DAYS}, "
            f"not {window_days!r}."
        )
    return window_days


@dataclass(frozen=True)
class SkuParameters:
    """A SKU's sell-off parameters with the installation defaults filled in."""

    window_days: int
    rate: Decimal
    expected_lifetime_days: int | None
    replacement_price: Decimal | None
    renewal_hurdle: Decimal | None

    @classmethod
    def of(
        cls, sku: SKU, *, window_days: int | None, latest_price: Decimal | None
    ) -> SkuParameters:
        replacement = sku.replacement_price if sku.replacement_price is not None else latest_price
        if sku.renewal_hurdle is not None:
            hurdle: Decimal | None = sku.renewal_hurdle
        elif replacement is not None:
            hurdle = to_cent(replacement * settings.RENEWAL_HURDLE_SHARE)
        else:
            hurdle = None
        return cls(
            # A SKU's window beyond a century is read as a century (the calendar's
            # arithmetic has limits; the figures do not change for any real fleet).
            window_days=min(window_days or sku.effective_selloff_window_days, MAX_WINDOW_DAYS),
            rate=Decimal(sku.effective_depreciation_rate),
            expected_lifetime_days=sku.expected_lifetime_days,
            replacement_price=replacement,
            renewal_hurdle=hurdle,
        )
