"""Reads of articles for the staff pages: the article list and the start page.

"On order" is an open usage (SPEC.md "Vocabulary"): a rental or subscription that has
started and has no end. An article has at most one (usages of one article never
overlap), so its start, reference and due date are read with one correlated subquery
each, for the rows of a page only. "Due back today" and "overdue" are about that open
usage's ``due_at``: today in the installation's time zone, and already past.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import (
    Count,
    Exists,
    F,
    OrderBy,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Concat
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


def by_number(*, searched: bool, descending: bool = False) -> OrderBy:
    """Articles by number; among the matches of a text search, by the number as a value
    computed per row, which no index holds (the same order).

    Numbers begin with their SKU's code, so the matches of a search for part of one
    (``TENT-``) sit together in the number index, often near its end. Read in the
    index's order, PostgreSQL walks every article before them to fill a page (150 ms
    at 100,000 articles); sorting the matches it finds by their trigram indexes takes
    20 ms. Without a search, the index's order is the fast one."""
    number = Concat("number", Value("")) if searched else F("number")
    return number.desc() if descending else number.asc()


def open_usages() -> QuerySet[Event]:
    """The outer article's open order: its usages open now. Now, as for
    ``Article.objects.on_order()``, that is a usage without an end (the ledger holds no
    moment in the future), the condition of the partial index on open usages; an
    explicit moment would make PostgreSQL probe the ledger once per article."""
    return Event.objects.usages().open().filter(article_id=OuterRef("pk"))


def due_today(moments: Moments) -> Exists:
    """The outer article's open usage is due back today (already past or not)."""
    return Exists(
        open_usages().filter(due_at__gte=moments.today_starts, due_at__lt=moments.tomorrow_starts)
    )


def overdue(moments: Moments) -> Exists:
    """The outer article's open usage is past its due date."""
    return Exists(open_usages().filter(due_at__lt=moments.now))


def on_order(moments: Moments) -> Exists:
    return Exists(open_usages())


def article_list(*, moments: Moments | None = None) -> QuerySet[Article]:
    """Every article with its SKU and store, and its open order if it is on order:
    ``on_order_since``, ``on_order_reference``, ``on_order_due`` (empty in stock)."""
    moments = moments or Moments.current()
    order = open_usages().order_by("-occurred_at")
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
    """The start page's counts in two statements: all articles and each status, then
    those on order now, due back today and overdue, counted over the open usages (a
    few thousand rows of the partial index, not a probe per article; an article has
    at most one open usage)."""
    moments = moments or Moments.current()
    # Grouped by status: an index-only scan of an index that holds it, not the table.
    found = dict(Article.objects.order_by().values_list("status").annotate(count=Count("*")))
    counts = {status.value: found.get(status.value, 0) for status in Status}
    counts["articles"] = sum(counts.values())
    orders = (
        Event.objects.usages()
        .open()
        # Counting rows and due dates, not ids: the partial index on the open usages'
        # due dates answers alone (an index-only scan), without a visit to each event.
        .aggregate(
            on_order=Count("*"),
            due_today=Count("due_at", filter=_due_today(moments)),
            overdue=Count("due_at", filter=Q(due_at__lt=moments.now)),
        )
    )
    return counts | orders


def _due_today(moments: Moments) -> Q:
    return Q(due_at__gte=moments.today_starts, due_at__lt=moments.tomorrow_starts)


# The start page's lists: which open usages put an article on each, and the order it is
# listed in (out of use is read from the articles).
ATTENTION_ORDERS: dict[str, tuple[Callable[[Moments], Q], tuple[str, ...]]] = {
    "on_order": (lambda moments: Q(), ("occurred_at", "article__number")),
    "due_today": (_due_today, ("due_at", "article__number")),
    "overdue": (lambda moments: Q(due_at__lt=moments.now), ("due_at", "article__number")),
}


def articles_needing_attention(
    *, shown: int, moments: Moments | None = None
) -> dict[str, list[dict[str, Any]]]:
    """The first ``shown`` articles of each start-page list: on order now (longest out
    first), due back today and overdue (earliest due first), out of use (by number).
    Each a dict of ``number``, ``on_order_since``, ``on_order_due`` and
    ``on_order_reference``.

    Four statements, each reading only what its list needs: the open usages from
    their partial index, the articles out of use from theirs.
    """
    moments = moments or Moments.current()
    lists: dict[str, list[dict[str, Any]]] = {}
    for key, (condition, order) in ATTENTION_ORDERS.items():
        usages = Event.objects.usages().open().filter(condition(moments)).order_by(*order)
        lists[key] = list(
            usages.values(
                number=F("article__number"),
                on_order_since=F("occurred_at"),
                on_order_due=F("due_at"),
                on_order_reference=F("reference"),
            )[:shown]
        )
    out_of_use = article_list(moments=moments).filter(status=Status.OUT_OF_USE)
    # (django-stubs does not follow article_list()'s annotations through its return type.)
    fields = ("number", "on_order_since", "on_order_due", "on_order_reference")
    lists["out_of_use"] = list(out_of_use.values(*fields)[:shown])
    return lists
