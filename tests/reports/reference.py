"""A deliberately naive reading of SPEC.md's per-article figures, written straight
from the text: it loads each article's events into Python and adds them up one by one.

It is far too slow for a report, which is the point: it shares no code with
``reports.selectors``, so agreeing with it on a whole demo fleet is evidence that the
SQL computes what the SPEC says.
"""

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from articles.models import Article, EventKind

USAGE = {EventKind.RENTAL, EventKind.SUBSCRIPTION}
FACTORS = {
    "new": Decimal("1.00"),
    "like_new": Decimal("0.85"),
    "good": Decimal("0.70"),
    "fair": Decimal("0.50"),
    "poor": Decimal("0.25"),
}
DAY = Decimal(86400)


def instant(day: dt.date) -> dt.datetime:
    """The instant ``day`` begins locally, in UTC: Python subtracts two times of one
    zone by their wall clocks, which across a change of daylight saving time is an
    hour off the real elapsed time that SPEC.md counts."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min)).astimezone(dt.UTC)


def seconds(delta: dt.timedelta) -> Decimal:
    return Decimal(delta.days * 86400 + delta.seconds) + Decimal(delta.microseconds) / 10**6


def article_figures_by_hand(article: Article, as_of: dt.date) -> dict:
    T = instant(as_of + dt.timedelta(days=1))
    P = instant(article.purchased_on)
    E = min(article.disposed_at, T) if article.disposed_at else T
    events = sorted(
        (e for e in article.events.all() if e.occurred_at < T), key=lambda e: (e.occurred_at, e.pk)
    )
    price = article.purchase_price
    usage_seconds = Decimal(0)
    for event in events:
        if event.kind in USAGE:
            start = max(event.occurred_at, P)
            end = min(event.ended_at or T, E)
            if end > start:
                usage_seconds += seconds(end - start)
    owned = max(Decimal(0), seconds(E - P))
    revenue = sum((e.revenue for e in events if e.kind != EventKind.SALE), Decimal(0))
    expenses = sum((e.cost for e in events), Decimal(0))
    net = revenue - expenses
    sale_proceeds = sum((e.revenue for e in events if e.kind == EventKind.SALE), Decimal(0))
    paid_back_on, running = None, Decimal(0)
    if price > 0:
        for event in events:
            running += (event.revenue if event.kind != EventKind.SALE else 0) - event.cost
            if running >= price:
                paid_back_on = timezone.localdate(event.occurred_at)
                break
    year_ago = T - dt.timedelta(days=365)
    last_year = sum(
        (e.revenue for e in events if e.occurred_at >= year_ago and e.kind != EventKind.SALE),
        Decimal(0),
    )
    age = max(Decimal(0), seconds(T - P) / DAY)
    rate = article.sku.effective_depreciation_rate
    disposed_before_t = article.disposed_at is not None and article.disposed_at < T
    value = (
        Decimal(0)
        if disposed_before_t
        else price * (1 - Decimal(rate)) ** (age / 365) * FACTORS[article.condition]
    )
    return {
        "number": article.number,
        "usage_count": sum(1 for e in events if e.kind in USAGE),
        "usage_days": usage_seconds / DAY,
        "owned_days": owned / DAY,
        "utilization": usage_seconds / owned if owned else Decimal(0),
        "revenue": revenue,
        "expenses": expenses,
        "net": net,
        "payback_ratio": net / price if price else None,
        "paid_back_on": paid_back_on,
        "sale_proceeds": sale_proceeds,
        "lifetime_profit": net + sale_proceeds - price,
        "dollar_utilization": last_year / price if price else None,
        "estimated_value": value,
    }
