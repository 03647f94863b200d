"""Reads of articles for the staff pages: the article list and the start page.

"On order" is an open usage (SPEC.md "Vocabulary"): a rental or subscription that has
started and has no end. An article has at most one (usages of one article never
overlap), so its start, reference and due date are read with one correlated subquery
each, for the rows of a page only. "Due back today" and "overdue" are about that open
usage's ``due_at``: today in the installation's time zone, and already past.
"""

import datetime as dt
from dataclasses import dataclass
from operator import itemgetter
from typing import Any

from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Window,
)
from django.db.models.functions import RowNumber
from django.utils import timezone

from .models import Article, Event, Status


@dataclass(frozen=True)
class Moments:
    """Now, and the day around it in the installation's time zone: "due today" is
    ``today_starts <= due_at < tomorrow_starts``."""

    now: dt.datetime
    today_starts: dt.datetime
    tomorrow_starts: dt.datetime

    @classmethod
    def current(cls) -> "Moments":
        now = timezone.now()
        today = timezone.localdate(now)
        zone = timezone.get_current_timezone()

        def start(day: dt.date) -> dt.datetime:
            return timezone.make_aware(dt.datetime.combine(day, dt.time()), zone)

        return cls(
            now=now, today_starts=start(today), tomorrow_starts=start(today + dt.timedelta(1))
        )


def open_usages(*, at: dt.datetime | None = None) -> QuerySet[Event]:
    """Usages open at ``at`` (default: now) of the outer article: its open order."""
    return Event.objects.usages().open_at(at or timezone.now()).filter(article_id=OuterRef("pk"))


def due_today(moments: Moments) -> Exists:
    """The outer article's open usage is due back today (already past or not)."""
    return Exists(
        open_usages(at=moments.now).filter(
            due_at__gte=moments.today_starts, due_at__lt=moments.tomorrow_starts
        )
    )


def overdue(moments: Moments) -> Exists:
    """The outer article's open usage is past its due date."""
    return Exists(open_usages(at=moments.now).filter(due_at__lt=moments.now))


def on_order(moments: Moments) -> Exists:
    return Exists(open_usages(at=moments.now))


def article_list(*, moments: Moments | None = None) -> QuerySet[Article]:
    """Every article with its SKU and store, and its open order if it is on order:
    ``on_order_since``, ``on_order_reference``, ``on_order_due`` (empty in stock)."""
    moments = moments or Moments.current()
    order = open_usages(at=moments.now).order_by("-occurred_at")
    return (
        Article.objects.with_list_relations()
        .annotate(
            on_order_since=Subquery(order.values("occurred_at")[:1]),
            on_order_reference=Subquery(order.values("reference")[:1]),
            on_order_due=Subquery(order.values("due_at")[:1]),
        )
        .order_by("number")
    )


def fleet_counts(*, moments: Moments | None = None) -> dict[str, int]:
    """The start page's counts in one statement: all articles, each status, those on
    order now, due back today and overdue."""
    moments = moments or Moments.current()
    by_status = {status.value: Count("pk", filter=Q(status=status.value)) for status in Status}
    return Article.objects.aggregate(
        articles=Count("pk"),
        **by_status,
        on_order=Count("pk", filter=Q(on_order(moments))),
        due_today=Count("pk", filter=Q(due_today(moments))),
        overdue=Count("pk", filter=Q(overdue(moments))),
    )


# The start page's lists: what puts an article on each, and the order it is listed in.
ATTENTION_ORDER: dict[str, tuple[str, ...]] = {
    "on_order": ("on_order_since", "number"),
    "due_today": ("on_order_due", "number"),
    "overdue": ("on_order_due", "number"),
    "out_of_use": ("number",),
}


def articles_needing_attention(
    *, shown: int, moments: Moments | None = None
) -> dict[str, list[dict[str, Any]]]:
    """The first ``shown`` articles of each start-page list (``ATTENTION_ORDER``): on
    order now (longest out first), due back today and overdue (earliest due first),
    out of use (by number). Each a dict of ``number``, ``on_order_since``,
    ``on_order_due`` and ``on_order_reference``.

    One statement for all four lists: a row number per list (a window over the
    articles on that list) picks the first few of each.
    """
    moments = moments or Moments.current()
    flags: dict[str, Any] = {
        "on_order": on_order(moments),
        "due_today": due_today(moments),
        "overdue": overdue(moments),
        "out_of_use": ExpressionWrapper(Q(status=Status.OUT_OF_USE), output_field=BooleanField()),
    }
    ranks = {
        f"rank_{key}": Window(
            RowNumber(), partition_by=[F(f"is_{key}")], order_by=[F(name) for name in order]
        )
        for key, order in ATTENTION_ORDER.items()
    }
    wanted = Q()
    for key in ATTENTION_ORDER:
        wanted |= Q(**{f"is_{key}": True, f"rank_{key}__lte": shown})
    rows = (
        article_list(moments=moments)
        .annotate(**{f"is_{key}": flag for key, flag in flags.items()})
        .filter(Q(is_on_order=True) | Q(is_out_of_use=True))
        .annotate(**ranks)
        .filter(wanted)
        .values(
            "number",
            "on_order_since",
            "on_order_due",
            "on_order_reference",
            *(f"is_{key}" for key in ATTENTION_ORDER),
            *ranks,
        )
    )
    lists: dict[str, list[dict[str, Any]]] = {key: [] for key in ATTENTION_ORDER}
    for row in rows:
        for key, listed in lists.items():
            if row[f"is_{key}"] and row[f"rank_{key}"] <= shown:
                listed.append(row)
    for key, listed in lists.items():
        listed.sort(key=itemgetter(f"rank_{key}"))
    return lists
